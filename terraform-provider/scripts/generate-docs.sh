#!/usr/bin/env bash
# Regenerates docs/ from the provider's schema and examples/, offline:
#   1. builds the provider;
#   2. asks a local terraform CLI (scripts/terraform.sh) for the schema through
#      a dev_overrides CLI configuration, so no provider is installed and
#      nothing is downloaded;
#   3. validates every example against that schema;
#   4. runs tfplugindocs (pinned in go.mod) with --providers-schema, so it
#      neither builds the provider nor fetches a terraform CLI itself.
# Run from terraform-provider/ (go generate does): ./scripts/generate-docs.sh
#
# With --check, docs/ is left alone: the docs are generated into a copy of
# docs/, examples/ (and templates/, if any) in a temporary directory and
# compared with docs/; the script fails, printing the difference, when they
# differ. TestAccDocsMatchSchema (docs_test.go) runs this.
set -euo pipefail

check=false
case "${1:-}" in
  "") ;;
  --check) check=true ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
terraform="$(scripts/terraform.sh)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# -buildvcs=false: the binary only serves its schema here; no git needed.
go build -buildvcs=false -o "$work/bin/terraform-provider-sluice" .

cat > "$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "sluice-dev/sluice" = "$work/bin"
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export CHECKPOINT_DISABLE=1
mkdir -p "$work/schema"
cp examples/provider/provider.tf "$work/schema/"
"$terraform" -chdir="$work/schema" providers schema -json > "$work/providers-schema.json"

# The examples, which the docs show, must be valid against the schema. They
# form one configuration: the consumer example uses the source and endpoint
# of the others, and their names do not collide.
mkdir -p "$work/examples"
for file in examples/provider/*.tf examples/resources/*/*.tf examples/data-sources/*/*.tf; do
  cp "$file" "$work/examples/$(echo "$file" | tr / _)"
done
if ! "$terraform" -chdir="$work/examples" validate -no-color > "$work/validate.log" 2>&1; then
  echo "the examples are not valid:" >&2
  cat "$work/validate.log" >&2
  exit 1
fi

# tfplugindocs looks the provider up by its short name.
sed -E 's#"[^"]*/sluice-dev/sluice":#"sluice":#' "$work/providers-schema.json" > "$work/schema.json"

provider_dir="$PWD"
if $check; then
  provider_dir="$work/provider"
  mkdir -p "$provider_dir"
  for dir in docs examples templates; do
    if [ -d "$dir" ]; then
      cp -R "$dir" "$provider_dir/"
    fi
  done
fi

generate=(go tool tfplugindocs generate
  --provider-dir "$provider_dir"
  --provider-name sluice
  --rendered-provider-name Sluice
  --providers-schema "$work/schema.json")
if ! $check; then
  "${generate[@]}"
  exit 0
fi

# --check: quiet unless it fails.
if ! "${generate[@]}" > "$work/tfplugindocs.log" 2>&1; then
  cat "$work/tfplugindocs.log" >&2
  exit 1
fi
if ! diff -ruN docs "$provider_dir/docs" > "$work/docs.diff"; then
  echo "docs/ is out of date: run scripts/generate-docs.sh (or go generate ./...) and commit the result." >&2
  echo "The difference (- committed, + generated):" >&2
  cat "$work/docs.diff" >&2
  exit 1
fi
echo "docs/ matches the schema and the examples"
