# Trusted origins of the acme-corp Okta org, managed with the okta/okta provider.
terraform {
  required_providers {
    okta = {
      source  = "okta/okta"
      version = "~> 4.0"
    }
  }
}

variable "preview_origin" {
  description = "Origin of the current preview deployment"
  type        = string
}

locals {
  apps = {
    portal = "https://portal.acme-corp.com"
    admin  = "https://admin.acme-corp.com"
    status = "http://status.acme-corp.com"
  }
}

resource "okta_trusted_origin" "apps" {
  for_each = local.apps
  name     = "App: ${each.key}"
  origin   = each.value
  scopes   = ["CORS", "REDIRECT"]
}

resource "okta_trusted_origin" "widget" {
  name   = "Sign-in widget embeds"
  origin = "https://*.acme-corp.com"
  scopes = ["IFRAME_EMBED"]
}

resource "okta_trusted_origin" "preview" {
  name   = "Preview deployment"
  origin = var.preview_origin
  scopes = ["CORS"]
}
