"""What the fixed text of a templated origin decides, whatever its placeholders become (issue 18 item 10).

An entry such as `http://${domain}` or `https://*.${domain}` is known only by its fixed text, and
that text alone can settle two things: an `http://` scheme is plain HTTP whatever host is filled in,
and a `*` in an entry the engine compares as an exact string (Traefik's list, Envoy and Istio
`exact`) is a literal character no Origin has, so the entry never matches. Parsers read this to
say OL004 only for what nothing decides; the rules (OL101, OL201) read it to report the rest, so
both sides agree on one definition.
"""

from __future__ import annotations

from origins_lint.model import PLACEHOLDER
from origins_lint.origins import HostClass, classify_host
from origins_lint.records import record

# loopback and private hosts are OL5xx's, as for entries without placeholders (transport.LOCAL)
_LOCAL = (HostClass.LOOPBACK, HostClass.PRIVATE)


def fixed_text(raw: str) -> str:
    """The text of a value with its placeholders removed."""
    return PLACEHOLDER.sub("", raw)


def placeholder(raw: str) -> str | None:
    """The first placeholder in a value, as written; None when it has none."""
    if "{" not in raw:  # both kinds of placeholder hold one: most entries answer without the regex
        return None
    found = PLACEHOLDER.search(raw)
    return found.group(0) if found is not None else None


@record(frozen=True, slots=True)
class Decided:
    """What the fixed text of one templated entry settles."""

    plain_http: bool  # `http://` written out: plain HTTP whatever the host becomes
    literal_star: bool  # a `*` in its host part: no Origin has one, so an exact comparison never matches


def decided(raw: str) -> Decided | None:
    """What the fixed text of a templated entry settles; None when the entry has no placeholder."""
    if placeholder(raw) is None:
        return None
    scheme, separator, rest = raw.partition("://")
    host_port = rest.split("/")[0] if separator else ""
    # the host without its port: `[::1]:${PORT}` keeps its brackets, `app.${DOMAIN}:8443` loses `:8443`
    host = host_port[: host_port.find("]") + 1] if host_port.startswith("[") else host_port.rsplit(":", 1)[0]
    fixed_host = fixed_text(host)
    local = (placeholder(host) is None and classify_host(host) in _LOCAL) or fixed_host.lower().startswith(
        ("localhost", "127.")
    )
    plain = bool(separator) and placeholder(scheme) is None and scheme.lower() == "http" and not local
    return Decided(plain_http=plain, literal_star="*" in fixed_text(host_port if separator else raw))


def decides_exact(raw: str) -> bool:
    """Whether a rule reports this templated exact entry (OL101 or OL201), so no OL004 is needed."""
    found = decided(raw)
    return found is not None and (found.plain_http or found.literal_star)
