"""The Caddyfile reader: tokens to sites, snippets imported, directives to `response_headers.Scope`s.

As caddyconfig/caddyfile/parse.go: a server block is its keys (addresses) on one line, then
a `{ }` block of directives, one a line, each with an optional nested block; a block whose
only key is `(name)` is a snippet, kept for `import name args...`, which splices its tokens
in where the import stands with `{args[N]}` (and the deprecated `{args.N}`) replaced, and
`{args[a:b]}` spread (importargs.go). A snippet must be defined before it is imported: the
parser knows only the snippets above (`definedSnippets`); any other `import` names a file.

Request matchers (caddyconfig/httpcaddyfile/httptype.go `parseMatcherDefinitions`):
`@name <matcher> <args>` or `@name { <matcher> <args> ... }`, the matchers of one set
AND'ed, several `header` lines of one field merged into one OR'ed list; `@name "<CEL>"` is an
`expression`. A directive's first argument is its matcher token when it is `*`, starts with
`/` (a path) or names an `@matcher` (`matcherSetFromMatcherToken`).

The `header` directive (modules/caddyhttp/headers/caddyfile.go `parseCaddyfile`):
`header [<matcher>] [[+|-|?|>]<field> [<value>|<find>] [<replace>]]`, or a block of such
lines with `defer`; `+` appends, `-` deletes (and defers the handler), `?` sets only where
the field is not set, `>` sets deferred, three arguments replace by regex. The `?` lines go to
a handler of their own. A trailing `:` on a field is dropped. `reverse_proxy`'s
`header_down` takes the same forms for the proxied response.

`handle`, `handle_path` and `handle_errors` blocks are exclusive (one answers a request):
each is a child scope. `route` blocks run in order, so their `header`s stay in the scope
with the block's matcher added. Directives sort by Caddy's order (directives.go
`defaultDirectiveOrder`): `header` runs before `handle` and `route`, as the scopes have it.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field, replace
from typing import Final

from origins_lint import limits
from origins_lint.formats.nginx.captures import origin_captured
from origins_lint.formats.nginx.include import Following, Layout, Resolver
from origins_lint.formats.readers import response_headers
from origins_lint.formats.readers.re2_syntax import refusal
from origins_lint.formats.webservers.caddy import routes
from origins_lint.formats.webservers.caddy.lexer import LexError, Token, next_on_new_line, tokenize
from origins_lint.model import (
    Dialect,
    InputProblem,
    Location,
    MatcherKind,
    OriginMatcher,
    ProblemKind,
)

STYLE: Final = routes.style("add `header +Vary Origin` next to it")
_ARG: Final = re.compile(r"\{args(?:\[(\d+)\]|\.(\d+))\}")
_VARIADIC: Final = re.compile(r"^\{args\[(\d*):(\d*)\]\}$")
_MAX_IMPORTS: Final = 32
_MAX_TOKENS: Final = 100_000  # what snippet imports may add, in all
_MAP_VALUE: Final = re.compile(r"\{([^{}\s$]+)\}")
_CAPTURE: Final = re.compile(
    r"\$(?:\w+|\{\w+\})"
)  # a map output that is one capture: `$1`, `${1}`, `${name}`
_EXCLUSIVE: Final = frozenset({"handle", "handle_path", "handle_errors"})
_ROUTES: Final = frozenset({"route"})


def _caddy_root(top: str) -> str | None:
    """Where `/etc/caddy/...` lands in a checked tree: the folder of the checked `Caddyfile`."""
    return os.path.dirname(os.path.abspath(top)) if os.path.basename(top).startswith("Caddyfile") else None


# include resolution as nginx's (formats/nginx/include.py), with Caddy's layout: a relative
# import is made absolute here first, from the importing file's folder, as parse.go does
LAYOUT: Final = Layout("Caddy", "`Caddyfile`", ("/etc/caddy/",), _caddy_root)


class TooLarge(Exception):
    """Imports that expand past `_MAX_TOKENS` tokens: not analysed (said as OL004)."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


