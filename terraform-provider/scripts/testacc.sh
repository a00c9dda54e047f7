#!/usr/bin/env bash
# Runs the acceptance tests (TestAcc*) with the real terraform CLI: against
# the dev server of ../server/target/sluice.jar (or $SLUICE_JAR), and the
# docs check. Extra arguments go to `go test`, e.g. -run '^TestAccSource'.
#
# The terraform CLI is found, or built, first and outside `go test`, so that a
# long build shows its progress: $TF_ACC_TERRAFORM_PATH if set, else what
# scripts/terraform.sh prints.
#
# `make testacc` and the Maven build (integration-test phase) run this.
set -euo pipefail

cd "$(dirname "$0")/.."

TF_ACC_TERRAFORM_PATH="$(scripts/terraform.sh)"
export TF_ACC=1 TF_ACC_TERRAFORM_PATH CHECKPOINT_DISABLE=1
echo "testacc.sh: $("$TF_ACC_TERRAFORM_PATH" version 2>/dev/null | head -n 1) at $TF_ACC_TERRAFORM_PATH"

# -p 1: one package at a time, so that go test streams the output (-v) as the
# tests run rather than at the end of each package.
exec go test -p 1 -count=1 -v -timeout 20m -run '^TestAcc' "$@" ./...
