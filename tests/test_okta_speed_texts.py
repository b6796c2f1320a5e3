"""Two shortcuts of the origin facts every rule reads (issue 21, the 50,000-origin Okta export):
`usual_origin` makes its OriginText through the record's slots, and `local_class` answers a name
ending in `.com`, `.net` or `.io` (the last label of a named host) by its last two labels. Each
is held to the full path: the record's own constructor, and the cached suffix walk
(`_local_class`) on hosts built around every named host."""

from __future__ import annotations

import random

from origins_lint import origins
from origins_lint.origins import OriginText, read_origin, usual_origin


def test_a_usual_origin_text_is_the_record() -> None:
    """The fields `usual_origin` sets are exactly the record's, and nothing else is done."""
    assert OriginText.__match_args__ == ("raw", "scheme", "host", "port", "problems", "quirks", "canonical")
    assert not hasattr(OriginText, "__post_init__")
    rng = random.Random(3011)
    for _ in range(2000):
        labels = [rng.choice(["a", "b-c", "x_1", "9", "com", "io"]) for _ in range(rng.randint(1, 4))]
        raw = rng.choice(["https", "http", "wss", "a+b.c-d"]) + "://" + ".".join(labels)
        made = usual_origin(raw)
        assert made is not None, raw
        scheme, _, host = raw.partition("://")
        expected = OriginText(raw, scheme, host, None, (), (), raw)
        assert type(made) is OriginText
        assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
        assert made == origins._read_origin(raw, allow_wildcard=False), raw
        assert made.ok and made.canonical is raw
    assert usual_origin("https://A.example") is None and read_origin("https://A.example").quirks


def _hosts(rng: random.Random, named: list[str]) -> list[str]:
    """Hosts around the named ones: each name, its last two labels, one of its labels changed,
    labels put before it, and ordinary names with the same last label."""
    hosts = []
    endings = sorted(origins._NAMED_ENDINGS)
    for name in named:
        labels = name.split(".")
        hosts += [name, ".".join(labels[-2:]), "x." + name, "a.b." + name, "x" + name, name + "x"]
        for index in range(len(labels)):
            changed = [*labels]
            changed[index] = rng.choice(["x", "a-b", "1", "_q", labels[index] + "s"])
            hosts += [".".join(changed), "w." + ".".join(changed)]
    for _ in range(20_000):
        parts = [rng.choice(["a", "x-y", "1", "_s", "jshell", "fiddle", "home", "repl", "run", "output"])]
        parts += [rng.choice(["a", "jsbin", "plnkr", "codepen", "glitch"]) for _ in range(rng.randint(0, 2))]
        parts.append(rng.choice(endings))
        hosts.append(".".join(parts))
    return hosts


def test_names_told_by_their_last_two_labels_are_answered_as_the_full_test_answers_them() -> None:
    rng = random.Random(3012)
    named = sorted(origins.PRIVATE_NAME_SUFFIXES | origins.PLAYGROUND_HOSTS | {*origins.LOOPBACK_NAMES})
    shortcut = local = 0
    for host in _hosts(rng, named):
        origins._local_class.cache_clear()
        found = origins.local_class(host)
        assert found is origins._local_class(host), host
        local += found is not None
        ordinary = origins._ORDINARY_NAME.fullmatch(host)
        shortcut += ordinary is not None and ordinary[1] in origins._NAMED_ENDINGS and found is None
    assert shortcut > 5000 and local > 500


def test_the_pairs_are_the_last_two_labels_of_every_named_host_of_two_or_more() -> None:
    named = origins.PRIVATE_NAME_SUFFIXES | origins.PLAYGROUND_HOSTS | {*origins.LOOPBACK_NAMES}
    for name in named:
        labels = name.split(".")
        if len(labels) == 1:
            assert name in origins._ONE_LABEL_NAMES
        else:
            assert ".".join(labels[-2:]) in origins._NAMED_PAIRS
        assert labels[-1] in origins._NAMED_ENDINGS


def test_the_wildcard_kept_for_the_matcher_asked_last_is_its_own() -> None:
    """`facts.wildcard` keeps its last answer by the matcher's identity: asked in any order, about
    equal matchers that are other objects and across `forget`, it answers what a fresh split does."""
    from origins_lint.model import Location, MatcherKind, OriginMatcher
    from origins_lint.rules import facts

    rng = random.Random(3013)
    raws = [
        "https://*.a.example",
        "https://*.*.b.example",
        "https://x-*.c.example",
        "https://*",
        "*.d.example",
    ]
    raws += ["https://e.example", "https://*.A.example/"]
    pool = [
        OriginMatcher(rng.choice([MatcherKind.WILDCARD, MatcherKind.EXACT]), raw, Location("f", 1, 1, 1, 2))
        for raw in raws
        for _ in range(2)
    ]
    for _ in range(3000):
        matcher = rng.choice(pool)
        if rng.random() < 0.05:
            facts.forget()
        text = facts.parsed(matcher) if matcher.kind is MatcherKind.WILDCARD else None
        expected = origins.read_wildcard_host(text.host) if text is not None and text.ok else None
        assert facts.wildcard(matcher) == expected, matcher.raw
    facts.forget()
