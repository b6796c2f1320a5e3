"""The JSON Schema of `inventory -f json` (`schemas/inventory.schema.json`), written by hand from the
rows `collect.py` makes; a test validates real output against it, so the two cannot drift apart."""

from __future__ import annotations

from typing import Any

SCHEMA_ID = "https://raw.githubusercontent.com/origins-lint/origins-lint/main/schemas/inventory.schema.json"


def _field(kind: Any, description: str, **more: Any) -> dict[str, Any]:
    return {"type": kind, "description": description, **more}


_ENTRY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "path": _field("string", "The file, as given on the command line or found in a folder."),
        "line": _field("integer", "1-based line of the entry.", minimum=1),
        "column": _field("integer", "1-based column of the entry.", minimum=1),
        "format": _field(
            "string", "The input format that read it (`origins-lint formats`).", examples=["nginx"]
        ),
        "engine": _field(
            "string", "How the system that reads the config compares it.", examples=["nginx-pcre", "string"]
        ),
        "kind": _field(
            "string",
            "What kind of entry it is.",
            enum=[
                "exact",
                "wildcard",
                "regex",
                "prefix",
                "suffix",
                "contains",
                "any",
                "null",
                "reflected",
                "path",
            ],
        ),
        "entry": _field("string", "The entry as written."),
        "group": _field("string", "Exact origins, or patterns.", enum=["exact", "pattern"]),
        "origin": _field(["string", "null"], "An exact entry: the origin as the engine compares it."),
        "admits": _field(
            "string", "What it admits, in words.", examples=["every subdomain of `example.com` (https)"]
        ),
        "counterexample": _field(
            ["string", "null"], "An origin it admits that its author did not mean, verified on the automaton."
        ),
        "place": _field(["string", "null"], "The server, route, map, Ingress or Okta name it belongs to."),
        "credentials": _field(["boolean", "null"], "Whether credentials are allowed; null: cannot tell."),
        "scopes": {
            "type": "array",
            "items": {"type": "string"},
            "description": "What the trust is for (`cors`; Okta's `redirect`, `iframe_embed`).",
        },
        "environment": _field(
            "string",
            "production, staging or development (from the config's `development-files`, or a "
            "policy's `environment`).",
            enum=["production", "staging", "development"],
        ),
        "status": _field(
            "string", "Whether the system enforces it (Okta INACTIVE).", enum=["active", "inactive"]
        ),
        "decides": _field(
            ["string", "null"],
            "null for CORS; else what the origin check gates (an nginx `if` or `map`).",
            enum=["frame", "guard", "backend", "flag", None],
        ),
        "findings": {
            "type": "array",
            "items": {"type": "string", "pattern": "^OL[0-9]{3}$"},
            "description": "The codes of the findings `check` reports at the entry.",
        },
    },
}
_ENTRY["required"] = list(_ENTRY["properties"])

_PROBLEM: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "description": "A file not read or a value not analysed: the inventory may miss what it holds.",
    "properties": {
        "path": {"type": "string"},
        "line": {"type": "integer", "minimum": 1},
        "column": {"type": "integer", "minimum": 1},
        "code": {"type": "string", "enum": ["OL001", "OL002", "OL003", "OL004"]},
        "message": {"type": "string"},
    },
    "required": ["path", "line", "column", "code", "message"],
}

_COUNTS = ("files", "entries", "exact", "patterns", "with_credentials", "with_findings", "problems")


def inventory_json_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "origins-lint inventory",
        "description": "`origins-lint inventory -f json`: every trusted entry of every checked file.",
        "type": "object",
        "additionalProperties": False,
        "required": ["version", "summary", "entries", "problems"],
        "properties": {
            "version": {"const": 1, "description": "The version of this shape."},
            "summary": {
                "type": "object",
                "additionalProperties": False,
                "required": list(_COUNTS),
                "properties": {name: {"type": "integer", "minimum": 0} for name in _COUNTS},
            },
            "entries": {"type": "array", "items": {"$ref": "#/$defs/Entry"}},
            "problems": {"type": "array", "items": {"$ref": "#/$defs/Problem"}},
        },
        "$defs": {"Entry": _ENTRY, "Problem": _PROBLEM},
    }
