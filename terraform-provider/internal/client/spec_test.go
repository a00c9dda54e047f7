package client

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestClientMatchesSpec regenerates the client from the OpenAPI spec into a
// temporary directory, with the pinned oapi-codegen and the committed
// configuration, and fails when the committed client.gen.go differs: the
// spec changed and `go generate ./internal/client` was not run.
func TestClientMatchesSpec(t *testing.T) {
	if testing.Short() {
		t.Skip("builds oapi-codegen; skipped with -short")
	}
	spec, err := filepath.Abs(filepath.Join("..", "..", "..", "openapi", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(spec); err != nil {
		t.Fatalf("the OpenAPI spec the client is generated from is missing: %v", err)
	}
	committed, err := os.ReadFile("client.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	config, err := os.ReadFile("oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}

	workDir := t.TempDir()
	generator := filepath.Join(workDir, "oapi-codegen")
	// The version pinned as a tool in go.mod, built from the module cache.
	build := exec.Command("go", "build", "-o", generator, "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen")
	if output, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building oapi-codegen: %v\n%s", err, output)
	}
	if err := os.WriteFile(filepath.Join(workDir, "oapi-codegen.yaml"), config, 0o644); err != nil {
		t.Fatal(err)
	}
	generate := exec.Command(generator, "-config", "oapi-codegen.yaml", spec)
	generate.Dir = workDir
	if output, err := generate.CombinedOutput(); err != nil {
		t.Fatalf("running oapi-codegen: %v\n%s", err, output)
	}
	fresh, err := os.ReadFile(filepath.Join(workDir, "client.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, fresh) {
		t.Fatalf("internal/client/client.gen.go does not match openapi/openapi.yaml (first difference at line %d); "+
			"run `go generate ./internal/client` in terraform-provider/ and commit the result", firstDifferentLine(committed, fresh))
	}
}

func firstDifferentLine(a, b []byte) int {
	linesA := strings.Split(string(a), "\n")
	linesB := strings.Split(string(b), "\n")
	for i := range min(len(linesA), len(linesB)) {
		if linesA[i] != linesB[i] {
			return i + 1
		}
	}
	return min(len(linesA), len(linesB)) + 1
}
