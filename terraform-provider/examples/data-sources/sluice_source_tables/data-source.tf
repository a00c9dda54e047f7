data "sluice_source_tables" "shop" {
  source_id = "shop"
}

# Tables without a primary key need group_columns (and REPLICA IDENTITY FULL)
# before a consumer can stream them.
output "tables_without_primary_key" {
  value = [
    for table in data.sluice_source_tables.shop.tables : "${table.schema}.${table.name}"
    if length(table.primary_key) == 0
  ]
}
