"""Terraform `okta_trusted_origin` resources: each one read into the same model as an Okta export.

The Terraform format (`formats/terraform.py`) reads the file once and hands each resource of this
type here, one `for_each` instance at a time. Both provider shapes are read: `scopes { type =
"CORS" }` blocks with `status` (v7), and `scopes = ["CORS"]` with `active` (v6). Values are taken
only where the file fixes them (literals, locals, a literal `for_each`); an input variable or a
computed value is reported as not analysed, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from origins_lint.formats.okta import refused, trusted_origin_context
from origins_lint.formats.okta.fast import ScopeEntry
from origins_lint.formats.readers.hcl_resource import Resource
from origins_lint.formats.readers.hcl_values import Attribute, Block, Unresolved, Value
from origins_lint.model import CorsContext, Location, ProblemKind

RESOURCE = "okta_trusted_origin"
SCOPE_TYPES = ("CORS", "REDIRECT", "IFRAME_EMBED")


def read(resource: Resource) -> list[CorsContext]:
    """The context of one instance of an `okta_trusted_origin` (the evaluator's `each` is set)."""
    context = _Resource(resource.block, resource.evaluator, resource.problems).context()
    return [context] if context is not None else []


@dataclass
class _Resource(Resource):
    def context(self) -> CorsContext | None:
        origin = self.text("origin", required=True)
        scopes = self.scopes()
        if origin is None or scopes is None:
            return None
        listed, scopes_at = scopes
        name = self.text("name", required=False)
        rejection = refused(origin.data, origin.location)
        if rejection is not None:
            self.problems.append(rejection)
        return trusted_origin_context(
            origin=origin.data,
            origin_at=origin.location,
            scopes=listed,
            scopes_at=scopes_at,
            active=self.active(),
            name=name.data if name is not None else self.block.labels[-1],  # the resource's own name
            entry_at=self.block.attributes["origin"].location,
        )

    def text(self, key: str, *, required: bool) -> Value | None:
        attribute = self.block.attributes.get(key)
        if attribute is None:
            if required:
                self.note(ProblemKind.SCHEMA, f"has no `{key}`", self.block.location)
            return None
        value = self.evaluator.evaluate(attribute.expression)
        if isinstance(value, Unresolved):
            if required:
                self.note(
                    ProblemKind.NOT_ANALYSED,
                    f"`{key}` was not analysed: {value.reason}; check the value it gets by hand, "
                    "or write it literally",
                    value.location,
                )
            return None
        if not isinstance(value.data, str):
            self.note(ProblemKind.SCHEMA, f"`{key}` must be a string, not {value.data!r}", value.location)
            return None
        return value

    def scopes(self) -> tuple[list[ScopeEntry], Location] | None:
        """v6 `scopes = [...]`, or v7 `scopes { type = ... }` blocks."""
        listed = self.block.attributes.get("scopes")
        blocks = [b for b in self.block.blocks if b.type == "scopes"]
        dynamic = next(
            (b for b in self.block.blocks if b.type == "dynamic" and b.labels == ("scopes",)), None
        )
        if dynamic is not None:
            self.note(
                ProblemKind.NOT_ANALYSED,
                'a `dynamic "scopes"` block was not analysed; write the scopes out so origins-lint '
                "can tell CORS from REDIRECT",
                dynamic.location,
            )
            return None
        if listed is not None:
            return self._listed(listed)
        if blocks:
            found = [self._scope_block(b) for b in blocks]
            if any(scope is None for scope in found):
                return None
            return [scope for scope in found if scope is not None], blocks[0].location
        self.note(
            ProblemKind.SCHEMA,
            "has no `scopes`: Okta needs CORS, REDIRECT or IFRAME_EMBED",
            self.block.location,
        )
        return None

    def _listed(self, attribute: Attribute) -> tuple[list[ScopeEntry], Location] | None:
        value = self.evaluator.evaluate(attribute.expression)
        if isinstance(value, Unresolved):
            self.note(ProblemKind.NOT_ANALYSED, f"`scopes` were not analysed: {value.reason}", value.location)
            return None
        if not isinstance(value.data, list) or not value.data:
            self.note(
                ProblemKind.SCHEMA,
                '`scopes` must be a non-empty list such as `["CORS", "REDIRECT"]`',
                value.location,
            )
            return None
        scopes = [self._scope_type(item) for item in value.data]
        if any(scope is None for scope in scopes):
            return None
        return [scope for scope in scopes if scope is not None], value.location

    def _scope_block(self, block: Block) -> ScopeEntry | None:
        attribute = block.attributes.get("type")
        if attribute is None:
            self.note(ProblemKind.SCHEMA, "a `scopes` block has no `type`", block.location)
            return None
        value = self.evaluator.evaluate(attribute.expression)
        if isinstance(value, Unresolved):
            self.note(
                ProblemKind.NOT_ANALYSED, f"the scope `type` was not analysed: {value.reason}", value.location
            )
            return None
        return self._scope_type(value)

    def _scope_type(self, value: Value) -> ScopeEntry | None:
        if value.data not in SCOPE_TYPES:
            self.note(
                ProblemKind.SCHEMA,
                f"scope {value.data!r} is not one of {', '.join(SCOPE_TYPES)}",
                value.location,
            )
            return None
        return ScopeEntry(value.data, value.location)

    def active(self) -> bool:
        """`status = "INACTIVE"` (v7) or `active = false` (v6); an unknown status counts as active."""
        for key, inactive in (("status", "INACTIVE"), ("active", False)):
            attribute = self.block.attributes.get(key)
            if attribute is None:
                continue
            value = self.evaluator.evaluate(attribute.expression)
            if isinstance(value, Unresolved):
                self.note(
                    ProblemKind.NOT_ANALYSED,
                    f"`{key}` was not analysed ({value.reason}); the origin is checked as if active",
                    value.location,
                )
                return True
            return bool(value.data != inactive)
        return True
