"""Traefik `customResponseHeaders` that carry CORS, as `PostRequestModifyResponseHeaders` sends them.

pkg/middlewares/headers/header.go (traefik/traefik fd5a576d): the custom response headers are set
on every response that is not a preflight (an empty value deletes the field), then an origin the
`accessControlAllowOriginList` matches replaces `Access-Control-Allow-Origin`, and
`accessControlAllowCredentials: true` sets credentials; a custom `Access-Control-Allow-Credentials:
"true"` is sent as written. Such a middleware with no origin list was "No findings in 0 files".
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, check_json, run_cli

TRAEFIK = FIXTURES / "traefik"


def found(path: Path) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=("--no-cache",))
    assert result.exit_code in (0, 1) and "Traceback" not in result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


def test_custom_headers_in_the_file_provider() -> None:
    assert found(TRAEFIK / "custom-headers.yaml") == [
        ("OL305", 15, 40),  # `null` beside the list: sent for every origin the list does not match
        ("OL401", 7, 40),  # `*` with a custom `Access-Control-Allow-Credentials: "true"`
    ]  # `cleared` deletes the field: nothing is sent


def test_custom_headers_in_docker_labels() -> None:
    assert found(TRAEFIK / "custom-labels.yml") == [("OL201", 5, 9)]
    said = check_json(TRAEFIK / "custom-labels.yml", extra=("--no-cache",)).findings[0]["message"]
    assert "credentialed" in said  # the custom credentials header counts


def test_match_counts_the_custom_value_and_the_list() -> None:
    path = str(TRAEFIK / "custom-headers.yaml")
    assert run_cli("match", "https://partner.example.com", path).exit_code == 0
    assert (
        "custom-headers.yaml:7:40: any `*` (public-api) admits it"
        in run_cli("match", "https://evil.example", path).stdout
    )
