"""The cycle collector waits while a file is checked (`file_check.check_file`, issue 21).

A file's model is alive until its rules have run, and collecting then walks all of it for nothing
(an Okta export of 50,000 origins: ten walks of about a million objects). These tests hold what
makes that safe: no collection runs during a file, the collector's state is given back as it was
(on, or off when a caller had turned it off), even when the file fails, and the readers leave no
cycles behind, so that nothing waits for a collector that does not run while a file is checked.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from origins_lint.config import Config
from origins_lint.file_check import FileOutcome, Job, check_file
from origins_lint.source import read_source

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of each collection that runs while the test does."""
    seen: list[int] = []

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)


def _export(tmp_path: Path, entries: int) -> Path:
    items = [
        {
            "id": f"tos{i:08d}",
            "name": f"app {i}",
            "origin": f"https://app{i}.example.com",
            "scopes": [{"type": "CORS"}, {"type": "REDIRECT"}],
            "status": "ACTIVE",
        }
        for i in range(entries)
    ]
    path = tmp_path / "trusted-origins.json"
    path.write_text(json.dumps(items, indent=2), "utf-8")
    return path


def _check(path: Path) -> FileOutcome | None:
    source = read_source(str(path), 1 << 30)
    assert not isinstance(source, str)
    return check_file(Job(Config(), None, (str(path.parent),), False), source, True)


def test_no_collection_while_a_big_file_is_checked(tmp_path: Path, collections: list[int]) -> None:
    path = _export(tmp_path, 20_000)  # ~400,000 objects alive at once: 4 collections at (100,000, ...)
    old = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)  # the CLI's (cli.main)
    collections.clear()  # writing the export collected; checking it must not
    try:
        outcome = _check(path)
    finally:
        gc.set_threshold(*old)
    assert outcome is not None and outcome.format == "okta" and outcome.error is None
    assert collections == []
    assert gc.isenabled()


def test_the_collector_stays_off_when_the_caller_had_turned_it_off(tmp_path: Path) -> None:
    path = _export(tmp_path, 10)
    gc.disable()
    try:
        _check(path)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_is_back_after_a_file_that_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from origins_lint import file_check

    def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(file_check, "parse_source", broken)
    with pytest.raises(RuntimeError):
        _check(_export(tmp_path, 1))
    assert gc.isenabled()


@pytest.mark.parametrize(
    "files",
    [
        ["examples/policy", "examples/gateways", "examples/kubernetes", "examples/spring"],
        ["examples/nginx", "examples/cloud", "examples/okta", "examples/webservers"],
    ],
)
def test_checking_the_examples_leaves_no_cycles(files: list[str]) -> None:
    """What a file leaves for the collector is found at the next collection after it; a reader
    that left cycles (ruamel's `compose_all`: about 90 objects a YAML file) would make memory grow
    with the files checked until then."""
    paths = [p for name in files for p in sorted((ROOT / name).rglob("*")) if p.is_file()]
    assert len(paths) > 10
    for path in paths:  # once first: caches and imports are not what this is about
        _check(path)
    gc.collect()
    gc.disable()
    try:
        for path in paths:
            _check(path)
        left = gc.collect()
    finally:
        gc.enable()
    assert left <= len(paths) // 10, left


def test_what_outlives_each_file_is_set_aside_and_given_back_at_the_end() -> None:
    """`workers.check_all` freezes what each file leaves (outcomes, shared analyses) so that no
    collection walks it again, and unfreezes it when the run ends, or is left early."""
    from origins_lint.workers import check_all

    paths = sorted(p for p in (ROOT / "examples").rglob("*") if p.is_file())
    work = [(read_source(str(p), 1 << 20), True) for p in paths]
    job = Job(Config(), None, (str(ROOT / "examples"),), False)
    before = gc.get_freeze_count()
    run = check_all(job, work, 1, lambda: None)
    next(run)
    assert gc.get_freeze_count() > before  # the first file's survivors are set aside
    rest = list(run)
    assert len(rest) == len(paths) - 1
    assert gc.get_freeze_count() == 0  # the end of the run gives them back
    early = check_all(job, work, 1, lambda: None)
    next(early)
    assert isinstance(early, Generator)
    early.close()  # a caller that stops early
    assert gc.get_freeze_count() == 0
