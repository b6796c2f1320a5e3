"""Text for people: ruff-style lines on a pipe; on a terminal, grouped by file, the source line and a caret.

Everything taken from a checked file (paths, source lines, quoted origins) goes
through `printable` first, so a file cannot move the cursor or recolour the
terminal.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from itertools import groupby

from origins_lint.check import CheckResult
from origins_lint.model import Finding, Severity
from origins_lint.report import Style
from origins_lint.report.safe import line_start, printable
from origins_lint.source import Lines

COLOURS = {
    Severity.CRITICAL: "\x1b[1;35m",
    Severity.HIGH: "\x1b[1;31m",
    Severity.MEDIUM: "\x1b[33m",
    Severity.LOW: "\x1b[36m",
    Severity.INFO: "\x1b[2m",
}
RICH_STYLES = {
    Severity.CRITICAL: "bold magenta",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
BOLD, RESET = "\x1b[1m", "\x1b[0m"


def render(result: CheckResult, style: Style) -> str:
    if style.pretty:
        return _pretty(result, style)

    def paint(colour: str, text: str) -> str:
        return f"{colour}{text}{RESET}" if style.colour else text

    lines = []
    for finding in result.findings:
        loc = finding.location
        where = paint(BOLD, f"{line_start(loc.path)}:{loc.line}:{loc.column}:")
        tag = paint(COLOURS[finding.severity], f"{finding.code} [{finding.severity.label}]")
        fixable = " [*]" if finding.fix is not None else ""
        lines.append(f"{where} {tag}{fixable} {printable(finding.message)}")
    if style.summary:
        lines.append(summary(result))
    return "".join(f"{line}\n" for line in lines)


def summary(result: CheckResult) -> str:
    """One line; when rules were switched off wholesale it says how many and by what, so that such a
    run never reads word for word like a clean one."""
    disabled = disabled_text(result)
    return _counts(result) + (f" {disabled}." if disabled else "")


def disabled_text(result: CheckResult) -> str:
    """`12 of 41 rules disabled by .origins-lint.toml`, one clause per cause; empty when none."""
    from origins_lint.rules import all_rules

    total = sum(not rule.opt_in for rule in all_rules())
    everywhere = [d for d in result.disabled if not d.scope]
    clauses = [f"{len(d.rules)} of {total} rules disabled by {printable(d.by)}" for d in everywhere]
    scoped = [d for d in result.disabled if d.scope]
    if len(scoped) == 1:
        (one,) = scoped
        clauses.append(f"{len(one.rules)} of {total} rules disabled in {printable(one.scope)} by {one.by}")
    elif scoped:
        clauses.append(f"rules disabled in {len(scoped)} files by `ignore-file` comments")
    return "; ".join(clauses)


def _counts(result: CheckResult) -> str:
    files = f"{result.files_checked} file{'s' if result.files_checked != 1 else ''}"
    baselined = f" ({result.baselined} more in the baseline)" if result.baselined else ""
    if not result.findings:
        return f"No findings in {files}{baselined}."
    counts = Counter(f.severity for f in result.findings)
    parts = ", ".join(f"{counts[s]} {s.label}" for s in sorted(counts, reverse=True))
    total = len(result.findings)
    text = f"Found {total} finding{'s' if total != 1 else ''} ({parts}) in {files}{baselined}."
    fixable = sum(f.fix is not None for f in result.findings)
    if fixable:
        text += f" {fixable} fixable with `--fix` (marked [*])."
    return text


def source_excerpt(lines: Lines, finding: Finding) -> tuple[str, str] | None:
    """The finding's first line as shown (tabs as spaces) and a caret line under the flagged span."""
    loc = finding.location
    found = lines.line(loc.line)
    if found is None:
        return None
    line = found.rstrip("\r")
    start = max(loc.column - 1, 0)
    end = loc.end_column - 1 if loc.end_line == loc.line else len(line)
    end = max(min(end, len(line)), start + 1)
    before, flagged = line[:start], line[start:end]
    shown_before = printable(before.expandtabs(4))
    return printable(line.expandtabs(4)), " " * len(shown_before) + "^" * max(len(printable(flagged)), 1)


def _pretty(result: CheckResult, style: Style) -> str:
    """rich renders; it is imported only here, for terminals, where its import time is not noticed."""
    from io import StringIO

    from rich.console import Console
    from rich.text import Text

    out = StringIO()
    console = Console(
        file=out,
        width=style.width,
        force_terminal=style.colour,
        no_color=not style.colour,
        color_system="standard" if style.colour else None,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )
    for path, group in groupby(result.findings, key=lambda f: f.location.path):
        console.print(Text(line_start(path), style="bold underline"))
        source = Lines(result.sources.get(path, ""))
        for finding in group:
            loc = finding.location
            severity = RICH_STYLES[finding.severity]
            head = Text.assemble(
                "  ",
                (f"{loc.line}:{loc.column}", "bold"),
                "  ",
                (f"{finding.code} {finding.severity.label}", severity),
                (" [*]" if finding.fix is not None else "", "green"),
                "  ",
            )
            # the first line continues the heading; the rest are indented under it
            lines = textwrap.wrap(
                printable(finding.message),
                width=max(style.width - 6, 40),
                initial_indent=" " * len(head.plain),
                subsequent_indent=" " * 6,
                break_on_hyphens=False,
            )
            head.append(lines[0].lstrip() if lines else "")
            console.print(head, no_wrap=True, overflow="ignore")
            for more in lines[1:]:
                console.print(Text(more), no_wrap=True, overflow="ignore")
            excerpt = source_excerpt(source, finding)
            if excerpt is not None:
                shown, caret = excerpt
                console.print(
                    Text.assemble((f"{loc.line:>6} │ ", "blue"), shown), no_wrap=True, overflow="ellipsis"
                )
                console.print(
                    Text.assemble((" " * 7 + "│ ", "blue"), (caret, severity)),
                    no_wrap=True,
                    overflow="ellipsis",
                )
        console.print()
    if style.summary:
        console.print(Text(summary(result), style="bold"))
    return out.getvalue()
