"""Output formats over the final list of findings. One module per format, picked by name."""

from __future__ import annotations

from collections.abc import Callable

from origins_lint.check import CheckResult
from origins_lint.report import json_report, text

Renderer = Callable[[CheckResult, bool], str]

REPORTERS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_report.render,
}
