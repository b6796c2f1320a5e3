"""Silences and wrong answers found by running origins-lint on real public Envoy, Istio, Spring and
Traefik files (notes/s30-hunt4.md); each case is the smallest excerpt that shows it, the engine's
behaviour read from its own source (cited per case)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import check_json, run_cli, write
from tests.test_found_on_real_configs import codes


def findings(path: Path) -> list[dict[str, object]]:
    return check_json(path, extra=("--no-cache",)).findings


# --- Spring `${NAME:default}`: the default is what runs when NAME is unset (#3) --------------------

GATEWAY = """
spring:
  cloud:
    gateway:
      globalcors:
        cors-configurations:
          '[/**]':
            allowedOriginPatterns: {origins}
            allowedHeaders: "*"
            allowCredentials: true
"""


def test_a_placeholders_default_is_judged_as_the_value(tmp_path: Path) -> None:
    # a gateway README (find_string id 63322769698): Spring Boot's PropertySourcesPlaceholdersResolver
    # resolves `${NAME:default}` to the default when no property source sets NAME (its tests'
    # resolveIfPlaceholderAbsentUsesDefault): out of the box, `*` with
    # credentials, every origin echoed. It was one OL004 info (exit 0), "render it first"
    path = write(tmp_path, "application.yml", GATEWAY.format(origins="${CORS_ALLOWED_ORIGINS:*}"))
    assert codes(path) == [("OL004", 7, 36), ("OL402", 7, 59)]
    said = {f["code"]: str(f["message"]) for f in findings(path)}
    assert "when it is not set, Spring uses the default `*`" in said["OL004"]
    assert "render it first" not in said["OL004"]
    match = run_cli("match", "https://evil.example", str(path))
    assert match.exit_code == 0 and "with credentials" in match.stdout


def test_a_placeholders_default_list_is_split_as_spring_splits_it(tmp_path: Path) -> None:
    value = '"${ORIGINS:https://app.example.com,http://localhost:3000}"'
    path = write(tmp_path, "application.yml", GATEWAY.format(origins=value))
    assert codes(path) == [("OL004", 7, 36), ("OL501", 7, 71)]


def test_a_placeholder_without_a_default_stays_unknown(tmp_path: Path) -> None:
    path = write(tmp_path, "application.yml", GATEWAY.format(origins="${CORS_ALLOWED_ORIGINS}"))
    assert codes(path) == [("OL004", 7, 36)]
    assert "binds the text itself" in str(findings(path)[0]["message"])
    assert run_cli("match", "https://evil.example", str(path)).exit_code == 3


def test_a_bracketed_map_key_without_a_dot_is_bound(tmp_path: Path) -> None:
    # `cors-configurations[/**]` (the usual .properties spelling, find_string id 54785509356) binds
    # as `cors-configurations.[/**]` does: no "not a property Spring reads" note (#10)
    path = write(
        tmp_path,
        "application.properties",
        """
        spring.cloud.gateway.globalcors.cors-configurations[/**].allowed-origin-patterns=*
        spring.cloud.gateway.globalcors.cors-configurations[/**].allow-credentials=true
        """,
    )
    assert codes(path) == [("OL402", 1, 82)]


# --- an envsubst placeholder where Envoy wants a list (#6) ------------------------------------------


def test_an_envsubst_placeholder_for_the_origin_list_is_unknown_not_refused(tmp_path: Path) -> None:
    # a project's envoy.rds.yaml (find_string id 14661885489), filled in by envsubst at start: Envoy
    # never sees `$PROCESSED_ORIGINS`. It was OL002 "must be a list" and `match` "not trusted"
    path = write(
        tmp_path,
        "envoy.rds.yaml",
        """
        resources:
        - "@type": type.googleapis.com/envoy.config.route.v3.RouteConfiguration
          name: local_route
          virtual_hosts:
          - name: api
            domains: ["*"]
            typed_per_filter_config:
              envoy.filters.http.cors:
                "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy
                allow_origin_string_match: $PROCESSED_ORIGINS
                allow_credentials: true
        """,
    )
    assert codes(path) == [("OL004", 10, 36)]
    assert run_cli("match", "https://evil.example", str(path)).exit_code == 3


# --- filter code that writes CORS headers (#1) --------------------------------------------------


def test_lua_code_that_writes_cors_headers_is_said_not_skipped(tmp_path: Path) -> None:
    # an Istio CORS guide's "CORS with EnvoyFilter" (find_string id 52452823072): a Lua filter that
    # answers preflights from any origin containing `localhost` with it and credentials (Lua's
    # `string.find` is a substring search). It was OL003, and "No findings in 0 files" in a walk
    path = write(
        tmp_path,
        "envoyfilter.yaml",
        """
        apiVersion: networking.istio.io/v1alpha3
        kind: EnvoyFilter
        metadata:
          name: cors-lua
        spec:
          configPatches:
          - applyTo: HTTP_FILTER
            match:
              context: GATEWAY
            patch:
              operation: INSERT_BEFORE
              value:
                name: envoy.filters.http.lua
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
                  inlineCode: |
                    function envoy_on_request(request_handle)
                      local origin = request_handle:headers():get("origin")
                      if origin and origin:find("localhost") then
                        request_handle:respond({[":status"] = "204",
                          ["access-control-allow-origin"] = origin,
                          ["access-control-allow-credentials"] = "true"}, "")
                      end
                    end
        """,
    )
    assert codes(tmp_path) == [("OL004", 16, 23)]
    assert run_cli("match", "https://localhost.evil.net", str(path)).exit_code == 3  # it was "not trusted"


def test_lua_code_that_writes_no_cors_header_is_not_claimed(tmp_path: Path) -> None:
    write(
        tmp_path,
        "envoy.yaml",
        """
        static_resources:
          listeners:
          - filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  http_filters:
                  - name: envoy.filters.http.lua
                    typed_config:
                      inline_code: |
                        function envoy_on_response(h) h:headers():add("x-served-by", "edge") end
        """,
    )
    assert check_json(tmp_path, extra=("--no-cache",)).report["files_checked"] == 0


# --- a CORS policy with no CORS filter to read it (#5) ----------------------------------------------

BOOTSTRAP = """
static_resources:
  listeners:
  - name: l
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          stat_prefix: x
          route_config:
            virtual_hosts:
            - name: v
              domains: ["*"]
              cors:
                allow_origin_string_match: [{safe_regex: {regex: ".*"}}]
                allow_credentials: true
              routes:
              - match: {prefix: "/"}
                route: {cluster: c}
          http_filters:
{filters}
"""
ROUTER = """\
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"""
CORS = """\
          - name: envoy.filters.http.cors
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors"""


def test_a_cors_policy_no_cors_filter_reads_sends_nothing(tmp_path: Path) -> None:
    # only CorsFilter (source/extensions/filters/http/cors/cors_filter.cc) reads a route or virtual
    # host policy: with the router alone, Envoy sends no CORS header. It was OL402 critical and
    # `match` "trusted, with credentials" (a real note warns of it: xujiyou/blog-data, CORS.md)
    path = write(tmp_path, "envoy.yaml", BOOTSTRAP.replace("{filters}", ROUTER))
    assert codes(path) == []
    assert run_cli("match", "https://evil.example", str(path)).exit_code == 1


def test_the_same_policy_with_the_cors_filter_is_judged(tmp_path: Path) -> None:
    path = write(tmp_path, "envoy.yaml", BOOTSTRAP.replace("{filters}", CORS + "\n" + ROUTER))
    assert [code for code, _line, _column in codes(path)] == ["OL402"]


# --- an EnvoyFilter that merges response headers into a virtual host (#2) ---------------------------


def test_an_envoyfilter_merging_response_headers_into_a_virtual_host_is_read(tmp_path: Path) -> None:
    # istio pilot/pkg/networking/core/envoyfilter/rc_patch.go patchVirtualHost: MERGE puts the
    # value's response_headers_to_add on every matched virtual host; the router writes them on
    # every response. It was "No findings in 1 file" and `match` "not trusted"
    path = write(
        tmp_path,
        "envoyfilter.yaml",
        """
        apiVersion: networking.istio.io/v1alpha3
        kind: EnvoyFilter
        metadata: {name: cors-headers, namespace: istio-system}
        spec:
          configPatches:
          - applyTo: VIRTUAL_HOST
            match:
              context: GATEWAY
            patch:
              operation: MERGE
              value:
                response_headers_to_add:
                - header: {key: access-control-allow-origin, value: "%REQ(origin)%"}
                  append_action: OVERWRITE_IF_EXISTS_OR_ADD
                - header: {key: access-control-allow-credentials, value: "true"}
                - header: {key: vary, value: Origin}
        """,
    )
    assert codes(path) == [("OL402", 13, 61)]
    match = run_cli("match", "https://evil.example", str(path))
    assert match.exit_code == 0 and "with credentials" in match.stdout


# --- Spring configuration shipped in a ConfigMap (#7) -----------------------------------------------


def test_a_spring_file_in_a_configmap_is_read_where_it_is_written(tmp_path: Path) -> None:
    # the coubee project's api-gateway-config: Spring Cloud Kubernetes' ConfigMapPropertySource (or
    # a mount) makes `application-stg.yml` the gateway's own config. It was OL003 and, in a folder
    # walk, "No findings in 0 files"
    write(
        tmp_path,
        "configmap.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: api-gateway-config
        data:
          application-stg.yml: |
            spring:
              cloud:
                gateway:
                  globalcors:
                    cors-configurations:
                      '[/**]':
                        allowed-origin-patterns: "*"
                        allow-credentials: true
          application-dev.yml: |
            spring:
              cloud:
                gateway:
                  globalcors:
                    cors-configurations:
                      '[/**]':
                        allowed-origins: "http://localhost:5500"
        """,
    )
    assert codes(tmp_path) == [("OL402", 13, 43)]  # the dev profile's localhost stays quiet


def test_a_configmap_without_a_spring_file_is_not_spring(tmp_path: Path) -> None:
    write(
        tmp_path,
        "configmap.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: web
        data:
          CORS_ORIGIN: "*"
        """,
    )
    assert check_json(tmp_path, extra=("--no-cache",)).report["files_checked"] == 0


def test_a_credentials_placeholders_default_is_judged_too(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "application.yml",
        """
        management:
          endpoints:
            web:
              cors:
                allowed-origin-patterns: "${ORIGINS:*}"
                allow-credentials: ${CORS_CREDENTIALS:true}
        """,
    )
    assert codes(path) == [("OL004", 5, 34), ("OL004", 6, 28), ("OL402", 5, 45)]
