"""The Okta export's contexts made as the reader goes (`okta.read_fast`, issue 21): the entries the
whole-entry match takes become contexts straight from its spans (`okta._whole_contexts`), with no
FastEntry between. On the seeded exports of tests/test_okta_speed_whole.py (every key optional,
nulls, escapes, odd scopes, refused origins, every JSON layout), in batches of any size, the
document and the OL002s are what `_document` and `refusals` make of `read_export`'s entries, and
what the exact loader reads; a file the fast reader leaves is left by both."""

from __future__ import annotations

import json
import random

import pytest

from origins_lint.formats import okta
from origins_lint.formats.base import FormatOptions
from origins_lint.formats.okta import fast
from origins_lint.model import (
    CorsContext,
    Document,
    InputProblem,
    Location,
    OriginMatcher,
    ParsedFile,
    Setting,
)
from origins_lint.source import Source
from tests.test_okta_speed_whole import _decoded, _export


def _reference(path: str, text: str) -> tuple[Document, list[InputProblem]] | None:
    found = fast.read_export(path, text)
    return None if found is None else (okta._document(path, found), okta.refusals(found))


def _types(context: CorsContext) -> list[type]:
    """The classes of what a context holds, down to its locations (equality alone would let a
    tuple pass for a Location)."""
    held: list[object] = [context, context.location, context.credentials, context.scopes]
    held += [context.credentials.location, context.scopes.location, context.scopes.value]
    for matcher in context.matchers:
        held += [matcher, matcher.location, matcher.kind, matcher.status]
    return [type(each) for each in held]


def test_contexts_made_as_read_are_the_entries_contexts() -> None:
    rng = random.Random(3001)
    read = 0
    for round_ in range(1500):
        text = _export(rng)
        path = f"export-{round_}.json"
        made = okta.read_fast(path, text)
        expected = _reference(path, text)
        assert (made is None) is (expected is None), text
        with _decoded():  # every entry read by the decoder: `one`, not `_whole_contexts`
            assert okta.read_fast(path, text) == made, text
        if made is None or expected is None:
            continue
        read += 1
        assert made == expected, text
        assert [_types(each) for each in made[0].contexts] == [
            _types(each) for each in expected[0].contexts
        ], text
        source = Source(path, text)
        exact = okta.read_exactly(source, ParsedFile(path, "okta"))
        assert [made[0]] == exact.documents and made[1] == exact.problems, text
    assert read > 300


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_contexts_made_in_batches_of_any_size_are_the_same(
    monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    rng = random.Random(3002)
    texts = [_export(rng) for _ in range(300)]
    read = [okta.read_fast("export.json", text) for text in texts]
    monkeypatch.setattr(fast, "_BATCH", size)
    assert [okta.read_fast("export.json", text) for text in texts] == read


def test_the_first_cors_scope_is_the_credentials_one_and_every_combination_has_its_set() -> None:
    """Each combination of up to three scope types, repeats included, in every order."""
    kinds = sorted(fast.SCOPE_TYPES)
    combinations = [[a] for a in kinds]
    combinations += [[a, b] for a in kinds for b in kinds]
    combinations += [[a, b, c] for a in kinds for b in kinds for c in kinds]
    entries = [
        {"origin": f"https://e{index}.example", "scopes": [{"type": kind} for kind in kinds_]}
        for index, kinds_ in enumerate(combinations)
    ]
    text = json.dumps(entries, indent=2)
    made = okta.read_fast("trusted-origins.json", text)
    assert made is not None and made == _reference("trusted-origins.json", text)
    export = fast.read_export("trusted-origins.json", text)
    assert export is not None
    for context, entry, kinds_ in zip(made[0].contexts, export.entries, combinations, strict=True):
        assert context.scopes.value == frozenset(kind.lower() for kind in kinds_)
        assert context.credentials.value is ("CORS" in kinds_)
        if "CORS" in kinds_:
            assert context.credentials.location == entry.scopes[kinds_.index("CORS")].location
            at = context.credentials.location
            assert at is not None and text.splitlines()[at.line - 1][at.column - 1 :].startswith('"CORS"')


def test_refused_origins_are_said_at_their_place_and_admit_nothing() -> None:
    entries = [
        {"origin": origin, "scopes": [{"type": "CORS"}], "status": "ACTIVE"}
        for origin in ["https://ok.example", "example.com", "gopher://x.example", "", "http://ok.example"]
    ]
    text = json.dumps(entries, indent=2)
    made = okta.read_fast("trusted-origins.json", text)
    assert made is not None and made == _reference("trusted-origins.json", text)
    document, problems = made
    assert [len(context.matchers) for context in document.contexts] == [1, 0, 0, 0, 1]
    assert [problem.location.line for problem in problems] == [
        context.location.line + 1 for context in document.contexts[1:4]
    ]
    assert all(problem.location.column == 15 for problem in problems)


def test_parse_reads_through_the_contexts_made_as_read() -> None:
    text = json.dumps([{"origin": "https://a.example", "scopes": [{"type": "REDIRECT"}]}])
    source = Source("trusted-origins.json", text)
    parsed = okta.parse(source, FormatOptions())
    expected = _reference(source.path, text)
    assert expected is not None and parsed.documents == [expected[0]] and parsed.problems == expected[1]
    matcher = parsed.documents[0].contexts[0].matchers[0]
    assert type(matcher) is OriginMatcher and type(matcher.location) is Location
    assert parsed.documents[0].contexts[0].credentials == Setting(False)


def test_a_setting_made_through_its_slots_is_the_record() -> None:
    """`okta._setting` sets a Setting's fields itself: the record must have exactly these fields
    and nothing its `__init__` does beyond setting them."""
    assert Setting.__match_args__ == ("value", "location", "from_default", "note")
    assert not hasattr(Setting, "__post_init__")
    for value in (True, False, None, frozenset({"cors"}), frozenset()):
        for location in (None, Location("a.json", 1, 2, 3, 4)):
            made, expected = okta._setting(value, location), Setting(value, location)
            assert type(made) is Setting
            assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
