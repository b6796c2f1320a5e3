"""The Okta export's fast reader matches the whole usual entry with one regex (`fast._WHOLE`,
issue 21) instead of decoding it, validating it and walking it: on seeded random exports in the
API's shape, with every key optional, nulls, escapes, control characters, duplicate keys, odd
values, extra keys and every JSON layout, it reads what the decoder's path reads (the same
entries, locations and refusals, or the same None), and that is the exact loader's model."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from origins_lint import limits
from origins_lint.formats import okta
from origins_lint.formats.okta import fast
from origins_lint.limits import Limits
from origins_lint.model import ParsedFile
from origins_lint.source import Source

_ORIGINS = [
    "https://a.example.com",
    "http://b.example.com:8080",
    "https://*.example.com",
    "null",
    "*",
    "x",
    "",
    "https://caf\u00e9.example",
    "https://[::1]:8443",
    "capacitor://localhost",
]
_KEYS = ("id", "name", "origin", "scopes", "status", "created", "createdBy", "lastUpdated", "lastUpdatedBy")
_KEYS += ("_links",)


def _scope(rng: random.Random) -> object:
    roll = rng.random()
    kind = rng.choice([*sorted(fast.SCOPE_TYPES), *(["cors", "CORS ", 3] if roll < 0.03 else [])])
    if roll < 0.5:
        apps = [f"0oa{rng.randint(0, 9)}" for _ in range(rng.randint(0, 3))]
        return {"type": kind, "allowedOktaApps": apps}
    if roll < 0.9:
        return {"type": kind}
    odd: list[object] = [
        {"allowedOktaApps": [], "type": kind},  # another key order
        {"type": kind, "allowedOktaApps": None},
        {"type": kind, "allowedOktaApps": [1]},
        {"type": kind, "extra": True},
        {"type": kind, "allowed_okta_apps": []},
        {"type": kind, "allowedOktaApps": [["nested"]]},
        "CORS",
    ]
    return rng.choice(odd)


def _entry(rng: random.Random, index: int) -> dict[str, object]:
    text = f"2024-02-{rng.randint(10, 28)}T09:14:03.000Z"
    entry: dict[str, object] = {
        "id": f"tos{index}",
        "name": rng.choice([f"App {index}", None, "a [b] {c}", 'say "hi"', "tab\there", "caf\u00e9", ""]),
        "origin": rng.choice(_ORIGINS),
        "scopes": [_scope(rng) for _ in range(rng.choice([1, 1, 2, 2, 3, 4, 0]))],
        "status": rng.choice([*sorted(fast.STATUSES), *(["active", None] if rng.random() < 0.05 else [])]),
        "created": rng.choice([text, None]),
        "createdBy": "00u1a2b3c4d5e6f7g8h9",
        "lastUpdated": text,
        "lastUpdatedBy": rng.choice(["00u1a2b3c4d5e6f7g8h9", None, 7]) if rng.random() < 0.1 else "00u1",
        "_links": rng.choice(
            [
                {"self": {"href": f"https://acme.okta.com/api/v1/trustedOrigins/tos{index}"}},
                {"self": {"href": "x", "hints": {"allow": ["GET"]}}},
                None,
                [],
            ]
        )
        if rng.random() < 0.1
        else {"self": {"href": f"https://acme.okta.com/api/v1/trustedOrigins/tos{index}"}},
    }
    for key in _KEYS:
        if rng.random() < 0.1 and key not in ("origin", "scopes"):
            del entry[key]
    if rng.random() < 0.02:  # what pydantic refuses: no origin, or no scopes
        del entry[rng.choice(["origin", "scopes"])]
    if rng.random() < 0.03:  # an extra key, or the SDK's spelling
        entry[rng.choice(["extra", "created_by", "links", "logo"])] = "x"
    if rng.random() < 0.05:  # another key order
        keys = list(entry)
        rng.shuffle(keys)
        entry = {key: entry[key] for key in keys}
    return entry


def _dumped(rng: random.Random, entry: dict[str, object]) -> str:
    """One entry in one of JSON's layouts, sometimes with escapes, a raw control character or a
    duplicate key written into it."""
    roll = rng.random()
    if roll < 0.4:
        text = json.dumps(entry, indent=rng.choice([1, 2, 4]), ensure_ascii=rng.random() < 0.5)
    elif roll < 0.6:
        text = json.dumps(entry)
    elif roll < 0.7:
        text = json.dumps(entry, separators=(",", ":"))
    else:
        text = json.dumps(
            entry, separators=(rng.choice([",", ", ", ",\n\t", " ,\r\n"]), rng.choice([":", ": ", " :\n"]))
        )
    roll = rng.random()
    if roll < 0.03 and '"origin": "h' in text:  # an escape in a string the model reads
        text = text.replace('"origin": "h', '"origin": "\\u0068', 1)
    elif roll < 0.06 and "tos" in text:  # an escape in one it does not
        text = text.replace("tos", "\\u0074os", 1)
    elif roll < 0.08 and "App" in text:  # a raw tab in a string: the decoder refuses it
        text = text.replace("App", "A\tpp", 1)
    elif roll < 0.1 and '"name"' in text:  # a key twice
        text = text.replace('"name"', '"name": "twice", "name"', 1)
    elif roll < 0.11 and '"status"' in text:  # a key escaped: the same key to the decoder
        text = text.replace('"status"', '"st\\u0061tus"', 1)
    return text


def _export(rng: random.Random) -> str:
    entries = [_dumped(rng, _entry(rng, index)) for index in range(rng.randint(1, 6))]
    opener = rng.choice(["[", "[\n", " [\n  ", "\n[\t"])
    closer = rng.choice(["]", "\n]\n", " ] ", "]\r\n"])
    return opener + rng.choice([",", ",\n", ", ", " ,\n\n  "]).join(entries) + closer


@contextmanager
def _decoded() -> Iterator[None]:
    """Every entry through the decoder's path: `_WHOLE` matches nothing."""
    whole = fast._WHOLE
    fast._WHOLE = re.compile(r"(?!)")
    try:
        yield
    finally:
        fast._WHOLE = whole


