"""Issue 18, the last gaps: ingress-nginx's `null` item as a suffix (item 2), the fixed text of
templates (item 10), and the trusted origins Okta refuses (conformance rows okta/api-invalid-origin,
okta/help-unsupported-scheme).

Every finding is asserted with its line and column.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, check_json, run_cli


def said(path: Path, *extra: str) -> dict[tuple[str, int, int], tuple[str, str]]:
    """(code, line, column) -> (severity, message)."""
    result = check_json(path, extra=("--no-cache", *extra))
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return {(f["code"], f["line"], f["column"]): (f["severity"], f["message"]) for f in result.findings}


# --- item 2: ingress-nginx matches `null` as the end of the Origin ---------------------------


def test_ingress_null_item_also_admits_hosts_ending_in_null() -> None:
    """internal/ingress/controller/template/template.go buildOriginRegex/buildCorsOriginRegex:
    `~* ((https://app\\.example\\.com)|(null))$`, no `^`: `https://evil.null` matches too. Low:
    `.null` is no top-level domain anyone can register (conformance unit-valid-null-no-credentials)."""
    path = FIXTURES / "engines" / "ingress-null.yaml"
    findings = said(path)
    assert list(findings) == [("OL305", 10, 78), ("OL309", 10, 78)]
    severity, message = findings[("OL309", 10, 78)]
    assert severity == "low"
    assert "`https://evil.null` gets in too" in message and "`(null)$`" in message
    result = run_cli("match", "https://evil.null", str(path))
    assert result.exit_code == 0, result.stdout


def test_ingress_null_suffix_stays_low_with_credentials() -> None:
    """With credentials `null` itself is OL403 (critical); the `.null` suffix stays low beside it,
    and OL405 does not repeat it at high when OL309 is not reported."""
    path = FIXTURES / "ingress" / "multi-document.yaml"
    findings = said(path)
    assert findings[("OL309", 20, 75)][0] == "low"
    assert findings[("OL403", 20, 75)][0] == "critical"
    without = said(path, "--ignore", "OL309")
    assert ("OL405", 20, 75) not in without
