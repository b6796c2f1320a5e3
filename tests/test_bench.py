"""The benchmark's own checks (issue 21): a run that measured nothing is refused, and a peak RSS
is the measured process's own, not the benchmark's. No timings are asserted."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import run  # noqa: E402
from gen import big_terraform  # noqa: E402


def output(*codes: str) -> bytes:
    return json.dumps({"findings": [{"code": code} for code in codes]}).encode()


def test_a_run_with_findings_from_rules_is_real() -> None:
    run.real_findings("ok", output("OL302", "OL004"))


@pytest.mark.parametrize("codes", [("OL001",), ("OL302", "OL001"), (), ("OL003", "OL004")])
def test_a_run_that_measured_nothing_is_refused(codes: tuple[str, ...]) -> None:
    with pytest.raises(SystemExit):
        run.real_findings("bad", output(*codes))


def test_the_peak_rss_is_the_childs_own_not_the_benchmarks() -> None:
    """A child of a big process starts with that process's peak in `ru_maxrss`; GNU time's does not."""
    if not run.TIME.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/time (Debian's `time` package) is missing")
        pytest.skip("no /usr/bin/time")
    ballast = bytearray(300 * 2**20)
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page: resident, not just reserved
    small = run.peak_rss(run.Command("pass", (sys.executable, "-c", "pass")))
    big = run.peak_rss(
        run.Command(
            "big", (sys.executable, "-c", "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096])")
        )
    )
    del ballast
    assert small is not None and big is not None
    assert small < 100
    assert 200 < big < 300


def test_the_big_terraform_file_has_the_size_asked(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    big_terraform(path, 50_000, seed=7)
    text = path.read_text(encoding="utf-8")
    assert 50_000 <= len(text) < 51_000
    assert text.count('resource "okta_trusted_origin"') == text.count('resource "okta_group"') > 100
