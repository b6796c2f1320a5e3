"""Inline suppressions: `# origins-lint: ignore[OL201,insecure-origin] reason`.

A directive counts only inside a real comment of the file's own syntax (`comment_spans`):
`#` in nginx, YAML, TOML and properties files (`!` too in properties), `#` and `//` in HCL, `#`
outside quotes in HAProxy, `#` at the start of a line in Apache, `#` where a token would start in
a Caddyfile.
Text in a string is never a directive, whatever it looks like, and JSON has no comments at all:
suppress findings in an Okta export from the config. (Before issue 19 any `#` or `//` on a line
counted, so `"name": "x // origins-lint: ignore[ALL]"` silenced a whole one-line export.)

A comment suppresses the listed rules on its own line and, when it stands alone on its line,
on the next line. `ignore-file[...]` in the leading comment block of a file suppresses the rules
for the whole file. The rule list is required: a security linter should never be silenced
wholesale by accident. Each rule named must exist (exact code, code prefix such as `OL3`, or
exact slug); a malformed directive or an unknown name suppresses nothing and is reported (OL005).

Every scan here is linear in the text: comments are found by one pass of a tokenizing regex (or
libYAML's scanner), and a directive's `]` is looked up once per position, never rescanned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from origins_lint.config import selector_matches, unknown_selector
from origins_lint.model import Finding, Location
from origins_lint.records import field, record

MARK = "origins-lint"
KINDS = ("ignore-file", "ignore")


@record(slots=True)
class Directive:
    """One `ignore[...]` or `ignore-file[...]`: the rules it names and where it applies."""

    kind: str
    selectors: tuple[str, ...]
    location: Location  # the directive, from `origins-lint` to its `]`
    lines: tuple[int, ...]  # lines it covers; empty for a whole-file directive
    used: set[str] = field(default_factory=set)  # the selectors that suppressed a finding


@record(slots=True)
class BadDirective:
    location: Location
    message: str


@record(slots=True)
class Suppressions:
    directives: list[Directive] = field(default_factory=list)
    problems: list[BadDirective] = field(default_factory=list)

    @property
    def whole_file(self) -> list[Directive]:
        return [d for d in self.directives if d.kind == "ignore-file"]

    def covers(self, finding: Finding) -> bool:
        """Whether a directive suppresses the finding; the selectors that did are marked used."""
        covered = False
        for directive in self.directives:
            if directive.lines and finding.location.line not in directive.lines:
                continue
            for selector in directive.selectors:
                if selector_matches(selector, finding.code, finding.slug):
                    directive.used.add(selector)
                    covered = True
        return covered


# --- comments, per syntax -------------------------------------------------------------------------

Span = tuple[int, int]  # [start, end) of one comment, its marker included, its newline not

# crossplane's lexer (crossplane/lexer.py `_lex_file_object`), as a regex: blanks and `;{}` end a
# token, `#` at a token's start runs to the end of the line, a quote at a token's start opens a
# quoted token, `${...}` inside a token is part of it, and `\x` is one escaped character
_NGINX = re.compile(
    r"""(?P<space>[\s;{}]+)
    |(?P<comment>\#[^\n]*)
    |(?P<quoted>"(?:\\.|[^"\\])*"?|'(?:\\.|[^'\\])*'?)
    |(?:\\.|\$\{[^}\s]*\}?|[^\s;{}\\])+|\\""",
    re.VERBOSE | re.DOTALL,
)
_TOML = re.compile(
    r"""(?P<comment>\#[^\n]*)
    |\"\"\"(?:\\.|[^\\])*?\"\"\"|'''.*?'''
    |"(?:\\.|[^"\\\n])*"?|'[^'\n]*'?
    |[^#"']+""",
    re.VERBOSE | re.DOTALL,
)


def _regex_comments(pattern: re.Pattern[str], text: str) -> Iterator[Span]:
    for match in pattern.finditer(text):
        if match.lastgroup == "comment":
            yield match.span()


def _hcl_comments(text: str) -> Iterator[Span]:
    """`#` and `//` comments outside strings (with their `${...}`) and heredocs."""
    from origins_lint.formats.readers.hcl_scan import scan as scan_hcl

    return iter(scan_hcl(text).comments)


