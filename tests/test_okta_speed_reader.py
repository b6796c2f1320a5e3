"""The Okta export's fast reader locates the usual entry from offsets in text order
(`fast._usual_locations`, issue 21): on seeded random exports, laid out every way JSON allows,
its model is the exact loader's, location for location."""

from __future__ import annotations

import json
import random

from origins_lint.formats import okta
from origins_lint.formats.okta import fast
from origins_lint.model import ParsedFile
from origins_lint.source import Source

_ORIGINS = ["https://a.example.com", "http://b.example.com:8080", "https://*.example.com", "null", "*", "x"]


def _entry(rng: random.Random, index: int) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": f"tos{index}",
        "name": rng.choice([f"App {index}", None, "a [b] {c}"]),
        "origin": rng.choice(_ORIGINS),
        "scopes": [
            {"type": rng.choice(sorted(fast.SCOPE_TYPES)), "allowedOktaApps": ["x"] * rng.randint(0, 2)}
            if rng.random() < 0.6
            else {"type": rng.choice(sorted(fast.SCOPE_TYPES))}
            for _ in range(rng.randint(1, 3))
        ],
        "status": rng.choice(sorted(fast.STATUSES)),
        "_links": {"self": {"href": f"https://acme.okta.com/api/v1/trustedOrigins/tos{index}"}},
    }
    if rng.random() < 0.2:  # another key order: the walk's, not the regex's
        keys = list(entry)
        rng.shuffle(keys)
        entry = {key: entry[key] for key in keys}
    return entry


def _layout(rng: random.Random, entries: list[dict[str, object]]) -> str:
    roll = rng.random()
    if roll < 0.3:
        return json.dumps(entries, indent=rng.choice([1, 2, 4]))
    if roll < 0.5:
        return json.dumps(entries)
    if roll < 0.6:
        return json.dumps(entries, separators=(",", ":"))
    # one entry a line, or spread with blank lines and tabs between tokens
    spaced = [
        json.dumps(entry, separators=(rng.choice([",", ", ", ",\n\t"]), rng.choice([":", ": ", " :\n"])))
        for entry in entries
    ]
    return "[\n" + rng.choice([",\n", ",\n\n", " ,  "]).join(spaced) + "\n]\n"


def test_random_exports_read_fast_as_the_exact_loader_reads_them() -> None:
    rng = random.Random(2821)
    fast_read = 0
    for round_ in range(150):
        entries = [_entry(rng, index) for index in range(rng.randint(1, 6))]
        text = _layout(rng, entries)
        source = Source(f"export-{round_}.json", text)
        read = fast.read_export(source.path, text)
        exact = okta.read_exactly(source, ParsedFile(source.path, "okta"))
        assert read is not None, text
        assert [okta._document(source.path, read)] == exact.documents, text
        assert okta.refusals(read) == exact.problems, text  # what Okta refuses (OL002), where
        fast_read += 1
    assert fast_read == 150
