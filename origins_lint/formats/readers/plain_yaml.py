"""Plain YAML read without ruamel: the same tree and positions as `yaml_tree`, or None.

Importing ruamel.yaml and its libYAML bindings is 15-20 ms of a one-file check (issue 21's cold
start), more than reading a small policy. Most policy files are a few block mappings and
sequences of plain words, URLs and patterns; this reads exactly that and nothing more, and says
None for anything else (a tab, a non-ASCII character, a flow mapping, a multi-line scalar, an
anchor, a tag, a double-quoted escape, a second document, a duplicate key, a scalar that YAML
could resolve to something other than a string or a decimal integer ...), which
`yaml_tree.load_documents` then reads as before. It never reports a problem: a file with one
is never plain.

Positions are libYAML's, as `yaml_tree` gives them: a scalar from its first character to just
past its last (its quotes included); a block mapping or sequence from its first key or `-` to
where the next token starts (the first character of the next line that is not blank or a
comment), or to the start of the line after the last one at the end of the stream (libYAML
ends the stream on a new line, see `next_token`); a flow sequence from `[` to just past `]`.
`tests/test_plain_yaml.py` holds the two readers to the same trees on every YAML file of the
fixtures, the examples and the benchmark's policies, and on mutations of them.
"""

from __future__ import annotations

import re
from typing import Any, Final

from origins_lint import limits
from origins_lint.formats.readers.tree import Node
from origins_lint.model import Location

MAX_TEXT: Final = 65_536  # longer texts go to `yaml_tree` (which also bounds the length of lines)

_PRINTABLE: Final = re.compile(r"[ -~\n]*")
_KEY: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,99}):(?: +|$)")
_PLAIN_START: Final = re.compile(r"[A-Za-z^/(]")
_INTEGER: Final = re.compile(r"0|[1-9][0-9]{0,17}")
_FLOW_ITEM: Final = re.compile(r"[A-Za-z][A-Za-z0-9_./*-]*")
# words some YAML schema reads as a boolean or null: never taken as text here; of them, those
# YAML 1.2's core schema resolves (ruamel's resolver) are read as it reads them
_RESERVED: Final = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n"})
_CORE_WORDS: Final = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("null", "Null", "NULL"), None),
}


class _NotPlain(Exception):
    """Not in the subset read here: `yaml_tree` reads the file."""


class _Line:
    __slots__ = ("column", "number", "text")

    def __init__(self, number: int, column: int, text: str) -> None:
        self.number, self.column, self.text = number, column, text  # 0-based line and column


def read(path: str, text: str) -> list[Node] | None:
    """The documents `yaml_tree.load_documents` would give with no problem, or None."""
    if len(text) > MAX_TEXT or not _PRINTABLE.fullmatch(text):
        return None
    lines: list[_Line] = []
    raw = text.split("\n")
    for number, line in enumerate(raw):
        content = line.lstrip(" ")
        if content and not content.startswith("#"):
            lines.append(_Line(number, len(line) - len(content), content.rstrip(" ")))
    if lines and lines[0].column == 0 and lines[0].text in ("---", "--- "):
        lines.pop(0)
    if not lines:
        return None
    reader = _Reader(path, lines, (len(raw) - 1, len(raw[-1])))
    try:
        root = reader.block(0, lines[0].column, 0)
        if reader.at != len(lines):
            return None
    except _NotPlain:
        return None
    return [root]


