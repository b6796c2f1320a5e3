"""What one entry admits, said plainly, with an origin outside its intent when there is one.

Nothing new is analysed here: the answers come from the facts the rules share
(`rules/facts.py`) and the regex analysis (`matchers.py`), so the inventory never
says less than `check` does. A counterexample is an origin the entry admits that its
author did not mean (an attacker's host past a missing anchor, an unescaped dot, a
public suffix), each verified on the automaton.
"""

from __future__ import annotations

from dataclasses import dataclass

from origins_lint.matchers import ATTACKER
from origins_lint.model import PLACEHOLDER, MatcherKind, OriginMatcher
from origins_lint.origins import is_public_suffix
from origins_lint.rules.facts import analysis, parsed, regex, wildcard

EXACT_KINDS = (MatcherKind.EXACT, MatcherKind.NULL)
MAX_NAMED = 4  # intended origins a description lists before "and more"


@dataclass(frozen=True, slots=True)
class Description:
    origin: str | None  # an exact entry: the origin as the engine compares it
    admits: str
    counterexample: str | None = None


def describe(matcher: OriginMatcher) -> Description:
    kind = matcher.kind
    if PLACEHOLDER.search(matcher.raw):
        return Description(None, f"what the template fills in for `{matcher.raw}` (not known before it is)")
    if kind is MatcherKind.EXACT:
        text = parsed(matcher)
        origin = text.canonical if text is not None and text.ok and text.canonical else matcher.raw
        if not matcher.engine.case_sensitive:
            origin = origin.lower()
        return Description(origin, f"`{origin}` only")
    if kind is MatcherKind.NULL:
        return Description(
            "null", "the `null` origin: sandboxed iframes and `file:` pages, which any site can make", "null"
        )
    if kind is MatcherKind.ANY:
        return Description(None, "any origin", f"https://{ATTACKER}")
    if kind is MatcherKind.REFLECTED:
        return Description(None, "any origin: the request's `Origin` is sent back", f"https://{ATTACKER}")
    if kind is MatcherKind.PATH:
        return Description(None, "nothing: a request path is never an origin")
    if kind is MatcherKind.WILDCARD:
        return _wildcard(matcher)
    return _pattern(matcher)


def _wildcard(matcher: OriginMatcher) -> Description:
    spot = wildcard(matcher)
    text = parsed(matcher)
    if spot is None or text is None or not spot.fixed:
        return Description(None, f"origins shaped like `{matcher.raw}`")
    scheme = text.scheme
    if is_public_suffix(spot.fixed):
        from origins_lint.rules.breadth import shared_description

        return Description(
            None, f"{shared_description(spot.fixed)} ({scheme})", f"{scheme}://attacker.{spot.fixed}"
        )
    return Description(None, f"every subdomain of `{spot.fixed}` ({scheme})")


def _pattern(matcher: OriginMatcher) -> Description:
    found = analysis(matcher)
    if found is None:
        reason = None
        if matcher.kind is MatcherKind.REGEX:
            failed = regex(matcher.raw, matcher.engine)
            reason = failed.unsupported or failed.error
        return Description(None, f"not analysed: {reason or 'the pattern cannot be read'} (OL004)")
    if found.matches_everything:
        return Description(None, "any origin", f"https://{ATTACKER}")
    counter = None
    for probe in (found.unanchored, found.unescaped_dot, found.too_broad):
        hit = probe()
        if hit is not None:
            counter = hit.origin
            break
    spot = found.wildcard()
    if spot is not None:
        fixed, sample = spot
        if is_public_suffix(fixed):
            from origins_lint.rules.breadth import shared_description

            return Description(None, shared_description(fixed), counter or sample.origin)
        base = f"every subdomain of `{fixed}`"
    else:
        named = list(dict.fromkeys(origin for origin, _host, _fixed in found.intended))
        shown = ", ".join(f"`{origin}`" for origin in named[:MAX_NAMED])
        more = f" and {len(named) - MAX_NAMED} more" if len(named) > MAX_NAMED else ""
        base = f"{shown}{more}" if shown else f"what `{matcher.raw}` matches"
    if counter is None:
        alien = found.any_scheme()
        if alien is not None:
            return Description(None, f"{base}, over any scheme", alien)
        return Description(None, base)
    return Description(None, f"{base}, and an attacker's host", counter)
