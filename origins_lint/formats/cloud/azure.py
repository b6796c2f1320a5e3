"""Azure services' CORS semantics: App Service (web and function apps) and Storage.

- **App Service** (`app_service`: `azurerm_linux_web_app`, `azurerm_windows_web_app`, the
  function apps, their slots and the legacy `azurerm_app_service`, `site_config.cors`):
  `allowed_origins` ("Use `*` to allow all", CorsSettings in the App Service REST API) with
  `support_credentials`, which "cannot be enabled when `allowedOrigins` includes `'*'`"; App
  Service CORS "takes precedence" over the app's own CORS code (MicrosoftDocs/azure-docs
  articles/app-service/app-service-web-tutorial-rest-api.md @ 04ca41551a6f, "Enable CORS").
  A wildcard inside an origin is not documented; it is read as any text, the widest reading.
- **Storage** (`storage`: `azurerm_storage_account` `blob_properties`, `queue_properties`,
  `share_properties` `cors_rule`): "the origin must be an exact case-sensitive match with the
  origin that the user agent sends to the service. You can also use the wildcard character '*'
  to allow all origin domains" (learn.microsoft.com .NET API QueueCorsRule.AllowedOrigins; the
  REST page "Cross-Origin Resource Sharing (CORS) support for Azure Storage"): at most 64
  origins of 256 characters per rule. Storage authorizes a request by Shared Key, SAS or a
  bearer token ("CORS is not an authorization mechanism"), never by a cookie: no ambient
  credential rides along with a cross-origin read, so these contexts are without credentials.
  A `*` inside an origin is not documented: read as any text, the widest reading.
- **API Management** (`api_management`: the `<cors>` policy in `azurerm_api_management_api_policy`
  and its siblings' `xml_content`): `<allowed-origins>` holds "either a single origin element
  that specifies `*` to allow any origin, or one or more origin elements that contain a URI";
  `allow-credentials` defaults to false, and "policy expressions are allowed" in it
  (learn.microsoft.com/azure/api-management/cors-policy). How an origin is compared is not
  documented: read ignoring ASCII case.
"""

from __future__ import annotations

from typing import Final

from origins_lint.formats.cloud.service import (
    Cors,
    Read,
    any_text,
    build_context,
    star_refused_with_credentials,
)
from origins_lint.model import Compare, Engine, InputProblem, MatchMode, Setting

REFUSED: Final = "Azure refuses this at deploy time"
APP_SERVICE_ENGINE: Final = Engine(
    "azure-app-service", MatchMode.FULL, case_sensitive=False, exact=Compare.ASCII_CASE, wildcard_label=".*"
)
STORAGE_ENGINE: Final = Engine("azure-storage", MatchMode.FULL, case_sensitive=True, wildcard_label=".*")


API_MANAGEMENT_ENGINE: Final = Engine(
    "azure-api-management",
    MatchMode.FULL,
    case_sensitive=False,
    exact=Compare.ASCII_CASE,
    wildcard_label=".*",
)


def api_management(cors: Cors) -> Read:
    """An API Management `<cors>` policy: exact origins or `*`; credentials as written (default off)."""
    scope = f"azure-api-management@{cors.location.line}:{cors.location.column}"
    matchers = [any_text(item, API_MANAGEMENT_ENGINE, scope, "API Management") for item in cors.origins]
    problems: list[InputProblem] = []
    return Read(build_context(cors, matchers, cors.credentials or Setting(False), problems), problems)


def app_service(cors: Cors) -> Read:
    """`site_config.cors`: `*` with `support_credentials = true` is refused."""
    scope = f"azure-app-service@{cors.location.line}:{cors.location.column}"
    refusal = (
        f"{REFUSED}: App Service does not allow the origin `*` with `support_credentials = true`; list "
        "the origins that may read credentialed responses"
    )
    matchers, problems = star_refused_with_credentials(
        cors, APP_SERVICE_ENGINE, scope, "App Service", refusal
    )
    return Read(build_context(cors, matchers, cors.credentials or Setting(False), problems), problems)


def storage(cors: Cors) -> Read:
    """A Storage `cors_rule`: no credentials."""
    scope = f"azure-storage@{cors.location.line}:{cors.location.column}"
    matchers = [any_text(item, STORAGE_ENGINE, scope, "Azure Storage") for item in cors.origins]
    problems: list[InputProblem] = []
    return Read(
        build_context(cors, matchers, Setting(False, cors.location, from_default=True), problems), problems
    )
