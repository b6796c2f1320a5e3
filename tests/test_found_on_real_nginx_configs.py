"""Silences and wrong answers found by running origins-lint on real public nginx and ingress-nginx
configuration files (notes/s30-hunt3.md); each case is the smallest excerpt that shows it. The
`if`/`map` cases are held against the real nginx in tests/fixtures/nginx/oracle/ too."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import check_json, run_cli, write
from tests.test_found_on_real_configs import codes


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


# --- the ingress-nginx controller's own ConfigMap (#3) ---------------------------------------------


def test_the_controller_configmaps_location_snippet_is_read(tmp_path: Path) -> None:
    # a real controller ConfigMap (find_string id 32042377747) with a CORS snippet: nginx.tmpl
    # writes `location-snippet` into every location, for every Ingress
    path = write(
        tmp_path,
        "configmap.yaml",
        """
        kind: ConfigMap
        apiVersion: v1
        metadata:
          name: nginx-configuration
        data:
          use-gzip: 'true'
          location-snippet: |
            more_set_headers "Access-Control-Allow-Origin: $http_origin";
            more_set_headers "Access-Control-Allow-Credentials: true";
        """,
    )
    assert codes(path) == [("OL402", 8, 52), ("OL602", 8, 5)]  # it was OL003; a folder walk skipped it
    match = run_cli("match", "https://evil.example", str(path))
    assert match.exit_code == 0 and "with credentials" in match.stdout


def test_the_controller_configmaps_http_and_server_snippets_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ingress-nginx-controller.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: ingress-nginx-controller
          namespace: ingress-nginx
        data:
          http-snippet: |
            map $http_origin $cors_origin {
              default "";
              "~^https://.*\\.example\\.com$" $http_origin;
            }
          server-snippet: |
            more_set_headers "Access-Control-Allow-Origin: $cors_origin";
            more_set_headers "Access-Control-Allow-Credentials: true";
            more_set_headers "Vary: Origin";
        """,
    )
    # read together, as nginx.tmpl writes them (`http-snippet` in `http`, `server-snippet` in each
    # `server`): the map of one is the variable the other sends, with credentials (s31; each read on
    # its own, the variable was OL004 and the map's regex a low "decides nothing" OL302)
    assert codes(path) == [("OL302", 10, 8)]
    said = {(f["line"], f["column"]): f for f in check_json(path).findings}
    assert said[(10, 8)]["severity"] == "high" and "allows credentials" in said[(10, 8)]["message"]
    match = run_cli("match", "https://a.example.com", str(path))
    assert match.exit_code == 0 and "with credentials" in match.stdout


def test_headers_the_controller_adds_from_the_configmap_add_headers_names(tmp_path: Path) -> None:
    # nginx.tmpl: `more_set_headers {{ printf "%s: %s" $k $v | quote }};` in `http`, unescaped
    path = write(
        tmp_path,
        "controller.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: ingress-nginx-controller
          namespace: ingress-nginx
        data:
          add-headers: ingress-nginx/custom-add-headers
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: custom-add-headers
          namespace: ingress-nginx
        data:
          Access-Control-Allow-Origin: "$http_origin"
          Access-Control-Allow-Credentials: "true"
          Vary: Origin
        """,
    )
    assert codes(path) == [("OL402", 15, 33)]


def test_helm_controller_add_headers_are_read(tmp_path: Path) -> None:
    # the chart turns `controller.addHeaders` into the add-headers ConfigMap
    # (charts/ingress-nginx/templates/controller-configmap-addheaders.yaml)
    path = write(
        tmp_path,
        "values.yaml",
        """
        controller:
          addHeaders:
            Access-Control-Allow-Origin: "https://app.example.com"
            Access-Control-Allow-Credentials: "true"
            X-Frame-Options: DENY
          config:
            use-gzip: "true"
        """,
    )
    assert codes(path) == []  # read: a fixed origin
    risky = write(
        tmp_path,
        "prod/values.yaml",
        """
        controller:
          addHeaders:
            Access-Control-Allow-Origin: "http://app.example.com"
            Access-Control-Allow-Credentials: "true"
        """,
    )
    assert codes(risky) == [("OL201", 3, 35)]


def test_a_configmap_of_another_kind_is_not_claimed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "app-config.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: app
        data:
          ALLOWED_ORIGIN: "*"
        """,
    )
    result = check_json(path, extra=("--no-cache",))
    assert [f["code"] for f in result.findings] == ["OL003"]


