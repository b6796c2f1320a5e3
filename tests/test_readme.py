"""The README cannot drift (issue 20, item 9): every `console` block is run and its output compared.

A `console` block is a transcript: `$ command` lines, each followed by the output it prints
(stdout, then stderr). The only liberty allowed is `...`: a line that is just `...` stands for
any number of lines (none included), and a line ending in `...` for that line's beginning.
Commands run in the repository's root through a real shell, with `origins-lint` on the PATH
running this checkout, no colour and outside GitHub Actions. Commands to type without their
output go in `sh` blocks, which are not run.

The install instructions, the pre-commit snippet and the GitHub Action example are held to what
exists: the package version, the hooks in `.pre-commit-hooks.yaml` and the inputs of `action.yml`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import cache

import pytest
from ruamel.yaml import YAML

from origins_lint import __version__
from tests.conftest import ROOT

README = ROOT / "README.md"
FENCE = re.compile(r"^( *)```(\w*)[^\n]*\n(.*?)^\1```", re.MULTILINE | re.DOTALL)
ELISION = "..."


def _blocks(language: str) -> list[str]:
    text = README.read_text("utf-8")
    found = []
    for match in FENCE.finditer(text):
        if match.group(2) == language:
            indent = len(match.group(1))
            found.append("".join(line[indent:] for line in match.group(3).splitlines(keepends=True)))
    return found


def _transcript(block: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for each `$ ` line of a console block."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            assert steps, f"output before any `$ ` command in a console block: {line!r}"
            steps[-1][1].append(line)
    return steps


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line, where `...` alone is any run of lines and a trailing `...` any rest of a line."""

    @cache
    def walk(e: int, a: int) -> bool:
        if e == len(expected):
            return a == len(actual)
        want = expected[e]
        if want == ELISION:
            return any(walk(e + 1, rest) for rest in range(a, len(actual) + 1))
        if a == len(actual):
            return False
        got = actual[a]
        same = got.startswith(want[: -len(ELISION)]) if want.endswith(ELISION) else got == want
        return same and walk(e + 1, a + 1)

    return walk(0, 0)


def test_elisions_are_the_only_liberty() -> None:
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "b"], ["a", "b"])
    assert matches(["a: ..."], ["a: anything at all"])
    assert not matches(["a", "d"], ["a", "b", "d"])
    assert not matches(["a"], ["a", "b"])
    assert not matches(["b: ..."], ["a: b"])
    assert not matches(["x ... y"], ["x and y"])  # only a trailing `...` elides


CONSOLE = _blocks("console")
STEPS = [step for block in CONSOLE for step in _transcript(block)]


@pytest.fixture(scope="module")
def shell_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """`origins-lint` on the PATH, running this checkout with the interpreter of the test run."""
    folder = tmp_path_factory.mktemp("bin")
    script = folder / "origins-lint"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m origins_lint "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR", "CI")}
    return {
        **env,
        "PATH": f"{folder}{os.pathsep}{env.get('PATH', '')}",
        "PYTHONPATH": str(ROOT),
        "NO_COLOR": "1",
    }


def test_the_readme_has_the_transcripts_the_issue_asks_for() -> None:
    commands = [command for command, _ in STEPS]
    assert all(command.startswith("origins-lint ") for command in commands)
    assert "origins-lint check examples/" in commands
    assert any(command.startswith("origins-lint match ") for command in commands)
    assert any(command.startswith("origins-lint rule ") for command in commands)
    assert any("--statistics" in command for command in commands)


@pytest.mark.parametrize(("command", "expected"), STEPS, ids=[command for command, _ in STEPS])
def test_console_block_output(command: str, expected: list[str], shell_env: dict[str, str]) -> None:
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=shell_env,
        capture_output=True,
        text=True,
        check=False,
    )
    actual = (done.stdout + done.stderr).splitlines()
    assert matches(expected, actual), "\n".join(
        ["the README shows:", *expected, "", "the tool prints:", *actual]
    )


# --- what the README says about installing ---------------------------------------------------------


def test_install_instructions_name_only_what_exists() -> None:
    text = README.read_text("utf-8")
    assert "pip install origins-lint" not in text  # not on the package index
    assert "pip install 'git+<repository URL>'" in text
    assert "`<repository URL>`" in text  # the placeholder is named and explained


def _yaml_blocks() -> list[dict[str, object]]:
    loaded = []
    for block in _blocks("yaml"):
        try:
            data = YAML(typ="safe", pure=True).load(block)
        except Exception:  # a fragment shown for its syntax, not a whole file
            continue
        if isinstance(data, dict):
            loaded.append(data)
    return loaded


def test_pre_commit_snippet_matches_the_version_and_the_hooks() -> None:
    configs = [block for block in _yaml_blocks() if "repos" in block]
    assert len(configs) == 1
    (repo,) = configs[0]["repos"]  # type: ignore[index]
    assert repo["rev"] == f"v{__version__}"
    hooks = YAML(typ="safe", pure=True).load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert {hook["id"] for hook in repo["hooks"]} <= {hook["id"] for hook in hooks}


def test_the_workflow_uses_the_action_with_its_inputs_and_uploads_sarif() -> None:
    workflows = [block for block in _yaml_blocks() if "jobs" in block]
    action = YAML(typ="safe", pure=True).load((ROOT / "action.yml").read_text("utf-8"))
    steps = [step for workflow in workflows for job in workflow["jobs"].values() for step in job["steps"]]  # type: ignore[attr-defined]
    ours = [step for step in steps if str(step.get("uses", "")).startswith("<owner>/origins-lint@")]
    assert ours and all(step["uses"] == f"<owner>/origins-lint@v{__version__}" for step in ours)
    assert all(set(step.get("with", {})) <= set(action["inputs"]) for step in ours)
    uploads = [
        step for step in steps if str(step.get("uses", "")).startswith("github/codeql-action/upload-sarif")
    ]
    assert uploads and uploads[0]["if"] == "always()"
    assert uploads[0]["with"]["sarif_file"] == ours[0]["with"]["sarif-file"]
