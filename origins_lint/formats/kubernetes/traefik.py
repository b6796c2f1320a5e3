"""Traefik `headers` middlewares (file provider, the `Middleware` CRD, Docker labels) as contexts.

Traefik compares `accessControlAllowOriginList` items as exact strings (`*`
sends `*`), and runs `accessControlAllowOriginListRegex` with Go's regexp,
which searches: an unanchored pattern matches anywhere in the origin. A match
is echoed back, so the response varies with the request's Origin and needs
`addVaryHeader: true`. With credentials on, Traefik echoes the request's
Origin for a `*` item (it cannot send `*` with credentials), so that item is
a reflection; a regex Go's regexp cannot compile makes Traefik refuse the
middleware. Keys are compared without case, as Traefik does.

The file provider reads `.toml` as it reads `.yaml`/`.yml` (traefik/paerser file/file.go
`DecodeContent`: BurntSushi/toml or yaml.v3 into the same configuration; traefik/traefik
pkg/provider/file/file.go `loadFileConfigFromDirectory` loads all three), so a TOML file is
read into the same located tree (readers/toml_tree.py) and the same middlewares.

`customResponseHeaders` are set on every response that is not a preflight
(`PostRequestModifyResponseHeaders` in pkg/middlewares/headers/header.go, traefik/traefik
fd5a576d): an `Access-Control-Allow-Origin` there is sent as written (an empty value deletes
the field), and an origin the list matches replaces it afterwards, so the middleware admits
both; `Access-Control-Allow-Credentials: "true"` there turns credentials on as
`accessControlAllowCredentials: true` does. Traefik fills in nothing in these values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from origins_lint.formats.base import FormatOptions, file_name
from origins_lint.formats.kubernetes import envoy
from origins_lint.formats.readers import dockerfile, manifests
from origins_lint.formats.readers.tree import Node
from origins_lint.model import (
    EXACT_ENGINE,
    TRAEFIK_REGEX,
    CorsContext,
    Document,
    HeaderLine,
    InputProblem,
    Location,
    MatcherKind,
    OriginMatcher,
    ParsedFile,
    ProblemKind,
    Setting,
)
from origins_lint.origins import is_any, is_null
from origins_lint.source import Source
from origins_lint.template_origin import decides_exact

NAME = "traefik"
ORIGIN_LIST = "accesscontrolalloworiginlist"
ORIGIN_REGEX = "accesscontrolalloworiginlistregex"
CUSTOM = "customresponseheaders"
ALLOW_ORIGIN = "access-control-allow-origin"
_LABEL = re.compile(r"^traefik\.http\.middlewares\.([^.=\s]+)\.headers\.(\w+)$", re.IGNORECASE)
# `...headers.customresponseheaders.<Field>`: one custom header a label
_CUSTOM_LABEL = re.compile(
    r"^traefik\.http\.middlewares\.([^.=\s]+)\.headers\.customresponseheaders\.([^=\s]+)$", re.IGNORECASE
)
SPELLED = {  # settings read as flags or durations, as Traefik's docs spell them, for messages
    "accesscontrolallowcredentials": "accessControlAllowCredentials",
    "addvaryheader": "addVaryHeader",
    "accesscontrolmaxage": "accessControlMaxAge",
}
VARY_FIX = "set `addVaryHeader: true` on this middleware"
ECHO_NOTE = (
    "with `accessControlAllowCredentials: true`, Traefik answers `*` with the request's own Origin "
    "(matchOrigin in pkg/middlewares/headers/header.go)"
)


EXTENSIONS = (*manifests.READ_AS_YAML, ".toml")  # the file provider reads TOML too (readers/toml_tree.py)


def wants(path: str) -> bool:
    return path.endswith(EXTENSIONS) or dockerfile.is_dockerfile(file_name(path))


def detect(path: str, text: str) -> bool:
    folded = text.lower()
    return wants(path) and (ORIGIN_LIST in folded or (CUSTOM in folded and ALLOW_ORIGIN in folded))


@dataclass(slots=True)
class _Middleware:
    """One headers middleware: its settings by folded key, each with its key's location."""

    name: str | None
    location: Location
    settings: dict[str, tuple[Location, Node]] = field(default_factory=dict)


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    if dockerfile.is_dockerfile(file_name(source.path)):
        return _image_labels(source)
    loaded = manifests.load(source)
    result = ParsedFile(source.path, NAME, problems=list(loaded.problems))
    for root in loaded.documents:
        document = Document(source.path, NAME, root.location)
        for middleware in _middlewares(root):
            if (
                ORIGIN_LIST in middleware.settings
                or ORIGIN_REGEX in middleware.settings
                or _custom(middleware)
            ):
                document.contexts.append(_Reader(middleware, loaded.text, result).context())
        if document.contexts:
            result.documents.append(document)
    return result


