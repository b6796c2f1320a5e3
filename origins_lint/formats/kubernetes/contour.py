"""Contour `HTTPProxy.spec.virtualhost.corsPolicy` as model contexts.

Semantics from projectcontour/contour at 31c4bb38e0a52cef4d8273dd5641a70e39f1d693:

- internal/dag/httpproxy_processor.go `toCORSPolicy`: an `allowOrigin` item is `*`, an exact
  origin, or a regex. It is exact when Go's `url.Parse` reads it with a scheme and a host and
  `Scheme + "://" + Host` gives the item back (``go_url_exact``); anything else (`https://a.com/`,
  `HTTPS://a.com`, `https://a.com:80a`, `.*\\.foo\\.com`) is compiled as a Go regexp, and one that
  does not compile (`**`, a glob `*.foo.com`) makes the HTTPProxy invalid (`PolicyDidNotParse`):
  OL002, its virtual host is not served. So `https://*.example.com` is an exact origin, the
  literal text, which no browser sends: it admits nothing (TestToCORSPolicy);
- internal/envoy/v3/route.go `corsPolicy`: an exact item becomes an Envoy `exact` matcher with
  `ignore_case: true` (ASCII case folded); `*` too, which Envoy reads as "every origin" and
  echoes; a regex becomes a `safe_regex`, an RE2 full match;
- `allowCredentials` defaults to false; `allowOrigin` and `allowMethods` are required (the CRD
  refuses them missing or empty), `maxAge` is a Go duration matching the CRD pattern.

The policy applies to every route of the virtual host: their path conditions give
`CorsContext.paths`.
"""

from __future__ import annotations

import re

from origins_lint.formats.base import FormatOptions
from origins_lint.formats.kubernetes import envoy
from origins_lint.formats.readers import manifests
from origins_lint.formats.readers.re2_syntax import refusal
from origins_lint.formats.readers.tree import Node
from origins_lint.model import (
    CorsContext,
    Document,
    InputProblem,
    Location,
    OriginMatcher,
    ParsedFile,
    ProblemKind,
    Setting,
)
from origins_lint.source import Source
from origins_lint.template_origin import decides_exact

