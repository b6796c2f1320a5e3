"""`analyse_regex` runs a witness through the automaton only when it could reach `max-regex-steps`
(issue 21): a step costs at most 4n+2 for n states, so a text of length L costs at most
(L+1)(4n+2). Held here: that bound is never passed (a budget of exactly the bound never runs
out), and the analysis says "over budget" exactly when running every witness would."""

from __future__ import annotations

import random

from origins_lint.limits import Limits
from origins_lint.matchers import Budget, analyse_regex
from origins_lint.model import NGINX_MAP_STRING, NGINX_REGEX, NGINX_REGEX_ICASE, TRAEFIK_REGEX

ENGINES = [NGINX_REGEX, NGINX_REGEX_ICASE, NGINX_MAP_STRING, TRAEFIK_REGEX]
_PARTS = [
    "^",
    "$",
    "a",
    "b",
    ".",
    "\\.",
    "(a|b)",
    "(.*)",
    "[a-c]",
    "*",
    "+",
    "?",
    "x",
    "\\b",
    "(?m)",
    "{2,3}",
    "-",
]
_TEXT = "ab.xc\n-_:/"


def _pattern(rng: random.Random) -> str:
    return "".join(rng.choice(_PARTS) for _ in range(rng.randrange(1, 10)))


def test_no_text_costs_more_than_the_bound() -> None:
    rng = random.Random(21)
    checked = 0
    for _ in range(800):
        pattern, engine = _pattern(rng), rng.choice(ENGINES)
        found = analyse_regex(pattern, engine)
        automaton = found._automaton
        if automaton is None:
            continue
        most = 4 * len(automaton.states) + 2
        for _ in range(6):
            text = "".join(rng.choice(_TEXT) for _ in range(rng.randrange(0, 30)))
            automaton.max_steps = (len(text) + 1) * most
            automaton.matches(text)  # raises Budget if the bound were wrong
            checked += 1
    assert checked > 2000


def test_over_budget_exactly_when_a_witness_runs_out() -> None:
    rng = random.Random(22)
    said = 0
    for _ in range(1500):
        pattern, engine = _pattern(rng), rng.choice(ENGINES)
        steps = rng.choice([20, 60, 150, 400, 2_000_000])
        found = analyse_regex(pattern, engine, Limits(regex_steps=steps))
        unbounded = analyse_regex(pattern, engine, Limits(regex_steps=10**12))
        if unbounded._automaton is None:
            continue  # not analysed whatever the budget
        runs_out = False
        for witness in unbounded.witnesses:
            unbounded._automaton.max_steps = steps
            try:
                unbounded._automaton.matches(witness.text)
            except Budget:
                runs_out = True
                break
        over = found.unsupported is not None and "automaton steps" in found.unsupported
        assert over == runs_out, (pattern, steps)
        said += over
    assert said > 50
