"""What nginx refuses to load, found as nginx finds it, at the line nginx names (OL001).

crossplane reads more than nginx accepts: after a closing quote it goes on reading the
same word, where nginx stops with `unexpected "*"`. So the text is read again here with a
port of nginx's own tokenizer (src/core/ngx_conf_file.c, `ngx_conf_read_token`), and the
statements nginx would refuse are checked in file order, as `ngx_conf_parse` meets them:

- argument counts from the modules' command tables, checked by `ngx_conf_handler`
  ("invalid number of arguments"): `add_header` NGX_CONF_TAKE23, its third argument only
  `always` (src/http/modules/ngx_http_headers_filter_module.c, `ngx_http_headers_add`);
  `map` NGX_CONF_TAKE2 and each entry two words, or one for `hostnames`/`volatile`
  (src/http/modules/ngx_http_map_module.c, `ngx_http_map`); `set` NGX_CONF_TAKE2 with a
  `$name` (src/http/modules/ngx_http_rewrite_module.c, `ngx_http_rewrite_set`); `if`
  NGX_CONF_1MORE with the condition forms of `ngx_http_rewrite_if_condition`;
- a `map` key given twice: `ngx_hash_add_key` lowercases exact keys (a leading `\\` is
  dropped first), so `"https://A.example.com"` after `"https://a.example.com"` is
  "conflicting parameter".

nginx names the line its reader is on: the `;` or `{` that ends the statement. Only the
first problem is reported, as nginx stops at it. Files with `*_by_lua_block` are left to
crossplane: the Lua module reads those blocks with a lexer of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

_SPACE: Final = frozenset(" \t\r\n")
_REGEX_OPS: Final = frozenset({"~", "~*", "!~", "!~*"})
_FILE_OPS: Final = frozenset({"-f", "!-f", "-d", "!-d", "-e", "!-e", "-x", "!-x"})
_TABLES: Final = frozenset({"map", "geo", "types", "split_clients", "charset_map"})  # blocks of entries


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why nginx refuses the text: its message, the line it names, and where to point."""

    message: str
    line: int
    column: int
    fatal: bool  # the words differ from what crossplane read: nothing else can be trusted


@dataclass(slots=True)
class _Word:
    text: str
    line: int
    column: int  # of its first character (inside the quotes of a quoted word)


@dataclass(slots=True)
class _Statement:
    words: list[_Word]
    end_line: int  # where the `;` or `{` is: the line nginx names
    end_column: int
    block: list[_Statement] | None = None
    parent: str = ""  # the name of the enclosing block's directive


