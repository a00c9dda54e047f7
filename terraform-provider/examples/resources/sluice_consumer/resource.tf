# A pull consumer: the application receives, acks and nacks.
resource "sluice_consumer" "paid_orders" {
  name      = "paid-orders"
  source_id = sluice_source.shop.id
  kind      = "pull"

  tables = [
    { table = "orders" },
    { schema = "billing", table = "invoice_lines", group_columns = ["invoice_id"] },
  ]
  actions = ["insert", "update"]
  filter  = "status = 'paid' AND total > 100"
  start   = { at = "beginning" }

  visibility_timeout_seconds = 60
  max_deliver                = 5
}

# A push consumer: each change is POSTed to an HTTP endpoint.
resource "sluice_consumer" "fulfilment" {
  name        = "fulfilment"
  source_id   = sluice_source.shop.id
  kind        = "push"
  endpoint_id = sluice_http_endpoint.fulfilment.id
  path        = "/orders"
  tables      = [{ table = "orders" }]
  start       = { at = "now" }
  batch_size  = 10

  transform = <<-LUA
    return { id = record.id, status = record.status }
  LUA
}
