"""ingress-nginx CORS annotations, wherever they are written, as model contexts.

Annotations are found by their prefix in any mapping (Ingress manifests,
multi-document files, Helm `values.yaml`, Kustomize `commonAnnotations` and
patches) and in Kustomize JSON patches (`path: /metadata/annotations/...`).
ingress-nginx's defaults count as if written: `enable-cors: "true"` alone means
origin `*`, credentials `true` and a max age of 1728000, located at the
`enable-cors` line and marked as defaults. Values are read as the controller
reads them (`ingress_controller`): a `cors-allow-origin` it rejects is the `*` it
sends, flags are Go bools, and each kept item carries the regex the template
builds. `configuration-snippet` and `server-snippet` hold nginx, which the nginx
format reads in place, so its positions are positions in this file; so do keys
ending in `snippet`/`Snippet` in a Helm values file, when they hold nginx.

The controller's own ConfigMap applies to every Ingress (kubernetes/ingress-nginx
rootfs/etc/nginx/template/nginx.tmpl at dbb11b92: `$cfg.HTTPSnippet` in `http`,
`$cfg.ServerSnippet` in every server, `$all.Cfg.LocationSnippet` in every location after
the Ingress's own snippet; internal/ingress/controller/config/config.go): its
`main-snippet`, `http-snippet`, `server-snippet` and `location-snippet` are read as nginx
too, not gated by `allow-snippet-annotations`. Its `add-headers` names a ConfigMap whose
items the template writes as `more_set_headers "NAME: VALUE";` in `http`, the value
unescaped, so `$http_origin` there is the variable (the per-Ingress `custom-headers` go
through `escapeLiteralDollar` instead: text); the chart writes Helm's
`controller.addHeaders` into that ConfigMap (charts/ingress-nginx/templates/
controller-configmap-addheaders.yaml). Both are read, each header at its value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Final

from origins_lint.formats import nginx
from origins_lint.formats.base import FormatOptions
from origins_lint.formats.kubernetes import ingress_controller as controller
from origins_lint.formats.readers import manifests
from origins_lint.formats.readers.tree import Node
from origins_lint.model import (
    EXACT_ENGINE,
    INGRESS_NGINX,
    CorsContext,
    Document,
    InputProblem,
    Location,
    MatcherKind,
    OriginMatcher,
    ParsedFile,
    ProblemKind,
    Setting,
)
from origins_lint.origins import matcher_kind
from origins_lint.source import Source
from origins_lint.template_origin import decided

NAME = "ingress-nginx"
PREFIX: Final = "nginx.ingress.kubernetes.io/"
_MARK: Final = PREFIX[:-1]
_PATCH_PATH: Final = "/metadata/annotations/"
SNIPPETS: Final = ("configuration-snippet", "server-snippet")
CONTROLLER_SNIPPETS: Final = ("main-snippet", "http-snippet", "server-snippet", "location-snippet")
_CONTROLLER_KEY: Final = re.compile(
    r"""^[ \t]*["']?(?:(?:main|http|server|location)-snippet|add-headers)["']?[ \t]*:""", re.MULTILINE
)
_VALUES: Final = re.compile(r"(^|[-_.])values([-_.][\w.-]+)?\.ya?ml$")
_SNIPPET_KEY: Final = re.compile(r"[sS]nippet[\"']?[ \t]*:")
_NGINX_TEXT: Final = re.compile(r"^[ \t]*[A-Za-z_][\w-]*[ \t][^;{}\n]*[;{]", re.MULTILINE)  # a directive
DEFAULT_METHODS: Final = ("GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS")
DEFAULT_HEADERS: Final = (
    "DNT",
    "Keep-Alive",
    "User-Agent",
    "X-Requested-With",
    "If-Modified-Since",
    "Cache-Control",
    "Content-Type",
    "Range",
    "Authorization",
)
DEFAULT_MAX_AGE: Final = 1_728_000
SKIPPED: Final = "ingress-nginx drops this item from `cors-allow-origin` and logs it"
NULL_NOTE: Final = (
    "ingress-nginx matches each item as the end of the Origin (`(null)$`, searched without `^`), so "
    "an origin whose host ends in `null`, such as `https://evil.null`, gets in too"
)


