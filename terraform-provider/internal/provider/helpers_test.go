package provider

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

// These helpers drive a resource's methods directly, the way the framework
// would, against the fake API: fast tests of what the provider sends and
// keeps, without the terraform CLI.

func startFake(t *testing.T) (*fakeAPI, *apiClient) {
	t.Helper()
	fake := newFakeAPI()
	server := fake.start()
	t.Cleanup(server.Close)
	apiClient, err := newAPIClient(server.URL, fakeManageToken, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Retries in tests wait no time.
	apiClient.retrying.backoff = noWait
	return fake, apiClient
}

func planOf(t *testing.T, resourceSchema schema.Schema, model any) tfsdk.Plan {
	t.Helper()
	ctx := context.Background()
	plan := tfsdk.Plan{Schema: resourceSchema, Raw: tftypes.NewValue(resourceSchema.Type().TerraformType(ctx), nil)}
	if diags := plan.Set(ctx, model); diags.HasError() {
		t.Fatalf("building the plan: %v", diags)
	}
	return plan
}

func stateOf(t *testing.T, resourceSchema schema.Schema, model any) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	state := emptyState(resourceSchema)
	if diags := state.Set(ctx, model); diags.HasError() {
		t.Fatalf("building the state: %v", diags)
	}
	return state
}

func emptyState(resourceSchema schema.Schema) tfsdk.State {
	return tfsdk.State{Schema: resourceSchema, Raw: tftypes.NewValue(resourceSchema.Type().TerraformType(context.Background()), nil)}
}

// create runs r.Create for the planned model and returns the new state into
// result.
func create(t *testing.T, r resource.Resource, resourceSchema schema.Schema, planned any, result any) resource.CreateResponse {
	t.Helper()
	ctx := context.Background()
	response := resource.CreateResponse{State: emptyState(resourceSchema)}
	initPrivate(&response.Private)
	r.Create(ctx, resource.CreateRequest{Plan: planOf(t, resourceSchema, planned)}, &response)
	if !response.Diagnostics.HasError() && result != nil {
		if diags := response.State.Get(ctx, result); diags.HasError() {
			t.Fatalf("reading the state: %v", diags)
		}
	}
	return response
}

// initPrivate gives a response the empty private state the framework would
// (its type is internal to the framework).
func initPrivate[T any](private *T) {
	value := reflect.ValueOf(private).Elem()
	value.Set(reflect.New(value.Type().Elem()))
}

func problemFor(status int, code, detail string) *client.Problem {
	return &client.Problem{Type: "https://sluice.dev/problems/" + code, Title: code, Status: status, Code: code, Detail: &detail}
}

// plannedSource is a source as planned from a minimal configuration: the
// server's defaults are unknown.
func plannedSource(name string) sourceResourceModel {
	return sourceResourceModel{
		ID:                types.StringUnknown(),
		Name:              types.StringValue(name),
		Host:              types.StringValue("127.0.0.1"),
		Port:              types.Int64Unknown(),
		Database:          types.StringValue("demo"),
		Username:          types.StringValue("demo"),
		Password:          types.StringValue("secret"),
		SslMode:           types.StringUnknown(),
		PublicationName:   types.StringUnknown(),
		SlotName:          types.StringUnknown(),
		ManagePublication: types.BoolUnknown(),
		ManageSlot:        types.BoolUnknown(),
		CreatedAt:         types.StringUnknown(),
	}
}

func createFakeSource(t *testing.T, _ *fakeAPI, apiClient *apiClient) sourceResourceModel {
	t.Helper()
	var state sourceResourceModel
	response := create(t, &sourceResource{client: apiClient}, sourceResourceSchema(), plannedSource("orders"), &state)
	if response.Diagnostics.HasError() {
		t.Fatalf("creating the source: %v", response.Diagnostics)
	}
	return state
}

// plannedConsumer is a pull consumer of one table as planned from a minimal
// configuration.
func plannedConsumer(sourceID, table string) consumerResourceModel {
	tableObject := types.ObjectValueMust(tableSelectionAttributeTypes, map[string]attr.Value{
		"schema":        types.StringValue("public"),
		"table":         types.StringValue(table),
		"group_columns": types.ListNull(types.StringType),
	})
	return consumerResourceModel{
		ID:                       types.StringUnknown(),
		Name:                     types.StringValue("orders-pull"),
		SourceID:                 types.StringValue(sourceID),
		Kind:                     types.StringValue("pull"),
		Tables:                   types.ListValueMust(types.ObjectType{AttrTypes: tableSelectionAttributeTypes}, []attr.Value{tableObject}),
		Actions:                  types.SetUnknown(types.StringType),
		Filter:                   types.StringNull(),
		Transform:                types.StringNull(),
		EndpointID:               types.StringNull(),
		Path:                     types.StringNull(),
		BatchSize:                types.Int64Unknown(),
		VisibilityTimeoutSeconds: types.Int64Unknown(),
		MaxAckPending:            types.Int64Unknown(),
		MaxDeliver:               types.Int64Unknown(),
		Start:                    types.ObjectUnknown(startPositionAttributeTypes),
		Status:                   types.StringUnknown(),
		CreatedAt:                types.StringUnknown(),
	}
}

// update runs r.Update from prior to planned and returns the response, with
// the new state read into result.
func update(t *testing.T, r resource.Resource, resourceSchema schema.Schema, prior, planned, result any) resource.UpdateResponse {
	t.Helper()
	ctx := context.Background()
	response := resource.UpdateResponse{State: emptyState(resourceSchema)}
	initPrivate(&response.Private)
	r.Update(ctx, resource.UpdateRequest{
		Plan:  planOf(t, resourceSchema, planned),
		State: stateOf(t, resourceSchema, prior),
	}, &response)
	if !response.Diagnostics.HasError() && result != nil {
		if diags := response.State.Get(ctx, result); diags.HasError() {
			t.Fatalf("reading the state: %v", diags)
		}
	}
	return response
}

// read runs r.Read on prior and returns the response.
func read(t *testing.T, r resource.Resource, resourceSchema schema.Schema, prior any) resource.ReadResponse {
	t.Helper()
	state := stateOf(t, resourceSchema, prior)
	response := resource.ReadResponse{State: state}
	initPrivate(&response.Private)
	r.Read(context.Background(), resource.ReadRequest{State: state}, &response)
	return response
}
