"""`origins-lint verify`: send the origins a static finding says get in to the running server, and report.

The only command that uses the network, and only towards the URLs it is given: for each
probe origin it sends an OPTIONS preflight and a GET (see `client` for exactly what), reads
the CORS headers, and turns each answer into a finding (`results`). `probes` decides what
to send, from the `--from` files' findings and entries or, without them, from the URL alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from origins_lint.check import CheckResult, _Filters
from origins_lint.config import Config
from origins_lint.fingerprint import with_fingerprints
from origins_lint.model import Finding
from origins_lint.verify.client import DEFAULT_TIMEOUT, Client, Request
from origins_lint.verify.probes import Plan, Probe, generic
from origins_lint.verify.results import Target, results

DEFAULT_MAX_REQUESTS = 200  # per URL
MAX_PATHS = 8  # request paths per URL (the URL's own, then the config's)
METHODS = ("OPTIONS", "GET")


class UrlError(ValueError):
    """A URL `verify` will not send to; the message says why."""


@dataclass(frozen=True, slots=True)
class Options:
    max_requests: int = DEFAULT_MAX_REQUESTS
    timeout: float = DEFAULT_TIMEOUT
    insecure: bool = False


@dataclass(slots=True)
class Verified:
    result: CheckResult
    targets: list[Target] = field(default_factory=list)

    @property
    def unreachable(self) -> list[Target]:
        """URLs where every request failed: no verdict there."""
        return [t for t in self.targets if t.sent and len(t.failed) == t.sent]


def load(paths: list[str], settings: Config, input_format: str | None) -> tuple[Plan, CheckResult]:
    """The `--from` files checked (their findings) and parsed (their entries), and the plan they give.

    Raises `PathError` for a path that does not exist, as `check` does.
    """
    from origins_lint.check import parse_files, run_check
    from origins_lint.verify.probes import from_config

    checked = run_check(paths, settings, input_format)
    errors: list[str] = []
    files = parse_files(paths, settings, input_format, errors)
    checked.internal_errors.extend(errors)
    return from_config(checked.findings, files), checked


def _syntaxes(texts: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each `--from` file's comment syntax and format, so its suppressions are read as `check` reads
    them: only in the format's real comments."""
    from origins_lint import formats
    from origins_lint.suppress import syntax_of

    out: dict[str, tuple[str, str]] = {}
    for path, text in texts.items():
        found = formats.detect(path, text)
        name = found.name if found is not None else ""
        out[path] = (syntax_of(path, name), name)
    return out


def _dropped(
    finding: Finding, settings: Config | None, filters: _Filters | None, texts: dict[str, str]
) -> bool:
    """The config's `select`/`ignore`, and inline suppressions and `per-file-ignores` in the file a
    result points into, as `check` applies them: a live result is a finding like any other."""
    if settings is None or filters is None:
        return False
    from origins_lint.config import selector_matches

    code, slug = finding.code, finding.slug
    if settings.select and not any(selector_matches(s, code, slug) for s in settings.select):
        return True
    if any(selector_matches(s, code, slug) for s in settings.ignore):
        return True
    return finding.location.path in texts and filters.drops(finding)


def summary(done: Verified) -> str:
    """`3 confirmed, 1 not confirmed, 1 cache hazard, on 2 URL(s) with 52 request(s)`."""
    from collections import Counter

    from origins_lint.rules.verify import CONFIRMED, MISSING_VARY, NOT_CONFIRMED

    counts = Counter(f.code for f in done.result.findings)
    sent = sum(t.sent for t in done.targets)
    return (
        f"{counts[CONFIRMED]} confirmed, {counts[NOT_CONFIRMED]} not confirmed, "
        f"{counts[MISSING_VARY]} cache hazard(s), on {len(done.targets)} URL(s) with {sent} request(s)"
    )


def check_url(url: str) -> str:
    """The URL if `verify` may send to it: http(s), a host, no user or password, no fragment."""
    if any(char.isspace() or not char.isprintable() for char in url):
        raise UrlError(f"`{url}` has spaces or control characters: percent-encode them")
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise UrlError(f"`{url}` is not a URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UrlError(f"`{url}` is not an http:// or https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise UrlError(f"`{url}` carries a user name or password: verify never sends credentials")
    try:
        parts.port  # noqa: B018 (raises on a port that is no number)
    except ValueError:
        raise UrlError(f"`{url}` has a port that is not a number") from None
    return url


def targets(urls: list[str], plan: Plan | None, options: Options) -> list[Target]:
    """The requests for each URL, in order of weight, up to `--max-requests` for each."""
    out = []
    for url in urls:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        own = parts.path or "/"
        own += f"?{parts.query}" if parts.query else ""
        paths = list(dict.fromkeys([own, *(plan.paths if plan is not None else [])]))[:MAX_PATHS]
        probes = plan.probes if plan is not None else generic(parts.hostname or "")
        target = Target(url, base, paths, insecure=options.insecure)
        budget = options.max_requests
        for probe in probes:
            # a finding's probe goes to its context's paths (and to the URL's path when one was given)
            mine = [*([own] if own != "/" else []), *probe.paths, *(paths if probe.everywhere else [])]
            routes = list(dict.fromkeys(mine))
            cost = len(routes) * len(METHODS)
            if cost > budget:
                target.left_out.append(probe)
                continue
            budget -= cost
            target.probes.append(probe)
            target.routes[probe.origin] = routes
        out.append(target)
    return out


def requests(target: Target) -> list[Request]:
    return [
        Request(method, target.base + path, probe.origin)
        for probe in target.probes
        for path in target.routes[probe.origin]
        for method in METHODS
    ]


def dry_run(target: Target) -> list[str]:
    """The requests as lines, without sending anything."""
    why = {p.origin: p.why for p in target.probes}
    lines = [f"{r.method} {r.url}  Origin: {r.origin}  ({why[r.origin]})" for r in requests(target)]
    lines += [f"not sent (--max-requests): Origin: {p.origin}  ({p.why})" for p in target.left_out]
    return lines


def run(
    planned: list[Target],
    plan: Plan | None,
    options: Options,
    texts: dict[str, str],
    files_checked: int,
    settings: Config | None = None,
) -> Verified:
    """Send every planned request and make the findings of every URL."""
    client = Client(options.timeout, options.insecure)
    findings: list[Finding] = []
    for target in planned:
        for request, answer in zip(requests(target), client.send_all(requests(target)), strict=True):
            target.answers.setdefault(request.origin, []).append(answer)
        findings.extend(results(target, plan))
    filters = _Filters(settings, texts, _syntaxes(texts)) if settings is not None else None
    kept = [f for f in findings if not _dropped(f, settings, filters, texts)]
    unique = {(f.code, f.location, f.message): f for f in kept}
    ordered = sorted(unique.values(), key=Finding.sort_key)
    result = CheckResult(
        findings=with_fingerprints(ordered, texts, os.getcwd()),
        files_checked=files_checked,
        sources=texts,
    )
    return Verified(result, planned)


__all__ = [
    "Options",
    "Plan",
    "Probe",
    "UrlError",
    "Verified",
    "check_url",
    "dry_run",
    "load",
    "requests",
    "run",
    "targets",
]
