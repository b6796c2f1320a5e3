"""Rules as data: a code, a slug, a severity, a summary and a check over one document."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from origins_lint.model import CorsContext, Document, Finding, Fix, Gate, Location, OriginMatcher, Severity

# an origin check that is not a CORS allow-list weighs what it gates (nginx `if`/`map` on the Origin):
# who may frame the page or pass a CSRF guard is high, a value a backend reads medium, a flag low
GATE_SEVERITY = {
    Gate.FRAME: Severity.HIGH,
    Gate.GUARD: Severity.HIGH,
    Gate.BACKEND: Severity.MEDIUM,
    Gate.FLAG: Severity.LOW,
}


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """Organization policy the rules read (from config); empty means the OL8xx rules stay silent."""

    allowed_domains: tuple[str, ...] = ()
    denied_origins: tuple[str, ...] = ()
    # the codes this run reports (config `select`/`ignore`); None: every rule. OL405 reports a
    # breadth only when the rule that names it (OL302, OL306-OL310) is not reported
    selected: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """What a check reports: where, why, and a severity when it differs from the default."""

    location: Location
    message: str
    severity: Severity | None = None
    fix: Fix | None = None
    # the weight of what the entry gates, for a rule about admitting too much (medium and above)
    gated: Severity | None = None


Check = Callable[[Document, RuleSettings], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    severity: Severity
    summary: str
    check: Check | None = field(default=None, compare=False)
    opt_in: bool = False  # off unless `select` names it exactly (like ruff's RUF100)

    def findings(self, document: Document, settings: RuleSettings) -> Iterator[Finding]:
        if self.check is None:
            return
        for hit in self.check(document, settings):
            severity = hit.severity or self.severity
            if hit.gated is not None and severity >= Severity.MEDIUM:
                severity = hit.gated
            yield Finding(
                self.code,
                self.slug,
                severity,
                hit.location,
                hit.message,
                document.format,
                hit.fix,
            )


RULES: dict[str, Rule] = {}


def rule(code: str, slug: str, severity: Severity, summary: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        RULES[code] = Rule(code, slug, severity, summary, check)
        return check

    return register


def declare(code: str, slug: str, severity: Severity, summary: str, *, opt_in: bool = False) -> None:
    """A rule the pipeline itself reports (input problems), with no check over documents."""
    RULES[code] = Rule(code, slug, severity, summary, opt_in=opt_in)


def per_matcher(
    inspect: Callable[[CorsContext, OriginMatcher, Document], Hit | None],
) -> Check:
    """Most rules look at one active matcher at a time."""

    def check(document: Document, _settings: RuleSettings) -> Iterator[Hit]:
        for context, matcher in document.matchers(decisions=True):
            hit = inspect(context, matcher, document)
            if hit is not None and matcher.from_default and matcher.note:
                hit = replace(hit, message=f"{hit.message} (a platform default: {matcher.note})")
            if hit is not None and context.own_page is not None:
                hit = replace(
                    hit,
                    message=f"{hit.message} (only on the `return` at line {context.own_page.line}, which "
                    "nginx answers with a fixed page of its own: nothing of your users' to read there, so "
                    "low; `always` is what puts the header on it)",
                    gated=Severity.LOW,
                )
            decision = context.decision
            if hit is not None and decision is not None:
                gated = GATE_SEVERITY[decision.gate]
                hit = replace(
                    hit, message=f"{hit.message} (this origin check decides {decision.what})", gated=gated
                )
            if hit is not None:
                yield hit

    return check
