"""Each engine's own comparison, and `match`'s three answers, at line and column.

Fixtures live in tests/fixtures/engines/. `match` exits 0 (trusted), 1 (not trusted) or
3 (unknown: no entry admits the origin for sure, but one that was not analysed might).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from origins_lint.admit import Verdict, decide
from origins_lint.limits import Limits
from origins_lint.matchers import analyse_regex
from origins_lint.model import EXACT_ENGINE, POLICY_REGEX_ENGINE, Location, MatcherKind, OriginMatcher
from tests.conftest import FIXTURES, Run, check_json, run_cli

ENGINES = FIXTURES / "engines"


def match(origin: str, *paths: Path, json: bool = False) -> Run:
    extra = ("--output-format", "json") if json else ()
    result = run_cli("match", *extra, origin, *map(str, paths))
    assert "Traceback" not in result.stdout + result.stderr
    return result


def spots(rows: list[dict[str, Any]]) -> list[tuple[int, int, str]]:
    return [(row["line"], row["column"], row["kind"]) for row in rows]


def found(path: Path) -> list[tuple[str, int, int]]:
    result = check_json(path)
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"]) for f in result.findings]


def messages(path: Path) -> dict[tuple[str, int, int], str]:
    return {(f["code"], f["line"], f["column"]): f["message"] for f in check_json(path).findings}


# --- match: trusted 0, not trusted 1, unknown 3 -------------------------------------


def test_an_atomic_group_regex_nginx_uses_is_unknown_not_untrusted() -> None:
    """nginx's PCRE runs `(?>...)`; the analysis does not model it, so the answer is "unknown"."""
    path = ENGINES / "nginx-atomic.conf"
    result = match("https://evil.example.net", path, json=True)
    assert result.exit_code == 3
    report = result.report
    assert report["verdict"] == "unknown"
    assert report["trusted"] is False
    assert report["entries"] == []
    assert spots(report["unknown"]) == [(4, 29, "regex")]
    row = report["unknown"][0]
    assert row["matcher"] == r"^https://(?>app|www)\.example\.com$"
    assert "atomic groups" in row["reason"]
    assert row["credentials"] is True
    assert row["scopes"] == ["cors"]
    assert row["path"].endswith("nginx-atomic.conf")


def test_unknown_in_text() -> None:
    result = match("https://app.example.com", ENGINES / "nginx-atomic.conf")
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert lines[0].endswith(
        "nginx-atomic.conf:4:29: regex `^https://(?>app|www)\\.example\\.com$` might admit it: "
        "atomic groups `(?>...)` change what matches; not analysed"
    )
    assert lines[-1] == (
        "`https://app.example.com` is unknown: no analysed entry in 1 file(s) admits it, "
        "but 1 place not analysed might"
    )


def test_an_entry_that_admits_for_sure_makes_it_trusted_and_still_lists_the_unknown() -> None:
    result = match("https://admin.example.com", ENGINES / "nginx-atomic.conf", json=True)
    assert result.exit_code == 0
    assert result.report["verdict"] == "trusted"
    assert result.report["trusted"] is True
    assert spots(result.report["entries"]) == [(8, 29, "exact")]
    assert result.report["entries"][0]["credentials"] is False
    assert spots(result.report["unknown"]) == [(4, 29, "regex")]


def test_a_template_value_is_unknown() -> None:
    """Traefik's parser reports `{{ ... }}` as not analysed (OL004): it might be any origin."""
    path = ENGINES / "traefik-template.yaml"
    result = match("https://evil.example.net", path, json=True)
    assert result.exit_code == 3
    assert result.report["verdict"] == "unknown"
    assert spots(result.report["unknown"]) == [(7, 13, "not-analysed")]
    row = result.report["unknown"][0]
    assert row["matcher"] is None and row["credentials"] is None and row["scopes"] is None
    assert "is a template; render it first" in row["reason"]
    text = match("https://evil.example.net", path)
    assert text.exit_code == 3
    assert "traefik-template.yaml:7:13: a value not analysed might admit it: " in text.stdout
    trusted = match("https://app.example.com", path, json=True)
    assert trusted.exit_code == 0
    assert spots(trusted.report["entries"]) == [(6, 13, "exact")]


