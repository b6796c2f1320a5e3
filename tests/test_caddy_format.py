"""Caddy (Caddyfile and JSON config): the `header` directive, request matchers on `Origin`,
snippets and imports, at line and column.

Semantics from caddyserver/caddy at 0cf03d32f7d99cf160d5375e8a40fbe3d910d515:
caddyconfig/caddyfile/lexer.go and parse.go (tokens, snippets, `import` args),
modules/caddyhttp/headers/caddyfile.go (`header` prefixes, `defer`), modules/caddyhttp/
matchers.go (`matchHeaders`, `MatchRegexp.Match`; tests TestHeaderMatcher, TestHeaderREMatcher).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from origins_lint.formats import FormatOptions, detect
from origins_lint.formats.webservers.caddy.lexer import LexError, tokenize
from origins_lint.source import Source
from tests.conftest import FIXTURES, check_json, run_cli, run_every_rule, write

CADDY = FIXTURES / "caddy"


def found(path: Path, *extra: str) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=("--no-cache", *extra))
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"]) for f in result.findings]


def messages(path: Path) -> dict[tuple[str, int, int], str]:
    return {(f["code"], f["line"], f["column"]): f["message"] for f in check_json(path).findings}


def verdict(origin: str, path: Path) -> int:
    return run_cli("match", origin, str(path)).exit_code


# --- the Caddyfile ---------------------------------------------------------------------


def test_risky_caddyfile_findings_at_line_and_column() -> None:
    path = CADDY / "risky.caddyfile"
    assert found(path) == [
        ("OL602", 11, 5),  # block form: an unguarded echo, no Vary
        ("OL402", 11, 33),  # ... with Access-Control-Allow-Credentials true in the same block
        ("OL202", 17, 15),  # `import cors *example.com`: the arg, where it is written
        ("OL309", 17, 15),  # `*example.com` is strings.HasSuffix: attackerexample.com
        ("OL302", 21, 30),  # header_regexp is a search: unanchored, `.` unescaped
        ("OL306", 21, 30),
        ("OL307", 21, 30),
        ("OL601", 27, 38),  # two origins in one value
        ("OL004", 31, 38),  # {$CORS_ORIGIN}: set from the environment when Caddy loads
        ("OL301", 35, 38),
        ("OL605", 36, 33),
    ]
    said = messages(path)
    assert said[("OL602", 11, 5)].endswith("add `header +Vary Origin` next to it")
    assert "a Caddy `header` matcher" in said[("OL601", 27, 38)]
    assert said[("OL309", 17, 15)].startswith("suffix `example.com` does not stop at a host boundary")


def test_clean_caddyfile_is_silent() -> None:
    assert found(CADDY / "clean.caddyfile") == []


def test_header_matcher_forms_are_prefix_contains_list_regex_and_not() -> None:
    path = CADDY / "guards.caddyfile"
    assert found(path) == [
        ("OL309", 2, 25),  # `value*`: strings.HasPrefix, app.example.com.attacker.net
        ("OL202", 3, 27),  # `*example*`: strings.Contains
        ("OL309", 3, 27),
        ("OL304", 9, 18),  # `not header Origin X`: every other origin is echoed
    ]
    assert verdict("https://app.example.com.attacker.net", path) == 0
    assert verdict("https://b.example.com", path) == 0  # `@many`: two header lines, OR'ed
    assert verdict("https://C.example.com", path) == 0  # `(?i)` in header_regexp


def test_guarded_echo_admits_only_what_the_matcher_passes() -> None:
    clean = CADDY / "clean.caddyfile"
    assert verdict("https://app.example.com", clean) == 0
    assert verdict("https://admin.example.com", clean) == 0
    assert verdict("https://app.example.com.attacker.net", clean) == 1
    assert verdict("https://App.example.com", clean) == 1  # `==` and the regex are case-sensitive
    risky = CADDY / "risky.caddyfile"
    assert verdict("https://attackerexample.com", risky) == 0


def test_broken_caddyfiles_are_ol001_at_their_line(tmp_path: Path) -> None:
    assert found(CADDY / "unclosed.caddyfile") == [("OL001", 1, 13)]
    assert found(CADDY / "unknown-snippet.caddyfile") == [("OL001", 2, 10)]
    said = messages(CADDY / "unknown-snippet.caddyfile")[("OL001", 2, 10)]
    assert "`import cors-policy` names no snippet defined above it" in said
    cases = {
        'a.example.com {\n  header X "unclosed\n}\n': (2, 12),  # where the quote opens
        "a.example.com {\n  respond <<EOF\n  text\n}\n": (2, 11),
        "a.example.com {\n}\n}\n": (3, 1),
        "a.example.com {\n  header @nope X y\n}\n": (2, 10),
        "(c) {\n  import c\n}\na.example.com {\n  import c\n}\n": (2, 3),  # an import cycle
        "a.example.com {\n  @m header Origin x\n}\n@m header Origin y\n": (4, 1),
    }
    for index, (text, (line, column)) in enumerate(cases.items()):
        path = write(tmp_path, f"broken{index}.caddyfile", text)
        result = check_json(path, extra=("--no-cache",))
        assert "Traceback" not in result.stdout + result.stderr
        assert [(f["code"], f["line"], f["column"]) for f in result.findings] == [("OL001", line, column)], (
            text
        )


def test_limits_nesting_and_import_bombs(tmp_path: Path) -> None:
    """Deep blocks are OL001 at the limit (`max-nesting`), not a RecursionError; snippets that
    import each other twice per level stop at 100,000 tokens, said as OL004."""
    deep = write(tmp_path, "deep.caddyfile", "a {\n" + "handle {\n" * 150 + "}\n" * 151)
    result = check_json(deep, extra=("--no-cache",))
    assert [(f["code"], f["line"]) for f in result.findings] == [("OL001", 102)]  # the 101st level
    assert "blocks nest deeper than 100 levels" in result.findings[0]["message"]
    levels = "".join(
        f"({chr(98 + i)}) {{\n  import {chr(97 + i)}\n  import {chr(97 + i)}\n}}\n" for i in range(16)
    )
    bomb = write(tmp_path, "bomb.caddyfile", "(a) {\n  header X y\n}\n" + levels + "s {\n  import q\n}\n")
    result = check_json(bomb, extra=("--no-cache",))
    assert [f["code"] for f in result.findings] == ["OL004"]
    assert "past 100,000 tokens" in result.findings[0]["message"]


def test_two_values_on_one_header_matcher_line_are_refused(tmp_path: Path) -> None:
    """matchers.go MatchHeader.UnmarshalCaddyfile reads one value a line; the second is read as
    the next line's field, which has no value: Caddy refuses the Caddyfile."""
    path = write(
        tmp_path,
        "Caddyfile",
        "a.example.com {\n  @o header Origin https://a.example https://b.example\n"
        "  header @o Access-Control-Allow-Origin {header.Origin}\n  header Vary Origin\n}\n",
    )
    assert found(path) == [("OL002", 2, 6)]
    assert verdict("https://a.example", path) == 1


