"""The inventory as text (a rich table), CSV and Markdown for a review document, or JSON.

The JSON follows `schemas/inventory.schema.json`. rich is imported only for the text view.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from origins_lint.inventory.collect import SCHEMA_VERSION, Inventory, Row
from origins_lint.report.safe import printable

FORMATS = ("text", "json", "csv", "markdown")
COLUMNS = (
    "entry",
    "admits",
    "counterexample",
    "location",
    "format",
    "engine",
    "place",
    "credentials",
    "scopes",
    "environment",
    "status",
    "decides",
    "findings",
)


def render(inventory: Inventory, name: str, width: int = 100, colour: bool = False) -> str:
    renderers: dict[str, Callable[[Inventory], str]] = {
        "json": to_json,
        "csv": to_csv,
        "markdown": to_markdown,
        "text": lambda inv: to_text(inv, width, colour),
    }
    return renderers[name](inventory)


def to_json(inventory: Inventory) -> str:
    data: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "summary": summary(inventory),
        "entries": [_plain(row) for row in inventory.rows],
        "problems": [asdict(problem) for problem in inventory.problems],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _plain(row: Row) -> dict[str, Any]:
    data = asdict(row)
    data["scopes"] = list(row.scopes)
    data["findings"] = list(row.findings)
    return data


def summary(inventory: Inventory) -> dict[str, int]:
    rows = inventory.rows
    return {
        "files": inventory.files,
        "entries": len(rows),
        "exact": sum(1 for r in rows if r.group == "exact"),
        "patterns": sum(1 for r in rows if r.group == "pattern"),
        "with_credentials": sum(1 for r in rows if r.credentials is not False),
        "with_findings": sum(1 for r in rows if r.findings),
        "problems": len(inventory.problems),
    }


def _cells(row: Row) -> dict[str, str]:
    return {
        "entry": row.entry,
        "admits": row.admits,
        "counterexample": row.counterexample or "",
        "location": f"{row.path}:{row.line}:{row.column}",
        "format": row.format,
        "engine": row.engine,
        "place": row.place or "",
        "credentials": _credentials(row.credentials),
        "scopes": " ".join(row.scopes),
        "environment": row.environment,
        "status": row.status,
        "decides": row.decides or "cors",
        "findings": " ".join(row.findings),
    }


def _credentials(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "unknown"}[value]


def to_csv(inventory: Inventory) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["group", *COLUMNS], lineterminator="\n")
    writer.writeheader()
    for row in inventory.rows:
        writer.writerow({"group": row.group, **_cells(row)})
    return out.getvalue()


MARKDOWN = ("entry", "admits", "location", "place", "credentials", "environment", "status", "findings")


def to_markdown(inventory: Inventory) -> str:
    lines: list[str] = []
    for group, title in (("exact", "Exact origins"), ("pattern", "Patterns")):
        rows = [row for row in inventory.rows if row.group == group]
        if not rows:
            continue
        lines += [f"### {title}", "", "| " + " | ".join(MARKDOWN) + " |", "|" + "---|" * len(MARKDOWN)]
        for row in rows:
            cells = _cells(row)
            if row.counterexample:
                cells["admits"] += f" (e.g. `{row.counterexample}`)"
            cells["entry"] = f"`{row.entry}`"
            lines.append("| " + " | ".join(_md(cells[c]) for c in MARKDOWN) + " |")
        lines.append("")
    lines += _problem_lines(inventory)
    lines.append(_summary_line(inventory))
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """A table cell: GitHub reads `\\|` as a pipe even in a code span; backslashes stay as written."""
    return printable(text).replace("|", "\\|").replace("\n", " ")


def _problem_lines(inventory: Inventory) -> list[str]:
    if not inventory.problems:
        return []
    lines = ["Not read or not analysed (the inventory may miss what these hold):", ""]
    lines += [f"- {p.path}:{p.line}:{p.column}: {p.code} {printable(p.message)}" for p in inventory.problems]
    return [*lines, ""]


def _summary_line(inventory: Inventory) -> str:
    counts = summary(inventory)

    def many(count: int, one: str, more: str) -> str:
        return f"{count} {one if count == 1 else more}"

    return (
        f"{many(counts['entries'], 'trusted entry', 'trusted entries')} ({counts['exact']} exact, "
        f"{many(counts['patterns'], 'pattern', 'patterns')}, {counts['with_credentials']} with credentials, "
        f"{counts['with_findings']} with findings) in {many(counts['files'], 'file', 'files')}"
    )


def to_text(inventory: Inventory, width: int, colour: bool) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = io.StringIO()
    console = Console(file=out, width=width, no_color=not colour, color_system="standard" if colour else None)
    for group, title in (("exact", "Exact origins"), ("pattern", "Patterns")):
        rows = [row for row in inventory.rows if row.group == group]
        if not rows:
            continue
        table = Table(title=title, title_justify="left", show_lines=False, expand=False)
        # a location is read whole: its column is as wide as the longest one, up to a quarter of the width
        spots = max(len(f"{row.path}:{row.line}:{row.column}") for row in rows)
        for column in ("Entry", "Admits", "Where", "Creds", "Env", "Status", "Findings"):
            wide = min(spots, width // 4) if column == "Where" else None
            table.add_column(column, overflow="fold", min_width=wide)
        for row in rows:
            admits = row.admits + (f" (e.g. {row.counterexample})" if row.counterexample else "")
            place = " ".join(part for part in (row.format, row.place) if part)
            cells = [row.entry, admits, "", _credentials(row.credentials), row.environment, row.status]
            texts = [Text(printable(cell)) for cell in [*cells, " ".join(row.findings)]]
            texts[2] = Text(f"{printable(row.path)}:{row.line}:{row.column}\n{printable(place)}")
            table.add_row(*texts)
        console.print(table)
    for line in _problem_lines(inventory):
        console.print(Text(line), soft_wrap=True)
    console.print(Text(_summary_line(inventory)), soft_wrap=True)
    return out.getvalue()
