"""The registry of input formats. Adding a format means adding a module and a line here."""

from __future__ import annotations

from origins_lint.formats import nginx, policy
from origins_lint.formats.base import Format, FormatOptions

FORMATS: tuple[Format, ...] = (
    Format(
        name=policy.NAME,
        description="origins-lint policy YAML (`*.origins.yaml`, `kind: OriginPolicy`)",
        wants=policy.wants,
        detect=policy.detect,
        parse=policy.parse,
    ),
    Format(
        name=nginx.NAME,
        description="nginx configs and snippets (`nginx.conf`, `*.conf`, `sites-*/`, `snippets/`)",
        wants=nginx.wants,
        detect=nginx.detect,
        parse=nginx.parse,
    ),
)

BY_NAME = {fmt.name: fmt for fmt in FORMATS}


def wanted(path: str) -> bool:
    """Whether a directory walk should read this file to see if some format recognizes it."""
    return any(fmt.wants(path) for fmt in FORMATS)


def detect(path: str, text: str) -> Format | None:
    return next((fmt for fmt in FORMATS if fmt.detect(path, text)), None)


__all__ = ["BY_NAME", "FORMATS", "Format", "FormatOptions", "detect", "wanted"]
