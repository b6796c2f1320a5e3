"""Issue 18: each gateway format reads its file as the engine does (items 2-6 and 10).

Every case names the upstream source or test it follows; every finding is asserted
with its line and column.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from origins_lint.formats.re2_syntax import refusal
from origins_lint.formats.spring import comma_delimited
from tests.conftest import FIXTURES, check_json, run_cli


def found(path: Path) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=("--no-cache",))
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"]) for f in result.findings]


def said(path: Path) -> dict[tuple[str, int, int], tuple[str, str]]:
    """(code, line, column) -> (severity, message)."""
    findings = check_json(path, extra=("--no-cache",)).findings
    return {(f["code"], f["line"], f["column"]): (f["severity"], f["message"]) for f in findings}


# --- item 4: Istio ignores `allowOrigin` when `allowOrigins` is set -------------------------


def test_istio_ignores_the_deprecated_list_when_the_new_one_is_set() -> None:
    """pilot/pkg/networking/core/route/route.go TranslateCORSPolicy: `if in.AllowOrigins != nil`."""
    path = FIXTURES / "istio" / "allow-origin-ignored.yaml"
    assert found(path) == [
        # `allowOrigins: []` decodes to nil, so the deprecated list is what Istio sends
        ("OL201", 22, 13),
        ("OL002", 31, 20),  # item 6: the look-ahead
    ]
    result = run_cli("match", "https://evil.example.net", str(path))
    assert result.exit_code == 1, result.stdout  # the ignored `*` (line 13) admits nothing
    assert "not trusted" in result.stdout


# --- item 6: a regex the engine cannot compile makes it refuse the configuration -------------


def test_envoy_refuses_what_re2_cannot_compile() -> None:
    path = FIXTURES / "envoy" / "refused-regex.yaml"
    assert found(path) == [("OL002", 14, 22), ("OL002", 16, 22), ("OL002", 23, 22)]
    findings = said(path)
    severity, message = findings[("OL002", 14, 22)]
    assert severity == "high"
    assert message.startswith(
        "Envoy rejects this configuration: RE2 cannot compile the regex "
        "`https://([a-z]+)\\.\\1\\.example\\.com`: it uses a back-reference `\\1`"
    )
    assert "possessive or nested" in findings[("OL002", 16, 22)][1]
    assert "the escape `\\Z`" in findings[("OL002", 23, 22)][1]


def test_istio_and_traefik_refuse_look_arounds() -> None:
    """Istio's validation runs Go's regexp.Compile (pkg/config/validation validateStringRegexp);
    Traefik's NewHeader returns its error (pkg/middlewares/headers/header.go)."""
    istio = said(FIXTURES / "istio" / "allow-origin-ignored.yaml")[("OL002", 31, 20)]
    assert istio[1].startswith("Istio rejects this VirtualService: Go's regexp")
    assert "a look-around assertion `(?!...)`" in istio[1]
    traefik = said(FIXTURES / "traefik" / "credentials.yml")[("OL002", 16, 13)]
    assert traefik == (
        "high",
        "Traefik rejects this middleware: Go's regexp cannot compile the regex "
        "`^https://(?<!evil)[a-z]+\\.example\\.com$`: it uses a look-around assertion `(?<!...)`, "
        "which RE2 does not support; rewrite it with plain groups, classes and anchors",
    )


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        # RE2's syntax page, NOT SUPPORTED rows; Go's regexp/syntax parse errors
        (r"^https://(?=a)", "a look-around assertion `(?=...)`"),
        (r"^https://(?<=a)b", "a look-around assertion `(?<=...)`"),
        (r"^(a)\1$", "a back-reference `\\1`"),
        (r"^(?P<n>a)(?P=n)$", "a back-reference `(?P=name)`"),
        (r"^(?>a+)$", "an atomic group `(?>...)`"),
        (r"^a*+$", "a quantifier on a quantifier `*+`"),
        (r"^a{2}+$", "a quantifier on a quantifier `{2}+`"),
        (r"^a**$", "a quantifier on a quantifier `**`"),
        (r"^(?(1)a|b)$", "a conditional group"),
        (r"(?#note)^a$", "a comment"),
        (r"(?x)^a$", "flags other than i, m, s and U"),
        (r"^a\Z", "the escape `\\Z`"),
        (r"^a{1001}$", "a repeat count over 1000"),
        (r"^(a$", "missing ), unterminated subpattern at position 1"),
        (r"^[a-z$", "unterminated character set at position 1"),
        (r"*a", "nothing to repeat at position 0"),
        ("a\\", "bad escape (end of pattern) at position 1"),
    ],
)
def test_re2_refuses(pattern: str, reason: str) -> None:
    refused = refusal(pattern)
    assert refused is not None
    assert reason in refused


