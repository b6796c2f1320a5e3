"""APISIX's `cors` plugin: standalone `apisix.yaml`, Admin API JSON, ADC files, the
`ApisixRoute`/`ApisixPluginConfig`/`ApisixGlobalRule` CRDs and the APISIX Ingress annotations.

Read from apache/apisix @ f519a0f0, apisix/plugins/cors.lua (`schema`, `check_schema`,
`header_filter`, `process_with_allow_origins*`), with the cases of t/plugin/cors.t, cors2.t,
cors3.t and cors4.t:

- `allow_origins` is one string (default `*`): `*`, `**`, `null`, or `scheme://host[:port]`
  items joined by `,` with nothing between (the schema's pattern
  `^(\\*|\\*\\*|null|\\w+://[^,]+(,\\w+://[^,]+)*)$` refuses `a, b`). Items are compared with
  the request's Origin as bytes; a lone origin is sent as written only to that Origin. `**`
  echoes every Origin, credentials included.
- `allow_origins_by_regex` items are joined with `|` and searched in the Origin
  (`ngx.re.find(origin, regex, "jo")`): PCRE, unanchored, case-sensitive. When it is set,
  `allow_origins` is not read.
- `allow_origins_by_metadata` names keys of the plugin metadata's `allow_origins` map, read
  from `plugin_metadata` in the same file (standalone); a key there that is `*` or `**` echoes
  every Origin. With it, `allow_origins`/`allow_origins_by_regex` count only when
  `allow_origins` is not `*`.
- `check_schema` refuses `allow_credential: true` while `allow_origins`, `allow_methods` or
  `allow_headers` is `*` (their default) or `expose_headers`/`timing_allow_origins` is `*`, and a
  regex PCRE cannot compile: OL002.

APISIX Ingress (apache/apisix-ingress-controller @ d510f665,
internal/adc/translator/annotations/plugins/cors.go): `k8s.apisix.apache.org/enable-cors:
"true"` (only that string) makes a `cors` plugin from `cors-allow-origin` (else the default
`*`), `cors-allow-methods` and `cors-allow-headers`; credentials stay off.

CORS headers written by the `response-rewrite` plugin are read by ``apisix_rewrite``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from origins_lint.formats.base import FormatOptions
from origins_lint.formats.readers import manifests, pcre_syntax
from origins_lint.formats.readers.tree import Node
from origins_lint.model import (
    EXACT_ENGINE,
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

NAME = "apisix"
EXTENSIONS: Final = (*manifests.READ_AS_YAML, ".json")
APISIX_REGEX: Final = Engine("apisix-pcre", MatchMode.SEARCH, case_sensitive=True, dialect=Dialect.PCRE)
# the schema's `pattern` for `allow_origins` (lua jsonschema: ngx.re.find, so `\w` is ASCII)
ORIGINS_PATTERN: Final = re.compile(r"\*|\*\*|null|\w+://[^,]+(,\w+://[^,]+)*", re.ASCII)
ANNOTATION: Final = "k8s.apisix.apache.org/"
# the plugin's own keys (Envoy's `allow_credentials` is not one)
_KEYS: Final = re.compile(r"\ballow_(?:origins(?:_by_(?:regex|metadata))?|credential)\b")
_NAMES: Final = re.compile(r"(^|/)apisix[^/]*\.(ya?ml|json)$")
ECHO_NOTE: Final = "`**` makes APISIX send back the request's own Origin (process_with_allow_origins)"
META_ECHO_NOTE: Final = (
    "a plugin-metadata value `*` or `**` makes APISIX send back the request's own Origin "
    "(process_with_allow_origins_by_metadata)"
)
REGEX_NOTE: Final = "APISIX ignores `allow_origins` when `allow_origins_by_regex` is set"
META_NOTE: Final = (
    "with `allow_origins_by_metadata`, APISIX reads `allow_origins` and `allow_origins_by_regex` "
    "only when `allow_origins` is not `*` (header_filter)"
)
DISABLED_NOTE: Final = "this plugin is disabled"
REFUSED: Final = "APISIX refuses this plugin configuration"


def wants(path: str) -> bool:
    return path.endswith(EXTENSIONS)


def detect(path: str, text: str) -> bool:
    rewrite = _rewrites_cors(text)
    if not wants(path) or ("cors" not in text and not rewrite):
        return False
    if "_format_version" in text or "configuration.konghq.com" in text:
        return False  # Kong's declarative config and CRDs
    if ANNOTATION + "enable-cors" in text or "apisix.apache.org" in text or _NAMES.search(path):
        return True
    return "plugins" in text and (rewrite or _KEYS.search(text) is not None)


def _rewrites_cors(text: str) -> bool:
    """A `response-rewrite` plugin that writes `Access-Control-*` headers (``apisix_rewrite``)."""
    return "response-rewrite" in text and "access-control-" in text.lower()


@dataclass(slots=True)
class _Plugin:
    """One `cors` plugin config, where it is named, what owns it and the paths it answers."""

    config: dict[str, Node]
    named: Location
    location: Location
    owner: str | None
    paths: tuple[str, ...]
    disabled: bool = False
    secret: Node | None = None
    annotations: bool = False


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    loaded = manifests.load(source)
    result = ParsedFile(source.path, NAME, problems=list(loaded.problems))
    metadata = _metadata(loaded.documents)
    for root in loaded.documents:
        if isinstance(root.value, dict) and "_format_version" in root.value:
            continue
        document = Document(source.path, NAME, root.location)
        for plugin in _plugins(root, result.problems):
            document.contexts.append(_Reader(plugin, loaded.text, metadata, result).context())
        if _rewrites_cors(source.text):
            from origins_lint.formats.kubernetes import apisix_rewrite

            crd = _crd_name(root)
            for config, values, path in apisix_rewrite.plugin_configs(root):
                owner = _owner(values, crd, path)
                document.contexts.extend(
                    apisix_rewrite.contexts(config, owner, _paths(values), result.problems)
                )
        if document.contexts:
            result.documents.append(document)
    return result


def _text(node: Node | None) -> str | None:
    return node.value if node is not None and isinstance(node.value, str) else None


def _metadata(documents: list[Node]) -> dict[str, Node] | None:
    """The cors plugin metadata's `allow_origins` map, from standalone `plugin_metadata`."""
    for root in documents:
        for _path, mapping in manifests.mappings(root):
            entries = mapping.value.get("plugin_metadata")
            for entry in entries.value if entries is not None and isinstance(entries.value, list) else ():
                if isinstance(entry.value, dict) and _text(entry.value.get("id")) == "cors":
                    origins = entry.value.get("allow_origins")
                    if origins is not None and isinstance(origins.value, dict):
                        return origins.value
    return None


