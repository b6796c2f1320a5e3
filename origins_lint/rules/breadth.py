"""OL3xx: entries that admit more origins than their authors meant.

``explain`` answers, once per distinct matcher, every breadth question OL302
and OL306-OL310 ask; those rules and OL405 (the same with credentials) read it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from origins_lint.model import (
    CorsContext,
    Dialect,
    Document,
    Engine,
    MatcherKind,
    OriginMatcher,
    Setting,
    Severity,
)
from origins_lint.origins import (
    HostClass,
    is_public_suffix,
    known_public_suffix,
    local_class,
    read_origin,
    registrable_domain,
)
from origins_lint.records import record
from origins_lint.rules.facts import AFFIXES, ANALYSED, analysis, parsed, regex, shared_host, wildcard
from origins_lint.rules.registry import Hit, per_matcher, rule

if TYPE_CHECKING:  # the automata are imported when an entry is a regex or an affix
    from origins_lint.matchers import RegexAnalysis

SHARED_SUFFIXES = {
    "github.io": "every GitHub Pages site",
    "gitlab.io": "every GitLab Pages site",
    "herokuapp.com": "every Heroku app",
    "vercel.app": "every Vercel deployment",
    "netlify.app": "every Netlify site",
    "pages.dev": "every Cloudflare Pages site",
    "workers.dev": "every Cloudflare Worker",
    "web.app": "every Firebase Hosting site",
    "firebaseapp.com": "every Firebase Hosting site",
    "appspot.com": "every Google App Engine app",
    "run.app": "every Google Cloud Run service",
    "azurewebsites.net": "every Azure App Service site",
    "cloudfront.net": "every CloudFront distribution",
    "s3.amazonaws.com": "every S3 bucket website",
    "ngrok.io": "every ngrok tunnel",
    "ngrok-free.app": "every ngrok tunnel",
    "blogspot.com": "every Blogger blog",
    "surge.sh": "every Surge site",
    "fly.dev": "every Fly.io app",
    "onrender.com": "every Render service",
}


def shared_description(suffix: str) -> str:
    if suffix in SHARED_SUFFIXES:
        return f"{SHARED_SUFFIXES[suffix]}: anyone can publish one"
    return f"every site under `{suffix}`, a public suffix: anyone can register a name there"


@record(frozen=True, slots=True)
class Breadth:
    code: str
    message: str
    # a fixed weight that credentials do not raise: what gets in is a name nobody can register
    severity: Severity | None = None


# ingress-nginx's `(null)$` is searched without `^` (template.go buildOriginRegex): an origin whose
# host ends in `null` gets in too; `.null` is no delegated top-level domain, so low (issue 18 item 2)
NULL_SUFFIX_ORIGIN = "https://evil.null"


# the matcher explained last and its answer: the six breadth rules ask it of each entry in turn
_EXPLAINED: list[tuple[OriginMatcher | None, tuple[Breadth, ...]]] = [(None, ())]


def explain(matcher: OriginMatcher) -> tuple[Breadth, ...]:
    last = _EXPLAINED[0]
    if last[0] is matcher:
        return last[1]
    found = _explain(matcher)
    _EXPLAINED[0] = (matcher, found)
    return found


# the matcher `breadth` answered last, and its explanations by code (the first of each): the six
# breadth rules ask it of each entry in turn (issue 21)
_BY_CODE: list[tuple[OriginMatcher | None, dict[str, Breadth]]] = [(None, {})]


def breadth(matcher: OriginMatcher, code: str) -> Breadth | None:
    """The first of `explain`'s answers with this code, if any."""
    last = _BY_CODE[0]
    if last[0] is matcher:
        return last[1].get(code)
    found: dict[str, Breadth] = {}
    for reason in explain(matcher):
        found.setdefault(reason.code, reason)
    _BY_CODE[0] = (matcher, found)
    return found.get(code)


