package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// apiClientFrom is the Configure step every resource and data source shares:
// ProviderData is nil while Terraform validates, and an *apiClient after the
// provider is configured.
func apiClientFrom(providerData any, diags *diag.Diagnostics) *apiClient {
	if providerData == nil {
		return nil
	}
	apiClient, ok := providerData.(*apiClient)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *apiClient, got %T. This is a bug in the provider.", providerData))
		return nil
	}
	return apiClient
}

// stringOrNull maps an optional API string to Terraform: absent and empty
// are both null, so that an unset attribute stays unset.
func stringOrNull(value *string) types.String {
	if value == nil || *value == "" {
		return types.StringNull()
	}
	return types.StringValue(*value)
}

// stringPointer is the API value of an optional attribute: nil when the
// configuration leaves it out (or it is not known yet).
func stringPointer(value types.String) *string {
	if value.IsNull() || value.IsUnknown() {
		return nil
	}
	text := value.ValueString()
	return &text
}

func intPointer(value types.Int64) *int {
	if value.IsNull() || value.IsUnknown() {
		return nil
	}
	number := int(value.ValueInt64())
	return &number
}

func boolPointer(value types.Bool) *bool {
	if value.IsNull() || value.IsUnknown() {
		return nil
	}
	flag := value.ValueBool()
	return &flag
}

func timeValue(at time.Time) types.String {
	if at.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(at.UTC().Format(time.RFC3339Nano))
}

// stringsValue turns strings from the API into the Terraform list or set
// element values.
func stringValues[T ~string](values []T) []attr.Value {
	elements := make([]attr.Value, 0, len(values))
	for _, value := range values {
		elements = append(elements, types.StringValue(string(value)))
	}
	return elements
}

// spellings remembers, per attribute, how the server spelled a value the
// user wrote: a filter it normalised, or the id it resolved a name to. It
// lives in the resource's private state, so a refresh can tell "the server
// still has what the user wrote" from "someone changed it".
type spellings map[string]string

const spellingsKey = "server_spellings"

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func readSpellings(ctx context.Context, private privateGetter, diags *diag.Diagnostics) spellings {
	result := spellings{}
	if private == nil {
		return result
	}
	raw, getDiags := private.GetKey(ctx, spellingsKey)
	diags.Append(getDiags...)
	if len(raw) == 0 {
		return result
	}
	if err := json.Unmarshal(raw, &result); err != nil {
		// Unreadable private state only costs the spelling: the server's
		// value is taken as it is.
		return spellings{}
	}
	return result
}

func (s spellings) write(ctx context.Context, private privateSetter, diags *diag.Diagnostics) {
	raw, err := json.Marshal(s)
	if err != nil {
		diags.AddError("Cannot save private state", err.Error())
		return
	}
	diags.Append(private.SetKey(ctx, spellingsKey, raw)...)
}

// afterWrite is the state value of attribute after a create or update that
// sent configured and got server back. The server accepted the user's text,
// so its own spelling means the same thing: keep the user's text (no
// perpetual diff) and remember the server's.
func (s spellings) afterWrite(attribute string, configured types.String, server *string) types.String {
	if configured.IsNull() || configured.IsUnknown() {
		delete(s, attribute)
		return stringOrNull(server)
	}
	serverText := ""
	if server != nil {
		serverText = *server
	}
	if serverText == configured.ValueString() {
		delete(s, attribute)
	} else {
		s[attribute] = serverText
	}
	return configured
}

// afterRead is the state value of attribute after a refresh: what is in
// state while the server still has the spelling it had when we wrote it, the
// server's value once it changed outside Terraform.
func (s spellings) afterRead(attribute string, current types.String, server *string) types.String {
	serverText := ""
	if server != nil {
		serverText = *server
	}
	if remembered, ok := s[attribute]; ok && !current.IsNull() && remembered == serverText {
		return current
	}
	delete(s, attribute)
	return stringOrNull(server)
}