def test_engine_refusals_and_unanalysed_values() -> None:
    refused = CADDY / "refused.caddyfile"
    assert found(refused) == [("OL002", 2, 30), ("OL602", 3, 16)]
    assert messages(refused)[("OL002", 2, 30)].startswith(
        "Caddy refuses to load this config: Go's regexp cannot compile"
    )
    unanalysed = CADDY / "unanalysed.caddyfile"
    assert found(unanalysed) == [("OL004", 2, 9), ("OL602", 3, 16), ("OL602", 9, 16), ("OL004", 9, 44)]
    assert verdict("https://evil.example.net", unanalysed) == 3  # unknown, never "not trusted"


def test_map_of_the_origin_is_read_like_nginx_map() -> None:
    """modules/caddyhttp/map: the first mapping whose input matches (`==`, or `~` Go regexp
    searched) gives each destination; `-` leaves it to the next; `default` otherwise."""
    path = CADDY / "map.caddyfile"
    assert found(path) == [
        ("OL302", 4, 5),  # `~^https://[a-z]+\.example\.net$` echoed, with credentials from the map
        ("OL302", 5, 5),  # `$0` of an unanchored regex
        ("OL306", 5, 5),
        ("OL304", 19, 13),  # `default {header.Origin}`: every other origin
        ("OL602", 22, 15),  # ... per Origin, without Vary; `{site_origin}` (a map of `{host}`) is fixed text
    ]
    assert verdict("https://app.example.com", path) == 0
    assert verdict("https://static.example.com", path) == 0  # the output of the `null` input
    assert verdict("https://evil.example.org", path) == 0  # the /b/* echo


