"""File names and file content written by an attacker: every output format stays well-formed, one
finding stays one line (text) or one command (GitHub), and nothing reaches the terminal or the CI
log as a control sequence."""

from __future__ import annotations

import json
import os
import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import run_cli

SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
# a file name that is not UTF-8 (byte 0xff) and holds an ANSI escape
HOSTILE_NAME = b"bad\xff\x1b[31mname.origins.yaml"
HOSTILE_ORIGIN = "https://x.example.com\\e[2J\\e]0;owned\\a\\n::add-mask::z\\r%0A\\u2028\\u202e"
CONTENT = (
    "version: 1\norigins:\n  - origin: http://a.example.com\n"
    f'  - origin: "{HOSTILE_ORIGIN}"\n'
    f'  - origin: "https://{"a" * 60000}.example.com/path"\n'
)
FORMATS = ["text", "json", "sarif", "github", "junit"]
# what must never reach a terminal or a log: C0/C1 controls besides the newline ending each line,
# line separators, bidi overrides, and lone surrogates (unencodable)
FORBIDDEN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@pytest.fixture(autouse=True)
def _not_in_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def hostile(project: Path) -> Path:
    (project / "d").mkdir()
    with open(os.path.join(os.fsencode(project), b"d", HOSTILE_NAME), "wb") as handle:
        handle.write(CONTENT.encode("utf-8"))
    return project


def test_the_hostile_file_is_checked(hostile: Path) -> None:
    result = run_cli("check", "--output-format", "json", "d")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(f["line"], f["code"]) for f in report["findings"]] == [(3, "OL201"), (4, "OL101"), (5, "OL101")]
    # the JSON escape `\udcff` reads back as the name Python's os.fsdecode gives: the same file
    assert {f["path"] for f in report["findings"]} == {os.fsdecode(b"d/" + HOSTILE_NAME)}


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_format_encodes_and_carries_no_control_sequence(hostile: Path, output_format: str) -> None:
    result = run_cli("check", "--output-format", output_format, "d")
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
    result.stdout.encode("utf-8")  # strict: no lone surrogate left
    if output_format in ("text", "github"):  # read by people and by the Actions log, not parsed
        assert not FORBIDDEN.search(result.stdout), FORBIDDEN.search(result.stdout)
        assert len(result.stdout.split("\n")) == 3 + 2  # three findings, the summary, the final newline


def test_text_shows_the_name_and_the_content_escaped(hostile: Path) -> None:
    lines = run_cli("check", "--output-format", "text", "d").stdout.split("\n")
    assert lines[1].startswith(
        "d/bad\\xff\\x1b[31mname.origins.yaml:4:13: OL101 [high] `https://x.example.com"
    )
    assert "\\x1b[2J\\x1b]0;owned\\x07\\n::add-mask::z\\r%0A\\u2028\\u202e`" in lines[1]


def test_github_escapes_the_runner_syntax_and_the_log_colours(hostile: Path) -> None:
    lines = run_cli("check", "--output-format", "github", "d").stdout.split("\n")
    assert lines[1].startswith("::error file=d/bad\\xff\\x1b[31mname.origins.yaml,line=4,")
    assert "\\x1b[2J\\x1b]0;owned\\x07%0A::add-mask::z%0D%250A\\u2028\\u202e" in lines[1]
    assert not any(line.startswith("::add-mask") for line in lines)


def test_sarif_is_valid_and_the_uri_keeps_the_name_bytes(hostile: Path) -> None:
    result = run_cli("check", "--output-format", "sarif", "d")
    report = json.loads(result.stdout)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text("utf-8"))).validate(report)
    results = report["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"d/bad%FF%1B%5B31mname.origins.yaml"}


def test_junit_is_well_formed(hostile: Path) -> None:
    root = ET.fromstring(run_cli("check", "--output-format", "junit", "d").stdout.encode("utf-8"))
    assert root.get("failures") == "3"


def test_a_huge_quoted_value_is_shortened_in_every_format(hostile: Path) -> None:
    findings = json.loads(run_cli("check", "--output-format", "json", "d").stdout)["findings"]
    huge = findings[2]["message"]
    assert len(huge) < 700
    assert huge.startswith(
        "`https://" + "a" * 112 + "…" + "a" * 23 + ".example.com/path` (60,025 characters)"
    )
    for output_format in FORMATS:
        # no output quotes the 60,025 characters (the SARIF rules' help alone is now ~200 KB, so
        # the size of the whole report no longer tells)
        assert "a" * 200 not in run_cli("check", "--output-format", output_format, "d").stdout


def test_output_file_with_a_hostile_name_is_written(hostile: Path) -> None:
    result = run_cli("check", "-o", "report.json", "d")
    assert result.exit_code == 1
    report = json.loads((hostile / "report.json").read_text("utf-8"))
    assert len(report["findings"]) == 3


def test_a_parser_message_over_several_lines_is_one_line() -> None:
    from origins_lint.source import problem

    assert problem("a.yaml", "invalid: x\n  in line 2\r\n").message == "invalid: x in line 2"


def test_a_forbidden_character_is_reported_at_its_line(project: Path) -> None:
    (project / "bad.origins.yaml").write_text("version: 1\norigins: [\x1b]\n", encoding="utf-8")
    result = run_cli("check", "--output-format", "text", "bad.origins.yaml")
    assert result.stdout.split("\n") == [
        "bad.origins.yaml:2:11: OL001 [high] invalid YAML: character 0x001b: control characters are not "
        "allowed",
        "Found 1 finding (1 high) in 1 file.",
        "",
    ]


def test_a_pattern_python_warns_about_prints_no_warning(project: Path) -> None:
    """`[[` makes CPython's parser warn ("possible nested set"); the pattern is the file's, not ours."""
    (project / "w.origins.yaml").write_text(
        "version: 1\norigins:\n  - regex: '^https://[[a]x\\.example\\.com$'\n", encoding="utf-8"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # what a user's terminal would show
        result = run_cli("check", "--output-format", "text", "w.origins.yaml")
    assert result.stderr == ""
    assert [str(w.message) for w in caught] == []
