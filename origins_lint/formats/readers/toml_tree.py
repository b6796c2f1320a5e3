"""TOML read into located nodes (readers/tree.py), for the engines that load TOML files.

Traefik's file provider reads its dynamic configuration from `.toml` as readily as from YAML
(traefik/paerser file/file.go `DecodeContent`: `toml.Decode` of BurntSushi/toml, TOML 1.0;
traefik/traefik pkg/provider/file/file.go loads `.toml`, `.yaml` and `.yml` from a directory).

Two readers, each for what it is right about. The standard library's `tomllib` (TOML 1.0, the
version BurntSushi/toml v1 implements) decides what the file means: values, escapes, dates,
redefined keys and tables, and the error (with its line and column) when the file is not TOML.
tree-sitter-toml's concrete syntax tree says where each key and value is written. A part the
syntax tree does not place (a grammar gap) takes the location of what holds it: less precise,
never lost. Columns count characters, as every other reader's do (tree-sitter counts bytes).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from origins_lint import limits
from origins_lint.formats.readers.tree import Node
from origins_lint.model import InputProblem, Location
from origins_lint.source import problem

if TYPE_CHECKING:
    from tree_sitter import Node as SyntaxNode
    from tree_sitter import Parser

EXTENSIONS: Final = (".toml",)
# tomllib's messages end with where: "Invalid value (at line 3, column 5)", "(at end of document)"
_WHERE: Final = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")
_VALUES: Final = frozenset(
    {
        "string",
        "integer",
        "float",
        "boolean",
        "offset_date_time",
        "local_date_time",
        "local_date",
        "local_time",
        "array",
        "inline_table",
    }
)

Path = tuple[str | int, ...]
# where a key path's key and value are written (a table header's keys, and the table it opens)
Places = dict[Path, tuple[Location | None, Location]]


def load_toml(path: str, text: str) -> tuple[Node | None, list[InputProblem]]:
    """The document as a tree, or why it is not TOML (with tomllib's line and column) as a problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        template = text.find("{{")
        if template >= 0:  # Traefik's file provider renders a file as a Go template before reading it
            line = text.count("\n", 0, template) + 1
            column = template - (text.rfind("\n", 0, template) + 1) + 1
            message = (
                "this is an unrendered Go template, not TOML (`{{` at this line): Traefik's file provider "
                "renders it when it loads it; render it with the values it will see and check the result"
            )
            return None, [problem(path, message, line, column)]
        message = str(error)
        where = _WHERE.search(message)
        said = message[: where.start()] if where else message
        said = said[:1].lower() + said[1:]
        line, column = 1, 1
        if where is not None and where.group(1) is not None:
            line, column = int(where.group(1)), int(where.group(2))
        elif where is not None:  # "at end of document": its last character
            whole = _Columns(path, text).whole()
            line, column = whole.end_line, max(whole.end_column - 1, 1)
            said += "; the file ends early (cut short?)"
        return None, [problem(path, f"invalid TOML: {said}", line, column)]
    except RecursionError:
        return None, [problem(path, _too_deep(limits.active().nesting))]
    most = limits.active().nesting
    if _deeper_than(data, most):
        return None, [problem(path, _too_deep(most))]
    columns = _Columns(path, text)
    return _node(data, (), _places(columns, text), columns.whole()), []


def _too_deep(depth: int) -> str:
    return f"TOML nests deeper than {depth} levels; not checked (the limit is `max-nesting`)"


def _deeper_than(data: Any, most: int) -> bool:
    """Whether tables and arrays nest past ``most`` levels, without recursion."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > most:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _node(value: Any, at: Path, places: Places, holder: Location) -> Node:
    location = places.get(at, (None, holder))[1]
    if isinstance(value, dict):
        children: dict[str, Node] = {}
        keys: dict[str, Location] = {}
        for key, child in value.items():
            children[key] = _node(child, (*at, key), places, location)
            keys[key] = places.get((*at, key), (None, location))[0] or children[key].location
        return Node(children, location, keys)
    if isinstance(value, list):
        return Node(
            [_node(child, (*at, index), places, location) for index, child in enumerate(value)], location
        )
    return Node(value, location)


@cache
def _parser() -> Parser:
    import tree_sitter_toml
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_toml.language()))


class _Columns:
    """tree-sitter's (row, byte column) points as (line, character column) locations."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.split("\n")

    def column(self, row: int, byte: int) -> int:
        line = self.lines[row] if row < len(self.lines) else ""
        if line.isascii():
            return byte + 1
        return len(line.encode("utf-8", "surrogatepass")[:byte].decode("utf-8", "replace")) + 1

    def of(self, node: SyntaxNode) -> Location:
        (row, start), (end_row, end) = node.start_point, node.end_point
        return Location(self.path, row + 1, self.column(row, start), end_row + 1, self.column(end_row, end))

    def whole(self) -> Location:
        last = len(self.lines) - 1
        return Location(self.path, 1, 1, last + 1, len(self.lines[last]) + 1)


def _places(columns: _Columns, text: str) -> Places:
    """Where each key path's key and value are written, from the concrete syntax tree."""
    tree = _parser().parse(text.encode("utf-8", "surrogatepass"))
    places: Places = {}
    arrays: dict[Path, int] = {}  # `[[x]]` elements seen so far, by the array's path
    for child in tree.root_node.named_children:
        if child.type == "pair":
            _pair(child, (), places, columns)
        elif child.type in ("table", "table_array_element"):
            named = child.named_children
            if not named or named[0].type not in ("bare_key", "quoted_key", "dotted_key"):
                continue  # a header the grammar could not read: its values take the document's place
            keys = _keys(named[0])
            at = _resolve([_key_text(key) for key in keys], arrays, child.type == "table_array_element")
            body = [pair for pair in named[1:] if pair.type == "pair"]
            span = columns.of(child)
            if body:  # the header to its last pair, not the blank lines after it
                last = columns.of(body[-1])
                span = Location(columns.path, span.line, span.column, last.end_line, last.end_column)
            for depth, key in enumerate(keys[:-1], 1):  # `[a.b.c]` also makes `a` and `a.b`
                prefix = _resolve([_key_text(k) for k in keys[:depth]], arrays, False)
                places.setdefault(prefix, (columns.of(key), columns.of(key)))
            places[at] = (columns.of(keys[-1]), span)
            for pair in body:
                _pair(pair, at, places, columns)
    return places


def _resolve(keys: list[str], arrays: dict[Path, int], array_header: bool) -> Path:
    """A header's key path as tomllib's values hold it: through an array of tables, its last
    element so far; a `[[x]]` header adds the next element of `x`."""
    at: Path = ()
    for index, key in enumerate(keys):
        at = (*at, key)
        last = index == len(keys) - 1
        if at in arrays and not (last and array_header):
            at = (*at, arrays[at] - 1)
    if array_header:
        count = arrays.get(at, 0)
        arrays[at] = count + 1
        at = (*at, count)
    return at


def _pair(pair: SyntaxNode, at: Path, places: Places, columns: _Columns) -> None:
    named = pair.named_children
    if len(named) < 2 or named[-1].type not in _VALUES:
        return
    keys = _keys(named[0])
    value = named[-1]
    for key in keys[:-1]:  # `a.b = 1` makes the table `a`
        at = (*at, _key_text(key))
        places.setdefault(at, (columns.of(key), columns.of(key)))
    at = (*at, _key_text(keys[-1]))
    places[at] = (columns.of(keys[-1]), columns.of(value))
    _value(value, at, places, columns)


def _value(value: SyntaxNode, at: Path, places: Places, columns: _Columns) -> None:
    """The places inside an array or an inline table, without recursion (nesting is bounded by
    `max-nesting` before this runs, but the walk needs no stack of frames either way)."""
    pending = [(value, at)]
    while pending:
        node, where = pending.pop()
        if node.type == "array":
            items = [item for item in node.named_children if item.type in _VALUES]
            for index, item in enumerate(items):
                places[(*where, index)] = (None, columns.of(item))
                pending.append((item, (*where, index)))
        elif node.type == "inline_table":
            for pair in node.named_children:
                if pair.type != "pair" or len(pair.named_children) < 2:
                    continue
                keys = _keys(pair.named_children[0])
                inner = where
                for key in keys[:-1]:
                    inner = (*inner, _key_text(key))
                    places.setdefault(inner, (columns.of(key), columns.of(key)))
                inner = (*inner, _key_text(keys[-1]))
                item = pair.named_children[-1]
                places[inner] = (columns.of(keys[-1]), columns.of(item))
                pending.append((item, inner))


def _keys(key: SyntaxNode) -> list[SyntaxNode]:
    """The simple keys of a (dotted) key, left to right (a dotted key nests to its left)."""
    found: list[SyntaxNode] = []
    pending = [key]
    while pending:
        part = pending.pop()
        if part.type == "dotted_key":
            pending.extend(reversed(part.named_children))
        else:
            found.append(part)
    return found


def _key_text(key: SyntaxNode) -> str:
    raw = (key.text or b"").decode("utf-8", "surrogatepass")
    return _quoted(raw) if key.type == "quoted_key" else raw


@cache
def _quoted(raw: str) -> str:
    """A quoted key's name, escapes read as TOML reads them."""
    try:
        name = tomllib.loads(f"k = {raw}")["k"]
    except tomllib.TOMLDecodeError:
        return raw
    return name if isinstance(name, str) else raw
