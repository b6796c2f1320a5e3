"""`origins.ip_of` and `_is_ipv4` skip `ipaddress` for text that cannot be an address (issue 21):
the answers are still `ipaddress`'s own, for names, addresses and the near misses between."""

from __future__ import annotations

import ipaddress

import pytest

from origins_lint import origins

HOSTS = [
    "example.com", "app.example.co.uk", "localhost", "1.2.3.4", "127.0.0.1", "10.0.0.1", "0.0.0.0",
    "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.4.", ".1.2.3", "01.2.3.4", "1..2.3",
    "", ".", "1", "123", "1e2.3.4.5", "0x7f.0.0.1", "\u0661.\u0662.\u0663.\u0664", "¹.2.3.4", "1.2.3.4 ",
    "[::1]", "::1",
    "[::ffff:127.0.0.1]", "[fe80::1%eth0]", "fe80::1%eth0", "[2001:db8::1]", "[1.2.3.4]", "[]",
    "[::1", "::", "1:2", "a:b:c", "xn--nxasmq6b.com", "*.example.com", "1.2.3.4%eth0",
]  # fmt: skip


def reference_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host[1:-1] if host.startswith("[") else host)
    except ValueError:
        return None


def reference_ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("host", HOSTS)
def test_the_shortcut_answers_as_ipaddress_does(host: str) -> None:
    assert origins.ip_of(host) == reference_ip(host)
    assert origins._is_ipv4(host) is reference_ipv4(host)


def test_every_one_or_two_character_host_answers_the_same() -> None:
    alphabet = "0123456789.:[]%aef\u0661 "
    for first in alphabet:
        for second in ["", *alphabet]:
            host = first + second
            assert origins.ip_of(host) == reference_ip(host), host
            assert origins._is_ipv4(host) is reference_ipv4(host), host