def _plugins(root: Node, problems: list[InputProblem]) -> list[_Plugin]:
    found: list[_Plugin] = []
    crd = _crd_name(root)
    for path, mapping in manifests.mappings(root):
        values: dict[str, Node] = mapping.value
        plugins = values.get("plugins")
        owner = _owner(values, crd, path)
        paths = _paths(values)
        if plugins is not None and isinstance(plugins.value, dict) and "cors" in plugins.value:
            cors = plugins.value["cors"]
            config = cors.value if isinstance(cors.value, dict) else {}
            if cors.value is not None and not isinstance(cors.value, dict):
                message = (
                    f"{REFUSED}: the `cors` plugin's config must be an object (`cors: {{}}` for the defaults)"
                )
                problems.append(InputProblem(ProblemKind.SCHEMA, message, cors.location))
                continue
            meta = config.get("_meta")
            disable = meta.value.get("disable") if meta is not None and isinstance(meta.value, dict) else None
            named = plugins.key_locations.get("cors", cors.location)
            found.append(
                _Plugin(config, named, cors.location, owner, paths, manifests.boolean(disable) is True)
                if disable is not None
                else _Plugin(config, named, cors.location, owner, paths)
            )
        elif plugins is not None and isinstance(plugins.value, list):
            for item in plugins.value:
                if not isinstance(item.value, dict) or _text(item.value.get("name")) != "cors":
                    continue
                config_node = item.value.get("config")
                config = (
                    config_node.value
                    if config_node is not None and isinstance(config_node.value, dict)
                    else {}
                )
                enable = item.value.get("enable")
                plugin = _Plugin(config, item.value["name"].location, item.location, owner, paths)
                plugin.disabled = enable is not None and manifests.boolean(enable) is False
                plugin.secret = item.value.get("secretRef") if _text(item.value.get("secretRef")) else None
                found.append(plugin)
        annotations = values.get("annotations")
        if path[-1:] == ("metadata",) and annotations is not None and isinstance(annotations.value, dict):
            plugin_from = _annotations(annotations, crd, root, problems)
            if plugin_from is not None:
                found.append(plugin_from)
    return found


