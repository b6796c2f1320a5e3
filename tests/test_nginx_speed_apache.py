"""Apache's `logical_lines` reads line by line as asked (issue 21): `looks_like_apache` runs on
every `.conf`, nginx's included, and used to split the whole text first to read a few lines.
Held to the function before the change (``_reference``, verbatim but for its name): the same
(start, end, line) triples, to the last, over every fixture and example, continued lines, CR,
a final newline or none, and seeded random texts; and the sniff's answers are unchanged."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from origins_lint.formats.webservers.apache import detect, looks_like_apache
from origins_lint.formats.webservers.apache.lexer import _BLANKS, _Line, logical_lines

ROOT = Path(__file__).resolve().parent.parent


def _reference(text: str) -> Iterator[tuple[int, int, _Line]]:
    physical = text.split("\n")
    offset = 0
    number = 0
    while number < len(physical):
        start = offset
        pieces: list[str] = []
        starts: list[int] = []
        places: list[tuple[int, int]] = []
        size = 0
        while number < len(physical):
            raw = physical[number]
            last = number == len(physical) - 1
            offset += len(raw) + (0 if last else 1)
            body = raw[:-1] if raw.endswith("\r") else raw
            continued = not last and body.endswith("\\")
            kept = body[:-1] if continued else body
            starts.append(size)
            places.append((number + 1, 1))
            pieces.append(kept)
            size += len(kept)
            number += 1
            if not continued:
                break
        joined = "".join(pieces)
        left = len(joined) - len(joined.lstrip(_BLANKS))
        right = len(joined.rstrip(_BLANKS))
        yield start, offset, _Line(joined[left:right], starts, places, left)


def _texts() -> list[str]:
    out = [
        "",
        "\n",
        "\n\n",
        "a",
        "a\n",
        "a\\\nb",
        "a\\\n",
        "\\",
        "a\\\r\nb\r\n",
        "\r",
        "x\\\n\\\n\\\ny",
        " \t\n",
    ]
    for folder in (ROOT / "tests" / "fixtures", ROOT / "examples"):
        out += [p.read_text(errors="replace") for p in sorted(folder.rglob("*")) if p.is_file()]
    return out


def _triples(lines: Iterator[tuple[int, int, _Line]]) -> list[tuple[object, ...]]:
    return [(s, e, line.text, line.starts, line.places, line.left) for s, e, line in lines]


def test_logical_lines_are_the_reference_ones() -> None:
    rng = random.Random(2132)
    texts = _texts()
    for _ in range(3000):
        texts.append(
            "".join(
                rng.choice(["a", " ", "\t", "\\", "\n", "\r", "#", "<", ">", ";", "{"])
                for _ in range(rng.randrange(0, 40))
            )
        )
    for text in texts:
        assert _triples(logical_lines(text)) == _triples(_reference(text)), text


def test_the_sniff_answers_as_before() -> None:
    for text in _texts():
        for empty in (False, True):
            assert looks_like_apache(text, empty) == _sniff_with_reference(text, empty)
        assert detect("site.conf", text) == _sniff_with_reference(text, False)


def _sniff_with_reference(text: str, empty: bool) -> bool:
    from origins_lint.formats.webservers import apache

    saved = apache.logical_lines
    apache.logical_lines = _reference
    try:
        return looks_like_apache(text, empty)
    finally:
        apache.logical_lines = saved