def test_not_trusted_when_every_entry_was_analysed() -> None:
    result = match("https://evil.example.net", ENGINES / "envoy-exact.yaml", json=True)
    assert result.exit_code == 1
    assert result.report == {
        "origin": "https://evil.example.net",
        "trusted": False,
        "verdict": "not-trusted",
        "entries": [],
        "unknown": [],
        "rejected": [],
    }
    text = match("https://evil.example.net", ENGINES / "envoy-exact.yaml")
    assert text.exit_code == 1
    assert (
        text.stdout.splitlines()[-1] == "`https://evil.example.net` is not trusted by any entry in 1 file(s)"
    )


def test_a_file_no_format_reads_is_unknown(tmp_path: Path) -> None:
    named = tmp_path / "cors.txt"
    named.write_text("allow https://app.example.com\n", encoding="utf-8")
    result = match("https://app.example.com", named, json=True)
    assert result.exit_code == 3
    assert spots(result.report["unknown"]) == [(1, 1, "unknown-format")]
    assert "a file not read might admit it" in match("https://app.example.com", named).stdout


def test_a_configuration_the_engine_refuses_admits_nothing_and_says_why() -> None:
    """Envoy refuses a route whose regex RE2 cannot compile (i18-parse sets `CorsContext.rejected`)."""
    path = ENGINES / "envoy-refused.yaml"
    result = match("https://app.example.com", path, json=True)  # the exact entry would admit it
    assert result.exit_code == 1
    assert result.report["entries"] == []
    assert [(row["line"], row["column"]) for row in result.report["rejected"]] == [(5, 7)]
    assert result.report["rejected"][0]["reason"].startswith("Envoy rejects this configuration: RE2 cannot")
    text = match("https://app.example.com", path)
    assert "envoy-refused.yaml:5:7: nothing gets in here: Envoy rejects" in text.stdout


@pytest.mark.parametrize(
    ("raw", "origin", "expected"),
    [
        ("http://${domain}", "https://app.example.com", False),  # the fixed scheme rules it out
        ("http://${domain}", "http://app.example.com", None),
        ("https://{{ .Values.host }}.example.com", "https://app.example.com", None),
        ("https://{{ .Values.host }}.example.com", "https://app.example.org", False),
    ],
)
def test_a_placeholder_in_an_entry_rules_out_what_its_fixed_text_excludes(
    raw: str, origin: str, expected: bool | None
) -> None:
    matcher = OriginMatcher(MatcherKind.EXACT, raw, Location.point("x", 1, 1), EXACT_ENGINE)
    assert decide(matcher, origin) is expected


def test_verdict_exit_codes() -> None:
    assert [v.exit_code for v in Verdict] == [0, 1, 3]


# --- exact entries compared as each engine compares them (issue 18 item 1, issue 17 item 8) ------


def verdicts(path: Path, *origins: str) -> dict[str, str]:
    return {origin: match(origin, path, json=True).report["verdict"] for origin in origins}


def test_envoy_exact_compares_bytes_and_ignore_case_folds_ascii() -> None:
    """envoy source/common/common/matchers.h StringMatcherImpl::match: `value == matcher_.exact()`,
    `absl::StartsWithIgnoreCase` with `ignore_case`. (`ignore_case` on a `safe_regex` makes Envoy
    refuse the configuration: test_engine_parsing.test_envoy_refuses_what_re2_cannot_compile.)"""
    path = ENGINES / "envoy-exact.yaml"
    assert verdicts(
        path,
        "https://app.example.com",
        "https://admin.example.com",  # `https://Admin.example.com`: bytes differ
        "https://shop.example.com",  # `:443` written out: bytes differ
        "https://docs.example.com",  # trailing dot: bytes differ
        "https://partner.example.com",  # prefix with ignore_case
    ) == {
        "https://app.example.com": "trusted",
        "https://admin.example.com": "not-trusted",
        "https://shop.example.com": "not-trusted",
        "https://docs.example.com": "not-trusted",
        "https://partner.example.com": "trusted",
    }
    assert spots(match("https://partner.example.com", path, json=True).report["entries"]) == [
        (10, 19, "prefix")
    ]
    # the literal entries themselves are what they admit, byte for byte
    assert match("https://shop.example.com:443", path).exit_code == 0


