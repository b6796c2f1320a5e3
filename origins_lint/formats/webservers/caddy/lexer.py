"""The Caddyfile lexer, a port of caddy's caddyconfig/caddyfile/lexer.go (`lexer.next`).

Tokens are separated by whitespace. A token that starts with `"` runs to the next unescaped
`"` (`\\"` is a quote, any other `\\x` stays as written); one that starts with a backtick
runs to the next backtick with no escapes; `<<MARKER` at the end of a line opens a heredoc
that ends at a line holding `MARKER`, whose indentation is stripped from every line
(`finalizeHeredoc`). `#` starts a comment only where a token would start (`a#b` is one
token). Outside quotes a backslash before a newline joins the lines: Caddy then counts the
next line as the same line, which is how `isNextOnNewLine` (lexer.go) decides where a
directive ends. `{$ENV}` placeholders are left in the text: Caddy substitutes them before
lexing (parse.go `replaceEnvVars`), from an environment we do not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_HEREDOC_MARKER: Final = re.compile(r"^[A-Za-z0-9_-]+$")  # lexer.go heredocMarkerRegexp
_WORD: Final = re.compile(r"[^\s\\]+")  # a plain word: no blank, no backslash


class LexError(Exception):
    """What Caddy's lexer refuses, at an offset of the text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int  # offset of the token's first character as written (a quote included)
    end: int  # offset just after it
    line: int  # Caddy's line number (joined lines count as one), for `isNextOnNewLine`
    quote: str = ""  # `"`, a backtick or `<` (heredoc) when it was quoted
    chain: tuple[str, ...] = ()  # the imports it came through (`import name` at a line), outer first

    @property
    def quoted(self) -> bool:
        return bool(self.quote)

    @property
    def line_breaks(self) -> int:
        """lexer.go `NumLineBreaks`: a heredoc spans two more lines than its text holds."""
        return self.text.count("\n") + (2 if self.quote == "<" else 0)

    @property
    def opens(self) -> bool:
        return self.text == "{" and not self.quote

    @property
    def closes(self) -> bool:
        return self.text == "}" and not self.quote


def next_on_new_line(first: Token, second: Token) -> bool:
    """lexer.go `isNextOnNewLine`: a token from another import, or on a later line."""
    if first.chain != second.chain:
        return True
    return first.line + first.line_breaks < second.line


def tokenize(text: str) -> tuple[list[Token], list[tuple[int, int]]]:
    """The tokens of a Caddyfile, and the spans of its comments (for suppressions)."""
    return _Lexer(text).run()


