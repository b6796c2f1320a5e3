"""Properties that hold for any input (`fuzz/properties.py`), fed by hypothesis in every CI run.

`python fuzz/run.py --minutes N` checks the same properties for as long as it is given.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fuzz import properties
from tests.conftest import mutate

ORIGIN_PARTS = st.sampled_from(
    [
        *("https", "http", "HTTPS", "ws", "null", "", "://", "//", ".", "*", "*.", ":", ":443", ":0080"),
        *("app", "example", "com", "github.io", "xn--bcher-kva", "bücher", "[::1]", "127.0.0.1"),
        *(":99999", "/", "?", "#", "@", ":\u00b2", ":" + "9" * 5000),
    ]
)


@given(st.one_of(st.text(max_size=60), st.lists(ORIGIN_PARTS, max_size=8).map("".join)))
@settings(max_examples=400)
@example("HTTPS://Bücher.Example.:0443")
@example("http://[0:0::1]:80")
def test_origin_reading_never_raises_and_canonical_forms_are_fixed_points(raw: str) -> None:
    properties.origin_holds(raw)


ATOM = st.sampled_from(
    [
        *("a", "b", "x", ".", "-", ":", "/", "\\.", "\\d", "\\w", "\\b", "\\s", "[a-z]", "[^.]", "^", "$"),
        *("\\A", "\\Z", "https://", "example", "\\.com", "(?i)"),
    ]
)
QUANTIFIER = st.sampled_from(["", "", "?", "*", "+", "{2}", "{1,3}", "*?", "+?"])


def _group(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    alternatives = st.lists(inner, min_size=1, max_size=3).map("|".join)
    return st.tuples(st.sampled_from(["(", "(?:"]), alternatives).map(lambda t: t[0] + t[1] + ")")


REGEX = st.recursive(
    st.tuples(ATOM, QUANTIFIER).map("".join),
    lambda inner: st.tuples(
        st.one_of(_group(inner), st.lists(inner, min_size=1, max_size=3).map("".join)), QUANTIFIER
    ).map("".join),
    max_leaves=8,
)
PROBE = st.lists(
    st.sampled_from(["a", "b", "x", ".", "-", ":", "/", "https://", "example", ".com", "\n", "A"])
)


@given(st.one_of(REGEX, st.text(max_size=20)), st.lists(PROBE.map("".join), max_size=10))
@settings(max_examples=300, deadline=None)
@example("\\A$", ["\n"])  # `$` before a final newline, at position 0: found by fuzz/run.py
@example("^https://(app|api)\\.example\\.com$", ["https://app.example.com", "https://appxexample.com"])
def test_regex_analysis_agrees_with_cpython_and_reports_only_accepted_origins(
    pattern: str, probes: list[str]
) -> None:
    properties.regex_holds(pattern, probes)


@pytest.mark.parametrize("format_name", sorted(properties.FORMAT_FILES))
@given(data=st.data())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_whole_check_of_any_file_never_breaks(format_name: str, data: st.DataObject) -> None:
    seeds = properties.seeds(format_name)
    seed = data.draw(st.sampled_from(seeds), label="seed")
    edits = data.draw(
        st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 64), st.binary(max_size=24)), max_size=6),
        label="edits",
    )
    content = data.draw(st.one_of(st.just(mutate(seed, edits)), st.binary(max_size=400)), label="content")
    properties.file_holds(format_name, content, forced=data.draw(st.booleans(), label="forced"))


@pytest.mark.parametrize("format_name", ["okta", "policy"])
@given(data=st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_fast_readers_agree_with_the_exact_ones_on_any_file(format_name: str, data: st.DataObject) -> None:
    seed = data.draw(st.sampled_from(properties.seeds(format_name)), label="seed")
    edits = data.draw(
        st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 32), st.binary(max_size=16)), max_size=4),
        label="edits",
    )
    properties.fast_readers_agree(format_name, mutate(seed, edits))
