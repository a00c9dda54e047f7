terraform {
  required_providers {
    sluice = {
      source = "sluice-dev/sluice"
    }
  }
}

# The endpoint and token can also come from the SLUICE_ENDPOINT and
# SLUICE_TOKEN environment variables. The token needs the manage scope.
provider "sluice" {
  endpoint = "http://localhost:8080"
  token    = var.sluice_token
}

variable "sluice_token" {
  type      = string
  sensitive = true
}
