"""Kong's `response-transformer` plugin writing CORS headers, read as it transforms a response.

Kong/kong kong/plugins/response-transformer/header_transformer.lua (`transform_headers`): the
configured `remove`, then `rename`, then `replace` (only a header the response already has),
then `add` (only a header it does not have), then `append` (another value); each item is
`name:value`, split at the first `:` (`iter` in the same module), its value sent as written:
this plugin fills in no template. So `replace` and `add` of one header are alternatives (one
for responses that carry it, one for those that do not), and `append` adds a second value.
A `KongPlugin`/`KongClusterPlugin` with `plugin: response-transformer`, or a declarative
config's plugin entry with `name: response-transformer`, anywhere in the file.
"""

from __future__ import annotations

from typing import Final

from origins_lint.formats.readers import manifests, response_headers
from origins_lint.formats.readers.tree import Node
from origins_lint.model import CorsContext, InputProblem, Location

PLUGIN: Final = "response-transformer"
STYLE: Final = response_headers.Style(
    "append `Vary:Origin` in the same `response-transformer` (`append.headers`)",
    reader=response_headers.Value,  # literal text: Kong fills in nothing here
    filled="by Kong",
)


def sniff(text: str) -> bool:
    return PLUGIN in text and "access-control-" in text.lower()


def contexts(root: Node, problems: list[InputProblem], text: manifests.Text) -> list[CorsContext]:
    """The response context of every `response-transformer` in the document that writes CORS."""
    out: list[CorsContext] = []
    for _path, mapping in manifests.mappings(root):
        values: dict[str, Node] = mapping.value
        named = values.get("name") if "plugin" not in values else values.get("plugin")
        if named is None or named.value != PLUGIN:
            continue
        enabled, disabled = values.get("enabled"), values.get("disabled")
        if (enabled is not None and manifests.boolean(enabled) is False) or (
            disabled is not None and manifests.boolean(disabled) is True
        ):
            continue
        config = values.get("config")
        if config is None or not isinstance(config.value, dict):
            continue
        ops = _ops(config, text)
        if not any(op.key.startswith("access-control-") for op in ops):
            continue
        scope = response_headers.Scope(f"{PLUGIN} at line {named.location.line}", named.location, ops)
        out.extend(response_headers.contexts(scope, STYLE, problems))
    return out


def _ops(config: Node, text: manifests.Text) -> list[response_headers.Op]:
    """remove, replace (if present), add (if absent), append, as `transform_headers` runs them."""
    out: list[response_headers.Op] = []
    for item in _items(config, "remove"):
        out.append(response_headers.Op("delete", str(item.value), "", item.location, item.location))
    for name, value, at, value_at in _pairs(config, "replace", text):
        present = response_headers.Guard("the response already has this header", at)
        out.append(response_headers.Op("set", name, value, at, value_at, (present,)))
    for name, value, at, value_at in _pairs(config, "add", text):
        out.append(response_headers.Op("default", name, value, at, value_at))
    for name, value, at, value_at in _pairs(config, "append", text):
        out.append(response_headers.Op("add", name, value, at, value_at))
    return out


def _items(config: Node, action: str) -> list[Node]:
    block = config.value.get(action)
    headers = manifests.get(block, "headers") if block is not None else None
    listed = headers[1].value if headers is not None else None
    items = listed if isinstance(listed, list) else []
    return [item for item in items if item.value is not None]


def _pairs(config: Node, action: str, text: manifests.Text) -> list[tuple[str, str, Location, Location]]:
    """Each `name:value` item, split at its first `:`, with the item's place and its value's own
    (the value's column inside the item, where it is written verbatim; else the item's)."""
    out = []
    for item in _items(config, action):
        name, colon, value = str(item.value).partition(":")
        if colon:
            name, value = name.strip(), value.strip()
            value_at = text.items(item, (name, value))[1] if value else item.location
            out.append((name, value, item.location, value_at))
    return out
