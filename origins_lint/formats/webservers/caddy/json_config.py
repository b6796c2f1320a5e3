"""The Caddy JSON config reader: `apps.http.servers.*.routes` to `response_headers.Scope`s.

As modules/caddyhttp/routes.go and the handlers' JSON: a route's `match` is a list of matcher
sets, OR'ed, each an object of matchers AND'ed (`header`: field to a list of values,
`header_regexp`: field to `{"pattern", "name"}`, `not`: a list of sets, `expression`: CEL);
header field names fold case (`textproto.CanonicalMIMEHeaderKey`). A route's `handle` list
runs in order: a `headers` handler's `response` holds `set`, `add` (field to a list of
values), `delete` (a list of fields), `replace`, `deferred` and `require`; a `subroute`
handler runs its own `routes`; `reverse_proxy`'s `headers.response` edits the proxied
response the same way; `static_response` sets its `headers` (staticresp.go). A `subroute`
in a route with a `group` is exclusive with the group's other routes (only the first that
matches runs), as Caddyfile `handle` blocks adapt to: a child scope. The server's
`errors.routes` answer its error responses.
"""

from __future__ import annotations

from typing import Final

from origins_lint.formats.readers import response_headers
from origins_lint.formats.readers.json_tree import load_json
from origins_lint.formats.readers.re2_syntax import refusal
from origins_lint.formats.readers.tree import Node
from origins_lint.formats.webservers.caddy import routes
from origins_lint.model import InputProblem, MatcherKind, OriginMatcher, ProblemKind

STYLE: Final = routes.style('add `"Vary": ["Origin"]` to this handler\'s `response.add`')


def read(path: str, text: str) -> tuple[list[response_headers.Scope], list[InputProblem]]:
    root, problems = load_json(path, text)
    if root is None:
        return [], problems
    reader = _Reader(problems)
    servers = _get(_get(_get(root, "apps"), "http"), "servers")
    if servers is None or not isinstance(servers.value, dict):
        problems.append(
            InputProblem(
                ProblemKind.SCHEMA,
                'a Caddy JSON config holds its sites under `"apps": {"http": {"servers": {...}}}`; '
                "this file has none, so nothing in it was checked",
                root.location,
            )
        )
        return [], problems
    scopes = []
    for name, server in servers.value.items():
        scope = response_headers.Scope(name, servers.key_locations.get(name, server.location))
        reader.route_list(_get(server, "routes"), scope, ())
        errors = _get(_get(server, "errors"), "routes")
        if errors is not None:
            child = response_headers.Scope(f"{name} errors", errors.location)
            reader.route_list(errors, child, ())
            scope.children.append(child)
        scopes.append(scope)
    return scopes, problems


def _get(node: Node | None, key: str) -> Node | None:
    if node is None or not isinstance(node.value, dict):
        return None
    return node.value.get(key)


def _items(node: Node | None) -> list[Node]:
    return list(node.value) if node is not None and isinstance(node.value, list) else []


def _text(node: Node | None) -> str | None:
    return node.value if node is not None and isinstance(node.value, str) else None


