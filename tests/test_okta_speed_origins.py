"""The shortcuts of issue 21's Okta-export work give exactly what the full paths give.

`origins.read_origin` answers the usual shape (`https://app.example.com`) from one regex match; the
public-suffix lookup (`psl.SuffixList._count_public`) starts at the longest suffix a rule ends with.
Each is held here to the full path, on hand-picked texts and on seeded random ones that mix the
usual shape with every character the full path treats specially.
"""

from __future__ import annotations

import random

import pytest

from origins_lint import origins, psl_build, psl_data
from origins_lint.origins import _USUAL, _read_origin, read_origin

HAND_PICKED = [
    "https://app.example.com",
    "http://localhost",
    "https://a.b.c.d.e.example.co.uk",
    "https://1.2.3.4",
    "https://under_score.example.com",
    "https://-dash-.example.com",
    "git+ssh://host.example",
    "a.b://host",
    "https://App.example.com",
    "HTTPS://app.example.com",
    "https://app.example.com.",
    "https://app..example.com",
    "https://.example.com",
    "https://app.example.com/",
    "https://app.example.com:443",
    "https://app.example.com:8443",
    "https://*.example.com",
    "https://app.example.com\n",
    " https://app.example.com",
    "https://user@app.example.com",
    "https://[::1]",
    "https://xn--bcher-kva.example",
    "https://bücher.example",
    "https://",
    "https:///",
    "://app.example.com",
    "1https://app.example.com",
    "app.example.com",
    "",
    "null",
    "*",
]

# the usual shape's characters, and those that make the full path say something
_PIECES = ["a", "z", "0", "9", "-", "_", ".", ".", "x", "app", "example", "com"]
_ODD = ["A", ":", "/", "?", "#", "@", "*", "[", "]", " ", "\t", "\n", "é", "%", "+", "..", "xn--", "\uff18"]
_SCHEMES = ["https", "http", "wss", "ftp", "capacitor", "chrome-extension", "a.b+c", "HTTPS", "1x", "", "h t"]


def _random_origin(rng: random.Random) -> str:
    host = "".join(rng.choice(_PIECES if rng.random() < 0.9 else _ODD) for _ in range(rng.randint(0, 14)))
    scheme = rng.choice(_SCHEMES)
    roll = rng.random()
    separator = "://" if roll < 0.85 else rng.choice([":/", "//", ":", "://://"])
    tail = "" if rng.random() < 0.8 else rng.choice([":443", ":80", ":0443", ":", "/", "/x", "?q", "#f", "."])
    return f"{scheme}{separator}{host}{tail}"


@pytest.mark.parametrize("raw", HAND_PICKED)
@pytest.mark.parametrize("wildcard", [False, True])
def test_the_usual_shape_reads_as_the_full_walk_does(raw: str, wildcard: bool) -> None:
    assert read_origin(raw, allow_wildcard=wildcard) == _read_origin(raw, allow_wildcard=wildcard)


def test_seeded_random_origins_read_as_the_full_walk_does() -> None:
    rng = random.Random(2128)
    usual = 0
    for _ in range(30_000):
        raw = _random_origin(rng)
        usual += _USUAL.fullmatch(raw) is not None
        for star in (False, True):
            assert read_origin(raw, allow_wildcard=star) == _read_origin(raw, allow_wildcard=star), raw
    assert 3_000 < usual < 27_000  # both paths were exercised


def test_the_usual_shape_is_what_a_browser_sends() -> None:
    text = read_origin("https://app.example.com")
    assert (text.scheme, text.host, text.port, text.problems, text.quirks, text.canonical) == (
        "https",
        "app.example.com",
        None,
        (),
        (),
        "https://app.example.com",
    )


