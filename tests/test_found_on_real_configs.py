"""Silences and wrong answers found by running origins-lint on real public configuration files
(each case is the smallest excerpt of such a file that shows it)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import check_json, write


def codes(path: Path, *extra: str) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=("--no-cache", *extra))
    assert result.exit_code in (0, 1) and "Traceback" not in result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


def test_an_apisix_adc_file_whose_only_origin_key_is_allow_origins_by_regex(tmp_path: Path) -> None:
    # the apache/apisix cors plugin docs' ADC tab: not named apisix*, no `allow_origins`, no
    # `allow_credential`; apisix/plugins/cors.lua reads `allow_origins_by_regex` alone
    path = write(
        tmp_path,
        "adc.yaml",
        """
        services:
          - name: cors-service
            routes:
              - name: cors-route
                uris: [/anything]
                plugins:
                  cors:
                    allow_origins_by_regex:
                      - "^https://.*\\\\.test\\\\.com$"
        """,
    )
    assert codes(path) == [("OL302", 9, 17)]  # it was skipped: "No findings in 0 files"


def test_nginx_proxy_vhost_d_files_are_nginx_whatever_their_name(tmp_path: Path) -> None:
    # nginx-proxy/nginx-proxy nginx.tmpl: `include /etc/nginx/vhost.d/{{ $host }};` in the server
    # and `.../{{ $host }}_location;` in `location /`: files named after the host, no suffix
    write(
        tmp_path,
        "vhost.d/api.example.com_location",
        """
        add_header Access-Control-Allow-Origin $http_origin always;
        add_header Access-Control-Allow-Credentials true always;
        add_header Vary Origin always;
        """,
    )
    assert codes(tmp_path) == [("OL402", 1, 40)]  # it was "No findings in 0 files"


KONG_TEMPLATE = """
apiVersion: configuration.konghq.com/v1
kind: KongPlugin
metadata:
  name: cors
config:
  origins:{inline}
{next_line}  credentials: true
plugin: cors
"""


def test_a_kong_origins_list_a_template_fills_in_is_unknown_not_kongs_star(tmp_path: Path) -> None:
    # kamilwronka/communicator-infra kong-cors-plugin.tpl: `origins:` then `    ${cors_origins}`;
    # the line was blanked as template text, so `origins` read as unset: Kong's `*` with
    # credentials, an OL402 critical on a guess
    below = write(
        tmp_path, "a/kong.yaml.tpl", KONG_TEMPLATE.format(inline="", next_line="    ${cors_origins}\n")
    )
    assert codes(below) == [("OL004", 7, 5), ("OL004", 7, 5)]  # the value, and the line
    said = check_json(below, extra=("--no-cache",)).findings
    assert any(
        "`origins` is `${cors_origins}`, filled in when the template is rendered" in f["message"]
        for f in said
    )
    inline = write(tmp_path, "b/kong.yaml.tpl", KONG_TEMPLATE.format(inline=" ${cors_origins}", next_line=""))
    assert codes(inline) == [("OL004", 6, 12)]  # was OL002 "Kong refuses this: must be a list"


def test_a_list_a_template_fills_in_is_not_refused_as_the_wrong_type(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "vs.yaml.tpl",
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: web
        spec:
          http:
            - corsPolicy:
                allowOrigins:
                  {{- toYaml .Values.origins | nindent 10 }}
                allowCredentials: true
              route: [{destination: {host: web}}]
        """,
    )
    assert [code for code, _, _ in codes(path)] == ["OL004", "OL004"]  # was OL002 "must be a list"


def test_spring_web_cors_is_no_spring_boot_property_and_is_said_so(tmp_path: Path) -> None:
    # spring-projects/spring-boot binds CORS from `management.endpoints.web.cors`
    # (CorsEndpointProperties) and `spring.graphql.cors` (GraphQlCorsProperties) only; real
    # applications write `spring.web.cors.*` and bind it themselves, or believe Boot does
    path = write(
        tmp_path,
        "application.properties",
        "spring.web.cors.allowed-origins=http://localhost:3000,https://app.example.com\n"
        "spring.web.cors.allow-credentials=true\n",
    )
    result = check_json(path, extra=("--no-cache",))
    said = {(f["code"], f["line"], f["column"]): f["message"] for f in result.findings}
    assert ("OL004", 1, 1) in said and "not a property Spring Boot" in said[("OL004", 1, 1)]
    assert ("OL501", 1, 33) in said  # still read as a CorsConfiguration would read it
    graphql = write(tmp_path, "real/application.properties", "spring.graphql.cors.allowed-origins=*\n")
    assert [f["code"] for f in check_json(graphql, extra=("--no-cache",)).findings] == ["OL301"]