class _Reader:
    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = problems

    def route_list(
        self, node: Node | None, scope: response_headers.Scope, guards: tuple[response_headers.Guard, ...]
    ) -> None:
        for route in _items(node):
            guard = self.guard(_get(route, "match"))
            inner = guards if guard is None else (*guards, guard)
            grouped = _text(_get(route, "group")) is not None
            for handler in _items(_get(route, "handle")):
                kind = _text(_get(handler, "handler"))
                if kind == "headers":
                    self.ops(_get(handler, "response"), scope, inner)
                elif kind == "reverse_proxy":
                    self.ops(_get(_get(handler, "headers"), "response"), scope, inner)
                elif kind == "static_response":  # its `headers` are set on the response it writes
                    headers = _get(handler, "headers")
                    if headers is not None:
                        self.ops(Node({"set": headers}, headers.location), scope, inner)
                elif kind == "subroute":
                    target = scope
                    if grouped:
                        target = response_headers.Scope(f"{scope.name} route", route.location)
                        scope.children.append(target)
                    self.route_list(_get(handler, "routes"), target, inner)

    def guard(self, node: Node | None) -> response_headers.Guard | None:
        sets = _items(node)
        if not sets:
            return None
        checks = [self.matcher_set(item) for item in sets]
        return response_headers.Guard(
            "match", node.location if node is not None else sets[0].location, response_headers.either(checks)
        )

    def matcher_set(self, node: Node) -> response_headers.OriginCheck | None:
        if not isinstance(node.value, dict):
            return None
        header: response_headers.OriginCheck | None = None
        regexp: response_headers.OriginCheck | None = None
        others: list[response_headers.OriginCheck] = []
        for key, value in node.value.items():
            if key == "header":
                values = _origin(value)
                if values is not None and not isinstance(values.value, list | None):
                    self.problems.append(
                        InputProblem(
                            ProblemKind.SCHEMA,
                            "Caddy refuses to load this config: a `header` matcher maps a field to a "
                            'list of values (`"Origin": ["https://app.example.com"]`)',
                            values.location,
                        )
                    )
                    header = response_headers.OriginCheck()
                elif values is not None:
                    found = [
                        (item.value, item.location) for item in _items(values) if isinstance(item.value, str)
                    ]
                    header = routes.header_matchers(found, f"caddy-json@{values.location.line}")
            elif key == "header_regexp":
                regexp = self.regexp(_origin(value)) or regexp
            elif key == "not":
                for inner in _items(value):
                    check = self.matcher_set(inner)
                    if check is not None:
                        others.append(response_headers.negated(value.location, "not: header Origin"))
            elif key == "expression" and "origin" in str(value.plain()).lower():
                reason = (
                    "this CEL `expression` reads `Origin`, which origins-lint does not evaluate: check "
                    "by hand which origins pass it"
                )
                others.append(response_headers.unknown_check(reason, value.location))
        check = response_headers.both(header, regexp)
        for other in others:
            check = other if check is None else response_headers.either([check, other])
        return check

    def regexp(self, node: Node | None) -> response_headers.OriginCheck | None:
        pattern = _get(node, "pattern")
        if pattern is None or not isinstance(pattern.value, str):
            return None
        reason = refusal(pattern.value)
        if reason is not None:
            self.problems.append(
                InputProblem(
                    ProblemKind.SCHEMA,
                    f"Caddy refuses to load this config: Go's regexp cannot compile `{pattern.value}`: "
                    f"{reason}; rewrite it with plain groups, classes and anchors",
                    pattern.location,
                )
            )
            return response_headers.OriginCheck()
        matcher = OriginMatcher(MatcherKind.REGEX, pattern.value, pattern.location, routes.CADDY_REGEXP)
        return response_headers.OriginCheck((matcher,))

    def ops(
        self, response: Node | None, scope: response_headers.Scope, guards: tuple[response_headers.Guard, ...]
    ) -> None:
        if response is None or not isinstance(response.value, dict):
            return
        deferred = _get(response, "deferred")
        later = bool(deferred is not None and deferred.value is True)
        require = _get(response, "require")
        if require is not None:  # applied only to responses that pass it (`?` in a Caddyfile)
            guards = (*guards, response_headers.Guard("require", require.location))
            later = True
        deletes = _items(_get(response, "delete"))
        later = later or bool(deletes)
        for action in ("add", "set"):  # headers.go ApplyTo: add, then set, then delete
            fields = _get(response, action)
            if fields is None or not isinstance(fields.value, dict):
                continue
            for name, values in fields.value.items():
                at = fields.key_locations.get(name, values.location)
                items = [item for item in _items(values) if isinstance(item.value, str)]
                if action == "set" and items:  # `set` sends its values joined by `,`
                    where = items[0].location if len(items) == 1 else values.location
                    value = ",".join(item.value for item in items)
                    scope.ops.append(response_headers.Op("set", name, value, at, where, guards, later))
                for item in items if action == "add" else []:
                    scope.ops.append(
                        response_headers.Op("add", name, item.value, at, item.location, guards, later)
                    )
        for item in deletes:
            if isinstance(item.value, str):
                scope.ops.append(
                    response_headers.Op("delete", item.value, "", item.location, item.location, guards, True)
                )
        replaces = _get(response, "replace")
        if replaces is not None and isinstance(replaces.value, dict):
            for name in replaces.value:
                at = replaces.key_locations.get(name, replaces.location)
                scope.ops.append(response_headers.Op("replace", name, "", at, at, guards, later))


def _origin(node: Node | None) -> Node | None:
    """The `Origin` entry of a field map, whatever its case."""
    if node is None or not isinstance(node.value, dict):
        return None
    return next((value for key, value in node.value.items() if key.lower() == "origin"), None)
