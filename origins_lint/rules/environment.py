"""OL5xx: origins that name developer machines, private networks or bare IPs."""

from __future__ import annotations

from origins_lint.model import CorsContext, Document, Environment, OriginMatcher, Severity
from origins_lint.origins import HostClass, classify_host
from origins_lint.rules.facts import named_hosts
from origins_lint.rules.registry import Hit, per_matcher, rule


def _host_of_class(matcher: OriginMatcher, wanted: HostClass) -> str | None:
    return next((n.host for n in named_hosts(matcher) if classify_host(n.host) is wanted), None)


def _localhost(_context: CorsContext, matcher: OriginMatcher, document: Document) -> Hit | None:
    if document.environment is Environment.DEVELOPMENT:
        return None
    host = _host_of_class(matcher, HostClass.LOOPBACK)
    if host is None:
        return None
    return Hit(
        matcher.location,
        f"`{matcher.raw}` names `{host}`, a developer machine: in {document.environment.value} any "
        "page a user's own machine serves there (a dev server, a local app) gets this trust; move "
        "it to a policy with `environment: development` or a file listed in `development-files`",
    )


def _private(_context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    host = _host_of_class(matcher, HostClass.PRIVATE)
    if host is None:
        return None
    return Hit(
        matcher.location,
        f"`{matcher.raw}` names `{host}`, a private-network host: whoever holds that name or "
        "address on the network a user is on (hotel Wi-Fi, another office) gets this trust; use a "
        "public name you control",
    )


def _ip_literal(_context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    host = _host_of_class(matcher, HostClass.IP_PUBLIC)
    if host is None:
        return None
    return Hit(
        matcher.location,
        f"`{matcher.raw}` names the IP address `{host}`: cloud addresses are recycled to other "
        "customers, and an IP rarely has a proper HTTPS certificate; use a host name",
    )


rule("OL501", "localhost-origin", Severity.MEDIUM, "localhost or loopback origin outside development")(
    per_matcher(_localhost)
)
rule("OL502", "private-network-origin", Severity.LOW, "Private-network host as origin")(per_matcher(_private))
rule("OL503", "ip-literal-origin", Severity.LOW, "Public IP address as origin host")(per_matcher(_ip_literal))