def test_envoy_entries_that_never_match_say_so() -> None:
    path = ENGINES / "envoy-exact.yaml"
    assert [spot for spot in found(path) if spot[0] == "OL102"] == [
        ("OL102", 7, 18),
        ("OL102", 8, 18),
        ("OL102", 9, 18),
    ]
    said = messages(path)
    assert said[("OL102", 8, 18)] == (
        "`https://shop.example.com:443` is not how a browser writes this origin (the default port "
        "`:443` written out): it is compared byte for byte, so it never matches the `Origin` a browser "
        "sends (`https://shop.example.com`); write `https://shop.example.com`"
    )
    assert "would match" not in " ".join(said.values())


def test_traefik_list_items_compare_with_go_equality() -> None:
    """traefik pkg/middlewares/headers/header.go isOriginAllowed: `item == "*" || item == origin`."""
    path = ENGINES / "traefik-dynamic.yml"
    assert verdicts(
        path,
        "https://app.example.com",
        "https://admin.example.com",
        "https://shop.example.com",
        "https://docs.example.com",
    ) == {
        "https://app.example.com": "trusted",
        "https://admin.example.com": "not-trusted",
        "https://shop.example.com": "not-trusted",
        "https://docs.example.com": "not-trusted",
    }
    assert [spot for spot in found(path) if spot[0] == "OL102"] == [
        ("OL102", 7, 13),
        ("OL102", 8, 13),
        ("OL102", 9, 13),
    ]
    assert "it is compared byte for byte, so it never matches" in messages(path)[("OL102", 7, 13)]


def test_spring_compares_with_equals_ignore_case_after_trimming_one_slash() -> None:
    """spring-web CorsConfiguration.checkOrigin: `originToCheck.equalsIgnoreCase(allowedOrigin)`, both
    trimmed of one trailing `/` (trimTrailingSlash, setAllowedOrigins); ports are not read."""
    path = ENGINES / "application.yml"
    assert verdicts(
        path,
        "https://app.example.com",  # `https://App.Example.com`: equalsIgnoreCase
        "https://shop.example.com",  # `https://shop.example.com/`: trimmed
        "https://docs.example.com",  # `:443` written out: Spring does not read ports
        "https://kelvin.example.com",  # the Kelvin sign lower-cases to `k` in Java
    ) == {
        "https://app.example.com": "trusted",
        "https://shop.example.com": "trusted",
        "https://docs.example.com": "not-trusted",
        "https://kelvin.example.com": "trusted",
    }
    assert spots(match("https://shop.example.com", path, json=True).report["entries"]) == [(6, 11, "exact")]
    # the upper-case and the trailing `/` entries match what browsers send: no OL101, no OL102
    assert found(path) == [("OL102", 7, 11)]
    assert (
        "Spring compares it with `equalsIgnoreCase` and reads no port, so it never matches"
        in (messages(path)[("OL102", 7, 11)])
    )


def test_nginx_if_compares_bytes_and_map_strings_ignore_case() -> None:
    """nginx `if ($http_origin = ...)` compares bytes; `map` string keys are matched lower-cased
    (ngx_http_map_module); a literal header is compared by the browser, byte for byte."""
    path = ENGINES / "nginx-compare.conf"
    assert verdicts(
        path, "https://app.example.com", "https://partner.example.com", "https://shop.example.com"
    ) == {
        "https://app.example.com": "not-trusted",
        "https://partner.example.com": "trusted",
        "https://shop.example.com": "not-trusted",
    }
    assert [spot for spot in found(path) if spot[0] == "OL102"] == [("OL102", 8, 29), ("OL102", 14, 49)]


def test_okta_keeps_comparing_serialized_origins() -> None:
    """Okta documents no comparison for trusted origins: kept as before (serialized origins)."""
    path = ENGINES / "okta-trusted-origins.json"
    assert verdicts(path, "https://portal.example.com") == {"https://portal.example.com": "trusted"}
    assert found(path) == [("OL102", 5, 15)]
    assert "Okta does not document how it compares origins" in messages(path)[("OL102", 5, 15)]


