"""Whether one entry admits one origin, under the semantics of the system that reads it.

The `match` command answers "would https://evil.example.net get in?" with this;
it runs the same bounded automata as the rules, never a backtracking engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from origins_lint.model import CorsContext, MatcherKind, OriginMatcher, ParsedFile
from origins_lint.origins import read_origin
from origins_lint.rules.facts import analysis


@dataclass(frozen=True, slots=True)
class Admission:
    context: CorsContext
    matcher: OriginMatcher


def admits(matcher: OriginMatcher, origin: str) -> bool:
    kind = matcher.kind
    if kind in (MatcherKind.ANY, MatcherKind.REFLECTED):
        return True
    if kind is MatcherKind.NULL:
        return origin == "null"
    if kind is MatcherKind.EXACT:
        return _same_origin(matcher.raw, origin, matcher.engine.case_sensitive)
    if kind is MatcherKind.WILDCARD:
        parts = [re.escape(p) for p in matcher.raw.lower().split("*")]
        return re.fullmatch("[^/:@]+".join(parts), origin.lower()) is not None
    found = analysis(matcher)  # regexes, and prefix/suffix/contains as their regex
    return found is not None and found.accepts(origin)


def _same_origin(entry: str, origin: str, case_sensitive: bool) -> bool:
    if entry == origin or (not case_sensitive and entry.lower() == origin.lower()):
        return True
    left, right = read_origin(entry), read_origin(origin)
    return left.ok and right.ok and left.canonical is not None and left.canonical == right.canonical


def admissions(files: list[ParsedFile], origin: str) -> Iterator[Admission]:
    """Every active entry in the files that admits the origin, in file order, each once.

    One nginx entry serves several locations; it is listed again only when it
    is used there with different credentials.
    """
    seen: set[tuple[object, ...]] = set()
    for parsed in files:
        for document in parsed.documents:
            for context, matcher in document.matchers():
                key = (matcher.location, matcher.raw, context.with_credentials)
                if key not in seen and admits(matcher, origin):
                    seen.add(key)
                    yield Admission(context, matcher)
