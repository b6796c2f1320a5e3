"""Whether one entry admits only origins that other entries admit, decided on the automata.

A browser's `Origin` header is a serialized origin (Fetch standard, "serialization of an
origin"): `scheme://host[:port]` in lower case, IDNs in punycode, or `null`. Its alphabet is
finite and small, so "does the config pattern admit an origin no policy entry admits?" is a
walk over the product of the entries' automata (the same bounded lazy DFAs the rules run,
`matchers.Automaton`), one character of that alphabet at a time, breadth first, together with
an automaton of the origin's shape. Each entry is matched under its own engine's semantics
(search or full match, case folding, dialect), as `admit.admits` does for one origin.

The walk is bounded: past `max-regex-states` product states it stops and says so (undecided),
never "contained". Before walking, the origins a reviewer recognizes (the attack candidates
the rules already build, an attacker's host) are tried, so that a counterexample reads as one.
"""

from __future__ import annotations

import re
import string
from collections import deque
from dataclasses import dataclass
from functools import lru_cache

from origins_lint import limits
from origins_lint.admit import LISTED, admits
from origins_lint.exact import served
from origins_lint.limits import Limits
from origins_lint.matchers import ATTACKER, Automaton, RegexAnalysis, analyse_regex
from origins_lint.model import PLACEHOLDER, Engine, MatcherKind, MatchMode, OriginMatcher
from origins_lint.origins import read_origin
from origins_lint.rules.facts import analysis, parsed, wildcard

# what a browser can put in `Origin` besides `null` (brackets for IPv6 hosts)
ALPHABET = string.ascii_lowercase + string.digits + "-.:/[]"
_FULL = Engine("origin-shape", MatchMode.FULL, case_sensitive=True)
# tried first, so that a counterexample is an origin a reviewer recognizes
_WEB_SHAPE = r"https?://[a-z0-9-]+(\.[a-z0-9-]+)*(:[0-9]{1,5})?"
_ANY_SHAPE = r"[a-z][a-z0-9+.-]*://([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:[0-9]{1,5})?"


@dataclass(frozen=True, slots=True)
class Beyond:
    """The answer: ``origin`` gets in past the entry and past none of the others; ``reason`` when
    it could not be decided; both None when every origin the entry admits is admitted there too."""

    origin: str | None = None
    reason: str | None = None

    @property
    def contained(self) -> bool:
        return self.origin is None and self.reason is None


def automaton_of(matcher: OriginMatcher) -> Automaton | str:
    """The automaton of what an entry admits, or why there is none.

    Where the engine runs a regex built from the entry (`OriginMatcher.runs`: ingress-nginx's
    `(null)$` searched without case, Envoy Gateway's `.*` for a `*`, nginx's `https://$1`), that
    regex is what admits, as `admit.decide` reads it; an entry the engine skips admits nothing.
    """
    kind = matcher.kind
    if kind in LISTED and not served(matcher.raw, matcher.engine):
        return _compiled(r"[^\s\S]", _FULL)  # ingress-nginx drops an item that is not `scheme://host`
    if matcher.runs is not None:
        ran = _analysed(*matcher.runs, limits.active())
        if ran.automaton is not None:
            return ran.automaton
        if kind is MatcherKind.REFLECTED:  # as `admit._echoed`: undecided, every origin gets in
            return _compiled(".+", _FULL)
        return f"`{matcher.runs[0]}`, the regex the engine runs for `{matcher.raw}`, was not analysed"
    if kind in (MatcherKind.ANY, MatcherKind.REFLECTED):
        return _compiled(".+", _FULL)
    if kind is MatcherKind.NULL:
        return _compiled("null", _FULL)
    if kind is MatcherKind.PATH:
        return _compiled(r"[^\s\S]", _FULL)  # a request path: never an origin
    if kind in (MatcherKind.EXACT, MatcherKind.WILDCARD):
        if PLACEHOLDER.search(matcher.raw):
            return f"`{matcher.raw}` holds a template placeholder, filled in later"
        text = parsed(matcher)
        if kind is MatcherKind.EXACT:
            target = text.canonical if text is not None and text.ok and text.canonical else matcher.raw
            return _entry(re.escape(target.lower()), matcher.raw)
        # as `admit.admits` compares wildcards: each `*` is one run of host characters
        parts = [re.escape(p) for p in matcher.raw.lower().split("*")]
        return _entry("[^/:@]+".join(parts), matcher.raw)
    found = analysis(matcher)
    if found is None or found.automaton is None:
        raw = matcher.raw
        return f"`{raw}` was not analysed (OL004 says why)"
    return found.automaton


@lru_cache(maxsize=1024)
def _analysed(pattern: str, engine: Engine, bounds: Limits) -> RegexAnalysis:
    return analyse_regex(pattern, engine, bounds)


def _compiled(pattern: str, engine: Engine) -> Automaton:
    """One of our own small patterns: compiled within the default bounds, whatever the run's are."""
    found = _analysed(pattern, engine, limits.DEFAULT).automaton
    assert found is not None, pattern
    return found


