package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

func testAccHTTPEndpointConfig(name, url, headers, secretHeaders, signingSecret string) string {
	return fmt.Sprintf(`
resource "sluice_http_endpoint" "test" {
  name           = %q
  url            = %q
  headers        = %s
  secret_headers = %s
  signing_secret = %q
}
`, name, url, headers, secretHeaders, signingSecret)
}

func TestAccHTTPEndpointResource(t *testing.T) {
	environment := testAccPreCheck(t)
	api := testAccAPI(t, environment)
	name := acctest.RandomWithPrefix("tf-acc-endpoint")
	const address = "sluice_http_endpoint.test"
	firstSecret := "whsec_" + "c2x1aWNlLXRmLWFjYy1maXJzdC1zZWNyZXQ="
	secondSecret := "a-rotated-signing-secret-of-enough-length"
	created := testAccProviderConfig(environment) + testAccHTTPEndpointConfig(name, "http://127.0.0.1:9/hooks/orders",
		`{ "X-Team" = "data" }`, `{ "Authorization" = "Bearer first", "X-Api-Key" = "k1" }`, firstSecret)
	updated := testAccProviderConfig(environment) + testAccHTTPEndpointConfig(name, "http://127.0.0.1:9/hooks/v2/orders",
		`{ "X-Team" = "data", "X-Env" = "test" }`, `{ "Authorization" = "Bearer second" }`, secondSecret)
	var id string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: testAccCheckGone(t, environment, "sluice_http_endpoint", func(ctx context.Context, api *client.ClientWithResponses, id string) (any, error) {
			return api.GetHttpEndpointWithResponse(ctx, id)
		}),
		Steps: []resource.TestStep{
			{
				Config: created,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^end_`))),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("headers"), knownvalue.MapExact(map[string]knownvalue.Check{
						"X-Team": knownvalue.StringExact("data"),
					})),
					// Write-only in the API: the configured values stay in state.
					statecheck.ExpectKnownValue(address, tfjsonpath.New("secret_headers").AtMapKey("Authorization"), knownvalue.StringExact("Bearer first")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("signing_secret"), knownvalue.StringExact(firstSecret)),
					statecheck.ExpectSensitiveValue(address, tfjsonpath.New("secret_headers")),
					statecheck.ExpectSensitiveValue(address, tfjsonpath.New("signing_secret")),
				},
				Check: testAccIDFrom(address, &id),
			},
			{
				Config:   created,
				PlanOnly: true,
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateVerify: true,
				// The API never returns secret values.
				ImportStateVerifyIgnore: []string{"secret_headers", "signing_secret"},
			},
			// Update in place: URL, headers, one secret header removed, the
			// signing secret rotated.
			{
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("url"), knownvalue.StringExact("http://127.0.0.1:9/hooks/v2/orders")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("secret_headers"), knownvalue.MapExact(map[string]knownvalue.Check{
						"Authorization": knownvalue.StringExact("Bearer second"),
					})),
				},
			},
			{
				PreConfig: func() {
					testAccDeleteOutsideTerraform(t, "HTTP endpoint "+id, func() (any, error) {
						return api.DeleteHttpEndpointWithResponse(context.Background(), id)
					})
				},
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func testAccHTTPEndpointWithoutSigningSecretConfig(name, url string) string {
	return fmt.Sprintf(`
resource "sluice_http_endpoint" "test" {
  name = %q
  url  = %q
}
`, name, url)
}

// An endpoint configured without a signing secret gets the one the API
// generates, kept in state as a sensitive value that no later plan changes.
func TestAccHTTPEndpointResourceGeneratedSigningSecret(t *testing.T) {
	environment := testAccPreCheck(t)
	name := acctest.RandomWithPrefix("tf-acc-endpoint-generated")
	const address = "sluice_http_endpoint.test"
	chosenSecret := "a-signing-secret-chosen-later-on"
	created := testAccProviderConfig(environment) + testAccHTTPEndpointWithoutSigningSecretConfig(name, "http://127.0.0.1:9/hooks/orders")
	moved := testAccProviderConfig(environment) + testAccHTTPEndpointWithoutSigningSecretConfig(name, "http://127.0.0.1:9/hooks/v2/orders")
	chosen := testAccProviderConfig(environment) + fmt.Sprintf(`
resource "sluice_http_endpoint" "test" {
  name           = %q
  url            = "http://127.0.0.1:9/hooks/v2/orders"
  signing_secret = %q
}
`, name, chosenSecret)
	generated := statecheck.CompareValue(compare.ValuesSame())
	// the Standard Webhooks form of a 32-byte key
	generatedForm := knownvalue.StringRegexp(regexp.MustCompile(`^whsec_[A-Za-z0-9+/]{43}=$`))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: testAccCheckGone(t, environment, "sluice_http_endpoint", func(ctx context.Context, api *client.ClientWithResponses, id string) (any, error) {
			return api.GetHttpEndpointWithResponse(ctx, id)
		}),
		Steps: []resource.TestStep{
			{
				Config: created,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectUnknownValue(address, tfjsonpath.New("signing_secret"))},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("signing_secret"), generatedForm),
					statecheck.ExpectSensitiveValue(address, tfjsonpath.New("signing_secret")),
					generated.AddStateValue(address, tfjsonpath.New("signing_secret")),
				},
			},
			{
				Config:   created,
				PlanOnly: true,
			},
			// Another change keeps the generated secret.
			{
				Config: moved,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(address, tfjsonpath.New("signing_secret"), generatedForm),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					generated.AddStateValue(address, tfjsonpath.New("signing_secret")),
				},
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateVerify: true,
				// The API shows a secret only in the answer that made it.
				ImportStateVerifyIgnore: []string{"signing_secret"},
			},
			// A chosen secret replaces the generated one in place (a rotation).
			{
				Config: chosen,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("signing_secret"), knownvalue.StringExact(chosenSecret)),
				},
			},
			// Removing it from the configuration keeps it: the API cannot remove a secret.
			{
				Config:   moved,
				PlanOnly: true,
			},
		},
	})
}

func TestHTTPEndpointSecretsStayInStateAndRemovalOutsideTerraformShows(t *testing.T) {
	fake, apiClient := startFake(t)
	endpoints := &httpEndpointResource{client: apiClient}
	planned := httpEndpointResourceModel{
		ID:   types.StringUnknown(),
		Name: types.StringValue("hooks"),
		URL:  types.StringValue("https://hooks.example.com/orders"),
		Headers: types.MapValueMust(types.StringType, map[string]attr.Value{
			"X-Team": types.StringValue("data"),
		}),
		SecretHeaders: types.MapValueMust(types.StringType, map[string]attr.Value{
			"Authorization": types.StringValue("Bearer abc"),
			"X-Api-Key":     types.StringValue("k1"),
		}),
		SecretHeadersWO: types.MapNull(types.StringType),
		SigningSecret:   types.StringValue("a-signing-secret-of-enough-length"),
		CreatedAt:       types.StringUnknown(),
	}
	var created httpEndpointResourceModel
	if response := create(t, endpoints, httpEndpointResourceSchema(), planned, &created); response.Diagnostics.HasError() {
		t.Fatal(response.Diagnostics)
	}
	if !created.SecretHeaders.Equal(planned.SecretHeaders) || !created.SigningSecret.Equal(planned.SigningSecret) {
		t.Fatalf("write-only values not kept: %s, %s", created.SecretHeaders, created.SigningSecret)
	}

	stored := fake.endpoints[created.ID.ValueString()]
	delete(stored.secretHeaders, "X-Api-Key")
	stored.secretHeaders["X-Other"] = "set elsewhere"
	stored.signingSecret = ""
	response := read(t, endpoints, httpEndpointResourceSchema(), created)
	if response.Diagnostics.HasError() {
		t.Fatal(response.Diagnostics)
	}
	var refreshed httpEndpointResourceModel
	response.State.Get(context.Background(), &refreshed)

	want := types.MapValueMust(types.StringType, map[string]attr.Value{
		"Authorization": types.StringValue("Bearer abc"),
		"X-Other":       types.StringValue(""),
	})
	if !refreshed.SecretHeaders.Equal(want) {
		t.Errorf("secret_headers after the refresh = %s, want %s", refreshed.SecretHeaders, want)
	}
	if !refreshed.SigningSecret.IsNull() {
		t.Errorf("signing_secret after it was removed = %s, want null", refreshed.SigningSecret)
	}
}
