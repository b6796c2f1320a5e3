"""Rules as data: a code, a slug, a severity, a summary and a check over one document."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from origins_lint.model import (
    CorsContext,
    Document,
    Finding,
    Fix,
    Gate,
    Location,
    MatcherKind,
    OriginMatcher,
    Severity,
    made_finding,
)
from origins_lint.records import field, record, replace
from origins_lint.rules.facts import plain_scheme

if TYPE_CHECKING:
    from origins_lint.inventory.policy import Policy

# an origin check that is not a CORS allow-list weighs what it gates (nginx `if`/`map` on the Origin):
# who may frame the page or pass a CSRF guard is high, a value a backend reads medium, a flag low
GATE_SEVERITY = {
    Gate.FRAME: Severity.HIGH,
    Gate.GUARD: Severity.HIGH,
    Gate.BACKEND: Severity.MEDIUM,
    Gate.FLAG: Severity.LOW,
}


@record(frozen=True, slots=True)
class RuleSettings:
    """Organization policy the rules read (from config); empty means the OL8xx rules stay silent."""

    allowed_domains: tuple[str, ...] = ()
    denied_origins: tuple[str, ...] = ()
    # the codes this run reports (config `select`/`ignore`); None: every rule. OL405 reports a
    # breadth only when the rule that names it (OL302, OL306-OL310) is not reported
    selected: frozenset[str] | None = None
    policy: Policy | None = None  # the reviewed list (`policy` in the config, `--policy`): OL803-OL806


@record(frozen=True, slots=True)
class Hit:
    """What a check reports: where, why, and a severity when it differs from the default."""

    location: Location
    message: str
    severity: Severity | None = None
    fix: Fix | None = None
    # the weight of what the entry gates, for a rule about admitting too much (medium and above)
    gated: Severity | None = None
    # another rule this is reported as: a check that could not decide says OL004, as every rule does
    code: str | None = None


Check = Callable[[Document, RuleSettings], Iterable[Hit]]


@record(frozen=True)
class Rule:
    code: str
    slug: str
    severity: Severity
    summary: str
    check: Check | None = field(default=None, compare=False)
    opt_in: bool = False  # off unless `select` names it exactly (like ruff's RUF100)
    live: bool = False  # reported by `verify` from a server's answers, never by `check`

    def findings(self, document: Document, settings: RuleSettings) -> Iterator[Finding]:
        if self.check is None:
            return
        for hit in self.check(document, settings):
            yield self.finding(hit, document)

    def finding(self, hit: Hit, document: Document) -> Finding:
        reported = RULES[hit.code] if hit.code is not None else self
        severity = hit.severity or reported.severity
        if hit.gated is not None and severity >= Severity.MEDIUM:
            severity = hit.gated
        # `Finding(...)` through its slots (model.made_finding): 15,000 of them for an export
        return made_finding(
            reported.code,
            reported.slug,
            severity,
            hit.location,
            hit.message,
            document.format,
            hit.fix,
        )


RULES: dict[str, Rule] = {}


def rule(
    code: str, slug: str, severity: Severity, summary: str, opt_in: bool = False
) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        RULES[code] = Rule(code, slug, severity, summary, check, opt_in)
        return check

    return register


def declare(
    code: str, slug: str, severity: Severity, summary: str, *, opt_in: bool = False, live: bool = False
) -> None:
    """A rule the pipeline itself reports (input problems, live results), with no check over documents."""
    RULES[code] = Rule(code, slug, severity, summary, opt_in=opt_in, live=live)


def per_matcher(
    inspect: Callable[[CorsContext, OriginMatcher, Document], Hit | None],
    kinds: Iterable[MatcherKind] | None = None,
    *,
    quiet_on_https: bool = False,
    quiet_on_http: bool = False,
) -> Check:
    """Most rules look at one active matcher at a time; ``kinds``: the only matcher kinds ``inspect``
    can report (it answers None for every other, unasked), None: any kind; ``quiet_on_https``:
    ``inspect`` answers None for every `facts.plain_https` entry, so it is not asked about one;
    ``quiet_on_http``: the same for the entries `facts.plain_scheme` answers `http` for."""
    return PerMatcher(inspect, kinds, quiet_on_https, quiet_on_http)


class PerMatcher:
    """A check over one active matcher at a time: `document_findings` runs all of them in one pass
    over a document's entries instead of one pass each (a fifth of a 50,000-origin export, issue 21)."""

    def __init__(
        self,
        inspect: Callable[[CorsContext, OriginMatcher, Document], Hit | None],
        kinds: Iterable[MatcherKind] | None = None,
        quiet_on_https: bool = False,
        quiet_on_http: bool = False,
    ) -> None:
        self.inspect = inspect
        self.quiet_on_https = quiet_on_https
        self.quiet_on_http = quiet_on_http
        # a rule about `*` or `null` has nothing to say of the exact origins that fill an export:
        # not asking it saves most of the calls (tests/test_okta_speed_rules.py holds each
        # rule's kinds to what its `inspect` answers for the others)
        self.kinds = frozenset(MatcherKind) if kinds is None else frozenset(kinds)

    def __setattr__(self, name: str, value: object) -> None:
        _PLANS.clear()  # a check that changes (tests widen and narrow them) is planned again
        object.__setattr__(self, name, value)

    def __call__(self, document: Document, _settings: RuleSettings) -> Iterator[Hit]:
        for context, matcher in document.matchers(decisions=True):
            if matcher.kind not in self.kinds:
                continue
            if self.quiet_on_https or self.quiet_on_http:
                plain = plain_scheme(matcher)
                if (plain == "https" and self.quiet_on_https) or (plain == "http" and self.quiet_on_http):
                    continue
            hit = self.hit(context, matcher, document)
            if hit is not None:
                yield hit

    def hit(self, context: CorsContext, matcher: OriginMatcher, document: Document) -> Hit | None:
        hit = self.inspect(context, matcher, document)
        if hit is None:
            return None
        if matcher.from_default and matcher.note:
            hit = replace(hit, message=f"{hit.message} (a platform default: {matcher.note})")
        if context.own_page is not None:
            hit = replace(
                hit,
                message=f"{hit.message} (only on the `return` at line {context.own_page.line}, which "
                "nginx answers with a fixed page of its own: nothing of your users' to read there, so "
                "low; `always` is what puts the header on it)",
                gated=Severity.LOW,
            )
        decision = context.decision
        if decision is not None:
            gated = GATE_SEVERITY[decision.gate]
            hit = replace(
                hit, message=f"{hit.message} (this origin check decides {decision.what})", gated=gated
            )
        return hit