def _entry(pattern: str, raw: str) -> Automaton | str:
    """An exact or wildcard entry as a pattern, within the run's bounds (a huge entry can exceed them)."""
    found = _analysed(pattern, _FULL, limits.active())
    if found.automaton is None:
        return f"`{raw}` is too large to compare ({found.unsupported or found.error})"
    return found.automaton


def candidates(matcher: OriginMatcher) -> list[str]:
    """Origins a reviewer recognizes that the entry may admit: its own, and an attacker's."""
    out = [f"https://{ATTACKER}", f"http://{ATTACKER}", "null"]
    text = parsed(matcher)
    if text is not None and text.ok and text.canonical:
        out.insert(0, text.canonical)
    spot = wildcard(matcher)
    if spot is not None and spot.fixed and text is not None:
        out[:0] = [f"{text.scheme}://attacker.{spot.fixed}", f"{text.scheme}://anything.{spot.fixed}"]
    found = analysis(matcher)
    if found is not None:
        for probe in (found.unanchored, found.unescaped_dot, found.too_broad):
            hit = probe()
            if hit is not None:
                out.insert(0, hit.origin)
        spotted = found.wildcard()
        if spotted is not None:
            out.insert(0, spotted[1].origin)
        out[:0] = [origin for origin, _host, _fixed in found.intended]
    return [origin for origin in dict.fromkeys(out) if origin == "null" or _serialized(origin)]


def _serialized(text: str) -> bool:
    """Whether a browser could send ``text`` as it is (no path, lower case, no default port)."""
    found = read_origin(text)
    return found.ok and found.canonical == text


def beyond(matcher: OriginMatcher, others: list[OriginMatcher], web_only: bool = False) -> Beyond:
    """An origin ``matcher`` admits and none of ``others`` does, or None when there is none.

    ``web_only``: look among `http(s)://host[:port]` origins (and the candidates) only, the ones a
    browser sends from a page; other schemes with a host come from no web page."""
    for origin in candidates(matcher):
        if admits(matcher, origin) and not any(admits(other, origin) for other in others):
            return Beyond(origin=origin)
    mine = automaton_of(matcher)
    if isinstance(mine, str):
        return Beyond(reason=mine)
    theirs: list[Automaton] = []
    for other in others:
        built = automaton_of(other)
        if isinstance(built, str):
            return Beyond(reason=f"the policy entry {built}")
        theirs.append(built)
    if any(not a.position_free for a in (mine, *theirs)):
        return Beyond(reason=f"`{matcher.raw}` or a policy entry uses `\\b` or multi-line anchors")
    for shape in (_WEB_SHAPE,) if web_only else (_WEB_SHAPE, _ANY_SHAPE):
        found = _walk([_compiled(shape, _FULL), mine], theirs)
        if found is not None:
            return found
    return Beyond()


def _walk(wanted: list[Automaton], refused: list[Automaton]) -> Beyond | None:
    """Breadth first over texts of ``ALPHABET``: the shortest one every ``wanted`` automaton accepts
    and no ``refused`` one does; None when there is none (within the bound: else `Beyond.reason`)."""
    bound = limits.active().regex_states
    machines = [*wanted, *refused]
    first = tuple((*m.begin(), m.mode is MatchMode.SEARCH) for m in machines)
    start = tuple((states, matched and search) for states, matched, search in first)
    queue: deque[tuple[tuple[tuple[frozenset[int], bool], ...], str]] = deque([(start, "")])
    seen = {start}
    while queue:
        node, text = queue.popleft()
        for char in ALPHABET:
            ends = [m.advance(states, char, True) for m, (states, _) in zip(machines, node, strict=True)]
            accepted = [sticky or matched for (_, sticky), (_, matched) in zip(node, ends, strict=True)]
            if all(accepted[: len(wanted)]) and not any(accepted[len(wanted) :]):
                return Beyond(origin=text + char)
            nxt = []
            for m, (states, sticky) in zip(machines, node, strict=True):
                moved, matched = m.advance(states, char, False)
                nxt.append((moved, sticky or (matched and m.mode is MatchMode.SEARCH)))
            key = tuple(nxt)
            dead = any(not states and not sticky for states, sticky in key[: len(wanted)])
            if dead or key in seen or any(sticky for _, sticky in key[len(wanted) :]):
                continue
            if len(seen) >= bound:
                return Beyond(
                    reason=f"deciding it takes more than {bound:,} automaton states "
                    "(the limit is `max-regex-states`)"
                )
            seen.add(key)
            queue.append((key, text + char))
    return None


def overlap(left: OriginMatcher, right: OriginMatcher) -> bool:
    """Whether some origin gets past both entries; True when it cannot be decided (never a false "no")."""
    for origin in [*candidates(left), *candidates(right)]:
        if admits(left, origin) and admits(right, origin):
            return True
    built = [automaton_of(left), automaton_of(right)]
    machines = [b for b in built if not isinstance(b, str)]
    if len(machines) < len(built) or any(not m.position_free for m in machines):
        return True
    for shape in (_WEB_SHAPE, _ANY_SHAPE):
        found = _walk([_compiled(shape, _FULL), *machines], [])
        if found is not None:
            return True
    return False
