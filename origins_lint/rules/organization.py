"""OL8xx: the organization's own policy (`allowed-domains`, `denied-origins`); silent unless configured."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator

from origins_lint.model import Document, MatcherKind, Severity
from origins_lint.rules.facts import named_hosts, parsed
from origins_lint.rules.registry import Hit, RuleSettings, rule


def _under(host: str, domain: str) -> bool:
    domain = domain.lower().strip(".")
    return host == domain or host.endswith("." + domain)


def _outside_allowed(document: Document, settings: RuleSettings) -> Iterator[Hit]:
    if not settings.allowed_domains:
        return
    allowed = ", ".join(f"`{d}`" for d in settings.allowed_domains)
    for _context, matcher in document.matchers(decisions=True):
        for named in named_hosts(matcher):
            if not any(_under(named.host, domain) for domain in settings.allowed_domains):
                yield Hit(
                    matcher.location,
                    f"`{matcher.raw}` names `{named.host}`, which is not under an allowed domain "
                    f"({allowed}); remove the entry, or add its domain to `allowed-domains` once "
                    "it is approved",
                )
                break


def _denied(document: Document, settings: RuleSettings) -> Iterator[Hit]:
    if not settings.denied_origins:
        return
    for _context, matcher in document.matchers(decisions=True):
        texts = {matcher.raw.lower()}
        text = parsed(matcher)
        if text is not None and text.canonical:
            texts.add(text.canonical)
        if matcher.kind is MatcherKind.REGEX:
            texts.update(named.origin for named in named_hosts(matcher))
        for pattern in settings.denied_origins:
            wanted = pattern.lower()
            hosts = {t.partition("://")[2] for t in texts}
            pool = texts if "://" in wanted else hosts
            if any(fnmatch.fnmatchcase(t, wanted) for t in pool):
                yield Hit(
                    matcher.location,
                    f"`{matcher.raw}` matches the denied pattern `{pattern}` from the configuration; "
                    "remove the entry",
                )
                break


rule("OL801", "origin-outside-allowed-domains", Severity.HIGH, "Origin outside the allowed domains")(
    _outside_allowed
)
rule("OL802", "origin-denied", Severity.HIGH, "Origin matches a denied pattern")(_denied)


# the policy file as the source of truth (issue 25); the comparisons live in `inventory/policy.py`


def _policy_gaps(code: str) -> Callable[[Document, RuleSettings], Iterator[Hit]]:
    def check(document: Document, settings: RuleSettings) -> Iterator[Hit]:
        if settings.policy is None:
            return
        from origins_lint.inventory.policy import gaps

        for gap in gaps(document, settings.policy):
            if gap.code == code or (code == "OL805" and gap.code == "OL004"):
                yield Hit(gap.matcher.location, gap.message, code=None if gap.code == code else gap.code)

    return check


def _unused_entries(_document: Document, _settings: RuleSettings) -> Iterator[Hit]:
    """OL806 looks across every checked file: `check.py` asks `inventory.policy.unused` after the run."""
    return iter(())


rule("OL803", "origin-not-in-policy", Severity.HIGH, "Origin the policy file does not admit")(
    _policy_gaps("OL803")
)
rule("OL804", "credentials-beyond-policy", Severity.HIGH, "Credentials the policy file does not allow")(
    _policy_gaps("OL804")
)
rule("OL805", "pattern-beyond-policy", Severity.HIGH, "Pattern admits origins the policy file does not")(
    _policy_gaps("OL805")
)
rule("OL806", "unused-policy-entry", Severity.INFO, "Policy entry no checked config uses", opt_in=True)(
    _unused_entries
)
