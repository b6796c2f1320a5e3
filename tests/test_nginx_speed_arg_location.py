"""``Directive.arg_location`` asks the reader's ``_Spans`` once (``_Spans.at``), not `len` and
`[]` through the ``Sequence`` protocol (issue 21, s31): every `add_header` asks its value's
location, every `set`, `map` entry and `if` one of theirs.

Held to the former method (``_old_arg_location``, verbatim) on two readings of the same text, so
that neither answers from the other's memo: every directive of every fixture, example and
bench-generator file, the reader tests' `if`s and seeded mutations, every index from -3 to past
the end, asked in a random order; crossplane's plain lists (the other reading) answer as before.
"""

from __future__ import annotations

import random

from origins_lint.formats.nginx import syntax
from origins_lint.model import Location
from origins_lint.source import Source
from tests.test_nginx_speed_lexer import TRICKY, _files, _generated, _mutated
from tests.test_nginx_speed_reader import IFS

PATH = "/nonexistent-origins-lint-test/f.conf"


def _old_arg_location(self: syntax.Directive, index: int) -> Location:
    # verbatim from origins_lint/formats/nginx/syntax.py at 939fe31
    if 0 <= index < len(self.arg_locations):
        return self.arg_locations[index]
    return self.location


def _walk(directives: list[syntax.Directive]) -> list[syntax.Directive]:
    out: list[syntax.Directive] = []
    for directive in directives:
        out.append(directive)
        out.extend(_walk(directive.block or []))
    return out


def _same(text: str, rng: random.Random) -> int:
    """The directives of two readings of ``text`` answer alike; how many asked a `_Spans`."""
    new = _walk(syntax.parse_tree(Source(PATH, text), ()).directives)
    old = _walk(syntax.parse_tree(Source(PATH, text), ()).directives)
    assert len(new) == len(old), text
    asks = [(d, i) for d in range(len(new)) for i in range(-3, len(new[d].args) + 3)]
    rng.shuffle(asks)
    spans = 0
    for d, index in asks:
        assert new[d].arg_location(index) == _old_arg_location(old[d], index), (text, d, index)
        spans += type(new[d].arg_locations) is syntax._Spans
    return spans


def test_every_directive_answers_as_before() -> None:
    rng = random.Random(31)
    texts = _files() + _generated(300) + TRICKY + IFS
    assert sum(_same(text, rng) for text in texts) > 10_000


def test_seeded_mutations_answer_as_before() -> None:
    rng = random.Random(3121)
    bases = TRICKY + IFS + _generated(40) + [t for t in _files() if len(t) < 4000][:80]
    for _ in range(1500):
        _same(_mutated(rng, rng.choice(bases)), rng)


def test_at_is_the_sequence_answer() -> None:
    text = 'add_header A "x y" always;\nadd_header "" "";\nif ( $a = "b" ) { return 204; }\n'
    directives = _walk(syntax.parse_tree(Source(PATH, text), ()).directives)
    for directive in directives:
        spans = directive.arg_locations
        assert type(spans) is syntax._Spans
        for index in range(-3, len(spans) + 3):
            expected = spans[index] if 0 <= index < len(spans) else directive.location
            assert spans.at(index, directive.location) == expected
    value = directives[0].arg_location(1)  # `"x y"`: its text, inside the quotes
    assert (value.line, value.column, value.end_column) == (1, 15, 18)
    empty = directives[1].arg_location(0)  # an empty word is located at its directive
    assert empty == directives[1].location
