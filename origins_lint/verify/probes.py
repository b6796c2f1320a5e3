"""What `verify` sends: origins to try and paths to try them at, from the config or from the URL alone.

With `--from`, the origins come from the model, not from message text: for each static
finding on an entry, the origins that entry admits although its author did not mean them
(the same analysis the rules ran: `facts.analysis`'s counterexamples, attacks built from the
entry's own hosts), kept only when `admit.admits` says the entry lets them in. Then each
literal trusted origin (what the server should admit: it shows the URL answers CORS at all),
and the attacks built from each trusted host, to catch a server that admits more than the
file says (the deployed config is not this one).

Without `--from`, the misconfiguration taxonomy of the dynamic scanners (CORScanner's and
Corsy's tests): any origin echoed, `null`, the target's own host as a prefix or a suffix, an
unescaped dot, `http`, characters some origin parsers let through (`_`, a backquote, `}`), and
suffixes anyone can publish under. Attacker names end in `.example`, which RFC 2606 reserves:
no one can register them, so a probe never names a real third party.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from origins_lint.admit import admits
from origins_lint.model import Finding, MatcherKind, OriginMatcher, ParsedFile
from origins_lint.origins import read_origin, registrable_domain
from origins_lint.rules.facts import analysis, named_hosts, parsed, wildcard

ATTACKER = "attacker.example"
ANY_SITE = f"https://{ATTACKER}"
THIRD_PARTY = ("github.io", "herokuapp.com", "vercel.app", "pages.dev")
PER_FINDING = 4  # origins tried for one finding: the first is usually enough

# the static findings that say "this origin gets in": a request can show them (OL602 is the Vary check)
ADMISSION = ("OL104", "OL2", "OL3", "OL4", "OL5", "OL8")
NOT_ADMISSION = ("OL404",)
VARY = "OL602"


@dataclass(frozen=True, slots=True)
class Probe:
    origin: str
    why: str
    arbitrary: bool = False  # any site at all, or `null`: the worst an answer can admit
    trusted: bool = False  # the config lists it: the server should admit it
    paths: tuple[str, ...] = ()  # the request paths of the findings' contexts it is sent for
    everywhere: bool = True  # sent to every path too (an entry's or finding's path is not known)


@dataclass(slots=True)
class Claim:
    """One static finding, and the origins whose admission would show it on the live server."""

    finding: Finding
    origins: tuple[str, ...] = ()
    why_not: str = ""  # why no request can show it, when `origins` is empty
    paths: tuple[str, ...] = ()  # the request paths of its entry's contexts (`CorsContext.paths`); empty: any


@dataclass(slots=True)
class Plan:
    probes: list[Probe] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # request paths the model knows (documents', contexts')
    claims: list[Claim] = field(default_factory=list)
    matchers: list[OriginMatcher] = field(default_factory=list)  # every active CORS entry
    # the attacks built from each entry's hosts: a server admitting one no entry admits has drifted
    built: dict[str, OriginMatcher] = field(default_factory=dict)

    def add(self, probe: Probe) -> None:
        """A probe once per origin; sent for several findings, it goes to each one's path."""
        for index, known in enumerate(self.probes):
            if known.origin == probe.origin:
                paths = tuple(dict.fromkeys((*known.paths, *probe.paths)))
                self.probes[index] = replace(
                    known, paths=paths, everywhere=known.everywhere or probe.everywhere
                )
                return
        self.probes.append(probe)


def attacks(host: str) -> list[str]:
    """Origins built from one trusted host that a weak check lets in (the nginx oracle's list)."""
    host = host.lower().rstrip(".")
    labels = host.split(".")
    out = [
        f"https://{host}.{ATTACKER}",  # the host as a prefix (a regex without `$`)
        f"https://attacker{host}",  # as a suffix without a dot before it
        f"https://attacker.{host}",  # any subdomain
        f"http://{host}",
        f"https://{host}:8443",
        f"https://{host}.",
    ]
    for index in range(len(labels) - 1):  # each dot as any character (an unescaped `.`)
        out.append("https://" + ".".join(labels[: index + 1]) + "x" + ".".join(labels[index + 1 :]))
    return out


def generic(host: str) -> list[Probe]:
    """The scanners' taxonomy, for a URL with no config behind it."""
    host = host.lower().rstrip(".")
    site = registrable_domain(host) or host
    dotted = host.split(".")
    probes = [
        Probe(ANY_SITE, "any origin (echoed back without a check)", arbitrary=True),
        Probe("null", "the `null` origin (sandboxed iframes, local files)", arbitrary=True),
        Probe(f"https://{host}.{ATTACKER}", "the target's host as a prefix"),
        Probe(f"https://attacker{site}", "the target's site as a suffix, without a dot before it"),
        Probe(f"http://{host}", "the target's host over plain http"),
    ]
    if len(dotted) > 1:
        unescaped = dotted[0] + "x" + ".".join(dotted[1:])
        probes.append(Probe(f"https://{unescaped}", "a dot of the target's host as any character"))
    for char, name in (("_", "an underscore"), ("`", "a backquote"), ("}", "a brace")):
        probes.append(Probe(f"https://{host}{char}.{ATTACKER}", f"{name} after the target's host"))
    for suffix in THIRD_PARTY:
        probes.append(Probe(f"https://attacker.{suffix}", f"a site anyone can publish under `{suffix}`"))
    return probes


