"""Envoy's header_mutation filter writing CORS headers: read as Envoy runs it (envoy_headers.py).

Cited from envoyproxy/envoy: source/extensions/filters/http/header_mutation/header_mutation.cc
`HeaderMutation::encodeHeaders` (the filter's own `mutations`, then the per-route configs
`getAllPerFilterConfig` returns, route table first, reversed unless
`most_specific_header_mutations_wins`) and source/common/http/header_mutation.cc
(`HeaderMutations::evaluateHeaders`: each `append`/`remove` in the order written; `AppendMutation`
follows `append_action`). Such a config was "No findings in 0 files" before, its
`%REQ(origin)%` echo with credentials unseen.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, check_json, run_cli, write

HEADERS = FIXTURES / "envoy" / "headers"


def found(path: Path) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=("--no-cache",))
    assert result.exit_code in (0, 1) and "Traceback" not in result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


def test_the_filter_echo_reaches_every_route_and_a_per_route_config_runs_after_it() -> None:
    assert found(HEADERS / "mutation.yaml") == [
        ("OL201", 43, 77),  # /partner: its per-route `remove` drops the echo, then a plain-HTTP origin
        ("OL402", 18, 71),  # /: the filter's `%REQ(origin)%` with its credentials
        ("OL602", 18, 35),  # /: no `Vary: Origin` (the /partner route appends one)
    ]
    said = check_json(HEADERS / "mutation.yaml", extra=("--no-cache",)).findings
    vary = next(f for f in said if f["code"] == "OL602")
    assert vary["message"].endswith(
        "add `Vary: Origin` next to it (an `append` in the same `response_mutations`)"
    )


def test_match_answers_for_the_echo() -> None:
    said = run_cli("match", "https://evil.example", str(HEADERS / "mutation.yaml"))
    assert said.exit_code == 0
    assert (
        "mutation.yaml:18:71: reflected `%REQ(origin)%` (api route 1) admits it, with credentials"
        in said.stdout
    )


def test_a_listener_whose_routes_come_from_rds_is_read_alone() -> None:
    assert found(HEADERS / "mutation-rds.yaml") == [("OL401", 19, 71)]  # `*` and credentials (camelCase keys)


PER_ROUTE = "type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutationPerRoute"
HCM = """
static_resources:
  listeners:
  - name: main
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          http_filters:
          - name: envoy.filters.http.header_mutation
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutation
              most_specific_header_mutations_wins: {wins}
              mutations:
                response_mutations:
                - append:
                    header: {{key: Access-Control-Allow-Credentials, value: "true"}}
          route_config:
            virtual_hosts:
            - name: api
              domains: ["*"]
              typed_per_filter_config:
                envoy.filters.http.header_mutation:
                  "@type": {per_route}
                  mutations:
                    response_mutations:
                    - append:
                        header: {{key: Access-Control-Allow-Origin, value: "https://vhost.example.com"}}
                        append_action: {vhost_action}
              routes:
              - match: {{prefix: "/"}}
                route: {{cluster: api}}
                typed_per_filter_config:
                  envoy.filters.http.header_mutation:
                    "@type": type.googleapis.com/envoy.config.route.v3.FilterConfig
                    config:
                      "@type": {per_route}
                      mutations:
                        response_mutations:
                        - append:
                            header: {{key: Access-Control-Allow-Origin, value: "%REQ(origin)%"}}
                            append_action: OVERWRITE_IF_EXISTS_OR_ADD
                        - append:
                            header: {{key: Vary, value: Origin}}
"""


def test_the_most_specific_config_runs_last_only_when_the_filter_says_so(tmp_path: Path) -> None:
    # default: route's, then virtual host's; the vhost's OVERWRITE replaces the route's echo
    default = write(
        tmp_path,
        "a/envoy.yaml",
        HCM.format(per_route=PER_ROUTE, wins="false", vhost_action="OVERWRITE_IF_EXISTS_OR_ADD"),
    )
    assert [code for code, _, _ in found(default)] == []
    # most specific wins: virtual host's first, then the route's echo overwrites it
    wins = write(
        tmp_path,
        "b/envoy.yaml",
        HCM.format(per_route=PER_ROUTE, wins="true", vhost_action="OVERWRITE_IF_EXISTS_OR_ADD"),
    )
    assert [code for code, _, _ in found(wins)] == ["OL402"]
    # ADD_IF_ABSENT after the route's echo (default order): the field is there, nothing is added
    absent = write(
        tmp_path, "c/envoy.yaml", HCM.format(per_route=PER_ROUTE, wins="false", vhost_action="ADD_IF_ABSENT")
    )
    assert [code for code, _, _ in found(absent)] == ["OL402"]
