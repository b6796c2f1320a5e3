"""Shortcuts on the first look at each host and origin (issue 21), held to the code they skip:
`origins.ip_of` answers a name by its last character, `local_class` a host by its last label,
and `okta_refusal` an `http(s)://` origin by its start; on seeded random texts each answers
as the full test did."""

from __future__ import annotations

import ipaddress
import random

from origins_lint import origins
from origins_lint.formats import okta


def _ip_as_before(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = host[1:-1] if host.startswith("[") else host
    if ":" not in text and not frozenset("0123456789.").issuperset(text):
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _refusal_as_before(origin: str) -> bool:
    scheme, separator, _rest = origin.partition("://")
    return not separator or scheme.lower() not in okta.OKTA_SCHEMES


_PIECES = [
    "1",
    "127",
    "0",
    "255",
    "256",
    ".",
    ":",
    "::",
    "ff",
    "a",
    "com",
    "[",
    "]",
    "%",
    "é",
    "",
    "localhost",
]


def test_ip_of_answers_as_before() -> None:
    rng = random.Random(2930)
    found = 0
    for _ in range(20_000):
        host = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 8)))
        if rng.random() < 0.2:
            host = ".".join(str(rng.randint(0, 300)) for _ in range(rng.randint(1, 5)))
        expected = _ip_as_before(host)
        assert origins.ip_of(host) == expected, host
        found += expected is not None
    assert found > 500


def test_hosts_that_end_in_no_named_label_are_not_local() -> None:
    """The names `local_class` looks for, and random hosts around them: the last-label test
    answers None only where the suffix walk found nothing."""
    rng = random.Random(2931)
    named = sorted(origins.PRIVATE_NAME_SUFFIXES | origins.PLAYGROUND_HOSTS)
    labels = ["a", "com", "io", "net", "org", "co", "me", "it", "local", "corp", "arpa", "home", "jsbin"]
    for _ in range(20_000):
        parts = [rng.choice(labels) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.4:
            parts.append(rng.choice(named))
        host = ".".join(parts) + rng.choice(["", "", "."])
        name = host.lower().rstrip(".")
        walked = {".".join(name.split(".")[i:]) for i in range(len(name.split(".")))}
        origins._local_class.cache_clear()
        found = origins.local_class(host)
        if walked & origins.PRIVATE_NAME_SUFFIXES:
            assert found is origins.HostClass.PRIVATE, host
        elif walked & origins.PLAYGROUND_HOSTS:
            assert found is origins.HostClass.PLAYGROUND, host
        else:
            assert found is None, host


def test_okta_refuses_as_before() -> None:
    rng = random.Random(2932)
    pieces = [
        "https",
        "http",
        "HTTP",
        "ftp",
        "ionic",
        "capacitor",
        "javascript",
        "://",
        ":",
        "/",
        "a.b",
        " ",
        "",
    ]
    for _ in range(20_000):
        origin = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 5)))
        assert (okta.okta_refusal(origin) is not None) is _refusal_as_before(origin), origin


def test_ordinary_names_are_answered_as_the_full_test_answers_them() -> None:
    """`local_class` answers a lower-case dotted name ending in an ordinary label by one match;
    on seeded random hosts (upper case, trailing dots, IP addresses, brackets, the named hosts and
    `localhost` around them) it answers what the full test answers."""
    rng = random.Random(2934)
    named = sorted(origins.PRIVATE_NAME_SUFFIXES | origins.PLAYGROUND_HOSTS | {*origins.LOOPBACK_NAMES})
    labels = [
        "a",
        "com",
        "io",
        "x-y",
        "1",
        "127",
        "0x1",
        "LOCAL",
        "Com",
        "_s",
        "localdomain",
        "localhost",
        "",
    ]
    ordinary = 0
    for _ in range(20_000):
        parts = [rng.choice(labels) for _ in range(rng.randint(0, 4))]
        if rng.random() < 0.3:
            parts.append(rng.choice(named))
        host = ".".join(parts) + rng.choice(["", "", "."])
        if rng.random() < 0.05:
            host = rng.choice(["[::1]", "[1.2.3.4]", "10.0.0.1", "::1", "[fe80::1]"])
        origins._local_class.cache_clear()
        assert origins.local_class(host) is origins._local_class(host), host
        ordinary += origins._ORDINARY_NAME.fullmatch(host) is not None
    assert ordinary > 2000


def test_origin_text_is_read_origin_with_or_without_its_cache() -> None:
    """`facts.origin_text` reads the usual text again and keeps the others: the same answer."""
    from origins_lint.rules import facts

    rng = random.Random(2935)
    pieces = [
        "https",
        "http",
        "HTTP",
        "://",
        "a",
        ".",
        "example",
        "com",
        "*",
        ":443",
        ":x",
        "/",
        " ",
        "é",
        "{",
    ]
    for _ in range(20_000):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        wildcard = rng.random() < 0.5
        assert facts.origin_text(raw, wildcard) == origins.read_origin(raw, allow_wildcard=wildcard), raw
