"""``decisions.origin_checks(..., known)`` (issue 21, s30) skips the checks already reported as a
CORS header's before working out what they gate, held here to the full walk filtered afterwards.

`_Builder.decisions` drops every check at a place a CORS context's matcher already has; working out
the gate of such a check (a map's readers, over every directive of the file) was most of the cost.
The skip must give exactly the checks the filter kept: on every fixture, example and generated
bench file, with the places of the CORS matchers as the builder finds them, and with seeded
subsets of every check's place.
"""

from __future__ import annotations

import random

from origins_lint.formats.nginx import _Builder, _Headers
from origins_lint.formats.nginx.decisions import origin_checks
from origins_lint.formats.nginx.flow import Program
from origins_lint.formats.nginx.syntax import parse_tree
from origins_lint.model import Location
from origins_lint.source import Source
from tests.test_nginx_speed_lexer import _files, _generated


def _filtered(directives: list[object], program: Program, known: set[Location]) -> list[object]:
    """The former way: every check, those at a known place dropped afterwards."""
    return [c for c in origin_checks(directives, program) if c.guard.location not in known]  # type: ignore[arg-type]


def test_known_checks_are_skipped_as_the_filter_dropped_them() -> None:
    rng = random.Random(30)
    compared = skipped = 0
    for text in _files() + _generated(300):
        tree = parse_tree(Source("/nonexistent-origins-lint-test/f.conf", text), ())
        program = Program.of(tree.directives)
        builder = _Builder(program, {})
        builder.level(tree.directives, "top", _Headers(), None)
        in_cors = {m.location for context in builder.contexts for m in context.matchers}
        every = {c.guard.location for c in origin_checks(tree.directives, program)}
        subsets = [in_cors, set(), every, {loc for loc in every | in_cors if rng.random() < 0.5}]
        for known in subsets:
            expected = _filtered(tree.directives, program, known)
            assert list(origin_checks(tree.directives, program, frozenset(known))) == expected, text[:200]
            compared += 1
            skipped += len(every & known)
    assert compared > 1000 and skipped > 100  # the skip is exercised, not only the full walk
