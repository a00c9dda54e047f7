#!/usr/bin/env bash
# The consumer window's database functions alone, without Sluice around them: one receiver receives 100 messages and
# acknowledges the receive from eight before (800 stay in flight), as fast as it can, with no VACUUM during the run.
# Needs psql and pgbench; the database named by the libpq connection options is emptied first. From the repository root:
#   bench/window/run.sh "host=/tmp port=5432 user=postgres dbname=window_bench" [seconds]
# FUNCTIONS=<changelog file> measures the functions of another version (say, one taken with git show).
# Prints pgbench's progress every 2 s (cycles per second; 100 messages each).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
conn="$1"
seconds="${2:-20}"
psql -q -v ON_ERROR_STOP=1 "$conn" -c "drop schema public cascade" -c "create schema public" -f bench/window/setup.sql
# the functions exactly as sluice migrate installs them
sed -n '/--changeset sluice:019-stream-receive/,$p' "${FUNCTIONS:-store/src/main/resources/db/changelog/019-stream-functions.sql}" | grep -v '^--changeset' \
  | psql -q -v ON_ERROR_STOP=1 "$conn"
psql -q -v ON_ERROR_STOP=1 "$conn" -c "select fill(600000, 0)" -c "vacuum analyze"
# the planner's statistics as a running consumer's window gives them (800 in flight), not those of an empty table
psql -q -v ON_ERROR_STOP=1 "$conn" -c "select cycle(100, 8, 1) from generate_series(1, 20)" -c "analyze stream_pending"
script=$(mktemp)
trap 'rm -f "$script"' EXIT
echo "select cycle(100, 8, 1);" > "$script"
pgbench -n -f "$script" -c 1 -T "$seconds" -P 2 "$conn"