class _Stop(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def first_rejection(text: str) -> Rejection | None:
    """The first reason nginx refuses ``text``, among those modelled here."""
    if "_by_lua_block" in text:
        return None
    statements: list[_Statement] = []
    stop: _Stop | None = None
    try:
        _Reader(text).read(statements)
    except _Stop as error:
        stop = error
    for statement in _in_order(statements):
        found = _check(statement)
        if found is not None:
            return found
    if stop is not None and stop.message.startswith('unexpected "') and stop.message != 'unexpected "}"':
        return Rejection(stop.message, stop.line, stop.column, fatal=True)
    return None  # end-of-file and brace errors: crossplane's reading locates them better


def _in_order(statements: list[_Statement]) -> list[_Statement]:
    """Statements as nginx handles them: a block's directive at its `{`, then its contents."""
    out: list[_Statement] = []
    pending = list(reversed(statements))
    while pending:
        statement = pending.pop()
        out.append(statement)
        pending.extend(reversed(statement.block or []))
    return out


class _Reader:
    """``ngx_conf_read_token`` over a string: words, and the `;`, `{` or `}` that ends them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.column = 0

    def read(self, into: list[_Statement]) -> None:
        """The statements of the text, blocks nested; a stack, not recursion: depth is the input's."""
        open_blocks: list[tuple[list[_Statement], str]] = [(into, "")]
        while True:
            words, end = self.statement()
            current, parent = open_blocks[-1]
            if end == "eof":
                if len(open_blocks) > 1:
                    raise _Stop('unexpected end of file, expecting "}"', self.line, self.column)
                return
            if end == "}":
                if len(open_blocks) == 1:
                    raise _Stop('unexpected "}"', self.line, self.column)
                open_blocks.pop()
                continue
            statement = _Statement(words, self.line, self.column, parent=parent)
            current.append(statement)
            if end == "{":
                statement.block = []
                open_blocks.append((statement.block, words[0].text))

    def statement(self) -> tuple[list[_Word], str]:
        words: list[_Word] = []
        text = self.text
        need_space, last_space, quote = False, True, ""
        start, start_line, start_column = 0, 1, 1
        while True:
            if self.pos >= len(text):
                if words:
                    raise _Stop('unexpected end of file, expecting ";" or "}"', self.line, self.column)
                return words, "eof"
            ch = text[self.pos]
            self.pos += 1
            if ch == "\n":
                self.line += 1
                self.column = 0
            else:
                self.column += 1
            if need_space:
                if ch in _SPACE:
                    need_space, last_space = False, True
                    continue
                if ch in ";{":
                    return words, ch
                if ch != ")":
                    raise _Stop(f'unexpected "{ch}"', self.line, self.column)
                need_space, last_space = False, True
            if last_space:
                if ch in _SPACE:
                    continue
                start, start_line, start_column = self.pos - 1, self.line, self.column
                if ch in ";{":
                    if not words:
                        raise _Stop(f'unexpected "{ch}"', self.line, self.column)
                    return words, ch
                if ch == "}":
                    if words:
                        raise _Stop('unexpected "}"', self.line, self.column)
                    return words, "}"
                if ch == "#":
                    self._skip_comment()
                    continue
                last_space = False
                if ch == "\\":
                    self._skip_escaped()
                elif ch in "\"'":
                    quote, start, start_column = ch, self.pos, start_column + 1
                elif ch == "$":
                    self._variable()
                continue
            if ch == "\\":
                self._skip_escaped()
                continue
            if ch == "$":
                self._variable()
                continue
            if quote:
                if ch != quote:
                    continue
                words.append(_Word(text[start : self.pos - 1], start_line, start_column))
                quote, need_space = "", True
                continue
            if ch in _SPACE or ch in ";{":
                words.append(_Word(text[start : self.pos - 1], start_line, start_column))
                last_space = True
                if ch in ";{":
                    return words, ch

    def _skip_comment(self) -> None:
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end < 0 else end
        self.column += end - self.pos
        self.pos = end

    def _skip_escaped(self) -> None:
        if self.pos < len(self.text):
            if self.text[self.pos] == "\n":
                self.line += 1
                self.column = 0
            else:
                self.column += 1
            self.pos += 1

    def _variable(self) -> None:
        """`${` does not open a block: nginx skips a `{` right after `$`."""
        if self.pos < len(self.text) and self.text[self.pos] == "{":
            self.pos += 1
            self.column += 1


def _check(statement: _Statement) -> Rejection | None:
    words = statement.words
    name, count = words[0].text, len(words) - 1
    problem: str | None = None
    at = words[0]
    if statement.parent in _TABLES and statement.block is None:
        return None  # entries of a table, not directives (a `map` checks its own)
    if name == "add_header" and statement.block is None:
        if count not in (2, 3):
            problem = 'invalid number of arguments in "add_header" directive'
        elif count == 3 and words[3].text != "always":
            problem, at = f'invalid parameter "{words[3].text}"', words[3]
    elif name == "set" and statement.block is None:
        if count != 2:
            problem = 'invalid number of arguments in "set" directive'
        elif not words[1].text.startswith("$"):
            problem, at = f'invalid variable name "{words[1].text}"', words[1]
    elif name == "map" and statement.block is not None:
        if count != 2:
            problem = 'invalid number of arguments in "map" directive'
        else:
            return _check_map(statement)
    elif name == "if" and statement.block is not None:
        found = _if_condition(words)
        if found is not None:
            problem, at = found
    if problem is None:
        return None
    column = at.column if at.line == statement.end_line else statement.end_column
    return Rejection(problem, statement.end_line, column, False)


def _check_map(statement: _Statement) -> Rejection | None:
    seen: dict[str, int] = {}
    hostnames, default = False, 0
    for entry in statement.block or []:
        words = entry.words
        first = words[0].text
        if entry.block is not None:
            return None  # nginx refuses a block here too, with a message of its own: not modelled
        if len(words) == 1 and first in ("hostnames", "volatile"):
            hostnames = hostnames or first == "hostnames"
            continue
        if len(words) != 2:
            return Rejection("invalid number of the map parameters", entry.end_line, words[0].column, False)
        if first == "default":
            if default:
                return Rejection(
                    f"duplicate default map parameter (the first is at line {default})",
                    entry.end_line,
                    words[0].column,
                    False,
                )
            default = entry.end_line
            continue
        if first == "include" or first.startswith("~"):
            continue
        key = first[1:] if first.startswith("\\") else first
        if hostnames and (key.startswith((".", "*")) or key.endswith(".*")):
            continue  # wildcard keys conflict by rules of their own
        key = key.lower()
        if key in seen:
            return Rejection(
                f'conflicting parameter "{key}" (the same key as line {seen[key]}; map keys ignore case)',
                entry.end_line,
                words[0].column,
                False,
            )
        seen[key] = entry.end_line
    return None


def _if_condition(words: list[_Word]) -> tuple[str, _Word] | None:
    """`ngx_http_rewrite_if_condition`'s refusals: the forms `($v)`, `($v op value)`, `(-f path)`."""
    args = [w.text for w in words[1:]]
    if not args or not args[0].startswith("("):
        return f'invalid condition "{args[0] if args else ""}"', words[min(1, len(words) - 1)]
    cur = 1 if args[0] == "(" else 0
    if args[0] != "(":
        args[0] = args[0][1:]
    last = len(args) - 1
    if not args[last].endswith(")"):
        return f'invalid condition "{args[last]}"', words[last + 1]
    if args[last] == ")":
        last -= 1
    else:
        args[last] = args[last][:-1]
    if cur > last:
        return f'invalid condition "{args[min(cur, len(args) - 1)]}"', words[-1]
    subject = args[cur]
    if len(subject) > 1 and subject.startswith("$"):
        if cur != last and cur + 2 != last:
            return f'invalid condition "{subject}"', words[cur + 1]
        if cur != last and args[cur + 1] not in ("=", "!=", *_REGEX_OPS):
            return f'unexpected "{args[cur + 1]}" in condition', words[cur + 2]
        return None
    if subject in _FILE_OPS and cur + 1 == last:
        return None
    return f'invalid condition "{subject}"', words[cur + 1]