class _Reader:
    def __init__(self, path: str, lines: list[_Line], end: tuple[int, int]) -> None:
        self.path, self.lines, self.end = path, lines, end
        self.at = 0
        bounds = limits.active()
        self.values, self.max_values, self.max_depth = 0, bounds.yaml_values, bounds.nesting

    def loc(self, line: int, column: int, end_line: int, end_column: int) -> Location:
        return Location(self.path, line + 1, column + 1, end_line + 1, end_column + 1)

    def next_token(self, column: int) -> tuple[int, int]:
        """Where a block at `column` ends: where the next token starts; at the end of the stream,
        libYAML first ends the blocks indented past where the text ends, then moves to a new line
        (unless the text ends with one) and ends the others there."""
        if self.at < len(self.lines):
            line = self.lines[self.at]
            return line.number, line.column
        last, length = self.end
        if length == 0 or column > length:
            return last, length
        return last + 1, 0

    def counted(self, depth: int) -> None:
        self.values += 1
        if self.values > self.max_values or depth > self.max_depth:
            raise _NotPlain

    def block(self, at: int, column: int, depth: int) -> Node:
        line = self.lines[at]
        if line.column != column:
            raise _NotPlain
        if line.text == "-" or line.text.startswith("- "):
            return self.sequence(column, depth)
        if _KEY.match(line.text):
            return self.mapping(column, depth)
        raise _NotPlain  # a scalar on its own line: a document that is one value, or a continuation

    def mapping(self, column: int, depth: int) -> Node:
        self.counted(depth)
        first = self.lines[self.at]
        values: dict[str, Node] = {}
        keys: dict[str, Location] = {}
        while self.at < len(self.lines):
            line = self.lines[self.at]
            if line.column != column:
                break
            key = _KEY.match(line.text)
            if key is None:
                raise _NotPlain
            name = key.group(1)
            if name in values or name.lower() in _RESERVED:
                raise _NotPlain  # a duplicate is a problem `yaml_tree` reports
            keys[name] = self.loc(line.number, column, line.number, column + len(name))
            rest = line.text[key.end() :]
            self.at += 1
            if rest and not rest.startswith("#"):
                values[name] = self.scalar(line.number, column + key.end(), rest, depth + 1)
                continue
            if self.at < len(self.lines) and self.lines[self.at].column > column:
                values[name] = self.block(self.at, self.lines[self.at].column, depth + 1)
            elif (
                self.at < len(self.lines)
                and self.lines[self.at].column == column
                and (self.lines[self.at].text == "-" or self.lines[self.at].text.startswith("- "))
            ):
                values[name] = self.sequence(column, depth + 1)  # `key:` then `- item` at its column
            else:
                raise _NotPlain  # an empty value: null, placed where libYAML places it
            if self.at < len(self.lines) and self.lines[self.at].column > column:
                raise _NotPlain
        if self.at < len(self.lines) and self.lines[self.at].column > column:
            raise _NotPlain
        return Node(values, self.loc(first.number, column, *self.next_token(column)), keys)

    def sequence(self, column: int, depth: int) -> Node:
        self.counted(depth)
        first = self.lines[self.at]
        items: list[Node] = []
        while self.at < len(self.lines):
            line = self.lines[self.at]
            if line.column != column or not line.text.startswith("- "):
                if line.column == column and line.text == "-":
                    raise _NotPlain
                break
            rest = line.text[2:]
            inner = column + 2 + len(rest) - len(rest.lstrip(" "))
            rest = rest.lstrip(" ")
            if rest.startswith(("#", "- ")) or rest == "-":
                raise _NotPlain
            if _KEY.match(rest):
                self.lines[self.at] = _Line(line.number, inner, rest)  # `- key: value` opens a mapping
                items.append(self.mapping(inner, depth + 1))
            else:
                self.at += 1
                items.append(self.scalar(line.number, inner, rest, depth + 1))
            if self.at < len(self.lines) and self.lines[self.at].column > column:
                raise _NotPlain
        return Node(items, self.loc(first.number, column, *self.next_token(column)))

    def scalar(self, number: int, column: int, text: str, depth: int) -> Node:
        """A value after `key: ` or `- `: the rest of the line, comment excluded."""
        if self.at < len(self.lines) and self.lines[self.at].column > self.lines[self.at - 1].column:
            raise _NotPlain  # more indented lines follow: a multi-line scalar, or worse
        self.counted(depth)
        if text.startswith("["):
            return self.flow(number, column, text, depth)
        if text.startswith("'"):
            close = text.find("'", 1)
            while close != -1 and text[close + 1 : close + 2] == "'":
                close = text.find("'", close + 2)
            if close == -1:
                raise _NotPlain
            _after(text[close + 1 :])
            value = text[1:close].replace("''", "'")
            return Node(value, self.loc(number, column, number, column + close + 1))
        if text.startswith('"'):
            close = text.find('"', 1)
            if close == -1 or "\\" in text[:close]:
                raise _NotPlain
            _after(text[close + 1 :])
            return Node(text[1:close], self.loc(number, column, number, column + close + 1))
        comment = text.find(" #")
        value = (text if comment == -1 else text[:comment]).rstrip(" ")
        if ": " in value or value.endswith(":") or "\t" in value:
            raise _NotPlain
        return Node(_plain(value), self.loc(number, column, number, column + len(value)))

    def flow(self, number: int, column: int, text: str, depth: int) -> Node:
        """`[a, b, 'c']` on one line: words or single-quoted text without `'` inside."""
        close = text.find("]")
        if close == -1 or "[" in text[1:close] or "{" in text[:close]:
            raise _NotPlain
        _after(text[close + 1 :])
        items: list[Node] = []
        inside, at = text[1:close], column + 1
        if inside.strip(" "):
            for part in inside.split(","):
                word = part.strip(" ")
                start = at + len(part) - len(part.lstrip(" "))
                at += len(part) + 1
                self.counted(depth + 1)
                if len(word) > 1 and word[0] == word[-1] == "'" and "'" not in word[1:-1]:
                    items.append(Node(word[1:-1], self.loc(number, start, number, start + len(word))))
                elif _FLOW_ITEM.fullmatch(word) and word.lower() not in _RESERVED:
                    items.append(Node(word, self.loc(number, start, number, start + len(word))))
                else:
                    raise _NotPlain  # empty (`[a,]`), a number, a quote inside, ...
        return Node(items, self.loc(number, column, number, column + close + 1))


def _after(rest: str) -> None:
    """What may follow a quoted value or a flow sequence on its line: nothing, or a comment."""
    if rest and not (rest.startswith(" ") and (not rest.strip(" ") or rest.lstrip(" ").startswith("#"))):
        raise _NotPlain


def _plain(value: str) -> Any:
    """A plain scalar that is surely text, a decimal integer or a core-schema word; else not plain."""
    if _INTEGER.fullmatch(value):
        return int(value)
    if value in _CORE_WORDS:
        return _CORE_WORDS[value]
    if not _PLAIN_START.match(value) or value.lower() in _RESERVED:
        raise _NotPlain
    return value
