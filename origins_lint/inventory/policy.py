"""The policy file as the source of truth: every trusted entry of every config checked against it.

`policy = "security/origins.yaml"` in the config (or `--policy FILE`) names one file in our
policy format (`formats/policy/`, `policy-format.md`). Its entries are what the organization
reviewed; the OL803-OL806 rules (registered in `rules/organization.py`) say where a config
trusts more than that:

- OL803: an exact origin (or `null`) no policy entry admits;
- OL804: an origin trusted with credentials that the policy admits only with `credentials: false`;
- OL805: a pattern that admits an origin no policy entry admits, with that origin;
- OL806 (opt-in): a policy entry no checked config uses.

Each config entry is compared under its own engine's semantics and each policy entry under the
policy's (`admit.admits`); patterns are compared on the automata (`contain.py`), bounded, and
what cannot be decided is OL004, never silence.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from origins_lint.admit import LISTED, admits
from origins_lint.inventory.contain import Beyond, beyond
from origins_lint.model import (
    CorsContext,
    Document,
    Finding,
    Location,
    MatcherKind,
    OriginMatcher,
    ParsedFile,
)
from origins_lint.origins import read_origin

if TYPE_CHECKING:
    from origins_lint.file_check import Job

EXACT_KINDS = (MatcherKind.EXACT, MatcherKind.NULL)


@dataclass(frozen=True, slots=True)
class PolicyEntry:
    matcher: OriginMatcher
    credentials: bool  # the policy allows credentials for it


@dataclass(frozen=True, slots=True)
class Policy:
    """The reviewed list: every entry of every document of the policy file."""

    path: str  # as shown in messages
    entries: tuple[PolicyEntry, ...]
    # exact entries by the origin they stand for: a 50,000-entry Okta export asks once per entry
    exact: dict[str, tuple[PolicyEntry, ...]] = field(default_factory=dict)
    patterns: tuple[PolicyEntry, ...] = ()  # the others, asked one by one

    def covers(self, document: Document) -> bool:
        """Whether the document is the policy itself (never checked against itself)."""
        return os.path.realpath(document.path) == os.path.realpath(self.path)

    def matchers(self, with_credentials: bool = False) -> list[OriginMatcher]:
        return [e.matcher for e in self.entries if e.credentials or not with_credentials]

    def admitting(self, origin: str) -> list[PolicyEntry]:
        """The entries that admit one origin (as `admit.admits` decides): exact ones first."""
        patterns = [entry for entry in self.patterns if admits(entry.matcher, origin)]
        return [*self.exact.get(origin, ()), *patterns]


class PolicyError(Exception):
    """The policy file cannot be read as a policy; the CLI says so and exits 2."""


def read(path: str) -> Policy:
    """The policy at ``path``; raises PolicyError with the reason when it cannot be used."""
    try:
        stat = os.stat(path)
    except OSError as error:
        raise PolicyError(f"cannot read the policy {path}: {error.strerror or error}") from None
    return _read(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read(path: str, _mtime: int, _size: int) -> Policy:
    from origins_lint import formats, limits
    from origins_lint.formats.base import FormatOptions
    from origins_lint.source import Source, read_source

    source = read_source(path, limits.active().file_size)
    if not isinstance(source, Source):
        raise PolicyError(f"cannot read the policy {path}: {source.message}")
    parsed: ParsedFile = formats.BY_NAME["policy"].parse(source, FormatOptions())
    if parsed.problems:
        first = parsed.problems[0]
        raise PolicyError(
            f"the policy {path} is not a valid policy file: line {first.location.line}: {first.message} "
            "(`origins-lint check` on it says more)"
        )
    entries = tuple(
        PolicyEntry(matcher, context.credentials.value is not False)
        for document in parsed.documents
        for context, matcher in document.matchers()
    )
    if not entries:
        raise PolicyError(f"the policy {path} lists no origins")
    exact: dict[str, tuple[PolicyEntry, ...]] = {}
    for entry in entries:
        if entry.matcher.kind in EXACT_KINDS and not _placeholder(entry.matcher):
            exact[_origin(entry.matcher)] = (*exact.get(_origin(entry.matcher), ()), entry)
    patterns = tuple(entry for entry in entries if entry.matcher.kind not in EXACT_KINDS)
    return Policy(path, entries, exact, patterns)


def digest(path: str | None) -> str:
    """What the result cache keys on: findings change when the policy's text does."""
    if path is None:
        return ""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return "unreadable"


@dataclass(frozen=True, slots=True)
class Gap:
    """What one config entry trusts beyond the policy: a code, the entry and the message."""

    code: str
    matcher: OriginMatcher
    message: str


_LAST: list[tuple[Document, Policy, tuple[Gap, ...]]] = []


def gaps(document: Document, policy: Policy) -> tuple[Gap, ...]:
    """OL803, OL804, OL805 and the OL004 of what cannot be decided, for one config document.

    Three rules read the answer for the same document in a row: it is worked out once."""
    if _LAST and _LAST[0][0] is document and _LAST[0][1] is policy:
        return _LAST[0][2]
    found = () if policy.covers(document) else tuple(_document_gaps(document, policy))
    _LAST[:] = [(document, policy, found)]
    return found


def _document_gaps(document: Document, policy: Policy) -> Iterator[Gap]:
    seen: set[tuple[Location, bool]] = set()
    for context, matcher in document.matchers(decisions=True):
        key = (matcher.location, context.with_credentials)
        if key in seen:
            continue
        seen.add(key)
        yield from _gaps(context, matcher, policy)


