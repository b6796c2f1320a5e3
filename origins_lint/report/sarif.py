"""SARIF 2.1.0 as GitHub code scanning reads it: every rule with its page; results with regions, fingerprints.

Levels and `security-severity` follow the catalog: critical/high are `error`
(9.5/8.0), medium `warning` (5.5), low/info `note` (3.0/1.0). Paths are relative
to `%SRCROOT%` (the folder the check ran in), which is what code scanning expects
when the run starts at the repository root.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from origins_lint import __version__
from origins_lint.check import CheckResult
from origins_lint.docs import page_section, rule_page, weaknesses
from origins_lint.fingerprint import display_path
from origins_lint.model import Finding, Severity
from origins_lint.report import Style
from origins_lint.rules import Rule, all_rules

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
HOME = "https://github.com/origins-lint/origins-lint"
FINGERPRINT_KEY = "originsLint/v1"

LEVELS = {
    Severity.CRITICAL: ("error", "9.5"),
    Severity.HIGH: ("error", "8.0"),
    Severity.MEDIUM: ("warning", "5.5"),
    Severity.LOW: ("note", "3.0"),
    Severity.INFO: ("note", "1.0"),
}


def _rule(rule: Rule) -> dict[str, Any]:
    page = rule_page(rule.code) or f"# {rule.code} {rule.slug}\n\n{rule.summary}\n"
    level, security_severity = LEVELS[rule.severity]
    cwes = weaknesses(page)
    return {
        "id": rule.code,
        "name": rule.slug,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": page_section(page, "What it flags") or rule.summary},
        "helpUri": f"{HOME}/blob/main/rules/{rule.code}.md",
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": level},
        "properties": {
            "security-severity": security_severity,
            "precision": "high",
            "tags": [
                "security",
                *(f"external/cwe/{cwe.lower()}" for cwe in cwes),
                *cwes,
            ],
        },
    }


def _uri(path: str, base: str) -> dict[str, str]:
    shown = display_path(path, base)
    if os.path.isabs(shown):
        return {"uri": Path(shown).as_uri()}
    return {"uri": quote(os.fsencode(shown)), "uriBaseId": "%SRCROOT%"}  # the name's bytes, %-encoded


def _result(finding: Finding, index: int, base: str) -> dict[str, Any]:
    loc = finding.location
    return {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": LEVELS[finding.severity][0],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _uri(loc.path, base),
                    "region": {
                        "startLine": loc.line,
                        "startColumn": loc.column,
                        "endLine": loc.end_line,
                        "endColumn": loc.end_column,
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"severity": finding.severity.label, "slug": finding.slug, "format": finding.format},
    }


def _disabled(invocation: dict[str, Any], result: CheckResult, index: dict[str, int], base: str) -> None:
    """Rules switched off wholesale: `ruleConfigurationOverrides` for the whole run, and a notification
    for each cause (with the file, for an `ignore-file` comment), so code scanning shows it."""
    overrides = [
        {"descriptor": {"id": code, "index": index[code]}, "configuration": {"enabled": False}}
        for disabled in result.disabled
        if not disabled.scope
        for code in disabled.rules
    ]
    if overrides:
        invocation["ruleConfigurationOverrides"] = overrides
    notes = []
    for disabled in result.disabled:
        where = f" in {disabled.scope}" if disabled.scope else ""
        note: dict[str, Any] = {
            "level": "warning",
            "message": {
                "text": f"{len(disabled.rules)} rules disabled{where} by {disabled.by}: "
                + ", ".join(disabled.rules)
            },
        }
        if disabled.scope:
            note["locations"] = [{"physicalLocation": {"artifactLocation": _uri(disabled.scope, base)}}]
        notes.append(note)
    if notes:
        invocation["toolConfigurationNotifications"] = notes


def render(result: CheckResult, _style: Style) -> str:
    base = os.getcwd()
    rules = all_rules()
    index = {rule.code: number for number, rule in enumerate(rules)}
    invocation: dict[str, Any] = {"executionSuccessful": not result.internal_errors}
    _disabled(invocation, result, index, base)
    if result.internal_errors:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": message}} for message in result.internal_errors
        ]
    run = {
        "tool": {
            "driver": {
                "name": "origins-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": HOME,
                "rules": [_rule(rule) for rule in rules],
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(base).as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.code], base) for f in result.findings],
    }
    payload = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
