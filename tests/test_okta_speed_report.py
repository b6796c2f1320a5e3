"""The JSON report writes its indented text itself (`json_report.dumps_indented`, issue 21): the
same text as `json.dumps(value, indent=2, ensure_ascii=False)`, on seeded random values and on
real reports."""

from __future__ import annotations

import enum
import json
import random
from pathlib import Path
from typing import Any

import pytest

from origins_lint.cli import run
from origins_lint.report.json_report import dumps_indented

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


class _Level(enum.IntEnum):
    LOW = 1


class _Name(enum.StrEnum):
    A = "a\u00e9"


_TEXTS = ["", "a", "é", '"', "\\", "\n", "\t", "\x00", "\u2028", "\ud800", "😀", "</script>", "a b"]


def _value(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.5:
        return rng.choice(
            [
                rng.choice(_TEXTS) + rng.choice(_TEXTS),
                rng.randint(-(10**20), 10**20),
                rng.choice([0, 1, -1]),
                None,
                True,
                False,
                1.5,
                float("inf"),
                _Level.LOW,
                _Name.A,
            ]
        )
    if roll < 0.75:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if roll < 0.78:
        return tuple(_value(rng, depth + 1) for _ in range(rng.randint(0, 3)))
    keys: list[Any] = [rng.choice(_TEXTS) + str(index) for index in range(rng.randint(0, 4))]
    if rng.random() < 0.1:
        keys.append(rng.choice([1, 2.5, None, True]))
    return {key: _value(rng, depth + 1) for key in keys}


@pytest.mark.parametrize("seed", range(5))
def test_random_values_are_written_as_json_dumps_writes_them(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        value = _value(rng, 0)
        assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False), value


def test_an_object_nobody_can_encode_fails_as_json_dumps_fails() -> None:
    with pytest.raises(TypeError):
        dumps_indented({"a": [object()]})


def test_a_real_report_is_the_same_text(capsys: pytest.CaptureFixture[str]) -> None:
    run(["check", "-f", "json", "--no-cache", str(EXAMPLES)])
    text = capsys.readouterr().out
    payload = json.loads(text)
    assert payload["findings"]  # a report with findings, messages quoting every kind of text
    assert text == json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def test_lines_skipped_in_runs_give_each_line_as_splitting_does() -> None:
    """`source.Lines.line` skips lines by regex runs (fingerprints read one line a finding)."""
    from origins_lint.source import Lines

    rng = random.Random(2131)
    for _ in range(500):
        text = "".join(
            rng.choice(["a", "\n", "\n\n", "bc", "\r\n", "", "é"]) for _ in range(rng.randint(0, 60))
        )
        lines, split = Lines(text), text.split("\n")
        for number in [*sorted(rng.randint(-1, len(split) + 2) for _ in range(10)), rng.randint(0, 5)]:
            expected = split[number - 1] if 1 <= number <= len(split) else None
            assert lines.line(number) == expected, (text, number)
