"""OL6xx: the CORS response headers themselves (nginx and other header-level configs)."""

from __future__ import annotations

from collections.abc import Iterator

from origins_lint.model import CorsContext, Document, HeaderLine, MatcherKind, OriginMatcher, Severity
from origins_lint.rules.breadth import explain, reflects_every_origin
from origins_lint.rules.registry import Hit, RuleSettings, rule

ALLOW_ORIGIN = "access-control-allow-origin"
BROWSER_MAX_AGE = 86400  # Firefox's cap; Chromium's is 7200


def _origin_headers(context: CorsContext) -> list[HeaderLine]:
    return [h for h in context.headers if h.key == ALLOW_ORIGIN]


def _multiple_values(document: Document, _settings: RuleSettings) -> Iterator[Hit]:
    for context in document.contexts:
        headers = _origin_headers(context)
        for header in headers:
            if len(header.items) > 1:
                yield Hit(
                    header.value_location,
                    f"`{header.value}` puts {len(header.items)} origins in one "
                    "`Access-Control-Allow-Origin`: browsers accept exactly one origin (or `*`) and "
                    "reject the response; check the request's Origin against a list (an nginx `map`, a "
                    "Caddy `header` matcher) and send back the one that matched, or keep one origin in "
                    "a static header (API Gateway REST, SAM)",
                )
        for header in headers[1:]:
            first = headers[0]
            if header.location != first.location:
                yield Hit(
                    header.location,
                    "`Access-Control-Allow-Origin` is added a second time to the same response "
                    f"(first at {first.location.path}:{first.location.line}): browsers reject a "
                    "response with two values; keep one",
                )


def _missing_vary(document: Document, _settings: RuleSettings) -> Iterator[Hit]:
    for context in document.contexts:
        if context.vary_origin is not None and context.vary_origin.value:
            continue
        for header in _origin_headers(context):
            if header.dynamic:
                yield Hit(
                    header.location,
                    f"`Access-Control-Allow-Origin {header.value}` changes with the request's Origin "
                    "but the response has no `Vary: Origin`: a shared cache (CDN, proxy) can serve "
                    f"one site's answer to another; {header.vary_fix}",
                )


def _not_always(document: Document, _settings: RuleSettings) -> Iterator[Hit]:
    for context in document.contexts:
        for header in context.headers:
            if not header.always:
                yield Hit(
                    header.location,
                    f"`{header.directive} {header.name}` has no `always`: {header.not_always}",
                )


def _dropped(document: Document, _settings: RuleSettings) -> Iterator[Hit]:
    for context in document.contexts:
        if not context.dropped or context.dropped_by is None:
            continue
        names = ", ".join(f"`{h.name}` (line {h.location.line})" for h in dict.fromkeys(context.dropped))
        yield Hit(
            context.dropped_by,
            f"this `add_header` stops the block from inheriting {names}: nginx passes `add_header` "
            "down only to blocks that have none of their own, so these responses lose them; repeat "
            "them here (an `include` of one shared snippet keeps them in step) or, from nginx "
            "1.29.3, add `add_header_inherit merge;`",
        )


def _max_age(document: Document, _settings: RuleSettings) -> Iterator[Hit]:
    for context in document.contexts:
        setting = context.max_age
        if setting is None or setting.value <= BROWSER_MAX_AGE or setting.location is None:
            continue
        default = " (a platform default)" if setting.from_default else ""
        yield Hit(
            setting.location,
            f"max age {setting.value:,} seconds{default} is more than browsers keep a preflight "
            "(Firefox caps it at 86,400, Chromium at 7,200), so the value is cut down silently; "
            "use 7200 or less",
        )


def _broad(matcher: OriginMatcher) -> bool:
    return (
        matcher.kind in (MatcherKind.ANY, MatcherKind.NULL)
        or reflects_every_origin(matcher)
        or bool(explain(matcher))
    )


def _private_network(document: Document, _settings: RuleSettings) -> Iterator[Hit]:
    for context in document.contexts:
        setting = context.private_network
        if setting is None or not setting.value or setting.location is None:
            continue
        broad = next((m for m in context.matchers if _broad(m)), None)
        if broad is not None:
            yield Hit(
                setting.location,
                f"`Access-Control-Allow-Private-Network: true` together with `{broad.raw}`: every "
                "public site that origin check admits can reach this private-network service from "
                "a user's browser; allow private network access only for exact origins",
            )


rule("OL601", "multiple-allow-origin-values", Severity.HIGH, "Several origins in one allow-origin header")(
    _multiple_values
)
rule("OL602", "missing-vary-origin", Severity.MEDIUM, "Per-request allow-origin without `Vary: Origin`")(
    _missing_vary
)
rule("OL603", "header-not-always", Severity.LOW, "nginx or Apache CORS header without `always`")(_not_always)
rule("OL604", "add-header-dropped", Severity.MEDIUM, "Nested `add_header` drops inherited CORS headers")(
    _dropped
)
rule("OL605", "excessive-max-age", Severity.INFO, "Preflight max age above what browsers honour")(_max_age)
rule("OL606", "private-network-access", Severity.MEDIUM, "Private network access for a broad origin set")(
    _private_network
)
