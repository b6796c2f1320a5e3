"""The `origins-lint` command line. Exit codes: 0 clean, 1 findings at or above the fail level, 2 errors."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from origins_lint import __version__
from origins_lint.report.safe import printable

if TYPE_CHECKING:
    from origins_lint.check import CheckResult, ProgressHook
    from origins_lint.config import Config

app = typer.Typer(
    name="origins-lint",
    help="Security linter for CORS and trusted-origin configuration.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"


class ListFormat(StrEnum):
    text = "text"
    json = "json"


# --output-file names that say which format they want when -f is not given
SUFFIX_FORMATS = {".sarif": OutputFormat.sarif, ".json": OutputFormat.json, ".xml": OutputFormat.junit}


class SeverityName(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    info = "info"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"origins-lint: error: {message}", err=True)
    return typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"origins-lint {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Security linter for CORS and trusted-origin configuration."""


@app.command()
def check(
    paths: Annotated[list[str] | None, typer.Argument(help="Files or folders (default: .)")] = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--output-format",
            "-f",
            help="text, json, sarif, github or junit [default: github in GitHub Actions, else text, "
            "or from the --output-file suffix]",
            show_default=False,
        ),
    ] = None,
    output_file: Annotated[
        Path | None, typer.Option("--output-file", "-o", help="Write the report here instead of stdout.")
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(help="Rules to run: codes, slugs or prefixes (OL3); repeat or comma-separate."),
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Rules to skip: codes, slugs or prefixes.")] = None,
    fail_on: Annotated[
        SeverityName | None, typer.Option(help="Lowest severity that makes the exit code 1 [default: low].")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="Config file (default: nearest .origins-lint.toml or pyproject.toml).")
    ] = None,
    input_format: Annotated[str | None, typer.Option(help="Read every file as this format.")] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Glob of paths to skip; repeatable.")] = None,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Count findings per rule instead of listing them.")
    ] = False,
    baseline: Annotated[
        Path | None, typer.Option(help="Report only findings this baseline file does not list.")
    ] = None,
    write_baseline: Annotated[
        Path | None, typer.Option(help="Write every current finding to this baseline file, then exit 0.")
    ] = None,
    fix: Annotated[bool, typer.Option("--fix", help="Apply the safe fixes (marked [*]) in place.")] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print the fixes as a unified diff; change nothing.")
    ] = False,
    skip_unknown: Annotated[
        bool,
        typer.Option(
            "--skip-unknown",
            help="Skip named files no format recognizes, as a folder walk does (the pre-commit hook's way).",
        ),
    ] = False,
) -> None:
    """Check files and folders for risky CORS and trusted-origin entries."""
    from origins_lint import formats
    from origins_lint.config import ConfigError, check_selectors, find_config, load_config
    from origins_lint.model import Severity

    try:
        settings = load_config(config if config is not None else find_config(Path.cwd()))
        if select:
            settings.select = tuple(_split(select))
            check_selectors(settings.select, "--select")
        if ignore:
            settings.ignore = tuple(_split(ignore))
            check_selectors(settings.ignore, "--ignore")
    except ConfigError as error:
        raise _fail(str(error)) from None
    if fail_on is not None:
        settings.fail_on = Severity.parse(fail_on.value)
    if exclude:
        settings.exclude = (*settings.exclude, *exclude)
    if input_format is not None and input_format not in formats.BY_NAME:
        raise _fail(f"unknown input format `{input_format}`; known: {', '.join(formats.BY_NAME)}")
    chosen = _output_format(output_format, output_file)
    if statistics and chosen not in (OutputFormat.text, OutputFormat.json):
        raise _fail("--statistics prints text or json; drop --output-format or pick one of those")
    if fix and diff:
        raise _fail("--fix writes the changes and --diff only shows them; pick one")
    if write_baseline is not None and baseline is not None:
        raise _fail("--write-baseline records every finding; it cannot be combined with --baseline")
    run = _Run(paths or ["."], settings, input_format, _progress_hook(), skip_unknown)
    if diff:
        raise typer.Exit(_show_diff(run))
    result = _fixed(run) if fix else run()
    if write_baseline is not None:
        from origins_lint.baseline import write_baseline as record

        count = record(write_baseline, result.findings, os.getcwd())
        typer.echo(f"origins-lint: wrote {count} finding(s) to the baseline {write_baseline}", err=True)
        raise typer.Exit(2 if result.internal_errors else 0)
    if baseline is not None:
        _apply_baseline(result, baseline)
    _emit(_render(result, chosen, statistics, output_file is None), output_file)
    for message in result.internal_errors:
        typer.echo(f"origins-lint: {printable(message)} (please report this bug)", err=True)
    if result.internal_errors:
        raise typer.Exit(2)
    failing = any(f.severity >= settings.fail_on for f in result.findings)
    raise typer.Exit(1 if failing else 0)


