"""The breadth rules (OL302, OL306-OL310) read their explanation by code from one dict per entry
(`breadth.breadth`, issue 21, s31) instead of a generator over `explain` in each of the six rules;
OL303 and `explain` ask `shared_host` once per analysis (`facts.shared_host`). Held to the
expressions they replace (the first of `explain`'s answers with that code; OL303's check as it
was, verbatim) for every entry of the fixtures and examples and the bench generator's patterns,
asked in rule order, shuffled and twice."""

from __future__ import annotations

import random

from origins_lint.matchers import analyse_regex
from origins_lint.model import (
    NGINX_REGEX,
    NGINX_REGEX_ICASE,
    CorsContext,
    Document,
    Location,
    MatcherKind,
    OriginMatcher,
)
from origins_lint.origins import HostClass, is_public_suffix, local_class
from origins_lint.rules.breadth import BREADTH_RULES, _shared_host, breadth, explain, shared_description
from origins_lint.rules.facts import analysis, forget, parsed, shared_host, wildcard
from origins_lint.rules.registry import Hit
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


def _old_shared_host(_context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    """breadth._shared_host before s31, verbatim (it asked `found.shared_host()` of every entry)."""
    spot = wildcard(matcher)
    if spot is not None and spot.fixed and is_public_suffix(spot.fixed):
        return Hit(matcher.location, f"`{matcher.raw}` trusts {shared_description(spot.fixed)}")
    if spot is not None and not spot.fixed:
        return Hit(matcher.location, f"`{matcher.raw}` trusts every host name: anyone has one")
    text = parsed(matcher)
    if text is not None and text.ok and matcher.kind is MatcherKind.EXACT:
        if local_class(text.host) is HostClass.PLAYGROUND:
            return Hit(
                matcher.location,
                f"`{matcher.raw}` is a code playground: anyone can run their own script on that "
                "origin and read what it is trusted with; remove it",
            )
        return None
    found = analysis(matcher)
    shared = found.shared_host() if found is not None and not found.matches_everything else None
    if shared is None:
        return None
    suffix, example = shared
    return Hit(
        matcher.location, f"`{matcher.raw}` trusts {shared_description(suffix)} (`{example.origin}` gets in)"
    )


def test_shared_host_is_kept_per_analysis_and_ol303_says_the_same() -> None:
    """`facts.shared_host` (once per analysis) against `shared_host()` asked afresh, and OL303's
    check against the one before, for every fixture, example and bench entry (shared suffixes
    included: `github\\.io`, `herokuapp`...), in order and shuffled."""
    documents = _documents()
    pairs = [(context, m) for document in documents for context, m in document.matchers(decisions=True)]
    at = Location("bench.conf", 1, 1, 1, 2)
    for pattern in (
        "^https://[a-z0-9-]+\\.github\\.io$",
        "^https://.*\\.herokuapp\\.com$",
        *_bench_patterns(),
    ):
        pairs.append((pairs[0][0], OriginMatcher(MatcherKind.REGEX, pattern, at, NGINX_REGEX)))
    rng = random.Random(3152)
    said = 0
    for order in (pairs, rng.sample(pairs, len(pairs))):
        for context, matcher in order:
            forget()
            expected = _old_shared_host(context, matcher, documents[0])
            forget()
            assert _shared_host(context, matcher, documents[0]) == expected, matcher.raw
            said += expected is not None
            found = analysis(matcher)
            if found is not None:
                fresh = analyse_regex(found.pattern, found.engine)
                assert shared_host(found) == fresh.shared_host()
    assert said > 20
