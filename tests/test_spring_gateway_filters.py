"""Spring Cloud Gateway filters writing CORS response headers (formats/spring_filters.py).

spring-cloud-gateway-server's filter factories: `AddResponseHeader` adds after the chain (with
`override: false` only where the field is missing; AddResponseHeaderGatewayFilterFactory.addHeader),
`SetResponseHeader` replaces, `DedupeResponseHeader` keeps one value of what was added before it
ran; the last filter's response work happens first; a value's `{name}` is a URI template
variable of the route's predicates. Such headers, without `globalcors`, were silent.
"""

from __future__ import annotations

from tests.conftest import FIXTURES, check_json, run_cli

HERE = FIXTURES / "spring" / "gateway-filters"


def found(name: str) -> list[tuple[str, int, int]]:
    result = check_json(HERE / name, extra=("--no-cache",))
    assert result.exit_code in (0, 1) and "Traceback" not in result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


def test_filters_in_yaml_shortcut_and_full_forms() -> None:
    assert found("application.yml") == [
        ("OL004", 16, 24),  # `{segment}`: filled in from the request's URL, not analysed
        ("OL201", 20, 62),  # `public`: plain HTTP (at the value in the shortcut), with credentials
        ("OL601", 20, 33),  # ... and a second value on the same response (at the header's name)
    ]  # `deduped`: DedupeResponseHeader runs after the two additions: one value, no OL601


def test_filters_in_properties() -> None:
    assert found("application.properties") == [("OL401", 3, 90)]  # the `*` after the header's name


def test_match_reads_the_gateway_filters() -> None:
    path = str(HERE / "application.yml")
    assert run_cli("match", "https://a.example.com", path).exit_code == 0
    unknown = run_cli("match", "https://c.example.com", path)
    assert unknown.exit_code == 3 and "`{segment}` is filled in from the request's URL" in unknown.stdout
