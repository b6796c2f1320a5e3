"""Response-header operations, and how they become model contexts: what every reader of a
server that writes CORS headers itself shares.

A reader (Caddy's Caddyfile and JSON config, Envoy's `response_headers_to_add` and the Istio and
Gateway API filters that become it, APISIX's `response-rewrite`, Kong's `response-transformer`)
turns a site, route or plugin into a `Scope`: its operations on response fields, in the order its
engine runs them, each with the `Guard`s (request matchers) it runs under, and the child scopes
of which at most one answers a request. Each scope with CORS headers of its own is one response
context, holding what its ancestors set too. A `Style` gives the reader's value syntax (a
`Value`: fixed text, the Origin echoed, another request value, or a part not analysed).

The operations compose as Caddy's headers.go does, which is what the others' engines do too:
`set` replaces the field, `add` appends another value, `delete` removes it (a `*` prefix or
suffix wildcard in Caddy), `default` sets it only where nothing did, `replace` rewrites it with a
regex (not analysed). An operation under a guard may not run: its value is one of what the field
can be, so the model keeps every such value (the union of what they admit).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from origins_lint.model import (
    EXACT_ENGINE,
    CorsContext,
    HeaderLine,
    InputProblem,
    Location,
    MatcherKind,
    OriginMatcher,
    ProblemKind,
    Setting,
)
from origins_lint.records import field, record

ALLOW_ORIGIN: Final = "access-control-allow-origin"
_CORS_PREFIX: Final = "access-control-"
_REQUEST_PREFIX: Final = "access-control-request-"
_ITEMS: Final = re.compile(r"[\s,]+")


@record(frozen=True, slots=True)
class OriginCheck:
    """What one matcher set checks of the request's `Origin`: the entries that pass it, or why
    it was not analysed."""

    matchers: tuple[OriginMatcher, ...] = ()
    unknown: tuple[tuple[str, Location], ...] = ()


@record(frozen=True, slots=True)
class Guard:
    """The request matchers a handler runs under (a Caddyfile matcher token, a JSON route's
    `match`). `origin` is None when none of them reads `Origin`; the handler may still not run."""

    name: str
    location: Location
    origin: OriginCheck | None = None


@record(frozen=True, slots=True)
class Resolved:
    """The entries a `map` destination sends, and whether they change with the request's Origin
    (a map of `{header.Origin}`) or only with what caches key on already (`{host}`, the path)."""

    matchers: tuple[OriginMatcher, ...]
    varies: bool


@record(frozen=True, slots=True)
class Op:
    """One operation of a `headers` handler on a response field."""

    action: str  # "set", "add", "default" (`?`), "delete", "replace"
    name: str
    value: str
    location: Location  # the field as written
    value_location: Location
    guards: tuple[Guard, ...] = ()
    deferred: bool = False
    # a value that is a `map` destination: what its mappings send (read by the reader, which
    # knows the `map`); None when it is not one, or one origins-lint does not analyse
    resolved: Resolved | None = None

    @property
    def key(self) -> str:
        return self.name.lower()


@record(slots=True)
class Scope:
    """A site, server or `handle` block: its operations in order, and its exclusive children."""

    name: str
    location: Location
    ops: list[Op] = field(default_factory=list)
    children: list[Scope] = field(default_factory=list)
    paths: tuple[str, ...] = ()


@record(frozen=True, slots=True)
class Style:
    """What differs between the readers: how a header's value is read (each engine's own syntax
    for request values), when its unknown parts are filled in, and how the fix for a missing
    `Vary` is spelled."""

    vary_fix: str
    reader: Callable[[str], Value]
    filled: str  # "when Caddy runs (...)": when a value's unknown parts are known


def contexts(root: Scope, style: Style, problems: list[InputProblem]) -> list[CorsContext]:
    out: list[CorsContext] = []
    _walk(root, [], style, problems, out, top=True)
    return out


def _walk(
    scope: Scope,
    inherited: list[Op],
    style: Style,
    problems: list[InputProblem],
    out: list[CorsContext],
    top: bool,
) -> None:
    ops = inherited + scope.ops
    own = any(_is_cors(op.key) or op.key == "vary" for op in scope.ops)
    if own or (top and any(_is_cors(op.key) for op in ops)):
        out.extend(_Response(scope, ops, style, problems).contexts())
    for child in scope.children:
        _walk(child, ops, style, problems, out, top=False)


def _is_cors(key: str) -> bool:
    return key.startswith(_CORS_PREFIX) and not key.startswith(_REQUEST_PREFIX)


def _deletes(pattern: str, key: str) -> bool:
    """headers.go `ApplyTo` delete: `*` prefix/suffix wildcards on the lowercased field name."""
    pattern = pattern.lower()
    if pattern == "*":
        return True
    if len(pattern) > 1 and pattern.startswith("*") and pattern.endswith("*"):
        return pattern[1:-1] in key
    if pattern.startswith("*"):
        return key.endswith(pattern[1:])
    if pattern.endswith("*"):
        return key.startswith(pattern[:-1])
    return key == pattern


@record(frozen=True, slots=True)
class Value:
    """What a header value is made of: fixed text, and the parts the server fills in per request
    (Caddy's placeholders, Envoy's `%COMMAND%`s, nginx variables in APISIX...)."""

    literal: str | None  # the text when it has no placeholder
    echo: bool = False  # the request's Origin
    capture: bool = False  # a capture of a regexp matcher (`{re.name.0}`)
    request: str | None = None  # another request value the sender chooses
    unknown: str | None = None  # a placeholder not analysed (`{vars.x}`, `{$ENV}`)
    self_only: bool = False  # only the server's own scheme, host, port
    env_only: bool = False  # its only unknowns are the environment (`{$ENV}`, `{env.VAR}`): fixed per process

    @property
    def per_request(self) -> bool:
        """Whether it changes from one request to the next (what `Vary` is for)."""
        return (
            self.echo
            or self.capture
            or self.request is not None
            or (self.unknown is not None and not self.env_only)
        )


def _varies(op: Op, value: Value) -> bool:
    return op.resolved.varies if op.resolved is not None else value.per_request


def _origin_guards(op: Op) -> frozenset[int]:
    """The `Origin` checks an operation runs under (all must pass), by identity (one per matcher
    definition)."""
    return frozenset(id(g.origin) for g in op.guards if g.origin is not None)


class _Response:
    """The headers one scope's responses carry, by field, as every value each field can have."""

    def __init__(self, scope: Scope, ops: list[Op], style: Style, problems: list[InputProblem]) -> None:
        self.scope = scope
        self.style = style
        self.values = style.reader
        self.problems = problems
        self.fields: dict[str, list[Op]] = {}
        # immediate operations in handler order, then the deferred ones at write time
        ordered = [op for op in ops if not op.deferred] + [op for op in ops if op.deferred]
        for op in ordered:
            self._apply(op)

    def _apply(self, op: Op) -> None:
        conditional = bool(op.guards)
        if op.action == "delete":
            if not conditional:
                for key in [k for k in self.fields if _deletes(op.name, k)]:
                    del self.fields[key]
            return
        if op.action == "replace":
            if _is_cors(op.key) or op.key == "vary":
                self._note(
                    op.location,
                    f"this `{op.name}` is rewritten with a regex replacement, which origins-lint does "
                    "not analyse: review the value it sends by hand",
                )
            return
        values = self.fields.setdefault(op.key, [])
        if op.action == "set" and not conditional:
            values.clear()
        values.append(op)

    def _note(self, location: Location, message: str) -> None:
        problem = InputProblem(ProblemKind.NOT_ANALYSED, message, location)
        if problem not in self.problems:
            self.problems.append(problem)

    def contexts(self) -> list[CorsContext]:
        """One context for each set of `Origin` checks that guards an `Access-Control-Allow-Origin`:
        the other fields it holds are those set under some of the same checks or under none (a
        field set only for requests another check passes is not on these responses; one set in
        the enclosing `handle @origin_test` is, whatever the header's own check adds)."""
        every = self.fields
        groups = dict.fromkeys(_origin_guards(op) for op in every.get(ALLOW_ORIGIN, [])) or {
            frozenset(): None
        }
        out = []
        for checks in groups:  # in file order
            self.fields = {
                key: [op for op in ops if _origin_guards(op) <= checks] for key, ops in every.items()
            }
            context = self.context()
            if context is not None:
                out.append(context)
        self.fields = every
        return out

    def context(self) -> CorsContext | None:
        origin_ops = self.fields.get(ALLOW_ORIGIN, [])
        cors = {key: ops for key, ops in self.fields.items() if _is_cors(key) and ops}
        if not cors:
            return None
        matchers: dict[tuple[object, ...], OriginMatcher] = {}
        for op in origin_ops:
            for matcher in self._matchers(op):
                matchers.setdefault((matcher.kind, matcher.raw, matcher.location), matcher)
        first = next(iter(cors.values()))[0]
        return CorsContext(
            matchers=list(matchers.values()),
            location=origin_ops[0].location if origin_ops else first.location,
            credentials=self._credentials(),
            allow_methods=self._listed("access-control-allow-methods"),
            allow_headers=self._listed("access-control-allow-headers"),
            expose_headers=self._listed("access-control-expose-headers"),
            max_age=self._max_age(),
            vary_origin=self._vary(),
            private_network=self._private_network(),
            headers=self._lines(cors),
            echoed=self._echoed(),
            name=self.scope.name,
            paths=self.scope.paths,
        )

    def _matchers(self, op: Op) -> list[OriginMatcher]:
        if op.resolved is not None:
            return list(op.resolved.matchers)
        value = self.values(op.value)
        if value.unknown is not None:
            self._note(
                op.value_location,
                f"`{value.unknown}` is filled in {self.style.filled}, so the origins this "
                "`Access-Control-Allow-Origin` sends were not analysed: check the value it takes",
            )
            return []
        if value.echo or value.capture:
            check = next((g.origin for g in reversed(op.guards) if g.origin is not None), None)
            if check is None:
                if value.capture:
                    self._note(
                        op.value_location,
                        f"`{op.value}` sends a regexp capture that no `header_regexp` on `Origin` "
                        "guards here, so what it sends was not analysed",
                    )
                    return []
                return [OriginMatcher(MatcherKind.REFLECTED, op.value, op.value_location)]
            for reason, location in check.unknown:
                self._note(location, reason)
            return list(check.matchers)
        if value.request is not None:
            note = f"`{value.request}` comes from the request, so the sender chooses it"
            echoes = "text from the request (the sender chooses it)"
            return [
                OriginMatcher(MatcherKind.REFLECTED, op.value, op.value_location, note=note, echoes=echoes)
            ]
        if value.literal is None:
            return []  # the server's own origin
        where = op.value_location
        return literal_matchers(value.literal, where, f"header at {where.path}:{where.line}:{where.column}")

    def _credentials(self) -> Setting[bool | None]:
        ops = self.fields.get("access-control-allow-credentials", [])
        if not ops:
            return Setting(False)
        values = [(self.values(op.value), op) for op in ops]
        for value, op in values:
            if value.literal is not None and value.literal.strip().lower() == "true":
                return Setting(True, op.value_location)
        for value, op in values:
            if value.literal is None:
                return Setting(None, op.value_location)
        return Setting(False, ops[-1].value_location)

    def _literal(self, key: str) -> tuple[str, Op] | None:
        ops = self.fields.get(key, [])
        if len(ops) != 1:
            return None
        value = self.values(ops[0].value)
        return (value.literal, ops[0]) if value.literal is not None else None

    def _listed(self, key: str) -> Setting[tuple[str, ...]] | None:
        found = self._literal(key)
        if found is None:
            return None
        text, op = found
        return Setting(tuple(i.strip() for i in text.split(",") if i.strip()), op.value_location)

    def _max_age(self) -> Setting[int] | None:
        found = self._literal("access-control-max-age")
        if found is None:
            return None
        digits = found[0].strip()
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
            return None
        return Setting(int(digits), found[1].value_location)

    def _vary(self) -> Setting[bool] | None:
        ops = self.fields.get("vary", [])
        if not ops:
            return None
        for op in ops:
            value = self.values(op.value)
            text = value.literal
            if text is None or text.strip() == "*" or "origin" in (i.lower() for i in _ITEMS.split(text)):
                return Setting(True, op.value_location)
        return Setting(False, ops[-1].value_location)

    def _private_network(self) -> Setting[bool] | None:
        ops = self.fields.get("access-control-allow-private-network", [])
        if not ops:
            return None
        allowed = any(
            self.values(op.value).literal is None or op.value.strip().lower() == "true" for op in ops
        )
        return Setting(allowed, ops[-1].value_location)

    def _echoed(self) -> tuple[tuple[str, Location], ...]:
        out = []
        for name in ("headers", "methods"):
            for op in self.fields.get(f"access-control-allow-{name}", []):
                value = self.values(op.value)
                if value.echo or value.request is not None:
                    out.append((name, op.value_location))
                    break
        return tuple(out)

    def _lines(self, cors: dict[str, list[Op]]) -> tuple[HeaderLine, ...]:
        lines: list[HeaderLine] = []
        for key, ops in cors.items():
            values = [self.values(op.value) for op in ops]
            varying = [op for op, v in zip(ops, values, strict=True) if _varies(op, v)]
            # several values under checks of the Origin are alternatives that vary with it too; under
            # other matchers (a path, a host) they vary with what caches key on already
            literals = {v.literal or op.value for v, op in zip(values, ops, strict=True)}
            alternatives = len(literals) > 1 and any(_origin_guards(op) for op in ops)
            dynamic = bool(varying) or alternatives
            # alternatives are one line (the one that varies, for OL602 to point at); what `+`
            # appends to a value is a second one
            sent: list[Op] = []
            for op in ops:
                if not sent or op.action == "add":
                    sent.append(varying[0] if not sent and varying else op)
            for op in sent:
                text = self.values(op.value).literal
                items = tuple(i for i in _ITEMS.split(text.strip()) if i) if text is not None else ()
                lines.append(
                    HeaderLine(
                        op.name,
                        op.value,
                        op.location,
                        op.value_location,
                        always=True,
                        dynamic=dynamic if key == ALLOW_ORIGIN else False,
                        items=items,
                        vary_fix=self.style.vary_fix,
                    )
                )
        return tuple(lines)


