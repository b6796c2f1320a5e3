"""Issue 17 items 1 (templates), 3, 5, 6, 7 and 8 (nginx side): what nginx really sends and decides.

Every fixture under tests/fixtures/nginx/semantics/ holds failing and passing cases side by side;
each finding is asserted at its line and column. nginx's own behaviour is cited where it decides:
ngx_http_headers_filter (src/http/modules/ngx_http_headers_filter_module.c) adds `add_header`
without `always` to 200 201 204 206 301 302 303 304 307 308 only; `ngx_http_map_find`
(src/http/ngx_http_variables.c) and `ngx_hash_add_key` (src/core/ngx_hash.c) lowercase map keys
and the value looked up; gixy's `origins` plugin (gixy/plugins/origins.py) audits every
`if ($http_origin ~ ...)` whatever it gates.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from origins_lint.formats import nginx
from origins_lint.formats.base import FormatOptions
from origins_lint.model import Gate, MatcherKind, Severity
from origins_lint.source import Source
from tests.conftest import FIXTURES, check_json, write
from tests.nginx_oracle import HEADERS_MORE, need_nginx

SEMANTICS = FIXTURES / "nginx" / "semantics"

EXPECTED: dict[str, list[tuple[str, int, int]]] = {
    # item 3: a `return` is a response with the headers its status gets; 202 and 404 get none
    # without `always`, a 403 with `always` echoes every origin (low: nginx's own fixed page)
    "return-responses.conf": [("OL402", 5, 48), ("OL603", 5, 9), ("OL603", 6, 9), ("OL402", 16, 48)],
    # item 3: captures of URL regexes (location, rewrite, `if ($request_uri ~`) and `$arg_*` are
    # the sender's; a capture of the origin check and the server's own name are not echoes
    "url-values.conf": [("OL402", 4, 56), ("OL304", 10, 48), ("OL304", 15, 52), ("OL304", 20, 48)],
    # item 3: a path is never an origin (OL101), pointed at the path variable
    "path-values.conf": [("OL101", 4, 48), ("OL101", 7, 64)],
    # item 3: `*` for requests without an Origin reaches no page; with one it is OL301
    "empty-origin.conf": [("OL301", 10, 53)],
    # item 3: dropping `Access-Control-Request-*` is no OL604; dropping Allow-Origin is
    "request-headers.conf": [("OL604", 11, 9)],
    # item 3: `${http_origin} always` has its `always`; without it, OL603
    "braces.conf": [("OL304", 4, 48), ("OL304", 8, 48), ("OL603", 8, 9)],
    # item 3: Lua, Perl and njs values are said, never silent; Lua that touches no header is not
    "foreign-code.conf": [
        ("OL602", 8, 13),
        ("OL004", 8, 52),
        ("OL602", 11, 13),
        ("OL004", 11, 52),
        ("OL602", 14, 13),
        ("OL004", 14, 52),
        ("OL004", 17, 13),
        ("OL004", 23, 13),
        ("OL602", 24, 13),
        ("OL004", 24, 52),
    ],
    # item 5: gixy's X-Frame-Options case, a CSRF guard, an unread flag, a value a backend reads;
    # an exact allow-list and a deny-list are fine
    "trust-decisions.conf": [
        ("OL302", 6, 30),
        ("OL308", 6, 30),
        ("OL307", 10, 31),
        ("OL202", 17, 30),
        ("OL306", 17, 30),
        ("OL302", 22, 29),
    ],
    # item 5: gixy's own `$http_origin` cases, with empty blocks: reported, at low
    "gixy-origins.conf": [("OL101", 5, 26), ("OL202", 8, 26), ("OL306", 8, 26)],
    # item 5: map keys gated by CSP (the `1` side) and by a `return 403` (the `0` side)
    "decisions-map.conf": [("OL307", 4, 6), ("OL202", 11, 6)],
    # item 6: `null` admitted is OL403 with credentials, OL305 without; refused, nothing
    "null-origin.conf": [("OL403", 4, 6), ("OL305", 18, 29)],
    # item 7: echoed allow lists with credentials; without credentials nothing
    "echoed-headers.conf": [("OL404", 6, 49), ("OL404", 7, 49)],
    # item 8: `if (=)` compares bytes (upper case never matches); a map key ignores case
    "compare.conf": [("OL102", 8, 29)],
    # item 1: templates: the fixed text decides `http://`, `*` and an echo; placeholders are OL004
    "templates/default.conf.template": [
        ("OL201", 5, 49),
        ("OL004", 5, 56),
        ("OL402", 9, 48),
        ("OL004", 10, 53),
        ("OL004", 14, 30),
    ],
    "templates/site.conf.j2": [("OL004", 6, 49), ("OL301", 11, 48)],
    "templates/cors.conf.tpl": [("OL201", 2, 45), ("OL004", 2, 52)],
}


def findings(name: str, *extra: str) -> list[dict[str, object]]:
    result = check_json(SEMANTICS / name, extra=("--no-cache", *extra))
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    assert result.stderr == ""
    return result.findings


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_findings_at_their_line_and_column(name: str) -> None:
    got = sorted((str(f["code"]), int(str(f["line"])), int(str(f["column"]))) for f in findings(name))
    assert got == sorted(EXPECTED[name])


def _by(name: str) -> dict[tuple[str, int], dict[str, object]]:
    return {(str(f["code"]), int(str(f["line"]))): f for f in findings(name)}


def test_a_return_with_a_fixed_error_page_is_low_and_says_why() -> None:
    found = _by("return-responses.conf")
    assert found[("OL402", 5)]["severity"] == "critical"  # `return 200 "ok"` answers with the echo
    forbidden = found[("OL402", 16)]
    assert forbidden["severity"] == "low"
    assert "only on the `return` at line 19" in str(forbidden["message"])


def test_url_values_say_the_sender_writes_them() -> None:
    found = _by("url-values.conf")
    assert str(found[("OL402", 4)]["message"]).startswith(
        "`$target` echoes a capture of a regex on the request URL (the sender writes the URL)"
    )
    assert "text from the request (the sender chooses it)" in str(found[("OL304", 20)]["message"])


def test_a_path_is_a_broken_header_not_an_echo() -> None:
    found = _by("path-values.conf")
    assert str(found[("OL101", 4)]["message"]).startswith(
        "`$request_uri` is the request's path, which always starts with `/`"
    )
    assert "`$scheme://$host$uri` holds the request's path `$uri`" in str(found[("OL101", 7)]["message"])


def test_code_that_is_not_run_is_named() -> None:
    found = _by("foreign-code.conf")
    assert "set by `set_by_lua_block` (line 6)" in str(found[("OL004", 8)]["message"])
    assert "set by `perl_set` (line 3)" in str(found[("OL004", 11)]["message"])
    assert "set by `js_set` (line 4)" in str(found[("OL004", 14)]["message"])
    assert str(found[("OL004", 17)]["message"]).startswith("`header_filter_by_lua_block` runs code")


def test_trust_decisions_weigh_what_they_gate() -> None:
    found = {(str(f["code"]), int(str(f["line"]))): f for f in findings("trust-decisions.conf")}
    severities = {key: found[key]["severity"] for key in found}
    assert severities == {
        ("OL302", 6): "high",  # X-Frame-Options: medium raised to high
        ("OL308", 6): "high",
        ("OL307", 10): "high",  # the CSRF guard
        ("OL202", 17): "low",  # a flag nothing reads
        ("OL306", 17): "low",
        ("OL302", 22): "medium",  # `proxy_set_header` passes it on
    }
    assert "(this origin check decides `X-Frame-Options` at line 7)" in str(found[("OL308", 6)]["message"])
    assert "`https://attackerwebvisor.com`" in str(found[("OL308", 6)]["message"])
    assert "decides the `return 403` at line 11" in str(found[("OL307", 10)]["message"])
    assert "decides `$partner`, which nothing reads" in str(found[("OL306", 17)]["message"])


def test_trust_decisions_are_outside_the_allowed_domains_too(project: Path) -> None:
    write(project, ".origins-lint.toml", 'allowed-domains = ["example.com"]\n')
    write(
        project,
        "site.conf",
        """
        server {
            location / {
                if ($http_origin !~ "^https://app\\.example\\.net$") {
                    add_header X-Frame-Options DENY;
                }
            }
        }
        """,
    )
    result = check_json("site.conf", extra=("--no-cache",))
    assert result.at("OL801") == [(3, 30)]


def test_match_answers_for_cors_responses_not_for_trust_decisions() -> None:
    """`match` says who reads responses: an X-Frame-Options check admits no one to CORS."""
    from tests.conftest import run_cli

    result = run_cli("match", "https://attackerwebvisor.com", str(SEMANTICS / "trust-decisions.conf"))
    assert result.exit_code == 1, result.stdout


def test_engines_are_nginx_comparisons() -> None:
    """`if (=)` compares bytes; a map string key ignores case; `null` is the null origin."""
    path = SEMANTICS / "compare.conf"
    parsed = nginx.parse(Source(str(path), path.read_text()), FormatOptions(roots=(str(SEMANTICS),)))
    by_text = {m.raw: m for _c, m in parsed.documents[0].matchers()}
    assert by_text["https://Admin.Example.com"].engine.case_sensitive
    assert not by_text["https://App.Example.com"].engine.case_sensitive
    path = SEMANTICS / "null-origin.conf"
    parsed = nginx.parse(Source(str(path), path.read_text()), FormatOptions(roots=(str(SEMANTICS),)))
    kinds = {(m.location.line, m.kind) for _c, m in parsed.documents[0].matchers()}
    assert (4, MatcherKind.NULL) in kinds and (18, MatcherKind.NULL) in kinds


def test_decision_contexts_carry_their_gate() -> None:
    path = SEMANTICS / "trust-decisions.conf"
    parsed = nginx.parse(Source(str(path), path.read_text()), FormatOptions(roots=(str(SEMANTICS),)))
    document = parsed.documents[0]
    gates = {m.location.line: c.decision.gate for c, m in document.matchers(decisions=True) if c.decision}
    assert gates == {6: Gate.FRAME, 10: Gate.GUARD, 17: Gate.FLAG, 22: Gate.BACKEND, 30: Gate.GUARD}
    assert list(document.matchers()) == []  # none of them is a CORS allow-list


def test_templates_are_read_as_nginx() -> None:
    for name in ("default.conf.template", "site.conf.tpl", "site.conf.j2"):
        path = f"deploy/nginx/{name}"
        assert nginx.wants(path)
        assert nginx.detect(path, "server {\n    listen 80;\n}\n")


def test_a_template_placeholder_keeps_its_columns_and_its_text() -> None:
    found = _by("templates/site.conf.j2")
    assert str(found[("OL004", 6)]["message"]).startswith("`{{ cors_origin }}` is a template placeholder")
    assert _by("templates/default.conf.template")[("OL201", 5)]["severity"] == Severity.HIGH.label


# --- the real nginx, on 127.0.0.1 (the oracle helper's test covers the fixtures at large) --------


@pytest.fixture
def real_nginx(tmp_path: Path) -> Path:
    need_nginx(headers_more=True)
    return tmp_path


def _serve(prefix: Path, server: str) -> subprocess.Popen[bytes]:
    logs = prefix / "logs"
    logs.mkdir()
    temp = " ".join(
        f"{name}_temp_path {logs};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "nginx.conf").write_text(
        f"load_module {HEADERS_MORE};\nerror_log {logs}/error.log;\npid {logs}/nginx.pid;\n"
        f"daemon off;\nevents {{}}\nhttp {{\n access_log off;\n {temp}\n{server}\n}}\n"
    )
    return subprocess.Popen(
        [need_nginx(headers_more=True), "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
    )


def _headers(port: int, path: str, origin: str) -> tuple[int, list[str]]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers.get_all("Access-Control-Allow-Origin") or []
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_all("Access-Control-Allow-Origin") or []


@pytest.mark.nginx
def test_real_nginx_sends_what_the_model_says(real_nginx: Path) -> None:
    """The shapes item 3 is about, asked of nginx itself: statuses, `always`, headers-more -s,
    `${http_origin} always`, `*` only without an Origin, the 403 a negated check returns."""
    with socket.socket() as probe:  # a port no one listens on now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = f"""
    server {{
        listen 127.0.0.1:{port};
        location /ok {{ add_header Access-Control-Allow-Origin $http_origin; return 200 ok; }}
        location /accepted {{ add_header Access-Control-Allow-Origin $http_origin; return 202 ok; }}
        location /gone {{ add_header Access-Control-Allow-Origin $http_origin; return 404; }}
        location /gone-always {{
            add_header Access-Control-Allow-Origin ${{http_origin}} always; return 404;
        }}
        location /more {{
            more_set_headers -s 404 "Access-Control-Allow-Origin: $http_origin"; return 200 ok;
        }}
        location /empty {{
            if ($http_origin = '') {{ add_header Access-Control-Allow-Origin '*' always; }}
            return 200 ok;
        }}
        location /guarded {{
            if ($http_origin !~* "^https://app\\.example\\.com$") {{ return 403; }}
            add_header Access-Control-Allow-Origin $http_origin always;
            return 200 ok;
        }}
    }}
    """
    process = _serve(real_nginx, server)
    try:
        for _ in range(100):  # until it listens (not a timing assertion)
            try:
                _headers(port, "/ok", "https://evil.test")
                break
            except OSError:
                time.sleep(0.05)
        evil = "https://evil.test"
        assert _headers(port, "/ok", evil) == (200, [evil])
        assert _headers(port, "/accepted", evil) == (202, [])
        assert _headers(port, "/gone", evil) == (404, [])
        assert _headers(port, "/gone-always", evil) == (404, [evil])
        assert _headers(port, "/more", evil) == (200, [])
        assert _headers(port, "/empty", evil) == (200, [])
        assert _headers(port, "/guarded", evil) == (403, [evil])
        assert _headers(port, "/guarded", "https://app.example.com") == (200, ["https://app.example.com"])
    finally:
        process.terminate()
        process.wait(timeout=10)


NASTY = {
    "return-without-status.conf": (
        "server { location / { return; add_header Access-Control-Allow-Origin $http_origin; } }\n"
    ),
    "more-set-headers-empty-status.conf": (
        'server { location / { more_set_headers -s; more_set_headers -s "x y" '
        '"Access-Control-Allow-Origin: $1"; return 200; } }\n'
    ),
    "lua-without-variable.conf": "set_by_lua_block { return 1 }\nserver { }\n",
    "if-without-operand.conf": "server { if ($http_origin) { } if ($http_origin ~) { return 403; } }\n",
    "unclosed-placeholder.conf.j2": "server {\n add_header X {{ broken ;\n}\n",
    "placeholder-keys.conf.template": (
        'map $http_origin $x { "{{ a }}" 1; ~^https://${D}$ 0; }\nserver { if ($x) { return 403; } }\n'
    ),
    "self-reference.conf": (
        'server { location / { if ($http_origin !~ "^https://a\\.example\\.com$") { set $a $a; set $b $a; } '
        'add_header Access-Control-Allow-Origin "${http_origin}x ${b}" always; return 301; } }\n'
    ),
}


@pytest.mark.parametrize("name", sorted(NASTY))
def test_odd_input_is_reported_never_a_traceback(project: Path, name: str) -> None:
    write(project, name, NASTY[name])
    result = check_json(name, extra=("--no-cache",))
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    assert result.stderr == ""
    assert all(f["line"] >= 1 and f["column"] >= 1 for f in result.findings)
