"""What an Apache header value can send, traced through environment variables and conditions.

Sources (apache/httpd, commit 0cb680442ecaa6118cc610b5ecc6e824330bf61a):

- modules/metadata/mod_headers.c: a value is a format string (`parse_format_tag`): text, with
  `\\n`, `\\t`, `\\\\` escapes (`parse_misc_string`), and `%{NAME}e` (the environment variable, or
  the text `(null)` when it is unset: `header_request_env_var`), `%{NAME}s` (an SSL variable),
  `%D`, `%t`, `%l`, `%i`, `%b` (times and load: `%{Origin}i` is `i=` and the idle-worker count,
  not a request header). Any other letter, or a `%{...}` at the end of the value, is
  "Unrecognized header format %": httpd does not start. A value starting `expr=` is an ap_expr
  string instead (`%{HTTP:Origin}`, `%{req:Origin}` read the request header). The condition is
  `env=NAME` (sent when the variable is set), `env=!NAME` (when it is not) or `expr=...`.
- modules/metadata/mod_setenvif.c: `SetEnvIf[NoCase] attribute regex [!]NAME[=value]...`. An
  attribute that is not one of the special names is a request header (`Origin`), read with
  `apr_table_get` (case-insensitive), or "" when missing. A pattern with no regex metacharacter
  (`non_regex_pattern`) is a plain substring search (`apr_strmatch`) and sets the value as
  written, `$0` included; any other is a PCRE searched unanchored (`ap_regexec`), `NoCase`
  adding `AP_REG_ICASE`, and `$0`..`$9` in the value become the match and its groups
  (`ap_pregsub`).
- modules/mappers/mod_rewrite.c: `RewriteCond %{HTTP:Origin} regex [NC]` (`lookup_header`),
  then the rule's `[E=NAME:value]` with `%0`..`%9` from the last condition.
- server/util_expr_eval.c: `=~` (PCRE search, `/re/i` ignores case), `==` (strcmp), `in {...}`,
  `-strmatch` (`apr_fnmatch` with `APR_FNM_PATHNAME`) and `-strcmatch` (`APR_FNM_CASE_BLIND`).

An echo of the request's Origin is what the browser accepts only when the header equals its
Origin, so `NAME=$0` from `SetEnvIf Origin re` admits exactly the origins whose first match
is the whole Origin: the regex as a full match (over-approximated where an alternation's
earlier branch would stop short). A condition that only guards an echo of `%{HTTP:Origin}`
(`env=NAME` set by `SetEnvIf Origin re NAME`, `<If "%{HTTP:Origin} =~ /re/">`) admits what the
regex finds anywhere in the Origin: a search.
"""

from __future__ import annotations

import re
from typing import Final

from origins_lint.formats.webservers.apache.lexer import Word
from origins_lint.model import Dialect, Engine, Location, MatchMode
from origins_lint.records import record, replace

APACHE_REGEX = Engine("apache-pcre", MatchMode.SEARCH, case_sensitive=True, dialect=Dialect.PCRE)
APACHE_REGEX_ICASE = Engine("apache-pcre", MatchMode.SEARCH, case_sensitive=False, dialect=Dialect.PCRE)
# what `$0` of a regex sends back: the browser accepts it only when it is the whole Origin
APACHE_ECHO = Engine("apache-pcre-echo", MatchMode.FULL, case_sensitive=True, dialect=Dialect.PCRE)
APACHE_ECHO_ICASE = Engine("apache-pcre-echo", MatchMode.FULL, case_sensitive=False, dialect=Dialect.PCRE)
APACHE_STRING = Engine("apache-string", MatchMode.FULL, case_sensitive=True)
APACHE_STRING_ICASE = Engine("apache-string", MatchMode.FULL, case_sensitive=False)
APACHE_SUBSTRING = Engine("apache-strmatch", MatchMode.FULL, case_sensitive=True)
APACHE_SUBSTRING_ICASE = Engine("apache-strmatch", MatchMode.FULL, case_sensitive=False)

_ORIGIN_VARIABLE = (
    r"%\{\s*(?:HTTP|req|http|req_novary)\s*:\s*origin\s*\}|(?:req|http|req_novary)\(\s*['\"]origin['\"]\s*\)"
)
ORIGIN_READ: Final = re.compile(_ORIGIN_VARIABLE, re.IGNORECASE)
# util_expr_scan.l: a regex runs to the first delimiter, with no escape for it (`\/` ends it)
_REGEX_OP = re.compile(
    rf"^\s*(?:{_ORIGIN_VARIABLE})\s*(=~|!~)\s*(?:/([^/]*)/|m(.)((?:(?!\3).)*)\3)([ismg]*)\s*$",
    re.IGNORECASE | re.DOTALL,
)
_REGEX_START = re.compile(r"(?:=~|!~)\s*(?:(/)|m([^\sA-Za-z0-9]))")
_STRING_OP = re.compile(
    rf"^\s*(?:{_ORIGIN_VARIABLE})\s*(==|!=|-strmatch|-strcmatch|=|-eq)\s*('(?:[^']*)'|\"(?:[^\"]*)\")\s*$",
    re.IGNORECASE,
)
_IN_OP = re.compile(rf"^\s*(?:{_ORIGIN_VARIABLE})\s*-?in\s*\{{(.*)\}}\s*$", re.IGNORECASE | re.DOTALL)
_LIST_ITEM = re.compile(r"'([^']*)'|\"([^\"]*)\"")
_ENV_READ = re.compile(r"^\s*%\{\s*(?:env|reqenv)\s*:\s*([^}\s]+)\s*\}\s*$", re.IGNORECASE)
_REGEX_META = frozenset("^.$|()[]*+?{}")


