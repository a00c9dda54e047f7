package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestConsumerConfigErrorsShowAtPlanTime(t *testing.T) {
	table := func(schema, name string) attr.Value {
		return types.ObjectValueMust(tableSelectionAttributeTypes, map[string]attr.Value{
			"schema":        types.StringValue(schema),
			"table":         types.StringValue(name),
			"group_columns": types.ListNull(types.StringType),
		})
	}
	start := func(at, sortColumn string) types.Object {
		column := types.StringNull()
		if sortColumn != "" {
			column = types.StringValue(sortColumn)
		}
		return types.ObjectValueMust(startPositionAttributeTypes, map[string]attr.Value{
			"at": types.StringValue(at), "sort_column": column, "value": types.StringNull(),
		})
	}
	cases := []struct {
		name   string
		change func(*consumerResourceModel)
		want   string // the attribute path of the error; empty: none
	}{
		{"a valid pull consumer", func(*consumerResourceModel) {}, ""},
		{"a push consumer without endpoint", func(c *consumerResourceModel) { c.Kind = types.StringValue("push") }, "endpoint_id"},
		{"a push consumer whose endpoint is not known yet", func(c *consumerResourceModel) {
			c.Kind = types.StringValue("push")
			c.EndpointID = types.StringUnknown()
		}, ""},
		{"a pull consumer with a path", func(c *consumerResourceModel) { c.Path = types.StringValue("/orders") }, "path"},
		{"a push path without its slash", func(c *consumerResourceModel) {
			c.Kind = types.StringValue("push")
			c.EndpointID = types.StringValue("hooks")
			c.Path = types.StringValue("orders")
		}, "path"},
		{"a table listed twice", func(c *consumerResourceModel) {
			c.Tables = types.ListValueMust(types.ObjectType{AttrTypes: tableSelectionAttributeTypes}, []attr.Value{table("public", "orders"), table("public", "orders")})
		}, "tables[1]"},
		{"a start at a row without its value", func(c *consumerResourceModel) { c.Start = start("row", "id") }, "start.value"},
		{"a start now with a sort column", func(c *consumerResourceModel) { c.Start = start("now", "id") }, "start"},
	}
	for _, test := range cases {
		t.Run(test.name, func(t *testing.T) {
			config := plannedConsumer("demo", "orders")
			config.Start = types.ObjectNull(startPositionAttributeTypes)
			test.change(&config)
			var diags diag.Diagnostics

			validateConsumerConfig(context.Background(), config, &diags)

			if test.want == "" {
				if diags.HasError() {
					t.Fatalf("unexpected errors: %v", diags)
				}
				return
			}
			if len(diags.Errors()) != 1 {
				t.Fatalf("got %d errors, want one on %s: %v", len(diags.Errors()), test.want, diags)
			}
			withPath, ok := diags.Errors()[0].(diag.DiagnosticWithPath)
			if !ok || !strings.EqualFold(withPath.Path().String(), test.want) {
				t.Errorf("error on %v, want %s: %v", withPath, test.want, diags.Errors()[0])
			}
		})
	}
}