class CaddyfileError(Exception):
    """What Caddy refuses to load; with `limit`, what origins-lint's limits refuse to read."""

    def __init__(self, message: str, offset: int, limit: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.limit = limit


@dataclass(slots=True)
class Directive:
    name: Token
    args: list[Token] = field(default_factory=list)
    block: list[Directive] | None = None


@dataclass(frozen=True, slots=True)
class Read:
    scopes: list[response_headers.Scope]
    problems: list[InputProblem]
    comments: list[tuple[int, int]]
    included: dict[str, str] = field(default_factory=dict)  # path -> text of each imported file
    uncached: bool = False  # an import was a glob or was not found: the result depends on the disk


class _Positions:
    """Lines and columns of offsets in the checked file and the files it imports.

    Each imported file's tokens are read at offsets past every text before it (its base), so a
    token's offset alone says which file it is in, and no token or error carries a path."""

    def __init__(self, path: str, text: str) -> None:
        self.paths: list[str] = []
        self.bases: list[int] = []
        self.starts: list[list[int]] = []
        self.add(path, text)

    @property
    def path(self) -> str:
        return self.paths[0]

    def add(self, path: str, text: str) -> int:
        """Makes room for ``text`` of ``path``; its base, to add to the offsets of its tokens."""
        base = self._end()
        self.paths.append(path)
        self.bases.append(base)
        self.starts.append([0] + [m.end() for m in re.finditer("\n", text)] + [len(text) + 1])
        return base

    def _end(self) -> int:
        return self.bases[-1] + self.starts[-1][-1] + 1 if self.bases else 0

    def file_of(self, offset: int) -> int:
        return bisect.bisect_right(self.bases, offset) - 1

    def point(self, offset: int) -> tuple[str, int, int]:
        index = self.file_of(offset)
        local = offset - self.bases[index]
        starts = self.starts[index]
        line = min(bisect.bisect_right(starts, local), len(starts) - 1)
        return self.paths[index], line, local - starts[line - 1] + 1

    def span(self, start: int, end: int) -> Location:
        path, line, column = self.point(start)
        _, end_line, end_column = self.point(max(end, start + 1))
        return Location(path, line, column, end_line, end_column)

    def of(self, token: Token) -> Location:
        return self.span(token.start, token.end)


def read(path: str, text: str, roots: tuple[str, ...] = ()) -> Read:
    """The sites of a Caddyfile, with the snippets and the files it imports (inside ``roots``,
    the folders being checked) spliced in where Caddy splices them."""
    where = _Positions(path, text)
    problems: list[InputProblem] = []
    try:
        tokens, comments = tokenize(text)
    except LexError as error:
        return Read([], [_syntax(where, error.message, error.offset)], [])
    imports = _Imports(path, problems, where, roots)
    try:
        expanded = imports.expand(tokens)
        sites = _Blocks(expanded).sites()
        builder = _Builder(where, problems)
        scopes = [builder.site(keys, body) for keys, body in sites]
    except CaddyfileError as error:
        failed = _syntax(where, error.message, error.offset, error.limit)
        return Read([], [*problems, failed], comments, imports.included, imports.uncached)
    except TooLarge as large:
        message = (
            f"imports expand this Caddyfile past {_MAX_TOKENS:,} tokens; it was not analysed: "
            "check its headers by hand"
        )
        at = where.span(large.offset, large.offset + 1)
        said = InputProblem(ProblemKind.NOT_ANALYSED, message, at)
        return Read([], [*problems, said], comments, imports.included, imports.uncached)
    return Read(scopes, problems, comments, imports.included, imports.uncached)


def _syntax(where: _Positions, message: str, offset: int, limit: bool = False) -> InputProblem:
    location = where.span(offset, offset + 1)
    said = message if limit else f"Caddy cannot load this Caddyfile: {message}"
    return InputProblem(ProblemKind.PARSE, said, location)


# --- imports --------------------------------------------------------------------------


class _Imports:
    """parse.go `doImport` for snippets, done ahead of the block structure (snippets are only
    defined at the top level, so the order is the same)."""

    def __init__(
        self, path: str, problems: list[InputProblem], where: _Positions, roots: tuple[str, ...]
    ) -> None:
        self.path = path
        self.problems = problems
        self.where = where
        self.snippets: dict[str, list[Token]] = {}
        self.resolver = Resolver(path, tuple(os.path.realpath(root) for root in roots), LAYOUT)
        self.following = Following(self.resolver, "imports")
        self.included: dict[str, str] = {}
        self.uncached = False

    def expand(self, tokens: list[Token]) -> list[Token]:
        """The tokens with every snippet import spliced in, each import's tokens read from a
        stack of frames (a file of thousands of imports costs no copying)."""
        out: list[Token] = []
        frames: list[tuple[list[Token], list[int]]] = [(tokens, [0])]
        depth = 0
        budget = _MAX_TOKENS
        while frames:
            work, cursor = frames[-1]
            index = cursor[0]
            if index >= len(work):
                frames.pop()
                continue
            token = work[index]
            line_start = not out or next_on_new_line(out[-1], token)
            if depth == 0 and line_start and _snippet_name(token) is not None:
                after = index + 1
                if after < len(work) and work[after].opens and not next_on_new_line(token, work[after]):
                    end = _matching(work, after)
                    name = _snippet_name(token) or ""
                    if token.text.startswith("(") and name in self.snippets:
                        raise CaddyfileError(f"snippet `{name}` is defined twice", token.start)
                    if token.text.startswith("("):
                        self.snippets[name] = work[after + 1 : end]
                    cursor[0] = end + 1
                    continue
            if token.text == "import" and not token.quoted and line_start:
                end = index + 1
                while end < len(work) and not next_on_new_line(work[end - 1], work[end]):
                    end += 1
                args = work[index + 1 : end]
                if args and args[-1].opens:  # an import with a `{block}`: its tokens are not spliced
                    close = _matching(work, end - 1)
                    args, end = args[:-1], close + 1
                cursor[0] = end
                body = self._imported(token, args)
                budget -= len(body)
                if budget < 0:
                    raise TooLarge(token.start)
                frames.append((body, [0]))
                continue
            if token.opens:
                depth += 1
            elif token.closes:
                depth -= 1
            out.append(token)
            cursor[0] = index + 1
        return out

    def _imported(self, token: Token, args: list[Token]) -> list[Token]:
        if not args:
            raise CaddyfileError("`import` needs a snippet name or a file", token.start)
        name = args[0].text
        chain = (*token.chain, f"{token.start}:{name}")
        if sum(1 for link in token.chain if link.endswith(f":{name}")) or len(chain) > _MAX_IMPORTS:
            raise CaddyfileError(f"import cycle: `{name}` imports itself", token.start)
        body = self.snippets.get(name)
        if body is None:
            return self._files(token, args[0], args[1:], chain)
        return _substituted(body, args[1:], chain)

    def _files(self, token: Token, target: Token, values: list[Token], chain: tuple[str, ...]) -> list[Token]:
        """parse.go `doImport`/`doSingleImport`: a name that is no snippet defined above is a file
        or a glob, relative to the folder of the file the `import` is in; each file's tokens, in
        glob order, with offsets past every text read before (`_Positions.add`)."""
        pattern = target.text
        if pattern.count("*") > 1 or pattern.count("?") > 1 or ("[" in pattern and "]" in pattern):
            raise CaddyfileError(  # issue #2096: Caddy refuses a pattern of several wildcards
                f"Glob pattern may only contain one wildcard (*), but has others: `{pattern}`", target.start
            )
        including = self.where.paths[self.where.file_of(token.start)]
        absolute = os.path.isabs(pattern)
        full = pattern if absolute else os.path.join(os.path.dirname(os.path.abspath(including)), pattern)
        magic = any(ch in pattern for ch in "*?[]")
        at = self.where.span(token.start, target.end)
        deep = self.following.too_deep(len(chain))
        if deep is not None:
            self._not_followed(at, deep)
            return []
        resolved = self.resolver.resolve(full, including)
        if magic or not resolved.files:
            self.uncached = True
        if not resolved.files and not magic and not absolute and not os.path.exists(full):
            raise CaddyfileError(
                f"`import {pattern}` names no snippet defined above it and no file: define "
                f"`({pattern}) {{ ... }}` before this line, or fix the name",
                target.start,
            )
        if resolved.not_followed is not None:  # said with the name as written, not as made absolute
            said = resolved.not_followed.replace(f"`{full}`", f"`{pattern}`")
            self._not_followed(at, f"`import {pattern}`: {said}")
        files = list(resolved.files)
        if os.path.basename(full).startswith("*"):  # issue #5295: a `*name` glob skips dot files
            files = [f for f in files if not os.path.basename(f).startswith(".")]
        out: list[Token] = []
        for path in files:
            real = os.path.realpath(path)
            if real == os.path.realpath(self.path) or any(link.endswith(f":{real}") for link in chain[:-1]):
                raise CaddyfileError(
                    f"import cycle: `{pattern}` imports a file that imports it", target.start
                )
            many = self.following.one_more()
            if many is not None:
                self._not_followed(at, many)
                break
            own = (*chain[:-1], f"{chain[-1]}:{real}")  # the file's real path, for the cycle check
            out.extend(_substituted(self._file(path, pattern, at, own), values, own))
        return out

    def _file(self, path: str, pattern: str, at: Location, chain: tuple[str, ...]) -> list[Token]:
        source = self.following.read(path, f"`import {pattern}`")
        if isinstance(source, str):
            self._not_followed(at, source)
            return []
        self.included.setdefault(path, source.text)
        if not source.text.strip():
            return []  # Caddy only warns of an empty file
        base = self.where.add(path, source.text)
        try:
            tokens, _comments = tokenize(source.text)
        except LexError as error:
            raise CaddyfileError(
                f"Could not read tokens while importing `{pattern}`: {error.message}", base + error.offset
            ) from None
        return [replace(t, start=t.start + base, end=t.end + base, chain=chain) for t in tokens]

    def _not_followed(self, at: Location, message: str) -> None:
        self.problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, at))


