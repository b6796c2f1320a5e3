"""`named_hosts` of a regex or affix entry worked out once per analysis (issue 21, s31), held to the
function it replaces.

OL201, OL202, OL501-OL503 and OL703 ask `named_hosts` of every entry; the entries of a corpus share
their patterns (the nginx bench: about 1,900 regex entries, 600 patterns), and for such an entry the
answer is its analysis's alone (its intent, then the local hosts it admits, each walked on the
automaton). It is now kept per analysis object (`facts._HOSTS`, as `schemes` is). Here the answer
must equal the old `_named_hosts` (verbatim below) for every entry of the fixtures and examples and
for entries of the bench generator's patterns, asked in file order, shuffled, twice, with other
entries of the same pattern in between, and after the kept answers are dropped.
"""

from __future__ import annotations

import random

from bench.gen import HOSTS, REGEX_FAMILIES, ROOTS
from origins_lint.model import NGINX_REGEX, NGINX_REGEX_ICASE, Location, MatcherKind, OriginMatcher
from origins_lint.rules import facts
from origins_lint.rules.facts import (
    WEB,
    NamedHost,
    _local_hosts,
    analysis,
    forget,
    named_hosts,
    parsed,
    wildcard,
)
from tests.test_nginx_speed_plan import _documents


# --- facts._named_hosts before s31, verbatim --------------------------------------------------
def _old_named_hosts(matcher: OriginMatcher) -> list[NamedHost]:
    text = parsed(matcher)
    if text is not None:
        if not text.ok or text.scheme not in WEB:
            return []
        spot = wildcard(matcher)
        host = spot.fixed if spot is not None else text.host
        return [NamedHost(text.scheme, host, text.canonical or matcher.raw)] if host else []
    found = analysis(matcher)
    if found is None:
        return []
    hosts = []
    for origin, host, fixed in found.intended:
        scheme = origin.partition("://")[0]
        if scheme in WEB:
            hosts.append(NamedHost(scheme, fixed or host, origin))
    return hosts + _local_hosts(found, {named.host for named in hosts})


def _matchers() -> list[OriginMatcher]:
    found = [matcher for document in _documents() for _context, matcher in document.matchers(decisions=True)]
    at = Location("bench.conf", 1, 1, 1, 2)
    for family, _risky in REGEX_FAMILIES:
        for root in ROOTS:
            for h1 in HOSTS[:4]:
                pattern = family.format(h1=h1, h2="www", root=root, re_root=root.replace(".", r"\."))
                for engine in (NGINX_REGEX, NGINX_REGEX_ICASE):
                    found += [OriginMatcher(MatcherKind.REGEX, pattern, at, engine) for _ in range(2)]
    return found


def _agree(matchers: list[OriginMatcher]) -> int:
    analysed = 0
    for matcher in matchers:
        expected = _old_named_hosts(matcher)
        forget()  # the per-matcher answers: the one kept per analysis is what is held here
        assert named_hosts(matcher) == expected, matcher.raw
        analysed += analysis(matcher) is not None
    return analysed


def test_named_hosts_are_the_old_ones_for_every_entry_in_any_order() -> None:
    matchers = _matchers()
    kinds = {m.kind for m in matchers}
    assert {MatcherKind.REGEX, MatcherKind.EXACT, MatcherKind.WILDCARD} <= kinds
    assert any(m.kind in (MatcherKind.SUFFIX, MatcherKind.PREFIX, MatcherKind.CONTAINS) for m in matchers)
    assert _agree(matchers) > 600
    rng = random.Random(3111)
    for _ in range(2):
        shuffled = matchers[:]
        rng.shuffle(shuffled)
        _agree(shuffled)
    facts._HOSTS.clear()
    _agree(matchers[::-1])


def test_local_hosts_beside_public_ones_are_kept_per_analysis() -> None:
    """The answer kept for an analysis is the whole list (intent, then the local hosts), and an
    entry of another pattern gets its own."""
    at = Location("a.conf", 1, 1, 1, 2)
    both = OriginMatcher(
        MatcherKind.REGEX, r"^https?://(.+\.)?(localhost:3000|app\.example\.com)$", at, NGINX_REGEX
    )
    other = OriginMatcher(MatcherKind.REGEX, r"^https://api\.example\.org$", at, NGINX_REGEX)
    for matcher in (both, other, both, other):
        forget()
        assert named_hosts(matcher) == _old_named_hosts(matcher)
    assert any(named.host == "localhost" for named in named_hosts(both))
    assert [named.host for named in named_hosts(other)] == ["api.example.org"]
