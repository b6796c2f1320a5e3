"""Each engine's own comparison, and `match`'s three answers, at line and column.

Fixtures live in tests/fixtures/engines/. `match` exits 0 (trusted), 1 (not trusted) or
3 (unknown: no entry admits the origin for sure, but one that was not analysed might).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from origins_lint.admit import Verdict, decide
from origins_lint.model import EXACT_ENGINE, Location, MatcherKind, OriginMatcher
from tests.conftest import FIXTURES, Run, check_json, run_cli

ENGINES = FIXTURES / "engines"


def match(origin: str, *paths: Path, json: bool = False) -> Run:
    extra = ("--output-format", "json") if json else ()
    result = run_cli("match", *extra, origin, *map(str, paths))
    assert "Traceback" not in result.stdout + result.stderr
    return result


def spots(rows: list[dict[str, Any]]) -> list[tuple[int, int, str]]:
    return [(row["line"], row["column"], row["kind"]) for row in rows]


def found(path: Path) -> list[tuple[str, int, int]]:
    result = check_json(path)
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"]) for f in result.findings]


def messages(path: Path) -> dict[tuple[str, int, int], str]:
    return {(f["code"], f["line"], f["column"]): f["message"] for f in check_json(path).findings}


# --- match: trusted 0, not trusted 1, unknown 3 -------------------------------------


def test_an_atomic_group_regex_nginx_uses_is_unknown_not_untrusted() -> None:
    """nginx's PCRE runs `(?>...)`; the analysis does not model it, so the answer is "unknown"."""
    path = ENGINES / "nginx-atomic.conf"
    result = match("https://evil.example.net", path, json=True)
    assert result.exit_code == 3
    report = result.report
    assert report["verdict"] == "unknown"
    assert report["trusted"] is False
    assert report["entries"] == []
    assert spots(report["unknown"]) == [(4, 29, "regex")]
    row = report["unknown"][0]
    assert row["matcher"] == r"^https://(?>app|www)\.example\.com$"
    assert "atomic groups" in row["reason"]
    assert row["credentials"] is True
    assert row["scopes"] == ["cors"]
    assert row["path"].endswith("nginx-atomic.conf")


def test_unknown_in_text() -> None:
    result = match("https://app.example.com", ENGINES / "nginx-atomic.conf")
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert lines[0].endswith(
        "nginx-atomic.conf:4:29: regex `^https://(?>app|www)\\.example\\.com$` might admit it: "
        "atomic groups `(?>...)` change what matches; not analysed"
    )
    assert lines[-1] == (
        "`https://app.example.com` is unknown: no analysed entry in 1 file(s) admits it, "
        "but 1 place not analysed might"
    )


def test_an_entry_that_admits_for_sure_makes_it_trusted_and_still_lists_the_unknown() -> None:
    result = match("https://admin.example.com", ENGINES / "nginx-atomic.conf", json=True)
    assert result.exit_code == 0
    assert result.report["verdict"] == "trusted"
    assert result.report["trusted"] is True
    assert spots(result.report["entries"]) == [(8, 29, "exact")]
    assert result.report["entries"][0]["credentials"] is False
    assert spots(result.report["unknown"]) == [(4, 29, "regex")]


def test_a_template_value_is_unknown() -> None:
    """Traefik's parser reports `{{ ... }}` as not analysed (OL004): it might be any origin."""
    path = ENGINES / "traefik-template.yaml"
    result = match("https://evil.example.net", path, json=True)
    assert result.exit_code == 3
    assert result.report["verdict"] == "unknown"
    assert spots(result.report["unknown"]) == [(7, 13, "not-analysed")]
    row = result.report["unknown"][0]
    assert row["matcher"] is None and row["credentials"] is None and row["scopes"] is None
    assert "is a template; render it first" in row["reason"]
    text = match("https://evil.example.net", path)
    assert text.exit_code == 3
    assert "traefik-template.yaml:7:13: a value not analysed might admit it: " in text.stdout
    trusted = match("https://app.example.com", path, json=True)
    assert trusted.exit_code == 0
    assert spots(trusted.report["entries"]) == [(6, 13, "exact")]


def test_not_trusted_when_every_entry_was_analysed() -> None:
    result = match("https://evil.example.net", ENGINES / "envoy-exact.yaml", json=True)
    assert result.exit_code == 1
    assert result.report == {
        "origin": "https://evil.example.net",
        "trusted": False,
        "verdict": "not-trusted",
        "entries": [],
        "unknown": [],
    }
    text = match("https://evil.example.net", ENGINES / "envoy-exact.yaml")
    assert text.exit_code == 1
    assert (
        text.stdout.splitlines()[-1] == "`https://evil.example.net` is not trusted by any entry in 1 file(s)"
    )


def test_a_file_no_format_reads_is_unknown(tmp_path: Path) -> None:
    named = tmp_path / "cors.txt"
    named.write_text("allow https://app.example.com\n", encoding="utf-8")
    result = match("https://app.example.com", named, json=True)
    assert result.exit_code == 3
    assert spots(result.report["unknown"]) == [(1, 1, "unknown-format")]
    assert "a file not read might admit it" in match("https://app.example.com", named).stdout


@pytest.mark.parametrize(
    ("raw", "origin", "expected"),
    [
        ("http://${domain}", "https://app.example.com", False),  # the fixed scheme rules it out
        ("http://${domain}", "http://app.example.com", None),
        ("https://{{ .Values.host }}.example.com", "https://app.example.com", None),
        ("https://{{ .Values.host }}.example.com", "https://app.example.org", False),
    ],
)
def test_a_placeholder_in_an_entry_rules_out_what_its_fixed_text_excludes(
    raw: str, origin: str, expected: bool | None
) -> None:
    matcher = OriginMatcher(MatcherKind.EXACT, raw, Location.point("x", 1, 1), EXACT_ENGINE)
    assert decide(matcher, origin) is expected


def test_verdict_exit_codes() -> None:
    assert [v.exit_code for v in Verdict] == [0, 1, 3]
