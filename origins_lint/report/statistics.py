"""`--statistics`: how many findings each rule has at each severity, most first, instead of the findings.

Counted per rule *and* severity: a rule's findings need not share its default severity (OL201 is
high where credentials are sent, medium elsewhere), and one row per rule would have shown one
of them for all.
"""

from __future__ import annotations

import json
from collections import Counter

from origins_lint.check import CheckResult
from origins_lint.model import Severity
from origins_lint.report.text import summary
from origins_lint.rules import RULES, Rule


def _rows(result: CheckResult) -> list[tuple[Rule, Severity, int, int]]:
    """(rule, severity, count, how many are fixable), most frequent first, then by code, most severe first."""
    counts = Counter((f.code, f.severity) for f in result.findings)
    fixable = Counter((f.code, f.severity) for f in result.findings if f.fix is not None)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0], -kv[0][1]))
    return [(RULES[code], severity, n, fixable[code, severity]) for (code, severity), n in ordered]


def render_text(result: CheckResult, with_summary: bool = True) -> str:
    rows = _rows(result)
    width = max((len(str(n)) for _, _, n, _ in rows), default=1)
    lines = [
        f"{n:>{width}}  {rule.code}  {'[*] ' if fixed else ''}{rule.slug}  [{severity.label}]"
        for rule, severity, n, fixed in rows
    ]
    if with_summary:
        lines.append(summary(result))
    return "".join(f"{line}\n" for line in lines)


def render_json(result: CheckResult) -> str:
    rows = [
        {"code": rule.code, "slug": rule.slug, "severity": severity.label, "count": n, "fixable": fixed}
        for rule, severity, n, fixed in _rows(result)
    ]
    return json.dumps(rows, indent=2) + "\n"
