"""Detection searches a long text for each registry line's markers once, and not at all when a
marker holds one known absent or a character the text lacks (`base._Markers`, issue 21): on
seeded random texts made of the markers' pieces, asked by every line in random orders, it
answers what `any(marker in text ...)` answered, and `formats.detect` names the same formats."""

from __future__ import annotations

import random

import pytest

from origins_lint import formats
from origins_lint.formats import base


def _lines() -> list[base._Loader]:
    """Every registry line that has markers, with its `_Loader` (its `detect` is the loader's)."""
    found = []
    for fmt in formats.FORMATS:
        loader = getattr(fmt.detect, "__self__", None)
        if isinstance(loader, base._Loader) and loader.markers is not None:
            found.append(loader)
    return found


def _old(text: str, markers: tuple[str, ...], folded: bool) -> bool:
    """The test as `_Loader.detect` wrote it before."""
    seen = text.lower() if folded else text
    return any(marker in seen for marker in markers)


def _text(rng: random.Random, markers: list[str]) -> str:
    """Pieces of markers (whole, cut, one character changed, case changed) among JSON and YAML."""
    pieces = ['{"origin": "https://a.example", "scopes": [{"type": "CORS"}]}', "kind: Ingress\n", " ", "\n"]
    for _ in range(rng.randint(0, 12)):
        marker = rng.choice(markers)
        roll = rng.random()
        if roll < 0.25:
            pieces.append(marker)
        elif roll < 0.5:
            cut = rng.randint(0, len(marker))
            pieces.append(marker[:cut] if rng.random() < 0.5 else marker[cut:])
        elif roll < 0.7:
            at = rng.randrange(len(marker))
            pieces.append(marker[:at] + rng.choice("xZ_.-\"'") + marker[at + 1 :])
        elif roll < 0.85:
            pieces.append(marker.swapcase() if rng.random() < 0.5 else marker.upper())
        else:
            pieces.append("".join(rng.sample(marker, len(marker))))
    rng.shuffle(pieces)
    return "".join(pieces)


def test_the_marker_test_answers_as_the_search_of_every_marker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "_LONG_TEXT", 0)  # every text takes the memo's path
    lines = _lines()
    assert len(lines) >= 10
    markers = sorted({marker for line in lines for marker in line.markers or ()})
    rng = random.Random(2922)
    present = absent = 0
    for _ in range(3000):
        text = _text(rng, markers)
        order = lines * rng.randint(1, 2)
        rng.shuffle(order)
        for line in order:
            assert line.markers is not None
            answer = base._SEEN.holds_any(text, line.markers, line.folded)
            assert answer is _old(text, line.markers, line.folded), (text, line.module_name)
            present, absent = present + answer, absent + (not answer)
    assert present > 3000 and absent > 3000


def test_detect_names_the_same_formats_for_long_and_short_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(2923)
    markers = sorted({marker for line in _lines() for marker in line.markers or ()})
    paths = [
        "trusted-origins.json",
        "x.json",
        "deploy.yaml",
        "application.yml",
        "caddy.json",
        "serverless.yml",
    ]
    for _ in range(400):
        text, path = _text(rng, markers), rng.choice(paths)
        monkeypatch.setattr(base, "_LONG_TEXT", 1 << 60)
        short = formats.detect(path, text)
        monkeypatch.setattr(base, "_LONG_TEXT", 0)
        long = formats.detect(path, text)
        assert (short and short.name) == (long and long.name), (path, text)


def test_only_the_last_long_text_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "_LONG_TEXT", 0)
    first, second = "cors " * 3, "nothing here"
    assert base._SEEN.holds_any(first, ("cors",), False)
    assert not base._SEEN.holds_any(second, ("cors",), False)
    assert base._SEEN.text is second
    assert base._SEEN.holds_any(first, ("cors",), False)  # answered again for the other text
