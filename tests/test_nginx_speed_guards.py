"""`flow.merge_guards` returns the side that is all there is (nothing to add, or nothing before),
and `Evaluator._clipped` passes a one-part value without summing (issue 21: most merges of the
flow add nothing, and most values are one part). Held to the functions before the change
(``_reference_merge``, ``_reference_clipped``, verbatim but for their names) over seeded guard
tuples (repeats, equal but distinct guards, empty sides) and values past and within the bounds,
with what `_clipped` records."""

from __future__ import annotations

import random
from typing import Any

import origins_lint.formats.nginx as nginx_format
from origins_lint.formats.nginx import flow
from origins_lint.formats.nginx.flow import Alt, Evaluator, Guard, Part, Program, merge_guards
from origins_lint.formats.nginx.syntax import Directive
from origins_lint.model import Location

WHERE = Location("nginx.conf", 3, 5, 3, 40)


def _reference_merge(first: tuple[Guard, ...], second: tuple[Guard, ...]) -> tuple[Guard, ...]:
    return first + tuple(g for g in second if g not in first)


def _reference_clipped(evaluator: Evaluator, alt: Alt, location: Location) -> Alt:
    if len(alt.parts) <= flow.MAX_PARTS and sum(len(part.text) for part in alt.parts) <= flow.MAX_TEXT:
        return alt
    evaluator.program.clipped.append(location)
    return Alt((Part("unknown", "…", location),), alt.guards)


def _guard(rng: random.Random) -> Guard:
    line = rng.randrange(1, 4)
    return Guard(
        rng.choice(["~", "~*", "=", "!="]), rng.choice(["a", "b", ""]), Location("f", line, 1, line, 2)
    )


def test_merges_are_the_reference_ones() -> None:
    rng = random.Random(2135)
    pool = [_guard(rng) for _ in range(12)]
    for _ in range(5000):
        first = tuple(rng.choice(pool) for _ in range(rng.randrange(0, 4)))
        second = tuple(rng.choice(pool) for _ in range(rng.randrange(0, 4)))
        if rng.random() < 0.2:
            second = tuple(Guard(g.op, g.operand, g.location, g.scope) for g in first)  # equal, not the same
        assert merge_guards(first, second) == _reference_merge(first, second), (first, second)


def test_clipped_values_are_the_reference_ones() -> None:
    rng = random.Random(2136)
    sizes = [0, 1, 5, flow.MAX_TEXT - 1, flow.MAX_TEXT, flow.MAX_TEXT + 1, 3 * flow.MAX_TEXT]
    for _ in range(2000):
        count = rng.choice([0, 1, 1, 1, 2, 3, flow.MAX_PARTS, flow.MAX_PARTS + 1])
        parts = tuple(
            Part("text", "x" * rng.choice(sizes) if count < 4 else "x", WHERE) for _ in range(count)
        )
        alt = Alt(parts, (_guard(rng),) if rng.random() < 0.5 else ())
        ours, theirs = Evaluator(Program()), Evaluator(Program())
        assert ours._clipped(alt, WHERE) == _reference_clipped(theirs, alt, WHERE)
        assert ours.program.clipped == theirs.program.clipped


def _reference_evaluate(
    evaluator: Evaluator, expr: str, location: Location, env: flow.Env
) -> tuple[Alt, ...]:
    """`Evaluator.evaluate` before a lone variable skipped the join loop."""
    if "$" not in expr:
        return (evaluator._clipped(Alt((Part("text", expr, location),)), location),)
    segments: list[tuple[Alt, ...]] = []
    last = 0
    for match in flow.VARIABLE.finditer(expr):
        if match.start() > last:
            segments.append((Alt((Part("text", expr[last : match.start()], location),)),))
        name = (match.group(1) or match.group(2)).lower()
        segments.append(evaluator._variable(name, match.group(), flow._within(location, match), env))
        last = match.end()
    if last < len(expr) or not segments:
        segments.append((Alt((Part("text", expr[last:], location),)),))
    if len(segments) > flow.MAX_PARTS:
        evaluator.program.clipped.append(location)
        segments = [*segments[: flow.MAX_PARTS], (Alt((Part("unknown", "…", location),)),)]
    result: tuple[Alt, ...] = (Alt(()),)
    for options in segments:
        combined = [
            Alt(flow._join(left.parts, right.parts), _reference_merge(left.guards, right.guards))
            for left in result
            for right in options
        ]
        result = evaluator.bounded(combined, location)
    return result


