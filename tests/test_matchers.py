"""Regex analysis: counterexamples are real, the automaton agrees with `re`, and time is bounded."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from origins_lint.matchers import analyse_regex
from origins_lint.model import POLICY_REGEX_ENGINE, Engine, MatchMode

SEARCH = POLICY_REGEX_ENGINE
FULL = Engine("re2", MatchMode.FULL, case_sensitive=True)


def really_matches(pattern: str, text: str, engine: Engine) -> bool:
    """The reference: Python's own engine, used here only on the tests' own safe patterns."""
    flags = 0 if engine.case_sensitive else re.IGNORECASE
    found = (
        re.search(pattern, text, flags)
        if engine.mode is MatchMode.SEARCH
        else re.fullmatch(pattern, text, flags)
    )
    return found is not None


@pytest.mark.parametrize(
    ("pattern", "method", "expected"),
    [
        (r"https://app\.example\.com", "unanchored", "https://app.example.com.attacker.net"),
        (r"^https://app\.example\.com", "unanchored", "https://app.example.com.attacker.net"),
        (r"example\.com$", "unanchored", "https://attackerexample.com"),
        (r"^https://api.example.com$", "unescaped_dot", "https://apixexample.com"),
        (r"^https://([^/]+)?example\.com$", "too_broad", "https://attackerexample.com"),
        (r"^https://example\.com[^/]*$", "too_broad", "https://example.com.attacker.net"),
        (r"^https://.*example\.com$", "too_broad", "https://attackerexample.com"),
    ],
)
def test_counterexamples_are_real(pattern: str, method: str, expected: str) -> None:
    analysis = analyse_regex(pattern, SEARCH)
    found = getattr(analysis, method)()
    assert found is not None and found.origin == expected
    assert really_matches(pattern, found.origin, SEARCH)


@pytest.mark.parametrize(
    "pattern",
    [
        r"^https://app\.example\.com$",
        r"^https://(app|admin)\.example\.com$",
        r"^https://([a-z0-9-]+\.)?example\.com$",
        r"^https://[a-z0-9-]+\.example\.com(:[0-9]+)?$",
        r"^https://\w+\.example\.com$",
        r"^https://api.partner-two\.com$",  # the dot is escaped where it matters
    ],
)
def test_safe_patterns_have_no_bypass(pattern: str) -> None:
    analysis = analyse_regex(pattern, SEARCH)
    assert analysis.analysed
    assert (analysis.unanchored(), analysis.too_broad()) == (None, None)
    if "api." not in pattern:
        assert analysis.unescaped_dot() is None


def test_full_match_engines_need_no_anchors() -> None:
    analysis = analyse_regex(r"https://app\.example\.com", FULL)
    assert analysis.unanchored() is None
    assert analysis.accepts("https://app.example.com")
    assert not analysis.accepts("https://app.example.com.attacker.net")


def test_scheme_and_wildcard_facts() -> None:
    assert analyse_regex(r"^https?://app\.example\.com$", SEARCH).schemes() == (True, True)
    assert analyse_regex(r"^http://app\.example\.com$", SEARCH).schemes() == (True, False)
    assert analyse_regex(r"^.*example\.com$", SEARCH).any_scheme() == "attacker://example.com"
    wildcard = analyse_regex(r"^https://[a-z0-9-]+\.example\.com$", SEARCH).wildcard()
    assert wildcard is not None and wildcard[0] == "example.com"
    shared = analyse_regex(r"^https://[a-z0-9-]+\.github\.io$", SEARCH).shared_host()
    assert shared is not None and shared[1].origin == "https://attacker.github.io"
    assert analyse_regex(r".*", SEARCH).matches_everything
    assert not analyse_regex(r"^https://(app|admin)\.example\.com$", SEARCH).matches_everything


def test_case_insensitivity_follows_the_engine() -> None:
    assert analyse_regex(r"^https://app\.example\.com$", SEARCH).accepts("HTTPS://APP.EXAMPLE.COM")
    assert not analyse_regex(r"^https://app\.example\.com$", FULL).accepts("HTTPS://APP.EXAMPLE.COM")
    assert analyse_regex(r"(?i)^https://app\.example\.com$", FULL).accepts("HTTPS://APP.EXAMPLE.COM")


@pytest.mark.parametrize(
    ("pattern", "field", "words"),
    [
        (r"^https://(?!admin)[a-z]+\.example\.com$", "unsupported", "lookaround"),
        (r"^(a)\1$", "unsupported", "back-references"),
        (r"^(?>https)://a\.com$", "unsupported", "atomic"),
        (r"^https://a++\.com$", "unsupported", "possessive"),
        (r"^https://(unclosed$", "error", "missing )"),
        ("(" * 5000 + ")" * 5000, "unsupported", ""),
        ("a" * 5000, "unsupported", "longer than"),
        (r"(a{1000}){1000}", "unsupported", "automaton states"),
    ],
)
def test_unanalysable_patterns_are_reported_not_raised(pattern: str, field: str, words: str) -> None:
    analysis = analyse_regex(pattern, SEARCH)
    assert not analysis.analysed
    assert words in (getattr(analysis, field) or "")


@pytest.mark.parametrize("pattern", [r"^(a+)+$", r"^(a|a)*b$", r"^((a*)*)*c$", r"^(\w+\.?)+example\.com$"])
def test_catastrophic_shapes_are_fast(pattern: str) -> None:
    analysis = analyse_regex(pattern, SEARCH)
    start = time.perf_counter()
    assert analysis.accepts("a" * 5000 + "!") is False
    for method in ("unanchored", "unescaped_dot", "too_broad", "wildcard"):
        getattr(analysis, method)()
    assert time.perf_counter() - start < 2


ATOMS = st.sampled_from([r"a", r"b", r"\.", r".", r"[a-c]", r"[^a]", r"\d", r"\w", r"-", r"x"])


@st.composite
def patterns(draw: st.DrawFn) -> str:
    """Small patterns that `re` can be the reference for without backtracking blow-ups.

    Ambiguous alternations under a quantifier (`(.|[^a])+`) make Python's
    engine exponential, the very hazard the analysis avoids; so only single
    atoms are quantified, and at most two per pattern.
    """
    parts = []
    quantified = 0
    for _ in range(draw(st.integers(1, 5))):
        atom = draw(ATOMS)
        if draw(st.booleans()):
            parts.append(f"({atom}|{draw(ATOMS)})")
            continue
        quantifier = draw(st.sampled_from(["", "", "?", "*", "+", "{1,2}"]))
        if quantifier and quantified < 2:
            quantified += 1
            atom += quantifier
        parts.append(atom)
    prefix = draw(st.sampled_from(["", "^"]))
    suffix = draw(st.sampled_from(["", "$"]))
    return prefix + "".join(parts) + suffix


@settings(max_examples=300, deadline=None)
@given(pattern=patterns(), text=st.text(alphabet="ab.x-1_Z", max_size=12), full=st.booleans())
def test_automaton_agrees_with_re(pattern: str, text: str, full: bool) -> None:
    engine = FULL if full else SEARCH
    analysis = analyse_regex(pattern, engine)
    assert analysis.analysed
    assert analysis.accepts(text) == really_matches(pattern, text, engine)


@settings(max_examples=200, deadline=None)
@given(pattern=patterns())
def test_every_counterexample_really_matches(pattern: str) -> None:
    host_pattern = "^https://" + pattern.lstrip("^") + r"\.example\.com"
    analysis = analyse_regex(host_pattern, SEARCH)
    for method in ("unanchored", "unescaped_dot", "too_broad"):
        found = getattr(analysis, method)()
        if found is not None:
            assert really_matches(host_pattern, found.origin, SEARCH)
