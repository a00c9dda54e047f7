package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

var (
	_ resource.Resource                = (*httpEndpointResource)(nil)
	_ resource.ResourceWithConfigure   = (*httpEndpointResource)(nil)
	_ resource.ResourceWithImportState = (*httpEndpointResource)(nil)
)

// NewHTTPEndpointResource is the sluice_http_endpoint resource: where push
// consumers POST their messages.
func NewHTTPEndpointResource() resource.Resource {
	return &httpEndpointResource{}
}

type httpEndpointResource struct {
	client *apiClient
}

type httpEndpointResourceModel struct {
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	URL           types.String `tfsdk:"url"`
	Headers       types.Map    `tfsdk:"headers"`
	SecretHeaders types.Map    `tfsdk:"secret_headers"`
	// Write-only (Terraform 1.11+): never in plan or state.
	SecretHeadersWO        types.Map    `tfsdk:"secret_headers_wo"`
	SecretHeadersWOVersion types.Int64  `tfsdk:"secret_headers_wo_version"`
	SigningSecret          types.String `tfsdk:"signing_secret"`
	CreatedAt              types.String `tfsdk:"created_at"`
}

func (r *httpEndpointResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_http_endpoint"
}

func (r *httpEndpointResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = httpEndpointResourceSchema()
}

func httpEndpointResourceSchema() schema.Schema {
	return schema.Schema{
		Description: "An HTTP endpoint that push consumers deliver their messages to (webhooks, signed as in Standard Webhooks).",
		Attributes: map[string]schema.Attribute{
			"id":   idAttribute("HTTP endpoint"),
			"name": nameAttribute("HTTP endpoint"),
			"url": schema.StringAttribute{
				Description: "Absolute http or https URL. A push consumer's `path` is appended to it.",
				Required:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 2048)},
			},
			"headers": schema.MapAttribute{
				Description: "Headers sent with every request. The API returns them; use `secret_headers` for credentials.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{})),
				Validators:  []validator.Map{mapvalidator.SizeAtMost(50)},
			},
			"secret_headers": schema.MapAttribute{
				Description: "Headers sent with every request whose values the API never returns (for example `Authorization`). " +
					"Terraform keeps the configured values in state (which should then be encrypted); it notices a header removed " +
					"outside Terraform, not a changed value. With Terraform 1.11 or newer, prefer `secret_headers_wo`.",
				ElementType: types.StringType,
				Optional:    true,
				Sensitive:   true,
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(50),
					mapvalidator.ConflictsWith(path.MatchRoot("secret_headers_wo")),
				},
			},
			"secret_headers_wo": schema.MapAttribute{
				Description: "Secret headers, write-only (Terraform 1.11 or newer): sent to the API and never stored in the plan or state. " +
					"Terraform cannot tell when they change: raise `secret_headers_wo_version` to send them again (the whole map replaces the server's).",
				ElementType: types.StringType,
				Optional:    true,
				// Not Sensitive: a write-only value is never shown nor stored anyway, and every sensitive
				// attribute adds a path to the state whose order Terraform does not keep (see NewProtocol6Server).
				WriteOnly:  true,
				Validators: []validator.Map{mapvalidator.SizeAtMost(50)},
			},
			"secret_headers_wo_version": schema.Int64Attribute{
				Description: "Any number; changing it sends `secret_headers_wo` again (a rotation).",
				Optional:    true,
				Validators:  []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("secret_headers_wo"))},
			},
			"signing_secret": schema.StringAttribute{
				Description: "Secret for webhook signatures (Standard Webhooks): `whsec_` and base64, or any string of 24 to 256 characters. " +
					"When not set, Sluice generates one (`whsec_` and base64 of 32 random bytes) and Terraform keeps it in state " +
					"from the create's answer (which should then be encrypted): give it to a Standard Webhooks library to verify requests. " +
					"The API shows a secret only when it makes one, so a secret rotated outside Terraform is not noticed, and an " +
					"imported endpoint's stays null until one is configured. A new value keeps the old one valid for 24 hours; " +
					"removing the attribute keeps the current secret.",
				Optional:  true,
				Computed:  true,
				Sensitive: true,
				PlanModifiers: []planmodifier.String{
					// the generated secret stays as it is from plan to plan
					stringplanmodifier.UseStateForUnknown(),
				},
				Validators: []validator.String{stringvalidator.LengthBetween(24, 256)},
			},
			"created_at": createdAtAttribute("HTTP endpoint"),
		},
	}
}