def _output_format(given: OutputFormat | None, output_file: Path | None) -> OutputFormat:
    if given is not None:
        return given
    if output_file is not None:
        suffix = ".sarif" if output_file.name.endswith(".sarif.json") else output_file.suffix.lower()
        return SUFFIX_FORMATS.get(suffix, OutputFormat.text)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return OutputFormat.github
    return OutputFormat.text


@dataclass(frozen=True)
class _Run:
    """One check over the same paths and settings; `--fix` runs it again after each round of edits."""

    paths: list[str]
    settings: Config
    input_format: str | None
    hook: ProgressHook
    skip_unknown: bool

    def __call__(self) -> CheckResult:
        from origins_lint.check import run_check
        from origins_lint.discover import PathError

        try:
            return run_check(self.paths, self.settings, self.input_format, self.hook, self.skip_unknown)
        except PathError as error:
            raise _fail(str(error)) from None


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
                typer.echo(f"origins-lint: {printable(str(error))}", err=True)
                continue
            written += 1
            fixed += len(change.applied)
        if not written:
            break
        result = run()
    _say_declined(result)
    typer.echo(f"origins-lint: fixed {fixed} finding(s)", err=True)
    return result


def _say_declined(result: CheckResult) -> None:
    for loc, reason in sorted(result.declined_fixes, key=lambda d: (d[0].path, d[0].line, d[0].column)):
        typer.echo(f"{printable(loc.path)}:{loc.line}:{loc.column}: not fixed: {reason}", err=True)


def _show_diff(run: _Run) -> int:
    """Exit 1 when there is something to fix, as `ruff --diff` does, so CI can insist on a clean tree."""
    from origins_lint.fix import plan, unified_diff

    result = run()
    changes = plan(result)
    sys.stdout.write("".join(printable(unified_diff(change)) for change in changes))
    count = sum(len(change.applied) for change in changes)
    _say_declined(result)
    typer.echo(f"origins-lint: {count} fix(es) would be applied", err=True)
    return 2 if result.internal_errors else 1 if changes else 0


def _apply_baseline(result: CheckResult, path: Path) -> None:
    from origins_lint.baseline import BaselineError, new_findings, read_baseline

    try:
        accepted = read_baseline(path)
    except BaselineError as error:
        raise _fail(str(error)) from None
    result.findings, result.baselined = new_findings(result.findings, accepted)


def _render(result: CheckResult, chosen: OutputFormat, statistics: bool, to_terminal: bool) -> str:
    from origins_lint.report import Style, renderer

    if statistics:
        from origins_lint.report.statistics import render_json, render_text

        return render_json(result) if chosen is OutputFormat.json else render_text(result)
    terminal = to_terminal and chosen is OutputFormat.text and _isatty(sys.stdout)
    colour = to_terminal and chosen is OutputFormat.text and _colour(sys.stdout)
    style = Style(colour=colour, pretty=terminal, width=shutil.get_terminal_size().columns)
    return renderer(chosen.value)(result, style)


def _emit(report: str, output_file: Path | None) -> None:
    if output_file is None:
        sys.stdout.write(report)
        return
    from origins_lint.writes import write_atomically

    try:
        write_atomically(output_file, report.encode("utf-8"))
    except OSError as error:
        raise _fail(f"cannot write {output_file}: {error.strerror or error}") from None


def _progress_hook() -> ProgressHook:
    """A rich progress bar on stderr, only on a terminal and only for runs of a few hundred files or more."""
    state: dict[str, Any] = {}

    def hook(done: int, total: int) -> None:
        if total < PROGRESS_FROM or not _isatty(sys.stderr) or os.environ.get("CI"):
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


