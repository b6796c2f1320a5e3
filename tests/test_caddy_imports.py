"""Caddyfile `import` of files and globs, read where Caddy splices them.

caddyserver/caddy caddyconfig/caddyfile/parse.go at 0cf03d32f (`doImport`, `doSingleImport`): a
name that is no snippet defined above is a file or glob relative to the folder of the file the
`import` is in; `{args[N]}` is replaced in the imported tokens as in a snippet; a glob of more
than one `*` or `?`, or with `[...]`, is refused (issue #2096); a glob that matches nothing is
only a warning, a missing file an error; a `*name` glob skips dot files (issue #5295); an empty
file imports nothing; a cycle is refused (`importGraph.addEdges`). Findings point into the
imported file, at line and column.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, check_json, run_cli, write

IMPORTS = FIXTURES / "caddy" / "imports"


def found(path: Path) -> list[tuple[str, str, int, int]]:
    result = check_json(path, extra=("--no-cache",))
    assert result.exit_code in (0, 1) and "Traceback" not in result.stdout + result.stderr
    return sorted((Path(f["path"]).name, f["code"], f["line"], f["column"]) for f in result.findings)


def test_imported_files_are_read_where_they_are_imported() -> None:
    assert found(IMPORTS) == [
        ("Caddyfile", "OL004", 16, 2),  # /etc/caddy/... with no checked copy: said, not guessed
        ("cors.caddy", "OL402", 4, 20),  # `@any header Origin *` guards an echo, with credentials
        ("cors.caddy", "OL602", 5, 13),
    ]
    said = {f["code"]: f["message"] for f in check_json(IMPORTS, extra=("--no-cache",)).findings}
    assert "`import /etc/caddy/shared/cors-admin.caddy`" in said["OL004"]


def test_args_snippets_from_files_and_dot_files() -> None:
    """`{args[0]}` is the import's argument; `(guarded)` is defined in an imported file and used
    after; `.hidden.headers` (`*` for every origin) is skipped by the `*.headers` glob."""
    caddyfile = str(IMPORTS / "Caddyfile")
    app = run_cli("match", "https://app.example.com", caddyfile)
    # the header line is in cors.caddy; `{args[0]}` is the argument, where it is written
    assert (
        app.exit_code == 0
        and "Caddyfile:5:29: exact `https://app.example.com` (api.example.com)" in app.stdout
    )
    partner = run_cli("match", "https://partner.example.com", caddyfile)
    assert "defs.caddy:3:25: exact `https://partner.example.com` (shop.example.com)" in partner.stdout
    assert "OL301" not in [f["code"] for f in check_json(IMPORTS, extra=("--no-cache",)).findings]


def test_what_caddy_refuses_in_imports_is_ol001(tmp_path: Path) -> None:
    cases = {
        "missing": ("a.example.com {\n  import nope.caddy\n}\n", {}, ("Caddyfile", 2, 10)),
        "two wildcards": ("a.example.com {\n  import */*.caddy\n}\n", {}, ("Caddyfile", 2, 10)),
        "cycle": (
            "a.example.com {\n  import b.caddy\n}\n",
            {"b.caddy": "import Caddyfile\n"},
            ("b.caddy", 1, 8),  # the import that closes the loop
        ),
        "lexing": (
            "a.example.com {\n  import b.caddy\n}\n",
            {"b.caddy": 'header X "open\n'},
            ("b.caddy", 1, 10),
        ),
    }
    for name, (text, others, (file, line, column)) in cases.items():
        folder = tmp_path / name.replace(" ", "-")
        folder.mkdir()
        write(folder, "Caddyfile", text)
        for other, body in others.items():
            write(folder, other, body)
        assert found(folder / "Caddyfile") == [(file, "OL001", line, column)], name


def test_a_glob_that_matches_nothing_and_an_empty_file_import_nothing(tmp_path: Path) -> None:
    """An empty `conf.d/` and an empty file: nothing to read, nothing said. A glob whose folder
    is not in the checked tree may match files the server has: said (OL004)."""
    (tmp_path / "conf.d").mkdir()
    write(tmp_path, "empty.caddy", "\n")
    write(
        tmp_path,
        "Caddyfile",
        "a.example.com {\n  import conf.d/*.caddy\n  import empty.caddy\n"
        "  header Access-Control-Allow-Origin https://app.example.com\n  import sites/*.caddy\n}\n",
    )
    assert found(tmp_path / "Caddyfile") == [("Caddyfile", "OL004", 5, 3)]
    said = check_json(tmp_path / "Caddyfile", extra=("--no-cache",)).findings[0]["message"]
    assert said.startswith("`import sites/*.caddy`: `sites/*.caddy` matches nothing: its folder is not in")


def test_an_import_out_of_the_checked_folder_is_said_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    write(outside, "cors.caddy", 'header Access-Control-Allow-Origin "*"\n')
    site = tmp_path / "site"
    site.mkdir()
    write(site, "Caddyfile", "a.example.com {\n  import ../outside/cors.caddy\n}\n")
    result = check_json(site, extra=("--no-cache",))
    assert [(f["code"], f["line"], f["column"]) for f in result.findings] == [("OL004", 2, 3)]
    assert (
        "is not checked" in result.findings[0]["message"] or "not followed" in result.findings[0]["message"]
    )


def test_a_suppression_in_the_imported_file_holds(tmp_path: Path) -> None:
    write(
        tmp_path,
        "cors.caddy",
        '# origins-lint: ignore[OL301] public read-only API\nheader Access-Control-Allow-Origin "*"\n',
    )
    write(tmp_path, "Caddyfile", "a.example.com {\n  import cors.caddy\n}\n")
    result = check_json(tmp_path, extra=("--no-cache",))
    assert result.findings == [] or all(f["code"] != "OL301" for f in result.findings)
