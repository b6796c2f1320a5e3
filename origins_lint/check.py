"""The pipeline: discover, parse, run the rules, filter. No output here."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from origins_lint import formats
from origins_lint.cache import ResultCache, cache_root, fix_key, text_hash
from origins_lint.config import Config, rule_enabled, selector_matches
from origins_lint.discover import Candidate, discover, glob_match, relative_to
from origins_lint.file_check import PROBLEM_RULES, FileOutcome, Job, parse_source
from origins_lint.fingerprint import with_fingerprints
from origins_lint.formats.base import UNCLAIMED
from origins_lint.model import Finding, InputProblem, Location, ParsedFile, ProblemKind, Severity
from origins_lint.records import field, record, replace
from origins_lint.rules import RULES, all_rules
from origins_lint.source import Source, read_source
from origins_lint.suppress import Suppressions, scan, syntax_of
from origins_lint.workers import Work, check_all, jobs_for

NOT_ANALYSED = PROBLEM_RULES[ProblemKind.NOT_ANALYSED]
UNKNOWN_FORMAT = PROBLEM_RULES[ProblemKind.UNKNOWN_FORMAT]
BAD_SUPPRESSION, UNUSED_SUPPRESSION = RULES["OL005"], RULES["OL006"]


ProgressHook = Callable[[int, int], None]  # (files done, files in all), after each file


@record(frozen=True, slots=True)
class Disabled:
    """Rules switched off wholesale, and by what: every report says so, so that a run with its rules
    off never reads like a clean one (issue 19)."""

    rules: tuple[str, ...]  # codes
    by: str  # a config file, `--select`/`--ignore`, or "an `ignore-file` comment"
    scope: str = ""  # the one file it applies to; empty: every file


@record()
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    internal_errors: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # every file checked, in order
    sources: dict[str, str] = field(default_factory=dict)  # text of every file a finding may point into
    baselined: int = 0  # findings a baseline accepted, left out of `findings`
    warnings: list[str] = field(default_factory=list)  # said on stderr: the run went on (an unsafe cache)
    disabled: list[Disabled] = field(default_factory=list)  # rules off wholesale, said in every report
    # each file's fixes as its format would apply them (a dry run): --fix writes these texts
    fixes: dict[tuple[str, str], formats.FixOutcome] = field(default_factory=dict)

    @property
    def declined_fixes(self) -> list[tuple[Location, str]]:
        """Fixes rules offered that the format said no to, with its reason."""
        return [declined for outcome in self.fixes.values() for declined in outcome.declined]


def parse_files(
    paths: list[str], config: Config, input_format: str | None, errors: list[str]
) -> list[ParsedFile]:
    """Every file the paths name or contain, parsed (for `match`); internal errors are collected."""
    job = Job(config, input_format, _roots(paths), skip_unknown=False)
    out: list[ParsedFile] = []
    for candidate in _candidates(paths, config, input_format):
        parsed = parse_source(job, _read(candidate, config), candidate.explicit)
        if isinstance(parsed, str):
            errors.append(parsed)
        elif parsed is not None:
            out.append(parsed)
    return out


def _candidates(paths: list[str], config: Config, input_format: str | None) -> list[Candidate]:
    wanted = formats.BY_NAME[input_format].wants if input_format else formats.wanted
    discovered = discover(paths, config.exclude, config.root, wanted, formats.claimed, formats.stand_in)
    if not config.respect_gitignore or not any(os.path.isdir(path) for path in paths):
        return list(discovered)
    from origins_lint.ignore_files import IgnoreFiles

    ignore = IgnoreFiles()  # a walk skips what git ignores; a file named on the command line is checked
    return [
        candidate
        for given in paths
        for candidate in discover(
            [given], config.exclude, config.root, wanted, formats.claimed, formats.stand_in, ignore.listed
        )
        if candidate.explicit or not ignore.ignored(candidate.path, given)
    ]


def _read(candidate: Candidate, config: Config) -> Source | InputProblem:
    """The file's text, or why it is not read: a claimed file the walk passed over is OL003."""
    if candidate.unread is not None:
        return InputProblem(
            ProblemKind.UNKNOWN_FORMAT, candidate.unread, Location.point(candidate.path, 1, 1)
        )
    mapped = None if candidate.plain else formats.stand_in(candidate.path)  # a walked regular file: no link
    if mapped is None:
        return read_source(candidate.path, config.limits.file_size)
    source = read_source(mapped, config.limits.file_size)  # a copy's link to /etc/nginx/...: the copy's file
    return replace(source, path=candidate.path) if isinstance(source, Source) else source


