"""What every cloud service reader shares: the values a format read (`Cors`, each origin an
`Item` with its location), the context and problems a service makes of them (`Read`), and the
building blocks of a service's semantics (a `*` that stands for any text; a deploy-time refusal).

Formats (Terraform, CloudFormation, serverless, OpenAPI) fill a `Cors`; the service modules
(`aws`, `azure`, `gcp`) turn it into the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from origins_lint.model import (
    CorsContext,
    Engine,
    InputProblem,
    Location,
    MatcherKind,
    MatchMode,
    OriginMatcher,
    ProblemKind,
    Setting,
)
from origins_lint.origins import is_any, matcher_kind

LEADING_LABEL: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\*\.[^*]+")


@dataclass(frozen=True, slots=True)
class Item:
    """One origin as written, where it is written."""

    text: str
    location: Location


@dataclass(slots=True)
class Cors:
    """What a format read from one CORS declaration; None: the key is not written."""

    origins: list[Item]
    location: Location  # the CORS block (`cors_rule`, `CorsConfiguration`, `Cors:`)
    credentials: Setting[bool | None] | None = None
    methods: Setting[tuple[str, ...]] | None = None
    headers: Setting[tuple[str, ...]] | None = None
    expose: Setting[tuple[str, ...]] | None = None
    max_age: Setting[int] | None = None
    name: str | None = None  # `aws_s3_bucket_cors_configuration.site`, `MyBucket`: for `match`
    # origins known only at deploy time (a variable, `!Ref`): already said as OL004 by the format;
    # the service's own checks that need the whole list (`*` with credentials) are then not made
    partial: bool = False


@dataclass(slots=True)
class Read:
    context: CorsContext
    problems: list[InputProblem] = field(default_factory=list)


def any_text(item: Item, engine: Engine, scope: str, service: str) -> OriginMatcher:
    """An origin whose `*` is any text: `*` alone, a leftmost-label wildcard (a subdomain wildcard
    that also spans several levels), or else the regex the service in effect runs."""
    text = item.text.strip()
    kind = matcher_kind(text)
    if kind is not MatcherKind.WILDCARD or LEADING_LABEL.fullmatch(text):
        return OriginMatcher(kind, item.text, item.location, engine, scope=scope)
    pattern = "^" + ".*".join(re.escape(piece) for piece in text.split("*")) + "$"
    regex_engine = Engine(engine.name, MatchMode.FULL, case_sensitive=engine.case_sensitive)
    return OriginMatcher(
        MatcherKind.REGEX,
        pattern,
        item.location,
        regex_engine,
        note=f"{service} reads the `*` in `{item.text}` as any text: it matches as `{pattern}`",
        scope=scope,
    )


def star_refused_with_credentials(
    cors: Cors, engine: Engine, scope: str, service: str, refusal: str | None
) -> tuple[list[OriginMatcher], list[InputProblem]]:
    """The matchers of a listing whose service refuses `*` with credentials at deploy time
    (``refusal``, the message, when credentials are on): the `*` entry is that refusal (OL002) and
    no matcher, so no OL401 is said beside it on the same flaw."""
    matchers: list[OriginMatcher] = []
    problems: list[InputProblem] = []
    refuses = refusal is not None and (cors.credentials or Setting(False)).value is True and not cors.partial
    for item in cors.origins:
        if refuses and refusal is not None and is_any(item.text):
            problems.append(InputProblem(ProblemKind.SCHEMA, refusal, item.location))
            continue
        matchers.append(any_text(item, engine, scope, service))
    return matchers, problems


def build_context(
    cors: Cors, matchers: list[OriginMatcher], credentials: Setting[bool | None], problems: list[InputProblem]
) -> CorsContext:
    return CorsContext(
        matchers=matchers,
        location=cors.location,
        credentials=credentials,
        allow_methods=cors.methods,
        allow_headers=cors.headers,
        expose_headers=cors.expose,
        max_age=cors.max_age,
        name=cors.name,
        rejected=problems[0].message if problems else None,
    )


def refused(refusal: str, reason: str, location: Location) -> InputProblem:
    return InputProblem(ProblemKind.SCHEMA, f"{refusal}: {reason}", location)
