"""The usual Okta export, a plain list of well-formed entries, read at C speed in bounded memory.

The exact loader (`json_tree`) builds a located node for every value through the standard library's
pure-Python scanner hooks: right for a broken file, whose every error needs its place, but 30 times
slower than `json.loads` and several hundred MiB for a 50,000-entry export. Here the C decoder reads
one entry at a time (`raw_decode`), only the few positions the model needs are found in that entry's
text, and the entry is dropped. Anything unusual (a syntax error, a duplicate key, pages saved as a
list of lists, the SDK's snake_case keys, a value pydantic would reject, nesting past the limit)
returns None, and the exact loader reads the file instead: both paths give the same findings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import accumulate, repeat
from typing import Any, Final, NamedTuple

from origins_lint import limits
from origins_lint.model import Location

# what the model needs of one entry; everything else in it is only validated
# the same values as `okta.schema`'s Literal types (a test compares them)
SCOPE_TYPES: Final = frozenset({"CORS", "REDIRECT", "IFRAME_EMBED"})
STATUSES: Final = frozenset({"ACTIVE", "INACTIVE"})
# the Okta Python SDK's spelling -> the API's; `okta.schema` reads SDK exports with it
SNAKE_CASE: Final = {
    "allowed_okta_apps": "allowedOktaApps",
    "created_by": "createdBy",
    "last_updated": "lastUpdated",
    "last_updated_by": "lastUpdatedBy",
    "links": "_links",
}
_OPTIONAL_TEXT: Final = ("id", "name", "created", "createdBy", "lastUpdated", "lastUpdatedBy")
_WHITESPACE: Final = re.compile(r"[ \t\n\r]*")
# what follows an entry: a comma and the space before the next one, or the list's `]`
_AFTER: Final = re.compile(r"[ \t\n\r]*(?:,[ \t\n\r]*|(\]))")
# a string (a key when a colon follows) or a bracket: enough to walk an entry's top levels
_TOKEN: Final = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:)?|[\[\]{}]')
# the usual entry, matched from its `{` up to its scopes' `[`: keys and values before `origin` that
# are plain strings (no escapes), numbers, `null` or booleans, then `origin`, then `scopes`; then each
# scope, a `type` and optionally `allowedOktaApps` (plain strings), and the `,` or `]` after it. A
# match can only be the entry's own `origin` and `scopes` (keys are unique: `_pairs`), at the spans
# `_positions` finds; any other shape (key order, escapes, other keys in a scope) is left to it
_S: Final = r"[ \t\n\r]*"
_PLAIN: Final = r'"[^"\\]*"'
_USUAL_HEAD: Final = re.compile(
    rf"\{{{_S}(?:{_PLAIN}{_S}:{_S}(?:{_PLAIN}|null|true|false|-?[0-9]+){_S},{_S})*"
    rf'"origin"{_S}:{_S}({_PLAIN}){_S},{_S}"scopes"{_S}:{_S}\['
)
_USUAL_SCOPE: Final = re.compile(
    rf'{_S}\{{{_S}"type"{_S}:{_S}({_PLAIN}){_S}'
    rf'(?:,{_S}"allowedOktaApps"{_S}:{_S}\[{_S}(?:{_PLAIN}{_S}(?:,{_S}{_PLAIN}{_S})*)?\]{_S})?'
    rf"\}}{_S}([,\]])"
)


# the whole of an entry as Okta's API writes it (its keys in the API's order, each but `origin` and
# `scopes` optional), matched up to the `,` or `]` after it, in place of the decoder, `_valid` and
# `_usual_positions`: a third of reading a 50,000-origin export (issue 21). Only what those three
# accept and read the same way matches: a string without escapes or control characters (the
# decoder refuses a raw control character) is its own value; the keys come in one fixed order, so
# none twice (`_pairs`); every value the pydantic model reads has a shape `_valid` accepts; the
# entry is 4 levels deep at most (`_WHOLE_DEPTH`). Anything else is read by the decoder, as before.
_TEXT: Final = r'"[^"\\\x00-\x1f]*"'
_TEXT_OR_NULL: Final = rf"(?:{_TEXT}|null)"
_WHOLE_SCOPE: Final = (
    rf'\{{{_S}"type"{_S}:{_S}("(?:CORS|REDIRECT|IFRAME_EMBED)"){_S}'
    rf'(?:,{_S}"allowedOktaApps"{_S}:{_S}\[{_S}(?:{_TEXT}{_S}(?:,{_S}{_TEXT}{_S})*)?\]{_S})?\}}'
)


def _before(key: str, value: str = _TEXT_OR_NULL) -> str:
    return rf'(?:"{key}"{_S}:{_S}{value}{_S},{_S})?'


def _after(key: str, value: str = _TEXT_OR_NULL) -> str:
    return rf'(?:{_S},{_S}"{key}"{_S}:{_S}{value})?'


_LINKS: Final = rf'\{{{_S}"self"{_S}:{_S}\{{{_S}"href"{_S}:{_S}{_TEXT}{_S}\}}{_S}\}}'
_WHOLE: Final = re.compile(
    rf"\{{{_S}{_before('id')}{_before('name', '(' + _TEXT_OR_NULL + ')')}"
    rf'"origin"{_S}:{_S}({_TEXT}){_S},{_S}"scopes"{_S}:{_S}(\[){_S}'
    # up to three scopes, each type's span a group of its own (a fourth: the decoder reads it)
    rf"{_WHOLE_SCOPE}{_S}(?:,{_S}{_WHOLE_SCOPE}{_S}(?:,{_S}{_WHOLE_SCOPE}{_S})?)?(\])"
    + _after("status", '("(?:ACTIVE|INACTIVE)")')
    + "".join(_after(key) for key in ("created", "createdBy", "lastUpdated", "lastUpdatedBy"))
    + _after("_links", _LINKS)
    + rf"{_S}\}}()[ \t\n\r]*(?:,[ \t\n\r]*|(\]))"
)
# the groups of `_WHOLE`: name, origin, scopes' `[`, each type, scopes' `]`, status, after the
# entry's `}`, the list's `]`
_NAME, _ORIGIN, _OPEN, _TYPES, _CLOSE, _STATUS, _END, _LAST = 1, 2, 3, (4, 5, 6), 7, 8, 9, 10
# a scope type by its first letter (each begins with another), as `_WHOLE` matched it
_SCOPE_TYPE: Final = {kind[0]: kind for kind in SCOPE_TYPES}
# entries located at once: enough that `located`'s maps pay for themselves, few enough that the
# batch's matches and their spans (a dozen tuples a match, all freed with the batch) never add much
# to what the collector counts: with 4,096 a 50,000-origin export set off six collections of the
# youngest objects while it was read, with 128 four (reading 0.55 -> 0.51 s, issue 21)
_BATCH: Final = 128
# the levels of the deepest entry `_WHOLE` takes, the list around it included (a scope's apps)
_WHOLE_DEPTH: Final = 5


class _Unusual(Exception):
    """Leave this file to the exact loader."""


# tuples rather than frozen dataclasses: two of these an entry, 50,000 entries an export (issue 21)
class ScopeEntry(NamedTuple):
    type: str  # CORS, REDIRECT or IFRAME_EMBED
    location: Location


class FastEntry(NamedTuple):
    origin: str
    origin_at: Location
    scopes: list[ScopeEntry]  # each scope's type and where it is written
    scopes_at: Location
    active: bool
    name: str | None
    entry_at: Location


class FastExport(NamedTuple):
    location: Location  # the whole list
    entries: list[FastEntry]


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Unusual("a duplicate key: the exact loader says where")
    return result


class _Lines:
    """Offsets to (line, column), for offsets that only move forward: no table of line starts."""

    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text
        self.offset, self.line, self.line_start = 0, 1, 0

    def at(self, offset: int) -> tuple[int, int]:
        if offset < self.offset:
            raise _Unusual("positions out of order")
        newlines = self.text.count("\n", self.offset, offset)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rfind("\n", self.offset, offset) + 1
        self.offset = offset
        return self.line, offset - self.line_start + 1

    def spans(self, wanted: list[tuple[int, int]]) -> list[Location]:
        """Locations of (start, end) offset pairs given in any order; end is exclusive."""
        points = {offset for start, end in wanted for offset in (start, max(end - 1, start))}
        # `at` inlined: eight points an entry, 400,000 calls for a 50,000-origin export (issue 21)
        text, offset, line, line_start = self.text, self.offset, self.line, self.line_start
        at = {}
        for point in sorted(points):
            if point < offset:
                raise _Unusual("positions out of order")
            newlines = text.count("\n", offset, point)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", offset, point) + 1
            offset = point
            at[point] = (line, point - line_start + 1)
        self.offset, self.line, self.line_start = offset, line, line_start
        found = []
        for start, end in wanted:
            (line, column), (end_line, end_column) = at[start], at[max(end - 1, start)]
            found.append(Location(self.path, line, column, end_line, end_column + 1))
        return found


def read_export(path: str, text: str) -> FastExport | None:
    """The export's entries, or None when the exact loader must read this file."""
    entries: list[FastEntry] = []

    def whole(batch: list[re.Match[str]], text: str, lines: _Lines) -> None:
        _whole_entries(batch, text, lines, entries)

    root = read_with(path, text, whole, entries.append)
    return None if root is None else FastExport(root, entries)


