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

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

func testAccAPITokenConfig(name, scopes string) string {
	return fmt.Sprintf(`
resource "sluice_api_token" "test" {
  name   = %q
  scopes = %s
}
`, name, scopes)
}

func TestAccAPITokenResource(t *testing.T) {
	environment := testAccPreCheck(t)
	api := testAccAPI(t, environment)
	name := acctest.RandomWithPrefix("tf-acc-token")
	const address = "sluice_api_token.test"
	readOnly := testAccProviderConfig(environment) + testAccAPITokenConfig(name, `["read"]`)
	consume := testAccProviderConfig(environment) + testAccAPITokenConfig(name, `["read", "consume"]`)
	var id string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: testAccCheckGone(t, environment, "sluice_api_token", func(ctx context.Context, api *client.ClientWithResponses, id string) (any, error) {
			return api.GetTokenWithResponse(ctx, id)
		}),
		Steps: []resource.TestStep{
			{
				Config: readOnly,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^tok_`))),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("secret"), knownvalue.NotNull()),
					statecheck.ExpectSensitiveValue(address, tfjsonpath.New("secret")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccIDFrom(address, &id),
					testAccCheckTokenWorks(environment, address, client.ScopeRead),
				),
			},
			{
				Config:   readOnly,
				PlanOnly: true,
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateVerify: true,
				// The secret is shown only when the token is created.
				ImportStateVerifyIgnore: []string{"secret"},
			},
			// Tokens cannot change: new scopes make a new token.
			{
				Config: consume,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccIDFrom(address, &id),
					testAccCheckTokenWorks(environment, address, client.ScopeConsume),
				),
			},
			// Revoked outside Terraform: planned again.
			{
				PreConfig: func() {
					testAccDeleteOutsideTerraform(t, "token "+id, func() (any, error) {
						return api.RevokeTokenWithResponse(context.Background(), id)
					})
				},
				Config: consume,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// testAccCheckTokenWorks authenticates with the secret in state and checks
// the API sees the token with the scope.
func testAccCheckTokenWorks(environment *devEnvironment, address string, scope client.Scope) resource.TestCheckFunc {
	return func(state *terraform.State) error {
		resourceState, ok := state.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s is not in the state", address)
		}
		secret := resourceState.Primary.Attributes["secret"]
		tokenClient, err := newAPIClient(environment.BaseURL, secret, "terraform-provider-sluice-tests", nil)
		if err != nil {
			return err
		}
		result, err := tokenClient.api.GetMeWithResponse(context.Background())
		if err = checkResponse("get me", result, err, http.StatusOK); err != nil {
			return fmt.Errorf("the created token's secret does not authenticate: %w", err)
		}
		if result.JSON200.TokenId != resourceState.Primary.ID {
			return fmt.Errorf("the secret belongs to token %s, not %s", result.JSON200.TokenId, resourceState.Primary.ID)
		}
		if !slices.Contains(result.JSON200.Scopes, scope) {
			return fmt.Errorf("the token has scopes %v, want %s among them", result.JSON200.Scopes, scope)
		}
		return nil
	}
}
