"""One JSON object: version, files checked, findings with full locations."""

from __future__ import annotations

import json
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
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
