"""`match` on nginx values that send a capture of a regex on the request URL (issue 17, item 3).

`add_header Access-Control-Allow-Origin https://$1` sends the fixed text and the
capture byte for byte, and the browser compares that with its Origin byte for
byte (Fetch standard, CORS check), so only an origin the value can spell gets in:
never `null`, and never an upper-case host or a port when the capture's group is
`[a-z0-9.-]+`. Which regex set `$1` is decided per request (the last one that
matched, `ngx_http_regex_exec` in nginx's src/http/ngx_http_variables.c), so the
capture is the union of its group in every regex of the tree; where a group is
not read (a caseless regex, a regex in a directive not read), the capture is any
text and only the fixed text narrows what is sent. tests/test_nginx_oracle.py
checks the two oracle files below against a real nginx.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from origins_lint.formats.nginx.captures import ANY_TEXT, capture_text, groups, trimmed
from tests.conftest import run_cli
from tests.nginx_oracle import ORACLE

TRUSTED, NOT_TRUSTED = 0, 1


def match(origin: str, path: Path) -> int:
    result = run_cli("match", origin, str(path))
    assert result.exit_code in (TRUSTED, NOT_TRUSTED), result.stdout + result.stderr
    return result.exit_code


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("https://partner.example", TRUSTED),  # `[a-z0-9.-]+` captures `partner.example`
        ("null", NOT_TRUSTED),  # the value always starts with `https://`
        ("https://PARTNER.example", NOT_TRUSTED),  # the group has no upper case
        ("https://partner.example:8443", NOT_TRUSTED),  # nor `:`
        ("http://partner.example", NOT_TRUSTED),  # the scheme is fixed text
    ],
)
def test_location_named_capture(origin: str, expected: int) -> None:
    """`location ~ ^/widget/(?<site>[a-z0-9.-]+)$` with `https://$site`."""
    assert match(origin, ORACLE / "location-regex-capture.conf") == expected


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("https://partner.example", TRUSTED),
        ("https://PARTNER.example", TRUSTED),  # `[^/]+` captures upper case: nginx sends it
        ("https://partner.example:8443", TRUSTED),  # and a port
        ("null", NOT_TRUSTED),
    ],
)
def test_rewrite_capture(origin: str, expected: int) -> None:
    """`rewrite ^/cors/([^/]+)$ /api/ break;` with `https://$1`."""
    assert match(origin, ORACLE / "rewrite-capture.conf") == expected


def _conf(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "site.conf"
    path.write_text("server {\n    listen 80;\n" + body + "}\n")
    return path


def test_a_caseless_group_is_any_text_inside_the_fixed_text(tmp_path: Path) -> None:
    """`~*` captures upper case too: only the fixed `https://` narrows what is sent."""
    path = _conf(
        tmp_path,
        "    location ~* ^/p/([a-z.]+)$ {\n"
        "        add_header Access-Control-Allow-Origin https://$1 always;\n"
        "    }\n",
    )
    assert match("https://EVIL.example", path) == TRUSTED
    assert match("https://evil.example:8443", path) == TRUSTED
    assert match("null", path) == NOT_TRUSTED


def test_every_regex_that_sets_the_capture_counts(tmp_path: Path) -> None:
    """`$1` is the last regex's: a later `if` on the URL with a wider group widens it."""
    path = _conf(
        tmp_path,
        "    location ~ ^/p/([a-z.]+)$ {\n"
        "        if ($request_uri ~ ^/q/(.+)$) { }\n"
        "        add_header Access-Control-Allow-Origin https://$1 always;\n"
        "    }\n",
    )
    assert match("https://EVIL.example:1", path) == TRUSTED
    assert match("null", path) == NOT_TRUSTED


def test_a_regex_in_a_directive_not_read_makes_a_number_any_text(tmp_path: Path) -> None:
    path = _conf(
        tmp_path,
        "    location ~ ^/p/([a-z.]+)$ {\n"
        "        proxy_redirect ~^http://(.+)$ /;\n"
        "        add_header Access-Control-Allow-Origin https://$1 always;\n"
        "    }\n",
    )
    assert match("https://EVIL.example", path) == TRUSTED
    assert match("null", path) == NOT_TRUSTED


def test_request_text_beside_a_capture_is_still_any_origin(tmp_path: Path) -> None:
    """`$arg_o$1`: the sender writes the whole value, so every origin, `null` too, gets in."""
    path = _conf(
        tmp_path,
        "    location ~ ^/p/([a-z.]+)$ {\n"
        "        add_header Access-Control-Allow-Origin $arg_o$1 always;\n"
        "    }\n",
    )
    assert match("null", path) == TRUSTED


def test_groups_by_number_and_name() -> None:
    assert groups(r"^/p/(?<site>[a-z(]+)/(x|(y))$") == {
        "1": "[a-z(]+",
        "site": "[a-z(]+",
        "2": "x|(y)",
        "3": "y",
    }
    assert groups(r"^/(?:a)(?=b)(c)$") == {"1": "c"}
    assert groups(r"(?i)^/(a)$") is None  # inline flags are not read


def test_trimming_whitespace_keeps_a_superset() -> None:
    """The browser trims the value's ends: a capture of `[^/]+` ending in a space sends less."""
    assert trimmed("[^/]+") == "[^/]*"
    assert trimmed("[a-z0-9.-]+") == "[a-z0-9.-]*"
    assert trimmed(r"[a-z]+\.example") == r"[a-z]+\.example"  # captures no whitespace
    assert trimmed("a.b") is None  # `.` may be a space in the middle of something else
    assert capture_text([("^/([a-z]+)$", False), ("^/q/(.*)$", False)], "1") == "(?:[a-z]*|.*|)"
    assert capture_text([("^/(a)$", True)], "1") == ANY_TEXT
    assert capture_text(None, "1") == ANY_TEXT