def _crd_name(root: Node) -> str | None:
    if not isinstance(root.value, dict):
        return None
    kind, metadata = _text(root.value.get("kind")), root.value.get("metadata")
    name = (
        _text(metadata.value.get("name"))
        if metadata is not None and isinstance(metadata.value, dict)
        else None
    )
    return f"{kind}/{name}" if kind and name else kind


def _owner(values: dict[str, Node], crd: str | None, path: tuple[str, ...]) -> str | None:
    name = _text(values.get("name")) or _text(values.get("id"))
    if path and path[-1] == "spec":
        return crd
    return " ".join(part for part in (crd, f"route {name}" if name else None) if part) or None


def _paths(values: dict[str, Node]) -> tuple[str, ...]:
    """`uri`/`uris` (APISIX, ADC) or `match.paths` (ApisixRoute); a trailing `*` is a prefix."""
    out: list[str] = []
    uri = _text(values.get("uri"))
    if uri:
        out.append(uri)
    match = values.get("match")
    for key, node in (
        ("uris", values),
        ("paths", match.value if match is not None and isinstance(match.value, dict) else {}),
    ):
        listed = node.get(key) if isinstance(node, dict) else None
        for item in listed.value if listed is not None and isinstance(listed.value, list) else ():
            if isinstance(item.value, str):
                out.append(item.value)
    return tuple(dict.fromkeys(p.rstrip("*") for p in out if p.startswith("/")))


def _annotations(
    annotations: Node, crd: str | None, root: Node, problems: list[InputProblem]
) -> _Plugin | None:
    """APISIX Ingress annotations as the plugin config the controller builds (cors.go Handle)."""
    values: dict[str, Node] = annotations.value
    enabled = values.get(ANNOTATION + "enable-cors")
    if enabled is None or enabled.value != "true":  # GetBoolAnnotation: `== "true"`
        if enabled is not None and isinstance(enabled.value, bool):
            message = (
                f'`{ANNOTATION}enable-cors` must be the string "true": Kubernetes rejects an annotation '
                "that is not a string; quote it"
            )
            problems.append(InputProblem(ProblemKind.SCHEMA, message, enabled.location))
        return None
    config: dict[str, Node] = {}
    for annotation, key in (
        ("cors-allow-origin", "allow_origins"),
        ("cors-allow-methods", "allow_methods"),
        ("cors-allow-headers", "allow_headers"),
    ):
        node = values.get(ANNOTATION + annotation)
        if node is not None and node.value not in (None, ""):  # omitempty: "" is the default
            config[key] = node
    paths: list[str] = []
    spec = root.value.get("spec") if isinstance(root.value, dict) else None
    if spec is not None:
        for _path, mapping in manifests.mappings(spec):
            path = _text(mapping.value.get("path"))
            if path and path.startswith("/"):
                paths.append(path)
    named = annotations.key_locations[ANNOTATION + "enable-cors"]
    return _Plugin(config, named, enabled.location, crd, tuple(dict.fromkeys(paths)), annotations=True)


_FIXES: Final = {
    "allow_origins": "the origins, joined by `,`",
    "allow_methods": "the methods (`GET,POST`), or `**` for all",
    "allow_headers": "the headers (`Authorization,Content-Type`), or `**` to echo what is asked",
    "expose_headers": "the headers",
    "timing_allow_origins": "the origins",
}


