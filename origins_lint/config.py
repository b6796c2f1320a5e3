"""Settings from `.origins-lint.toml` or `[tool.origins-lint]` in `pyproject.toml`.

The nearest file from the current directory upward wins (as with ruff);
`--config` names one explicitly. Globs in a config are relative to its folder.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from origins_lint.limits import DEFAULT as DEFAULT_LIMITS
from origins_lint.limits import KEYS as LIMIT_KEYS
from origins_lint.limits import Limits
from origins_lint.model import Severity

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
}
LIST_KEYS = ("select", "ignore", "exclude", "allowed-domains", "denied-origins", "development-files")


class ConfigError(Exception):
    """A config problem; the CLI prints it and exits 2."""


@dataclass
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


def find_config(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        return "origins-lint" in tomllib.loads(pyproject.read_text("utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
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
            close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`?" if close else "known keys: " + ", ".join(KEYS)
            raise ConfigError(f"{path}: unknown key `{key}`; {hint}")
        if key in LIMIT_KEYS:
            bounds[LIMIT_KEYS[key]] = _convert(key, value, path)
        else:
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


def check_selectors(selectors: list[str] | tuple[str, ...], where: str) -> None:
    from origins_lint.rules import RULES

    slugs = {rule.slug for rule in RULES.values()}
    for selector in selectors:
        wanted = selector.strip()
        if wanted.upper() == "ALL" or wanted.lower() in slugs:
            continue
        if wanted.upper().startswith("OL") and any(code.startswith(wanted.upper()) for code in RULES):
            continue
        close = difflib.get_close_matches(wanted.lower(), sorted(slugs), n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        raise ConfigError(f"{where}: unknown rule `{selector}`{hint}")


def selector_matches(selector: str, code: str, slug: str) -> bool:
    wanted = selector.strip()
    return wanted.upper() == "ALL" or wanted.lower() == slug or code.startswith(wanted.upper())
