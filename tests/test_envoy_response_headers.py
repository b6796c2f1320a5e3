"""Envoy `response_headers_to_add` that send CORS: read as Envoy applies them (envoy_headers.py).

Cited from envoyproxy/envoy at 69d0ecea: source/common/router/config_impl.cc
`RouteEntryImplBase::finalizeResponseHeaders` (route, then virtual host, then route configuration;
"Later evaluated header parser wins"; `most_specific_header_mutations_wins` reverses it) and
source/common/router/header_parser.cc (`HeadersToAddEntry`: `append` and `append_action` together
are refused; `evaluateHeaders`: removes, then overwrites, then adds; ADD_IF_ABSENT and
OVERWRITE_IF_EXISTS look at what is there). Before, such a config was "No findings in 0 files",
its `%REQ(origin)%` echo with credentials unseen.
"""

from __future__ import annotations

from pathlib import Path

from origins_lint.formats.kubernetes.envoy_headers import value
from tests.conftest import FIXTURES, check_json, run_cli, write

HEADERS = FIXTURES / "envoy" / "headers"
ISTIO = FIXTURES / "istio"


def found(path: Path) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=("--no-cache",))
    assert result.exit_code in (0, 1) and "Traceback" not in result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


def test_an_echo_with_credentials_and_what_route_guards_admit() -> None:
    assert found(HEADERS / "echo.yaml") == [
        ("OL302", 41, 47),  # the /shop route's `safe_regex_match` on origin: every subdomain
        ("OL402", 17, 67),  # `%REQ(origin)%` on a virtual host, credentials on: every origin
    ]  # the route guarded by an exact origin admits that origin alone: nothing to say


def test_match_answers_through_the_route_guards() -> None:
    path = str(HEADERS / "echo.yaml")
    partner = run_cli("match", "https://partner.example.com", path)
    assert partner.exit_code == 0 and "echo.yaml:35:43: exact `https://partner.example.com`" in partner.stdout
    evil = run_cli("match", "https://evil.example.net", path)
    assert evil.exit_code == 0 and "echo.yaml:17:67: reflected `%REQ(origin)%` (api route 1)" in evil.stdout
    assert "partners" not in evil.stdout  # the guarded routes do not echo it


def test_the_order_envoy_applies_the_levels_in() -> None:
    assert found(HEADERS / "order.yaml") == [
        ("OL002", 31, 17),  # `append` and `append_action` both set: Envoy refuses it
        ("OL004", 38, 59),  # `%DOWNSTREAM_LOCAL_ADDRESS%`: added when absent, after the remove
        ("OL201", 29, 59),
        ("OL301", 7, 55),  # the route configuration's overwrite runs last: `*` replaces the route's
        ("OL601", 29, 23),  # most specific last: the virtual host's value, then the route's added
        ("OL602", 38, 23),
    ]
    said = {
        f["code"]: f["message"] for f in check_json(HEADERS / "order.yaml", extra=("--no-cache",)).findings
    }
    assert "Both append and append_action are set" in said["OL002"]
    assert "add `Vary: Origin` to `response_headers_to_add` next to it" in said["OL602"]
    assert run_cli("match", "https://app.example.com", str(HEADERS / "order.yaml")).stdout.count("exact") == 0


def test_values_as_envoy_formats_them() -> None:
    assert value("%REQ(origin)%").echo and value("%REQ(Origin)%").echo
    assert value("%REQ(origin?referer)%").request == "%REQ(origin?referer)%"  # no Origin: the Referer
    assert value("%REQ(x-forwarded-host)%").request is not None
    assert value("%REQ(:authority)%").self_only
    assert value("https://a.example.com").literal == "https://a.example.com"
    assert value("100%%").literal == "100%"
    assert value('%UPSTREAM_METADATA(["cors", "origin"])%').unknown is not None


def test_headers_without_cors_are_not_claimed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "envoy.yaml",
        "route_config:\n  virtual_hosts:\n  - name: a\n    domains: ['*']\n    response_headers_to_add:\n"
        "    - header: {key: X-Frame-Options, value: DENY}\n    routes:\n    - match: {prefix: /}\n"
        "      route: {cluster: a}\n",
    )
    result = check_json(tmp_path, extra=("--no-cache",))  # a walk: not an Envoy file of ours
    assert path.exists() and result.findings == [] and result.report["files_checked"] == 0


def test_istio_routes_that_set_cors_headers_themselves() -> None:
    """Istio passes `headers.response` values to Envoy unescaped (`translateAppendHeaders` in
    pilot/pkg/networking/core/route/route.go, istio/istio 86c9f01f): `set` overwrites, `add`
    appends, a destination's headers run before its route's; `match[].headers.origin` on every
    match (OR'ed) guards the echo."""
    path = ISTIO / "response-headers.yaml"
    assert found(path) == [
        ("OL302", 16, 25),  # the second match's regex on origin: every subdomain of partner.example.com
        ("OL402", 29, 40),  # `everyone`: the route's `set` echo replaces the destination's `add`
        ("OL602", 29, 11),
    ]
    said = {f["code"]: f["message"] for f in check_json(path, extra=("--no-cache",)).findings}
    assert "set `Vary: Origin` in `headers.response` next to it" in said["OL602"]
    assert run_cli("match", "https://partner.example.com", str(path)).exit_code == 0
    partner = run_cli("match", "https://app.example.com", str(path))
    assert (
        "response-headers.yaml:29:40: reflected" in partner.stdout
    )  # the destination's value is overwritten


def test_gateway_api_response_header_modifiers() -> None:
    """`HTTPHeaderFilter` (gateway-api apis/v1/httproute_types.go): `set` overwrites, `add` appends;
    a backend's filters run before its rule's; `matches[].headers` on `Origin` (`Exact`, or
    `RegularExpression` as the Envoy-based implementations run it, RE2 whole) guards the rule."""
    path = FIXTURES / "gateways" / "httproute-response-headers.yaml"
    assert found(path) == [
        ("OL302", 29, 16),  # rule 2's `RegularExpression` guard on origin
        ("OL308", 29, 16),  # ... whose `.*example.com` admits `https://attackerexample.com`
        ("OL401", 46, 18),  # rule 3: the rule's `set: *` replaces the backend's `add`, with credentials
    ]  # rule 1 echoes only the origin its `Exact` match passes
    partner = run_cli("match", "https://partner.example.com", str(path))
    assert partner.exit_code == 0 and "httproute-response-headers.yaml:11:16: exact" in partner.stdout
    cdn = run_cli("match", "https://cdn.example.com", str(path)).stdout
    assert "exact `https://cdn.example.com`" not in cdn  # overwritten by the rule's `set`


def test_weighted_clusters_each_answer_with_their_own_headers() -> None:
    """One of a route's weighted clusters answers a request; its headers run before the route's
    (`WeightedClusterEntry::finalizeResponseHeaders`), so each cluster is a response of its own."""
    assert found(HEADERS / "weighted.yaml") == [
        ("OL201", 20, 65),  # the green cluster: plain HTTP (no credentials there)
        ("OL402", 15, 65),  # the blue cluster echoes the Origin with credentials
    ]  # the route's `Vary: Origin` reaches both: no OL602
