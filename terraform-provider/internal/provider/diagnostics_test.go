package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

func hasDiagnosticAt(diagnostics diag.Diagnostics, want path.Path) bool {
	for _, diagnostic := range diagnostics {
		if withPath, ok := diagnostic.(diag.DiagnosticWithPath); ok && withPath.Path().Equal(want) {
			return true
		}
	}
	return false
}

func TestFieldPathFollowsTheSchema(t *testing.T) {
	attributes := consumerResourceSchema().Attributes
	endpointAttributes := httpEndpointResourceSchema().Attributes
	tests := []struct {
		field string
		want  path.Path
	}{
		{"name", path.Root("name")},
		{"tables[0].table", path.Root("tables").AtListIndex(0).AtName("table")},
		{"$.tables[2].group_columns[1]", path.Root("tables").AtListIndex(2).AtName("group_columns").AtListIndex(1)},
		{"/tables/0/schema", path.Root("tables").AtListIndex(0).AtName("schema")},
		{"start.at", path.Root("start").AtName("at")},
		{"actions[1]", path.Root("actions")},
		{"tables[0].no_such_field", path.Root("tables").AtListIndex(0)},
	}
	for _, test := range tests {
		got, ok := fieldPath(test.field, attributes)
		if !ok || !got.Equal(test.want) {
			t.Errorf("fieldPath(%q) = %s, %v; want %s", test.field, got, ok, test.want)
		}
	}
	if got, ok := fieldPath("headers.X-Team", endpointAttributes); !ok || !got.Equal(path.Root("headers").AtMapKey("X-Team")) {
		t.Errorf("fieldPath(headers.X-Team) = %s, %v", got, ok)
	}
	for _, field := range []string{"", "no_such_attribute", "$"} {
		if got, ok := fieldPath(field, attributes); ok {
			t.Errorf("fieldPath(%q) = %s, want no attribute", field, got)
		}
	}
}

func TestAPIErrorNamingAFieldIsReportedOnTheAttribute(t *testing.T) {
	fake, apiClient := startFake(t)
	source := createFakeSource(t, fake, apiClient)
	model := plannedConsumer(source.ID.ValueString(), "no_such_table")

	response := create(t, &consumerResource{client: apiClient}, consumerResourceSchema(), model, nil)

	want := path.Root("tables").AtListIndex(0).AtName("table")
	if !hasDiagnosticAt(response.Diagnostics.Errors(), want) {
		t.Fatalf("no error on %s: %v", want, response.Diagnostics)
	}
	detail := response.Diagnostics.Errors()[0].Detail()
	if !strings.Contains(detail, "table_not_found") || !strings.Contains(detail, "no table no_such_table") {
		t.Errorf("the detail %q lacks the problem's code and detail", detail)
	}
}

func TestAPIErrorWithoutAFieldIsReportedOnTheResource(t *testing.T) {
	var diagnostics diag.Diagnostics
	detail := "consumer orders uses the source"

	addAPIError(&diagnostics, "Cannot delete the source", &apiError{
		Operation: "delete source", StatusCode: 409,
		Problem: problemFor(409, "source_in_use", detail),
	}, sourceResourceSchema().Attributes)

	if diagnostics.ErrorsCount() != 1 {
		t.Fatalf("got %v", diagnostics)
	}
	if _, ok := diagnostics[0].(diag.DiagnosticWithPath); ok {
		t.Errorf("the error is on an attribute: %v", diagnostics)
	}
	if want := "delete source: HTTP 409 source_in_use: " + detail; diagnostics[0].Detail() != want {
		t.Errorf("detail = %q, want %q", diagnostics[0].Detail(), want)
	}
}

func TestAPIErrorWithoutAProblemShowsTheBody(t *testing.T) {
	err := &apiError{Operation: "read source", StatusCode: 502, Body: "<html>Bad Gateway</html>"}
	if want := "read source: HTTP 502: <html>Bad Gateway</html>"; err.Error() != want {
		t.Errorf("got %q, want %q", err.Error(), want)
	}
}
