"""Kong's `response-transformer` plugin writing CORS headers (formats/kubernetes/kong_transformer.py).

Kong/kong kong/plugins/response-transformer/header_transformer.lua `transform_headers`: remove,
rename, replace (a header the response has), add (one it has not), append (another value); items
are `name:value`, sent as written. A route whose `add` sent `*` with credentials was silent.
"""

from __future__ import annotations

from tests.conftest import FIXTURES, check_json, run_cli

KONG = FIXTURES / "kong"


def found(name: str) -> list[tuple[str, int, int]]:
    result = check_json(KONG / name, extra=("--no-cache",))
    assert result.exit_code in (0, 1) and "Traceback" not in result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


def test_declarative_add_and_append() -> None:
    assert found("kong-response-transformer.yml") == [
        ("OL201", 18, 50),  # the appended `http://` origin (at the value, after `name:`) ...
        ("OL401", 14, 50),  # `add` of `*` with `add` of credentials
        ("OL601", 18, 21),  # ... is a second value on the same response (at the item)
    ]


def test_replace_and_add_are_alternatives_and_disabled_plugins_send_nothing() -> None:
    assert found("kong-transformer-plugin.yaml") == [("OL305", 11, 38)]  # no OL601: never together
    path = str(KONG / "kong-transformer-plugin.yaml")
    assert run_cli("match", "https://app.example.com", path).exit_code == 0
    assert "`*`" not in run_cli("match", "https://evil.example", path).stdout  # `off` is disabled
