package provider

import (
	"context"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sluice-dev/terraform-provider-sluice/internal/client"
)

var (
	_ resource.Resource                = (*sourceResource)(nil)
	_ resource.ResourceWithConfigure   = (*sourceResource)(nil)
	_ resource.ResourceWithImportState = (*sourceResource)(nil)
)

// NewSourceResource is the sluice_source resource: a Postgres database
// connected to Sluice.
func NewSourceResource() resource.Resource {
	return &sourceResource{}
}

type sourceResource struct {
	client *apiClient
}

type sourceResourceModel struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	Host              types.String `tfsdk:"host"`
	Port              types.Int64  `tfsdk:"port"`
	Database          types.String `tfsdk:"database"`
	Username          types.String `tfsdk:"username"`
	Password          types.String `tfsdk:"password"`
	PasswordWO        types.String `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64  `tfsdk:"password_wo_version"`
	SslMode           types.String `tfsdk:"ssl_mode"`
	PublicationName   types.String `tfsdk:"publication_name"`
	SlotName          types.String `tfsdk:"slot_name"`
	ManagePublication types.Bool   `tfsdk:"manage_publication"`
	ManageSlot        types.Bool   `tfsdk:"manage_slot"`
	CreatedAt         types.String `tfsdk:"created_at"`
}

var (
	namePattern        = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)
	publicationPattern = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	slotPattern        = regexp.MustCompile(`^[a-z0-9_]{1,63}$`)
	sslModes           = []string{"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}
)

func nameAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Description: "Name of the " + what + ", unique in the account: letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 63 characters.",
		Required:    true,
		Validators: []validator.String{
			stringvalidator.RegexMatches(namePattern, "must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit"),
		},
	}
}

func idAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Description:   "Identifier of the " + what + ".",
		Computed:      true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

func createdAtAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Description:   "When the " + what + " was created (RFC 3339).",
		Computed:      true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

func (r *sourceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_source"
}

func (r *sourceResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = sourceResourceSchema()
}

func sourceResourceSchema() schema.Schema {
	return schema.Schema{
		Description: "A Postgres database (12 or newer) connected to Sluice as a source of changes. " +
			"Sluice checks the connection when the source is created. The database, publication, slot and " +
			"whether Sluice manages them cannot change: changing them replaces the source.",
		Attributes: map[string]schema.Attribute{
			"id":   idAttribute("source"),
			"name": nameAttribute("source"),
			"host": schema.StringAttribute{
				Description: "Host name or address of the Postgres server.",
				Required:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 253)},
			},
			"port": schema.Int64Attribute{
				Description:   "Port of the Postgres server. Defaults to 5432.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
				Validators:    []validator.Int64{int64validator.Between(1, 65535)},
			},
			"database": schema.StringAttribute{
				Description:   "Name of the database. Changing it replaces the source.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 63)},
			},
			"username": schema.StringAttribute{
				Description: "User Sluice connects as. It needs the REPLICATION attribute (or rds_replication), and ownership of the tables when Sluice manages the publication.",
				Required:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 63)},
			},
			"password": schema.StringAttribute{
				Description: "Password of the user, kept in the state (which should then be encrypted). The API never returns it, " +
					"so Terraform cannot see a change made outside Terraform. With Terraform 1.11 or newer, prefer `password_wo`; " +
					"exactly one of the two is required.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtMost(1024),
					stringvalidator.ExactlyOneOf(path.MatchRoot("password"), path.MatchRoot("password_wo")),
				},
			},
			"password_wo": schema.StringAttribute{
				Description: "Password of the user, write-only (Terraform 1.11 or newer): sent to the API and never stored in the plan or state. " +
					"Terraform cannot tell when it changes: raise `password_wo_version` to send a new one.",
				Optional: true,
				// Not Sensitive: a write-only value is never shown nor stored anyway, and every sensitive
				// attribute adds a path to the state whose order Terraform does not keep (see NewProtocol6Server).
				WriteOnly:  true,
				Validators: []validator.String{stringvalidator.LengthAtMost(1024)},
			},
			"password_wo_version": schema.Int64Attribute{
				Description: "Any number; changing it sends `password_wo` again (a password rotation).",
				Optional:    true,
				Validators: []validator.Int64{
					int64validator.AlsoRequires(path.MatchRoot("password_wo")),
				},
			},
			"ssl_mode": schema.StringAttribute{
				Description:   "TLS mode of the connection, as in libpq: `disable`, `allow`, `prefer`, `require`, `verify-ca` or `verify-full`. Defaults to `prefer`.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				Validators:    []validator.String{stringvalidator.OneOf(sslModes...)},
			},
			"publication_name": schema.StringAttribute{
				Description: "Publication Sluice reads. Defaults to `sluice_` followed by the random part of the source id. Changing it replaces the source.",
				Optional:    true,
				Computed:    true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplaceIfConfigured(),
				},
				Validators: []validator.String{stringvalidator.RegexMatches(publicationPattern, "must be a lower-case Postgres identifier")},
			},
			"slot_name": schema.StringAttribute{
				Description: "Logical replication slot Sluice reads. Defaults to `sluice_` followed by the random part of the source id. Changing it replaces the source.",
				Optional:    true,
				Computed:    true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplaceIfConfigured(),
				},
				Validators: []validator.String{stringvalidator.RegexMatches(slotPattern, "must be 1 to 63 lower-case letters, digits or '_'")},
			},
			"manage_publication": schema.BoolAttribute{
				Description: "Whether Sluice creates the publication and adds consumers' tables to it. Defaults to true. Changing it replaces the source.",
				Optional:    true,
				Computed:    true,
				PlanModifiers: []planmodifier.Bool{
					boolplanmodifier.UseStateForUnknown(),
					boolplanmodifier.RequiresReplaceIfConfigured(),
				},
			},
			"manage_slot": schema.BoolAttribute{
				Description: "Whether Sluice creates the replication slot. Defaults to true. Changing it replaces the source.",
				Optional:    true,
				Computed:    true,
				PlanModifiers: []planmodifier.Bool{
					boolplanmodifier.UseStateForUnknown(),
					boolplanmodifier.RequiresReplaceIfConfigured(),
				},
			},
			"created_at": createdAtAttribute("source"),
		},
	}
}

func (r *sourceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = apiClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *sourceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan sourceResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := client.SourceCreate{
		Name:              plan.Name.ValueString(),
		Host:              plan.Host.ValueString(),
		Port:              intPointer(plan.Port),
		Database:          plan.Database.ValueString(),
		Username:          plan.Username.ValueString(),
		Password:          r.configuredPassword(ctx, plan, req.Config, &resp.Diagnostics),
		PublicationName:   stringPointer(plan.PublicationName),
		SlotName:          stringPointer(plan.SlotName),
		ManagePublication: boolPointer(plan.ManagePublication),
		ManageSlot:        boolPointer(plan.ManageSlot),
	}
	if sslMode := stringPointer(plan.SslMode); sslMode != nil {
		mode := client.SslMode(*sslMode)
		body.SslMode = &mode
	}
	if resp.Diagnostics.HasError() {
		return
	}
	result, err := r.client.api.CreateSourceWithResponse(ctx, &client.CreateSourceParams{IdempotencyKey: newIdempotencyKey()}, body)
	if err = checkResponse("create source", result, err, 201); err != nil {
		addAPIError(&resp.Diagnostics, "Cannot create the source", err, sourceResourceSchema().Attributes)
		return
	}
	state := sourceModelFromAPI(*result.JSON201, plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *sourceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state sourceResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	result, err := r.client.api.GetSourceWithResponse(ctx, state.ID.ValueString())
	if err = checkResponse("read source", result, err, 200); err != nil {
		if isNotFound(err) {
			// Deleted outside Terraform: forget it, so the plan creates it again.
			resp.State.RemoveResource(ctx)
			return
		}
		addAPIError(&resp.Diagnostics, "Cannot read the source", err, nil)
		return
	}
	newState := sourceModelFromAPI(*result.JSON200, state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
}

func (r *sourceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state sourceResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Only what changed goes in the PATCH; computed values left out of the
	// configuration are unknown in the plan and so never sent.
	var body client.SourceUpdate
	changed := false
	if !plan.Name.Equal(state.Name) {
		body.Name = stringPointer(plan.Name)
		changed = true
	}
	if !plan.Host.Equal(state.Host) {
		body.Host = stringPointer(plan.Host)
		changed = true
	}
	if !plan.Port.IsUnknown() && !plan.Port.Equal(state.Port) {
		body.Port = intPointer(plan.Port)
		changed = true
	}
	if !plan.Username.Equal(state.Username) {
		body.Username = stringPointer(plan.Username)
		changed = true
	}
	if !plan.Password.Equal(state.Password) && !plan.Password.IsNull() {
		body.Password = stringPointer(plan.Password)
		changed = true
	}
	if !plan.PasswordWOVersion.Equal(state.PasswordWOVersion) || (state.Password.ValueString() != "" && plan.Password.IsNull()) {
		// A new version, or a move from password to password_wo: send the write-only value.
		if password := r.configuredPassword(ctx, plan, req.Config, &resp.Diagnostics); password != nil {
			body.Password = password
			changed = true
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.SslMode.IsUnknown() && !plan.SslMode.Equal(state.SslMode) {
		if sslMode := stringPointer(plan.SslMode); sslMode != nil {
			mode := client.SslMode(*sslMode)
			body.SslMode = &mode
			changed = true
		}
	}
	var source client.Source
	if changed {
		result, err := r.client.api.UpdateSourceWithResponse(ctx, state.ID.ValueString(), body)
		if err = checkResponse("update source", result, err, 200); err != nil {
			addAPIError(&resp.Diagnostics, "Cannot update the source", err, sourceResourceSchema().Attributes)
			return
		}
		source = *result.JSON200
	} else {
		result, err := r.client.api.GetSourceWithResponse(ctx, state.ID.ValueString())
		if err = checkResponse("read source", result, err, 200); err != nil {
			addAPIError(&resp.Diagnostics, "Cannot read the source", err, nil)
			return
		}
		source = *result.JSON200
	}
	newState := sourceModelFromAPI(source, plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
}

func (r *sourceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state sourceResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := deleteWithRetryOnConflict(ctx, 2*time.Minute, func() error {
		result, err := r.client.api.DeleteSourceWithResponse(ctx, state.ID.ValueString())
		return checkResponse("delete source", result, err, 204)
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot delete the source", err, nil)
	}
}

func (r *sourceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	// The id (or the name: the API takes either); the next read fills in
	// everything but the password, which the API never returns.
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// configuredPassword is the password to send: password when it is set, else
// the write-only password_wo, which only the configuration holds.
func (r *sourceResource) configuredPassword(ctx context.Context, plan sourceResourceModel, config tfsdk.Config, diags *diag.Diagnostics) *string {
	if !plan.Password.IsNull() {
		return stringPointer(plan.Password)
	}
	if config.Raw.IsNull() || !config.Raw.IsKnown() {
		return nil
	}
	var writeOnly types.String
	diags.Append(config.GetAttribute(ctx, path.Root("password_wo"), &writeOnly)...)
	return stringPointer(writeOnly)
}

// sourceModelFromAPI maps the API's source to state. The password is
// write-only in the API: known holds the values to keep (password as
// configured, the version of password_wo; password_wo itself is never kept).
func sourceModelFromAPI(source client.Source, known sourceResourceModel) sourceResourceModel {
	return sourceResourceModel{
		ID:                types.StringValue(source.Id),
		Name:              types.StringValue(source.Name),
		Host:              types.StringValue(source.Host),
		Port:              types.Int64Value(int64(source.Port)),
		Database:          types.StringValue(source.Database),
		Username:          types.StringValue(source.Username),
		Password:          known.Password,
		PasswordWO:        types.StringNull(),
		PasswordWOVersion: known.PasswordWOVersion,
		SslMode:           types.StringValue(string(source.SslMode)),
		PublicationName:   types.StringValue(source.PublicationName),
		SlotName:          types.StringValue(source.SlotName),
		ManagePublication: types.BoolValue(source.ManagePublication),
		ManageSlot:        types.BoolValue(source.ManageSlot),
		CreatedAt:         timeValue(source.CreatedAt),
	}
}
