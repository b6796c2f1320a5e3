"""CloudFormation/SAM, Serverless Framework and OpenAPI `x-amazon-apigateway-cors`: each finding at
its line and column, intrinsic functions and variables as OL004, refusals as OL002 (issue 23)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from origins_lint.formats import FormatOptions, detect
from origins_lint.source import Source, decode
from tests.conftest import FIXTURES, check_json, mutate, run_cli, run_every_rule, write

CLOUD = FIXTURES / "cloud"
REFUSED = "AWS refuses this at deploy time"


def found(path: Path) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=("--no-cache",))
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"]) for f in result.findings]


def messages(path: Path) -> dict[tuple[str, int, int], str]:
    return {(f["code"], f["line"], f["column"]): f["message"] for f in check_json(path).findings}


# --- CloudFormation and SAM ---------------------------------------------------------


def test_sam_rest_api_cors_is_a_static_header() -> None:
    """samtranslator/swagger/swagger.py add_cors writes AllowOrigin verbatim into the mock OPTIONS
    response; api_generator.py _add_cors refuses credentials with `'*'`."""
    path = CLOUD / "cloudformation" / "sam.yaml"
    assert found(path) == [
        ("OL601", 16, 22),  # two origins in one static header
        ("OL301", 21, 13),  # Cors: "'*'"
        ("OL002", 27, 22),  # SAM refuses AllowCredentials with '*'
        ("OL004", 33, 13),  # !Sub
        ("OL002", 38, 13),  # unquoted: not a mapping expression
        ("OL201", 44, 22),  # http:// with credentials
        ("OL004", 53, 13),  # !Ref in AllowOrigins
        ("OL501", 54, 54),  # the other branch of !If
    ]
    said = messages(path)
    assert said[("OL002", 27, 22)].startswith(REFUSED)
    assert said[("OL002", 38, 13)].startswith(REFUSED)
    assert "`\"'https://unquoted.example.com'\"`" in said[("OL002", 38, 13)]
    assert said[("OL004", 33, 13)].startswith("`AllowOrigin` is `!Sub 'https://${Domain}'`")
    assert said[("OL004", 53, 13)].startswith("`AllowOrigins` is `!Ref Domain`")


def test_shared_aws_resources_in_a_template() -> None:
    path = CLOUD / "cloudformation" / "resources.yaml"
    assert found(path) == [
        ("OL303", 8, 30),  # S3 https://*.github.io
        ("OL002", 16, 24),  # ApiGatewayV2 `*` with credentials: the refusal alone, no OL401 on it
        ("OL201", 24, 24),  # Lambda URL http:// with credentials
        ("OL002", 35, 47),  # CloudFront `*` not the leftmost label
        ("OL004", 43, 23),  # !Split [",", !ImportValue ...]
    ]
    said = messages(path)
    assert said[("OL002", 16, 24)].startswith(REFUSED)
    assert "`AllowOrigins`" in said[("OL002", 16, 24)]


def test_cdk_synthesised_json_template() -> None:
    path = CLOUD / "cloudformation" / "cdk.out" / "Stack.template.json"
    assert found(path) == [("OL201", 10, 34), ("OL302", 10, 34)]


def test_sam_refusals_and_an_inline_suppression() -> None:
    path = CLOUD / "cloudformation" / "refused.yaml"
    assert found(path) == [("OL002", 8, 13), ("OL002", 14, 9)]  # line 19's OL301 is suppressed
    said = messages(path)
    assert "inline `DefinitionBody`" in said[("OL002", 8, 13)]
    assert "no `AllowOrigins` in `Cors`" in said[("OL002", 14, 9)]


def test_checkov_cloudformation_lambda_url_check_has_our_codes() -> None:
    """CKV2_AWS_75's CloudFormation form (the README's "Coming from checkov or trivy" table)."""
    path = CLOUD / "cloudformation" / "checkov.yaml"
    assert found(path) == [("OL301", 10, 24), ("OL401", 18, 24), ("OL404", 19, 23)]


def test_cloudformation_true_negatives_and_broken_input() -> None:
    assert found(CLOUD / "cloudformation" / "clean.yaml") == []
    assert found(CLOUD / "cloudformation" / "broken.yaml") == [("OL001", 7, 1)]


def test_a_template_without_cors_is_not_counted() -> None:
    result = run_cli(
        "check", "--no-cache", str(CLOUD / "cloudformation"), str(CLOUD / "openapi" / "no-cors.yaml")
    )
    assert "no-cors.yaml" not in result.stdout
    assert "in 8 files" in result.stdout  # the 8 CloudFormation files with CORS or broken, not no-cors


def test_match_on_sam_and_http_api() -> None:
    path = str(CLOUD / "cloudformation" / "sam.yaml")
    several = run_cli("match", "https://a.example.com", path)
    assert several.exit_code == 0, several.stdout  # the `'*'` API admits it
    assert "lists 2 origins in one `Access-Control-Allow-Origin`: browsers reject it" in several.stdout
    local = run_cli("match", "http://localhost:3000", path)
    assert local.exit_code == 0, local.stdout
    clean = run_cli("match", "https://evil.example", str(CLOUD / "cloudformation" / "clean.yaml"))
    assert clean.exit_code == 1, clean.stdout


def test_cdk_rest_api_preflight_and_gateway_response() -> None:
    """aws-cdk resource.ts addCorsPreflight: the first origin static, the others compared with `==`
    in a response template that sends the Origin back."""
    path = CLOUD / "cloudformation" / "cdk.out" / "RestStack.template.json"
    assert found(path) == [("OL201", 17, 37), ("OL301", 34, 86)]
    template = str(path)
    partner = run_cli("match", "https://partner.example.net", template)
    assert partner.exit_code == 0 and "with credentials" in partner.stdout
    assert "(AWS::ApiGateway::Method ApiOPTIONS5886EA5D OPTIONS 204)" in partner.stdout
    assert run_cli("match", "https://app.example.com", template).exit_code == 0
    # only the 4XX gateway response's `*` admits another origin, never with credentials
    other = run_cli("match", "-f", "json", "https://evil.example", template)
    assert [e["credentials"] for e in json.loads(other.stdout)["entries"]] == [False]


# --- Serverless Framework ---------------------------------------------------------


def test_serverless_http_and_http_api_cors() -> None:
    """cors.js: `origins` become Java regexes (`*` -> `.+`), the match echoed; one origin is static."""
    path = CLOUD / "serverless" / "risky" / "serverless.yml"
    assert found(path) == [
        ("OL303", 6, 7),  # https://*example.com through ${self:custom.allowed}: `.+example[.]com`
        ("OL004", 13, 11),  # ${env:EXTRA_ORIGIN}
        ("OL401", 14, 11),  # httpApi `*` with credentials (not refused: the list is partly unknown)
        ("OL301", 23, 17),  # cors: true
        ("OL601", 36, 17),  # integration: lambda joins the origins into one header
        ("OL201", 37, 17),
        ("OL402", 42, 23),  # origins ["*"]: `.+` echoes every origin, with credentials
        ("OL303", 51, 32),  # resources.Resources is CloudFormation
    ]
    said = messages(path)
    assert "`${env:EXTRA_ORIGIN}`" in said[("OL004", 13, 11)]
    risky = str(path)
    assert run_cli("match", "https://attackerexample.com", risky).exit_code == 0
    assert run_cli("match", "https://x.y.example.com", risky).exit_code == 0


def test_serverless_true_negatives_broken_and_refused() -> None:
    assert found(CLOUD / "serverless" / "clean" / "serverless.yml") == []
    assert found(CLOUD / "serverless" / "broken" / "serverless.yml") == [("OL001", 7, 1)]
    path = CLOUD / "serverless" / "serverless.json"
    assert found(path) == [("OL002", 3, 67), ("OL201", 7, 78)]
    assert "external HTTP API" in messages(path)[("OL002", 3, 67)]


def test_serverless_variables_left_to_deploy_time_are_ol004() -> None:
    path = CLOUD / "serverless" / "variables" / "serverless.yml"
    assert found(path) == [
        ("OL004", 5, 11),
        ("OL004", 13, 17),
        ("OL004", 18, 21),
        ("OL201", 23, 21),
        ("OL004", 26, 5),  # resources from ${file(...)}: not followed, said
        ("OL201", 33, 34),  # the other part of the resources list is read
    ]
    said = messages(path)
    assert said[("OL004", 13, 17)].startswith("`cors` is `${file(./cors.yml)}`, a variable Serverless")
    assert said[("OL201", 23, 21)].startswith("`http://${env:PARTNER_HOST}` is plain HTTP whatever")
    unknown = run_cli("match", "https://prod.example.com", str(path))
    assert unknown.exit_code == 3, unknown.stdout


def test_serverless_functions_split_across_files() -> None:
    """`functions` may be a list of mappings and `${file(...)}` parts: those are said, not skipped."""
    path = CLOUD / "serverless" / "split" / "serverless.yml"
    assert found(path) == [("OL004", 5, 5), ("OL301", 13, 23), ("OL004", 14, 14)]
    assert (
        "`functions.billing` is taken from `${file(./functions/billing.yml)}`"
        in messages(path)[("OL004", 14, 14)]
    )


# --- OpenAPI ----------------------------------------------------------------------


def test_openapi_extension_is_an_http_api_cors() -> None:
    path = CLOUD / "openapi" / "openapi.yaml"
    assert found(path) == [("OL402", 7, 7), ("OL501", 8, 7), ("OL303", 9, 7)]
    star = CLOUD / "openapi" / "star-credentials.json"
    assert found(star) == [("OL002", 5, 22)]  # refused at deploy: one flaw, one finding (no OL401)
    assert messages(star)[("OL002", 5, 22)].startswith(REFUSED)


def test_openapi_rest_integration_and_gateway_responses() -> None:
    path = CLOUD / "openapi" / "rest-swagger.yaml"
    assert found(path) == [("OL301", 8, 59), ("OL601", 18, 67), ("OL304", 26, 33)]
    assert "`$input.params('origin')` echoes the request's `Origin`" in messages(path)[("OL304", 26, 33)]


def test_openapi_true_negatives_and_broken_input() -> None:
    assert found(CLOUD / "openapi" / "clean.yaml") == []
    assert found(CLOUD / "openapi" / "broken.yaml") == [("OL001", 4, 1)]
    result = run_cli("check", "--no-cache", str(CLOUD / "openapi" / "no-cors.yaml"))
    assert result.exit_code == 0 and "in 0 files" in result.stdout


# --- detection --------------------------------------------------------------------


def test_detection_both_ways() -> None:
    def name(path: str, text: str) -> str | None:
        fmt = detect(path, text)
        return fmt.name if fmt is not None else None

    template = (CLOUD / "cloudformation" / "sam.yaml").read_text()
    assert name("template.yaml", template) == "cloudformation"
    assert (
        name("serverless.yml", (CLOUD / "serverless" / "risky" / "serverless.yml").read_text())
        == "serverless"
    )
    assert name("openapi.yaml", (CLOUD / "openapi" / "openapi.yaml").read_text()) == "openapi"
    # other formats' files are not templates
    for other in ("policy/valid.origins.yaml", "spring/application.yml", "istio/virtual-services.yaml"):
        path = FIXTURES / other
        if path.exists():
            fmt = detect(path.name, path.read_text())
            assert fmt is None or "cloudformation" not in fmt.name, other
    kubernetes = "apiVersion: v1\nkind: ConfigMap\ndata:\n  Cors: yes\n"
    assert name("configmap.yaml", kubernetes) is None
    spring = (FIXTURES / "spring" / "application-prod.yml").read_text()
    assert name("template.yaml", spring) is None
    assert name("template.yaml", "openapi: 3.0.1\npaths: {}\n") is None


# --- robustness -------------------------------------------------------------------


_SEEDS = [path.read_bytes() for path in sorted(CLOUD.rglob("*")) if path.is_file()]
_PIECES = st.sampled_from(
    [b"", b"*", b"'", b'"', b":", b"\n", b"- ", b"!Ref ", b"!If [", b"[", b"{", b"  ", b"${", b",", b"true"]
)


@given(
    seed=st.sampled_from(_SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 6), _PIECES), max_size=6),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mutated_templates_never_raise(edits: list[tuple[int, int, bytes]], seed: bytes) -> None:
    for name in ("template.yaml", "serverless.yml", "openapi.json", "Stack.template.json"):
        source = decode(name, mutate(seed, edits))
        if isinstance(source, Source):
            fmt = detect(name, source.text)
            if fmt is not None:
                run_every_rule(fmt.parse(source, FormatOptions()))


def test_odd_shapes_are_schema_problems_not_crashes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "template.yaml",
        """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          A:
            Type: AWS::Serverless::Api
            Properties:
              Cors: [1, 2]
          B:
            Type: AWS::ApiGatewayV2::Api
            Properties:
              CorsConfiguration:
                AllowOrigins: https://one.example.com
                AllowCredentials: maybe
          C:
            Type: AWS::S3::Bucket
            Properties:
              CorsConfiguration:
                CorsRules: !Ref Rules
        """,
    )
    assert found(path) == [("OL002", 6, 13), ("OL002", 11, 23), ("OL002", 12, 27), ("OL004", 17, 20)]
    broken = write(
        tmp_path, "cdk.out/Broken.template.json", '{"Resources": {"A": {"Type": "AWS::S3::Bucket", "Cors"'
    )
    assert found(broken) == [("OL001", 1, 54)]  # the file ends where `:` is expected