# what a reader does with a batch of entries `_WHOLE` matched (in text order, before any later
# entry), and with an entry the decoder read
WholeBatch = Callable[[list[re.Match[str]], str, _Lines], None]
OneEntry = Callable[[FastEntry], None]


def read_with(path: str, text: str, whole: WholeBatch, one: OneEntry) -> Location | None:
    """The export's location, its entries handed in text order to ``whole`` (the batches `_WHOLE`
    took, with their text and the cursor of lines for `located`) and ``one`` (each other entry,
    read by the decoder); None when the exact loader must read this file (what was handed over is
    then to be dropped)."""
    try:
        return _read(path, text, whole, one)
    except (_Unusual, ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return None


def _read(path: str, text: str, whole_batch: WholeBatch, one: OneEntry) -> Location:
    decoder = json.JSONDecoder(object_pairs_hook=_pairs)
    most = limits.active().nesting
    lines = _Lines(path, text)
    start = _skip(text, 0)
    if not text.startswith("[", start):
        raise _Unusual("not a list")
    root = lines.at(start)
    at = _skip(text, start + 1)
    # a limit that refuses an entry `_WHOLE` takes leaves every entry to the decoder's checks
    whole = _WHOLE.match if most >= _WHOLE_DEPTH else None
    batch: list[re.Match[str]] = []  # entries `_WHOLE` took, located together
    if not text.startswith("]", at):
        while True:
            usual = whole(text, at) if whole is not None else None
            if usual is not None:
                batch.append(usual)
                if len(batch) == _BATCH:
                    whole_batch(batch, text, lines)
                    batch = []
                last = usual.start(_LAST)
                if last < 0:  # a comma: the next entry starts after the space after it
                    at = usual.end()
                    continue
                at = last
                break
            if batch:  # the entries before this one, in order: the cursor of lines moves forward
                whole_batch(batch, text, lines)
                batch = []
            entry, end = decoder.raw_decode(text, at)
            # brackets in the text bound the nesting from above: most entries never need the walk
            deep = text.count("[", at, end) + text.count("{", at, end) >= most
            if deep and 1 + _depth(entry, most) > most:
                raise _Unusual("nested past the limit")
            one(_entry(entry, text, at, end, lines))
            after = _AFTER.match(text, end)
            if after is None:
                raise _Unusual("not a list of objects")
            if after.group(1) is None:  # a comma: the next entry starts after the space after it
                at = after.end()
                continue
            at = after.start(1)
            break
    if batch:
        whole_batch(batch, text, lines)
    end = at + 1
    if _skip(text, end) != len(text):
        raise _Unusual("text after the list")
    end_line, end_column = lines.at(end - 1)
    return Location(path, *root, end_line, end_column + 1)


def _skip(text: str, at: int) -> int:
    match = _WHITESPACE.match(text, at)
    return match.end() if match else at


def _depth(value: Any, most: int) -> int:
    """Levels of lists and objects in ``value`` (an object of scalars is 1), stopping past ``most``."""
    if not isinstance(value, dict | list):
        return 0
    children = value.values() if isinstance(value, dict) else value
    deepest = 0
    for child in children:
        if isinstance(child, dict | list):
            deepest = max(deepest, _depth(child, most - 1))
            if deepest >= most:
                break
    return 1 + deepest


def _entry(entry: Any, text: str, start: int, end: int, lines: _Lines) -> FastEntry:
    if not isinstance(entry, dict) or not _valid(entry):
        raise _Unusual("an entry pydantic must look at")
    scopes = entry["scopes"]
    usual = _usual_positions(text, start, end, len(scopes))
    if usual is not None:
        entry_at, origin_at, scopes_at, types_at = _usual_locations(lines, start, end, *usual)
    else:
        origin, scopes_span, type_spans = _positions(text, start, end, len(scopes))
        entry_at, origin_at, scopes_at, *types_at = lines.spans(
            [(start, end), origin, scopes_span, *type_spans]
        )
    return FastEntry(
        entry["origin"],
        origin_at,
        [ScopeEntry(scope["type"], at) for scope, at in zip(scopes, types_at, strict=True)],
        scopes_at,
        entry.get("status", "ACTIVE") == "ACTIVE",
        entry.get("name"),
        entry_at,
    )


# a Location's fields set through their slots: the record's `__init__` sets each through
# `object.__setattr__` (it is frozen), twice the time, and the export makes 230,000 (issue 21);
# tests/test_okta_speed_whole.py holds the result to `Location(...)` and the fields to these
_NEW_LOCATION: Final = Location.__new__
# a NamedTuple made from its tuple: its own `__new__` is a Python function around this call
_new_tuple: Final = tuple.__new__
_SET_PATH, _SET_LINE, _SET_COLUMN, _SET_END_LINE, _SET_END_COLUMN = (
    getattr(Location, name).__set__ for name in ("path", "line", "column", "end_line", "end_column")
)


def _location(path: str, line: int, column: int, end_line: int, end_column: int) -> Location:
    """`Location(path, line, column, end_line, end_column)`, faster."""
    at = _NEW_LOCATION(Location)
    _SET_PATH(at, path)
    _SET_LINE(at, line)
    _SET_COLUMN(at, column)
    _SET_END_LINE(at, end_line)
    _SET_END_COLUMN(at, end_column)
    return at


def located(batch: list[re.Match[str]], text: str, lines: _Lines) -> tuple[list[int], list[int], list[int]]:
    """The points of the entries `_WHOLE` matched (per entry: `{`, origin, scopes' `[`, each type,
    scopes' `]`, `}`), their line numbers and the newline before each, found at once: the newlines
    between one and the next counted, and the newline before each, by `map` over the text's own
    methods (no Python frame an offset); the cursor of lines moves past the last. Point k is at
    line ``numbers[k + 1]``, column ``points[k] - newlines[k]``."""
    points: list[int] = []
    add = points.extend
    first_type, second_type, third_type = _TYPES
    for usual in batch:
        at = usual.start  # the starts asked one by one: `regs` makes a dozen tuples a match
        start, origin, opened, closed, end = at(0), at(_ORIGIN), at(_OPEN), at(_CLOSE), at(_END) - 1
        first, second, third = at(first_type), at(second_type), at(third_type)
        if second < 0:
            add((start, origin, opened, first, closed, end))
        elif third < 0:
            add((start, origin, opened, first, second, closed, end))
        else:
            add((start, origin, opened, first, second, third, closed, end))
    if points[0] < lines.offset:
        raise _Unusual("positions out of order")
    numbers = list(
        accumulate(map(text.count, repeat("\n"), [lines.offset, *points[:-1]], points), initial=lines.line)
    )
    newlines = list(map(text.rfind, repeat("\n"), repeat(0), points))
    lines.offset, lines.line, lines.line_start = points[-1], numbers[-1], newlines[-1] + 1
    return points, numbers, newlines


def _whole_entries(batch: list[re.Match[str]], text: str, lines: _Lines, entries: list[FastEntry]) -> None:
    """What `_entry` makes of each entry `_WHOLE` matched, from the matches' spans (`located`). A
    JSON string never spans lines (the decoder refuses a raw newline in one), so a string ends on
    the line it starts, its length further on."""
    path = lines.path
    points, numbers, newlines = located(batch, text, lines)
    # point k of `points` is at line numbers[k + 1], column points[k] - newlines[k]
    k = 0  # the entry's first point
    for usual in batch:
        spans = usual.regs
        entry_line, entry_column = numbers[k + 1], points[k] - newlines[k]
        origin_start, origin_end = spans[_ORIGIN]
        line, column = numbers[k + 2], origin_start - newlines[k + 1]
        origin_at = _location(path, line, column, line, column + origin_end - origin_start)
        scopes_line, scopes_column = numbers[k + 3], points[k + 2] - newlines[k + 2]
        scopes = []
        k += 3
        for group in _TYPES:
            type_start, type_end = spans[group]
            if type_start < 0:
                break
            line, column = numbers[k + 1], type_start - newlines[k]
            at = _location(path, line, column, line, column + type_end - type_start)
            scopes.append(_new_tuple(ScopeEntry, (_SCOPE_TYPE[text[type_start + 1]], at)))
            k += 1
        scopes_at = _location(path, scopes_line, scopes_column, numbers[k + 1], points[k] - newlines[k] + 1)
        entry_at = _location(
            path, entry_line, entry_column, numbers[k + 2], points[k + 1] - newlines[k + 1] + 1
        )
        k += 2
        name_start, name_end = spans[_NAME]
        status = spans[_STATUS][0]
        entries.append(
            _new_tuple(
                FastEntry,
                (
                    text[origin_start + 1 : origin_end - 1],
                    origin_at,
                    scopes,
                    scopes_at,
                    status < 0 or text[status + 1] == "A",  # `"ACTIVE"`, or no status
                    None
                    if name_start < 0 or text[name_start] == "n"
                    else text[name_start + 1 : name_end - 1],
                    entry_at,
                ),
            )
        )


def _usual_locations(
    lines: _Lines,
    start: int,
    end: int,
    origin: tuple[int, int],
    scopes: tuple[int, int],
    types: list[tuple[int, int]],
) -> tuple[Location, Location, Location, list[Location]]:
    """What `spans` gives for the usual entry's spans, from the offsets `_usual_positions` finds
    in text order (the entry's `{`, the origin, the scopes' `[`, each type, the `]`, the `}`): a
    JSON string never spans lines (the decoder refuses a raw newline in one), so a string ends on
    the line it starts, its length further on (a tenth of reading a 50,000-origin export, issue 21)."""
    # `_Lines.at` unrolled (a loop of points was a tenth of reading the export): the offsets grow
    # by construction, so only the first is checked against the cursor
    text, path = lines.text, lines.path
    offset, line, line_start = lines.offset, lines.line, lines.line_start
    if start < offset:
        raise _Unusual("positions out of order")
    newlines = text.count("\n", offset, start)
    if newlines:
        line, line_start = line + newlines, text.rfind("\n", offset, start) + 1
    entry_line, entry_column = line, start - line_start + 1
    offset = origin[0]
    newlines = text.count("\n", start, offset)
    if newlines:
        line, line_start = line + newlines, text.rfind("\n", start, offset) + 1
    column = offset - line_start + 1
    origin_at = Location(path, line, column, line, column + origin[1] - offset)
    point = scopes[0]
    newlines = text.count("\n", offset, point)
    if newlines:
        line, line_start = line + newlines, text.rfind("\n", offset, point) + 1
    scopes_line, scopes_column, offset = line, point - line_start + 1, point
    types_at = []
    for point, type_end in types:
        newlines = text.count("\n", offset, point)
        if newlines:
            line, line_start = line + newlines, text.rfind("\n", offset, point) + 1
        column = point - line_start + 1
        types_at.append(Location(path, line, column, line, column + type_end - point))
        offset = point
    point = scopes[1] - 1  # the scopes' `]`
    newlines = text.count("\n", offset, point)
    if newlines:
        line, line_start = line + newlines, text.rfind("\n", offset, point) + 1
    scopes_at = Location(path, scopes_line, scopes_column, line, point - line_start + 2)
    offset, point = point, end - 1  # the entry's `}`
    newlines = text.count("\n", offset, point)
    if newlines:
        line, line_start = line + newlines, text.rfind("\n", offset, point) + 1
    lines.offset, lines.line, lines.line_start = point, line, line_start
    entry_at = Location(path, entry_line, entry_column, line, point - line_start + 2)
    return entry_at, origin_at, scopes_at, types_at


def _valid(entry: dict[str, Any]) -> bool:
    """What pydantic's strict `TrustedOrigin` accepts, on the happy path only (never more)."""
    if not isinstance(entry.get("origin"), str) or not SNAKE_CASE.keys().isdisjoint(entry):
        return False
    scopes = entry.get("scopes")
    if not isinstance(scopes, list) or not scopes:
        return False
    for scope in scopes:
        if (
            not isinstance(scope, dict)
            or type(scope.get("type")) is not str
            or scope["type"] not in SCOPE_TYPES
        ):
            return False  # the type test first: a list is not hashable, so `in` a set would raise
        if "allowed_okta_apps" in scope:
            return False
        apps = scope.get("allowedOktaApps")
        if apps is not None and not (isinstance(apps, list) and all(type(app) is str for app in apps)):
            return False
    if "status" in entry and (type(entry["status"]) is not str or entry["status"] not in STATUSES):
        return False
    for key in _OPTIONAL_TEXT:
        value = entry.get(key)
        if value is not None and type(value) is not str:
            return False
    links = entry.get("_links")
    return links is None or type(links) is dict


def _usual_positions(
    text: str, start: int, end: int, scope_count: int
) -> tuple[tuple[int, int], tuple[int, int], list[tuple[int, int]]] | None:
    """What `_positions` finds, for the usual shape of an entry by regex matches (a fifth of the
    reading of a 50,000-origin export was the walk, issue 21); None for any other shape."""
    head = _USUAL_HEAD.match(text, start, end)
    if head is None:
        return None
    types = []
    at = head.end()
    for _ in range(scope_count):
        scope = _USUAL_SCOPE.match(text, at, end)
        if scope is None:
            return None
        types.append(scope.span(1))
        at = scope.end()
        if scope.group(2) == "]":
            break
    if text[at - 1] != "]" or len(types) != scope_count:
        return None
    return head.span(1), (head.end() - 1, at), types


def _positions(
    text: str, start: int, end: int, scope_count: int
) -> tuple[tuple[int, int], tuple[int, int], list[tuple[int, int]]]:
    """Spans of the origin value, the scopes list and each scope's type value, in one forward walk
    of the entry's tokens that stops once it has them."""
    origin: tuple[int, int] | None = None
    scopes_start = scopes_end = -1
    types: list[tuple[int, int]] = []
    depth = 0
    wanted: str | None = None  # the key whose value the next token is
    for token in _TOKEN.finditer(text, start, end):
        char = text[token.start()]
        if char == '"':
            key = token.group(2) is not None
            if key:
                name = token.group(1)
                if "\\" in name:
                    name = json.loads(f'"{name}"')
                wanted = name if (depth, name) in ((1, "origin"), (1, "scopes"), (3, "type")) else None
                continue
            if wanted == "origin":
                origin = token.span()
            elif wanted == "type" and scopes_start >= 0 and scopes_end < 0:
                types.append(token.span())
            wanted = None
        elif char in "[{":
            if wanted == "scopes" and depth == 1:
                scopes_start = token.start()
            wanted = None
            depth += 1
        else:
            depth -= 1
            if depth == 1 and scopes_start >= 0 and scopes_end < 0:
                scopes_end = token.end()
        if origin is not None and scopes_end >= 0:
            break
    if origin is None or scopes_end < 0 or len(types) != scope_count:
        raise _Unusual("positions not found")
    return origin, (scopes_start, scopes_end), types
