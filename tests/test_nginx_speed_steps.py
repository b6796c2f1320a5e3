"""The automaton's steps (issue 21, s30) held to the code they replace, kept verbatim below.

A step in the middle of a text (context `_MIDDLE`, most of a run's) is kept in a row per state
set (`_middle`), asked by character, without building and hashing a (states, character, context)
key; `_step` reads each state's character test from a table made once (`_chars`), and `_closure`
reads the states through a local. Every step must be the one the old `_move` worked out (the
same states, match flag and cost: the cost is what `max-regex-steps` charges), whichever order the
steps are asked in, and `matches` must give the same answer or `Budget` at every budget around a
text's cost, over the bench's regex families, the rules' origins, every engine and seeded patterns.
"""

from __future__ import annotations

import random

from origins_lint.limits import Limits
from origins_lint.matchers import (
    _ASSERT,
    _CHAR,
    _MATCH,
    _MIDDLE,
    _SPLIT,
    Automaton,
    Budget,
    Step,
    _assertion_holds,
    _context,
    analyse_regex,
)
from origins_lint.model import MatchMode
from tests.test_nginx_speed_automaton import _FAMILIES, _ORIGINS, _PARTS, _TEXT, ENGINES, _outcome, _reference


# --- the steps before (origins_lint/matchers.py at 6157ab9), verbatim but for the memo ---------
def _old_closure(self: Automaton, seeds: list[int], context: tuple[bool, ...]) -> Step:
    into: set[int] = set()
    stack = list(seeds)
    matched = False
    cost = 1
    while stack:
        index = stack.pop()
        cost += 1
        if index < 0 or index in into:
            continue
        into.add(index)
        state = self.states[index]
        if state.op == _MATCH:
            matched = True
        elif state.op == _SPLIT:
            stack.append(state.out)
            stack.append(state.out2)
        elif state.op == _ASSERT and _assertion_holds(state.assertion, context):  # type: ignore[arg-type]
            stack.append(state.out)
    return frozenset(into), matched, cost


def _old_step(self: Automaton, current: frozenset[int], char: str, context: tuple[bool, ...]) -> Step:
    targets = [
        self.states[i].out
        for i in current
        if self.states[i].op == _CHAR and self.states[i].test(char)  # type: ignore[misc]
    ]
    if self.mode is MatchMode.SEARCH:
        targets.append(self.start)
    states, matched, cost = _old_closure(self, targets, context)
    return states, matched, cost + len(current)


def _contexts(text: str) -> list[tuple[bool, bool, bool, bool, bool, bool]]:
    return [_context(text, pos) for pos in range(len(text) + 1)] + [_MIDDLE]


def _steps_agree(automaton: Automaton, text: str, rng: random.Random) -> int:
    """Walks ``text`` from the start under every context, each step against the old one."""
    checked = 0
    pending = [_old_closure(automaton, [automaton.start], ctx)[0] for ctx in _contexts(text)]
    seen: set[frozenset[int]] = set()
    while pending and checked < 400:
        current = pending.pop(rng.randrange(len(pending)))
        if current in seen:
            continue
        seen.add(current)
        for char in dict.fromkeys(text):
            for ctx in (_MIDDLE, rng.choice(_contexts(text))):
                expected = _old_step(automaton, current, char, ctx)
                got = automaton._move(current, char, ctx)
                assert (got[0], got[1], got[2]) == expected, (char, ctx)
                assert automaton._move(current, char, ctx) is got  # kept: asked again, the same step
                pending.append(got[0])
                checked += 1
    return checked


def test_regex_families_step_as_before() -> None:
    rng = random.Random(3030)
    checked = 0
    for engine in ENGINES:
        for pattern in _FAMILIES:
            automaton = analyse_regex(pattern, engine, Limits(regex_steps=10**12))._automaton
            if automaton is None:
                continue
            for text in _ORIGINS[:6]:
                checked += _steps_agree(automaton, text or "a", rng)
    assert checked > 3000


def test_seeded_patterns_step_and_match_as_before() -> None:
    rng = random.Random(3031)
    checked = 0
    for _ in range(600):
        start = "^" if rng.random() < 0.5 else ""
        pattern = start + "".join(rng.choice(_PARTS) for _ in range(rng.randrange(1, 10)))
        automaton = analyse_regex(pattern, rng.choice(ENGINES), Limits(regex_steps=10**12))._automaton
        if automaton is None:
            continue
        texts = ["".join(rng.choice(_TEXT) for _ in range(rng.randrange(0, 30))) for _ in range(4)]
        checked += _steps_agree(automaton, texts[0] or "a", rng)
        for text in texts:  # answers and budgets, memo warm or cold, against the walk of old steps
            steps = _old_walk(automaton, text, 10**12)[1]
            for budget in (steps - 1, steps, 10**12):
                automaton.max_steps = budget
                expected = _outcome(lambda a=automaton, t=text, b=budget: _old_walk(a, t, b))
                assert _outcome(lambda a=automaton, t=text: a.matches(t)) == expected, (pattern, text, budget)
                assert _outcome(lambda a=automaton, t=text, b=budget: _reference(a, t, b)) == expected
    assert checked > 5000


def _old_walk(automaton: Automaton, text: str, budget: int) -> tuple[bool, int]:
    """``_reference``'s walk over the old steps, without any memo."""
    search = automaton.mode is MatchMode.SEARCH
    size = len(text)
    current, matched, steps = _old_closure(automaton, [automaton.start], _context(text, 0))
    if matched and search:
        return True, steps
    for pos, char in enumerate(text, start=1):
        current, matched, cost = _old_step(automaton, current, char, _context(text, pos))
        steps += cost
        if steps > budget:
            raise Budget
        if matched and (search or pos == size):
            return True, steps
    return any(automaton.states[i].op == _MATCH for i in current), steps


def test_a_text_asked_again_is_answered_as_a_fresh_walk_at_every_budget() -> None:
    """``matches`` keeps each text's answer and charge: asked again under any budget (lower or
    higher than the first time), the same answer or `Budget` as a fresh automaton's walk."""
    rng = random.Random(3037)
    checked = 0
    for _ in range(500):
        start = "^" if rng.random() < 0.5 else ""
        pattern = start + "".join(rng.choice(_PARTS) for _ in range(rng.randrange(1, 10)))
        engine = rng.choice(ENGINES)
        kept = analyse_regex(pattern, engine, Limits(regex_steps=10**12))._automaton
        if kept is None:
            continue
        texts = ["".join(rng.choice(_TEXT) for _ in range(rng.randrange(0, 20))) for _ in range(3)]
        texts += ["", rng.choice(_ORIGINS)]
        for _ in range(12):
            text = rng.choice(texts)
            steps = _old_walk(kept, text, 10**12)[1]
            budget = rng.choice([steps - 2, steps - 1, steps, steps + 1, 1, 2, 10**12])
            fresh = analyse_regex(pattern, engine, Limits(regex_steps=10**12))._automaton
            assert fresh is not None
            fresh.max_steps = kept.max_steps = budget
            expected = _outcome(lambda f=fresh, t=text: f.matches(t))
            assert _outcome(lambda k=kept, t=text: k.matches(t)) == expected, (pattern, text, budget)
            checked += 1
    assert checked > 3000
    full = analyse_regex("^a$", ENGINES[0], Limits(regex_steps=10**12))._automaton
    assert full is not None
    for index in range(300):  # no more than 256 texts kept, and the rest still answered
        assert full.matches("a" * (index % 3)) is (index % 3 == 1)
        full.matches(f"b{index}")
    assert len(full._answers) == 256
