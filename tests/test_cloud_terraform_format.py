"""Terraform CORS on AWS, Azure, Google Cloud and Kubernetes: one read of each `.tf`, each resource
by its provider's semantics (`origins_lint/formats/cloud/`), findings at line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from origins_lint.formats import detect
from origins_lint.formats.base import FormatOptions
from origins_lint.formats.cloud import aws
from origins_lint.formats.cloud.service import Cors, Item
from origins_lint.model import Location, MatcherKind, Setting
from origins_lint.source import Source, decode
from tests.conftest import FIXTURES, check_json, mutate, run_cli, run_every_rule, write

TF = FIXTURES / "cloud" / "terraform"


def found(path: Path | str, *extra: str, cwd: Path | None = None) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=extra, cwd=cwd)
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


def test_aws_services_each_by_its_own_rules() -> None:
    assert found(TF / "aws.tf") == [
        ("OL201", 5, 15),  # each.value of a literal for_each over `locals`: Lambda URL, plain HTTP
        ("OL302", 14, 24),  # S3 `https://*example.com`: `*` is any text ...
        ("OL302", 68, 16),  # CloudFront leftmost-label wildcard, with credentials
        ("OL303", 29, 24),  # legacy aws_s3_bucket cors_rule: `*.github.io`
        ("OL304", 14, 48),  # S3 `http*`: every http and https origin, echoed
        ("OL308", 14, 24),  # ... so `https://attackerexample.com` gets in
        ("OL402", 49, 26),  # Lambda URL `https://*` with credentials: every https origin
        ("OL403", 38, 53),  # API Gateway `null` with credentials
        ("OL404", 62, 15),  # CloudFront allow headers `*` with credentials
        ("OL501", 49, 39),
    ]


def test_s3_any_text_wildcard_names_the_origin_that_gets_in() -> None:
    result = check_json(TF / "aws.tf")
    [message] = [f["message"] for f in result.findings if f["code"] == "OL308"]
    assert "`https://attackerexample.com`" in message


def test_azure_and_google_resources() -> None:
    assert found(TF / "azure.tf") == [
        ("OL101", 52, 24),  # GCS origin with a path matches nothing
        ("OL201", 7, 60),  # App Service, credentials on: high
        ("OL301", 28, 29),  # Storage blob `*`: no credentials in Storage
        ("OL303", 18, 26),  # `*.azurewebsites.net`: anyone can publish one
        ("OL303", 52, 58),  # `*.appspot.com`
        ("OL502", 38, 29),  # Storage queue: a private address
    ]
    severities = {f["code"]: f["severity"] for f in check_json(TF / "azure.tf").findings}
    assert severities["OL201"] == "high" and severities["OL301"] == "low"


def test_what_the_clouds_refuse_at_deploy_time_is_ol002_naming_the_cloud() -> None:
    result = check_json(TF / "refused.tf")
    assert sorted((f["code"], f["line"], f["column"]) for f in result.findings) == [
        ("OL002", 6, 24),  # S3: two `*`
        ("OL002", 14, 26),  # API Gateway: `*` with credentials
        ("OL002", 31, 16),  # CloudFront: `*` inside the host
        ("OL002", 40, 30),  # App Service: `*` with support_credentials
    ]  # no OL401 at 14:26 or 40:30: the refusal is that entry's one finding
    messages = [f["message"] for f in result.findings if f["code"] == "OL002"]
    assert sum(m.startswith("AWS refuses this at deploy time: ") for m in messages) == 3
    assert sum(m.startswith("Azure refuses this at deploy time: ") for m in messages) == 1
    assert all(f["severity"] == "high" for f in result.findings)


def test_a_refused_configuration_admits_nothing(tmp_path: Path) -> None:
    """CloudFront refuses the whole policy for one bad item; `match` says so (exit 1)."""
    result = run_cli("match", "https://test.a.example.org", str(TF / "refused.tf"))
    assert result.exit_code == 1, result.stdout


def test_values_known_only_at_apply_time_are_ol004() -> None:
    result = check_json(TF / "apply-time.tf")
    assert sorted((f["code"], f["line"], f["column"]) for f in result.findings) == [
        ("OL004", 10, 23),  # allowed_origins = var.origins
        ("OL004", 19, 25),  # allow_credentials = var.credentials
        ("OL004", 26, 5),  # dynamic "cors_rule"
        ("OL004", 40, 3),  # for_each = var.buckets
        ("OL201", 18, 53),  # unknown credentials count as possible: high
    ]
    messages = {(f["line"], f["column"]): f for f in result.findings}
    assert messages[(10, 23)]["message"].startswith(
        "`aws_s3_bucket_cors_configuration.from_variable`: `allowed_origins` was not analysed: "
        "`var.origins` is an input variable"
    )
    assert messages[(18, 53)]["severity"] == "high"
    assert all(f["severity"] == "info" for f in result.findings if f["code"] == "OL004")


def test_unknown_credentials_do_not_make_api_gateway_refuse(tmp_path: Path) -> None:
    """`*` with credentials from a variable: maybe refused, maybe not; said as OL004 and OL401."""
    path = write(
        tmp_path,
        "main.tf",
        """
        resource "aws_apigatewayv2_api" "a" {
          name          = "a"
          protocol_type = "HTTP"
          cors_configuration {
            allow_origins     = ["*"]
            allow_credentials = var.credentials
          }
        }
        """,
    )
    assert found(path) == [("OL004", 6, 25), ("OL401", 5, 26)]


def test_clean_file_has_no_findings() -> None:
    result = check_json(TF / "clean.tf")
    assert result.exit_code == 0 and result.findings == []
    assert result.report["files_checked"] == 1


def test_kubernetes_objects_read_with_the_ingress_nginx_and_istio_semantics() -> None:
    assert found(TF / "kubernetes.tf") == [
        ("OL004", 63, 14),  # manifest = yamldecode(file(...))
        ("OL103", 7, 58),
        ("OL201", 39, 83),  # Istio exact over http, credentials on
        ("OL301", 72, 51),  # server-snippet in a `<<-EOT` heredoc: nginx read at its own lines
        ("OL302", 7, 84),  # ingress-nginx: credentials from its default
        ("OL302", 39, 41),  # Istio regex
        ("OL309", 7, 107),  # ingress-nginx's `(null)$`
        ("OL401", 25, 7),  # `enable-cors` alone: `*` with credentials, defaults
        ("OL402", 69, 101),  # configuration-snippet: `$http_origin` with credentials
        ("OL403", 7, 107),
        ("OL602", 69, 62),
        ("OL605", 6, 7),
        ("OL605", 25, 7),
        ("OL605", 54, 9),
    ]


def test_kubernetes_manifest_holding_an_httproute_is_read_as_the_gateway_api_reads_it() -> None:
    """The HTTPRoute CORS filter through the Gateway API reader (formats/kubernetes/gateway_api.py),
    at its line and column in the `.tf`, with its credentials and its rule's path."""
    assert found(TF / "httproute.tf") == [("OL303", 13, 33)]
    done = run_cli("match", "https://evil.github.io", str(TF / "httproute.tf"))
    assert done.exit_code == 0 and "13:33: wildcard `https://*.github.io`" in done.stdout
    assert "HTTPRoute/shop rule 1" in done.stdout and "with credentials" in done.stdout
    assert run_cli("match", "https://shop.example.com.evil.net", str(TF / "httproute.tf")).exit_code == 1


