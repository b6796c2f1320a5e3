"""`--fix` and `--diff`: show or write what the check's dry run of each format's fixes produced.

Files are read again as bytes and written back with the same encoding, byte-order
mark and line endings, and only if they still hold the text that was checked
(an editor may have saved in between). Writes are atomic.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from origins_lint.check import CheckResult
from origins_lint.model import Location
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
    """The files the check's dry run could fix, with their new text; nothing is asked of a format twice."""
    return [
        FileFix(path, name, result.sources[path], outcome.text, outcome.applied)
        for (path, name), outcome in sorted(result.fixes.items())
        if outcome.applied
    ]


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
