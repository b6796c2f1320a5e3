"""The `origins-lint` command line. Exit codes: 0 clean, 1 findings at or above the fail level, 2 errors.

argparse, not typer: a check of one file must start in a few tens of milliseconds (issue 7),
and typer costs more than that before the first line of ours runs (it imports pydantic and
builds a validator per option). Everything past parsing the arguments is imported on demand.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import sys
from argparse import ArgumentParser, ArgumentTypeError, Namespace
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from origins_lint import __version__
from origins_lint.records import record
from origins_lint.report.safe import encodable, line_start, printable

if TYPE_CHECKING:
    from origins_lint.check import CheckResult, ProgressHook
    from origins_lint.config import Config
    from origins_lint.model import InputProblem
    from origins_lint.source import Source

OUTPUT_FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")
LIST_FORMATS = ("text", "json")
SEVERITIES = ("critical", "high", "medium", "low", "info")

# --output-file names that say which format they want when -f is not given
SUFFIX_FORMATS = {".sarif": "sarif", ".json": "json", ".xml": "junit"}
STDIN = "-"  # the path that reads stdin, as with ruff and yamllint


class Exit(Exception):
    """Ends a command with an exit code; raised where the code is decided, caught once in `run`."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _out(text: str) -> None:
    """Write to stdout; a reader that went away (`| head -1`) ends the output, not the run."""
    try:
        sys.stdout.write(encodable(text))
    except BrokenPipeError:
        stdout_closed()


def stdout_closed() -> None:
    """Point stdout at /dev/null, so that what is still buffered (flushed at exit) goes nowhere quietly.

    Python's own advice for SIGPIPE (the `signal` module's documentation, "Note on SIGPIPE"): the exit
    code stays the verdict (0 or 1) and no message or traceback is printed.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is no file (a test's StringIO): nothing to do
        pass


def _say(text: str = "") -> None:
    _out(f"{text}\n")


def _warn(text: str) -> None:
    sys.stderr.write(encodable(f"{text}\n"))


def _fail(message: str) -> Exit:
    _warn(f"origins-lint: error: {message}")
    return Exit(2)


def check(args: Namespace) -> None:
    """Check files and folders for risky CORS and trusted-origin entries."""
    from origins_lint import formats
    from origins_lint.config import ConfigError

    try:
        paths = _paths(args)
        groups = _configured(args, paths)
    except ConfigError as error:
        raise _fail(str(error)) from None
    if args.input_format is not None and args.input_format not in formats.NAMES:
        raise _fail(f"unknown input format `{args.input_format}`; known: {', '.join(formats.NAMES)}")
    chosen, extra_outputs = _outputs(args.output_format, args.output_file)
    given = _stdin(args, groups)
    if args.statistics and chosen not in ("text", "json"):
        raise _fail("--statistics prints text or json; drop --output-format or pick one of those")
    if args.fix and args.diff:
        raise _fail("--fix writes the changes and --diff only shows them; pick one")
    if args.write_baseline is not None and args.baseline is not None:
        raise _fail("--write-baseline records every finding; it cannot be combined with --baseline")
    if given and (args.fix or args.diff):
        raise _fail("--fix and --diff change files on disk; they cannot be used on stdin (`-`)")
    run = _Run(
        groups,
        args.input_format,
        _progress_hook(),
        args.skip_unknown,
        args.jobs,
        not args.no_cache and not given,
        given,
    )
    if args.diff:
        code = _show_diff(run)
        raise Exit(0 if code == 1 and args.exit_zero else code)
    result = _fixed(run) if args.fix else run()
    if args.write_baseline is not None:
        from origins_lint.baseline import write_baseline as record

        count = record(args.write_baseline, result.findings, os.getcwd())
        _warn(f"origins-lint: wrote {count} finding(s) to the baseline {args.write_baseline}")
        raise Exit(2 if result.internal_errors else 0)
    if args.baseline is not None:
        _apply_baseline(result, args.baseline)
    _emit(_render(result, chosen, args.statistics, args.output_file is None, args.quiet), args.output_file)
    _write_outputs(result, extra_outputs, args)
    for message in result.warnings:
        _warn(f"origins-lint: warning: {printable(message)}")
    for message in result.internal_errors:
        _warn(f"origins-lint: {printable(message)} (please report this bug)")
    if result.internal_errors:
        raise Exit(2)
    fail_on = min(settings.fail_on for _, settings in groups)  # the strictest, when configs differ
    failing = any(f.severity >= fail_on for f in result.findings)
    raise Exit(1 if failing and not args.exit_zero else 0)


def _extend(settings: Config, args: Namespace) -> None:
    """`--extend-select` and `--extend-ignore` add to the config's lists (ruff's options of the same name)."""
    from origins_lint.config import check_selectors

    if args.extend_select:
        added = tuple(_split(args.extend_select))
        check_selectors(added, "--extend-select")
        settings.select = (*settings.select, *added)
    if args.extend_ignore:
        added = tuple(_split(args.extend_ignore))
        check_selectors(added, "--extend-ignore")
        settings.ignore = (*settings.ignore, *added)


def _use_policy(settings: Config, given: Path | None) -> None:
    """`--policy FILE` over the config's `policy`; a policy that cannot be read is a usage error."""
    if given is not None:
        settings.policy = str(given)
    if settings.policy is None:  # no import of the policy comparison (rules, automata) at start-up
        return
    from origins_lint.inventory.policy import problem

    if (reason := problem(settings.policy)) is not None:
        raise _fail(printable(reason))


