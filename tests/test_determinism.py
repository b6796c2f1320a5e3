"""The same files give byte-identical output every run: in any order on the command line, with any
`--jobs`, from the cache or not. CI diffs reports and code scanning matches fingerprints; output that
wobbles is noise in every pull request."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

FORMATS = ["text", "json", "sarif", "github", "junit"]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every fixture and example, copied so that the cache of one run cannot leak into the repo."""
    base = tmp_path_factory.mktemp("determinism")
    shutil.copytree(ROOT / "examples", base / "examples")
    shutil.copytree(ROOT / "tests" / "fixtures", base / "fixtures")
    return base


def files(tree: Path) -> list[str]:
    return sorted(
        str(p.relative_to(tree)) for p in tree.rglob("*") if p.is_file() and ".origins-lint" not in str(p)
    )


@pytest.mark.parametrize("output_format", FORMATS)
def test_any_order_any_jobs_any_cache_gives_the_same_bytes(
    tree: Path, output_format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tree)
    names = files(tree)
    orders = [names, names[::-1], random.Random(7).sample(names, len(names))]
    runs = {}
    for index, order in enumerate(orders):
        for jobs in ("1", "2"):
            for cache in ("--no-cache", "--no-cache", None):  # None: from the cache the run before filled
                args = ["check", "--skip-unknown", "-f", output_format, "--jobs", jobs]
                result = run_cli(*args, *([cache] if cache else []), *order)
                runs[(index, jobs, cache)] = (result.exit_code, result.stdout, result.stderr)
    first = runs[(0, "1", "--no-cache")]
    assert first[0] == 1 and first[1]
    differing = [key for key, value in runs.items() if value != first]
    assert differing == []
