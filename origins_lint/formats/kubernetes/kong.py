"""Kong's `cors` plugin: `KongPlugin`/`KongClusterPlugin` CRDs and declarative `kong.yml` (decK).

Read from Kong/kong @ 22246ef2, kong/plugins/cors/handler.lua (`configure_origin`,
`configure_credentials`, `normalize_origin`) and schema.lua, with the conformance cases of
spec/03-plugins/13-cors/01-access_spec.lua:

- `config.origins` unset or empty sends `*`, and so does a list holding `*` anywhere (the
  other entries are then never read). With `credentials: true`, Kong answers that `*` with
  the request's own Origin and `Access-Control-Allow-Credentials: true`: a reflection.
- An entry with a character outside `[A-Za-z0-9.:/-]` is a regex; the others are plain.
- A lone plain entry is sent as written, whatever the request: the browser then compares it
  byte for byte (`example.com` or `https://a.example:443` admit nothing).
- Otherwise plain entries are compared after `normalize_origin` on both sides (LuaSocket's
  url.parse: the default port and any path dropped, case kept), and a regex gets `$` appended,
  one leading `^` dropped and runs anchored at the start (`ngx.re.find(..., "ajo")`), against the
  request's host alone when the entry holds no `:` (any scheme, any port): ``Dialect.KONG``.
- The schema refuses an entry PCRE cannot compile (`is_regex`), a method outside its list, and a
  plugin on a consumer (`no_consumer`): OL002. `preflight_continue: true` hands preflights to
  the upstream, but the responses' CORS headers are still Kong's (`header_filter`), so the
  entries admit what they admit; `private_network: true` answers private-network preflights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final

from origins_lint.formats.base import FormatOptions
from origins_lint.formats.readers import manifests, pcre_syntax
from origins_lint.formats.readers.tree import Node
from origins_lint.model import (
    Compare,
    CorsContext,
    Dialect,
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
    Status,
)
from origins_lint.source import Source

NAME = "kong"
EXTENSIONS: Final = (*manifests.READ_AS_YAML, ".json")
CRD_GROUP: Final = "configuration.konghq.com"
CRD_KINDS: Final = frozenset({"KongPlugin", "KongClusterPlugin"})
# a lone plain entry is sent as `Access-Control-Allow-Origin` as written: the browser compares bytes
KONG_LITERAL: Final = Engine("kong", MatchMode.FULL, case_sensitive=True)
KONG_LIST: Final = Engine("kong", MatchMode.FULL, case_sensitive=True, exact=Compare.KONG)
KONG_REGEX: Final = Engine("kong-pcre", MatchMode.SEARCH, case_sensitive=True, dialect=Dialect.KONG)
PLAIN: Final = re.compile(r"[A-Za-z0-9.:/-]+")  # configure_origin: `[^A-Za-z0-9.:/-]` makes a regex
METHODS: Final = ("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT")
ECHO_NOTE: Final = (
    "with `credentials: true`, Kong answers `*` with the request's own Origin and "
    "`Access-Control-Allow-Credentials: true` (configure_credentials in kong/plugins/cors/handler.lua)"
)
STAR_NOTE: Final = "the list holds `*`, so Kong sends `*` (or the echo) without reading this entry"
DISABLED_NOTE: Final = "this plugin is disabled"


def wants(path: str) -> bool:
    return path.endswith(EXTENSIONS)


def detect(path: str, text: str) -> bool:
    marked = "cors" in text or _transforms_cors(text)
    return wants(path) and marked and (CRD_GROUP in text or "_format_version" in text)


def _transforms_cors(text: str) -> bool:
    """A `response-transformer` that writes `Access-Control-*` headers (``kong_transformer``)."""
    return "response-transformer" in text and "access-control-" in text.lower()


@dataclass(slots=True)
class _Plugin:
    """One `cors` plugin instance: its mapping, where `cors` is named, and what it answers for."""

    node: Node
    named: Location
    owner: str | None
    paths: tuple[str, ...] = ()
    refused: str | None = None  # why Kong refuses it whatever its config (a consumer's plugin)
    disabled: bool = False
    config: Node | None = None


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    loaded = manifests.load(source)
    result = ParsedFile(source.path, NAME, problems=list(loaded.problems))
    attached = _attached(loaded.documents)
    for root in loaded.documents:
        if not isinstance(root.value, dict):
            continue
        document = Document(source.path, NAME, root.location)
        for plugin in _crd(root, attached) or _declarative(root):
            document.contexts.append(_Reader(plugin, result).context())
        if _transforms_cors(source.text):
            from origins_lint.formats.kubernetes import kong_transformer

            document.contexts.extend(kong_transformer.contexts(root, result.problems, loaded.text))
        if document.contexts:
            result.documents.append(document)
    return result


def _text(node: Node | None) -> str | None:
    return node.value if node is not None and isinstance(node.value, str) else None


ATTACH: Final = "konghq.com/plugins"


def _attached(documents: list[Node]) -> dict[str, tuple[str, ...]]:
    """The request paths of the objects in this file that name a plugin in `konghq.com/plugins`
    (an Ingress's `paths[].path`, an HTTPRoute's `matches[].path.value`), by plugin name."""
    out: dict[str, tuple[str, ...]] = {}
    for root in documents:
        metadata = root.value.get("metadata") if isinstance(root.value, dict) else None
        annotations = (
            metadata.value.get("annotations")
            if metadata is not None and isinstance(metadata.value, dict)
            else None
        )
        names = (
            _text(annotations.value.get(ATTACH))
            if annotations is not None and isinstance(annotations.value, dict)
            else None
        )
        if not names:
            continue
        paths: list[str] = []
        for _path, mapping in manifests.mappings(root.value.get("spec", Node(None, root.location))):
            found = mapping.value.get("path")
            value = found.value.get("value") if found is not None and isinstance(found.value, dict) else found
            text = _text(value)
            if text and text.startswith("/"):
                paths.append(text)
        for name in manifests.words(names):
            out[name] = tuple(dict.fromkeys((*out.get(name, ()), *paths)))
    return out


def _crd(root: Node, attached: dict[str, tuple[str, ...]]) -> list[_Plugin]:
    """A `KongPlugin` or `KongClusterPlugin` whose `plugin` is `cors` (KIC's CRDs: `config`,
    `configFrom`, `disabled` at the top level), with the paths of what attaches it here."""
    values: dict[str, Node] = root.value
    if _text(values.get("kind")) not in CRD_KINDS or _text(values.get("plugin")) != "cors":
        return []
    metadata = values.get("metadata")
    name = (
        _text(metadata.value.get("name"))
        if metadata is not None and isinstance(metadata.value, dict)
        else None
    )
    disabled = values.get("disabled")
    plugin = _Plugin(
        root,
        values["plugin"].location,
        f"{_text(values['kind'])}/{name}" if name else _text(values["kind"]),
        disabled=disabled is not None and manifests.boolean(disabled) is True,
        config=values.get("config"),
    )
    return [replace(plugin, paths=attached.get(name, ())) if name else plugin]


def _items(node: Node | None, key: str) -> list[Node]:
    child = node.value.get(key) if node is not None and isinstance(node.value, dict) else None
    return list(child.value) if child is not None and isinstance(child.value, list) else []


def _cors(plugins: list[Node]) -> list[Node]:
    return [p for p in plugins if isinstance(p.value, dict) and _text(p.value.get("name")) == "cors"]


def _route_paths(route: Node) -> tuple[str, ...]:
    """A route's `paths` (prefixes; a `~` regex path is left out: it names no one prefix)."""
    return tuple(p for item in _items(route, "paths") if (p := _text(item)) and p.startswith("/"))