def _outputs(given: list[str] | None, output_file: Path | None) -> tuple[str, list[tuple[str, Path]]]:
    """The report for stdout (or `-o`), and the `FORMAT:FILE` reports written beside it."""
    plain = [value for value in given or [] if ":" not in value]
    pairs = [value.partition(":") for value in given or [] if ":" in value]
    if len(plain) > 1:
        raise _fail(
            f"one --output-format goes to {output_file or 'stdout'}, not {len(plain)}; "
            "write the others with FORMAT:FILE (`-f sarif:results.sarif`)"
        )
    return _output_format(plain[0] if plain else None, output_file), [
        (name, Path(file)) for name, _, file in pairs
    ]


def _write_outputs(result: CheckResult, outputs: list[tuple[str, Path]], args: Namespace) -> None:
    """Each `FORMAT:FILE` report; with `-o`, the summary on stderr, so a CI log is never empty."""
    for name, file in outputs:
        _emit(_render(result, name, False, False, args.quiet), file)
    if args.output_file is not None and not args.quiet and not args.statistics:
        from origins_lint.report.text import summary

        _warn(summary(result))


def _paths(args: Namespace) -> list[str]:
    """The paths to check; `-` (or `--stdin-filename` alone) stands for stdin, under the name
    `--stdin-filename` gives it, so that name picks the format and the config that governs it."""
    paths = list(args.paths) or ([STDIN] if args.stdin_filename is not None else ["."])
    if STDIN not in paths:
        if args.stdin_filename is not None:
            raise _fail("--stdin-filename names what `-` reads; give `-` as the path")
        return paths
    if paths.count(STDIN) > 1:
        raise _fail("`-` (stdin) can be given once")
    name: str = args.stdin_filename or STDIN
    return [name if path == STDIN else path for path in paths]


def _stdin(args: Namespace, groups: list[tuple[list[str], Config]]) -> dict[str, Source | InputProblem]:
    """What `-` reads, named as `--stdin-filename` says: how editors and pre-commit-style tools pass a
    buffer that is not saved yet. Its config's per-file settings apply to it, and messages show it."""
    if STDIN not in args.paths and not (not args.paths and args.stdin_filename is not None):
        return {}
    from origins_lint.source import decode, problem

    name: str = args.stdin_filename or STDIN
    limit = next(settings for paths, settings in groups if name in paths).limits.file_size
    data = sys.stdin.buffer.read(limit + 1)
    source = (
        problem(name, f"stdin is too large to check (the limit is {limit:,} bytes: raise `max-file-size`)")
        if len(data) > limit
        else decode(name, data)
    )
    return {name: source}


def _configured(args: Namespace, paths: list[str]) -> list[tuple[list[str], Config]]:
    """The paths grouped by the config that governs them (the nearest one upward from each, or
    `--config`), each config with the command line's `--select`, `--ignore`, `--fail-on` and
    `--exclude` applied. Raises ConfigError."""
    from origins_lint.config import check_selectors, config_for, load_config
    from origins_lint.model import Severity

    found: dict[Path | None, list[str]] = {}
    seen: dict[Path, Path | None] = {}
    for path in paths:
        governing = args.config if args.config is not None else config_for(path, seen)
        found.setdefault(governing, []).append(path)
    groups = []
    for config_path, members in found.items():
        settings = load_config(config_path)
        if args.select:
            settings.select = tuple(_split(args.select))
            settings.set_by["select"] = "--select"
            check_selectors(settings.select, "--select")
        if args.ignore:
            settings.ignore = tuple(_split(args.ignore))
            settings.set_by["ignore"] = "--ignore"
            check_selectors(settings.ignore, "--ignore")
        _extend(settings, args)
        _use_policy(settings, args.policy)
        if args.no_respect_gitignore:
            settings.respect_gitignore = False
        if args.fail_on is not None:
            settings.fail_on = Severity.parse(args.fail_on)
        if args.exclude:
            settings.exclude = (*settings.exclude, *args.exclude)
        groups.append((members, settings))
    return groups


