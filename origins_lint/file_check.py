"""One file through detect, parse and the rules: the unit of work the pool and the cache hold.

It must depend on nothing but the file (and the files it includes) and the job's settings,
so that it can run in any process, in any order, or come from the cache, and give the same
findings. Filtering (suppressions, per-file ignores, a baseline) happens later, over all files.
"""

from __future__ import annotations

import gc
from functools import cache
from typing import TYPE_CHECKING

from origins_lint import formats, limits
from origins_lint.config import Config, rule_enabled
from origins_lint.discover import glob_match, relative_to
from origins_lint.model import Environment, Finding, InputProblem, Location, ParsedFile, ProblemKind
from origins_lint.records import field, record
from origins_lint.rules import RULES, Rule, RuleSettings, all_rules
from origins_lint.rules.facts import forget
from origins_lint.rules.registry import document_findings
from origins_lint.source import Source

if TYPE_CHECKING:
    from origins_lint.inventory.policy import Policy

PROBLEM_RULES = {
    ProblemKind.PARSE: "OL001",
    ProblemKind.SCHEMA: "OL002",
    ProblemKind.UNKNOWN_FORMAT: "OL003",
    ProblemKind.NOT_ANALYSED: "OL004",
}


@record(frozen=True, slots=True)
class Job:
    """What every file of one run is checked with; picklable, so worker processes get the same."""

    config: Config
    input_format: str | None
    roots: tuple[str, ...]  # folders being checked: nginx `include` never leaves them
    skip_unknown: bool


@record(slots=True)
class FileOutcome:
    """A checked file's findings before filtering, and the included files they may point into."""

    path: str
    format: str
    problems: list[Finding] = field(default_factory=list)  # the file could not be (fully) read
    findings: list[Finding] = field(default_factory=list)  # what the rules said
    included: dict[str, str] = field(default_factory=dict)  # path -> text of each file it includes
    consulted: dict[str, str] = field(default_factory=dict)  # path -> text of each other file it read
    error: str | None = None  # a bug of ours, reported as an internal error (never cached)
    counted: bool = True  # false when the parser itself failed: the file was not checked
    cacheable: bool = True  # false when the parse depended on more than the file and its includes


@cache
def _rules(select: tuple[str, ...], ignore: tuple[str, ...]) -> tuple[Rule, ...]:
    """The rules a run's `select` and `ignore` leave, worked out once per process, not once a file."""
    return tuple(
        rule for rule in all_rules() if rule_enabled(rule.code, rule.slug, rule.opt_in, select, ignore)
    )


@cache
def _selected(select: tuple[str, ...], ignore: tuple[str, ...]) -> frozenset[str]:
    """The codes of those rules, once per process too."""
    return frozenset(rule.code for rule in _rules(select, ignore))


def parse_source(job: Job, source: Source | InputProblem, explicit: bool) -> ParsedFile | str | None:
    """The parsed file; None when a folder walk (or `--skip-unknown`) passes over a file no format
    recognizes; a string when the parser failed (a bug of ours, reported as an internal error)."""
    limits.use(job.config.limits)
    if isinstance(source, InputProblem):
        return ParsedFile(source.location.path, "unknown", problems=[source])
    forced = formats.BY_NAME[job.input_format] if job.input_format else None
    fmt = forced or formats.detect(source.path, source.text)
    if fmt is None:
        claim = formats.unread(source.path, source.text)
        if claim is not None:  # a file nginx would load: said, even with --skip-unknown
            return ParsedFile(source.path, "unknown", problems=[unread(source.path, claim)])
        if not explicit or job.skip_unknown:
            return None
        return ParsedFile(source.path, "unknown", problems=[unknown(source.path)])
    try:
        return fmt.parse(source, formats.FormatOptions(job.roots))
    except Exception as error:  # a bug of ours must not hide the other files
        return f"{source.path}: internal error: {error!r}"


def check_file(job: Job, source: Source | InputProblem, explicit: bool) -> FileOutcome | None:
    """The file's outcome, with the cycle collector held off while it is checked.

    A file's model is hundreds of thousands of objects alive until its rules have run (an Okta
    export of 50,000 origins: about a million), freed by reference count when the file is done.
    Collecting while they are alive finds nothing and walks them all each time (10 walks, 6% of
    that check; issue 21). The readers leave no cycles (`yaml_tree._composed`): whatever cycle a
    file does leave is collected once it is done, when the collector next runs.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _checked(job, source, explicit)  # its model is freed before the collector is back
    finally:
        if enabled:
            gc.enable()


def _checked(job: Job, source: Source | InputProblem, explicit: bool) -> FileOutcome | None:
    parsed = parse_source(job, source, explicit)
    if isinstance(parsed, str):
        path = source.path if isinstance(source, Source) else source.location.path
        return FileOutcome(path, "unknown", error=parsed, counted=False)
    return None if parsed is None else outcome_of(job, parsed)


def outcome_of(job: Job, parsed: ParsedFile) -> FileOutcome:
    config = job.config
    rules, selected = _rules(config.select, config.ignore), _selected(config.select, config.ignore)
    outcome = FileOutcome(
        parsed.path,
        parsed.format,
        included=parsed.included,
        consulted=parsed.consulted,
        cacheable=not parsed.uncached,
    )
    for problem in parsed.problems:
        rule = RULES[PROBLEM_RULES[problem.kind]]
        if rule.code in selected:
            outcome.problems.append(
                Finding(rule.code, rule.slug, rule.severity, problem.location, problem.message, parsed.format)
            )
    policy = _policy(config)
    settings = RuleSettings(config.allowed_domains, config.denied_origins, selected=selected, policy=policy)
    development = bool(config.development_files) and any(
        glob_match(glob, relative_to(parsed.path, config.root)) for glob in config.development_files
    )
    try:
        for document in parsed.documents:
            if development:
                document.environment = Environment.DEVELOPMENT
            # a check reports as another rule (OL004) only where the run selects that rule too
            outcome.findings.extend(
                f
                for rule, f in document_findings(rules, document, settings)
                if f.code == rule.code or f.code in selected
            )
    except Exception as error:
        outcome.findings = []
        outcome.error = f"{parsed.path}: internal error in a rule: {error!r}"
    finally:
        forget()
    return outcome


def _policy(config: Config) -> Policy | None:
    """The policy file, read once per process (the CLI has checked that it reads)."""
    if config.policy is None:
        return None
    from origins_lint.inventory.policy import PolicyError, read

    try:
        return read(config.policy)
    except PolicyError:
        return None


def unread(path: str, reason: str) -> InputProblem:
    return InputProblem(ProblemKind.UNKNOWN_FORMAT, reason, Location.point(path, 1, 1))


def unknown(path: str) -> InputProblem:
    """One short line: the list of formats is `origins-lint formats`, not 900 characters a file."""
    return InputProblem(
        ProblemKind.UNKNOWN_FORMAT,
        "no format recognizes this file, so nothing was checked; "
        "force one with `--input-format` (`origins-lint formats` lists them)",
        Location.point(path, 1, 1),
    )
