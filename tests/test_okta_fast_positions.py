"""The Okta export's fast reader finds the usual entry's positions by regex (`_usual_positions`):
wherever it answers, it must answer exactly what the token walk (`_positions`) finds, and it must
answer for the shapes Okta's API writes (issue 21: the walk was a fifth of reading a large export)."""

from __future__ import annotations

import json
import random

import pytest

from origins_lint.formats.okta import fast

USUAL = [
    # the API's own layout, pretty-printed and compact, one scope and several
    {"id": "tos1", "name": "App", "origin": "https://a.example.com", "scopes": [{"type": "CORS"}]},
    {
        "id": "tos2",
        "name": "App",
        "origin": "https://b.example.com",
        "scopes": [{"type": "CORS", "allowedOktaApps": []}, {"type": "REDIRECT", "allowedOktaApps": []}],
        "status": "ACTIVE",
        "_links": {"self": {"href": "https://acme.okta.com/api/v1/trustedOrigins/tos2"}},
    },
    {
        "origin": "http://c.example.com:8080",
        "scopes": [{"type": "IFRAME_EMBED", "allowedOktaApps": ["OKTA_ENDUSER", "x"]}],
    },
    {"id": "tos3", "name": None, "origin": "https://d.example.com", "scopes": [{"type": "CORS"}]},
]

UNUSUAL = [
    # left to the walk: the regex must say None (or the same), never other spans
    {"id": "t", "scopes": [{"type": "CORS"}], "origin": "https://late.example.com"},  # scopes first
    {"id": 't\\"x', "origin": "https://esc.example.com", "scopes": [{"type": "CORS"}]},  # an escape
    {"origin": 'https://\u00e9.example.com/"', "scopes": [{"type": "CORS"}]},
    {"origin": "https://e.example.com", "scopes": [{"allowedOktaApps": [], "type": "CORS"}]},
    {"origin": "https://f.example.com", "scopes": [{"type": "CORS", "extra": {"origin": "x"}}]},
    {
        "_links": {"origin": "https://nested.example.com"},
        "origin": "https://g.example.com",
        "scopes": [{"type": "CORS"}],
    },
    {
        "note": '"origin": "https://in-a-string.example.com", "scopes": [',
        "origin": "https://h.example.com",
        "scopes": [{"type": "CORS"}],
    },
    {"n": 1.5, "origin": "https://i.example.com", "scopes": [{"type": "CORS"}]},
    {"n": -3, "ok": True, "origin": "https://j.example.com", "scopes": [{"type": "CORS"}]},
]


def _both(entry: dict[str, object], indent: int | None) -> tuple[object, object]:
    text = json.dumps(entry, indent=indent, ensure_ascii=indent is None)
    count = len(entry["scopes"])  # type: ignore[arg-type]
    return (
        fast._usual_positions(text, 0, len(text), count),
        fast._positions(text, 0, len(text), count),
    )


@pytest.mark.parametrize("indent", [None, 2, 4])
@pytest.mark.parametrize("entry", USUAL)
def test_the_usual_entry_is_found_by_regex_at_the_walks_spans(
    entry: dict[str, object], indent: int | None
) -> None:
    usual, walked = _both(entry, indent)
    assert usual is not None
    assert usual == walked


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("entry", UNUSUAL)
def test_other_shapes_are_left_to_the_walk_or_found_at_the_same_spans(
    entry: dict[str, object], indent: int | None
) -> None:
    usual, walked = _both(entry, indent)
    assert usual is None or usual == walked


def test_random_entries_agree_with_the_walk() -> None:
    rng = random.Random(21)
    answered = left = 0
    pieces = ["a", "\\", '"', " ", "origin", "scopes", "type", "[", "]", "{", "}", ",", ":", "\u00e9"]
    for _ in range(2000):
        entry: dict[str, object] = {}
        keys = ["id", "name", "origin", "scopes", "status", "_links", "n"]
        rng.shuffle(keys)
        for key in keys[: rng.randint(2, len(keys))]:
            if key == "scopes":
                entry[key] = [
                    {
                        "type": rng.choice(["CORS", "REDIRECT"]),
                        "allowedOktaApps": ["".join(rng.choices(pieces, k=rng.randint(0, 4)))]
                        * rng.randint(0, 2),
                    }
                    if rng.random() < 0.5
                    else {"type": "CORS"}
                    for _ in range(rng.randint(1, 3))
                ]
            elif key == "_links":
                entry[key] = {"origin": "".join(rng.choices(pieces, k=3))}
            elif key == "n":
                entry[key] = rng.choice([1, -2, 1.5, None, True])
            else:
                entry[key] = "".join(rng.choices(pieces, k=rng.randint(0, 6)))
        entry.setdefault("origin", "https://x.example.com")
        entry.setdefault("scopes", [{"type": "CORS"}])
        usual, walked = _both(entry, rng.choice([None, 1, 2]))
        assert usual is None or usual == walked, entry
        answered, left = answered + (usual is not None), left + (usual is None)
    assert answered > 50 and left > 50  # both ways taken
