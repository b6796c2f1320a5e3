"""Origin parsing and host classes, on the cases browsers and configs really produce."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from origins_lint.origins import HostClass, classify_host, read_origin, read_wildcard_host, registrable_domain


@pytest.mark.parametrize(
    ("raw", "canonical", "quirks"),
    [
        ("https://app.example.com", "https://app.example.com", 0),
        ("HTTPS://App.Example.COM", "https://app.example.com", 2),
        ("https://app.example.com:443", "https://app.example.com", 1),
        ("http://app.example.com:80", "http://app.example.com", 1),
        ("https://app.example.com:8443", "https://app.example.com:8443", 0),
        ("https://app.example.com.", "https://app.example.com", 1),
        ("https://bücher.example", "https://xn--bcher-kva.example", 1),
        ("http://[::1]:3000", "http://[::1]:3000", 0),
        ("http://[0:0::1]", "http://[::1]", 1),
    ],
)
def test_canonical_form(raw: str, canonical: str, quirks: int) -> None:
    origin = read_origin(raw)
    assert origin.ok, origin.problems
    assert origin.canonical == canonical
    assert len(origin.quirks) == quirks


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("https://app.example.com/", "a path (`/`)"),
        ("https://app.example.com/login?x=1", "a path (`/login?x=1`)"),
        ("https://app.example.com?x", "a query (`?x`)"),
        ("https://app.example.com#top", "a fragment (`#top`)"),
        ("https://user@app.example.com", "user info"),
        ("https://app example.com", "whitespace"),
        ("app.example.com", "no `scheme://`"),
        ("https://", "an empty host"),
        ("https://app.example.com:99999", "a port out of range (99999)"),
        ("https://app.example.com:abc", "a port that is not a number"),
        ("https://a..example.com", "an empty label"),
        ("", "nothing in it"),
        ("https://app.example.com:\u00b2", "a port that is not a number (`\u00b2`)"),  # isdigit, not int
        (
            "https://app.example.com:" + "9" * 5000,
            "a port out of range (99999999999999999999…, 5,000 digits)",
        ),
    ],
)
def test_malformed(raw: str, problem: str) -> None:
    origin = read_origin(raw)
    assert not origin.ok
    assert any(problem in p for p in origin.problems), origin.problems


def test_scheme_less_origin_suggests_https() -> None:
    assert read_origin("app.example.com").canonical == "https://app.example.com"


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("localhost", HostClass.LOOPBACK),
        ("api.localhost", HostClass.LOOPBACK),
        ("127.0.0.2", HostClass.LOOPBACK),
        ("[::1]", HostClass.LOOPBACK),
        ("0.0.0.0", HostClass.LOOPBACK),
        ("10.1.2.3", HostClass.PRIVATE),
        ("172.20.0.1", HostClass.PRIVATE),
        ("192.168.1.1", HostClass.PRIVATE),
        ("169.254.169.254", HostClass.PRIVATE),
        ("100.64.0.1", HostClass.PRIVATE),
        ("[fd00::1]", HostClass.PRIVATE),
        ("printer.local", HostClass.PRIVATE),
        ("db.internal", HostClass.PRIVATE),
        ("203.0.113.7", HostClass.IP_PUBLIC),
        ("8.8.8.8", HostClass.IP_PUBLIC),
        ("github.io", HostClass.PUBLIC_SUFFIX),
        ("co.uk", HostClass.PUBLIC_SUFFIX),
        ("codepen.io", HostClass.PLAYGROUND),
        ("fiddle.jshell.net", HostClass.PLAYGROUND),
        ("app.example.com", HostClass.REGULAR),
    ],
)
def test_host_classes(host: str, kind: HostClass) -> None:
    assert classify_host(host) is kind


def test_registrable_domain_uses_the_private_section() -> None:
    assert registrable_domain("a.b.example.co.uk") == "example.co.uk"
    assert registrable_domain("attacker.github.io") == "attacker.github.io"
    assert registrable_domain("github.io") is None
    assert registrable_domain("10.0.0.1") is None


def test_wildcard_hosts() -> None:
    simple = read_wildcard_host("*.example.com")
    assert (simple.fixed, simple.partial, simple.depth, simple.leftmost_only) == (
        "example.com",
        False,
        1,
        True,
    )
    partial = read_wildcard_host("app-*.example.com")
    assert partial.partial and partial.fixed == "example.com"
    deep = read_wildcard_host("*.*.example.com")
    assert deep.depth == 2 and not deep.leftmost_only


labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
hosts = st.lists(labels, min_size=1, max_size=4).map(".".join)


@given(
    scheme=st.sampled_from(["http", "https", "HTTPS", "Http"]),
    host=hosts,
    port=st.none() | st.integers(1, 65535),
)
def test_canonicalization_is_idempotent(scheme: str, host: str, port: int | None) -> None:
    raw = f"{scheme}://{host.upper()}" + (f":{port}" if port else "")
    first = read_origin(raw)
    assert first.ok and first.canonical is not None
    again = read_origin(first.canonical)
    assert again.canonical == first.canonical and again.quirks == ()


@given(st.text(max_size=200))
def test_read_origin_never_raises(text: str) -> None:
    read_origin(text)
    read_origin(text, allow_wildcard=True)
