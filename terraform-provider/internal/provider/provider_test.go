package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestProviderSchemasAreValid(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	response, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, diagnostic := range response.Diagnostics {
		t.Errorf("%s: %s", diagnostic.Summary, diagnostic.Detail)
	}
	for _, name := range []string{"sluice_source", "sluice_http_endpoint", "sluice_consumer", "sluice_api_token"} {
		if _, ok := response.ResourceSchemas[name]; !ok {
			t.Errorf("resource %s is missing", name)
		}
	}
	for _, name := range []string{"sluice_source", "sluice_consumer", "sluice_source_tables"} {
		if _, ok := response.DataSourceSchemas[name]; !ok {
			t.Errorf("data source %s is missing", name)
		}
	}
}

func configureProvider(t *testing.T, endpoint, token *string) provider.ConfigureResponse {
	t.Helper()
	ctx := context.Background()
	sluice := New("test")()
	var schemaResponse provider.SchemaResponse
	sluice.Schema(ctx, provider.SchemaRequest{}, &schemaResponse)
	value := func(text *string) tftypes.Value {
		if text == nil {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return tftypes.NewValue(tftypes.String, *text)
	}
	config := tfsdk.Config{
		Schema: schemaResponse.Schema,
		Raw: tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"endpoint": tftypes.String, "token": tftypes.String}},
			map[string]tftypes.Value{"endpoint": value(endpoint), "token": value(token)}),
	}
	var response provider.ConfigureResponse
	sluice.Configure(ctx, provider.ConfigureRequest{Config: config}, &response)
	return response
}

func TestProviderConfigureFallsBackToEnvironment(t *testing.T) {
	t.Setenv(EndpointEnvVar, "http://127.0.0.1:8080")
	t.Setenv(TokenEnvVar, "sluice_token")

	response := configureProvider(t, nil, nil)

	if response.Diagnostics.HasError() {
		t.Fatalf("unexpected diagnostics: %v", response.Diagnostics)
	}
	if _, ok := response.ResourceData.(*apiClient); !ok {
		t.Fatalf("resources get %T, want *apiClient", response.ResourceData)
	}
}

func TestProviderConfigurePrefersTheConfiguration(t *testing.T) {
	t.Setenv(EndpointEnvVar, "not a URL")
	t.Setenv(TokenEnvVar, "")
	endpoint, token := "https://sluice.example.com", "sluice_token"

	response := configureProvider(t, &endpoint, &token)

	if response.Diagnostics.HasError() {
		t.Fatalf("unexpected diagnostics: %v", response.Diagnostics)
	}
}

func TestProviderConfigureReportsMissingSettingsOnTheirAttributes(t *testing.T) {
	t.Setenv(EndpointEnvVar, "")
	t.Setenv(TokenEnvVar, "")

	response := configureProvider(t, nil, nil)

	if got := response.Diagnostics.ErrorsCount(); got != 2 {
		t.Fatalf("got %d errors, want 2: %v", got, response.Diagnostics)
	}
	for _, want := range []path.Path{path.Root("endpoint"), path.Root("token")} {
		if !hasDiagnosticAt(response.Diagnostics.Errors(), want) {
			t.Errorf("no error on %s: %v", want, response.Diagnostics)
		}
	}
}

func TestProviderConfigureRejectsARelativeEndpoint(t *testing.T) {
	endpoint, token := "localhost:8080", "sluice_token"

	response := configureProvider(t, &endpoint, &token)

	if !hasDiagnosticAt(response.Diagnostics.Errors(), path.Root("endpoint")) {
		t.Fatalf("no error on endpoint: %v", response.Diagnostics)
	}
}
