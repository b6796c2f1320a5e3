"""The breadth rules (OL302, OL306-OL310) read their explanation by code from one dict per entry
(`breadth.breadth`, issue 21, s31) instead of a generator over `explain` in each of the six rules.
Held to the expression it replaces (the first of `explain`'s answers with that code) for every
entry of the fixtures and examples and the bench generator's patterns, every code, asked in rule
order, shuffled and twice."""

from __future__ import annotations

import random

from origins_lint.model import NGINX_REGEX, NGINX_REGEX_ICASE, Location, MatcherKind, OriginMatcher
from origins_lint.rules.breadth import BREADTH_RULES, breadth, explain
from tests.test_nginx_speed_plan import _documents
from tests.test_regex_speed_runs import _bench_patterns


def test_breadth_by_code_is_the_first_explanation_with_that_code() -> None:
    matchers = [m for document in _documents() for _context, m in document.matchers(decisions=True)]
    at = Location("bench.conf", 1, 1, 1, 2)
    for index, pattern in enumerate(_bench_patterns()):
        if index % 4 == 0:
            matchers.append(
                OriginMatcher(
                    MatcherKind.REGEX, pattern, at, (NGINX_REGEX, NGINX_REGEX_ICASE)[index % 8 // 4]
                )
            )
    codes = [*BREADTH_RULES, "OL405", "OL999"]
    rng = random.Random(3151)
    asked = said = 0
    for order in (matchers, rng.sample(matchers, len(matchers))):
        for matcher in order:
            for code in rng.sample(codes, len(codes)) + codes:
                expected = next((b for b in explain(matcher) if b.code == code), None)
                assert breadth(matcher, code) == expected, (matcher.raw, code)
                asked += 1
                said += expected is not None
    assert asked > 10_000 and said > 500
