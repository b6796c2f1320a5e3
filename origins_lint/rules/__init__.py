"""All rules, registered by importing their group modules (one module per code hundred)."""

from __future__ import annotations

from origins_lint.rules import (
    breadth,
    credentials,
    environment,
    headers,
    input,
    okta,
    organization,
    syntax,
    transport,
    verify,
)
from origins_lint.rules.registry import RULES, Rule, RuleSettings

_GROUPS = (input, syntax, transport, breadth, credentials, environment, headers, okta, organization, verify)


def all_rules() -> list[Rule]:
    return [RULES[code] for code in sorted(RULES)]


def find_rule(name: str) -> Rule | None:
    """A rule by code (`OL201`, any case) or slug (`insecure-origin`)."""
    wanted = name.strip()
    return RULES.get(wanted.upper()) or next((r for r in RULES.values() if r.slug == wanted.lower()), None)


__all__ = ["RULES", "Rule", "RuleSettings", "all_rules", "find_rule"]
