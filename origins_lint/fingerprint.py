"""Fingerprints that name a finding by what it points at, not where: baselines and SARIF need them.

A line number changes whenever someone edits above it, so the key is the rule, the
file, the text of the line (whitespace collapsed) and the flagged text itself. Two
findings with the same key in one file are told apart by their order. Messages are
left out: they may quote other lines' numbers, and their wording may improve.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping

from origins_lint.digest import sha256_hex
from origins_lint.model import Finding, made_finding
from origins_lint.source import Lines


def display_path(path: str, base: str) -> str:
    """The path as a baseline stores it: relative to ``base`` with `/`, absolute when outside it."""
    absolute = os.path.abspath(path)
    relative = (
        os.path.relpath(absolute, base) if absolute.startswith(base.rstrip(os.sep) + os.sep) else absolute
    )
    return relative.replace(os.sep, "/")


def with_fingerprints(findings: Iterable[Finding], texts: Mapping[str, str], base: str) -> list[Finding]:
    """Each finding with its fingerprint; ``findings`` must be in report order for stable counters."""
    lines: dict[str, Lines] = {}
    shown: dict[str, str] = {}  # each path's display_path, worked out once (not once a finding)
    seen: Counter[str] = Counter()
    out = []
    for finding in findings:
        loc = finding.location
        if loc.path not in lines:
            lines[loc.path] = Lines(texts.get(loc.path, ""))
            shown[loc.path] = display_path(loc.path, base)
        line = lines[loc.path].line(loc.line) or ""
        flagged = (
            line[loc.column - 1 : loc.end_column - 1] if loc.end_line == loc.line else line[loc.column - 1 :]
        )
        key = "\0".join((finding.code, shown[loc.path], " ".join(line.split()), flagged.strip()))
        digest = sha256_hex(key.encode("utf-8", "surrogatepass"))[:32]
        seen[digest] += 1
        # `replace(finding, fingerprint=...)` without its keyword dict and field walk, and the
        # record's `__init__` (model.made_finding, issue 21)
        out.append(
            made_finding(
                finding.code,
                finding.slug,
                finding.severity,
                loc,
                finding.message,
                finding.format,
                finding.fix,
                f"{digest}:{seen[digest]}",
            )
        )
    return out
