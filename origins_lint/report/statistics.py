"""`--statistics`: how many findings each rule has, most first, instead of the findings themselves."""

from __future__ import annotations

import json
from collections import Counter

from origins_lint.check import CheckResult
from origins_lint.report.text import summary
from origins_lint.rules import RULES, Rule


def _rows(result: CheckResult) -> list[tuple[Rule, int, int]]:
    """(rule, its count, how many are fixable), most frequent first, then by code."""
    counts = Counter(f.code for f in result.findings)
    fixable = Counter(f.code for f in result.findings if f.fix is not None)
    return [
        (RULES[code], n, fixable[code]) for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def render_text(result: CheckResult) -> str:
    rows = _rows(result)
    width = max((len(str(n)) for _, n, _ in rows), default=1)
    lines = [
        f"{n:>{width}}  {f.code}  {'[*] ' if fixed else ''}{f.slug}  [{f.severity.label}]"
        for f, n, fixed in rows
    ]
    return "\n".join([*lines, summary(result)]) + "\n"


def render_json(result: CheckResult) -> str:
    rows = [
        {"code": f.code, "slug": f.slug, "severity": f.severity.label, "count": n, "fixable": fixed}
        for f, n, fixed in _rows(result)
    ]
    return json.dumps(rows, indent=2) + "\n"
