"""OL1xx: origin entries that are not what a browser sends."""

from __future__ import annotations

import re
from collections.abc import Iterator

from origins_lint.exact import exact_admits, kong_domain
from origins_lint.model import (
    Compare,
    CorsContext,
    Dialect,
    Document,
    Fix,
    MatcherKind,
    OriginMatcher,
    Severity,
)
from origins_lint.origins import OriginText
from origins_lint.rules import facts
from origins_lint.rules.facts import analysis, origin_text, parsed, wildcard
from origins_lint.rules.registry import Hit, RuleSettings, per_matcher, rule
from origins_lint.template_origin import decided, placeholder

SCHEME_MEANING = {
    "file": "`file://` pages send `Origin: null`, so this entry matches nothing a browser sends; "
    "trusting `null` instead would trust every sandboxed iframe",
    "chrome-extension": "it trusts a browser extension by id: make sure you publish it, and that "
    "the id is your extension's, not a look-alike's",
    "moz-extension": "Firefox gives each installation of an extension its own random id, so this "
    "trusts one user's installation only",
    "safari-web-extension": "Safari gives each installation of an extension its own random id",
    "capacitor": "every Capacitor app on iOS shares `capacitor://localhost`, so this trusts any "
    "such app on the user's phone, not only yours",
    "ionic": "every Ionic app shares this WebView origin, so this trusts any such app",
    "app": "a custom app scheme can be registered by any app on the device",
    "ws": "a WebSocket URL is not an origin; pages send their own `https://` origin",
    "wss": "a WebSocket URL is not an origin; pages send their own `https://` origin",
    "ftp": "no browser sends an `ftp://` origin any more",
}


