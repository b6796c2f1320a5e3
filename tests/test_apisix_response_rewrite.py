"""APISIX's `response-rewrite` plugin writing CORS headers (formats/kubernetes/apisix_rewrite.py).

apache/apisix @ f519a0f0, apisix/plugins/response-rewrite.lua: `header_filter` adds, then sets,
then removes, each value through `core.utils.resolve_var` (`$http_origin` is the request's
Origin); the old form (a map of fields) sets; `vars` decide whether it runs at all. A route that
echoed `$http_origin` with credentials this way was silent.
"""

from __future__ import annotations

from origins_lint.formats.kubernetes.apisix_rewrite import value
from tests.conftest import FIXTURES, check_json, run_cli

PATH = FIXTURES / "apisix" / "response-rewrite.yaml"


def test_response_rewrite_headers_at_line_and_column() -> None:
    result = check_json(PATH, extra=("--no-cache",))
    assert sorted((f["code"], f["line"], f["column"]) for f in result.findings) == [
        ("OL004", 21, 11),  # `vars` on the Origin: when it runs is not analysed
        ("OL301", 16, 40),  # the old form's `*`
        ("OL301", 32, 15),  # `add`, beside a `cors` plugin that lists one origin
        ("OL402", 10, 42),  # `set` `$http_origin` with credentials
        ("OL602", 10, 13),
    ]


def test_match_and_values() -> None:
    assert run_cli("match", "https://evil.example", str(PATH)).exit_code == 0
    assert value("$http_origin").echo and value("${http_origin}").echo
    assert value("$http_x_forwarded_host").request == "$http_x_forwarded_host"
    assert value("$scheme://$host").self_only
    assert value("$upstream_addr").unknown == "$upstream_addr"
    assert value("https://app.example.com").literal == "https://app.example.com"
