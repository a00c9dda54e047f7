#!/usr/bin/env bash
# Sluice's benchmarks. From the repository root:
#   bench/run.sh --quick   the end-to-end harness, a few minutes (writes bench/target/report.md and bench/target/bench-result.json;
#                          BENCHMARKS.md is the dated record, written by hand from such reports)
#   bench/run.sh --full    the same with ten times the rows
#   bench/run.sh --quick --only capture,pull   some parts only (capture, latency, pull, fan-out, backfill, pgbench, backlog);
#                          --backlog N and --backfill-rows N size those scenarios
#   bench/run.sh --jmh     JMH benchmarks of the hot paths (pgoutput decoding, JSON encoding, filter evaluation)
#   bench/window/run.sh "<libpq options>"   the consumer window's database functions alone (psql and pgbench)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode="${1:---quick}"
mvn -B -q -pl bench -am package -DskipTests
classpath="bench/target/classes:bench/target/lib/*"
case "$mode" in
  --jmh)
    exec java -cp "$classpath" org.openjdk.jmh.Main -rf json -rff bench/target/jmh-result.json "${@:2}" ;;
  --quick|--full)
    exec java -Xmx2g -cp "$classpath" dev.sluice.bench.Bench "$mode" --out bench/target --markdown bench/target/report.md --analysis bench/analysis.md "${@:2}" ;;
  *)
    echo "usage: bench/run.sh [--quick|--full|--jmh]" >&2; exit 2 ;;
esac
