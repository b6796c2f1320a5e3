"""The hooks in `.pre-commit-hooks.yaml`, run by the real pre-commit, which installs this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.network

RISKY = """\
version: 1
origins:
  - origin: https://app.example.com
  - origin: https://*.github.io
"""
FIXED = """\
version: 1
origins:
  - origin: https://app.example.com
  - origin: https://docs.example.com
"""
NGINX = """\
server {
    listen 443 ssl;
    location /api/ {
        add_header Access-Control-Allow-Origin "https://app.example.com" always;
    }
}
"""
WORKFLOW = """\
name: ci
on: push
jobs: {}
"""


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _try_repo(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "NO_COLOR": "1",
    }
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files", "--color", "never"],
        check=False,
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook's virtualenv is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "config" / "nginx" / "conf.d").mkdir(parents=True)
    (project / ".github" / "workflows").mkdir(parents=True)
    (project / "config" / "partners.origins.yaml").write_text(RISKY)
    (project / "config" / "nginx" / "conf.d" / "api.conf").write_text(NGINX)
    (project / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW)
    _git(project, "init", "-q")
    _git(project, "add", ".")
    return project


def test_hook_fails_on_the_risky_file_and_passes_once_fixed(repo: Path, home: Path) -> None:
    failed = _try_repo(repo, "origins-lint", home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "origins-lint" in failed.stdout and "Failed" in failed.stdout
    assert (
        "config/partners.origins.yaml:4:13: OL303 [critical] `https://*.github.io` trusts every GitHub "
        "Pages site: anyone can publish one" in failed.stdout
    )
    assert "ci.yml" not in failed.stdout  # a workflow is no format of ours: skipped, not OL003
    assert "api.conf" not in failed.stdout  # the clean nginx file was checked and is clean
    assert "Found 1 finding (1 critical) in 2 files." in failed.stdout

    (repo / "config" / "partners.origins.yaml").write_text(FIXED)
    _git(repo, "add", ".")
    passed = _try_repo(repo, "origins-lint", home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


def test_schema_hook_checks_policy_files_only(repo: Path, home: Path) -> None:
    (repo / "config" / "partners.origins.yaml").write_text(
        textwrap.dedent(
            """\
            version: 1
            origins:
              - orign: https://app.example.com
            """
        )
    )
    _git(repo, "add", ".")
    failed = _try_repo(repo, "origins-lint-schema", home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "config/partners.origins.yaml:3:5: OL002 [high] unknown key `orign`" in failed.stdout

    (repo / "config" / "partners.origins.yaml").write_text(RISKY)  # risky, but valid: not this hook's job
    _git(repo, "add", ".")
    passed = _try_repo(repo, "origins-lint-schema", home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
