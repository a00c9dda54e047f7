package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

// The example in the "Terraform" section of the repository's README is this
// file, byte for byte (TestReadmeExampleMatchesFile), and it works against
// the dev server (TestAccReadmeExample): the docs cannot drift.
var (
	readmeExampleFile = filepath.Join("..", "..", "examples", "readme", "main.tf")
	repositoryReadme  = filepath.Join("..", "..", "..", "README.md")
)

const (
	readmeTerraformHeading = "## Terraform"
	// readmeExampleTable is the table the example streams, the one the
	// README's first session creates.
	readmeExampleTable = "orders"
)

func TestReadmeExampleMatchesFile(t *testing.T) {
	readme, err := os.ReadFile(repositoryReadme)
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(readmeExampleFile)
	if err != nil {
		t.Fatal(err)
	}
	block, err := terraformSectionExample(readme)
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	if !bytes.Equal(block, example) {
		t.Fatalf("the example in the %q section of README.md differs from %s (first difference at line %d of the "+
			"example): change both together, the acceptance tests apply the file", readmeTerraformHeading, readmeExampleFile,
			firstDifferentLine(block, example))
	}
}

func TestTerraformSectionExample(t *testing.T) {
	readme := []byte("# Title\n\n```hcl\nnot this\n```\n\n## Terraform\n\nText.\n\n```hcl\nprovider \"sluice\" {}\n\n```\n\n```hcl\nnor this\n```\n")
	block, err := terraformSectionExample(readme)
	if err != nil {
		t.Fatal(err)
	}
	if want := "provider \"sluice\" {}\n\n"; string(block) != want {
		t.Fatalf("got %q, want %q", block, want)
	}
	for _, broken := range []string{
		"# Title\n\n```hcl\nx\n```\n",
		"## Terraform\n\nNo code.\n\n## Next\n\n```hcl\nx\n```\n",
		"## Terraform\n\n```hcl\nnot closed\n",
	} {
		if _, err := terraformSectionExample([]byte(broken)); err == nil {
			t.Errorf("no error for %q", broken)
		}
	}
}

// terraformSectionExample returns the content of the first ```hcl block of
// the README's "## Terraform" section.
func terraformSectionExample(readme []byte) ([]byte, error) {
	lines := bytes.SplitAfter(readme, []byte("\n"))
	inSection := false
	for i, line := range lines {
		text := string(bytes.TrimRight(line, "\r\n"))
		switch {
		case text == readmeTerraformHeading:
			inSection = true
		case inSection && len(text) > 3 && text[:3] == "## ":
			return nil, fmt.Errorf("no ```hcl block in the %q section", readmeTerraformHeading)
		case inSection && text == "```hcl":
			var block []byte
			for _, blockLine := range lines[i+1:] {
				if string(bytes.TrimRight(blockLine, "\r\n")) == "```" {
					return block, nil
				}
				block = append(block, blockLine...)
			}
			return nil, errors.New("the ```hcl block is not closed")
		}
	}
	if !inSection {
		return nil, fmt.Errorf("no %q section", readmeTerraformHeading)
	}
	return nil, fmt.Errorf("no ```hcl block in the %q section", readmeTerraformHeading)
}

func firstDifferentLine(a, b []byte) int {
	linesA := bytes.Split(a, []byte("\n"))
	linesB := bytes.Split(b, []byte("\n"))
	for i := range min(len(linesA), len(linesB)) {
		if !bytes.Equal(linesA[i], linesB[i]) {
			return i + 1
		}
	}
	return min(len(linesA), len(linesB)) + 1
}

// TestAccReadmeExample applies the README's example, as it is, to the dev
// server, checks that the next plan is empty, and destroys it.
func TestAccReadmeExample(t *testing.T) {
	environment := testAccPreCheck(t)
	testAccCreateDemoTable(t, environment.DemoDatabase, readmeExampleTable)
	// The provider block is empty: the endpoint and token come from the
	// environment, as the README says.
	t.Setenv(EndpointEnvVar, environment.BaseURL)
	t.Setenv(TokenEnvVar, environment.Token)
	// The example requires sluice-dev/sluice: serve the provider in-process
	// under that namespace rather than the test framework's default.
	t.Setenv(resource.EnvTfAccProviderNamespace, "sluice-dev")

	gone := func(resourceType string, get func(ctx context.Context, api *client.ClientWithResponses, id string) (any, error)) resource.TestCheckFunc {
		return testAccCheckGone(t, environment, resourceType, get)
	}
	resource.Test(t, resource.TestCase{
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			gone("sluice_consumer", func(ctx context.Context, api *client.ClientWithResponses, id string) (any, error) {
				return api.GetConsumerWithResponse(ctx, id)
			}),
			gone("sluice_http_endpoint", func(ctx context.Context, api *client.ClientWithResponses, id string) (any, error) {
				return api.GetHttpEndpointWithResponse(ctx, id)
			}),
			gone("sluice_source", func(ctx context.Context, api *client.ClientWithResponses, id string) (any, error) {
				return api.GetSourceWithResponse(ctx, id)
			}),
		),
		Steps: []resource.TestStep{
			{
				// On the step: the file has a provider block of its own.
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				ConfigFile:               config.StaticFile(readmeExampleFile),
				ConfigVariables: config.Variables{
					"demo_port": config.IntegerVariable(environment.DemoDatabase.Port),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("sluice_source.demo", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("sluice_http_endpoint.webhooks", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("sluice_consumer.large_orders", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("sluice_consumer.order_events", plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair("sluice_consumer.large_orders", "source_id", "sluice_source.demo", "id"),
					resource.TestCheckResourceAttr("sluice_consumer.large_orders", "kind", "pull"),
					resource.TestCheckResourceAttrPair("sluice_consumer.order_events", "endpoint_id", "sluice_http_endpoint.webhooks", "id"),
					resource.TestCheckResourceAttr("sluice_consumer.order_events", "kind", "push"),
					testAccCheckReadmeConsumersExist(t, environment),
				),
			},
		},
	})
}

// testAccCheckReadmeConsumersExist asks the API, not the state, for the
// example's two consumers.
func testAccCheckReadmeConsumersExist(t *testing.T, environment *devEnvironment) resource.TestCheckFunc {
	return func(state *terraform.State) error {
		api := testAccAPI(t, environment)
		for _, name := range []string{"large-orders", "order-events"} {
			response, err := api.GetConsumerWithResponse(context.Background(), name)
			if err = checkResponse("read consumer "+name, response, err, http.StatusOK); err != nil {
				return err
			}
		}
		return nil
	}
}
