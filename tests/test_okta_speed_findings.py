"""The JSON report writes each finding of the usual types with one format (`json_report._written`,
issue 21): on seeded random findings (every kind of text, int subclasses, fixes or none,
disabled rules) its report is the text `json.dumps(indent=2, ensure_ascii=False)` writes of the
payload as a list of `finding_fields`, and so is the report of examples/."""

from __future__ import annotations

import enum
import json
import random
from pathlib import Path

import pytest

from origins_lint import __version__
from origins_lint.check import CheckResult, Disabled
from origins_lint.cli import run
from origins_lint.model import Finding, Fix, Location, Severity
from origins_lint.report import Style
from origins_lint.report.json_report import finding_fields, render

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
_TEXTS = ["", "a", "é", '"', "\\", "\n", "\t", "\x00", "\u2028", "\ud800", "😀", "</script>", "`x`", "a b"]


class _Line(enum.IntEnum):
    SEVEN = 7


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(_TEXTS) for _ in range(rng.randint(0, 6)))


def _finding(rng: random.Random) -> Finding:
    numbers = [rng.choice([1, 2, 10**6, rng.randint(0, 99), _Line.SEVEN, True]) for _ in range(4)]
    location = Location(rng.choice(["a.json", "dir/é.yaml", _text(rng)]), *numbers)
    fix = rng.choice([None, Fix(_text(rng), None), Fix("remove the repeated entry", "x")])
    return Finding(
        rng.choice(["OL103", "OL201", _text(rng)]),
        rng.choice(["duplicate-origin", _text(rng)]),
        rng.choice(list(Severity)),
        location,
        _text(rng) * rng.randint(1, 40),
        rng.choice(["okta", _text(rng)]),
        fix,
        rng.choice(["", f"{rng.getrandbits(128):032x}:1"]),
    )


def _expected(result: CheckResult) -> str:
    payload = {
        "version": __version__,
        "files_checked": result.files_checked,
        "baselined": result.baselined,
        "findings": [finding_fields(f) for f in result.findings],
        "disabled_rules": [
            {"rules": list(d.rules), "by": d.by, "file": d.scope or None} for d in result.disabled
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def test_random_findings_are_written_as_json_dumps_writes_them() -> None:
    rng = random.Random(2926)
    for _ in range(400):
        result = CheckResult(
            findings=[_finding(rng) for _ in range(rng.randint(0, 5))],
            files_checked=rng.randint(0, 3),
            baselined=rng.randint(0, 2),
            disabled=[Disabled(("OL101",), "config", rng.choice(["", "a.json"]))] * rng.randint(0, 2),
        )
        assert render(result, Style()) == _expected(result)


def test_the_report_of_the_examples_is_the_same_text(capsys: pytest.CaptureFixture[str]) -> None:
    run(["check", "-f", "json", "--no-cache", str(EXAMPLES)])
    text = capsys.readouterr().out
    payload = json.loads(text)
    assert len(payload["findings"]) > 50
    assert text == json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def test_fingerprints_copy_every_field_of_a_finding() -> None:
    """`with_fingerprints` builds the finding anew, field by field: a field added to `Finding`
    must be added there too (this fails until it is)."""
    from origins_lint.fingerprint import with_fingerprints
    from origins_lint.records import replace

    assert list(Finding.__record_fields__) == [  # type: ignore[attr-defined]
        *("code", "slug", "severity", "location", "message", "format", "fix", "fingerprint"),
    ]
    rng = random.Random(2927)
    findings = [_finding(rng) for _ in range(50)]
    done = with_fingerprints(findings, {}, "/")
    assert done == [replace(f, fingerprint=d.fingerprint) for f, d in zip(findings, done, strict=True)]
    assert all(d.fingerprint for d in done)