def _properties_comments(text: str) -> Iterator[Span]:
    """Java properties: a line whose first non-blank character is `#` or `!`, unless it continues the
    value of the line before (which ends with an odd number of backslashes)."""
    offset, continued = 0, False
    for line in text.split("\n"):
        stripped = line.lstrip(" \t\f")
        if not continued and stripped[:1] in ("#", "!"):
            start = offset + len(line) - len(stripped)
            yield start, offset + len(line.rstrip("\r"))
        else:
            body = line.rstrip("\r")
            continued = (len(body) - len(body.rstrip("\\"))) % 2 == 1
        offset += len(line) + 1


def _apache_comments(text: str) -> Iterator[Span]:
    """Apache: a logical line whose first non-blank character is `#` (a `#` later in a line is part
    of an argument, and a comment ending in `\\` runs on), as httpd's ap_build_config_sub reads it."""
    from origins_lint.formats.webservers.apache.lexer import comment_spans as apache_spans

    return apache_spans(text)


def _yaml_comments(text: str) -> Iterator[Span]:
    """libYAML's tokens cover every scalar, quoted or block; a `#` between tokens starts a comment.

    A file libYAML cannot scan has its comments up to the error (its parse error is OL001)."""
    from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]  # libYAML's scanner
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.reader import ReaderError

    loader = CParser(text)
    previous = 0
    try:
        while loader.check_token():
            token = loader.get_token()
            yield from _hashes(text, previous, token.start_mark.index)
            previous = max(previous, token.end_mark.index)
    except (YAMLError, ReaderError, ValueError):
        return
    finally:
        loader.dispose()
    yield from _hashes(text, previous, len(text))


def _caddyfile_comments(text: str) -> Iterator[Span]:
    """`#` where a Caddyfile token would start (caddy's lexer.go): `a#b` and quoted text are not."""
    from origins_lint.formats.webservers.caddy.lexer import comments

    return iter(comments(text))


def _hashes(text: str, start: int, end: int) -> Iterator[Span]:
    while True:
        at = text.find("#", start, end)
        if at < 0:
            return
        stop = text.find("\n", at, end)
        stop = end if stop < 0 else stop
        yield at, len(text[at:stop].rstrip("\r")) + at
        start = stop


def _haproxy_comments(text: str) -> Iterator[Span]:
    """`#` outside quotes, anywhere in a line (haproxy src/tools.c `parse_line`)."""
    from origins_lint.formats.webservers.haproxy.lexer import comment_spans as haproxy_spans

    return iter(haproxy_spans(text))


_SCANNERS = {
    "nginx": lambda text: _regex_comments(_NGINX, text),
    "haproxy": _haproxy_comments,
    "toml": lambda text: _regex_comments(_TOML, text),
    "hcl": _hcl_comments,
    "properties": _properties_comments,
    "yaml": _yaml_comments,
    "apache": _apache_comments,
    "caddyfile": _caddyfile_comments,
}
_BY_SUFFIX = {".json": "json", ".toml": "toml", ".properties": "properties", ".tf": "hcl"}
_BY_FORMAT = {
    "nginx": "nginx",
    "haproxy": "haproxy",
    "apache": "apache",
    "caddy": "caddyfile",
    "okta": "json",
    "terraform": "hcl",
    "unknown": "json",
}


def syntax_of(path: str, format_name: str) -> str:
    """The comment syntax of a file, from its name where that settles it, else from its format."""
    for suffix, syntax in _BY_SUFFIX.items():
        if path.endswith(suffix):
            return syntax
    return _BY_FORMAT.get(format_name.split("+", maxsplit=1)[0], "yaml")


def comment_spans(text: str, syntax: str) -> Iterator[Span]:
    scanner = _SCANNERS.get(syntax)
    return iter(()) if scanner is None else scanner(text)


# --- directives inside comments -------------------------------------------------------------------

_DIRECTIVE = re.compile(r"[ \t]*(:)?[ \t]*([\w-]{0,40})[ \t]*(\[)?")  # bounded: a long word is no rescan


