package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSpellingsKeepTheUsersTextWhileTheServerKeepsItsOwn(t *testing.T) {
	spellings := spellings{}
	written := types.StringValue("status = 'paid'")
	normalised := "(status = 'paid')"

	afterWrite := spellings.afterWrite("filter", written, &normalised)
	if !afterWrite.Equal(written) {
		t.Fatalf("after the write the state has %s, want the text as written", afterWrite)
	}

	afterRead := spellings.afterRead("filter", afterWrite, &normalised)
	if !afterRead.Equal(written) {
		t.Fatalf("a refresh with the same server value gives %s, want the text as written", afterRead)
	}

	changedOutside := "(status = 'refunded')"
	afterDrift := spellings.afterRead("filter", afterRead, &changedOutside)
	if afterDrift.ValueString() != changedOutside {
		t.Fatalf("a refresh after a change outside Terraform gives %s, want the server's %s", afterDrift, changedOutside)
	}
	if _, remembered := spellings["filter"]; remembered {
		t.Error("the old spelling is still remembered")
	}
}

func TestSpellingsTakeTheServersValueWithoutAWrite(t *testing.T) {
	spellings := spellings{}
	server := "(status = 'paid')"

	imported := spellings.afterRead("filter", types.StringNull(), &server)

	if imported.ValueString() != server {
		t.Fatalf("an import gives %s, want the server's value", imported)
	}
}

func TestSpellingsOfARemovedValue(t *testing.T) {
	spellings := spellings{"filter": "(a = 1)"}

	removed := spellings.afterWrite("filter", types.StringNull(), nil)
	if !removed.IsNull() {
		t.Fatalf("got %s, want null", removed)
	}
	if len(spellings) != 0 {
		t.Errorf("spellings = %v, want none", spellings)
	}
	empty := ""
	if got := spellings.afterRead("filter", types.StringNull(), &empty); !got.IsNull() {
		t.Errorf("an empty server value gives %s, want null", got)
	}
}
