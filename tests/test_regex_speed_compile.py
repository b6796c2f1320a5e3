"""`_Compiler.seq` links a literal to the literal before it directly (issue 21, s31): no end list
and no `patch` call a literal, no `add` call either. Held to `seq` as it was (s30, verbatim below):
the same states in the same order (op, targets, assertion, tests answering alike), the same start
and ends, and `Unsupported` at the same `max-regex-states` limit, for every regex of the fixtures
and examples, the bench generator's families and seeded patterns, caseless or not."""

from __future__ import annotations

import random
import re
import re._constants as sre_c
import re._parser as sre_parse
import warnings
from collections.abc import Iterable
from typing import Any

from origins_lint.matchers import Unsupported, _Compiler, _Frag, _literal, _State, translate
from tests.test_regex_speed_runs import _bench_patterns, _fixture_regexes


class _Before(_Compiler):
    """`seq` before s31, verbatim."""

    def seq(self, items: Iterable[tuple[Any, Any]], icase: bool) -> _Frag:
        start, ends = -1, None  # the fragment so far; a literal, the most common item, made inline
        for op, arg in items:
            if op is sre_c.LITERAL:
                index = self.add(_State(_CHAR_OP, test=_literal(arg, icase)))
                first, last = index, [(index, 1)]
            else:
                nxt = self.item(op, arg, icase)
                first, last = nxt.start, nxt.ends
            if ends is None:
                start = first
            else:
                self.patch(ends, first)
            ends = last
        return _Frag(start, ends) if ends is not None else self.empty()


_CHAR_OP = 0
_SAMPLE = "aAbBcCkK\u212a.-:/xyzé\u0130i9\n"


def _compiled(compiler: _Compiler, items: list[tuple[Any, Any]], icase: bool) -> object:
    try:
        frag = compiler.seq(items, icase)
    except Unsupported as error:
        return str(error)
    except RecursionError:
        return "recursion"
    states = [
        (s.op, None if s.test is None else tuple(map(s.test, _SAMPLE)), s.out, s.out2, s.assertion)
        for s in compiler.states
    ]
    return frag.start, sorted(frag.ends), states


def _same(pattern: str, icase: bool, limits: Iterable[int] = (10_000,)) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            items = list(sre_parse.parse(pattern, re.IGNORECASE if icase else 0))
    except (re.error, OverflowError, RecursionError, ValueError):
        return False
    for limit in limits:
        expected = _compiled(_Before(limit), items, icase)
        assert _compiled(_Compiler(limit), items, icase) == expected, (pattern, icase, limit)
    return True


def test_fixture_and_bench_patterns_compile_as_before() -> None:
    compiled = 0
    for pattern, engine in _fixture_regexes():
        compiled += _same(translate(pattern, engine.dialect), not engine.case_sensitive, range(0, 40, 3))
    for pattern in _bench_patterns():
        compiled += _same(pattern, True) + _same(pattern, False, (5, 17, 10_000))
    assert compiled > 1000


_PARTS = ["a", "B", "\\.", "k", "(a|b)", "(?:xy)", "[a-c]", ".", "*", "+", "?", "{2,3}", "^", "$", "é", "-"]


def test_seeded_patterns_compile_as_before_up_to_the_state_limit() -> None:
    rng = random.Random(3121)
    compiled = 0
    for _ in range(2000):
        pattern = "".join(rng.choice(_PARTS) for _ in range(rng.randrange(0, 14)))
        compiled += _same(pattern, rng.random() < 0.5, (rng.randrange(0, 30), 10_000))
    assert compiled > 1000
