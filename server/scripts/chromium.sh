#!/usr/bin/env bash
# Makes Debian's Chromium and ChromeDriver available for the console's browser tests and prints the
# paths of both. Installs the packages when they are missing (as root, or through sudo).
set -euo pipefail
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  echo "/usr/bin/chromium /usr/bin/chromedriver"
  exit 0
fi
run() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi; }
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2 3; do
  if run apt-get update -qq >&2 && run apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2; then
    break
  fi
  echo "apt-get failed (attempt $attempt); retrying" >&2
  sleep $((attempt * 5))
done
[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || { echo "could not install chromium and chromium-driver" >&2; exit 1; }
echo "/usr/bin/chromium /usr/bin/chromedriver"
