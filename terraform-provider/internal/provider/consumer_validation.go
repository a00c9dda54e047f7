package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

var _ resource.ResourceWithValidateConfig = (*consumerResource)(nil)

// ValidateConfig checks, at validate and plan time, the rules of a consumer
// that need no server: those of the API's consumer checks that depend on
// more than one attribute. Values not known yet (from other resources) are
// left to the server.
func (r *consumerResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config consumerResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateConsumerConfig(ctx, config, &resp.Diagnostics)
}

func validateConsumerConfig(ctx context.Context, config consumerResourceModel, diags *diag.Diagnostics) {
	if !config.Kind.IsUnknown() && !config.Kind.IsNull() {
		switch config.Kind.ValueString() {
		case "push":
			if config.EndpointID.IsNull() {
				diags.AddAttributeError(path.Root("endpoint_id"), "Missing endpoint_id",
					"A push consumer delivers to an HTTP endpoint: set endpoint_id to the id (or name) of a sluice_http_endpoint.")
			}
		case "pull":
			for name, value := range map[string]attr.Value{"endpoint_id": config.EndpointID, "path": config.Path} {
				if !value.IsNull() {
					diags.AddAttributeError(path.Root(name), "Only for push consumers",
						fmt.Sprintf("%s only applies to push consumers (kind = \"push\"); a pull consumer is read with receive, ack and nack.", name))
				}
			}
		}
	}
	if !config.Path.IsNull() && !config.Path.IsUnknown() {
		value := config.Path.ValueString()
		if !strings.HasPrefix(value, "/") || strings.ContainsAny(value, "#") || strings.IndexFunc(value, func(r rune) bool { return r <= ' ' }) >= 0 {
			diags.AddAttributeError(path.Root("path"), "Invalid path", "path must start with / and contain no spaces or fragment (#).")
		}
	}
	validateTables(ctx, config.Tables, diags)
	validateStart(ctx, config.Start, diags)
}

// validateTables refuses a table listed twice, and a group column listed
// twice in one table.
func validateTables(ctx context.Context, tables types.List, diags *diag.Diagnostics) {
	if tables.IsNull() || tables.IsUnknown() {
		return
	}
	var models []tableSelectionModel
	if elementDiags := tables.ElementsAs(ctx, &models, true); elementDiags.HasError() {
		return
	}
	seen := map[string]bool{}
	for index, table := range models {
		if table.Table.IsUnknown() || table.Schema.IsUnknown() {
			continue
		}
		schemaName := "public"
		if !table.Schema.IsNull() {
			schemaName = table.Schema.ValueString()
		}
		qualified := schemaName + "." + table.Table.ValueString()
		if seen[qualified] {
			diags.AddAttributeError(path.Root("tables").AtListIndex(index), "Table listed twice", fmt.Sprintf("Table %s is listed twice.", qualified))
		}
		seen[qualified] = true
		if table.GroupColumns.IsNull() || table.GroupColumns.IsUnknown() {
			continue
		}
		var columns []types.String
		if columnDiags := table.GroupColumns.ElementsAs(ctx, &columns, true); columnDiags.HasError() {
			continue
		}
		seenColumns := map[string]bool{}
		for columnIndex, column := range columns {
			if column.IsUnknown() || column.IsNull() {
				continue
			}
			if seenColumns[column.ValueString()] {
				diags.AddAttributeError(path.Root("tables").AtListIndex(index).AtName("group_columns").AtListIndex(columnIndex),
					"Column listed twice", fmt.Sprintf("Column %s is listed twice.", column.ValueString()))
			}
			seenColumns[column.ValueString()] = true
		}
	}
}

// validateStart: a start at a row needs its column and value; the other
// starts take neither.
func validateStart(ctx context.Context, start types.Object, diags *diag.Diagnostics) {
	if start.IsNull() || start.IsUnknown() {
		return
	}
	var model startPositionModel
	if objectDiags := start.As(ctx, &model, basetypes.ObjectAsOptions{UnhandledUnknownAsEmpty: true}); objectDiags.HasError() {
		return
	}
	if model.At.IsUnknown() || model.At.IsNull() {
		return
	}
	if model.At.ValueString() == "row" {
		if model.SortColumn.IsNull() {
			diags.AddAttributeError(path.Root("start").AtName("sort_column"), "Missing sort_column", "A start at a row needs sort_column (and value).")
		}
		if model.Value.IsNull() {
			diags.AddAttributeError(path.Root("start").AtName("value"), "Missing value", "A start at a row needs value (and sort_column).")
		}
		return
	}
	if !model.SortColumn.IsNull() || !model.Value.IsNull() {
		diags.AddAttributeError(path.Root("start"), "sort_column and value only apply to a row",
			fmt.Sprintf("sort_column and value only apply when at = \"row\", not %q.", model.At.ValueString()))
	}
}

var _ resource.ResourceWithModifyPlan = (*consumerResource)(nil)

// ModifyPlan asks the API, at plan time, whether the filter and transform
// that would be sent are valid (POST /v1/consumers/validate), so that a
// broken one fails the plan rather than the apply. Only what changes is
// checked; a server without the operation, or one that cannot be reached,
// leaves the check to the apply.
func (r *consumerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.client == nil || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state consumerResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	var body client.ValidateConsumerJSONRequestBody
	if changedText(plan.Filter, state.Filter) {
		body.Filter = stringPointer(plan.Filter)
	}
	if changedText(plan.Transform, state.Transform) {
		body.Transform = stringPointer(plan.Transform)
	}
	if body.Filter == nil && body.Transform == nil {
		return
	}
	result, err := r.client.api.ValidateConsumerWithResponse(ctx, body)
	if err = checkResponse("validate consumer", result, err, 204); err != nil {
		var apiErr *apiError
		if errors.As(err, &apiErr) && apiErr.StatusCode == 422 {
			addAPIError(&resp.Diagnostics, "Invalid consumer", err, consumerResourceSchema().Attributes)
		}
		// Anything else (an older server, an outage) is for the apply to find.
		return
	}
}

// changedText: a value known now and different from the one in state.
func changedText(planned, current types.String) bool {
	return !planned.IsNull() && !planned.IsUnknown() && !planned.Equal(current)
}