def test_kubernetes_annotation_true_is_text_as_terraform_makes_it(tmp_path: Path) -> None:
    """`annotations` is a map(string): Terraform turns `true` into "true", so no OL002 here."""
    result = check_json(TF / "kubernetes.tf")
    assert "OL002" not in result.codes()


def test_mixed_folder_gives_every_finding_in_one_run(tmp_path: Path) -> None:
    result = check_json(TF / "mixed")
    findings = sorted((Path(f["path"]).name, f["code"], f["line"], f["column"]) for f in result.findings)
    assert findings == [
        ("aws.tf", "OL303", 5, 24),
        ("azure.tf", "OL302", 5, 30),
        ("google.tf", "OL305", 5, 15),
        ("okta.tf", "OL201", 3, 12),
    ]
    assert result.report["files_checked"] == 4  # network.tf declares no CORS: not ours


def test_one_file_mixing_providers(tmp_path: Path) -> None:
    text = "\n".join(
        (TF / "mixed" / name).read_text() for name in ("okta.tf", "aws.tf", "azure.tf", "google.tf")
    )
    path = write(tmp_path, "main.tf", text)
    assert [code for code, _, _ in found(path)] == ["OL201", "OL302", "OL303", "OL305"]
    # the Okta resource is still an Okta document: its CORS origin carries the session cookie
    [okta] = [f for f in check_json(path).findings if f["code"] == "OL201"]
    assert okta["severity"] == "high" and (okta["line"], okta["column"]) == (3, 12)


