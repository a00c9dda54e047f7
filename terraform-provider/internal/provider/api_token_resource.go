package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

var (
	_ resource.Resource                = (*apiTokenResource)(nil)
	_ resource.ResourceWithConfigure   = (*apiTokenResource)(nil)
	_ resource.ResourceWithImportState = (*apiTokenResource)(nil)
)

// NewAPITokenResource is the sluice_api_token resource: an API token of the
// provider's account. Tokens cannot change; any change makes a new one.
func NewAPITokenResource() resource.Resource {
	return &apiTokenResource{}
}

type apiTokenResource struct {
	client *apiClient
}

type apiTokenResourceModel struct {
	ID        types.String `tfsdk:"id"`
	Name      types.String `tfsdk:"name"`
	Scopes    types.Set    `tfsdk:"scopes"`
	Secret    types.String `tfsdk:"secret"`
	Prefix    types.String `tfsdk:"prefix"`
	CreatedAt types.String `tfsdk:"created_at"`
}

func (r *apiTokenResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_token"
}

func (r *apiTokenResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = apiTokenResourceSchema()
}

func apiTokenResourceSchema() schema.Schema {
	name := nameAttribute("token")
	name.PlanModifiers = []planmodifier.String{stringplanmodifier.RequiresReplace()}
	return schema.Schema{
		Description: "An API token of the account, for an application or a person. Its secret is shown once, at creation: " +
			"Terraform keeps it in state (mark outputs that use it sensitive). Tokens cannot be changed; " +
			"changing any attribute revokes the token and creates a new one.",
		Attributes: map[string]schema.Attribute{
			"id":   idAttribute("token"),
			"name": name,
			"scopes": schema.SetAttribute{
				Description: "What the token may do: `manage` (create, change, delete, read everything), `read` (read everything), " +
					"`consume` (receive, ack and nack messages only). Changing them replaces the token.",
				ElementType:   types.StringType,
				Required:      true,
				PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf("manage", "read", "consume")),
				},
			},
			"secret": schema.StringAttribute{
				Description:   "The bearer token. Known only to the Terraform run that created the token: an imported token has none.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"prefix": schema.StringAttribute{
				Description:   "The first characters of the secret, to recognise it.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": createdAtAttribute("token"),
		},
	}
}

func (r *apiTokenResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = apiClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *apiTokenResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiTokenResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var scopeNames []string
	resp.Diagnostics.Append(plan.Scopes.ElementsAs(ctx, &scopeNames, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	scopes := make([]client.Scope, 0, len(scopeNames))
	for _, scope := range scopeNames {
		scopes = append(scopes, client.Scope(scope))
	}
	body := client.ApiTokenCreate{Name: plan.Name.ValueString(), Scopes: scopes}
	result, err := r.client.api.CreateTokenWithResponse(ctx, &client.CreateTokenParams{IdempotencyKey: newIdempotencyKey()}, body)
	if err = checkResponse("create token", result, err, 201); err != nil {
		addAPIError(&resp.Diagnostics, "Cannot create the token", err, apiTokenResourceSchema().Attributes)
		return
	}
	created := result.JSON201
	state := apiTokenModelFromAPI(client.ApiToken{
		Id:        created.Id,
		Name:      created.Name,
		Scopes:    created.Scopes,
		Prefix:    created.Prefix,
		CreatedAt: created.CreatedAt,
	}, types.StringValue(created.Secret), &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *apiTokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiTokenResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	result, err := r.client.api.GetTokenWithResponse(ctx, state.ID.ValueString())
	if err = checkResponse("read token", result, err, 200); err != nil {
		if isNotFound(err) {
			// Revoked outside Terraform.
			resp.State.RemoveResource(ctx)
			return
		}
		addAPIError(&resp.Diagnostics, "Cannot read the token", err, nil)
		return
	}
	newState := apiTokenModelFromAPI(*result.JSON200, state.Secret, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
}

// Update is never called with a change, since every attribute replaces the
// token; it only carries the plan over.
func (r *apiTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan apiTokenResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *apiTokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiTokenResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	result, err := r.client.api.RevokeTokenWithResponse(ctx, state.ID.ValueString())
	if err = checkResponse("revoke token", result, err, 204); err != nil && !isNotFound(err) {
		addAPIError(&resp.Diagnostics, "Cannot revoke the token", err, nil)
	}
}

func (r *apiTokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	// An imported token has no secret: the API shows it only at creation.
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func apiTokenModelFromAPI(token client.ApiToken, secret types.String, diags *diag.Diagnostics) apiTokenResourceModel {
	scopes, setDiags := types.SetValue(types.StringType, stringValues(token.Scopes))
	diags.Append(setDiags...)
	return apiTokenResourceModel{
		ID:        types.StringValue(token.Id),
		Name:      types.StringValue(token.Name),
		Scopes:    scopes,
		Secret:    secret,
		Prefix:    stringOrNull(token.Prefix),
		CreatedAt: timeValue(token.CreatedAt),
	}
}
