package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccConsumerDataSource(t *testing.T) {
	environment := testAccPreCheck(t)
	testAccCreateDemoTable(t, environment.DemoDatabase, testAccDemoTable)
	prefix := acctest.RandomWithPrefix("tf-acc-consumer-ds")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccProviderConfig(environment) + testAccSourceConfig("test", prefix+"-source", environment.DemoDatabase) + fmt.Sprintf(`
resource "sluice_consumer" "test" {
  name        = %q
  source_id   = sluice_source.test.id
  kind        = "pull"
  tables      = [{ table = %q }]
  max_deliver = 3
}

data "sluice_consumer" "by_id" {
  id = sluice_consumer.test.id
}

data "sluice_consumer" "by_name" {
  name = sluice_consumer.test.name
}
`, prefix+"-pull", testAccDemoTable),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.sluice_consumer.by_id", tfjsonpath.New("kind"), knownvalue.StringExact("pull")),
					statecheck.ExpectKnownValue("data.sluice_consumer.by_id", tfjsonpath.New("max_deliver"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue("data.sluice_consumer.by_name", tfjsonpath.New("tables").AtSliceIndex(0).AtMapKey("table"), knownvalue.StringExact(testAccDemoTable)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair("data.sluice_consumer.by_name", "id", "sluice_consumer.test", "id"),
					resource.TestCheckResourceAttrPair("data.sluice_consumer.by_id", "source_id", "sluice_source.test", "id"),
				),
			},
		},
	})
}
