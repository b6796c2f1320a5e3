"""APISIX's `response-rewrite` plugin writing CORS headers, read as its `header_filter` runs.

apache/apisix @ f519a0f0, apisix/plugins/response-rewrite.lua: `headers` is either a map of
fields to set (the old form) or `{add: ["Field: value"], set: {Field: value}, remove: [Field]}`;
`header_filter` adds, then sets (replacing what the `cors` plugin, which runs before it at a
higher priority, or the upstream sent), then removes. Each value goes through
`core.utils.resolve_var`: `$http_origin` (or `${http_origin}`) is the request's Origin, echoed;
another `$http_*` header is text the sender chooses; `$host`, `$scheme`, `$server_name` are the
server's own; any other variable is not analysed (OL004). An `add` item must match the schema's
`^[^:]+:[^:]*[^/]$`, so an origin with its `https://` cannot be added, only set. With `vars`,
the rewrite runs only when its expression holds; one that reads the Origin is not analysed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from origins_lint.formats.readers import manifests, response_headers
from origins_lint.formats.readers.tree import Node
from origins_lint.model import CorsContext, InputProblem, ProblemKind

_VARIABLE: Final = re.compile(r"\$\{?([A-Za-z0-9_]+)\}?")
_SELF: Final = frozenset({"host", "scheme", "server_name", "server_port", "http_host"})
_ADD: Final = re.compile(r"^([^:\s]+)\s*:\s*([^:]+)$")  # create_header_operation


@lru_cache(maxsize=4096)
def value(text: str) -> response_headers.Value:
    """A header value as `resolve_var` fills it in."""
    found = list(_VARIABLE.finditer(text))
    if not found:
        return response_headers.Value(text)
    echo = False
    request: str | None = None
    unknown: str | None = None
    for match in found:
        name = match.group(1).lower()
        if name == "http_origin":
            echo = True
        elif name in _SELF:
            continue
        elif name.startswith(("http_", "arg_", "cookie_")):
            request = request or match.group()
        else:
            unknown = unknown or match.group()
    return response_headers.Value(None, echo, False, request, unknown, not (echo or request or unknown))


STYLE: Final = response_headers.Style(
    "set `Vary: Origin` in the same `response-rewrite` `headers`",
    reader=value,
    filled="by APISIX for each request (a variable origins-lint does not analyse)",
)


def sniff(text: str) -> bool:
    return "response-rewrite" in text and "access-control-" in text.lower()


def contexts(
    config: dict[str, Node], name: str | None, paths: tuple[str, ...], problems: list[InputProblem]
) -> list[CorsContext]:
    """The response context one `response-rewrite` config makes, if it writes CORS headers."""
    headers = config.get("headers")
    if headers is None or not isinstance(headers.value, dict):
        return []
    ops = _ops(headers)
    if not any(op.key.startswith("access-control-") for op in ops):
        return []
    conditions = config.get("vars")
    if conditions is not None and "http_origin" in repr(conditions.plain()):
        message = (
            "this `response-rewrite` runs only when its `vars` hold, and they read the Origin, which "
            "origins-lint does not analyse: check which origins get the CORS headers it writes"
        )
        problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, conditions.location))
        return []
    scope = response_headers.Scope(name or "response-rewrite", headers.location, ops, paths=paths)
    return response_headers.contexts(scope, STYLE, problems)


def _ops(headers: Node) -> list[response_headers.Op]:
    """The operations in the order `header_filter` runs them: add, set, remove."""
    block: dict[str, Node] = headers.value
    new_form = any(
        key in block and isinstance(block[key].value, list | dict) for key in ("add", "set", "remove")
    )
    adds: list[response_headers.Op] = []
    sets: list[response_headers.Op] = []
    removes: list[response_headers.Op] = []
    if not new_form:
        return [_op("set", field, node, headers) for field, node in block.items()]
    added = block.get("add")
    for item in added.value if added is not None and isinstance(added.value, list) else []:
        found = _ADD.match(item.value) if isinstance(item.value, str) else None
        if found is not None:
            adds.append(
                response_headers.Op(
                    "add", found.group(1), found.group(2).strip(), item.location, item.location
                )
            )
    written = block.get("set")
    if written is not None and isinstance(written.value, dict):
        sets = [_op("set", field, node, written) for field, node in written.value.items()]
    removed = block.get("remove")
    for item in removed.value if removed is not None and isinstance(removed.value, list) else []:
        if isinstance(item.value, str):
            removes.append(response_headers.Op("delete", item.value, "", item.location, item.location))
    return adds + sets + removes


def _op(action: str, field: str, node: Node, parent: Node) -> response_headers.Op:
    text = node.value if isinstance(node.value, str) else str(node.value)
    return response_headers.Op(
        action, field, text, parent.key_locations.get(field, node.location), node.location
    )


def plugin_configs(root: Node) -> list[tuple[dict[str, Node], dict[str, Node], tuple[str, ...]]]:
    """Every enabled `response-rewrite` config in a document (a `plugins` map, or a CRD's list of
    `{name, enable, config}`), with the mapping that holds it and that mapping's path."""
    found: list[tuple[dict[str, Node], dict[str, Node], tuple[str, ...]]] = []
    for path, mapping in manifests.mappings(root):
        plugins = mapping.value.get("plugins")
        listed = plugins.value if plugins is not None else None
        if isinstance(listed, dict):
            rewrite = listed.get("response-rewrite")
            if rewrite is not None and isinstance(rewrite.value, dict):
                found.append((rewrite.value, mapping.value, path))
        elif isinstance(listed, list):
            for item in listed:
                entry = item.value if isinstance(item.value, dict) else {}
                named, config, enable = entry.get("name"), entry.get("config"), entry.get("enable")
                if named is None or named.value != "response-rewrite":
                    continue
                if enable is not None and manifests.boolean(enable) is False:
                    continue
                if config is not None and isinstance(config.value, dict):
                    found.append((config.value, mapping.value, path))
    return found
