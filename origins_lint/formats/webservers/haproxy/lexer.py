"""HAProxy's configuration line tokenizer, with the position of every word.

A port of `parse_line` in haproxy src/tools.c (called by `readcfgfile` in src/cfgparse.c with
PARSE_OPT_ENV, PARSE_OPT_DQUOTE, PARSE_OPT_SQUOTE, PARSE_OPT_BKSLASH and PARSE_OPT_SHARP), as
doc/configuration.txt section 2.2 "Quoting and escaping" describes it:

- a line is cut into words on unquoted, unescaped blanks; there is no line continuation
  (haproxy/haproxy#2740, open): a lone `\\` ending a line joins nothing, and the next line is a
  statement of its own (`hdr ...` is then an unknown keyword and HAProxy refuses the file);
- `#` outside quotes starts a comment anywhere, even inside a word; `\\#` is a hash;
- `"..."` weak quoting: blanks, `'` and `#` are literal, `$VAR` / `${VAR}` / `${VAR-default}`
  are environment variables (outside double quotes `$` is literal);
- `'...'` strong quoting: nothing is interpreted;
- `\\ `, `\\\\`, `\\#`, `\\'`, `\\"`, `\\t`, `\\n`, `\\r`, `\\xNN` are escapes (`\\$` only inside double
  quotes); any other backslash stays as written (`\\1`, `\\.`);
- an unclosed quote, a bad `\\xNN` or a bad variable name is a parse error (PARSE_ERR_QUOTE,
  PARSE_ERR_HEX, PARSE_ERR_VARNAME): HAProxy refuses to start.

An environment variable is not known here: the word keeps it as written (`${NAME}`) and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEX = frozenset("0123456789abcdefABCDEF")
_ENV = re.compile(r"\$(\{)?([A-Za-z_.][A-Za-z0-9_]*)")


@dataclass(frozen=True, slots=True)
class Word:
    text: str  # unquoted and unescaped, as HAProxy reads it
    line: int
    column: int  # 1-based, where the word starts as written (its quote, if any)
    end_column: int  # exclusive
    env: bool = False  # holds an environment variable, kept as `${NAME}`


@dataclass(slots=True)
class Line:
    number: int
    words: list[Word] = field(default_factory=list)


@dataclass(slots=True)
class Lexed:
    lines: list[Line] = field(default_factory=list)
    error: tuple[str, int, int] | None = None  # message, line, column
    # a lone `\` ending a line: the line continuation HAProxy does not have (line, column)
    continued: list[tuple[int, int]] = field(default_factory=list)
    comments: list[tuple[int, int]] = field(default_factory=list)  # [start, end) offsets in the text


def lex(text: str) -> Lexed:
    """Every non-empty line's words, or the first error (HAProxy stops at it)."""
    out = Lexed()
    offset = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.split("\r", 1)[0]  # parse_line stops at `\r` too
        words, error, comment = _line(line, number)
        if comment is not None:
            out.comments.append((offset + comment, offset + len(line)))
        if error is not None:
            out.error = (error[0], number, error[1])
            return out
        if words and words[-1].text == "\\" and words[-1].end_column - words[-1].column == 1:
            out.continued.append((number, words[-1].column))  # not a word of the statement
            words = words[:-1]
        if words:
            out.lines.append(Line(number, words))
        offset += len(raw) + 1
    return out


def _line(line: str, number: int) -> tuple[list[Word], tuple[str, int] | None, int | None]:
    words: list[Word] = []
    buffer: list[str] = []
    start = -1
    env = False
    quote: str | None = None
    quote_at = 0
    index = 0
    size = len(line)

    def close(end: int) -> None:
        nonlocal buffer, start, env
        if start >= 0:
            words.append(Word("".join(buffer), number, start + 1, end + 1, env))
        buffer, start, env = [], -1, False

    while index < size:
        char = line[index]
        if quote is None and char in " \t\f\v":
            close(index)
            index += 1
            continue
        if quote is None and char == "#":
            close(index)
            return words, None, index
        if start < 0:
            start = index
        if char == '"' and quote != "'":
            if quote == '"':
                quote = None
            else:
                quote, quote_at = '"', index
            index += 1
            continue
        if char == "'" and quote != '"':
            if quote == "'":
                quote = None
            else:
                quote, quote_at = "'", index
            index += 1
            continue
        if char == "\\" and quote != "'":
            following = line[index + 1 : index + 2]
            simple = {" ": " ", "\\": "\\", "t": "\t", "n": "\n", "r": "\r", "#": "#", "'": "'", '"': '"'}
            if following in simple:
                buffer.append(simple[following])
                index += 2
            elif following == "$" and quote == '"':
                buffer.append("$")
                index += 2
            elif following == "x":
                digits = line[index + 2 : index + 4]
                if len(digits) < 2 or not set(digits) <= _HEX:
                    return (
                        words,
                        ("invalid or incomplete `\\x` escape: HAProxy expects two hex digits", index + 1),
                        None,
                    )
                buffer.append(chr(int(digits, 16)))
                index += 4
            else:
                buffer.append("\\")
                index += 1
            continue
        if char == "$" and quote == '"':
            found = _ENV.match(line, index)
            if found is None:
                return (
                    words,
                    (
                        "`$` inside double quotes starts an environment variable; escape it as `\\$`",
                        index + 1,
                    ),
                    None,
                )
            end = found.end()
            if found.group(1):
                close_at = line.find("}", end)
                if close_at < 0:
                    return words, ("unmatched `{` in an environment variable", index + 1), None
                end = close_at + 1
            buffer.append("${" + found.group(2) + "}")
            env = True
            index = end
            continue
        buffer.append(char)
        index += 1
    if quote is not None:
        kind = "double" if quote == '"' else "single"
        return words, (f"unmatched {kind} quote: HAProxy refuses the line", quote_at + 1), None
    close(size)
    return words, None, None


def comment_spans(text: str) -> list[tuple[int, int]]:
    """Where the comments are, for suppressions; up to the first line HAProxy cannot read."""
    found = lex(text)
    return found.comments
