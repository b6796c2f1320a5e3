"""The pipeline: discover, parse, run the rules, filter. No output here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from origins_lint import formats
from origins_lint.config import Config, selector_matches
from origins_lint.discover import discover, glob_match, relative_to
from origins_lint.model import Environment, Finding, InputProblem, Location, ParsedFile, ProblemKind
from origins_lint.rules import RULES, Rule, RuleSettings, all_rules
from origins_lint.source import Source, read_source
from origins_lint.suppress import scan

PROBLEM_RULES = {
    ProblemKind.PARSE: "OL001",
    ProblemKind.SCHEMA: "OL002",
    ProblemKind.UNKNOWN_FORMAT: "OL003",
    ProblemKind.NOT_ANALYSED: "OL004",
}


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    internal_errors: list[str] = field(default_factory=list)


def active_rules(select: Iterable[str], ignore: Iterable[str]) -> list[Rule]:
    select, ignore = list(select), list(ignore)
    return [
        rule
        for rule in all_rules()
        if any(selector_matches(s, rule.code, rule.slug) for s in select)
        and not any(selector_matches(s, rule.code, rule.slug) for s in ignore)
    ]


def run_check(paths: list[str], config: Config, input_format: str | None = None) -> CheckResult:
    result = CheckResult()
    rules = active_rules(config.select, config.ignore)
    settings = RuleSettings(config.allowed_domains, config.denied_origins)
    options = formats.FormatOptions(max_file_size=config.max_file_size)
    forced = formats.BY_NAME[input_format] if input_format else None
    extensions = forced.extensions if forced else formats.WALKED_EXTENSIONS
    for candidate in discover(paths, config.exclude, config.root, frozenset(extensions)):
        source = read_source(candidate.path, config.max_file_size)
        if isinstance(source, InputProblem):
            parsed = ParsedFile(candidate.path, "unknown", problems=[source])
            text = ""
        else:
            fmt = forced or formats.detect(candidate.path, source.text)
            if fmt is None:
                if not candidate.explicit:
                    continue
                parsed = ParsedFile(candidate.path, "unknown", problems=[_unknown(source)])
            else:
                try:
                    parsed = fmt.parse(source, options)
                except Exception as error:  # a bug of ours must not hide the other files
                    result.internal_errors.append(f"{candidate.path}: internal error: {error!r}")
                    continue
            text = source.text
        result.files_checked += 1
        relative = relative_to(candidate.path, config.root)  # what config globs match against
        development = any(glob_match(glob, relative) for glob in config.development_files)
        try:
            found = list(_file_findings(parsed, rules, settings, development))
        except Exception as error:
            result.internal_errors.append(f"{candidate.path}: internal error in a rule: {error!r}")
            continue
        result.findings.extend(_filter(found, text, relative, config))
    result.findings.sort(key=Finding.sort_key)
    return result


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


def _filter(findings: list[Finding], text: str, relative: str, config: Config) -> list[Finding]:
    suppressions = scan(text)
    ignored = [
        selector
        for glob, selectors in config.per_file_ignores.items()
        if glob_match(glob, relative)
        for selector in selectors
    ]
    kept: dict[tuple[str, int, int, str], Finding] = {}
    for finding in findings:
        if suppressions.covers(finding):
            continue
        if any(selector_matches(s, finding.code, finding.slug) for s in ignored):
            continue
        loc = finding.location
        kept.setdefault((finding.code, loc.line, loc.column, finding.message), finding)
    return list(kept.values())
