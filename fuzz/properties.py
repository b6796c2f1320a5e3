"""What must hold for any input at all, written once for the property tests and the long fuzz run.

The property tests (`tests/test_properties.py`) feed these from hypothesis in every CI run; `fuzz/run.py`
feeds them for as long as it is told to, from a seeded generator and mutated fixtures. Each function
raises AssertionError (or whatever a bug raises) when a property fails and returns quietly otherwise.
"""

from __future__ import annotations

import json
import re
import signal
import tempfile
import time
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Final

from origins_lint.check import CheckResult, run_check
from origins_lint.config import Config
from origins_lint.matchers import RegexAnalysis, analyse_regex
from origins_lint.model import (
    NGINX_REGEX,
    POLICY_REGEX_ENGINE,
    Dialect,
    Engine,
    MatchMode,
)
from origins_lint.origins import classify_host, read_origin, read_wildcard_host, registrable_domain
from origins_lint.report import MODULES, Style, renderer

ROOT: Final = Path(__file__).resolve().parent.parent
SECONDS_PER_INPUT: Final = 10.0  # a hang, not a slow machine: typical inputs take milliseconds

# Python-dialect engines, where CPython's own `re` is the reference to compare the automaton with
REFERENCE_ENGINES: Final = (
    Engine("search", MatchMode.SEARCH, case_sensitive=True),
    Engine("search-icase", MatchMode.SEARCH, case_sensitive=False),
    Engine("full", MatchMode.FULL, case_sensitive=True),
)
OTHER_ENGINES: Final = (
    POLICY_REGEX_ENGINE,
    NGINX_REGEX,
    Engine("re2", MatchMode.FULL, dialect=Dialect.RE2),
    Engine("origin-pattern", MatchMode.FULL, case_sensitive=False, dialect=Dialect.ORIGIN_PATTERN),
)

# (format name, a file name that format's detection accepts); fixtures of each seed the mutations
FORMAT_FILES: Final = {
    "policy": "fuzzed.origins.yaml",
    "nginx": "fuzzed.conf",
    "okta": "trusted-origins.json",
    "terraform": "fuzzed.tf",
    "ingress-nginx": "ingress.yaml",
    "istio": "virtual-service.yaml",
    "envoy": "envoy.yaml",
    "traefik": "traefik.yaml",
    "spring": "application.yaml",
    "apache": "httpd.conf",
}


def origin_holds(raw: str) -> None:
    """Reading an origin never raises, and its canonical form is a fixed point."""
    for wildcard in (False, True):
        origin = read_origin(raw, allow_wildcard=wildcard)
        if origin.host:
            classify_host(origin.host)
            registrable_domain(origin.host)
            read_wildcard_host(origin.host)
        if origin.ok and origin.canonical is not None:
            again = read_origin(origin.canonical, allow_wildcard=wildcard)
            assert again.ok, (raw, origin.canonical, again.problems)
            assert again.canonical == origin.canonical, (raw, origin.canonical, again.canonical)
            assert not again.quirks, (raw, origin.canonical, again.quirks)
            assert (again.scheme, again.host, again.port) == (origin.scheme, origin.host, origin.port)


def _reference(pattern: str, engine: Engine) -> re.Pattern[str] | None:
    try:
        with warnings.catch_warnings():  # "possible nested set" and the like
            warnings.simplefilter("ignore")
            return re.compile(pattern, 0 if engine.case_sensitive else re.IGNORECASE)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None


def _nested_repeat(pattern: str) -> bool:
    """Whether a repeat holds another repeat: where CPython's backtracking goes exponential."""
    import re._constants as sre_c
    import re._parser as sre_parse

    repeats = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT)

    def walk(items: Any, inside: bool) -> bool:
        for op, arg in items:
            if op in repeats:
                found = inside or walk(arg[2], True)
            elif op is sre_c.SUBPATTERN:
                found = walk(arg[3], inside)
            elif op is sre_c.BRANCH:
                found = any(walk(alt, inside) for alt in arg[1])
            else:
                found = False
            if found:
                return True
        return False

    return walk(sre_parse.parse(pattern), False)


def _candidates(analysis: RegexAnalysis) -> list[str]:
    """Every origin a rule could report for this pattern; each must be one the pattern accepts."""
    found = [analysis.unanchored(), analysis.unescaped_dot(), analysis.too_broad()]
    texts = [c.origin for c in found if c is not None]
    for pair in (analysis.wildcard(), analysis.shared_host()):
        if pair is not None:
            texts.append(pair[1].origin)
    scheme = analysis.any_scheme()
    if scheme is not None:
        texts.append(scheme)
    analysis.schemes()
    analysis.path_only()
    _ = analysis.matches_everything, analysis.intended_domains
    return texts


def regex_holds(pattern: str, probes: list[str]) -> int:
    """Analysis never raises or hangs; every origin it reports is accepted; where CPython can run the
    pattern, the automaton agrees with it on every probe. Returns how many texts were compared."""
    compared = 0
    for engine in REFERENCE_ENGINES + OTHER_ENGINES:
        start = time.perf_counter()
        analysis = analyse_regex(pattern, engine)
        reported = _candidates(analysis) if analysis.analysed else []
        for text in reported:
            assert analysis.accepts(text), (pattern, engine.name, "reported but not accepted", text)
        took = time.perf_counter() - start
        assert took < SECONDS_PER_INPUT, (pattern, engine.name, f"{took:.1f} s")
        if engine not in REFERENCE_ENGINES or not analysis.analysed:
            continue
        reference = _reference(pattern, engine)
        if reference is None:
            continue
        check = reference.search if engine.mode is MatchMode.SEARCH else reference.fullmatch
        longest = 8 if _nested_repeat(pattern) else 40  # CPython backtracks: keep its side bounded
        for text in [*probes, *reported, *(w.text for w in analysis.witnesses)]:
            if len(text) > longest:
                continue
            expected = _cpython(check, text)
            if expected is None:
                continue  # CPython itself backtracks for too long: no reference to compare with
            assert analysis.accepts(text) == expected, (pattern, engine.name, text)
            compared += 1
    return compared


