package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource                     = (*consumerDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*consumerDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*consumerDataSource)(nil)
)

// NewConsumerDataSource is the sluice_consumer data source: a consumer looked
// up by id or name.
func NewConsumerDataSource() datasource.DataSource {
	return &consumerDataSource{}
}

type consumerDataSource struct {
	client *apiClient
}

func (d *consumerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_consumer"
}

func (d *consumerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computedString := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Description: description, Computed: true}
	}
	computedInt := func(description string) schema.Int64Attribute {
		return schema.Int64Attribute{Description: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		Description: "A consumer of the account, looked up by id or by name.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description: "Identifier of the consumer. Set exactly one of `id` and `name`.",
				Optional:    true,
				Computed:    true,
			},
			"name": schema.StringAttribute{
				Description: "Name of the consumer. Set exactly one of `id` and `name`.",
				Optional:    true,
				Computed:    true,
			},
			"source_id": computedString("Id of the source."),
			"kind":      computedString("`pull` or `push`."),
			"tables": schema.ListNestedAttribute{
				Description: "The tables whose changes the consumer receives.",
				Computed:    true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"schema":        computedString("Schema of the table."),
						"table":         computedString("Name of the table."),
						"group_columns": schema.ListAttribute{Description: "Columns that form the message group.", ElementType: types.StringType, Computed: true},
					},
				},
			},
			"actions":                    schema.SetAttribute{Description: "The kinds of change delivered.", ElementType: types.StringType, Computed: true},
			"filter":                     computedString("SQL `WHERE` expression over the row's columns, as the server keeps it."),
			"transform":                  computedString("Lua function body that reshapes each message."),
			"endpoint_id":                computedString("Id of the HTTP endpoint (push consumers)."),
			"path":                       computedString("Appended to the endpoint's URL (push consumers)."),
			"batch_size":                 computedInt("Messages per push request."),
			"visibility_timeout_seconds": computedInt("How long a received message stays invisible, in seconds."),
			"max_ack_pending":            computedInt("Most messages outstanding at once."),
			"max_deliver":                computedInt("Delivery attempts before a message is dead-lettered."),
			"start": schema.SingleNestedAttribute{
				Description: "Where the consumer started.",
				Computed:    true,
				Attributes: map[string]schema.Attribute{
					"at":          computedString("`beginning`, `now` or `row`."),
					"sort_column": computedString("Column it started from (`row`)."),
					"value":       computedString("Value of the column it started from (`row`)."),
				},
			},
			"status":     computedString("`active` or `paused`."),
			"created_at": computedString("When the consumer was created (RFC 3339)."),
		},
	}
}

func (d *consumerDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *consumerDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = apiClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *consumerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var id, name types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name"), &name)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := lookupKey(id, name)
	result, err := d.client.api.GetConsumerWithResponse(ctx, key)
	if err = checkResponse("read consumer "+key, result, err, 200); err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read the consumer", err, nil)
		return
	}
	// The data source has the resource's attributes, all computed: the same
	// model serves both.
	state := consumerModelFromAPI(ctx, *result.JSON200, types.ListNull(types.ObjectType{AttrTypes: tableSelectionAttributeTypes}), &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
