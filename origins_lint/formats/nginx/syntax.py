"""nginx files to a tree of located directives, with `include` followed.

``reject`` reads every file once, as nginx's own tokenizer does; where that reading is the
one crossplane's would be (``fast.readable``), the directives are built from its statements,
each word located where it is written. Every other file is crossplane's (relaxed, one file at
a time): it gives each directive's line but no column and drops the lines of arguments, so
there positions are found again in the source text with a cursor that only moves forward.
`include` is followed here rather than by crossplane so that it stays inside the checked
tree, never loops, and keeps each directive's own file for its location; where it leads is
worked out as nginx does by ``include``, and what nginx would refuse to load is found by
``reject``.
"""

from __future__ import annotations

import bisect
import glob
import os
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add
from typing import Any, overload

from origins_lint import limits
from origins_lint.formats.nginx.fast import readable, unquoted
from origins_lint.formats.nginx.include import Following, Resolver, cycle
from origins_lint.formats.nginx.reject import _Statement, position, scan
from origins_lint.model import InputProblem, Location, ProblemKind
from origins_lint.records import field, record
from origins_lint.source import Source, problem

_ESCAPES = re.compile(r"\\([\"'\\tnr])")
_ESCAPED = {'"': '"', "'": "'", "\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
_ERROR_SUFFIX = re.compile(r" in \S+:\d+$")


@record(slots=True)
class Directive:
    """One nginx statement, located in its own file."""

    name: str
    args: list[str]
    location: Location  # the directive's name
    arg_locations: Sequence[Location]
    block: list[Directive] | None = None

    def arg_location(self, index: int) -> Location:
        spans = self.arg_locations
        if type(spans) is _Spans:  # the reader's (most): one call, not `len` and `[]` through Sequence
            return spans.at(index, self.location)
        if 0 <= index < len(self.arg_locations):
            return self.arg_locations[index]
        return self.location


@record(slots=True)
class Tree:
    directives: list[Directive] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    included: dict[str, str] = field(default_factory=dict)  # path -> text
    # what nginx refuses in files that still read as intended (a duplicate `map` key): OL001,
    # and the analysis goes on, to show what the file would send once it loads
    rejected: list[InputProblem] = field(default_factory=list)
    # an include was a glob or was not found: the result depends on which files exist, which
    # the result cache does not see
    uncached: bool = False


def unescape(text: str) -> str:
    """nginx's own unescaping of a token (`\\\\` is one backslash); crossplane keeps the pairs."""
    return _ESCAPES.sub(lambda m: _ESCAPED[m.group(1)], text) if "\\" in text else text


class _Locator:
    """Finds tokens in the source in order; crossplane only says on which line a directive starts."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        # the offset after each newline, 0 first: the lengths of the lines before, each with its newline
        self.line_starts = list(accumulate(map(add, map(len, text.split("\n")[:-1]), repeat(1)), initial=0))
        self.cursor = 0

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def find(self, token: str, line: int | None = None) -> Location | None:
        start = self.cursor
        starts = self.line_starts
        if line is not None and line - 1 < len(starts):
            start = max(start, starts[line - 1])
        needle = token if "\n" not in token else token.split("\n", 1)[0] or token
        if not needle:
            return None
        offset = self.text.find(needle, start, start + len(needle) + 4096)
        if offset < 0:
            return None
        self.cursor = offset + len(needle)
        row = bisect.bisect_right(starts, offset)
        column = offset - starts[row - 1] + 1
        return Location(self.path, row, column, row, column + len(needle))


class _Lines:
    """Lines and columns of offsets met in text order: newlines counted forward, no table."""

    __slots__ = ("counted", "line", "start", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.line, self.start, self.counted = 1, 0, 0  # the line at `counted`, and where it starts

    def location(self, path: str, offset: int, written: str) -> Location:
        """The span of a word written at ``offset``: to the end of its first line, as ``_Locator``'s."""
        if offset >= self.counted:
            newlines = self.text.count("\n", self.counted, offset)
            if newlines:
                self.line += newlines
                self.start = self.text.rfind("\n", self.counted, offset) + 1
            self.counted = offset
            row, column = self.line, offset - self.start + 1
        else:  # not met in order (never, for statements read forward): counted afresh
            row, column = position(self.text, offset)
        needle = written.split("\n", 1)[0] if "\n" in written else written
        return Location(path, row, column, row, column + len(needle or written))


class _Spans(Sequence[Location]):
    """A directive's argument locations, each worked out when it is first asked: most never are.

    The same answers as ``_Lines.location`` over the words in order (an empty word: its directive).
    ``words`` are ``reject``'s (written text, offset, ...) for each word, the name's first: a word
    is empty as written exactly when it is empty once unquoted.
    """

    __slots__ = ("done", "lines", "path", "where", "words")

    def __init__(
        self, lines: _Lines, path: str, where: Location, words: Sequence[tuple[str, int, bool]]
    ) -> None:
        self.lines, self.path, self.where = lines, path, where
        self.words = words
        self.done: dict[int, Location] | None = None  # made when a first location is asked: most never are

    def __len__(self) -> int:
        return len(self.words) - 1

    @overload
    def __getitem__(self, index: int) -> Location: ...

    @overload
    def __getitem__(self, index: slice) -> list[Location]: ...

    def __getitem__(self, index: int | slice) -> Location | list[Location]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.at(index, self.where)

    def at(self, index: int, outside: Location) -> Location:
        """``self[index]`` for an index from 0 within the arguments, else ``outside``."""
        done = self.done
        if done is not None:
            found = done.get(index)
            if found is not None:
                return found
        if not 0 <= index < len(self.words) - 1:
            return outside
        written, offset, _ = self.words[index + 1]
        found = self.lines.location(self.path, offset, written) if written else self.where
        if done is None:
            self.done = {index: found}
        else:
            done[index] = found
        return found

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(list(self))


def _prepare_if(tokens: list[str], raws: list[str], offsets: list[int]) -> None:
    """crossplane's `_prepare_if_args` (crossplane/parser.py) on an `if`'s words, in place: the
    parentheses and the space inside them dropped, with each word's written text and offset."""
    first = tokens[1][1:]
    stripped = first.lstrip()
    skip = 1 + len(first) - len(stripped)
    tokens[1], raws[1], offsets[1] = stripped, raws[1][skip:], offsets[1] + skip
    last = tokens[-1][:-1].rstrip()
    raws[-1] = raws[-1][: len(raws[-1]) - (len(tokens[-1]) - len(last))]
    tokens[-1] = last
    start = 1 + int(not tokens[1])
    end = len(tokens) - int(not tokens[-1])
    tokens[1:], raws[1:], offsets[1:] = tokens[start:end], raws[start:end], offsets[start:end]


def _argument(text: str, written: str, offset: int, quoted: bool) -> str:
    """An argument as the directive holds it: crossplane's unquoting, then nginx's unescaping."""
    return unescape(unquoted(text, written, offset) if quoted else written)


def _prepared_if(
    text: str, words: Sequence[tuple[str, int, bool]]
) -> tuple[list[tuple[str, int, bool]], list[str]] | None:
    """An `if`'s words once crossplane's `_prepare_if_args` (crossplane/parser.py) has dropped its
    parentheses: each word as written with its offset, for ``_Spans``, and the tokens; None when
    the words are not in parentheses (then they stand as read). A token left empty is written
    empty too: only space and a parenthesis were cut from it, which no escape writes longer."""
    tokens = [unquoted(text, word, at) if quoted else word for word, at, quoted in words]
    if not (tokens[1][:1] == "(" and tokens[-1][-1:] == ")"):
        return None
    raws = [word for word, _, _ in words]
    offsets = [at for _, at, _ in words]
    _prepare_if(tokens, raws, offsets)
    return list(zip(raws, offsets, repeat(False))), tokens  # the three cut alike: the same length


_GLUED = re.compile(r"\$\{\w+\}(\s)")


def _unglued(args: list[str], locator: _Locator) -> list[str]:
    """crossplane's lexer keeps going after an unquoted `${name}` and the one space that follows it
    (`${http_origin} always` is one token); nginx's `ngx_conf_read_token` ends the token there."""
    out: list[str] = []
    for token in args:
        rest = token
        while "${" in rest and (glued := _GLUED.search(rest)) is not None and not _quoted(rest, locator):
            out.append(rest[: glued.start(1)])
            rest = rest[glued.end(1) :]
        out.append(rest)
    return out


def _quoted(token: str, locator: _Locator) -> bool:
    offset = locator.text.find(token, locator.cursor)
    return offset > 0 and locator.text[offset - 1] in "\"'"


def parse_tree(source: Source, roots: tuple[str, ...]) -> Tree:
    """The file's directives with includes expanded, and what could not be read."""
    tree = Tree()
    tree.directives = _Reader(tree, Resolver(source.path, _real(roots))).read(source, ())
    return tree


@lru_cache(maxsize=16)
def _real(roots: tuple[str, ...]) -> tuple[str, ...]:
    """Every file of a run has the same roots: resolved once, not once a file."""
    return tuple(os.path.realpath(root) for root in roots)


def _not_followed(where: Location, message: str) -> InputProblem:
    return InputProblem(
        ProblemKind.NOT_ANALYSED, message, Location.point(where.path, where.line, where.column)
    )


class _Reader:
    def __init__(self, tree: Tree, resolver: Resolver) -> None:
        self.tree = tree
        self.resolver = resolver
        self.following = Following(resolver)
        self.limits = limits.active()

    def read(self, source: Source, stack: tuple[str, ...]) -> list[Directive]:
        path = source.path
        if source.encoding.startswith(("utf-16", "utf-32")):
            self.tree.problems.append(
                problem(
                    path,
                    f"nginx reads its files as bytes and cannot read {source.encoding.upper()}; "
                    "save the file as UTF-8",
                )
            )
            return []
        scanned = scan(source.text)
        rejection = scanned.rejection
        if rejection is not None:
            rejected = problem(
                path,
                f"nginx rejects this file ({rejection.message}): `nginx -t` fails at this line, and "
                "nginx will not start or reload with it; fix this statement",
                rejection.line,
                rejection.column,
            )
            if rejection.fatal:  # crossplane reads the words otherwise: nothing after is certain
                self.tree.problems.append(rejected)
                return []
            self.tree.rejected.append(rejected)
        if scanned.statements is not None and readable(source.text, scanned, self.limits.nesting):
            return self._statements(scanned.statements, _Lines(source.text), source, stack)
        # crossplane's own reading of every other shape: it judges what it judges
        try:
            payload = _crossplane_parse(path, source.text)
        except Exception as error:  # crossplane must not take the run down
            self.tree.problems.append(problem(path, f"nginx syntax error: {error}"))
            return []
        config = payload["config"][0] if payload["config"] else {"errors": [], "parsed": []}
        if config["errors"]:
            self.tree.problems.append(_syntax_problem(path, source.text, config["errors"][0]))
            return []
        parsed = config["parsed"]
        locator = _Locator(path, source.text)
        too_deep = _too_deep(parsed, self.limits.nesting)
        if too_deep is not None:
            self.tree.problems.append(
                problem(
                    path,
                    f"blocks nest more than {self.limits.nesting} levels deep; nginx configs never do, "
                    "so this is not checked (the limit is `max-nesting`)",
                    too_deep,
                )
            )
            return []
        return list(self._directives(parsed, locator, source, stack))

    def _directives(
        self, parsed: list[dict[str, Any]], locator: _Locator, source: Source, stack: tuple[str, ...]
    ) -> Iterator[Directive]:
        find = locator.find
        for index, stmt in enumerate(parsed):
            name: str = stmt["directive"]
            if index == 0 and name.startswith("\ufeff"):
                name = name[1:]
            words = stmt["args"] = _unglued(stmt["args"], locator)
            where = find(name, stmt["line"]) or Location.point(locator.path, stmt["line"], 1)
            args = [unescape(arg) if "\\" in arg else arg for arg in words]
            arg_locations = [find(arg) or where for arg in words]
            if name == "include" and len(args) == 1 and "block" not in stmt:
                # the files being read, this one last: its real path is asked only here (most include nothing)
                yield from self._include(args[0], where, source, (*stack, os.path.realpath(source.path)))
                continue
            block = None
            if "block" in stmt:
                block = list(self._directives(stmt["block"], locator, source, stack))
            yield Directive(name, args, where, arg_locations, block)

    def _statements(
        self, statements: list[_Statement], lines: _Lines, source: Source, stack: tuple[str, ...]
    ) -> list[Directive]:
        """``_directives`` over ``reject``'s statements, each word at its true offset.

        The same names and arguments as crossplane's payload (``fast.crossplane_parsed``, which the
        tests hold this to), located where each word is written rather than found again by
        ``_Locator``: the same place wherever the locator finds a word, and the right one where it
        does not (a quoted word with an escaped quote, a word after a comment that holds it, after a
        multi-line word that holds it, or past the locator's window), which it used to put at its
        directive or elsewhere. An empty word is still located at its directive.
        """
        text, path = lines.text, source.path
        escapes = "\\" in text  # none in the file: every word is its own argument
        out: list[Directive] = []
        for index, statement in enumerate(statements):
            words: Sequence[tuple[str, int, bool]] = statement.words
            written, first, quoted = words[0]
            name = unquoted(text, written, first) if quoted else written
            prepared = _prepared_if(text, words) if name == "if" and len(words) > 1 else None
            if index == 0 and name.startswith("\ufeff"):
                name, written, first = name[1:], written[1:], first + 1
            if name:  # on the statement's line, which reading it counted: its column, found back
                column = first - text.rfind("\n", 0, first)
                width = len(written.split("\n", 1)[0] or written) if "\n" in written else len(written)
                where = Location(path, statement.line, column, statement.line, column + width)
            else:
                where = Location.point(path, statement.line, 1)
            if prepared is not None:  # crossplane's `_prepare_if_args`, offsets kept
                words, tokens = prepared
                args = [unescape(arg) if "\\" in arg else arg for arg in tokens[1:]]
            elif escapes:  # a word without a backslash is the same unquoted and unescaped: most words
                args = [
                    word if "\\" not in word else _argument(text, word, at, q) for word, at, q in words[1:]
                ]
            else:
                args = [word for word, _, _ in words[1:]]
            arg_locations = _Spans(lines, path, where, words)
            if name == "include" and len(args) == 1 and statement.block is None:
                out.extend(self._include(args[0], where, source, (*stack, os.path.realpath(source.path))))
                continue
            block = None
            if statement.block is not None:
                block = self._statements(statement.block, lines, source, stack)
            out.append(Directive(name, args, where, arg_locations, block))
        return out

    def _include(
        self, pattern: str, where: Location, source: Source, stack: tuple[str, ...]
    ) -> Iterator[Directive]:
        deep = self.following.too_deep(len(stack))
        if deep is not None:
            self.tree.problems.append(_not_followed(where, deep))
            return
        resolved = self.resolver.resolve(pattern, source.path)
        if glob.has_magic(pattern) or not resolved.files:
            self.tree.uncached = True
        if resolved.not_followed is not None:
            self.tree.problems.append(_not_followed(where, resolved.not_followed))
        for path in resolved.files:
            real = os.path.realpath(path)
            looped = cycle(stack, real)
            if looped is not None:
                self.tree.problems.append(problem(where.path, looped, where.line, where.column))
                continue
            many = self.following.one_more()
            if many is not None:
                if self.following.files == self.following.limits.included_files + 1:  # said once
                    self.tree.problems.append(_not_followed(where, many))
                return
            included = self.following.read(path, f"`{pattern}`")  # located where nginx reads it
            if isinstance(included, str):
                self.tree.problems.append(_not_followed(where, included))
                continue
            self.tree.included.setdefault(included.path, included.text)
            yield from self.read(included, stack)


_TEXTS: dict[str, str] = {}


def _crossplane_parse(path: str, text: str) -> dict[str, Any]:
    """crossplane's parse over text we already read (and decoded, and size-checked).

    crossplane only lexes files by name; its module-level `lex` is swapped once
    for one that serves the text registered for that name. Reading once means
    the text checked is the text located, and embedded nginx (an ingress
    annotation) parses the same way as a file.
    """
    import crossplane
    import crossplane.parser

    if crossplane.parser.lex is not _lex_registered:
        crossplane.parser.lex = _lex_registered
    _TEXTS[path] = text
    try:
        result: dict[str, Any] = crossplane.parse(
            path, single=True, comments=False, check_ctx=False, check_args=False
        )
        return result
    finally:
        del _TEXTS[path]


def _lex_registered(filename: str) -> Iterator[tuple[str, int, bool]]:
    import io

    from crossplane.lexer import _balance_braces, _lex_file_object

    # lexed up front, at a shallow stack: crossplane's parser recurses once per block while it pulls
    yield from list(_balance_braces(_lex_file_object(io.StringIO(_TEXTS[filename])), filename))


def _too_deep(parsed: list[dict[str, Any]], most: int) -> int | None:
    """The line of the first block deeper than ``most``, found without recursion."""
    pending = [(stmt, 1) for stmt in parsed]
    while pending:
        stmt, depth = pending.pop()
        if "block" in stmt:
            if depth > most:
                return int(stmt["line"])
            pending.extend((child, depth + 1) for child in stmt["block"])
    return None


_TOKENS = re.compile(
    r"""\s+|#[^\n]*|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[{};]|["']|(?:\\.|[^\s{};"'\\])+|\\"""
)


def _syntax_problem(path: str, text: str, error: dict[str, Any]) -> InputProblem:
    """crossplane's error, made specific where it is vague (an unclosed quote reads as a missing `}`)."""
    message = _ERROR_SUFFIX.sub("", str(error.get("error", "syntax error")))
    line = error.get("line") or 1
    if "recursion" in message:
        return problem(path, f"blocks nest too deeply to parse; nginx configs never do ({message})")
    opened: list[int] = []
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ('"', "'"):
            row = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            return problem(
                path, f"unterminated {token} string: the quote opened here is never closed", row, column
            )
        if token == "{":
            opened.append(match.start())
        elif token == "}" and opened:
            opened.pop()
    if "expecting" in message and opened:
        start = opened[-1]
        row = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        return problem(path, f"this `{{` is never closed: {message}", row, column)
    if message.startswith('unexpected "}"'):
        message = 'unexpected "}": it closes a block that was never opened'
    return problem(path, f"nginx syntax error: {message}", int(line))
