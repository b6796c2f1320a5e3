"""One JSON object: version, files checked, findings with full locations."""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

from origins_lint import __version__
from origins_lint.check import CheckResult
from origins_lint.report import Style


def render(result: CheckResult, _style: Style) -> str:
    findings: list[dict[str, Any]] = []
    for f in result.findings:
        loc = f.location
        findings.append(
            {
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
        )
    payload = {
        "version": __version__,
        "files_checked": result.files_checked,
        "baselined": result.baselined,
        "findings": findings,
        # rules switched off wholesale (config, command line, `ignore-file` comments): never silent
        "disabled_rules": [
            {"rules": list(d.rules), "by": d.by, "file": d.scope or None} for d in result.disabled
        ],
    }
    return dumps_indented(payload) + "\n"


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
    else:  # empty containers, floats, other keys and types: the library's text, at this depth
        out.append(json.dumps(value, indent=2, ensure_ascii=False).replace("\n", newline))
