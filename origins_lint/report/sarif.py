"""SARIF 2.1.0 as GitHub code scanning reads it: every rule with its page; results with regions, fingerprints.

Levels and `security-severity` follow the catalog: critical/high are `error`
(9.5/8.0), medium `warning` (5.5), low/info `note` (3.0/1.0). Paths are relative
to `%SRCROOT%` (the folder the check ran in), which is what code scanning expects
when the run starts at the repository root.
"""

from __future__ import annotations

import difflib
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


Hunk = tuple[int, int, str]  # (first line, line after the last, 0-based) of the original, and the new text


def _hunks(before: str, after: str) -> list[Hunk]:
    """The line ranges a file's fixes change, and what replaces each."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    return [(i1, i2, "".join(new[j1:j2])) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]


def _replacement(hunk: Hunk, lines: list[str]) -> dict[str, Any]:
    """Whole lines out, new lines in. The region ends where the next line starts; at the end of the file,
    one column past its last character (its newline included)."""
    first, after, text = hunk
    if after < len(lines) or not lines:
        end_line, end_column = after + 1, 1
    else:
        end_line, end_column = len(lines), len(lines[-1]) + 1
    region = {"startLine": first + 1, "startColumn": 1, "endLine": end_line, "endColumn": end_column}
    return {"deletedRegion": region, "insertedContent": {"text": text}}


def _fixes(finding: Finding, result: CheckResult, base: str) -> list[dict[str, Any]]:
    """SARIF `fixes` for a finding `--fix` would fix: the edits of its file's fix that touch its lines."""
    outcome = result.fixes.get((finding.location.path, finding.format))
    before = result.sources.get(finding.location.path)
    if finding.fix is None or outcome is None or before is None:
        return []
    loc = finding.location
    lines = before.splitlines(keepends=True)
    touching = [
        hunk
        for hunk in _hunks(before, outcome.text)
        if hunk[0] < loc.end_line and max(hunk[1], hunk[0] + 1) >= loc.line
    ]
    if not touching:
        return []
    change = {
        "artifactLocation": _uri(loc.path, base),
        "replacements": [_replacement(hunk, lines) for hunk in touching],
    }
    return [{"description": {"text": finding.fix.title}, "artifactChanges": [change]}]


def _result(finding: Finding, index: int, base: str, result: CheckResult) -> dict[str, Any]:
    loc = finding.location
    fixes = _fixes(finding, result, base)
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
        **({"fixes": fixes} if fixes else {}),
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
        "results": [_result(f, index[f.code], base, result) for f in result.findings],
    }
    payload = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
