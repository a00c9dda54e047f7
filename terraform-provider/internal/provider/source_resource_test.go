package provider

import (
	"context"
	"net/http"
	"reflect"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

func TestAccSourceResource(t *testing.T) {
	environment := testAccPreCheck(t)
	api := testAccAPI(t, environment)
	name := acctest.RandomWithPrefix("tf-acc-source")
	renamed := name + "-renamed"
	const address = "sluice_source.test"
	var id string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: testAccCheckGone(t, environment, "sluice_source", func(ctx context.Context, api *client.ClientWithResponses, id string) (any, error) {
			return api.GetSourceWithResponse(ctx, id)
		}),
		Steps: []resource.TestStep{
			// Create: server defaults are filled in and the next plan is empty.
			{
				Config: testAccProviderConfig(environment) + testAccSourceConfig("test", name, environment.DemoDatabase),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^src_`))),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("port"), knownvalue.Int64Exact(int64(environment.DemoDatabase.Port))),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("ssl_mode"), knownvalue.StringExact("disable")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("slot_name"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("publication_name"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("manage_publication"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("manage_slot"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("created_at"), knownvalue.NotNull()),
					statecheck.ExpectSensitiveValue(address, tfjsonpath.New("password")),
				},
				Check: testAccIDFrom(address, &id),
			},
			// A second plan of the same configuration changes nothing.
			{
				Config:   testAccProviderConfig(environment) + testAccSourceConfig("test", name, environment.DemoDatabase),
				PlanOnly: true,
			},
			// Import by id: everything but the write-only password.
			{
				ResourceName:            address,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"password"},
			},
			// Update in place: the name can change, the database cannot.
			{
				Config: testAccProviderConfig(environment) + testAccSourceConfig("test", renamed, environment.DemoDatabase),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("name"), knownvalue.StringExact(renamed)),
				},
			},
			// Drift: deleted outside Terraform, the source is planned again.
			{
				PreConfig: func() {
					testAccDeleteOutsideTerraform(t, "source "+id, func() (any, error) {
						return api.DeleteSourceWithResponse(context.Background(), id)
					})
				},
				Config: testAccProviderConfig(environment) + testAccSourceConfig("test", renamed, environment.DemoDatabase),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func TestSourceUpdateSendsOnlyWhatChanged(t *testing.T) {
	fake, apiClient := startFake(t)
	prior := createFakeSource(t, fake, apiClient)
	planned := prior
	planned.Name = types.StringValue("orders-renamed")

	var state sourceResourceModel
	response := update(t, &sourceResource{client: apiClient}, sourceResourceSchema(), prior, planned, &state)
	if response.Diagnostics.HasError() {
		t.Fatal(response.Diagnostics)
	}

	patches := fake.requestsTo(http.MethodPatch, "/v1/sources/"+prior.ID.ValueString())
	if len(patches) != 1 {
		t.Fatalf("got %d PATCHes, want 1", len(patches))
	}
	if want := map[string]any{"name": "orders-renamed"}; !reflect.DeepEqual(patches[0].Body, want) {
		t.Errorf("PATCH body = %v, want %v", patches[0].Body, want)
	}
	if state.Name.ValueString() != "orders-renamed" || !state.Password.Equal(prior.Password) {
		t.Errorf("state after update = %+v", state)
	}
}

func TestSourceCreateFillsInServerDefaultsAndKeepsThePassword(t *testing.T) {
	fake, apiClient := startFake(t)

	state := createFakeSource(t, fake, apiClient)

	if state.Port.ValueInt64() != 5432 || state.SslMode.ValueString() != "prefer" || state.SlotName.ValueString() != "sluice_orders" ||
		!state.ManageSlot.ValueBool() || state.CreatedAt.IsNull() {
		t.Errorf("server defaults missing from state: %+v", state)
	}
	if state.Password.ValueString() != "secret" {
		t.Errorf("password = %s, want the configured value", state.Password)
	}
}

func TestSourceDeletedOutsideTerraformLeavesTheState(t *testing.T) {
	fake, apiClient := startFake(t)
	prior := createFakeSource(t, fake, apiClient)
	delete(fake.sources, prior.ID.ValueString())

	response := read(t, &sourceResource{client: apiClient}, sourceResourceSchema(), prior)

	if response.Diagnostics.HasError() {
		t.Fatal(response.Diagnostics)
	}
	if !response.State.Raw.IsNull() {
		t.Error("the deleted source is still in state")
	}
}