def test_the_tails_are_every_name_a_rule_ends_with() -> None:
    """RULES and TAILS together hold each rule's name and every name it ends with (what lets the
    lookup start at the longest suffix in them), and TAILS holds nothing else."""
    rules = frozenset(psl_data.RULES.split())
    tails = frozenset(psl_data.TAILS.split())
    assert tails.isdisjoint(rules)
    names = rules | tails
    for rule in rules:
        name = rule[1:] if rule.startswith("!") else rule.removeprefix("*.")
        while name:
            assert name in names, (rule, name)
            name = name.partition(".")[2]
    assert tails == frozenset(psl_build.tails(rules)) - rules


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("com", True),
        ("co.uk", True),
        ("example.co.uk", False),
        ("github.io", True),
        ("user.github.io", False),
        ("sch.uk", True),  # under a wildcard rule
        ("x.sch.uk", True),
        ("y.x.sch.uk", False),
        ("kobe.jp", True),
        ("city.kobe.jp", False),  # an exception rule
        ("checkout1.acme-corp.com", False),
        ("made-up-tld", True),  # unknown TLDs are public, as the library says
    ],
)
def test_public_suffixes_through_the_shortcut(host: str, public: bool) -> None:
    assert origins.is_public_suffix(host) is public


def _classify_as_before(host: str) -> origins.HostClass:
    """`classify_host` as it was before issue 21's change: every suffix of the host, as a set."""
    host = host.lower().rstrip(".")
    address = origins.ip_of(host)
    if address is not None:
        return origins.classify_host(host)  # the address branch did not change
    if host in origins.LOOPBACK_NAMES or host.endswith(".localhost"):
        return origins.HostClass.LOOPBACK
    labels = host.split(".")
    suffixes = {".".join(labels[i:]) for i in range(len(labels))}
    if suffixes & origins.PRIVATE_NAME_SUFFIXES:
        return origins.HostClass.PRIVATE
    if suffixes & origins.PLAYGROUND_HOSTS:
        return origins.HostClass.PLAYGROUND
    if origins.is_public_suffix(host):
        return origins.HostClass.PUBLIC_SUFFIX
    return origins.HostClass.REGULAR


def test_seeded_random_hosts_are_classified_as_before() -> None:
    rng = random.Random(2150)
    named = sorted(origins.PRIVATE_NAME_SUFFIXES | origins.PLAYGROUND_HOSTS | {"localhost"})
    labels = ["a", "app", "com", "co", "uk", "github", "io", "", "x-y", "1", "127", "arpa", "home", "LOCAL"]
    seen = set()
    for _ in range(20_000):
        parts = [rng.choice(labels) for _ in range(rng.randint(0, 4))]
        if rng.random() < 0.5:
            parts.append(rng.choice(named))
        host = ".".join(parts) + rng.choice(["", "", ".", ".."])
        origins.classify_host.cache_clear()
        origins._local_class.cache_clear()
        found = origins.classify_host(host)
        assert found is _classify_as_before(host), host
        # what the rules ask: the same class where it is a local one, None for every other
        assert origins.local_class(host) is (found if found in origins.LOCAL_CLASSES else None), host
        seen.add(found)
    assert seen >= {
        origins.HostClass.LOOPBACK,
        origins.HostClass.PRIVATE,
        origins.HostClass.PLAYGROUND,
        origins.HostClass.PUBLIC_SUFFIX,
        origins.HostClass.REGULAR,
    }


def test_the_rules_ask_only_the_classes_local_class_answers() -> None:
    """OL5xx, OL201/OL202 and OL303 compare with these classes only, so `local_class` serves them."""
    from origins_lint.rules import environment, transport

    asked = {spec.host_class for spec in environment.HOST_RULES} | set(transport.LOCAL)
    asked |= {origins.HostClass.LOOPBACK, origins.HostClass.PLAYGROUND}  # OL202, OL303
    assert asked <= origins.LOCAL_CLASSES
    for host in ("127.0.0.1", "10.1.2.3", "8.8.8.8", "[::1]", "localhost", "a.local", "codepen.io"):
        assert origins.local_class(host) is origins.classify_host(host), host