def _substituted(body: list[Token], values: list[Token], chain: tuple[str, ...]) -> list[Token]:
    """importargs.go: `{args[N]}` (and `{args.N}`) replaced, `{args[a:b]}` spread."""
    out: list[Token] = []
    for piece in body:
        variadic = _VARIADIC.match(piece.text)
        if variadic is not None:
            start = int(variadic.group(1) or 0)
            stop = int(variadic.group(2) or len(values))
            if 0 <= start <= stop <= len(values):
                for value in values[start:stop]:
                    out.append(replace(piece, text=value.text, start=value.start, end=value.end, chain=chain))
                continue
        whole = _ARG.fullmatch(piece.text)
        if whole is not None:
            number = int(whole.group(1) or whole.group(2))
            if number < len(values):
                value = values[number]
                out.append(replace(piece, text=value.text, start=value.start, end=value.end, chain=chain))
                continue
        text = _ARG.sub(lambda m: _arg(m, values), piece.text)
        out.append(replace(piece, text=text, chain=chain))
    return out


def _refused(pattern: str, reason: str, location: Location) -> InputProblem:
    return InputProblem(
        ProblemKind.SCHEMA,
        f"Caddy refuses to load this config: Go's regexp cannot compile `{pattern}`: {reason}; "
        "rewrite it with plain groups, classes and anchors",
        location,
    )


