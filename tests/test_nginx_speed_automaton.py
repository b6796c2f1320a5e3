"""`Automaton.matches` charges a stretch it cannot leave at once (issue 21): a full match that lost
every state, or a search whose paths all wait on an assertion that fails in the middle of a text
(`^https://...` once the text left it). Held here to the walk before the change (``_reference``,
the loop as it was): the same answer, and `Budget` raised for exactly the same budgets (one step
below what the walk charged runs out, exactly that does not), over the bench generator's regex
families, origins of every shape the rules try, and seeded random patterns and texts, on
search and full-match engines, case-sensitive or not, line-aware or not.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from origins_lint.limits import Limits
from origins_lint.matchers import _MATCH, _MIDDLE, Automaton, Budget, _context, analyse_regex
from origins_lint.model import (
    ENVOY_RE2,
    NGINX_MAP_STRING,
    NGINX_REGEX,
    NGINX_REGEX_ICASE,
    TRAEFIK_REGEX,
    Engine,
    MatchMode,
)

ENGINES = [NGINX_REGEX, NGINX_REGEX_ICASE, NGINX_MAP_STRING, TRAEFIK_REGEX, ENVOY_RE2]


def _reference(automaton: Automaton, text: str, budget: int) -> tuple[bool, int]:
    """The walk before the change, one character at a time: the answer and the steps charged."""
    search = automaton.mode is MatchMode.SEARCH
    size = len(text)
    line_aware = automaton._line_aware
    last = size - 1 if text.endswith("\n") else -1
    context = _context(text, 0) if line_aware else (True, False, size == 0, last == 0, False, False)
    current, matched, steps = automaton._closure([automaton.start], context)
    if matched and search:
        return True, steps
    for pos, char in enumerate(text, start=1):
        if line_aware:
            context = _context(text, pos)
        elif pos < last or (last < 0 and pos < size):
            context = _MIDDLE
        else:
            context = (False, False, pos == size, pos == last, False, False)
        current, matched, cost = automaton._move(current, char, context)
        steps += cost
        if steps > budget:
            raise Budget
        if matched and (search or pos == size):
            return True, steps
    return any(automaton.states[i].op == _MATCH for i in current), steps


def _outcome(run: Callable[[], bool | tuple[bool, int]]) -> bool | str:
    try:
        got = run()
    except Budget:
        return "budget"
    return got[0] if isinstance(got, tuple) else got


def _same(automaton: Automaton, text: str) -> None:
    steps = _reference(automaton, text, 10**12)[1]
    for budget in (steps - 2, steps - 1, steps, steps + 1, 10**12):
        automaton.max_steps = budget
        expected = _outcome(lambda: _reference(automaton, text, budget))  # noqa: B023
        assert _outcome(lambda: automaton.matches(text)) == expected, (text, budget, steps)


_ORIGINS = [
    "https://app.example.com",
    "http://app.example.com",
    "attacker://app.example.com",
    "ftp://app.example.com",
    "https://app.example.com.attacker.net",
    "https://attacker.net/app.example.com",
    "https://evilexample.com",
    "null",
    "",
    "\n",
    "https://app.example.com\n",
    "https://app.example.com\nx",
    "x\nhttps://app.example.com",
    "https://APP.EXAMPLE.COM",
    "https://a-b.example.com:8443",
]
_FAMILIES = [
    "^https://app\\.example\\.com$",
    "^https?://(www\\.)?example\\.com$",
    "^https://([a-z0-9-]+\\.)*example\\.com$",
    "^https://.*\\.example\\.com",
    "https://app.example.com",
    "example\\.com$",
    "^https://app\\.example\\.com(:\\d+)?$",
    "(?m)^https://app\\.example\\.com$",
    "^(https://a\\.example\\.com|https://b\\.example\\.com)$",
    "\\bexample\\.com\\b",
    "^$",
    "^",
    "$",
    ".*",
    "^https://[^.]+\\.example\\.com$",
    "\\Ahttps://app\\.example\\.com\\z",
]


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: f"{e.name}-{e.mode}-{e.case_sensitive}")
def test_regex_families_and_origins_walk_the_same(engine: Engine) -> None:
    for pattern in _FAMILIES:
        found = analyse_regex(pattern, engine, Limits(regex_steps=10**12))
        automaton = found._automaton
        if automaton is None:
            continue
        for text in _ORIGINS:
            _same(automaton, text)


_PARTS = ["^", "$", "a", "b", ".", "\\.", "(a|b)", "(.*)", "[a-c]", "*", "+", "?", "x", "\\b", "(?m)", "-"]
_TEXT = "ab.xc\n-_:/"


def test_seeded_patterns_and_texts_walk_the_same() -> None:
    rng = random.Random(2130)
    stuck = checked = 0
    for _ in range(1500):
        start = "^" if rng.random() < 0.5 else ""  # anchored searches are the ones that get stuck
        pattern = start + "".join(rng.choice(_PARTS) for _ in range(rng.randrange(1, 10)))
        found = analyse_regex(pattern, rng.choice(ENGINES), Limits(regex_steps=10**12))
        automaton = found._automaton
        if automaton is None:
            continue
        dead = automaton._dead
        stuck += dead is not None and not dead[2]
        for _ in range(6):
            text = "".join(rng.choice(_TEXT) for _ in range(rng.randrange(0, 30)))
            _same(automaton, text)
            checked += 1
    assert checked > 3000 and stuck > 150


def test_a_search_that_waits_on_the_start_is_stuck_and_others_are_not() -> None:
    anchored = analyse_regex("^https://a\\.example\\.com$", NGINX_REGEX)._automaton
    assert anchored is not None and anchored._dead is not None and not anchored._dead[2]
    free = analyse_regex("https://a\\.example\\.com$", NGINX_REGEX)._automaton
    assert free is not None and free._dead is None
    # `\\b` looks at every character: no stretch is the same throughout
    lines = analyse_regex("^https://a\\.example\\.com\\b", NGINX_REGEX)._automaton
    assert lines is not None and lines._dead is None
    full = analyse_regex("https://a\\.example\\.com", NGINX_MAP_STRING)._automaton
    assert full is not None and full._dead == (frozenset(), 1, True)
