package provider

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

const testAccDemoTable = "tf_acc_orders"

// testAccConsumerConfig is a source, an HTTP endpoint, a pull consumer (the
// one under test, with the given body) and a push consumer that names its
// endpoint by name rather than id.
func testAccConsumerConfig(environment *devEnvironment, prefix, pullBody string) string {
	return testAccProviderConfig(environment) +
		testAccSourceConfig("orders", prefix+"-source", environment.DemoDatabase) +
		fmt.Sprintf(`
resource "sluice_http_endpoint" "hooks" {
  name = %[1]q
  url  = "http://127.0.0.1:9/hooks"
}

resource "sluice_consumer" "test" {
  source_id = sluice_source.orders.id
  kind      = "pull"
%[2]s
}

resource "sluice_consumer" "push" {
  name        = %[3]q
  source_id   = sluice_source.orders.id
  kind        = "push"
  endpoint_id = sluice_http_endpoint.hooks.name
  path        = "/orders"
  tables      = [{ table = %[4]q }]
  start       = { at = "now" }
}
`, prefix+"-endpoint", pullBody, prefix+"-push", testAccDemoTable)
}

func TestAccConsumerResource(t *testing.T) {
	environment := testAccPreCheck(t)
	testAccCreateDemoTable(t, environment.DemoDatabase, testAccDemoTable)
	api := testAccAPI(t, environment)
	prefix := acctest.RandomWithPrefix("tf-acc-consumer")
	const address = "sluice_consumer.test"
	created := testAccConsumerConfig(environment, prefix, fmt.Sprintf(`
  name   = %q
  tables = [{ table = %q }]
  filter = "status = 'paid' AND amount > 10"
  start  = { at = "beginning" }
`, prefix+"-pull", testAccDemoTable))
	updated := testAccConsumerConfig(environment, prefix, fmt.Sprintf(`
  name                       = %q
  tables                     = [{ schema = "public", table = %q, group_columns = ["id"] }]
  actions                    = ["insert", "update"]
  filter                     = "status IN ('paid', 'shipped')"
  max_deliver                = 5
  visibility_timeout_seconds = 60
  status                     = "paused"
  start                      = { at = "beginning" }
`, prefix+"-pull-renamed", testAccDemoTable))
	var id string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: testAccCheckGone(t, environment, "sluice_consumer", func(ctx context.Context, api *client.ClientWithResponses, id string) (any, error) {
			return api.GetConsumerWithResponse(ctx, id)
		}),
		Steps: []resource.TestStep{
			{
				Config: created,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^con_`))),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("tables").AtSliceIndex(0).AtMapKey("schema"), knownvalue.StringExact("public")),
					// The text as written stays, whatever the server's spelling.
					statecheck.ExpectKnownValue(address, tfjsonpath.New("filter"), knownvalue.StringExact("status = 'paid' AND amount > 10")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("batch_size"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("visibility_timeout_seconds"), knownvalue.Int64Exact(30)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("max_ack_pending"), knownvalue.Int64Exact(1000)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("max_deliver"), knownvalue.Int64Exact(10)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("actions"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("insert"), knownvalue.StringExact("update"), knownvalue.StringExact("delete"),
					})),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue("sluice_consumer.push", tfjsonpath.New("endpoint_id"), knownvalue.StringExact(prefix+"-endpoint")),
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
				// An import takes the server's spelling of the filter and the
				// group columns it filled in (the primary key).
				ImportStateVerifyIgnore: []string{"filter", "tables.0.group_columns"},
			},
			{
				ResourceName:            "sluice_consumer.push",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"endpoint_id", "tables.0.group_columns"},
			},
			// Update in place: PATCH with only what changed.
			{
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringFunc(func(value string) error {
						if value != id {
							return fmt.Errorf("the consumer was replaced (id %s, was %s)", value, id)
						}
						return nil
					})),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("status"), knownvalue.StringExact("paused")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("max_deliver"), knownvalue.Int64Exact(5)),
				},
			},
			// The start position cannot change: a new one replaces the consumer.
			{
				Config: testAccConsumerConfig(environment, prefix, fmt.Sprintf(`
  name                       = %q
  tables                     = [{ schema = "public", table = %q, group_columns = ["id"] }]
  actions                    = ["insert", "update"]
  filter                     = "status IN ('paid', 'shipped')"
  max_deliver                = 5
  visibility_timeout_seconds = 60
  status                     = "paused"
  start                      = { at = "now" }
`, prefix+"-pull-renamed", testAccDemoTable)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: testAccIDFrom(address, &id),
			},
			{
				PreConfig: func() {
					testAccDeleteOutsideTerraform(t, "consumer "+id, func() (any, error) {
						return api.DeleteConsumerWithResponse(context.Background(), id)
					})
				},
				Config: testAccConsumerConfig(environment, prefix, fmt.Sprintf(`
  name   = %q
  tables = [{ table = %q }]
  start  = { at = "now" }
`, prefix+"-pull", testAccDemoTable)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func TestConsumerKeepsTheFilterAsWrittenUntilItChangesOnTheServer(t *testing.T) {
	fake, apiClient := startFake(t)
	source := createFakeSource(t, fake, apiClient)
	planned := plannedConsumer(source.Name.ValueString(), testAccDemoTable)
	planned.Filter = types.StringValue("status = 'paid' and amount > 10")
	consumers := &consumerResource{client: apiClient}

	var created consumerResourceModel
	createResponse := create(t, consumers, consumerResourceSchema(), planned, &created)
	if createResponse.Diagnostics.HasError() {
		t.Fatal(createResponse.Diagnostics)
	}
	if created.Filter.ValueString() != "status = 'paid' and amount > 10" {
		t.Fatalf("filter after create = %s, want the text as written", created.Filter)
	}
	// The source was named, not given by id: the name stays.
	if created.SourceID.ValueString() != "orders" {
		t.Errorf("source_id after create = %s, want the name as written", created.SourceID)
	}
	// The server filled in the primary key as group columns.
	var tables []tableSelectionModel
	created.Tables.ElementsAs(context.Background(), &tables, false)
	if !tables[0].GroupColumns.IsNull() {
		t.Errorf("group_columns = %s, want them left unset", tables[0].GroupColumns)
	}

	refreshed := readConsumer(t, consumers, created, createResponse.Private)
	if !refreshed.Filter.Equal(created.Filter) || !refreshed.SourceID.Equal(created.SourceID) {
		t.Fatalf("a refresh changed filter or source_id: %s, %s", refreshed.Filter, refreshed.SourceID)
	}

	changed := "(status = 'refunded')"
	fake.consumers[created.ID.ValueString()].Filter = &changed
	drifted := readConsumer(t, consumers, created, createResponse.Private)
	if drifted.Filter.ValueString() != changed {
		t.Fatalf("after a change outside Terraform the filter is %s, want %s", drifted.Filter, changed)
	}
}

func TestConsumerUpdateRemovingTheFilterSendsAnEmptyOne(t *testing.T) {
	fake, apiClient := startFake(t)
	source := createFakeSource(t, fake, apiClient)
	planned := plannedConsumer(source.ID.ValueString(), testAccDemoTable)
	planned.Filter = types.StringValue("status = 'paid'")
	consumers := &consumerResource{client: apiClient}
	var prior consumerResourceModel
	if response := create(t, consumers, consumerResourceSchema(), planned, &prior); response.Diagnostics.HasError() {
		t.Fatal(response.Diagnostics)
	}
	withoutFilter := prior
	withoutFilter.Filter = types.StringNull()
	withoutFilter.MaxDeliver = types.Int64Value(3)

	var state consumerResourceModel
	if response := update(t, consumers, consumerResourceSchema(), prior, withoutFilter, &state); response.Diagnostics.HasError() {
		t.Fatal(response.Diagnostics)
	}

	patches := fake.requestsTo(http.MethodPatch, "/v1/consumers/"+prior.ID.ValueString())
	if len(patches) != 1 {
		t.Fatalf("got %d PATCHes, want 1", len(patches))
	}
	if want := map[string]any{"filter": "", "max_deliver": float64(3)}; !reflect.DeepEqual(patches[0].Body, want) {
		t.Errorf("PATCH body = %v, want %v", patches[0].Body, want)
	}
	if !state.Filter.IsNull() || state.MaxDeliver.ValueInt64() != 3 {
		t.Errorf("state after update: filter %s, max_deliver %s", state.Filter, state.MaxDeliver)
	}
}

func readConsumer(t *testing.T, consumers *consumerResource, prior consumerResourceModel, private any) consumerResourceModel {
	t.Helper()
	ctx := context.Background()
	state := stateOf(t, consumerResourceSchema(), prior)
	request := fwresource.ReadRequest{State: state}
	reflect.ValueOf(&request.Private).Elem().Set(reflect.ValueOf(private))
	response := fwresource.ReadResponse{State: state}
	reflect.ValueOf(&response.Private).Elem().Set(reflect.ValueOf(private))
	consumers.Read(ctx, request, &response)
	if response.Diagnostics.HasError() {
		t.Fatal(response.Diagnostics)
	}
	var refreshed consumerResourceModel
	if diags := response.State.Get(ctx, &refreshed); diags.HasError() {
		t.Fatal(diags)
	}
	return refreshed
}
