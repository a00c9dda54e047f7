package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccSourceDataSource(t *testing.T) {
	environment := testAccPreCheck(t)
	name := acctest.RandomWithPrefix("tf-acc-source-ds")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccProviderConfig(environment) + testAccSourceConfig("test", name, environment.DemoDatabase) + `
data "sluice_source" "by_name" {
  name = sluice_source.test.name
}

data "sluice_source" "by_id" {
  id = sluice_source.test.id
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sluice_source.by_name", tfjsonpath.New("database"), knownvalue.StringExact(environment.DemoDatabase.Database)),
					statecheck.ExpectKnownValue("data.sluice_source.by_id", tfjsonpath.New("name"), knownvalue.StringExact(name)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair("data.sluice_source.by_name", "id", "sluice_source.test", "id"),
					resource.TestCheckResourceAttrPair("data.sluice_source.by_id", "slot_name", "sluice_source.test", "slot_name"),
					resource.TestCheckResourceAttrPair("data.sluice_source.by_id", "publication_name", "sluice_source.test", "publication_name"),
				),
			},
		},
	})
}