func (r *httpEndpointResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = apiClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *httpEndpointResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan httpEndpointResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := client.HttpEndpointCreate{
		Name:          plan.Name.ValueString(),
		Url:           plan.URL.ValueString(),
		Headers:       stringMap(ctx, plan.Headers, &resp.Diagnostics),
		SecretHeaders: stringMap(ctx, plan.SecretHeaders, &resp.Diagnostics),
		SigningSecret: stringPointer(plan.SigningSecret),
	}
	writeOnly := configuredSecretHeaders(ctx, req.Config, &resp.Diagnostics)
	if writeOnly != nil {
		body.SecretHeaders = writeOnly
	}
	if resp.Diagnostics.HasError() {
		return
	}
	result, err := r.client.api.CreateHttpEndpointWithResponse(ctx, &client.CreateHttpEndpointParams{IdempotencyKey: newIdempotencyKey()}, body)
	if err = checkResponse("create HTTP endpoint", result, err, 201); err != nil {
		addAPIError(&resp.Diagnostics, "Cannot create the HTTP endpoint", err, httpEndpointResourceSchema().Attributes)
		return
	}
	if plan.SigningSecret.IsUnknown() {
		// None configured: the API generated one and shows it in this answer only.
		plan.SigningSecret = types.StringPointerValue(result.JSON201.SigningSecret)
	}
	state := httpEndpointModelFromAPI(*result.JSON201, plan, writeOnly != nil, &resp.Diagnostics)
	writeSecretHeadersWriteOnly(ctx, resp.Private, writeOnly != nil, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *httpEndpointResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state httpEndpointResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	result, err := r.client.api.GetHttpEndpointWithResponse(ctx, state.ID.ValueString())
	if err = checkResponse("read HTTP endpoint", result, err, 200); err != nil {
		if isNotFound(err) {
			resp.State.RemoveResource(ctx)
			return
		}
		addAPIError(&resp.Diagnostics, "Cannot read the HTTP endpoint", err, nil)
		return
	}
	writeOnly := secretHeadersAreWriteOnly(ctx, req.Private, &resp.Diagnostics)
	newState := httpEndpointModelFromAPI(*result.JSON200, state, writeOnly, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
}

func (r *httpEndpointResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state httpEndpointResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var body client.HttpEndpointUpdate
	changed := false
	if !plan.Name.Equal(state.Name) {
		body.Name = stringPointer(plan.Name)
		changed = true
	}
	if !plan.URL.Equal(state.URL) {
		body.Url = stringPointer(plan.URL)
		changed = true
	}
	if !plan.Headers.Equal(state.Headers) {
		body.Headers = nonNilStringMap(ctx, plan.Headers, &resp.Diagnostics)
		changed = true
	}
	writeOnly := secretHeadersAreWriteOnly(ctx, req.Private, &resp.Diagnostics)
	configuredWriteOnly := configuredSecretHeaders(ctx, req.Config, &resp.Diagnostics)
	if configuredWriteOnly != nil {
		// A new version, or a move to the write-only attribute: send the configured headers.
		if !plan.SecretHeadersWOVersion.Equal(state.SecretHeadersWOVersion) || !writeOnly {
			body.SecretHeaders = configuredWriteOnly
			changed = true
		}
		writeOnly = true
	} else if !plan.SecretHeaders.Equal(state.SecretHeaders) || writeOnly {
		// The whole map replaces the server's: an empty one removes them all.
		body.SecretHeaders = nonNilStringMap(ctx, plan.SecretHeaders, &resp.Diagnostics)
		changed = true
		writeOnly = false
	}
	if plan.SigningSecret.IsUnknown() {
		// Not configured and not in state (UseStateForUnknown fills it otherwise): the secret stays as it is.
		plan.SigningSecret = state.SigningSecret
	}
	if !plan.SigningSecret.Equal(state.SigningSecret) && !plan.SigningSecret.IsNull() {
		body.SigningSecret = stringPointer(plan.SigningSecret)
		changed = true
	}
	if resp.Diagnostics.HasError() {
		return
	}
	var endpoint client.HttpEndpoint
	if changed {
		result, err := r.client.api.UpdateHttpEndpointWithResponse(ctx, state.ID.ValueString(), body)
		if err = checkResponse("update HTTP endpoint", result, err, 200); err != nil {
			addAPIError(&resp.Diagnostics, "Cannot update the HTTP endpoint", err, httpEndpointResourceSchema().Attributes)
			return
		}
		endpoint = *result.JSON200
	} else {
		result, err := r.client.api.GetHttpEndpointWithResponse(ctx, state.ID.ValueString())
		if err = checkResponse("read HTTP endpoint", result, err, 200); err != nil {
			addAPIError(&resp.Diagnostics, "Cannot read the HTTP endpoint", err, nil)
			return
		}
		endpoint = *result.JSON200
	}
	newState := httpEndpointModelFromAPI(endpoint, plan, writeOnly, &resp.Diagnostics)
	writeSecretHeadersWriteOnly(ctx, resp.Private, writeOnly, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
}

func (r *httpEndpointResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state httpEndpointResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := deleteWithRetryOnConflict(ctx, 2*time.Minute, func() error {
		result, err := r.client.api.DeleteHttpEndpointWithResponse(ctx, state.ID.ValueString())
		return checkResponse("delete HTTP endpoint", result, err, 204)
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot delete the HTTP endpoint", err, nil)
	}
}

func (r *httpEndpointResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// secretHeadersWriteOnlyKey marks, in private state, an endpoint whose secret
// headers come from secret_headers_wo: their names are then not reconciled
// into secret_headers.
const secretHeadersWriteOnlyKey = "secret_headers_write_only"

func secretHeadersAreWriteOnly(ctx context.Context, private privateGetter, diags *diag.Diagnostics) bool {
	if private == nil {
		return false
	}
	raw, getDiags := private.GetKey(ctx, secretHeadersWriteOnlyKey)
	diags.Append(getDiags...)
	return string(raw) == "true"
}

func writeSecretHeadersWriteOnly(ctx context.Context, private privateSetter, writeOnly bool, diags *diag.Diagnostics) {
	if private == nil {
		return
	}
	value := []byte("false")
	if writeOnly {
		value = []byte("true")
	}
	diags.Append(private.SetKey(ctx, secretHeadersWriteOnlyKey, value)...)
}

// configuredSecretHeaders is the write-only secret_headers_wo of the
// configuration; nil when it is not set (or there is no configuration, as in
// unit tests).
func configuredSecretHeaders(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) *map[string]string {
	if config.Raw.IsNull() || !config.Raw.IsKnown() {
		return nil
	}
	var writeOnly types.Map
	diags.Append(config.GetAttribute(ctx, path.Root("secret_headers_wo"), &writeOnly)...)
	return stringMap(ctx, writeOnly, diags)
}

// httpEndpointModelFromAPI maps the API's endpoint to state. Secret header
// values and the signing secret are write-only: known holds the values to
// keep, and they are reconciled with what the API does tell (the secret
// headers' names, whether a signing secret is set), so a secret removed
// outside Terraform shows as a change. Secret headers set through
// secret_headers_wo (writeOnly) are not reconciled: Terraform knows nothing of them.
func httpEndpointModelFromAPI(endpoint client.HttpEndpoint, known httpEndpointResourceModel, writeOnly bool, diags *diag.Diagnostics) httpEndpointResourceModel {
	secretHeaders := known.SecretHeaders
	signingSecret := known.SigningSecret
	reconciled := types.MapNull(types.StringType)
	if !writeOnly {
		reconciled = reconcileSecretHeaders(secretHeaders, endpoint.SecretHeaderNames, diags)
	}
	headers := make(map[string]attr.Value, len(endpoint.Headers))
	for name, value := range endpoint.Headers {
		headers[name] = types.StringValue(value)
	}
	headersValue, mapDiags := types.MapValue(types.StringType, headers)
	diags.Append(mapDiags...)

	if !endpoint.HasSigningSecret {
		signingSecret = types.StringNull()
	}
	return httpEndpointResourceModel{
		ID:                     types.StringValue(endpoint.Id),
		Name:                   types.StringValue(endpoint.Name),
		URL:                    types.StringValue(endpoint.Url),
		Headers:                headersValue,
		SecretHeaders:          reconciled,
		SecretHeadersWO:        types.MapNull(types.StringType),
		SecretHeadersWOVersion: known.SecretHeadersWOVersion,
		SigningSecret:          signingSecret,
		CreatedAt:              timeValue(endpoint.CreatedAt),
	}
}

// reconcileSecretHeaders keeps the known values of the secret headers the
// server still has, drops those it no longer has, and adds the ones it has
// that Terraform does not know with an empty value (so the plan removes or
// sets them).
func reconcileSecretHeaders(known types.Map, serverNames []string, diags *diag.Diagnostics) types.Map {
	if len(serverNames) == 0 {
		if known.IsNull() || len(known.Elements()) == 0 {
			return known
		}
		return types.MapValueMust(types.StringType, map[string]attr.Value{})
	}
	values := make(map[string]attr.Value, len(serverNames))
	elements := known.Elements()
	for _, name := range serverNames {
		if value, ok := elements[name]; ok {
			values[name] = value
		} else {
			values[name] = types.StringValue("")
		}
	}
	result, mapDiags := types.MapValue(types.StringType, values)
	diags.Append(mapDiags...)
	return result
}

// stringMap is the API value of an optional map attribute: nil when unset.
func stringMap(ctx context.Context, value types.Map, diags *diag.Diagnostics) *map[string]string {
	if value.IsNull() || value.IsUnknown() {
		return nil
	}
	result := map[string]string{}
	diags.Append(value.ElementsAs(ctx, &result, false)...)
	return &result
}

// nonNilStringMap is like stringMap, but an unset map is sent as empty: in a
// PATCH that clears the field.
func nonNilStringMap(ctx context.Context, value types.Map, diags *diag.Diagnostics) *map[string]string {
	if result := stringMap(ctx, value, diags); result != nil {
		return result
	}
	return &map[string]string{}
}