def test_a_star_sent_with_credentials_is_read_without_them() -> None:
    """ingress-nginx sends `*` with `Access-Control-Allow-Credentials: true` by default; browsers
    refuse credentialed reads of that pair (`CorsContext.credentials_for`), so `match` says without."""
    path = ENGINES / "ingress-star.yaml"
    result = match("https://evil.example.net", path, json=True)
    assert result.exit_code == 0
    assert spots(result.report["entries"]) == [(6, 5, "any")]
    assert result.report["entries"][0]["credentials"] is False
    assert "ingress-star.yaml:6:5: any `*` (Ingress/api) admits it, without credentials" in (
        match("https://evil.example.net", path).stdout
    )


# --- severity follows the effect (issue 18 item 7) ----------------------------------------------


def severities(path: Path) -> list[tuple[str, str, int, int]]:
    result = check_json(path)
    return [(f["code"], f["severity"], f["line"], f["column"]) for f in result.findings]


def test_an_echo_of_every_origin_without_credentials_is_what_star_gives() -> None:
    """Envoy answers a matcher that matches `*` by echoing every origin (`prefix: "*"`, `exact: "*"`,
    `.*`): without credentials that is `*`, at OL301's level; with credentials it stays critical."""
    path = ENGINES / "envoy-echo.yaml"
    assert severities(path) == [
        ("OL304", "low", 6, 19),
        ("OL304", "low", 7, 18),
        ("OL304", "low", 9, 20),
        ("OL402", "critical", 14, 19),
    ]
    said = messages(path)
    assert said[("OL304", 6, 19)].startswith(
        "`*` echoes the request's `Origin` without checking it, without credentials: that is what `*` gives"
    )
    assert said[("OL304", 9, 20)].startswith("`.*` echoes the request's `Origin`")


def test_istio_matchers_that_match_star_echo_like_envoy() -> None:
    path = ENGINES / "istio-echo.yaml"
    assert severities(path) == [
        ("OL304", "low", 10, 21),  # prefix "*"
        ("OL304", "low", 11, 20),  # regex ".*"
        ("OL402", "critical", 17, 20),  # exact "*" with credentials
    ]
    assert "without credentials: that is what `*` gives" in messages(path)[("OL304", 10, 21)]


def test_an_nginx_echo_without_allow_credentials_is_low() -> None:
    path = ENGINES / "nginx-echo.conf"
    assert severities(path) == [("OL304", "low", 4, 48), ("OL402", "critical", 8, 48)]
    assert "without credentials: that is what `*` gives" in messages(path)[("OL304", 4, 48)]


def test_a_regex_that_matches_everything_says_the_match_is_echoed(tmp_path: Path) -> None:
    policy = tmp_path / "open.origins.yaml"
    policy.write_text("version: 1\norigins:\n  - regex: '.*'\n", encoding="utf-8")
    assert severities(policy) == [("OL304", "low", 3, 12)]
    assert messages(policy)[("OL304", 3, 12)].startswith(
        "`.*` matches every origin (`https://attacker.net` gets in), and the origin that matched is echoed, "
        "without credentials: that is what `*` gives"
    )


# --- one flaw, one finding (issue 18 item 8) ----------------------------------------------------

CREDENTIALS = (
    "This context allows credentials: every origin it admits can read your users' authenticated responses"
)


def test_the_breadth_finding_carries_the_credentials_and_ol405_is_not_beside_it() -> None:
    path = ENGINES / "breadth-credentials.origins.yaml"
    assert severities(path) == [
        ("OL302", "high", 3, 13),  # medium alone, high with credentials
        ("OL306", "high", 5, 12),
        ("OL307", "high", 7, 12),
        ("OL302", "medium", 9, 13),  # no credentials: as before
        ("OL310", "high", 11, 13),  # medium alone
    ]
    said = messages(path)
    for spot in (("OL302", 3, 13), ("OL306", 5, 12), ("OL307", 7, 12), ("OL310", 11, 13)):
        assert said[spot].endswith(CREDENTIALS), spot
    assert "credentials" not in said[("OL302", 9, 13)]


