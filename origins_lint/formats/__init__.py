"""The registry of input formats. Adding a format means adding a module and a line here."""

from __future__ import annotations

from origins_lint.formats import policy
from origins_lint.formats.base import Format, FormatOptions

FORMATS: tuple[Format, ...] = (
    Format(
        name=policy.NAME,
        description="origins-lint policy YAML (`*.origins.yaml`, `kind: OriginPolicy`)",
        extensions=policy.EXTENSIONS,
        detect=policy.detect,
        parse=policy.parse,
    ),
)

BY_NAME = {fmt.name: fmt for fmt in FORMATS}
WALKED_EXTENSIONS = frozenset(ext for fmt in FORMATS for ext in fmt.extensions)


def detect(path: str, text: str) -> Format | None:
    return next((fmt for fmt in FORMATS if fmt.detect(path, text)), None)


__all__ = ["BY_NAME", "FORMATS", "WALKED_EXTENSIONS", "Format", "FormatOptions", "detect"]
