"""OL2xx: origins served over plain HTTP."""

from __future__ import annotations

from typing import Final

from origins_lint.model import CorsContext, Document, OriginMatcher, Severity
from origins_lint.origins import HostClass, local_class
from origins_lint.rules.facts import ANALYSED, NamedHost, analysis, any_scheme, named_hosts, schemes
from origins_lint.rules.registry import Hit, per_matcher, rule
from origins_lint.template_origin import decided

# loopback and private hosts get OL501/OL502 instead (rules.md, "Where a finding points")
LOCAL = (HostClass.LOOPBACK, HostClass.PRIVATE)


def plain_http(matcher: OriginMatcher) -> NamedHost | None:
    """The first plain-HTTP host an entry names; loopback and private hosts are OL5xx's to report."""
    return next(
        (n for n in named_hosts(matcher) if n.scheme == "http" and local_class(n.host) not in LOCAL),
        None,
    )


_REDIRECT_ONLY: Final = frozenset({"redirect"})


def _insecure(context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    if context.scopes.value == _REDIRECT_ONLY:
        return None  # an Okta origin trusted for redirects only grants no CORS: OL703 says its risk
    stake = "your users' credentialed responses" if context.with_credentials else "this trust"
    fixed = decided(matcher.raw)  # a template: its fixed text decides, whatever is filled in
    if fixed is not None:
        if not fixed.plain_http:
            return None
        return Hit(
            matcher.location,
            f"`{matcher.raw}` is plain HTTP whatever the template fills in: anyone on the network "
            f"path can inject script into that page and use {stake}; use `https://{matcher.raw[7:]}`",
            Severity.HIGH if context.with_credentials else None,
        )
    found = analysis(matcher)
    if found is not None and schemes(found) != (True, False):
        return None  # regexes that also accept https are OL202's
    example = plain_http(matcher)
    if example is None:
        return None
    secure = "https://" + example.origin.partition("://")[2]
    return Hit(
        matcher.location,
        f"`{matcher.raw}` is plain HTTP: anyone on the network path (public Wi-Fi, a rogue "
        f"router) can inject script into that page and use {stake}; use `{secure}`",
        Severity.HIGH if context.with_credentials else None,
    )


def _scheme_agnostic(_context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    found = analysis(matcher)
    if found is None or found.matches_everything:
        return None  # OL304/OL402 say more
    hosts = named_hosts(matcher)
    if not hosts or all(local_class(n.host) is HostClass.LOOPBACK for n in hosts):
        return None
    host = hosts[0].origin.partition("://")[2]  # a host it accepts, not only the fixed part
    other = any_scheme(found)
    if other is not None:
        return Hit(
            matcher.location,
            f"`{matcher.raw}` accepts any scheme (`{other}`, `http://{host}`): a page served "
            "over plain HTTP can be altered by anyone on the network path; spell out `^https://`",
        )
    if schemes(found) == (True, True):
        return Hit(
            matcher.location,
            f"`{matcher.raw}` accepts `http://{host}` as well as `https://{host}`: a page served "
            "over plain HTTP can be altered by anyone on the network path; use `^https://` only",
        )
    return None


rule("OL201", "insecure-origin", Severity.MEDIUM, "Plain-HTTP origin")(
    per_matcher(_insecure, quiet_on_https=True)
)
rule("OL202", "scheme-agnostic-match", Severity.HIGH, "Pattern accepts http as well as https")(
    per_matcher(_scheme_agnostic, ANALYSED)
)
