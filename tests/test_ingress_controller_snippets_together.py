"""The ingress-nginx controller's `http-snippet`, `server-snippet` and `location-snippet` are read as
one config, placed as nginx.tmpl writes them (kubernetes/ingress-nginx rootfs/etc/nginx/template/
nginx.tmpl at dbb11b92: `http-snippet` in `http`, `server-snippet` in every `server`,
`location-snippet` in every `location`): the `map` one defines is the variable another sends. Read
one by one, that variable was OL004 and `match` "unknown", while nginx echoed the origins the map
admits with credentials. Each finding stays at its line of this file."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import check_json, run_cli, write

CONFIGMAP = """
apiVersion: v1
kind: ConfigMap
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
data:
  http-snippet: |
    map $http_origin $cors_origin {
      default "";
      "~^https://[a-z]+\\.example\\.com$" $http_origin;
    }
  location-snippet: |
    add_header Access-Control-Allow-Origin $cors_origin always;
    add_header Access-Control-Allow-Credentials true always;
"""


def _found(path: Path) -> list[tuple[str, int, int, str]]:
    result = check_json(path)
    assert "Traceback" not in result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"], f["severity"]) for f in result.findings]


def test_a_map_of_the_http_snippet_sent_by_the_location_snippet(tmp_path: Path) -> None:
    path = write(tmp_path, "controller.yaml", CONFIGMAP)
    assert _found(path) == [("OL302", 10, 8, "high"), ("OL602", 13, 5, "medium")]
    match = run_cli("match", "https://evil.example.com", str(path))
    assert match.exit_code == 0 and "with credentials" in match.stdout
    assert run_cli("match", "https://example.org", str(path)).exit_code == 1  # not "unknown" any more


def test_the_charts_controller_config_is_read_the_same(tmp_path: Path) -> None:
    values = """
    controller:
      config:
        http-snippet: |
          map $http_origin $cors_origin {
            default "";
            "~^https://[a-z]+\\.example\\.com$" $http_origin;
          }
        location-snippet: |
          add_header Access-Control-Allow-Origin $cors_origin always;
          add_header Access-Control-Allow-Credentials true always;
    """
    path = write(tmp_path, "values.yaml", values)
    assert _found(path) == [("OL302", 6, 10, "high"), ("OL602", 9, 7, "medium")]


def test_an_unclosed_block_is_said_inside_this_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "controller.yaml",
        CONFIGMAP.replace("    }\n  location-snippet", "  location-snippet", 1),  # the map left open
    )
    lines = path.read_text().count("\n") + 1
    found = _found(path)
    assert found and all(1 <= line <= lines for _code, line, _column, _severity in found)
    assert any(code == "OL001" for code, *_ in found)


def test_main_snippet_is_still_read_alone(tmp_path: Path) -> None:
    text = CONFIGMAP.replace("data:\n", "data:\n  main-snippet: |\n    worker_rlimit_nofile 65535;\n", 1)
    path = write(tmp_path, "controller.yaml", text)
    assert _found(path) == [("OL302", 12, 8, "high"), ("OL602", 15, 5, "medium")]


def test_a_flux_helmrelease_and_a_values_file_of_any_name(tmp_path: Path) -> None:
    """Flux helm-controller hands a `HelmRelease`'s `spec.values` to the chart as its values, and
    `helm install -f ingress-nginx.yaml` takes any name: both were "No findings in 0 files"
    (notes/s31-hunt5.md #2)."""
    values = """
    controller:
      config:
        http-snippet: |
          map $http_origin $cors_origin {
            default "";
            "~^https://[a-z]+\\.example\\.com$" $http_origin;
          }
        location-snippet: |
          add_header Access-Control-Allow-Origin $cors_origin always;
          add_header Access-Control-Allow-Credentials true always;
    """
    path = write(tmp_path, "ingress-nginx.yaml", values)
    assert _found(path) == [("OL302", 6, 10, "high"), ("OL602", 9, 7, "medium")]
    release = """
    apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    metadata:
      name: ingress-nginx
    spec:
      chart:
        spec:
          chart: ingress-nginx
      values:
        controller:
          config:
            http-snippet: |
              map $http_origin $cors_origin {
                default "";
                "~^https://[a-z]+\\.example\\.com$" $http_origin;
              }
            location-snippet: |
              add_header Access-Control-Allow-Origin $cors_origin always;
              add_header Access-Control-Allow-Credentials true always;
    """
    path = write(tmp_path, "helmrelease.yaml", release)
    assert _found(path) == [("OL302", 15, 14, "high"), ("OL602", 18, 11, "medium")]
