"""Serverless Framework services (`serverless.yml`, `.yaml`, `.json`): the CORS they deploy.

Semantics from github:serverless/serverless (commit b9d7ea51), packages/serverless/lib/plugins/
aws/package/compile/events/:
- `functions.*.events[].http.cors` (REST API): `true` means origin `*`, the default headers and
  no credentials; an object's `origin` (default `*`, dropped when `origins` is given), `origins`,
  `allowCredentials`, `headers`, `methods`, `maxAge` (api-gateway/lib/validate.js `getCors`).
  Events on the same path share one `OPTIONS` method: their `origins` are united, the last one's
  `origin` is kept and credentials are on if any event turns them on (`validate`). What that
  method answers is `rest_api`'s reading of cors.js `compileCors`: one origin is a static header;
  a list (or an `origin` with commas) is matched by a VTL template as Java regexes (`.` escaped,
  the first `*` made `.+`) and the matching Origin sent back. With `integration: lambda` (not
  proxy) the method's own responses carry `'origins joined by commas'` as a static header
  (api-gateway/lib/method/integration.js `getIntegrationResponses`): several origins there is one
  header browsers reject.
- `provider.httpApi.cors` (HTTP API): `true` or an object whose `allowedOrigins` default to `*`,
  with `allowCredentials` (http-api.js `resolveConfiguration`): an HTTP API's CORS configuration,
  shared with the other AWS formats. Serverless refuses `cors` with an external `httpApi.id`.
- `resources.Resources` is CloudFormation, read as the CloudFormation format reads a template.
- `functions` and `resources` may be lists whose parts Serverless merges; a part (or a function)
  taken from another file with `${file(...)}` is not followed: OL004, never a silent skip.

Variables: `${self:...}` that points at a plain value in this file is resolved (recursively);
`${env:...}`, `${opt:...}`, `${ssm:...}`, `${file(...)}` and the rest are resolved by Serverless
when it deploys: what depends on them is OL004, and their fixed text is still judged.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Final

from origins_lint.formats.base import UNCLAIMED, FormatOptions
from origins_lint.formats.cloud import openapi, rest_api
from origins_lint.formats.cloud.cloudformation import Template, is_serverless, mapping
from origins_lint.formats.cloud.intrinsics import TAGS, Text
from origins_lint.formats.readers.json_tree import load_json
from origins_lint.formats.readers.tree import Node
from origins_lint.formats.readers.yaml_tree import load_documents
from origins_lint.model import (
    CorsContext,
    Document,
    HeaderLine,
    InputProblem,
    Location,
    OriginMatcher,
    ParsedFile,
    ProblemKind,
    Setting,
)
from origins_lint.source import Source
from origins_lint.template_origin import decides_exact

NAME = "serverless"
_VARIABLE: Final = re.compile(r"\$\{([^{}]+)\}")
_MAX_DEPTH: Final = 10  # `${self:...}` pointing at another: Serverless resolves chains, not cycles
DEFAULT_HEADERS: Final = (
    "Content-Type",
    "X-Amz-Date",
    "Authorization",
    "X-Api-Key",
    "X-Amz-Security-Token",
    "X-Amz-User-Agent",
    "X-Amzn-Trace-Id",
)


def wants(path: str) -> bool:
    name = os.path.basename(path).lower()
    return is_serverless(name) and name.endswith((".yml", ".yaml", ".json"))


def detect(path: str, text: str) -> bool:
    return wants(path) and ("cors" in text or "Cors" in text)


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    if source.path.endswith(".json"):
        node, problems = load_json(source.path, source.text)
        roots = [node] if node is not None else []
    else:
        loaded = load_documents(source.path, source.text, TAGS)
        roots, problems = loaded.documents, loaded.problems
    result = ParsedFile(source.path, NAME, problems=list(problems))
    for root in roots[:1]:  # Serverless reads the first document
        if not isinstance(root.value, dict):
            continue
        document = Document(source.path, NAME, root.location)
        service = Service(root, result.problems)
        document.contexts.extend(service.http_events())
        document.contexts.extend(service.http_api())
        document.contexts.extend(service.resources())
        if document.contexts:
            result.documents.append(document)
    if not result.documents and not result.problems:
        return ParsedFile(source.path, UNCLAIMED)  # no CORS in this service: not counted as checked
    return result


@dataclass(slots=True)
class _Path:
    """The `OPTIONS` method of one path, as the events on it make it (validate.js)."""

    origins: list[Text] = field(default_factory=list)
    origin: Text | None = None
    credentials: Setting[bool | None] = field(default_factory=lambda: Setting(False))
    location: Location | None = None
    name: str = ""
    headers: tuple[str, ...] = DEFAULT_HEADERS
    max_age: Setting[int] | None = None
    from_default: bool = False


class Service:
    def __init__(self, root: Node, problems: list[InputProblem]) -> None:
        self.root = root
        self.problems = problems

    # --- variables -------------------------------------------------------------------------------
    def resolved(self, node: Node, depth: int = 0) -> Node:
        """The value with the `${self:...}` it can resolve in this file resolved; the others kept."""
        if not isinstance(node.value, str) or "${" not in node.value or depth > _MAX_DEPTH:
            return node
        whole = _VARIABLE.fullmatch(node.value.strip())
        if whole is not None:
            target = self._lookup(whole.group(1))
            if target is not None:
                return self.resolved(target, depth + 1)
            return node

        def substitute(found: re.Match[str]) -> str:
            target = self._lookup(found.group(1))
            if target is not None:
                target = self.resolved(target, depth + 1)
            scalar = target is not None and isinstance(target.value, str | int | float)
            if target is not None and scalar and "${" not in str(target.value):
                return str(target.value)
            return found.group(0)

        return Node(_VARIABLE.sub(substitute, node.value), node.location, node.key_locations)

    def _lookup(self, expression: str) -> Node | None:
        source = expression.split(",", maxsplit=1)[0].strip()  # `${self:x, 'fallback'}`: x when it is set
        if not source.startswith("self:"):
            return None
        node: Node | None = self.root
        for part in source.removeprefix("self:").split("."):
            node = mapping(node).get(part) if part else node
            if node is None:
                return None
        return node

    def unresolved(self, what: str, node: Node) -> bool:
        """A whole setting left to a deploy-time variable (`cors: ${env:CORS}`): said, not guessed."""
        return self._variable(
            node,
            f"`{what}` is `{node.value}`, a variable Serverless resolves when it deploys, so the CORS "
            "it sets was not analysed: check the resolved value (`serverless print`)",
        )

    def _variable(self, node: Node, message: str) -> bool:
        """Whether ``node`` is a `${...}` variable; if so, ``message`` is said (OL004) at it."""
        if not isinstance(node.value, str) or _VARIABLE.search(node.value) is None:
            return False
        self.problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, node.location))
        return True

    def texts(self, what: str, node: Node) -> list[Text]:
        value = self.resolved(node)
        if not isinstance(value.value, str):
            return []
        found = _VARIABLE.search(value.value)
        if found is not None and not decides_exact(value.value):
            message = (
                f"`{what}` holds `{found.group(0)}`, a variable Serverless resolves when it deploys, "
                "so the origins it allows were not analysed: check the resolved value "
                "(`serverless print`)"
            )
            self.problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, node.location))
        return [Text(value.value, value.location)]

    def items(self, what: str, node: Node) -> list[Text]:
        value = self.resolved(node)
        if isinstance(value.value, str):
            if _VARIABLE.fullmatch(value.value.strip()):
                return self.texts(what, value)  # a list filled in at deploy: said not analysed
            message = f"`{what}` must be a list of origins"
            self.problems.append(InputProblem(ProblemKind.SCHEMA, message, value.location))
            return []
        if not isinstance(value.value, list):
            return []
        return [text for item in value.value for text in self.texts(what, item)]

    def flag(self, what: str, node: Node | None) -> Setting[bool | None]:
        if node is None:
            return Setting(False)
        value = self.resolved(node)
        if isinstance(value.value, bool):
            return Setting(value.value, node.location)
        if isinstance(value.value, str) and "${" in value.value:
            message = (
                f"`{what}` is `{value.value}`, a variable Serverless resolves when it deploys: "
                "credentials count as on"
            )
            self.problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, node.location))
            return Setting(None, node.location)
        # JavaScript's `Boolean(...)`: any non-empty string, any number but 0, is true
        truthy = value.value not in (None, "", 0)
        return Setting(truthy, node.location)

    def functions(self) -> list[tuple[str, Node]]:
        """`functions` as a mapping or a list of mappings (Serverless merges them); a part taken from
        another file (`${file(functions.yml)}`) is not followed: said (OL004)."""
        node = self.root.value.get("functions")
        parts = node.value if node is not None and isinstance(node.value, list) else [node] if node else []
        out: list[tuple[str, Node]] = []
        for part in parts:
            if self.elsewhere("functions", part):
                continue
            for name, function in mapping(part).items():
                if not self.elsewhere(f"functions.{name}", function):
                    out.append((name, function))
        return out

    def elsewhere(self, what: str, node: Node) -> bool:
        """A part of the service written in another file or source (`${file(...)}`): not followed."""
        return self._variable(
            node,
            f"`{what}` is taken from `{node.value}`, which origins-lint does not follow: the CORS "
            "settings there were not checked; check that file",
        )

    # --- resources: CloudFormation ---------------------------------------------------------------
    def resources(self) -> list[CorsContext]:
        """`resources.Resources`, or each part of a `resources` list (Serverless merges them); a part
        taken from another file (`${file(resources.yml)}`) is not followed: said (OL004)."""
        node = self.root.value.get("resources")
        parts = node.value if node is not None and isinstance(node.value, list) else [node] if node else []
        out: list[CorsContext] = []
        for part in parts:
            if self.elsewhere("resources", part):
                continue
            found = mapping(part).get("Resources")
            if found is not None:
                out.extend(Template(self.root, self.problems).contexts(found))
        return out

    # --- REST API http events --------------------------------------------------------------------
    def http_events(self) -> list[CorsContext]:
        paths: dict[str, _Path] = {}
        static: list[CorsContext] = []
        for function_name, function in self.functions():
            events = mapping(function).get("events")
            if events is not None and self.elsewhere(f"{function_name}.events", events):
                continue
            if events is None or not isinstance(events.value, list):
                continue
            for event in events.value:
                http = mapping(event).get("http")
                if http is None or not isinstance(http.value, dict):
                    continue  # `http: GET /path` has no cors
                cors = http.value.get("cors")
                if cors is None:
                    continue
                cors = self.resolved(cors)
                if cors.value is False or cors.value is None or self.unresolved("cors", cors):
                    continue
                path_node = http.value.get("path")
                path = str(path_node.value if path_node is not None else "").strip("/")
                entry = paths.setdefault(path, _Path(name=f"http /{path}"))
                entry.location = entry.location or cors.location
                self._merge(entry, cors, function_name)
                static.extend(self._integration_header(http, cors, function_name))
        return [*(self._preflight(entry) for entry in paths.values() if entry.location), *static]

    def _merge(self, entry: _Path, cors: Node, function_name: str) -> None:
        if not isinstance(cors.value, dict):  # `cors: true`: origin `*`, the default headers
            entry.origin = Text("*", cors.location)
            entry.from_default = True
            return
        values: dict[str, Node] = cors.value
        if "origins" in values:
            seen = {text.text for text in entry.origins}
            for text in self.items("origins", values["origins"]):
                if text.text not in seen:  # lodash `_.union`
                    entry.origins.append(text)
                    seen.add(text.text)
            entry.origin = None
        origin = values.get("origin")
        if origin is not None:
            texts = self.texts("origin", origin)
            entry.origin = texts[0] if texts else None
        elif "origins" not in values:
            entry.origin, entry.from_default = Text("*", cors.location), True
        credentials = self.flag("allowCredentials", values.get("allowCredentials"))
        if credentials.value is not False and entry.credentials.value is not True:
            entry.credentials = credentials
        max_age = values.get("maxAge")
        if max_age is not None and isinstance(max_age.value, int) and not isinstance(max_age.value, bool):
            entry.max_age = Setting(max_age.value, max_age.location)

    def _preflight(self, entry: _Path) -> CorsContext:
        """The `OPTIONS` method cors.js builds for one path."""
        assert entry.location is not None
        origins = list(entry.origins)
        origin = entry.origin
        if origin is not None and "," in origin.text:
            origins = [Text(part.strip(), origin.location) for part in origin.text.split(",")]
        scope = f"serverless@{entry.location.line}"
        matchers: list[OriginMatcher]
        headers: tuple[HeaderLine, ...] = ()
        if origins:
            matchers = [rest_api.template_item(text.text, text.location, scope) for text in origins]
        elif origin is not None:
            static = rest_api.static_header(origin.text, origin.location, origin.location, scope)
            matchers, headers = static.matchers, static.headers
            for matcher in matchers:
                matcher.from_default = entry.from_default
        else:
            matchers = []
        return CorsContext(
            matchers,
            entry.location,
            credentials=entry.credentials,
            allow_headers=Setting(entry.headers, entry.location, from_default=True),
            max_age=entry.max_age,
            headers=headers,
            name=entry.name,
        )

    def _integration_header(self, http: Node, cors: Node, function_name: str) -> list[CorsContext]:
        """`integration: lambda` (not proxy): every response carries `'origins joined'` as sent."""
        integration = http.value.get("integration")
        if integration is None or str(integration.value).lower() not in ("lambda", "aws"):
            return []
        origins = mapping(cors).get("origins")
        texts = self.items("origins", origins) if origins is not None else []
        if len(texts) < 2:
            return []  # one origin: the preflight's reading says what it admits
        value = ",".join(text.text for text in texts)
        at = origins.location if origins is not None else cors.location
        static = rest_api.static_header(value, at, texts[0].location, "")
        return [
            CorsContext(
                [],
                cors.location,
                headers=static.headers,
                name=f"{function_name} integration response",
            )
        ]

    # --- HTTP API --------------------------------------------------------------------------------
    def http_api(self) -> list[CorsContext]:
        provider = mapping(self.root.value.get("provider"))
        http_api = provider.get("httpApi")
        cors = mapping(http_api).get("cors")
        if cors is None or http_api is None:
            return []
        cors = self.resolved(cors)
        if cors.value is False or cors.value is None or self.unresolved("httpApi.cors", cors):
            return []
        if "id" in mapping(http_api):
            message = (
                "Serverless refuses this when it packages the service: `cors` cannot be set for an "
                'external HTTP API (`httpApi.id`) ("Cannot setup CORS rules for externally configured '
                'HTTP API"); configure CORS where that API is defined'
            )
            self.problems.append(InputProblem(ProblemKind.SCHEMA, message, cors.location))
            return []
        if not isinstance(cors.value, dict):
            star = [Text("*", cors.location)]
            context = openapi.http_api(star, Setting(False), cors.location, self.problems, None, "")
            for matcher in context.matchers:
                matcher.from_default = True
            return [context]
        values: dict[str, Node] = cors.value
        origins_node = values.get("allowedOrigins")
        origins = [Text("*", cors.location)]  # http-api.js `defaultCors.allowedOrigins`
        before = len(self.problems)
        if origins_node is not None:
            origins = self.items("allowedOrigins", origins_node)
        partial = len(self.problems) > before
        credentials: Setting[bool | None] = Setting(False)
        if "allowCredentials" in values:
            credentials = self.flag("allowCredentials", values["allowCredentials"])
        context = openapi.http_api(
            origins, credentials, cors.location, self.problems, "provider.httpApi", "allowedOrigins", partial
        )
        if origins_node is None:
            for matcher in context.matchers:
                matcher.from_default = True
        return [context]