def test_ol405_speaks_for_a_breadth_whose_rule_the_run_does_not_report(tmp_path: Path) -> None:
    (tmp_path / ".origins-lint.toml").write_text('ignore = ["OL302", "regex-unanchored"]\n', encoding="utf-8")
    path = tmp_path / "policy.origins.yaml"
    path.write_text((ENGINES / "breadth-credentials.origins.yaml").read_text("utf-8"), encoding="utf-8")
    result = check_json(path.name, cwd=tmp_path)
    got = [(f["code"], f["severity"], f["line"], f["column"]) for f in result.findings]
    assert got == [
        ("OL405", "high", 3, 13),  # OL302 is not reported: OL405 carries the breadth and the credentials
        ("OL405", "high", 5, 12),
        ("OL307", "high", 7, 12),
        ("OL310", "high", 11, 13),  # no OL302 for 9:13: no credentials there, so no OL405 either
    ]
    first = next(f["message"] for f in result.findings if f["line"] == 3)
    assert first.startswith(
        "`https://*.example.com` trusts every current and future subdomain of `example.com`"
    )
    assert "(OL302, not reported in this run). This context allows credentials" in first


def test_credentials_from_a_platform_default_are_said_on_the_breadth_finding() -> None:
    """ingress-nginx allows credentials by default: OL302 says where they come from."""
    said = messages(FIXTURES / "ingress" / "multi-document.yaml")
    assert said[("OL302", 20, 52)].endswith(
        "This context allows credentials (credentials come from a platform default): every origin it "
        "admits can read your users' authenticated responses"
    )


# --- ingress-nginx: the regex its template builds; Spring patterns trimmed -------------------------


def test_ingress_nginx_items_are_its_template_regex() -> None:
    """ingress-nginx internal/ingress/controller/template buildCorsOriginRegex/buildOriginRegex:
    `$http_origin ~* ((https://App\\.example\\.com)|(https://[A-Za-z0-9\\-]+\\.example\\.net)|(null))$`:
    case ignored, anchored at the end only, a `*` is one label."""
    path = ENGINES / "ingress-items.yaml"
    assert verdicts(
        path,
        "https://app.example.com",
        "https://app.example.com:443",
        "https://a.example.net",
        "https://a.b.example.net",  # `*` is one label
        "null",
        "https://evil.null",  # no `^`: `(null)$` matches the end of any origin
    ) == {
        "https://app.example.com": "trusted",
        "https://app.example.com:443": "not-trusted",
        "https://a.example.net": "trusted",
        "https://a.b.example.net": "not-trusted",
        "null": "trusted",
        "https://evil.null": "trusted",
    }
    assert spots(match("https://evil.null", path, json=True).report["entries"]) == [(7, 101, "null")]
    assert spots(match("https://a.example.net", path, json=True).report["entries"]) == [(7, 78, "wildcard")]
    # an upper-case item matches what browsers send: no OL102
    assert ("OL102", 7, 53) not in found(path)


def test_spring_trims_one_trailing_slash_from_a_pattern_too() -> None:
    """spring-web CorsConfiguration.addAllowedOriginPattern: `trimTrailingSlash(originPattern)`."""
    path = ENGINES / "application-patterns.yml"
    result = match("https://a.example.com", path, json=True)
    assert result.exit_code == 0
    assert spots(result.report["entries"]) == [(4, 33, "regex")]
    assert found(path) == [("OL302", 4, 33)]


def test_a_bypass_is_an_origin_a_browser_sends() -> None:
    """A case-sensitive prefix with an upper-case host never matches a browser's (lower-case) Origin,
    so no bypass exists; with `ignore_case` the bypass is quoted as browsers send it."""
    path = ENGINES / "envoy-case.yaml"
    assert found(path) == [("OL309", 7, 19)]
    assert "`https://partner.example.org.attacker.net` gets in" in messages(path)[("OL309", 7, 19)]
    assert match("https://partner.example.com.attacker.net", path).exit_code == 1
    assert match("https://partner.example.org.attacker.net", path).exit_code == 0


def test_a_response_the_browser_rejects_admits_nothing() -> None:
    """The Fetch standard's CORS check compares the one `Access-Control-Allow-Origin` value with the
    serialized Origin: a list of origins, or the header sent twice, never passes."""
    path = ENGINES / "nginx-browser-refuses.conf"
    for origin in ("https://app.example.com", "https://admin.example.com", "https://shop.example.com"):
        result = match(origin, path, json=True)
        assert result.exit_code == 1, origin
        assert [(r["line"], r["column"]) for r in result.report["rejected"]] == [(4, 49), (8, 9)]
    reasons = [r["reason"] for r in match("https://evil.example.com", path, json=True).report["rejected"]]
    assert reasons == [
        "`https://app.example.com, https://admin.example.com` lists 2 origins in one "
        "`Access-Control-Allow-Origin`: browsers reject it",
        "`Access-Control-Allow-Origin` is sent twice in this response: browsers reject it",
    ]
    assert spots(match("https://docs.example.com", path, json=True).report["entries"]) == [(11, 49, "exact")]


