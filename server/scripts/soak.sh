#!/usr/bin/env bash
# The fault-injection soak: random faults (workers killed and paused, source and metadata Postgres
# restarted, webhook target cut off) under continuous load for N minutes, then every consumer's history
# checked against the source. The report goes to server/target/reliability/soak.json.
#
#   server/scripts/soak.sh [minutes] [seed] [maven options...]      (default: 30 minutes, a random seed)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
minutes="${1:-30}"
seed="${2:-$RANDOM$RANDOM}"
echo "soak: ${minutes} minutes, seed ${seed} (repeat a run's choices with: $0 ${minutes} ${seed})"
exec mvn -B verify -pl server -am -Dit.test=FaultInjectionIT -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dsluice.faults.minutes="${minutes}" -Dsluice.faults.seed="${seed}" "${@:3}"
