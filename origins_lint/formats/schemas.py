"""The JSON Schemas the formats publish, by file stem, as stable text for `schemas/`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from origins_lint.formats.okta.schema import okta_json_schema
from origins_lint.formats.policy.schema import policy_json_schema
from origins_lint.inventory.schema import inventory_json_schema

SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "origins-policy": policy_json_schema,
    "okta-trusted-origins": okta_json_schema,
    "inventory": inventory_json_schema,  # what `inventory -f json` prints (no input format)
}


def schema_text(name: str) -> str:
    return json.dumps(SCHEMAS[name](), indent=2, ensure_ascii=False) + "\n"
