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
  "conflicting parameter"; a `map` entry ended by `{` (an unquoted regex with `{1,5}`):
  `ngx_conf_parse` refuses a block where a custom handler reads entries, `unexpected "{"`;
- a directive where its module does not allow it (`ngx_conf_handler`: "is not allowed
  here"): `add_header` and headers-more's `more_set_headers` are allowed in `http`,
  `server`, `location` and an `if` in a `location` (NGX_HTTP_LIF_CONF), not in an `if` in a
  `server` (ngx_http_headers_filter_module.c; keeweb/keeweb#852).

nginx names the line its reader is on: the `;` or `{` that ends the statement. Only the
first problem is reported, as nginx stops at it. Files with `*_by_lua_block` are left to
crossplane: the Lua module reads those blocks with a lexer of its own.
"""

from __future__ import annotations

import re
from typing import Final

from origins_lint.records import record

_REGEX_OPS: Final = frozenset({"~", "~*", "!~", "!~*"})
_FILE_OPS: Final = frozenset({"-f", "!-f", "-d", "!-d", "-e", "!-e", "-x", "!-x"})
_TABLES: Final = frozenset({"map", "geo", "types", "split_clients", "charset_map"})  # blocks of entries
_CHECKED: Final = frozenset({"add_header", "more_set_headers", "set", "map", "if"})
_HEADER_WRITERS: Final = frozenset({"add_header", "more_set_headers"})  # not in an `if` of a `server`

# nginx's tokens, as `ngx_conf_read_token` splits them: a `\\` escapes the next character
# everywhere, `${` does not open a block, a quote only opens a word at its start, and only
# space, `;` and `{` end an unquoted word (a `}` or `#` inside one is text). The loops are
# unrolled (a run of plain characters, then an escape or `$` and the next run): the same
# tokens as `(?:\\.|[^"\\])*`, in half the time, with nothing to backtrack into
TOKEN: Final = re.compile(
    r"""[ \t\r\n]*(?:\#[^\n]*[ \t\r\n]*)*  # space and comments before the token
    (?:(?P<quoted>"[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*')
    |(?P<unclosed>["'])
    |(?P<punct>[;{}])
    |(?P<word>(?:\\.|\$\{?|[^ \t\r\n;{}\#"'\\$])[^ \t\r\n;{\\$]*(?:(?:\\.|\$\{?)[^ \t\r\n;{\\$]*)*)
    |(?P<escape>\\)
    |(?P<end>\Z))  # only space and comments were left: every offset is some token's""",
    re.S | re.X,
)
_AFTER_QUOTE: Final = frozenset(" \t\r\n;{)")  # what may follow a closing quote
# ``TOKEN``'s alternatives, in its order, as (space and comments before, token) string pairs for
# ``findall``: no match object and no group lookups a token, offsets added up from the lengths.
# The token tells its kind: `;`, `{`, `}`; a quote then more (quoted) or alone (unclosed); the empty
# string (the end) or a lone backslash (an escape at the end); any other is a word
_PAIRS: Final = re.compile(
    r"""([ \t\r\n]*(?:\#[^\n]*[ \t\r\n]*)*)
    ("[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*'
    |["']
    |[;{}]
    |(?:\\.|\$\{?|[^ \t\r\n;{}\#"'\\$])[^ \t\r\n;{\\$]*(?:(?:\\.|\$\{?)[^ \t\r\n;{\\$]*)*
    |\\
    |\Z)""",
    re.S | re.X,
)
_PUNCT: Final = frozenset(";{}")
_QUOTES: Final = frozenset("\"'")

_Word = tuple[str, int, bool]  # the word as written (without its quotes), the offset of its text, quoted


@record(frozen=True, slots=True)
class Rejection:
    """Why nginx refuses the text: its message, the line it names, and where to point."""

    message: str
    line: int
    column: int
    fatal: bool  # the words differ from what crossplane read: nothing else can be trusted


@record(slots=True)
class _Statement:
    words: list[_Word]
    end: int  # offset of the `;` or `{`: nginx names its line
    block: list[_Statement] | None = None
    parent: str = ""  # the name of the enclosing block's directive
    line: int = 0  # the line of its first word
    outer: str = ""  # the name of the directive whose block holds the enclosing one


@record(frozen=True, slots=True)
class Scan:
    """What one reading of the text found: nginx's refusal, if any, and its statements.

    ``statements`` is the whole file when it was read to its end with nothing nginx stops
    at, and every word reads the same to crossplane's lexer (see ``fast.crossplane_parsed``);
    None otherwise. ``depth`` is the deepest block statement's level (1: top level).
    """

    rejection: Rejection | None
    statements: list[_Statement] | None
    depth: int = 0


class _Stop(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message, self.offset = message, offset


def position(text: str, offset: int) -> tuple[int, int]:
    """(line, column) of an offset, both from 1."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def first_rejection(text: str) -> Rejection | None:
    """The first reason nginx refuses ``text``, among those modelled here."""
    return scan(text).rejection


def scan(text: str) -> Scan:
    """The first reason nginx refuses ``text`` (among those modelled here), and its statements."""
    if "_by_lua_block" in text:
        return Scan(None, None)
    statements: list[_Statement] = []
    checked: list[_Statement] = []
    stop: _Stop | None = None
    plain, depth = False, 0
    try:
        plain, depth = _read(text, statements, checked)
    except _Stop as error:
        stop = error
    for statement in checked:
        found = _check(text, statement)
        if found is not None:
            return Scan(found, statements if plain else None, depth)
    if stop is not None and stop.message.startswith('unexpected "') and stop.message != 'unexpected "}"':
        return Scan(Rejection(stop.message, *position(text, stop.offset), fatal=True), None)
    # end-of-file and brace errors: crossplane's reading locates them better
    return Scan(None, statements if plain else None, depth)


def _read(text: str, into: list[_Statement], checked: list[_Statement]) -> tuple[bool, int]:
    """``ngx_conf_read_token`` and ``ngx_conf_parse`` over a string: statements, blocks nested.

    A stack, not recursion: the depth is the input's. The statements ``_check`` looks at go to
    ``checked`` too, in the order ``ngx_conf_parse`` meets them (a block's directive at its `{`,
    then its contents: the order they are read in). Returns whether the text was read to its
    end with every word as crossplane's lexer reads it too (``plain``, see ``fast``), and the
    deepest level of a block statement.
    """
    open_blocks: list[tuple[list[_Statement], str]] = [(into, "")]
    words: list[_Word] = []
    plain, deepest = True, 0
    line, counted = 1, 0  # the line at offset `counted`: lines are counted forward only
    end, size = 0, len(text)
    for space, token in _PAIRS.findall(text):
        at = end + len(space)
        end = at + len(token)
        if token in _PUNCT:
            if token == "}":
                if words or len(open_blocks) == 1:
                    raise _Stop('unexpected "}"', at)
                open_blocks.pop()
                continue
            if not words:
                raise _Stop(f'unexpected "{token}"', at)
            current, parent = open_blocks[-1]
            first = words[0][1]
            line += text.count("\n", counted, first)
            counted = first
            if plain and text.find("#", first, at) >= 0:
                plain = False  # maybe a comment among the words: crossplane makes it a statement
            outer = open_blocks[-2][1] if len(open_blocks) > 1 else ""
            statement = _Statement(words, at, None, parent, line, outer)
            current.append(statement)
            if words[0][0] in _CHECKED:
                checked.append(statement)
            if token == "{":
                statement.block = []
                deepest = max(deepest, len(open_blocks))
                open_blocks.append((statement.block, words[0][0]))
            words = []
        elif token[:1] in _QUOTES:
            if len(token) == 1:  # a quote that runs to the end
                plain = False
                break
            words.append((token[1:-1], at + 1, True))
            if end < size and text[end] not in _AFTER_QUOTE:
                raise _Stop(f'unexpected "{text[end]}"', end)
        elif token and token != "\\":  # a word
            if plain and ("}" in token or "${" in token or token[-1] == "$" or token.startswith("\\\n")):
                plain = False  # crossplane ends a word at `}`, reads `${` on, and counts lines apart
            words.append((token, at, False))
        else:  # the end, or a backslash that runs to it
            plain = plain and not token
            break
    if words:
        raise _Stop('unexpected end of file, expecting ";" or "}"', len(text))
    if len(open_blocks) > 1:
        raise _Stop('unexpected end of file, expecting "}"', len(text))
    return plain, deepest


def _check(text: str, statement: _Statement) -> Rejection | None:
    words = statement.words
    name = words[0][0]
    if name not in _CHECKED or (statement.parent in _TABLES and statement.block is None):
        return None  # entries of a table are not directives (a `map` checks its own)
    count = len(words) - 1
    problem: str | None = None
    at = words[0]
    if name in _HEADER_WRITERS and statement.parent == "if" and statement.outer == "server":
        problem = f'"{name}" directive is not allowed here: an `if` in a `server` sets no headers'
        problem += "; move it into a `location`"
    elif name == "add_header" and statement.block is None:
        if count not in (2, 3):
            problem = 'invalid number of arguments in "add_header" directive'
        elif count == 3 and words[3][0] != "always":
            problem, at = f'invalid parameter "{words[3][0]}"', words[3]
    elif name == "set" and statement.block is None:
        if count != 2:
            problem = 'invalid number of arguments in "set" directive'
        elif not words[1][0].startswith("$"):
            problem, at = f'invalid variable name "{words[1][0]}"', words[1]
    elif name == "map" and statement.block is not None:
        if count != 2:
            problem = 'invalid number of arguments in "map" directive'
        else:
            return _check_map(text, statement)
    elif name == "if" and statement.block is not None:
        found = _if_condition(words)
        if found is not None:
            problem, at = found
    if problem is None:
        return None
    return _at(text, problem, statement, at)


def _at(text: str, message: str, statement: _Statement, word: _Word) -> Rejection:
    """At the line nginx names (the statement's end), on the word to blame when it is there."""
    line, column = position(text, statement.end)
    word_line, word_column = position(text, word[1])
    return Rejection(message, line, word_column if word_line == line else column, False)


def _check_map(text: str, statement: _Statement) -> Rejection | None:
    seen: dict[str, _Statement] = {}
    hostnames, default = False, None
    for entry in statement.block or []:
        words = entry.words
        first = words[0][0]
        if entry.block is not None:  # a custom handler reads the entries: no block (ngx_conf_parse)
            message = 'unexpected "{": a `{` ends an unquoted word, so quote a regex with `{n,m}`'
            return _at(text, message, entry, ("{", entry.end, False))
        if len(words) == 1 and first in ("hostnames", "volatile"):
            hostnames = hostnames or first == "hostnames"
            continue
        if len(words) != 2:
            return _at(text, "invalid number of the map parameters", entry, words[0])
        if first == "default":
            if default is not None:
                line = position(text, default.end)[0]
                return _at(
                    text, f"duplicate default map parameter (the first is at line {line})", entry, words[0]
                )
            default = entry
            continue
        if first == "include" or first.startswith("~"):
            continue
        key = first[1:] if first.startswith("\\") else first
        if hostnames and (key.startswith((".", "*")) or key.endswith(".*")):
            continue  # wildcard keys conflict by rules of their own
        key = key.lower()
        if key in seen:
            line = position(text, seen[key].end)[0]
            message = f'conflicting parameter "{key}" (the same key as line {line}; map keys ignore case)'
            return _at(text, message, entry, words[0])
        seen[key] = entry
    return None


def _if_condition(words: list[_Word]) -> tuple[str, _Word] | None:
    """`ngx_http_rewrite_if_condition`'s refusals: the forms `($v)`, `($v op value)`, `(-f path)`."""
    args = [w[0] for w in words[1:]]
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
