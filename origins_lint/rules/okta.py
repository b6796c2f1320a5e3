"""OL7xx: Okta trusted origins, where scopes decide what an origin gets.

They apply to documents Okta enforces (exports, Terraform): a policy file's
`scopes` only say where an entry would sync, so its wildcards are judged by the
generic breadth rules instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from origins_lint.model import OKTA, CorsContext, Document, MatcherKind, OriginMatcher, Severity, Status
from origins_lint.rules.registry import Hit, RuleSettings, per_matcher, rule
from origins_lint.rules.transport import plain_http

WIDE = (MatcherKind.WILDCARD, MatcherKind.ANY)
SCOPE_NAMES = {"cors": "CORS", "redirect": "REDIRECT", "iframe_embed": "IFRAME_EMBED"}


def okta_only(
    inspect: Callable[[CorsContext, OriginMatcher], Hit | None],
) -> Callable[[CorsContext, OriginMatcher, Document], Hit | None]:
    def check(context: CorsContext, matcher: OriginMatcher, document: Document) -> Hit | None:
        return inspect(context, matcher) if document.platform == OKTA else None

    return check


def _iframe_embed(context: CorsContext, matcher: OriginMatcher) -> Hit | None:
    if "iframe_embed" not in context.scopes.value or matcher.kind not in WIDE:
        return None
    return Hit(
        matcher.location,
        f"`{matcher.raw}` may frame Okta pages (IFRAME_EMBED) and is a wildcard: any page on a "
        "matching host, including a forgotten subdomain someone takes over, can frame the Okta "
        "sign-in page under its own controls (clickjacking, phishing in a trusted frame); list the "
        "exact origins that embed Okta",
    )


def _inactive(document: Document, _settings: RuleSettings) -> Iterator[Hit]:
    if document.platform != OKTA:
        return
    for context in document.contexts:
        for matcher in context.matchers:
            if matcher.status is Status.INACTIVE:
                named = f" ({context.name})" if context.name else ""
                yield Hit(
                    matcher.location,
                    f"`{matcher.raw}`{named} is INACTIVE: Okta does not enforce it, but anyone with "
                    "admin rights can re-activate the trust in one click; delete it if nothing needs it",
                )


def _redirect_insecure(context: CorsContext, matcher: OriginMatcher) -> Hit | None:
    example = plain_http(matcher) if "redirect" in context.scopes.value else None
    if example is None:
        return None
    secure = "https://" + example.origin.partition("://")[2]
    return Hit(
        matcher.location,
        f"`{matcher.raw}` is plain HTTP and Okta redirects there after sign-in or sign-out "
        "(REDIRECT): anyone on the network path can alter that page or read what the redirect "
        f"carries (an authorization code, a state); use `{secure}`",
    )


def _wildcard_scope(context: CorsContext, matcher: OriginMatcher) -> Hit | None:
    exact_only = sorted(context.scopes.value & {"cors", "redirect"})
    if matcher.kind not in WIDE or not exact_only:
        return None
    scopes = " and ".join(SCOPE_NAMES[scope] for scope in exact_only)
    return Hit(
        matcher.location,
        f"`{matcher.raw}` is a wildcard with the {scopes} scope: Okta accepts wildcards only for "
        "IFRAME_EMBED, and where one is honoured it trusts every matching host with the Okta session "
        "and sign-in redirects; list the exact origins that need CORS and redirects",
    )


rule("OL701", "okta-iframe-embed", Severity.MEDIUM, "Okta IFRAME_EMBED scope on a wildcard origin")(
    per_matcher(okta_only(_iframe_embed), WIDE)
)
rule("OL702", "okta-inactive-origin", Severity.INFO, "Inactive Okta trusted origin kept in the export")(
    _inactive
)
rule("OL703", "okta-redirect-insecure", Severity.HIGH, "Okta REDIRECT scope on a plain-HTTP origin")(
    per_matcher(okta_only(_redirect_insecure), quiet_on_https=True)
)
rule("OL704", "okta-wildcard-scope", Severity.HIGH, "Wildcard Okta origin with CORS or REDIRECT scope")(
    per_matcher(okta_only(_wildcard_scope), WIDE)
)
