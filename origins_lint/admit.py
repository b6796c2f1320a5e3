"""Whether one entry admits one origin, under the semantics of the system that reads it.

The `match` command answers "would https://evil.example.net get in?" with this;
it runs the same bounded automata as the rules, never a backtracking engine.

The answer has three values, so that a script never takes "could not tell" for
"safe": trusted (an entry admits the origin for sure), not trusted (every entry
was analysed and none admits it), unknown (none admits it for sure, but an entry
that was not analysed might: a regex the analysis does not model, a value left
as a template placeholder, or what a parser reported as not analysed or unread).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from enum import StrEnum

from origins_lint import formats
from origins_lint.exact import exact_admits, null_admits, served, wildcard_admits
from origins_lint.model import (
    PLACEHOLDER,
    CorsContext,
    Engine,
    Location,
    MatcherKind,
    OriginMatcher,
    ParsedFile,
    ProblemKind,
)
from origins_lint.rules.facts import AFFIXES, analysis, regex

# what a parser reports about text it did not read: such text may hold an entry that admits the origin
UNREAD = (ProblemKind.NOT_ANALYSED, ProblemKind.UNKNOWN_FORMAT)
# entries written as list items, which an engine may skip (Engine.served)
LISTED = (MatcherKind.EXACT, MatcherKind.WILDCARD, MatcherKind.NULL)
# placeholders a template engine fills in later: `{{ .Values.origin }}`, `${domain}`


class Verdict(StrEnum):
    TRUSTED = "trusted"  # exit 0
    NOT_TRUSTED = "not-trusted"  # exit 1
    UNKNOWN = "unknown"  # exit 3

    @property
    def exit_code(self) -> int:
        return {Verdict.TRUSTED: 0, Verdict.NOT_TRUSTED: 1, Verdict.UNKNOWN: 3}[self]


@dataclass(frozen=True, slots=True)
class Admission:
    context: CorsContext
    matcher: OriginMatcher

    @property
    def credentials(self) -> bool:
        """Whether the origin reads credentialed responses: never through a literal `*`."""
        return self.context.credentials_for(self.matcher)


@dataclass(frozen=True, slots=True)
class Undecided:
    """An entry, or a piece of a file, that might admit the origin: we cannot tell."""

    location: Location
    reason: str
    context: CorsContext | None = None  # None for text a parser did not read
    matcher: OriginMatcher | None = None
    kind: str = "not-analysed"  # the matcher's kind, or the problem's

    @property
    def credentials(self) -> bool | None:
        if self.context is None or self.matcher is None:
            return None
        return self.context.credentials_for(self.matcher)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A configuration the engine refuses, or a response the browser refuses: it admits nothing."""

    location: Location
    reason: str


@dataclass(slots=True)
class Answer:
    admitted: list[Admission] = field(default_factory=list)
    undecided: list[Undecided] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)  # the engine or the browser refuses: nothing gets in

    @property
    def verdict(self) -> Verdict:
        if self.admitted:
            return Verdict.TRUSTED
        return Verdict.UNKNOWN if self.undecided else Verdict.NOT_TRUSTED


def decide(matcher: OriginMatcher, origin: str) -> bool | None:
    """Whether the entry admits the origin; None when it was not analysed and so might."""
    kind = matcher.kind
    if kind is MatcherKind.REFLECTED and matcher.runs is not None:
        return _echoed(matcher.runs, origin)
    if kind in (MatcherKind.ANY, MatcherKind.REFLECTED):
        return True
    if kind in (MatcherKind.EXACT, MatcherKind.WILDCARD) and PLACEHOLDER.search(matcher.raw):
        return _templated(matcher.raw, origin)
    if kind in LISTED and not served(matcher.raw, matcher.engine):
        return False  # the engine skips the item (ingress-nginx: not `scheme://host[:port]`)
    if kind is MatcherKind.NULL:
        return null_admits(origin, matcher.engine)
    if kind is MatcherKind.EXACT:
        return exact_admits(matcher.raw, origin, matcher.engine)
    if kind is MatcherKind.WILDCARD:
        return wildcard_admits(matcher.raw, origin, matcher.engine)
    if kind is MatcherKind.REGEX or kind in AFFIXES:
        found = analysis(matcher)  # regexes, and prefix/suffix/contains as their regex
        return None if found is None else found.decides(origin)
    return False  # a kind that admits no origin (a request path sent where an origin belongs)


