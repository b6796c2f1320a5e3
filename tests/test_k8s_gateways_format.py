"""Gateway API `HTTPRoute` CORS filters, Envoy Gateway `SecurityPolicy.spec.cors` and Contour
`HTTPProxy.spec.virtualhost.corsPolicy` (issue 22 items 4 and 6): each engine's semantics, at line
and column.

Upstream: kubernetes-sigs/gateway-api @ 4564255a (apis/v1/httproute_types.go, shared_types.go
CORSOrigin, tests/cel/httproute_test.go TestHTTPRouteCORS, conformance/tests/httproute-cors.go);
envoyproxy/gateway @ d32f2829 (internal/gatewayapi/securitypolicy.go buildCORS and wildcard2regex,
securitypolicy_test.go Test_wildcard2regex, test/cel-validation/securitypolicy_test.go);
projectcontour/contour @ 31c4bb38 (internal/dag/httpproxy_processor.go toCORSPolicy,
httpproxy_processor_test.go TestToCORSPolicy, internal/envoy/v3/route.go corsPolicy).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from origins_lint.check import parse_files
from origins_lint.config import Config
from origins_lint.formats import FormatOptions, detect
from origins_lint.formats.kubernetes import contour, envoy_gateway
from origins_lint.model import CorsContext, MatcherKind
from origins_lint.source import Source, decode
from tests.conftest import FIXTURES, check_json, mutate, run_cli, run_every_rule, write

GATEWAYS = FIXTURES / "gateways"


def found(path: Path, *extra: str) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=("--no-cache", *extra))
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"]) for f in result.findings]


def messages(path: Path) -> dict[tuple[str, int, int], str]:
    return {(f["code"], f["line"], f["column"]): f["message"] for f in check_json(path).findings}


def contexts(path: Path) -> list[CorsContext]:
    errors: list[str] = []
    parsed = parse_files([str(path)], Config(), None, errors)
    assert errors == []
    return [context for file in parsed for document in file.documents for context in document.contexts]


def match(origin: str, path: Path) -> int:
    result = run_cli("match", origin, str(path))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code


# --- Gateway API ------------------------------------------------------------------


def test_httproute_cors_filters_on_rules_and_backend_refs() -> None:
    path = GATEWAYS / "httproutes.yaml"
    assert found(path) == [
        ("OL302", 20, 17),  # `*.` is any number of labels: every subdomain
        ("OL201", 21, 17),
        ("OL402", 32, 32),  # backendRefs[].filters: `*` with credentials is answered with the Origin
        ("OL301", 44, 28),  # `*` without credentials is sent as `*`
    ]
    # `*` methods and headers are echoed with credentials (HTTPCORSFilter.AllowMethods): no OL404
    said = messages(path)
    assert said[("OL402", 32, 32)].startswith("`*` echoes the request's `Origin`")


def test_httproute_wildcard_is_several_labels_and_exact_items_compare_bytes() -> None:
    path = GATEWAYS / "httproutes.yaml"
    # conformance HTTPRouteCORS "wildcard matching any number of periods left to '*'"
    assert match("https://xpto.www.example.com", path) == 0
    assert match("https://example.com.evil.net", path) == 0  # only through the `*` of the other route
    clean = GATEWAYS / "httproutes-clean.yaml"
    assert match("https://shop.example.com", clean) == 0
    assert match("https://evil.shop.example.com", clean) == 1
    assert match("https://Shop.example.com", clean) == 1  # bytes: no case folding
    assert match("https://admin.example.com:8443", clean) == 0
    assert match("https://admin.example.com", clean) == 1


def test_httproute_host_wildcard_spans_the_port_as_envoy_gateway_runs_it(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "route.yaml",
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: any-https
        spec:
          rules:
            - filters:
                - type: CORS
                  cors:
                    allowOrigins: ["https://*"]
        """,
    )
    assert match("https://a.example.net", path) == 0
    assert match("https://a.example.net:8443", path) == 0  # processCORSFilter: `https://.*`
    assert match("http://a.example.net", path) == 1


