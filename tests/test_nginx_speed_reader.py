"""``syntax._Reader._statements`` (issue 21, s30) held to the version it replaces, kept verbatim below.

The directives are built from ``reject``'s statements without three lists a statement (written
texts, unquoted tokens, offsets): a word without a backslash is its own argument (unquoting and
unescaping change only words with one), an `if` alone goes through crossplane's
``_prepare_if_args`` port, and the argument locations read ``reject``'s words themselves. The
names, arguments, locations (every argument's, asked in order and out of order), blocks and
problems must be the same on every fixture, example and bench-generator file, the lexer tests'
tricky shapes, `if`s written every way, and seeded mutations of all of these.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator, Sequence
from typing import overload

from origins_lint.formats.nginx import syntax
from origins_lint.formats.nginx.fast import readable, unquoted
from origins_lint.formats.nginx.include import Resolver
from origins_lint.formats.nginx.reject import _Statement, scan
from origins_lint.model import Location
from origins_lint.source import Source
from tests.test_nginx_speed_lexer import TRICKY, _files, _generated, _mutated

PATH = "/nonexistent-origins-lint-test/f.conf"


# --- the reading before (origins_lint/formats/nginx/syntax.py at 6157ab9), verbatim -------------


class _OldSpans(Sequence[Location]):
    __slots__ = ("done", "lines", "offsets", "path", "tokens", "where", "written")

    def __init__(
        self,
        lines: syntax._Lines,
        path: str,
        where: Location,
        offsets: list[int],
        written: list[str],
        tokens: list[str],
    ) -> None:
        self.lines, self.path, self.where = lines, path, where
        self.offsets, self.written, self.tokens = offsets, written, tokens  # the name's first
        self.done: dict[int, Location] = {}

    def __len__(self) -> int:
        return len(self.tokens) - 1

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
        found = self.done.get(index)
        if found is None:
            word = index + 1
            if self.tokens[word]:
                found = self.lines.location(self.path, self.offsets[word], self.written[word])
            else:
                found = self.where
            self.done[index] = found
        return found


def _old_statements(
    self: syntax._Reader,
    statements: list[_Statement],
    lines: syntax._Lines,
    source: Source,
    stack: tuple[str, ...],
) -> Iterator[syntax.Directive]:
    text, path = lines.text, source.path
    for index, statement in enumerate(statements):
        words = statement.words
        raws = [word for word, _, _ in words]
        tokens = [unquoted(text, word, at) if quoted else word for word, at, quoted in words]
        offsets = [at for _, at, _ in words]
        if tokens[0] == "if" and len(tokens) > 1 and tokens[1][:1] == "(" and tokens[-1][-1:] == ")":
            syntax._prepare_if(tokens, raws, offsets)  # crossplane's `_prepare_if_args`, offsets kept
        name = tokens[0]
        if index == 0 and name.startswith("\ufeff"):
            name, raws[0], offsets[0] = name[1:], raws[0][1:], offsets[0] + 1
        if name:  # on the statement's line, which reading it counted: its column, found back
            first, written = offsets[0], raws[0]
            column = first - text.rfind("\n", 0, first)
            width = len(written.split("\n", 1)[0] or written) if "\n" in written else len(written)
            where = Location(path, statement.line, column, statement.line, column + width)
        else:
            where = Location.point(path, statement.line, 1)
        args = [syntax.unescape(arg) if "\\" in arg else arg for arg in tokens[1:]]
        arg_locations = _OldSpans(lines, path, where, offsets, raws, tokens)
        if name == "include" and len(args) == 1 and statement.block is None:
            yield from self._include(args[0], where, source, (*stack, os.path.realpath(source.path)))
            continue
        block = None
        if statement.block is not None:
            block = list(_old_statements(self, statement.block, lines, source, stack))
        yield syntax.Directive(name, args, where, arg_locations, block)


# --- the comparison ---------------------------------------------------------------------------

_Flat = list[tuple[str, tuple[str, ...], Location, tuple[Location, ...]] | None]


def _flat(directives: list[syntax.Directive], out: _Flat, order: list[int] | None = None) -> _Flat:
    for directive in directives:
        spans = directive.arg_locations
        if order:  # asked out of order first: the answers must not depend on it
            for i in order:
                if i < len(spans):
                    spans[i]
        out.append((directive.name, tuple(directive.args), directive.location, tuple(spans)))
        if directive.block is not None:
            _flat(directive.block, out, order)
        out.append(None)
    return out


def _both(text: str, order: list[int] | None = None) -> bool:
    """Whether the direct reading answers ``text``; where it does, the new and old readings agree."""
    source = Source(PATH, text)
    scanned = scan(text)
    if scanned.statements is None or not readable(text, scanned, 100):
        return False
    new_tree, old_tree = syntax.Tree(), syntax.Tree()
    new = syntax._Reader(new_tree, Resolver(PATH, ()))
    old = syntax._Reader(old_tree, Resolver(PATH, ()))
    mine = list(new._statements(scanned.statements, syntax._Lines(text), source, ()))
    theirs = list(_old_statements(old, scanned.statements, syntax._Lines(text), source, ()))
    assert _flat(mine, [], order) == _flat(theirs, []), text
    assert new_tree.problems == old_tree.problems, text
    return True


IFS = [
    'if ($http_origin ~* "^https://a\\.example\\.com$") {\n return 204;\n}\n',
    "if ( $a = b ) { }\n",
    "if ($a) { }\n",
    "if ( $a) { }\n",
    "if ($a ) { }\n",
    "if ( ) { }\n",
    "if () { }\n",
    "if ( -f /x ) { }\n",
    "if (!-e $x) { }\n",
    'if ( "$a" = "b\\"c" ) { }\n',
    "if ( '$a' = 'b\\'c' ) { }\n",
    'if ("(" = ")") { }\n',
    'if ( "(" ")" ) { }\n',
    'if ("\\"(" = "x)") { }\n',
    'if ( $a ~ "a\\\\" ) { }\n',
    "if ($a = b\\)) { }\n",
    "if (\\($a) { }\n",
    'if ($a = "x\ny" ) { }\n',
    "if ($a = x) y; }\n",
    "if $a { }\n",
    "if ( $a ~ ^/(?<n>x)$ ) { }\n",
    '"if" ($a) { }\n',
    "\ufeffif ($a) { }\n",
    "set $a b\\\\c;\nadd_header A \"x\\\"y\\\\z\" always;\nadd_header 'B\\'' '\\'' ;\n",
    'add_header "" "";\nadd_header A "";\n"" x;\n',
    "server {\n location / {\n  if ($request_method = OPTIONS) {\n   add_header A $http_origin;\n"
    "   return 204;\n  }\n }\n}\n",
]


def test_fixtures_examples_and_bench_files_read_as_before() -> None:
    texts = _files() + _generated(300)
    answered = sum(_both(text) for text in texts)
    assert answered > 300


def test_tricky_shapes_and_ifs_read_as_before() -> None:
    answered = sum(_both(text) for text in TRICKY + IFS)
    assert answered > 40


def test_seeded_mutations_read_as_before_asked_in_any_order() -> None:
    rng = random.Random(3021)
    bases = TRICKY + IFS + _generated(40) + [t for t in _files() if len(t) < 4000][:80]
    answered = 0
    for _ in range(3000):
        order = list(range(6))
        rng.shuffle(order)
        answered += _both(_mutated(rng, rng.choice(bases)), order if rng.random() < 0.5 else None)
    assert answered > 600


def test_an_if_is_read_as_crossplane_prepares_it() -> None:
    text = 'if ( "$a" = "b\\"c" ) { }\n'
    [directive] = syntax._Reader(syntax.Tree(), Resolver(PATH, ())).read(Source(PATH, text), ())
    assert directive.args == ["$a", "=", 'b"c']
    # line AND column: `$a` inside its quotes (column 7), `=` (11), `b\"c` as written (14, 4 long)
    assert list(directive.arg_locations) == [
        Location(PATH, 1, 7, 1, 9),
        Location(PATH, 1, 11, 1, 12),
        Location(PATH, 1, 14, 1, 18),
    ]
