resource "sluice_http_endpoint" "fulfilment" {
  name = "fulfilment"
  url  = "https://fulfilment.example.com/webhooks/sluice"

  headers = {
    "X-Team" = "fulfilment"
  }

  # Never returned by the API.
  secret_headers = {
    "Authorization" = "Bearer ${var.fulfilment_api_key}"
  }
  signing_secret = var.webhook_signing_secret
}

variable "fulfilment_api_key" {
  type      = string
  sensitive = true
}

variable "webhook_signing_secret" {
  type      = string
  sensitive = true
}