class _Reader:
    def __init__(
        self, plugin: _Plugin, text: manifests.Text, metadata: dict[str, Node] | None, result: ParsedFile
    ) -> None:
        self.plugin = plugin
        self.text = text
        self.metadata = metadata
        self.result = result
        self.rejected: str | None = None
        self.scope = f"apisix@{plugin.named.line}"

    def note(self, kind: ProblemKind, message: str, location: Location) -> None:
        self.result.problems.append(InputProblem(kind, message, location))

    def refuse(self, message: str, location: Location) -> None:
        self.note(ProblemKind.SCHEMA, message, location)
        if self.rejected is None:
            self.rejected = message

    def string(self, key: str) -> str | None:
        node = self.plugin.config.get(key)
        if node is None:
            return None
        if not isinstance(node.value, str):
            self.refuse(f"{REFUSED}: `{key}` must be a string, not {node.plain()!r}", node.location)
            return None
        return node.value

    def listed(self, key: str) -> Setting[tuple[str, ...]] | None:
        node = self.plugin.config.get(key)
        value = self.string(key)
        if node is None or value is None or value == "**":
            return None
        return Setting(manifests.words(value), node.location)

    def context(self) -> CorsContext:
        plugin, config = self.plugin, self.plugin.config
        credentials: Setting[bool | None] = Setting(False, plugin.named, True)
        if "allow_credential" in config:
            credentials = manifests.read_flag(
                "allow_credential", config["allow_credential"], self.result.problems
            )
        if plugin.secret is not None:
            message = (
                f"`secretRef: {plugin.secret.value}` merges this plugin's config with a Secret that is not "
                "in this file: what it sets was not checked"
            )
            self.note(ProblemKind.NOT_ANALYSED, message, plugin.secret.location)
        matchers = self.matchers(credentials.value is not False)
        if self.check_credentials(credentials):
            # the refusal is the `*` entry's one finding: no OL401 besides it on the same flaw
            matchers = [m for m in matchers if m.kind is not MatcherKind.ANY]
        if plugin.disabled:  # kept for `match` to say so; its settings send nothing
            for matcher in matchers:
                matcher.status, matcher.note = Status.INACTIVE, DISABLED_NOTE
            return CorsContext(matchers, plugin.location, name=plugin.owner, rejected=self.rejected)
        headers = self.plugin.config.get("allow_headers")
        echoed = (("headers", headers.location),) if headers is not None and headers.value == "**" else ()
        max_age = config.get("max_age")
        return CorsContext(
            matchers=matchers,
            location=plugin.location,
            credentials=credentials,
            allow_methods=self.listed("allow_methods"),
            allow_headers=self.listed("allow_headers"),
            expose_headers=self.listed("expose_headers"),
            max_age=manifests.read_seconds("max_age", max_age, self.result.problems) if max_age else None,
            name=plugin.owner,
            echoed=echoed,
            rejected=self.rejected,
            paths=plugin.paths,
        )

    def check_credentials(self, credentials: Setting[bool | None]) -> bool:
        """check_schema: `allow_credential: true` with a `*` (written or default) is refused.
        Whether `allow_origins` is the `*` refused."""
        if credentials.value is not True:
            return False
        star_origin = False
        where = credentials.location or self.plugin.named
        for key in (
            "allow_origins",
            "allow_methods",
            "allow_headers",
            "expose_headers",
            "timing_allow_origins",
        ):
            node = self.plugin.config.get(key)
            default = node is None and key in ("allow_origins", "allow_methods", "allow_headers")
            if default or (node is not None and node.value == "*"):
                said = f"`{key}` is `*` (its default)" if default else f"`{key}` is `*`"
                fix = _FIXES[key]
                message = (
                    f"{REFUSED}: {said} while `allow_credential` is true (\"you can not set '*' for other "
                    f"option when 'allow_credential' is true\", check_schema); set `{key}` to {fix}"
                )
                self.refuse(message, node.location if node is not None else where)
                star_origin = star_origin or key == "allow_origins"
        return star_origin

    def matchers(self, with_credentials: bool) -> list[OriginMatcher]:
        config = self.plugin.config
        out: list[OriginMatcher] = []
        origins = self.string("allow_origins")
        node = config.get("allow_origins")
        local = self.allow_origins(origins if origins is not None else "*", node)
        regexes = self.regexes()
        by_metadata = self.by_metadata()
        ignored: str | None = None
        if "allow_origins_by_metadata" in config and (origins is None or origins == "*"):
            ignored = META_NOTE
        for matcher in local:
            if "allow_origins_by_regex" in config:
                matcher.status, matcher.note = Status.INACTIVE, REGEX_NOTE
            elif ignored is not None:
                matcher.status, matcher.note = Status.INACTIVE, ignored
        for matcher in regexes:
            if ignored is not None:
                matcher.status, matcher.note = Status.INACTIVE, ignored
        out.extend(local)
        out.extend(regexes)
        out.extend(by_metadata)
        return out

    def allow_origins(
        self, value: str, node: Node | None, owner: str = "allow_origins"
    ) -> list[OriginMatcher]:
        at = node.location if node is not None else self.plugin.named
        if manifests.template_expression(value) is not None:
            self.note(ProblemKind.NOT_ANALYSED, manifests.placeholder_origin(value, False), at)
            return []
        if ORIGINS_PATTERN.fullmatch(value.removesuffix("\n")) is None:  # PCRE `$`: before a last \n too
            self.refuse(
                f"{REFUSED}: `{owner}` must be `*`, `**`, `null` or `scheme://host[:port]` origins joined by "
                f"`,` with no spaces (the schema's pattern), not `{value}`; write "
                f"`{','.join(manifests.words(value)) or '*'}`",
                at,
            )
            return []
        default = node is None
        if value == "*":
            return [
                OriginMatcher(
                    MatcherKind.ANY, value, at, EXACT_ENGINE, scope=self.scope, from_default=default
                )
            ]
        if value == "**":
            return [
                OriginMatcher(
                    MatcherKind.REFLECTED, value, at, EXACT_ENGINE, note=ECHO_NOTE, scope=self.scope
                )
            ]
        if value == "null":
            return [OriginMatcher(MatcherKind.NULL, value, at, EXACT_ENGINE, scope=self.scope)]
        items = tuple(value.split(","))
        spots = self.text.items(node, items) if node is not None else [at] * len(items)
        return [
            OriginMatcher(MatcherKind.EXACT, item, spot, EXACT_ENGINE, scope=self.scope)
            for item, spot in zip(items, spots, strict=True)
        ]

    def regexes(self) -> list[OriginMatcher]:
        node = self.plugin.config.get("allow_origins_by_regex")
        if node is None or manifests.rendered_later(node, "allow_origins_by_regex", self.result.problems):
            return []
        if not isinstance(node.value, list) or not node.value:
            self.refuse(
                f"{REFUSED}: `allow_origins_by_regex` must be a list of at least one regex", node.location
            )
            return []
        out = []
        for item in node.value:
            if not isinstance(item.value, str) or not item.value:
                self.refuse(
                    f"{REFUSED}: each `allow_origins_by_regex` item must be a non-empty string", item.location
                )
                continue
            if manifests.template_expression(item.value) is not None:
                self.note(
                    ProblemKind.NOT_ANALYSED, manifests.placeholder_origin(item.value, False), item.location
                )
                continue
            reason = pcre_syntax.refusal(item.value)
            if reason is not None:
                self.refuse(
                    f"{REFUSED}: PCRE cannot compile the regex `{item.value}` ({reason}; re_compile in "
                    "check_schema); fix the pattern",
                    item.location,
                )
                continue
            out.append(
                OriginMatcher(MatcherKind.REGEX, item.value, item.location, APISIX_REGEX, scope=self.scope)
            )
        return out

    def by_metadata(self) -> list[OriginMatcher]:
        node = self.plugin.config.get("allow_origins_by_metadata")
        if node is None:
            return []
        if not isinstance(node.value, list):
            self.refuse(f"{REFUSED}: `allow_origins_by_metadata` must be a list of keys", node.location)
            return []
        out: list[OriginMatcher] = []
        for item in node.value:
            key = _text(item)
            value = self.metadata.get(key) if self.metadata is not None and key is not None else None
            if value is None or not isinstance(value.value, str):
                message = (
                    f"`{item.plain()}` names an origin list in the cors plugin metadata, which is not in "
                    "this file: its origins were not checked; check `allow_origins` in the `plugin_metadata` "
                    "with id `cors`"
                )
                self.note(ProblemKind.NOT_ANALYSED, message, item.location)
                continue
            if value.value in ("*", "**"):  # match_origins then returns the request's Origin
                out.append(
                    OriginMatcher(
                        MatcherKind.REFLECTED,
                        value.value,
                        value.location,
                        EXACT_ENGINE,
                        note=META_ECHO_NOTE,
                        scope=self.scope,
                    )
                )
                continue
            out.extend(self.allow_origins(value.value, value, f"allow_origins.{key}"))
        return out