def _explain(matcher: OriginMatcher) -> tuple[Breadth, ...]:
    if matcher.kind is MatcherKind.NULL:
        return _explain_null(matcher)
    if matcher.kind is MatcherKind.REGEX:
        return _explain_regex(matcher.raw, matcher.engine)
    if matcher.kind in AFFIXES:
        return _explain_affix(matcher)
    spot = wildcard(matcher)
    if spot is None or not spot.fixed or is_public_suffix(spot.fixed):
        return ()
    if spot.leftmost_only and not spot.partial:
        return (
            Breadth(
                "OL302",
                f"`{matcher.raw}` trusts every current and future subdomain of `{spot.fixed}`, "
                "including forgotten ones an attacker can take over (a dangling CNAME to a "
                "deleted bucket or SaaS page); list the hosts that need access",
            ),
        )
    shape = "inside a label" if spot.partial else "on several levels"
    return (
        Breadth(
            "OL310",
            f"`{matcher.raw}` puts a wildcard {shape}: it admits more hosts of `{spot.fixed}` than "
            "it looks, and Okta, ingress-nginx and gateways each read such patterns differently; "
            "list the hosts",
        ),
    )


@lru_cache(maxsize=4096)
def _explain_regex(raw: str, engine: Engine) -> tuple[Breadth, ...]:
    found = regex(raw, engine)
    if not found.analysed or found.matches_everything:
        return ()
    out: list[Breadth] = []
    loose = found.unanchored()
    if loose is not None:
        out.append(Breadth("OL306", _unanchored_message(raw, found, loose.origin)))
    dot = found.unescaped_dot()
    if dot is not None:
        out.append(Breadth("OL307", _unescaped_dot_message(raw, found, dot.origin)))
    if shared_host(found) is not None:
        return tuple(out)
    broad = found.too_broad()
    if broad is not None and (loose is None or broad.origin != loose.origin):
        out.append(
            Breadth(
                "OL308",
                f"`{raw}` lets `{broad.origin}` in: part of its host accepts arbitrary text "
                "(`.*`, `.+`, `[^/]*` and the like cross label boundaries); match labels with "
                "`[a-z0-9-]+` and escape dots",
            )
        )
    spot = found.wildcard()
    if spot is not None:
        fixed, example = spot
        out.append(
            Breadth(
                "OL302",
                f"`{raw}` accepts every subdomain of `{fixed}` (`{example.origin}` gets in), "
                "including forgotten ones open to takeover; list the hosts that need access",
            )
        )
    return tuple(out)


def _explain_null(matcher: OriginMatcher) -> tuple[Breadth, ...]:
    """A `null` item the engine runs as a regex that also admits host names ending in `null`."""
    if matcher.runs is None or not regex(*matcher.runs).accepts(NULL_SUFFIX_ORIGIN):
        return ()
    pattern = matcher.runs[0]
    return (
        Breadth(
            "OL309",
            f"`{matcher.raw}` is matched as the end of the Origin (`{pattern}`, searched without `^`): "
            f"`{NULL_SUFFIX_ORIGIN}` gets in too, and any host that ends in `null`; `.null` is not a "
            "top-level domain anyone can register today, so low; remove the `null` item",
            severity=Severity.LOW,
        ),
    )


AFFIX_FIX = {
    MatcherKind.PREFIX: "end it where the origin ends (match the whole origin exactly instead)",
    MatcherKind.SUFFIX: "start it with a dot (`.example.com`), or list the origins exactly",
    MatcherKind.CONTAINS: "a substring test cannot say where a host ends; list the origins exactly",
}


def _explain_affix(matcher: OriginMatcher) -> tuple[Breadth, ...]:
    found = analysis(matcher)
    if found is None:
        return ()
    out: list[Breadth] = []
    escape = _affix_escape(matcher, found)
    if escape is not None or matcher.kind is MatcherKind.CONTAINS:
        example = f": `{escape}` gets in" if escape is not None else ""
        out.append(
            Breadth(
                "OL309",
                f"{matcher.kind.value} `{matcher.raw}` does not stop at a host boundary{example}; "
                f"{AFFIX_FIX[matcher.kind]}",
            )
        )
    spot = found.wildcard()
    if spot is not None and not is_public_suffix(spot[0]):
        fixed, example_origin = spot
        out.append(
            Breadth(
                "OL302",
                f"{matcher.kind.value} `{matcher.raw}` accepts every subdomain of `{fixed}` "
                f"(`{example_origin.origin}` gets in), including forgotten ones open to takeover; "
                "list the hosts that need access",
            )
        )
    return tuple(out)


