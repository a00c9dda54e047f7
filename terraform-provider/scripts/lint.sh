#!/usr/bin/env bash
# The provider's static checks; any finding fails (exit 1) and is printed:
#   1. gofmt -l: every Go file formatted as gofmt formats it (internal/client's
#      generated code included: oapi-codegen writes it gofmt'ed);
#   2. go vet ./...
#   3. staticcheck ./... (pinned below; its default checks), installed on
#      first use with `go install` into
#      ${XDG_CACHE_HOME:-$HOME/.cache}/sluice/staticcheck-<version>-<go version>/
#      (about 20 s and a few MB of modules; a staticcheck built by another Go
#      cannot read this Go's code, hence the Go version in the name).
#
# `make lint` and the Maven build (test phase, before the unit tests) run this.
set -euo pipefail

STATICCHECK_VERSION=v0.8.2

cd "$(dirname "$0")/.."

status=0

unformatted="$(gofmt -l .)"
if [ -n "$unformatted" ]; then
  echo "lint.sh: not gofmt'ed (run gofmt -w on them):" >&2
  echo "$unformatted" >&2
  status=1
fi

if ! go vet ./...; then
  echo "lint.sh: go vet found the above" >&2
  status=1
fi

go_version="$(go env GOVERSION)"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/sluice/staticcheck-$STATICCHECK_VERSION-$go_version"
mkdir -p "$(dirname "$dir")"
(
  # One install at a time; the marker is written last, so an interrupted
  # install is done again.
  flock 9
  if [ ! -f "$dir/.installed" ]; then
    rm -rf "$dir"
    echo "lint.sh: installing staticcheck $STATICCHECK_VERSION into $dir" >&2
    GOBIN="$dir" CGO_ENABLED=0 go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION" >&2
    touch "$dir/.installed"
  fi
) 9>"$dir.lock"

if ! "$dir/staticcheck" ./...; then
  echo "lint.sh: staticcheck found the above" >&2
  status=1
fi

if [ "$status" -eq 0 ]; then
  echo "lint.sh: gofmt, go vet and staticcheck $STATICCHECK_VERSION found nothing"
fi
exit "$status"