def _declarative(root: Node) -> list[_Plugin]:
    """Every `cors` plugin of a declarative config: global, on services, routes or consumers."""
    values: dict[str, Node] = root.value
    if "_format_version" not in values:
        return []
    found: list[_Plugin] = []
    routes: dict[str, tuple[str, ...]] = {}
    service_paths: dict[str, tuple[str, ...]] = {}

    def route(node: Node, service: str | None) -> tuple[str, ...]:
        name = _text(node.value.get("name")) if isinstance(node.value, dict) else None
        paths = _route_paths(node)
        if name:
            routes[name] = paths
        for plugin in _cors(_items(node, "plugins")):
            found.append(_plugin(plugin, f"route {name}" if name else "route", paths))
        if service and not _cors(_items(node, "plugins")):
            service_paths[service] = (*service_paths.get(service, ()), *paths)
        return paths

    for service in _items(root, "services"):
        name = _text(service.value.get("name")) if isinstance(service.value, dict) else None
        for child in _items(service, "routes"):
            route(child, name or "")
        own = service_paths.get(name or "", ())
        for plugin in _cors(_items(service, "plugins")):
            found.append(_plugin(plugin, f"service {name}" if name else "service", own))
    for child in _items(root, "routes"):
        route(child, None)
    for consumer in (*_items(root, "consumers"), *_items(root, "consumer_groups")):
        for plugin in _cors(_items(consumer, "plugins")):
            found.append(_plugin(plugin, "consumer", (), refused=_NO_CONSUMER))
    for plugin in _cors(_items(root, "plugins")):
        values = plugin.value
        if "consumer" in values:
            found.append(_plugin(plugin, "consumer", (), refused=_NO_CONSUMER))
        elif (target := _text(values.get("route"))) is not None:
            found.append(_plugin(plugin, f"route {target}", routes.get(target, ())))
        elif (target := _text(values.get("service"))) is not None:
            found.append(_plugin(plugin, f"service {target}", service_paths.get(target, ())))
        else:
            found.append(_plugin(plugin, "global", ()))
    return found