def scan(text: str, syntax: str = "yaml", path: str = "") -> Suppressions:
    found = Suppressions()
    if MARK not in text:
        return found
    lines = _LineIndex(text)
    closing = _NextBracket(text)
    leading, position = True, 0  # still in the comments before the first content?
    for start, end in comment_spans(text, syntax):
        leading = leading and not text[position:start].strip()
        position, bad = end, False
        at = text.find(MARK, start, end)
        while at >= 0:
            if _after_marker(text, start, at):
                result = _directive(text, at, end, closing, path, lines, leading, start)
                if isinstance(result, BadDirective):
                    if not bad:
                        found.problems.append(result)
                    bad = True
                elif result is not None:
                    found.directives.append(result)
            at = text.find(MARK, at + len(MARK), end)
    return found


def _after_marker(text: str, start: int, at: int) -> bool:
    """`origins-lint` right after a comment marker (`#`, `//`, or the comment's own `!`), blanks apart."""
    before = at
    while before > start and text[before - 1] in " \t":
        before -= 1
    if before == start:  # a comment starts with its marker: nothing before `origins-lint` is none
        return False
    marker = text[before - 1]
    if marker == "#" or (marker == "!" and before - 1 == start):  # `!` only opens a properties comment
        return True
    return before - 2 >= start and text[before - 2 : before] == "//"


def _directive(
    text: str,
    at: int,
    end: int,
    closing: _NextBracket,
    path: str,
    lines: _LineIndex,
    leading: bool,
    comment_start: int,
) -> Directive | BadDirective | None:
    line, column = lines.position(at)
    head = _DIRECTIVE.match(text, at + len(MARK), end)
    colon, word, bracket = (head.group(1), head.group(2), head.group(3)) if head else (None, "", None)

    def bad(message: str, stop: int | None = None) -> BadDirective:
        stop = end if stop is None else stop
        return BadDirective(Location(path, line, column, line, column + (stop - at)), message)

    if not colon and not word:
        return None  # `# origins-lint is run in CI`: prose, not a directive
    if not colon:
        return bad(f"`{MARK}` must be followed by `:`: write `# {MARK}: ignore[OL302] <reason>`")
    if word not in KINDS:
        import difflib  # only to suggest a spelling

        close = difflib.get_close_matches(word, KINDS, n=1)
        hint = f"did you mean `{close[0]}[...]`?" if close else "write `ignore[CODE]` or `ignore-file[CODE]`"
        return bad(f"`{MARK}: {word[:40]}` is not a directive; {hint}")
    assert head is not None
    if not bracket:
        return bad(f"`{word}` needs the rules in brackets: write `{word}[OL302]`, not `{word} OL302`")
    close_at = closing.after(head.end())
    if close_at < 0 or close_at >= end:
        return bad(f"`{word}[` is never closed with `]`: nothing is suppressed")
    names = [name.strip() for name in text[head.end() : close_at].split(",")]
    if not any(names):
        return bad(f"`{word}[]` names no rule: list the codes or slugs to suppress", close_at + 1)
    for name in names:
        problem = unknown_selector(name) if name else "an empty name in the list"
        if problem is not None:
            return bad(f"`{word}[...]`: {problem}; nothing on this directive is suppressed", close_at + 1)
    where = Location(path, line, column, line, column + (close_at + 1 - at))
    if word == "ignore-file":
        if not leading:
            return bad(
                "`ignore-file[...]` works only in the comments at the top of the file; "
                "move it there or use `ignore[...]` on the line",
                close_at + 1,
            )
        return Directive(word, tuple(names), where, ())
    alone = text[lines.start_of(comment_start) : comment_start].strip() == ""
    return Directive(word, tuple(names), where, (line, line + 1) if alone else (line,))


class _NextBracket:
    """The next `]` at or after a position, found once: the scan stays linear however many `ignore[`
    an attacker writes without closing them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.found = -2  # not looked yet; -1: none after `self.since`
        self.since = 0

    def after(self, position: int) -> int:
        if self.found == -1 and position >= self.since:
            return -1
        if self.found < position:
            self.found, self.since = self.text.find("]", position), position
        return self.found


class _LineIndex:
    """Line and column of an offset, by a table of line starts built once."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def position(self, offset: int) -> tuple[int, int]:
        import bisect

        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def start_of(self, offset: int) -> int:
        import bisect

        return self.starts[bisect.bisect_right(self.starts, offset) - 1]
