"""A template's `if`/`else` branches are alternatives, never one response.

Jinja renders one branch of `{% if %}...{% elif %}...{% else %}...{% endif %}`, Terraform's
`templatefile` one of `%{ if }...%{ else }...%{ endif }`
(developer.hashicorp.com/terraform/language/expressions/strings, "Directives"): two
`add_header Access-Control-Allow-Origin` in different branches are never sent together, so they
are no OL601. Every branch is still read: the first rendering keeps the first branches, each other
branch is read in a rendering of its own (origins_lint/formats/nginx/templates.py `renderings`).
"""

from __future__ import annotations

from origins_lint.formats.base import FormatOptions
from origins_lint.formats.nginx import parse
from origins_lint.formats.nginx.templates import renderings
from origins_lint.source import Source
from tests.conftest import FIXTURES, check_json, run_cli

HERE = FIXTURES / "nginx" / "semantics" / "templates"


def found(name: str) -> list[tuple[str, int, int]]:
    result = check_json("--no-cache", str(HERE / name))
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"]) for f in result.findings]


def test_jinja_branches_are_read_each_alone() -> None:
    assert found("branches.conf.j2") == [
        ("OL201", 7, 49),  # the `elif` branch: plain HTTP
        ("OL301", 9, 49),  # the `else` branch: `*`
        ("OL601", 15, 23),  # /both/: the header outside the `if` and the `if` branch's: a real duplicate
        ("OL601", 15, 103),  # ... and with the `else` branch's, in its own rendering
    ]  # no OL601 at 7:9 or 9:9: the three /api/ headers are never sent together


def test_terraform_branches_are_read_each_alone() -> None:
    assert found("branches.conf.tftpl") == [("OL201", 7, 49)]  # was OL601 at 7:9 too


def test_match_answers_for_every_branch() -> None:
    path = str(HERE / "branches.conf.j2")
    staging = run_cli("match", "http://staging.example.com", path)
    assert staging.exit_code == 0
    assert "branches.conf.j2:7:49: exact `http://staging.example.com` admits it" in staging.stdout
    assert "branches.conf.j2:9:49: any `*` admits it" in run_cli("match", "https://evil.example", path).stdout


def test_renderings_keep_columns_and_say_which_lines_they_add() -> None:
    source = Source(str(HERE / "branches.conf.j2"), (HERE / "branches.conf.j2").read_text())
    views = renderings(source)
    assert [view.lines for view in views] == [(), ((6, 8),), ((8, 10),), ((15, 15),)]
    first = views[0].source.text.splitlines()
    assert first[4].startswith('        add_header Access-Control-Allow-Origin "https://app.example.com"')
    assert first[6].strip() == "" and first[8].strip() == ""
    assert views[3].source.text.splitlines()[14].index("add_header", 30) == 102  # column 103


def test_unbalanced_tags_read_every_branch_as_before() -> None:
    text = 'server {\n{% if a %}\n add_header Access-Control-Allow-Origin "https://a.example.com";\n}\n'
    views = renderings(Source("x.conf.j2", text))
    assert len(views) == 1 and views[0].lines == ()
    parsed = parse(Source("x.conf.j2", text), FormatOptions())
    assert [m.raw for c, m in parsed.documents[0].matchers()] == ["https://a.example.com"]