def wants(path: str) -> bool:
    return path.endswith(manifests.READ_AS_YAML)


def detect(path: str, text: str) -> bool:
    if not wants(path):
        return False
    # the mark is also spelled `nginx.ingress.kubernetes.io~1` in JSON patches
    if _MARK in text:
        return True
    if is_values(path) and (_SNIPPET_KEY.search(text) is not None or "addHeaders" in text):
        return True
    if ("HelmRelease" in text or "controller:" in text) and _SNIPPET_KEY.search(text) is not None:
        return True  # chart values in a Flux `HelmRelease`, or a values file named otherwise
    return "ConfigMap" in text and _CONTROLLER_KEY.search(text) is not None  # the controller's own


@dataclass(slots=True)
class _Annotation:
    key_at: Location
    value: Node


@dataclass(slots=True)
class _Set:
    """The ingress-nginx annotations of one object (or one JSON patch), by short name."""

    location: Location
    owner: str | None
    items: dict[str, _Annotation] = field(default_factory=dict)
    snippets: tuple[str, ...] = SNIPPETS  # the items that hold nginx
    prefix: str = PREFIX  # how messages name an item: annotations by their full key
    # a template line that may add annotations here (`{{- toYaml . | nindent 4 }}`): where, its tag
    opened: tuple[Location, str] | None = None
    # the controller's `http-snippet`, `server-snippet`, `location-snippet`: read as one config
    together: bool = False


def is_values(path: str) -> bool:
    """A Helm values file: `values.yaml`, `values-prod.yaml`, `prod.values.yml`..."""
    return _VALUES.search(PurePath(path).name) is not None


def _values_snippets(
    path: tuple[str, ...], mapping: Node, owner: str | None, keys: tuple[str, ...] | None = None
) -> list[_Set]:
    """Helm values keys ending in `snippet`/`Snippet` whose string holds nginx: the chart renders
    them into an ingress-nginx snippet (`configurationSnippet`, `controller.config.server-snippet`);
    or, with ``keys``, those keys of the controller's ConfigMap `data`."""
    found = []
    for key, value in mapping.value.items():
        if key.startswith(PREFIX) or not key.endswith(("snippet", "Snippet")):
            continue
        if keys is not None and key not in keys:
            continue
        if isinstance(value.value, str) and _NGINX_TEXT.search(value.value):
            name = ".".join((*path, key))
            found.append(
                _Set(
                    mapping.location,
                    owner,
                    {name: _Annotation(mapping.key_locations[key], value)},
                    snippets=(name,),
                    prefix="",
                )
            )
    return found


_PLACED: Final = ("http-snippet", "server-snippet", "location-snippet")  # nginx.tmpl's places, outermost 1st


def _place(name: str) -> str:
    """The controller key a snippet is under (`controller.config.http-snippet`: `http-snippet`)."""
    return name.rsplit(".", 1)[-1]


def _together(sets: list[_Set]) -> list[_Set]:
    """The controller's `http-`, `server-` and `location-snippet` as one set read together (a `map`
    the first defines is the variable the others send); `main-snippet` (nginx's main context) alone."""
    placed = [found for found in sets if _place(found.snippets[0]) in _PLACED]
    if len(placed) < 2:
        return sets
    merged = _Set(placed[0].location, placed[0].owner, prefix="", together=True)
    for found in sorted(placed, key=lambda one: _PLACED.index(_place(one.snippets[0]))):
        merged.items.update(found.items)
    merged.snippets = tuple(merged.items)
    return [found for found in sets if found not in placed] + [merged]