class _TooSlow(Exception):
    pass


def _too_slow(_signum: int, _frame: Any) -> None:
    raise _TooSlow


def _cpython(check: Any, text: str) -> bool | None:
    """CPython's verdict, or None past a quarter second of CPU: even 8 characters can make nested
    lazy repeats backtrack for minutes (the reason origins-lint never runs file regexes in `re`).
    The CPU timer (SIGVTALRM) leaves the wall-clock alarm of fuzz/run.py alone."""
    previous = signal.signal(signal.SIGVTALRM, _too_slow)
    signal.setitimer(signal.ITIMER_VIRTUAL, 0.25)
    try:
        return bool(check(text))
    except _TooSlow:
        return None
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def file_holds(format_name: str, data: bytes, forced: bool) -> CheckResult:
    """A whole check of one file (read, detect, parse, rules, fixes, every output format) never
    raises and never reports an internal error; every finding is located; the outputs parse."""
    with tempfile.TemporaryDirectory(prefix="origins-lint-fuzz-") as folder:
        path = Path(folder) / FORMAT_FILES[format_name]
        path.write_bytes(data)
        start = time.perf_counter()
        result = run_check([str(path)], Config(root=Path(folder)), format_name if forced else None)
        assert not result.internal_errors, result.internal_errors
        for finding in result.findings:
            where = finding.location
            assert where.line >= 1 and where.column >= 1, finding
            assert finding.message and finding.code and finding.slug, finding
        outputs = {name: renderer(name)(result, Style()) for name in MODULES}
        outputs["pretty"] = renderer("text")(result, Style(colour=True, pretty=True, width=80))
        took = time.perf_counter() - start
        assert took < SECONDS_PER_INPUT, (format_name, f"{took:.1f} s")
    json.loads(outputs["json"])
    json.loads(outputs["sarif"])
    json.loads(outputs["gitlab"])
    ET.fromstring(outputs["junit"])
    # the runner reads lines split at \n and \r: one command per finding, then the summary
    *annotations, summary, end = re.split("\r|\n", outputs["github"])
    assert len(annotations) == len(result.findings) and not end, outputs["github"]
    assert all(line.startswith("::") for line in annotations) and not summary.startswith("::"), summary
    for name in ("text", "pretty"):
        assert not _CONTROL.search(_ANSI.sub("", outputs[name])), name
    return result


def fast_readers_agree(format_name: str, data: bytes) -> None:
    """Where a format reads the usual file by a fast path (Okta: the C decoder; policy: without
    pydantic), the model is the one the exact path builds, problems included."""
    from unittest import mock

    from origins_lint.formats import okta, policy
    from origins_lint.formats.base import FormatOptions
    from origins_lint.model import ParsedFile
    from origins_lint.source import Source, decode

    source = decode(FORMAT_FILES[format_name], data)
    if not isinstance(source, Source):
        return
    if format_name == "policy":
        fast = policy.parse(source, FormatOptions())
        with (
            mock.patch.object(policy, "read_policy", lambda _: None),
            mock.patch.object(policy, "read_entry", lambda _: None),
        ):
            exact = policy.parse(source, FormatOptions())
    elif format_name == "okta":
        fast = okta.parse(source, FormatOptions())
        exact = okta.read_exactly(source, ParsedFile(source.path, "okta")) if source.text.strip() else fast
    else:
        return
    assert fast.documents == exact.documents, format_name
    assert [(p.kind, p.message, p.location) for p in fast.problems] == [
        (p.kind, p.message, p.location) for p in exact.problems
    ], format_name


_ANSI: Final = re.compile(r"\x1b\[[0-9;]*m")  # the colours we print ourselves
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


SEED_GLOBS: Final = {
    "policy": ["tests/fixtures/policy/**/*", "examples/policy/*"],
    "nginx": ["tests/fixtures/nginx/**/*", "examples/nginx/*"],
    "okta": ["tests/fixtures/okta/**/*.json", "examples/okta/*.json"],
    "terraform": ["tests/fixtures/terraform/**/*", "examples/okta/*.tf"],
    "ingress-nginx": ["tests/fixtures/ingress/**/*", "examples/kubernetes/*"],
    "istio": ["tests/fixtures/istio/**/*", "examples/gateways/virtual-service.yaml"],
    "envoy": ["tests/fixtures/envoy/**/*", "examples/gateways/envoy.yaml"],
    "traefik": ["tests/fixtures/traefik/**/*", "examples/gateways/traefik.yml"],
    "spring": ["tests/fixtures/spring/**/*", "examples/spring/*"],
    "apache": ["tests/fixtures/apache/**/*", "examples/webservers/apache-*"],
}


def seeds(format_name: str) -> list[bytes]:
    """The test fixtures and examples of a format: real files to mutate."""
    paths = sorted({p for glob in SEED_GLOBS[format_name] for p in ROOT.glob(glob) if p.is_file()})
    return [p.read_bytes() for p in paths] or [b""]
