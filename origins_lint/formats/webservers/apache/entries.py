"""What one Apache `Header` entry sends, and the context fields the entries of a response make.

The entries (`Entry`), the variables they read (`Setter`) and a scope's state (`State`) are
built by the format (`__init__`); here each response's CORS headers become model data: the
literal origins of a value, the credentials, lists, max age and `Vary` it sends, and the
`HeaderLine`s rules read (with Apache's wording for OL602 and OL603).
"""

from __future__ import annotations

import re
from typing import Final

from origins_lint.formats.webservers.apache.flow import Condition, Guard, header_value
from origins_lint.formats.webservers.apache.lexer import Directive, Word
from origins_lint.model import Engine, HeaderLine, Location, MatcherKind, OriginMatcher, Setting
from origins_lint.records import field, record

ALLOW_ORIGIN: Final = "access-control-allow-origin"
VARY_FIX: Final = "add `Header always merge Vary Origin` next to it"
NOT_ALWAYS: Final = (
    "httpd keeps it in the `onsuccess` table, which it leaves off the error pages it writes itself "
    "(a 401, 403, 404 or 500), so the browser reports a CORS failure and hides the real error from "
    "the app; write `Header always {action}`"
)
_CORS_PREFIX = "access-control-"
_REQUEST_PREFIX = "access-control-request-"
_ITEMS = re.compile(r"[\s,]+")


@record(frozen=True, slots=True)
class Entry:
    """One `Header` directive, with the origin checks around it."""

    directive: Directive
    table: str  # "always" or "onsuccess"
    action: str
    name: str
    value: Word | None
    env: tuple[str, bool] | None  # `env=NAME` (True) or `env=!NAME` (False)
    condition: Condition  # `expr=...`, and the enclosing `<If>`
    reads_origin: bool  # an ap_expr around it reads the Origin (it adds `Vary: Origin`)

    @property
    def key(self) -> str:
        return self.name.lower()


@record(frozen=True, slots=True)
class Setter:
    """One way a variable gets its value: `SetEnvIf`, `SetEnv`, `RewriteRule [E=...]`."""

    name: str  # lower case: the environment is an apr table
    value: str | None  # None: unset
    location: Location  # of the value
    guard: Guard | None = None  # the origin check that sets it
    capture: tuple[str, Engine, Location] | None = None  # the regex `$0`..`$9` come from, on the Origin
    request: bool = False  # set from another request attribute (the sender chooses it)
    unknown: str | None = None  # why what it holds is not known
    origin: bool = False  # it holds the request's Origin itself (`[E=NAME:%{HTTP:Origin}]`)


@record(frozen=True, slots=True)
class State:
    entries: tuple[Entry, ...] = ()
    setters: tuple[Setter, ...] = ()
    condition: Condition = field(default_factory=Condition)
    rewrite: bool = False
    paths: tuple[str, ...] = ()  # the `<Location>` prefix these responses answer (`verify` probes it)


def conditional(entry: Entry) -> bool:
    """Whether an entry runs only for some requests: `env=`, `expr=` or an `<If>` on the Origin."""
    return entry.env is not None or bool(entry.condition.guards) or entry.condition.reads_origin


def guarded_matcher(guard: Guard) -> OriginMatcher:
    if guard.kind == "regex":
        return OriginMatcher(MatcherKind.REGEX, guard.operand, guard.location, guard.engine)
    if guard.kind == "contains":
        return OriginMatcher(MatcherKind.CONTAINS, guard.operand, guard.location, guard.engine)
    folded = guard.operand if guard.engine.case_sensitive else guard.operand.lower()
    kind = MatcherKind.NULL if folded == "null" else MatcherKind.EXACT
    return OriginMatcher(kind, guard.operand, guard.location, guard.engine)


def literal_matchers(text: str, where: Location, header: Location) -> list[OriginMatcher]:
    out = []
    scope = f"header at {header.path}:{header.line}:{header.column}"
    for item in _ITEMS.split(text.strip()):
        if item:
            kind = {"*": MatcherKind.ANY, "null": MatcherKind.NULL}.get(item, MatcherKind.EXACT)
            out.append(OriginMatcher(kind, item, where, scope=scope))
    return out


def is_cors(key: str) -> bool:
    return key.startswith(_CORS_PREFIX) and not key.startswith(_REQUEST_PREFIX)


def fixed_text(entry: Entry) -> str | None:
    """The fixed text an entry sends, or None when it depends on the request."""
    if entry.value is None:
        return None
    value = header_value(entry.value)
    if value.error is not None or any(p.kind != "text" for p in value.pieces):
        return None
    return "".join(p.text for p in value.pieces)


