"""Google Cloud Storage CORS (`google_storage_bucket` `cors`: `origin`, `method`,
`response_header`, `max_age_seconds`).

`origin` is "the list of Origins eligible to receive CORS response headers", where `*` "is
permitted ... and means 'any Origin'" (JSON API buckets resource, `cors[].origin`;
hashicorp/terraform-provider-google `google_storage_bucket` `cors.origin`). Cloud Storage
answers a matching Origin with that origin. There is no credentials setting, and the one
endpoint that authenticates by cookie refuses CORS: "requests to the authenticated browser
download endpoint storage.cloud.google.com do not allow CORS requests" (cloud.google.com/storage/
docs/gsutil/commands/cors; cloud.google.com/storage/docs/cross-origin); elsewhere a request
carries an OAuth token or a signed URL, which a cross-origin page cannot borrow. So these
contexts are without credentials. A `*` inside an origin is not documented: read as any
text, the widest reading.
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
