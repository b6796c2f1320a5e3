# Azure and Google Cloud CORS as teams write it (README: Cloud infrastructure as code)

resource "azurerm_linux_web_app" "portal" {
  name                = "portal"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  service_plan_id     = azurerm_service_plan.main.id

  site_config {
    cors {
      allowed_origins     = ["*"]
      support_credentials = true
    }
  }
}

resource "azurerm_linux_function_app" "jobs" {
  name                = "jobs"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  service_plan_id     = azurerm_service_plan.main.id

  site_config {
    cors {
      allowed_origins = ["https://*.azurewebsites.net"]
    }
  }
}

resource "azurerm_storage_account" "media" {
  name                     = "media"
  resource_group_name      = azurerm_resource_group.main.name
  location                 = azurerm_resource_group.main.location
  account_tier             = "Standard"
  account_replication_type = "LRS"

  blob_properties {
    cors_rule {
      allowed_origins    = ["https://www.example.com", "http://localhost:3000"]
      allowed_methods    = ["GET"]
      allowed_headers    = ["x-ms-meta-*"]
      exposed_headers    = ["x-ms-meta-*"]
      max_age_in_seconds = 3600
    }
  }
}

resource "google_storage_bucket" "downloads" {
  name     = "example-downloads"
  location = "EU"

  cors {
    origin          = ["https://www.example.com", "null"]
    method          = ["GET"]
    max_age_seconds = 3600
  }
}
