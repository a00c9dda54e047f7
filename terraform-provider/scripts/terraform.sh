#!/usr/bin/env bash
# Prints the path of a terraform CLI for the acceptance tests and the docs,
# building one from source when none is installed, so that nothing is
# downloaded from a release site:
#   1. $TF_ACC_TERRAFORM_PATH, when set (the CLI you chose for the tests);
#   2. terraform on PATH;
#   3. terraform or tofu in $(go env GOBIN), else $(go env GOPATH)/bin, which
#      need not be on PATH;
#   4. otherwise it builds `go install github.com/hashicorp/terraform@v1.5.7`
#      (the last MPL release) into that directory: a few minutes with a cold
#      Go build cache, a few hundred MB of modules;
#   5. failing that, OpenTofu's tofu (same CLI and plugin protocol),
#      `go install github.com/opentofu/opentofu/cmd/tofu@v1.6.3`.
# Use it as: export TF_ACC_TERRAFORM_PATH="$(scripts/terraform.sh)"
# Progress goes to stderr; stdout is only the path.
set -euo pipefail

TERRAFORM_VERSION=v1.5.7
TOFU_VERSION=v1.6.3
# Seconds between "still building" lines, so a long build shows it is alive.
PROGRESS_INTERVAL=30

if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
  if [ ! -x "$TF_ACC_TERRAFORM_PATH" ]; then
    echo "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH is not an executable file" >&2
    exit 1
  fi
  echo "$TF_ACC_TERRAFORM_PATH"
  exit 0
fi

if command -v terraform >/dev/null 2>&1; then
  command -v terraform
  exit 0
fi

gobin="$(go env GOBIN)"
if [ -z "$gobin" ]; then
  # GOPATH may list several directories; go install uses the first.
  gobin="$(go env GOPATH | cut -d: -f1)/bin"
fi

for candidate in "$gobin/terraform" "$gobin/tofu"; do
  if [ -x "$candidate" ]; then
    echo "$candidate"
    exit 0
  fi
done

builder=""
trap '[ -z "$builder" ] || kill "$builder" 2>/dev/null || true' EXIT

# build_cli PACKAGE@VERSION: go install into $gobin, printing a line every
# PROGRESS_INTERVAL seconds while it runs. Without cgo, as release builds are,
# so no C compiler is needed.
build_cli() {
  local started=$SECONDS next=$((SECONDS + PROGRESS_INTERVAL)) status=0
  echo "terraform.sh: building $1 into $gobin (a few minutes; go prints the modules it downloads)" >&2
  GOBIN="$gobin" CGO_ENABLED=0 go install "$1" >&2 &
  builder=$!
  while kill -0 "$builder" 2>/dev/null; do
    if [ "$SECONDS" -ge "$next" ]; then
      echo "terraform.sh: still building $1 ($((SECONDS - started))s)" >&2
      next=$((SECONDS + PROGRESS_INTERVAL))
    fi
    sleep 1
  done
  wait "$builder" || status=$?
  builder=""
  if [ "$status" -eq 0 ]; then
    echo "terraform.sh: built $1 in $((SECONDS - started))s" >&2
  fi
  return "$status"
}

if build_cli "github.com/hashicorp/terraform@$TERRAFORM_VERSION" && CHECKPOINT_DISABLE=1 "$gobin/terraform" version >/dev/null; then
  echo "$gobin/terraform"
  exit 0
fi

echo "terraform.sh: building terraform failed: building OpenTofu instead" >&2
build_cli "github.com/opentofu/opentofu/cmd/tofu@$TOFU_VERSION"
CHECKPOINT_DISABLE=1 "$gobin/tofu" version >/dev/null
echo "$gobin/tofu"
