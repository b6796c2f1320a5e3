"""OL103 looks each exact origin up among the wildcards' suffixes of its prefix
(`syntax._duplicates_in`, issue 21): on seeded random lists of exact and wildcard origins
(schemes, ports, nested and partial wildcards, repeats, scopes) it reports what the former
lookup reported, hit for hit."""

from __future__ import annotations

import random
from collections.abc import Iterator

from origins_lint.model import EXACT_ENGINE, OKTA_EXACT, Location, MatcherKind, OriginMatcher
from origins_lint.origins import matcher_kind
from origins_lint.rules import facts, syntax
from origins_lint.rules.registry import Hit


def _as_before(entries: list[tuple[frozenset[str], OriginMatcher]]) -> Iterator[Hit]:
    """`_duplicates_in` before: the exact origins' loop sliced each key and looked up a tuple."""
    seen: dict[str, OriginMatcher] = {}
    wildcards: list[tuple[str, str, frozenset[str], OriginMatcher]] = []
    exacts: list[tuple[str, frozenset[str], OriginMatcher]] = []
    hits = []
    for scopes, matcher in entries:
        text = facts.parsed(matcher)
        if text is None or text.problems or text.canonical is None:
            continue
        key = text.canonical
        if matcher.kind is MatcherKind.EXACT and not syntax._matches_as_sent(matcher, key):
            continue
        if key in seen:
            first = seen[key]
            hits.append(("twice", matcher, first))
            continue
        seen[key] = matcher
        spot = facts.wildcard(matcher) if matcher.kind is MatcherKind.WILDCARD else None
        if spot is not None and spot.leftmost_only and not spot.partial:
            prefix = key.replace(text.host, "", 1)
            suffix = "." + spot.fixed + (f":{text.port}" if text.port else "")
            wildcards.append((prefix, suffix, scopes, matcher))
        elif matcher.kind is MatcherKind.EXACT:
            exacts.append((key, scopes, matcher))
    shapes: dict[tuple[str, str], list[tuple[int, frozenset[str], OriginMatcher]]] = {}
    for index, (prefix, suffix, wide_scopes, wide) in enumerate(wildcards):
        shapes.setdefault((prefix, suffix), []).append((index, wide_scopes, wide))
    prefixes = list(dict.fromkeys(prefix for prefix, _, _, _ in wildcards))
    for key, scopes, matcher in exacts:
        covering: tuple[int, OriginMatcher] | None = None
        for prefix in prefixes:
            rest = key[len(prefix) :] if key.startswith(prefix) else ""
            dot = rest.find(".")
            if dot <= 0:
                continue
            for index, wide_scopes, wide in shapes.get((prefix, rest[dot:]), ()):
                if scopes <= wide_scopes:
                    if covering is None or index < covering[0]:
                        covering = (index, wide)
                    break
        if covering is not None:
            hits.append(("covered", matcher, covering[1]))
    return iter([_hit(kind, matcher, other) for kind, matcher, other in hits])


def _hit(kind: str, matcher: OriginMatcher, other: OriginMatcher) -> Hit:
    """The hit `_duplicates_in` writes for each kind, built from its own messages."""
    place = syntax._place(other, matcher)
    if kind == "twice":
        return Hit(
            matcher.location,
            f"`{matcher.raw}` is listed twice (first at {place}): remove "
            "one, and merge their settings so it is clear which apply",
            fix=syntax.Fix("remove the repeated entry", None) if other.raw == matcher.raw else None,
        )
    return Hit(
        matcher.location,
        f"`{matcher.raw}` is already covered by `{other.raw}` ({place}): remove it, or narrow the wildcard",
    )


def _entries(rng: random.Random) -> list[tuple[frozenset[str], OriginMatcher]]:
    schemes = ["https://", "http://", "HTTPS://", "wss://", ""]
    hosts = [
        "a.example.com",
        "b.a.example.com",
        "example.com",
        "x.example.org",
        "a..example.com",
        "localhost",
    ]
    wild = ["*.example.com", "*.a.example.com", "*.example.org", "a*.example.com", "*.*.example.com", "*"]
    ports = ["", "", ":8443", ":443", ":80", ":x"]
    scopes = [frozenset({"cors"}), frozenset({"cors", "redirect"}), frozenset({"redirect"})]
    found = []
    for line in range(rng.randint(1, 30)):
        raw = rng.choice(schemes) + rng.choice(hosts if rng.random() < 0.6 else wild) + rng.choice(ports)
        raw += rng.choice(["", "", "/", "."]) if rng.random() < 0.1 else ""
        matcher = OriginMatcher(
            matcher_kind(raw),
            raw,
            Location("export.json", line + 1, rng.choice([3, 5]), line + 1, 20),
            rng.choice([OKTA_EXACT, EXACT_ENGINE]),
        )
        found.append((rng.choice(scopes), matcher))
    return found


def test_random_lists_report_what_the_former_lookup_reported() -> None:
    rng = random.Random(2933)
    covered = twice = 0
    for _ in range(3000):
        entries = _entries(rng)
        expected = list(_as_before(entries))
        assert list(syntax._duplicates_in(entries)) == expected, [m.raw for _, m in entries]
        covered += sum("covered" in hit.message for hit in expected)
        twice += sum("twice" in hit.message for hit in expected)
        facts.forget()
    assert covered > 200 and twice > 200
