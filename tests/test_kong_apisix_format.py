"""Kong's and APISIX's `cors` plugins: each engine's semantics, at line and column.

Kong: Kong/kong @ 22246ef2 kong/plugins/cors/handler.lua and schema.lua, spec/03-plugins/13-cors.
APISIX: apache/apisix @ f519a0f0 apisix/plugins/cors.lua and t/plugin/cors*.t; the Ingress
annotations from apache/apisix-ingress-controller @ d510f665
internal/adc/translator/annotations/plugins/cors.go.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from origins_lint.check import parse_files
from origins_lint.config import Config
from origins_lint.exact import exact_admits, kong_domain
from origins_lint.formats import FormatOptions, detect
from origins_lint.formats.kubernetes import apisix, kong
from origins_lint.matchers import analyse_regex, kong_regex
from origins_lint.source import Source, decode
from tests.conftest import FIXTURES, check_json, mutate, run_cli, run_every_rule, write

KONG = FIXTURES / "kong"
APISIX = FIXTURES / "apisix"


def found(path: Path) -> list[tuple[str, int, int]]:
    result = check_json(path)
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"]) for f in result.findings]


def messages(path: Path) -> dict[tuple[str, int, int], str]:
    return {(f["code"], f["line"], f["column"]): f["message"] for f in check_json(path).findings}


def _source(path: Path) -> Source:
    return Source(str(path), path.read_text("utf-8"))


def matched(origin: str, path: Path) -> int:
    return run_cli("match", origin, str(path)).exit_code


# --- Kong: how an entry is read (handler.lua configure_origin) ----------------------------


def test_kong_regex_is_anchored_at_the_start_with_dollar_appended() -> None:
    """`$` appended unless present, one `^` dropped, `ngx.re.find(..., "ajo")`; no `:` means the host."""
    assert kong_regex(r"https://a\.example\.com") == r"^(?:https://a\.example\.com$)"
    assert kong_regex(r"^https://a\.example\.com$") == r"^(?:https://a\.example\.com$)"
    host_only = analyse_regex(r"foo\.test", kong.KONG_REGEX)
    # regex_testcases[3]: any scheme and any port, the host matched whole
    assert [
        o for o in ("http://foo.test", "https://foo.test:8000", "http://evilfoo.test") if host_only.accepts(o)
    ] == [
        "http://foo.test",
        "https://foo.test:8000",
    ]
    # `$` closes the last alternative only: the first one matches a prefix
    split = analyse_regex(r"https://a\.example\.com|https://b\.example\.com", kong.KONG_REGEX)
    assert split.accepts("https://a.example.com.attacker.net")
    assert not split.accepts("https://b.example.com.attacker.net")
    # a host-only `.*` admits `null` too: url.parse finds no host in it, so the host is `null`
    assert analyse_regex(".*", kong.KONG_REGEX).accepts("null")


def test_kong_list_entries_are_compared_after_normalize_origin() -> None:
    """normalize_origin: LuaSocket url.parse, the default port and path dropped, case kept."""
    assert kong_domain("http://foo.test:80") == "http://foo.test"
    assert kong_domain("https://a.example.com/") == "https://a.example.com"
    assert kong_domain("https://bar.test:1234") == "https://bar.test:1234"
    assert kong_domain("foo.test") == "foo.test"  # no `//`: no host, the text itself
    assert exact_admits("https://a.example.com:443", "https://a.example.com", kong.KONG_LIST)
    assert not exact_admits("https://A.example.com", "https://a.example.com", kong.KONG_LIST)
    # a lone plain entry is sent as written: the browser compares bytes
    assert not exact_admits("https://a.example.com:443", "https://a.example.com", kong.KONG_LITERAL)


# --- Kong: declarative config and CRDs ---------------------------------------------------


def test_kong_declarative_config_at_line_and_column() -> None:
    path = KONG / "kong.yml"
    assert found(path) == [
        ("OL404", 10, 19),  # no `headers`: Kong echoes Access-Control-Request-Headers, with credentials
        ("OL202", 14, 19),  # `(.*\.)?example\.com` has no `:`: matched on the host, any scheme
        ("OL302", 14, 19),
        ("OL306", 15, 19),  # `a|b`: Kong's `$` closes `b` only
        ("OL402", 24, 15),  # no `origins` with credentials: Kong echoes every Origin
        ("OL404", 24, 15),
        ("OL301", 34, 11),  # `*` among other entries sends `*`
    ]
    said = messages(path)
    assert "the `$` Kong appends closes its last alternative alone" in said[("OL306", 15, 19)]
    assert "`https://admin.example.com.attacker.net` gets in" in said[("OL306", 15, 19)]
    assert "a platform default" in said[("OL402", 24, 15)]


def test_kong_crds_and_json() -> None:
    assert found(KONG / "kong-plugins.yaml") == [
        ("OL307", 9, 7),  # `https://*.example.com` is a regex to Kong: `https://xexample.com` gets in
        ("OL201", 10, 7),
        ("OL403", 11, 7),
        ("OL606", 13, 20),  # private_network: true with `null`
        ("OL404", 14, 9),
        ("OL004", 32, 3),  # configFrom: the config is in a Secret
    ]
    parsed = kong.parse(_source(KONG / "kong-plugins.yaml"), FormatOptions())
    attached = [(c.name, c.paths) for d in parsed.documents for c in d.contexts]
    assert attached == [  # an Ingress in the file names `accounts-cors` in `konghq.com/plugins`
        ("KongPlugin/accounts-cors", ("/api/accounts",)),
        ("KongClusterPlugin/global-cors", ()),
        ("KongPlugin/from-secret", ()),
    ]
    assert found(KONG / "kong.json") == [("OL404", 5, 15), ("OL302", 7, 48), ("OL307", 7, 48)]


def test_kong_true_negatives() -> None:
    """Exact origins, an anchored grouped regex, a disabled plugin and other plugins: silent."""
    assert found(KONG / "clean.yml") == []


def test_kong_refusals_are_ol002_naming_kong() -> None:
    path = KONG / "refused.yml"
    assert found(path) == [
        ("OL002", 10, 15),  # `https://(admin|ops\.example\.com`: is_regex fails
        ("OL002", 11, 26),  # FETCH is no method Kong knows
        ("OL002", 15, 15),  # cors on a consumer: no_consumer
        ("OL002", 22, 11),  # unquoted `null` is YAML null, not a string
    ]
    assert all(message.startswith("Kong refuses this configuration") for message in messages(path).values())
    assert matched("https://partner.example.net", path) == 1  # the refused plugin admits nothing


def test_kong_broken_input_is_ol001() -> None:
    result = check_json(KONG / "broken.yml")
    assert [(f["code"], f["line"]) for f in result.findings] == [("OL001", 6)]
    assert "Traceback" not in result.stdout + result.stderr


def test_kong_match_answers() -> None:
    assert matched("https://app.example.com", KONG / "kong.yml") == 0
    assert matched("http://evil.example.com", KONG / "kong.yml") == 0  # host-only regex: any scheme
    crds = KONG / "kong-plugins.yaml"
    assert (
        matched("https://aexample.com", crds) == 0
    )  # `https://*.example.com` is a regex: `/*` then one char
    assert matched("https://app.example.com", crds) == 3  # not listed, but the Secret's config might
    assert matched("https://app.example.com", KONG / "clean.yml") == 0
    assert matched("https://evil.example.com", KONG / "clean.yml") == 1


def test_kong_paths_and_lone_literal(tmp_path: Path) -> None:
    parsed = kong.parse(_source(KONG / "kong.yml"), FormatOptions())
    contexts = [context for document in parsed.documents for context in document.contexts]
    assert [(context.name, context.paths) for context in contexts] == [
        ("route accounts-api", ("/api/accounts",)),
        ("service public", ("/public",)),
        ("route legacy", ("/legacy",)),
    ]
    lone = write(
        tmp_path,
        "kong.yml",
        """
        _format_version: "3.0"
        plugins:
          - name: cors
            config:
              origins: ["https://app.example.com:443"]
        """,
    )
    assert matched("https://app.example.com", lone) == 1  # sent as written: `:443` is another string
    assert found(lone) == [("OL102", 5, 17)]
    listed = write(
        tmp_path,
        "two/kong.yml",
        """
        _format_version: "3.0"
        plugins:
          - name: cors
            config:
              origins: ["https://app.example.com:443", "https://b.example.com"]
        """,
    )
    assert matched("https://app.example.com", listed) == 0  # normalize_origin drops `:443`
    assert found(listed) == []


def test_kong_inline_suppression(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kong.yml",
        """
        _format_version: "3.0"
        plugins:
          - name: cors  # origins-lint: ignore[OL301] public catalogue, no login
        """,
    )
    result = check_json(path)
    assert result.exit_code == 0, result.stdout
    assert result.findings == []


# --- APISIX ----------------------------------------------------------------------------


def test_apisix_standalone_at_line_and_column() -> None:
    path = APISIX / "apisix.yaml"
    assert found(path) == [
        ("OL201", 6, 49),  # the second item of the comma list, at its column
        ("OL302", 20, 13),
        ("OL306", 20, 13),  # allow_origins_by_regex is searched: ngx.re.find(origin, regex, "jo")
        ("OL402", 27, 24),  # `**` with allow_credential: every Origin echoed
        ("OL404", 29, 24),  # allow_headers `**` echoes what the request asks, with credentials
        ("OL004", 35, 48),  # a metadata key not in this file
        ("OL304", 39, 16),  # metadata `**`: echoed
    ]
    said = messages(path)
    assert "`https://a.example.com.attacker.net` gets in" in said[("OL306", 20, 13)]


def test_apisix_admin_json_crds_and_annotations() -> None:
    assert found(APISIX / "route.json") == [("OL403", 6, 24)]
    assert found(APISIX / "apisix-crds.yaml") == [
        ("OL302", 20, 17),  # ApisixRoute `spec.http[].plugins[]`
        ("OL301", 31, 13),  # ApisixGlobalRule `config: {}`: the default `*`, at `name: cors`
        ("OL201", 52, 72),  # Ingress `k8s.apisix.apache.org/cors-allow-origin`, the item's column
    ]


def test_apisix_true_negatives() -> None:
    assert found(APISIX / "clean.yaml") == []


def test_apisix_refusals_are_ol002_naming_apisix() -> None:
    path = APISIX / "refused.yaml"
    assert found(path) == [
        ("OL002", 5, 24),  # `*` with allow_credential (cors.t TEST 24): the refusal alone, no OL401
        ("OL002", 6, 27),  # allow_headers left at its default `*`
        ("OL002", 6, 27),  # allow_methods too
        ("OL002", 10, 24),  # `a, b`: the schema's pattern has no room for the space
        ("OL002", 15, 13),  # a regex PCRE cannot compile
        ("OL002", 20, 27),
        ("OL002", 20, 27),
    ]
    said = [f["message"] for f in check_json(path).findings if f["code"] == "OL002"]
    assert all(message.startswith("APISIX refuses this plugin configuration") for message in said)
    assert matched("https://a.example.com", path) == 1


def test_apisix_broken_json_is_ol001() -> None:
    result = check_json(APISIX / "broken.json")
    assert [(f["code"], f["line"], f["column"]) for f in result.findings] == [("OL001", 6, 5)]


def test_apisix_match_answers() -> None:
    standalone = APISIX / "apisix.yaml"
    assert matched("https://app.example.com", standalone) == 0
    assert matched("https://evil.example.net", standalone) == 0  # `**` on /widgets
    clean = APISIX / "clean.yaml"
    assert matched("https://us.shop.example.com", clean) == 0
    assert matched("https://evil.example.net", clean) == 1  # the `**` there is disabled (`_meta.disable`)
    parsed = apisix.parse(_source(standalone), FormatOptions())
    paths = [context.paths for document in parsed.documents for context in document.contexts]
    assert paths == [("/api/accounts/",), ("/search",), ("/widgets",), ("/meta",)]


def test_apisix_regex_makes_allow_origins_unread(tmp_path: Path) -> None:
    """cors.t TEST 28-30: with `allow_origins_by_regex`, `allow_origins` is never read."""
    path = write(
        tmp_path,
        "apisix.yaml",
        """
        routes:
          - uri: /hello
            plugins:
              cors:
                allow_origins: "https://sub.domain.com"
                allow_origins_by_regex: ["^https://[a-z]+\\\\.test\\\\.com$"]
        #END
        """,
    )
    assert matched("https://sub.domain.com", path) == 1
    assert matched("https://a.test.com", path) == 0


def test_apisix_plugin_config_must_be_an_object(tmp_path: Path) -> None:
    path = write(tmp_path, "apisix.yaml", "routes:\n  - uri: /a\n    plugins:\n      cors: true\n#END\n")
    assert found(path) == [("OL002", 4, 13)]
    assert matched("https://evil.example.net", path) == 1


def test_apisix_annotations_need_the_string_true(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ingress.yaml",
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: shop
          annotations:
            k8s.apisix.apache.org/enable-cors: true
            k8s.apisix.apache.org/cors-allow-origin: "*"
        """,
    )
    assert found(path) == [("OL002", 6, 40)]  # Kubernetes rejects an annotation that is no string
    assert matched("https://evil.example.net", path) == 1