def _unanchored(pattern: str) -> str | None:
    from origins_lint.matchers import analyse_regex
    from origins_lint.model import Engine, MatchMode

    found = analyse_regex(pattern, Engine("pcre", MatchMode.SEARCH, case_sensitive=False)).unanchored()
    return found.origin if found is not None else None


def test_a_missing_caret_is_said_only_when_an_origin_a_browser_sends_gets_past_it() -> None:
    # an Origin is `scheme://host[:port]`: `https://attacker.net/?https://app.example.com` is no
    # bypass (the apache/apisix ADC example `.*\.test.com$`, a tutorial's `(www.helloworld.com)$`)
    assert _unanchored(r"https://app\.example\.com$") is None  # the scheme in front: nothing else ends so
    assert _unanchored(r".*\.test\.com$") is None  # `^` would change nothing: `.*` is the breadth
    assert _unanchored(r"app\.example\.com$") == "https://attackerapp.example.com"  # a longer name in front
    assert _unanchored(r"example\.com$") == "https://attackerexample.com"  # a name anyone can register
    assert _unanchored(r"^https://app\.example\.com") == "https://app.example.com.attacker.net"
    assert _unanchored(r"^https://app\.example\.com.*") is None  # `$` would not stop `.*`: too_broad's


def test_haproxy_has_no_line_continuation(tmp_path: Path) -> None:
    # HAProxy CORS guides split an `acl` over lines with `\`; haproxy/haproxy#2740 (open) asks for
    # continuation: HAProxy reads the next line as a statement, an unknown keyword, and refuses
    path = write(
        tmp_path,
        "haproxy.cfg",
        """
        frontend web
            bind :80
            acl allowed_origin req.hdr(Origin) -i -m str \\
                https://app.example.com
            http-response set-header Access-Control-Allow-Origin %[req.hdr(Origin)] if allowed_origin
            http-response set-header Vary Origin
        """,
    )
    result = check_json(path, extra=("--no-cache",))
    said = [(f["code"], f["line"], f["column"]) for f in result.findings]
    assert said == [("OL001", 3, 50)]  # no OL101 for `\` read as an origin
    assert "HAProxy has no line continuation" in result.findings[0]["message"]


def test_a_caddy_map_that_sends_a_capture_of_the_origin_regex(tmp_path: Path) -> None:
    # modules/caddyhttp/map: `~regexp` is Go's regexp, searched, and `${1}` in the output expands
    # its capture; the browser compares what is sent with its whole Origin
    path = write(
        tmp_path,
        "Caddyfile",
        """
        api.example.com {
        \tmap {header.Origin} {cors_origin} {
        \t\t~^(https://app\\.example\\.com) "${1}"
        \t\tdefault ""
        \t}
        \theader Access-Control-Allow-Origin {cors_origin}
        \theader Access-Control-Allow-Credentials true
        \theader Vary Origin
        }
        """,
    )
    assert (
        codes(path) == []
    )  # was OL306: `https://app.example.com.attacker.net` gets `https://app.example.com`
    from tests.conftest import run_cli

    assert run_cli("match", "https://app.example.com.attacker.net", str(path)).exit_code == 1
    assert run_cli("match", "https://app.example.com", str(path)).exit_code == 0


def test_plain_http_fixed_text_around_an_unknown_nginx_variable(tmp_path: Path) -> None:
    # adiog/io_quicksave_dev sites-available/cdn.quicksave.io: a variable set nowhere this file
    # shows (envsubst later, or a `set` elsewhere): whatever it holds, the origin is plain HTTP
    path = write(
        tmp_path,
        "sites-available/cdn.example.com",
        """
        server {
            listen 80;
            location / {
                add_header 'Access-Control-Allow-Origin' 'http://${CDN_HOST}' always;
                add_header 'Access-Control-Allow-Credentials' 'true' always;
                add_header Vary Origin always;
            }
        }
        """,
    )
    said = codes(path)
    assert ("OL201", 4, 51) in said  # it was only OL004 (and OL602)
    assert ("OL004", 4, 58) in said


