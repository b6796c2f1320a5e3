"""What the ingress-nginx controller makes of its CORS annotation text, step by step as it does it.

From kubernetes/ingress-nginx:
- internal/ingress/annotations/parser/validators.go `ValidateRegex(..., removeSpace=true)`: the
  whole `cors-allow-origin` value, spaces removed, must match `corsOriginRegexValidator` and hold
  no `\\r` or `\\n`; otherwise the controller logs "cors-allow-origin is invalid, defaulting to
  '*'" and sends `*` (internal/ingress/annotations/cors/main.go `Parse`).
- parser/main.go `parseString`: a value that trims to nothing is an error, and the origin is `*`.
- cors/main.go `Parse`: the value is split on `,`, each item trimmed; an empty item is skipped,
  a `*` item makes the whole list `*`, an item failing `corsOriginRegex` is logged
  ("Supplied incorrect origin ... Skipping.") and dropped (main_test.go
  TestIngressCorsConfigAllowOriginWithTrailingComma, TestIngressCorsConfigAllowOriginNull).
- internal/ingress/controller/template/template.go `buildOriginRegex`: each item becomes
  `(QuoteMeta(item))$` with its first `*` as `[A-Za-z0-9\\-]+` (one label), and
  `buildCorsOriginRegex` joins them into one `~*` test: searched without case and with no `^`,
  so an item also admits any origin that ends with it.
- parser/main.go `parseBool`: flags are read with Go's `strconv.ParseBool`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from origins_lint.model import NGINX_REGEX_ICASE, Engine
from origins_lint.origins import read_origin

# cors/main.go `corsOriginRegexValidator`, run by RE2 in linear time:
#   ^((((([a-z]+://)?(\*\.)?[A-Za-z0-9\-.]*(:\d+)?,?)|null)+)|\*)?$
# Its nested repeats would make a backtracking engine run for ever on a failing value, so
# `_valid` decides the same language with one scan (see its docstring).
ITEM: Final = re.compile(r"^([a-z]+://(\*\.)?[A-Za-z0-9\-.]*(:[0-9]+)?|\*|null)?$", re.ASCII)
_GO_TRUE: Final = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_GO_FALSE: Final = frozenset({"0", "f", "F", "FALSE", "false", "False"})
_GO_META: Final = frozenset("\\.+*?()|[]{}^$")
LABEL: Final = r"[A-Za-z0-9\-]+"


def parse_bool(text: str) -> bool | None:
    """Go's strconv.ParseBool: exactly these twelve spellings, nothing trimmed; None for the rest."""
    return True if text in _GO_TRUE else False if text in _GO_FALSE else None


@dataclass(frozen=True, slots=True)
class Origins:
    """What the controller keeps from a `cors-allow-origin` value.

    Items are numbered by their place in the value split on `,`, for locating them.
    """

    items: tuple[tuple[int, str], ...]  # kept, in order; empty when it falls back to `*`
    fallback: str | None = None  # why the controller sends `*` instead of a list
    broken: str | None = None  # the item that made it throw the value away
    skipped: tuple[tuple[int, str, str], ...] = ()  # (place, item, why) logged and dropped
    logged: bool = True  # the controller logs the fallback (a validation error; a blank value is not)


_HOST: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.")
_SCHEME_END: Final = frozenset("abcdefghijklmnopqrstuvwxyz")
_DIGITS: Final = frozenset("0123456789")


def _valid(compact: str) -> bool:
    """Whether `corsOriginRegexValidator` accepts the value, without a backtracking engine.

    Its items may be empty and follow one another without a comma, so between commas the text
    is any sequence of: a host character, `*.`, `:` and digits (a port), and `://` right after a
    lower-case letter (the end of a scheme). `null` is host characters; `*` alone is the other
    alternative.
    """
    if compact == "*":
        return True
    for segment in compact.split(","):
        index, size = 0, len(segment)
        while index < size:
            char = segment[index]
            if char in _HOST:
                index += 1
            elif segment.startswith("*.", index):
                index += 2
            elif segment.startswith("://", index) and index > 0 and segment[index - 1] in _SCHEME_END:
                index += 3
            elif char == ":" and segment[index + 1 : index + 2] in _DIGITS:
                index += 2
                while index < size and segment[index] in _DIGITS:
                    index += 1
            else:
                return False
    return True


def origins(value: str) -> Origins:
    """The origins the controller sends for a `cors-allow-origin` value, and what it threw away."""
    compact = value.replace(" ", "")
    if "\n" in compact or "\r" in compact:
        return Origins((), _line_break(value))
    if not _valid(compact):
        broken = _breaker(compact)
        return Origins((), f"`{broken}` {_why(broken)}" if broken is not None else _WHOLE, broken)
    if not value.strip():
        return Origins((), "it is empty" if not value else "it holds only spaces", logged=False)
    kept: list[tuple[int, str]] = []
    skipped: list[tuple[int, str, str]] = []
    for place, part in enumerate(value.split(",")):
        item = part.strip()
        if not item:
            continue
        if item == "*":  # the validator lets `*` through alone only (with empty items around it)
            return Origins(((place, item),), None, None, tuple(skipped))
        if ITEM.match(item) is None:
            skipped.append((place, item, _why_skipped(item)))
            continue
        kept.append((place, item))
    return Origins(tuple(kept), None, None, tuple(skipped))


_WHOLE: Final = "the list as a whole does not match the controller's pattern"


def _why_skipped(item: str) -> str:
    if "://" not in item:
        return "it has no `scheme://`"
    if " " in item:
        return "it holds a space (items are separated by commas only)"
    if "*" in item:
        return "its `*` is not the whole first label"
    return "it is not `scheme://host[:port]`"


def _line_break(value: str) -> str:
    if value.endswith("\n") and "\n" not in value[:-1]:
        return "it ends with a line break (a YAML `|` or `>` block keeps one: write `|-`, or quote the value)"
    return "it spans lines (the controller refuses any line break: separate the origins with commas)"


def _breaker(compact: str) -> str | None:
    """The first item that fails the validator on its own."""
    for item in compact.split(","):
        if item == "*" or not _valid(item):
            return item
    return None


def _why(item: str) -> str:
    if item == "*":
        return "is listed with other origins (the controller takes `*` only alone)"
    text = read_origin(item, allow_wildcard=True)
    if text.problems:
        return "has " + " and ".join(text.problems)
    scheme = item.partition("://")[0]
    if scheme != scheme.lower():
        return "has an upper-case scheme"
    if "*" in item.partition("://")[2].removeprefix("*."):
        return "has a `*` that is not the whole first label"
    return "holds a character the controller does not allow (letters, digits, `-`, `.`, a port)"


def likely_meant(item: str) -> str | None:
    """What the author of a rejected item most likely meant, when an origin can be worked out."""
    text = read_origin(item, allow_wildcard=True)
    return text.canonical if text.canonical and text.canonical != item else None


def template_regex(item: str) -> tuple[str, Engine]:
    """template.go buildOriginRegex: the regex one item becomes, searched without case."""
    quoted = "".join("\\" + char if char in _GO_META else char for char in item)
    return f"({quoted.replace(chr(92) + '*', LABEL, 1)})$", NGINX_REGEX_ICASE