def comments(text: str) -> list[tuple[int, int]]:
    """The comments of a Caddyfile (those before a lexing error, when it has one)."""
    lexer = _Lexer(text)
    try:
        return lexer.run()[1]
    except LexError:
        return lexer.comments


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 1 if text.startswith("\ufeff") else 0
        self.line = 1
        self.skipped = 0
        self.comments: list[tuple[int, int]] = []

    def run(self) -> tuple[list[Token], list[tuple[int, int]]]:
        tokens: list[Token] = []
        while True:
            token = self.next()
            if token is None:
                return tokens, self.comments
            tokens.append(token)

    def next(self) -> Token | None:
        """The next token: blanks, comments and plain words read in bulk, the rest by `_next`."""
        text = self.text
        size = len(text)
        while self.index < size:
            ch = text[self.index]
            if ch == "\n":
                self.line += 1 + self.skipped
                self.skipped = 0
                self.index += 1
            elif ch.isspace():
                self.index += 1
            elif ch == "#":
                end = text.find("\n", self.index)
                end = size if end < 0 else end
                self.comments.append((self.index, end))
                self.index = end
            else:
                break
        if self.index >= size:
            return None
        start = self.index
        if text[start] not in '"`\\' and not text.startswith("<<", start):
            word = _WORD.match(text, start)
            end = word.end() if word is not None else start
            if end > start and (end >= size or text[end] != "\\"):
                self.index = end
                return Token(text[start:end], start, end, self.line)
        return self._next()

    def _next(self) -> Token | None:  # one state machine, as in lexer.go
        text = self.text
        val: list[str] = []
        start = self.index
        token_line = self.line
        quoted = backtick = in_heredoc = heredoc_escaped = escaped = comment = False
        comment_start = 0
        marker = ""
        while True:
            if self.index >= len(text):
                if comment:
                    self.comments.append((comment_start, self.index))
                if val:
                    if in_heredoc:
                        raise LexError(f"incomplete heredoc <<{marker}: no line holds its end marker", start)
                    if quoted or backtick:
                        raise LexError("a quoted value is never closed", start)
                    return Token("".join(val), start, self.index, token_line)
                if quoted or backtick:
                    raise LexError("a quoted value is never closed", start)
                return None
            ch = text[self.index]
            self.index += 1
            if (
                not (quoted or backtick or in_heredoc or heredoc_escaped)
                and len(val) > 1
                and val[:2] == ["<", "<"]
            ):
                if ch == " ":
                    return Token("".join(val), start, self.index - 1, token_line)
                if ch == "\r":
                    continue
                if ch == "\n":
                    if len(val) == 2:
                        raise LexError("a heredoc needs a marker after `<<`", start)
                    if val[2] == "<":
                        raise LexError("too many `<` for a heredoc; use two, as in <<END", start)
                    marker = "".join(val[2:])
                    if not _HEREDOC_MARKER.match(marker):
                        raise LexError(
                            f"a heredoc marker holds only letters, digits, `-` and `_`; got `{marker}`", start
                        )
                    in_heredoc = True
                    self.skipped += 1
                    val = []
                    continue
                val.append(ch)
                continue
            if in_heredoc:
                val.append(ch)
                if ch == "\n":
                    self.skipped += 1
                if len(val) >= len(marker) and "".join(val[-len(marker) :]) == marker:
                    body = _heredoc("".join(val), marker, start)
                    self.line += self.skipped
                    self.skipped = 0
                    return Token(body, start, self.index, token_line, "<")
                continue
            if not escaped and not backtick and ch == "\\":
                escaped = True
                continue
            if quoted or backtick:
                if quoted and escaped:
                    if ch != '"':
                        val.append("\\")
                    escaped = False
                elif (quoted and ch == '"') or (backtick and ch == "`"):
                    return Token("".join(val), start, self.index, token_line, ch)
                if ch == "\n":
                    self.line += 1 + self.skipped
                    self.skipped = 0
                val.append(ch)
                continue
            if ch.isspace():
                if ch == "\r":
                    continue
                if ch == "\n":
                    if escaped:
                        self.skipped += 1
                        escaped = False
                    else:
                        self.line += 1 + self.skipped
                        self.skipped = 0
                    if comment:
                        self.comments.append((comment_start, self.index - 1))
                    comment = False
                if val:
                    return Token("".join(val), start, self.index - 1, token_line)
                continue
            if ch == "#" and not val and not comment:
                comment = True
                comment_start = self.index - 1
            if comment:
                continue
            if not val:
                start = self.index - 1
                token_line = self.line
                if ch == '"':
                    quoted = True
                    continue
                if ch == "`":
                    backtick = True
                    continue
            if escaped:
                if ch == "<":
                    heredoc_escaped = True
                else:
                    val.append("\\")
                escaped = False
            val.append(ch)


def _heredoc(raw: str, marker: str, start: int) -> str:
    """lexer.go `finalizeHeredoc`: the closing marker's indentation is stripped from every line."""
    last_newline = raw.rfind("\n")
    lines = raw[: last_newline + 1].split("\n")
    padding = raw[last_newline + 1 : len(raw) - len(marker)]
    out = []
    for line in lines[:-1]:
        if line in ("", "\r"):
            out.append("\n")
            continue
        if not line.startswith(padding):
            raise LexError(f"a line of heredoc <<{marker} is not indented like its closing marker", start)
        out.append(line[len(padding) :].replace("\r", "") + "\n")
    body = "".join(out)
    return body[:-1] if body.endswith("\n") else body
