"""The `origins-lint` command line. Exit codes: 0 clean, 1 findings at or above the fail level, 2 errors."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from origins_lint import __version__

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
    output_format: Annotated[OutputFormat, typer.Option("--output-format", "-f")] = OutputFormat.text,
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
) -> None:
    """Check files and folders for risky CORS and trusted-origin entries."""
    from origins_lint import formats
    from origins_lint.check import run_check
    from origins_lint.config import ConfigError, check_selectors, find_config, load_config
    from origins_lint.discover import PathError
    from origins_lint.model import Severity
    from origins_lint.report import REPORTERS

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
    try:
        result = run_check(paths or ["."], settings, input_format)
    except PathError as error:
        raise _fail(str(error)) from None
    colour = output_format is OutputFormat.text and _colour(sys.stdout)
    sys.stdout.write(REPORTERS[output_format.value](result, colour))
    for message in result.internal_errors:
        typer.echo(f"origins-lint: {message} (please report this bug)", err=True)
    if result.internal_errors:
        raise typer.Exit(2)
    failing = any(f.severity >= settings.fail_on for f in result.findings)
    raise typer.Exit(1 if failing else 0)


def _split(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _colour(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@app.command("match")
def match(
    origin: Annotated[str, typer.Argument(help="The origin to test, e.g. https://evil.example.net")],
    paths: Annotated[list[str] | None, typer.Argument(help="Files or folders (default: .)")] = None,
    output_format: Annotated[OutputFormat, typer.Option("--output-format", "-f")] = OutputFormat.text,
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
    if output_format is OutputFormat.json:
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
    output_format: Annotated[OutputFormat, typer.Option("--output-format", "-f")] = OutputFormat.text,
) -> None:
    """List every rule: code, slug, default severity, summary."""
    from origins_lint.rules import all_rules

    rules = all_rules()
    if output_format is OutputFormat.json:
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
