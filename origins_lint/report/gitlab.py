"""GitLab Code Quality: the JSON array GitLab shows in merge requests (`artifacts:reports:codequality`).

GitLab reads `description`, `check_name`, `fingerprint`, `severity` (one of its five words) and
`location.path` with `location.lines.begin`
(https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format). Paths are relative
to the folder the check ran in, the repository root in a pipeline. The fingerprint is the one
baselines use, so an unchanged finding keeps its identity across commits and GitLab shows only
the new ones as new.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from origins_lint.check import CheckResult
from origins_lint.fingerprint import display_path
from origins_lint.model import Finding, Severity
from origins_lint.report import Style

# GitLab's words, most severe first: blocker, critical, major, minor, info
SEVERITIES = {
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
    Severity.INFO: "info",
}


def _issue(finding: Finding, base: str) -> dict[str, Any]:
    loc = finding.location
    path = display_path(loc.path, base)
    # GitLab wants one fingerprint per issue across the report: the rule, the file and the baseline's key
    key = f"{finding.code}\0{path}\0{finding.fingerprint}".encode("utf-8", "surrogateescape")
    return {
        "type": "issue",
        "description": f"{finding.code} [{finding.severity.label}] {finding.message}",
        "check_name": f"{finding.code} {finding.slug}",
        "categories": ["Security"],
        "fingerprint": hashlib.md5(key, usedforsecurity=False).hexdigest(),
        "severity": SEVERITIES[finding.severity],
        "location": {"path": path, "lines": {"begin": loc.line, "end": loc.end_line}},
    }


def render(result: CheckResult, _style: Style) -> str:
    base = os.getcwd()
    issues = [_issue(finding, base) for finding in result.findings]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
