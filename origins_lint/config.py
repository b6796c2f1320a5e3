"""Settings from `.origins-lint.toml` or `[tool.origins-lint]` in `pyproject.toml`.

The nearest file upward from each path being checked wins (as with ruff), never one found
from the current folder: `origins-lint check ../their-repo` must not take its settings from
here, nor theirs from a folder above their repository, so the search stops at the git work
tree's root. `--config` names one explicitly. Globs in a config are relative to its folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from origins_lint.limits import DEFAULT as DEFAULT_LIMITS
from origins_lint.limits import KEYS as LIMIT_KEYS
from origins_lint.limits import Limits
from origins_lint.model import Severity
from origins_lint.records import field, record
from origins_lint.report.safe import printable

CONFIG_NAME = ".origins-lint.toml"

KEYS: dict[str, str] = {
    "select": "list of rule codes, slugs or prefixes",
    "ignore": "list of rule codes, slugs or prefixes",
    "fail-on": "a severity",
    "exclude": "list of globs",
    "per-file-ignores": "table of glob = [rules]",
    "allowed-domains": "list of domains",
    "denied-origins": "list of origin globs",
    "development-files": "list of globs",
    "respect-gitignore": "true or false",
    **dict.fromkeys(LIMIT_KEYS, "a positive whole number"),
    "max-file-size": "a number of bytes",
    "policy": "the path of a policy file, relative to the config",
    "sibling-pairs": 'a list of "LEFT=RIGHT" paths (relative to the config) that `inventory --diff` compares',
}
LIST_KEYS = ("select", "ignore", "exclude", "allowed-domains", "denied-origins", "development-files")


class ConfigError(Exception):
    """A config problem; the CLI prints it and exits 2.

    The message quotes the repository's own text (its path, keys, values, rule names), which can
    carry terminal escapes or a newline followed by `::error ...::`, a GitHub Actions workflow
    command: it is escaped here, once, as findings are, so no caller can print it raw."""

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))


@record()
class Config:
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.LOW
    exclude: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    allowed_domains: tuple[str, ...] = ()
    denied_origins: tuple[str, ...] = ()
    development_files: tuple[str, ...] = ()
    limits: Limits = DEFAULT_LIMITS
    root: Path = field(default_factory=Path.cwd)
    respect_gitignore: bool = True  # folder walks skip what git ignores (`ignore_files.py`)
    policy: str | None = None  # the reviewed list of trusted origins (issue 25: OL803-OL806)
    # places `inventory --diff` compares besides the folder layout's siblings (`--pair` adds more)
    sibling_pairs: tuple[tuple[str, str], ...] = ()
    # where `select`, `ignore` and `per-file-ignores` came from (a config file, or `--select`), so
    # that a report can say what switched rules off
    set_by: dict[str, str] = field(default_factory=dict)


def shown_path(path: Path) -> str:
    """A config's path as a report shows it: relative to the current folder when under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def find_config(start: Path) -> Path | None:
    """The nearest config in ``start`` or a folder above it, up to the git work tree's root."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if os.path.lexists(folder / ".git"):
            return None
    return None


def config_for(path: str, seen: dict[Path, Path | None] | None = None) -> Path | None:
    """The config that governs a path given on the command line (a file or a folder); ``seen``
    remembers the answer per folder, for a pre-commit run naming thousands of files."""
    absolute = Path(os.path.abspath(path))
    start = absolute if absolute.is_dir() else absolute.parent
    if seen is None:
        return find_config(start)
    if start not in seen:
        seen[start] = find_config(start)
    return seen[start]


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if not _may_name_the_tool(text):
        return False  # most projects' pyproject.toml: no TOML parser to import and run (issue 21)
    import tomllib  # here, not at the top: a run with no config never pays for it (issue 21)

    try:
        return "origins-lint" in tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:
        return False


def _may_name_the_tool(text: str) -> bool:
    """Whether a TOML text can hold a key `origins-lint`: a bare or literal key spells it out, and
    only a basic string's `\\u`/`\\U` escapes can write its letters otherwise (TOML 1.0 has no
    other escape that makes a letter or `-`); so a text with neither has no such table."""
    return "origins-lint" in text or "\\u" in text or "\\U" in text


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    import tomllib

    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the config: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the config is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("origins-lint", {})
    return _from_table(data, path)


def _from_table(data: dict[str, Any], path: Path) -> Config:
    config = Config(root=path.parent.resolve())
    bounds: dict[str, int] = {}
    for key, value in data.items():
        if key not in KEYS:
            import difflib

            close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`?" if close else "known keys: " + ", ".join(KEYS)
            raise ConfigError(f"{path}: unknown key `{key}`; {hint}")
        if key in LIMIT_KEYS:
            bounds[LIMIT_KEYS[key]] = _convert(key, value, path)
        else:
            config.set_by[key] = shown_path(path)
            setattr(config, key.replace("-", "_"), _convert(key, value, path))
    config.limits = Limits(**bounds)
    return config


def _convert(key: str, value: Any, path: Path) -> Any:
    def wrong() -> ConfigError:
        return ConfigError(f"{path}: `{key}` must be {KEYS[key]}, not {value!r}")

    if key in LIST_KEYS:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise wrong()
        if key in ("select", "ignore"):
            check_selectors(value, f"{path}: `{key}`")
        return tuple(value)
    if key == "policy":
        if not isinstance(value, str) or not value:
            raise wrong()
        return os.path.relpath(path.parent.resolve() / value)
    if key == "sibling-pairs":
        if not isinstance(value, list) or not all(isinstance(v, str) and _pair(v) for v in value):
            raise wrong()
        here = path.parent.resolve()
        return tuple(
            (os.path.relpath(here / left), os.path.relpath(here / right))
            for left, right in (v.split("=", 1) for v in value)
        )
    if key == "respect-gitignore":
        if not isinstance(value, bool):
            raise wrong()
        return value
    if key == "fail-on":
        if not isinstance(value, str):
            raise wrong()
        try:
            return Severity.parse(value)
        except ValueError as error:
            raise ConfigError(f"{path}: `fail-on`: {error}") from None
    if key in LIMIT_KEYS:
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise wrong()
        return value
    # per-file-ignores
    if not isinstance(value, dict):
        raise wrong()
    table: dict[str, tuple[str, ...]] = {}
    for glob, given in value.items():
        rules = [given] if isinstance(given, str) else given
        if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
            raise ConfigError(f"{path}: `per-file-ignores.{glob}` must be a list of rules")
        check_selectors(rules, f"{path}: `per-file-ignores.{glob}`")
        table[glob] = tuple(rules)
    return table


def _pair(text: str) -> bool:
    """`LEFT=RIGHT`, two paths."""
    left, sign, right = text.partition("=")
    return bool(sign and left.strip() and right.strip())


def check_selectors(selectors: list[str] | tuple[str, ...], where: str) -> None:
    for selector in selectors:
        problem = unknown_selector(selector)
        if problem is not None:
            raise ConfigError(f"{where}: {problem}")


def unknown_selector(selector: str) -> str | None:
    """Why ``selector`` names no rule (with the closest slug or code), or None when it names some.

    A selector is `ALL`, an exact slug, or a code or code prefix (`OL201`, `OL3`); any case.
    """
    from origins_lint.rules import RULES

    slugs = {rule.slug for rule in RULES.values()}
    wanted = selector.strip()
    if wanted.upper() == "ALL" or wanted.lower() in slugs:
        return None
    if wanted.upper().startswith("OL") and any(code.startswith(wanted.upper()) for code in RULES):
        return None
    import difflib

    if wanted.upper().startswith("OL"):
        close = difflib.get_close_matches(wanted.upper(), sorted(RULES), n=1)
    else:
        close = difflib.get_close_matches(wanted.lower(), sorted(slugs), n=1)
    hint = f"; did you mean `{close[0]}`?" if close else ""
    return f"unknown rule `{printable(selector)}`{hint}"


def selector_matches(selector: str, code: str, slug: str) -> bool:
    """`ALL`, the exact slug, or a prefix of the code that starts `OL`: `o` or `insecure` match nothing."""
    wanted = selector.strip()
    upper = wanted.upper()
    return upper == "ALL" or wanted.lower() == slug or (upper.startswith("OL") and code.startswith(upper))


def rule_enabled(
    code: str, slug: str, opt_in: bool, select: tuple[str, ...], ignore: tuple[str, ...]
) -> bool:
    """Whether a run with these `select` and `ignore` runs the rule. An opt-in rule (off by default,
    like ruff's RUF100) runs only when `select` names it exactly, by code or slug."""
    if opt_in:
        chosen = any(s.strip().upper() == code or s.strip().lower() == slug for s in select)
    else:
        chosen = any(selector_matches(s, code, slug) for s in select)
    return chosen and not any(selector_matches(s, code, slug) for s in ignore)