def _malformed(args: list[Token], location: Location) -> InputProblem:
    written = " ".join(a.text for a in args)
    return InputProblem(
        ProblemKind.SCHEMA,
        f"Caddy refuses to load this config: `header {written}` has "
        f"{'no value' if len(args) < 2 else 'more than one value'}; a `header` matcher takes one field and "
        "one value (matchers.go MatchHeader.UnmarshalCaddyfile): list several values on lines of "
        "their own in a matcher block (`@cors {` ... `}`), which Caddy ORs",
        location,
    )


def _arg(match: re.Match[str], values: list[Token]) -> str:
    number = int(match.group(1) or match.group(2))
    return values[number].text if number < len(values) else match.group()


def _snippet_name(token: Token) -> str | None:
    text = token.text
    if token.quoted or len(text) < 3 or not text.endswith(")"):
        return None
    if text.startswith("&(") and len(text) > 3:
        return text[2:-1]
    return text[1:-1] if text.startswith("(") else None


def _matching(tokens: list[Token], opening: int) -> int:
    depth = 0
    for index in range(opening, len(tokens)):
        if tokens[index].opens:
            depth += 1
        elif tokens[index].closes:
            depth -= 1
            if depth == 0:
                return index
    raise CaddyfileError("this `{` is never closed (Caddy: unexpected EOF)", tokens[opening].start)


