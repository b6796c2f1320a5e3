"""Templates of nginx configs named without `.conf` in a `templates/` folder (an Ansible role's
`roles/nginx/templates/default.tpl`, found on a real role: notes/s30-hunt3.md #7) are read where
their rendering is nginx; a folder walk passed them over without a word, while the same file named
`default.conf.tpl` was read. Any other file of a `templates/` folder (a Helm chart's) is not nginx's."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, check_json, write

ROLE = FIXTURES / "nginx" / "ansible-role"


def _found(*paths: str | Path) -> list[tuple[str, str, int, int]]:
    result = check_json(*paths)
    assert "Traceback" not in result.stdout + result.stderr
    return [(Path(f["path"]).name, f["code"], f["line"], f["column"]) for f in result.findings]


def test_an_ansible_role_template_is_read_in_a_walk() -> None:
    found = _found(ROLE)
    # the origin is the role's variable: said at each `add_header` that sends it, credentials on
    assert [spot for spot in found if spot[1] == "OL004"] == [
        ("default.tpl", "OL004", 40, 55),
        ("default.tpl", "OL004", 56, 55),
        ("default.tpl", "OL004", 62, 55),
    ]
    assert ("default.tpl", "OL605", 50, 49) in found


def test_the_same_as_when_named_conf_tpl(project: Path) -> None:
    text = (ROLE / "roles" / "nginx" / "templates" / "default.tpl").read_text()
    write(project, "a/templates/default.tpl", text)
    write(project, "b/default.conf.tpl", text)
    found = _found(".")
    assert [spot[1:] for spot in found if spot[0] == "default.tpl"] == [
        spot[1:] for spot in found if spot[0] == "default.conf.tpl"
    ]


def test_a_go_template_steering_with_go_actions(project: Path) -> None:
    write(
        project,
        "chart/templates/cors.tpl",
        """
        server {
            {{- if .Values.cors }}
            add_header Access-Control-Allow-Origin $http_origin always;
            add_header Access-Control-Allow-Credentials true always;
            {{- end }}
        }
        """,
    )
    # read with Go's actions (`{{- if }}` steers, as Helm renders it), not as Jinja placeholders
    assert [spot[1:] for spot in _found(".")] == [("OL602", 3, 5), ("OL402", 3, 44)]


def test_other_files_of_a_templates_folder_are_not_nginx(project: Path) -> None:
    helpers = '{{- define "app.name" -}}\n{{ .Chart.Name }}\n{{- end }}\n'
    write(project, "chart/templates/_helpers.tpl", helpers)
    write(project, "chart/templates/NOTES.txt", "Visit http://{{ .Values.host }}\n")
    write(project, "roles/app/templates/env.j2", "ORIGIN={{ origin }}\nDEBUG=false\n")
    result = check_json(".")
    assert result.findings == [] and result.report["files_checked"] == 0