def literal_matchers(text: str, location: Location, scope: str) -> list[OriginMatcher]:
    """A fixed value sent as `Access-Control-Allow-Origin`: `*`, `null` or exact origins."""
    out = []
    for item in _ITEMS.split(text.strip()):
        if item:
            kind = {"*": MatcherKind.ANY, "null": MatcherKind.NULL}.get(item, MatcherKind.EXACT)
            out.append(OriginMatcher(kind, item, location, EXACT_ENGINE, scope=scope))
    return out


def negated(location: Location, written: str) -> OriginCheck:
    """`not header Origin ...`: every origin but the listed ones passes."""
    note = f"`not {written}` passes every Origin the check does not list"
    return OriginCheck((OriginMatcher(MatcherKind.REFLECTED, written, location, note=note),))


def unknown_check(reason: str, location: Location) -> OriginCheck:
    return OriginCheck(unknown=((reason, location),))


def either(checks: list[OriginCheck | None]) -> OriginCheck | None:
    """Matcher sets OR'ed (a JSON route's `match` list): None when one of them ignores Origin."""
    if not checks or any(check is None for check in checks):
        return None
    known = [check for check in checks if check is not None]
    return OriginCheck(
        tuple(m for check in known for m in check.matchers),
        tuple(u for check in known for u in check.unknown),
    )


def both(header: OriginCheck | None, regexp: OriginCheck | None) -> OriginCheck | None:
    """`header` and `header_regexp` on Origin in one set are AND'ed; what passes both passes the
    `header` values, so those are kept (an over-approximation: never a silence)."""
    if header is None:
        return regexp
    return header
