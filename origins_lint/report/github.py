"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff.

Everything from a checked file (paths, origins quoted in messages) is escaped as
the runner's parser expects, so crafted content cannot end a command early or
start another one (`::add-mask::`, `::stop-commands::`).
"""

from __future__ import annotations

from origins_lint.check import CheckResult
from origins_lint.model import Severity
from origins_lint.report import Style
from origins_lint.report.safe import printable
from origins_lint.report.text import disabled_text, summary

COMMANDS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    """What the runner unescapes (`%`, CR, LF), then any other control character shown as an escape:
    the log renders ANSI colours, so an ESC from a file must not reach it."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: CheckResult, style: Style) -> str:
    lines = []
    for finding in result.findings:
        loc = finding.location
        properties = {
            "file": loc.path,
            "line": str(loc.line),
            "endLine": str(loc.end_line),
            "col": str(loc.column),
            "endColumn": str(loc.end_column),
            "title": f"{finding.code} {finding.slug} [{finding.severity.label}]",
        }
        written = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
        lines.append(f"::{COMMANDS[finding.severity]} {written}::{escape_data(finding.message)}")
    disabled = disabled_text(result)
    if disabled:  # an annotation, so a pull request shows it, not only the log
        lines.append(
            f"::warning title={escape_property('origins-lint: rules disabled')}::{escape_data(disabled)}"
        )
    if style.summary:
        lines.append(escape_data(summary(result)))
    return "".join(f"{line}\n" for line in lines)
