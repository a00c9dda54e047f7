package provider

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

func TestRefreshedStateSendsNumbersAsTextAndKeepsEveryValue(t *testing.T) {
	objectType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"name":    tftypes.String,
		"port":    tftypes.Number,
		"ratio":   tftypes.Number,
		"enabled": tftypes.Bool,
		"tables":  tftypes.List{ElementType: tftypes.String},
		"actions": tftypes.Set{ElementType: tftypes.String},
		"headers": tftypes.Map{ElementType: tftypes.String},
		"filter":  tftypes.String,
	}}
	value := tftypes.NewValue(objectType, map[string]tftypes.Value{
		"name":    tftypes.NewValue(tftypes.String, "orders"),
		"port":    tftypes.NewValue(tftypes.Number, big.NewFloat(5432)),
		"ratio":   tftypes.NewValue(tftypes.Number, big.NewFloat(0.25)),
		"enabled": tftypes.NewValue(tftypes.Bool, true),
		"tables":  tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "a"), tftypes.NewValue(tftypes.String, "b")}),
		"actions": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "insert")}),
		"headers": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"X-Team": tftypes.NewValue(tftypes.String, "data")}),
		"filter":  tftypes.NewValue(tftypes.String, nil),
	})

	encoded, err := msgpackWithNumbersAsText(value)
	if err != nil {
		t.Fatal(err)
	}

	decoded, err := (&tfprotov6.DynamicValue{MsgPack: encoded}).Unmarshal(objectType)
	if err != nil {
		t.Fatal(err)
	}
	if !decoded.Equal(value) {
		t.Errorf("decoded %v, want %v", decoded, value)
	}
	var raw map[string]any
	if err := msgpack.NewDecoder(bytes.NewReader(encoded)).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if raw["port"] != "5432" || raw["ratio"] != "0.25" {
		t.Errorf("numbers sent as %#v and %#v, want the decimal texts", raw["port"], raw["ratio"])
	}
}

func TestRefreshedStateWithAnUnknownValueIsNotReencoded(t *testing.T) {
	if _, err := msgpackWithNumbersAsText(tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)); err == nil {
		t.Error("an unknown value was encoded")
	}
}