def _affix_escape(matcher: OriginMatcher, found: RegexAnalysis) -> str | None:
    """An origin on someone else's domain that the matcher accepts, verified on its automaton."""
    from origins_lint.matchers import ATTACKER, affix_text

    raw = affix_text(matcher.kind.value, matcher.raw)
    _scheme, separator, rest = raw.partition("://")
    host = (rest if separator else raw).split(":")[0].strip(".*")
    after = [f"{raw}.{ATTACKER}", f"{raw}{ATTACKER}", f"{raw}-{ATTACKER}"]
    if not separator:
        after = ["https://" + a for a in after]
    before = [] if separator else [f"https://attacker{raw}", f"https://attacker-{raw}"]
    candidates = {
        MatcherKind.PREFIX: after,
        MatcherKind.SUFFIX: before,
        MatcherKind.CONTAINS: after + before,
    }[matcher.kind]
    own = registrable_domain(host) if host else None
    for candidate in candidates:
        text = read_origin(candidate)
        if not text.ok or not text.host or not known_public_suffix(text.host):
            continue
        sent = text.canonical or candidate  # what a browser sends: lower-case host, no default port
        if registrable_domain(text.host) != own and found.accepts(sent):
            return sent
    return None


def _unescaped_dot_message(raw: str, found: RegexAnalysis, origin: str) -> str:
    if found.engine.dialect is Dialect.KONG and "*" in raw and not found.intended:
        # the wildcard Kong does not have: an entry holding `*` is a regex (handler.lua)
        return (
            f"Kong reads `{raw}` as a regex, not a wildcard (an entry holding `*` is one): the `*` "
            f"repeats the character before it and the unescaped `.` matches any character, so "
            f"`{origin}` gets in, a name anyone can register, while the subdomains it was written "
            "for do not; write the regex, as `https://[a-z0-9-]+\\.example\\.com`, or list the hosts"
        )
    return (
        f"`{raw}` leaves a `.` in the host unescaped, so it matches any character: "
        f"`{origin}` gets in, a name anyone can register; escape it as `\\.`"
    )


def _unanchored_message(raw: str, found: RegexAnalysis, origin: str) -> str:
    if found.engine.dialect is Dialect.KONG:  # Kong anchors the start and appends `$` to the entry
        return (
            f"`{raw}` is anchored by Kong only where it starts and where it ends: the `$` Kong appends "
            f"closes its last alternative alone, so `{origin}` gets in; group the alternatives, "
            "as `(...|...)`"
        )
    missing = [
        what
        for what, present in (
            ("`^` at the start", found.anchored_start),
            ("`$` at the end", found.anchored_end),
        )
        if not present
    ]
    return (
        f"`{raw}` has no {' and no '.join(missing)}, and it is matched as a search: "
        f"`{origin}` gets in; anchor it as `^...$`"
    )


def credentials_note(setting: Setting[bool | None]) -> str:
    if setting.note:  # a Spring profile's credentials over the base file's origins, or the reverse
        return f" ({setting.note})"
    return " (credentials come from a platform default)" if setting.from_default else ""