def _taken(text: str) -> int:
    """How many entries of ``text`` `_read` takes whole (`_WHOLE`)."""
    taken = 0
    whole_entries = fast._whole_entries

    def counted(batch: list[Any], *args: Any) -> None:
        nonlocal taken
        taken += len(batch)
        whole_entries(batch, *args)

    fast._whole_entries = counted
    try:
        fast.read_export("export.json", text)
    finally:
        fast._whole_entries = whole_entries
    return taken


def test_whole_entries_read_as_the_decoder_path_and_the_exact_loader_read_them() -> None:
    rng = random.Random(2921)
    taken = read = 0
    for round_ in range(1500):
        text = _export(rng)
        source = Source(f"export-{round_}.json", text)
        found = fast.read_export(source.path, text)
        with _decoded():
            decoded = fast.read_export(source.path, text)
        assert found == decoded, text
        taken += _taken(text)
        if found is None:
            continue
        read += 1
        exact = okta.read_exactly(source, ParsedFile(source.path, "okta"))
        assert [okta._document(source.path, found)] == exact.documents, text
        assert okta.refusals(found) == exact.problems, text
    # most exports are read fast, most of their entries by the whole-entry match
    assert read > 300
    assert taken > 600


def test_the_bench_shape_is_taken_whole() -> None:
    """bench/gen.py's entries (the API's shape, pretty-printed) are each one match."""
    entries = [_entry(random.Random(index), index) for index in range(3)]
    for entry in entries:
        entry.update(
            {
                "name": "App",
                "origin": "https://app.example.com",
                "scopes": [
                    {"type": "CORS", "allowedOktaApps": []},
                    {"type": "REDIRECT", "allowedOktaApps": []},
                ],
                "status": "ACTIVE",
                "lastUpdatedBy": "00u1",
                "_links": {"self": {"href": "https://acme.okta.com/api/v1/trustedOrigins/tos0"}},
            }
        )
    text = json.dumps([{key: entry[key] for key in _KEYS if key in entry} for entry in entries], indent=2)
    assert _taken(text) == 3
    found = fast.read_export("trusted-origins.json", text)
    with _decoded():
        assert found == fast.read_export("trusted-origins.json", text)
    assert found is not None and [scope.type for scope in found.entries[0].scopes] == ["CORS", "REDIRECT"]


@pytest.mark.parametrize("nesting", [3, 4, 5, 6])
def test_a_nesting_limit_the_whole_entry_exceeds_leaves_it_to_the_decoder(nesting: int) -> None:
    """An entry with an app list is 5 levels deep with its list: a lower limit refuses it, as the
    decoder's path does, and an entry without is 4 (its `_links`)."""
    apps = [{"type": "CORS", "allowedOktaApps": ["x"]}]
    with_apps = json.dumps([{"origin": "https://a.example", "scopes": apps}])
    links = json.dumps(
        [{"origin": "https://a.example", "scopes": [{"type": "CORS"}], "_links": {"self": {"href": "h"}}}]
    )
    previous = limits.active()
    limits.use(Limits(nesting=nesting))
    try:
        for text in (with_apps, links):
            found = fast.read_export("export.json", text)
            with _decoded():
                assert found == fast.read_export("export.json", text)
        assert (fast.read_export("export.json", with_apps) is None) is (nesting < 5)
        assert (fast.read_export("export.json", links) is None) is (nesting < 4)
    finally:
        limits.use(previous)


def test_scope_types_are_told_by_their_first_letter() -> None:
    assert len(fast._SCOPE_TYPE) == len(fast.SCOPE_TYPES)
    assert sorted(fast._SCOPE_TYPE.values()) == sorted(fast.SCOPE_TYPES)


def test_entries_located_in_batches_are_located_as_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch ends at every entry the decoder reads and every `_BATCH` entries: the cursor of lines
    carries over, so batches of 1, 2 and 3 read what one batch reads."""
    rng = random.Random(2928)
    texts = [_export(rng) for _ in range(300)]
    read = [fast.read_export("export.json", text) for text in texts]
    for size in (1, 2, 3):
        monkeypatch.setattr(fast, "_BATCH", size)
        assert [fast.read_export("export.json", text) for text in texts] == read


def test_a_location_made_through_its_slots_is_the_record() -> None:
    """`fast._location` sets a Location's fields itself: the record must have exactly these
    fields and nothing its `__init__` does beyond setting them."""
    from origins_lint.model import Location

    assert Location.__match_args__ == ("path", "line", "column", "end_line", "end_column")
    assert not hasattr(Location, "__post_init__")
    rng = random.Random(2929)
    for _ in range(200):
        fields = (rng.choice(["a.json", "", "é"]), *(rng.randint(0, 10**6) for _ in range(4)))
        made, expected = fast._location(*fields), Location(*fields)
        assert type(made) is Location
        assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)


def test_an_entrys_fields_are_the_parameters_of_its_context() -> None:
    """`okta._document` passes each FastEntry to `trusted_origin_context` by position."""
    import inspect

    assert tuple(inspect.signature(okta.trusted_origin_context).parameters) == fast.FastEntry._fields
    assert fast.ScopeEntry._fields[0] == "type"  # `okta._TYPE_OF`
