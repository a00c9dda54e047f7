package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

var (
	_ resource.Resource                = (*consumerResource)(nil)
	_ resource.ResourceWithConfigure   = (*consumerResource)(nil)
	_ resource.ResourceWithImportState = (*consumerResource)(nil)
)

// NewConsumerResource is the sluice_consumer resource: a stream of a source's
// changes, pulled by the application or pushed to an HTTP endpoint.
func NewConsumerResource() resource.Resource {
	return &consumerResource{}
}

type consumerResource struct {
	client *apiClient
}

type consumerResourceModel struct {
	ID                       types.String `tfsdk:"id"`
	Name                     types.String `tfsdk:"name"`
	SourceID                 types.String `tfsdk:"source_id"`
	Kind                     types.String `tfsdk:"kind"`
	Tables                   types.List   `tfsdk:"tables"`
	Actions                  types.Set    `tfsdk:"actions"`
	Filter                   types.String `tfsdk:"filter"`
	Transform                types.String `tfsdk:"transform"`
	EndpointID               types.String `tfsdk:"endpoint_id"`
	Path                     types.String `tfsdk:"path"`
	BatchSize                types.Int64  `tfsdk:"batch_size"`
	VisibilityTimeoutSeconds types.Int64  `tfsdk:"visibility_timeout_seconds"`
	MaxAckPending            types.Int64  `tfsdk:"max_ack_pending"`
	MaxDeliver               types.Int64  `tfsdk:"max_deliver"`
	Start                    types.Object `tfsdk:"start"`
	Status                   types.String `tfsdk:"status"`
	CreatedAt                types.String `tfsdk:"created_at"`
}

type tableSelectionModel struct {
	Schema       types.String `tfsdk:"schema"`
	Table        types.String `tfsdk:"table"`
	GroupColumns types.List   `tfsdk:"group_columns"`
}

type startPositionModel struct {
	At         types.String `tfsdk:"at"`
	SortColumn types.String `tfsdk:"sort_column"`
	Value      types.String `tfsdk:"value"`
}

var (
	tableSelectionAttributeTypes = map[string]attr.Type{
		"schema":        types.StringType,
		"table":         types.StringType,
		"group_columns": types.ListType{ElemType: types.StringType},
	}
	startPositionAttributeTypes = map[string]attr.Type{
		"at":          types.StringType,
		"sort_column": types.StringType,
		"value":       types.StringType,
	}
	consumerActions = []string{"insert", "update", "delete", "truncate"}
)

func (r *consumerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_consumer"
}

func (r *consumerResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = consumerResourceSchema()
}

