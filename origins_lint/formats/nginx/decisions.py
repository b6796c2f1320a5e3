"""Origin checks that decide something other than CORS: each is a trust decision too.

gixy's `origins` plugin (gixy/plugins/origins.py in dvershinin/gixy and its forks) audits every
`if ($http_origin ~ ...)`, whatever its body does: its own example
`if ($http_origin !~ "^https://sub.yandex.ru$") { add_header X-Frame-Options SAMEORIGIN; }`
lets `https://subXyandex.ru` frame the page. Here every `if` comparing `$http_origin` (`~ ~* !~
!~* = !=`) and every `map $http_origin` key is described with what it gates, so the same rules
that read CORS allow-lists read it, at a severity that follows the gate:

- `X-Frame-Options` or `Content-Security-Policy` set by the check: who may frame the page;
- a `return` of another status than 2xx (or `deny`): requests turned away, a CSRF guard (a 2xx
  `return` answers the request, a preflight's 204: what it decides is that response, whose CORS
  headers are analysed as such);
- a variable something else reads (an upstream header, a parameter): the backend decides;
- a variable or header that nothing reads: a flag.

Only the side a check lets through is an allow-list: when the body turns requests away
(`return 403`, `X-Frame-Options DENY`), that is the requests the comparison does not match, so
`if ($http_origin !~ re) { return 403; }` trusts `re` and `if ($http_origin ~ re) { return 403; }`
is a deny-list, whose breadth only refuses more. A `map` entry whose value is empty or `0`,
`off`, `no`, `false` is the refused side too. A check that also feeds a CORS header is reported
there, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Set
from typing import Final

from origins_lint.formats.nginx.flow import (
    NEGATED,
    ORIGIN,
    VARIABLE,
    Guard,
    Program,
    map_key,
    split_condition,
    variable_name,
)
from origins_lint.formats.nginx.syntax import Directive
from origins_lint.model import Decision, Gate, Location
from origins_lint.records import record

FRAMING: Final = frozenset({"x-frame-options", "content-security-policy"})
_RESTRICTING_FRAME = re.compile(
    r"^\s*(?:deny|sameorigin)\s*$|frame-ancestors\s+(?:'none'|'self')\s*(?:;|$)", re.I
)
_FALSY: Final = frozenset({"", "0", "off", "no", "false"})
_RANK: Final = {Gate.FRAME: 3, Gate.GUARD: 3, Gate.BACKEND: 2, Gate.FLAG: 1}
_MAX_DEPTH: Final = 8


@record(frozen=True, slots=True)
class OriginCheck:
    """An origin comparison, as the guard its trusted side passes, and what it decides."""

    guard: Guard
    decision: Decision


@record(frozen=True, slots=True)
class _Gated:
    gate: Gate | None  # None: a CORS header, analysed as such
    what: str
    location: Location | None
    # a body: it turns the request away (or forbids framing). A variable: which of its values are
    # turned away, True for a non-empty value other than 0 (`if ($bad) { return 403; }`), False
    # for the others (`if ($ok = 0) { return 403; }`), None for neither
    restricts: bool | None = None


def origin_checks(
    directives: list[Directive], program: Program, known: Set[Location] = frozenset()
) -> Iterator[OriginCheck]:
    """Every `if` on `$http_origin` and every `map $http_origin` key, with what it gates; none at
    a place in ``known`` (a check already reported as a CORS header's), whose gate is not worked
    out at all (the readers of a map's variable are the costly part)."""
    index = _Index(directives)
    for directive in index.all:
        if directive.name != "if" or directive.block is None:
            continue
        subject, op, operand = split_condition(directive.args)
        if op not in NEGATED or not _is_origin(subject):
            continue
        if known and directive.arg_location(len(directive.args) - 1) in known:
            continue
        gated = index.body(directive.block, 0, set()) or _Gated(
            Gate.FLAG, f"nothing (the block at line {directive.location.line} is empty)", directive.location
        )
        if gated.gate is None:
            continue
        # the side the body turns away is refused; where no one can say (a flag), the check is read
        # as the allow-list it spells, as gixy reads it
        admitted = NEGATED[op] if gated.restricts else op.lstrip("!") if gated.restricts is None else op
        if admitted.startswith("!") or operand == "":
            continue  # a deny-list, or the requests without an Origin
        where = directive.arg_location(len(directive.args) - 1)
        yield OriginCheck(Guard(admitted, operand, where), _decision(gated, where))
    for name, definition in program.maps.items():
        if not _is_origin(definition.source):
            continue
        if known and all(key.location in known for key, _value, _where in definition.entries):
            continue
        gated = index.variable(name, 0, set())
        if gated.gate is None:
            continue
        for key_directive, value, _where in definition.entries:
            if _truthy(value) is bool(gated.restricts) or key_directive.location in known:
                continue  # the side that is turned away (by default the empty value and `0`), or known
            op, operand = map_key(key_directive.name, definition.hostnames)
            guard = Guard(op, operand, key_directive.location, definition.scope)
            yield OriginCheck(guard, _decision(gated, key_directive.location))


def _is_origin(subject: str) -> bool:
    match = VARIABLE.fullmatch(subject.strip("\"'"))
    return match is not None and (match.group(1) or match.group(2)).lower() == ORIGIN


def _truthy(value: str) -> bool:
    return value.strip().lower() not in _FALSY


def _decision(gated: _Gated, check: Location) -> Decision:
    assert gated.gate is not None
    return Decision(gated.gate, gated.what, gated.location or check)


class _Index:
    """Who reads which variable, over the whole analysed tree."""

    def __init__(self, directives: list[Directive]) -> None:
        self.all: list[Directive] = []
        self._read: dict[str, list[tuple[Directive, str | None]]] | None = None  # variable -> readers
        pending = list(reversed(directives))
        while pending:
            directive = pending.pop()
            self.all.append(directive)
            if directive.block is not None:
                pending.extend(reversed(directive.block))

    def readers(self, name: str) -> list[tuple[Directive, str | None]]:
        """Directives that read `$name`, and for `set`/`map` the variable they pass it on to."""
        if self._read is None:
            self._read = {}
            for directive in self.all:
                args = directive.args
                if directive.name == "set" and len(args) >= 2:
                    passed: str | None = variable_name(args[0])
                    read = args[1:2]
                elif directive.name == "map" and len(args) >= 2:
                    passed, read = variable_name(args[1]), args[:1]
                else:
                    passed, read = None, args
                for arg in read:
                    if "$" not in arg:
                        continue  # no variable in it: most arguments
                    for match in VARIABLE.finditer(arg):
                        used = (match.group(1) or match.group(2)).lower()
                        entries = self._read.setdefault(used, [])
                        if not _listed(entries, directive, passed):
                            entries.append((directive, passed))
        return self._read.get(name, [])

    def variable(self, name: str, depth: int, seen: set[str]) -> _Gated:
        """What the value of `$name` gates: the weightiest of its readers, or a flag nothing reads."""
        seen.add(name)
        found: list[_Gated] = []
        for reader, passed_to in self.readers(name):
            if passed_to is not None:
                if passed_to not in seen and depth < _MAX_DEPTH:
                    found.append(self.variable(passed_to, depth + 1, seen))
            elif reader.name == "if" and reader.block is not None:
                inner = self.body(reader.block, depth + 1, seen) if depth < _MAX_DEPTH else None
                if inner is not None:
                    truthy = _runs_for_truthy(reader)
                    refused = None if not inner.restricts or truthy is None else truthy
                    found.append(_Gated(inner.gate, inner.what, inner.location, refused))
            else:
                gated = self.directive(reader, depth, seen)
                found.append(_Gated(gated.gate, gated.what, gated.location))
        if not found:
            return _Gated(Gate.FLAG, f"`${name}`, which nothing reads", None)
        return _weightiest(found)

    def body(self, block: list[Directive], depth: int, seen: set[str]) -> _Gated | None:
        found = [self.directive(d, depth, seen) for d in block]
        return _weightiest(found) if found else None

    def directive(self, directive: Directive, depth: int, seen: set[str]) -> _Gated:
        name = directive.name
        where = directive.location
        if name in ("add_header", "more_set_headers"):
            return _header(directive)
        if name == "return":
            code = directive.args[0] if directive.args else ""
            if code.isascii() and code.isdigit() and code.startswith("2"):
                # an answer, not a refusal (a preflight's 204): the origins that fail the check go on
                # to the backend. What it decides is the response it sends, whose CORS headers are
                # analysed as such (movies-abishar's check, gating a literal `*`, was four highs)
                return _Gated(None, "", where)
            return _Gated(Gate.GUARD, f"the `return {code}` at line {where.line}", where, True)
        if name == "deny":
            return _Gated(Gate.GUARD, f"the `deny` at line {where.line}", where, True)
        if name == "set" and len(directive.args) >= 2:
            target = variable_name(directive.args[0])
            if target in seen or depth >= _MAX_DEPTH:
                return _Gated(Gate.FLAG, f"`${target}`", where)
            gated = self.variable(target, depth + 1, seen)
            # the body sets a value the variable's reader turns away (None: no reader turns any away)
            refused = None if gated.restricts is None else _truthy(directive.args[1]) is gated.restricts
            return _Gated(gated.gate, gated.what, gated.location, refused)
        return _Gated(Gate.BACKEND, f"`{name}` at line {where.line}", where)


def _listed(entries: list[tuple[Directive, str | None]], directive: Directive, passed: str | None) -> bool:
    """``(directive, passed) in entries``: the directive compared by value (the same file included
    twice reads as equal directives), each first by identity, then by its line (equal directives
    are on the same line), and only then field by field (every argument's location among them)."""
    line = directive.location.line
    return any(
        p == passed and (d is directive or (d.location.line == line and d == directive)) for d, p in entries
    )


def _runs_for_truthy(directive: Directive) -> bool | None:
    """Whether an `if` on a variable runs for its non-empty, non-`0` values (None: cannot say)."""
    _subject, op, operand = split_condition(directive.args)
    if op is None:
        return True  # `if ($var)`: nginx runs it unless the value is empty or "0"
    if op in ("=", "!="):
        return _truthy(operand) is (op == "=")
    return None


def _header(directive: Directive) -> _Gated:
    where = directive.location
    if directive.name == "add_header":
        pairs = [(directive.args[0], directive.args[1])] if len(directive.args) >= 2 else []
    else:
        pairs = [
            (name.strip(), value)
            for arg in directive.args
            if not arg.startswith("-")
            for name, colon, value in [arg.partition(":")]
            if colon
        ]
    found = []
    for name, value in pairs:
        key = name.lower()
        if key in FRAMING:
            restricts = bool(_RESTRICTING_FRAME.search(value))
            found.append(_Gated(Gate.FRAME, f"`{name}` at line {where.line}", where, restricts))
        elif key.startswith("access-control-"):
            found.append(_Gated(None, "", where))
        else:
            found.append(_Gated(Gate.FLAG, f"the header `{name}` at line {where.line}", where))
    return _weightiest(found) if found else _Gated(Gate.FLAG, f"the header at line {where.line}", where)


def _weightiest(found: list[_Gated]) -> _Gated:
    """The gate that weighs most; a CORS header only when it is all there is."""
    gated = [g for g in found if g.gate is not None]
    if not gated:
        return found[0]
    return max(gated, key=lambda g: _RANK[g.gate] if g.gate is not None else 0)
