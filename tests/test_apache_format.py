"""Apache httpd configs and `.htaccess` (issue 22 item 1): httpd's semantics, at line and column.

What each fixture asserts comes from httpd's source (apache/httpd, commit
0cb680442ecaa6118cc610b5ecc6e824330bf61a): server/util.c `ap_cfg_getline` and
`ap_getword_conf`, server/config.c `ap_build_config_sub`, modules/metadata/mod_headers.c
(`header_cmd`, `header_inout_cmd`, `parse_format_tag`, `merge_headers_config`),
modules/metadata/mod_setenvif.c (`non_regex_pattern`, `match_headers`), and
server/util_expr_eval.c.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from origins_lint.formats import FormatOptions, detect
from origins_lint.formats import nginx as nginx_format
from origins_lint.formats.webservers import apache
from origins_lint.formats.webservers.apache.lexer import ParseError, comment_spans, parse
from origins_lint.source import Source
from tests.conftest import FIXTURES, check_json, run_cli, write

APACHE = FIXTURES / "apache"


def found(path: Path, *extra: str) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=("--no-cache", *extra))
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"]) for f in result.findings]


def messages(path: Path) -> dict[tuple[str, int, int], str]:
    result = check_json(path, extra=("--no-cache",))
    return {(f["code"], f["line"], f["column"]): f["message"] for f in result.findings}


# --- the data flow ----------------------------------------------------------------------------


def test_setenvif_origin_feeding_an_env_echo() -> None:
    path = APACHE / "setenvif.conf"
    assert found(path) == [
        ("OL302", 4, 22),  # `(.*\.)?example.com`: every subdomain, sent back as `$0`
        ("OL202", 12, 28),  # `https?://`: http too
        ("OL603", 13, 5),  # `Header add` without `always`
        ("OL402", 19, 22),  # `.*` as `$0`: every Origin, with credentials
        ("OL101", 27, 47),  # no metacharacter: strmatch, and `$0` is sent as written
    ]
    said = messages(path)
    assert "write `Header always add`" in said[("OL603", 13, 5)]
    assert "`$0` has no `scheme://`" in said[("OL101", 27, 47)]


def test_dollar_zero_admits_only_a_match_that_is_the_whole_origin(project: Path) -> None:
    """`NAME=$0` sends back the match (`ap_pregsub`), and the browser compares it with its Origin:
    an unanchored end lets nothing extra in, an unescaped dot does."""
    lines = (APACHE / "setenvif.conf").read_text("utf-8").splitlines(keepends=True)
    path = str(write(project, "two.conf", "".join(lines[:15])))  # the first two virtual hosts
    for origin, code in (
        ("https://shop.example.com", 0),
        ("http://www.partner.example.net", 0),
        ("https://shop.example.com.attacker.net", 1),
        ("https://anything.example.com", 0),
        ("https://examplexcom", 0),  # the unescaped `.` of line 4
    ):
        result = run_cli("match", origin, path)
        assert result.exit_code == code, (origin, result.stdout)


def test_echoes_of_the_origin_guarded_and_not() -> None:
    path = APACHE / "echo.conf"
    assert found(path) == [
        ("OL402", 7, 61),  # `expr=%{req:Origin}` in `/public`: every Origin, with credentials
        ("OL302", 10, 34),  # `<If ... =~ m#...#>`: a search
        ("OL306", 10, 34),
        ("OL201", 15, 59),  # `in {...}` lists `http://b.example.com`
        ("OL402", 27, 56),  # `%{HTTP_ORIGIN}e` under CGI
    ]
    path_text = str(path)
    assert run_cli("match", "https://a.partner.example.org.attacker.net", path_text).exit_code == 0
    assert run_cli("match", "https://attacker.net", path_text).exit_code == 0  # `/public`


def test_flag_and_expr_guards_admit_only_what_they_check(project: Path) -> None:
    write(
        project,
        "guarded.conf",
        """
        <VirtualHost *:443>
            SetEnvIfNoCase Origin "^https://admin\\.example\\.com$" ADMIN_ORIGIN
            Header always set Access-Control-Allow-Origin "expr=%{req:Origin}" env=ADMIN_ORIGIN
            Header always set Access-Control-Allow-Origin "expr=%{req:Origin}" "expr=%{req:Origin} == 'https://c.example.com'"
            Header always merge Vary Origin
        </VirtualHost>
        """,
    )
    assert found(project / "guarded.conf") == []
    for origin, code in (
        ("https://admin.example.com", 0),
        ("https://ADMIN.example.com", 0),  # NoCase: AP_REG_ICASE
        ("https://c.example.com", 0),
        ("https://C.example.com", 1),  # `==` is strcmp
        ("https://attacker.net", 1),
    ):
        assert run_cli("match", origin, "guarded.conf").exit_code == code, origin


def test_rewrite_cond_and_rule_e_flag() -> None:
    path = APACHE / "rewrite.conf"
    assert found(path) == [("OL501", 7, 32)]
    for origin, code in (
        ("https://www.example.org", 0),
        ("HTTPS://WWW.EXAMPLE.COM", 0),  # [NC]
        ("https://www.example.org.attacker.net", 1),
        ("http://localhost:3000", 0),
    ):
        assert run_cli("match", origin, str(path)).exit_code == code, origin


def test_the_two_tables_and_their_inheritance() -> None:
    """`Header set` and `Header always set` fill two tables, both sent on a success; `unset` acts on
    its own table; `<Directory>` and `<Location>` append to the virtual host's entries."""
    path = APACHE / "tables.conf"
    assert found(path) == [
        ("OL601", 4, 5),  # with the `always` copy of line 5
        ("OL601", 4, 5),  # with line 8, in `<Directory>`: the `onsuccess` copy is still there
        ("OL603", 4, 5),
        ("OL601", 12, 9),  # `always add` next to the inherited `always set`
    ]


