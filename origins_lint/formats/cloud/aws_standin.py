"""A minimal stand-in for the shared AWS semantics (`aws.py`, written on the Terraform branch):
API Gateway HTTP APIs' CORS, until that module is merged. Replaced by it, then deleted.
"""

from __future__ import annotations

from origins_lint.formats.cloud.intrinsics import Text
from origins_lint.formats.cloud.rest_api import DEPLOY_REFUSED, literal
from origins_lint.model import (
    CorsContext,
    InputProblem,
    Location,
    MatcherKind,
    OriginMatcher,
    ProblemKind,
    Setting,
)


def http_api(
    origins: list[Text],
    credentials: Setting[bool | None],
    location: Location,
    problems: list[InputProblem],
    name: str | None = None,
) -> CorsContext:
    """HTTP API CORS: `*` sends `*`; another origin is echoed when it matches; `*` with
    credentials is refused when the API is created (https://docs.aws.amazon.com/apigateway/latest/
    developerguide/http-api-cors.html)."""
    scope = f"http-api@{location.line}"
    matchers: list[OriginMatcher] = [literal(text.value, text.location, scope) for text in origins]
    rejected = None
    wildcard = next((m for m in matchers if m.kind is MatcherKind.ANY), None)
    if wildcard is not None and credentials.value is True:
        rejected = (
            f"{DEPLOY_REFUSED}: an HTTP API's CORS configuration cannot allow credentials with the "
            "origin `*`; list the origins that need credentials instead"
        )
        problems.append(InputProblem(ProblemKind.SCHEMA, rejected, wildcard.location))
        matchers = [m for m in matchers if m.kind is not MatcherKind.ANY]
    return CorsContext(matchers, location, credentials=credentials, rejected=rejected, name=name)