def _gaps(context: CorsContext, matcher: OriginMatcher, policy: Policy) -> Iterator[Gap]:
    name = policy.path
    everything = policy.matchers()
    credentials = context.with_credentials and matcher.kind is not MatcherKind.ANY
    if matcher.kind in EXACT_KINDS and not _placeholder(matcher):
        origin = _origin(matcher)
        admitting = policy.admitting(origin)
        allowing = [entry.matcher for entry in admitting]
        if not allowing:
            yield Gap(
                "OL803",
                matcher,
                f"`{matcher.raw}` is trusted here, but no entry of the policy `{name}` admits it; "
                "add it to the policy once it is approved, or remove it here",
            )
            return
        if credentials and not any(entry.credentials for entry in admitting):
            yield Gap("OL804", matcher, _credentials_message(matcher.raw, origin, allowing, name))
            return
        if matcher.runs is None:
            return
        # the engine runs a regex built from the entry (ingress-nginx: `null` as `(null)$`, searched
        # without case): it may admit more web origins than the one, so it is compared as a pattern too
    if matcher.kind is MatcherKind.PATH:
        return
    found = beyond(matcher, everything, web_only=_built(matcher))
    if found.reason is not None:
        yield Gap(
            "OL004",
            matcher,
            f"`{matcher.raw}` could not be compared with the policy `{name}`: {found.reason}; "
            "review by hand that the policy admits everything it admits",
        )
        return
    if found.origin is not None:
        yield Gap(
            "OL805",
            matcher,
            f"`{matcher.raw}` admits `{found.origin}`, which the policy `{name}` does not; narrow it to "
            "what the policy lists, or add the origins it must admit to the policy once approved",
        )
        return
    if credentials:
        sent: Beyond = beyond(matcher, policy.matchers(True), web_only=_built(matcher))
        if sent.origin is not None:
            allowing = [entry.matcher for entry in policy.admitting(sent.origin)]
            yield Gap("OL804", matcher, _credentials_message(matcher.raw, sent.origin, allowing, name))
        elif sent.reason is not None:
            yield Gap(
                "OL004",
                matcher,
                f"`{matcher.raw}` could not be compared with the policy `{name}`'s entries that allow "
                f"credentials: {sent.reason}; review it by hand",
            )


def _built(matcher: OriginMatcher) -> bool:
    """An item the engine turns into a regex (ingress-nginx's `(item)$` search, Envoy Gateway's
    `.*`): compared among web origins only, since what that regex adds beyond the item's own
    `https://host` is text before the scheme (`ahttps://a.example.com`), a scheme no page has."""
    return matcher.runs is not None and matcher.kind in LISTED


def _credentials_message(raw: str, origin: str, allowing: list[OriginMatcher], name: str) -> str:
    where = ", ".join(f"`{m.raw}` at line {m.location.line}" for m in allowing[:3])
    subject = f"`{raw}` is trusted here" if raw == origin else f"`{raw}` admits `{origin}`"
    return (
        f"{subject} with credentials, but the policy `{name}` allows it only without them "
        f"(`credentials: false`: {where}); drop credentials here, or allow them in the policy once approved"
    )


def _placeholder(matcher: OriginMatcher) -> bool:
    from origins_lint.model import PLACEHOLDER

    return bool(PLACEHOLDER.search(matcher.raw))


def _origin(matcher: OriginMatcher) -> str:
    """The origin an exact entry stands for, as a browser would send it."""
    if matcher.kind is MatcherKind.NULL:
        return "null"
    text = read_origin(matcher.raw)
    return text.canonical if text.ok and text.canonical else matcher.raw


def uses(policy_entry: OriginMatcher, files: list[ParsedFile], policy: Policy) -> bool:
    """Whether some checked config trusts an origin this policy entry admits."""
    from origins_lint.inventory.contain import overlap

    for parsed in files:
        for document in parsed.documents:
            if policy.covers(document):
                continue
            for _context, matcher in document.matchers(decisions=True):
                if matcher.kind in EXACT_KINDS:
                    if admits(policy_entry, _origin(matcher)):
                        return True
                elif overlap(matcher, policy_entry):
                    return True
    return False


def unused(policy: Policy, files: list[ParsedFile]) -> Iterator[PolicyEntry]:
    """OL806: the policy's entries that no checked config uses."""
    for entry in policy.entries:
        if not uses(entry.matcher, files, policy):
            yield entry


def unused_findings(job: Job, texts: dict[str, str]) -> list[Finding]:
    """OL806 over the files of one run (their texts), when the run selects it."""
    from origins_lint.file_check import _rules, parse_source
    from origins_lint.rules import RULES
    from origins_lint.source import Source

    config = job.config
    rule = RULES["OL806"]
    if config.policy is None or rule not in _rules(config.select, config.ignore):
        return []
    try:
        policy = read(config.policy)
    except PolicyError:
        return []
    files = []
    for path, text in texts.items():
        parsed = parse_source(job, Source(path, text), True)
        if isinstance(parsed, ParsedFile):
            files.append(parsed)
    return [
        Finding(
            rule.code,
            rule.slug,
            rule.severity,
            entry.matcher.location,
            f"the policy entry `{entry.matcher.raw}` admits no origin that a checked config trusts; "
            "remove it from the policy if nothing needs it any more",
            "policy",
        )
        for entry in unused(policy, files)
    ]


def problem(path: str | None) -> str | None:
    """Why the configured policy cannot be used (the CLI exits 2 with it), or None."""
    if path is None:
        return None
    try:
        read(path)
    except PolicyError as error:
        return str(error)
    return None
