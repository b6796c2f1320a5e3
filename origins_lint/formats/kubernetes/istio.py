"""Istio `VirtualService` CORS policies (`spec.http[].corsPolicy`) as model contexts.

Istio compiles `allowOrigins` to Envoy string matchers, so an `exact`,
`prefix` or `regex` item means what it means to Envoy (RE2 full match; a
matcher that matches the literal `*` admits and echoes every origin). The
deprecated `allowOrigin` list holds exact strings, and Istio reads it only when
`allowOrigins` is not set (`TranslateCORSPolicy`): otherwise its entries are
kept, inactive, so that `match` can say they are ignored. `spec.hosts` and route
`match` are about where requests go, not who may read them: not origins; a route's
`match[].uri` gives the request paths its policy answers (`CorsContext.paths`). A route's own
`headers.response` (`set`, `add`, `remove`) with `Access-Control-*` headers is read as Envoy runs
it (``envoy_headers.istio_contexts``): `%REQ(origin)%` there is Envoy's echo.

A `regex` becomes an Envoy `safe_regex` with no limit of its own, and Envoy refuses one whose
RE2 program is over `re2.max_program_size.error_level`, which Istio's proxies set to 32768
(`extractRuntimeFlags` in istio/istio pkg/bootstrap/config.go). Istio's validation refuses a
regex over 1,024 characters first, but counted repeats pass both (`[a-z0-9]{1000}` is about 1,000
instructions in 14 characters). Contour (1048576) and Envoy Gateway (4294967295) raise the limit
out of reach.
"""

from __future__ import annotations

from dataclasses import replace

from origins_lint.formats import nginx
from origins_lint.formats.base import FormatOptions
from origins_lint.formats.kubernetes import envoy
from origins_lint.formats.readers import manifests
from origins_lint.formats.readers.tree import Node
from origins_lint.model import (
    CorsContext,
    Document,
    InputProblem,
    OriginMatcher,
    ParsedFile,
    ProblemKind,
    Status,
)
from origins_lint.source import Source
from origins_lint.template_origin import decides_exact

NAME = "istio"
_MARK = "corsPolicy"
IGNORED_NOTE = (
    "Istio ignores the deprecated `allowOrigin` when `allowOrigins` is set "
    "(TranslateCORSPolicy in pilot/pkg/networking/core/route/route.go)"
)


def wants(path: str) -> bool:
    return path.endswith(manifests.READ_AS_YAML)


# Contour's `HTTPProxy` has a `corsPolicy` too (`spec.virtualhost.corsPolicy`, read by `contour`)
_NOT_ISTIO = "projectcontour.io/"


def detect(path: str, text: str) -> bool:
    marked = _MARK in text or _sends_cors_headers(text)
    return wants(path) and marked and (_NOT_ISTIO not in text or "istio.io/" in text)


def _sends_cors_headers(text: str) -> bool:
    """A VirtualService whose routes set `Access-Control-*` response headers themselves."""
    return "VirtualService" in text and "response" in text and "access-control-" in text.lower()


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    loaded = manifests.load(source)
    result = ParsedFile(source.path, NAME, problems=list(loaded.problems))
    for root in loaded.documents:
        if _contour(root):
            continue
        document = Document(source.path, NAME, root.location)
        document.contexts.extend(contexts_of(root, result))
        if _sends_cors_headers(source.text):
            from origins_lint.formats.kubernetes import envoy_headers

            document.contexts.extend(envoy_headers.istio_contexts(root, _owner(root), result.problems))
        if document.contexts:
            result.documents.append(document)
    return result


def contexts_of(root: Node, result: ParsedFile) -> list[CorsContext]:
    """The `corsPolicy` contexts of one VirtualService read into a ``Node`` tree (a YAML manifest,
    or a Terraform `kubernetes_manifest`), its problems added to ``result``."""
    out: list[CorsContext] = []
    owner = _owner(root)
    for _path, mapping in manifests.mappings(root):
        policy = mapping.value.get(_MARK)
        if policy is None:
            continue
        if manifests.rendered_later(policy, "corsPolicy", result.problems):
            continue  # `{{ toYaml .Values.corsPolicy | nindent 6 }}`: what it becomes is not known
        if not isinstance(policy.value, dict):
            message = "`corsPolicy` must be a mapping (`allowOrigins:`, `allowCredentials:`...)"
            result.problems.append(InputProblem(ProblemKind.SCHEMA, message, policy.location))
            continue
        route = mapping.value.get("name")
        name = " ".join(str(part) for part in (owner, route.value if route is not None else None) if part)
        context = _policy(policy, name or None, result)
        out.append(replace(context, paths=route_paths(mapping)))
    return out


