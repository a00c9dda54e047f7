#!/usr/bin/env bash
# Runs schemathesis (pinned) against a Sluice API: `server/scripts/schemathesis.sh <st run arguments>`,
# e.g. `server/scripts/schemathesis.sh openapi/openapi.yaml --url http://127.0.0.1:8080 -H "Authorization: Bearer $SLUICE_TOKEN"`.
# Installs it into a virtualenv under ${XDG_CACHE_HOME:-$HOME/.cache}/sluice/ on first use (needs python3 with
# venv); a stalled download fails after pip's timeout and retries instead of hanging the build.
set -euo pipefail
version=4.32.5
venv="${XDG_CACHE_HOME:-$HOME/.cache}/sluice/schemathesis-$version"
mkdir -p "$(dirname "$venv")"
(
  # one install at a time; the marker is written last, so an interrupted install is redone from scratch
  flock 9
  if [[ ! -f "$venv/.installed" ]]; then
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet \
      --timeout 60 --retries 5 "schemathesis==$version" >&2
    touch "$venv/.installed"
  fi
) 9>"$venv.lock"
exec "$venv/bin/st" run "$@"
