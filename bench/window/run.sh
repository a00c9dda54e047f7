#!/usr/bin/env bash
# The consumer window's database functions alone, without Sluice around them: one receiver receives 100 messages and
# acknowledges the receive from eight before (800 stay in flight), as fast as it can, with no VACUUM during the run.
# Needs psql and pgbench; the database named by the libpq connection options is emptied first. From the repository root:
#   bench/window/run.sh "host=/tmp port=5432 user=postgres dbname=window_bench" [seconds]
# Prints pgbench's progress every 2 s (cycles per second; 100 messages each).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
conn="$1"
seconds="${2:-20}"
psql -q -v ON_ERROR_STOP=1 "$conn" -c "drop schema public cascade" -c "create schema public" -f bench/window/setup.sql
# the functions exactly as sluice migrate installs them
sed -n '/--changeset sluice:019-stream-receive/,$p' store/src/main/resources/db/changelog/019-stream-functions.sql | grep -v '^--changeset' \
  | psql -q -v ON_ERROR_STOP=1 "$conn"
psql -q -v ON_ERROR_STOP=1 "$conn" -c "select fill(300000, 0)" -c "vacuum analyze"
echo "select cycle(100, 8, 1);" > bench/target/window-cycle.sql
pgbench -n -f bench/target/window-cycle.sql -c 1 -T "$seconds" -P 2 "$conn"