def _image_labels(source: Source) -> ParsedFile:
    """A Dockerfile's `LABEL traefik.http.middlewares...` lines: the image's labels, so its every
    container's, which Traefik's Docker provider reads as it reads a compose file's."""
    labels, text, problems = dockerfile.labels(source.path, source.text)
    result = ParsedFile(source.path, NAME, problems=problems)
    root = Node({"labels": labels}, labels.location, {"labels": labels.location})
    document = Document(source.path, NAME, root.location)
    for middleware in _middlewares(root):
        document.contexts.append(_Reader(middleware, text, result).context())
    if document.contexts:
        result.documents.append(document)
    return result


def _middlewares(root: Node) -> list[_Middleware]:
    found: list[_Middleware] = []
    labelled: dict[str, _Middleware] = {}
    crd_name = _crd_name(root)
    for path, mapping in manifests.mappings(root):
        values: dict[str, Node] = mapping.value
        if any(manifests.folded(key) in (ORIGIN_LIST, ORIGIN_REGEX, CUSTOM) for key in values):
            name = crd_name if path[-1:] == ("headers",) and len(path) == 2 else None
            if name is None and len(path) >= 2 and manifests.folded(path[-1]) == "headers":
                name = path[-2]
            middleware = _Middleware(name, mapping.location)
            for key, value in values.items():
                middleware.settings[manifests.folded(key)] = (mapping.key_locations[key], value)
            found.append(middleware)
        labels = values.get("labels")
        if labels is not None:
            _labels(labels, labelled)
    return found + list(labelled.values())


def _crd_name(root: Node) -> str | None:
    if not isinstance(root.value, dict) or "metadata" not in root.value:
        return None
    metadata = root.value["metadata"].value
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return f"Middleware/{name.value}" if name is not None else None


def _labels(labels: Node, into: dict[str, _Middleware]) -> None:
    """Docker labels, as a list of `key=value` strings or a mapping."""
    pairs: list[tuple[str, Location, Node]] = []
    if isinstance(labels.value, list):
        for item in labels.value:
            if isinstance(item.value, str) and "=" in item.value:
                label, _, value = item.value.partition("=")
                pairs.append((label.strip(), item.location, Node(value.strip(), item.location)))
    elif isinstance(labels.value, dict):
        for key, child in labels.value.items():
            pairs.append((key, labels.key_locations[key], child))
    for label, key_at, node in pairs:
        custom = _CUSTOM_LABEL.match(label)
        if custom is not None:
            middleware = into.setdefault(custom.group(1), _Middleware(custom.group(1), key_at))
            _at, headers = middleware.settings.setdefault(CUSTOM, (key_at, Node({}, key_at, {})))
            headers.value[custom.group(2)] = node
            headers.key_locations[custom.group(2)] = key_at
            continue
        found = _LABEL.match(label)
        if found is None:
            continue
        name = found.group(1)
        middleware = into.setdefault(name, _Middleware(name, key_at))
        middleware.settings[found.group(2).lower()] = (key_at, node)


def _custom_credentials(
    custom: dict[str, tuple[Location, Node]], credentials: Setting[bool | None] | None
) -> Setting[bool | None] | None:
    """`accessControlAllowCredentials: true` wins; else a custom `Access-Control-Allow-Credentials`
    of `true` is sent as written (Traefik only ever sets the field, never clears it)."""
    if credentials is not None and credentials.value is True:
        return credentials
    found = custom.get("access-control-allow-credentials")
    if found is not None and str(found[1].value).strip().lower() == "true":
        return Setting(True, found[1].location)
    return credentials


def _custom(middleware: _Middleware) -> dict[str, tuple[Location, Node]]:
    """The middleware's `customResponseHeaders`, by folded field name."""
    found = middleware.settings.get(CUSTOM)
    if found is None or not isinstance(found[1].value, dict):
        return {}
    node = found[1]
    return {
        key.lower(): (node.key_locations.get(key, value.location), value) for key, value in node.value.items()
    }


