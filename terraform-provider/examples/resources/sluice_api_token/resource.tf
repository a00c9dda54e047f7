# A token for a worker that only receives and acknowledges messages.
resource "sluice_api_token" "orders_worker" {
  name   = "orders-worker"
  scopes = ["consume"]
}

output "orders_worker_token" {
  value     = sluice_api_token.orders_worker.secret
  sensitive = true
}
