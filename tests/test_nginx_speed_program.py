"""``captures.regexes`` and ``Program.of`` (issue 21, s30) held to the code they replace, kept verbatim.

Most directives are none of `rewrite`, `location`, `server_name` and `if`; for those, ``regexes``
now looks for an argument starting with `~` only when some `~` is written in the arguments at all,
and ``Program.of`` skips adding an empty list of regexes (a no-op). The same answers for every
directive of the fixtures, examples and bench-generator files and seeded directives, and the
same ``Program`` (maps, captures, regexes, foreign code...) for every file and seeded mutations.
"""

from __future__ import annotations

import random

from origins_lint.formats.nginx import captures
from origins_lint.formats.nginx.captures import _GLUED
from origins_lint.formats.nginx.flow import (
    _NAMED_GROUP,
    FOREIGN_CODE,
    FOREIGN_SETTERS,
    SELFVARIABLES,
    Program,
    _may_be_code,
    variable_name,
)
from origins_lint.formats.nginx.include import Resolver
from origins_lint.formats.nginx.syntax import Directive, Tree, _Reader
from origins_lint.model import Location
from origins_lint.source import Source
from tests.test_nginx_speed_lexer import _files, _generated, _mutated

PATH = "/nonexistent-origins-lint-test/f.conf"


# --- before (origins_lint/formats/nginx/captures.py and flow.py at 6157ab9), verbatim -----------
def _old_regexes(directive: Directive) -> list[tuple[str, bool]] | None:
    args = directive.args
    name = directive.name
    if name == "rewrite":
        return [(args[0], False)] if args else []
    if name == "location" and args:
        if len(args) > 1 and args[0] in ("~", "~*"):
            return [(args[1], args[0] == "~*")]
        glued = _GLUED.match(args[0]) if len(args) == 1 else None
        return [(glued.group(2), glued.group(1) == "~*")] if glued else []
    if name == "server_name":  # server names are matched without case
        return [(arg[1:], True) for arg in args if arg.startswith("~")]
    if name == "if" and len(args) >= 3 and args[1] in ("~", "~*", "!~", "!~*"):
        operand = " ".join(args[2:])
        return [(operand, args[1].endswith("*"))]
    if name in ("if", "location"):
        return []
    return None if any(arg.startswith("~") for arg in args) else []


def _old_of(directives: list[Directive], template: bool = False) -> Program:
    program = Program(template=template)
    pending = list(directives)
    while pending:
        directive = pending.pop()
        name = directive.name
        if name == "map" and len(directive.args) >= 2 and directive.block is not None:
            program._add_map(directive)
            continue
        if name == "set" and directive.args:
            program.declared.add(variable_name(directive.args[0]))
        if name in FOREIGN_SETTERS and directive.args:
            program.foreign[variable_name(directive.args[0])] = (name, directive.location)
        elif _may_be_code(name) and FOREIGN_CODE.match(name):
            program._add_code(directive)
        if name in ("if", "location", "server_name", "rewrite"):
            subject = variable_name(directive.args[0]) if directive.args else ""
            own = name == "server_name" or (name == "if" and subject in SELFVARIABLES)
            for arg in directive.args:
                for group in _NAMED_GROUP.findall(arg):
                    program.captures.setdefault(group.lower(), "self" if own else "capture")
        program._add_regexes(_old_regexes(directive))
        if directive.block is not None:
            pending.extend(directive.block)
    return program


def _read(text: str) -> list[Directive]:
    return _Reader(Tree(), Resolver(PATH, ())).read(Source(PATH, text), ())


def _all(directives: list[Directive]) -> list[Directive]:
    out, pending = [], list(directives)
    while pending:
        directive = pending.pop()
        out.append(directive)
        pending.extend(directive.block or [])
    return out


def _same(directives: list[Directive]) -> int:
    every = _all(directives)
    for directive in every:
        assert captures.regexes(directive) == _old_regexes(directive), (directive.name, directive.args)
    for template in (False, True):
        assert Program.of(directives, template) == _old_of(directives, template)
    return len(every)


def test_every_file_reads_the_same_program() -> None:
    assert sum(_same(_read(text)) for text in _files() + _generated(300)) > 3000


def test_seeded_directives_and_mutations() -> None:
    rng = random.Random(3033)
    names = ["rewrite", "location", "server_name", "if", "proxy_redirect", "set", "map", "add_header", "~x"]
    words = [
        "~",
        "~*",
        "!~",
        "~^/a(?<n>b)$",
        "a~b",
        "",
        "$x",
        "x",
        "~*^https://(.+)$",
        "(",
        ")",
        "=",
        "$host",
    ]
    where = Location.point(PATH, 1, 1)
    for _ in range(5000):
        args = [rng.choice(words) for _ in range(rng.randrange(0, 5))]
        _same([Directive(rng.choice(names), args, where, [], None)])
    bases = _generated(40) + [t for t in _files() if len(t) < 4000][:80]
    for _ in range(1000):
        _same(_read(_mutated(rng, rng.choice(bases))))
