package provider

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"sort"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// NewProtocol6Server is the provider as Terraform talks to it: the
// framework's protocol server, with the state a refresh returns re-encoded
// so that `terraform plan -refresh-only -detailed-exitcode` exits 0 when
// nothing changed.
//
// Why: Terraform (1.5 to 1.14 at least) decides whether a refresh-only plan
// has changes by comparing the refreshed state with the state it read, with
// reflect.DeepEqual over the decoded values. A number read from the state
// file is decoded from text at 512 bits of precision; the same number from a
// provider, sent as a msgpack integer (as terraform-plugin-go does), is
// decoded at 64 bits. Equal values, unequal internals: every resource with a
// number attribute "changed", although the plan shows none. Sent as decimal
// text, a number is decoded the way the state file's is.
func NewProtocol6Server(version string) func() (tfprotov6.ProviderServer, error) {
	framework := providerserver.NewProtocol6WithError(New(version)())
	return func() (tfprotov6.ProviderServer, error) {
		server, err := framework()
		if err != nil {
			return nil, err
		}
		return &numbersAsTextServer{ProviderServer: server}, nil
	}
}

type numbersAsTextServer struct {
	tfprotov6.ProviderServer

	once  sync.Once
	types map[string]tftypes.Type
}

func (s *numbersAsTextServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if err != nil || resp == nil || resp.NewState == nil || len(resp.NewState.MsgPack) == 0 {
		return resp, err
	}
	resourceType, ok := s.resourceType(ctx, req.TypeName)
	if !ok {
		return resp, nil
	}
	value, err := resp.NewState.Unmarshal(resourceType)
	if err != nil {
		return resp, nil
	}
	encoded, err := msgpackWithNumbersAsText(value)
	if err != nil {
		// Not expected (a refreshed state is wholly known); the framework's encoding is still correct.
		return resp, nil
	}
	resp.NewState = &tfprotov6.DynamicValue{MsgPack: encoded}
	return resp, nil
}

func (s *numbersAsTextServer) resourceType(ctx context.Context, typeName string) (tftypes.Type, bool) {
	s.once.Do(func() {
		s.types = map[string]tftypes.Type{}
		schemas, err := s.ProviderServer.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil || schemas == nil {
			return
		}
		for name, schema := range schemas.ResourceSchemas {
			s.types[name] = schema.ValueType()
		}
	})
	resourceType, ok := s.types[typeName]
	return resourceType, ok
}

// msgpackWithNumbersAsText encodes a wholly known value as Terraform's
// msgpack dynamic value, as terraform-plugin-go does, except that numbers are
// decimal strings (which Terraform's decoder accepts for a number).
func msgpackWithNumbersAsText(value tftypes.Value) ([]byte, error) {
	var buffer bytes.Buffer
	encoder := msgpack.NewEncoder(&buffer)
	if err := encodeWithNumbersAsText(encoder, value); err != nil {
		return nil, err
	}
	return buffer.Bytes(), nil
}

func encodeWithNumbersAsText(encoder *msgpack.Encoder, value tftypes.Value) error {
	if !value.IsKnown() {
		return fmt.Errorf("unknown value of type %s", value.Type())
	}
	if value.IsNull() {
		return encoder.EncodeNil()
	}
	valueType := value.Type()
	switch {
	case valueType.Is(tftypes.String):
		var text string
		if err := value.As(&text); err != nil {
			return err
		}
		return encoder.EncodeString(text)
	case valueType.Is(tftypes.Number):
		number := new(big.Float)
		if err := value.As(&number); err != nil {
			return err
		}
		if number.IsInf() {
			return fmt.Errorf("infinite number")
		}
		return encoder.EncodeString(number.Text('f', -1))
	case valueType.Is(tftypes.Bool):
		var flag bool
		if err := value.As(&flag); err != nil {
			return err
		}
		return encoder.EncodeBool(flag)
	case valueType.Is(tftypes.List{}), valueType.Is(tftypes.Set{}), valueType.Is(tftypes.Tuple{}):
		var elements []tftypes.Value
		if err := value.As(&elements); err != nil {
			return err
		}
		if err := encoder.EncodeArrayLen(len(elements)); err != nil {
			return err
		}
		for _, element := range elements {
			if err := encodeWithNumbersAsText(encoder, element); err != nil {
				return err
			}
		}
		return nil
	case valueType.Is(tftypes.Map{}), valueType.Is(tftypes.Object{}):
		var entries map[string]tftypes.Value
		if err := value.As(&entries); err != nil {
			return err
		}
		keys := make([]string, 0, len(entries))
		for key := range entries {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		if err := encoder.EncodeMapLen(len(keys)); err != nil {
			return err
		}
		for _, key := range keys {
			if err := encoder.EncodeString(key); err != nil {
				return err
			}
			if err := encodeWithNumbersAsText(encoder, entries[key]); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unsupported type %s", valueType)
}
