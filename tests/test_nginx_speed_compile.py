"""`_Compiler.seq` makes a literal's state inline, and a literal's test once a run (issue 21: the
first analysis of every pattern went through `item`, a fragment and a new set per literal).
Held to the compiler before the change (``_Reference``, its `seq` and literal tests verbatim):
the same states in the same order (op, targets, assertion), whose tests answer the same for
every character of a sample, over the bench generator's regex families and seeded patterns,
caseless or not."""

from __future__ import annotations

import random
import re
import re._constants as sre_c
import re._parser as sre_parse
import warnings
from collections.abc import Iterable
from typing import Any

import pytest

from origins_lint.matchers import _Compiler, _Frag, _State, char_test

_SAMPLE = [chr(p) for p in range(0x250)] + ["\u212a", "\u017f", "\U0001f600"]


class _Reference(_Compiler):
    def seq(self, items: Iterable[tuple[Any, Any]], icase: bool) -> _Frag:
        frag: _Frag | None = None
        for op, arg in items:
            nxt = self.item(op, arg, icase)
            if frag is None:
                frag = nxt
            else:
                self.patch(frag.ends, nxt.start)
                frag = _Frag(frag.start, nxt.ends)
        return frag if frag is not None else self.empty()

    def item(self, op: Any, arg: Any, icase: bool) -> _Frag:
        if op is sre_c.LITERAL:
            wanted = {chr(arg), chr(arg).lower(), chr(arg).upper()} if icase else {chr(arg)}
            return self.char(wanted.__contains__)
        return super().item(op, arg, icase)


def _compiled(compiler: _Compiler, items: list[tuple[Any, Any]], icase: bool) -> tuple[int, list[_State]]:
    frag = compiler.seq(items, icase)
    return frag.start, compiler.states


def _same(pattern: str, icase: bool) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            items = list(sre_parse.parse(pattern, re.IGNORECASE if icase else 0))
    except re.error:
        return False
    outcomes = []
    for compiler in (_Compiler(10_000), _Reference(10_000)):
        try:
            outcomes.append(_compiled(compiler, items, icase))
        except Exception as error:  # Unsupported: the same message from both
            outcomes.append((-1, [str(error)]))  # type: ignore[list-item]
    (start, ours), (their_start, theirs) = outcomes
    assert start == their_start and len(ours) == len(theirs), pattern
    for mine, old in zip(ours, theirs, strict=True):
        if isinstance(mine, str):
            assert mine == old
            continue
        assert (mine.op, mine.out, mine.out2, mine.assertion) == (old.op, old.out, old.out2, old.assertion)
        assert (mine.test is None) == (old.test is None)
        if mine.test is not None and old.test is not None:
            assert [mine.test(c) for c in _SAMPLE] == [bool(old.test(c)) for c in _SAMPLE], pattern
    return True


_FAMILIES = [
    "^https://app\\.example\\.com$",
    "^https?://(www\\.)?example\\.com$",
    "^https://([a-z0-9-]+\\.)*example\\.com$",
    "^https://.*\\.example\\.com",
    "~^https://api457\\.globex\\.org(:[0-9]+)?$",
    "^(https://a\\.example\\.com|https://b\\.example\\.com)$",
    "\\bexample\\.com\\b",
    "(?i)^HTTPS://App\\.Example\\.COM$",
    "^https://[^.]+\\.example\\.com$",
    "a{2,4}b{0,3}(c|d){1}",
    "",
    "(?:)",
    "x*",
]


@pytest.mark.parametrize("icase", [False, True])
def test_families_compile_to_the_same_states(icase: bool) -> None:
    for pattern in _FAMILIES:
        assert _same(pattern, icase)


def test_seeded_patterns_compile_to_the_same_states() -> None:
    rng = random.Random(2134)
    parts = ["^", "$", "a", "B", "k", ".", "\\.", "(a|b)", "(.*)", "[a-c]", "*", "+", "?", "x", "\\b"]
    parts += ["{2,3}", "-", "(?:ab)", "[^x]", "\\d", "\\w", "(?i:ab)", "(?=a)", "é", "K"]
    compiled = 0
    for _ in range(1500):
        pattern = "".join(rng.choice(parts) for _ in range(rng.randrange(1, 12)))
        compiled += _same(pattern, rng.random() < 0.5)
    assert compiled > 800


def test_a_literal_test_is_made_once() -> None:
    assert char_test(sre_c.LITERAL, ord("a"), True) is char_test(sre_c.LITERAL, ord("a"), True)
    assert char_test(sre_c.LITERAL, ord("a"), True)("A")
    assert not char_test(sre_c.LITERAL, ord("a"), False)("A")
