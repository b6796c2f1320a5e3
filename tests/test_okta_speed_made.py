"""`model.made_finding` makes a Finding through its slots (issue 21: the rules and the fingerprints
make two of each of the 15,000 findings of a 50,000-origin export): the same record as
`Finding(...)`, field for field, with a long message shortened as `__post_init__` shortens it."""

from __future__ import annotations

import random

from origins_lint.model import LONG_QUOTE, Finding, Fix, Location, Severity, made_finding


def test_the_fields_made_are_the_records_own() -> None:
    names = ("code", "slug", "severity", "location", "message", "format", "fix", "fingerprint")
    assert Finding.__match_args__ == names
    made = made_finding("OL101", "s", Severity.LOW, Location("f", 1, 2, 3, 4), "m", "okta")
    assert all(
        getattr(made, name) == getattr(Finding(*(getattr(made, n) for n in names)), name) for name in names
    )


def test_a_finding_made_through_its_slots_is_the_record() -> None:
    rng = random.Random(3051)
    pieces = ["`", "x" * 10, "y" * 150, "z" * 250, " ", "é", "\n", "`https://a.example`"]
    for _ in range(3000):
        message = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        fields = (
            rng.choice(["OL101", "OL201"]),
            rng.choice(["slug", ""]),
            rng.choice(list(Severity)),
            Location(rng.choice(["a.json", "é"]), *(rng.randint(0, 9) for _ in range(4))),
            message,
            rng.choice(["okta", "nginx"]),
            rng.choice([None, Fix("write it", "https://a.example"), Fix("remove", None)]),
        )
        extra = (rng.choice(["", "abc:1"]),) if rng.random() < 0.5 else ()
        made, expected = made_finding(*fields, *extra), Finding(*fields, *extra)
        assert type(made) is Finding
        assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
        if len(message) > LONG_QUOTE:
            again = Finding(*fields[:4], made.message, *fields[5:], *extra)  # as fingerprints make it again
            assert made_finding(*fields[:4], made.message, *fields[5:], *extra) == again
