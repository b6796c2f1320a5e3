"""`flow.merge_guards` returns the side that is all there is (nothing to add, or nothing before),
and `Evaluator._clipped` passes a one-part value without summing (issue 21: most merges of the
flow add nothing, and most values are one part). Held to the functions before the change
(``_reference_merge``, ``_reference_clipped``, verbatim but for their names) over seeded guard
tuples (repeats, equal but distinct guards, empty sides) and values past and within the bounds,
with what `_clipped` records."""

from __future__ import annotations

import random

from origins_lint.formats.nginx import flow
from origins_lint.formats.nginx.flow import Alt, Evaluator, Guard, Part, Program, merge_guards
from origins_lint.model import Location

WHERE = Location("nginx.conf", 3, 5, 3, 40)


def _reference_merge(first: tuple[Guard, ...], second: tuple[Guard, ...]) -> tuple[Guard, ...]:
    return first + tuple(g for g in second if g not in first)


def _reference_clipped(evaluator: Evaluator, alt: Alt, location: Location) -> Alt:
    if len(alt.parts) <= flow.MAX_PARTS and sum(len(part.text) for part in alt.parts) <= flow.MAX_TEXT:
        return alt
    evaluator.program.clipped.append(location)
    return Alt((Part("unknown", "…", location),), alt.guards)


def _guard(rng: random.Random) -> Guard:
    line = rng.randrange(1, 4)
    return Guard(
        rng.choice(["~", "~*", "=", "!="]), rng.choice(["a", "b", ""]), Location("f", line, 1, line, 2)
    )


def test_merges_are_the_reference_ones() -> None:
    rng = random.Random(2135)
    pool = [_guard(rng) for _ in range(12)]
    for _ in range(5000):
        first = tuple(rng.choice(pool) for _ in range(rng.randrange(0, 4)))
        second = tuple(rng.choice(pool) for _ in range(rng.randrange(0, 4)))
        if rng.random() < 0.2:
            second = tuple(Guard(g.op, g.operand, g.location, g.scope) for g in first)  # equal, not the same
        assert merge_guards(first, second) == _reference_merge(first, second), (first, second)


def test_clipped_values_are_the_reference_ones() -> None:
    rng = random.Random(2136)
    sizes = [0, 1, 5, flow.MAX_TEXT - 1, flow.MAX_TEXT, flow.MAX_TEXT + 1, 3 * flow.MAX_TEXT]
    for _ in range(2000):
        count = rng.choice([0, 1, 1, 1, 2, 3, flow.MAX_PARTS, flow.MAX_PARTS + 1])
        parts = tuple(
            Part("text", "x" * rng.choice(sizes) if count < 4 else "x", WHERE) for _ in range(count)
        )
        alt = Alt(parts, (_guard(rng),) if rng.random() < 0.5 else ())
        ours, theirs = Evaluator(Program()), Evaluator(Program())
        assert ours._clipped(alt, WHERE) == _reference_clipped(theirs, alt, WHERE)
        assert ours.program.clipped == theirs.program.clipped