def _join(parts: tuple[str, ...]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _malformed(_context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    if matcher.kind is MatcherKind.PATH:
        whole = matcher.note if matcher.note and matcher.note != matcher.raw else None
        value = f"`{whole}` holds" if whole else f"`{matcher.raw}` is"
        value += f" the request's path `{matcher.raw}`" if whole else " the request's path"
        return Hit(
            matcher.location,
            f"{value}, which always starts with `/`: it is never an "
            "origin, so browsers reject this header on every cross-origin request (no site gets in, "
            "yours neither); send an origin, such as `$http_origin` checked against a `map`",
        )
    fixed = decided(matcher.raw) if matcher.kind is MatcherKind.EXACT else None
    if fixed is not None and fixed.literal_star:
        return Hit(
            matcher.location,
            f"`{matcher.raw}` never matches, whatever `{placeholder(matcher.raw)}` becomes: the engine "
            "compares this entry as an exact string, so its `*` is a literal character no Origin has; "
            "list the hosts, or use a pattern the engine expands (a regex)",
        )
    found = analysis(matcher) if matcher.kind is MatcherKind.REGEX else None
    example = found.path_only() if found is not None else None
    if example is not None:
        return Hit(
            matcher.location,
            f"`{matcher.raw}` only matches values with a path (`{example}`): a browser's Origin "
            "never has one, so this check admits nothing; end the pattern after the host (and port)",
        )
    text = _engine_text(matcher)
    if text is None or text.ok:
        return None
    fix = f"; write `{text.canonical}`" if text.canonical and text.canonical != matcher.raw else ""
    # a lone trailing `/` is a slip, not a choice: that one is fixed mechanically (a real path is not)
    slip = text.canonical is not None and text.problems == ("a path (`/`)",)
    return Hit(
        matcher.location,
        f"`{matcher.raw}` has {_join(text.problems)}: a browser's Origin never does, so this "
        f"entry matches nothing{fix}",
        fix=Fix(f"write `{text.canonical}`", text.canonical) if slip and text.canonical else None,
    )


# how each engine compares an exact entry (see admit.exact_admits), said in OL102's message
COMPARED = {
    Compare.BYTES: "it is compared byte for byte, so it never matches",
    Compare.ASCII_CASE: "it is compared ignoring only ASCII case, so it never matches",
    Compare.JAVA_CASE: "Spring compares it with `equalsIgnoreCase` and reads no port, so it never matches",
    Compare.SERIALIZED: "Okta does not document how it compares origins, and an exact comparison misses",
    Compare.KONG: "Kong drops only a default port and a path, and keeps case, so it never matches",
}


def _engine_text(matcher: OriginMatcher) -> OriginText | None:
    """The origin text the engine compares: Spring trims one trailing `/` first, Kong's list keeps
    only the scheme, host and a port that is not the default (exact.kong_domain)."""
    if matcher.engine.trim_slash and matcher.kind is MatcherKind.EXACT and matcher.raw.endswith("/"):
        return origin_text(matcher.raw[:-1], False)
    if matcher.engine.compare is Compare.KONG and matcher.kind is MatcherKind.EXACT:
        return origin_text(kong_domain(matcher.raw), False)
    return parsed(matcher)


def _matches_as_sent(matcher: OriginMatcher, canonical: str) -> bool:
    """Whether the engine's own comparison matches the entry with the Origin browsers send for it."""
    return matcher.engine.compare is Compare.SERIALIZED or exact_admits(
        matcher.raw, canonical, matcher.engine
    )


def _non_canonical(_context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    text = _engine_text(matcher)
    if text is None or not text.ok or text.canonical is None:
        return None
    compare = matcher.engine.compare
    if (
        matcher.kind is MatcherKind.EXACT
        and compare is not Compare.SERIALIZED
        and _matches_as_sent(matcher, text.canonical)
    ):
        return None  # the engine matches what browsers send, and echoes the browser's own Origin
    # an engine that ignores case (ingress-nginx, Envoy `ignore_case`) still matches upper-case entries
    folds = compare in (Compare.ASCII_CASE, Compare.JAVA_CASE)
    quirks = [q for q in text.quirks if not folds or "upper-case" not in q]
    if not quirks:
        return None
    return Hit(
        matcher.location,
        f"`{matcher.raw}` is not how a browser writes this origin ({', '.join(quirks)}): "
        f"{COMPARED[compare]} the `Origin` a browser sends (`{text.canonical}`); write `{text.canonical}`",
        fix=Fix(f"write `{text.canonical}`", text.canonical),
    )


def _duplicates(document: Document, _settings: RuleSettings) -> Iterator[Hit]:
    """Within each list (a policy, one nginx map or header); one entry seen from two contexts is one."""
    lists: dict[str | None, list[tuple[frozenset[str], OriginMatcher]]] = {}
    # (scope, the location's fields): a Location is equal to another of the same fields, and a
    # tuple of plain values hashes without a call (50,000 entries, issue 21). While each entry's
    # (line, column) comes after the one before (a reader's entries, in text order), none can be
    # one seen before: the set is made only at the first that does not, from all before it (the
    # set was a third of OL103 over an Okta export)
    placed: set[tuple[str | None, str, int, int, int, int]] | None = None
    started = False
    line = column = 0  # the place of the entry before: (line, column) grow, so no key is seen twice
    for context, matcher in document.matchers(decisions=True):
        at = matcher.location
        if placed is None:
            if not started or at.line > line or (at.line == line and at.column > column):
                started, line, column = True, at.line, at.column
            else:
                placed = {_placed(seen) for entries in lists.values() for _, seen in entries}
        if placed is not None:
            key = (matcher.scope, at.path, at.line, at.column, at.end_line, at.end_column)
            if key in placed:
                continue
            placed.add(key)
        entries = lists.get(matcher.scope)
        if entries is None:
            entries = lists[matcher.scope] = []
        entries.append((context.scopes.value, matcher))
    for entries in lists.values():
        yield from _duplicates_in(entries)


def _placed(matcher: OriginMatcher) -> tuple[str | None, str, int, int, int, int]:
    at = matcher.location
    return (matcher.scope, at.path, at.line, at.column, at.end_line, at.end_column)


def _duplicates_in(entries: list[tuple[frozenset[str], OriginMatcher]]) -> Iterator[Hit]:
    """Twice the same origin; or an exact origin a wildcard covers for every scope it has."""
    seen: dict[str, OriginMatcher] = {}
    wildcards: list[tuple[str, str, frozenset[str], OriginMatcher]] = []
    exacts: list[tuple[str, frozenset[str], OriginMatcher]] = []
    known = facts.parsed_by_id()
    for scopes, matcher in entries:
        # `parsed`, its answer looked up here first (the rules before asked it of every entry)
        found = known.get(id(matcher))
        text = found[1] if found is not None and found[0] is matcher else parsed(matcher)
        if text is None or text.problems or text.canonical is None:  # not `ok`
            continue
        key = text.canonical
        kind = matcher.kind
        if kind is MatcherKind.EXACT and not (
            matcher.engine.compare is Compare.SERIALIZED or _matches_as_sent(matcher, key)
        ):
            continue  # it never matches what browsers send (OL102): not a second copy of the one that does
        if key in seen:
            first = seen[key]
            yield Hit(
                matcher.location,
                f"`{matcher.raw}` is listed twice (first at {_place(first, matcher)}): remove "
                "one, and merge their settings so it is clear which apply",
                # only a repeat spelled the same can go mechanically; the format checks the rest is equal
                fix=Fix("remove the repeated entry", None) if first.raw == matcher.raw else None,
            )
            continue
        seen[key] = matcher
        spot = wildcard(matcher) if kind is MatcherKind.WILDCARD else None  # its own test first
        if spot is not None and spot.leftmost_only and not spot.partial:
            prefix = key.replace(text.host, "", 1)  # scheme:// and the port stay
            suffix = "." + spot.fixed + (f":{text.port}" if text.port else "")
            wildcards.append((prefix, suffix, scopes, matcher))
        elif kind is MatcherKind.EXACT:
            exacts.append((key, scopes, matcher))
    # wildcards by shape, so each exact origin is looked up, not compared with every wildcard
    # (an Okta export of 50,000 entries made that quadratic)
    shapes: dict[tuple[str, str], list[tuple[int, frozenset[str], OriginMatcher]]] = {}
    for index, (prefix, suffix, wide_scopes, wide) in enumerate(wildcards):
        shapes.setdefault((prefix, suffix), []).append((index, wide_scopes, wide))
    # each prefix with its length and the suffixes its wildcards have: most exact origins end in
    # none of them, told by one set lookup (50,000 entries, issue 21)
    tails: dict[str, set[str]] = {}
    for prefix, suffix, _, _ in wildcards:
        tails.setdefault(prefix, set()).add(suffix)
    prefixes = [(prefix, len(prefix), suffixes) for prefix, suffixes in tails.items()]
    for key, scopes, matcher in exacts:
        covering: tuple[int, OriginMatcher] | None = None
        for prefix, size, suffixes in prefixes:
            if not key.startswith(prefix):
                continue
            dot = key.find(".", size)  # the label the wildcard stands for has no dot: the suffix starts here
            if dot <= size or key[dot:] not in suffixes:
                continue
            for index, wide_scopes, wide in shapes[(prefix, key[dot:])]:
                if scopes <= wide_scopes:
                    if covering is None or index < covering[0]:
                        covering = (index, wide)
                    break
        if covering is not None:
            wide = covering[1]
            yield Hit(
                matcher.location,
                f"`{matcher.raw}` is already covered by `{wide.raw}` ({_place(wide, matcher)}): "
                "remove it, or narrow the wildcard",
            )


def _place(other: OriginMatcher, here: OriginMatcher) -> str:
    """Where the other entry is: its line, and its column too when both share a line (minified JSON)."""
    at = other.location
    return f"line {at.line}, column {at.column}" if at.line == here.location.line else f"line {at.line}"


def _unusual_scheme(_context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    text = parsed(matcher)
    if text is None or not text.ok or text.scheme in ("http", "https"):
        return None
    meaning = SCHEME_MEANING.get(text.scheme, "it is not a web page's origin")
    return Hit(
        matcher.location,
        f"`{matcher.raw}` uses the `{text.scheme}://` scheme: {meaning}. Say why it is trusted in "
        "a `note:`, and suppress this finding with that reason",
    )


rule("OL101", "malformed-origin", Severity.HIGH, "Origin is not `scheme://host[:port]`")(
    per_matcher(_malformed, quiet_on_https=True, quiet_on_http=True)
)
rule("OL102", "non-canonical-origin", Severity.LOW, "Origin is not written as browsers send it")(
    per_matcher(_non_canonical, quiet_on_https=True, quiet_on_http=True)
)
rule("OL103", "duplicate-origin", Severity.LOW, "Origin listed twice or covered by a wildcard")(_duplicates)
rule("OL104", "unusual-scheme", Severity.MEDIUM, "Origin with a scheme other than http or https")(
    per_matcher(_unusual_scheme, quiet_on_https=True, quiet_on_http=True)
)


_NGINX_VARIABLE = re.compile(r"\$(\{)?([A-Za-z_][A-Za-z0-9_]*)\}?")


def _never_matches(_context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    found = analysis(matcher)
    if found is None or not found.matches_nothing:
        return None
    variable = _NGINX_VARIABLE.search(matcher.raw) if matcher.engine.dialect is Dialect.PCRE else None
    if variable is None:
        why = "an anchor in it cannot hold where it stands (`$` with text after it, `^` after text): fix it"
    elif variable.group(1):  # `${NAME}`: a placeholder some step before nginx fills in (envsubst)
        written = variable.group(0)
        why = (
            f"nginx puts no variable into a regex, so `{written}` is the end of the text followed by "
            f"text; if a step before nginx fills it in (envsubst), check the file it renders, or name "
            "this one `*.conf.template` so that it is read as a template"
        )
    else:
        name = variable.group(2)
        why = (
            f"nginx puts no variable into a regex, so `${name}` is the end of the text followed by "
            f"`{name}`, which no Origin has; write the domain out (`\\.example\\.com$`), or list the "
            "origins in a `map`"
        )
    return Hit(
        matcher.location,
        f"`{matcher.raw}` can never match an Origin, so this check trusts no origin and what it guards "
        f"is never sent: {why}",
    )


rule("OL105", "never-matches", Severity.LOW, "Origin pattern that no Origin can match")(
    per_matcher(_never_matches, (MatcherKind.REGEX,))
)
