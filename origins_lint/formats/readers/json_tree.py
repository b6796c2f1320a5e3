"""JSON to a tree of values that remember where they were written.

The standard library's parser does the parsing (its strict grammar and its
error messages); we hook its pure-Python scanner to record the span of every
value and key. Positions come from offsets into the raw text, so a 300-entry
export minified onto one line still gets an exact column for each entry.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from typing import Any, Final

from origins_lint import limits
from origins_lint.formats.readers.tree import Node
from origins_lint.model import InputProblem, Location, ProblemKind
from origins_lint.source import problem

_WHITESPACE: Final = " \t\n\r"

ScanOnce = Any  # the scanner's own callable type is private
# the stdlib parser's pure-Python building blocks; typeshed does not list them
_STDLIB: Any = json
JSONObject = _STDLIB.decoder.JSONObject
JSONArray = _STDLIB.decoder.JSONArray
scanstring = _STDLIB.decoder.scanstring
py_make_scanner = _STDLIB.scanner.py_make_scanner


class _TooDeep(Exception):
    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


class _Loader:
    """The scanner's context: the hooks `py_make_scanner` reads, building `Node`s."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.line_starts = [0]
        index = text.find("\n")
        while index != -1:
            self.line_starts.append(index + 1)
            index = text.find("\n", index + 1)
        self.depth = 0
        self.max_depth = limits.active().nesting
        self.key_spans: dict[int, Location] = {}  # id(value node) -> span of its key
        self.problems: list[InputProblem] = []
        # what py_make_scanner reads
        self.strict = True
        self.parse_string = scanstring
        self.parse_float = float
        self.parse_int = int
        self.parse_constant = float
        self.object_hook = None
        self.object_pairs_hook = None
        self.memo: dict[str, str] = {}

    def span(self, start: int, end: int) -> Location:
        line = bisect.bisect_right(self.line_starts, start)
        end_line = bisect.bisect_right(self.line_starts, max(end - 1, start))
        return Location(
            self.path,
            line,
            start - self.line_starts[line - 1] + 1,
            end_line,
            end - self.line_starts[end_line - 1] + 1,
        )

    def wrap(self, scan_once: ScanOnce) -> ScanOnce:
        def scan(text: str, index: int) -> tuple[Node, int]:
            value, end = scan_once(text, index)
            node = value if isinstance(value, Node) else Node(value, self.span(index, end))
            key = self._key_before(index)
            if key is not None:
                self.key_spans[id(node)] = key
            return node, end

        return scan

    def _key_before(self, index: int) -> Location | None:
        """The span of the key whose value starts at ``index``, if the value is in an object."""
        text, at = self.text, index - 1
        while at >= 0 and text[at] in _WHITESPACE:
            at -= 1
        if at < 0 or text[at] != ":":
            return None
        at -= 1
        while at >= 0 and text[at] in _WHITESPACE:
            at -= 1
        end = at + 1  # after the key's closing quote
        at -= 1
        while at >= 0:  # a quote inside a key is always escaped by an odd run of backslashes
            if text[at] == '"':
                slashes = 0
                while at - 1 - slashes >= 0 and text[at - 1 - slashes] == "\\":
                    slashes += 1
                if slashes % 2 == 0:
                    return self.span(at, end)
            at -= 1
        return None

    def parse_object(
        self,
        s_and_end: tuple[str, int],
        strict: bool,
        scan_once: ScanOnce,
        _object_hook: Any,
        _pairs_hook: Any,
        memo: dict[str, str],
    ) -> tuple[Node, int]:
        start = s_and_end[1] - 1
        self._enter(start)
        pairs, end = JSONObject(s_and_end, strict, self.wrap(scan_once), None, list, memo)
        self.depth -= 1
        node = Node({}, self.span(start, end))
        for key, value in pairs:
            key_span = self.key_spans.pop(id(value), value.location)
            if key in node.value:
                first = node.key_locations[key].line
                message = f"duplicate key `{key}` (first at line {first}); readers disagree on which wins"
                self.problems.append(InputProblem(ProblemKind.SCHEMA, message, key_span))
            node.value[key] = value
            node.key_locations[key] = key_span
        return node, end

    def parse_array(self, s_and_end: tuple[str, int], scan_once: ScanOnce) -> tuple[Node, int]:
        start = s_and_end[1] - 1
        self._enter(start)
        values, end = JSONArray(s_and_end, self.wrap(scan_once))
        self.depth -= 1
        return Node(values, self.span(start, end)), end

    def _enter(self, offset: int) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise _TooDeep(offset)


def load_json(path: str, text: str) -> tuple[Node | None, list[InputProblem]]:
    """The document as a tree, or the syntax error (with its line and column) as a problem."""
    loader = _Loader(path, text)
    scan = py_make_scanner(loader)
    index = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        value, end = scan(text, index)
        rest = len(text.rstrip(_WHITESPACE))
        if end < rest:
            after = end + len(text[end:]) - len(text[end:].lstrip(_WHITESPACE))
            raise json.JSONDecodeError("Extra data", text, after)
    except StopIteration as stop:
        return None, [_syntax(loader, "Expecting value", stop.value)]
    except json.JSONDecodeError as error:
        return None, [_syntax(loader, error.msg, error.pos)]
    except _TooDeep as deep:
        line = loader.span(deep.offset, deep.offset + 1)
        message = _too_deep(loader.max_depth)
        return None, [problem(path, message, line.line, line.column)]
    except ValueError:  # an integer too long to convert: no JSON config holds one
        return None, [problem(path, "invalid JSON: a number has too many digits to read")]
    except RecursionError:
        return None, [problem(path, _too_deep(loader.max_depth))]
    node = value if isinstance(value, Node) else Node(value, loader.span(index, end))
    return node, loader.problems


# the standard library's messages, as a config author would want them
_MESSAGES: Final = {
    "Expecting value": "expected a value",
    "Expecting ',' delimiter": "expected `,` or a closing `]`/`}`",
    "Expecting ':' delimiter": "expected `:` after the key",
    "Expecting property name enclosed in double quotes": "expected a quoted key (a trailing comma?)",
    "Unterminated string starting at": "a string is not closed",
    "Invalid control character at": "a raw control character (a tab or newline) inside a string",
    "Invalid \\escape": "an invalid backslash escape",
    "Invalid \\uXXXX escape": "an invalid `\\u` escape",
}


def _syntax(loader: _Loader, message: str, offset: int) -> InputProblem:
    text = loader.text
    at = loader.span(min(offset, max(len(text) - 1, 0)), offset + 1)
    if message == "Extra data":
        said = "more data after the JSON value (two documents in one file?)"
    else:
        said = _MESSAGES.get(message, message)
        unclosed = message.startswith("Unterminated") and '"' not in text[offset + 1 :]
        if unclosed or offset >= len(text.rstrip(_WHITESPACE)):
            said += "; the file ends early (cut short?)"
    return problem(loader.path, f"invalid JSON: {said}", at.line, at.column)


def _too_deep(depth: int) -> str:
    return f"JSON nests deeper than {depth} levels; not checked (the limit is `max-nesting`)"
