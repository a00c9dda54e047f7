resource "sluice_source" "shop" {
  name     = "shop"
  host     = "db.internal.example.com"
  database = "shop"
  username = "sluice"
  password = var.shop_db_password
  ssl_mode = "verify-full"

  # Optional: Sluice creates and names the publication and the slot
  # (sluice_ and the random part of the source id) unless told otherwise.
  # publication_name   = "shop_changes"
  # manage_publication = false
}

variable "shop_db_password" {
  type      = string
  sensitive = true
}
