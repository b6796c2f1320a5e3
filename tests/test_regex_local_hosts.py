"""OL501-OL503 on regexes that admit a developer machine, a private host or an IP beside public names.

A regex's "intended" hosts keep the ones under a known public suffix when there are some, so
`^https?://(.+\\.)?(localhost:3000|app\\.example\\.com)$` once named only `app.example.com`, and the
environment rules were silent on the `localhost:3000` it trusts. Found on a real `.htaccess`
(`SetEnvIf Origin "^http(s)?://(.+\\.)?(localhost:3000|nappelbaum.github\\.io)$" origin_is=$0`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import check_json, run_cli, write

POLICY = "version: 1\norigins:\n  - regex: '{regex}'\n"


@pytest.mark.parametrize(
    ("regex", "code", "host"),
    [
        (r"^https?://(.+\.)?(localhost:3000|app\.example\.com)$", "OL501", "localhost"),
        (r"^https://(app\.example\.com|127\.0\.0\.1:8443)$", "OL501", "127.0.0.1"),
        (r"^https://(app\.example\.com|10\.0\.0\.5)$", "OL502", "10.0.0.5"),
        (r"^https://(app\.example\.com|intranet\.corp\.internal)$", "OL502", "intranet.corp.internal"),
        (r"^https://(app\.example\.com|203\.0\.113\.7)$", "OL503", "203.0.113.7"),
    ],
)
def test_a_local_host_beside_public_names_is_said(tmp_path: Path, regex: str, code: str, host: str) -> None:
    path = write(tmp_path, "partners.origins.yaml", POLICY.format(regex=regex))
    result = check_json(path)
    said = [f for f in result.findings if f["code"] == code]
    assert [(f["line"], f["column"]) for f in said] == [(3, 12)], result.findings
    assert f"names `{host}`" in said[0]["message"] or f"`{host}`" in said[0]["message"]


def test_public_names_alone_say_nothing_of_the_kind(tmp_path: Path) -> None:
    path = write(tmp_path, "partners.origins.yaml", POLICY.format(regex=r"^https://(app|api)\.example\.com$"))
    codes = [f["code"] for f in check_json(path).findings]
    assert not {"OL501", "OL502", "OL503"} & set(codes)


def test_the_real_htaccess_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ".htaccess",
        'SetEnvIf Origin "^http(s)?://(.+\\.)?(localhost:3000|nappelbaum.github\\.io)$" origin_is=$0\n'
        "Header always set Access-Control-Allow-Origin %{origin_is}e env=origin_is\n"
        "Header always set Access-Control-Allow-Credentials true\n"
        "Header always merge Vary Origin\n",
    )
    found = {(f["code"], f["line"], f["column"]) for f in check_json(path).findings}
    assert ("OL501", 1, 18) in found
    assert run_cli("match", "http://localhost:3000", str(path)).exit_code == 0  # it is trusted indeed
