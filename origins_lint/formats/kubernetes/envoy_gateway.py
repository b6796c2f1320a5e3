"""Envoy Gateway `SecurityPolicy.spec.cors` as model contexts.

Semantics from envoyproxy/gateway at d32f28294245e454d20f81d323d626a90e660c1e:

- api/v1alpha1/cors_types.go: an `Origin` is `*`, or `scheme://host[:port]` whose host is `*`,
  or starts with one `*.` label; anything else fails the CRD pattern and the API server refuses
  the SecurityPolicy (OL002: it admits nothing);
- internal/gatewayapi/securitypolicy.go `buildCORS`: an item without `*` becomes an Envoy `exact`
  matcher (bytes); an item with `*` becomes the `safe_regex` `wildcard2regex` builds, the item
  `QuoteMeta`'d with each `*` turned into `.*`, which Envoy runs as an RE2 full match. So the `*`
  of `https://*.example.com` is any text, dots included (`https://a.b.example.com`,
  Test_wildcard2regex "test2"), kept as the written entry with ``ENVOY_GATEWAY`` (`*` is `.*`)
  and the regex in `OriginMatcher.runs`; `*` alone becomes `.*`, which matches the literal `*`,
  so Envoy admits every origin and echoes it, with credentials when `allowCredentials` is true
  (cors_types.go: "wildcard should be treated as a literal value for CORS requests with
  credentials. This needs to be supported in the Envoy CORS filter");
- internal/xds/translator/cors.go: `*` methods or headers are sent as Envoy's `*`; `maxAge` is a
  duration (`1000s`), ignored when Go cannot parse it.
"""

from __future__ import annotations

import re
from typing import Final

from origins_lint.formats.base import FormatOptions
from origins_lint.formats.kubernetes import envoy
from origins_lint.formats.readers import manifests
from origins_lint.formats.readers.tree import Node
from origins_lint.model import (
    ENVOY_RE2,
    EXACT_ENGINE,
    CorsContext,
    Document,
    Engine,
    InputProblem,
    Location,
    MatcherKind,
    MatchMode,
    OriginMatcher,
    ParsedFile,
    ProblemKind,
)
from origins_lint.origins import is_any
from origins_lint.source import Source
from origins_lint.template_origin import decides_exact

NAME = "envoy-gateway"
GROUP = "gateway.envoyproxy.io"
KINDS = ("SecurityPolicy",)
# wildcard2regex: every `*` is `.*` (any text, `.` and `:` included), the rest literal, full match
ENVOY_GATEWAY: Final = Engine("envoy-gateway", MatchMode.FULL, case_sensitive=True, wildcard_label=".*")
# the `Origin` kubebuilder Pattern, with its `(([\w-]+\.?)+)?[\w-]+` written as the same language
# without nested repetition (dot-separated runs of `[\w-]`), so a long refused value cannot backtrack
ORIGIN_PATTERN = re.compile(
    r"^(\*|[A-Za-z][A-Za-z0-9+.-]*://(\*|(\*\.)?[\w-]+(\.[\w-]+)*)(:\d{1,5})?)\Z", re.ASCII
)
MAX_ORIGIN = 253
REFUSER = "the Kubernetes API server refuses this SecurityPolicy (Envoy Gateway's CRD validation)"
ECHO_NOTE = (
    "Envoy Gateway turns `*` into the regex `.*`, which matches the literal `*`: Envoy admits every "
    "origin and echoes it (buildCORS in internal/gatewayapi/securitypolicy.go)"
)


def wants(path: str) -> bool:
    return path.endswith(manifests.READ_AS_YAML)


def detect(path: str, text: str) -> bool:
    return wants(path) and GROUP in text and "cors" in text


def wildcard2regex(entry: str) -> str:
    """The regex Envoy Gateway sends for an entry with `*` (Go `regexp.QuoteMeta`, `\\*` -> `.*`)."""
    quoted = re.sub(r"([\\.+*?()|\[\]{}^$])", r"\\\1", entry)
    return quoted.replace(r"\*", ".*")


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    loaded = manifests.load(source)
    result = ParsedFile(source.path, NAME, problems=list(loaded.problems))
    for root in (obj for document in loaded.documents for obj in manifests.objects(document)):
        owner = manifests.kubernetes_object(root, GROUP, KINDS)
        policy = manifests.at(root, "spec", "cors") if owner is not None else None
        if owner is None or policy is None:
            continue
        if manifests.rendered_later(policy, "cors", result.problems):
            continue  # a template fills it in: what it becomes is not known
        if not isinstance(policy.value, dict):
            message = f"{REFUSER}: `cors` must be a mapping (`allowOrigins:`, `allowCredentials:`...)"
            result.problems.append(InputProblem(ProblemKind.SCHEMA, message, policy.location))
            continue
        document = Document(source.path, NAME, root.location)
        document.contexts.append(_policy(policy, owner, result))
        result.documents.append(document)
    return result


def _policy(policy: Node, name: str, result: ParsedFile) -> CorsContext:
    credentials = envoy.flag(policy, ("allowCredentials",), result)
    scope = f"{NAME}@{policy.location.line}:{policy.location.column}"
    matchers: list[OriginMatcher] = []
    rejected: str | None = None
    origins = policy.value.get("allowOrigins")
    items: list[Node] = []
    if origins is not None and manifests.rendered_later(origins, "allowOrigins", result.problems):
        pass  # unknown until rendered: no origins read, none refused
    elif origins is not None and not isinstance(origins.value, list):
        rejected = f"{REFUSER}: `allowOrigins` must be a list"
        result.problems.append(InputProblem(ProblemKind.SCHEMA, rejected, origins.location))
    elif origins is not None:
        items = origins.value
    for item in items:
        raw = item.value
        if not isinstance(raw, str):
            rejected = f"{REFUSER}: an origin must be a string, not {item.plain()!r}"
            result.problems.append(InputProblem(ProblemKind.SCHEMA, rejected, item.location))
            continue
        if manifests.template_expression(raw) is not None:
            if not decides_exact(raw):
                message = manifests.placeholder_origin(raw, False)
                result.problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, item.location))
            matchers.append(OriginMatcher(MatcherKind.EXACT, raw, item.location, EXACT_ENGINE, scope=scope))
            continue
        if len(raw) > MAX_ORIGIN or ORIGIN_PATTERN.match(raw) is None:
            rejected = (
                f"{REFUSER}: `{raw}` is not an origin it accepts (Origin in api/v1alpha1/cors_types.go): "
                "write `scheme://host[:port]` with no path or trailing `/`, `*.` only as the leftmost "
                "label, or `*` alone"
            )
            result.problems.append(InputProblem(ProblemKind.SCHEMA, rejected, item.location))
            continue
        matchers.append(origin_matcher(raw, item.location, scope))
    return envoy.camel_context(
        policy, matchers, credentials, name, rejected, envoy.max_age(policy, ("maxAge",), result)
    )


def origin_matcher(raw: str, location: Location, scope: str) -> OriginMatcher:
    """What Envoy runs for an accepted item: `exact`, or the `safe_regex` of its wildcards."""
    if is_any(raw):
        return OriginMatcher(MatcherKind.REFLECTED, raw, location, ENVOY_GATEWAY, note=ECHO_NOTE, scope=scope)
    if "*" in raw:
        return OriginMatcher(
            MatcherKind.WILDCARD,
            raw,
            location,
            ENVOY_GATEWAY,
            scope=scope,
            runs=(wildcard2regex(raw), ENVOY_RE2),
        )
    return OriginMatcher(MatcherKind.EXACT, raw, location, EXACT_ENGINE, scope=scope)
