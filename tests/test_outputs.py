"""CI outputs: SARIF against the official 2.1.0 schema, GitHub workflow commands, JUnit, statistics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from junitparser import Failure, JUnitXml

from tests.conftest import ROOT, run_cli, write

SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"

RISKY = """
version: 1
origins:
  - origin: http://partner.example.com
    credentials: true
  - origin: https://*.github.io
  - origin: https://app.example.com:443
"""


@pytest.fixture(autouse=True)
def _not_in_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def sarif(*args: str, cwd: Path | None = None) -> dict[str, Any]:
    result = run_cli("check", "--output-format", "sarif", *args, cwd=cwd)
    assert result.exit_code in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_sarif_of_the_examples_validates_against_the_official_schema() -> None:
    report = sarif("examples", cwd=ROOT)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(report)
    run = report["runs"][0]
    assert len(run["results"]) == 93  # the README's count for `check examples/`
    fingerprints = [r["partialFingerprints"]["originsLint/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sarif_rules_carry_what_code_scanning_shows() -> None:
    rules = sarif("examples/policy/storefront.origins.yaml", cwd=ROOT)["runs"][0]["tool"]["driver"]["rules"]
    by_id = {rule["id"]: rule for rule in rules}
    # every rule (OL005-OL006: issue 19; OL803-OL806: issue 25; OL901-OL903: issue 24; OL105: stop
    # 31), so ruleIndex is stable whatever is found
    assert len(by_id) == 50
    rule = by_id["OL402"]
    page = (ROOT / "rules" / "OL402.md").read_text(encoding="utf-8")
    assert rule["name"] == "reflected-origin-with-credentials"
    assert rule["shortDescription"] == {"text": "Reflected origin with credentials"}
    assert rule["fullDescription"]["text"].startswith("OL304 with credentials: the request's `Origin` echoed")
    assert rule["help"] == {"text": page, "markdown": page}
    assert rule["helpUri"] == "https://github.com/origins-lint/origins-lint/blob/main/rules/OL402.md"
    assert rule["defaultConfiguration"] == {"level": "error"}
    assert rule["properties"]["security-severity"] == "9.5"
    assert rule["properties"]["tags"] == [
        "security",
        "external/cwe/cwe-942",
        "external/cwe/cwe-346",
        "CWE-942",
        "CWE-346",
    ]
    levels = {
        r["id"]: (r["defaultConfiguration"]["level"], r["properties"]["security-severity"]) for r in rules
    }
    assert levels["OL201"] == ("warning", "5.5")
    assert levels["OL102"] == ("note", "3.0")
    assert levels["OL605"] == ("note", "1.0")
    assert levels["OL405"] == ("error", "8.0")


def test_sarif_result_shape(project: Path) -> None:
    write(project, "risky.origins.yaml", RISKY)
    run = sarif("risky.origins.yaml")["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": project.resolve().as_uri() + "/"}}
    assert run["columnKind"] == "unicodeCodePoints"
    first = run["results"][0]
    assert first == {
        "ruleId": "OL201",
        "ruleIndex": 11,  # after OL001-OL006 and OL101-OL105
        "level": "error",  # high here: credentials raise it above the rule's default
        "message": {"text": first["message"]["text"]},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "risky.origins.yaml", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 3, "startColumn": 13, "endLine": 3, "endColumn": 39},
                }
            }
        ],
        "partialFingerprints": {"originsLint/v1": first["partialFingerprints"]["originsLint/v1"]},
        "properties": {"severity": "high", "slug": "insecure-origin", "format": "policy"},
    }
    assert first["message"]["text"].startswith("`http://partner.example.com` is plain HTTP")
    assert run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == "OL201"


def test_sarif_paths_with_spaces_are_uris(project: Path) -> None:
    write(project, "my config/risky.origins.yaml", RISKY)
    run = sarif("my config")["runs"][0]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20config/risky.origins.yaml"


def test_github_annotations_exact_shape(project: Path) -> None:
    write(project, "risky.origins.yaml", RISKY)
    result = run_cli("check", "--output-format", "github", "risky.origins.yaml")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "::error file=risky.origins.yaml,line=3,endLine=3,col=13,endColumn=39,"
        "title=OL201 insecure-origin [high]::`http://partner.example.com` is plain HTTP"
    )
    assert lines[1].startswith(
        "::error file=risky.origins.yaml,line=5,endLine=5,col=13,endColumn=32,"
        "title=OL303 shared-host-origin [critical]::`https://*.github.io` trusts every GitHub Pages site"
    )
    assert lines[2].startswith(
        "::notice file=risky.origins.yaml,line=6,endLine=6,col=13,endColumn=40,"
        "title=OL102 non-canonical-origin [low]::`https://app.example.com:443` is not how a browser writes"
    )
    assert (
        lines[-1]
        == "Found 3 findings (1 critical, 1 high, 1 low) in 1 file. 1 fixable with `--fix` (marked [*])."
    )
    assert len(lines) == 4


def test_github_format_is_the_default_in_github_actions(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, "risky.origins.yaml", RISKY)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run_cli("check", "risky.origins.yaml").stdout.startswith("::error file=risky.origins.yaml,")
    assert run_cli("check", "-f", "text", "risky.origins.yaml").stdout.startswith("risky.origins.yaml:3:13:")


def test_github_commands_cannot_be_injected(project: Path) -> None:
    write(
        project,
        "a,b:c%.origins.yaml",
        'version: 1\norigins:\n  - origin: "https://a.example.com/\\n::add-mask::x\\r%0A"\n',
    )
    result = run_cli("check", "--output-format", "github", ".")
    lines = result.stdout.splitlines()
    assert len(lines) == 2  # one annotation and the summary: the message's newline did not start a line
    assert lines[0].startswith("::error file=a%2Cb%3Ac%25.origins.yaml,line=3,")
    assert "%0A::add-mask::x%0D%250A" in lines[0]
    assert all(not line.startswith("::add-mask") for line in lines)


def test_junit_is_valid_and_counts(project: Path) -> None:
    write(project, "risky.origins.yaml", RISKY)
    write(project, "clean.origins.yaml", "version: 1\norigins:\n  - origin: https://app.example.com\n")
    result = run_cli("check", "--output-format", "junit", ".")
    assert result.exit_code == 1
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="origins-lint"')
    report = JUnitXml.fromstring(result.stdout.encode("utf-8"))
    suites = {suite.name: suite for suite in report}
    assert set(suites) == {"clean.origins.yaml", "risky.origins.yaml"}
    assert (suites["clean.origins.yaml"].tests, suites["clean.origins.yaml"].failures) == (1, 0)
    assert (suites["risky.origins.yaml"].tests, suites["risky.origins.yaml"].failures) == (3, 3)
    case = next(iter(suites["risky.origins.yaml"]))
    assert case.name == "OL201 insecure-origin at 3:13"
    assert case.classname == "risky.origins.yaml"
    failure = case.result[0]
    assert isinstance(failure, Failure)
    assert failure.type == "OL201 high"
    assert failure.message.startswith("`http://partner.example.com` is plain HTTP")
    assert failure.text.startswith("risky.origins.yaml:3:13: OL201 [high] `http://partner.example.com`")


def test_junit_stays_well_formed_with_hostile_text(project: Path) -> None:
    write(
        project,
        "hostile.origins.yaml",
        'version: 1\norigins:\n  - origin: "https://a.example.com/\\x01\\x1b[31m<&>\\"]]>"\n',
    )
    result = run_cli("check", "--output-format", "junit", ".")
    report = JUnitXml.fromstring(result.stdout.encode("utf-8"))
    failure = next(iter(next(iter(report)))).result[0]
    assert '\\x01\\x1b[31m<&>"]]>' in failure.message


def test_output_file_takes_the_report_and_its_suffix_picks_the_format(project: Path) -> None:
    write(project, "risky.origins.yaml", RISKY)
    result = run_cli("check", "--output-file", "reports/origins.sarif", "risky.origins.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    report = json.loads((project / "reports" / "origins.sarif").read_text(encoding="utf-8"))
    assert report["version"] == "2.1.0"
    run_cli("check", "-o", "out.xml", "risky.origins.yaml")
    assert (project / "out.xml").read_text(encoding="utf-8").startswith("<?xml")
    run_cli("check", "-o", "out.txt", "risky.origins.yaml")
    assert (project / "out.txt").read_text(encoding="utf-8").startswith("risky.origins.yaml:3:13: OL201")
    assert run_cli("check", "-o", "risky.origins.yaml/x.json", "risky.origins.yaml").exit_code == 2


def test_statistics_text_and_json(project: Path) -> None:
    write(project, "risky.origins.yaml", RISKY)
    write(project, "more.origins.yaml", RISKY)
    result = run_cli("check", "--statistics", ".")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "2  OL102  [*] non-canonical-origin  [low]",
        "2  OL201  insecure-origin  [high]",  # counted at the severity the findings have (issue 20)
        "2  OL303  shared-host-origin  [critical]",
        "Found 6 findings (2 critical, 2 high, 2 low) in 2 files. 2 fixable with `--fix` (marked [*]).",
    ]
    rows = json.loads(run_cli("check", "--statistics", "-f", "json", ".").stdout)
    assert rows[0] == {
        "code": "OL102",
        "slug": "non-canonical-origin",
        "severity": "low",
        "count": 2,
        "fixable": 2,
    }
    assert [row["code"] for row in rows] == ["OL102", "OL201", "OL303"]
    assert run_cli("check", "--statistics", "-f", "sarif", ".").exit_code == 2
