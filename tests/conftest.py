"""Helpers that run the real CLI on real files written into a temporary folder."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from origins_lint.cli import run
from origins_lint.model import ParsedFile
from origins_lint.rules import all_rules
from origins_lint.rules.registry import RuleSettings

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.stdout)
        return data

    @property
    def findings(self) -> list[dict[str, Any]]:
        return list(self.report["findings"])

    def codes(self) -> list[str]:
        return [f["code"] for f in self.findings]

    def at(self, code: str) -> list[tuple[int, int]]:
        """(line, column) of each finding of one rule."""
        return [(f["line"], f["column"]) for f in self.findings if f["code"] == code]


def run_cli(*args: str, cwd: Path | None = None) -> Run:
    """The real command line in this process, its stdout and stderr captured apart."""
    import contextlib
    import io
    import os

    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(list(args))
    finally:
        os.chdir(old)
    return Run(code, out.getvalue(), err.getvalue())


def check_json(*paths: str | Path, extra: tuple[str, ...] = (), cwd: Path | None = None) -> Run:
    return run_cli("check", "--output-format", "json", *extra, *map(str, paths), cwd=cwd)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture(autouse=True, scope="session")
def _cache_key_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The result cache's HMAC key goes to a folder of the test run, not the user's ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


@pytest.fixture(autouse=True)
def _limits_of_this_test() -> Iterator[None]:
    """A run in this process makes its config's limits the active ones (`limits.use`): a test that
    runs the CLI with `max-regex-steps = 40` must not leave them to the next test's analyses."""
    from origins_lint import limits

    before = limits.active()
    yield
    limits.use(before)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as the current directory, so no config from this repo leaks in."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def mutate(seed: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """The seed with each (position, length, replacement) edit applied in turn: fuzzing input."""
    data = bytearray(seed)
    for position, cut, piece in edits:
        at = position % (len(data) + 1)
        data[at : at + cut] = piece
    return bytes(data)


def run_every_rule(parsed: ParsedFile) -> None:
    """Every rule over every document a parser produced; raises if any of them does."""
    for document in parsed.documents:
        for rule in all_rules():
            list(rule.findings(document, RuleSettings()))


def need_re2() -> Any:
    """google-re2, from the test extras: the exact oracle for what RE2 compiles. Outside CI a
    machine without it skips; under CI (where the extras are installed) it must be there."""
    try:
        import re2  # type: ignore[import-not-found]
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("google-re2 (a test extra) is not installed", allow_module_level=True)
    return re2
