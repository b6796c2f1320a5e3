"""Issue 18, the last gaps: ingress-nginx's `null` item as a suffix (item 2), the fixed text of
templates (item 10), and the trusted origins Okta refuses (conformance rows okta/api-invalid-origin,
okta/help-unsupported-scheme).

Every finding is asserted with its line and column.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from origins_lint.template_origin import Decided, decided
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


# --- Okta: trusted origins the API refuses (conformance okta/api-invalid-origin, help-unsupported-scheme)

OKTA_REFUSED = [
    # developer.okta.com Trusted Origins API, Create Trusted Origin, invalid request example:
    # `"origin": "example.com"` -> E0000001 "Api validation failed: origin"
    ("example.com", "has no scheme"),
    # help.okta.com "Configure Trusted Origins": the Origin URL must use HTTP, HTTPS, FTP, Ionic 2
    # or Capacitor; another scheme is refused when the origin is created
    ("chrome-extension://abcdefghijklmnop", "uses the `chrome-extension://` scheme"),
]


def test_okta_export_origins_okta_refuses_are_ol002_and_admit_nothing() -> None:
    path = FIXTURES / "engines" / "okta-refused.json"
    findings = said(path)
    assert list(findings) == [
        ("OL002", 4, 15),
        ("OL002", 10, 15),
        ("OL104", 16, 15),  # `capacitor://` is a scheme Okta accepts: OL104 as before, not OL002
    ]
    for (raw, why), spot in zip(OKTA_REFUSED, [("OL002", 4, 15), ("OL002", 10, 15)], strict=True):
        severity, message = findings[spot]
        assert severity == "high"
        assert message.startswith(f"Okta rejects this origin: `{raw}` {why}")
    for origin in ("https://example.com", "chrome-extension://abcdefghijklmnop"):
        result = run_cli("match", origin, str(path))
        assert result.exit_code == 1, result.stdout  # config rejected: nothing admits it
        assert "nothing gets in here: Okta rejects this origin" in result.stdout
    assert run_cli("match", "https://portal.example.com", str(path)).exit_code == 0


def test_terraform_okta_trusted_origin_okta_refuses_is_ol002() -> None:
    """The conformance rows are `okta_trusted_origin` resources: `terraform apply` fails on them."""
    path = FIXTURES / "engines" / "okta-refused.tf"
    findings = said(path)
    assert list(findings) == [("OL002", 4, 12), ("OL002", 10, 12)]
    assert findings[("OL002", 4, 12)][1].startswith("Okta rejects this origin: `example.com` has no scheme")
    assert findings[("OL002", 10, 12)][0] == "high"
    for origin in ("https://example.com", "chrome-extension://abcdefghijklmnop"):
        assert run_cli("match", origin, str(path)).exit_code == 1


def test_okta_fast_and_exact_readers_agree_on_refused_origins() -> None:
    from origins_lint.formats import okta
    from origins_lint.formats.okta import fast as okta_fast
    from origins_lint.model import ParsedFile
    from origins_lint.source import Source

    path = FIXTURES / "engines" / "okta-refused.json"
    source = Source(str(path), path.read_text(encoding="utf-8"))
    fast = okta_fast.read_export(source.path, source.text)
    assert fast is not None
    exact = okta.read_exactly(source, ParsedFile(source.path, "okta"))
    assert [okta._document(source.path, fast)] == exact.documents
    assert okta.refusals(fast) == exact.problems
    rejected = [c for c in exact.documents[0].contexts if c.rejected]
    assert [(c.location.line, c.matchers) for c in rejected] == [(2, []), (8, [])]


# --- item 10: the fixed text of a template decides -------------------------------------------


def test_envoy_template_fixed_text_decides_ol201_and_ol101() -> None:
    """Envoy `exact` compares bytes (StringMatcherImpl): `https://*.${DOMAIN}` never matches whatever
    it becomes (OL101), `http://${DOMAIN}` is plain HTTP (OL201, high with credentials, medium
    without); what depends on the placeholder stays OL004, a templated prefix too."""
    path = FIXTURES / "templates" / "envoy-route.yaml.tpl"
    findings = said(path)
    assert [(key, findings[key][0]) for key in findings] == [
        (("OL201", 6, 18), "high"),
        (("OL101", 7, 18), "high"),
        (("OL004", 8, 18), "info"),
        (("OL004", 9, 19), "info"),  # a templated `prefix` is not read as an entry
        (("OL201", 15, 18), "medium"),  # no credentials in this virtual host
        (("OL004", 16, 18), "info"),  # `http://localhost:...` is loopback: OL5xx's, not OL201's
    ]
    assert findings[("OL101", 7, 18)][1].startswith(
        "`https://*.${DOMAIN}` never matches, whatever `${DOMAIN}`"
    )
    assert "with your users' credentialed" not in findings[("OL201", 15, 18)][1]


def test_templated_entries_are_unknown_to_match_unless_their_fixed_text_rules_the_origin_out() -> None:
    path = FIXTURES / "templates" / "envoy-route.yaml.tpl"
    result = run_cli("match", "--output-format", "json", "http://example.com", str(path))
    assert result.exit_code == 3, result.stdout
    unknown = json.loads(result.stdout)["unknown"]
    # the templated prefix (not read) might admit anything; of the exact entries only `http://${DOMAIN}`
    # might: `http://status.{{ ... }}` and `http://localhost:{{ ... }}` are ruled out by their fixed text
    assert [(u["line"], u["column"], u["kind"]) for u in unknown] == [
        (9, 19, "not-analysed"),
        (6, 18, "exact"),
    ]
    # `https://example.com`: every templated exact entry's fixed text rules it out (OL004 at 8:18 is
    # answered by its entry); only the templated prefix (not read) might admit it
    result = run_cli("match", "--output-format", "json", "https://example.com", str(path))
    assert result.exit_code == 3, result.stdout
    unknown = json.loads(result.stdout)["unknown"]
    assert [(u["line"], u["column"], u["kind"]) for u in unknown] == [(9, 19, "not-analysed")]


def test_istio_exact_template_with_a_literal_star_never_matches(tmp_path: Path) -> None:
    """Istio `exact` is Envoy's `exact` (TranslateCORSPolicy -> StringMatcher): bytes, `*` literal."""
    path = tmp_path / "vs.yaml.tpl"
    path.write_text(
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\nspec:\n"
        "  http:\n    - corsPolicy:\n        allowOrigins:\n"
        '          - exact: "https://*.{{ .Values.domain }}"\n'
        '          - exact: "http://{{ .Values.domain }}"\n',
        encoding="utf-8",
    )
    findings = said(path)
    assert [(key, findings[key][0]) for key in findings] == [
        (("OL101", 9, 20), "high"),
        (("OL201", 10, 20), "medium"),  # no credentials: plain HTTP at OL201's own level
    ]


