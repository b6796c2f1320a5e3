"""Google Cloud Storage CORS (`google_storage_bucket` `cors`, `origin`).

"origin: The list of Origins eligible to receive CORS response headers. Note: `*` is
permitted in the list of origins, and means 'any Origin'"; Cloud Storage matches the request's
Origin against the list and answers with it, and it never sends
`Access-Control-Allow-Credentials` ("Cloud Storage doesn't support ... credentials"; requests
are authenticated by OAuth tokens or signed URLs, not cookies) (cloud.google.com/storage/docs/
cross-origin and /storage/docs/json_api/v1/buckets `cors[].origin`; hashicorp/
terraform-provider-google google_storage_bucket `cors.origin`). A `*` inside an origin is not
documented: read as any text, the widest reading.
"""

from __future__ import annotations

from typing import Final

from origins_lint.formats.cloud.service import Cors, Read, any_text, build_context
from origins_lint.model import Compare, Engine, InputProblem, MatchMode, Setting

GCS_ENGINE: Final = Engine(
    "gcs", MatchMode.FULL, case_sensitive=False, exact=Compare.ASCII_CASE, wildcard_label=".*"
)


def storage_bucket(cors: Cors) -> Read:
    scope = f"gcs@{cors.location.line}:{cors.location.column}"
    matchers = [any_text(item, GCS_ENGINE, scope, "Cloud Storage") for item in cors.origins]
    problems: list[InputProblem] = []
    return Read(
        build_context(cors, matchers, Setting(False, cors.location, from_default=True), problems), problems
    )
