"""The GitHub Action (`action.yml`): its definition, and its script run as the runner runs it.

The runner executes `action/run.sh install` then `action/run.sh check` with the inputs in `INPUT_*`
variables and `GITHUB_ACTION_PATH`, `RUNNER_TEMP` and `GITHUB_OUTPUT` set. The offline tests run
the `check` step against this checkout (the virtualenv's `origins-lint` is a two-line wrapper);
the `network` test runs the `install` step for real, which needs the package index.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from origins_lint import __version__
from tests.conftest import ROOT, write

ACTION = ROOT / "action.yml"
SCRIPT = ROOT / "action" / "run.sh"
RISKY = "version: 1\norigins:\n  - origin: http://partner.example.com\n  - origin: https://*.example.com\n"


def _action() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(ACTION.read_text("utf-8"))
    return data


def test_action_is_a_composite_action_with_the_inputs_the_issue_names() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert {"paths", "format", "fail-on", "sarif-file"} <= set(action["inputs"])
    assert all("description" in spec for spec in action["inputs"].values())
    steps = action["runs"]["steps"]
    assert [step["run"] for step in steps] == [
        '"$GITHUB_ACTION_PATH/action/run.sh" install',
        '"$GITHUB_ACTION_PATH/action/run.sh" check',
    ]
    # every input reaches the script through the environment, none is pasted into a `run:` text
    passed = {value for step in steps for value in step.get("env", {}).values()}
    assert passed == {f"${{{{ inputs.{name} }}}}" for name in action["inputs"]}
    assert all("${{" not in step["run"] for step in steps)
    assert action["outputs"]["exit-code"]["value"] == "${{ steps.check.outputs.exit-code }}"


@pytest.fixture
def runner(tmp_path: Path) -> dict[str, str]:
    """What the runner sets, with a virtualenv whose `origins-lint` runs this checkout."""
    temp = tmp_path / "runner-temp"
    binary = temp / "origins-lint-venv" / "bin" / "origins-lint"
    binary.parent.mkdir(parents=True)
    binary.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m origins_lint "$@"\n', encoding="utf-8")
    binary.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    return {
        **env,
        "PYTHONPATH": str(ROOT),
        "RUNNER_TEMP": str(temp),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(tmp_path / "github-output"),
    }


def _step(step: str, env: dict[str, str], cwd: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    given = {f"INPUT_{name.upper()}": value for name, value in inputs.items()}
    return subprocess.run(
        ["bash", str(SCRIPT), step],
        cwd=cwd,
        env={**env, **given},
        capture_output=True,
        text=True,
        check=False,
    )


def _outputs(env: dict[str, str]) -> dict[str, str]:
    text = Path(env["GITHUB_OUTPUT"]).read_text("utf-8")
    return dict(line.split("=", 1) for line in text.splitlines())


def test_check_step_annotates_writes_sarif_and_sets_outputs(runner: dict[str, str], tmp_path: Path) -> None:
    work = tmp_path / "repo"
    write(work, "config/partners.origins.yaml", RISKY)
    write(work, "clean.origins.yaml", "version: 1\norigins:\n  - origin: https://a.example.com\n")
    done = _step("check", runner, work, paths=".", format="github", fail_on="low", sarif_file="out.sarif")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("::warning file=config/partners.origins.yaml,line=3,endLine=3,col=13,")
    assert lines[1].startswith("::warning ") and lines[2] == "Found 2 findings (2 medium) in 2 files."
    sarif = json.loads((work / "out.sarif").read_text("utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["OL201", "OL302"]
    assert _outputs(runner) == {"exit-code": "1", "sarif-file": "out.sarif"}


def test_check_step_fail_on_paths_and_args(runner: dict[str, str], tmp_path: Path) -> None:
    work = tmp_path / "repo"
    write(work, "a/partners.origins.yaml", RISKY)
    write(work, "b/partners.origins.yaml", RISKY)
    write(work, "c d/partners.origins.yaml", RISKY)
    high = _step("check", runner, work, paths="a", format="text", fail_on="high", sarif_file="")
    assert high.returncode == 0, high.stderr  # medium findings only: below the fail level
    assert high.stdout.splitlines()[-1] == "Found 2 findings (2 medium) in 1 file."
    listed = _step("check", runner, work, paths="a\nb", format="json", fail_on="low", args="--select OL201")
    assert listed.returncode == 1
    report = json.loads(listed.stdout)
    assert [(f["path"], f["code"]) for f in report["findings"]] == [
        ("a/partners.origins.yaml", "OL201"),
        ("b/partners.origins.yaml", "OL201"),
    ]
    globbed = _step("check", runner, work, paths="*", format="text", fail_on="low")
    assert globbed.returncode == 2 and "*: no such file or directory" in globbed.stderr  # never globbed
    assert _outputs(runner)["exit-code"] == "2"
    default = _step("check", runner, work, paths="", format="text", fail_on="low")
    assert default.stdout.splitlines()[-1] == "Found 6 findings (6 medium) in 3 files."


def test_script_refuses_an_unknown_step(runner: dict[str, str], tmp_path: Path) -> None:
    done = _step("lint", runner, tmp_path)
    assert done.returncode == 2 and "usage: run.sh install|check" in done.stderr


@pytest.mark.network
def test_install_step_installs_this_checkout(runner: dict[str, str], tmp_path: Path) -> None:
    """The real install step: a virtualenv in RUNNER_TEMP, origins-lint from the action's checkout."""
    (Path(runner["RUNNER_TEMP"]) / "origins-lint-venv").rename(tmp_path / "wrapper")
    done = _step("install", runner, tmp_path, python=sys.executable)
    assert done.returncode == 0, done.stderr
    assert re.search(rf"^origins-lint {re.escape(__version__)}$", done.stdout, re.MULTILINE)
    work = tmp_path / "repo"
    write(work, "partners.origins.yaml", RISKY)
    checked = _step("check", runner, work, paths=".", format="text", fail_on="low")
    assert checked.returncode == 1 and "OL201" in checked.stdout
