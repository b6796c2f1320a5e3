"""OL9xx: live verification. `origins-lint verify` reports these; no check over a file produces them.

They are declared like the pipeline's own OL001-OL003: the rule is a code, a slug, a
default severity and a page, so `--select`, `--ignore`, suppressions, baselines and every
output format treat a live result like any other finding.
"""

from __future__ import annotations

from origins_lint.model import Severity
from origins_lint.rules.registry import declare

CONFIRMED = "OL901"
NOT_CONFIRMED = "OL902"
MISSING_VARY = "OL903"

declare(
    CONFIRMED,
    "confirmed-origin-admitted",
    Severity.HIGH,
    "The live server admits an origin it should not (confirmed by a request)",
    live=True,
)
declare(
    NOT_CONFIRMED,
    "not-confirmed",
    Severity.INFO,
    "A static finding the live server did not show",
    live=True,
)
declare(
    MISSING_VARY,
    "missing-vary-on-live",
    Severity.MEDIUM,
    "The live server sends a per-origin allow-origin without `Vary: Origin`",
    live=True,
)