def test_httproute_paths_come_from_rule_matches() -> None:
    by_name = {context.name: context.paths for context in contexts(GATEWAYS / "httproutes.yaml")}
    assert by_name == {
        "HTTPRoute/shop rule api": ("/api", "/v"),  # a regex's literal start, as Istio's `regex`
        "HTTPRoute/shop rule 2": (),  # no `matches`: the default `PathPrefix /`, every path
        "HTTPRoute/public rule 1": (),
    }


def test_httproute_true_negatives() -> None:
    assert found(GATEWAYS / "httproutes-clean.yaml") == []


def test_httproute_what_the_api_server_refuses_is_ol002_and_admits_nothing() -> None:
    path = GATEWAYS / "httproutes-refused.yaml"
    assert found(path) == [
        ("OL002", 12, 17),  # `*` alongside other origins (CEL)
        ("OL301", 12, 17),  # still said: it is what remains once the others go
        ("OL002", 13, 17),  # a path (CORSOrigin pattern)
        ("OL002", 14, 17),  # `*` inside the host
        ("OL002", 15, 21),  # maxAge below 1
    ]
    said = messages(path)
    assert said[("OL002", 13, 17)].startswith(
        "the Kubernetes API server refuses this HTTPRoute (Gateway API CRD validation): "
        "`https://app.example.com/` is not a CORS origin it accepts"
    )
    assert match("https://evil.example.net", path) == 1  # the route is not stored: nothing is sent


def test_httproute_repeated_filter_and_cors_without_type(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "route.yaml",
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: twice
        spec:
          rules:
            - filters:
                - type: CORS
                  cors:
                    allowOrigins: ["https://a.example.com"]
                - type: CORS
                  cors:
                    allowOrigins: ["https://b.example.com"]
                - type: RequestHeaderModifier
                  cors:
                    allowOrigins: ["https://c.example.com"]
                - type: CORS
        """,
    )
    assert found(path) == [("OL002", 11, 11), ("OL002", 16, 13), ("OL002", 17, 11)]
    said = messages(path)
    assert "CORS filter cannot be repeated" in said[("OL002", 11, 11)]
    assert "filter.cors must be nil if the filter.type is not CORS" in said[("OL002", 16, 13)]
    assert "filter.cors must be specified for CORS filter.type" in said[("OL002", 17, 11)]
    assert match("https://a.example.com", path) == 1


def test_httproute_lists_are_sets(tmp_path: Path) -> None:
    """`+listType=set` on allowOrigins: the API server refuses a repeated item (OL103 says it too)."""
    path = write(
        tmp_path,
        "route.yaml",
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: twice
        spec:
          rules:
            - filters:
                - type: CORS
                  cors:
                    allowOrigins:
                      - https://a.example.com
                      - https://a.example.com
        """,
    )
    codes = found(path)
    assert ("OL002", 12, 17) in codes and ("OL103", 12, 17) in codes
    assert "lists `https://a.example.com` twice" in messages(path)[("OL002", 12, 17)]
    assert match("https://a.example.com", path) == 1


# --- Envoy Gateway ----------------------------------------------------------------


def test_securitypolicy_cors_at_line_and_column() -> None:
    path = GATEWAYS / "securitypolicies.yaml"
    assert found(path) == [
        ("OL302", 13, 9),
        ("OL201", 14, 9),
        ("OL302", 14, 9),
        ("OL402", 15, 9),  # `*` becomes `.*`: Envoy echoes every origin, with credentials
        ("OL605", 18, 13),  # 48h
        ("OL002", 27, 9),  # wildcard in the middle (CEL test "cors alloworigin with wildcard in the middle")
        ("OL002", 28, 9),  # no scheme
    ]
    said = messages(path)
    assert said[("OL002", 27, 9)].startswith(
        "the Kubernetes API server refuses this SecurityPolicy (Envoy Gateway's CRD validation)"
    )


