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

func TestAccSourceTablesDataSource(t *testing.T) {
	environment := testAccPreCheck(t)
	testAccCreateDemoTable(t, environment.DemoDatabase, testAccDemoTable)
	name := acctest.RandomWithPrefix("tf-acc-tables")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccProviderConfig(environment) + testAccSourceConfig("test", name, environment.DemoDatabase) + fmt.Sprintf(`
data "sluice_source_tables" "test" {
  source_id = sluice_source.test.id
}

output "orders" {
  value = one([for table in data.sluice_source_tables.test.tables : table if table.schema == "public" && table.name == %q])
}
`, testAccDemoTable),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValueAtPath("orders", tfjsonpath.New("primary_key"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("id")})),
					statecheck.ExpectKnownOutputValueAtPath("orders", tfjsonpath.New("partitioned"), knownvalue.Bool(false)),
					statecheck.ExpectKnownOutputValueAtPath("orders", tfjsonpath.New("columns").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name":     knownvalue.StringExact("id"),
						"type":     knownvalue.NotNull(),
						"nullable": knownvalue.Bool(false),
					})),
				},
			},
		},
	})
}
