"""The pipeline: discover, parse, run the rules, filter. No output here."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from origins_lint import formats
from origins_lint.config import Config, selector_matches
from origins_lint.discover import discover, glob_match, relative_to
from origins_lint.fingerprint import with_fingerprints
from origins_lint.model import Environment, Finding, InputProblem, Location, ParsedFile, ProblemKind
from origins_lint.rules import RULES, Rule, RuleSettings, all_rules
from origins_lint.source import Source, read_source
from origins_lint.suppress import Suppressions, scan

PROBLEM_RULES = {
    ProblemKind.PARSE: "OL001",
    ProblemKind.SCHEMA: "OL002",
    ProblemKind.UNKNOWN_FORMAT: "OL003",
    ProblemKind.NOT_ANALYSED: "OL004",
}


ProgressHook = Callable[[int, int], None]  # (files done, files in all), after each file


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    internal_errors: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # every file checked, in order
    sources: dict[str, str] = field(default_factory=dict)  # text of every file a finding may point into
    baselined: int = 0  # findings a baseline accepted, left out of `findings`
    # each file's fixes as its format would apply them (a dry run): --fix writes these texts
    fixes: dict[tuple[str, str], formats.FixOutcome] = field(default_factory=dict)

    @property
    def declined_fixes(self) -> list[tuple[Location, str]]:
        """Fixes rules offered that the format said no to, with its reason."""
        return [declined for outcome in self.fixes.values() for declined in outcome.declined]


def active_rules(select: Iterable[str], ignore: Iterable[str]) -> list[Rule]:
    select, ignore = list(select), list(ignore)
    return [
        rule
        for rule in all_rules()
        if any(selector_matches(s, rule.code, rule.slug) for s in select)
        and not any(selector_matches(s, rule.code, rule.slug) for s in ignore)
    ]


@dataclass(slots=True)
class Checked:
    """One file from the walk, parsed (or the reason it could not be), with its text."""

    path: str
    parsed: ParsedFile
    text: str


def parse_files(
    paths: list[str],
    config: Config,
    input_format: str | None,
    errors: list[str],
    progress: ProgressHook | None = None,
    skip_unknown: bool = False,
) -> list[Checked]:
    """Every file the paths name or contain, parsed; internal errors are collected, not raised."""
    roots = tuple(dict.fromkeys(_root(path) for path in paths))
    options = formats.FormatOptions(max_file_size=config.max_file_size, roots=roots)
    forced = formats.BY_NAME[input_format] if input_format else None
    wanted = forced.wants if forced else formats.wanted
    out: list[Checked] = []
    candidates = list(discover(paths, config.exclude, config.root, wanted))
    for done, candidate in enumerate(candidates, start=1):
        if progress is not None:
            progress(done, len(candidates))
        source = read_source(candidate.path, config.max_file_size)
        if isinstance(source, InputProblem):
            out.append(Checked(candidate.path, ParsedFile(candidate.path, "unknown", problems=[source]), ""))
            continue
        fmt = forced or formats.detect(candidate.path, source.text)
        if fmt is None:
            if candidate.explicit and not skip_unknown:
                parsed = ParsedFile(candidate.path, "unknown", problems=[_unknown(source)])
                out.append(Checked(candidate.path, parsed, source.text))
            continue
        try:
            parsed = fmt.parse(source, options)
        except Exception as error:  # a bug of ours must not hide the other files
            errors.append(f"{candidate.path}: internal error: {error!r}")
            continue
        out.append(Checked(candidate.path, parsed, source.text))
    return out


def _root(path: str) -> str:
    return os.path.realpath(path if os.path.isdir(path) else os.path.dirname(path) or ".")


def run_check(
    paths: list[str],
    config: Config,
    input_format: str | None = None,
    progress: ProgressHook | None = None,
    skip_unknown: bool = False,
) -> CheckResult:
    result = CheckResult()
    rules = active_rules(config.select, config.ignore)
    settings = RuleSettings(config.allowed_domains, config.denied_origins)
    checked = parse_files(paths, config, input_format, result.internal_errors, progress, skip_unknown)
    texts = {item.path: item.text for item in checked}
    # a file another checked file includes is analysed there, where its variables are defined
    covered = set()
    for item in checked:
        own = os.path.realpath(item.path)
        for path, text in item.parsed.included.items():
            texts.setdefault(path, text)
            real = os.path.realpath(path)
            if real != own:
                covered.add(real)
    kept: dict[tuple[str, str, int, int, str], Finding] = {}
    filters = _Filters(config, texts)
    for item in checked:
        parsed = item.parsed
        if os.path.realpath(item.path) in covered:  # its read errors stay; its analysis is the includer's
            parsed.documents = []
            parsed.problems = [p for p in parsed.problems if p.kind is not ProblemKind.NOT_ANALYSED]
        result.files_checked += 1
        result.paths.append(item.path)
        relative = relative_to(item.path, config.root)  # what config globs match against
        development = any(glob_match(glob, relative) for glob in config.development_files)
        try:
            found = list(_file_findings(parsed, rules, settings, development))
        except Exception as error:
            result.internal_errors.append(f"{item.path}: internal error in a rule: {error!r}")
            continue
        for finding in found:
            if filters.drops(finding):
                continue
            loc = finding.location
            kept.setdefault((finding.code, loc.path, loc.line, loc.column, finding.message), finding)
    findings = sorted(kept.values(), key=Finding.sort_key)
    result.findings = with_fingerprints(_fixable(findings, texts, result.fixes), texts, os.getcwd())
    result.sources = texts
    return result


def _fixable(
    findings: list[Finding], texts: dict[str, str], outcomes: dict[tuple[str, str], formats.FixOutcome]
) -> list[Finding]:
    """A fix stays on a finding only when its file's format would really apply it, so `[*]` never lies.

    The format is asked for each file that has fixes (a dry run, nothing is written);
    the ones it declines, and those in formats that cannot fix at all, are cleared.
    """
    offered: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.fix is not None:
            offered.setdefault((finding.location.path, finding.format), []).append(finding)
    applicable: set[tuple[str, int, int]] = set()
    for (path, name), wanted in offered.items():
        fmt = formats.BY_NAME.get(name)
        if fmt is None or fmt.fix is None or path not in texts:
            continue
        outcome = fmt.fix(path, texts[path], [(f.location, f.fix) for f in wanted if f.fix is not None])
        applicable.update((path, loc.line, loc.column) for loc in outcome.applied)
        outcomes[(path, name)] = outcome
    return [
        f
        if f.fix is None or (f.location.path, f.location.line, f.location.column) in applicable
        else replace(f, fix=None)
        for f in findings
    ]


def _unknown(source: Source) -> InputProblem:
    names = ", ".join(fmt.description for fmt in formats.FORMATS)
    return InputProblem(
        ProblemKind.UNKNOWN_FORMAT,
        f"no known format recognizes this file (known: {names}); use `--input-format` to force one",
        Location.point(source.path, 1, 1),
    )


def _file_findings(
    parsed: ParsedFile, rules: list[Rule], settings: RuleSettings, development: bool
) -> Iterable[Finding]:
    selected = {rule.code for rule in rules}
    for problem in parsed.problems:
        rule = RULES[PROBLEM_RULES[problem.kind]]
        if rule.code in selected:
            yield Finding(
                rule.code, rule.slug, rule.severity, problem.location, problem.message, parsed.format
            )
    for document in parsed.documents:
        if development:
            document.environment = Environment.DEVELOPMENT
        for rule in rules:
            yield from rule.findings(document, settings)


class _Filters:
    """Inline suppressions and per-file ignores, looked up by the file each finding points into."""

    def __init__(self, config: Config, texts: dict[str, str]) -> None:
        self.config = config
        self.texts = texts
        self._suppressions: dict[str, Suppressions] = {}
        self._ignored: dict[str, list[str]] = {}

    def drops(self, finding: Finding) -> bool:
        path = finding.location.path
        if path not in self._suppressions:
            self._suppressions[path] = scan(self.texts.get(path, ""))
            relative = relative_to(path, self.config.root)
            self._ignored[path] = [
                selector
                for glob, selectors in self.config.per_file_ignores.items()
                if glob_match(glob, relative)
                for selector in selectors
            ]
        if self._suppressions[path].covers(finding):
            return True
        return any(selector_matches(s, finding.code, finding.slug) for s in self._ignored[path])
