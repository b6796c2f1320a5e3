"""OL4xx: broad or reflected trust combined with credentials, where a bug becomes account takeover."""

from __future__ import annotations

from collections.abc import Iterator

from origins_lint.model import CorsContext, Document, MatcherKind, OriginMatcher, Severity
from origins_lint.rules.breadth import (
    BREADTH_RULES,
    EXPLAINED,
    REFLECTING,
    credentials_note,
    explain,
    reflection_text,
    reflects_every_origin,
)
from origins_lint.rules.registry import Hit, RuleSettings, per_matcher, rule

ECHOED = {
    "headers": ("Access-Control-Request-Headers", "`Authorization`, an anti-CSRF header"),
    "methods": ("Access-Control-Request-Method", "`DELETE`, `PUT`"),
}


def _wildcard_with_credentials(context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    if matcher.kind is not MatcherKind.ANY or not context.with_credentials:
        return None
    return Hit(
        matcher.location,
        f"`*` with credentials{credentials_note(context.credentials)}: browsers refuse this pair, so "
        'every credentialed request fails. Do not "fix" it by echoing the request\'s Origin '
        "(that trusts every site with your users' sessions); list the origins that need credentials",
    )


def _reflected_with_credentials(context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    if not context.with_credentials or not reflects_every_origin(matcher):
        return None
    return Hit(
        matcher.location,
        f"{reflection_text(matcher)} and allows credentials{credentials_note(context.credentials)}: "
        "any site a user visits can read their authenticated responses; validate the origin "
        "against a list of exact origins",
    )


def _null_with_credentials(context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    if matcher.kind is not MatcherKind.NULL or not context.with_credentials:
        return None
    return Hit(
        matcher.location,
        "`null` is trusted with credentials: any attacker page can send `Origin: null` from a "
        "sandboxed iframe and read your users' authenticated responses; remove this entry",
    )


def _wildcard_headers(document: Document, _settings: RuleSettings) -> Iterator[Hit]:
    for context in document.contexts:
        if not context.echoed and context.allow_headers is None and context.allow_methods is None:
            continue  # nothing below to report (most contexts: an Okta export's, issue 21)
        if not context.with_credentials or not any(m.kind is not MatcherKind.NULL for m in context.matchers):
            continue
        for name, where in context.echoed:  # nginx `$http_access_control_request_headers`
            asked, examples = ECHOED[name]
            yield Hit(
                where,
                f"allowed {name} echo the request's `{asked}` with credentials: every {name[:-1]} a "
                f"page asks for ({examples}) is allowed on credentialed requests, so the preflight "
                f"no longer limits what the origins you trust can send; list the {name}",
            )
        for name, setting in (("headers", context.allow_headers), ("methods", context.allow_methods)):
            if setting is None or "*" not in setting.value or setting.location is None:
                continue
            extra = " and `Authorization` is never covered by `*`" if name == "headers" else ""
            yield Hit(
                setting.location,
                f"allowed {name} `*` with credentials: browsers then read `*` as a {name[:-1]} "
                f"literally named `*`, so requests with any other {name[:-1]} fail{extra}; "
                f"list the {name}",
            )


# the codes `explain` names a breadth with: when a run reports them all, OL405 has nothing to add
NAMED_BY_A_RULE = frozenset(BREADTH_RULES)


def _broad_with_credentials(document: Document, settings: RuleSettings) -> Iterator[Hit]:
    """A broad match with credentials that no rule of this run names.

    One flaw, one finding: where OL302 or OL306-OL310 reports the breadth, that finding carries
    the credentials; this rule speaks only for a breadth whose rule the run does not report.
    """
    if settings.selected is None or settings.selected >= NAMED_BY_A_RULE:
        return  # every breadth `explain` names is reported by its own rule: nothing left to say
    for context, matcher in document.matchers():
        if matcher.kind not in EXPLAINED or not context.credentials_for(matcher):
            continue  # `explain` names no breadth of an exact origin, `*` or a reflected Origin
        reasons = [
            reason
            for reason in explain(matcher)
            if reason.code not in settings.selected and reason.severity is None  # a fixed weight stays
        ]
        if not reasons:
            continue
        codes = ", ".join(reason.code for reason in reasons)
        yield Hit(
            matcher.location,
            f"{reasons[0].message} ({codes}, not reported in this run). This context allows credentials"
            f"{credentials_note(context.credentials)}: every origin it admits can read your users' "
            "authenticated responses; use exact origins for credentialed access",
        )


rule("OL401", "wildcard-with-credentials", Severity.HIGH, "`*` together with credentials")(
    per_matcher(_wildcard_with_credentials, [MatcherKind.ANY])
)
rule("OL402", "reflected-origin-with-credentials", Severity.CRITICAL, "Reflected origin with credentials")(
    per_matcher(_reflected_with_credentials, REFLECTING)
)
rule("OL403", "null-origin-with-credentials", Severity.CRITICAL, "`null` origin with credentials")(
    per_matcher(_null_with_credentials, [MatcherKind.NULL])
)
rule("OL404", "wildcard-headers-with-credentials", Severity.LOW, "`*` headers or methods with credentials")(
    _wildcard_headers
)
rule(
    "OL405",
    "broad-origin-with-credentials",
    Severity.HIGH,
    "Broad origin match with credentials that no reported rule names",
)(_broad_with_credentials)
