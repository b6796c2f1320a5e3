"""Baselines: accept today's findings, fail on new ones; fingerprints survive edits that only move lines."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli, write

POLICY = """
version: 1
origins:
  - origin: http://partner.example.com
  - origin: https://*.github.io
"""


def test_write_then_use_a_baseline(project: Path) -> None:
    write(project, "config/p.origins.yaml", POLICY)
    written = run_cli("check", "--write-baseline", "origins-baseline.json", "config")
    assert written.exit_code == 0
    assert "wrote 2 finding(s) to the baseline origins-baseline.json" in written.stderr
    data = json.loads((project / "origins-baseline.json").read_text(encoding="utf-8"))
    assert data["origins-lint-baseline"] == 1
    assert [(row["code"], row["path"], row["line"]) for row in data["findings"]] == [
        ("OL201", "config/p.origins.yaml", 3),
        ("OL303", "config/p.origins.yaml", 4),
    ]
    again = run_cli("check", "--baseline", "origins-baseline.json", "config")
    assert again.exit_code == 0
    assert again.stdout == "No findings in 1 file (2 more in the baseline).\n"


def test_fingerprints_survive_edits_that_shift_lines(project: Path) -> None:
    path = write(project, "p.origins.yaml", POLICY)
    run_cli("check", "--write-baseline", "baseline.json", ".")
    shifted = """\
# owners: platform team
# reviewed 2026-11
version: 1
service: shop
origins:
  - origin: https://app.example.com
  # legacy partner
  - origin: http://partner.example.com
  - origin: https://*.github.io
"""
    path.write_text(shifted, encoding="utf-8")
    result = run_cli("check", "--baseline", "baseline.json", "-f", "json", ".")
    assert result.exit_code == 0, result.stdout
    assert result.report["findings"] == []
    assert result.report["baselined"] == 2


def test_new_findings_are_reported_even_when_they_repeat_an_accepted_one(project: Path) -> None:
    path = write(project, "p.origins.yaml", POLICY)
    run_cli("check", "--write-baseline", "baseline.json", ".")
    # a second plain-HTTP entry spelled like the accepted one: the baseline accepted one, not two
    path.write_text(path.read_text(encoding="utf-8") + "  - origin: http://partner.example.com\n", "utf-8")
    result = run_cli("check", "--baseline", "baseline.json", ".")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(" [")[0] for line in lines[:-1]] == [
        "p.origins.yaml:5:13: OL103",
        "p.origins.yaml:5:13: OL201",
    ]
    assert lines[-1] == (
        "Found 2 findings (1 medium, 1 low) in 1 file (2 more in the baseline). "
        "1 fixable with `--fix` (marked [*])."
    )


def test_an_edited_line_is_a_new_finding(project: Path) -> None:
    path = write(project, "p.origins.yaml", POLICY)
    run_cli("check", "--write-baseline", "baseline.json", ".")
    path.write_text(path.read_text(encoding="utf-8").replace("*.github.io", "*.vercel.app"), "utf-8")
    result = run_cli("check", "--baseline", "baseline.json", "-f", "json", ".")
    assert [(f["code"], f["line"]) for f in result.findings] == [("OL303", 4)]


def test_missing_or_broken_baseline_is_a_usage_error(project: Path) -> None:
    write(project, "p.origins.yaml", POLICY)
    missing = run_cli("check", "--baseline", "nope.json", ".")
    assert missing.exit_code == 2
    assert "nope.json: no such baseline; create it with `--write-baseline nope.json`" in missing.stderr
    (project / "bad.json").write_text('{"findings": []}', encoding="utf-8")
    broken = run_cli("check", "--baseline", "bad.json", ".")
    assert broken.exit_code == 2
    assert "bad.json: not an origins-lint baseline" in broken.stderr
    assert "Traceback" not in broken.stderr
    both = run_cli("check", "--baseline", "bad.json", "--write-baseline", "b.json", ".")
    assert both.exit_code == 2