def test_a_lone_variable_evaluates_as_the_join_loop_gives_it() -> None:
    rng = random.Random(2137)
    pool = [_guard(rng) for _ in range(8)]
    names = ["a", "b", "http_origin", "host", "request_uri", "arg_x", "nothing_sets_it", "1"]
    for _ in range(1500):
        env: flow.Env = {}
        for name in ("a", "b"):
            count = rng.choice([0, 1, 2, 3, 70])
            alts = []
            for _ in range(count):
                text = rng.choice(["https://a.example.com", "", "x" * rng.choice([1, flow.MAX_TEXT + 1])])
                guards = tuple(rng.choice(pool) for _ in range(rng.randrange(0, 3)))
                alts.append(Alt((Part("text", text, WHERE),), guards))
            if alts and rng.random() < 0.3:
                alts.append(alts[0])  # a repeat the bound drops
            env[name] = tuple(alts)
        name = rng.choice(names)
        expr = rng.choice([f"${name}", f"${{{name}}}", f"x${name}", f"${name}y", "$", "a$"])
        ours, theirs = Evaluator(Program()), Evaluator(Program())
        assert ours.evaluate(expr, WHERE, env) == _reference_evaluate(theirs, expr, WHERE, env), expr
        assert ours.program.clipped == theirs.program.clipped
        assert ours.program.truncated == theirs.program.truncated
        assert ours.program.unknown == theirs.program.unknown


def test_the_foreign_code_precheck_never_skips_a_match() -> None:
    rng = random.Random(2138)
    names = ["content_by_lua", "content_by_lua_block", "access_by_lua_file", "js_header_filter", "js_set"]
    names += ["header_filter_by_lua_file", "add_header", "set_by_lua", "x_by_luax", "by_lua", "_by_lua"]
    pieces = ["_by_lua", "js_header_filter", "_block", "_file", "a", "\n", "$", "_", "x"]
    names += ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 5))) for _ in range(5000)]
    for name in names + [n + "\n" for n in names]:
        if flow.FOREIGN_CODE.match(name):
            assert flow._may_be_code(name), name


def test_a_literal_is_what_the_general_join_gives() -> None:
    rng = random.Random(2141)
    kinds = ["text", "text", "origin", "request", "unknown", "capture"]
    for _ in range(3000):
        parts = tuple(
            Part(rng.choice(kinds), rng.choice(["", "a", "https://x.example", "…"]), WHERE)
            for _ in range(rng.randrange(0, 4))
        )
        alt = Alt(parts)
        general = "".join(p.text for p in parts) if all(p.kind == "text" for p in parts) else None
        assert alt.literal == general, parts


def _reference_enter(
    parent: nginx_format._Headers, block: list[Directive], made: dict[int, Any]
) -> tuple[nginx_format._Headers, tuple[nginx_format._Sent, ...], Directive | None]:
    own_add = tuple(d for d in block if d.name == "add_header")
    own_more = tuple(d for d in block if d.name == "more_set_headers")
    mode = next((d.args[0].lower() for d in block if d.name == "add_header_inherit" and d.args), parent.mode)
    if own_add:
        add = parent.add + own_add if mode == "merge" else own_add
    else:
        add = () if mode == "off" else parent.add
    dropped: tuple[nginx_format._Sent, ...] = ()
    if own_add and mode == "on":
        kept = {s.key for s in nginx_format._sent(own_add, made)}
        dropped = tuple(
            s
            for s in nginx_format._sent(parent.add, made)
            if nginx_format._is_cors(s.key) and s.key not in kept
        )
    return nginx_format._Headers(add, parent.more + own_more, mode), dropped, own_add[0] if own_add else None


def _directive(rng: random.Random) -> Directive:
    name = rng.choice(
        ["add_header", "add_header", "more_set_headers", "add_header_inherit", "set", "proxy_pass"]
    )
    words = {
        "add_header": [
            "Access-Control-Allow-Origin",
            "access-control-allow-credentials",
            "Vary",
            "$v",
            "always",
        ],
        "more_set_headers": ["Access-Control-Allow-Origin: *", "-s", "200", "Vary: Origin"],
        "add_header_inherit": ["merge", "off", "on", "MERGE"],
    }.get(name, ["$a", "x"])
    args = [rng.choice(words) for _ in range(rng.randrange(0, 4))]
    return Directive(name, args, WHERE, [WHERE] * len(args))


def _sent_fields(sent: tuple[nginx_format._Sent, ...]) -> list[tuple[object, ...]]:
    return [(s.name, s.value, id(s.directive), s.always, s.statuses) for s in sent]


def test_a_level_is_entered_as_before() -> None:
    rng = random.Random(2142)
    for _ in range(3000):
        parent_add = tuple(d for d in (_directive(rng) for _ in range(3)) if d.name == "add_header")
        parent = nginx_format._Headers(parent_add, (), rng.choice(["on", "off", "merge"]))
        block = [_directive(rng) for _ in range(rng.randrange(0, 6))]
        ours = nginx_format._enter(parent, block, {})
        theirs = _reference_enter(parent, block, {})
        assert ours[0] == theirs[0] and ours[2] is theirs[2]
        assert _sent_fields(ours[1]) == _sent_fields(theirs[1])