def _chart_values(root: Node, named: bool) -> tuple[Node, bool]:
    """The document to read, and whether it holds the chart's values: a values file (by its name, or
    by its `controller.config` mapping, as `helm install -f ingress-nginx.yaml` takes any name), or a
    Flux `HelmRelease`, whose `spec.values` helm-controller hands the chart as its values."""
    if manifests.kind_of(root) == "HelmRelease":
        values = manifests.at(root, "spec", "values")
        return (values, True) if values is not None and isinstance(values.value, dict) else (root, False)
    config = manifests.at(root, "controller", "config")
    return root, named or (config is not None and isinstance(config.value, dict))


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    loaded = manifests.load(source)
    result = ParsedFile(source.path, NAME, problems=list(loaded.problems))
    helm_values = is_values(source.path)
    added = _header_configmaps(loaded.documents, result)
    for document_root in loaded.documents:
        root, values = _chart_values(document_root, helm_values)
        document = Document(source.path, NAME, document_root.location, paths=request_paths(root))
        document.contexts.extend(contexts_of(root, loaded.text, options, result, helm_values=values))
        for headers in _added_headers(root, added, values):
            document.contexts.extend(_header_contexts(headers, loaded.text, options, result))
        if document.contexts:
            result.documents.append(document)
    return result


@dataclass(slots=True)
class _Headers:
    """Headers the controller adds in `http` (`add-headers`): each name, where it is, its value."""

    owner: str
    items: list[tuple[str, Location, Node]]


def _configmap(root: Node) -> tuple[str, str | None, Node] | None:
    """(name, namespace, data) of a ConfigMap document."""
    if not isinstance(root.value, dict) or _text(root.value.get("kind")) != "ConfigMap":
        return None
    metadata = root.value.get("metadata")
    fields = metadata.value if metadata is not None and isinstance(metadata.value, dict) else {}
    data = root.value.get("data")
    name = _text(fields.get("name"))
    if name is None or data is None or not isinstance(data.value, dict):
        return None
    return name, _text(fields.get("namespace")), data


def _header_configmaps(roots: list[Node], result: ParsedFile) -> set[str]:
    """The ConfigMaps (`name` and `namespace/name`) a controller ConfigMap of this file names in
    `add-headers`; one that is not in this file is said (OL004): the headers it adds to every
    response are not read."""
    named: dict[str, Node] = {}
    present: set[str] = set()
    for root in roots:
        found = _configmap(root)
        if found is None:
            continue
        name, namespace, data = found
        present.update((name, f"{namespace}/{name}"))
        reference = data.value.get("add-headers")
        if reference is not None and isinstance(reference.value, str) and reference.value.strip():
            named[reference.value.strip()] = reference
    for reference, node in named.items():
        if reference not in present:
            message = (
                f"`add-headers` names the ConfigMap `{reference}`, whose items the controller adds to "
                "every response (`more_set_headers` in `http`): it is not in this file, so those "
                "headers were not checked; check it with this file (the same file, or a multi-document one)"
            )
            result.problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, node.location))
    return set(named)


def _added_headers(root: Node, added: set[str], helm_values: bool) -> list[_Headers]:
    """The `add-headers` ConfigMap of this document (when the controller's ConfigMap names it), or
    Helm's `controller.addHeaders`."""
    out: list[_Headers] = []
    found = _configmap(root)
    if found is not None:
        name, namespace, data = found
        if name in added or f"{namespace}/{name}" in added:
            items = [(key, data.key_locations[key], value) for key, value in data.value.items()]
            out.append(_Headers(f"ConfigMap/{name}", items))
    if helm_values and isinstance(root.value, dict):
        controller_values = root.value.get("controller")
        headers = manifests.at(controller_values, "addHeaders") if controller_values is not None else None
        if headers is not None and isinstance(headers.value, dict):
            items = [(key, headers.key_locations[key], value) for key, value in headers.value.items()]
            out.append(_Headers("controller.addHeaders", items))
    return out