def last_of(sent: list[Entry], key: str) -> Entry | None:
    return next((e for e in reversed(sent) if e.key == key), None)


def credentials_setting(sent: list[Entry]) -> Setting[bool | None]:
    entries = [e for e in sent if e.key == "access-control-allow-credentials"]
    if not entries:
        return Setting(False)
    texts = [fixed_text(e) for e in entries]
    where = entries[-1].value.location if entries[-1].value else entries[-1].directive.location
    if any(t is not None and t.strip().lower() == "true" for t in texts):
        return Setting(True, where)
    if any(t is None for t in texts):
        return Setting(None, where)
    return Setting(False, where)


def listed_setting(sent: list[Entry], key: str) -> Setting[tuple[str, ...]] | None:
    entry = last_of(sent, key)
    text = fixed_text(entry) if entry is not None else None
    if entry is None or text is None or entry.value is None:
        return None
    return Setting(tuple(i.strip() for i in text.split(",") if i.strip()), entry.value.location)


def max_age_setting(sent: list[Entry]) -> Setting[int] | None:
    entry = last_of(sent, "access-control-max-age")
    text = fixed_text(entry) if entry is not None else None
    digits = text.strip() if text is not None else ""
    if (
        entry is None
        or entry.value is None
        or not (digits.isascii() and digits.isdigit())
        or len(digits) > 18
    ):
        return None
    return Setting(int(digits), entry.value.location)


def vary_setting(vary: list[Entry], reads: bool, origin_lines: list[Entry]) -> Setting[bool] | None:
    """`Vary: Origin` from a `Header ... Vary` entry, or added by ap_expr itself when an `<If>` or
    `expr=` around the allow-origin header reads the Origin (util_expr_eval.c `req_table_func`)."""
    for entry in vary:
        text = fixed_text(entry)
        if text is None or "origin" in (i.lower() for i in _ITEMS.split(text)) or text.strip() == "*":
            where = entry.value.location if entry.value else entry.directive.location
            return Setting(True, where)
    if reads and origin_lines:
        return Setting(True, origin_lines[0].directive.location)
    if vary:
        last = vary[-1]
        return Setting(False, last.value.location if last.value else last.directive.location)
    return None


def echoed_lists(sent: list[Entry]) -> tuple[tuple[str, Location], ...]:
    out = []
    for name in ("headers", "methods"):
        entry = last_of(sent, f"access-control-allow-{name}")
        if entry is not None and entry.value is not None:
            value = header_value(entry.value)
            if any(p.kind in ("origin", "unknown") for p in value.pieces) or (
                entry.value.text.startswith("expr=") and "%{" in entry.value.text
            ):
                out.append((name, entry.value.location))
    return tuple(out)


def private_network_setting(sent: list[Entry]) -> Setting[bool] | None:
    entry = last_of(sent, "access-control-allow-private-network")
    if entry is None or entry.value is None:
        return None
    text = fixed_text(entry)
    return Setting(text is None or text.strip().lower() == "true", entry.value.location)


def is_dynamic(entry: Entry, setters: tuple[Setter, ...]) -> bool:
    """Whether the value changes from request to request (a `SetEnv` constant does not)."""
    if entry.value is None:
        return False
    for piece in header_value(entry.value).pieces:
        if piece.kind in ("origin", "unknown"):
            return True
        if piece.kind == "env":
            found = [s for s in setters if s.name == piece.text.lower() and s.value is not None]
            constant = all(
                s.capture is None and not s.request and s.unknown is None and not s.origin for s in found
            )
            if not found or not constant or len({s.value for s in found}) > 1 or entry.env is None:
                return True
    return False


def header_line(entry: Entry, setters: tuple[Setter, ...]) -> HeaderLine:
    value = entry.value
    text = fixed_text(entry)
    dynamic = is_dynamic(entry, setters)
    items = tuple(i for i in _ITEMS.split(text.strip()) if i) if text is not None else ()
    written = "Header" + (" always" if entry.table == "always" else "") + f" {entry.action}"
    return HeaderLine(
        entry.name,
        value.text if value is not None else "",
        entry.directive.location,
        value.location if value is not None else entry.directive.location,
        always=entry.table == "always",
        dynamic=dynamic,
        items=items,
        vary_fix=VARY_FIX,
        directive=written,
        not_always=NOT_ALWAYS.format(action=entry.action),
    )