@pytest.mark.parametrize(
    "pattern",
    [
        r"^https://[a-z0-9-]+\.example\.com$",
        r"^https://(app|www)\.example\.com(:\d+)?$",
        r"a*?b",  # lazy
        r"\12",  # an octal escape, not a back-reference
        r"[\1]",
        r"[]a]",  # `]` first in a class is literal
        r"[[:alpha:]]+",
        r"\Qa.b+\E+",
        r"(?i)^https://a\.com$",
        r"^a(?i)b$",  # RE2 takes flags anywhere; CPython refuses, so this is OL004, never "rejected"
        r"\pL+",
        r"(?U)a+",
        r"\x{41}",
        r"(?P<name>a)",
        r"a{,3}",  # a literal to RE2
        r"^a{1000}$",
    ],
)
def test_re2_compiles(pattern: str) -> None:
    assert refusal(pattern) is None


# --- item 3: `*` with credentials, per engine ---------------------------------------------


def test_traefik_echoes_the_origin_for_star_with_credentials() -> None:
    """pkg/middlewares/headers/header.go matchOrigin: `case "*": if AccessControlAllowCredentials
    { return origin, true }` (header_test.go "Allow Credentials Request")."""
    path = FIXTURES / "traefik" / "credentials.yml"
    assert found(path) == [("OL402", 6, 13), ("OL301", 11, 40), ("OL002", 16, 13)]
    assert said(path)[("OL402", 6, 13)][0] == "critical"
    result = run_cli("match", "https://evil.example.net", str(path))
    assert "credentials.yml:6:13: reflected `*` (cors-all) admits it, with credentials" in result.stdout


def test_spring_refuses_star_origins_with_credentials() -> None:
    """spring-web CorsConfiguration.validateAllowCredentials (CorsConfigurationTests.checkOriginAllowed)."""
    path = FIXTURES / "spring" / "application-split.yml"
    findings = said(path)
    severity, message = findings[("OL002", 14, 13)]
    assert severity == "high"
    assert message.startswith("Spring refuses this: `*` in `allowed-origins` with `allow-credentials: true`")
    assert not any(code == "OL401" for code, _line, _column in findings)


# --- item 5: Spring splits list elements on commas outside `[...]` --------------------------


def test_spring_splits_each_element_at_its_own_column() -> None:
    """CorsConfiguration.parseCommaDelimitedOrigin (CorsConfigurationTests.checkOriginPatternAllowed)."""
    assert found(FIXTURES / "spring" / "application-split.yml") == [
        ("OL302", 5, 12),  # https://*.a1.com:[8080,8081]: the comma inside `[...]` does not split
        ("OL405", 5, 12),
        ("OL302", 5, 41),  # https://*.a2.com, the second pattern of the same element
        ("OL405", 5, 41),
        ("OL201", 6, 50),  # the second origin of a comma-separated scalar
        ("OL002", 14, 13),
    ]
    result = run_cli("match", "https://x.a1.com:8081", str(FIXTURES / "spring" / "application-split.yml"))
    assert "application-split.yml:5:12:" in result.stdout


def test_comma_delimited_as_spring_splits() -> None:
    assert comma_delimited("https://*.a1.com:[8080,8081],https://*.a2.com") == [
        "https://*.a1.com:[8080,8081]",
        "https://*.a2.com",
    ]
    assert comma_delimited("https://a1.com, https://a2.com") == ["https://a1.com", "https://a2.com"]
    assert comma_delimited("https://a1.com") == ["https://a1.com"]