def test_suppressions_are_caddyfile_comments() -> None:
    # line 3: an own-line comment above; line 9: a trailing one; line 7's `#` is inside quotes
    assert found(CADDY / "suppressed.caddyfile") == [("OL301", 8, 38)]


def test_snippet_args_defer_and_prefixes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Caddyfile",
        """
        (cors) {
          @o {
            header Origin {args[0]}
            header Origin {args[1]}
          }
          header @o {
            Access-Control-Allow-Origin {header.Origin}
            defer
          }
          header -Access-Control-Allow-Credentials
        }
        a.example.com {
          header Access-Control-Allow-Credentials true
          import cors https://a.example.com http://b.example.com
        }
        b.example.com {
          header ?Access-Control-Allow-Origin {http.request.header.Origin}
          header +Vary Origin
        }
        c.example.com {
          header Access-Control-Allow-Origin https://c.example.com
          header +Access-Control-Allow-Origin https://d.example.com
        }
        """,
    )
    assert found(path) == [
        ("OL602", 7, 5),  # the snippet's echo, deferred, without Vary
        ("OL201", 14, 37),  # http://b.example.com, from {args[1]}; the credentials were deleted (`-`)
        ("OL304", 17, 39),  # `?` sets the echo wherever the backend did not
        ("OL601", 22, 10),  # `+` appends a second allow-origin
    ]
    assert verdict("https://a.example.com", path) == 0


def test_a_response_match_makes_the_header_block_conditional(tmp_path: Path) -> None:
    """caddyfile.go: `match { status 200 }` becomes the handler's `Require`: its fields are set
    only on the responses it passes, so the echo below is one value of two, not a replacement."""
    path = write(
        tmp_path,
        "Caddyfile",
        """
        a.example.com {
          header Access-Control-Allow-Origin https://app.example.com
          header {
            Access-Control-Allow-Origin {header.Origin}
            match status 200
          }
          header +Vary Origin
        }
        """,
    )
    assert found(path) == [("OL304", 4, 33)]
    assert verdict("https://app.example.com", path) == 0


def test_a_colon_after_the_field_is_dropped_in_a_block_only(tmp_path: Path) -> None:
    """caddyfile.go: `strings.TrimSuffix(field, ":")` runs for block lines, not the first line."""
    block = write(
        tmp_path, "a.caddyfile", "a.example.com {\n  header {\n    Access-Control-Allow-Origin: *\n  }\n}\n"
    )
    assert found(block) == [("OL301", 3, 34)]
    line = write(tmp_path, "b.caddyfile", "a.example.com {\n  header Access-Control-Allow-Origin: *\n}\n")
    assert found(line) == []
    assert verdict("https://evil.example", line) == 1  # a field named `Access-Control-Allow-Origin:`


def test_lexer_quotes_backticks_heredocs_and_joined_lines() -> None:
    text = 'a "b c" `d "e"` "f\\"g" h\\\ni <<END\n  x\n  y\n  END\nj#k # comment\n'
    tokens, comments = tokenize(text)
    assert [t.text for t in tokens] == ["a", "b c", 'd "e"', 'f"g', "h", "i", "x\ny", "j#k"]
    assert [t.line for t in tokens] == [1, 1, 1, 1, 1, 1, 1, 6]  # `h\` + newline joins the lines
    assert [text[s:e] for s, e in comments] == ["# comment"]
    with pytest.raises(LexError):
        tokenize("a <<END\n x\n")


def test_every_rule_runs_on_every_fixture() -> None:
    # the imported snippets (`imports/snippets/*.caddy`) are read through their Caddyfile
    for path in [*sorted(p for p in CADDY.iterdir() if p.is_file()), CADDY / "imports" / "Caddyfile"]:
        fmt = detect(str(path), path.read_text("utf-8"))
        assert fmt is not None and fmt.name == "caddy", path
        run_every_rule(fmt.parse(Source(str(path), path.read_text("utf-8")), FormatOptions()))


# --- the JSON config -------------------------------------------------------------------