def test_htaccess_is_read_on_its_own() -> None:
    assert found(APACHE / "htdocs" / "api" / ".htaccess") == [
        ("OL302", 3, 22),
        ("OL602", 4, 5),
        ("OL603", 4, 5),
        ("OL603", 5, 5),
    ]


def test_a_careful_configuration_has_no_findings() -> None:
    assert found(APACHE / "true-negatives.conf") == []
    result = run_cli("match", "https://app.example.com", str(APACHE / "true-negatives.conf"))
    assert result.exit_code == 0
    assert (
        run_cli(
            "match", "https://app.example.com.attacker.net", str(APACHE / "true-negatives.conf")
        ).exit_code
        == 1
    )


def test_a_variable_set_nowhere_is_unknown(project: Path) -> None:
    write(
        project,
        "site.conf",
        """
        <VirtualHost *:443>
            Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
        </VirtualHost>
        """,
    )
    assert found(project / "site.conf") == [("OL602", 2, 5), ("OL004", 2, 52)]
    assert run_cli("match", "https://attacker.net", "site.conf").exit_code == 3


# --- includes ---------------------------------------------------------------------------------


def test_debian_tree_follows_includes_from_server_root() -> None:
    tree = APACHE / "etc-apache2"
    result = check_json(tree, extra=("--no-cache",))
    assert result.exit_code == 1
    located = sorted(
        (os.path.relpath(f["path"], tree), f["code"], f["line"], f["column"]) for f in result.findings
    )
    assert located == [
        ("apache2.conf", "OL004", 3, 1),  # mods-enabled/ is not in the tree
        ("apache2.conf", "OL004", 4, 1),  # ports.conf: `Include` of a missing file
        ("conf-enabled/cors.conf", "OL302", 3, 24),  # the server's variable, echoed in the vhost
        ("sites-available/api.conf", "OL004", 3, 52),  # not loaded: checked alone, the variable unset
    ]
    said = {
        (f["line"], f["code"]): f["message"] for f in result.findings if f["path"].endswith("apache2.conf")
    }
    assert "httpd refuses to start without it" in said[(4, "OL004")]