def test_securitypolicy_wildcard_is_the_regex_envoy_gateway_sends(tmp_path: Path) -> None:
    """wildcard2regex: each `*` becomes `.*` (RE2 full match), so it spans labels and ports."""
    entries = {
        matcher.raw: matcher
        for context in contexts(GATEWAYS / "securitypolicies.yaml")
        for matcher in context.matchers
    }
    wildcard = entries["https://*.example.com"]
    assert wildcard.kind is MatcherKind.WILDCARD
    assert wildcard.runs is not None and wildcard.runs[0] == r"https://.*\.example\.com"
    assert entries["*"].kind is MatcherKind.REFLECTED
    assert envoy_gateway.wildcard2regex("git+ssh://*.example.com") == r"git\+ssh://.*\.example\.com"
    path = write(
        tmp_path,
        "policy.yaml",
        """
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: SecurityPolicy
        metadata:
          name: p
        spec:
          cors:
            allowOrigins:
              - "http://*.example.com:8080"
              - "https://*"
        """,
    )
    assert match("http://foo.bar.example.com:8080", path) == 0  # Test_wildcard2regex test6
    assert match("http://foo.example.com", path) == 1  # test7
    assert match("https://anything.example.net:8443", path) == 0  # `https://.*`: any host and port
    assert match("http://anything.example.net", path) == 1


def test_securitypolicy_true_negatives() -> None:
    # exact origins; `*` headers (Envoy echoes them); a jwt issuer and a ClientTrafficPolicy are not CORS
    assert found(GATEWAYS / "securitypolicies-clean.yaml") == []


# --- Contour ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "exact"),
    [
        ("http://foo-1.bar.com", True),  # TestToCORSPolicy "allow origin specific valid"
        ("https://foo-2.com:443", True),
        ("https://*.example.com", True),  # Go's url.Parse accepts `*` in a host
        ("no-scheme.bar.com", False),  # "allow origin invalid specific but valid regex"
        ("http://bar.com/foo", False),
        ("http://baz.com?query1=2", False),
        ("http://example.org#fragment", False),
        (r".*\.foo\.com", False),  # "allow origin regex valid"
        ("HTTPS://a.example.com", False),  # Go lower-cases the scheme: no longer the item
        ("https://a.example.com:8a", False),  # invalid port
        ("https://user@a.example.com", False),  # userinfo is not part of Host
        ("https://[a-z]+.example.com", False),  # `[` opens an IPv6 literal that does not close well
        ("https://(www|api).example.com", False),  # `|` is no host character
        ("https://[::1]:8080", True),
    ],
)
def test_contour_tells_exact_from_regex_as_url_parse_does(entry: str, exact: bool) -> None:
    assert contour.go_url_exact(entry) is exact


def test_httpproxy_cors_policy_at_line_and_column() -> None:
    path = GATEWAYS / "httpproxies.yaml"
    assert found(path) == [
        ("OL606", 11, 28),  # allowPrivateNetwork with a wide regex
        ("OL101", 13, 11),  # exact `https://*.example.com`: the literal, which no browser sends
        ("OL302", 14, 11),
        ("OL307", 14, 11),
        ("OL202", 15, 11),  # a regex with no scheme: any scheme
        ("OL302", 15, 11),
        ("OL101", 16, 11),  # `https://app.example.com/` is a regex that needs a path
        ("OL402", 41, 21),  # `*`: Envoy echoes every origin, with credentials
    ]
    assert match("https://a.example.com", path) == 0  # through the regex, not the `*.` item
    assert match("https://a.b.example.com", path) == 0  # `.*\.example\.com`
    assert match("https://evil.net", GATEWAYS / "httpproxies-clean.yaml") == 1


def test_httpproxy_paths_are_its_routes() -> None:
    assert [c.paths for c in contexts(GATEWAYS / "httpproxies.yaml")] == [("/v1", "/v2"), ()]
    assert [c.paths for c in contexts(GATEWAYS / "httpproxies-clean.yaml")] == [()]


