// Command terraform-provider-sluice is the Terraform provider for Sluice.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
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

	// sluice-dev/sluice on the default provider registry, the source
	// address in examples/provider/provider.tf.
	address := tfaddr.NewProvider(tfaddr.DefaultProviderRegistryHost, "sluice-dev", "sluice").String()
	server := provider.NewProtocol6Server(version)
	var options []tf6server.ServeOpt
	if debug {
		options = append(options, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve(address, func() tfprotov6.ProviderServer {
		providerServer, err := server()
		if err != nil {
			log.Fatal(err.Error())
		}
		return providerServer
	}, options...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