func consumerResourceSchema() schema.Schema {
	return schema.Schema{
		Description: "A consumer: the changes of some of a source's tables, delivered in order per primary key until acknowledged. " +
			"A `pull` consumer is read with receive, ack and nack; a `push` consumer POSTs to an HTTP endpoint. " +
			"The source, kind and start position cannot change: changing them replaces the consumer (and drops its undelivered messages).",
		Attributes: map[string]schema.Attribute{
			"id":   idAttribute("consumer"),
			"name": nameAttribute("consumer"),
			"source_id": schema.StringAttribute{
				Description:   "Id (or name) of the source. Changing it replaces the consumer.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 100)},
			},
			"kind": schema.StringAttribute{
				Description:   "`pull` or `push`. Changing it replaces the consumer.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.OneOf("pull", "push")},
			},
			"tables": schema.ListNestedAttribute{
				Description: "The tables whose changes the consumer receives (1 to 100).",
				Required:    true,
				Validators:  []validator.List{listvalidator.SizeBetween(1, 100)},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"schema": schema.StringAttribute{
							Description: "Schema of the table. Defaults to `public`.",
							Optional:    true,
							Computed:    true,
							Default:     stringdefault.StaticString("public"),
							Validators:  []validator.String{stringvalidator.LengthBetween(1, 63)},
						},
						"table": schema.StringAttribute{
							Description: "Name of the table (for a partitioned table, its parent).",
							Required:    true,
							Validators:  []validator.String{stringvalidator.LengthBetween(1, 63)},
						},
						"group_columns": schema.ListAttribute{
							Description: "Columns whose values form the message group, the unit of ordering. Defaults to the primary key; " +
								"required for a table without one (which also needs REPLICA IDENTITY FULL).",
							ElementType: types.StringType,
							Optional:    true,
							Validators: []validator.List{
								listvalidator.SizeBetween(1, 32),
								listvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, 63)),
							},
						},
					},
				},
			},
			"actions": schema.SetAttribute{
				Description: "The kinds of change delivered: `insert`, `update`, `delete`, `truncate`. Defaults to insert, update and delete.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				PlanModifiers: []planmodifier.Set{
					setplanmodifier.UseStateForUnknown(),
				},
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(consumerActions...)),
				},
			},
			"filter": schema.StringAttribute{
				Description: "SQL `WHERE` expression over the row's columns; only matching changes are delivered. " +
					"The server may normalise it: the text you wrote stays in state while it means the same.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthBetween(1, 10000)},
			},
			"transform": schema.StringAttribute{
				Description: "Lua function body that reshapes each message.",
				Optional:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 100000)},
			},
			"endpoint_id": schema.StringAttribute{
				Description: "Id (or name) of the HTTP endpoint a push consumer delivers to.",
				Optional:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 100)},
			},
			"path": schema.StringAttribute{
				Description: "Appended to the endpoint's URL (push consumers).",
				Optional:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 1024)},
			},
			"batch_size": schema.Int64Attribute{
				Description:   "Messages per push request. Defaults to 1.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
				Validators:    []validator.Int64{int64validator.Between(1, 1000)},
			},
			"visibility_timeout_seconds": schema.Int64Attribute{
				Description:   "How long a received message stays invisible before it is delivered again, in seconds. Defaults to 30.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
				Validators:    []validator.Int64{int64validator.Between(1, 43200)},
			},
			"max_ack_pending": schema.Int64Attribute{
				Description:   "Most messages outstanding (delivered, not acknowledged) at once. Defaults to 1000.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
				Validators:    []validator.Int64{int64validator.Between(1, 100000)},
			},
			"max_deliver": schema.Int64Attribute{
				Description:   "Delivery attempts before a message goes to the dead-letter list. Defaults to 10.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
				Validators:    []validator.Int64{int64validator.Between(1, 1000)},
			},
			"start": schema.SingleNestedAttribute{
				Description: "Where the consumer starts. Set by the server when left out. Changing it replaces the consumer; " +
					"to replay an existing consumer, use a backfill instead.",
				Optional: true,
				Computed: true,
				PlanModifiers: []planmodifier.Object{
					objectplanmodifier.UseStateForUnknown(),
					objectplanmodifier.RequiresReplaceIfConfigured(),
				},
				Attributes: map[string]schema.Attribute{
					"at": schema.StringAttribute{
						Description: "`beginning` backfills the tables first; `now` streams changes from now on; `row` backfills from the row where `sort_column >= value`.",
						Required:    true,
						Validators:  []validator.String{stringvalidator.OneOf("beginning", "now", "row")},
					},
					"sort_column": schema.StringAttribute{
						Description: "Column to start from (with `at = \"row\"`).",
						Optional:    true,
						Validators:  []validator.String{stringvalidator.LengthBetween(1, 63)},
					},
					"value": schema.StringAttribute{
						Description: "Value of `sort_column` to start from, as Postgres text input (with `at = \"row\"`).",
						Optional:    true,
						Validators:  []validator.String{stringvalidator.LengthAtMost(1024)},
					},
				},
			},
			"status": schema.StringAttribute{
				Description:   "`active` or `paused`. Defaults to `active`.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				Validators:    []validator.String{stringvalidator.OneOf("active", "paused")},
			},
			"created_at": createdAtAttribute("consumer"),
		},
	}
}