def _breadth_rule(code: str) -> None:
    def inspect(context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
        found = breadth(matcher, code)
        if found is None:
            return None
        if found.severity is not None:
            return Hit(matcher.location, found.message, severity=found.severity)
        if not context.credentials_for(matcher):
            return Hit(matcher.location, found.message)
        # one flaw, one finding: the breadth rule carries the credentials (OL405 is not said beside it)
        return Hit(
            matcher.location,
            f"{found.message}. This context allows credentials{credentials_note(context.credentials)}: "
            "every origin it admits can read your users' authenticated responses",
            severity=max(meta[1], Severity.HIGH),
        )

    meta = BREADTH_RULES[code]
    # `explain` says nothing of other kinds: an exact origin, `*`, a reflected Origin, a path
    rule(code, meta[0], meta[1], meta[2])(per_matcher(inspect, EXPLAINED))


BREADTH_RULES = {
    "OL302": ("wildcard-subdomain", Severity.MEDIUM, "Every subdomain of a domain is trusted"),
    "OL306": ("regex-unanchored", Severity.HIGH, "Searched regex without `^` and `$`"),
    "OL307": ("regex-unescaped-dot", Severity.HIGH, "Unescaped `.` in a regex host"),
    "OL308": ("regex-too-broad", Severity.HIGH, "Regex host part accepts arbitrary text"),
    "OL309": (
        "prefix-suffix-match",
        Severity.HIGH,
        "Prefix, suffix or substring match crosses a host boundary",
    ),
    "OL310": ("partial-label-wildcard", Severity.MEDIUM, "Wildcard inside a label or on several levels"),
}


def _any_origin(context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    if matcher.kind is not MatcherKind.ANY or context.with_credentials:
        return None
    return Hit(
        matcher.location,
        "`*` lets every site read these responses: fine for a public API that needs no login; "
        "if that is the intent, suppress this finding with that reason, otherwise list the origins",
    )


def _shared_host(_context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    spot = wildcard(matcher)
    if spot is not None and spot.fixed and is_public_suffix(spot.fixed):
        return Hit(matcher.location, f"`{matcher.raw}` trusts {shared_description(spot.fixed)}")
    if spot is not None and not spot.fixed:
        return Hit(matcher.location, f"`{matcher.raw}` trusts every host name: anyone has one")
    text = parsed(matcher)
    if text is not None and text.ok and matcher.kind is MatcherKind.EXACT:
        if local_class(text.host) is HostClass.PLAYGROUND:
            return Hit(
                matcher.location,
                f"`{matcher.raw}` is a code playground: anyone can run their own script on that "
                "origin and read what it is trusted with; remove it",
            )
        return None
    found = analysis(matcher)
    shared = shared_host(found) if found is not None and not found.matches_everything else None
    if shared is None:
        return None
    suffix, example = shared
    return Hit(
        matcher.location, f"`{matcher.raw}` trusts {shared_description(suffix)} (`{example.origin}` gets in)"
    )


# the kinds `explain` can name a breadth of, and those `reflects_every_origin` can be true of
EXPLAINED = (MatcherKind.NULL, MatcherKind.WILDCARD, *ANALYSED)
REFLECTING = (MatcherKind.REFLECTED, *ANALYSED)


def reflects_every_origin(matcher: OriginMatcher) -> bool:
    if matcher.kind is MatcherKind.REFLECTED:
        return True
    found = analysis(matcher)
    return found is not None and found.matches_everything


def reflection_text(matcher: OriginMatcher) -> str:
    if matcher.kind is MatcherKind.REFLECTED:
        echoed = matcher.echoes or "the request's `Origin`"
        return f"`{matcher.raw}` echoes {echoed} without checking it"
    return f"`{matcher.raw}` matches every origin (`https://attacker.net` gets in)"


def _reflected(context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    """Severity follows the effect: without credentials, echoing every origin is what `*` gives
    (OL301's level); with credentials it is OL402, critical."""
    if context.with_credentials or not reflects_every_origin(matcher):
        return None
    echoed = "" if matcher.kind is MatcherKind.REFLECTED else ", and the origin that matched is echoed"
    return Hit(
        matcher.location,
        f"{reflection_text(matcher)}{echoed}, without credentials: that is what `*` gives, every site "
        "can read these responses; fine for a public API that needs no login (suppress this finding "
        "with that reason), otherwise validate the origin against a list (an anchored regex or exact "
        "entries). With credentials this would be OL402",
    )


def _null_origin(context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    if matcher.kind is not MatcherKind.NULL or context.with_credentials:
        return None
    return Hit(
        matcher.location,
        "`null` is trusted: sandboxed iframes, `file://` pages and some redirects send "
        "`Origin: null`, so any attacker page can obtain it; remove this entry",
    )


rule("OL301", "any-origin", Severity.LOW, "`*`: every origin, without credentials")(
    per_matcher(_any_origin, [MatcherKind.ANY])
)
rule("OL303", "shared-host-origin", Severity.CRITICAL, "Origin on a host where anyone can publish")(
    per_matcher(_shared_host, quiet_on_https=True, quiet_on_http=True)
)
rule(
    "OL304", "reflected-origin", Severity.LOW, "Request Origin echoed without validation, without credentials"
)(per_matcher(_reflected, REFLECTING))
rule("OL305", "null-origin", Severity.HIGH, "The `null` origin is trusted")(
    per_matcher(_null_origin, [MatcherKind.NULL])
)
for _code in BREADTH_RULES:
    _breadth_rule(_code)