# --- detection: neither is mistaken for another format, nor another for them -------------


def test_detection_both_ways(tmp_path: Path) -> None:
    cases = {
        KONG / "kong.yml": "kong",
        KONG / "kong.json": "kong",
        KONG / "kong-plugins.yaml": "kong",
        APISIX / "apisix.yaml": "apisix",
        APISIX / "route.json": "apisix",
        APISIX / "apisix-crds.yaml": "apisix",
        FIXTURES / "envoy" / "envoy.yaml": "envoy",
        FIXTURES / "istio" / "virtual-services.yaml": "istio",
    }
    for path, name in cases.items():
        fmt = detect(str(path), path.read_text("utf-8"))
        assert fmt is not None and fmt.name == name, (path, fmt and fmt.name)
    okta = write(
        tmp_path, "origins.json", '[{"origin": "https://a.example.com", "scopes": [{"type": "CORS"}]}]'
    )
    policy = write(tmp_path, "app.origins.yaml", "origins:\n  - origin: https://a.example.com\n")
    for path, name in ((okta, "okta"), (policy, "policy")):
        fmt = detect(str(path), path.read_text("utf-8"))
        assert fmt is not None and fmt.name == name


def test_folder_walk_of_a_mixed_repository(tmp_path: Path) -> None:
    for source in (*KONG.glob("k*"), *APISIX.glob("[ar]*")):
        write(tmp_path, f"{source.parent.name}/{source.name}", source.read_text("utf-8"))
    write(
        tmp_path, "okta/trusted.json", '[{"origin": "https://a.example.com", "scopes": [{"type": "CORS"}]}]'
    )
    write(tmp_path, "policy/app.origins.yaml", "origins:\n  - origin: https://a.example.com\n")
    write(tmp_path, "other/values.yaml", "cors:\n  enabled: true\nplugins:\n  - name: cors\n")
    errors: list[str] = []
    parsed = parse_files([str(tmp_path)], Config(), None, errors)
    assert errors == []
    formats = {Path(p.path).relative_to(tmp_path).as_posix(): p.format for p in parsed}
    assert formats == {
        "apisix/apisix-crds.yaml": "apisix",
        "apisix/apisix.yaml": "apisix",
        "apisix/refused.yaml": "apisix",
        "apisix/response-rewrite.yaml": "apisix",  # the response-rewrite plugin (apisix_rewrite)
        "apisix/route.json": "apisix",
        "kong/kong-plugins.yaml": "kong",
        "kong/kong-response-transformer.yml": "kong",  # the response-transformer plugin
        "kong/kong-transformer-plugin.yaml": "kong",
        "kong/kong.json": "kong",
        "kong/kong.yml": "kong",
        "okta/trusted.json": "okta",
        "policy/app.origins.yaml": "policy",
    }


