"""A header written as one `name:value` item (Kong's response-transformer) or one shortcut
(Spring Cloud Gateway's `AddResponseHeader=name, value`): a finding about the value points at
the value's own column where the item holds it verbatim, and at the whole item where it does not
(an escape in the scalar), never at a wrong place."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import check_json, write

KONG = """
_format_version: "3.0"
plugins:
  - name: response-transformer
    config:
      add:
        headers:
          - "Access-Control-Allow-Origin:  http://plain.example.com"
          - "Access-Control-Allow-Credentials:true"
      append:
        headers:
          - "Access-Control-Allow-Origin:http://\\u0065scaped.example.com"
"""


def located(path: Path) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=("--no-cache",))
    assert result.exit_code in (0, 1) and "Traceback" not in result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings if f["code"] == "OL201")


def test_kong_values_at_their_own_column_or_at_the_item(tmp_path: Path) -> None:
    path = write(tmp_path, "kong.yml", KONG)
    assert located(path) == [
        ("OL201", 7, 44),  # after `name:` and the two spaces Kong strips
        ("OL201", 11, 13),  # an escape in the scalar: the value is not written verbatim, the item
    ]


def test_spring_shortcut_values_at_their_own_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "application.properties",
        "spring.cloud.gateway.default-filters[0]=AddResponseHeader=Access-Control-Allow-Credentials, true\n"
        "spring.cloud.gateway.default-filters[1]=AddResponseHeader=Access-Control-Allow-Origin,   http://a.example.com\n",
    )
    assert located(path) == [("OL201", 2, 90)]  # after the comma and its spaces