_Checks = list[tuple[str, PerMatcher, Callable[[CorsContext, OriginMatcher, Document], Hit | None]]]
_Plan = tuple[list[tuple[Rule, PerMatcher]], dict[MatcherKind, _Checks], dict[str | None, _Checks]]
# the plan of one tuple of rules: file_check asks with the same tuple for every file of a run, and
# building it for each document was 3% of an nginx run of 2,000 small files (issue 21)
_PLANS: dict[int, tuple[Sequence[Rule], _Plan]] = {}


def _plan(rules: Sequence[Rule]) -> _Plan:
    """The per-matcher rules; the checks that can report a matcher of each kind, in rule order; and
    those that can report a plain `https://` origin, the most of an export (issue 21), and a plain
    `http://` one, by `facts.plain_scheme`'s answer (None: the exact origin's checks)."""
    known = _PLANS.get(id(rules))
    if known is not None and known[0] is rules:
        return known[1]
    passes = [(rule, rule.check) for rule in rules if isinstance(rule.check, PerMatcher)]
    by_kind = {
        kind: [(rule.code, check, check.inspect) for rule, check in passes if kind in check.kinds]
        for kind in MatcherKind
    }
    exact = by_kind[MatcherKind.EXACT]
    plain = {
        "https": [each for each in exact if not each[1].quiet_on_https],
        "http": [each for each in exact if not each[1].quiet_on_http],
        None: exact,
    }
    plan = (passes, by_kind, plain)
    if isinstance(rules, tuple):  # kept only for what cannot change behind the key
        if len(_PLANS) >= 64:
            _PLANS.clear()
        _PLANS[id(rules)] = (rules, plan)
    return plan


def document_findings(
    rules: Sequence[Rule], document: Document, settings: RuleSettings
) -> Iterator[tuple[Rule, Finding]]:
    """Every rule's findings over one document, rule after rule as `Rule.findings` gives them; the
    per-matcher rules read the entries in one pass, each collecting its hits in entry order."""
    passes, by_kind, plain_checks = _plan(rules)
    hits: dict[str, list[Hit]] = {rule.code: [] for rule, _check in passes}
    if passes:
        for context, matcher in document.matchers(decisions=True):
            kind = matcher.kind
            checks = plain_checks[plain_scheme(matcher)] if kind is MatcherKind.EXACT else by_kind[kind]
            # most entries need none of what `PerMatcher.hit` adds to a hit: ask `inspect` directly
            # (1.2 million calls fewer for a 50,000-origin export, issue 21)
            plain = (
                not (matcher.from_default and matcher.note)
                and context.own_page is None
                and context.decision is None
            )
            for code, check, inspect in checks:
                hit = inspect(context, matcher, document) if plain else check.hit(context, matcher, document)
                if hit is not None:
                    hits[code].append(hit)
    for rule in rules:
        collected = hits.get(rule.code)
        if collected is None:
            for finding in rule.findings(document, settings):
                yield rule, finding
        else:
            for hit in collected:
                yield rule, rule.finding(hit, document)
