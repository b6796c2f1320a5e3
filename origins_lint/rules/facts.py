"""Per-matcher facts that several rules share, computed once per distinct matcher.

Rules ask questions ("which hosts does this entry name?", "what origin gets past
this regex?"); the answers come from origin parsing and regex analysis, cached
by the matcher's text and engine, so that twenty rules cost one analysis.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Final, TypeVar

from origins_lint import limits
from origins_lint.limits import Limits
from origins_lint.model import PLACEHOLDER, Engine, MatcherKind, MatchMode, OriginMatcher
from origins_lint.origins import (
    ORIGIN_CACHE,
    HostClass,
    OriginText,
    WildcardHost,
    local_class,
    read_origin,
    read_wildcard_host,
    usual_origin,
)
from origins_lint.records import record

if TYPE_CHECKING:  # the automata are imported when an entry is a regex or an affix
    from origins_lint.matchers import Candidate, RegexAnalysis

WEB = ("http", "https", "ws", "wss")


def origin_text(raw: str, wildcard: bool) -> OriginText:
    """`read_origin`'s answer: the usual text read again (one regex match costs less than the
    cache's lookup and insertion, and a 50,000-origin export holds each origin once, issue 21),
    any other kept."""
    usual = usual_origin(raw)
    return usual if usual is not None else _origin_text(raw, wildcard)


@lru_cache(maxsize=ORIGIN_CACHE)
def _origin_text(raw: str, wildcard: bool) -> OriginText:
    return read_origin(raw, allow_wildcard=wildcard)


def regex(raw: str, engine: Engine) -> RegexAnalysis:
    """The analysis of ``raw`` under ``engine``: one per pattern (``_regex``), and the last one
    asked kept by identity, since the rules ask it of each entry in turn (hashing the engine and
    the limits for the cache each time was most of the asking, issue 21)."""
    bounds = limits.active()
    last = _LAST_REGEX[0]
    if last is not None and last[0] is raw and last[1] is engine and last[2] is bounds:
        return last[3]
    found = _regex(raw, engine, bounds)
    _LAST_REGEX[0] = (raw, engine, bounds, found)
    return found


_LAST_REGEX: list[tuple[str, Engine, Limits, RegexAnalysis] | None] = [None]


@lru_cache(maxsize=4096)
def _regex(raw: str, engine: Engine, bounds: Limits) -> RegexAnalysis:
    from origins_lint.matchers import analyse_regex

    return analyse_regex(raw, engine, bounds)


# `parsed` per matcher object, for the document the rules are reading: twenty rules ask it of each
# entry (1.1 million calls for a 50,000-origin Okta export, a fifth of the run, issue 21); file_check
# forgets it after each file. The matcher is kept beside its answer so that an id is never reused.
_PARSED: dict[int, tuple[OriginMatcher, OriginText | None]] = {}
# the matcher asked last and its answer: the rules read a document entry by entry, all of them
# about one matcher before the next, so this answers most questions without a lookup
_LAST: list[tuple[OriginMatcher | None, OriginText | None]] = [(None, None)]


def parsed(matcher: OriginMatcher) -> OriginText | None:
    """The origin text of an exact or wildcard matcher (none for a template's: it is not known yet)."""
    last = _LAST[0]
    if last[0] is matcher:
        return last[1]
    known = _PARSED.get(id(matcher))
    if known is not None and known[0] is matcher:
        _LAST[0] = known
        return known[1]
    text = None
    raw = matcher.raw
    if matcher.kind in (MatcherKind.EXACT, MatcherKind.WILDCARD) and (
        "{" not in raw or not PLACEHOLDER.search(raw)
    ):
        text = origin_text(raw, matcher.kind is MatcherKind.WILDCARD)
    _PARSED[id(matcher)] = _LAST[0] = (matcher, text)
    return text


def parsed_by_id() -> dict[int, tuple[OriginMatcher, OriginText | None]]:
    """`parsed`'s answers so far, by the matcher's id, with the matcher (check it is the one asked
    about: an id is reused once its object is freed); only to read, in a loop over many entries."""
    return _PARSED


def forget() -> None:
    """Drop the per-matcher answers of the file just checked (its matchers may be freed now)."""
    _PARSED.clear()
    _LAST[0] = (None, None)
    _NAMED[0] = (None, [])
    _WILD[0] = (None, None)


def plain_https(matcher: OriginMatcher) -> bool:
    """An exact origin written as browsers send it (no problem, no quirk), over `https://`, on a host
    that is not loopback, private, an IP address or a code playground: the entry most exports are
    made of, about which most rules have nothing to say (`per_matcher(..., quiet_on_https=True)`).
    The rules ask `plain_scheme`, which answers this and its `http` twin in one look; this is its
    `https` answer spelled out, which tests/test_okta_speed_http.py holds it to."""
    if matcher.kind is not MatcherKind.EXACT:
        return False
    text = parsed(matcher)
    return (
        text is not None
        and text.scheme == "https"
        and text.canonical == matcher.raw
        and not text.problems
        and not text.quirks
        and local_class(text.host) is None
    )


_PLAIN_SCHEMES: Final = frozenset({"https", "http"})


def plain_scheme(matcher: OriginMatcher) -> str | None:
    """`https` for a `plain_https` entry; `http` for the same over `http://` (no problem, no quirk,
    a host that is not local, an IP address or a playground: OL201's alone, with OL004 and OL703,
    `per_matcher(..., quiet_on_http=True)`); else None. One look for both (issue 21)."""
    if matcher.kind is not MatcherKind.EXACT:
        return None
    text = parsed(matcher)
    if (
        text is not None
        and text.canonical == matcher.raw
        and not text.problems
        and not text.quirks
        and text.scheme in _PLAIN_SCHEMES
        and local_class(text.host) is None
    ):
        return text.scheme
    return None


AFFIXES = (MatcherKind.PREFIX, MatcherKind.SUFFIX, MatcherKind.CONTAINS)
# the kinds `analysis` answers for (a regex, and an affix as its regex); None for every other
ANALYSED = (MatcherKind.REGEX, *AFFIXES)


def analysis(matcher: OriginMatcher) -> RegexAnalysis | None:
    """The automaton of a regex, or of the regex equivalent to a prefix, suffix or contains matcher."""
    if matcher.kind is MatcherKind.REGEX:
        result = regex(matcher.raw, matcher.engine)
    elif matcher.kind in AFFIXES:
        from origins_lint.matchers import affix_pattern

        engine = Engine(matcher.engine.name, MatchMode.SEARCH, matcher.engine.case_sensitive)
        result = regex(affix_pattern(matcher.kind.value, matcher.raw), engine)
    else:
        return None
    return result if result.analysed else None


# the scheme facts of each regex analysis (one per distinct pattern, `_regex`): OL201 and OL202 ask
# them of every entry with that pattern, each asking runs the automaton on a few origins (issue 21)
_T = TypeVar("_T")
_SCHEMES: dict[int, tuple[RegexAnalysis, tuple[bool, bool]]] = {}
_ANY_SCHEME: dict[int, tuple[RegexAnalysis, str | None]] = {}
_SHARED_HOST: dict[int, tuple[RegexAnalysis, tuple[str, Candidate] | None]] = {}
_KEPT = 8192  # answers kept before starting afresh (patterns past the analysis cache's size)


def schemes(found: RegexAnalysis) -> tuple[bool, bool]:
    """`found.schemes()`, worked out once per analysis."""
    return _once(_SCHEMES, found, found.schemes)


def any_scheme(found: RegexAnalysis) -> str | None:
    """`found.any_scheme()`, worked out once per analysis."""
    return _once(_ANY_SCHEME, found, found.any_scheme)


def shared_host(found: RegexAnalysis) -> tuple[str, Candidate] | None:
    """`found.shared_host()`, worked out once per analysis (OL303 asks it of every entry, and
    `explain` of every pattern)."""
    return _once(_SHARED_HOST, found, found.shared_host)


def _once(kept: dict[int, tuple[RegexAnalysis, _T]], found: RegexAnalysis, compute: Callable[[], _T]) -> _T:
    """One answer per analysis object, kept by its id (with the object, so a reused id is no hit)."""
    known = kept.get(id(found))
    if known is not None and known[0] is found:
        return known[1]
    if len(kept) >= _KEPT:
        kept.clear()
    answer = compute()
    kept[id(found)] = (found, answer)
    return answer


# the matcher `wildcard` answered last, and its answer: four rules and `named_hosts` ask it of
# each wildcard entry in turn (13,000 splits of 3,300 hosts in a 50,000-origin export, issue 21)
_WILD: list[tuple[OriginMatcher | None, WildcardHost | None]] = [(None, None)]


def wildcard(matcher: OriginMatcher) -> WildcardHost | None:
    if matcher.kind is not MatcherKind.WILDCARD:
        return None
    last = _WILD[0]
    if last[0] is matcher:
        return last[1]
    text = parsed(matcher)
    found = read_wildcard_host(text.host) if text is not None and text.ok else None
    _WILD[0] = (matcher, found)
    return found


@record(frozen=True, slots=True)
class NamedHost:
    scheme: str
    host: str  # for wildcards, the fixed part
    origin: str  # as written (exact), or a sample the regex accepts


# the matcher `named_hosts` answered last, and its answer: five rules ask it of each entry in turn
# (OL201, OL501-OL503, OL703), one after the other (issue 21); callers only read the list
_NAMED: list[tuple[OriginMatcher | None, list[NamedHost]]] = [(None, [])]


def named_hosts(matcher: OriginMatcher) -> list[NamedHost]:
    """The web hosts an entry was written for: its own host, a wildcard's fixed part, a regex's intent."""
    last = _NAMED[0]
    if last[0] is matcher:
        return last[1]
    found = _named_hosts(matcher)
    _NAMED[0] = (matcher, found)
    return found


def _named_hosts(matcher: OriginMatcher) -> list[NamedHost]:
    text = parsed(matcher)
    if text is not None:
        if not text.ok or text.scheme not in WEB:
            return []
        spot = wildcard(matcher)
        host = spot.fixed if spot is not None else text.host
        return [NamedHost(text.scheme, host, text.canonical or matcher.raw)] if host else []
    found = analysis(matcher)
    if found is None:
        return []
    return _once(_HOSTS, found, lambda: _regex_hosts(found))


# `_regex_hosts` of each analysis: the rules ask `named_hosts` of every entry, and the entries of a
# corpus share their patterns (1,900 regex entries, 600 patterns in the nginx bench, issue 21)
_HOSTS: dict[int, tuple[RegexAnalysis, list[NamedHost]]] = {}


def _regex_hosts(found: RegexAnalysis) -> list[NamedHost]:
    """The web hosts a regex (or an affix's) was written for: its intent, then the local ones."""
    hosts = []
    for origin, host, fixed in found.intended:
        scheme = origin.partition("://")[0]
        if scheme in WEB:
            hosts.append(NamedHost(scheme, fixed or host, origin))
    return hosts + _local_hosts(found, {named.host for named in hosts})


_LOCAL: Final = frozenset({HostClass.LOOPBACK, HostClass.PRIVATE, HostClass.IP_PUBLIC})


def _local_hosts(found: RegexAnalysis, named: set[str]) -> list[NamedHost]:
    r"""The loopback, private-network and IP hosts a regex admits beside public names.

    `intended` keeps only hosts under a known public suffix when there are some, which drops
    `localhost:3000` from `^https?://(.+\.)?(localhost:3000|app\.example\.com)$`: the regex
    still trusts it, so the OL5xx rules must see it (they were silent there)."""
    out: list[NamedHost] = []
    for witness in found.witnesses:
        text = witness.text if "://" in witness.text else "https://" + witness.text
        origin = read_origin(text)
        scheme = text.partition("://")[0]
        host = origin.host
        if not origin.ok or not host or host in named or scheme not in WEB or not found.accepts(text):
            continue
        if local_class(host) in _LOCAL:
            named.add(host)
            out.append(NamedHost(scheme, host, origin.canonical or text))
    return out