# --- what nginx refuses to load (#6; add_header and the map brace are oracle files too) -----------


def test_more_set_headers_in_an_if_of_a_server_is_refused(tmp_path: Path) -> None:
    # headers-more's commands are NGX_HTTP_MAIN_CONF|SRV_CONF|LOC_CONF|LIF_CONF: `nginx -t` says
    # `"more_set_headers" directive is not allowed here` (checked with nginx 1.22.1 + headers-more)
    path = write(
        tmp_path,
        "nginx.conf",
        """
        server {
            listen 80;
            if ($http_origin) {
                more_set_headers "Access-Control-Allow-Origin: $http_origin";
            }
        }
        """,
    )
    found = check_json(path, extra=("--no-cache",)).findings
    assert ("OL001", 4, 9) in [(f["code"], f["line"], f["column"]) for f in found]
    assert "is not allowed here" in next(f["message"] for f in found if f["code"] == "OL001")


def test_header_writers_in_an_if_of_a_location_are_allowed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "nginx.conf",
        """
        server {
            listen 80;
            location / {
                if ($request_method = OPTIONS) {
                    add_header Access-Control-Allow-Origin https://app.example.com always;
                    more_set_headers "Access-Control-Max-Age: 600";
                    return 204;
                }
            }
        }
        """,
    )
    assert "OL001" not in [code for code, _line, _column in codes(path)]


# --- `always` on a preflight's own 204 (#8) -----------------------------------------------------


def test_no_missing_always_on_the_headers_of_a_preflight_that_returns_204(tmp_path: Path) -> None:
    # the enable-cors.org snippet, copied everywhere: its OPTIONS block answers 204 itself, a status
    # add_header serves, and a preflight has no body to be refused: `always` changes nothing there
    # (checked with nginx 1.22.1: the 204 carries both headers). The GET's headers still need it.
    path = write(
        tmp_path,
        "nginx.conf",
        """
        server {
            listen 80;
            location / {
                if ($request_method = 'OPTIONS') {
                    add_header 'Access-Control-Allow-Origin' 'https://app.example.com';
                    add_header 'Access-Control-Max-Age' 7200;
                    return 204;
                }
                if ($request_method ~* "^(GET|POST)$") {
                    add_header 'Access-Control-Allow-Origin' 'https://app.example.com';
                }
                proxy_pass http://backend;
            }
        }
        """,
    )
    assert codes(path) == [("OL603", 10, 13)]  # only the GET's; it was also 5:13 and 6:13


# --- nginx files named after their host (#7) -----------------------------------------------------


SERVER_BLOCK = """
server {
    listen 80;
    server_name todoapi.benaychh.io;
    location / {
        add_header 'Access-Control-Allow-Origin' $http_origin always;
        add_header 'Access-Control-Allow-Credentials' 'true' always;
        add_header Vary Origin always;
        proxy_pass http://localhost:3000;
    }
}
"""


def test_a_host_named_file_in_an_nginx_folder_is_read(tmp_path: Path) -> None:
    # BenAychh/sa-todo-list-api `nginx/todoapi.benaychh.io`, Talla2XLC/Legacy_backend
    # `server/api.memory-lane.ru`: both were skipped by a folder walk ("No findings in 0 files")
    write(tmp_path, "nginx/todoapi.benaychh.io", SERVER_BLOCK)
    write(tmp_path, "server/api.memory-lane.ru", SERVER_BLOCK)
    assert codes(tmp_path) == [("OL402", 5, 50), ("OL402", 5, 50)]


