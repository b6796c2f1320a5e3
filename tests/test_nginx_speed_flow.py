"""nginx value evaluation shortcuts (issue 21), each held to the general code it skips.

- `Evaluator.evaluate` of a value without `$`: the one text part (clipped past MAX_TEXT, and
  said) that the loop over variables gives it;
- `Evaluator.bounded` of one value: that value, not hashed against others.
"""

from __future__ import annotations

import random

from origins_lint.formats.nginx import flow
from origins_lint.formats.nginx.flow import Alt, Evaluator, Guard, Part, Program
from origins_lint.model import Location

WHERE = Location("nginx.conf", 3, 5, 3, 40)


def _general_literal(evaluator: Evaluator, expr: str) -> tuple[Alt, ...]:
    """What `evaluate`'s loop gives a text with no variable: one segment, joined onto the empty value."""
    options = (Alt((Part("text", expr, WHERE),)),)
    result: tuple[Alt, ...] = (Alt(()),)
    combined = [
        Alt(flow._join(left.parts, right.parts), flow.merge_guards(left.guards, right.guards))
        for left in result
        for right in options
    ]
    return tuple(dict.fromkeys(evaluator._clipped(alt, WHERE) for alt in combined))


def test_values_without_variables_are_what_the_loop_gives() -> None:
    rng = random.Random(21)
    texts = ["", "true", "Origin", "GET, POST, OPTIONS", "https://a.example.com", "x" * (flow.MAX_TEXT + 1)]
    texts += [
        "".join(rng.choice("ab {}()\\'\"#;,:/.") for _ in range(rng.randrange(0, 40))) for _ in range(500)
    ]
    for text in texts:
        fast, general = Evaluator(Program()), Evaluator(Program())
        assert fast.evaluate(text, WHERE, {}) == _general_literal(general, text), text
        assert fast.program.clipped == general.program.clipped
        assert fast.program.truncated == general.program.truncated


def test_one_value_is_bounded_as_several_would_be() -> None:
    guard = Guard("~", "^https://a\\.example\\.com$", WHERE)
    values = [
        Alt((Part("text", "a", WHERE),)),
        Alt((Part("origin", "$http_origin", WHERE),), (guard,)),
        Alt((Part("text", "x" * (flow.MAX_TEXT + 1), WHERE),)),
    ]
    for value in values:
        one, reference = Evaluator(Program()), Evaluator(Program())
        assert one.bounded([value], WHERE) == tuple(dict.fromkeys([reference._clipped(value, WHERE)]))
        assert one.program.clipped == reference.program.clipped