def test_unrelated_tf_is_silent_and_not_counted(tmp_path: Path) -> None:
    write(tmp_path, "network.tf", (TF / "mixed" / "network.tf").read_text())
    write(tmp_path, "bucket.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    result = check_json(tmp_path)
    assert result.exit_code == 0 and result.findings == []
    assert result.report["files_checked"] == 0


def test_broken_hcl_with_a_cloud_resource_is_ol001_at_the_error() -> None:
    result = check_json(TF / "broken.tf")
    assert [(f["code"], f["line"], f["column"]) for f in result.findings] == [("OL001", 5, 3)]
    assert "invalid HCL" in result.findings[0]["message"]


def test_inline_suppression() -> None:
    assert found(TF / "suppressed.tf") == [("OL301", 13, 15)]


@pytest.mark.parametrize(
    ("origin", "exit_code"),
    [
        ("https://attackerexample.com", 0),  # S3 `https://*example.com`
        ("https://evil.example.net", 0),  # S3 `http*`
        ("https://nobody.example.org", 0),  # Lambda URL `https://*`
        ("ftp://nobody.example.org", 1),
    ],
)
def test_match_answers_as_the_service_matches(origin: str, exit_code: int) -> None:
    result = run_cli("match", origin, str(TF / "aws.tf"))
    assert result.exit_code == exit_code, result.stdout


def test_match_is_unknown_where_origins_are_known_only_at_apply_time() -> None:
    result = run_cli("match", "https://www.example.com", str(TF / "apply-time.tf"))
    assert result.exit_code == 3, result.stdout


def test_match_names_the_resource() -> None:
    result = run_cli("match", "--output-format", "json", "https://a.b.example.com", str(TF / "aws.tf"))
    names = {entry["name"] for entry in json.loads(result.stdout)["entries"]}
    assert "aws_s3_bucket_cors_configuration.assets cors_rule[0]" in names
    assert "aws_cloudfront_response_headers_policy.site cors_config" in names


def test_detection_by_suffix_only(tmp_path: Path) -> None:
    """A `.tf` is Terraform whatever it holds, and no YAML or JSON file is read as Terraform."""
    text = (TF / "aws.tf").read_text()
    fmt = detect("main.tf", text)
    assert fmt is not None and fmt.name == "terraform"
    json_format = detect("main.tf.json", text)
    assert json_format is None or json_format.name != "terraform"
    ingress = (
        "kind: Ingress\nmetadata:\n  annotations:\n    nginx.ingress.kubernetes.io/enable-cors: 'true'\n"
    )
    found_format = detect("ingress.yaml", ingress)
    assert found_format is not None and "terraform" not in found_format.name


def test_aws_api_is_what_the_cloudformation_reader_calls() -> None:
    """The stable API of `cloud/aws.py` (see /work/notes): values in, context and refusals out."""
    at = Location.point("t.yaml", 3, 7)
    read = aws.apigatewayv2(aws.Cors([aws.Item("*", at)], at, credentials=Setting(True, at)))
    assert read.context.rejected is not None and [p.message.split(":")[0] for p in read.problems] == [
        "AWS refuses this at deploy time"
    ]
    s3 = aws.s3(Cors([Item("https://*.example.com", at), Item("https://*x.example.com", at)], at))
    assert s3.context.credentials.value is False
    assert [m.kind for m in s3.context.matchers] == [MatcherKind.WILDCARD, MatcherKind.REGEX]
    assert aws.Cors is Cors and aws.Item is Item


@pytest.mark.parametrize(
    ("check", "line", "column", "code"),
    [
        ("checkov CKV_AZURE_57 (azurerm_linux_web_app `*`)", 6, 26, "OL301"),
        ("checkov CKV_AZURE_62 (azurerm_function_app `*`)", 15, 26, "OL301"),
        ("checkov CKV2_AWS_75 (aws_lambda_function_url `*` origins and methods)", 24, 22, "OL301"),
    ],
)
def test_each_checkov_cors_check_maps_to_a_finding_we_give(
    check: str, line: int, column: int, code: str
) -> None:
    """README "Coming from checkov or trivy": each of their checks has our finding on its fixture."""
    assert (code, line, column) in found(TF / "checkov-trivy.tf"), check


def test_what_checkov_passes_we_report() -> None:
    assert {("OL303", 34, 30), ("OL201", 34, 61)} <= set(found(TF / "checkov-trivy.tf"))


@pytest.mark.parametrize(
    "name",
    ["aws.tf", "azure.tf", "kubernetes.tf", "apply-time.tf", "refused.tf", "checkov-trivy.tf", "apim.tf"],
)
def test_a_large_tf_is_cut_to_its_cors_blocks_with_the_same_findings(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past 256 KiB a .tf is cut to its CORS resources and `locals` (formats/terraform.py
    `_pieces`): the same file read both ways gives the same findings at the same places."""
    from origins_lint.formats import terraform

    whole = check_json(TF / name, extra=("--no-cache",))
    monkeypatch.setattr(terraform, "FULL_PARSE_CHARACTERS", 0)
    cut = check_json(TF / name, extra=("--no-cache",))
    assert cut.findings == whole.findings and whole.findings


def test_a_cut_tf_skips_resources_that_declare_no_cors(tmp_path: Path) -> None:
    """4,000 buckets without CORS are not parsed: the file stays within `max-hcl-size`."""
    filler = 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  tags = { Name = "x" }\n}\n' * 4000
    rule = (
        'resource "aws_s3_bucket_cors_configuration" "c" {\n  bucket = "x"\n  cors_rule {\n'
        '    allowed_methods = ["GET"]\n    allowed_origins = ["http://a.example.com"]\n  }\n}\n'
    )
    path = write(tmp_path, "main.tf", filler + rule)
    assert path.stat().st_size > 256 * 1024
    write(tmp_path, ".origins-lint.toml", "max-hcl-size = 1000\n")
    assert found("main.tf", cwd=tmp_path) == [("OL201", 4000 * 4 + 5, 24)]


_SEEDS = [(TF / name).read_bytes() for name in ("aws.tf", "azure.tf", "kubernetes.tf", "refused.tf")]
_PIECES = st.sampled_from(
    [b"", b"{", b"}", b"[", b"]", b'"', b"${", b"=", b"\\", b"\n", b"\x00", b"\xff", b"#", b"*", b"cors {"]
)


@given(
    seed=st.sampled_from(_SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 6), _PIECES), max_size=6),
)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mutated_cloud_terraform_never_raises(edits: list[tuple[int, int, bytes]], seed: bytes) -> None:
    from origins_lint.formats import terraform

    source = decode("main.tf", mutate(seed, edits))
    if isinstance(source, Source):
        run_every_rule(terraform.parse(source, FormatOptions()))


def test_api_management_cors_policy_in_xml_content() -> None:
    """`<cors>` in a heredoc or a string: each `<origin>` at its line and column; a policy from a
    file, or a policy expression in `allow-credentials`, is OL004 (and unknown credentials count)."""
    assert found(TF / "apim.tf") == [
        ("OL004", 36, 3),  # xml_content = file(...)
        ("OL004", 42, 45),  # allow-credentials="@(...)"
        ("OL201", 13, 17),  # allow-credentials="true": high
        ("OL301", 28, 76),  # in a one-line string
        ("OL302", 42, 125),  # credentials unknown: counted as possible
    ]
    result = run_cli("match", "https://app.example.com", str(TF / "apim.tf"))
    assert result.exit_code == 0 and "admits it, with credentials" in result.stdout


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("locals {\n  a = <<EOT\nhttps://a.example.com\nEOT\n}\n", "https://a.example.com\n"),
        ("locals {\n  a = <<-EOT\n    x\n      y\n    EOT\n}\n", "x\n  y\n"),
        ("locals {\n  a = <<EOT\n$${literal}\nEOT\n}\n", "${literal}\n"),
    ],
)
def test_heredocs_are_read_as_terraform_reads_them(source: str, expected: str) -> None:
    from origins_lint.formats.readers.hcl_values import Evaluator, Value, parse_hcl

    blocks, error = parse_hcl("x.tf", source)
    assert error is None
    evaluator = Evaluator("x.tf", source, blocks)
    value = evaluator.evaluate(evaluator.locals["a"].expression)
    assert isinstance(value, Value) and value.data == expected


def test_a_heredoc_that_interpolates_is_not_guessed() -> None:
    from origins_lint.formats.readers.hcl_values import Evaluator, Unresolved, parse_hcl

    source = "locals {\n  a = <<EOT\nhttps://${var.host}\nEOT\n}\n"
    blocks, _ = parse_hcl("x.tf", source)
    evaluator = Evaluator("x.tf", source, blocks)
    assert isinstance(evaluator.evaluate(evaluator.locals["a"].expression), Unresolved)


def test_a_manifest_read_from_a_file_is_said_even_with_no_cors_key_in_the_tf() -> None:
    """A `.tf` whose only Kubernetes object is `yamldecode(file(...))` has no CORS key to sniff;
    it was skipped as not ours ("No findings in 0 files"). It is read, and the manifest the file
    does not fix is OL004 at its value; the literal ConfigMap beside it is nothing to check."""
    result = check_json(TF / "manifest-from-file.tf")
    assert sorted((f["code"], f["line"], f["column"]) for f in result.findings) == [("OL004", 4, 14)]
    assert "yamldecode" in result.findings[0]["message"]
    assert result.report["files_checked"] == 1


def test_a_literal_manifest_with_no_cors_kind_stays_unclaimed() -> None:
    result = check_json(TF / "manifest-literal-no-cors.tf")
    assert result.exit_code == 0 and result.findings == []
    assert result.report["files_checked"] == 0