def test_httpproxy_exact_items_ignore_ascii_case() -> None:
    clean = GATEWAYS / "httpproxies-clean.yaml"
    assert found(clean) == []
    assert match("https://app.example.com", clean) == 0  # `https://App.Example.com`, Envoy ignore_case
    assert match("https://shop.example.com", clean) == 0
    assert match("https://shop.example.com.evil.net", clean) == 1  # RE2 full match


def test_httpproxy_contour_refuses_is_ol002_and_admits_nothing() -> None:
    path = GATEWAYS / "httpproxies-refused.yaml"
    assert found(path) == [("OL002", 10, 7), ("OL002", 12, 11), ("OL002", 13, 15)]
    said = messages(path)
    assert said[("OL002", 12, 11)].startswith(
        "Contour marks this HTTPProxy invalid and serves none of its routes (PolicyDidNotParse): "
        "`*.example.com` is not an exact `scheme://host[:port]` origin"
    )
    assert "`allowMethods` is required" in said[("OL002", 10, 7)]
    assert match("https://app.example.com", path) == 1


# --- shared: several kinds, broken input, templates, suppressions, detection ------


MIXED = """
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
spec:
  rules:
    - filters:
        - type: CORS
          cors:
            allowOrigins: ["http://a.example.com"]
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata:
  name: web
spec:
  targetRefs:
    - group: gateway.networking.k8s.io
      kind: HTTPRoute
      name: web
  cors:
    allowOrigins: ["http://b.example.com"]
---
apiVersion: projectcontour.io/v1
kind: HTTPProxy
metadata:
  name: web
spec:
  virtualhost:
    fqdn: web.example.com
    corsPolicy:
      allowOrigin: ["http://c.example.com"]
      allowMethods: [GET]
"""


def test_one_file_with_every_kind_is_read_by_every_format(tmp_path: Path) -> None:
    path = write(tmp_path, "web.yaml", MIXED)
    result = check_json(path, extra=("--no-cache",))
    assert [(f["code"], f["line"], f["column"], f["format"]) for f in result.findings] == [
        ("OL201", 10, 28, "gateway-api"),  # each finding names the format that read its entry
        ("OL201", 22, 20, "envoy-gateway"),
        ("OL201", 32, 21, "contour"),
    ]
    fmt = detect("web.yaml", path.read_text("utf-8"))
    assert fmt is not None and fmt.name == "gateway-api+envoy-gateway+contour"
    for origin in ("http://a.example.com", "http://b.example.com", "http://c.example.com"):
        assert match(origin, path) == 0