def test_files_in_those_folders_that_are_not_host_named_are_not_read(tmp_path: Path) -> None:
    write(tmp_path, "server/deploy.sh", SERVER_BLOCK)  # `.sh` is a TLD and an extension
    write(tmp_path, "server/index.js", SERVER_BLOCK)
    write(tmp_path, "server/notes.txt", SERVER_BLOCK)
    report = check_json(tmp_path, extra=("--no-cache",)).report
    assert report["files_checked"] == 0 and report["findings"] == []


# --- a check that lets origins reach a preflight's own 204 is no guard (#5) -----------------------


def test_a_check_gating_a_preflight_204_of_a_literal_star_is_not_a_guard(tmp_path: Path) -> None:
    # NidzamuddinMuzakki/movies-abishar kubernetes/development/backend/ingress.yaml (its snippet):
    # the check decides who gets a literal `*` and nginx's own 204; an origin failing it goes on to
    # the backend. It was OL202, OL302, OL306 and OL501, high, "(this origin check decides the
    # `return 204`)"; the `*` with credentials is what is wrong (OL401)
    path = write(
        tmp_path,
        "nginx.conf",
        """
        server {
            listen 80;
            location / {
                if ($http_origin ~* "^(https|http)?://((.*\\.movies-abishar\\.com)|(localhost))") {
                    set $cors "true";
                }
                if ($request_method = 'OPTIONS') {
                    set $cors "${cors}options";
                }
                if ($cors = "trueoptions") {
                    add_header Access-Control-Allow-Origin * always;
                    add_header Access-Control-Allow-Credentials true always;
                    return 204;
                }
                proxy_pass http://backend;
            }
        }
        """,
    )
    assert codes(path) == [("OL401", 11, 52)]


def test_a_check_gating_a_refusal_is_still_a_guard(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "nginx.conf",
        """
        server {
            listen 80;
            location / {
                if ($http_origin !~* "^https://app\\.example\\.com") {
                    return 403;
                }
                proxy_pass http://backend;
            }
        }
        """,
    )
    found = check_json(path, extra=("--no-cache",)).findings
    assert [(f["code"], f["severity"]) for f in found] == [("OL306", "high")]


# --- what a message says a capture comes from (#9b) ----------------------------------------------


def test_a_capture_of_a_regex_on_the_referer_is_said_to_come_from_the_request(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "nginx.conf",
        """
        http {
            map $http_referer $cors_origin {
                default "";
                "~^(https?://[^/]+)" $1;
            }
            server {
                listen 80;
                location / {
                    add_header Access-Control-Allow-Origin $cors_origin always;
                    add_header Access-Control-Allow-Credentials true always;
                    add_header Vary Origin always;
                }
            }
        }
        """,
    )
    found = check_json(path, extra=("--no-cache",)).findings
    assert [(f["code"], f["line"], f["column"]) for f in found] == [("OL402", 4, 30)]
    assert "text from the request" in found[0]["message"]  # it said "a regex on the request URL"


def test_an_add_headers_configmap_that_is_not_in_the_file_is_said(tmp_path: Path) -> None:
    # the headers the named ConfigMap adds to every response are not read: said, never dropped
    path = write(
        tmp_path,
        "controller.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: ingress-nginx-controller
          namespace: ingress-nginx
        data:
          add-headers: ingress-nginx/custom-add-headers
        """,
    )
    found = check_json(path, extra=("--no-cache",)).findings
    assert [(f["code"], f["line"], f["column"]) for f in found] == [("OL004", 7, 16)]
    assert "`ingress-nginx/custom-add-headers`" in found[0]["message"]
    assert run_cli("match", "https://evil.example", str(path)).exit_code == 3
