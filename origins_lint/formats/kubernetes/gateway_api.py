"""Gateway API `HTTPRoute` CORS filters (`spec.rules[].filters[]` and `backendRefs[].filters[]`
with `type: CORS`) as model contexts.

Semantics from kubernetes-sigs/gateway-api apis/v1/httproute_types.go (`HTTPCORSFilter`) and
apis/v1/shared_types.go (`CORSOrigin`), at 4564255ac2c35d582249b3cdf261bdf51c8bca32:

- an `allowOrigins` item is `*`, or `http(s)://host[:port]` whose host may start with `*.`, or
  be `*` alone; the `*` is "a greedy match to the left, including any number of DNS labels", so
  `https://*.example.com` admits `https://a.b.example.com` (conformance HTTPRouteCORS "wildcard
  matching any number of periods left to '*'"): one `*`, the leftmost. The specification says
  nothing of ports under a wildcard; Envoy Gateway, which runs the conformance suite, sends the
  item as the RE2 full match of the item with `*` as `.*` (`processCORSFilter` in
  internal/gatewayapi/filters.go), so `https://*` also admits `https://a.example.net:8443`: read
  the widest way (``GATEWAY_API``), a linter's silence must hold on every implementation;
- a matched Origin is echoed; `*` with `allowCredentials: true` must be answered with the
  request's own Origin, so it admits every origin with credentials; without, `*` is sent;
- `*` methods and headers are echoed with credentials (so OL404 does not apply);
- what the CRD's OpenAPI pattern and CEL rules refuse (an origin with a path, `*` among other
  origins, more than 64 origins, an item listed twice in a `listType=set`, a repeated CORS
  filter, `maxAge` below 1, `type: CORS` without `cors`) makes the API server refuse the
  HTTPRoute: OL002, and the route admits nothing.

A rule's `matches[].path` gives the request paths its filters answer (`CorsContext.paths`).
`Access-Control-*` headers written by a `ResponseHeaderModifier` filter are read by
``envoy_headers.gateway_contexts``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Final

from origins_lint.formats import nginx
from origins_lint.formats.base import FormatOptions
from origins_lint.formats.kubernetes import envoy
from origins_lint.formats.readers import manifests
from origins_lint.formats.readers.tree import Node
from origins_lint.model import (
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
    Setting,
)
from origins_lint.origins import is_any
from origins_lint.source import Source
from origins_lint.template_origin import decides_exact

NAME = "gateway-api"
GROUP = "gateway.networking.k8s.io"
KINDS = ("HTTPRoute",)
# `*` is any text, dots (several labels) and a port included, as Envoy Gateway runs it; exact
# items compare bytes
GATEWAY_API: Final = Engine(
    "gateway-api", MatchMode.FULL, case_sensitive=True, wildcard_label=".*", wildcards=1
)
# CORSOrigin's kubebuilder Pattern (ECMA `$` is the end of the text: `\Z` here), MaxLength 253
ORIGIN_PATTERN = re.compile(
    r"(^\*\Z)|(^(http(s)?):\/\/(((\*\.)?([a-zA-Z0-9\-]+\.)*[a-zA-Z0-9-]+|\*)(:([0-9]{1,5}))?)\Z)"
)
MAX_ORIGIN = 253
MAX_ITEMS = {"allowOrigins": 64, "allowMethods": 9, "allowHeaders": 64, "exposeHeaders": 64}
REFUSER = "the Kubernetes API server refuses this HTTPRoute (Gateway API CRD validation)"
ECHO_NOTE = (
    "with `allowCredentials: true` the Gateway API requires `*` to be answered with the request's "
    "own Origin (HTTPCORSFilter.AllowOrigins in apis/v1/httproute_types.go)"
)


def wants(path: str) -> bool:
    return path.endswith(manifests.READ_AS_YAML)


def detect(path: str, text: str) -> bool:
    return wants(path) and GROUP in text and ("CORS" in text or _sets_cors_headers(text))


def _sets_cors_headers(text: str) -> bool:
    """A `ResponseHeaderModifier` filter that writes `Access-Control-*` headers (envoy_headers)."""
    return "ResponseHeaderModifier" in text and "access-control-" in text.lower()


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    loaded = manifests.load(source)
    result = ParsedFile(source.path, NAME, problems=list(loaded.problems))
    for root in (obj for document in loaded.documents for obj in manifests.objects(document)):
        document = Document(source.path, NAME, root.location)
        document.contexts.extend(contexts_of(root, result))
        if _sets_cors_headers(source.text):
            document.contexts.extend(_header_contexts(root, result))
        if document.contexts:
            result.documents.append(document)
    return result


def contexts_of(root: Node, result: ParsedFile) -> list[CorsContext]:
    """The CORS filters of one HTTPRoute read into a ``Node`` tree (a YAML manifest, or a
    Terraform `kubernetes_manifest`), its problems added to ``result``."""
    owner = manifests.kubernetes_object(root, GROUP, KINDS)
    rules = manifests.at(root, "spec", "rules") if owner is not None else None
    if owner is None or rules is None or not isinstance(rules.value, list):
        return []
    contexts: list[CorsContext] = []
    refusals: list[str] = []
    for index, rule in enumerate(rules.value):
        if not isinstance(rule.value, dict):
            continue
        named = rule.value.get("name")
        name = f"{owner} rule {named.value if named is not None else index + 1}"
        paths = rule_paths(rule)
        lists = [rule.value.get("filters")]
        refs = rule.value.get("backendRefs")
        for ref in refs.value if refs is not None and isinstance(refs.value, list) else []:
            lists.append(ref.value.get("filters") if isinstance(ref.value, dict) else None)
        for filters in lists:
            for context in _filters(filters, name, result, refusals):
                contexts.append(replace(context, paths=paths))
    if refusals:  # the API server stores none of it: every filter of the route admits nothing
        for context in contexts:
            context.rejected = refusals[0]
    return contexts


def _header_contexts(root: Node, result: ParsedFile) -> list[CorsContext]:
    owner = manifests.kubernetes_object(root, GROUP, KINDS)
    rules = manifests.at(root, "spec", "rules") if owner is not None else None
    if owner is None or rules is None:
        return []
    from origins_lint.formats.kubernetes import envoy_headers

    return envoy_headers.gateway_contexts(rules, owner, result.problems)


def rule_paths(rule: Node) -> tuple[str, ...]:
    """The request paths a rule answers, from `matches[].path` (`PathPrefix` by default, `Exact`,
    or a `RegularExpression`'s literal start); () when a match takes any path."""
    matches = rule.value.get("matches")
    if matches is None or not isinstance(matches.value, list) or not matches.value:
        return ()
    out: dict[str, None] = {}
    for match in matches.value:
        path = match.value.get("path") if isinstance(match.value, dict) else None
        if path is None or not isinstance(path.value, dict):
            return ()  # no path match: the default `PathPrefix /`, every path
        kind, value = path.value.get("type"), path.value.get("value")
        text = value.value if value is not None and isinstance(value.value, str) else "/"
        if kind is not None and kind.value == "RegularExpression":
            known = nginx.location_path(["~", "^" + text.removeprefix("^")])
        else:
            known = text
        if known is not None and known.startswith("/"):
            out.setdefault(known, None)
    return tuple(out)


def _refuse(result: ParsedFile, refusals: list[str], why: str, location: Location) -> None:
    message = f"{REFUSER}: {why}"
    result.problems.append(InputProblem(ProblemKind.SCHEMA, message, location))
    refusals.append(message)


def _filters(filters: Node | None, name: str, result: ParsedFile, refusals: list[str]) -> list[CorsContext]:
    if filters is None or not isinstance(filters.value, list):
        return []
    out: list[CorsContext] = []
    for item in filters.value:
        if not isinstance(item.value, dict):
            continue
        kind, cors = item.value.get("type"), item.value.get("cors")
        is_cors = kind is not None and kind.value == "CORS"
        if cors is not None and not is_cors:
            _refuse(result, refusals, "filter.cors must be nil if the filter.type is not CORS", cors.location)
            continue
        if not is_cors:
            continue
        if cors is None or not isinstance(cors.value, dict):
            at = (cors or item).location
            _refuse(result, refusals, "filter.cors must be specified for CORS filter.type", at)
            continue
        if out:
            _refuse(result, refusals, "CORS filter cannot be repeated (one per filter list)", item.location)
        out.append(_policy(cors, name, result, refusals))
    return out


def _items(policy: Node, key: str, result: ParsedFile, refusals: list[str]) -> list[Node]:
    """A list field's items; a value that is not a list, or too long, is refused."""
    found = policy.value.get(key)
    if found is None or manifests.rendered_later(found, key, result.problems):
        return []
    if not isinstance(found.value, list):
        _refuse(result, refusals, f"`{key}` must be a list", found.location)
        return []
    if len(found.value) > MAX_ITEMS[key]:
        _refuse(result, refusals, f"`{key}` holds more than {MAX_ITEMS[key]} items", found.location)
    texts = [item.value for item in found.value]
    seen: set[object] = set()
    for item in found.value:  # `+listType=set`: the API server refuses a repeated item
        if isinstance(item.value, str | int) and item.value in seen:
            _refuse(result, refusals, f"`{key}` lists `{item.value}` twice (a set)", item.location)
        seen.add(item.value if isinstance(item.value, str | int) else id(item))
    star = next((item for item in found.value if item.value == "*"), None)
    if star is not None and len(texts) > 1:
        what = key.removeprefix("allow").lower()
        _refuse(result, refusals, f"`{key}` cannot contain '*' alongside other {what}", star.location)
    return list(found.value)


def _policy(policy: Node, name: str, result: ParsedFile, refusals: list[str]) -> CorsContext:
    credentials = envoy.flag(policy, ("allowCredentials",), result)
    credentialed = credentials is not None and credentials.value is not False
    scope = f"{NAME}@{policy.location.line}:{policy.location.column}"
    matchers: list[OriginMatcher] = []
    for item in _items(policy, "allowOrigins", result, refusals):
        if not isinstance(item.value, str):
            _refuse(result, refusals, f"an origin must be a string, not {item.plain()!r}", item.location)
            continue
        raw = item.value
        if manifests.template_expression(raw) is not None:
            if not decides_exact(raw):
                message = manifests.placeholder_origin(raw, False)
                result.problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, item.location))
            matchers.append(OriginMatcher(MatcherKind.EXACT, raw, item.location, GATEWAY_API, scope=scope))
            continue
        if len(raw) > MAX_ORIGIN or ORIGIN_PATTERN.search(raw) is None:
            why = (
                f"`{raw}` is not a CORS origin it accepts (CORSOrigin in apis/v1/shared_types.go): write "
                "`http(s)://host[:port]` with no path or trailing `/`, `*.` only as the leftmost label, "
                "or `*` alone"
            )
            _refuse(result, refusals, why, item.location)
            continue
        matchers.append(origin_matcher(raw, item.location, scope, credentialed))
    return CorsContext(
        matchers=matchers,
        location=policy.location,
        credentials=credentials if credentials is not None else Setting(False),
        allow_methods=_listed(policy, "allowMethods", credentialed, result, refusals),
        allow_headers=_listed(policy, "allowHeaders", credentialed, result, refusals),
        expose_headers=_listed(policy, "exposeHeaders", False, result, refusals),
        max_age=_max_age(policy, result, refusals),
        name=name,
    )


