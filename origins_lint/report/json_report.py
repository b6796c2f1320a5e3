"""One JSON object: version, files checked, findings with full locations."""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any, Final

from origins_lint import __version__
from origins_lint.check import CheckResult
from origins_lint.model import Finding
from origins_lint.report import Style


def render(result: CheckResult, _style: Style) -> str:
    payload = {
        "version": __version__,
        "files_checked": result.files_checked,
        "baselined": result.baselined,
        "findings": _Findings(result.findings),
        # rules switched off wholesale (config, command line, `ignore-file` comments): never silent
        "disabled_rules": [
            {"rules": list(d.rules), "by": d.by, "file": d.scope or None} for d in result.disabled
        ],
    }
    return dumps_indented(payload) + "\n"


def finding_fields(f: Finding) -> dict[str, Any]:
    """A finding as the report writes it."""
    loc = f.location
    return {
        "code": f.code,
        "slug": f.slug,
        "severity": f.severity.label,
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "message": f.message,
        "format": f.format,
        "fix": f.fix.title if f.fix is not None else None,
        "fingerprint": f.fingerprint,
    }


class _Findings:
    """The findings list, written by `_write` as the list of `finding_fields` is written."""

    __slots__ = ("findings",)

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings


# a finding at the depth the report writes them (`findings` in the top object): the fields in
# `finding_fields`' order, each string by the library's C escaper, each int as the library writes it
_FINDING: Final = (
    '{{\n      "code": {},\n      "slug": {},\n      "severity": {},\n      "path": {},'
    '\n      "line": {},\n      "column": {},\n      "end_line": {},\n      "end_column": {},'
    '\n      "message": {},\n      "format": {},\n      "fix": {},\n      "fingerprint": {}\n    }}'
)


def _written(findings: list[Finding], newline: str, out: list[str]) -> None:
    """What `_write` writes of ``[finding_fields(f) for f in findings]`` at ``newline``'s depth: one
    format a finding of the usual types (a tenth of writing 15,000 findings was the generic walk,
    issue 21), the generic walk for any other and at any other depth."""
    if not findings:
        out.append("[]")
        return
    usual = newline == "\n  "
    inner = newline + "  "
    out.append("[")
    for index, f in enumerate(findings):
        out.append(inner if index == 0 else "," + inner)
        loc, fix = f.location, f.fix
        title = fix.title if fix is not None else None
        label = f.severity.label
        if (
            usual
            and type(f.code) is str
            and type(f.slug) is str
            and type(label) is str
            and type(loc.path) is str
            and type(loc.line) is int
            and type(loc.column) is int
            and type(loc.end_line) is int
            and type(loc.end_column) is int
            and type(f.message) is str
            and type(f.format) is str
            and (title is None or type(title) is str)
            and type(f.fingerprint) is str
        ):
            out.append(
                _FINDING.format(
                    encode_basestring(f.code),
                    encode_basestring(f.slug),
                    encode_basestring(label),
                    encode_basestring(loc.path),
                    int.__repr__(loc.line),
                    int.__repr__(loc.column),
                    int.__repr__(loc.end_line),
                    int.__repr__(loc.end_column),
                    encode_basestring(f.message),
                    encode_basestring(f.format),
                    "null" if title is None else encode_basestring(title),
                    encode_basestring(f.fingerprint),
                )
            )
        else:
            _write(finding_fields(f), inner, out)
    out.append(newline + "]")


def dumps_indented(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, the same text, faster: with an indent the
    library encodes in pure Python, a generator a token (a twentieth of checking a 50,000-origin
    export, issue 21); here dicts, lists and strings, ints, booleans and None are written directly,
    strings by the library's own C escaper, and anything else by `json.dumps` itself.
    tests/test_okta_speed_report.py compares the two on seeded random values and real reports."""
    out: list[str] = []
    _write(value, "\n", out)
    return "".join(out)


def _write(value: Any, newline: str, out: list[str]) -> None:
    """``value`` at the depth whose lines start with ``newline`` (the newline and the indent)."""
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))  # as the library writes an int (an IntEnum as its number)
    elif isinstance(value, list | tuple) and value:
        inner = newline + "  "
        out.append("[")
        for index, item in enumerate(value):
            out.append(inner if index == 0 else "," + inner)
            _write(item, inner, out)
        out.append(newline + "]")
    elif isinstance(value, dict) and value and all(isinstance(key, str) for key in value):
        inner = newline + "  "
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            out.append(("" if index == 0 else ",") + inner + encode_basestring(key) + ": ")
            kind = type(item)  # a finding's values, written without the call
            if kind is str:
                out.append(encode_basestring(item))
            elif kind is int:
                out.append(int.__repr__(item))
            elif item is None:
                out.append("null")
            else:
                _write(item, inner, out)
        out.append(newline + "}")
    elif isinstance(value, _Findings):
        _written(value.findings, newline, out)
    else:  # empty containers, floats, other keys and types: the library's text, at this depth
        out.append(json.dumps(value, indent=2, ensure_ascii=False).replace("\n", newline))