NAME = "contour"
GROUP = "projectcontour.io"
KINDS = ("HTTPProxy",)
INVALID = "Contour marks this HTTPProxy invalid and serves none of its routes"
REFUSER = "the Kubernetes API server refuses this HTTPProxy (Contour's CRD validation)"
# CORSPolicy.MaxAge kubebuilder Pattern
MAX_AGE = re.compile(
    r"^(((\d*(\.\d*)?h)|(\d*(\.\d*)?m)|(\d*(\.\d*)?s)|(\d*(\.\d*)?ms)|(\d*(\.\d*)?us)|(\d*(\.\d*)?µs)"
    r"|(\d*(\.\d*)?ns))+|0)\Z"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
# what Go's url.Parse accepts in a host (shouldEscape in encodeHost mode returns false for these)
_HOST = re.compile(r"[A-Za-z0-9\-_.~!$&'()*+,;=:\[\]<>\"\x80-\U0010ffff]+")


def wants(path: str) -> bool:
    return path.endswith(manifests.READ_AS_YAML)


def detect(path: str, text: str) -> bool:
    return wants(path) and GROUP in text and "corsPolicy" in text


def go_url_exact(entry: str) -> bool:
    """Whether toCORSPolicy takes the entry as an exact origin: Go's `url.Parse` succeeds with a
    scheme and a host, and `Scheme + "://" + Host` is the entry. Go lower-cases the scheme, keeps
    userinfo, path, query and fragment out of `Host`, checks the port is digits and refuses a host
    character a URL must escape; any of those makes the entry a regex."""
    scheme, sep, host = entry.partition("://")
    if not sep or not _SCHEME.fullmatch(scheme) or scheme != scheme.lower():
        return False
    if not host or any(char in host for char in "/?#@%") or _HOST.fullmatch(host) is None:
        return False
    if host.startswith("["):  # an IPv6 literal: `]`, then an optional `:port`
        end = host.rfind("]")
        port = host[end + 1 :] if end > 0 else None
    else:
        colon = host.rfind(":")
        port = host[colon:] if colon >= 0 else ""
    return port is not None and (port == "" or (port[0] == ":" and port[1:].isdigit()) or port == ":")


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    loaded = manifests.load(source)
    result = ParsedFile(source.path, NAME, problems=list(loaded.problems))
    for root in (obj for document in loaded.documents for obj in manifests.objects(document)):
        owner = manifests.kubernetes_object(root, GROUP, KINDS)
        policy = manifests.at(root, "spec", "virtualhost", "corsPolicy") if owner is not None else None
        if owner is None or policy is None:
            continue
        if manifests.rendered_later(policy, "corsPolicy", result.problems):
            continue  # a template fills it in: what it becomes is not known
        if not isinstance(policy.value, dict):
            message = f"{REFUSER}: `corsPolicy` must be a mapping (`allowOrigin:`, `allowMethods:`...)"
            result.problems.append(InputProblem(ProblemKind.SCHEMA, message, policy.location))
            continue
        document = Document(source.path, NAME, root.location)
        context = _policy(policy, owner, result)
        context.paths = route_paths(root)
        document.contexts.append(context)
        result.documents.append(document)
    return result


def route_paths(root: Node) -> tuple[str, ...]:
    """The paths of the virtual host's routes (`conditions[].prefix`, `exact`); () when a route
    takes any path."""
    routes = manifests.at(root, "spec", "routes")
    if routes is None or not isinstance(routes.value, list) or not routes.value:
        return ()
    out: dict[str, None] = {}
    for route in routes.value:
        conditions = route.value.get("conditions") if isinstance(route.value, dict) else None
        found = [
            written.value
            for condition in (
                conditions.value if conditions is not None and isinstance(conditions.value, list) else []
            )
            if isinstance(condition.value, dict)
            for key in ("prefix", "exact")
            if (written := condition.value.get(key)) is not None and isinstance(written.value, str)
        ]
        if not found:
            return ()
        for path in found:
            if path.startswith("/"):
                out.setdefault(path, None)
    return tuple(out)


class _Reader:
    def __init__(self, result: ParsedFile) -> None:
        self.result = result
        self.rejected: str | None = None

    def refuse(self, message: str, location: Location) -> None:
        self.result.problems.append(InputProblem(ProblemKind.SCHEMA, message, location))
        self.rejected = self.rejected or message

    def required(self, policy: Node, key: str) -> list[Node]:
        found = policy.value.get(key)
        if found is None or not isinstance(found.value, list) or not found.value:
            what = "missing" if found is None else "not a list with at least one item"
            self.refuse(
                f"{REFUSER}: `{key}` is required, with at least one item; here it is {what}",
                (found or policy).location,
            )
            return []
        return list(found.value)


def _policy(policy: Node, name: str, result: ParsedFile) -> CorsContext:
    reader = _Reader(result)
    credentials = envoy.flag(policy, ("allowCredentials",), result)
    scope = f"{NAME}@{policy.location.line}:{policy.location.column}"
    matchers: list[OriginMatcher] = []
    for item in reader.required(policy, "allowOrigin"):
        raw = item.value
        if not isinstance(raw, str):
            reader.refuse(f"{REFUSER}: an origin must be a string, not {item.plain()!r}", item.location)
            continue
        if manifests.template_expression(raw) is not None:
            if not decides_exact(raw):
                message = manifests.placeholder_origin(raw, False)
                result.problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, item.location))
            matchers.append(envoy.origin_matcher("exact", raw, item.location, scope, icase=True))
            continue
        if raw == "*" or go_url_exact(raw):
            matchers.append(envoy.origin_matcher("exact", raw, item.location, scope, icase=True))
            continue
        why = refusal(raw)
        if why is not None:
            reader.refuse(
                f"{INVALID} (PolicyDidNotParse): `{raw}` is not an exact `scheme://host[:port]` origin, so "
                f"Contour compiles it as a regex, and Go's regexp cannot: {why}; write the origin exactly, "
                "or a regex such as `https://[a-z0-9-]+\\.example\\.com`",
                item.location,
            )
            continue
        matchers.append(envoy.origin_matcher("regex", raw, item.location, scope))
    reader.required(policy, "allowMethods")
    max_age = _max_age(policy, reader)  # first: a `maxAge` Contour refuses marks the proxy rejected
    network = manifests.known(envoy.flag(policy, ("allowPrivateNetwork",), result))
    return envoy.camel_context(policy, matchers, credentials, name, reader.rejected, max_age, network)


def _max_age(policy: Node, reader: _Reader) -> Setting[int] | None:
    found = policy.value.get("maxAge")
    if found is None:
        return None
    if not isinstance(found.value, str) or MAX_AGE.match(found.value) is None:
        reader.refuse(
            f'{REFUSER}: `maxAge` must be a Go duration string such as "10m" or "0", not {found.plain()!r}',
            found.location,
        )
        return None
    value = manifests.seconds(found.value)
    return Setting(value, found.location) if value is not None else None