_NO_CONSUMER: Final = (
    "Kong refuses this configuration: the cors plugin cannot be applied to a consumer "
    "(`consumer = typedefs.no_consumer` in kong/plugins/cors/schema.lua); put it on a route or service"
)


def _plugin(node: Node, owner: str, paths: tuple[str, ...], refused: str | None = None) -> _Plugin:
    values: dict[str, Node] = node.value
    enabled = values.get("enabled")
    return _Plugin(
        node,
        values["name"].location,
        owner,
        paths,
        refused=refused,
        disabled=enabled is not None and manifests.boolean(enabled) is False,
        config=values.get("config"),
    )


class _Reader:
    def __init__(self, plugin: _Plugin, result: ParsedFile) -> None:
        self.plugin = plugin
        self.result = result
        self.rejected: str | None = plugin.refused
        config = plugin.config
        self.config: dict[str, Node] = {}
        if config is not None and isinstance(config.value, dict):
            self.config = config.value
        elif config is not None and manifests.rendered_later(config, "config", result.problems):
            pass  # a template fills it in: what it becomes is not known
        elif config is not None and config.value is not None:
            self.schema("`config` must be a mapping (`origins:`, `credentials:`...)", config.location)

    def note(self, kind: ProblemKind, message: str, location: Location) -> None:
        self.result.problems.append(InputProblem(kind, message, location))

    def schema(self, message: str, location: Location, refuses: bool = True) -> None:
        self.note(ProblemKind.SCHEMA, message, location)
        if refuses and self.rejected is None:
            self.rejected = message

    def flag(self, key: str) -> Setting[bool | None] | None:
        node = self.config.get(key)
        return manifests.read_flag(key, node, self.result.problems) if node is not None else None

    def listed(self, key: str) -> Setting[tuple[str, ...]] | None:
        node = self.config.get(key)
        if node is None or node.value is None or manifests.rendered_later(node, key, self.result.problems):
            return None
        if not isinstance(node.value, list):
            self.schema(f"Kong refuses this configuration: `{key}` must be a list of strings", node.location)
            return None
        return Setting(manifests.words(node.value), node.location)

    def context(self) -> CorsContext:
        plugin = self.plugin
        if plugin.refused is not None:
            self.note(ProblemKind.SCHEMA, plugin.refused, plugin.named)
        secret = next((k for k in ("configFrom", "configPatches") if k in plugin.node.value), None)
        credentials = self.flag("credentials")
        with_credentials = credentials is not None and credentials.value is not False
        matchers = [] if secret is not None else self.matchers(with_credentials)
        if secret is not None:
            message = (
                f"`{secret}` fills this plugin's `config` from a Secret, which is not in this file: its "
                "origins were not checked; check the Secret's `config`"
            )
            self.note(ProblemKind.NOT_ANALYSED, message, plugin.node.value[secret].location)
        methods = self.listed("methods")
        for item in self.config["methods"].value if methods is not None else ():
            if item.value not in METHODS:
                message = (
                    f"Kong refuses this configuration: `{item.plain()}` is not one of {', '.join(METHODS)}"
                )
                self.schema(message, item.location)
        self.flag("preflight_continue")  # said when it is not a boolean; it changes no origin
        if plugin.disabled:  # kept for `match` to say so; its settings send nothing
            for matcher in matchers:
                matcher.status, matcher.note = Status.INACTIVE, DISABLED_NOTE
            return CorsContext(matchers, plugin.node.location, name=plugin.owner, rejected=self.rejected)
        max_age = self.config.get("max_age")
        headers = self.listed("headers")
        # no `headers`: Kong answers a preflight with the request's Access-Control-Request-Headers
        # ("replies with request-headers if present in request")
        echoed = (("headers", plugin.named),) if headers is None or not headers.value else ()
        return CorsContext(
            matchers=matchers,
            location=plugin.node.location,
            credentials=credentials if credentials is not None else Setting(False, plugin.named, True),
            allow_methods=methods,
            allow_headers=headers,
            echoed=echoed,
            expose_headers=self.listed("exposed_headers"),
            max_age=manifests.read_seconds("max_age", max_age, self.result.problems) if max_age else None,
            private_network=manifests.known(self.flag("private_network")),
            name=plugin.owner,
            rejected=self.rejected,
            paths=plugin.paths,
        )

    def matchers(self, with_credentials: bool) -> list[OriginMatcher]:
        origins = self.config.get("origins")
        scope = f"kong@{self.plugin.named.line}"
        if origins is not None and manifests.rendered_later(origins, "origins", self.result.problems):
            return []  # the whole list comes from a template: unknown, not Kong's `*` for an unset one
        if origins is not None and origins.value is not None and not isinstance(origins.value, list):
            self.schema(
                "Kong refuses this configuration: `origins` must be a list of strings", origins.location
            )
            return []
        items = list(origins.value) if origins is not None and origins.value else []
        if not items:  # unset or empty: `*` (the regression test "gives * wildcard when ... empty")
            at = origins.location if origins is not None else self.plugin.named
            return [self.star("*", at, scope, with_credentials, origins is None)]
        written: list[tuple[str, Location]] = []
        for item in items:
            if not isinstance(item.value, str):
                what = 'null (quote it: `"null"`)' if item.value is None else f"`{item.plain()!r}`"
                self.schema(
                    f"Kong refuses this configuration: an `origins` entry must be a string, not {what}",
                    item.location,
                )
                continue
            if manifests.template_expression(item.value) is not None:
                self.note(
                    ProblemKind.NOT_ANALYSED, manifests.placeholder_origin(item.value, False), item.location
                )
                continue
            if item.value != "*":
                reason = pcre_syntax.refusal(item.value)
                if reason is not None:
                    message = (
                        f"Kong refuses this configuration: `{item.value}` is not a valid regex ({reason}; "
                        "is_regex in kong/db/schema/init.lua); escape it or write the origin without "
                        "regex characters"
                    )
                    self.schema(message, item.location)
                    continue
            written.append((item.value, item.location))
        if any(raw == "*" for raw, _at in written):
            out = []
            for raw, at in written:
                if raw == "*":
                    out.append(self.star(raw, at, scope, with_credentials, False))
                else:
                    matcher = self.entry(raw, at, scope, lone=False)
                    matcher.status, matcher.note = Status.INACTIVE, STAR_NOTE
                    out.append(matcher)
            return out
        lone = len(items) == 1
        return [self.entry(raw, at, scope, lone) for raw, at in written]

    def star(
        self, raw: str, at: Location, scope: str, with_credentials: bool, default: bool
    ) -> OriginMatcher:
        if with_credentials:
            return OriginMatcher(
                MatcherKind.REFLECTED,
                raw,
                at,
                KONG_LITERAL,
                note=ECHO_NOTE,
                scope=scope,
                from_default=default,
            )
        return OriginMatcher(MatcherKind.ANY, raw, at, KONG_LITERAL, scope=scope, from_default=default)

    @staticmethod
    def entry(raw: str, at: Location, scope: str, lone: bool) -> OriginMatcher:
        if PLAIN.fullmatch(raw) is None:
            return OriginMatcher(MatcherKind.REGEX, raw, at, KONG_REGEX, scope=scope)
        engine = KONG_LITERAL if lone else KONG_LIST
        kind = MatcherKind.NULL if raw == "null" else MatcherKind.EXACT
        return OriginMatcher(kind, raw, at, engine, scope=scope)
