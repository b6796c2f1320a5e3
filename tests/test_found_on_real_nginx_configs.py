"""Silences and wrong answers found by running origins-lint on real public nginx and ingress-nginx
configuration files (notes/s30-hunt3.md); each case is the smallest excerpt that shows it. The
`if`/`map` cases are held against the real nginx in tests/fixtures/nginx/oracle/ too."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import check_json, run_cli, write


def codes(path: Path, *extra: str) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=("--no-cache", *extra))
    assert result.exit_code in (0, 1) and "Traceback" not in result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


def messages(path: Path) -> list[str]:
    return [f["message"] for f in check_json(path, extra=("--no-cache",)).findings]


# --- the backend's own headers (#2) ------------------------------------------------------------


def test_the_backends_allow_origin_passed_on_is_said_not_read_as_empty(tmp_path: Path) -> None:
    # a Helm chart's "tls-lb" (find_string id 55626114217): the backend's CORS headers adopted as
    # they come; nginx sends whatever the backend wrote (an echo with credentials, checked with curl)
    path = write(
        tmp_path,
        "front.conf",
        """
        server {
            listen 80;
            location / {
                proxy_hide_header Access-Control-Allow-Origin;
                add_header Access-Control-Allow-Origin $upstream_http_access_control_allow_origin always;
                add_header Access-Control-Allow-Credentials true always;
                proxy_pass http://backend;
            }
        }
        """,
    )
    assert codes(path) == [("OL004", 5, 48)]  # it was "No findings"
    assert "a header of the backend's response" in messages(path)[0]
    match = run_cli("match", "https://evil.example", str(path))
    assert match.exit_code == 3 and "unknown" in match.stdout  # it was "not trusted"


def test_a_sent_header_in_a_map_is_said_too(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "nginx.conf",
        """
        http {
            map $host $acao {
                default $sent_http_access_control_allow_origin;
            }
            server {
                listen 80;
                location / {
                    add_header Access-Control-Allow-Origin $acao always;
                    proxy_pass http://backend;
                }
            }
        }
        """,
    )
    assert codes(path) == [("OL004", 3, 17)]


def test_a_backend_header_outside_cors_is_not_said(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "nginx.conf",
        """
        server {
            listen 80;
            location / {
                add_header X-Cache-Status $upstream_http_x_cache always;
                add_header Access-Control-Allow-Origin https://app.example.com always;
                proxy_pass http://backend;
            }
        }
        """,
    )
    assert codes(path) == []
