"""Istio, Envoy, Traefik and Spring CORS settings: each engine's semantics, at line and column."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from origins_lint.formats import FormatOptions, detect
from origins_lint.source import Source, decode
from tests.conftest import FIXTURES, check_json, mutate, run_cli, run_every_rule, write


def found(path: Path, *extra: str) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=extra)
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"]) for f in result.findings]


def messages(path: Path) -> dict[tuple[str, int, int], str]:
    return {(f["code"], f["line"], f["column"]): f["message"] for f in check_json(path).findings}


# --- Istio ------------------------------------------------------------------------


def test_istio_string_matches_are_re2_full_matches() -> None:
    path = FIXTURES / "istio" / "virtual-services.yaml"
    assert found(path) == [
        ("OL309", 18, 21),  # prefix without an end: partner.example.com.attacker.net
        ("OL302", 19, 20),  # full match: no OL306 although the regex has no anchors
        ("OL302", 20, 20),
        ("OL307", 20, 20),
        ("OL403", 21, 20),
        ("OL402", 39, 13),  # deprecated allowOrigin "*": Envoy echoes every origin, with credentials
        ("OL605", 41, 17),  # maxAge 48h
        ("OL304", 48, 20),  # regex ".*" matches `*`: every origin, echoed
    ]
    said = messages(path)
    assert said[("OL307", 20, 20)].startswith(
        "`https://[a-z]+.example.com` leaves a `.` in the host unescaped"
    )
    assert said[("OL402", 39, 13)].startswith("`*` echoes the request's `Origin` without checking it")


def test_istio_hosts_star_and_exact_origins_are_silent() -> None:
    assert found(FIXTURES / "istio" / "clean.yaml") == []


# --- Envoy ------------------------------------------------------------------------


def test_envoy_string_matchers_and_per_filter_config() -> None:
    path = FIXTURES / "envoy" / "envoy.yaml"
    assert found(path) == [
        ("OL202", 21, 39),  # suffix: example.com (no dot, no scheme)
        ("OL309", 21, 39),
        ("OL202", 22, 41),  # contains: example
        ("OL309", 22, 41),
        ("OL302", 24, 40),  # safe_regex over one label
        ("OL304", 35, 43),  # prefix "*" matches the literal `*`
        ("OL606", 36, 61),  # allow_private_network_access with that
        ("OL605", 37, 40),
        ("OL202", 45, 43),  # suffix .example.com: any scheme, every subdomain
        ("OL302", 45, 43),
    ]  # `exact: https://App.Example.com` with ignore_case is not OL102; `allow_headers: "*"` is echoed
    said = messages(path)
    assert "`https://attackerexample.com` gets in" in said[("OL309", 21, 39)]


def test_envoy_true_negatives_are_silent() -> None:
    assert found(FIXTURES / "envoy" / "clean.yaml") == []


def test_envoy_json_route_config_in_camel_case() -> None:
    assert found(FIXTURES / "envoy" / "route.json") == [("OL402", 9, 35)]


def test_envoy_policy_switched_off_is_silent(project: Path) -> None:
    write(
        project,
        "envoy.yaml",
        """
        cors:
          allow_origin_string_match:
            - safe_regex: {regex: ".*"}
          allow_credentials: true
          filter_enabled:
            default_value: {numerator: 0}
        """,
    )
    assert found(project / "envoy.yaml") == []


def test_envoy_bad_matcher_is_a_schema_error(project: Path) -> None:
    write(
        project,
        "envoy.yaml",
        """
        cors:
          allow_origin_string_match:
            - exact: https://a.example.com
              prefix: https://b.example.com
            - safe_regex: {}
            - exact: 443
          allow_credentials: maybe
        """,
    )
    result = check_json(project / "envoy.yaml")
    assert [(f["code"], f["line"], f["column"], f["message"]) for f in result.findings] == [
        (
            "OL002",
            3,
            7,
            "an origin matcher must have exactly one of `exact`, `prefix`, `suffix`, `contains`, "
            "`safe_regex`, `safeRegex`; this one has several of them",
        ),
        ("OL002", 5, 19, "`safe_regex` has no `regex`"),
        ("OL002", 6, 14, "`exact` must be a string, not 443"),
        ("OL002", 7, 22, "`allow_credentials` must be true or false, not 'maybe'"),
    ]


# --- Traefik ----------------------------------------------------------------------


def test_traefik_file_provider() -> None:
    path = FIXTURES / "traefik" / "dynamic.yml"
    assert found(path) == [
        ("OL404", 7, 36),
        ("OL602", 8, 9),  # several origins echoed without addVaryHeader
        ("OL201", 10, 13),
        ("OL302", 12, 13),
        ("OL306", 12, 13),  # Go regexp searches: unanchored is a bypass
        ("OL302", 13, 13),
        ("OL301", 18, 40),  # public-cors: `*` alone, no credentials
        ("OL402", 22, 45),  # echo-cors: `.*` echoes every origin with credentials
    ]
    said = messages(path)
    assert said[("OL602", 8, 9)].endswith("set `addVaryHeader: true` on this middleware")
    assert "`https://a.example.com.attacker.net` gets in" in said[("OL306", 12, 13)]


def test_traefik_crd_with_vary_and_docker_labels() -> None:
    assert found(FIXTURES / "traefik" / "middleware-crd.yaml") == [("OL302", 12, 9)]
    assert found(FIXTURES / "traefik" / "docker-compose.yml") == [
        ("OL403", 7, 105),  # second item of a comma list inside a `key=value` label
        ("OL602", 13, 7),
        ("OL306", 13, 88),
    ]


# --- Spring -----------------------------------------------------------------------


def test_spring_yaml_relaxed_keys_patterns_and_gateway() -> None:
    path = FIXTURES / "spring" / "application.yml"
    assert found(path) == [
        ("OL002", 8, 11),  # allowed-origins "*" with allow-credentials: Spring refuses it (issue 18)
        ("OL302", 9, 33),  # pattern https://*.example.com
        ("OL302", 9, 55),  # https://*example.net: `*` is any text, so attackerexample.net
        ("OL308", 9, 55),
        ("OL501", 9, 76),  # http://localhost:[*] in a production profile
        ("OL402", 18, 37),  # gateway allowedOriginPatterns "*" with credentials: echoes every origin
        ("OL101", 22, 30),  # allowedOrigins holds a pattern: literal, matches nothing
        ("OL605", 23, 21),
        ("OL103", 24, 73),  # OPS.example.com: Spring compares origins without case
    ]
    said = messages(path)
    assert "`https://attackerexample.net` in" in said[("OL308", 9, 55)]


def test_spring_properties_with_indexes_and_ports() -> None:
    path = FIXTURES / "spring" / "application.properties"
    assert found(path) == [("OL403", 3, 73), ("OL302", 4, 58)]
    assert "`https://anything.admin.example.com:8443` gets in" in messages(path)[("OL302", 4, 58)]


def test_spring_development_profiles_and_true_negatives() -> None:
    assert found(FIXTURES / "spring" / "application-dev.yml") == []  # by file name
    assert found(FIXTURES / "spring" / "application-prod.yml") == []  # on-profile: local, and exact origins


def test_spring_only_reads_application_files(project: Path) -> None:
    write(project, "config.yml", "spring:\n  web:\n    cors:\n      allowed-origin-patterns: '*'\n")
    assert found(project) == []


# --- several kinds in one manifest -----------------------------------------------


def test_one_manifest_with_several_kinds(project: Path) -> None:
    write(
        project,
        "all.yaml",
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          annotations:
            nginx.ingress.kubernetes.io/enable-cors: "true"
            nginx.ingress.kubernetes.io/cors-allow-origin: "null"
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: api
        spec:
          http:
            - corsPolicy:
                allowOrigins:
                  - regex: ".*"
        ---
        apiVersion: traefik.io/v1alpha1
        kind: Middleware
        metadata:
          name: cors
        spec:
          headers:
            accessControlAllowOriginList: ["*"]
        """,
    )
    result = check_json(project)
    assert [(f["code"], f["line"], f["format"]) for f in result.findings] == [
        ("OL605", 6, "ingress-nginx"),  # the default max age
        ("OL309", 7, "ingress-nginx"),  # issue 18 item 2: `(null)$` admits `https://evil.null` (low)
        ("OL403", 7, "ingress-nginx"),
        ("OL304", 17, "istio"),
        ("OL301", 25, "traefik"),
    ]


