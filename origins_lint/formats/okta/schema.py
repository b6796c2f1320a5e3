"""The Okta trusted-origins export (`GET /api/v1/trustedOrigins`): pydantic models and JSON Schema.

The models describe the API's own camelCase shape; the snake_case keys the Okta
Python SDK writes are read as their camelCase twins (``SNAKE_CASE``). Keys Okta
may add later are allowed: an export is machine-written, and a new field must not
fail everyone's CI. ``schemas/okta-trusted-origins.schema.json`` is generated
from these models and a test fails when the checked-in copy is stale.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from origins_lint.formats.okta.fast import SNAKE_CASE
from origins_lint.formats.policy.schema import SCHEMA_DIALECT, SCHEMA_ID

OKTA_SCHEMA_ID = SCHEMA_ID.replace("origins-policy", "okta-trusted-origins")

ScopeType = Literal["CORS", "REDIRECT", "IFRAME_EMBED"]

CAMEL_CASE = {camel: snake for snake, camel in SNAKE_CASE.items()}


class _Export(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True, populate_by_name=True)


class Scope(_Export):
    """Where Okta trusts the origin."""

    model_config = ConfigDict(title="Scope")

    type: ScopeType = Field(
        title="Type",
        description=(
            "`CORS`: pages on the origin may call Okta APIs with the user's Okta session; "
            "`REDIRECT`: Okta may redirect there after sign-in or sign-out; "
            "`IFRAME_EMBED`: the origin may frame Okta pages."
        ),
        examples=["CORS"],
    )
    allowedOktaApps: list[str] | None = Field(
        None,
        title="Allowed Okta apps",
        description="For `IFRAME_EMBED`: Okta apps the origin may frame (`OKTA_ENDUSER`: the dashboard).",
        examples=[["OKTA_ENDUSER"]],
    )


class TrustedOrigin(_Export):
    """One Okta trusted origin, as the API returns it."""

    model_config = ConfigDict(title="Okta trusted origin")

    id: str | None = Field(None, title="ID", examples=["tosue7JvguwJ7U6kz0g3"])
    name: str | None = Field(None, title="Name", examples=["Customer portal"])
    origin: str = Field(
        title="Origin",
        description="`scheme://host[:port]`; a wildcard host is accepted only with `IFRAME_EMBED`.",
        examples=["https://portal.example.com"],
    )
    scopes: list[Scope] = Field(
        min_length=1,
        title="Scopes",
        description="What the origin is trusted for: at least one scope.",
        examples=[[{"type": "CORS"}, {"type": "REDIRECT"}]],
    )
    status: Literal["ACTIVE", "INACTIVE"] = Field(
        "ACTIVE",
        title="Status",
        description="`INACTIVE` entries are kept but not enforced.",
        examples=["ACTIVE"],
    )
    created: str | None = Field(None, title="Created")
    createdBy: str | None = Field(None, title="Created by")
    lastUpdated: str | None = Field(None, title="Last updated")
    lastUpdatedBy: str | None = Field(None, title="Last updated by")
    links: dict[str, Any] | None = Field(None, alias="_links", title="Links")


Export = TrustedOrigin | list[TrustedOrigin | list[TrustedOrigin]]


def _located(schema: dict[str, Any]) -> dict[str, Any]:
    """The export's three shapes told apart by type (`if`/`then`/`else`), not by `anyOf`.

    With `anyOf`, a validator that finds no branch valid reports one error at the document's
    root, and editors underline the first line whatever field is wrong; choosing the branch by
    type first leaves a single schema to apply, so each error sits at the bad field.
    """
    entry = {"$ref": "#/$defs/TrustedOrigin"}
    item = {"if": {"type": "array"}, "then": {"items": entry}, "else": entry}
    del schema["anyOf"]
    return {**schema, "if": {"type": "array"}, "then": {"items": item}, "else": entry}


def okta_json_schema() -> dict[str, Any]:
    schema = _located(TypeAdapter(Export).json_schema(by_alias=True))
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": OKTA_SCHEMA_ID,
        "title": "Okta trusted origins export",
        "description": (
            "`GET /api/v1/trustedOrigins` as saved to a file: one trusted origin, a list of them, "
            "or several pages as a list of lists."
        ),
        **schema,
    }
