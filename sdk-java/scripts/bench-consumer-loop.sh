#!/usr/bin/env bash
# Pull throughput of ConsumerLoop against the raw receive + ack rate of the same server, same run
# (src/test/java/dev/sluice/sdk/bench/ConsumerLoopBenchmark.java). Against a running dev server:
#   java -jar server/target/sluice.jar dev --data-dir /tmp/sluice-bench --port 0 &
#   sdk-java/scripts/bench-consumer-loop.sh /tmp/sluice-bench/dev.json [messages per round] [rounds] [concurrency] [prefetch]
# Compiles the SDK and its tests first (offline, nothing installed).
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 DEV_JSON [messages per round] [rounds] [concurrency] [prefetch]" >&2
  exit 2
fi
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -o -B -q test-compile dependency:build-classpath -pl server,sdk-java -am \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
exec java -cp "sdk-java/target/test-classes:sdk-java/target/classes:$(cat sdk-java/target/bench.classpath)" \
  dev.sluice.sdk.bench.ConsumerLoopBenchmark "$@"