@record(frozen=True, slots=True)
class Guard:
    """An origin check: `kind` is `regex`, `exact`, `glob` or `contains`; located at its operand."""

    kind: str
    operand: str
    location: Location
    engine: Engine


@record(frozen=True, slots=True)
class Condition:
    """What an ap_expr says about the Origin: the checks one of which every Origin it lets through
    passes (the items of an `in {...}`; of `a && b`, the last check), and whether it was read."""

    guards: tuple[Guard, ...] = ()
    reads_origin: bool = False
    analysed: bool = True
    refused: str | None = None  # why httpd refuses the expression


def offset_location(word: Word, index: int, length: int) -> Location:
    """The location of ``word.text[index:]``, when the word is written on one line as read."""
    start = word.location.column + (1 if word.quoted else 0) + index
    return Location.point(word.location.path, word.location.line, start, length)


def condition(word: Word, start: int = 0) -> Condition:
    """The origin checks of an ap_expr (`<If "...">`, `expr=...`) that every true answer passes.

    Conjunctions (`&&`) keep each operand's checks; an `||`, a negation or a form not read here
    that names the Origin is not analysed (OL004)."""
    text = word.text[start:]
    if ORIGIN_READ.search(text) is None:
        return Condition()
    escaped = _escaped_delimiter(text)
    if escaped is not None:
        return Condition(
            reads_origin=True,
            analysed=False,
            refused=(
                f"`{escaped}`: an ap_expr regex ends at its first delimiter, a `\\` does not escape it, "
                "so the regex ends in `\\` and httpd says `Failed to compile regular expression` and "
                "does not start; write `m#...#` to use `/` inside"
            ),
        )
    if "||" in text or re.search(r"(^|[\s(])!\s*[(%]", text):
        return Condition(reads_origin=True, analysed=False)
    guards: list[Guard] = []
    position = start
    for part in text.split("&&"):
        inner = part.strip().strip("()").strip() if part.count("(") == part.count(")") else part
        offset = position + word.text[position:].find(inner) if inner else position
        position += len(part) + 2
        if ORIGIN_READ.search(inner) is None:
            continue
        found = _guards(inner, word, offset)
        if found is None:
            return Condition(reads_origin=True, analysed=False)
        guards = found  # each conjunct narrows: the last one is kept, a sound over-approximation
    return Condition(tuple(guards), reads_origin=True)


def _escaped_delimiter(text: str) -> str | None:
    """A regex whose text, up to its first delimiter (util_expr_scan.l: no escape), ends in an odd
    number of backslashes: PCRE cannot compile it."""
    for start in _REGEX_START.finditer(text):
        delimiter = start.group(1) or start.group(2)
        end = text.find(delimiter, start.end())
        if end < 0:
            continue
        body = text[start.end() : end]
        if (len(body) - len(body.rstrip("\\"))) % 2 == 1:
            return text[start.start() : end + 1]
    return None


def _guards(text: str, word: Word, offset: int) -> list[Guard] | None:
    regex = _REGEX_OP.match(text)
    if regex is not None:
        if regex.group(1) == "!~":
            return None
        pattern = regex.group(2) if regex.group(2) is not None else regex.group(4)
        group = 2 if regex.group(2) is not None else 4
        flags = regex.group(5).lower()
        engine = APACHE_REGEX_ICASE if "i" in flags else APACHE_REGEX
        at = offset_location(word, offset + regex.start(group), len(pattern))
        return [Guard("regex", pattern, at, engine)]
    string = _STRING_OP.match(text)
    if string is not None:
        op = string.group(1).lower()
        if op == "!=":
            return None
        value = string.group(2)[1:-1]
        at = offset_location(word, offset + string.start(2) + 1, len(value))
        if op in ("-strmatch", "-strcmatch"):
            engine = APACHE_ECHO_ICASE if op == "-strcmatch" else APACHE_ECHO
            return [Guard("regex", glob_regex(value), at, engine)]
        return [Guard("exact", value, at, APACHE_STRING)]
    listed = _IN_OP.match(text)
    if listed is not None:
        out = []
        for item in _LIST_ITEM.finditer(listed.group(1)):
            value = item.group(1) if item.group(1) is not None else item.group(2)
            at = offset_location(word, offset + listed.start(1) + item.start() + 1, len(value))
            out.append(Guard("exact", value, at, APACHE_STRING))
        return out
    return None


