"""Kubernetes objects written in Terraform, of every kind the Kubernetes formats read.

Found on real configs: a `kubectl_manifest` Ingress (heredoc) with `*` and credentials, and a
Traefik `Middleware` in `kubectl_manifest`/`kubernetes_manifest`, were "No findings in 0 files";
a `kubernetes_manifest` whose `metadata.namespace = var.namespace` was one OL004 for the whole
object, its CORS unread. Now what only Terraform knows stays `${...}` text in place
(hcl_values `Evaluator.lenient`), read as a template's placeholder is, and each kind goes
through its own format's reader at the `.tf` file's lines and columns.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, check_json, run_cli

HERE = FIXTURES / "terraform" / "kubernetes-objects"


def found(name: str | Path) -> list[tuple[str, int, int]]:
    """(code, line, column) of each finding in a fixture of this folder, or in any path."""
    result = check_json(HERE / name, extra=("--no-cache",))
    assert result.exit_code in (0, 1) and "Traceback" not in result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


def test_kubectl_manifest_heredoc_and_yamlencode() -> None:
    assert found("kubectl.tf") == [
        ("OL004", 24, 42),  # `https://${var.domain}`: what it fills in is not known
        ("OL201", 10, 57),  # the heredoc Ingress's annotation, at its column in the .tf file
        ("OL402", 24, 67),  # Traefik echoes the Origin for `*` with credentials
        ("OL605", 9, 9),  # ingress-nginx's default max age
    ]  # `namespace: ${var.namespace}` hides nothing


def test_kubernetes_manifest_of_other_kinds_with_computed_metadata() -> None:
    assert found("manifest.tf") == [
        ("OL004", 26, 41),  # the Istio exact origin from a variable
        ("OL201", 11, 49),  # KongPlugin, its namespace another resource's attribute
        ("OL404", 9, 14),  # Kong echoes the requested headers with credentials
    ]


def test_match_reads_them() -> None:
    path = str(HERE / "kubectl.tf")
    said = run_cli("match", "https://evil.example", path)
    assert said.exit_code == 0 and "kubectl.tf:24:67" in said.stdout


def test_a_kind_no_format_reads_is_still_skipped_quietly(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text(
        'resource "kubectl_manifest" "cm" {\n'
        '  yaml_body = yamlencode({ kind = "ConfigMap", data = { cors = "*" } })\n'
        "}\n"
    )
    result = check_json(path, extra=("--no-cache",))
    assert result.findings == [] and "Traceback" not in result.stdout + result.stderr


def test_konnect_cors_plugin_is_kongs_cors_plugin(tmp_path: Path) -> None:
    # Kong/terraform-provider-konnect tests/resources/testdata/TestGatewayPluginCors: it was
    # "No findings in 0 files"
    path = tmp_path / "main.tf"
    path.write_text(
        'resource "konnect_gateway_plugin_cors" "my_cors" {\n'
        "  enabled = true\n"
        "  config = {\n"
        '    origins     = ["http://mockbin.com"]\n'
        "    credentials = true\n"
        "  }\n"
        "  control_plane_id = konnect_gateway_control_plane.cp.id\n"
        "}\n"
        'resource "konnect_gateway_plugin_cors" "off" {\n'
        "  enabled = false\n"
        '  config  = { origins = ["*"], credentials = true }\n'
        "}\n"
    )
    assert found(path) == [
        ("OL201", 4, 20),
        ("OL404", 1, 1),  # no `headers`: Kong echoes the requested ones, with credentials
    ]  # the disabled plugin sends nothing


def test_one_computed_item_of_an_origin_list_hides_none_of_the_others(tmp_path: Path) -> None:
    # Azure Function App and API Gateway lists written as [var.x, "http://localhost:3000", ...]:
    # the whole list was one OL004, the literal items unread
    path = tmp_path / "main.tf"
    path.write_text(
        'resource "aws_apigatewayv2_api" "api" {\n'
        '  name          = "api"\n'
        '  protocol_type = "HTTP"\n'
        "  cors_configuration {\n"
        '    allow_origins     = ["http://app.example.com", var.frontend_origin, "http://${var.host}"]\n'
        "    allow_credentials = true\n"
        "  }\n"
        "}\n"
    )
    assert found(path) == [
        ("OL004", 5, 52),  # the variable, at its own column
        ("OL201", 5, 26),  # the literal plain-HTTP item beside it
        ("OL201", 5, 73),  # `http://${var.host}`: plain HTTP whatever the host is
    ]


def test_an_api_body_openapi_is_read_as_cloudformations_body(tmp_path: Path) -> None:
    # hashicorp/terraform-provider-aws apigatewayv2 acceptance tests import `body` (an OpenAPI
    # with `x-amazon-apigateway-cors`); it was "No findings in 0 files"
    path = tmp_path / "main.tf"
    path.write_text(
        'resource "aws_apigatewayv2_api" "api" {\n'
        '  name          = "api"\n'
        '  protocol_type = "HTTP"\n'
        "  body = <<EOF\n"
        "openapi: 3.0.1\n"
        "info: {title: api, version: '1'}\n"
        "paths: {}\n"
        "x-amazon-apigateway-cors:\n"
        "  allowOrigins: ['http://app.example.com']\n"
        "  allowCredentials: true\n"
        "EOF\n"
        "}\n"
        'resource "aws_api_gateway_rest_api" "rest" {\n'
        '  name = "rest"\n'
        "  body = jsonencode({\n"
        '    openapi = "3.0.1"\n'
        "    paths   = {}\n"
        '    "x-amazon-apigateway-gateway-responses" = { DEFAULT_4XX = { responseParameters = {\n'
        '      "gatewayresponse.header.Access-Control-Allow-Origin" = "method.request.header.origin" } } }\n'
        "  })\n"
        "}\n"
    )
    assert found(path) == [
        ("OL201", 9, 18),  # the heredoc's origin, at its line in the .tf file
        ("OL304", 19, 62),  # the REST API's gateway response echoes the Origin
        ("OL602", 19, 7),
    ]


def test_an_object_whose_kind_terraform_computes_is_said(tmp_path: Path) -> None:
    # before the lenient reading the whole manifest was OL004; `kind = var.kind` must stay said
    path = tmp_path / "main.tf"
    path.write_text(
        'resource "kubernetes_manifest" "cors" {\n'
        "  manifest = {\n"
        '    apiVersion = "traefik.io/v1alpha1"\n'
        "    kind       = var.kind\n"
        '    metadata   = { name = "cors" }\n'
        '    spec       = { headers = { accessControlAllowOriginList = ["*"] } }\n'
        "  }\n"
        "}\n"
    )
    assert found(path) == [("OL004", 4, 18)]
