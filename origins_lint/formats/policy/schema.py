"""The policy file's schema: pydantic models, and the JSON Schema generated from them.

These models are the single source of truth (`policy.fast` reads plainly valid files without
them, by the same constants, and never accepts more): ``schemas/origins-policy.schema.json``
is written from them (``origins-lint schema --output schemas/``) and a test fails
when the checked-in copy is stale. Every field carries a title, a description
and examples because editors show them on hover.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from origins_lint.formats.policy.fast import HEADER_PATTERN, METHOD_PATTERN, regex_error

SCHEMA_ID = (
    "https://raw.githubusercontent.com/origins-lint/origins-lint/main/schemas/origins-policy.schema.json"
)
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

Method = Annotated[str, StringConstraints(pattern=METHOD_PATTERN)]
HeaderName = Annotated[str, StringConstraints(pattern=HEADER_PATTERN)]
Scope = Literal["cors", "redirect", "iframe_embed"]


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra={"patternProperties": {"^x-": {}}}
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_empty_values(cls, value: Any) -> Any:
        """`key:` with nothing after it is a mistake, not "use the default"; the schema agrees."""
        if value is None:
            raise ValueError("has no value; remove the key to use the default")
        return value


class _WithoutNull(GenerateJsonSchema):
    """Optional fields mean "may be left out", not "may be null" (see `_no_empty_values`)."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        result = super().default_schema(schema)
        if result.get("default", "") is None:
            del result["default"]
        return result


class Allowances(_Strict):
    """What an entry lets its origins do; `defaults` and each entry share these keys."""

    scopes: list[Scope] | None = Field(
        None,
        title="Scopes",
        description=(
            "Where the origin is trusted, as in Okta: `cors` (cross-origin requests), "
            "`redirect` (sign-in and sign-out redirects), `iframe_embed` (may frame the sign-in "
            "page). Defaults to `[cors]`."
        ),
        examples=[["cors"], ["cors", "redirect"]],
    )
    credentials: bool | None = Field(
        None,
        title="Credentials",
        description=(
            "Whether responses may be read with the user's cookies or HTTP auth "
            "(`Access-Control-Allow-Credentials: true`). Defaults to false."
        ),
        examples=[False, True],
    )
    allow_methods: list[Method] | None = Field(
        None,
        title="Allowed methods",
        description="HTTP methods a cross-origin request may use: upper-case tokens, or `*`.",
        examples=[["GET", "POST"]],
    )
    allow_headers: list[HeaderName] | None = Field(
        None,
        title="Allowed request headers",
        description="Request headers a cross-origin request may send: header names, or `*`.",
        examples=[["Content-Type", "Authorization"]],
    )
    expose_headers: list[HeaderName] | None = Field(
        None,
        title="Exposed response headers",
        description="Response headers the calling page may read: header names, or `*`.",
        examples=[["X-Request-Id"]],
    )
    max_age: int | None = Field(
        None,
        ge=0,
        title="Preflight cache time",
        description="Seconds a browser may cache the preflight answer (`Access-Control-Max-Age`).",
        examples=[600],
    )


class Defaults(Allowances):
    """Values every entry of `origins` gets unless it sets its own."""

    model_config = ConfigDict(title="Defaults")


class Entry(Allowances):
    """One trusted origin: exactly one of `origin` and `regex`."""

    model_config = ConfigDict(
        title="Trusted origin",
        json_schema_extra={
            "patternProperties": {"^x-": {}},
            # `_one_matcher` in the schema's words: an entry with both, or neither, is rejected by both
            "oneOf": [{"required": ["origin"]}, {"required": ["regex"]}],
        },
    )

    origin: str | None = Field(
        None,
        title="Origin",
        description=(
            "An exact origin as a browser sends it (`scheme://host[:port]`, no path), "
            "one leading wildcard label (`https://*.example.com`), `*` (any origin) or `null`."
        ),
        examples=["https://app.example.com", "https://*.example.org"],
    )
    regex: str | None = Field(
        None,
        title="Origin regex",
        description=(
            "A regular expression matched as a case-insensitive search (as nginx `~*` does), "
            "so it must carry its own `^` and `$` anchors and escape its dots."
        ),
        examples=[r"^https://([a-z0-9-]+\.)?example\.net$"],
    )
    note: str | None = Field(
        None,
        title="Note",
        description="Free text: why this origin is trusted. Shown in messages.",
        examples=["customer portal"],
    )

    @field_validator("regex")
    @classmethod
    def _regex_compiles(cls, value: str | None) -> str | None:
        error = regex_error(value) if value is not None else None
        if error is not None:
            raise ValueError(f"not a valid regular expression: {error}")
        return value

    @model_validator(mode="after")
    def _one_matcher(self) -> Entry:
        if (self.origin is None) == (self.regex is None):
            raise ValueError("each entry needs exactly one of `origin` and `regex`")
        return self


class Policy(_Strict):
    """A list of trusted web origins, reviewed as code and synced to Okta, nginx or a gateway."""

    model_config = ConfigDict(title="origins-lint policy")

    kind: Literal["OriginPolicy"] | None = Field(
        None,
        title="Kind",
        description="Marks the file as an origins-lint policy.",
        examples=["OriginPolicy"],
    )
    version: Literal[1] = Field(
        1, title="Format version", description="The policy format version.", examples=[1]
    )
    service: str | None = Field(
        None,
        title="Service",
        description="What the policy protects; free text, shown in messages.",
        examples=["storefront"],
    )
    environment: Literal["production", "staging", "development"] = Field(
        "production",
        title="Environment",
        description="`development` allows localhost origins (OL501) and plain-HTTP loopback.",
        examples=["production"],
    )
    defaults: Defaults | None = Field(
        None,
        title="Defaults",
        description="Values every entry gets unless it sets its own.",
        examples=[{"credentials": False, "allow_methods": ["GET", "POST"]}],
    )
    origins: list[Entry] = Field(
        title="Trusted origins",
        description="The origins this service trusts, one entry each.",
        examples=[[{"origin": "https://app.example.com", "credentials": True}]],
    )


def policy_json_schema() -> dict[str, Any]:
    schema = Policy.model_json_schema(schema_generator=_WithoutNull)
    for prop in schema["properties"].values():  # pydantic leaves titles off `$ref` fields
        if "$ref" in prop and "title" not in prop:
            prop["title"] = schema["$defs"][prop["$ref"].rsplit("/", 1)[1]]["title"]
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, **schema}


def field_names(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)
