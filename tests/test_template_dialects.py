"""nginx templates in Go's text/template and Ruby's ERB, read as nginx reads their renderings.

Go (pkg.go.dev/text/template, "Actions": `{{if}}`, `{{else if}}`, `{{else}}`, `{{end}}`, `{{range}}`,
`{{with}}`, comments `{{/* */}}`, trim markers `{{-`/`-}}`) for `*.conf.tmpl`, `*.conf.gotmpl` and
consul-template's `*.conf.ctmpl`; ERB (docs.ruby-lang.org, class ERB: `<% %>` code, `<%= %>` output,
`<%# %>` comments, `-%>` trim) for Chef's and Puppet's `*.conf.erb`; Jinja for `*.conf.jinja` and
`*.conf.jinja2` as for `*.conf.j2`. These files were not read at all before. Statements are blanks,
output tags placeholders of the same length (columns stay where written), and each branch of an
`if` chain is read in a rendering of its own (templates.py `renderings`).
"""

from __future__ import annotations

from origins_lint.formats import detect
from origins_lint.formats.nginx.templates import renderings
from origins_lint.source import Source
from tests.conftest import FIXTURES, check_json, run_cli

HERE = FIXTURES / "nginx" / "semantics" / "templates"


def found(name: str) -> list[tuple[str, int, int]]:
    result = check_json("--no-cache", str(HERE / name))
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


def test_go_template_branches_are_read_each_alone() -> None:
    assert found("branches.conf.tmpl") == [
        ("OL004", 16, 57),  # the `else` branch's origin is `https://{{ .Domain }}`: not known
        ("OL201", 12, 49),  # the `else if` branch: plain HTTP
        ("OL402", 7, 48),  # the `if` branch echoes the Origin with credentials
        ("OL602", 7, 9),
    ]


def test_erb_branches_and_loops() -> None:
    assert found("branches.conf.erb") == [
        ("OL004", 6, 43),  # `<%= origin %>` in the `each` loop
        ("OL401", 9, 43),  # the `else` branch: `*` with the credentials sent after the `if`
    ]


def test_jinja2_suffix_reads_as_j2() -> None:
    assert found("plain.conf.jinja2") == [("OL304", 3, 42)]


def test_the_files_are_detected_and_match_answers_for_every_branch() -> None:
    for name in ("branches.conf.tmpl", "branches.conf.erb", "plain.conf.jinja2"):
        path = HERE / name
        chosen = detect(str(path), path.read_text("utf-8"))
        assert chosen is not None and chosen.name == "nginx", name
    staging = run_cli("match", "http://staging.example.com", str(HERE / "branches.conf.tmpl"))
    assert "branches.conf.tmpl:12:49: exact `http://staging.example.com` admits it" in staging.stdout


def test_renderings_blank_the_steering_tags_and_keep_columns() -> None:
    source = Source(str(HERE / "branches.conf.erb"), (HERE / "branches.conf.erb").read_text("utf-8"))
    views = renderings(source)
    assert len(views) == 2 and views[1].lines == ((8, 10),)
    first = views[0].source.text.splitlines()
    assert first[3].strip() == "" and first[11].strip() == ""  # `<% if -%>` and `<%# -%>` are blanks
    assert first[5].index('"${_') == 41  # `"<%= origin %>"`: a variable where the tag was, column 43
