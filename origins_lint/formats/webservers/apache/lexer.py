"""Apache's config syntax, read as httpd reads it, with the line and column of every word.

From httpd's server/util.c (commit 0cb680442ecaa6118cc610b5ecc6e824330bf61a) and
server/config.c:

- `ap_cfg_getline` (`ap_cfg_getline_core`) reads one physical line; a `\\` right before the
  newline (`\\\\r\\n` too) continues it: the backslash and the newline are dropped and the next
  line is appended as it is. `cfg_trim_line` then strips blanks at both ends.
- `ap_build_config_sub` skips a logical line that starts with `#` (so a `#` inside a line is
  part of an argument, and a comment line ending in `\\` swallows the next line) or is empty.
- `ap_getword_conf` splits words at blanks; a word starting with `"` or `'` runs to the same
  unescaped quote (or the end of the line: an unclosed quote is no error), and
  `substring_conf` turns `\\\\` into `\\` everywhere and `\\"` into `"` inside `"..."`.
- A first word starting with `<` opens a section (its trailing `>` is dropped from the name;
  the section's own handler (core.c) cuts its arguments at the last `>`), `</Name>` closes the
  innermost one, compared ignoring case; `</X>` with nothing open, a close that names another
  section, a close without `>` and a section left open at the end are errors httpd stops at.

No parser package is used: `apacheconfig`, the one on the package index, has had no release
since 2020, does not keep columns, and reads `#` inside a line as a comment, which httpd does not.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass

from origins_lint.formats.webservers.apache import _BLANKS
from origins_lint.model import Location
from origins_lint.records import field, record


@record(frozen=True, slots=True)
class Word:
    """One argument as httpd reads it (quotes and escapes removed), located where it is written."""

    text: str
    location: Location
    quoted: bool = False


@record(slots=True)
class Directive:
    """One directive or section; `block` is None for a plain directive."""

    name: str  # as written (`Header`, `<VirtualHost`), the section's `<` kept
    args: list[Word]
    location: Location
    block: list[Directive] | None = None
    end: Location | None = None  # a section's closing line

    @property
    def key(self) -> str:
        """The name httpd looks up: case-insensitive, a section without its `<`."""
        return self.name.lstrip("<").lower()

    def arg(self, index: int) -> str:
        return self.args[index].text if index < len(self.args) else ""


@dataclass(slots=True)
class ParseError(Exception):
    message: str
    location: Location


@record(slots=True)
class _Line:
    """One logical line: its text, and where in the file each physical piece of it starts."""

    text: str
    starts: list[int]  # index in `text` (before trimming: `left` on) where each physical line starts
    places: list[tuple[int, int]]  # (line, column) of each such start, 1-based
    left: int = 0  # blanks trimmed at the start

    def at(self, index: int, path: str, length: int = 1) -> Location:
        if not self.starts:
            return Location.point(path, 1, 1)
        raw = index + self.left
        piece = max(bisect.bisect_right(self.starts, raw) - 1, 0)
        line, column = self.places[piece]
        return Location.point(path, line, column + raw - self.starts[piece], length)


def logical_lines(text: str) -> Iterator[tuple[int, int, _Line]]:
    """(start offset, end offset, logical line) of each logical line, trimmed as httpd trims it.

    Read line by line as asked, not split whole first: a sniff (``looks_like_apache``, run on every
    `.conf`, nginx's too) reads only the first lines.
    """
    offset = 0
    number = 0
    done = False
    while not done:
        start = offset
        pieces: list[str] = []
        starts: list[int] = []
        places: list[tuple[int, int]] = []
        size = 0
        while True:
            newline = text.find("\n", offset)
            last = newline < 0  # the text after the last newline (maybe empty) is a line too
            raw = text[offset:] if last else text[offset:newline]
            offset += len(raw) + (0 if last else 1)
            body = raw[:-1] if raw.endswith("\r") else raw
            continued = not last and body.endswith("\\")
            kept = body[:-1] if continued else body
            starts.append(size)
            places.append((number + 1, 1))
            pieces.append(kept)
            size += len(kept)
            number += 1
            done = last
            if not continued:
                break
        joined = "".join(pieces)
        left = len(joined) - len(joined.lstrip(_BLANKS))
        right = len(joined.rstrip(_BLANKS))
        yield start, offset, _Line(joined[left:right], starts, places, left)


def comment_spans(text: str) -> Iterator[tuple[int, int]]:
    """[start, end) of each comment: a logical line whose first non-blank character is `#`."""
    for start, end, line in logical_lines(text):
        if line.text.startswith("#"):
            first = text.find("#", start, end)
            stop = end - 1 if text[start:end].endswith("\n") else end
            yield first, len(text[first:stop].rstrip("\r")) + first


def words(line: _Line, path: str, start: int = 0, stop: int | None = None) -> list[Word]:
    """`ap_getword_conf` over ``line.text[start:stop]``, each word located."""
    text = line.text[:stop] if stop is not None else line.text
    out: list[Word] = []
    index = start
    while True:
        while index < len(text) and text[index] in _BLANKS:
            index += 1
        if index >= len(text):
            return out
        begin = index
        quote = text[index]
        if quote in "\"'":
            index += 1
            chars: list[str] = []
            while index < len(text) and text[index] != quote:
                if text[index] == "\\" and index + 1 < len(text) and text[index + 1] in (quote, "\\"):
                    index += 1
                chars.append(text[index])
                index += 1
            index += 1  # the closing quote, when there is one
            out.append(Word("".join(chars), line.at(begin, path, min(index, len(text)) - begin), True))
            continue
        while index < len(text) and text[index] not in _BLANKS:
            index += 1
        out.append(Word(_unescaped(text[begin:index]), line.at(begin, path, index - begin)))


def _unescaped(word: str) -> str:
    return word.replace("\\\\", "\\") if "\\\\" in word else word


@record(slots=True)
class _Open:
    directive: Directive
    children: list[Directive] = field(default_factory=list)


def parse(path: str, text: str, max_depth: int = 100) -> list[Directive]:
    """The directives of one file, sections nested; ParseError where httpd stops reading."""
    top: list[Directive] = []
    stack: list[_Open] = []
    for _start, _end, line in logical_lines(text):
        if not line.text or line.text.startswith("#"):
            continue
        found = words(line, path)
        if not found:
            continue
        first = found[0]
        name = first.text
        where = first.location
        siblings = stack[-1].children if stack else top
        if name.startswith("</"):
            closing = name[2:]
            if not stack:
                raise ParseError(
                    f"`{name}` closes a section that is not open (httpd says `{name} without matching "
                    f"<{closing.rstrip('>')} section`)",
                    where,
                )
            if not closing.endswith(">"):
                raise ParseError(
                    f"`{name}` has no closing `>` (`{name}> directive missing closing '>'`)", where
                )
            opened = stack[-1].directive
            if closing[:-1].lower() != opened.key:
                raise ParseError(
                    f"`{name}` closes `{opened.name}>` (line {opened.location.line}): httpd says "
                    f"`Expected </{opened.name[1:]}> but saw {name}`",
                    where,
                )
            opened.block = stack.pop().children
            opened.end = where
            continue
        if name.startswith("<") and len(name) > 1:
            bare = name[:-1] if name.endswith(">") and len(name) > 2 else name
            rest = next((i for i, c in enumerate(line.text) if c in _BLANKS), len(line.text))
            stop = line.text.rfind(">")
            if name.endswith(">") and stop == len(line.text) - 1 and stop < rest:
                args: list[Word] = []  # `<Else>`
            elif stop < rest:
                raise ParseError(
                    f"`{bare}` has no closing `>` (`{bare}> directive missing closing '>'`)", where
                )
            else:
                args = words(line, path, rest, stop)
            section = Directive(bare, args, where)
            siblings.append(section)
            if len(stack) >= max_depth:
                raise ParseError(
                    f"sections nest more than {max_depth} levels deep (the limit is `max-nesting`)", where
                )
            stack.append(_Open(section))
            continue
        siblings.append(Directive(name, found[1:], where))
    if stack:
        opened = stack[-1].directive
        raise ParseError(
            f"`{opened.name}>` is never closed: httpd says `{opened.name}> was not closed.` and does "
            "not start",
            opened.location,
        )
    return top
