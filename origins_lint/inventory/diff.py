"""`inventory --diff`: what one place trusts that its sibling does not, and development origins in production.

Siblings are paired two ways, both explicit:

- by the folder layout: two files whose paths differ only in one folder named after an
  environment (`production`, `prod`, `staging`, `stage`, `development`, `dev`, `test`,
  `qa`, `preprod`, `live`) are siblings: `nginx/production/api.conf` and
  `nginx/staging/api.conf`;
- by `--pair LEFT=RIGHT` (repeatable): everything under the path LEFT against everything
  under RIGHT, for places the layout cannot tell: Okta and the gateway in front of the same
  API (`--pair okta/=gateways/`).

A development origin is one a development policy lists (`environment: development`), or one
whose host is a developer's machine or a private network (`localhost`, `127.0.0.1`,
`10.0.0.0/8`, `.internal`); each production entry that trusts one is listed. Only active CORS
entries are compared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from origins_lint.inventory.collect import Row
from origins_lint.origins import HostClass, classify_host, read_origin
from origins_lint.report.safe import printable

ENVIRONMENT_FOLDERS = frozenset(
    {"production", "prod", "staging", "stage", "development", "dev", "test", "qa", "preprod", "live"}
)


@dataclass(frozen=True, slots=True)
class Pair:
    left: str
    right: str
    only_left: tuple[Row, ...]
    only_right: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class Leak:
    row: Row
    reason: str


@dataclass
class Differences:
    pairs: list[Pair] = field(default_factory=list)
    leaks: list[Leak] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.leaks) or any(p.only_left or p.only_right for p in self.pairs)


def _compared(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.status == "active" and r.decides is None]


def layout_key(path: str) -> tuple[str, str] | None:
    """(the path with its environment folder blanked, that folder), or None without one."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    for index, part in enumerate(parts[:-1]):
        if part.lower() in ENVIRONMENT_FOLDERS:
            return "/".join([*parts[:index], "*", *parts[index + 1 :]]), part
    return None


def _under(path: str, prefix: str) -> bool:
    clean = prefix.rstrip("/")
    return path == clean or path.startswith(clean + "/") or (prefix.endswith("/") is False and path == prefix)


def differences(rows: list[Row], pairs: list[tuple[str, str]]) -> Differences:
    rows = _compared(rows)
    found = Differences()
    by_layout: dict[str, dict[str, list[Row]]] = {}
    for row in rows:
        key = layout_key(row.path)
        if key is not None:
            by_layout.setdefault(key[0], {}).setdefault(row.path, []).append(row)
    for _key, files in sorted(by_layout.items()):
        paths = sorted(files)
        for index, left in enumerate(paths):
            for right in paths[index + 1 :]:
                found.pairs.append(_pair(left, right, files[left], files[right]))
    for left, right in pairs:
        found.pairs.append(
            _pair(
                left,
                right,
                [r for r in rows if _under(r.path, left)],
                [r for r in rows if _under(r.path, right)],
            )
        )
    found.leaks = leaks(rows)
    return found


def _pair(left: str, right: str, left_rows: list[Row], right_rows: list[Row]) -> Pair:
    left_keys = {r.key for r in left_rows}
    right_keys = {r.key for r in right_rows}
    return Pair(
        left,
        right,
        tuple(_first_each(r for r in left_rows if r.key not in right_keys)),
        tuple(_first_each(r for r in right_rows if r.key not in left_keys)),
    )


def _first_each(rows: Any) -> list[Row]:
    seen: dict[str, Row] = {}
    for row in rows:
        seen.setdefault(row.key, row)
    return sorted(seen.values(), key=lambda r: (r.key, r.path, r.line))


def leaks(rows: list[Row]) -> list[Leak]:
    # a list that says it is for development (a policy with `environment: development`); a config in
    # `development-files` also trusts shared origins, which its sibling comparison shows instead
    development = {r.key: r for r in rows if r.environment == "development" and r.format == "policy"}
    out = []
    for row in rows:
        if row.environment != "production":
            continue
        host = _host(row)
        kind = classify_host(host) if host else None
        if kind in (HostClass.LOOPBACK, HostClass.PRIVATE):
            where = "a developer's machine" if kind is HostClass.LOOPBACK else "a private network"
            out.append(Leak(row, f"`{host}` is {where}"))
        elif row.key in development:
            dev = development[row.key]
            out.append(Leak(row, f"a development policy lists it ({dev.path}:{dev.line}:{dev.column})"))
    return sorted(out, key=lambda leak: (leak.row.path, leak.row.line, leak.row.column))


def _host(row: Row) -> str | None:
    if row.origin is None:
        return None
    text = read_origin(row.origin)
    return text.host if text.ok and text.host else None


def _where(row: Row) -> str:
    return f"{printable(row.path)}:{row.line}:{row.column}"


def to_text(found: Differences) -> str:
    lines: list[str] = []
    for pair in found.pairs:
        if not (pair.only_left or pair.only_right):
            lines.append(f"{printable(pair.left)} and {printable(pair.right)} trust the same origins")
            continue
        for here, there, only in (
            (pair.left, pair.right, pair.only_left),
            (pair.right, pair.left, pair.only_right),
        ):
            for row in only:
                lines.append(
                    f"{_where(row)}: `{printable(row.key)}` is trusted in {printable(here)} "
                    f"but not in {printable(there)}"
                )
    for leak in found.leaks:
        lines.append(
            f"{_where(leak.row)}: development origin `{printable(leak.row.key)}` in a production config: "
            f"{printable(leak.reason)}"
        )
    if not found.pairs:
        lines.append(
            "no sibling places found: name them with `--pair LEFT=RIGHT`, or keep environments in "
            "folders named production/staging/..."
        )
    return "\n".join(lines) + "\n"


def _spot(row: Row) -> dict[str, Any]:
    return {"origin": row.key, "path": row.path, "line": row.line, "column": row.column}


def to_json(found: Differences) -> str:
    data = {
        "pairs": [
            {
                "left": p.left,
                "right": p.right,
                "only_left": [_spot(r) for r in p.only_left],
                "only_right": [_spot(r) for r in p.only_right],
            }
            for p in found.pairs
        ],
        "development_in_production": [{**_spot(leak.row), "reason": leak.reason} for leak in found.leaks],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
