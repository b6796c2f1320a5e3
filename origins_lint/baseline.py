"""Baselines: adopt origins-lint in a repository with findings already in it, and fail only on new ones.

The file lists fingerprints (see `fingerprint.py`), with the code, path, line and
message beside each so that a reviewer can read what was accepted. Only the
fingerprints are compared.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from origins_lint import __version__
from origins_lint.fingerprint import display_path
from origins_lint.model import Finding
from origins_lint.writes import write_atomically

FORMAT_VERSION = 1


class BaselineError(Exception):
    """A baseline that cannot be read: a usage error (exit 2), never a silent "no baseline"."""


def write_baseline(path: Path, findings: Iterable[Finding], base: str) -> int:
    rows = [
        {
            "fingerprint": f.fingerprint,
            "code": f.code,
            "path": display_path(f.location.path, base),
            "line": f.location.line,
            "message": f.message,
        }
        for f in findings
    ]
    payload = {"origins-lint-baseline": FORMAT_VERSION, "tool-version": __version__, "findings": rows}
    write_atomically(path, (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return len(rows)


def read_baseline(path: Path) -> Counter[str]:
    """How many times each fingerprint was accepted."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline; create it with `--write-baseline {path}`") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BaselineError(f"{path}: not a readable baseline ({error})") from None
    if not isinstance(data, dict) or data.get("origins-lint-baseline") != FORMAT_VERSION:
        raise BaselineError(f"{path}: not an origins-lint baseline (version {FORMAT_VERSION})")
    rows = data.get("findings")
    if not isinstance(rows, list) or not all(
        isinstance(row, dict) and isinstance(row.get("fingerprint"), str) for row in rows
    ):
        raise BaselineError(f"{path}: `findings` must be a list of objects with a `fingerprint`")
    return Counter(row["fingerprint"] for row in rows)


def new_findings(findings: list[Finding], accepted: Counter[str]) -> tuple[list[Finding], int]:
    """The findings the baseline does not cover, and how many it covered."""
    left = Counter(accepted)
    kept = []
    for finding in findings:
        if left[finding.fingerprint] > 0:
            left[finding.fingerprint] -= 1
        else:
            kept.append(finding)
    return kept, len(findings) - len(kept)
