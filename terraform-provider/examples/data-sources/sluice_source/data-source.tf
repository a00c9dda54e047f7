# Look a source up by name (or by id).
data "sluice_source" "shop" {
  name = "shop"
}

output "shop_slot" {
  value = data.sluice_source.shop.slot_name
}
