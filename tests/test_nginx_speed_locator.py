"""`syntax._Locator` (issue 21: its line starts from the lines' lengths, and no split of a token
without a newline) must find what it found before: `_Reference` is the class before the change.
Held over every fixture and example, with seeded sequences of tokens: real ones, ones spanning
lines, empty ones, absent ones, with and without a line to start from."""

from __future__ import annotations

import bisect
import random
import re
from pathlib import Path

from origins_lint.formats.nginx.syntax import _Locator
from origins_lint.model import Location

ROOT = Path(__file__).resolve().parent.parent


class _Reference:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.cursor = 0

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def find(self, token: str, line: int | None = None) -> Location | None:
        start = self.cursor
        if line is not None and line - 1 < len(self.line_starts):
            start = max(start, self.line_starts[line - 1])
        needle = token.split("\n", 1)[0] or token
        offset = self.text.find(needle, start, start + len(needle) + 4096) if needle else -1
        if offset < 0:
            return None
        self.cursor = offset + len(needle)
        row, column = self.position(offset)
        return Location(self.path, row, column, row, column + max(len(needle), 1))


def _texts() -> list[str]:
    out = ["", "\n", "a", "a\n", "\n\nb\n", "x\r\ny\n\n"]
    for folder in (ROOT / "tests" / "fixtures" / "nginx", ROOT / "examples"):
        out += [p.read_text(errors="replace") for p in sorted(folder.rglob("*")) if p.is_file()]
    return out


def test_line_starts_and_finds_are_the_reference_ones() -> None:
    rng = random.Random(21)
    for text in _texts():
        ours, reference = _Locator("f.conf", text), _Reference("f.conf", text)
        assert ours.line_starts == reference.line_starts
        lines = text.count("\n") + 1
        for _ in range(60):
            start = rng.randrange(len(text) + 1)
            token = rng.choice(
                [text[start : start + rng.randrange(0, 12)], "", "\n", "absent-token", "a\nb", "\nx"]
            )
            line = rng.choice([None, rng.randrange(1, lines + 3)])
            assert ours.find(token, line) == reference.find(token, line), (token, line)
            assert ours.cursor == reference.cursor
        for offset in range(0, len(text) + 1, max(1, len(text) // 50)):
            assert ours.position(offset) == reference.position(offset)