@pytest.mark.parametrize("name", ["kong.yml", "apisix.yaml"])
def test_formats_are_listed(name: str) -> None:
    result = run_cli("formats")
    assert result.exit_code == 0
    assert name.split(".", maxsplit=1)[0] in result.stdout


_SEEDS = [
    path.read_bytes() for folder in (KONG, APISIX) for path in sorted(folder.iterdir()) if path.is_file()
]
_PIECES = st.sampled_from(
    [b"", b"*", b"'", b'"', b":", b"\n", b"- ", b"{{", b"[", b"{", b"  ", b"\\", b",", b".*", b"(", b"null"]
)


@given(
    seed=st.sampled_from(_SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 6), _PIECES), max_size=6),
)
@settings(max_examples=150, deadline=None)
def test_mutated_kong_and_apisix_files_never_raise(edits: list[tuple[int, int, bytes]], seed: bytes) -> None:
    for name in ("kong.yml", "apisix.yaml", "route.json", "kong.json"):
        source = decode(name, mutate(seed, edits))
        if isinstance(source, Source):
            for module in (kong, apisix):
                if module.detect(name, source.text):
                    run_every_rule(module.parse(source, FormatOptions()))


def test_kong_glob_looking_entry_is_a_regex_whose_dot_admits_a_registrable_name() -> None:
    """`https://*.example.com` holds `*`, so Kong runs it as a regex (handler.lua
    configure_origin): `https:/`, `/*`, any one character, `example.com$`. `https://xexample.com`
    gets in, `https://api.example.com` does not: OL307 says so in Kong's terms."""
    path = KONG / "glob-entry.yml"
    assert found(path) == [("OL307", 9, 15), ("OL302", 10, 15)]
    text = messages(path)[("OL307", 9, 15)]
    assert text.startswith("Kong reads `https://*.example.com` as a regex, not a wildcard")
    assert "`https://xexample.com` gets in" in text
    assert run_cli("match", "https://xexample.com", str(path)).exit_code == 0
    assert run_cli("match", "https://api.example.com", str(path)).exit_code == 1