func (r *consumerResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = apiClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *consumerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan consumerResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tables := tablesFromModel(ctx, plan.Tables, &resp.Diagnostics)
	body := client.ConsumerCreate{
		Name:                     plan.Name.ValueString(),
		SourceId:                 plan.SourceID.ValueString(),
		Kind:                     client.ConsumerKind(plan.Kind.ValueString()),
		Tables:                   tables,
		Actions:                  actionsFromModel(ctx, plan.Actions, &resp.Diagnostics),
		Filter:                   stringPointer(plan.Filter),
		Transform:                stringPointer(plan.Transform),
		EndpointId:               stringPointer(plan.EndpointID),
		Path:                     stringPointer(plan.Path),
		BatchSize:                intPointer(plan.BatchSize),
		VisibilityTimeoutSeconds: intPointer(plan.VisibilityTimeoutSeconds),
		MaxAckPending:            intPointer(plan.MaxAckPending),
		MaxDeliver:               intPointer(plan.MaxDeliver),
		Start:                    startFromModel(ctx, plan.Start, &resp.Diagnostics),
	}
	if status := stringPointer(plan.Status); status != nil {
		state := client.ConsumerState(*status)
		body.Status = &state
	}
	if resp.Diagnostics.HasError() {
		return
	}
	result, err := r.client.api.CreateConsumerWithResponse(ctx, &client.CreateConsumerParams{IdempotencyKey: newIdempotencyKey()}, body)
	if err = checkResponse("create consumer", result, err, 201); err != nil {
		addAPIError(&resp.Diagnostics, "Cannot create the consumer", err, consumerResourceSchema().Attributes)
		return
	}
	spellings := spellings{}
	state := consumerModelFromAPI(ctx, *result.JSON201, plan.Tables, &resp.Diagnostics)
	keepWrittenSpellings(&state, plan, *result.JSON201, spellings)
	spellings.write(ctx, resp.Private, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *consumerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state consumerResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	result, err := r.client.api.GetConsumerWithResponse(ctx, state.ID.ValueString())
	if err = checkResponse("read consumer", result, err, 200); err != nil {
		if isNotFound(err) {
			resp.State.RemoveResource(ctx)
			return
		}
		addAPIError(&resp.Diagnostics, "Cannot read the consumer", err, nil)
		return
	}
	consumer := *result.JSON200
	spellings := readSpellings(ctx, req.Private, &resp.Diagnostics)
	newState := consumerModelFromAPI(ctx, consumer, state.Tables, &resp.Diagnostics)
	newState.SourceID = spellings.afterRead("source_id", state.SourceID, &consumer.SourceId)
	newState.EndpointID = spellings.afterRead("endpoint_id", state.EndpointID, consumer.EndpointId)
	newState.Filter = spellings.afterRead("filter", state.Filter, consumer.Filter)
	newState.Transform = spellings.afterRead("transform", state.Transform, consumer.Transform)
	if !state.Start.IsNull() && !state.Start.IsUnknown() {
		// Immutable: what is in state still holds (see keepWrittenSpellings).
		newState.Start = state.Start
	}
	spellings.write(ctx, resp.Private, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
}

func (r *consumerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state consumerResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, changed := consumerUpdateBody(ctx, plan, state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var consumer client.Consumer
	if changed {
		result, err := r.client.api.UpdateConsumerWithResponse(ctx, state.ID.ValueString(), body)
		if err = checkResponse("update consumer", result, err, 200); err != nil {
			addAPIError(&resp.Diagnostics, "Cannot update the consumer", err, consumerResourceSchema().Attributes)
			return
		}
		consumer = *result.JSON200
	} else {
		result, err := r.client.api.GetConsumerWithResponse(ctx, state.ID.ValueString())
		if err = checkResponse("read consumer", result, err, 200); err != nil {
			addAPIError(&resp.Diagnostics, "Cannot read the consumer", err, nil)
			return
		}
		consumer = *result.JSON200
	}
	spellings := readSpellings(ctx, req.Private, &resp.Diagnostics)
	newState := consumerModelFromAPI(ctx, consumer, plan.Tables, &resp.Diagnostics)
	keepWrittenSpellings(&newState, plan, consumer, spellings)
	spellings.write(ctx, resp.Private, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
}

func (r *consumerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state consumerResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	result, err := r.client.api.DeleteConsumerWithResponse(ctx, state.ID.ValueString())
	if err = checkResponse("delete consumer", result, err, 204); err != nil && !isNotFound(err) {
		addAPIError(&resp.Diagnostics, "Cannot delete the consumer", err, nil)
	}
}

func (r *consumerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// consumerUpdateBody is the PATCH for the attributes that changed between
// state and plan. Removing filter, transform, endpoint or path sends an empty
// string, which the API reads as "remove".
func consumerUpdateBody(ctx context.Context, plan, state consumerResourceModel, diags *diag.Diagnostics) (client.ConsumerUpdate, bool) {
	var body client.ConsumerUpdate
	changed := false
	removable := func(planned, current types.String) *string {
		if planned.Equal(current) || planned.IsUnknown() {
			return nil
		}
		changed = true
		text := planned.ValueString() // "" when null: removes it
		return &text
	}
	if !plan.Name.Equal(state.Name) {
		body.Name = stringPointer(plan.Name)
		changed = true
	}
	if !plan.Tables.Equal(state.Tables) {
		tables := tablesFromModel(ctx, plan.Tables, diags)
		body.Tables = &tables
		changed = true
	}
	if !plan.Actions.IsUnknown() && !plan.Actions.Equal(state.Actions) {
		body.Actions = actionsFromModel(ctx, plan.Actions, diags)
		changed = changed || body.Actions != nil
	}
	body.Filter = removable(plan.Filter, state.Filter)
	body.Transform = removable(plan.Transform, state.Transform)
	body.EndpointId = removable(plan.EndpointID, state.EndpointID)
	body.Path = removable(plan.Path, state.Path)
	integer := func(planned, current types.Int64) *int {
		if planned.IsUnknown() || planned.Equal(current) {
			return nil
		}
		changed = true
		return intPointer(planned)
	}
	body.BatchSize = integer(plan.BatchSize, state.BatchSize)
	body.VisibilityTimeoutSeconds = integer(plan.VisibilityTimeoutSeconds, state.VisibilityTimeoutSeconds)
	body.MaxAckPending = integer(plan.MaxAckPending, state.MaxAckPending)
	body.MaxDeliver = integer(plan.MaxDeliver, state.MaxDeliver)
	if !plan.Status.IsUnknown() && !plan.Status.IsNull() && !plan.Status.Equal(state.Status) {
		status := client.ConsumerState(plan.Status.ValueString())
		body.Status = &status
		changed = true
	}
	return body, changed
}

// keepWrittenSpellings keeps, after a create or update, the text the user
// wrote for attributes the server may spell differently, and remembers the
// server's spelling in spellings.
func keepWrittenSpellings(state *consumerResourceModel, plan consumerResourceModel, consumer client.Consumer, spellings spellings) {
	state.SourceID = spellings.afterWrite("source_id", plan.SourceID, &consumer.SourceId)
	state.EndpointID = spellings.afterWrite("endpoint_id", plan.EndpointID, consumer.EndpointId)
	state.Filter = spellings.afterWrite("filter", plan.Filter, consumer.Filter)
	state.Transform = spellings.afterWrite("transform", plan.Transform, consumer.Transform)
	// The start position never changes after the create, and the server may
	// add what it resolved (a position in the log): keep it as configured.
	if !plan.Start.IsNull() && !plan.Start.IsUnknown() {
		state.Start = plan.Start
	}
}

// consumerModelFromAPI maps the API's consumer to state. known holds the
// tables as configured or in state, so that group columns the server filled
// in (the primary key) do not show as a change.
func consumerModelFromAPI(ctx context.Context, consumer client.Consumer, known types.List, diags *diag.Diagnostics) consumerResourceModel {
	model := consumerResourceModel{
		ID:                       types.StringValue(consumer.Id),
		Name:                     types.StringValue(consumer.Name),
		SourceID:                 types.StringValue(consumer.SourceId),
		Kind:                     types.StringValue(string(consumer.Kind)),
		Tables:                   tablesToModel(ctx, consumer.Tables, known, diags),
		Filter:                   stringOrNull(consumer.Filter),
		Transform:                stringOrNull(consumer.Transform),
		EndpointID:               stringOrNull(consumer.EndpointId),
		Path:                     stringOrNull(consumer.Path),
		BatchSize:                types.Int64Value(int64(consumer.BatchSize)),
		VisibilityTimeoutSeconds: types.Int64Value(int64(consumer.VisibilityTimeoutSeconds)),
		MaxAckPending:            types.Int64Value(int64(consumer.MaxAckPending)),
		MaxDeliver:               types.Int64Value(int64(consumer.MaxDeliver)),
		Status:                   types.StringValue(string(consumer.Status)),
		CreatedAt:                timeValue(consumer.CreatedAt),
	}
	actions, setDiags := types.SetValue(types.StringType, stringValues(consumer.Actions))
	diags.Append(setDiags...)
	model.Actions = actions
	model.Start = startToModel(consumer.Start, diags)
	return model
}

func tablesFromModel(ctx context.Context, value types.List, diags *diag.Diagnostics) []client.TableSelection {
	var models []tableSelectionModel
	diags.Append(value.ElementsAs(ctx, &models, false)...)
	tables := make([]client.TableSelection, 0, len(models))
	for _, model := range models {
		table := client.TableSelection{
			Schema: stringPointer(model.Schema),
			Table:  model.Table.ValueString(),
		}
		if !model.GroupColumns.IsNull() && !model.GroupColumns.IsUnknown() {
			var columns []string
			diags.Append(model.GroupColumns.ElementsAs(ctx, &columns, false)...)
			table.GroupColumns = &columns
		}
		tables = append(tables, table)
	}
	return tables
}

func tablesToModel(ctx context.Context, tables []client.TableSelection, known types.List, diags *diag.Diagnostics) types.List {
	var knownModels []tableSelectionModel
	if !known.IsNull() && !known.IsUnknown() {
		diags.Append(known.ElementsAs(ctx, &knownModels, false)...)
	}
	objectType := types.ObjectType{AttrTypes: tableSelectionAttributeTypes}
	elements := make([]attr.Value, 0, len(tables))
	for index, table := range tables {
		schemaName := "public"
		if table.Schema != nil && *table.Schema != "" {
			schemaName = *table.Schema
		}
		groupColumns := types.ListNull(types.StringType)
		if table.GroupColumns != nil && len(*table.GroupColumns) > 0 {
			groupColumns = types.ListValueMust(types.StringType, stringValues(*table.GroupColumns))
		}
		// The server fills in the primary key when group columns are left
		// out; keep them out while the table is the one configured.
		if index < len(knownModels) {
			knownTable := knownModels[index]
			if knownTable.GroupColumns.IsNull() && knownTable.Table.ValueString() == table.Table &&
				(knownTable.Schema.IsNull() || knownTable.Schema.IsUnknown() || knownTable.Schema.ValueString() == schemaName) {
				groupColumns = types.ListNull(types.StringType)
			}
		}
		object, objectDiags := types.ObjectValue(tableSelectionAttributeTypes, map[string]attr.Value{
			"schema":        types.StringValue(schemaName),
			"table":         types.StringValue(table.Table),
			"group_columns": groupColumns,
		})
		diags.Append(objectDiags...)
		elements = append(elements, object)
	}
	list, listDiags := types.ListValue(objectType, elements)
	diags.Append(listDiags...)
	return list
}

func actionsFromModel(ctx context.Context, value types.Set, diags *diag.Diagnostics) *[]client.Action {
	if value.IsNull() || value.IsUnknown() {
		return nil
	}
	var names []string
	diags.Append(value.ElementsAs(ctx, &names, false)...)
	actions := make([]client.Action, 0, len(names))
	for _, name := range names {
		actions = append(actions, client.Action(name))
	}
	return &actions
}

func startFromModel(ctx context.Context, value types.Object, diags *diag.Diagnostics) *client.StartPosition {
	if value.IsNull() || value.IsUnknown() {
		return nil
	}
	var model startPositionModel
	diags.Append(value.As(ctx, &model, basetypes.ObjectAsOptions{})...)
	return &client.StartPosition{
		At:         client.StartPositionAt(model.At.ValueString()),
		SortColumn: stringPointer(model.SortColumn),
		Value:      stringPointer(model.Value),
	}
}

func startToModel(start client.StartPosition, diags *diag.Diagnostics) types.Object {
	object, objectDiags := types.ObjectValue(startPositionAttributeTypes, map[string]attr.Value{
		"at":          types.StringValue(string(start.At)),
		"sort_column": stringOrNull(start.SortColumn),
		"value":       stringOrNull(start.Value),
	})
	diags.Append(objectDiags...)
	return object
}
