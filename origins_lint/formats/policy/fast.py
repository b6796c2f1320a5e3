"""Policy files whose every value is plainly valid, read without pydantic.

Importing pydantic and building the policy models costs about 100 ms, more than everything else a
one-file check does: on a pre-commit hook it is most of the wait. So the happy path is checked
here, by the same rules as `policy.schema` and never accepting what those reject (tests hold the
two to the same constants and feed both the same generated values). Anything else (an unknown
key, a wrong type, an empty value, a pattern that does not compile) returns None, and pydantic
validates it: its errors are what the messages are built from.
"""

from __future__ import annotations

import re
import re._parser as sre_parse
import warnings
from collections.abc import Callable
from typing import Any, Final

from origins_lint.records import record

# the same values as the Literal types and patterns of `policy.schema` (a test compares them)
SCOPES: Final = frozenset({"cors", "redirect", "iframe_embed"})
ENVIRONMENTS: Final = frozenset({"production", "staging", "development"})
METHOD_PATTERN: Final = r"^([A-Z][A-Z0-9!#$%&'*+.^_`|~-]*|\*)$"
HEADER_PATTERN: Final = r"^([A-Za-z0-9!#$%&'*+.^_`|~-]+|\*)$"
ALLOWANCES: Final = ("scopes", "credentials", "allow_methods", "allow_headers", "expose_headers", "max_age")
ENTRY_KEYS: Final = frozenset({*ALLOWANCES, "origin", "regex", "note"})
POLICY_KEYS: Final = frozenset({"kind", "version", "service", "environment", "defaults", "origins"})

# pydantic's patterns run in Rust's regex engine, where `$` is only the end of the text
_METHOD: Final = re.compile(METHOD_PATTERN.removeprefix("^").removesuffix("$"))
_HEADER: Final = re.compile(HEADER_PATTERN.removeprefix("^").removesuffix("$"))


@record(frozen=True, slots=True)
class Allowed:
    """What `defaults` or an entry allows; None where it says nothing."""

    scopes: list[str] | None = None
    credentials: bool | None = None
    allow_methods: list[str] | None = None
    allow_headers: list[str] | None = None
    expose_headers: list[str] | None = None
    max_age: int | None = None


@record(frozen=True, slots=True)
class PlainEntry(Allowed):
    origin: str | None = None
    regex: str | None = None
    note: str | None = None


@record(frozen=True, slots=True)
class PlainPolicy:
    environment: str = "production"
    service: str | None = None
    defaults: Allowed | None = None


def read_policy(data: dict[str, Any]) -> PlainPolicy | None:
    """The document's own settings (its `origins` are read one by one), or None for pydantic."""
    if not POLICY_KEYS.issuperset(data) or "origins" not in data or any(v is None for v in data.values()):
        return None
    if "kind" in data and not _text(data["kind"], {"OriginPolicy"}):
        return None
    if "version" in data and not (type(data["version"]) is int and data["version"] == 1):
        return None
    if not isinstance(data["origins"], list) or not _text(
        data.get("environment", "production"), ENVIRONMENTS
    ):
        return None
    if "service" in data and type(data["service"]) is not str:
        return None
    defaults = None
    if "defaults" in data:
        values = data["defaults"]
        if type(values) is not dict or not _allowances(values, frozenset(ALLOWANCES)):
            return None
        defaults = Allowed(**values)
    return PlainPolicy(data.get("environment", "production"), data.get("service"), defaults)


def read_entry(raw: Any) -> PlainEntry | None:
    """One entry of `origins`, or None for pydantic."""
    if type(raw) is not dict or not _allowances(raw, ENTRY_KEYS):
        return None
    if ("origin" in raw) == ("regex" in raw):
        return None
    if any(key in raw and type(raw[key]) is not str for key in ("origin", "regex", "note")):
        return None
    if "regex" in raw and regex_error(raw["regex"]) is not None:
        return None
    return PlainEntry(**raw)


def _allowances(values: dict[str, Any], keys: frozenset[str]) -> bool:
    if not keys.issuperset(values) or any(value is None for value in values.values()):
        return False
    return all(_CHECKS[key](value) for key, value in values.items() if key in _CHECKS)


def _text(value: Any, allowed: frozenset[str] | set[str]) -> bool:
    return type(value) is str and value in allowed


def _texts(value: Any, accept: Callable[[str], object]) -> bool:
    return type(value) is list and all(type(item) is str and accept(item) for item in value)


def regex_error(pattern: str) -> str | None:
    """Why CPython's parser refuses a policy regex (parsed, never run), or None when it accepts it."""
    try:
        with warnings.catch_warnings():  # "possible nested set": the file's, not ours to print
            warnings.simplefilter("ignore")
            sre_parse.parse(pattern, re.IGNORECASE)
    except re.error as error:
        return str(error)
    except (RecursionError, OverflowError):
        return None  # valid but too deep to parse here: the analysis reports it as OL004
    return None


# how each allowance must look (strict types: YAML's `yes` is not true, `"600"` is not a number)
_CHECKS: Final[dict[str, Callable[[Any], bool]]] = {
    "scopes": lambda v: _texts(v, SCOPES.__contains__),
    "credentials": lambda v: type(v) is bool,
    "allow_methods": lambda v: _texts(v, _METHOD.fullmatch),
    "allow_headers": lambda v: _texts(v, _HEADER.fullmatch),
    "expose_headers": lambda v: _texts(v, _HEADER.fullmatch),
    "max_age": lambda v: type(v) is int and v >= 0,
}