class _Reader:
    def __init__(self, middleware: _Middleware, text: manifests.Text, result: ParsedFile) -> None:
        self.middleware = middleware
        self.text = text
        self.result = result

    def note(self, kind: ProblemKind, message: str, location: Location) -> None:
        self.result.problems.append(InputProblem(kind, message, location))

    def items(self, key: str) -> list[tuple[str, Location]]:
        """A list setting's items: a YAML list, or a comma-separated string (labels)."""
        if key not in self.middleware.settings:
            return []
        _at, node = self.middleware.settings[key]
        if isinstance(node.value, list):
            return [
                (str(item.value), item.location) for item in node.value if isinstance(item.value, str | int)
            ]
        if isinstance(node.value, str):
            items = manifests.words(node.value)
            return list(zip(items, self.text.items(node, items), strict=True))
        self.note(ProblemKind.SCHEMA, "expected a list of strings", node.location)
        return []

    def flag(self, key: str) -> Setting[bool | None] | None:
        if key not in self.middleware.settings:
            return None
        _at, node = self.middleware.settings[key]
        return manifests.read_flag(SPELLED[key], node, self.result.problems)

    def context(self) -> CorsContext:
        scope = f"traefik:{self.middleware.name}@{self.middleware.location.line}"
        matchers: list[OriginMatcher] = []
        credentials = self.flag("accesscontrolallowcredentials")
        for raw, location in self.items(ORIGIN_LIST):
            if manifests.template_expression(raw) is not None:
                # Go `==`: kept as the exact entry it is; the rules report what its fixed text
                # decides (OL101, OL201), the rest is said not analysed
                if not decides_exact(raw):
                    self.note(ProblemKind.NOT_ANALYSED, manifests.placeholder_origin(raw, False), location)
                matchers.append(OriginMatcher(MatcherKind.EXACT, raw, location, EXACT_ENGINE, scope=scope))
                continue
            kind = MatcherKind.ANY if is_any(raw) else MatcherKind.NULL if is_null(raw) else MatcherKind.EXACT
            if kind is MatcherKind.ANY and credentials is not None and credentials.value is True:
                matchers.append(
                    OriginMatcher(
                        MatcherKind.REFLECTED, raw, location, EXACT_ENGINE, note=ECHO_NOTE, scope=scope
                    )
                )
                continue
            matchers.append(OriginMatcher(kind, raw, location, EXACT_ENGINE, scope=scope))
        rejected: str | None = None
        for raw, location in self.items(ORIGIN_REGEX):
            if manifests.template_expression(raw) is not None:
                self.note(ProblemKind.NOT_ANALYSED, manifests.placeholder_origin(raw, False), location)
                continue
            problem = envoy.refused_regex(raw, location, NAME)
            if problem is not None:
                self.result.problems.append(problem)
                rejected = problem.message
                continue
            matchers.append(OriginMatcher(MatcherKind.REGEX, raw, location, TRAEFIK_REGEX, scope=scope))
        headers = self.origin_header(matchers)  # the lists' echo; a custom value is fixed text
        custom = _custom(self.middleware)
        credentials = _custom_credentials(custom, credentials)
        if ALLOW_ORIGIN in custom:
            matchers.extend(self.custom_origin(custom[ALLOW_ORIGIN], scope))
        vary = self.flag("addvaryheader")
        return CorsContext(
            matchers=matchers,
            location=self.middleware.location,
            credentials=credentials if credentials is not None else Setting(False),
            allow_methods=self.listed("accesscontrolallowmethods"),
            allow_headers=self.listed("accesscontrolallowheaders"),
            expose_headers=self.listed("accesscontrolexposeheaders"),
            max_age=self.max_age(),
            vary_origin=manifests.known(vary),
            headers=headers,
            name=self.middleware.name,
            rejected=rejected,
        )

    def custom_origin(self, field: tuple[Location, Node], scope: str) -> list[OriginMatcher]:
        """A custom `Access-Control-Allow-Origin`: sent as written where the list matches nothing."""
        _at, node = field
        raw = node.value if isinstance(node.value, str) else None
        if not raw:
            return []  # an empty value deletes the field
        if manifests.template_expression(raw) is not None and not decides_exact(raw):
            self.note(ProblemKind.NOT_ANALYSED, manifests.placeholder_origin(raw, False), node.location)
        kind = MatcherKind.ANY if is_any(raw) else MatcherKind.NULL if is_null(raw) else MatcherKind.EXACT
        return [OriginMatcher(kind, raw, node.location, EXACT_ENGINE, scope=scope)]

    def listed(self, key: str) -> Setting[tuple[str, ...]] | None:
        if key not in self.middleware.settings:
            return None
        return Setting(tuple(item for item, _ in self.items(key)), self.middleware.settings[key][1].location)

    def max_age(self) -> Setting[int] | None:
        key = "accesscontrolmaxage"
        if key not in self.middleware.settings:
            return None
        _at, node = self.middleware.settings[key]
        return manifests.read_seconds(SPELLED[key], node, self.result.problems)

    def origin_header(self, matchers: list[OriginMatcher]) -> tuple[HeaderLine, ...]:
        """The `Access-Control-Allow-Origin` Traefik sends: per request unless it is always `*`."""
        if not matchers or all(m.kind is MatcherKind.ANY for m in matchers):
            return ()
        dynamic = len(matchers) > 1 or any(m.kind is MatcherKind.REGEX for m in matchers)
        key = ORIGIN_LIST if ORIGIN_LIST in self.middleware.settings else ORIGIN_REGEX
        at, node = self.middleware.settings[key]
        return (
            HeaderLine(
                "Access-Control-Allow-Origin",
                "<the origin that matched>",
                at,
                node.location,
                dynamic=dynamic,
                vary_fix=VARY_FIX,
            ),
        )