def test_broken_yaml_is_ol001_at_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "route.yaml",
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        spec:
          rules:
            - filters:
                - type: CORS
                  cors:
                    allowOrigins: ["https://a.example.com"
                    allowCredentials: true
        """,
    )
    result = check_json(path)
    assert [(f["code"], f["line"]) for f in result.findings] == [("OL001", 9)]  # the flow list never closes
    assert "Traceback" not in result.stdout + result.stderr


def test_template_placeholders_are_ol004_and_match_says_unknown(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "policy.yaml",
        """
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: SecurityPolicy
        metadata:
          name: p
        spec:
          cors:
            allowOrigins:
              - "{{ .Values.origin }}"
        """,
    )
    assert found(path) == [("OL004", 8, 9)]
    assert match("https://a.example.com", path) == 3


def test_inline_suppression_in_a_gateway_manifest(tmp_path: Path) -> None:
    text = (
        (GATEWAYS / "httproutes.yaml")
        .read_text("utf-8")
        .replace(
            '- "https://*.example.com"',
            '- "https://*.example.com"  # origins-lint: ignore[OL302] shop subdomains',
        )
    )
    path = write(tmp_path, "route.yaml", text)
    assert ("OL302", 20, 17) not in found(path)
    assert ("OL201", 21, 17) in found(path)


def test_detection_never_mistakes_one_format_for_another() -> None:
    ours = {
        "httproutes.yaml": "gateway-api",
        "httproutes-clean.yaml": "gateway-api",
        "httproutes-refused.yaml": "gateway-api",
        "securitypolicies.yaml": "envoy-gateway",
        "securitypolicies-clean.yaml": "envoy-gateway",
        "httpproxies.yaml": "contour",  # not Istio, although it has a `corsPolicy`
        "httpproxies-clean.yaml": "contour",
        "httpproxies-refused.yaml": "contour",
    }
    for name, expected in ours.items():
        fmt = detect(name, (GATEWAYS / name).read_text("utf-8"))
        assert fmt is not None and fmt.name == expected, name
    theirs = [
        FIXTURES / "istio" / "virtual-services.yaml",
        FIXTURES / "envoy" / "envoy.yaml",
        FIXTURES / "traefik" / "credentials.yml",
        FIXTURES / "ingress" / "multi-document.yaml",
    ]
    for path in theirs:
        fmt = detect(path.name, path.read_text("utf-8"))
        assert fmt is not None and not {"gateway-api", "envoy-gateway", "contour"} & set(fmt.name.split("+"))


def test_a_folder_walk_finds_each_kind(tmp_path: Path) -> None:
    for name in ("httproutes.yaml", "securitypolicies.yaml", "httpproxies.yaml"):
        write(tmp_path, f"deploy/{name}", (GATEWAYS / name).read_text("utf-8"))
    write(tmp_path, "deploy/istio.yaml", (FIXTURES / "istio" / "clean.yaml").read_text("utf-8"))
    result = check_json(tmp_path, extra=("--no-cache",))
    formats = {Path(f["path"]).name: f["format"] for f in result.findings}
    assert formats == {
        "httproutes.yaml": "gateway-api",
        "securitypolicies.yaml": "envoy-gateway",
        "httpproxies.yaml": "contour",
    }


def test_input_format_names_each_gateway_format(tmp_path: Path) -> None:
    path = write(tmp_path, "proxy.yaml", (GATEWAYS / "httpproxies.yaml").read_text("utf-8"))
    forced = check_json(path, extra=("--no-cache", "--input-format", "contour"))
    assert ("OL402", 41, 21) in [(f["code"], f["line"], f["column"]) for f in forced.findings]
    assert "gateway-api" in run_cli("formats").stdout


_SEEDS = [
    (GATEWAYS / name).read_bytes()
    for name in ("httproutes.yaml", "securitypolicies.yaml", "httpproxies.yaml")
]
_PIECES = st.sampled_from([b"", b"*", b"[", b"{{", b"\n", b": ", b"- ", b"\t", b"\x00", b"'", b"CORS"])


@given(
    seed=st.sampled_from(_SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 1500), st.integers(0, 6), _PIECES), max_size=6),
)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mutated_gateway_manifests_never_raise(edits: list[tuple[int, int, bytes]], seed: bytes) -> None:
    source = decode("manifest.yaml", mutate(seed, edits))
    if isinstance(source, Source):
        fmt = detect("manifest.yaml", source.text)
        if fmt is not None:
            run_every_rule(fmt.parse(source, FormatOptions()))


def test_objects_in_a_kubectl_list_are_read(tmp_path: Path) -> None:
    """`kubectl get httproutes,securitypolicies,httpproxies -o yaml` prints one `kind: List`."""
    path = write(
        tmp_path,
        "dump.yaml",
        """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: web
            spec:
              rules:
                - filters:
                    - type: CORS
                      cors:
                        allowOrigins: ["http://a.example.com"]
          - apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata:
              name: web
            spec:
              virtualhost:
                fqdn: web.example.com
                corsPolicy:
                  allowOrigin: ["http://c.example.com"]
                  allowMethods: [GET]
        """,
    )
    assert found(path) == [("OL201", 13, 32), ("OL201", 22, 25)]  # at the quoted value