def _output_format(given: str | None, output_file: Path | None) -> str:
    if given is not None:
        return given
    if output_file is not None:
        suffix = ".sarif" if output_file.name.endswith(".sarif.json") else output_file.suffix.lower()
        return SUFFIX_FORMATS.get(suffix, "text")
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return "github"
    return "text"


@record(frozen=True)
class _Run:
    """One check over the same paths and settings; `--fix` runs it again after each round of edits."""

    groups: list[tuple[list[str], Config]]  # paths, and the config that governs them
    input_format: str | None
    hook: ProgressHook
    skip_unknown: bool
    jobs: int | None
    cache: bool
    given: dict[str, Source | InputProblem]

    def __call__(self) -> CheckResult:
        from origins_lint.check import merged, run_check
        from origins_lint.discover import PathError

        try:
            return merged(
                [
                    run_check(
                        paths,
                        settings,
                        self.input_format,
                        self.hook,
                        self.skip_unknown,
                        jobs=self.jobs,
                        cache=self.cache,
                        given={path: source for path, source in self.given.items() if path in paths},
                    )
                    for paths, settings in self.groups
                ]
            )
        except PathError as error:
            raise _fail(printable(str(error))) from None


MAX_FIX_ROUNDS = 10  # one fix can expose another (a canonical origin turns out to be a duplicate)


def _fixed(run: _Run) -> CheckResult:
    """Fix, check again, until nothing more applies; say on stderr what was fixed and what was declined."""
    from origins_lint.fix import NotWritten, plan, write

    fixed = 0
    result = run()
    for _ in range(MAX_FIX_ROUNDS):
        written = 0
        for change in plan(result):
            try:
                write(change)
            except (NotWritten, OSError) as error:
                _warn(f"origins-lint: {printable(str(error))}")
                continue
            written += 1
            fixed += len(change.applied)
        if not written:
            break
        result = run()
    _say_declined(result)
    _warn(f"origins-lint: fixed {fixed} finding(s)")
    return result


def _say_declined(result: CheckResult) -> None:
    for loc, reason in sorted(result.declined_fixes, key=lambda d: (d[0].path, d[0].line, d[0].column)):
        _warn(f"{line_start(loc.path)}:{loc.line}:{loc.column}: not fixed: {printable(reason)}")


def _show_diff(run: _Run) -> int:
    """Exit 1 when there is something to fix, as `ruff --diff` does, so CI can insist on a clean tree."""
    from origins_lint.fix import plan, unified_diff

    result = run()
    changes = plan(result)
    diff = "".join(unified_diff(change) for change in changes)
    _out("\n".join(printable(line) for line in diff.split("\n")))
    count = sum(len(change.applied) for change in changes)
    _say_declined(result)
    _warn(f"origins-lint: {count} fix(es) would be applied")
    return 2 if result.internal_errors else 1 if changes else 0


def _apply_baseline(result: CheckResult, path: Path) -> None:
    from origins_lint.baseline import BaselineError, new_findings, read_baseline

    try:
        accepted = read_baseline(path)
    except BaselineError as error:
        raise _fail(str(error)) from None
    result.findings, result.baselined = new_findings(result.findings, accepted)


def _render(
    result: CheckResult, chosen: str, statistics: bool, to_terminal: bool, quiet: bool = False
) -> str:
    from origins_lint.report import Style, renderer

    if statistics:
        from origins_lint.report.statistics import render_json, render_text

        return render_json(result) if chosen == "json" else render_text(result, not quiet)
    terminal = to_terminal and chosen == "text" and _isatty(sys.stdout)
    colour = to_terminal and chosen == "text" and _colour(sys.stdout)
    style = Style(colour=colour, pretty=terminal, width=shutil.get_terminal_size().columns, summary=not quiet)
    return renderer(chosen)(result, style)


def _emit(report: str, output_file: Path | None) -> None:
    report = encodable(report)
    if output_file is None:
        _out(report)
        return
    from origins_lint.writes import write_atomically

    try:
        write_atomically(output_file, report.encode("utf-8"))
    except OSError as error:
        raise _fail(f"cannot write {output_file}: {error.strerror or error}") from None