def test_include_cycles_and_paths_outside_are_said(project: Path) -> None:
    write(project, "apache2.conf", "Include conf-enabled/*.conf\nInclude /srv/elsewhere/cors.conf\n")
    write(project, "conf-enabled/loop.conf", "Include apache2.conf\n")
    write(project, "conf-enabled/optional.conf", "IncludeOptional conf-enabled/missing.conf\n")
    result = check_json("apache2.conf", extra=("--no-cache",))
    by_line = sorted((Path(f["path"]).name, f["line"], f["code"], f["message"]) for f in result.findings)
    assert [(name, line, code) for name, line, code, _ in by_line] == [
        ("apache2.conf", 2, "OL004"),
        ("loop.conf", 1, "OL001"),
    ]
    assert "outside the folders being checked" in by_line[0][3]
    assert "include cycle (apache2.conf -> loop.conf -> apache2.conf)" in by_line[1][3]


# --- syntax -------------------------------------------------------------------------------------


def test_broken_input_is_ol001_at_the_line_httpd_names(project: Path) -> None:
    assert found(APACHE / "broken.conf") == [("OL001", 5, 5)]
    said = messages(APACHE / "broken.conf")[("OL001", 5, 5)]
    assert "Expected </Location> but saw </Directory>" in said
    write(project, "open.conf", "<VirtualHost *:80>\n  Header always set X y\n")
    write(project, "stray.conf", "ServerName a\n</Location>\n")
    write(project, "nobracket.conf", "<Location /api\nServerName a\n</Location>\n")
    assert found(project / "open.conf") == [("OL001", 1, 1)]
    assert found(project / "stray.conf") == [("OL001", 2, 1)]
    assert found(project / "nobracket.conf") == [("OL001", 1, 1)]


def test_what_httpd_refuses_is_ol002_and_admits_nothing() -> None:
    path = APACHE / "refused.conf"
    codes = found(path)
    assert ("OL002", 3, 51) in codes
    assert "Unrecognized header format %" in messages(path)[("OL002", 3, 51)]
    result = run_cli("match", "https://attacker.net", str(path))
    assert result.exit_code == 1


def test_lexer_follows_ap_cfg_getline_and_ap_getword_conf() -> None:
    text = (
        "# a comment \\\n"
        "still the comment\n"
        '  Header always set X-A "a \\"b\\" \\\\ #c" # d\n'
        "Header set X-B \\\n"
        "   'one two'\n"
    )
    directives = parse("x.conf", text)
    assert [(d.name, [w.text for w in d.args]) for d in directives] == [
        ("Header", ["always", "set", "X-A", 'a "b" \\ #c', "#", "d"]),
        ("Header", ["set", "X-B", "one two"]),
    ]
    first, second = directives
    assert (first.location.line, first.location.column) == (3, 3)
    assert (first.args[3].location.line, first.args[3].location.column) == (3, 25)
    assert (second.args[2].location.line, second.args[2].location.column) == (5, 4)
    spans = [text[a:b] for a, b in comment_spans(text)]
    assert spans == ["# a comment \\\nstill the comment"]
    with pytest.raises(ParseError):
        parse("x.conf", '<If "true">\n')


def test_hash_inside_a_line_is_an_argument_not_a_comment(project: Path) -> None:
    write(
        project,
        "inline.conf",
        """
        <VirtualHost *:443>
            Header always set Access-Control-Allow-Origin "*" # origins-lint: ignore[OL301]
        </VirtualHost>
        """,
    )
    codes = found(project / "inline.conf")
    assert ("OL002", 2, 55) in codes and ("OL301", 2, 51) not in codes
    assert "Apache comments start a line" in messages(project / "inline.conf")[("OL002", 2, 55)]


def test_suppression_comment_on_its_own_line() -> None:
    assert found(APACHE / "suppressed.conf") == [("OL603", 5, 5)]


