terraform {
  required_providers {
    sluice = { source = "sluice-dev/sluice" }
  }
}

# The endpoint and token come from SLUICE_ENDPOINT and SLUICE_TOKEN.
provider "sluice" {}

variable "demo_port" {
  description = "Port of the dev server's demo database: jq .demo_database.port .sluice/dev.json"
  type        = number
}

# The demo database of `./sluice dev`, with the orders table of the first session.
resource "sluice_source" "demo" {
  name     = "demo-terraform"
  host     = "127.0.0.1"
  port     = var.demo_port
  database = "demo"
  username = "sluice_demo"
  password = "sluice_demo"
  ssl_mode = "disable"
}

# Your webhook receiver (dev mode allows private addresses).
resource "sluice_http_endpoint" "webhooks" {
  name = "local-webhooks"
  url  = "http://127.0.0.1:9000/sluice"
}

# Pulled: the application receives, acks and nacks.
resource "sluice_consumer" "large_orders" {
  name      = "large-orders"
  source_id = sluice_source.demo.id
  kind      = "pull"
  tables    = [{ table = "orders" }]
  filter    = "amount > 100"
}

# Pushed: every change is POSTed to the endpoint's URL followed by path.
resource "sluice_consumer" "order_events" {
  name        = "order-events"
  source_id   = sluice_source.demo.id
  kind        = "push"
  endpoint_id = sluice_http_endpoint.webhooks.id
  path        = "/orders"
  tables      = [{ table = "orders" }]
}