def route_paths(route: Node) -> tuple[str, ...]:
    """The request paths an HTTP route answers, from its `match[].uri`: an `exact` or `prefix`
    path, or a `regex`'s literal start (RE2, matched whole: `/files/.*` is `/files/`, as the nginx
    format reads a regex `location`). () when a match (or the route, with no `match`) takes any
    path, or when no path can be read from it."""
    matches = route.value.get("match")
    if matches is None or not isinstance(matches.value, list) or not matches.value:
        return ()
    out: dict[str, None] = {}
    for match in matches.value:
        uri = match.value.get("uri") if isinstance(match.value, dict) else None
        if uri is None or not isinstance(uri.value, dict):
            return ()  # this match takes every path
        for kind in ("exact", "prefix", "regex"):
            written = uri.value.get(kind)
            text = written.value if written is not None and isinstance(written.value, str) else None
            if text is None:
                continue
            known = nginx.location_path(["~", "^" + text.removeprefix("^")]) if kind == "regex" else text
            if known is not None and known.startswith("/"):
                out.setdefault(known, None)
    return tuple(out)


def _contour(root: Node) -> bool:
    api = root.value.get("apiVersion") if isinstance(root.value, dict) else None
    return api is not None and isinstance(api.value, str) and api.value.startswith(_NOT_ISTIO)


def _owner(root: Node) -> str | None:
    if not isinstance(root.value, dict):
        return None
    metadata = root.value.get("metadata")
    name = metadata.value.get("name") if metadata is not None and isinstance(metadata.value, dict) else None
    return f"VirtualService/{name.value}" if name is not None else None


def _listed(items: Node | None) -> bool:
    """`allowOrigins` as Istio sees it: set when it holds an item (an empty list decodes to nil in Go)."""
    return items is not None and isinstance(items.value, list) and bool(items.value)


def _policy(policy: Node, name: str | None, result: ParsedFile) -> CorsContext:
    values: dict[str, Node] = policy.value
    matchers: list[OriginMatcher] = []
    rejected: str | None = None
    credentials = envoy.flag(policy, ("allowCredentials",), result)
    for key, kinds in (("allowOrigins", ("exact", "prefix", "regex")), ("allowOrigin", ())):
        items = values.get(key)
        if items is None:
            continue
        scope = f"istio@{items.location.line}"
        if manifests.rendered_later(items, key, result.problems):
            continue
        if not isinstance(items.value, list):
            message = f"`{key}` must be a list"
            result.problems.append(InputProblem(ProblemKind.SCHEMA, message, items.location))
            continue
        for item in items.value:
            if not kinds:  # the deprecated list of exact strings
                ignored = _listed(values.get("allowOrigins"))
                templated = isinstance(item.value, str) and manifests.template_expression(item.value)
                if templated and not ignored and not decides_exact(item.value):
                    message = manifests.placeholder_origin(item.value, False)
                    result.problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, item.location))
                if isinstance(item.value, str):
                    matcher = envoy.origin_matcher("exact", item.value, item.location, scope)
                    if ignored:
                        matcher.status = Status.INACTIVE
                        matcher.note = IGNORED_NOTE
                    matchers.append(matcher)
                continue
            matched = envoy.string_matcher(item, scope, kinds, NAME, envoy.ISTIO_LIMIT)
            if matched.problem is not None:
                result.problems.append(matched.problem)
                rejected = matched.problem.message if matched.refused else rejected
            if matched.matcher is not None:
                matchers.append(matched.matcher)
    return envoy.camel_context(
        policy, matchers, credentials, name, rejected, envoy.max_age(policy, ("maxAge",), result)
    )
