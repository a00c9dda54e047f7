#!/usr/bin/env bash
# Verifies webhook requests with the Standard Webhooks reference library for Python (pinned), independently of
# Sluice's own signer: `data-plane/scripts/standardwebhooks.sh < requests.jsonl` (see verify_webhooks.py for the format).
# Installs it into a virtualenv under ${XDG_CACHE_HOME:-$HOME/.cache}/sluice/ on first use (needs python3 with
# venv); a stalled download fails after pip's timeout and retries instead of hanging the build.
set -euo pipefail
version=1.1.0
venv="${XDG_CACHE_HOME:-$HOME/.cache}/sluice/standardwebhooks-$version"
mkdir -p "$(dirname "$venv")"
(
  # one install at a time; the marker is written last, so an interrupted install is redone from scratch
  flock 9
  if [[ ! -f "$venv/.installed" ]]; then
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet \
      --timeout 60 --retries 5 "standardwebhooks==$version" >&2
    touch "$venv/.installed"
  fi
) 9>"$venv.lock"
exec "$venv/bin/python" "$(dirname "$0")/verify_webhooks.py"
