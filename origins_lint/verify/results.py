"""Answers into findings: OL901 (confirmed), OL902 (not confirmed, and why), OL903 (no `Vary: Origin`).

With `--from`, each result points at the config line behind it (the static finding's
location, or the entry whose host an attack was built from), so SARIF shows it in the file
that must change; without, at the URL itself (line 1, column 1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from origins_lint.admit import admits
from origins_lint.model import Finding, Location, Severity
from origins_lint.rules import RULES
from origins_lint.rules.verify import CONFIRMED, MISSING_VARY, NOT_CONFIRMED
from origins_lint.verify.client import Answer
from origins_lint.verify.probes import VARY, Claim, Plan, Probe

FORMAT = "live"


@dataclass(slots=True)
class Target:
    """One URL: the requests planned for it, and what came back."""

    url: str
    base: str  # scheme://host[:port], where every path is sent
    paths: list[str]
    probes: list[Probe] = field(default_factory=list)  # sent
    routes: dict[str, list[str]] = field(default_factory=dict)  # the paths each probe's origin is sent to
    left_out: list[Probe] = field(default_factory=list)  # over --max-requests
    answers: dict[str, list[Answer]] = field(default_factory=dict)  # by origin
    insecure: bool = False

    @property
    def failed(self) -> list[Answer]:
        return [a for found in self.answers.values() for a in found if a.error is not None]

    @property
    def sent(self) -> int:
        return sum(len(found) for found in self.answers.values())


def _finding(code: str, severity: Severity | None, location: Location, message: str) -> Finding:
    rule = RULES[code]
    return Finding(code, rule.slug, severity or rule.severity, location, message, FORMAT)


def _effect(answer: Answer, arbitrary: bool) -> tuple[Severity, str]:
    """Severity by what the answer gives away: credentials to any site is the worst there is."""
    if answer.credentials:
        return (Severity.CRITICAL if arbitrary else Severity.HIGH), "with credentials"
    if answer.allow_origin == ("*",):
        return Severity.LOW, "by `*` (without credentials: browsers send none to `*`)"
    return Severity.MEDIUM, "without credentials"


def _best(answers: Iterable[Answer], arbitrary: bool) -> Answer | None:
    admitted = [a for a in answers if a.admitted]
    return max(admitted, key=lambda a: _effect(a, arbitrary)[0], default=None)


def _tls(target: Target, message: str) -> str:
    return (
        f"{message} (TLS not verified: --insecure)"
        if target.insecure and target.base.startswith("https:")
        else message
    )


def _at(target: Target, origin: str, paths: tuple[str, ...]) -> list[Answer]:
    """The answers to one origin, at the request paths of a finding's contexts when they are known."""
    found = target.answers.get(origin, [])
    if not paths:
        return found
    return [a for a in found if urlsplit(a.request.url).path in paths]


def _why_not(target: Target, origins: tuple[str, ...], paths: tuple[str, ...] = ()) -> str:
    """What the server said instead, for an origin that was not admitted."""
    sent = [a for origin in origins for a in _at(target, origin, paths)]
    if not sent:
        return f"not sent: --max-requests was reached before these probes ({', '.join(origins)})"
    if all(a.error is not None for a in sent):
        return f"the server could not be asked: {sent[0].evidence()}"
    answered = [a for a in sent if a.error is None]
    shown = next(
        (a for a in answered if a.allow_origin),
        next((a for a in answered if a.redirect is not None or a.request.method == "GET"), answered[0]),
    )
    return f"the server did not admit `{shown.request.origin}`: {shown.evidence()}"


def _trusted_note(target: Target, plan: Plan) -> str:
    """Whether the origins the file trusts get in: when they do not either, the URL may be the wrong one."""
    trusted = [p for p in target.probes if p.trusted]
    if not trusted:
        return ""
    if any(a.admitted for p in trusted for a in target.answers.get(p.origin, [])):
        return ""
    return (
        f"; the origins the file trusts (`{trusted[0].origin}`) were not admitted either: "
        "is this the server that runs this file, and the right path?"
    )


def claim_results(target: Target, plan: Plan) -> list[Finding]:
    out: list[Finding] = []
    by_origin = {p.origin: p for p in [*target.probes, *target.left_out]}
    note = _trusted_note(target, plan)
    for claim in plan.claims:
        finding = claim.finding
        if finding.code == VARY:
            continue  # decided with the Vary check
        if not claim.origins:
            out.append(_not_confirmed(target, claim, f"not checked: {claim.why_not}"))
            continue
        best: tuple[Answer, str] | None = None
        for origin in claim.origins:
            answer = _best(_at(target, origin, claim.paths), by_origin[origin].arbitrary)
            if answer is not None and (
                best is None or _effect(answer, False)[0] > _effect(best[0], False)[0]
            ):
                best = (answer, origin)
        if best is None:
            out.append(_not_confirmed(target, claim, _why_not(target, claim.origins, claim.paths) + note))
            continue
        answer, origin = best
        severity, how = _effect(answer, by_origin[origin].arbitrary)
        out.append(
            _finding(
                CONFIRMED,
                severity,
                finding.location,
                _tls(
                    target,
                    f"confirmed on {target.base}: `{origin}` is admitted {how} ({answer.evidence()}), as "
                    f"{finding.code} ({finding.slug}) says of this entry; fix it here",
                ),
            )
        )
    return out


