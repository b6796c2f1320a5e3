"""An `if`'s subject evaluated once for its `conditions` calls (issue 21, s31).

``Flow._if`` asks ``Evaluator.conditions`` up to three times for one `if` (the condition, its
negation where the body returns, its negation where the body changed a variable), each of which
evaluated the subject again in the same environment. A memo shared by those calls now holds the
subject's values from the first call that reads them, and only then (a file test or an Origin
subject is never evaluated, as before, so nothing is recorded that was not).

Held to the former ``_if`` and ``conditions`` (verbatim below, names qualified) on whole parses:
the same documents and problems (their repr) on every fixture, example and bench-generator file
and seeded mutations, `if`s of every form (`=`, `!=`, `~`, `~*`, `!~`, a bare variable, a file
test, the Origin, a map, an unknown variable, a value past the bounds), with and without a
`return` or a `set` in the body; and fewer evaluations than before where an `if` has both.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

import origins_lint.formats.nginx as nginx_format
from origins_lint.formats.base import FormatOptions
from origins_lint.formats.nginx import flow
from origins_lint.formats.nginx.flow import Env, Evaluator, Guard, Paths, Trace
from origins_lint.formats.nginx.syntax import Directive
from origins_lint.model import Location
from origins_lint.source import Source
from tests.test_nginx_speed_lexer import _files, _generated, _mutated

PATH = "/nonexistent-origins-lint-test/nginx.conf"
_EVALUATE = Evaluator.evaluate


# --- origins_lint/formats/nginx/flow.py at 939fe31, verbatim but for the names ---------------


def _old_conditions(
    self: Evaluator, subject: str, op: str | None, operand: str, location: Location, env: Env
) -> Iterator[tuple[Guard, ...]]:
    """The guard sets under which `subject op operand` can hold (none: it never does)."""
    if op is None:  # `if ($var)`: true when the value is not empty
        yield from (alt.guards for alt in self.evaluate(subject, location, env) if alt.literal != "")
        return
    if op not in flow.NEGATED:  # file tests (`-f`, `!-e`...) say nothing about the origin
        yield ()
        return
    match = flow.VARIABLE.fullmatch(subject.strip('"'))
    if match is not None and (match.group(1) or match.group(2)).lower() == flow.ORIGIN:
        yield (flow.Guard(op, operand, location),)
        return
    seen: set[tuple[Guard, ...]] = set()
    for alt in self.evaluate(subject, location, env):
        text = alt.literal
        holds = (
            flow._holds(text, op, operand)
            if text is not None
            else op != "=" or flow._may_equal(alt.parts, operand)
        )
        if holds and alt.guards not in seen:
            seen.add(alt.guards)
            yield alt.guards


def _old_if(self: flow.Flow, directive: Directive, env: Env, paths: Paths, trace: Trace) -> tuple[Env, Paths]:
    subject, op, operand = flow.split_condition(directive.args)
    where = directive.arg_location(len(directive.args) - 1)
    holds = list(_old_conditions(self.evaluator, subject, op, operand, where, env))
    body_paths = flow._combine(paths, holds)
    returns = any(d.name == "return" for d in directive.block or [])
    body_env = env
    if body_paths:
        body_env, _ = self.run(directive.block or [], dict(env), body_paths, trace, directive)
    trace.ifs.append(flow.IfRecord(directive, body_paths, returns, body_env))
    negated = flow.NEGATED.get(op or "", op)
    if returns:
        return env, flow._combine(
            paths, list(_old_conditions(self.evaluator, subject, negated, operand, where, env))
        )
    # a variable the body changed holds the body's value, or its old one where the check failed:
    # what it held before the `if`, and for one no `set` had reached yet, what nginx gives it
    # there: a `map`'s value, the request's header (both changeable, and only changed on the
    # requests that take the `if`: ngx_http_map_module.c adds them NGX_HTTP_VAR_CHANGEABLE)
    merged = dict(env)
    failed_guards: list[tuple[Guard, ...]] | None = None
    for name, alts in body_env.items():
        if merged.get(name) != alts:
            if failed_guards is None:
                failed_guards = (
                    list(_old_conditions(self.evaluator, subject, negated, operand, where, env))
                    if op
                    else [()]
                )
            before = env[name] if name in env else self.evaluator.unset(name, directive.arg_location(0), env)
            kept = [
                flow.Alt(alt.parts, flow.merge_guards(alt.guards, failed))
                for alt in before
                for failed in failed_guards
            ]
            merged[name] = self.evaluator.bounded((*alts, *kept), directive.location)
    return merged, paths


def _parsed(text: str) -> str:
    return repr(nginx_format.parse(Source(PATH, text), FormatOptions()))


def _both(monkeypatch: pytest.MonkeyPatch, text: str) -> tuple[int, int]:
    """The parse of ``text`` with the new and the old code: the same; the evaluations each made."""
    counted = [0]

    def counting(self: Evaluator, *args: Any) -> Any:
        counted[0] += 1
        return _EVALUATE(self, *args)

    monkeypatch.setattr(Evaluator, "evaluate", counting)
    new = _parsed(text)
    new_count = counted[0]
    with monkeypatch.context() as old:
        old.setattr(flow.Flow, "_if", _old_if)
        counted[0] = 0
        theirs = _parsed(text)
    assert new == theirs, text
    return new_count, counted[0]


IFS = [
    "if ($request_method = OPTIONS) { add_header A 1; return 204; }",
    "if ($request_method != 'GET') { set $x 1; }",
    "if ($http_origin ~* ^https://a\\.example\\.com$) { set $cors $http_origin; }",
    "if ($http_origin = '') { return 403; }",
    "if ($cors) { add_header Access-Control-Allow-Origin $cors always; }",
    "if ($cors = 'true') { set $cors '${cors}x'; return 204; }",
    "if (-f $request_filename) { set $cors 1; }",
    "if (!-e $request_filename) { return 404; }",
    "if (-f $not_set_anywhere) { set $cors 1; }",  # never evaluated: no OL004 for it
    "if (!-d $not_set_either) { return 404; }",
    "if ($unknown_thing ~ ^a) { set $cors $unknown_thing; }",
    "if ($mapped = 1) { set $cors $http_origin; return 204; }",
    "if ($host ~ ^(?<sub>\\w+)\\.example\\.com$) { set $cors https://$sub.example.com; }",
    "if ($request_uri ~ /api/(.*)) { set $cors https://$1; }",
    "if ($long) { set $cors $long$long$long$long; }",
]


def _config(rng: random.Random) -> str:
    ifs = "\n".join(rng.sample(IFS, rng.randrange(1, 5)))
    return (
        "map $http_origin $mapped {\n default 0;\n https://a.example.com 1;\n ~^https://.*\\.b\\.com$ 1;\n}\n"
        f"server {{\n set $cors '';\n set $long {'x' * rng.choice([1, 3000])};\n {ifs}\n"
        " location / {\n  " + ifs + "\n  add_header Access-Control-Allow-Origin $cors;\n"
        "  add_header Access-Control-Allow-Credentials true;\n }\n}\n"
    )


def test_every_fixture_example_and_bench_file_parses_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    new = old = 0
    for text in _files() + _generated(300):
        counts = _both(monkeypatch, text)
        new, old = new + counts[0], old + counts[1]
    assert new < old


def test_ifs_of_every_form_parse_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(31)
    saved = 0
    for _ in range(300):
        new, old = _both(monkeypatch, _config(rng))
        assert new <= old
        saved += old - new
    assert saved > 100


def test_seeded_mutations_parse_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3131)
    bases = [_config(rng) for _ in range(20)] + _generated(40)
    for _ in range(600):
        _both(monkeypatch, _mutated(rng, rng.choice(bases)))