def _header_contexts(
    headers: _Headers, text: manifests.Text, options: FormatOptions, result: ParsedFile
) -> list[CorsContext]:
    """The headers as the template writes them (`more_set_headers "NAME: VALUE";` in `http`), read
    by the nginx format, each finding put back at the value (or the name) it comes from."""
    lines: list[str] = []
    places: list[tuple[int, Location, Location]] = []  # where the value starts in the line; name; value
    for name, key_at, node in headers.items:
        if node.value is None or isinstance(node.value, dict | list):
            continue
        value = "true" if node.value is True else "false" if node.value is False else str(node.value)
        prefix = f'more_set_headers "{name}: '
        lines.append(prefix + value.replace("\\", "\\\\").replace('"', '\\"') + '";')
        embedded = text.embedded(node)
        first = embedded.text.split("\n", 1)[0]
        column = (
            len(first) - len(first.lstrip(" ")) + 1 if embedded.lines_before == node.location.line - 1 else 0
        )
        start = Location.point(text.path, node.location.line, column or node.location.column)
        places.append((len(prefix) + 1, key_at, start))
    if not lines:
        return []

    def move(loc: Location) -> Location:
        if not 1 <= loc.line <= len(places):
            return loc
        start, key_at, value_at = places[loc.line - 1]
        if loc.column < start:
            return key_at
        column = value_at.column + loc.column - start
        end = value_at.column + loc.end_column - start if loc.end_line == loc.line else column
        return Location(loc.path, value_at.line, column, value_at.line, max(end, column))

    parsed = manifests.moved(nginx.parse(Source(text.path, "\n".join(lines) + "\n"), options), move)
    result.problems.extend(parsed.problems)
    contexts = [context for document in parsed.documents for context in document.contexts]
    for matcher in {id(m): m for context in contexts for m in context.matchers}.values():
        matcher.scope = f"{headers.owner}: {matcher.scope}"
    return [replace(context, name=headers.owner) for context in contexts]


def contexts_of(
    root: Node, text: manifests.Text, options: FormatOptions, result: ParsedFile, helm_values: bool = False
) -> list[CorsContext]:
    """The CORS contexts of one object's ingress-nginx annotations, its problems added to
    ``result``: an Ingress manifest, or one read from elsewhere into a ``Node`` tree (a Terraform
    `kubernetes_ingress_v1` or `kubernetes_manifest`, `cloud/kubernetes_terraform.py`)."""
    paths = request_paths(root)
    out: list[CorsContext] = []
    for found in _annotation_sets(root, text, result, helm_values=helm_values):
        out.extend(_Reader(found, text, options, result, paths).contexts())
    return out


def request_paths(root: Node) -> tuple[str, ...]:
    """The request paths an Ingress routes (`spec.rules[].http.paths[].path`), which its annotations
    apply to; () for anything else (Helm values, a Kustomize patch: no paths written there).

    With `use-regex` or `rewrite-target`, ingress-nginx writes each path as a regex location
    (`location ~* "^/api(/|$)(.*)"`, ingress-nginx docs "Ingress Path Matching"), so a regex path
    counts by its literal start, as the nginx format reads a regex `location`.
    """
    if not isinstance(root.value, dict) or _text(root.value.get("kind")) != "Ingress":
        return ()
    metadata = root.value.get("metadata")
    annotations = metadata.value.get("annotations") if metadata and isinstance(metadata.value, dict) else None
    written = annotations.value if annotations is not None and isinstance(annotations.value, dict) else {}
    regex = _text(written.get(f"{PREFIX}use-regex")) == "true" or f"{PREFIX}rewrite-target" in written
    out: dict[str, None] = {}
    spec = root.value.get("spec")
    rules = spec.value.get("rules") if spec is not None and isinstance(spec.value, dict) else None
    for rule in rules.value if rules is not None and isinstance(rules.value, list) else []:
        http = rule.value.get("http") if isinstance(rule.value, dict) else None
        paths = http.value.get("paths") if http is not None and isinstance(http.value, dict) else None
        for item in paths.value if paths is not None and isinstance(paths.value, list) else []:
            path = _text(item.value.get("path")) if isinstance(item.value, dict) else None
            if path is None or not path.startswith("/"):
                continue
            known = nginx.location_path(["~*", "^" + path]) if regex else path
            if known is not None:
                out.setdefault(known, None)
    return tuple(out)


def _text(node: Node | None) -> str | None:
    return node.value if node is not None and isinstance(node.value, str) else None


