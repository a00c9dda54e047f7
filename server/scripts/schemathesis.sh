#!/usr/bin/env bash
# Runs schemathesis (pinned) against a Sluice API: `server/scripts/schemathesis.sh <st run arguments>`,
# e.g. `server/scripts/schemathesis.sh openapi/openapi.yaml --url http://localhost:8080 -H 'Authorization: Bearer ...'`.
# Installs it into a virtualenv under ${XDG_CACHE_HOME:-$HOME/.cache}/sluice/ on first use; a stalled
# download fails after pip's timeout and retries instead of hanging the build.
set -euo pipefail
version=4.32.5
venv="${XDG_CACHE_HOME:-$HOME/.cache}/sluice/schemathesis-$version"
# The marker is written last, so an interrupted install is redone from scratch on the next run.
if [[ ! -f "$venv/.installed" ]]; then
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --disable-pip-version-check --quiet \
    --timeout 60 --retries 5 "schemathesis==$version" >&2
  touch "$venv/.installed"
fi
exec "$venv/bin/st" run "$@"
