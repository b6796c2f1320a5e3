"""`--fix` and `--diff`: hand each file's fixable findings to its format, then show or write the result.

Files are read again as bytes and written back with the same encoding, byte-order
mark and line endings, and only if they still hold the text that was checked
(an editor may have saved in between). Writes are atomic.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from origins_lint import formats
from origins_lint.check import CheckResult
from origins_lint.model import Finding, Fix, Location
from origins_lint.source import Source, byte_order_mark, decode
from origins_lint.writes import write_atomically


@dataclass(slots=True)
class FileFix:
    path: str
    format: str
    before: str
    after: str
    applied: list[Location] = field(default_factory=list)


def plan(result: CheckResult) -> list[FileFix]:
    """What every file with fixable findings would become."""
    wanted: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.fix is not None:
            wanted[(finding.location.path, finding.format)].append(finding)
    planned = []
    for (path, name), findings in sorted(wanted.items()):
        fixer = formats.BY_NAME[name].fix
        before = result.sources.get(path)
        if fixer is None or before is None:
            continue
        edits: list[tuple[Location, Fix]] = [(f.location, f.fix) for f in findings if f.fix is not None]
        outcome = fixer(path, before, edits)
        planned.append(FileFix(path, name, before, outcome.text, outcome.applied))
    return planned


def unified_diff(change: FileFix) -> str:
    lines = difflib.unified_diff(
        change.before.splitlines(keepends=True),
        change.after.splitlines(keepends=True),
        fromfile=f"a/{change.path}",
        tofile=f"b/{change.path}",
    )
    # a last line without a newline is marked as `diff -u` marks it, so `patch` can apply the output
    return "".join(
        line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in lines
    )


class NotWritten(Exception):
    """The file is left alone: it changed on disk after the check, or its line endings are mixed."""


def write(change: FileFix) -> None:
    path = Path(change.path)
    data = path.read_bytes()
    source = decode(change.path, data)
    if not isinstance(source, Source) or source.text != change.before:
        raise NotWritten(f"{change.path}: changed since it was checked; not fixed")
    crlf = data.count(b"\r\n")
    if crlf and crlf != data.count(b"\n"):
        raise NotWritten(f"{change.path}: mixes CRLF and LF line endings; not fixed")
    text = change.after.replace("\n", "\r\n") if crlf else change.after
    bom = byte_order_mark(data)
    write_atomically(path, bom + text.encode(source.encoding.removesuffix("-sig")))
