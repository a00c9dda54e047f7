package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

var (
	_ datasource.DataSource              = (*sourceTablesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*sourceTablesDataSource)(nil)
)

// NewSourceTablesDataSource is the sluice_source_tables data source: the
// tables of a source's database, with what streaming them needs to know.
func NewSourceTablesDataSource() datasource.DataSource {
	return &sourceTablesDataSource{}
}

type sourceTablesDataSource struct {
	client *apiClient
}

type sourceTablesDataSourceModel struct {
	SourceID types.String `tfsdk:"source_id"`
	Tables   types.List   `tfsdk:"tables"`
}

var (
	sourceColumnAttributeTypes = map[string]attr.Type{
		"name":     types.StringType,
		"type":     types.StringType,
		"nullable": types.BoolType,
	}
	sourceTableAttributeTypes = map[string]attr.Type{
		"schema":           types.StringType,
		"name":             types.StringType,
		"primary_key":      types.ListType{ElemType: types.StringType},
		"replica_identity": types.StringType,
		"partitioned":      types.BoolType,
		"in_publication":   types.BoolType,
		"columns":          types.ListType{ElemType: types.ObjectType{AttrTypes: sourceColumnAttributeTypes}},
	}
)

func (d *sourceTablesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_source_tables"
}

func (d *sourceTablesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The tables of a source's database, with their primary keys and replica identity: " +
			"a table without a primary key needs `group_columns` and REPLICA IDENTITY FULL in a consumer.",
		Attributes: map[string]schema.Attribute{
			"source_id": schema.StringAttribute{
				Description: "Id or name of the source.",
				Required:    true,
			},
			"tables": schema.ListNestedAttribute{
				Description: "The tables, as the source's database reports them.",
				Computed:    true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"schema":           schema.StringAttribute{Description: "Schema of the table.", Computed: true},
						"name":             schema.StringAttribute{Description: "Name of the table.", Computed: true},
						"primary_key":      schema.ListAttribute{Description: "Primary-key columns in key order; empty when the table has none.", ElementType: types.StringType, Computed: true},
						"replica_identity": schema.StringAttribute{Description: "`default`, `full`, `index` or `nothing`.", Computed: true},
						"partitioned":      schema.BoolAttribute{Description: "Whether the table is partitioned.", Computed: true},
						"in_publication":   schema.BoolAttribute{Description: "Whether the source's publication has the table.", Computed: true},
						"columns": schema.ListNestedAttribute{
							Description: "The table's columns.",
							Computed:    true,
							NestedObject: schema.NestedAttributeObject{
								Attributes: map[string]schema.Attribute{
									"name":     schema.StringAttribute{Description: "Name of the column.", Computed: true},
									"type":     schema.StringAttribute{Description: "Postgres type of the column.", Computed: true},
									"nullable": schema.BoolAttribute{Description: "Whether the column accepts NULL.", Computed: true},
								},
							},
						},
					},
				},
			},
		},
	}
}

func (d *sourceTablesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = apiClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *sourceTablesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config sourceTablesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	result, err := d.client.api.ListSourceTablesWithResponse(ctx, config.SourceID.ValueString())
	if err = checkResponse("list tables of source "+config.SourceID.ValueString(), result, err, 200); err != nil {
		addAPIError(&resp.Diagnostics, "Cannot list the source's tables", err, nil)
		return
	}
	config.Tables = sourceTablesToModel(result.JSON200.Data, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

func sourceTablesToModel(tables []client.SourceTable, diags *diag.Diagnostics) types.List {
	columnType := types.ObjectType{AttrTypes: sourceColumnAttributeTypes}
	elements := make([]attr.Value, 0, len(tables))
	for _, table := range tables {
		columns := make([]attr.Value, 0, len(table.Columns))
		for _, column := range table.Columns {
			columnValue, columnDiags := types.ObjectValue(sourceColumnAttributeTypes, map[string]attr.Value{
				"name":     types.StringValue(column.Name),
				"type":     types.StringValue(column.Type),
				"nullable": types.BoolValue(column.Nullable),
			})
			diags.Append(columnDiags...)
			columns = append(columns, columnValue)
		}
		tableValue, tableDiags := types.ObjectValue(sourceTableAttributeTypes, map[string]attr.Value{
			"schema":           types.StringValue(table.Schema),
			"name":             types.StringValue(table.Name),
			"primary_key":      types.ListValueMust(types.StringType, stringValues(table.PrimaryKey)),
			"replica_identity": types.StringValue(string(table.ReplicaIdentity)),
			"partitioned":      types.BoolValue(table.Partitioned),
			"in_publication":   types.BoolValue(table.InPublication),
			"columns":          types.ListValueMust(columnType, columns),
		})
		diags.Append(tableDiags...)
		elements = append(elements, tableValue)
	}
	list, listDiags := types.ListValue(types.ObjectType{AttrTypes: sourceTableAttributeTypes}, elements)
	diags.Append(listDiags...)
	return list
}
