"""API Gateway gateway responses (the errors API Gateway writes itself) that copy the request's
`Origin` into `Access-Control-Allow-Origin`.

A gateway response's parameters may be mapped from the method request (AWS,
"x-amazon-apigateway-gateway-responses.responseParameters object": `"gatewayresponse.header.
from-request-header": "method.request.header.Accept"` is its own example; "Parameter mapping
source reference for REST APIs"), an integration response's may not. So
`method.request.header.origin` there sends every caller's Origin back on every 4XX/5XX: with
`'true'` credentials any site reads those answers. Before, origins-lint called it a value AWS
refuses (OL002) and `match` said "not trusted". SAM's `GatewayResponses` (`Headers` become
`gatewayresponse.header.<name>`, samtranslator/model/apigateway.py `ApiGatewayResponse`) and
Terraform's `aws_api_gateway_gateway_response` / `aws_api_gateway_integration_response` were not
read at all.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, check_json, run_cli

HERE = FIXTURES / "cloud" / "gateway-responses"


def found(name: str) -> list[tuple[str, int, int]]:
    result = check_json(HERE / name, extra=("--no-cache",))
    assert result.exit_code in (0, 1) and "Traceback" not in result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


def messages(name: str) -> dict[str, str]:
    return {f["code"]: f["message"] for f in check_json(HERE / name, extra=("--no-cache",)).findings}


def test_openapi_gateway_responses_that_echo_the_origin() -> None:
    assert found("openapi.yaml") == [
        ("OL304", 11, 59),  # DEFAULT_5XX: an echo without credentials (its `Vary: 'Origin'` is sent)
        ("OL402", 7, 59),  # DEFAULT_4XX: the echo with `'true'` credentials
        ("OL402", 15, 59),  # UNAUTHORIZED: a query parameter, text the sender chooses
        ("OL602", 7, 7),  # DEFAULT_4XX has no `Vary`
        ("OL602", 15, 7),
    ]  # ACCESS_DENIED: one static https origin, nothing to say
    vary = messages("openapi.yaml")["OL602"]
    assert vary.endswith("map `gatewayresponse.header.Vary` to `'Origin'` in the same gateway response")


def test_sam_gateway_responses_and_cloudformation_ones() -> None:
    assert found("template.yaml") == [
        ("OL002", 34, 67),  # an integration response cannot map from the method request
        ("OL304", 21, 61),  # AWS::ApiGateway::GatewayResponse, no credentials
        ("OL402", 12, 44),  # SAM GatewayResponses: Headers -> gatewayresponse.header.*
        ("OL602", 21, 9),
    ]
    refused = messages("template.yaml")["OL002"]
    assert "never from the method request" in refused and "quote it" not in refused


def test_terraform_gateway_and_integration_responses() -> None:
    assert found("main.tf") == [
        ("OL004", 26, 25),  # a map from an input variable: said, not guessed
        ("OL201", 18, 65),  # the integration response's static `'http://...'` with credentials
        ("OL402", 6, 65),
        ("OL602", 6, 5),
    ]


def test_match_says_an_echoing_gateway_response_admits_any_origin() -> None:
    for name in ("openapi.yaml", "template.yaml", "main.tf"):
        said = run_cli("match", "https://evil.example", str(Path(HERE / name)))
        assert said.exit_code == 0, (name, said.stdout)
        assert "admits it, with credentials" in said.stdout