def _roots(paths: list[str]) -> tuple[str, ...]:
    """The folders being checked: nginx `include` never leaves them."""
    return tuple(dict.fromkeys(_root(path) for path in paths))


def _root(path: str) -> str:
    return os.path.realpath(path if os.path.isdir(path) else os.path.dirname(path) or ".")


def run_check(
    paths: list[str],
    config: Config,
    input_format: str | None = None,
    progress: ProgressHook | None = None,
    skip_unknown: bool = False,
    jobs: int | None = 1,
    cache: bool = False,
    given: Mapping[str, Source | InputProblem] | None = None,
) -> CheckResult:
    """Check every file (from the cache where its text is unchanged, else in `jobs` processes), then filter.

    Only what one file says about itself is cached or computed apart; everything that looks
    across files (an included file analysed by its includer, suppressions, fixes, fingerprints)
    is done here, over all outcomes, in the order the files were found.
    """
    result = CheckResult()
    job = Job(config, input_format, _roots(paths), skip_unknown)
    given = given or {}  # texts read already (stdin, under the name `--stdin-filename` gives it)
    found = _candidates([path for path in paths if path not in given], config, input_format)
    candidates = [*(Candidate(path, explicit=True) for path in given), *found]
    store = ResultCache.open(cache_root(paths), job, result.warnings) if cache else None
    texts: dict[str, str] = {}
    outcomes: list[FileOutcome | bool | None] = []
    work: list[tuple[int, Work, str]] = []  # (position, the file, its text's hash) of files to check
    read = _reader(texts, config)
    for candidate in candidates:
        source = given.get(candidate.path) or _read(candidate, config)
        if isinstance(source, Source):
            texts[candidate.path] = source.text
        digest = ""
        known: FileOutcome | bool | None = False  # False: not in the cache, to be checked
        if store is not None and isinstance(source, Source):
            # an unknown file named on the command line is OL003, in a walk it is skipped: part of the key
            digest = f"{text_hash(source.text)}:{candidate.explicit:d}"
            known = store.get(candidate.path, digest, read)
        if known is False:
            work.append((len(outcomes), (source, candidate.explicit), digest))
        outcomes.append(known)
    finished = len(outcomes) - len(work)
    tick = _ticker(progress, finished, len(outcomes))
    checked = check_all(job, [item for _, item, _ in work], jobs_for(jobs, len(work)), tick)
    for (position, _, digest), outcome in zip(work, checked, strict=True):
        outcomes[position] = outcome
        if outcome is not None and not outcome.cacheable:
            continue  # a glob include may match other files next time
        if store is not None and digest:  # no digest: the file could not be read, nothing to key it by
            store.put(candidates[position].path, digest, outcome)
    done = [outcome for outcome in outcomes if isinstance(outcome, FileOutcome)]
    result.findings = _filtered(done, config, texts, result)
    if config.policy is not None:
        result.findings = _across_files(job, result, texts)
    fixable = _fixable(result.findings, texts, result.fixes, store)
    if store is not None:
        store.save()
        store.close()
    result.findings = with_fingerprints(fixable, texts, os.getcwd())
    result.sources = texts
    return result


def merged(results: list[CheckResult]) -> CheckResult:
    """Runs over groups of paths with different configs, as one result (findings in report order)."""
    if len(results) == 1:
        return results[0]
    out = CheckResult()
    for result in results:
        out.findings.extend(result.findings)
        out.files_checked += result.files_checked
        out.internal_errors.extend(result.internal_errors)
        out.paths.extend(result.paths)
        out.sources.update(result.sources)
        out.baselined += result.baselined
        out.fixes.update(result.fixes)
        out.warnings.extend(w for w in result.warnings if w not in out.warnings)
        out.disabled.extend(result.disabled)
    out.findings.sort(key=Finding.sort_key)
    return out


def _across_files(job: Job, result: CheckResult, texts: dict[str, str]) -> list[Finding]:
    """OL806 (opt-in) looks at every checked file at once: the policy entries none of them uses."""
    from origins_lint.inventory.policy import unused_findings

    found = unused_findings(job, {path: texts[path] for path in result.paths if path in texts})
    syntaxes = {f.location.path: (syntax_of(f.location.path, "policy"), "policy") for f in found}
    filters = _Filters(job.config, texts, syntaxes)
    kept = [finding for finding in found if not filters.drops(finding)]
    return sorted([*result.findings, *kept], key=Finding.sort_key)


