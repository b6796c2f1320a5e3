"""The nginx format on real fixture files: every data-flow shape, every rule, at its line and column."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from origins_lint.formats import nginx
from origins_lint.formats.base import FormatOptions
from origins_lint.matchers import analyse_regex
from origins_lint.model import NGINX_REGEX
from origins_lint.source import Source, decode
from tests.conftest import FIXTURES, check_json, mutate, run_cli, run_every_rule, write

NGINX = FIXTURES / "nginx"


def found(path: Path, *extra: str) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=extra)
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


EXPECTED = {
    # shape 2: the echo with credentials, pointed at `$http_origin` in add_header
    "direct-reflection.conf": [("OL402", 7, 48)],
    # shape 3: guarded by an anchored, escaped regex
    "guarded-copy.conf": [],
    # shape 4: the echo is the guard's regex (https? is its only problem), through the flag and its
    # concatenation `${cors}options`, in both the plain and the preflight block
    "flag-variable.conf": [("OL202", 4, 29)],
    "flag-unconditional.conf": [("OL402", 9, 52)],
    "flag-commented.conf": [("OL304", 8, 52)],
    # shape 5: exact keys are fine; weak regex keys and a duplicate key are reported at the key
    "map-allowlist.conf": [
        ("OL001", 8, 6),  # nginx -t: conflicting parameter "https://app.example.com" (issue 17), and
        # no OL103 on that key besides: one flaw, one finding (s27b-fidelity)
        ("OL202", 7, 6),
        ("OL302", 5, 6),
        ("OL306", 6, 6),
        ("OL306", 7, 6),
        ("OL307", 6, 6),
    ],
    "map-default-reflect.conf": [("OL402", 3, 13)],
    "set-reflection.conf": [("OL304", 4, 22)],
    # the refused origins get the `always` echo on nginx's own 403 page (issue 17 item 3): low
    "negated-return.conf": [("OL402", 7, 48)],
    # shape 7: the column points inside the quoted "Header: value"
    "headers-more.conf": [("OL402", 4, 56)],
    "regex-bypasses.conf": [
        ("OL004", 29, 29),  # atomic group: not analysed, never a crash
        ("OL101", 24, 29),  # only matches values with a path
        ("OL202", 4, 29),
        ("OL302", 19, 30),
        ("OL306", 4, 29),  # no ^
        ("OL306", 9, 30),  # no $
        ("OL307", 14, 30),
        ("OL308", 19, 30),  # ([^/]+)? crosses the registrable-domain boundary
    ],
    "literal-origins.conf": [
        ("OL101", 27, 48),
        ("OL102", 30, 48),
        ("OL104", 36, 48),
        ("OL201", 15, 48),
        ("OL301", 4, 48),
        ("OL303", 33, 48),
        ("OL401", 7, 49),
        ("OL403", 11, 48),
        ("OL501", 18, 48),
        ("OL502", 21, 48),
        ("OL503", 24, 48),
        ("OL601", 39, 49),
    ],
    "shared-host.conf": [("OL303", 3, 6)],
    "response-headers.conf": [
        ("OL304", 20, 48),
        ("OL601", 26, 9),
        ("OL602", 17, 9),
        ("OL603", 17, 9),
        ("OL604", 7, 9),
        ("OL604", 11, 13),
        ("OL604", 17, 9),
        ("OL604", 20, 9),
        ("OL604", 25, 9),
        ("OL605", 11, 47),
        ("OL606", 21, 58),
    ],
    "true-negatives.conf": [],
    # snippets as kept in include folders, checked on their own
    "snippets/cors-headers.conf": [("OL401", 2, 40), ("OL404", 4, 41)],
    "snippets/cors-location.conf": [("OL402", 3, 44)],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_findings_at_their_line_and_column(name: str) -> None:
    assert found(NGINX / name) == sorted(EXPECTED[name])


def test_counterexamples_are_in_the_messages() -> None:
    result = check_json(NGINX / "regex-bypasses.conf")
    messages = {(f["code"], f["line"]): f["message"] for f in result.findings}
    assert "`https://attackerexample.com` gets in" in messages[("OL306", 4)]
    assert "`https://app.example.com.attacker.net` gets in" in messages[("OL306", 9)]
    assert "`https://apixexample.com` gets in" in messages[("OL307", 14)]
    assert "`https://attackerexample.com` in" in messages[("OL308", 19)]


def test_end_column_covers_the_origin() -> None:
    result = check_json(NGINX / "literal-origins.conf")
    finding = next(f for f in result.findings if f["code"] == "OL201")
    assert finding["end_column"] - finding["column"] == len("http://legacy.example.com")


def test_reflection_message_names_the_variable_as_written() -> None:
    result = check_json(NGINX / "set-reflection.conf")
    assert result.findings[0]["message"].startswith("`$HTTP_ORIGIN` echoes the request's `Origin`")


def test_full_layout_follows_includes_and_reports_in_the_included_files() -> None:
    layout = NGINX / "layout"
    result = check_json(layout)
    by_file = sorted(
        (os.path.relpath(f["path"], layout), f["code"], f["line"], f["column"]) for f in result.findings
    )
    # the map's entries come from `include snippets/trusted-origins.map` inside `map {}`; the
    # snippet using `$cors_origin` is analysed where nginx.conf defines it, so no "not analysed"
    assert by_file == [
        ("nginx.conf", "OL004", 7, 5),  # `include mime.types;`: not in the tree, said (issue 17)
        ("sites-enabled/legacy", "OL304", 4, 48),  # reached through an absolute include
        ("snippets/trusted-origins.map", "OL302", 2, 2),
        ("snippets/trusted-origins.map", "OL306", 2, 2),
    ]


def test_snippet_alone_says_its_variable_is_not_analysed() -> None:
    result = check_json(NGINX / "layout" / "snippets" / "cors.conf")
    assert result.codes() == ["OL004"]
    assert "`$cors_origin` is not set in this file" in result.findings[0]["message"]


def test_allowed_domains_flags_other_registrable_domains(project: Path) -> None:
    write(project, ".origins-lint.toml", 'allowed-domains = ["example.com"]\n')
    write(
        project,
        "site.conf",
        """
        map $http_origin $cors_origin {
            default "";
            "https://app.example.com" $http_origin;
            "https://partner.example.org" $http_origin;
            "~^https://(www\\.)?example\\.net$" $http_origin;
        }
        server {
            location / {
                add_header Access-Control-Allow-Origin $cors_origin always;
                add_header Vary Origin always;
            }
        }
        """,
    )
    result = check_json("site.conf")
    assert result.at("OL801") == [(4, 6), (5, 6)]


def test_denied_origins_apply_to_nginx(project: Path) -> None:
    write(project, ".origins-lint.toml", 'denied-origins = ["*.example.org"]\n')
    write(
        project,
        "site.conf",
        """
        server {
            location / {
                add_header Access-Control-Allow-Origin https://partner.example.org always;
            }
        }
        """,
    )
    assert check_json("site.conf").at("OL802") == [(3, 48)]


def test_suppression_comment_in_nginx(project: Path) -> None:
    write(
        project,
        "site.conf",
        """
        server {
            location /public/ {
                # origins-lint: ignore[reflected-origin] public, unauthenticated data
                add_header Access-Control-Allow-Origin $http_origin always;
                add_header Vary Origin always;
            }
        }
        """,
    )
    result = check_json("site.conf")
    assert result.exit_code == 0 and result.codes() == []


def test_suppression_in_an_included_file_applies_to_findings_reported_there(project: Path) -> None:
    write(project, "nginx.conf", "http {\n    include sites/*.conf;\n}\n")
    write(
        project,
        "sites/app.conf",
        """
        server {
            location / {
                add_header Access-Control-Allow-Origin $http_origin always;  # origins-lint: ignore[OL304]
                add_header Vary Origin always;
            }
        }
        """,
    )
    assert check_json(".").codes() == []


def test_match_proves_the_counterexample(project: Path) -> None:
    bypass = run_cli("match", "https://partnerxexample.org", str(NGINX / "map-allowlist.conf"))
    assert bypass.exit_code == 0
    assert "map-allowlist.conf:6:6: regex `^https://partner.example.org` admits it, with credentials" in (
        bypass.stdout
    )
    safe = run_cli("match", "https://evil.example.net", str(NGINX / "guarded-copy.conf"))
    assert safe.exit_code == 1
    assert "is not trusted by any entry" in safe.stdout
    exact = run_cli("match", "https://app.example.com", str(NGINX / "true-negatives.conf"), "-f", "json")
    assert exact.exit_code == 0
    assert {row["kind"] for row in exact.report["entries"]} == {"exact", "regex"}


def test_match_rejects_what_is_not_an_origin() -> None:
    result = run_cli("match", "https://x.example.com/path", str(NGINX))
    assert result.exit_code == 2
    assert "is not an origin: it has a path" in result.stderr


# --- detection --------------------------------------------------------------------


def test_other_conf_files_are_not_taken_for_nginx(project: Path) -> None:
    write(project, "supervisord.conf", "[program:web]\ncommand=/usr/bin/web --listen 80;\n")
    write(
        project,
        "apache.conf",
        "<VirtualHost *:80>\n  Header set Access-Control-Allow-Origin *\n</VirtualHost>\n",
    )
    write(project, "README.md", "```nginx\nserver { add_header X y; }\n```\n")
    result = check_json(".")
    # issue 22: the Apache file is read as Apache (its own findings), never as nginx
    assert result.report["files_checked"] == 1
    assert {(f["path"], f["format"]) for f in result.findings} == {("apache.conf", "apache")}


def test_sites_enabled_files_without_extension_are_read(project: Path) -> None:
    write(
        project,
        "sites-enabled/default",
        "server {\n  add_header Access-Control-Allow-Origin $http_origin always;\n}\n",
    )
    assert sorted(check_json(".").codes()) == ["OL304", "OL602"]


# --- broken input: a finding, never a traceback -----------------------------------------


BROKEN = {
    "missing-brace.conf": ("server {\n    location / {\n        add_header X y;\n}\n", 1, "is never closed"),
    "extra-brace.conf": ("server {\n}\n}\n", 3, 'unexpected "}"'),
    "unterminated.conf": (
        'server {\n    add_header Access-Control-Allow-Origin "https://a.example.com;\n}\n',
        2,
        'unterminated " string',
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_syntax_errors_are_ol001_at_their_line(project: Path, name: str) -> None:
    text, line, words = BROKEN[name]
    write(project, name, text)
    write(project, "good.conf", "server {\n  add_header Access-Control-Allow-Origin $http_origin;\n}\n")
    result = check_json(".")
    problems = [f for f in result.findings if f["code"] == "OL001"]
    assert len(problems) == 1 and problems[0]["path"].endswith(name)
    assert problems[0]["line"] == line and words in problems[0]["message"]
    assert "OL304" in result.codes()  # the other file is still checked
    assert "Traceback" not in result.stdout + result.stderr


def test_binary_and_utf16_files(project: Path) -> None:
    (project / "binary.conf").write_bytes(b"server {\x00\x01\x02}")
    (project / "utf16.conf").write_bytes("server {\n}\n".encode("utf-16"))
    result = check_json("binary.conf", "utf16.conf")
    messages = sorted(f["message"] for f in result.findings)
    assert [f["code"] for f in result.findings] == ["OL001", "OL001"]
    assert "binary" in messages[0] and "UTF-16" in messages[1]


def test_utf8_bom_is_read(project: Path) -> None:
    (project / "bom.conf").write_bytes(
        b"\xef\xbb\xbfserver {\n  add_header Access-Control-Allow-Origin $http_origin always;\n}\n"
    )
    assert check_json("bom.conf").at("OL304") == [(2, 42)]


def test_long_line_and_deep_nesting(project: Path) -> None:
    write(project, "long.conf", 'add_header X-Long "' + "a" * 1_500_000 + '";\n')
    write(project, "deep.conf", "location / {" * 150 + "}" * 150 + "\n")
    write(project, "deeper.conf", "location / {" * 3000 + "}" * 3000 + "\n")
    result = check_json(".")
    messages = {Path(f["path"]).name: f["message"] for f in result.findings}
    assert result.codes() == ["OL001", "OL001"]
    assert "nest more than 100 levels" in messages["deep.conf"]
    assert "nest too deeply to parse" in messages["deeper.conf"]


def test_include_cycle_is_reported_once_and_ends(project: Path) -> None:
    write(project, "a.conf", "http {\n    include b.conf;\n}\n")
    write(
        project,
        "b.conf",
        "server {\n    include a.conf;\n    add_header Access-Control-Allow-Origin * always;\n}\n",
    )
    result = check_json("a.conf")
    cycles = [f for f in result.findings if f["code"] == "OL001"]
    assert cycles and all("include cycle" in f["message"] for f in cycles)
    assert "OL301" in result.codes()


def test_include_never_leaves_the_checked_tree(project: Path) -> None:
    write(project, "outside.conf", "add_header Access-Control-Allow-Origin $http_origin always;\n")
    write(project, "checked/site.conf", "server {\n    include ../outside.conf;\n}\n")
    result = check_json("checked")
    assert result.codes() == ["OL004"]  # not followed, and said so at the include (issue 17)
    assert result.at("OL004") == [(2, 5)]
    assert "outside the folders being checked" in result.findings[0]["message"]


def test_regex_with_catastrophic_shape_finishes(project: Path) -> None:
    write(
        project,
        "slow.conf",
        'server {\n    if ($http_origin ~ "^(a|a?)+(a*)*(.*)*$" ) { set $o $http_origin; }\n'
        "    add_header Access-Control-Allow-Origin $o always;\n    add_header Vary Origin always;\n}\n",
    )
    result = check_json("slow.conf")
    assert result.at("OL304") == [(2, 25)]  # it matches everything, shown with a verified origin
    assert "`https://attacker.net` gets in" in result.findings[0]["message"]


# --- property: mutated configs give findings, never exceptions ----------------------

_SEEDS = sorted(p.read_bytes() for p in NGINX.rglob("*") if p.is_file())
_PIECES = st.sampled_from(
    [
        b"{",
        b"}",
        b";",
        b'"',
        b"'",
        b"\\",
        b"$",
        b"#",
        b"(",
        b")",
        b"~*",
        b"!~",
        b"=",
        b"\n",
        b"\x00",
        b"if ($http_origin ~ ",
        b"set $cors ",
        b"map $http_origin $m {",
        b"add_header ",
        b"include *.conf;",
        b"Access-Control-Allow-Origin ",
        b"$http_origin",
        b"(?>",
        b"\\Q",
        b"[--a]",
        b"(a+)+",
    ]
)


@given(
    seed=st.sampled_from(_SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 6), _PIECES), max_size=6),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mutated_configs_never_raise(
    tmp_path: Path, seed: bytes, edits: list[tuple[int, int, bytes]]
) -> None:
    data = mutate(seed, edits)
    (tmp_path / "fuzzed.conf").write_bytes(data)
    source = decode(str(tmp_path / "fuzzed.conf"), data)
    if isinstance(source, Source):
        run_every_rule(nginx.parse(source, FormatOptions((str(tmp_path),))))


def test_regex_parser_warnings_never_reach_the_user() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        analysed = analyse_regex("^https://[--a]x\\.example\\.com$", NGINX_REGEX)
    assert analysed.analysed
    assert caught == []


def test_digits_python_reads_but_int_refuses_are_not_numbers(project: Path) -> None:
    """`²` is a digit to str.isdigit() and not to int(): found while fuzzing ports, checked everywhere."""
    write(
        project,
        "a.conf",
        'server {\n  location /a {\n    add_header Access-Control-Max-Age "\u00b2\u00b2" always;\n'
        "    add_header Access-Control-Allow-Origin $http_origin always;\n  }\n"
        "  location /b {\n    add_header Access-Control-Allow-Origin $http_origin always;\n"
        "    return \u00b2\u00b2\u00b2;\n  }\n}\n",
    )
    result = check_json("a.conf")
    assert result.stderr == ""
    assert result.at("OL304") == [
        (4, 44)
    ]  # /a is checked; /b returns no success, so its headers do not count
