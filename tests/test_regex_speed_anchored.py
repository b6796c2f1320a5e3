"""`unanchored` tells "`^...$` would not admit it" from the pattern's own automaton run as a full
match (issue 21, s31), instead of analysing `^(?:pattern)$` for every pattern it found a hit for.

A "no" from the full match is final: the wrapped regex (the same regex in `^(?:...)$`, where the
dialect's translation leaves the wrapper alone) accepts a text without a newline only if the
pattern matches all of it. Anything else still asks the wrapped analysis. Held here to that
analysis (`_anchored(...).accepts`) over every regex of the fixtures and examples, the bench
generator's families, seeded patterns with global and scoped flags, `\\Q...\\E`, Kong and Spring
entries, line-aware assertions, on every engine, for the rules' own hits and seeded texts (with
newlines too); and `unanchored` itself to the function before (verbatim below).
"""

from __future__ import annotations

import random

from origins_lint.limits import Limits
from origins_lint.matchers import (
    ATTACKER,
    Candidate,
    RegexAnalysis,
    _anchored,
    analyse_regex,
    registrable_domain,
)
from origins_lint.model import Dialect, Engine, MatchMode
from tests.test_nginx_speed_automaton import ENGINES
from tests.test_regex_speed_runs import _bench_patterns, _fixture_regexes, _mutations

KONG = Engine("kong", MatchMode.SEARCH, True, Dialect.KONG)
SPRING = Engine("spring", MatchMode.FULL, False, Dialect.ORIGIN_PATTERN)
RE2 = Engine("re2-search", MatchMode.SEARCH, True, Dialect.RE2)
PYTHON = Engine("python-search", MatchMode.SEARCH, False, Dialect.PYTHON)


# --- RegexAnalysis.unanchored before s31, verbatim ------------------------------------------------
def _old_unanchored(self: RegexAnalysis) -> Candidate | None:
    if self.engine.mode is MatchMode.FULL or (self.anchored_start and self.anchored_end):
        return None
    candidates: list[str] = []
    for origin, scheme, host in self._origins():
        if not self.anchored_end:
            candidates.append(f"{origin}.{ATTACKER}")
        if not self.anchored_start:
            domain = registrable_domain(host) or host
            candidates += [f"{scheme}://attacker{domain}", f"{scheme}://attacker-{domain}"]
    hit = self._first(candidates)
    if hit is None and not self.anchored_start:
        inside = (f"{scheme}://attacker{host}" for _origin, scheme, host in self._origins())
        hit = next((Candidate(text, text.partition("://")[2]) for text in inside if self.accepts(text)), None)
    if hit is not None and _anchored(self.pattern, self.engine).accepts(hit.origin):
        return None
    return hit


def _texts(found: RegexAnalysis, rng: random.Random) -> list[str]:
    texts = [w.text for w in found.witnesses[:4]]
    texts += [t if "://" in t else "https://" + t for t in texts]
    texts += [f"{t}.{ATTACKER}" for t in texts[:2]] + ["https://attacker.net", "", "\n", "null"]
    return texts + [m for t in texts[:2] for m in _mutations(t, rng)][:40]


def _hold(pattern: str, engine: Engine, rng: random.Random) -> int:
    found = analyse_regex(pattern, engine)
    if not found.analysed:
        return 0
    assert found.unanchored() == _old_unanchored(found), (pattern, engine)
    wrapped = _anchored(pattern, engine)
    texts = _texts(found, rng)
    for text in texts:
        assert found._anchored_accepts(text) is wrapped.accepts(text), (pattern, engine, text)
    return len(texts)


def test_fixture_and_bench_patterns_tell_the_anchored_answer_as_before() -> None:
    rng = random.Random(3131)
    checked = 0
    for pattern, engine in _fixture_regexes():
        checked += _hold(pattern, engine, rng)
        checked += _hold(pattern, rng.choice([*ENGINES, KONG, RE2, PYTHON]), rng)
    for index, pattern in enumerate(_bench_patterns()):
        if index % 3 == 0:
            checked += _hold(pattern, ENGINES[index % len(ENGINES)], rng)
            checked += _hold(pattern, KONG if index % 2 else PYTHON, rng)
    assert checked > 20_000


_PARTS = [
    "^", "$", "\\A", "\\Z", "\\z", "\\b", "(?m)", "(?i)", "(?i:A)", "(?s:.)", "\\Q.a\\E", "\\Q",
    "https://", "app", "\\.", ".", "example", "(a|b)", "[a-z]+", "(www\\.)?", ".*", "\\n", "x|",
    "(?<n>a)", "[[:alpha:]]", "*", ":8080", "(?:c)",
]  # fmt: skip


def test_seeded_patterns_tell_the_anchored_answer_as_before() -> None:
    rng = random.Random(3132)
    checked = 0
    for _ in range(1500):
        pattern = "".join(rng.choice(_PARTS) for _ in range(rng.randrange(1, 8)))
        checked += _hold(pattern, rng.choice([*ENGINES, KONG, SPRING, RE2, PYTHON]), rng)
    assert checked > 10_000


def test_a_full_match_no_is_taken_and_a_yes_still_asks() -> None:
    """The shortcut is taken (no wrapped analysis) where it can say no, and a yes goes on to the
    wrapped analysis: `app\\.example\\.com` admits `https://app.example.com.attacker.net` past a
    missing `$`, which `^(?:...)$` refuses; a `(?i)` pattern cannot be wrapped (Python refuses
    global flags past the start), so the wrapped analysis says no even where the full match is yes."""
    loose = analyse_regex("https://app\\.example\\.com", ENGINES[0])
    hit = loose.unanchored()
    assert hit is not None and hit.origin == "https://app.example.com.attacker.net"
    assert not loose._anchored_accepts(hit.origin)
    flagged = analyse_regex("(?i)https://app\\.example\\.com", ENGINES[0], Limits())
    assert flagged.analysed and not _anchored(flagged.pattern, flagged.engine).analysed
    assert not flagged._anchored_accepts("https://app.example.com")
