"""Before the workers fork, the parent imports the format modules the files will need (issue 21:
each worker imported nginx's and Apache's again, 75 ms a process), and that changes nothing else:
the answer of that detection is not used, a sniff that fails is left to the worker, and the
findings of `--jobs 2` stay those of `--jobs 1` (tests/test_determinism.py, test_speed_features.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import sys
from origins_lint import formats, workers
from origins_lint.config import Config
from origins_lint.file_check import Job
from origins_lint.model import InputProblem, Location, ProblemKind
from origins_lint.source import Source

kind = sys.argv[1]
if kind == "failing":
    def boom(path, text):
        raise RuntimeError("a sniff that fails")
    import origins_lint.formats.base as base
    base._Loader.detect = lambda self, path, text: boom(path, text)
job = Job(Config(), sys.argv[2] or None, (), False)
work = [
    (InputProblem(ProblemKind.PARSE, "x", Location.point("bad.conf", 1, 1)), False),
    (Source("site/conf.d/a.conf", "server { listen 80; }\\n"), False),
    (Source("site/conf.d/b.conf", "server { listen 81; }\\n"), False),
]
workers._preload(job, work)
print(" ".join(m for m in sys.modules if m.startswith("origins_lint.formats.")))
"""


def _loaded(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    return set(result.stdout.split())


def test_the_modules_a_suffix_needs_are_imported_before_the_fork() -> None:
    loaded = _loaded("detect", "")
    assert "origins_lint.formats.nginx" in loaded  # a `.conf` of conf.d: nginx's sniff ran
    assert "origins_lint.formats.policy" not in loaded  # nothing a `.conf` could be


def test_a_forced_format_is_imported() -> None:
    assert "origins_lint.formats.policy" in _loaded("detect", "policy")


def test_a_sniff_that_fails_is_left_to_the_worker() -> None:
    _loaded("failing", "")  # no exception out of the preload (check=True: exit 0)
