"""The registry of input formats. Adding a format means adding a module and a line here."""

from __future__ import annotations

from origins_lint.formats import nginx, okta, policy, terraform
from origins_lint.formats.base import Format, FormatOptions, register

FORMATS: tuple[Format, ...] = (
    register(policy, "origins-lint policy YAML (`*.origins.yaml`, `kind: OriginPolicy`)"),
    register(nginx, "nginx configs and snippets (`nginx.conf`, `*.conf`, `sites-*/`, `snippets/`)"),
    register(okta, "Okta trusted-origin exports (`trusted-origins.json`, JSON with origin and scopes keys)"),
    register(terraform, "Terraform `okta_trusted_origin` resources (`*.tf`)"),
)

BY_NAME = {fmt.name: fmt for fmt in FORMATS}


def wanted(path: str) -> bool:
    """Whether a directory walk should read this file to see if some format recognizes it."""
    return any(fmt.wants(path) for fmt in FORMATS)


def detect(path: str, text: str) -> Format | None:
    return next((fmt for fmt in FORMATS if fmt.detect(path, text)), None)


__all__ = ["BY_NAME", "FORMATS", "Format", "FormatOptions", "detect", "wanted"]