def _pool(matcher: OriginMatcher) -> list[str]:
    """Origins that may show what is wrong with an entry: the analysis's counterexamples first."""
    kind = matcher.kind
    if kind in (MatcherKind.ANY, MatcherKind.REFLECTED):
        return [ANY_SITE, "null"]
    if kind is MatcherKind.NULL:
        return ["null"]
    out: list[str] = []
    text = parsed(matcher)
    if kind is MatcherKind.EXACT and text is not None:
        out.append(matcher.raw)
    spot = wildcard(matcher)
    if spot is not None and spot.fixed:
        out.append(f"{text.scheme if text else 'https'}://attacker.{spot.fixed}")
    found = analysis(matcher)
    if found is not None:
        for candidate in (found.unanchored(), found.unescaped_dot(), found.too_broad()):
            if candidate is not None:
                out.append(candidate.origin)
        for pair in (found.wildcard(), found.shared_host()):
            if pair is not None:
                out.append(pair[1].origin)
        other = found.any_scheme()
        if other is not None:
            out.append(other)
    for named in named_hosts(matcher):
        out.extend(attacks(named.host))
    out.append(ANY_SITE)
    return out


def counterexamples(matcher: OriginMatcher) -> tuple[str, ...]:
    """The origins the entry admits that show its finding, by the model's own `admits`."""
    kept: dict[str, None] = {}
    for origin in _pool(matcher):
        if (origin == "null" or read_origin(origin).ok) and admits(matcher, origin):
            kept.setdefault(origin, None)
        if len(kept) == PER_FINDING:
            break
    return tuple(kept)


def _observable(code: str) -> bool:
    return code.startswith(ADMISSION) and not code.startswith(NOT_ADMISSION)


def from_config(findings: Iterable[Finding], files: list[ParsedFile]) -> Plan:
    """The probes and claims for the static findings and entries of the `--from` files.

    Each finding is sent to, and judged at, the request paths of the contexts its entry is in (an
    entry several contexts share is at all their paths; one in a context with no known path, at any).
    """
    plan = Plan()
    at: dict[tuple[str, int, int], tuple[OriginMatcher, bool]] = {}
    where_at: dict[tuple[str, int, int], tuple[str, ...] | None] = {}  # None: any path
    for parsed_file in files:
        for document in parsed_file.documents:
            for known in document.paths:
                if known not in plan.paths:
                    plan.paths.append(known)
            for context, matcher in document.matchers(decisions=True):
                key = (matcher.location.path, matcher.location.line, matcher.location.column)
                at.setdefault(key, (matcher, context.decision is not None))
                if context.decision is None and matcher not in plan.matchers:
                    plan.matchers.append(matcher)
                for known in context.paths:
                    if known not in plan.paths:
                        plan.paths.append(known)
                if context.decision is not None:
                    continue  # no CORS answer: its paths show nothing
                before = where_at.get(key, ())
                if before is None or not context.paths:
                    where_at[key] = None
                else:
                    where_at[key] = tuple(dict.fromkeys((*before, *context.paths)))
    for finding in findings:
        loc = finding.location
        key = (loc.path, loc.line, loc.column)
        entry = at.get(key)
        where = where_at.get(key) or ()
        if finding.code == VARY:
            plan.claims.append(Claim(finding))
        elif not _observable(finding.code):
            plan.claims.append(
                Claim(finding, why_not="it is not about which origins get in, which is what a request shows")
            )
        elif entry is None:
            plan.claims.append(Claim(finding, why_not="no origin entry of the file is at its location"))
        elif entry[1]:
            plan.claims.append(
                Claim(
                    finding,
                    why_not="this origin check gates no CORS header, and a CORS answer is what verify reads",
                )
            )
        elif entry[0].echoes is not None and where and (name := _query_name(entry[0].raw)):
            # `$arg_origin`: the value is the query parameter, so the attacker's origin goes there
            value = quote(ANY_SITE, safe=":/")  # nginx does not decode `$arg_`
            queries = tuple(f"{path}?{name}={value}" for path in where)
            plan.claims.append(Claim(finding, (ANY_SITE,), paths=where))
            plan.add(
                Probe(ANY_SITE, f"{finding.code} at line {loc.line}", True, paths=queries, everywhere=False)
            )
        elif entry[0].echoes is not None:
            plan.claims.append(
                Claim(
                    finding,
                    why_not=f"the entry sends back {entry[0].echoes}, and verify puts origins only in the "
                    "`Origin` header and in an `$arg_` query parameter, never in the URL's path",
                )
            )
        else:
            origins = counterexamples(entry[0])
            why = "" if origins else "the analysis has no origin this entry admits that shows it"
            plan.claims.append(Claim(finding, origins, why, where))
            for origin in origins:
                arbitrary = origin in (ANY_SITE, "null")
                why = f"{finding.code} at line {loc.line}"
                plan.add(Probe(origin, why, arbitrary, paths=where, everywhere=not where))
    for matcher in plan.matchers:
        text = parsed(matcher)
        if matcher.kind is MatcherKind.EXACT and text is not None and text.ok:
            plan.add(Probe(matcher.raw, f"trusted at line {matcher.location.line}", trusted=True))
    if plan.matchers:  # any site and `null`, which no list of origins means to admit
        for origin, why in ((ANY_SITE, "any origin"), ("null", "the `null` origin")):
            plan.built.setdefault(origin, plan.matchers[0])
            plan.add(Probe(origin, why, arbitrary=True))
    for matcher in plan.matchers:
        for named in named_hosts(matcher):
            for origin in attacks(named.host):
                plan.built.setdefault(origin, matcher)
                plan.add(Probe(origin, f"built from `{named.host}` (line {matcher.location.line})"))
    return plan


_ARG = re.compile(r"^\$\{?arg_(\w+)\}?$")


def _query_name(raw: str) -> str | None:
    """The query parameter an nginx `$arg_NAME` (`${arg_NAME}`) value reads, when that is all it is."""
    found = _ARG.match(raw.strip())
    return found.group(1) if found else None
