"""`source.Lines.line` guesses its window from the length of the lines it has walked
(`_after_lines(..., width)`, issue 21: the 15,000 findings of a 50,000-origin export): any guess
gives the same offset, and lines asked in order after many others are those `str.split` gives."""

from __future__ import annotations

import random

from origins_lint.source import Lines, _after_lines


def _text(rng: random.Random) -> str:
    short = rng.choice([1, 5, 19, 40])  # most lines about one length, as in an export
    lines = [
        "x" * (rng.randint(0, 2 * short) if rng.random() < 0.95 else rng.randint(0, 3000))
        for _ in range(rng.randint(0, 2000))
    ]
    return "\n".join(lines) + rng.choice(["", "\n", "\n\n", "tail"])


def test_any_first_guess_gives_the_same_offset() -> None:
    rng = random.Random(3041)
    for _ in range(200):
        text = _text(rng)
        newlines = [index for index, char in enumerate(text) if char == "\n"]
        start = rng.randint(0, len(text))
        after = [index for index in newlines if index >= start]
        for need in {1, 2, rng.randint(1, len(after) + 2), len(after), len(after) + 1}:
            if need < 1:
                continue
            expected = after[need - 1] + 1 if need <= len(after) else None
            for width in (1, 2, 7, 20, 32, 500, 10**6):
                assert _after_lines(text, start, need, width) == expected, (start, need, width)


def test_lines_asked_after_many_are_those_split_gives() -> None:
    rng = random.Random(3042)
    for _ in range(200):
        text = _text(rng)
        lines, split = Lines(text), text.split("\n")
        asked = sorted(rng.randint(-1, len(split) + 3) for _ in range(rng.randint(1, 200)))
        if rng.random() < 0.2:
            rng.shuffle(asked)
        for number in asked:
            expected = split[number - 1] if 1 <= number <= len(split) else None
            assert lines.line(number) == expected, (number, len(split))