SNIPPET_INGRESS = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    nginx.ingress.kubernetes.io/configuration-snippet: |
      more_set_headers "Access-Control-Allow-Origin: $http_origin";
    nginx.ingress.kubernetes.io/enable-cors: "true"
    nginx.ingress.kubernetes.io/cors-allow-credentials: "true"
{origin}spec:
  rules: []
"""


def test_an_ingress_snippet_echo_is_the_controllers_star_when_cors_allows_any_origin(tmp_path: Path) -> None:
    # kubernetes/ingress-nginx template.go buildCorsOriginRegex: for the origin `*` the CORS block
    # (before the snippet in the location) is `set $http_origin *;` (e2e test/e2e/annotations/
    # cors.go expects it), so the snippet sends `*`, not the request's Origin
    star = write(tmp_path, "a/ingress.yaml", SNIPPET_INGRESS.format(origin=""))
    said = codes(star)
    assert ("OL301", 6, 5) in said  # the snippet's `*`, at its annotation
    assert not {code for code, _, _ in said} & {"OL304", "OL402", "OL602"}  # no echo
    listed = write(
        tmp_path,
        "b/ingress.yaml",
        SNIPPET_INGRESS.format(
            origin='    nginx.ingress.kubernetes.io/cors-allow-origin: "https://app.example.com"\n'
        ),
    )
    assert ("OL304", 7, 54) in codes(listed)  # with a list, the snippet's echo is real


def test_a_caddy_handle_that_tests_origin_keeps_its_other_headers_for_an_inner_guard(tmp_path: Path) -> None:
    # a Caddy CORS guide: `handle @cors_preflight` (`header Origin *`) holding a guarded
    # `header @allowed Access-Control-Allow-Origin {header.Origin}` and unguarded credentials and
    # Vary: one response gets all three (modules/caddyhttp/headers: each `header` handler of the
    # subroute runs on it), so the echo is credentialed and varies; it was OL304 "without
    # credentials" and a false OL602
    path = write(
        tmp_path,
        "Caddyfile",
        """
        api.example.com {
        \t@allowed header_regexp Origin .+
        \t@preflight {
        \t\tmethod OPTIONS
        \t\theader Origin *
        \t}
        \thandle @preflight {
        \t\theader @allowed Access-Control-Allow-Origin "{header.Origin}"
        \t\theader Access-Control-Allow-Credentials "true"
        \t\theader Vary "Origin"
        \t\trespond 204
        \t}
        }
        """,
    )
    assert codes(path) == [("OL402", 2, 32)]  # at the regex


def test_an_empty_envoy_prefix_matcher_is_refused_not_every_origin(tmp_path: Path) -> None:
    # rio-build's envoy-dashboard.yaml: `allow_origin_string_match: [{prefix: ""}]`; Envoy's
    # StringMatcher requires `min_len: 1` ("Empty prefix match is not allowed"), so the
    # configuration is rejected: nothing is served. It was OL304 on an empty quote, `match` trusted
    path = write(
        tmp_path,
        "envoy.yaml",
        """
        static_resources:
          listeners:
          - filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  route_config:
                    virtual_hosts:
                    - name: dashboard
                      domains: ["*"]
                      cors:
                        allow_origin_string_match: [{prefix: ""}]
                      routes: [{match: {prefix: "/"}, route: {cluster: dashboard}}]
        """,
    )
    assert codes(path) == [("OL002", 12, 54)]  # at the empty value


def test_a_snippet_that_sets_http_origin_itself_keeps_its_own_place(tmp_path: Path) -> None:
    # no CORS annotation: nothing is injected, so the snippet's own `set` is where its `*` is
    path = write(
        tmp_path,
        "ingress.yaml",
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          annotations:
            nginx.ingress.kubernetes.io/configuration-snippet: |
              set $http_origin *;
              more_set_headers "Access-Control-Allow-Origin: $http_origin";
        spec:
          rules: []
        """,
    )
    assert codes(path) == [("OL301", 7, 24)]
