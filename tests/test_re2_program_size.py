"""`program_size_floor` never exceeds RE2's own `ProgramSize()` (google-re2 is the oracle).

Envoy refuses a `safe_regex` whose RE2 program is over `re2.max_program_size.error_level`
(envoyproxy/envoy source/common/common/regex.cc, CompiledGoogleReMatcher, 044dbf14); the floor is
what origins-lint can tell without RE2, so it must be a true lower bound: a regex is only called
refused when RE2 would count more.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from origins_lint.formats.readers.re2_syntax import program_size_floor
from tests.conftest import FIXTURES, check_json, need_re2, run_cli

re2 = need_re2()  # skipped outside CI without google-re2; under CI it must be there

_ATOMS = st.sampled_from(
    [
        "a",
        "b",
        "x",
        "-",
        r"\.",
        ".",
        "é",
        "\u017f",  # long s: RE2 folds it with s and S
        "k",
        "[a-z]",
        "[a-z0-9-]",
        "[^/]",
        r"\d",
        r"\w",
        r"\s",
        r"\b",
        "^",
        "$",
        r"\A",
        r"\z",
        "https://",
        "example",
        r"\.com",
        ":[0-9]+",
        "(?i)",
        "(?s)",
        "",
    ]
)
_QUANTIFIERS = st.sampled_from(["", "", "*", "+", "?", "{2}", "{1,3}", "{0}", "{3,}", "*?", "+?"])


def _regex(depth: int) -> st.SearchStrategy[str]:
    piece = st.tuples(_ATOMS, _QUANTIFIERS).map(lambda pair: "".join(pair) if pair[0] else "")
    if depth > 0:
        inner = _regex(depth - 1)
        group = st.tuples(st.sampled_from(["(", "(?:", "(?i:"]), inner, _QUANTIFIERS).map(
            lambda parts: f"{parts[0]}{parts[1]}){parts[2]}"
        )
        piece = st.one_of(piece, group)
    concatenation = st.lists(piece, min_size=1, max_size=5).map("".join)
    return st.lists(concatenation, min_size=1, max_size=4).map("|".join)


def _size(pattern: str) -> int | None:
    try:
        compiled = re2.compile(pattern)
    except re2.error:
        return None
    return int(compiled.programsize)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_regex(2))
def test_the_floor_is_never_over_re2s_count(pattern: str) -> None:
    size, floor = _size(pattern), program_size_floor(pattern)
    if size is not None and floor is not None:
        assert floor <= size, (pattern, floor, size)


@pytest.mark.parametrize(
    "pattern",
    [
        r"https://app\.example\.com",
        r"https://(admin|ops)\.example\.com",
        r"https://(app|api|admin)\.example\.com|https://(www|static)\.example\.org",
        r"https://app\.example\.com|https://api\.example\.com|https://admin\.example\.com|https://www\.example\.org",
        "x" * 97,
    ],
)
def test_the_floor_is_close_on_origin_lists(pattern: str) -> None:
    """On literal origin lists, what Envoy users write, the floor is within 2 of RE2's count."""
    size, floor = _size(pattern), program_size_floor(pattern)
    assert size is not None and floor is not None
    assert size - 2 <= floor <= size


FIXTURES_ENVOY = FIXTURES / "envoy"


def test_envoy_refuses_a_regex_over_its_default_program_size() -> None:
    """114 instructions at least (RE2 counts 115) over Envoy's default 100: OL002 at the regex; the
    short regex and the same long one under `google_re2.max_program_size: 200` are accepted."""
    result = check_json(FIXTURES_ENVOY / "program-size.yaml")
    found = [(f["code"], f["line"], f["column"]) for f in result.findings]
    assert found == [("OL002", 11, 22)]
    message = result.findings[0]["message"]
    assert message.startswith("Envoy rejects this configuration: the RE2 program of `https://(app|")
    assert (
        "at least 114 instructions, more than 100 (Envoy's default `re2.max_program_size.error_level`)"
        in message
    )
    assert (
        _size(
            r"https://(app|api|admin|portal|dashboard)\.example\.com|https://(www|static|assets|cdn)"
            r"\.example\.org|https://partner\.example\.net|https://shop\.example\.io"
        )
        == 115
    )


def test_a_runtime_that_raises_the_limit_is_read() -> None:
    assert check_json(FIXTURES_ENVOY / "program-size-runtime.yaml").findings == []


def test_match_does_not_count_a_refused_regex() -> None:
    """Envoy refuses the whole route configuration, so nothing gets in, not even through the
    other matchers (as for a regex RE2 cannot compile)."""
    matched = run_cli("match", "https://portal.example.com", str(FIXTURES_ENVOY / "program-size.yaml"))
    assert matched.exit_code == 1, matched.stdout
    assert "program-size.yaml:8:9: nothing gets in here: Envoy rejects this configuration" in matched.stdout


def _virtual_service(regex: str) -> str:
    return (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: api\nspec:\n"
        "  hosts: [api.example.com]\n  http:\n    - corsPolicy:\n        allowOrigins:\n"
        f"          - regex: '{regex}'\n        allowCredentials: true\n"
        "      route:\n        - destination:\n            host: api\n"
    )


def test_istio_regexes_are_held_to_the_limit_istios_proxies_set(tmp_path: Path) -> None:
    """Istio sets `re2.max_program_size.error_level` to 32768 on every proxy (extractRuntimeFlags in
    istio/istio pkg/bootstrap/config.go) and its `regex` becomes a `safe_regex` with no limit of its
    own. Under Istio's 1,024 characters, 33 counted repeats of 1,000 are over it (RE2 counts the
    program): refused at the regex; 3 of them are under it and read as usual."""
    big = "https://" + "[a-z0-9]{1000}" * 33 + r"\.example\.com"
    small = "https://" + "[a-z0-9]{1000}" * 3 + r"\.example\.com"
    assert len(big) < 1024 and _size(big) > 32768 > _size(small)
    (tmp_path / "big.yaml").write_text(_virtual_service(big), encoding="utf-8")
    (tmp_path / "small.yaml").write_text(_virtual_service(small), encoding="utf-8")
    refused = check_json(tmp_path / "big.yaml").findings
    assert [(f["code"], f["line"], f["column"]) for f in refused] == [("OL002", 10, 20)]
    message = refused[0]["message"]
    assert "more than 32,768 (`re2.max_program_size.error_level` as Istio's proxies set it)" in message
    assert "OL002" not in [f["code"] for f in check_json(tmp_path / "small.yaml").findings]
    origin = "https://" + "a" * 3000 + ".example.com"
    assert run_cli("match", origin, str(tmp_path / "big.yaml")).exit_code == 1  # refused: nothing gets in
    assert run_cli("match", origin, str(tmp_path / "small.yaml")).exit_code == 0
