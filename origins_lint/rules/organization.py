"""OL8xx: the organization's own policy (`allowed-domains`, `denied-origins`); silent unless configured."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

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