def _reader(texts: dict[str, str], config: Config) -> Callable[[str], str | None]:
    """An included file's text, as the cache needs to see whether it changed."""

    def read(path: str) -> str | None:
        if path not in texts:
            source = read_source(path, config.limits.file_size)
            if not isinstance(source, Source):
                return None
            texts[path] = source.text
        return texts[path]

    return read


def _ticker(progress: ProgressHook | None, start: int, total: int) -> Callable[[], None]:
    count = [start]

    def tick() -> None:
        count[0] += 1
        if progress is not None:
            progress(count[0], total)

    if progress is not None and start:
        progress(start, total)
    return tick


def _filtered(
    done: list[FileOutcome], config: Config, texts: dict[str, str], result: CheckResult
) -> list[Finding]:
    # a file another checked file includes is analysed there, where its variables are defined
    covered = set()
    syntaxes: dict[str, tuple[str, str]] = {}  # path -> (comment syntax, format), for suppressions
    for outcome in done:
        if outcome.counted:
            syntaxes.setdefault(outcome.path, (syntax_of(outcome.path, outcome.format), outcome.format))
        for path, text in outcome.consulted.items():  # its findings may point there too
            texts.setdefault(path, text)
            syntaxes.setdefault(path, (syntax_of(path, outcome.format), outcome.format))
        for path, text in outcome.included.items():
            texts.setdefault(path, text)
            syntaxes.setdefault(path, (syntax_of(path, outcome.format), outcome.format))
            if path != outcome.path and (real := _real(path)) != _real(outcome.path):
                covered.add(real)
    kept: dict[tuple[str, str, int, int, str], Finding] = {}
    filters = _Filters(config, texts, syntaxes)
    for outcome in done:
        if outcome.error is not None:
            result.internal_errors.append(outcome.error)
        if not outcome.counted:
            continue
        if _claimed(outcome):  # a file no format claims was not checked: not counted, no JUnit case
            result.files_checked += 1
            result.paths.append(outcome.path)
        found = [*outcome.problems, *outcome.findings]
        # an included file keeps its read errors; its analysis (and its format) is the includer's
        if covered and _real(outcome.path) in covered:
            found = [f for f in outcome.problems if f.code not in (NOT_ANALYSED, UNKNOWN_FORMAT)]
        for finding in found:
            if filters.drops(finding):
                continue
            loc = finding.location
            kept.setdefault((finding.code, loc.path, loc.line, loc.column, finding.message), finding)
    for finding in filters.about_suppressions(syntaxes):
        loc = finding.location
        kept.setdefault((finding.code, loc.path, loc.line, loc.column, finding.message), finding)
    result.disabled = _disabled(config, filters, result.paths)
    return sorted(kept.values(), key=Finding.sort_key)


def _real(path: str) -> str:
    """The file a path stands for: symlinks resolved, and a copy's link to /etc/nginx/... mapped."""
    return os.path.realpath(formats.stand_in(path) or path)


def _claimed(outcome: FileOutcome) -> bool:
    """Whether some format read the file (or tried to: a file that cannot be read was meant to be)."""
    return outcome.format != UNCLAIMED or any(f.code != UNKNOWN_FORMAT for f in outcome.problems)


def _disabled(config: Config, filters: _Filters, paths: list[str]) -> list[Disabled]:
    """What turned rules off for every file (select, ignore, a per-file-ignore matching them all),
    and the `ignore-file` comments that turn rules off for a whole file."""
    rules = [rule for rule in all_rules() if not rule.opt_in and not rule.live]  # what `check` runs
    out: list[Disabled] = []
    by_source: dict[str, list[str]] = {}
    for rule in rules:
        if not any(selector_matches(s, rule.code, rule.slug) for s in config.select):
            by_source.setdefault(config.set_by.get("select", "the config"), []).append(rule.code)
        elif any(selector_matches(s, rule.code, rule.slug) for s in config.ignore):
            by_source.setdefault(config.set_by.get("ignore", "the config"), []).append(rule.code)
    out.extend(Disabled(tuple(codes), by) for by, codes in by_source.items())
    off = {code for codes in by_source.values() for code in codes}
    if paths:
        for glob, selectors in config.per_file_ignores.items():
            if all(glob_match(glob, relative_to(path, config.root)) for path in paths):
                hit = tuple(
                    rule.code
                    for rule in rules
                    if rule.code not in off
                    and any(selector_matches(s, rule.code, rule.slug) for s in selectors)
                )
                source = config.set_by.get("per-file-ignores", "the config")
                if hit:
                    out.append(
                        Disabled(hit, f"{source} (per-file-ignores `{glob}`, which matches every file)")
                    )
    for path, suppressions in filters.suppressions.items():
        named = [s for directive in suppressions.whole_file for s in directive.selectors]
        if not named:
            continue
        codes = tuple(
            rule.code
            for rule in rules
            if rule.code not in off
            and rule is not BAD_SUPPRESSION  # never suppressed inline
            and any(selector_matches(s, rule.code, rule.slug) for s in named)
        )
        if codes:
            out.append(Disabled(codes, "an `ignore-file` comment", path))
    return out