def test_broken_manifest_is_reported_once(project: Path) -> None:
    write(project, "all.yaml", "corsPolicy:\n  allowOrigins: [\naccessControlAllowOriginList: x\n")
    result = check_json(project / "all.yaml")
    assert result.codes() == ["OL001"]


def test_match_works_on_every_gateway_format() -> None:
    origin = "https://evil.example.com"
    for folder, expected in (
        (
            "istio",
            "virtual-services.yaml:19:20: regex `https://.*\\.example\\.com` (VirtualService/accounts api)",
        ),
        ("envoy", "envoy.yaml:35:43: reflected `*` (api route /public) admits it, without credentials"),
        ("traefik", "dynamic.yml:22:45: regex `.*` (echo-cors) admits it, with credentials"),
        (
            "spring",
            "application.yml:18:37: reflected `*` "
            "(spring.cloud.gateway.globalcors.cors-configurations.[/**])",
        ),
    ):
        result = run_cli("match", origin, str(FIXTURES / folder))
        assert result.exit_code == 0, folder
        assert expected in result.stdout, result.stdout


_SEEDS = [
    path.read_bytes()
    for folder in ("istio", "envoy", "traefik", "spring", "ingress")
    for path in sorted((FIXTURES / folder).rglob("*"))
    if path.is_file()
]
_PIECES = st.sampled_from(
    [b"", b"*", b"'", b'"', b":", b"\n", b"- ", b"{{", b"[", b"{", b"  ", b"\\", b",", b".*"]
)


@given(
    seed=st.sampled_from(_SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 6), _PIECES), max_size=6),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mutated_gateway_files_never_raise(edits: list[tuple[int, int, bytes]], seed: bytes) -> None:
    for name in ("application.yml", "manifest.yaml", "application.properties", "route.json"):
        source = decode(name, mutate(seed, edits))
        if isinstance(source, Source):
            fmt = detect(name, source.text)
            if fmt is not None:
                run_every_rule(fmt.parse(source, FormatOptions()))


def test_input_format_forces_a_gateway_format(project: Path) -> None:
    spring = "spring:\n  graphql:\n    cors:\n      allowed-origin-patterns: '*'\n"
    write(project, "cors-settings.yml", spring)
    # not an application*.yml, so not Spring by name: named on the command line, it is OL003
    assert found(project / "cors-settings.yml") == [("OL003", 1, 1)]
    forced = check_json(project / "cors-settings.yml", extra=("--input-format", "spring"))
    assert [(f["code"], f["line"], f["column"], f["format"]) for f in forced.findings] == [
        ("OL304", 4, 33, "spring")  # the `*` inside the quotes
    ]
    unknown = run_cli("check", "--input-format", "kubernetes", str(project))
    assert unknown.exit_code == 2
    assert (
        "known: policy, nginx, okta, terraform, ingress-nginx, istio, envoy, traefik, spring"
        in unknown.stderr
    )
