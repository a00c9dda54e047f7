package main

import (
	"os"
	"os/exec"
	"testing"
)

// TestAccDocsMatchSchema regenerates the docs from the provider's schema and
// examples/ into a temporary directory (scripts/generate-docs.sh --check) and
// fails when the committed docs/ differ: a schema description or an example
// changed and `go generate ./...` was not run. It needs a terraform CLI for
// the schema, so it runs with the acceptance tests (TF_ACC=1), with the CLI
// of TF_ACC_TERRAFORM_PATH when set.
func TestAccDocsMatchSchema(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("needs a terraform CLI: set TF_ACC=1 to run it with the acceptance tests")
	}
	check := exec.Command("./scripts/generate-docs.sh", "--check")
	output, err := check.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", check, err, output)
	}
}
