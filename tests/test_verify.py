"""`origins-lint verify` (issue 24), entirely on 127.0.0.1: engines' answering rules, misbehaving servers,
what is sent and what is not, every result a finding, and nothing but `verify` opening a socket."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from origins_lint.verify.client import USER_AGENT
from tests.conftest import FIXTURES, Run, run_cli
from tests.test_isolation import audited
from tests.verify_nginx import NGINX_FIXTURES, verify_file
from tests.verify_servers import Reply, closed_port, replay, self_signed, serve, spring, traefik

VERIFY = FIXTURES / "verify"
WEAK = VERIFY / "traefik-weak.yml"
CLEAN = VERIFY / "traefik-clean.yml"


def verify(*args: str) -> Run:
    return run_cli("verify", "--output-format", "json", *args)


def echo_all(_method: str, _path: str, request: Message) -> Reply:
    """The classic bug: whatever the Origin, it is sent back, with credentials, without Vary."""
    origin = request.get("Origin", "")
    return Reply(200, [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")])


def no_cors(_method: str, _path: str, _request: Message) -> Reply:
    return Reply(200, [("Content-Type", "text/plain")])


def by_code(found: Run, code: str) -> list[dict[str, object]]:
    return [f for f in found.findings if f["code"] == code]


# --- generic probes -----------------------------------------------------------------------------


def test_generic_probes_confirm_a_server_that_echoes_every_origin() -> None:
    with serve(echo_all) as server:
        found = verify(server.url)
    assert found.exit_code == 1, found.stderr
    confirmed = by_code(found, "OL901")
    origins = {re.search(r"admits `([^`]+)`", str(f["message"])).group(1) for f in confirmed}  # type: ignore[union-attr]
    assert {"https://attacker.example", "null", "http://127.0.0.1", "https://attacker.github.io"} <= origins
    assert (
        "https://127.0.0.1_.attacker.example" in origins and "https://127.0.0.1}.attacker.example" in origins
    )
    severities = {str(f["message"]).split("`")[1]: f["severity"] for f in confirmed}
    assert severities["https://attacker.example"] == "critical" and severities["null"] == "critical"
    assert severities["https://attacker.github.io"] == "high"
    assert all(f["path"] == server.url and (f["line"], f["column"]) == (1, 1) for f in found.findings)
    [vary] = by_code(found, "OL903")
    assert "no `Vary: Origin`" in str(vary["message"])
    assert "0 confirmed" not in found.stderr and "confirmed" in found.stderr


def test_what_is_sent_and_nothing_else() -> None:
    with serve(echo_all) as server:
        verify(server.url)
    assert server.seen
    methods = {method for method, _, _ in server.seen}
    assert methods == {"GET", "OPTIONS"}
    for method, path, headers in server.seen:
        names = {name.lower() for name in headers}
        assert headers["User-Agent"] == USER_AGENT and USER_AGENT.startswith("origins-lint-verify/")
        assert not names & {"cookie", "authorization", "proxy-authorization"}
        assert path == "/"
        if method == "OPTIONS":
            assert headers["Access-Control-Request-Method"] == "PUT"
            assert headers["Access-Control-Request-Headers"] == "x-origins-lint-verify"
        expected = {"host", "user-agent", "accept", "origin", "connection", "accept-encoding"}
        expected |= {"access-control-request-method", "access-control-request-headers"}
        assert names <= expected, names


def test_a_strict_server_confirms_nothing() -> None:
    with serve(spring(["https://app.example.com"])) as server:
        found = verify(server.url)
    assert found.exit_code == 0, found.stdout + found.stderr
    assert found.findings == []
    assert "0 confirmed, 0 not confirmed, 0 cache hazard(s), on 1 URL(s)" in found.stderr


# --- probes from the config ---------------------------------------------------------------------


def test_from_confirms_each_static_finding_at_its_line_on_a_traefik_like_server() -> None:
    with serve(traefik(WEAK, "api-cors")) as server:
        found = verify(server.url, "--from", str(WEAK))
    assert found.exit_code == 1, found.stderr
    confirmed = {(f["line"], f["column"]): f for f in by_code(found, "OL901")}
    # OL306 and OL405 at the unanchored regex: the analysis's counterexample gets in, with credentials
    assert list(confirmed) == [(10, 13)]
    [entry] = confirmed.values()
    assert entry["path"] == str(WEAK) and entry["severity"] == "high"
    # one flaw, one finding (issue 18 item 8): OL306 carries the credentials, no OL405 beside it
    assert "as OL306 (regex-unanchored) says of this entry" in str(entry["message"])
    assert "https://reports.example.com" in str(entry["message"])
    # OL602 (no addVaryHeader) shows as OL903 at the middleware
    [vary] = by_code(found, "OL903")
    assert (vary["path"], vary["line"], vary["column"]) == (str(WEAK), 7, 9)
    assert by_code(found, "OL902") == []


def test_from_on_the_fixed_config_confirms_nothing() -> None:
    with serve(traefik(CLEAN, "api-cors")) as server:
        found = verify(server.url, "--from", str(CLEAN))
    assert found.exit_code == 0, found.stdout + found.stderr
    assert found.findings == []
    origins = {headers["Origin"] for _, _, headers in server.seen}
    # each literal trusted origin and the attacks built from each trusted host were sent
    assert {
        "https://app.example.com",
        "https://app.example.com.attacker.example",
        "http://app.example.com",
    } <= origins
    assert {"https://reports.example.com.attacker.example", "https://reportsxexample.com"} <= origins


def test_from_confirms_a_plain_http_origin_on_a_spring_like_server() -> None:
    config = VERIFY / "application.yml"
    with serve(spring(["https://app.example.com", "http://admin.example.com"])) as server:
        found = verify(server.url, "--from", str(config))
    [entry] = by_code(found, "OL901")
    assert (entry["line"], entry["column"], entry["severity"]) == (5, 49, "high")
    assert "`http://admin.example.com` is admitted with credentials" in str(entry["message"])
    assert "OL201 (insecure-origin)" in str(entry["message"])
    assert by_code(found, "OL903") == []  # Spring sends Vary: Origin


def test_a_server_that_does_not_show_the_findings_says_so_and_why() -> None:
    with serve(no_cors) as server:
        found = verify(server.url, "--from", str(WEAK))
    assert found.exit_code == 0, found.stderr  # not confirmed is info
    rows = {(f["line"], f["column"], str(f["message"]).split(" ")[0]) for f in by_code(found, "OL902")}
    assert rows == {(7, 9, "OL602"), (10, 13, "OL306")}  # no OL405 beside OL306 (issue 18 item 8)
    message = next(str(f["message"]) for f in by_code(found, "OL902") if f["line"] == 10)
    assert "no `Access-Control-Allow-Origin`" in message
    assert "the origins the file trusts (`https://app.example.com`) were not admitted either" in message
    assert by_code(found, "OL901") == []


def test_a_server_that_admits_more_than_the_file_is_reported_at_the_entry() -> None:
    with serve(echo_all) as server:
        found = verify(server.url, "--from", str(CLEAN))
    drift = [f for f in by_code(found, "OL901") if "which no entry of the file admits" in str(f["message"])]
    assert drift and all(f["path"] == str(CLEAN) for f in drift)
    assert {f["line"] for f in drift} <= {8, 10}


def test_nginx_locations_are_probed_under_the_url() -> None:
    config = VERIFY / "locations.conf"
    found = run_cli("verify", "--dry-run", "http://127.0.0.1:9/base", "--from", str(config))
    assert found.exit_code == 0, found.stderr
    paths = {line.split()[1] for line in found.stdout.splitlines() if line.startswith(("GET", "OPTIONS"))}
    assert paths == {
        "http://127.0.0.1:9/base",
        "http://127.0.0.1:9/api/",
        "http://127.0.0.1:9/exact",
        "http://127.0.0.1:9/files/",
    }


def test_every_output_format_carries_the_results_and_sarif_points_into_the_file() -> None:
    with serve(traefik(WEAK, "api-cors")) as server:
        sarif = run_cli("verify", "-f", "sarif", server.url, "--from", str(WEAK))
        text = run_cli("verify", server.url, "--from", str(WEAK))
        for name in ("github", "junit", "gitlab"):
            other = run_cli("verify", "-f", name, server.url, "--from", str(WEAK))
            assert other.exit_code == 1 and "OL901" in other.stdout, name
    run = json.loads(sarif.stdout)["runs"][0]
    results = [r for r in run["results"] if r["ruleId"] == "OL901"]
    where = results[0]["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"].endswith("traefik-weak.yml")
    assert where["region"]["startLine"] == 10
    assert f"{WEAK}:10:13: OL901 [high] confirmed on {server.url.rstrip('/')}" in text.stdout


# --- a good citizen -----------------------------------------------------------------------------


def test_dry_run_sends_nothing_and_lists_every_request() -> None:
    with serve(echo_all) as server:
        found = run_cli("verify", "--dry-run", server.url)
    assert found.exit_code == 0
    assert server.seen == []
    lines = found.stdout.splitlines()
    assert lines[0].startswith(f"OPTIONS {server.url}  Origin: https://attacker.example")
    assert len(lines) == 26 and "26 request(s) listed, none sent" in found.stderr


def test_max_requests_bounds_what_is_sent_and_says_what_was_left_out() -> None:
    with serve(echo_all) as server:
        found = verify("--max-requests", "6", server.url, "--from", str(WEAK))
    assert len(server.seen) == 6
    assert "probe(s) left out by --max-requests" in found.stderr
    assert any("not sent: --max-requests" in str(f["message"]) for f in by_code(found, "OL902")) or by_code(
        found, "OL901"
    )


def test_tls_is_verified_unless_insecure_which_is_stated(tmp_path: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        if os.environ.get("CI"):
            pytest.fail("no openssl command under CI")
        pytest.skip("no openssl command to make a certificate with")
    with serve(echo_all, tls=self_signed(tmp_path, openssl)) as server:
        refused = verify(server.url)
        insecure = verify("--insecure", server.url)
    assert server.url.startswith("https://")
    assert refused.exit_code == 2 and refused.findings == []
    assert "TLS certificate not accepted" in refused.stderr and "--insecure skips this" in refused.stderr
    assert insecure.exit_code == 1
    assert "--insecure: TLS certificates and host names are NOT verified" in insecure.stderr
    assert insecure.findings and all(
        str(f["message"]).endswith("(TLS not verified: --insecure)") for f in insecure.findings
    )


def test_max_requests_and_timeout_must_be_sensible() -> None:
    for option, value, said in (
        ("--max-requests", "0", "is not a number of requests (1 or more)"),
        ("--timeout", "0", "is not a number of seconds"),
        ("--timeout", "soon", "is not a number of seconds"),
    ):
        found = verify(option, value, "http://127.0.0.1:9/")
        assert found.exit_code == 2 and said in found.stderr, found.stderr


def test_insecure_is_stated() -> None:
    with serve(spring([])) as server:
        found = verify("--insecure", server.url)
    assert "--insecure: TLS certificates and host names are NOT verified" in found.stderr


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("ftp://127.0.0.1/", "is not an http:// or https:// URL"),
        ("http://user:secret@127.0.0.1/", "verify never sends credentials"),
        ("http:///nohost", "is not an http:// or https:// URL"),
        ("http://127.0.0.1:port/", "port that is not a number"),
        ("http://[::1", "is not a URL (Invalid IPv6 URL)"),
        ("http://127.0.0.1/a b", "has spaces or control characters"),
        ("http://127.0.0.1/\x1b[2J", "has spaces or control characters"),
    ],
)
def test_urls_it_will_not_send_to(url: str, said: str) -> None:
    found = verify(url)
    assert found.exit_code == 2 and said in found.stderr and "Traceback" not in found.stderr
    assert "\x1b" not in found.stderr  # a URL cannot drive the terminal


# --- misbehaving servers: each a clear result, never a traceback ---------------------------------


def test_a_slow_server_times_out() -> None:
    with serve(lambda *_: Reply(hold=True)) as server:
        found = verify("--timeout", "0.2", "--max-requests", "4", server.url, "--from", str(WEAK))
    assert found.exit_code == 2
    assert "every request failed" in found.stderr and "timed out" in found.stderr
    messages = [str(f["message"]) for f in by_code(found, "OL902")]
    assert any("could not be asked: OPTIONS /: no answer within 0.2 s (timed out)" in m for m in messages)
    assert all("could not be asked" in m or "not sent: --max-requests" in m for m in messages), messages
    assert "Traceback" not in found.stderr


def test_a_redirect_to_another_host_is_not_followed() -> None:
    with serve(echo_all) as elsewhere:

        def away(_method: str, _path: str, _request: Message) -> Reply:
            return Reply(302, [("Location", elsewhere.url.replace("127.0.0.1", "localhost") + "x")])

        with serve(away) as server:
            found = verify(server.url, "--from", str(WEAK))
    assert elsewhere.seen == []
    message = next(str(f["message"]) for f in by_code(found, "OL902") if f["line"] == 10)
    assert "(another origin: not followed)" in message
    assert found.exit_code == 0


@pytest.mark.parametrize("location", ["http://[::1", "http://127.0.0.1:port/", "http://\x1b[2J/"])
def test_a_redirect_to_no_url_is_not_followed(location: str) -> None:
    with serve(lambda *_: Reply(302, [("Location", location)])) as server:
        found = verify(server.url, "--from", str(WEAK))
    assert found.exit_code == 0 and "Traceback" not in found.stderr, found.stderr
    message = next(str(f["message"]) for f in by_code(found, "OL902") if f["line"] == 10)
    assert "(another origin: not followed)" in message


def test_a_redirect_within_the_site_is_followed_for_get_only() -> None:
    def moved(method: str, path: str, request: Message) -> Reply:
        if path == "/":
            return Reply(301, [("Location", "/moved")])
        return echo_all(method, path, request)

    with serve(moved) as server:
        found = verify(server.url)
    assert ("GET", "/moved") in {(m, p) for m, p, _ in server.seen}
    assert ("OPTIONS", "/moved") not in {(m, p) for m, p, _ in server.seen}
    assert "GET / 200" in str(by_code(found, "OL901")[0]["message"])


@pytest.mark.parametrize(
    "raw",
    [
        b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin\r\n\x00\xff\xfe: \x01\r\nContent-Length: 0\r\n\r\n",
        b"not http at all\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n" + b"X: " + b"a" * 70_000 + b"\r\n\r\n",
        b"",
    ],
    ids=["garbage-headers", "not-http", "header-too-long", "nothing"],
)
def test_garbage_answers(raw: bytes) -> None:
    with serve(lambda *_: Reply(raw=raw)) as server:
        found = verify("--max-requests", "8", server.url, "--from", str(WEAK))
    assert "Traceback" not in found.stderr
    assert found.exit_code in (0, 2), found.stderr
    assert by_code(found, "OL901") == []
    assert all(f["code"] == "OL902" for f in found.findings)


def test_several_allow_origin_headers_are_refused_as_a_browser_does() -> None:
    def twice(_method: str, _path: str, request: Message) -> Reply:
        origin = request.get("Origin", "")
        return Reply(200, [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Origin", origin)])

    with serve(twice) as server:
        found = verify(server.url, "--from", str(WEAK))
    assert by_code(found, "OL901") == []
    message = next(str(f["message"]) for f in by_code(found, "OL902") if f["line"] == 10)
    assert "(2 of them: browsers refuse the answer)" in message


def test_a_closed_port_is_no_verdict() -> None:
    url = f"http://127.0.0.1:{closed_port()}/"
    found = verify(url)
    assert found.exit_code == 2
    assert f"cannot verify {url}: every request failed" in found.stderr
    assert "connection refused" in found.stderr and "Traceback" not in found.stderr


# --- rule pages (tests/test_rule_docs.py runs the OL9xx examples through here) -------------------


def page_example(config: Path, answer: Path) -> Run:
    """`verify --from` the page's config, against a server replaying the page's answer."""
    with serve(replay(answer.read_text("utf-8"))) as server:
        return run_cli("verify", "--output-format", "json", server.url, "--from", str(config))


# --- nothing but verify opens a socket ----------------------------------------------------------


def _sockets(records: list[list[str]]) -> list[list[str]]:
    return [r for r in records if r[0].startswith(("socket.", "http.", "urllib."))]


def test_only_verify_opens_a_socket(tmp_path: Path) -> None:
    """Under the audit hook of tests/test_isolation.py: `check`, `match`, `rules` and `verify --dry-run`
    open none; `verify` does, and only towards the URL it was given."""
    for args in (
        ("check", str(WEAK)),
        ("match", "https://evil.example", str(WEAK)),
        ("rules",),
        ("verify", "--dry-run", "http://127.0.0.1:9/", "--from", str(WEAK)),
    ):
        _, records = audited(tmp_path, *args, cwd=tmp_path)
        assert _sockets(records) == [], (args, _sockets(records))
        (tmp_path / "audit.log").unlink(missing_ok=True)
    with serve(echo_all) as server:
        _, records = audited(tmp_path, "verify", "--max-requests", "2", server.url, cwd=tmp_path)
    port = server.url.rsplit(":", 1)[1].strip("/")
    connects = [r for r in records if r[0] == "socket.connect"]
    assert connects and all(f"'127.0.0.1', {port}" in r[1] for r in connects), connects


# --- the real nginx -----------------------------------------------------------------------------

# Static findings no request can show, and why (every other finding on a file nginx loads must be
# confirmed): a finding not about which origins get in (a malformed or non-canonical literal, a
# header without `always`, an `add_header` that drops others, echoed request headers, two values in
# one header), an origin check that gates no CORS header, and a value nginx takes from the request
# URL's path (verify puts origins in the `Origin` header, and in the query for `$arg_NAME`).
NOT_ABOUT_ORIGINS = "it is not about which origins get in"
NOT_CORS = "this origin check gates no CORS header"
FROM_URL = "never in the URL's path"
UNCHECKED: dict[tuple[str, str, int, int], str] = {
    ("literal-origins.conf", "OL101", 27, 48): NOT_ABOUT_ORIGINS,
    ("literal-origins.conf", "OL102", 30, 48): NOT_ABOUT_ORIGINS,
    ("literal-origins.conf", "OL601", 39, 49): NOT_ABOUT_ORIGINS,
    ("regex-bypasses.conf", "OL101", 24, 29): NOT_ABOUT_ORIGINS,
    ("regex-bypasses.conf", "OL004", 29, 29): NOT_ABOUT_ORIGINS,
    ("braces.conf", "OL603", 8, 9): NOT_ABOUT_ORIGINS,
    ("compare.conf", "OL102", 8, 29): NOT_ABOUT_ORIGINS,
    ("decisions-map.conf", "OL307", 4, 6): NOT_CORS,
    ("decisions-map.conf", "OL202", 11, 6): NOT_CORS,
    ("echoed-headers.conf", "OL404", 6, 49): NOT_ABOUT_ORIGINS,
    ("echoed-headers.conf", "OL404", 7, 49): NOT_ABOUT_ORIGINS,
    ("path-values.conf", "OL101", 4, 48): NOT_ABOUT_ORIGINS,
    ("path-values.conf", "OL101", 7, 64): NOT_ABOUT_ORIGINS,
    ("request-headers.conf", "OL604", 11, 9): NOT_ABOUT_ORIGINS,
    ("return-responses.conf", "OL603", 5, 9): NOT_ABOUT_ORIGINS,
    ("return-responses.conf", "OL603", 6, 9): NOT_ABOUT_ORIGINS,
    ("trust-decisions.conf", "OL302", 6, 30): NOT_CORS,
    ("trust-decisions.conf", "OL308", 6, 30): NOT_CORS,
    ("trust-decisions.conf", "OL307", 10, 31): NOT_CORS,
    ("trust-decisions.conf", "OL202", 17, 30): NOT_CORS,
    ("trust-decisions.conf", "OL306", 17, 30): NOT_CORS,
    ("trust-decisions.conf", "OL302", 22, 29): NOT_CORS,
    ("url-values.conf", "OL402", 4, 56): FROM_URL,
    ("url-values.conf", "OL304", 10, 48): FROM_URL,
    ("url-values.conf", "OL304", 15, 52): FROM_URL,
    ("shop-api.conf", "OL604", 21, 13): NOT_ABOUT_ORIGINS,
    ("shop-api.conf", "OL605", 22, 47): NOT_ABOUT_ORIGINS,
    ("shop-api.conf", "OL603", 30, 9): NOT_ABOUT_ORIGINS,
    ("shop-api.conf", "OL603", 31, 9): NOT_ABOUT_ORIGINS,
}

# Files nginx 1.22 (Debian's nginx-light) refuses to load, with what `nginx -t` says.
REFUSED = {
    "map-allowlist.conf": 'conflicting parameter "https://app.example.com"',  # a duplicate key, on purpose
    "response-headers.conf": 'unknown directive "add_header_inherit"',  # nginx 1.29.3
    "foreign-code.conf": 'unknown directive "perl_set"',  # no perl module in nginx-light
    "gixy-origins.conf": '"if" directive is not allowed here',  # a snippet of gixy's tests, not a config
}


@pytest.fixture(scope="module")
def nginx_upstream() -> Iterator[tuple[str, int]]:
    from tests.nginx_oracle import need_nginx, stub_upstream

    binary = need_nginx()
    with stub_upstream() as stub:
        yield binary, stub


@pytest.mark.nginx
@pytest.mark.parametrize("path", NGINX_FIXTURES, ids=lambda p: p.name)
def test_real_nginx_confirms_every_finding_it_exhibits(
    path: Path, nginx_upstream: tuple[str, int], tmp_path: Path
) -> None:
    binary, stub = nginx_upstream
    done = verify_file(path, binary, stub, tmp_path)
    if path.name in REFUSED:
        assert done.refused is not None and REFUSED[path.name] in done.refused, done.refused
        return
    assert done.refused is None, done.refused
    # every request got an answer from nginx: a "not confirmed" is never a network failure here
    assert " 0 failed," in done.stderr and "request(s) sent" in done.stderr, done.stderr
    for finding in done.static:
        key = (path.name, finding["code"], finding["line"], finding["column"])
        verdict, message = done.outcome(finding)
        if key in UNCHECKED:
            assert verdict == "not confirmed" and "not checked: " in message, message
            assert UNCHECKED[key] in message, message
        else:
            assert verdict == "confirmed", (key, message)
    # nothing the static check does not report: clean files confirm nothing, and no server admits
    # more than its file (no drift) or sends a per-origin answer without Vary the check missed
    assert done.unexplained == []
    if not done.static:
        assert [f for f in done.live if f["code"] in ("OL901", "OL903")] == []
    listed = {key for key in UNCHECKED if key[0] == path.name}
    found = {(path.name, f["code"], f["line"], f["column"]) for f in done.static}
    assert listed <= found, listed - found