@app.command("match")
def match(
    origin: Annotated[str, typer.Argument(help="The origin to test, e.g. https://evil.example.net")],
    paths: Annotated[list[str] | None, typer.Argument(help="Files or folders (default: .)")] = None,
    output_format: Annotated[ListFormat, typer.Option("--output-format", "-f")] = ListFormat.text,
    config: Annotated[Path | None, typer.Option(help="Config file.")] = None,
    input_format: Annotated[str | None, typer.Option(help="Read every file as this format.")] = None,
) -> None:
    """List every entry that would let ORIGIN in; exit 0 when trusted, 1 when not."""
    from origins_lint import formats
    from origins_lint.admit import admissions
    from origins_lint.check import parse_files
    from origins_lint.config import ConfigError, find_config, load_config
    from origins_lint.discover import PathError
    from origins_lint.origins import read_origin
    from origins_lint.report.safe import printable

    text = read_origin(origin)
    if origin != "null" and not text.ok:
        raise _fail(f"`{printable(origin)}` is not an origin: it has {', '.join(text.problems)}")
    try:
        settings = load_config(config if config is not None else find_config(Path.cwd()))
    except ConfigError as error:
        raise _fail(str(error)) from None
    if input_format is not None and input_format not in formats.BY_NAME:
        raise _fail(f"unknown input format `{input_format}`; known: {', '.join(formats.BY_NAME)}")
    errors: list[str] = []
    try:
        checked = parse_files(paths or ["."], settings, input_format, errors)
    except PathError as error:
        raise _fail(str(error)) from None
    found = list(admissions([item.parsed for item in checked], origin))
    if output_format is ListFormat.json:
        rows = [
            {
                "path": a.matcher.location.path,
                "line": a.matcher.location.line,
                "column": a.matcher.location.column,
                "kind": a.matcher.kind.value,
                "matcher": a.matcher.raw,
                "credentials": a.context.with_credentials,
                "scopes": sorted(a.context.scopes.value),
                "name": a.context.name,
            }
            for a in found
        ]
        typer.echo(json.dumps({"origin": origin, "trusted": bool(found), "entries": rows}, indent=2))
    else:
        for a in found:
            loc = a.matcher.location
            credentials = "with credentials" if a.context.with_credentials else "without credentials"
            named = f" ({printable(a.context.name)})" if a.context.name else ""
            scopes = a.context.scopes
            written = f" for {', '.join(sorted(s.upper() for s in scopes.value))}" if scopes.location else ""
            typer.echo(
                f"{printable(loc.path)}:{loc.line}:{loc.column}: {a.matcher.kind.value} "
                f"`{printable(a.matcher.raw)}`{named} admits it{written}, {credentials}"
            )
        if found:
            typer.echo(
                f"`{printable(origin)}` is trusted by {len(found)} entr{'y' if len(found) == 1 else 'ies'}"
            )
        else:
            typer.echo(f"`{printable(origin)}` is not trusted by any entry in {len(checked)} file(s)")
    for message in errors:
        typer.echo(f"origins-lint: {message} (please report this bug)", err=True)
    if errors:
        raise typer.Exit(2)
    raise typer.Exit(0 if found else 1)


@app.command("rules")
def list_rules(
    output_format: Annotated[ListFormat, typer.Option("--output-format", "-f")] = ListFormat.text,
) -> None:
    """List every rule: code, slug, default severity, summary."""
    from origins_lint.rules import all_rules

    rules = all_rules()
    if output_format is ListFormat.json:
        rows = [
            {"code": r.code, "slug": r.slug, "severity": r.severity.label, "summary": r.summary}
            for r in rules
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    width = max(len(r.slug) for r in rules)
    for r in rules:
        typer.echo(f"{r.code}  {r.slug:<{width}}  {r.severity.label:<8}  {r.summary}")


@app.command("rule")
def show_rule(
    name: Annotated[str, typer.Argument(help="A rule code (OL201) or slug (insecure-origin).")],
) -> None:
    """Print a rule's documentation page."""
    from origins_lint.docs import rule_page
    from origins_lint.rules import find_rule

    found = find_rule(name)
    if found is None:
        raise _fail(f"no rule `{name}`; `origins-lint rules` lists them")
    typer.echo(rule_page(found.code) or f"{found.code} ({found.slug}): {found.summary}")


@app.command("schema")
def schema(
    name: Annotated[
        str, typer.Argument(help="origins-policy (our YAML) or okta-trusted-origins (Okta exports).")
    ] = "origins-policy",
    output: Annotated[Path | None, typer.Option(help="Write every JSON Schema into this folder.")] = None,
) -> None:
    """Print one format's JSON Schema (the policy file's by default), or write all with --output."""
    from origins_lint.formats.schemas import SCHEMAS, schema_text

    if name not in SCHEMAS:
        raise _fail(f"unknown schema `{name}`; known: {', '.join(SCHEMAS)}")
    if output is None:
        typer.echo(schema_text(name), nl=False)
        return
    output.mkdir(parents=True, exist_ok=True)
    for each in SCHEMAS:
        target = output / f"{each}.schema.json"
        target.write_text(schema_text(each), encoding="utf-8")
        typer.echo(f"wrote {target}")


def main() -> None:
    try:
        app(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as error:  # never a traceback for users; exit 2 says "not a verdict"
        print(f"origins-lint: internal error: {error!r} (please report this bug)", file=sys.stderr)
        sys.exit(2)