def _fixable(
    findings: list[Finding],
    texts: dict[str, str],
    outcomes: dict[tuple[str, str], formats.FixOutcome],
    store: ResultCache | None,
) -> list[Finding]:
    """A fix stays on a finding only when its file's format would really apply it, so `[*]` never lies.

    The format is asked for each file that has fixes (a dry run, nothing is written; the cache
    keeps its answer for the same text and fixes); the ones it declines, and those in formats
    that cannot fix at all, are cleared.
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
        asked = [(f.location, f.fix) for f in wanted if f.fix is not None]
        key = fix_key(path, name, texts[path], asked) if store is not None else ""
        outcome = store.fix(key) if store is not None else None
        if outcome is None:
            outcome = fmt.fix(path, texts[path], asked)
            if store is not None:
                store.put_fix(key, outcome)
        applicable.update((path, loc.line, loc.column) for loc in outcome.applied)
        outcomes[(path, name)] = outcome
    return [
        f
        if f.fix is None or (f.location.path, f.location.line, f.location.column) in applicable
        else replace(f, fix=None)
        for f in findings
    ]


class _Filters:
    """Inline suppressions and per-file ignores, looked up by the file each finding points into."""

    def __init__(self, config: Config, texts: dict[str, str], syntaxes: dict[str, tuple[str, str]]) -> None:
        self.config = config
        self.texts = texts
        self.syntaxes = syntaxes
        self.suppressions: dict[str, Suppressions] = {}
        self._ignored: dict[str, list[str]] = {}

    def _load(self, path: str) -> None:
        if path in self.suppressions:
            return
        syntax = self.syntaxes.get(path, ("json", ""))[0]
        self.suppressions[path] = scan(self.texts.get(path, ""), syntax, path)
        ignores = self.config.per_file_ignores
        relative = relative_to(path, self.config.root) if ignores else ""
        self._ignored[path] = [
            selector
            for glob, selectors in ignores.items()
            if glob_match(glob, relative)
            for selector in selectors
        ]

    def ignored(self, finding: Finding) -> bool:
        """Turned off for its file by `per-file-ignores`."""
        self._load(finding.location.path)
        return any(
            selector_matches(s, finding.code, finding.slug) for s in self._ignored[finding.location.path]
        )

    def drops(self, finding: Finding) -> bool:
        self._load(finding.location.path)
        return self.suppressions[finding.location.path].covers(finding) or self.ignored(finding)

    def about_suppressions(self, syntaxes: dict[str, tuple[str, str]]) -> list[Finding]:
        """OL005 for each malformed directive, and OL006 (when selected) for each that suppressed
        nothing, in every checked file. Neither can be suppressed inline: only the config turns
        them off, and the report then says so."""
        config = self.config
        enabled = {
            rule.code
            for rule in (BAD_SUPPRESSION, UNUSED_SUPPRESSION)
            if rule_enabled(rule.code, rule.slug, rule.opt_in, config.select, config.ignore)
        }
        out: list[Finding] = []
        for path, (_, format_name) in syntaxes.items():
            self._load(path)
            found = self.suppressions[path]
            if BAD_SUPPRESSION.code in enabled:
                out.extend(
                    _finding(BAD_SUPPRESSION, bad.location, bad.message, format_name)
                    for bad in found.problems
                )
            if UNUSED_SUPPRESSION.code not in enabled:
                continue
            for directive in found.directives:
                unused = [s for s in directive.selectors if s not in directive.used]
                if unused:
                    names = ", ".join(unused)
                    message = (
                        f"`{directive.kind}[{names}]` suppresses nothing: no finding of "
                        f"{'that rule' if len(unused) == 1 else 'those rules'} "
                        f"{'in this file' if directive.kind == 'ignore-file' else 'on its line'}; remove it"
                    )
                    out.append(_finding(UNUSED_SUPPRESSION, directive.location, message, format_name))
        return [f for f in out if not self.ignored(f)]


def _finding(rule: object, location: Location, message: str, format_name: str) -> Finding:
    from origins_lint.rules import Rule

    assert isinstance(rule, Rule)
    return Finding(rule.code, rule.slug, Severity(rule.severity), location, message, format_name)
