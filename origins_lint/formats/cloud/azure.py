"""Azure services' CORS semantics: App Service (web and function apps) and Storage.

- **App Service** (`app_service`: `azurerm_linux_web_app`, `azurerm_windows_web_app`, the
  function apps and the legacy `azurerm_app_service`, `site_config.cors`): `allowed_origins`
  with `support_credentials`. App Service refuses `*` with credentials: "The CORS specification
  disallows setting credentials to true when allowed origins includes `*`" is the error the
  platform gives when `support_credentials` is turned on with a `*` origin
  (learn.microsoft.com/azure/app-service/app-service-web-tutorial-rest-api, "Enable CORS"
  and "Add credentials"; hashicorp/terraform-provider-azurerm
  internal/services/appservice/helpers/cors.go reads `allowed_origins` as a set of strings).
  A wildcard inside an origin is not documented; it is read as any text, the widest reading.
- **Storage** (`storage`: `azurerm_storage_account` `blob_properties.cors_rule`,
  `queue_properties.cors_rule`, `share_properties.cors_rule`): "AllowedOrigins ... or use the
  wildcard character '*' to allow all origin domains" (learn.microsoft.com/rest/api/
  storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-storage-services).
  Storage authenticates by Shared Key, SAS or a bearer token, never by a cookie: no ambient
  credential rides along with a cross-origin read, so these contexts are without credentials.
  The provider allows at most 64 origins per rule (`validation.StringLenBetween`, `MaxItems:
  64` in internal/services/storage/helpers or storage_account.go schemaStorageAccountCorsRule).
"""

from __future__ import annotations

from typing import Final

from origins_lint.formats.cloud.service import Cors, Read, any_text, build_context, refused
from origins_lint.model import Compare, Engine, InputProblem, MatchMode, Setting
from origins_lint.origins import is_any

REFUSED: Final = "Azure refuses this at deploy time"
APP_SERVICE_ENGINE: Final = Engine(
    "azure-app-service", MatchMode.FULL, case_sensitive=False, exact=Compare.ASCII_CASE, wildcard_label=".*"
)
STORAGE_ENGINE: Final = Engine(
    "azure-storage", MatchMode.FULL, case_sensitive=False, exact=Compare.ASCII_CASE, wildcard_label=".*"
)


def app_service(cors: Cors) -> Read:
    """`site_config.cors`: `*` with `support_credentials = true` is refused."""
    scope = f"azure-app-service@{cors.location.line}:{cors.location.column}"
    matchers = [any_text(item, APP_SERVICE_ENGINE, scope, "App Service") for item in cors.origins]
    credentials = cors.credentials or Setting(False)
    problems: list[InputProblem] = []
    if credentials.value is True and not cors.partial:
        problems = [
            refused(
                REFUSED,
                "App Service does not allow the origin `*` with `support_credentials = true`; list the "
                "origins that may read credentialed responses",
                item.location,
            )
            for item in cors.origins
            if is_any(item.text)
        ]
    return Read(build_context(cors, matchers, credentials, problems), problems)


def storage(cors: Cors) -> Read:
    """A Storage `cors_rule`: no credentials."""
    scope = f"azure-storage@{cors.location.line}:{cors.location.column}"
    matchers = [any_text(item, STORAGE_ENGINE, scope, "Azure Storage") for item in cors.origins]
    problems: list[InputProblem] = []
    return Read(
        build_context(cors, matchers, Setting(False, cors.location, from_default=True), problems), problems
    )