def _not_confirmed(target: Target, claim: Claim, reason: str) -> Finding:
    finding = claim.finding
    return _finding(
        NOT_CONFIRMED,
        None,
        finding.location,
        _tls(target, f"{finding.code} ({finding.slug}) not confirmed on {target.base}: {reason}"),
    )


def drift_results(target: Target, plan: Plan) -> list[Finding]:
    """Origins the server admits that no entry of the file admits: the live config says more than the file."""
    out: list[Finding] = []
    claimed = {origin for claim in plan.claims for origin in claim.origins}
    for probe in target.probes:
        entry = plan.built.get(probe.origin)
        if entry is None or probe.trusted or probe.origin in claimed:
            continue
        if any(admits(m, probe.origin) for m in plan.matchers):
            continue  # the file admits it too: a finding of its own says so, or it is meant
        answer = _best(target.answers.get(probe.origin, []), probe.arbitrary)
        if answer is None:
            continue
        severity, how = _effect(answer, probe.arbitrary)
        out.append(
            _finding(
                CONFIRMED,
                severity,
                entry.location,
                _tls(
                    target,
                    f"{target.base} admits `{probe.origin}` {how} ({answer.evidence()}), which no entry "
                    f"of the file admits ({probe.why}): the server does not run this config, or admits "
                    "more elsewhere; find what sends this header",
                ),
            )
        )
    return out


def generic_results(target: Target) -> list[Finding]:
    out: list[Finding] = []
    where = Location.point(target.url, 1, 1)
    for probe in target.probes:
        if probe.trusted:
            continue
        answer = _best(target.answers.get(probe.origin, []), probe.arbitrary)
        if answer is None:
            continue
        severity, how = _effect(answer, probe.arbitrary)
        out.append(
            _finding(
                CONFIRMED,
                severity,
                where,
                _tls(
                    target,
                    f"{target.base} admits `{probe.origin}` ({probe.why}) {how}: {answer.evidence()}; "
                    "check the origin against a list of exact origins",
                ),
            )
        )
    return out


def _hazard(target: Target, paths: tuple[str, ...] = (), skip: frozenset[str] = frozenset()) -> Answer | None:
    """A GET answer naming the request's origin, without `Vary: Origin`, at a URL whose Allow-Origin
    does change with the Origin (a fixed `https://app.example.com` sent to that origin is no hazard).

    Only a GET's answer: a shared cache never stores an OPTIONS answer (RFC 9110, 9.3.7), and Traefik,
    for one, answers a preflight without the `Vary` it adds to other responses.
    """
    by_url: dict[str, list[Answer]] = {}
    for found in target.answers.values():
        for answer in found:
            where = urlsplit(answer.request.url).path
            if (paths and where not in paths) or where in skip:
                continue
            if answer.request.method == "GET" and answer.error is None:
                by_url.setdefault(answer.request.url, []).append(answer)
    for answers in by_url.values():
        if len({a.allow_origin for a in answers}) < 2:
            continue
        for answer in answers:
            if answer.per_origin and not answer.varies_on_origin:
                return answer
    return None


def _no_hazard(target: Target, paths: tuple[str, ...]) -> str:
    answers = [a for found in target.answers.values() for a in found if a.request.method == "GET"]
    answers = [a for a in answers if not paths or urlsplit(a.request.url).path in paths]
    failed = [a for a in answers if a.error is not None]
    if failed and len(failed) == len(answers):
        return f"the server could not be asked: {failed[0].evidence()}"
    if not answers:
        return "not sent: --max-requests was reached first"
    if any(a.per_origin for a in answers):
        return (
            "every answer that named the request's origin carried `Vary: Origin`, or named it "
            "whatever the origin"
        )
    return "no answer named the request's origin, so there was nothing to cache per origin"


def _vary_message(target: Target, hazard: Answer) -> str:
    return _tls(
        target,
        f"{target.base} answers `{hazard.request.origin}` with its own origin but no `Vary: Origin` "
        f"({hazard.evidence()}): a shared cache (CDN, proxy) can hand this answer to another site, "
        "which then fails, or to an attacker's page; send `Vary: Origin` with every such answer",
    )


def vary_results(target: Target, plan: Plan | None) -> list[Finding]:
    """OL903 where an answer names the request's origin without `Vary: Origin`: at each OL602 it
    confirms (judged at that finding's context's paths), and once more where no OL602 expected it."""
    claims = [c for c in plan.claims if c.finding.code == VARY] if plan is not None else []
    out: list[Finding] = []
    for claim in claims:
        hazard = _hazard(target, claim.paths)
        if hazard is None:
            out.append(_not_confirmed(target, claim, _no_hazard(target, claim.paths)))
        else:
            out.append(_finding(MISSING_VARY, None, claim.finding.location, _vary_message(target, hazard)))
    if any(not c.paths for c in claims):
        return out
    hazard = _hazard(target, (), frozenset(path for c in claims for path in c.paths))
    if hazard is not None:
        where = Location.point(target.url, 1, 1)
        if plan is not None:
            entry = next((m for m in plan.matchers if admits(m, hazard.request.origin)), None)
            where = entry.location if entry is not None else where
        out.append(_finding(MISSING_VARY, None, where, _vary_message(target, hazard)))
    return out


def results(target: Target, plan: Plan | None) -> list[Finding]:
    if plan is None:
        return [*generic_results(target), *vary_results(target, None)]
    return [*claim_results(target, plan), *drift_results(target, plan), *vary_results(target, plan)]
