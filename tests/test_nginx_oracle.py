"""The project's own oracle (issue 17, item 10): `match` against a real nginx, on our own nginx files.

Every file in `tests/fixtures/nginx/oracle/` (one realistic shape each), every
other nginx fixture and every nginx example is loaded into a real nginx on
127.0.0.1 (see `tests/nginx_oracle.py` for the wrapping and the probes), and
for each (file, path, origin) `origins-lint match` must agree with what nginx
sent: an origin nginx admits on a 2xx is trusted (or unknown) for `match`; an
origin nginx admits nowhere in the file is not trusted. Each oracle file also has
its findings asserted with code, line and column, as the issue says they must be.

Where today's code is known to be wrong, the file is listed in
`KNOWN_DISAGREEMENTS` (nginx and `match` disagree) or `PENDING_FINDINGS` (the
findings are not yet the correct ones) with the diagnosis; the test asserts that
each still differs, so a fix forces the entry out of the list and the file back
into the strict check. `python -m tests.nginx_oracle FILE` shows every disagreement of a file.

Without an nginx binary the nginx tests skip, with the reason, except under `CI`
(`.ci/run` installs `nginx-light` and the headers-more module), where they fail.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.nginx_oracle import (
    FIXTURES_NGINX,
    MAX_ORIGINS,
    ORACLE,
    ROOT,
    Exchange,
    FileRun,
    Pair,
    admits,
    compare,
    findings,
    fixtures,
    match_answers,
    need_nginx,
    probe_origins,
    quoted_origins,
    rewrite,
    run_file,
    stub_upstream,
)

Expected = tuple[str, int, int] | tuple[str, str, int, int]  # (code, line, column), or (file, code, ...)

# Correct findings for each oracle file, as issue 17 states them. Where a finding
# points into an included snippet, its path (relative to the oracle folder) comes first.
EXPECTED: dict[str, list[Expected]] = {
    # --- map ---------------------------------------------------------------------------------
    "map-exact.conf": [],
    "map-regex-anchored.conf": [("OL302", 8, 6)],
    "map-regex-no-dollar.conf": [("OL306", 8, 6)],
    "map-regex-no-caret.conf": [("OL202", 8, 6), ("OL306", 8, 6)],
    "map-regex-unescaped-dot.conf": [("OL307", 8, 6)],
    "map-regex-icase.conf": [],
    "map-regex-http.conf": [("OL202", 8, 6)],
    "map-regex-too-broad.conf": [("OL302", 8, 6), ("OL308", 8, 6)],
    "map-default-echo.conf": [("OL402", 7, 13)],
    # item 6: `null` is an origin browsers send; with credentials that is OL403, not OL101
    "map-null-key.conf": [("OL403", 9, 6)],
    # item 8: map string keys ignore case, so this key admits https://app.example.com
    "map-uppercase-key.conf": [],
    "map-capture-value.conf": [("OL302", 8, 6)],
    # a capture that is the start of the match: what it groups, matched whole (no OL306: the
    # browser refuses `https://a.example.com.attacker.net`, sent back as `https://a.example.com`)
    "map-capture-prefix.conf": [("OL302", 10, 6)],
    "map-literal-values.conf": [],
    "map-no-vary.conf": [("OL602", 17, 9)],
    # item 4: nginx refuses a duplicate exact key ("conflicting parameter") at that key
    "map-duplicate-key.conf": [("OL001", 10, 6)],
    # one map decides, a second one sends: the first map's regex key is the matcher
    "chained-map.conf": [("OL302", 5, 6)],
    # a `set` in an `if` changes a map variable only where the `if` is taken: elsewhere the map
    # decides (found on real configs, notes/s30-hunt3.md #1; it was "No findings")
    "if-set-map-skipped.conf": [("OL402", 7, 6)],
    "if-set-map-flag.conf": [("OL202", 9, 6), ("OL302", 9, 6), ("OL306", 9, 6)],
    "if-set-origin-emptied.conf": [("OL302", 8, 31), ("OL306", 8, 31)],
    # a key no value of the first map can make (`<<unknown>> -> ...`) never holds
    "map-composite-key.conf": [("OL306", 5, 5)],
    # credentials from a second map on the Origin go with the origins it lists (notes/s30-hunt3.md
    # #4): it was OL401 high (`*` with credentials) and OL402 critical (every origin with them)
    "map-credentials-by-origin.conf": [("OL301", 6, 14)],
    "map-echo-credentials-listed.conf": [("OL304", 5, 13)],
    # --- if ----------------------------------------------------------------------------------
    "if-regex-anchored.conf": [],
    "if-regex-variable.conf": [("OL105", 14, 25)],  # the check never passes, nothing is sent
    "if-regex-icase.conf": [],
    "if-regex-unanchored.conf": [("OL202", 12, 30), ("OL306", 12, 30)],
    "if-regex-unescaped-dot.conf": [("OL307", 12, 29)],
    "if-equals.conf": [],
    "if-equals-uppercase.conf": [("OL102", 12, 29)],
    # item 6: `= "null"` admits the null origin (no credentials here)
    "if-equals-null.conf": [("OL305", 12, 29)],
    "if-not-equals-return.conf": [("OL603", 14, 9), ("OL603", 15, 9)],
    # item 5: a negated check decides too; the echo is set first and cleared for other origins
    "if-negated-regex.conf": [],
    "if-negated-regex-weak.conf": [("OL306", 12, 30)],
    # item 3: `*` only for requests without an Origin, which no cross-origin page sends: no OL301
    "if-empty-origin-star.conf": [("OL603", 12, 13)],
    "if-flag-concat.conf": [],
    "if-flag-weak.conf": [("OL202", 12, 30), ("OL306", 12, 30)],
    # --- echo --------------------------------------------------------------------------------
    "echo-credentials.conf": [("OL402", 11, 48)],
    "echo-no-credentials.conf": [("OL304", 11, 48)],
    # item 3: `${http_origin}` is `$http_origin`, and the line has `always`: no OL603
    "echo-braces.conf": [("OL402", 11, 48)],
    "echo-quoted.conf": [("OL402", 11, 49)],
    "echo-set-variable.conf": [("OL402", 11, 22)],
    "echo-no-always.conf": [("OL402", 11, 48), ("OL603", 11, 9), ("OL603", 12, 9)],
    "echo-server-level.conf": [("OL402", 6, 44)],
    "http-level-echo.conf": [("OL402", 2, 40)],
    # --- return (item 3: add_header applies to 200/201/204/206/301/302/303/304/307/308) ------
    "return-200-echo.conf": [("OL402", 11, 48), ("OL603", 11, 9), ("OL603", 12, 9)],
    "return-200-echo-always.conf": [("OL402", 11, 48)],
    "return-204-echo.conf": [("OL402", 11, 48), ("OL603", 11, 9), ("OL603", 12, 9)],
    "return-204-literal.conf": [("OL603", 11, 9), ("OL603", 12, 9)],
    "return-204-echo-always.conf": [("OL402", 11, 48)],
    "return-301-echo.conf": [("OL402", 11, 48), ("OL603", 11, 9), ("OL603", 12, 9)],
    "return-302-echo-always.conf": [("OL402", 11, 48)],
    # without `always` nginx sends no CORS header on a 403/404: nothing to report
    "return-403-echo.conf": [],
    "return-404-echo.conf": [],
    # with `always`, every status carries the echo
    "return-403-echo-always.conf": [("OL402", 11, 48)],
    "return-404-echo-always.conf": [("OL402", 11, 48)],
    "preflight-204.conf": [],
    # --- nested add_header -------------------------------------------------------------------
    "nested-location-drop.conf": [("OL604", 14, 9)],
    # no OL603 at 14:13 (s30, deliberately): the `if` only preflights enter answers 204, its
    # only response (a preflight has no body to be refused), so `always` changes nothing there
    "nested-if-drop.conf": [("OL604", 14, 13)],
    "nested-more-set-headers.conf": [],
    # item 3: OL604 is about response headers only
    "request-header-dropped.conf": [],
    # --- values from the request URL (item 3: attacker-controlled, like $arg_origin) -----------
    "arg-origin.conf": [("OL402", 12, 48)],
    "location-regex-capture.conf": [("OL402", 12, 56)],
    "location-regex-positional.conf": [("OL402", 14, 48)],
    "rewrite-capture.conf": [("OL402", 13, 56)],
    "if-request-uri-capture.conf": [("OL402", 14, 30)],
    # item 3: `$request_uri`/`$uri` alone can only be a path: a broken header, never an origin
    "request-uri-value.conf": [("OL101", 7, 48), ("OL101", 12, 48)],
    # --- literal origins (item 8: the browser compares bytes) ---------------------------------
    "literal-exact.conf": [],
    "literal-null.conf": [("OL403", 11, 48)],
    "literal-uppercase.conf": [("OL102", 11, 49)],
    "literal-port-443.conf": [("OL102", 11, 49)],
    "literal-port-8443.conf": [],
    "literal-trailing-dot.conf": [("OL102", 11, 49)],
    "literal-http.conf": [("OL201", 11, 49)],
    "literal-star.conf": [("OL301", 11, 49)],
    "literal-localhost.conf": [("OL501", 11, 49)],
    "star-credentials.conf": [("OL401", 11, 49)],
    "two-acao-headers.conf": [("OL601", 12, 9)],
    "acao-list.conf": [("OL601", 11, 49)],
    # --- headers-more ------------------------------------------------------------------------
    "more-set-headers-echo.conf": [("OL402", 11, 56)],
    "more-set-headers-literal.conf": [],
    "more-set-headers-status.conf": [("OL402", 11, 69), ("OL602", 11, 9)],
    "more-set-headers-map.conf": [],
    # --- includes ----------------------------------------------------------------------------
    "include-snippet-echo.conf": [("snippets/cors-echo.conf", "OL402", 2, 40)],
    "include-snippet-literal.conf": [],
    "include-map-entries.conf": [("snippets/origins.map", "OL302", 3, 2)],
    # --- other headers and trust decisions (items 5 and 7) -------------------------------------
    "allow-headers-echo.conf": [("OL404", 13, 49)],
    "allow-headers-echo-no-credentials.conf": [],
    # gixy-next's case: `([^/]+)?webvisor\.com` gates X-Frame-Options, so high
    "xfo-origin-regex.conf": [("OL302", 11, 30), ("OL308", 11, 30)],
    # a `return 403` guard (CSRF) whose regex has unescaped dots
    "csrf-return-guard.conf": [("OL307", 11, 30)],
    # a flag nothing reads: reported, at low
    "flag-unread.conf": [("OL202", 11, 29), ("OL306", 11, 29)],
    "max-age-excessive.conf": [("OL605", 12, 43)],
    # --- nginx refuses these (item 4): OL001 at the line nginx names ---------------------------
    "broken-quote.conf": [("OL001", 11, 42)],  # at the `*` nginx names as unexpected
    "add-header-arg-count.conf": [("OL001", 11, 9)],
    "set-arg-count.conf": [("OL001", 11, 9)],
    # found on real configs (notes/s30-hunt3.md #6): both were analysed as if nginx loaded them
    "if-server-add-header.conf": [("OL001", 12, 9)],
    "map-unquoted-brace.conf": [("OL001", 9, 20)],
}

# Item 5: the severity of a weak origin check follows what it gates (every finding of the file).
SEVERITY: dict[str, str] = {
    "xfo-origin-regex.conf": "high",  # X-Frame-Options
    "csrf-return-guard.conf": "high",  # a `return 403` guard
    "flag-unread.conf": "low",  # a flag nothing reads
}

# What `nginx -t` says about the files it refuses (their findings are OL001, above).
REFUSED: dict[str, str] = {
    "map-duplicate-key.conf": 'conflicting parameter "https://app.example.com" in map-duplicate-key.conf:10',
    "broken-quote.conf": 'unexpected "*" in broken-quote.conf:11',
    "add-header-arg-count.conf": (
        'invalid number of arguments in "add_header" directive in add-header-arg-count.conf:11'
    ),
    "set-arg-count.conf": 'invalid number of arguments in "set" directive in set-arg-count.conf:11',
    "if-server-add-header.conf": '"add_header" directive is not allowed here in if-server-add-header.conf:12',
    "map-unquoted-brace.conf": 'unexpected "{" in map-unquoted-brace.conf:9',
    # other fixtures: a duplicate map key on purpose, and a directive of nginx 1.29 (`add_header_inherit`)
    "tests/fixtures/nginx/map-allowlist.conf": (
        'conflicting parameter "https://app.example.com" in map-allowlist.conf:8'
    ),
    "tests/fixtures/nginx/response-headers.conf": (
        'unknown directive "add_header_inherit" in response-headers.conf:29'
    ),
}

# Oracle files whose findings are not yet the correct ones above: file -> diagnosis.
PENDING_FINDINGS: dict[str, str] = {}  # none: map-duplicate-key.conf is OL001 alone since s27b-fidelity

# Files where `match` and nginx still disagree: file -> diagnosis (`python -m tests.nginx_oracle FILE`).
KNOWN_DISAGREEMENTS: dict[str, str] = {}


def _in_a_tree(path: Path) -> bool:
    """Inside a whole /etc/nginx copy (a folder with its own nginx.conf, below the fixtures' root)."""
    return any(
        (folder / "nginx.conf").is_file() for folder in path.parents if FIXTURES_NGINX in folder.parents
    )


# Every other nginx fixture and example. Not the files of a whole /etc/nginx copy (layout/,
# files/debian-etc-nginx/: absolute includes; test_nginx_files runs that tree through
# `nginx -t` in its own prefix), nor templates (nginx never loads one before envsubst).
OTHER_FILES = sorted(
    [
        *(
            p
            for p in FIXTURES_NGINX.rglob("*.conf")
            if not {"oracle", "templates"} & set(p.parts) and not _in_a_tree(p)
        ),
        *(ROOT / "examples" / "nginx").glob("*.conf"),
    ]
)
ORACLE_FILES = fixtures()
ALL_FILES = ORACLE_FILES + OTHER_FILES


def _key(path: Path) -> str:
    return path.name if path.parent == ORACLE else str(path.relative_to(ROOT))


@dataclass
class Outcome:
    run: FileRun
    pairs: list[Pair]

    def disagreements(self) -> list[Pair]:
        return [p for p in self.pairs if not p.agrees]


@pytest.fixture(scope="module")
def binary() -> str:
    return need_nginx()


@pytest.fixture(scope="module")
def oracle(
    binary: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[dict[str, Outcome]]:
    """Every file through nginx and `match` once; the tests below read the outcomes."""
    cwd = tmp_path_factory.mktemp("oracle-cwd")  # no origins-lint config from this repository
    out: dict[str, Outcome] = {}
    with stub_upstream() as stub:
        for path in ALL_FILES:
            messages = [f["message"] for f in findings(path, cwd)]
            run = run_file(path, quoted_origins(messages), binary, stub)
            pairs = [] if run.refused else compare(run, match_answers(path, run.origins, cwd))
            out[_key(path)] = Outcome(run, pairs)
    yield out
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        print("\n" + "\n".join(summary(out)))  # shown without -s


def summary(out: dict[str, Outcome]) -> list[str]:
    """Files, (file, path, origin) pairs, agreement; and each file nginx refuses, with its message."""
    loaded = [o for o in out.values() if o.run.refused is None]
    pairs = [p for o in loaded for p in o.pairs]
    decided = [p for p in pairs if not p.per_file]
    agree = sum(p.agrees for p in decided)
    share = 100 * agree / max(len(decided), 1)
    lines = [
        f"nginx oracle: {len(out)} files ({len(ORACLE_FILES)} oracle files), {len(loaded)} loaded by nginx, "
        f"{len(out) - len(loaded)} refused; {len(pairs)} (file, path, origin) pairs, {len(decided)} "
        f"decided per location; agreement {agree}/{len(decided)} = {share:.1f}%, "
        f"files in full agreement {sum(not o.disagreements() for o in loaded)}/{len(loaded)}"
    ]
    lines.extend(f"nginx refuses {name}: {o.run.refused}" for name, o in out.items() if o.run.refused)
    return lines


def test_every_oracle_file_has_expectations() -> None:
    """A new shape needs its expected findings; at least 60 files of our own (the issue's bar)."""
    names = {p.name for p in ORACLE_FILES}
    assert names == set(EXPECTED)
    assert len(names) >= 60
    assert set(PENDING_FINDINGS) <= names
    assert set(KNOWN_DISAGREEMENTS) <= {_key(p) for p in ALL_FILES}
    assert not set(KNOWN_DISAGREEMENTS) & set(REFUSED)


@pytest.mark.parametrize("path", ORACLE_FILES, ids=lambda p: p.name)
def test_findings_at_line_and_column(path: Path, tmp_path: Path) -> None:
    got = sorted(
        (
            ""
            if Path(f["path"]).resolve() == path.resolve()
            else str(Path(f["path"]).resolve().relative_to(ORACLE)),
            f["code"],
            f["line"],
            f["column"],
        )
        for f in findings(path, tmp_path)
    )
    want = sorted(e if len(e) == 4 else ("", *e) for e in EXPECTED[path.name])
    if path.name in PENDING_FINDINGS:
        assert got != want, f"{path.name} is fixed: take it out of PENDING_FINDINGS"
        return
    assert got == want
    if path.name in SEVERITY:
        assert {f["severity"] for f in findings(path, tmp_path)} == {SEVERITY[path.name]}


@pytest.mark.nginx
@pytest.mark.parametrize("path", ALL_FILES, ids=_key)
def test_match_agrees_with_nginx(path: Path, oracle: dict[str, Outcome]) -> None:
    """For every (path, origin) nginx answered, `match` says what nginx did (see nginx_oracle.compare)."""
    name = _key(path)
    outcome = oracle[name]
    if name in REFUSED:
        assert outcome.run.refused is not None and REFUSED[name] in outcome.run.refused, outcome.run.refused
        return
    if path not in ORACLE_FILES and outcome.run.refused is not None:
        return  # another helper's fixture this nginx cannot load (a module it lacks): listed in the summary
    assert outcome.run.refused is None, f"nginx refuses {name}: {outcome.run.refused}"
    assert outcome.pairs, f"no probe reached {name}"
    wrong = outcome.disagreements()
    if name in KNOWN_DISAGREEMENTS:
        assert wrong, f"{name} now agrees with nginx: take it out of KNOWN_DISAGREEMENTS"
        return
    said = {
        "2xx": "admits it on a 2xx",
        "other": "admits it only on another status",
        "no": "does not admit it",
    }
    shown = [f"{p.target} Origin {p.origin}: nginx {said[p.nginx]}, match says {p.match}" for p in wrong[:20]]
    assert not wrong, f"{len(wrong)} disagreement(s) in {name}:\n" + "\n".join(shown)


@pytest.mark.nginx
def test_the_oracle_covers_sixty_of_our_files(oracle: dict[str, Outcome]) -> None:
    """The issue's bar: the oracle passes on at least 60 of our own files that nginx loads."""
    passing = [
        p.name
        for p in ORACLE_FILES
        if p.name not in REFUSED and p.name not in KNOWN_DISAGREEMENTS and not oracle[p.name].disagreements()
    ]
    assert len(passing) >= 60, f"{len(passing)} oracle files pass: {sorted(passing)}"


# --- the harness itself (no nginx needed) ----------------------------------------------------------


def test_rewrite_keeps_every_line_and_reaches_only_the_test_ports(tmp_path: Path) -> None:
    """nginx's messages name the file's own lines, and nothing leaves 127.0.0.1."""
    text = (ORACLE / "echo-server-level.conf").read_text(encoding="utf-8")
    out = rewrite(text, [8081], 8082, tmp_path)
    assert len(out.splitlines()) == len(text.splitlines())
    assert "listen 127.0.0.1:8081;" in out and "#listen 80;" in out
    assert "proxy_pass http://127.0.0.1:8082;" in out and "10.0.0.5" not in out.replace("server 10.0.0.5", "")


def test_probes_cover_the_attacks_on_each_host_and_stay_bounded() -> None:
    text = (ORACLE / "map-regex-unescaped-dot.conf").read_text(encoding="utf-8")
    probes = probe_origins(text, ["https://appxexample.com"])
    assert probes[0] == "https://appxexample.com"  # the counterexample the finding quotes comes first
    for origin in (
        "null",
        "https://app.example.com",
        "http://app.example.com",
        "https://app.example.com.evil.test",
        "https://evilapp.example.com",
        "https://app.example.com:8443",
        "https://app.example.com.",
        "https://APP.EXAMPLE.COM",
    ):
        assert origin in probes
    assert len(probes) <= MAX_ORIGINS


def test_a_browser_admits_one_value_equal_byte_for_byte_or_star() -> None:
    assert admits(Exchange(200, ["https://a.example.com"]), "https://a.example.com")
    assert admits(Exchange(200, ["*"]), "https://a.example.com")
    assert not admits(Exchange(200, ["https://A.example.com"]), "https://a.example.com")
    assert not admits(
        Exchange(200, ["https://a.example.com", "https://a.example.com"]), "https://a.example.com"
    )
    assert not admits(Exchange(200, ["https://a.example.com https://b.example.com"]), "https://a.example.com")
    assert not admits(Exchange(200, []), "https://a.example.com")