def test_a_lookaround_regex_is_unknown() -> None:
    path = ENGINES / "nginx-lookaround.conf"
    result = match("https://app.example.com", path, json=True)
    assert result.exit_code == 3
    assert spots(result.report["unknown"]) == [(4, 30, "regex")]
    assert result.report["unknown"][0]["reason"] == "lookaround assertions are not analysed"


def test_an_origin_past_the_step_budget_is_unknown_not_refused() -> None:
    """`accepts` says no past `max-regex-steps`; `decides` says it cannot tell, and `match` says unknown."""
    found_regex = analyse_regex(
        r"^https://([a-z0-9-]+\.)*example\.com$", POLICY_REGEX_ENGINE, Limits(regex_steps=2000)
    )
    assert found_regex.decides("https://app.example.com") is True
    long_origin = "https://" + "a." * 3000 + "example.com"
    assert found_regex.decides(long_origin) is None
    assert found_regex.accepts(long_origin) is False


def test_an_ingress_item_the_controller_skips_admits_nothing() -> None:
    """ingress-nginx annotations/cors Parse skips an item that does not match corsOriginRegex
    (`^([a-z]+://(\\*\\.)?[A-Za-z0-9\\-.]*(:\\d+)?|\\*|null)?$`); test/e2e/annotations/cors.go
    'should allow correct origins - single origin for multiple cors values' sends no header for it."""
    path = ENGINES / "ingress-skipped.yaml"
    assert match("http://origin.cors.com:8080", path).exit_code == 1
    result = match("https://origin2.cors.com", path, json=True)
    assert result.exit_code == 0
    assert spots(result.report["entries"]) == [(7, 75, "exact")]


def test_an_included_file_is_answered_for_where_it_is_included(tmp_path: Path) -> None:
    """As `check` does: a snippet checked alone does not know `$cors_origin` (OL004), but the file
    that includes it sets it; `match` over the folder answers once, from the includer."""
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "cors.conf").write_text(
        "add_header Access-Control-Allow-Origin $cors_origin always;\n", encoding="utf-8"
    )
    (tmp_path / "nginx.conf").write_text(
        "events {}\n"
        "http {\n"
        "    map $http_origin $cors_origin {\n"
        '        default "";\n'
        '        "https://app.example.com" $http_origin;\n'
        "    }\n"
        "    server {\n"
        "        listen 80;\n"
        "        location / {\n"
        "            include snippets/cors.conf;\n"
        "        }\n"
        "    }\n"
        "}\n",
        encoding="utf-8",
    )
    alone = match("https://evil.example.net", tmp_path / "snippets" / "cors.conf", json=True)
    assert alone.exit_code == 3  # the snippet alone: `$cors_origin` is not set there
    assert spots(alone.report["unknown"]) == [(1, 40, "not-analysed")]
    evil = match("https://evil.example.net", tmp_path, json=True)
    assert evil.exit_code == 1, evil.stdout
    assert evil.report["unknown"] == []
    app = match("https://app.example.com", tmp_path, json=True)
    assert app.exit_code == 0
    assert spots(app.report["entries"]) == [(5, 10, "exact")]  # listed once, though two files reach it


def test_an_entry_that_never_matches_is_not_a_duplicate_of_the_one_that_does(tmp_path: Path) -> None:
    """Traefik compares with Go `==`: `https://App.example.com` is not a second copy of
    `https://app.example.com` (removing the latter would lock the site out); it is OL102."""
    path = tmp_path / "dynamic.yml"
    path.write_text(
        "http:\n"
        "  middlewares:\n"
        "    cors:\n"
        "      headers:\n"
        "        accessControlAllowOriginList:\n"
        "          - https://app.example.com\n"
        "          - https://App.example.com\n"
        "          - https://app.example.com\n",
        encoding="utf-8",
    )
    assert [spot for spot in found(path) if spot[0] != "OL602"] == [("OL102", 7, 13), ("OL103", 8, 13)]
