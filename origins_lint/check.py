"""The pipeline: discover, parse, run the rules, filter. No output here."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from origins_lint import formats
from origins_lint.cache import ResultCache, fix_key, text_hash
from origins_lint.config import Config, selector_matches
from origins_lint.discover import Candidate, discover, glob_match, relative_to
from origins_lint.file_check import PROBLEM_RULES, FileOutcome, Job, parse_source
from origins_lint.fingerprint import with_fingerprints
from origins_lint.model import Finding, InputProblem, Location, ParsedFile, ProblemKind
from origins_lint.source import Source, read_source
from origins_lint.suppress import Suppressions, scan
from origins_lint.workers import Work, check_all, jobs_for

NOT_ANALYSED = PROBLEM_RULES[ProblemKind.NOT_ANALYSED]
UNKNOWN = PROBLEM_RULES[ProblemKind.UNKNOWN_FORMAT]  # a file another includes was read there


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
    return list(discover(paths, config.exclude, config.root, wanted, formats.claimed, formats.stand_in))


def _read(candidate: Candidate, config: Config) -> Source | InputProblem:
    """The file's text, or why it is not read: a claimed file the walk passed over is OL003."""
    if candidate.unread is not None:
        return InputProblem(
            ProblemKind.UNKNOWN_FORMAT, candidate.unread, Location.point(candidate.path, 1, 1)
        )
    mapped = formats.stand_in(candidate.path)
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
) -> CheckResult:
    """Check every file (from the cache where its text is unchanged, else in `jobs` processes), then filter.

    Only what one file says about itself is cached or computed apart; everything that looks
    across files (an included file analysed by its includer, suppressions, fixes, fingerprints)
    is done here, over all outcomes, in the order the files were found.
    """
    result = CheckResult()
    job = Job(config, input_format, _roots(paths), skip_unknown)
    candidates = _candidates(paths, config, input_format)
    store = ResultCache.open(config.root, job) if cache else None
    texts: dict[str, str] = {}
    outcomes: list[FileOutcome | bool | None] = []
    work: list[tuple[int, Work, str]] = []  # (position, the file, its text's hash) of files to check
    read = _reader(texts, config)
    for candidate in candidates:
        source = _read(candidate, config)
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
    fixable = _fixable(result.findings, texts, result.fixes, store)
    if store is not None:
        store.save()
    result.findings = with_fingerprints(fixable, texts, os.getcwd())
    result.sources = texts
    return result


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
    for outcome in done:
        for path, text in outcome.included.items():
            texts.setdefault(path, text)
            if path != outcome.path and (real := _real(path)) != _real(outcome.path):
                covered.add(real)
    kept: dict[tuple[str, str, int, int, str], Finding] = {}
    filters = _Filters(config, texts)
    for outcome in done:
        if outcome.error is not None:
            result.internal_errors.append(outcome.error)
        if not outcome.counted:
            continue
        result.files_checked += 1
        result.paths.append(outcome.path)
        found = [*outcome.problems, *outcome.findings]
        # an included file keeps its read errors; its analysis (and its format) is the includer's
        if covered and _real(outcome.path) in covered:
            found = [f for f in outcome.problems if f.code not in (NOT_ANALYSED, UNKNOWN)]
        for finding in found:
            if filters.drops(finding):
                continue
            loc = finding.location
            kept.setdefault((finding.code, loc.path, loc.line, loc.column, finding.message), finding)
    return sorted(kept.values(), key=Finding.sort_key)


def _real(path: str) -> str:
    """The file a path stands for: symlinks resolved, and a copy's link to /etc/nginx/... mapped."""
    return os.path.realpath(formats.stand_in(path) or path)


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

    def __init__(self, config: Config, texts: dict[str, str]) -> None:
        self.config = config
        self.texts = texts
        self._suppressions: dict[str, Suppressions] = {}
        self._ignored: dict[str, list[str]] = {}

    def drops(self, finding: Finding) -> bool:
        path = finding.location.path
        if path not in self._suppressions:
            self._suppressions[path] = scan(self.texts.get(path, ""))
            ignores = self.config.per_file_ignores
            relative = relative_to(path, self.config.root) if ignores else ""
            self._ignored[path] = [
                selector
                for glob, selectors in ignores.items()
                if glob_match(glob, relative)
                for selector in selectors
            ]
        if self._suppressions[path].covers(finding):
            return True
        return any(selector_matches(s, finding.code, finding.slug) for s in self._ignored[path])
