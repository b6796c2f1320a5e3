"""A response's header values under no extra guard (issue 21, s30), held to the code it replaces.

``_Builder._values`` combined each value ``evaluate`` gave with every guard set the response is
sent under, then bounded the result. Under ``UNCONDITIONAL`` (one empty guard set: most responses)
that gives back ``evaluate``'s own values, since ``evaluate`` bounds what it returns (each within
the bounds, none twice, at most 64): they are now returned as they are. Held here to the old
combination, verbatim, on every response of every fixture, example and bench-generator file and
seeded mutations of them, including values past the bounds (more than 64 forms, longer than 8k),
with the problems the old bounding would have added (none) checked too. ``Evaluator.bounded`` of
one value (a tuple of one: most) clips it and returns it, without the list, dedupe and cut that
cannot change it: held to the old bounding, with the problems it adds.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

import pytest

import origins_lint.formats.nginx as nginx_format
from origins_lint.formats.base import FormatOptions
from origins_lint.formats.nginx import flow
from origins_lint.formats.nginx.flow import UNCONDITIONAL, Alt, Evaluator, Part, Program, merge_guards
from origins_lint.model import Location
from origins_lint.source import Source
from tests.test_nginx_speed_lexer import _files, _generated, _mutated

PATH = "/nonexistent-origins-lint-test/f.conf"


def _old_values(builder: Any, header: Any, env: Any, paths: Any) -> tuple[tuple[Alt, ...], bool]:
    """``_Builder._values`` at 6157ab9, verbatim; and whether its bounding added a problem."""
    alts = builder.evaluator.evaluate(header.value, header.value_location, env)
    program = builder.program
    before = (len(program.truncated), len(program.clipped))
    combined = (Alt(alt.parts, merge_guards(alt.guards, path)) for alt in alts for path in paths)
    result = builder.evaluator.bounded(combined, header.value_location)
    return result, (len(program.truncated), len(program.clipped)) != before


def _checked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    counts = [0, 0]
    new = nginx_format._Builder._values

    def both(self: Any, header: Any, env: Any, paths: Any) -> tuple[Alt, ...]:
        old, added = _old_values(self, header, env, paths)
        got = new(self, header, env, paths)
        assert got == old, (header.value, paths)
        if paths == UNCONDITIONAL:
            counts[0] += 1
            assert not added  # the old bounding added no problem here
        else:
            counts[1] += 1
        return got

    monkeypatch.setattr(nginx_format._Builder, "_values", both)
    return counts


def _parse(text: str) -> None:
    nginx_format.parse(Source(PATH, text), FormatOptions())


def test_every_response_of_fixtures_examples_and_bench_files(monkeypatch: pytest.MonkeyPatch) -> None:
    counts = _checked(monkeypatch)
    for text in _files() + _generated(300):
        _parse(text)
    assert counts[0] > 800 and counts[1] > 100  # both ways taken, many times


def test_seeded_mutations_and_values_past_the_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    counts = _checked(monkeypatch)
    wide = "".join(f"map $http_x{i} $v{i} {{ a 1; b 2; c 3; }}\n" for i in range(4))
    past = (
        wide
        + 'server {\n set $big "'
        + "x" * 9000
        + '";\n add_header Access-Control-Allow-Origin "$v0$v1$v2$v3";\n'
        + " add_header Access-Control-Allow-Headers $big;\n add_header Vary $http_origin$v0;\n}\n"
    )
    _parse(past)
    rng = random.Random(3032)
    bases = [past, *_generated(40), *[t for t in _files() if len(t) < 4000][:80]]
    for _ in range(1500):
        _parse(_mutated(rng, rng.choice(bases)))
    assert counts[0] > 400


def _old_bounded(evaluator: Evaluator, alts: Iterable[Alt], location: Location) -> tuple[Alt, ...]:
    """``Evaluator.bounded`` at 6157ab9, verbatim."""
    clipped = [evaluator._clipped(alt, location) for alt in alts]
    unique = tuple(dict.fromkeys(clipped)) if len(clipped) > 1 else tuple(clipped)
    if len(unique) > flow.MAX_ALTERNATIVES:
        evaluator.program.truncated.append(location)
        return unique[: flow.MAX_ALTERNATIVES]
    return unique


def test_bounding_one_value_is_the_old_bounding() -> None:
    rng = random.Random(3035)
    where = Location.point(PATH, 3, 4)
    sizes = [0, 1, 5, flow.MAX_TEXT, flow.MAX_TEXT + 1]
    for _ in range(3000):
        count = rng.choice([1, 1, 2, 3, flow.MAX_PARTS + 1])
        alts = [
            Alt(
                tuple(
                    Part("text", "x" * rng.choice(sizes) if count < 4 else "x", where) for _ in range(count)
                )
            )
            for _ in range(rng.choice([0, 1, 1, 1, 2, 65, 70]))
        ]
        if alts and rng.random() < 0.3:
            alts.append(alts[0])  # a repeat
        for given in (tuple(alts), list(alts), iter(alts)):
            ours, theirs = Evaluator(Program()), Evaluator(Program())
            old = _old_bounded(theirs, list(alts), where)
            assert ours.bounded(given, where) == old
            assert (ours.program.clipped, ours.program.truncated) == (
                theirs.program.clipped,
                theirs.program.truncated,
            )


def test_a_literal_value_is_split_into_items_as_before() -> None:
    rng = random.Random(3036)
    pieces = [
        "GET",
        "POST",
        ",",
        ", ",
        " ",
        "\t",
        "\n",
        "Origin",
        "*",
        "",
        "a,b",
        ",,",
        " x ",
        "\x1c",
        "\u2028",
    ]
    pieces += ["ORIGIN", "origin,", "\xa0"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 8)))
        old = tuple(i for i in nginx_format._ITEMS.split(text.strip()) if i)  # `_line` at 6157ab9
        assert nginx_format._items(text) == old
        assert nginx_format._items(text) is nginx_format._items(text)  # split once
        # `_vary` at 6157ab9 split the text as it is: the same answer
        vary = "origin" in (i.lower() for i in nginx_format._ITEMS.split(text))
        assert ("origin" in (i.lower() for i in nginx_format._items(text))) is vary
