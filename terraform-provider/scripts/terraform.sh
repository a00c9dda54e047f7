#!/usr/bin/env bash
# Prints the path of a terraform CLI for the acceptance tests and the docs,
# building one from source when none is installed, so that nothing is
# downloaded from a release site:
#   1. terraform on PATH;
#   2. $(go env GOPATH)/bin/terraform, built with
#      `go install github.com/hashicorp/terraform@v1.5.7` (the last MPL
#      release) when missing;
#   3. failing that, OpenTofu's tofu (same CLI and plugin protocol),
#      `go install github.com/opentofu/opentofu/cmd/tofu@v1.6.3`.
# Use it as: export TF_ACC_TERRAFORM_PATH="$(scripts/terraform.sh)"
# Progress goes to stderr; stdout is only the path.
set -euo pipefail

TERRAFORM_VERSION=v1.5.7
TOFU_VERSION=v1.6.3

if command -v terraform >/dev/null 2>&1; then
  command -v terraform
  exit 0
fi

gobin="$(go env GOBIN)"
if [ -z "$gobin" ]; then
  gobin="$(go env GOPATH)/bin"
fi

for candidate in "$gobin/terraform" "$gobin/tofu"; do
  if [ -x "$candidate" ]; then
    echo "$candidate"
    exit 0
  fi
done

echo "terraform not found: building github.com/hashicorp/terraform@$TERRAFORM_VERSION (a few minutes)" >&2
if GOBIN="$gobin" go install "github.com/hashicorp/terraform@$TERRAFORM_VERSION" >&2; then
  echo "$gobin/terraform"
  exit 0
fi

echo "building terraform failed: building github.com/opentofu/opentofu/cmd/tofu@$TOFU_VERSION instead" >&2
GOBIN="$gobin" go install "github.com/opentofu/opentofu/cmd/tofu@$TOFU_VERSION" >&2
echo "$gobin/tofu"