def origin_matcher(raw: str, location: Location, scope: str, credentialed: bool) -> OriginMatcher:
    """An accepted `allowOrigins` item: `*` (echoed with credentials), a wildcard, or exact."""
    if is_any(raw):
        if credentialed:
            return OriginMatcher(
                MatcherKind.REFLECTED, raw, location, GATEWAY_API, note=ECHO_NOTE, scope=scope
            )
        return OriginMatcher(MatcherKind.ANY, raw, location, GATEWAY_API, scope=scope)
    kind = MatcherKind.WILDCARD if "*" in raw else MatcherKind.EXACT
    return OriginMatcher(kind, raw, location, GATEWAY_API, scope=scope)


def _listed(
    policy: Node, key: str, echoed: bool, result: ParsedFile, refusals: list[str]
) -> Setting[tuple[str, ...]] | None:
    """A method or header list; `*` with credentials is answered with what the request asked for."""
    items = _items(policy, key, result, refusals)
    if key not in policy.value:
        return None
    words = tuple(str(item.value) for item in items if item.value is not None)
    if echoed and "*" in words:
        return None
    return Setting(words, policy.value[key].location)


def _max_age(policy: Node, result: ParsedFile, refusals: list[str]) -> Setting[int] | None:
    """`maxAge` is whole seconds, at least 1 (kubebuilder Minimum=1); unset, the gateway sends 5."""
    found = policy.value.get("maxAge")
    if found is None:
        return None
    value = found.value
    if isinstance(value, bool) or not isinstance(value, int):
        _refuse(
            result,
            refusals,
            f"`maxAge` must be a whole number of seconds, not {found.plain()!r}",
            found.location,
        )
        return None
    if value < 1:
        _refuse(result, refusals, f"`maxAge` must be at least 1, not {value}", found.location)
        return None
    return Setting(value, found.location)
