# Look a consumer up by name (or by id).
data "sluice_consumer" "paid_orders" {
  name = "paid-orders"
}

output "paid_orders_filter" {
  value = data.sluice_consumer.paid_orders.filter
}
