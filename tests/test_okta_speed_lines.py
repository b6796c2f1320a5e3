"""`source.Lines.line` skips to a line by counting the newlines of a window at C speed
(`source._after_lines`, issue 21): on seeded random texts with short, long and empty lines, asked
in order, out of order and past the end, it gives each line as `str.split` does."""

from __future__ import annotations

import random

from origins_lint.source import Lines, _after_lines


def _text(rng: random.Random) -> str:
    lines = [
        "x" * rng.choice([0, 1, 5, 31, 32, 33, 64, 200, rng.randint(0, 3000)])
        for _ in range(rng.randint(0, 400))
    ]
    return "\n".join(lines) + rng.choice(["", "\n", "\n\n", "tail"])


def test_lines_of_every_length_are_those_split_gives() -> None:
    rng = random.Random(2924)
    for _ in range(300):
        text = _text(rng)
        lines, split = Lines(text), text.split("\n")
        asked = sorted(rng.randint(-1, len(split) + 3) for _ in range(rng.randint(1, 40)))
        if rng.random() < 0.3:
            rng.shuffle(asked)
        for number in asked:
            expected = split[number - 1] if 1 <= number <= len(split) else None
            assert lines.line(number) == expected, (number, len(split))


def test_after_lines_is_the_offset_after_that_many_newlines() -> None:
    rng = random.Random(2925)
    for _ in range(300):
        text = _text(rng)
        newlines = [index for index, char in enumerate(text) if char == "\n"]
        start = rng.randint(0, len(text))
        after = [index for index in newlines if index >= start]
        for need in {1, 2, rng.randint(1, len(after) + 2), len(after), len(after) + 1}:
            if need < 1:
                continue
            expected = after[need - 1] + 1 if need <= len(after) else None
            assert _after_lines(text, start, need) == expected, (start, need)