def test_json_config_routes_matchers_and_handlers() -> None:
    path = CADDY / "caddy.json"
    assert found(path) == [
        ("OL101", 9, 75),  # `https://*.example.com` in a header matcher is compared with `==`
        ("OL302", 24, 82),  # header_regexp (key `origin`: the field name folds case), searched
        ("OL306", 24, 82),
        ("OL602", 57, 25),  # reverse_proxy's headers.response: an unguarded echo
        ("OL402", 57, 57),
    ]
    said = messages(path)
    assert said[("OL602", 57, 25)].endswith('add `"Vary": ["Origin"]` to this handler\'s `response.add`')
    # the regexp route sets no credentials: the first route's are for its own matcher's requests
    assert "allows credentials" not in said[("OL302", 24, 82)]
    assert verdict("https://app.example.com", path) == 0
    assert verdict("https://x.example.org.attacker.net", path) == 0


def test_json_static_response_headers(tmp_path: Path) -> None:
    """modules/caddyhttp/staticresp.go: `headers` are set on the response it writes."""
    path = write(
        tmp_path,
        "caddy.json",
        """
        {"apps": {"http": {"servers": {"s": {"routes": [
          {"handle": [{"handler": "static_response", "status_code": 204,
                       "headers": {"Access-Control-Allow-Origin": ["*"]}}]}
        ]}}}}}
        """,
    )
    assert found(path) == [("OL301", 3, 60)]


def test_broken_and_foreign_json(tmp_path: Path) -> None:
    broken = write(tmp_path, "caddy.json", '{"apps": {"http": {"servers": {\n  "a": [}\n}}}\n')
    assert found(broken) == [("OL001", 2, 9)]
    text = '{"apps": {"http": {"servers": {"s": {"routes": [{"match": [{"header": {"Origin": "https://a.example"}}]}]}}}}}'
    scalar = write(tmp_path, "scalar/caddy.json", text + "\n")
    assert found(scalar) == [("OL002", 1, 82)]  # http.Header: a list of values, or Caddy refuses
    empty = write(tmp_path, "other/caddy.json", '{"apps": {"tls": {}}}\n')
    assert [code for code, _, _ in found(empty)] == ["OL002"]


# --- detection -------------------------------------------------------------------------

OKTA_EXPORT = '[{"id": "x", "origin": "https://app.example.com", "scopes": [{"type": "CORS"}]}]\n'
CADDY_JSON = '{"apps": {"http": {"servers": {"a": {"routes": []}}}}}\n'


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("Caddyfile", "a.example.com {\n}\n", "caddy"),
        ("Caddyfile.prod", "a.example.com {\n}\n", "caddy"),
        ("sites/api.caddyfile", "a.example.com {\n}\n", "caddy"),
        ("caddy.json", CADDY_JSON, "caddy"),
        ("config/server.json", CADDY_JSON, "caddy"),
        ("trusted-origins.json", CADDY_JSON, "caddy"),  # a Caddy config is never an Okta export
        ("trusted-origins.json", OKTA_EXPORT, "okta"),
        ("caddy.json", OKTA_EXPORT, "okta"),  # ... and an Okta export never a Caddy config
        ("export.json", OKTA_EXPORT, "okta"),
        ("package.json", '{"name": "x", "version": "1.0.0"}\n', None),
        ("nginx.conf", "http {\n}\n", "nginx"),
    ],
)
def test_detection_by_name_and_content(name: str, text: str, expected: str | None) -> None:
    fmt = detect(name, text)
    assert (fmt.name if fmt is not None else None) == expected


def test_folder_walk_tells_caddy_from_okta_and_nginx(tmp_path: Path) -> None:
    write(tmp_path, "repo/Caddyfile", "a.example.com {\n  header Access-Control-Allow-Origin *\n}\n")
    write(tmp_path, "repo/deploy/caddy.json", (CADDY / "caddy.json").read_text("utf-8"))
    write(tmp_path, "repo/okta/trusted-origins.json", OKTA_EXPORT.replace("https://app", "http://app"))
    write(tmp_path, "repo/nginx/nginx.conf", "http {\n  server {\n    add_header X y;\n  }\n}\n")
    result = check_json("repo", extra=("--no-cache",), cwd=tmp_path)
    formats = {f["path"]: f["format"] for f in result.findings}
    assert formats["repo/Caddyfile"] == "caddy"
    assert formats["repo/deploy/caddy.json"] == "caddy"
    assert formats["repo/okta/trusted-origins.json"] == "okta"
    assert result.report["files_checked"] == 4
