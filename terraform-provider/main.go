// Command terraform-provider-sluice is the Terraform provider for Sluice.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	tfaddr "github.com/hashicorp/terraform-registry-address"

	"github.com/sluice-dev/terraform-provider-sluice/internal/provider"
)

// The docs are generated from the provider's schema and the examples, and
// the API client (internal/client) from the OpenAPI spec; both are
// committed. `go generate ./...` brings both up to date (see README.md).
//go:generate ./scripts/generate-docs.sh

// version is set by the release build with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		// sluice-dev/sluice on the default provider registry, the source
		// address in examples/provider/provider.tf.
		Address: tfaddr.NewProvider(tfaddr.DefaultProviderRegistryHost, "sluice-dev", "sluice").String(),
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
