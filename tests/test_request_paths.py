"""The request paths each CORS context answers (`CorsContext.paths`), as each format knows them, and
`verify` sending its probes there: it reads the model, it never reads a file itself (issue 24, item 1)."""

from __future__ import annotations

from pathlib import Path

from origins_lint.check import parse_files
from origins_lint.config import Config
from origins_lint.model import CorsContext
from tests.conftest import FIXTURES, run_cli

VERIFY = FIXTURES / "verify"


def contexts(path: Path) -> list[CorsContext]:
    errors: list[str] = []
    parsed = parse_files([str(path)], Config(), None, errors)
    assert errors == []
    return [context for file in parsed for document in file.documents for context in document.contexts]


def paths_by_entry(path: Path) -> dict[tuple[int, int, str], tuple[str, ...]]:
    """(line, column, entry) of each origin entry -> the request paths of the context it is in."""
    return {
        (m.location.line, m.location.column, m.raw): context.paths
        for context in contexts(path)
        for m in context.matchers
    }


def test_nginx_prefix_exact_and_regex_locations() -> None:
    found = paths_by_entry(VERIFY / "locations.conf")
    assert found == {
        (7, 48, "$http_origin"): ("/api/",),  # location /api/
        (10, 48, "https://app.example.com"): ("/exact",),  # location = /exact
    }
    parsed = parse_files([str(VERIFY / "locations.conf")], Config(), None, [])
    # every location the file routes, CORS or not: `~ ^/files/(.*)$` by its literal start, and
    # `~* \.png$` (no literal start) not at all
    assert parsed[0].documents[0].paths == ("/api/", "/exact", "/files/")


def test_nginx_nested_locations_and_regex_without_a_literal_start() -> None:
    found = paths_by_entry(VERIFY / "nested-locations.conf")
    assert found == {
        (7, 48, "https://app.example.com"): ("/app/",),
        (9, 52, "$http_origin"): ("/app/admin/",),  # the innermost location's path
        # `~* \.json$` has no literal start: nginx looks for it only in requests `/app/` matched
        (12, 52, "https://json.example.com"): ("/app/",),
        (16, 48, "*"): (),  # a top-level regex with no literal start: any path
        (18, 44, "https://www.example.com"): (),  # the server level: any path
    }


def test_nginx_regex_location_literal_start() -> None:
    from origins_lint.formats.nginx import location_path

    assert location_path(["~", "^/files/(.*)$"]) == "/files/"
    assert location_path(["~*", "^/api/v1\\.0/"]) == "/api/v1"
    assert location_path(["~", "\\.php$"]) is None
    assert location_path(["=", "/exact"]) == "/exact"
    assert location_path(["=/glued"]) == "/glued"
    assert location_path(["^~", "/static/"]) == "/static/"
    assert location_path(["@named"]) is None


def test_ingress_annotations_apply_to_each_path_of_the_ingress() -> None:
    found = contexts(VERIFY / "ingress-paths.yaml")
    assert [c.paths for c in found] == [("/cart", "/orders")]
    entries = {(m.location.line, m.location.column, m.raw) for m in found[0].matchers}
    assert entries == {(8, 53, "https://shop.example.com"), (8, 79, "https://*.example.com")}


def test_ingress_paths_in_regex_mode_and_helm_values_without_paths(tmp_path: Path) -> None:
    regex = tmp_path / "ingress.yaml"
    regex.write_text(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: api\n  annotations:\n"
        '    nginx.ingress.kubernetes.io/enable-cors: "true"\n'
        '    nginx.ingress.kubernetes.io/use-regex: "true"\n'
        "spec:\n  rules:\n    - http:\n        paths:\n"
        "          - path: /api/v1(/|$)(.*)\n            pathType: ImplementationSpecific\n"
    )
    assert [c.paths for c in contexts(regex)] == [("/api/v1",)]
    values = FIXTURES / "ingress" / "helm-values.yaml"
    assert contexts(values) and all(c.paths == () for c in contexts(values))


def test_istio_route_prefix_match_and_a_route_without_match() -> None:
    found = {c.name: c.paths for c in contexts(FIXTURES / "istio" / "virtual-services.yaml")}
    assert found["VirtualService/accounts api"] == ("/api",)
    assert found["VirtualService/legacy search"] == ()  # no `match`: every path


def test_istio_exact_and_regex_uri_matches(tmp_path: Path) -> None:
    path = tmp_path / "vs.yaml"
    path.write_text(
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: files\n"
        "spec:\n  hosts: [files.example.com]\n  http:\n    - match:\n"
        "        - uri:\n            exact: /health\n"
        "        - uri:\n            regex: /files/[0-9]+\n"
        "        - uri:\n            regex: .*\\.png\n"
        "      corsPolicy:\n        allowOrigins:\n          - exact: https://app.example.com\n"
    )
    assert [c.paths for c in contexts(path)] == [("/health", "/files/")]


def test_verify_dry_run_probes_the_ingress_paths() -> None:
    config = VERIFY / "ingress-paths.yaml"
    found = run_cli("verify", "--dry-run", "http://127.0.0.1:9/", "--from", str(config))
    assert found.exit_code == 0, found.stderr
    requests = [line.split()[:2] for line in found.stdout.splitlines() if line.startswith(("GET", "OPTIONS"))]
    urls = {url for _, url in requests}
    assert urls == {"http://127.0.0.1:9/", "http://127.0.0.1:9/cart", "http://127.0.0.1:9/orders"}
    # the finding on `https://*.example.com` (line 8) is probed at both of the Ingress's paths
    for_finding = [
        line.split()[1]
        for line in found.stdout.splitlines()
        if "(OL302 at line 8)" in line and line.startswith("GET")
    ]
    assert set(for_finding) >= {"http://127.0.0.1:9/cart", "http://127.0.0.1:9/orders"}
