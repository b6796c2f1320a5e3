"""OL5xx: origins that name developer machines, private networks or bare IPs.

The three rules differ only in the host class they look for and what they say,
so they are one table.
"""

from __future__ import annotations

from origins_lint.model import CorsContext, Document, Environment, OriginMatcher, Severity
from origins_lint.origins import HostClass, local_class
from origins_lint.records import record
from origins_lint.rules.facts import named_hosts
from origins_lint.rules.registry import Hit, per_matcher, rule


@record(frozen=True)
class HostRule:
    code: str
    slug: str
    severity: Severity
    summary: str
    host_class: HostClass
    message: str  # {raw}, {host} and {environment} are filled in
    allowed_in_development: bool = False


HOST_RULES = (
    HostRule(
        "OL501",
        "localhost-origin",
        Severity.MEDIUM,
        "localhost or loopback origin outside development",
        HostClass.LOOPBACK,
        "`{raw}` names `{host}`, a developer machine: in {environment} any page a user's own machine "
        "serves there (a dev server, a local app) gets this trust; move it to a policy with "
        "`environment: development` or a file listed in `development-files`",
        allowed_in_development=True,
    ),
    HostRule(
        "OL502",
        "private-network-origin",
        Severity.LOW,
        "Private-network host as origin",
        HostClass.PRIVATE,
        "`{raw}` names `{host}`, a private-network host: whoever holds that name or address on the "
        "network a user is on (hotel Wi-Fi, another office) gets this trust; use a public name you control",
    ),
    HostRule(
        "OL503",
        "ip-literal-origin",
        Severity.LOW,
        "Public IP address as origin host",
        HostClass.IP_PUBLIC,
        "`{raw}` names the IP address `{host}`: cloud addresses are recycled to other customers, and an "
        "IP rarely has a proper HTTPS certificate; use a host name",
    ),
)


def _register(spec: HostRule) -> None:
    def inspect(_context: CorsContext, matcher: OriginMatcher, document: Document) -> Hit | None:
        if spec.allowed_in_development and document.environment is Environment.DEVELOPMENT:
            return None
        host = next((n.host for n in named_hosts(matcher) if local_class(n.host) is spec.host_class), None)
        if host is None:
            return None
        text = spec.message.format(raw=matcher.raw, host=host, environment=document.environment.value)
        return Hit(matcher.location, text)

    rule(spec.code, spec.slug, spec.severity, spec.summary)(
        per_matcher(inspect, quiet_on_https=True, quiet_on_http=True)
    )


for _spec in HOST_RULES:
    _register(_spec)