# --- blocks ---------------------------------------------------------------------------


class _Blocks:
    """Server blocks and directives, by lines and braces (parse.go `addresses`, `directive`)."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def sites(self) -> list[tuple[list[Token], list[Directive]]]:
        out: list[tuple[list[Token], list[Directive]]] = []
        tokens = self.tokens
        while self.index < len(tokens):
            first = tokens[self.index]
            if first.opens:  # the global options block
                if out:
                    raise CaddyfileError(
                        "the global options block must come first in the Caddyfile", first.start
                    )
                self.index = _matching(tokens, self.index) + 1
                continue
            if first.closes:
                raise CaddyfileError("unexpected `}`: no block is open here", first.start)
            keys = [first]
            self.index += 1
            while self.index < len(tokens) and not tokens[self.index].opens:
                token = tokens[self.index]
                continued = keys[-1].text.endswith(",")
                if next_on_new_line(keys[-1], token) and not continued:
                    break
                keys.append(token)
                self.index += 1
            if first.text.startswith("@"):
                raise CaddyfileError(
                    f"request matchers may not be defined globally; `{first.text}` must be in a site block",
                    first.start,
                )
            if self.index < len(tokens) and tokens[self.index].opens:
                opening = tokens[self.index]
                if next_on_new_line(keys[-1], opening):
                    raise CaddyfileError("`{` must be on the line of the site addresses", opening.start)
                close = _matching(tokens, self.index)
                body = _directives(tokens[self.index + 1 : close])
                self.index = close + 1
            elif not out:  # a single site without braces: the rest of the file is its directives
                body = _directives(tokens[self.index :])
                self.index = len(tokens)
            else:
                raise CaddyfileError("a site block needs `{` after its addresses", keys[-1].start)
            out.append(([k for k in keys if k.text.rstrip(",")], body))
        return out


def _directives(tokens: list[Token], depth: int = 1) -> list[Directive]:
    if depth > limits.active().nesting:
        raise CaddyfileError(
            f"blocks nest deeper than {limits.active().nesting} levels; not checked (the limit is "
            "`max-nesting`)",
            tokens[0].start if tokens else 0,
            limit=True,
        )
    out: list[Directive] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.closes:
            raise CaddyfileError("unexpected `}`: no block is open here", token.start)
        if token.opens:
            raise CaddyfileError(
                "unexpected `{` on a line of its own; put it at the end of the line above", token.start
            )
        directive = Directive(token)
        index += 1
        previous = token
        while index < len(tokens) and not next_on_new_line(previous, tokens[index]):
            current = tokens[index]
            if current.opens:
                close = _matching(tokens, index)
                if close > index + 1 and not next_on_new_line(current, tokens[index + 1]):
                    raise CaddyfileError(
                        "unexpected token after `{` on the same line", tokens[index + 1].start
                    )
                directive.block = _directives(tokens[index + 1 : close], depth + 1)
                index = close + 1
                break
            if current.closes:
                raise CaddyfileError("unexpected `}`: no block is open here", current.start)
            directive.args.append(current)
            previous = current
            index += 1
        out.append(directive)
    return out


# --- directives to scopes -------------------------------------------------------------


class _Builder:
    def __init__(self, where: _Positions, problems: list[InputProblem]) -> None:
        self.where = where
        self.problems = problems
        self.maps: dict[str, response_headers.Resolved | None] = {}  # destination -> what it sends

    def site(self, keys: list[Token], body: list[Directive]) -> response_headers.Scope:
        name = " ".join(k.text.rstrip(",") for k in keys)
        location = self.where.of(keys[0])
        scope = response_headers.Scope(name, location)
        self.maps = {}
        self.collect_maps(body)
        self.block(body, scope, (), {})
        return scope

    def collect_maps(self, body: list[Directive]) -> None:
        for directive in body:
            if directive.name.text == "map" and directive.block is not None:
                self.map(directive)
            elif directive.block is not None and not directive.name.text.startswith("@"):
                self.collect_maps(directive.block)

    def map(self, directive: Directive) -> None:
        """modules/caddyhttp/map (caddyfile.go, map.go): `map [<matcher>] <source> <dest>... { <input>
        <outputs>...; default <outputs>... }`. Each destination is the output of the first mapping
        whose input matches the source: `==`, or `~regexp` (Go's regexp, searched; `$1` in the output
        expands its captures), else the default. With the request's Origin as the source, a
        destination sent as the allow-origin admits what each mapping's input passes when its
        output echoes the Origin (or a capture of it), and each output's origin when fixed."""
        args = list(directive.args)
        if args and (args[0].text == "*" or args[0].text[:1] in ("@", "/")):
            args = args[1:]
        if len(args) < 2:
            return
        source, destinations = args[0], [a.text.strip("{}") for a in args[1:]]
        echo = routes.read_value(source.text)
        origin = echo.echo and echo.request is None and echo.unknown is None
        for index, destination in enumerate(destinations):
            scope = f"map@{self.where.of(source).line}"
            if origin:
                found = self.mapped(directive.block or [], index, scope)
                self.maps[destination] = response_headers.Resolved(tuple(found), True)
            else:  # another source: known only when every output is fixed text
                self.maps[destination] = self.fixed(directive.block or [], index, scope)

    def fixed(self, lines: list[Directive], index: int, scope: str) -> response_headers.Resolved | None:
        out: list[OriginMatcher] = []
        for line in lines:
            if index >= len(line.args) or line.args[index].text == "-":
                continue
            output = line.args[index]
            value = routes.read_value(output.text)
            if value.literal is None or "$" in output.text:
                return None
            out.extend(response_headers.literal_matchers(value.literal, self.where.of(output), scope))
        return response_headers.Resolved(tuple(out), False)

    def mapped(self, lines: list[Directive], index: int, scope: str) -> list[OriginMatcher]:
        out: list[OriginMatcher] = []
        for line in lines:
            outputs = line.args
            if index >= len(outputs) or outputs[index].text == "-":
                continue
            output = outputs[index]
            value = routes.read_value(output.text)
            at = self.where.of(output)
            if line.name.text == "default":
                if value.echo:
                    out.append(OriginMatcher(MatcherKind.REFLECTED, output.text, at))
                elif value.literal is not None:
                    out.extend(response_headers.literal_matchers(value.literal, at, scope))
                continue
            written = line.name.text
            where = self.where.of(line.name)
            if value.echo or "$" in output.text:  # the Origin, or a capture of it, for inputs that match
                if written.startswith("~"):
                    reason = refusal(written[1:])
                    if reason is not None:
                        self.problems.append(_refused(written[1:], reason, where))
                        continue
                    # one capture alone (`"${1}"`): only an origin that is all of its group gets in
                    alone = _CAPTURE.fullmatch(output.text.strip('"'))
                    sent = (
                        origin_captured([("capture", alone.group())], written[1:], False, Dialect.RE2)
                        if alone
                        else None
                    )
                    pattern, engine = sent or (written[1:], routes.CADDY_REGEXP)
                    out.append(OriginMatcher(MatcherKind.REGEX, pattern, where, engine, scope=scope))
                else:
                    kind = MatcherKind.NULL if written == "null" else MatcherKind.EXACT
                    out.append(OriginMatcher(kind, written, where, routes.CADDY_HEADER, scope=scope))
            elif value.literal is not None:
                out.extend(response_headers.literal_matchers(value.literal, at, scope))
            elif value.request is not None or value.unknown is not None:
                note = f"`{output.text}` is filled in per request"
                out.append(OriginMatcher(MatcherKind.REFLECTED, output.text, at, note=note))
        return out

    def block(
        self,
        body: list[Directive],
        scope: response_headers.Scope,
        guards: tuple[response_headers.Guard, ...],
        inherited: dict[str, response_headers.Guard],
    ) -> None:
        matchers = dict(inherited)
        for directive in body:  # matcher definitions hold for the whole block, wherever written
            if directive.name.text.startswith("@") and not directive.name.quoted:
                matchers[directive.name.text] = self.matcher(directive)
        later: list[Directive] = []
        for directive in body:
            name = directive.name.text
            if name in ("header", "header_down"):
                self.header(directive, scope, guards, matchers)
            elif directive.block is not None and (name in _EXCLUSIVE or name in _ROUTES):
                later.append(directive)
            elif directive.block is not None and not name.startswith("@"):
                # `reverse_proxy { header_down ... }` and other handlers' blocks
                guard = self.token_guard(directive.args[0] if directive.args else None, matchers)
                inner = guards if guard is None else (*guards, guard)
                self.block(directive.block, scope, inner, matchers)
        for directive in later:  # `handle` and `route` sort after `header` (defaultDirectiveOrder)
            guard = self.token_guard(directive.args[0] if directive.args else None, matchers)
            inner = guards if guard is None else (*guards, guard)
            assert directive.block is not None
            if directive.name.text in _ROUTES:
                self.block(directive.block, scope, inner, matchers)
                continue
            said = " ".join([directive.name.text, *(a.text for a in directive.args[:1])])
            child = response_headers.Scope(f"{scope.name} {said}", self.where.of(directive.name))
            if directive.args and directive.args[0].text.startswith("/"):
                child.paths = (directive.args[0].text.rstrip("*"),)
            self.block(directive.block, child, inner, matchers)
            scope.children.append(child)

    def token_guard(
        self, token: Token | None, matchers: dict[str, response_headers.Guard]
    ) -> response_headers.Guard | None:
        """httptype.go `matcherSetFromMatcherToken`: `*`, a `/path`, or a named `@matcher`."""
        if token is None or token.quoted:
            return None
        text = token.text
        if text == "*":
            return None
        if text.startswith("/"):
            return response_headers.Guard(text, self.where.of(token))
        if text.startswith("@"):
            found = matchers.get(text)
            if found is None:
                raise CaddyfileError(
                    f"unrecognized matcher name `{text}`: define it in this site block", token.start
                )
            return found
        return None

    def matcher(self, directive: Directive) -> response_headers.Guard:
        """A named matcher set, and what it checks of `Origin`."""
        name = directive.name.text
        location = self.where.of(directive.name)
        lines: list[list[Token]] = []
        if directive.args and directive.args[0].quoted:
            lines = [[replace(directive.args[0], text="expression", quote=""), directive.args[0]]]
        elif directive.args:
            lines = [directive.args]
        for inner in directive.block or []:
            lines.append([inner.name, *inner.args])
        values: list[tuple[str, Location]] = []
        absent = refused = False
        regexp: response_headers.OriginCheck | None = None
        others: list[response_headers.OriginCheck] = []
        for line in lines:
            kind = line[0].text
            args = line[1:]
            if kind == "header" and args and args[0].text.lstrip("!").lower() == "origin":
                # MatchHeader.UnmarshalCaddyfile: `<field> <value>`, or `!<field>` (must be absent);
                # a second value on the line is read as the next matcher's field, and refused
                if args[0].text.startswith("!"):
                    absent = True
                elif len(args) == 2:
                    values.append((args[1].text, self.where.of(args[1])))
                else:
                    refused = True
                    self.problems.append(_malformed(args, self.where.of(line[0])))
            elif kind == "header_regexp" and args:
                found = self.regexp(args, name)
                regexp = found if found is not None else regexp
            elif kind == "not" and len(args) >= 3 and args[0].text in ("header", "header_regexp"):
                if args[1].text.lower() == "origin":
                    written = " ".join(a.text for a in args)
                    others.append(response_headers.negated(self.where.of(args[0]), written))
            elif kind == "expression" or (kind == "not" and args and args[0].text == "expression"):
                text = " ".join(a.text for a in args)
                if "origin" in text.lower():
                    reason = (
                        f"`{name}` is a CEL expression that reads `Origin`, which origins-lint does "
                        "not evaluate: check by hand which origins pass it"
                    )
                    others.append(response_headers.unknown_check(reason, self.where.of(line[0])))
        header = routes.header_matchers(values, f"caddy:{name}@{location.line}") if values else None
        if absent or refused:  # no Origin passes (or Caddy refuses the config)
            header = response_headers.OriginCheck()
        check = response_headers.both(header, regexp)
        for other in others:  # a `not` or an expression: what it lets in, along with the rest
            check = other if check is None else response_headers.either([check, other])
        return response_headers.Guard(name, location, check)

    def regexp(self, args: list[Token], name: str) -> response_headers.OriginCheck | None:
        """`header_regexp [<name>] <field> <regexp>` (MatchHeaderRE.UnmarshalCaddyfile)."""
        if len(args) >= 3:
            field_token, pattern = args[1], args[2]
        else:
            field_token, pattern = args[0], args[-1]
        if field_token.text.lower() != "origin" or len(args) < 2:
            return None
        location = self.where.of(pattern)
        reason = refusal(pattern.text)
        if reason is not None:
            self.problems.append(_refused(pattern.text, reason, location))
            return response_headers.OriginCheck()
        matcher = OriginMatcher(
            MatcherKind.REGEX, pattern.text, location, routes.CADDY_REGEXP, scope=f"caddy:{name}"
        )
        return response_headers.OriginCheck((matcher,))

    def header(
        self,
        directive: Directive,
        scope: response_headers.Scope,
        guards: tuple[response_headers.Guard, ...],
        matchers: dict[str, response_headers.Guard],
    ) -> None:
        args = list(directive.args)
        if directive.name.text == "header" and args:
            guard = self.token_guard(args[0], matchers)
            if guard is not None or args[0].text == "*":
                guards = guards if guard is None else (*guards, guard)
                args = args[1:]
        # (field and values, in a block): a block line's field may end in `:` (`Grace: "Hopper"`,
        # dropped); the first line's keeps it
        lines = [(args, False)] if args else []
        deferred = False
        for inner in directive.block or []:
            if inner.name.text == "defer":
                deferred = True
            elif inner.name.text == "match":  # a response matcher (`Require`): only on some responses
                guards = (*guards, response_headers.Guard("match", self.where.of(inner.name)))
                deferred = True
            else:
                lines.append(([inner.name, *inner.args], True))
        if args and directive.block and any(i.name.text not in ("defer", "match") for i in directive.block):
            raise CaddyfileError("cannot specify headers in both arguments and block", directive.name.start)
        ops = [op for op in (self.op(line, guards, block) for line, block in lines) if op is not None]
        # a handler that deletes a field runs deferred (caddyfile.go), like one with `defer`
        deferred = deferred or any(op.action == "delete" for op in ops)
        scope.ops.extend(replace(op, deferred=True) if deferred else op for op in ops)

    def op(
        self, line: list[Token], guards: tuple[response_headers.Guard, ...], block: bool
    ) -> response_headers.Op | None:
        """caddyfile.go `applyHeaderOp`: the field's prefix says what the operation does."""
        field_token = line[0]
        written = field_token.text.removesuffix(":") if block else field_token.text
        value_token = line[1] if len(line) > 1 else None
        value = value_token.text if value_token is not None else ""
        location = self.where.of(field_token)
        value_location = self.where.of(value_token) if value_token is not None else location
        deferred = False
        if len(line) > 2:
            action, name = "replace", written.lstrip("+-?>")
        elif written.startswith("+"):
            action, name = "add", written[1:]
        elif written.startswith("-"):
            action, name = "delete", written[1:]
        elif written.startswith("?"):
            action, name = "default", written[1:]
        elif written.startswith(">"):
            action, name, deferred = "set", written[1:], True
        else:
            action, name = "set", written
        if not name:
            return None
        resolved = None
        if value_token is not None and (found := _MAP_VALUE.fullmatch(value.strip())) is not None:
            resolved = self.maps.get(found.group(1))
        if action == "default":  # `?` goes to a handler with a `require`: it may not apply, and
            guards = (
                *guards,
                response_headers.Guard(f"?{name}", location),
            )  # it runs when the response is written
            deferred = True
        return response_headers.Op(action, name, value, location, value_location, guards, deferred, resolved)
