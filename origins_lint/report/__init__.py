"""Output formats over the final list of findings. One module per format, picked by name."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from origins_lint.records import record

if TYPE_CHECKING:
    from origins_lint.check import CheckResult


@record(frozen=True, slots=True)
class Style:
    """How the terminal wants it: only the text format looks at this."""

    colour: bool = False
    pretty: bool = False  # grouped by file, with the source line and a caret (a terminal)
    width: int = 100
    summary: bool = True  # the closing "Found ..." line; `--quiet` leaves it out


Renderer = Callable[["CheckResult", Style], str]

# format name -> module under report/, imported on demand (SARIF and JUnit pull in more than text needs)
MODULES = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit",
    "gitlab": "gitlab",
}


def renderer(name: str) -> Renderer:
    render: Renderer = importlib.import_module(f"origins_lint.report.{MODULES[name]}").render
    return render
