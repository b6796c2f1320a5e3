"""OL103 makes its set of the entries' places only at the first entry that does not come after all
those before it in the same file (`syntax._duplicates`, issue 21): an export's entries come in
text order, and none of them can be one seen before. On seeded random documents (entries in and
out of order, two files, one place seen from two contexts through the same Location or an equal
one, several lists, inactive entries, origin checks that decide something else) it reports what
the former loop reported, hit for hit; and it asks `parsed` what the rules' own call answers."""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import pairwise

from origins_lint.model import (
    EXACT_ENGINE,
    OKTA_EXACT,
    CorsContext,
    Decision,
    Document,
    Gate,
    Location,
    OriginMatcher,
    Setting,
    Status,
)
from origins_lint.origins import matcher_kind
from origins_lint.rules import facts, syntax
from origins_lint.rules.registry import Hit, RuleSettings


def _as_before(document: Document) -> Iterator[Hit]:
    """`_duplicates` before: every entry's place in the set."""
    lists: dict[str | None, list[tuple[frozenset[str], OriginMatcher]]] = {}
    placed: set[tuple[str | None, str, int, int, int, int]] = set()
    for context, matcher in document.matchers(decisions=True):
        at = matcher.location
        key = (matcher.scope, at.path, at.line, at.column, at.end_line, at.end_column)
        if key not in placed:
            placed.add(key)
            lists.setdefault(matcher.scope, []).append((context.scopes.value, matcher))
    for entries in lists.values():
        yield from syntax._duplicates_in(entries)


_ORIGINS = [
    "https://a.example.com",
    "https://b.a.example.com",
    "https://*.example.com",
    "https://*.a.example.com",
    "http://a.example.com",
    "HTTPS://a.example.com",
    "https://a.example.com/",
    "https://c.example.org",
    "*",
]


def _place(rng: random.Random, pool: list[Location], ordered: bool) -> Location:
    """The next entry's place: after the one before (a reader's document), or anywhere (several
    contexts seeing one place, through the same Location or an equal one; another file)."""
    last = pool[-1] if pool else Location("export.json", 1, 1, 1, 2)
    if ordered:
        if rng.random() < 0.3:
            line, column = last.line, last.column + rng.randint(1, 5)
        else:
            line, column = last.line + rng.randint(1, 3), rng.choice([1, 3, 5, 9])
        return Location(last.path, line, column, line, column + rng.choice([5, 20]))
    roll = rng.random()
    if pool and roll < 0.1:
        return rng.choice(pool)
    if pool and roll < 0.2:
        seen = rng.choice(pool)
        return Location(seen.path, seen.line, seen.column, seen.end_line, seen.end_column)
    line = max(last.line + (rng.choice([0, 0, 1, 2]) if roll < 0.9 else -rng.randint(1, 3)), 0)
    path = "export.json" if rng.random() < 0.95 else "other.json"
    column = rng.choice([1, 3, 5, 9])
    return Location(path, line, column, line, column + rng.choice([5, 20]))


def _document(rng: random.Random) -> Document:
    pool: list[Location] = []
    contexts = []
    ordered = rng.random() < 0.5
    for _ in range(rng.randint(1, 25)):
        matchers = []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            at = _place(rng, pool, ordered)
            pool.append(at)
            raw = rng.choice(_ORIGINS)
            matchers.append(
                OriginMatcher(
                    matcher_kind(raw),
                    raw,
                    at,
                    rng.choice([OKTA_EXACT, EXACT_ENGINE]),
                    Status.INACTIVE if rng.random() < 0.05 else Status.ACTIVE,
                    scope=rng.choice([None, None, None, "map-1", "map-2"]),
                )
            )
        scopes = rng.choice([frozenset({"cors"}), frozenset({"cors", "redirect"}), frozenset({"redirect"})])
        decision = Decision(Gate.FLAG, "a flag", pool[-1]) if rng.random() < 0.05 else None
        contexts.append(CorsContext(matchers, pool[-1], scopes=Setting(scopes, None), decision=decision))
    return Document(path="export.json", format="okta", location=pool[0], contexts=contexts)


def test_random_documents_report_what_the_former_loop_reported() -> None:
    rng = random.Random(3021)
    reported = in_order = 0
    for _ in range(3000):
        document = _document(rng)
        expected = list(_as_before(document))
        facts.forget()
        assert list(syntax._duplicates(document, RuleSettings())) == expected, document
        facts.forget()
        reported += len(expected)
        places = [(m.location.path, m.location.line, m.location.column) for _, m in document.matchers(True)]
        in_order += all(a[0] == b[0] and a[1:] < b[1:] for a, b in pairwise(places))
    assert reported > 3000 and in_order > 300


def test_answers_kept_for_other_matchers_are_not_taken() -> None:
    """`parsed_by_id` is read only for the matcher it was asked about: an answer kept under an id
    whose matcher is another object is not this matcher's."""
    first = OriginMatcher(
        matcher_kind("https://a.example"), "https://a.example", Location("e.json", 1, 1, 1, 9), OKTA_EXACT
    )
    second = OriginMatcher(
        matcher_kind("https://a.example/"), "https://a.example/", Location("e.json", 2, 1, 2, 9), OKTA_EXACT
    )
    facts.parsed(first)
    known = facts.parsed_by_id()
    known[id(second)] = known[id(first)]  # as if `second` took `first`'s place under a reused id
    try:
        entries = [(frozenset({"cors"}), first), (frozenset({"cors"}), second)]
        assert list(syntax._duplicates_in(entries)) == []  # `second` has a path: not `ok`, never twice
    finally:
        facts.forget()