def _annotation_sets(
    root: Node, text: manifests.Text, result: ParsedFile, depth: int = 0, helm_values: bool = False
) -> list[_Set]:
    owner = _owner(root)
    sets: list[_Set] = []
    patches: dict[tuple[str, ...], _Set] = {}
    for path, mapping in manifests.mappings(root):
        values: dict[str, Node] = mapping.value
        inline = values.get("patch")
        if inline is not None and isinstance(inline.value, str) and _MARK in inline.value and depth == 0:
            target = values.get("target")
            for found_set in _inline_patch(inline, text, result):
                found_set.owner = found_set.owner or (_owner(target) if target is not None else None)
                sets.append(found_set)
        found = _Set(mapping.location, owner)
        for key, value in values.items():
            if key.startswith(PREFIX):
                found.items[key[len(PREFIX) :]] = _Annotation(mapping.key_locations[key], value)
        if found.items:
            found.opened = text.inserts_into(mapping) or _templated_key(mapping)
            sets.append(found)
        if helm_values:
            found_snippets = _values_snippets(path, mapping, owner)
            # `controller.config`: the chart's controller ConfigMap, its snippets placed as the controller's
            chart_config = path[-2:] == ("controller", "config")
            sets.extend(_together(found_snippets) if chart_config else found_snippets)
        elif path == ("data",) and owner is not None and owner.startswith("ConfigMap/"):
            sets.extend(_together(_values_snippets(path, mapping, owner, CONTROLLER_SNIPPETS)))
        patch_path = values.get("path")
        if patch_path is None or not isinstance(patch_path.value, str) or "value" not in values:
            continue
        name = patch_path.value.replace("~1", "/").replace("~0", "~")
        op = values.get("op")
        if name.startswith(_PATCH_PATH + PREFIX) and (op is None or op.value != "remove"):
            group = patches.setdefault(path[:-1], _Set(mapping.location, owner))
            group.items[name[len(_PATCH_PATH + PREFIX) :]] = _Annotation(patch_path.location, values["value"])
    return sets + list(patches.values())


def _inline_patch(node: Node, text: manifests.Text, result: ParsedFile) -> list[_Set]:
    """A Kustomize `patch: |` string is YAML in YAML: read it where it is written."""
    from origins_lint.formats.readers.yaml_tree import load_documents

    embedded = text.embedded(node)
    loaded = embedded.locate(load_documents(text.path, embedded.text))
    result.problems.extend(loaded.problems)
    return [found for root in loaded.documents for found in _annotation_sets(root, text, result, depth=1)]


def _templated_key(mapping: Node) -> tuple[Location, str] | None:
    """A key a template writes (`{{ $annoKey }}: {{ quote $annoValue }}` in a `range`): it may be
    any annotation, so, like a line that inserts keys, it leaves no default to assume."""
    for key in mapping.value:
        if manifests.template_expression(key) is not None:
            return mapping.key_locations.get(key, mapping.location), key
    return None


def _placed_line(line: int, starts: list[tuple[int, int, int]]) -> int | None:
    """The file's line of a line of the composed snippets; None for one written around them."""
    for first, last, before in starts:
        if first <= line <= last:
            return line - first + 1 + before
    return None


def _owner(root: Node) -> str | None:
    """`Ingress/shop-api` (from a manifest, or a patch's `target`), named in `match` output."""
    if not isinstance(root.value, dict):
        return None
    kind = root.value.get("kind")
    metadata = root.value.get("metadata", root)  # a Kustomize `target:` names it directly
    name = metadata.value.get("name") if isinstance(metadata.value, dict) else None
    if kind is None or name is None:
        return None
    return f"{kind.value}/{name.value}"


