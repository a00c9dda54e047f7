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
	_ datasource.DataSource                     = (*sourceDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*sourceDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*sourceDataSource)(nil)
)

// NewSourceDataSource is the sluice_source data source: a source looked up by
// id or name.
func NewSourceDataSource() datasource.DataSource {
	return &sourceDataSource{}
}

type sourceDataSource struct {
	client *apiClient
}

type sourceDataSourceModel struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	Host              types.String `tfsdk:"host"`
	Port              types.Int64  `tfsdk:"port"`
	Database          types.String `tfsdk:"database"`
	Username          types.String `tfsdk:"username"`
	SslMode           types.String `tfsdk:"ssl_mode"`
	PublicationName   types.String `tfsdk:"publication_name"`
	SlotName          types.String `tfsdk:"slot_name"`
	ManagePublication types.Bool   `tfsdk:"manage_publication"`
	ManageSlot        types.Bool   `tfsdk:"manage_slot"`
	CreatedAt         types.String `tfsdk:"created_at"`
}

func (d *sourceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_source"
}

func (d *sourceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computedString := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Description: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		Description: "A source of the account, looked up by id or by name. The password is never returned.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description: "Identifier of the source. Set exactly one of `id` and `name`.",
				Optional:    true,
				Computed:    true,
			},
			"name": schema.StringAttribute{
				Description: "Name of the source. Set exactly one of `id` and `name`.",
				Optional:    true,
				Computed:    true,
			},
			"host":               computedString("Host name or address of the Postgres server."),
			"port":               schema.Int64Attribute{Description: "Port of the Postgres server.", Computed: true},
			"database":           computedString("Name of the database."),
			"username":           computedString("User Sluice connects as."),
			"ssl_mode":           computedString("TLS mode of the connection."),
			"publication_name":   computedString("Publication Sluice reads."),
			"slot_name":          computedString("Logical replication slot Sluice reads."),
			"manage_publication": schema.BoolAttribute{Description: "Whether Sluice manages the publication.", Computed: true},
			"manage_slot":        schema.BoolAttribute{Description: "Whether Sluice manages the replication slot.", Computed: true},
			"created_at":         computedString("When the source was created (RFC 3339)."),
		},
	}
}

func (d *sourceDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *sourceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = apiClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *sourceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config sourceDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := lookupKey(config.ID, config.Name)
	result, err := d.client.api.GetSourceWithResponse(ctx, key)
	if err = checkResponse("read source "+key, result, err, 200); err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read the source", err, nil)
		return
	}
	source := sourceModelFromAPI(*result.JSON200, sourceResourceModel{})
	state := sourceDataSourceModel{
		ID:                source.ID,
		Name:              source.Name,
		Host:              source.Host,
		Port:              source.Port,
		Database:          source.Database,
		Username:          source.Username,
		SslMode:           source.SslMode,
		PublicationName:   source.PublicationName,
		SlotName:          source.SlotName,
		ManagePublication: source.ManagePublication,
		ManageSlot:        source.ManageSlot,
		CreatedAt:         source.CreatedAt,
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// lookupKey is the path parameter for a data source configured with an id or
// a name: the API takes either.
func lookupKey(id, name types.String) string {
	if !id.IsNull() && !id.IsUnknown() {
		return id.ValueString()
	}
	return name.ValueString()
}