# --- detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "sites-enabled/example.com",
        "sites-available/api.conf",
        "conf-enabled/cors.conf",
        "conf.d/cors.conf",
        "x.conf",
    ],
)
def test_apache_files_are_apache_and_not_nginx(name: str) -> None:
    text = '<VirtualHost *:443>\n    Header always set Access-Control-Allow-Origin "*"\n</VirtualHost>\n'
    assert apache.detect(name, text)
    assert not nginx_format.detect(name, text)
    lowercase = "header always set Access-Control-Allow-Origin https://a.example.com\n"
    assert apache.detect(name, lowercase) and not nginx_format.detect(name, lowercase)


@pytest.mark.parametrize(
    "text",
    [
        "server {\n    listen 80;\n    add_header Access-Control-Allow-Origin *;\n}\n",
        "include snippets/cors.conf;\n",
        "add_header Access-Control-Allow-Origin $http_origin always;\n",
        "listen 80;\n",
        "[supervisord]\nnodaemon=true\n",
        "# only comments\n",
    ],
)
def test_nginx_and_other_files_are_not_apache(text: str) -> None:
    for name in ("sites-enabled/example.com", "conf.d/default.conf", "site.conf"):
        assert not apache.detect(name, text), (name, text)


def test_a_mixed_tree_reads_each_file_as_its_own_format(project: Path) -> None:
    write(project, "nginx/nginx.conf", "events {}\nhttp { include sites-enabled/*; }\n")
    write(
        project,
        "nginx/sites-enabled/shop",
        "server {\n    add_header Access-Control-Allow-Origin * always;\n}\n",
    )
    write(project, "apache2/apache2.conf", "IncludeOptional sites-enabled/*.conf\n")
    write(
        project,
        "apache2/sites-enabled/api.conf",
        '<VirtualHost *:443>\n    Header always set Access-Control-Allow-Origin "*"\n</VirtualHost>\n',
    )
    write(project, "apache2/.htaccess", 'Header always set Access-Control-Allow-Origin "*"\n')
    result = check_json(".", extra=("--no-cache",))
    formats = sorted((os.path.relpath(f["path"], project), f["format"], f["code"]) for f in result.findings)
    assert formats == [
        ("apache2/.htaccess", "apache", "OL301"),
        ("apache2/sites-enabled/api.conf", "apache", "OL301"),
        ("nginx/sites-enabled/shop", "nginx", "OL301"),
    ]
    assert detect("apache2/apache2.conf", "IncludeOptional sites-enabled/*.conf\n") is not None


def test_broken_input_never_crashes() -> None:
    for text in ("<", "</", "<>", "<If", "Header", "Header always", 'Header set "', "\\", "\x00\n<A>\n</A>"):
        result = apache.parse(Source("x.conf", text), FormatOptions())
        assert result.format == "apache"


def test_an_apache_file_in_an_nginx_tree_is_apache_not_ol003(project: Path) -> None:
    """nginx claims every file of `sites-enabled/` next to an `nginx.conf` (nginx/files.py `claimed`):
    an Apache file there is still read as Apache, not reported as an nginx file left unread."""
    write(project, "nginx.conf", "events {}\nhttp { include conf.d/*.conf; }\n")
    write(project, "conf.d/headers.conf", "add_header X-Content-Type-Options nosniff always;\n")
    write(
        project,
        "sites-enabled/legacy",
        '<VirtualHost *:443>\n    Header always set Access-Control-Allow-Origin "*"\n</VirtualHost>\n',
    )
    result = check_json(".", extra=("--no-cache",))
    assert [(Path(f["path"]).name, f["format"], f["code"]) for f in result.findings] == [
        ("legacy", "apache", "OL301")
    ]


def test_mod_headers_i_tag_is_not_the_request_header(project: Path) -> None:
    """`%{Origin}i` is `header_request_idle`: `i=` and the idle-worker count, never the Origin."""
    write(
        project,
        "idle.conf",
        '<VirtualHost *:443>\n  Header always set Access-Control-Allow-Origin "%{Origin}i"\n</VirtualHost>\n',
    )
    assert found(project / "idle.conf") == []
    assert run_cli("match", "https://attacker.net", "idle.conf").exit_code == 1


