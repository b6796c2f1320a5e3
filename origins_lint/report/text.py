"""ruff-style lines: `path:line:col: OL201 [medium] message`, then a summary."""

from __future__ import annotations

from collections import Counter

from origins_lint.check import CheckResult
from origins_lint.model import Severity
from origins_lint.report.safe import printable

COLOURS = {
    Severity.CRITICAL: "\x1b[1;35m",
    Severity.HIGH: "\x1b[1;31m",
    Severity.MEDIUM: "\x1b[33m",
    Severity.LOW: "\x1b[36m",
    Severity.INFO: "\x1b[2m",
}
BOLD, RESET = "\x1b[1m", "\x1b[0m"


def render(result: CheckResult, colour: bool) -> str:
    def paint(style: str, text: str) -> str:
        return f"{style}{text}{RESET}" if colour else text

    lines = []
    for finding in result.findings:
        loc = finding.location
        where = paint(BOLD, f"{printable(loc.path)}:{loc.line}:{loc.column}:")
        tag = paint(COLOURS[finding.severity], f"{finding.code} [{finding.severity.label}]")
        lines.append(f"{where} {tag} {printable(finding.message)}")
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def summary(result: CheckResult) -> str:
    files = f"{result.files_checked} file{'s' if result.files_checked != 1 else ''}"
    if not result.findings:
        return f"No findings in {files}."
    counts = Counter(f.severity for f in result.findings)
    parts = ", ".join(f"{counts[s]} {s.label}" for s in sorted(counts, reverse=True))
    total = len(result.findings)
    return f"Found {total} finding{'s' if total != 1 else ''} ({parts}) in {files}."
