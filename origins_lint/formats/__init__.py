"""The registry of input formats. Adding a format means adding a module and a line here."""

from __future__ import annotations

from origins_lint.formats import nginx, okta, policy, terraform
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
    Format(
        name=okta.NAME,
        description="Okta trusted-origin exports (`trusted-origins.json`, JSON with origin and scopes keys)",
        wants=okta.wants,
        detect=okta.detect,
        parse=okta.parse,
    ),
    Format(
        name=terraform.NAME,
        description="Terraform `okta_trusted_origin` resources (`*.tf`)",
        wants=terraform.wants,
        detect=terraform.detect,
        parse=terraform.parse,
    ),
)

BY_NAME = {fmt.name: fmt for fmt in FORMATS}


def wanted(path: str) -> bool:
    """Whether a directory walk should read this file to see if some format recognizes it."""
    return any(fmt.wants(path) for fmt in FORMATS)


def detect(path: str, text: str) -> Format | None:
    return next((fmt for fmt in FORMATS if fmt.detect(path, text)), None)


__all__ = ["BY_NAME", "FORMATS", "Format", "FormatOptions", "detect", "wanted"]