def test_else_branches_and_unanalysed_conditions(project: Path) -> None:
    write(
        project,
        "branches.conf",
        """
        <If "%{HTTP:Origin} == 'https://a.example.com'">
            Header always set Access-Control-Allow-Origin "expr=%{HTTP:Origin}"
        </If>
        <Else>
            Header always set Access-Control-Allow-Origin "expr=%{HTTP:Origin}"
        </Else>
        <If "%{HTTP:Origin} == 'https://b.example.com' || %{HTTP:Origin} =~ /x/">
            Header always set Access-Control-Allow-Origin "https://b.example.com"
        </If>
        """,
    )
    # the `<Else>` echo admits every Origin; the `||` is said, not guessed
    assert sorted(found(project / "branches.conf")) == [("OL004", 7, 5), ("OL304", 5, 57)]
    assert run_cli("match", "https://attacker.net", "branches.conf").exit_code == 0  # the `<Else>` echo


def test_main_server_sections_apply_inside_each_virtual_host(project: Path) -> None:
    """A `<Directory>` of the main server is merged into every host's requests (core's per-dir walk),
    so the host's `Allow-Credentials` goes out with the section's echo."""
    write(
        project,
        "site.conf",
        """
        <Directory /var/www/api>
            Header always set Access-Control-Allow-Origin "expr=%{req:Origin}"
        </Directory>
        <VirtualHost *:443>
            Header always set Access-Control-Allow-Credentials "true"
        </VirtualHost>
        """,
    )
    assert ("OL402", 2, 57) in found(project / "site.conf")


def test_location_prefixes_are_the_paths_verify_probes() -> None:
    source = Source(str(APACHE / "echo.conf"), (APACHE / "echo.conf").read_text("utf-8"))
    document = apache.parse(source, FormatOptions()).documents[0]
    assert document.paths == ("/public", "/partners", "/listed", "/flagged", "/expr", "/cgi-bin")
    entries = {(c.paths, m.raw) for c in document.contexts for m in c.matchers}
    assert {
        (("/public",), "%{req:Origin}"),
        (("/flagged",), "^https://admin\\.example\\.com$"),
        (("/expr",), "https://c.example.com"),
    } <= entries


def test_define_is_substituted_and_the_environment_is_unknown(project: Path) -> None:
    write(
        project,
        "defined.conf",
        """
        Define FRONT https://app.example.com
        Header always set Access-Control-Allow-Origin "${FRONT}"
        <Location /other>
            Header always set Access-Control-Allow-Origin "${FROM_ENVIRONMENT}"
        </Location>
        """,
    )
    assert found(project / "defined.conf") == [("OL004", 4, 51)]
    assert run_cli("match", "https://app.example.com", "defined.conf").exit_code == 0
    assert run_cli("match", "https://evil.example.net", "defined.conf").exit_code == 3


def test_a_capitalised_first_directive_needs_a_known_one_after_it() -> None:
    ssl = "SSLSessionCache shmcb:/run/ssl(512000)\nHeader always set X-Frame-Options DENY\n"
    assert apache.detect("conf.d/ssl.conf", ssl) and not nginx_format.detect("conf.d/ssl.conf", ssl)
    assert not apache.detect("conf.d/notes.conf", "Foo bar\nBaz qux\n")
    assert not apache.detect("deploy/app.conf", "Listen 80;\n")


@pytest.mark.parametrize("text", ["\x1c", "\x1c\n", "  \x1d  \nServerName a\n", "\u2028\n", "\x85"])
def test_a_line_of_non_ascii_blanks_is_a_word_to_httpd_not_a_crash(tmp_path: Path, text: str) -> None:
    """httpd splits words at apr_isspace only, so a line of `\\x1c` is one (unknown) word; the
    sniff took Python's `split()`, which gives no word there, and raised IndexError (found by the
    property test `test_a_whole_check_of_any_file_never_breaks`)."""
    assert apache.looks_like_apache(text) is False
    path = tmp_path / "site.conf"
    path.write_text(text, encoding="utf-8")
    result = check_json(path, extra=("--no-cache",))
    assert result.exit_code in (0, 1) and "Traceback" not in result.stdout + result.stderr
    assert "internal error" not in result.stdout + result.stderr
