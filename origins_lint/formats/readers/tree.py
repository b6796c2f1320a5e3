"""Parsed values that remember where they were written, whatever the syntax (YAML, JSON).

Schema errors and findings need the line and column of any key or value, so the
tree loaders of the structured formats build these instead of plain values.
"""

from __future__ import annotations

from typing import Any

from origins_lint.model import Location
from origins_lint.records import field, record


@record(slots=True)
class Node:
    """A value with its span; maps keep their keys' spans too."""

    value: Any  # str/int/float/bool/None, dict[str, Node] or list[Node]
    location: Location
    key_locations: dict[str, Location] = field(default_factory=dict)

    def plain(self) -> Any:
        """The value with positions stripped, for schema validation."""
        if isinstance(self.value, dict):
            return {key: node.plain() for key, node in self.value.items()}
        if isinstance(self.value, list):
            return [node.plain() for node in self.value]
        return self.value


def descend(
    root: Node, path: tuple[Any, ...], spellings: dict[str, str] | None = None
) -> tuple[Node, list[str]]:
    """The deepest node a schema error's path reaches, and that path as written in the file.

    ``spellings`` maps a schema key to another way files write it (Okta's SDK
    writes `allowed_okta_apps` for `allowedOktaApps`).
    """
    node, names = root, []
    for part in path:
        value = node.value
        if isinstance(value, dict):
            key = part if part in value else (spellings or {}).get(str(part))
            if key is None or key not in value:
                break
            node = value[key]
            names.append(f".{key}")
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            node = value[part]
            names.append(f"[{part}]")
        else:
            break
    return node, names
