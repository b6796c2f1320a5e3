"""Rule pages (`rules/OLnnn.md`): from the checkout when run from source, else from the wheel."""

from __future__ import annotations

import re
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_PLACES = (_HERE / "_docs" / "rules", _HERE.parent / "rules")


def rules_dir() -> Path | None:
    return next((place for place in _PLACES if place.is_dir()), None)


def rule_page(code: str) -> str | None:
    folder = rules_dir()
    page = folder / f"{code}.md" if folder is not None else None
    return page.read_text(encoding="utf-8") if page is not None and page.is_file() else None


def page_section(page: str, heading: str) -> str:
    """The text under `## heading`, up to the next heading; empty when the page lacks it."""
    marker = f"\n## {heading}\n"
    if marker not in page:
        return ""
    return page.split(marker, 1)[1].split("\n## ", 1)[0].strip()


def weaknesses(page: str) -> list[str]:
    """The CWE ids a page's References list (`CWE-942`), in order: SARIF tags them."""
    return list(dict.fromkeys(re.findall(r"\[(CWE-\d+):", page_section(page, "References"))))
