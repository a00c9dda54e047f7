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

  # No signing_secret: Sluice generates one and Terraform keeps it in state.
}

# The generated signing secret (whsec_...), for the receiver's Standard
# Webhooks library.
output "fulfilment_signing_secret" {
  value     = sluice_http_endpoint.fulfilment.signing_secret
  sensitive = true
}

variable "fulfilment_api_key" {
  type      = string
  sensitive = true
}
