"""A Helm chart's `templates/*.yaml` is read as the template it is, placeholders as unknown text
(readers/templated.py), not refused as "not YAML" (found on real charts, notes/s30-hunt3.md 9d:
every chart template has an unquoted `{{ }}` somewhere, `namespace: {{ .Values.ns }}`, so each one
was a high OL001 and its CORS annotations went unread). What a template line inserts
(`{{- toYaml . | nindent 4 }}`) into a mapping may be any key: no default is assumed for what the
mapping lacks (`manifests.Text.inserts_into`)."""

from __future__ import annotations

from pathlib import Path

from origins_lint.formats.readers import manifests
from origins_lint.source import Source
from tests.conftest import FIXTURES, check_json, run_cli, write

# rodrigo-md/can-i-test and a search excerpt (hunt 3): plain HTTP with credentials in a real chart
HTTP_CHART = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  namespace: {{.Values.ns}}
  name: ingress
  annotations:
    nginx.ingress.kubernetes.io/enable-cors: "true"
    nginx.ingress.kubernetes.io/cors-allow-origin: "http://{{ .Values.expose_host }}"
    nginx.ingress.kubernetes.io/cors-allow-credentials: "true"
spec:
  rules:
    - host: {{ .Values.expose_host }}
"""


def _found(*paths: str | Path) -> list[tuple[str, int, int, str]]:
    result = check_json(*paths)
    assert "Traceback" not in result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"], f["severity"]) for f in result.findings]


def test_a_chart_template_is_read_and_its_plain_http_origin_reported(project: Path) -> None:
    write(project, "chart/templates/ingress.yaml", HTTP_CHART)
    found = _found("chart")
    assert ("OL201", 8, 53, "high") in found  # `http://` whatever is filled in, with credentials
    assert ("OL004", 8, 52, "info") in found  # the rest of the value is not known
    assert not any(code == "OL001" for code, *_ in found)


def test_inserted_annotations_are_not_taken_for_the_defaults() -> None:
    """The fixture chart enables CORS and inserts the rest of its annotations from values: the
    default `*` (OL401 with the default credentials) was a guess; now it is said not analysed."""
    result = check_json(FIXTURES / "ingress" / "chart")
    found = {(Path(f["path"]).name, f["code"], f["line"], f["column"]) for f in result.findings}
    assert found == {
        ("ingress.yaml", "OL004", 6, 5),  # `cors-allow-origin` may come from the inserted line
        ("ingress.yaml", "OL004", 8, 5),  # the inserted line itself
        ("values.yaml", "OL004", 4, 52),
        ("values.yaml", "OL605", 3, 5),
    }
    said = {
        (f["line"], f["column"]): f["message"] for f in result.findings if f["path"].endswith("ingress.yaml")
    }
    assert said[(6, 5)].startswith(
        "`nginx.ingress.kubernetes.io/cors-allow-origin` is not written here, and the template line "
        "`{{- toYaml . | nindent 4 }}` (line 8) may add it"
    )
    answer = run_cli("match", "https://evil.example", str(FIXTURES / "ingress" / "chart" / "templates"))
    assert answer.exit_code == 3 and "is unknown" in answer.stdout


def test_the_same_holds_for_a_template_kept_as_yaml_tpl(project: Path) -> None:
    text = (FIXTURES / "ingress" / "chart" / "templates" / "ingress.yaml").read_text()
    write(project, "ingress.yaml.tpl", text)
    assert _found("ingress.yaml.tpl") == [("OL004", 6, 5, "info"), ("OL004", 8, 5, "info")]


def _text(template: str) -> tuple[manifests.Loaded, manifests.Text]:
    loaded = manifests._load(Source("t.yaml.tpl", template))
    return loaded, loaded.text


def _annotations(loaded: manifests.Loaded) -> manifests.Node:
    root = loaded.documents[0]
    return root.value["metadata"].value["annotations"]


def test_an_insertion_at_the_keys_indentation_opens_the_mapping() -> None:
    loaded, text = _text(
        "metadata:\n  annotations:\n    a: '1'\n    {{- with .Values.x }}\n    {{- toYaml . | nindent 4 }}\n"
        "    {{- end }}\nspec: {}\n"
    )
    opened = text.inserts_into(_annotations(loaded))
    assert opened is not None and opened[0].line == 5 and opened[1] == "{{- toYaml . | nindent 4 }}"


def test_an_insertion_elsewhere_does_not_open_the_mapping() -> None:
    deeper = (
        "metadata:\n  annotations:\n    a: '1'\n    b:\n      {{- toYaml .Values.b | nindent 6 }}\nspec: {}\n"
    )
    after = "metadata:\n  annotations:\n    a: '1'\n  labels:\n    {{- toYaml .Values.labels | nindent 4 }}\n"
    shallower = "metadata:\n  annotations:\n    a: '1'\n  {{- toYaml .Values.meta | nindent 2 }}\n"
    for template in (deeper, after, shallower):
        loaded, text = _text(template)
        assert text.inserts_into(_annotations(loaded)) is None, template


def test_without_nindent_the_tag_column_decides() -> None:
    loaded, text = _text("metadata:\n  annotations:\n    a: '1'\n    {{ include \"extra\" . }}\n")
    opened = text.inserts_into(_annotations(loaded))
    assert opened is not None and opened[0].column == 5


def test_a_plain_yaml_file_opens_nothing() -> None:
    loaded = manifests._load(Source("t.yaml", "metadata:\n  annotations:\n    a: '1'\n"))
    assert loaded.text.inserts_into(_annotations(loaded)) is None


def test_json_with_a_template_is_still_refused_as_json(project: Path) -> None:
    write(project, "ingress.json", '{"kind": "Ingress", "metadata": {"name": {{ .Values.name }}}}\n')
    result = check_json("--input-format", "ingress-nginx", "ingress.json")
    assert [f["code"] for f in result.findings] == ["OL001"]


# --- found in hunt 5 (notes/s31-hunt5.md) -----------------------------------------------------------


def test_a_comment_over_several_lines_is_read_as_blank_lines(project: Path) -> None:
    """Go's `{{/* ... */}}` may span lines (text/template doc.go); every Bitnami chart template opens
    with one (bitnami/charts keycloak templates/ingress.yaml): it was OL001 "invalid YAML"."""
    licence = (
        "{{- /*\nCopyright Broadcom, Inc. All Rights Reserved.\nSPDX-License-Identifier: APACHE-2.0\n*/}}\n"
    )
    write(project, "chart/templates/ingress.yaml", licence + HTTP_CHART.lstrip("\n"))
    found = _found("chart")
    assert ("OL201", 12, 53, "high") in found
    assert not any(code == "OL001" for code, *_ in found)


def test_a_variable_declaration_line_prints_nothing(project: Path) -> None:
    declared = '{{- $fullName := include "app.fullname" . -}}\n' + HTTP_CHART.lstrip("\n")
    write(project, "chart/templates/ingress.yaml", declared)
    found = _found("chart")
    assert ("OL201", 9, 53, "high") in found
    assert not any(line == 1 for _code, line, _column, _severity in found)


def test_a_policy_a_template_fills_is_unknown_not_refused(project: Path) -> None:
    """An Istio chart's `corsPolicy:` then `{{ toYaml .Values.corsPolicy | indent 6 }}`: Istio
    validates the rendered object, a mapping when the values hold one; it was OL002 "must be a
    mapping"."""
    write(
        project,
        "chart/templates/virtualservice.yaml",
        """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata:
          name: {{ .Release.Name }}
        spec:
          hosts: ["*"]
          http:
          - route:
            - destination:
                host: app
            corsPolicy:
              {{- toYaml .Values.corsPolicy | nindent 6 }}
        """,
    )
    assert {code for code, *_ in _found("chart")} == {"OL004"}
    assert run_cli("match", "https://evil.example", "chart").exit_code == 3


def test_a_key_a_template_writes_leaves_no_default(project: Path) -> None:
    """`{{ $annoKey }}: {{ quote $annoValue }}` in a `range` may write any annotation: ingress-nginx's
    default `*` is not assumed (it was OL401 and `match` "trusted")."""
    write(
        project,
        "chart/templates/ingress.yaml",
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          annotations:
            nginx.ingress.kubernetes.io/enable-cors: "true"
            {{- range $annoKey, $annoValue := .Values.annotations }}
            {{ $annoKey }}: {{ quote $annoValue }}
            {{- end }}
        """,
    )
    assert [code for code, *_ in _found("chart")] == ["OL004"]
    assert run_cli("match", "https://evil.example", "chart").exit_code == 3