class _Reader:
    def __init__(
        self,
        found: _Set,
        text: manifests.Text,
        options: FormatOptions,
        result: ParsedFile,
        paths: tuple[str, ...] = (),
    ) -> None:
        self.found = found
        self.paths = paths  # the Ingress's request paths, which its annotations apply to
        self.text = text
        self.options = options
        self.result = result

    def note(self, kind: ProblemKind, message: str, location: Location) -> None:
        self.result.problems.append(InputProblem(kind, message, location))

    def value(self, name: str) -> _Annotation | None:
        """A usable annotation: a string (Kubernetes rejects others) with nothing left to render."""
        annotation = self.found.items.get(name)
        if annotation is None:
            return None
        node = annotation.value
        if not isinstance(node.value, str):
            shown = "true" if node.value is True else "false" if node.value is False else repr(node.value)
            self.note(
                ProblemKind.SCHEMA,
                f"annotation `{self.found.prefix}{name}` must be a string: Kubernetes rejects {shown} "
                f'unquoted; write "{shown}"',
                node.location,
            )
            if node.value is None or isinstance(node.value, dict | list):
                return None
            annotation = _Annotation(annotation.key_at, Node(str(node.value).lower(), node.location))
        expression = manifests.template_expression(
            str(annotation.value.value), shell=name not in self.found.snippets
        )
        if expression is not None:
            self.note(
                ProblemKind.NOT_ANALYSED,
                f"`{self.found.prefix}{name}` holds the template expression `{expression}`; render it first "
                "(`helm template`, `kustomize build`) to check the value it gets",
                node.location,
            )
            return None
        return annotation

    def contexts(self) -> list[CorsContext]:
        out: list[CorsContext] = []
        if self.found.together:
            out.extend(self.placed())
        else:
            for snippet in self.found.snippets:
                out.extend(self.snippet(snippet))
        enable = self.value("enable-cors")
        if enable is None:
            return out
        # Go's strconv.ParseBool; anything else is logged ("enable-cors is invalid, defaulting to
        # 'false'") and the Ingress is served without CORS: nothing is sent, so nothing to report
        if controller.parse_bool(str(enable.value.value)):
            out.append(self.cors(enable))
        return out

    def cors(self, enable: _Annotation) -> CorsContext:
        at = enable.key_at
        origins = self.value("cors-allow-origin")
        scope = f"{PREFIX}cors-allow-origin@{at.line}"
        if origins is None and "cors-allow-origin" in self.found.items:
            # written but not readable here (a placeholder): said (OL004), and not guessed as `*`;
            # only what an item's fixed text decides is kept (an `http://` item is plain HTTP)
            matchers = self.templated(self.found.items["cors-allow-origin"].value, scope)
        elif origins is None and self.found.opened is not None:
            # the annotations a template line inserts may set it: ingress-nginx's `*` is not assumed
            where, tag = self.found.opened
            self.note(
                ProblemKind.NOT_ANALYSED,
                f"`{self.found.prefix}cors-allow-origin` is not written here, and the template line `{tag}` "
                f"(line {where.line}) may add it: the origins this Ingress allows were not analysed, and "
                "ingress-nginx's default `*` is not assumed; render the chart and check the result",
                at,
            )
            matchers = []
        elif origins is None:
            matchers = [
                OriginMatcher(
                    MatcherKind.ANY,
                    "*",
                    at,
                    INGRESS_NGINX,
                    note="the origin `*` is ingress-nginx's default when `cors-allow-origin` is not set",
                    from_default=True,
                    scope=scope,
                )
            ]
        else:
            matchers = self.origins(origins, scope)
        # a value ingress-nginx cannot read falls back to its default, as ingress-nginx does
        credentials: Setting[bool | None] = Setting(True, at, from_default=True)
        written = self.value("cors-allow-credentials")
        if written is not None:
            # a value Go's strconv.ParseBool does not read is logged ("cors-allow-credentials is
            # invalid, defaulting to 'true'") and credentials are on: the platform default, said so
            flag = controller.parse_bool(str(written.value.value))
            credentials = Setting(True if flag is None else flag, written.value.location, flag is None)
        return CorsContext(
            matchers=matchers,
            location=at,
            credentials=credentials,
            allow_methods=self.listed("cors-allow-methods", DEFAULT_METHODS, at),
            allow_headers=self.listed("cors-allow-headers", DEFAULT_HEADERS, at),
            expose_headers=self.listed("cors-expose-headers", (), at),
            max_age=self.max_age(at),
            name=self.found.owner,
            paths=self.paths,
        )

    def origins(self, origins: _Annotation, scope: str) -> list[OriginMatcher]:
        """The origins the controller keeps, each at its own column, or the `*` it falls back to."""
        node = origins.value
        value = str(node.value)
        read = controller.origins(value)
        parts = tuple(part.strip() for part in value.split(","))
        spots = self.text.items(node, parts)
        # an item the controller drops ("Supplied incorrect origin ... Skipping.") matches nothing:
        # kept as the exact text it is, which no browser sends (OL101 says why)
        matchers = [
            OriginMatcher(
                MatcherKind.EXACT, item, spots[place], EXACT_ENGINE, note=f"{SKIPPED}: {why}", scope=scope
            )
            for place, item, why in read.skipped
        ]
        if read.fallback is not None:
            return [*matchers, self.fallback(read, node.location, scope)]
        for place, item in read.items:
            kind = matcher_kind(item)
            pattern, engine = controller.template_regex(item)
            note = NULL_NOTE if kind is MatcherKind.NULL else None
            matchers.append(
                OriginMatcher(
                    kind, item, spots[place], INGRESS_NGINX, note=note, scope=scope, runs=(pattern, engine)
                )
            )
        return sorted(matchers, key=lambda m: (m.location.line, m.location.column))

    def templated(self, node: Node, scope: str) -> list[OriginMatcher]:
        """The items of a templated `cors-allow-origin` whose fixed text is plain HTTP whatever is
        filled in (template_origin.decided); the rest of the value is OL004 and is not read."""
        if not isinstance(node.value, str):
            return []
        parts = tuple(part.strip() for part in node.value.split(","))
        spots = self.text.items(node, parts)
        return [
            OriginMatcher(MatcherKind.EXACT, item, spot, EXACT_ENGINE, scope=scope)
            for item, spot in zip(parts, spots, strict=True)
            if (fixed := decided(item)) is not None and fixed.plain_http
        ]

    def fallback(self, read: controller.Origins, at: Location, scope: str) -> OriginMatcher:
        """The `*` the controller sends for a value it rejects, named as what it is."""
        meant = controller.likely_meant(read.broken) if read.broken else None
        fix = f"; write `{meant}` for `{read.broken}`" if meant else ""
        return OriginMatcher(
            MatcherKind.ANY,
            "*",
            at,
            INGRESS_NGINX,
            note=(
                f"ingress-nginx rejects this `cors-allow-origin` because {read.fallback}, logs "
                f"\"cors-allow-origin is invalid, defaulting to '*'\" and sends `*` instead{fix}"
                if read.logged
                else f"ingress-nginx sends `*` for this `cors-allow-origin` because {read.fallback}"
            ),
            from_default=True,
            scope=scope,
        )

    def listed(self, name: str, default: tuple[str, ...], at: Location) -> Setting[tuple[str, ...]] | None:
        annotation = self.value(name)
        if annotation is None:  # a template line may write it (`opened`): no default assumed
            return Setting(default, at, from_default=True) if default and self.found.opened is None else None
        return Setting(manifests.words(annotation.value.value), annotation.value.location)

    def max_age(self, at: Location) -> Setting[int] | None:
        annotation = self.value("cors-max-age")
        written = (
            manifests.read_seconds(f"{PREFIX}cors-max-age", annotation.value, self.result.problems)
            if annotation is not None
            else None
        )
        if written is None and self.found.opened is not None:
            return None  # a template line may write it: no default assumed
        return written or Setting(DEFAULT_MAX_AGE, at, from_default=True)

    def sends_star(self) -> bool:
        """Whether CORS is on with the origin `*` (written, the default, or the `*` an invalid value
        falls back to): the controller then sets `$http_origin` to `*` in the location."""
        enable = self.value("enable-cors")
        if enable is None or not controller.parse_bool(str(enable.value.value)):
            return False
        origins = self.value("cors-allow-origin")
        if origins is None:
            return "cors-allow-origin" not in self.found.items  # unset: the default `*`
        read = controller.origins(str(origins.value.value))
        return read.fallback is not None or [item for _place, item in read.items] == ["*"]

    def placed(self) -> list[CorsContext]:
        """The controller's snippets where nginx.tmpl writes them (at dbb11b92: `http-snippet` in
        `http`, `server-snippet` in every `server`, `location-snippet` in every `location`), read
        as one config: each line read at its own place in this file; the `server {` and
        `location / {` around them (one line each) are said at the first snippet's key."""
        pieces: list[tuple[str, manifests.Embedded | None]] = []
        closing = 0
        for name in self.found.snippets:
            place = _place(name)
            if place == "server-snippet" or (place == "location-snippet" and closing == 0):
                pieces.append(("server {", None))
                closing += 1
            if place == "location-snippet":
                pieces.append(("location / {", None))
                closing += 1
            embedded = self.text.embedded(self.found.items[name].value)
            pieces.append((embedded.text, embedded))
        pieces.extend(("}", None) for _ in range(closing))
        starts: list[tuple[int, int, int]] = []  # (first composed line, last, the file's line before it)
        lines: list[str] = []
        for text, piece in pieces:
            count = text.count("\n") + 1
            if piece is not None:
                starts.append((len(lines) + 1, len(lines) + count, piece.lines_before))
            lines.extend(text.split("\n"))
        at = self.found.items[self.found.snippets[0]].key_at

        def move(loc: Location) -> Location:
            line, end_line = _placed_line(loc.line, starts), _placed_line(loc.end_line, starts)
            if line is None or end_line is None:
                return at
            return Location(loc.path, line, loc.column, end_line, loc.end_column)

        parsed = nginx.parse(Source(self.text.path, "\n".join(lines)), self.options)
        parsed = manifests.moved(parsed, move)
        self.result.problems.extend(parsed.problems)
        contexts = [context for document in parsed.documents for context in document.contexts]
        for matcher in {id(m): m for context in contexts for m in context.matchers}.values():
            matcher.scope = f"controller snippets@{at.line}: {matcher.scope}"
        return [replace(context, name=self.found.owner) for context in contexts]

    def snippet(self, name: str) -> list[CorsContext]:
        """The nginx in a snippet annotation, read by the nginx format at its place in this file."""
        annotation = self.value(name)
        if annotation is None:
            return []
        embedded = self.text.embedded(annotation.value)
        injected: int | None = None  # the line of the controller's `set`, when there is one
        if name == "configuration-snippet" and self.sends_star():
            # the controller's CORS block runs first in the location (nginx.tmpl), and for the
            # origin `*` it is `set $http_origin *;` (buildCorsOriginRegex in
            # internal/ingress/controller/template/template.go; e2e test/e2e/annotations/cors.go):
            # the snippet's `$http_origin` is `*` then, no echo. One line before the snippet's.
            embedded = replace(embedded, text="set $http_origin *;\n" + embedded.text)
            embedded = replace(embedded, lines_before=embedded.lines_before - 1)
            injected = embedded.lines_before + 1
        parsed = embedded.locate(nginx.parse(Source(self.text.path, embedded.text), self.options))
        self.result.problems.extend(parsed.problems)
        contexts = [context for document in parsed.documents for context in document.contexts]
        for matcher in {id(m): m for context in contexts for m in context.matchers}.values():
            if matcher.location.line == injected:  # the controller's `*`: said at the snippet's key
                matcher.location = annotation.key_at
            # lists are told apart by where they are; two snippets of one file both start at line 1
            matcher.scope = f"{name}@{annotation.key_at.line}: {matcher.scope}"
        # a `configuration-snippet` goes into each location of the Ingress: it answers at its paths;
        # a `server-snippet` goes into the server, at any path, but a `location` it writes has its own
        inside = name == "configuration-snippet"
        return [
            replace(context, name=self.found.owner, paths=context.paths or (self.paths if inside else ()))
            for context in contexts
        ]
