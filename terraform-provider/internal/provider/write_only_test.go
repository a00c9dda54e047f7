package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Write-only secrets (Terraform 1.11+): sent to the API, never in the plan or
// the state. The demo database checks passwords, so a source that is created
// proves the write-only password reached the server, and a wrong one fails.

func testAccSourceWriteOnlyConfig(name string, database demoDatabase, password string, version int) string {
	return fmt.Sprintf(`
resource "sluice_source" "test" {
  name                = %q
  host                = %q
  port                = %d
  database            = %q
  username            = %q
  password_wo         = %q
  password_wo_version = %d
  ssl_mode            = "disable"
}
`, name, database.Host, database.Port, database.Database, database.Username, password, version)
}

func TestAccSourceWriteOnlyPassword(t *testing.T) {
	environment := testAccPreCheck(t)
	name := acctest.RandomWithPrefix("tf-acc-source-wo")
	const address = "sluice_source.test"
	database := environment.DemoDatabase

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			// A wrong password is refused by the database's login check.
			{
				Config:      testAccProviderConfig(environment) + testAccSourceWriteOnlyConfig(name, database, "not-the-password", 1),
				ExpectError: regexp.MustCompile(`(?i)password`),
			},
			{
				Config: testAccProviderConfig(environment) + testAccSourceWriteOnlyConfig(name, database, database.Password, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("password"), knownvalue.Null()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("password_wo_version"), knownvalue.Int64Exact(1)),
				},
			},
			// A new version sends the password again: an update in place.
			{
				Config: testAccProviderConfig(environment) + testAccSourceWriteOnlyConfig(name, database, database.Password, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("password_wo_version"), knownvalue.Int64Exact(2)),
				},
			},
		},
	})
}

func TestAccHTTPEndpointWriteOnlySecretHeaders(t *testing.T) {
	environment := testAccPreCheck(t)
	name := acctest.RandomWithPrefix("tf-acc-endpoint-wo")
	const address = "sluice_http_endpoint.test"
	config := func(value string, version int) string {
		return testAccProviderConfig(environment) + fmt.Sprintf(`
resource "sluice_http_endpoint" "test" {
  name                      = %q
  url                       = "http://127.0.0.1:9/hooks"
  secret_headers_wo         = { "Authorization" = %q }
  secret_headers_wo_version = %d
}
`, name, value, version)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config: config("Bearer first", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("secret_headers_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("secret_headers"), knownvalue.Null()),
				},
				Check: testAccCheckSecretHeaderNames(environment, address, "Authorization"),
			},
			{
				Config: config("Bearer second", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: testAccCheckSecretHeaderNames(environment, address, "Authorization"),
			},
		},
	})
}

// Errors the provider finds without the server: shown by plan (and validate),
// before anything is created.
func TestAccConsumerConfigErrorsAtPlanTime(t *testing.T) {
	environment := testAccPreCheck(t)
	prefix := acctest.RandomWithPrefix("tf-acc-consumer-invalid")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccProviderConfig(environment) + fmt.Sprintf(`
resource "sluice_consumer" "push" {
  name      = %q
  source_id = "no-such-source"
  kind      = "push"
  tables    = [{ table = "orders" }]
}
`, prefix+"-push"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Missing endpoint_id`),
			},
			{
				Config: testAccProviderConfig(environment) + fmt.Sprintf(`
resource "sluice_consumer" "row" {
  name      = %q
  source_id = "no-such-source"
  kind      = "pull"
  tables    = [{ table = "orders" }, { table = "orders" }]
  start     = { at = "row", sort_column = "id" }
}
`, prefix+"-row"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Table listed twice.*Missing value|Missing value.*Table listed twice`),
			},
			// The server parses the filter and compiles the transform at plan time.
			{
				Config: testAccProviderConfig(environment) + fmt.Sprintf(`
resource "sluice_consumer" "filter" {
  name      = %q
  source_id = "no-such-source"
  kind      = "pull"
  tables    = [{ table = "orders" }]
  filter    = "amount >"
}
`, prefix+"-filter"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid consumer.*filter`),
			},
			{
				Config: testAccProviderConfig(environment) + fmt.Sprintf(`
resource "sluice_consumer" "transform" {
  name      = %q
  source_id = "no-such-source"
  kind      = "pull"
  tables    = [{ table = "orders" }]
  transform = "function transform(action, record"
}
`, prefix+"-transform"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid consumer.*transform`),
			},
		},
	})
}

// testAccCheckSecretHeaderNames checks, through the API, that the endpoint
// has exactly the named secret headers: their values were sent.
func testAccCheckSecretHeaderNames(environment *devEnvironment, address string, names ...string) resource.TestCheckFunc {
	return func(state *terraform.State) error {
		resourceState, ok := state.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s is not in the state", address)
		}
		apiClient, err := newAPIClient(environment.BaseURL, environment.Token, "terraform-provider-sluice-tests", nil)
		if err != nil {
			return err
		}
		result, err := apiClient.api.GetHttpEndpointWithResponse(context.Background(), resourceState.Primary.ID)
		if err = checkResponse("read HTTP endpoint", result, err, http.StatusOK); err != nil {
			return err
		}
		if !slices.Equal(result.JSON200.SecretHeaderNames, names) {
			return fmt.Errorf("secret headers %v, want %v", result.JSON200.SecretHeaderNames, names)
		}
		return nil
	}
}
