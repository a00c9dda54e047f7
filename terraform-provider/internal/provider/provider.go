// Package provider is the Terraform provider for Sluice: resources and data
// sources over the Sluice management API.
package provider

import (
	"context"
	"net/url"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const (
	// EndpointEnvVar and TokenEnvVar configure the provider when the
	// provider block leaves endpoint or token out.
	EndpointEnvVar = "SLUICE_ENDPOINT"
	TokenEnvVar    = "SLUICE_TOKEN"
)

var _ provider.Provider = (*sluiceProvider)(nil)

type sluiceProvider struct {
	// version is "dev" for local builds and "test" in tests; releases set it
	// with -ldflags.
	version string
}

type sluiceProviderModel struct {
	Endpoint types.String `tfsdk:"endpoint"`
	Token    types.String `tfsdk:"token"`
}

// New returns a function that makes the provider, for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &sluiceProvider{version: version}
	}
}

func (p *sluiceProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "sluice"
	resp.Version = p.version
}

func (p *sluiceProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Manage Sluice sources, HTTP endpoints, consumers and API tokens. " +
			"Sluice streams the tables of Postgres databases to HTTP consumers.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				Description: "Base URL of the Sluice API, for example `http://localhost:8080`. " +
					"Defaults to the `" + EndpointEnvVar + "` environment variable.",
				Optional: true,
			},
			"token": schema.StringAttribute{
				Description: "API token of the account to manage, with the `manage` scope. " +
					"Defaults to the `" + TokenEnvVar + "` environment variable.",
				Optional:  true,
				Sensitive: true,
			},
		},
	}
}

func (p *sluiceProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config sluiceProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.Endpoint.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Unknown Sluice endpoint",
			"The endpoint depends on a value that is known only after apply. Set it to a known value or use the "+EndpointEnvVar+" environment variable.")
	}
	if config.Token.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("token"), "Unknown Sluice token",
			"The token depends on a value that is known only after apply. Set it to a known value or use the "+TokenEnvVar+" environment variable.")
	}
	if resp.Diagnostics.HasError() {
		return
	}

	endpoint := os.Getenv(EndpointEnvVar)
	if !config.Endpoint.IsNull() {
		endpoint = config.Endpoint.ValueString()
	}
	token := os.Getenv(TokenEnvVar)
	if !config.Token.IsNull() {
		token = config.Token.ValueString()
	}
	if endpoint == "" {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Missing Sluice endpoint",
			"Set endpoint in the provider block or the "+EndpointEnvVar+" environment variable to the base URL of the Sluice API.")
	} else if parsed, err := url.Parse(endpoint); err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid Sluice endpoint",
			"The endpoint must be an absolute http or https URL, for example http://localhost:8080; got "+endpoint+".")
	}
	if token == "" {
		resp.Diagnostics.AddAttributeError(path.Root("token"), "Missing Sluice token",
			"Set token in the provider block or the "+TokenEnvVar+" environment variable to an API token with the manage scope.")
	}
	if resp.Diagnostics.HasError() {
		return
	}

	apiClient, err := newAPIClient(endpoint, token, "terraform-provider-sluice/"+p.version, nil)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the Sluice API client", err.Error())
		return
	}
	resp.ResourceData = apiClient
	resp.DataSourceData = apiClient
}

func (p *sluiceProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewSourceResource,
		NewHTTPEndpointResource,
		NewConsumerResource,
		NewAPITokenResource,
	}
}

func (p *sluiceProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewSourceDataSource,
		NewConsumerDataSource,
		NewSourceTablesDataSource,
	}
}