@pytest.mark.parametrize(
    ("raw", "plain_http", "literal_star"),
    [
        ("http://${domain}", True, False),
        ("HTTP://{{ .Values.host }}:8080", True, False),
        ("https://*.${domain}", False, True),
        ("https://app.${domain}", False, False),
        ("${SCHEME}://app.example.com", False, False),  # the scheme itself is filled in
        ("http://localhost:${PORT}", False, False),  # loopback: OL5xx's, as without placeholders
        ("http://127.0.0.1:{{ .Values.port }}", False, False),
        ("http://[::1]:${PORT}", False, False),
        ("http://${host}/*", True, False),  # a `*` in the path is not in the host
    ],
)
def test_what_the_fixed_text_decides(raw: str, plain_http: bool, literal_star: bool) -> None:
    assert decided(raw) == Decided(plain_http, literal_star)


def test_a_value_without_placeholders_is_not_a_template() -> None:
    assert decided("http://app.example.com") is None


def test_ingress_templated_origin_list_keeps_its_plain_http_item() -> None:
    """A templated `cors-allow-origin` is not read (OL004 at the value: the controller validates the
    rendered list as a whole, and a `*` there is a one-label wildcard, not a literal), but an item
    whose fixed text is `http://` is plain HTTP whatever is filled in: OL201, high with the
    controller's default credentials."""
    path = FIXTURES / "templates" / "ingress-origins.yaml.tpl"
    findings = said(path)
    assert [(key, findings[key][0]) for key in findings] == [
        (("OL605", 6, 5), "info"),  # the controller's default max age
        (("OL004", 7, 52), "info"),
        (("OL201", 7, 87), "high"),
    ]
    assert findings[("OL201", 7, 87)][1].startswith("`http://{{ .Values.domain }}` is plain HTTP whatever")
    result = run_cli("match", "--output-format", "json", "http://example.com", str(path))
    assert result.exit_code == 3, result.stdout
    unknown = json.loads(result.stdout)["unknown"]
    assert [(u["line"], u["column"], u["kind"]) for u in unknown] == [
        (7, 52, "not-analysed"),
        (7, 87, "exact"),
    ]