def _progress_hook() -> ProgressHook:
    """A rich progress bar on stderr, only on a terminal and only for runs of a few hundred files or more."""
    state: dict[str, Any] = {}

    shown: dict[int, bool] = {}  # by the run's number of files: asked once a run, not once a file

    def hook(done: int, total: int) -> None:
        if total not in shown:
            shown[total] = total >= PROGRESS_FROM and _isatty(sys.stderr) and not os.environ.get("CI")
        if not shown[total]:
            return
        if "bar" not in state:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            bar = Progress(
                TextColumn("checking"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(file=sys.stderr, no_color=bool(os.environ.get("NO_COLOR"))),
                transient=True,
            )
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("checking", total=total)
        bar = state["bar"]
        bar.update(state["task"], completed=done)
        if done == total:
            bar.stop()

    return hook


PROGRESS_FROM = 300


def _split(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _colour(stream: object) -> bool:
    """NO_COLOR (https://no-color.org) wins; FORCE_COLOR turns colour on even through a pipe."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _isatty(stream)


def match(args: Namespace) -> None:
    """List every entry that would let ORIGIN in, and every one we could not analyse that might.

    Exit 0 when trusted, 1 when not, 3 when unknown (no entry admits it for sure, but one we
    could not analyse might), so that a script never takes "could not tell" for "safe".
    """
    from origins_lint import formats
    from origins_lint.admit import Verdict, answer
    from origins_lint.check import parse_files
    from origins_lint.config import ConfigError, config_for, load_config
    from origins_lint.discover import PathError
    from origins_lint.formats.base import UNCLAIMED
    from origins_lint.origins import read_origin

    origin: str = args.origin
    text = read_origin(origin)
    if origin != "null" and not text.ok:
        raise _fail(f"`{printable(origin)}` is not an origin: it has {', '.join(text.problems)}")
    try:
        # the config that governs the first path, as for `check` (never the current folder's)
        first = (args.paths or ["."])[0]
        settings = load_config(args.config if args.config is not None else config_for(first))
    except ConfigError as error:
        raise _fail(str(error)) from None
    if args.input_format is not None and args.input_format not in formats.NAMES:
        raise _fail(f"unknown input format `{args.input_format}`; known: {', '.join(formats.NAMES)}")
    errors: list[str] = []
    try:
        checked = parse_files(args.paths or ["."], settings, args.input_format, errors)
    except PathError as error:
        raise _fail(str(error)) from None
    result = answer(checked, origin)
    verdict = result.verdict
    read = sum(parsed.format != UNCLAIMED for parsed in checked)  # as `check` counts files checked
    unread = {"not-analysed": "a value not analysed", "unknown-format": "a file not read"}
    if args.output_format == "json":
        rows = [
            {
                "path": a.matcher.location.path,
                "line": a.matcher.location.line,
                "column": a.matcher.location.column,
                "kind": a.matcher.kind.value,
                "matcher": a.matcher.raw,
                "credentials": a.credentials,
                "scopes": sorted(a.context.scopes.value),
                "name": a.context.name,
            }
            for a in result.admitted
        ]
        unknown = [
            {
                "path": u.location.path,
                "line": u.location.line,
                "column": u.location.column,
                "kind": u.kind,
                "matcher": u.matcher.raw if u.matcher is not None else None,
                "reason": u.reason,
                "credentials": u.credentials,
                "scopes": sorted(u.context.scopes.value) if u.context is not None else None,
                "name": u.context.name if u.context is not None else None,
            }
            for u in result.undecided
        ]
        report = {
            "origin": origin,
            "trusted": verdict is Verdict.TRUSTED,
            "verdict": verdict.value,
            "entries": rows,
            "unknown": unknown,
            "rejected": [
                {
                    "path": r.location.path,
                    "line": r.location.line,
                    "column": r.location.column,
                    "reason": r.reason,
                }
                for r in result.refused
            ],
        }
        _say(json.dumps(report, indent=2))
    else:
        for a in result.admitted:
            loc = a.matcher.location
            credentials = "with credentials" if a.credentials else "without credentials"
            named = f" ({printable(a.context.name)})" if a.context.name else ""
            scopes = a.context.scopes
            written = f" for {', '.join(sorted(s.upper() for s in scopes.value))}" if scopes.location else ""
            _say(
                f"{line_start(loc.path)}:{loc.line}:{loc.column}: {a.matcher.kind.value} "
                f"`{printable(a.matcher.raw)}`{named} admits it{written}, {credentials}"
            )
        for r in result.refused:
            loc = r.location
            why = printable(r.reason)
            _say(f"{line_start(loc.path)}:{loc.line}:{loc.column}: nothing gets in here: {why}")
        for u in result.undecided:
            loc = u.location
            what = f"{u.kind} `{printable(u.matcher.raw)}`" if u.matcher is not None else unread[u.kind]
            where = f"{line_start(loc.path)}:{loc.line}:{loc.column}"
            _say(f"{where}: {what} might admit it: {printable(u.reason)}")
        entries = len(result.admitted)
        if verdict is Verdict.TRUSTED:
            _say(f"`{printable(origin)}` is trusted by {entries} entr{'y' if entries == 1 else 'ies'}")
        elif verdict is Verdict.UNKNOWN:
            count = len(result.undecided)
            _say(
                f"`{printable(origin)}` is unknown: no analysed entry in {read} file(s) admits it, "
                f"but {count} place{'' if count == 1 else 's'} not analysed might"
            )
        else:
            _say(f"`{printable(origin)}` is not trusted by any entry in {read} file(s)")
    for message in errors:
        _warn(f"origins-lint: {message} (please report this bug)")
    if errors:
        raise Exit(2)
    raise Exit(verdict.exit_code)


def verify(args: Namespace) -> None:
    """Send the origins findings name (or generic ones) to live URLs; report which get in."""
    from origins_lint import formats
    from origins_lint.config import ConfigError, find_config, load_config
    from origins_lint.discover import PathError
    from origins_lint.model import Severity
    from origins_lint.verify import (
        Options,
        UrlError,
        check_url,
        dry_run,
        load,
        requests,
        run,
        summary,
        targets,
    )

    try:
        urls = [check_url(url) for url in args.urls]
        settings = load_config(args.config if args.config is not None else find_config(Path.cwd()))
    except (UrlError, ConfigError) as error:
        raise _fail(printable(str(error))) from None
    if args.input_format is not None and args.input_format not in formats.NAMES:
        raise _fail(f"unknown input format `{args.input_format}`; known: {', '.join(formats.NAMES)}")
    plan, checked = None, None
    if args.from_paths:
        try:
            plan, checked = load(args.from_paths, settings, args.input_format)
        except PathError as error:
            raise _fail(str(error)) from None
    options = Options(args.max_requests, args.timeout, args.insecure)
    planned = targets(urls, plan, options)
    if args.insecure:
        _warn("origins-lint: --insecure: TLS certificates and host names are NOT verified")
    if args.dry_run:
        for target in planned:
            for line in dry_run(target):
                _say(printable(line))
        _warn(f"origins-lint: dry run: {sum(len(requests(t)) for t in planned)} request(s) listed, none sent")
        raise Exit(0)
    done = run(
        planned,
        plan,
        options,
        checked.sources if checked else {},
        checked.files_checked if checked else 0,
        settings,
    )
    chosen, extra_outputs = _outputs(args.output_format, args.output_file)
    _emit(_render(done.result, chosen, False, args.output_file is None, True), args.output_file)
    for name, file in extra_outputs:
        _emit(_render(done.result, name, False, False, True), file)
    if not args.quiet:
        _warn(f"origins-lint: verify: {summary(done)}")
    for target in done.targets:
        if not args.quiet:
            _warn(
                f"origins-lint: {printable(target.url)}: {target.sent} request(s) sent, {len(target.failed)} "
                f"failed, {len(target.left_out)} probe(s) left out by --max-requests"
            )
    for target in done.unreachable:
        _warn(
            f"origins-lint: cannot verify {printable(target.url)}: every request failed "
            f"({printable(target.failed[0].evidence())})"
        )
    errors = [*(checked.internal_errors if checked else []), *done.result.internal_errors]
    for message in errors:
        _warn(f"origins-lint: {printable(message)} (please report this bug)")
    if errors or done.unreachable:
        raise Exit(2)
    fail_on = Severity.parse(args.fail_on) if args.fail_on is not None else settings.fail_on
    raise Exit(1 if any(f.severity >= fail_on for f in done.result.findings) else 0)


def inventory(args: Namespace) -> None:
    """List every trusted entry: where, what it admits, credentials, environment, findings."""
    from origins_lint import formats
    from origins_lint.config import ConfigError, config_for, load_config
    from origins_lint.discover import PathError
    from origins_lint.inventory.collect import collect
    from origins_lint.inventory.diff import differences, to_json, to_text
    from origins_lint.inventory.render import render

    try:
        # the config that governs the first path, as for `check` (never the current folder's)
        first = (args.paths or ["."])[0]
        settings = load_config(args.config if args.config is not None else config_for(first))
    except ConfigError as error:
        raise _fail(str(error)) from None
    _use_policy(settings, args.policy)
    if args.input_format is not None and args.input_format not in formats.NAMES:
        raise _fail(f"unknown input format `{args.input_format}`; known: {', '.join(formats.NAMES)}")
    pairs = [tuple(p.split("=", 1)) for p in args.pair or []]
    if any(len(p) != 2 or not all(p) for p in pairs):
        raise _fail("--pair takes LEFT=RIGHT, two paths (files or folders)")
    errors: list[str] = []
    try:
        found = collect(args.paths or ["."], settings, args.input_format, errors)
    except PathError as error:
        raise _fail(str(error)) from None
    for message in errors:
        _warn(f"origins-lint: {message} (please report this bug)")
    if errors:
        raise Exit(2)
    if args.diff:
        if args.output_format not in ("text", "json"):
            raise _fail("--diff prints text or json")
        given = [(left, right) for left, right in pairs]
        changes = differences(found.rows, [*settings.sibling_pairs, *given])  # the config's, then --pair
        _emit(to_json(changes) if args.output_format == "json" else to_text(changes), args.output_file)
        raise Exit(1 if changes.any else 0)
    to_terminal = args.output_file is None and _isatty(sys.stdout)
    width = shutil.get_terminal_size().columns if to_terminal else 160
    text = render(found, args.output_format, width, to_terminal and _colour(sys.stdout))
    _emit(text, args.output_file)


def list_rules(args: Namespace) -> None:
    """List every rule: code, slug, default severity, summary."""
    from origins_lint.rules import all_rules

    rules = all_rules()
    if args.output_format == "json":
        rows = [
            {"code": r.code, "slug": r.slug, "severity": r.severity.label, "summary": r.summary}
            for r in rules
        ]
        _say(json.dumps(rows, indent=2))
        return
    width = max(len(r.slug) for r in rules)
    for r in rules:
        _say(f"{r.code}  {r.slug:<{width}}  {r.severity.label:<8}  {r.summary}")


def show_rule(args: Namespace) -> None:
    """Print a rule's documentation page."""
    from origins_lint.docs import rule_page
    from origins_lint.rules import find_rule

    found = find_rule(args.name)
    if found is None:
        raise _fail(f"no rule `{args.name}`; `origins-lint rules` lists them")
    _say(rule_page(found.code) or f"{found.code} ({found.slug}): {found.summary}")


def schema(args: Namespace) -> None:
    """Print one format's JSON Schema (the policy file's by default), or write all with --output."""
    from origins_lint.formats.schemas import SCHEMAS, schema_text

    if args.name not in SCHEMAS:
        raise _fail(f"unknown schema `{args.name}`; known: {', '.join(SCHEMAS)}")
    if args.output is None:
        _out(schema_text(args.name))
        return
    output: Path = args.output
    output.mkdir(parents=True, exist_ok=True)
    for each in SCHEMAS:
        target = output / f"{each}.schema.json"
        target.write_text(schema_text(each), encoding="utf-8")
        _say(f"wrote {target}")


def list_formats(args: Namespace) -> None:
    """List the input formats: the name `--input-format` takes, and the files each reads."""
    from origins_lint import formats

    if args.output_format == "json":
        rows = [{"name": fmt.name, "reads": fmt.description} for fmt in formats.FORMATS]
        _say(json.dumps(rows, indent=2))
        return
    width = max(len(fmt.name) for fmt in formats.FORMATS)
    for fmt in formats.FORMATS:
        _say(f"{fmt.name:<{width}}  {fmt.description}")


def completion(args: Namespace) -> None:
    """Print a shell completion script: `source <(origins-lint completion bash)`."""
    from origins_lint.completion import script

    _out(script(args.shell, parser()))


class _Parser(ArgumentParser):
    """argparse as ruff users expect it: no abbreviated options, and "did you mean" for a mistyped one.

    argparse takes any unambiguous prefix by default, so `--no` silently meant `--no-cache`; a typo
    (`--formt`) was only "unrecognized arguments".
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """argparse's message, with the closest choice for a mistyped command or value (`chek`)."""
        import re

        wrong = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)$", message)
        if wrong is not None:
            import difflib

            choices = [choice.strip("'") for choice in wrong.group(2).split(", ")]
            close = difflib.get_close_matches(wrong.group(1), choices, n=1)
            message += f"; did you mean `{close[0]}`?" if close else ""
        super().error(message)

    def unrecognized(self, extras: list[str]) -> NoReturn:
        hints = [hint for word in extras if word.startswith("-") and (hint := self._hint(word))]
        self.error(f"unrecognized arguments: {' '.join(extras)}{''.join(hints)}")

    def _hint(self, word: str) -> str:
        """The options a prefix (`--no`) could have meant, or the two closest to a typo, by whole name
        or by one of its words (`--formt` is close to the `format` of `--output-format`)."""
        import difflib

        name = word.split("=", 1)[0]
        known = [option for action in self._actions for option in action.option_strings]
        started = [option for option in known if option.startswith(name)] if name.startswith("--") else []

        def score(option: str) -> float:
            bare = name.lstrip("-")
            words = [option.lstrip("-"), *option.lstrip("-").split("-")]
            return max(difflib.SequenceMatcher(None, bare, each).ratio() for each in words)

        ranked = sorted((option for option in known if score(option) >= 0.75), key=score, reverse=True)
        close = started or ranked[:2]
        if not close:
            return ""
        return f"; `{name}`: did you mean {' or '.join(f'`{option}`' for option in close)}?"


def _output_spec(text: str) -> str:
    """FORMAT, or FORMAT:FILE for a report written to FILE besides the one on stdout."""
    name, colon, file = text.partition(":")
    if name not in OUTPUT_FORMATS or (colon and not file):
        import difflib

        close = difflib.get_close_matches(name, OUTPUT_FORMATS, n=1)
        hint = f"did you mean `{close[0]}`? " if close else ""
        raise ArgumentTypeError(
            f"`{text}` is not FORMAT or FORMAT:FILE; {hint}formats: {', '.join(OUTPUT_FORMATS)}"
        )
    return text


def _count(of: str) -> Callable[[str], int]:
    """An argument type for a whole number of `of`, 1 or more (`--jobs`, `--max-requests`)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise ArgumentTypeError(f"`{text}` is not a number of {of} (1 or more)")
        return value

    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 600:
        raise ArgumentTypeError(f"`{text}` is not a number of seconds (more than 0, at most 600)")
    return value


def _config_and_input(command: ArgumentParser) -> None:
    """The options `check` and `match` share: where settings come from, and how files are read."""
    command.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="config file (default: nearest .origins-lint.toml or pyproject.toml)",
    )
    command.add_argument("--input-format", metavar="FORMAT", help="read every file as this format")


def parser() -> _Parser:
    """The whole command line; each subcommand's function is its `handler` default."""
    top = _Parser(
        prog="origins-lint", description="Security linter for CORS and trusted-origin configuration."
    )
    top.add_argument("--version", action="version", version=f"origins-lint {__version__}")
    commands = top.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, handler: Callable[[Namespace], None]) -> ArgumentParser:
        doc = (handler.__doc__ or "").strip()
        sub = commands.add_parser(name, help=doc, description=doc)
        sub.set_defaults(handler=handler, parser=sub)
        return sub

    lint = command("check", check)
    lint.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: .); `-` reads stdin"
    )
    lint.add_argument(
        "-f",
        "--output-format",
        type=_output_spec,
        action="append",
        metavar="FORMAT[:FILE]",
        help="text, json, sarif, github, junit or gitlab (default: github in GitHub Actions, else text, "
        "or from the --output-file suffix); FORMAT:FILE writes that report to FILE as well, repeatable",
    )
    lint.add_argument(
        "-o", "--output-file", type=Path, metavar="FILE", help="write the report here instead of stdout"
    )
    lint.add_argument(
        "--select",
        action="append",
        metavar="RULES",
        help="rules to run: codes, slugs or prefixes (OL3); repeat or comma-separate",
    )
    lint.add_argument(
        "--ignore", action="append", metavar="RULES", help="rules to skip: codes, slugs or prefixes"
    )
    lint.add_argument(
        "--extend-select", action="append", metavar="RULES", help="rules to run besides the config's select"
    )
    lint.add_argument(
        "--extend-ignore", action="append", metavar="RULES", help="rules to skip besides the config's ignore"
    )
    lint.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        metavar="SEVERITY",
        help="lowest severity that makes the exit code 1 (default: low)",
    )
    _config_and_input(lint)
    lint.add_argument("--exclude", action="append", metavar="GLOB", help="glob of paths to skip; repeatable")
    lint.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        help="the policy file every trusted entry must be in (OL803-OL806)",
    )
    lint.add_argument(
        "--statistics", action="store_true", help="count findings per rule instead of listing them"
    )
    lint.add_argument(
        "--baseline", type=Path, metavar="FILE", help="report only findings this baseline file does not list"
    )
    lint.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="write every current finding to this baseline file, then exit 0",
    )
    lint.add_argument("--fix", action="store_true", help="apply the safe fixes (marked [*]) in place")
    lint.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; change nothing")
    lint.add_argument(
        "--skip-unknown",
        action="store_true",
        help="skip named files no format recognizes, as a folder walk does (the pre-commit hook's way)",
    )
    lint.add_argument(
        "-j",
        "--jobs",
        type=_count("processes"),
        metavar="N",
        help="processes to check with (default: one per core from a few hundred files)",
    )
    lint.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the result cache (.origins-lint-cache/)",
    )
    lint.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even with findings (2 still means an error)"
    )
    lint.add_argument(
        "-q", "--quiet", action="store_true", help="print the findings only, without the summary line"
    )
    lint.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="the path stdin (`-`) stands for: it picks the format, the config's per-file settings and "
        "the name in messages",
    )
    lint.add_argument(
        "--no-respect-gitignore",
        action="store_true",
        help="walk into what .gitignore, .git/info/exclude and the global excludes leave out",
    )

    admits = command("match", match)
    admits.add_argument("origin", metavar="ORIGIN", help="the origin to test, e.g. https://evil.example.net")
    admits.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .)")
    admits.add_argument(
        "-f", "--output-format", choices=LIST_FORMATS, default="text", metavar="FORMAT", help="text or json"
    )
    _config_and_input(admits)

    live = command("verify", verify)
    live.add_argument("urls", nargs="+", metavar="URL", help="base URLs or full URLs to send requests to")
    live.add_argument(
        "--from",
        dest="from_paths",
        nargs="+",
        action="extend",
        metavar="PATH",
        help="config files or folders: probe their findings' origins, trusted origins and paths",
    )
    live.add_argument(
        "-f",
        "--output-format",
        type=_output_spec,
        action="append",
        metavar="FORMAT[:FILE]",
        help="text, json, sarif, github, junit or gitlab; FORMAT:FILE writes that report to FILE as well",
    )
    live.add_argument(
        "-o", "--output-file", type=Path, metavar="FILE", help="write the report here instead of stdout"
    )
    live.add_argument(
        "--max-requests",
        type=_count("requests"),
        default=200,
        metavar="N",
        help="requests per URL at most (default: 200)",
    )
    live.add_argument(
        "--timeout", type=_seconds, default=10.0, metavar="SECONDS", help="per request (default: 10)"
    )
    live.add_argument(
        "--insecure", action="store_true", help="do not verify TLS certificates (said in the output)"
    )
    live.add_argument("--dry-run", action="store_true", help="list the requests; send nothing")
    live.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        metavar="SEVERITY",
        help="lowest severity that makes the exit code 1 (default: low)",
    )
    live.add_argument(
        "-q", "--quiet", action="store_true", help="print the findings only, without the summary lines"
    )
    _config_and_input(live)

    trusted = command("inventory", inventory)
    trusted.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .)")
    trusted.add_argument(
        "-f",
        "--output-format",
        choices=("text", "json", "csv", "markdown"),
        default="text",
        metavar="FORMAT",
        help="text (a table), json, csv or markdown",
    )
    trusted.add_argument(
        "-o", "--output-file", type=Path, metavar="FILE", help="write the inventory here instead of stdout"
    )
    _config_and_input(trusted)
    trusted.add_argument(
        "--policy", type=Path, metavar="FILE", help="the policy file (its findings show on the entries)"
    )
    trusted.add_argument(
        "--diff",
        action="store_true",
        help="list origins trusted in one place and not in its sibling, and development origins in "
        "production (exit 1 when there are any)",
    )
    trusted.add_argument(
        "--pair",
        action="append",
        metavar="LEFT=RIGHT",
        help="compare everything under path LEFT with everything under RIGHT (with --diff); repeatable",
    )

    listing = command("rules", list_rules)
    listing.add_argument(
        "-f", "--output-format", choices=LIST_FORMATS, default="text", metavar="FORMAT", help="text or json"
    )

    page = command("rule", show_rule)
    page.add_argument("name", metavar="CODE|SLUG", help="a rule code (OL201) or slug (insecure-origin)")

    schemas = command("schema", schema)
    schemas.add_argument(
        "name",
        nargs="?",
        default="origins-policy",
        help="origins-policy (our YAML) or okta-trusted-origins (Okta exports)",
    )
    schemas.add_argument(
        "--output", type=Path, metavar="DIR", help="write every JSON Schema into this folder"
    )

    known = command("formats", list_formats)
    known.add_argument(
        "-f", "--output-format", choices=LIST_FORMATS, default="text", metavar="FORMAT", help="text or json"
    )

    shells = command("completion", completion)
    shells.add_argument("shell", choices=SHELLS, metavar="SHELL", help=", ".join(SHELLS))
    return top