def glob_regex(pattern: str) -> str:
    """`apr_fnmatch` with `APR_FNM_PATHNAME` as a regex: `*` and `?` never match `/`."""
    out = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 2)
            if end < 0:
                out.append(re.escape(char))
            else:
                body = pattern[index + 1 : end]
                body = "^" + body[1:] if body[:1] in ("!", "^") else body
                out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
                index = end
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            out.append(re.escape(pattern[index]))
        else:
            out.append(re.escape(char))
        index += 1
    return "^" + "".join(out) + "$"


def is_plain(pattern: str) -> str | None:
    """mod_setenvif's `non_regex_pattern`: the text to search for, when no metacharacter is used."""
    out: list[str] = []
    escaped = False
    for char in pattern:
        if char in _REGEX_META:
            if not escaped:
                return None
            escaped = False
            out.append(char)
        elif char == "\\":
            if escaped:
                out.append(char)
            escaped = not escaped
        else:
            if escaped:
                return None
            out.append(char)
    return "".join(out)


# --- header values ---------------------------------------------------------------------------

# the letters mod_headers knows (header_request_* in register_hooks), and what each sends
_TAGS: Final = {"D": "D=", "t": "t=", "e": "", "s": "", "l": "l=", "i": "i=", "b": "b="}


@record(frozen=True, slots=True)
class Piece:
    """One part of a header value: `text`, `env` (a variable), `origin` (the request's Origin),
    `server` (data of the server or the connection), or `unknown` (an ap_expr form not read)."""

    kind: str
    text: str
    location: Location


@record(frozen=True, slots=True)
class Value:
    pieces: tuple[Piece, ...]
    error: str | None = None  # why httpd refuses it


def header_value(word: Word) -> Value:
    """The pieces of a mod_headers value, as `parse_format_string` splits it."""
    text = word.text
    if text.startswith("expr="):
        return _expr_value(word)
    pieces: list[Piece] = []
    index = 0
    literal: list[str] = []
    literal_start = 0

    def flush(at: int) -> None:
        if literal:
            pieces.append(
                Piece("text", "".join(literal), offset_location(word, literal_start, at - literal_start))
            )
            literal.clear()

    while index < len(text):
        char = text[index]
        if char != "%":
            if not literal:
                literal_start = index
            if char == "\\" and index + 1 < len(text) and text[index + 1] in "\\rnt":
                literal.append({"\\": "\\", "r": "\r", "n": "\n", "t": "\t"}[text[index + 1]])
                index += 2
                continue
            literal.append(char)
            index += 1
            continue
        if index + 1 >= len(text) or text[index + 1] == "%":
            if not literal:
                literal_start = index
            literal.append("%")
            index += 2
            continue
        flush(index)
        start = index
        index += 1
        argument = ""
        if text[index] == "{":
            close = text.find("}", index)
            close = len(text) if close < 0 else close
            argument = text[index + 1 : close]
            index = close + 1
        letter = text[index] if index < len(text) else ""
        index += 1
        written = text[start:index]
        where = offset_location(word, start, index - start)
        if letter not in _TAGS:
            return Value(
                (),
                f"`{written}` is not a mod_headers format (httpd says `Unrecognized header format "
                f"%{letter}` and does not start); the request's Origin is `expr=%{{req:Origin}}`",
            )
        if letter == "e":
            pieces.append(Piece("env", argument, where))
        else:
            pieces.append(Piece("server", written, where))
    flush(len(text))
    return Value(tuple(pieces))


def _expr_value(word: Word) -> Value:
    body = word.text[5:]
    stripped = body.strip()
    lead = 5 + len(body) - len(body.lstrip())
    where = offset_location(word, lead, len(stripped))
    if ORIGIN_READ.fullmatch(stripped):
        return Value((Piece("origin", stripped, where),))
    env = _ENV_READ.match(body)
    if env is not None:
        return Value((Piece("env", env.group(1), where),))
    if "%{" not in body and "(" not in body:
        return Value((Piece("text", body, offset_location(word, 5, len(body))),))
    if re.search(r"%\{\s*HTTP_ORIGIN\s*\}", body, re.IGNORECASE):
        return Value(
            (),
            "`%{HTTP_ORIGIN}` is no ap_expr variable (httpd says `Variable 'HTTP_ORIGIN' does not "
            "exist` and does not start); write `%{HTTP:Origin}`",
        )
    return Value((Piece("unknown", stripped, where),))


def shifted(location: Location, columns: int) -> Location:
    return replace(location, column=location.column + columns, end_column=location.end_column + columns)
