"""Terraform `templatefile` sources (`*.tftpl`) read as their format (issue 18 item 10).

HashiCorp names the files `templatefile(path, vars)` renders `*.tftpl`
(developer.hashicorp.com/terraform/language/functions/templatefile); their syntax is Terraform's
string templates (developer.hashicorp.com/terraform/language/expressions/strings): "Interpolation"
`${ ... }` is a placeholder (unknown text), a "Directive" `%{ if }`/`%{ for }`/`%{ endif }`/
`%{ endfor }` (with or without `~`) only steers, and the "Escape Sequences" `$${`/`%%{` are a
literal `${`/`%{`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from origins_lint.formats.nginx import templates as nginx_templates
from origins_lint.formats.readers import templated
from origins_lint.source import Source
from tests.conftest import FIXTURES, check_json, run_cli

FOLDER = FIXTURES / "templates"


def said(path: Path) -> dict[tuple[str, int, int], tuple[str, str]]:
    """(code, line, column) -> (severity, message)."""
    findings = check_json(path, extra=("--no-cache",)).findings
    return {(f["code"], f["line"], f["column"]): (f["severity"], f["message"]) for f in findings}


def test_traefik_yaml_tftpl_is_read_with_terraform_placeholders() -> None:
    """`%{~ if ~}`/`%{ for ~}` lines steer (every branch read, lines keep their numbers), `${...}`
    is unknown text, and the fixed text still decides: `http://${domain}` with credentials is plain
    HTTP whatever the domain (OL201 high); the other placeholders are OL004."""
    found = said(FOLDER / "dynamic.yaml.tftpl")
    assert list(found) == [
        ("OL602", 6, 9),  # an echoing list with no `addVaryHeader`
        ("OL004", 8, 13),  # `${origin}` inside `%{ for }`: unknown
        ("OL201", 10, 13),  # the fixed text decides
        ("OL004", 12, 13),  # `$${literal}` renders as `${literal}`, which a later step fills in
    ]
    assert found[("OL201", 10, 13)][0] == "high"  # credentials: its real severity
    assert found[("OL201", 10, 13)][1].startswith(
        "`http://${domain}` is plain HTTP whatever the template fills in"
    )
    assert found[("OL004", 8, 13)] == (
        "info",
        "`${origin}` is a template; render it first to check the origins it becomes",
    )
    # the escape is shown as Terraform renders it: `${literal}`, not `$${literal}`
    assert found[("OL004", 12, 13)][1] == (
        "`https://${literal}` is a template; render it first (`${literal}` is filled in later)"
    )


def test_nginx_conf_tftpl_reads_every_branch_and_the_escape_as_nginx_does() -> None:
    """The echo inside `%{ if enable_cors ~}` is read (OL402); `${static_domain}` is a Terraform
    placeholder (OL004); `$${http_origin}` renders as `${http_origin}`, nginx's `$http_origin`:
    the escape is an echo with credentials too, at the column where it is written."""
    found = said(FOLDER / "default.conf.tftpl")
    assert list(found) == [
        ("OL602", 7, 9),
        ("OL402", 7, 48),
        ("OL004", 14, 57),
        ("OL602", 18, 9),
        ("OL402", 18, 48),
    ]
    assert found[("OL402", 7, 48)][0] == "critical"
    assert found[("OL402", 18, 48)][1].startswith("`${http_origin}` echoes the request's `Origin`")
    assert found[("OL004", 14, 57)][1].startswith("`${static_domain}` is a template placeholder")


def test_match_is_unknown_when_only_a_placeholder_might_admit_the_origin() -> None:
    path = FOLDER / "dynamic.yaml.tftpl"
    result = run_cli("match", "--output-format", "json", "https://evil.example", str(path))
    assert result.exit_code == 3, result.stdout
    unknown = json.loads(result.stdout)["unknown"]
    # `http://${domain}` is ruled out by its fixed text (the scheme); the other two might admit it
    assert [(u["line"], u["column"], u["kind"]) for u in unknown] == [(8, 13, "exact"), (12, 13, "exact")]
    assert run_cli("match", "https://static.example.com", str(path)).exit_code == 0


def test_terraform_tags_blank_directives_and_keep_escapes() -> None:
    line = 'a: "${x}-y" %{~ if b ~} $${c} %%{d}'
    assert templated.tags(line, terraform=True) == [
        (4, "${x}"),
        (12, "%{~ if b ~}"),
        (25, "${c}"),
        (31, "%{d}"),
    ]
    masked = templated.mask("x.yaml.tftpl", "%{~ if b ~}\nb: ${c}\nd: $${e}\n%{ endif ~}\n")
    lines = masked.text.split("\n")
    assert lines[0] == lines[3] == ""  # directives alone on a line only steer
    assert [len(line) for line in lines[1:3]] == [len("b: ${c}"), len("d: $${e}")]  # columns hold
    assert masked.problems == []
    assert [tag for _offset, tag in masked.tags] == ["${c}", "${e}"]  # the escape, as rendered
    # only Terraform's syntax in a `*.tftpl`: a `{{ }}` is text there
    assert templated.tags("a: {{ b }}", terraform=True) == []


def test_a_directive_among_yaml_text_is_said_not_guessed(tmp_path: Path) -> None:
    """`[%{ for o in origins ~}"${o}",%{ endfor ~}]` repeats part of a line: no YAML reading of it
    is faithful (read as is, `%{ endfor ~}` would be an entry), so the line is OL004 at the
    directive and `match` answers "unknown"."""
    path = tmp_path / "dynamic.yaml.tftpl"
    path.write_text(
        "http:\n  middlewares:\n    c:\n      headers:\n"
        '        accessControlAllowOriginList: [%{ for o in origins ~}"${o}",%{ endfor ~}]\n',
        encoding="utf-8",
    )
    findings = check_json(path, extra=("--no-cache",)).findings
    assert [(f["code"], f["line"], f["column"], f["message"]) for f in findings] == [
        (
            "OL004",
            5,
            40,
            "this template line mixes a directive with text (`%{ for o in origins ~}`), which "
            "origins-lint cannot read as YAML; render the template and check the result",
        )
    ]
    assert run_cli("match", "https://evil.example", str(path)).exit_code == 3


def test_nginx_directives_among_text_are_one_placeholder(tmp_path: Path) -> None:
    """Rendered, `"%{ if tls }https://a%{ else }http://a%{ endif }"` is one origin or the other,
    never both: read with every branch at once it was two origins in one header (OL601) and
    `match` said "not trusted" for `http://a.example.com`, which the `else` branch sends."""
    path = tmp_path / "default.conf.tftpl"
    value = '"%{ if tls }https://a.example.com%{ else }http://a.example.com%{ endif }"'
    path.write_text(
        "server {\n    location / {\n"
        f"        add_header Access-Control-Allow-Origin {value} always;\n"
        "        add_header Access-Control-Allow-Credentials true always;\n    }\n}\n",
        encoding="utf-8",
    )
    findings = check_json(path, extra=("--no-cache",)).findings
    assert [(f["code"], f["line"], f["column"]) for f in findings] == [("OL004", 3, 49)]
    unquoted = value.strip('"')
    assert findings[0]["message"].startswith(f"`{unquoted}` is a template placeholder")
    assert run_cli("match", "http://a.example.com", str(path)).exit_code == 3


def test_terraform_nginx_text_keeps_lines_and_columns() -> None:
    text = "%{ if x ~}\nadd_header A ${domain_name} always;\nset $v $${host}x;\n%{ endif ~}\n"
    rendered, placeholders = nginx_templates.detemplated(Source("default.conf.tftpl", text))
    lines = rendered.text.split("\n")
    assert lines[0].strip() == lines[3].strip() == ""
    assert lines[1] == "add_header A ${_0_________} always;"  # same length as `${domain_name}`
    assert placeholders == {"_0_________": "${domain_name}"}
    assert lines[2] == "set $v ${host}x; "  # nginx's `$host`; the line padded at its end
    assert [len(line) for line in lines] == [len(line) for line in text.split("\n")]


TRAEFIK = "http:\n  middlewares:\n    c:\n      headers:\n        accessControlAllowOriginList: ['*']\n"
NGINX = "http {\n  server {\n    add_header Access-Control-Allow-Origin * always;\n  }\n}\n"
SERVER = "server {\n    add_header Access-Control-Allow-Origin * always;\n}\n"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("values.yaml.tftpl", TRAEFIK, ("OL301", 5, 40)),
        ("dynamic.yml.tftpl", TRAEFIK, ("OL301", 5, 40)),
        ("nginx.conf.tftpl", NGINX, ("OL301", 3, 44)),
        ("default.conf.tftpl", SERVER, ("OL301", 2, 44)),
    ],
)
def test_tftpl_names_are_read_as_their_format(
    tmp_path: Path, name: str, text: str, expected: tuple[str, int, int]
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    findings = check_json(tmp_path, extra=("--no-cache",)).findings
    assert expected in [(f["code"], f["line"], f["column"]) for f in findings]