def admits(matcher: OriginMatcher, origin: str) -> bool:
    """Whether the entry admits the origin for sure."""
    return decide(matcher, origin) is True


def _echoed(runs: tuple[str, Engine], origin: str) -> bool:
    """A value that sends request text inside fixed text (nginx `https://$1` of a URL capture): the
    browser compares the whole value with its Origin byte for byte, so only what it can send gets
    in; where that cannot be decided, every origin does (as for any reflected entry)."""
    found = regex(*runs)
    decided = found.decides(origin) if found.analysed else None
    return True if decided is None else decided


def _templated(raw: str, origin: str) -> bool | None:
    """A value with placeholders: its fixed text can rule an origin out (`http://${domain}` never
    admits an `https://` origin), never in."""
    pieces = PLACEHOLDER.split(raw)
    shape = ".*".join(re.escape(piece) for piece in pieces)
    return None if re.fullmatch(shape, origin, re.DOTALL) else False


def _why_undecided(matcher: OriginMatcher) -> str:
    if matcher.kind in (MatcherKind.EXACT, MatcherKind.WILDCARD):
        return "it is a template placeholder, filled in later"
    if matcher.kind is MatcherKind.REGEX:
        found = regex(matcher.raw, matcher.engine)
        reason = found.unsupported or found.error
        if reason is not None:
            return reason
    return "deciding it takes more than the analysis allows (`max-regex-steps`)"


ALLOW_ORIGIN = "access-control-allow-origin"


def browser_refuses(context: CorsContext, matcher: OriginMatcher) -> Refusal | None:
    """A response the browser rejects whatever the Origin: `Access-Control-Allow-Origin` sent twice,
    or one value that lists several origins (the Fetch standard's CORS check compares the one value
    with the serialized Origin, byte for byte)."""
    sent = [header for header in context.headers if header.key == ALLOW_ORIGIN]
    if len(sent) > 1:
        return Refusal(
            sent[1].location,
            "`Access-Control-Allow-Origin` is sent twice in this response: browsers reject it",
        )
    for header in sent:
        if header.value_location == matcher.location and len(header.items) > 1:
            return Refusal(
                header.value_location,
                f"`{header.value}` lists {len(header.items)} origins in one `Access-Control-Allow-Origin`: "
                "browsers reject it",
            )
    return None


def answer(files: list[ParsedFile], origin: str) -> Answer:
    """Every active entry that admits the origin, and every one (or unread text) that might.

    One nginx entry serves several locations; it is listed again only when it is used there
    with different credentials. A file another one includes is answered for there, where its
    variables are set (as `check` reports it), not again on its own.
    """
    result = Answer()
    seen: set[tuple[object, ...]] = set()
    covered = {
        real for parsed in files for path in parsed.included if (real := _real(path)) != _real(parsed.path)
    }
    for parsed in files:
        if _real(parsed.path) in covered:
            continue
        # a templated entry kept as a matcher answers for itself (its fixed text can rule an origin
        # out): the OL004 said at the same place is not read as text that might admit anything
        templated = {
            m.location for d in parsed.documents for _c, m in d.matchers() if PLACEHOLDER.search(m.raw)
        }
        for problem in parsed.problems:
            where = problem.location
            spot = (_real(where.path), where.line, where.column, problem.message)
            if problem.kind in UNREAD and spot not in seen and where not in templated:
                seen.add(spot)
                result.undecided.append(Undecided(problem.location, problem.message, kind=problem.kind.value))
        for document in parsed.documents:
            result.refused.extend(Refusal(c.location, c.rejected) for c in document.contexts if c.rejected)
            for context, matcher in document.matchers():
                at = matcher.location
                key = (_real(at.path), at.line, at.column, matcher.raw, context.credentials_for(matcher))
                if key in seen or context.rejected is not None:
                    continue
                refused = browser_refuses(context, matcher)
                if refused is not None:
                    if refused not in result.refused:
                        result.refused.append(refused)
                    continue
                decided = decide(matcher, origin)
                if decided is True:
                    seen.add(key)
                    result.admitted.append(Admission(context, matcher))
                elif decided is None:
                    seen.add(key)
                    result.undecided.append(
                        Undecided(
                            matcher.location, _why_undecided(matcher), context, matcher, matcher.kind.value
                        )
                    )
    return result


def _real(path: str) -> str:
    """The file a path stands for, as `check` resolves it (symlinks, a copy of /etc/nginx)."""
    return os.path.realpath(formats.stand_in(path) or path)