SHELLS = ("bash", "zsh", "fish")


def run(argv: Sequence[str] | None = None) -> int:
    """The exit code of one command line; the tests call this, the console script calls `main`."""
    top = parser()
    try:
        args, extras = top.parse_known_args(argv)
        if extras:
            chosen: _Parser = getattr(args, "parser", top)
            chosen.unrecognized(extras)
    except SystemExit as done:  # --help, --version, or a usage error (argparse says which, exit 2)
        return done.code if isinstance(done.code, int) else 2
    handler: Callable[[Namespace], None] | None = getattr(args, "handler", None)
    if handler is None:
        top.print_help()
        return 2
    try:
        handler(args)
    except Exit as done:
        return done.code
    except BrokenPipeError:  # a write `_out` does not guard; the verdict is unknown, the output is gone
        stdout_closed()
        return 0
    return 0


def main() -> None:
    # A run allocates hundreds of thousands of small objects and frees them by reference count;
    # few form cycles. The default thresholds ran the cycle collector thousands of times for
    # nothing (a quarter of the time of a 2,000-file check), so it runs a hundred times less often.
    gc.set_threshold(100_000, 50, 100)
    try:
        code = run()
    except KeyboardInterrupt:
        code = 130
    except Exception as error:  # never a traceback for users; exit 2 says "not a verdict"
        print(f"origins-lint: internal error: {error!r} (please report this bug)", file=sys.stderr)
        code = 2
    try:
        sys.stdout.flush()  # `| head -1` closes the pipe: the buffered rest fails here, quietly
    except BrokenPipeError:
        stdout_closed()
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    # Every file is closed and every worker joined by now: what the interpreter's own exit would
    # add is freeing each object one by one (14% of an nginx check, 9% of a policy one: issue 21).
    # `run` (the tests' entry) returns its code instead; under a profiler or a tracer (cProfile,
    # coverage), which write their results at exit, the exit is the ordinary one.
    if sys.getprofile() is None and sys.gettrace() is None:
        os._exit(code)
    sys.exit(code)
