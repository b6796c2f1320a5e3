"""Apache's `logical_lines` reads line by line as asked (issue 21): `looks_like_apache` runs on
every `.conf`, nginx's included, and used to split the whole text first to read a few lines.
Held to the function before the change (``_reference``, verbatim but for its name): the same
(start, end, line) triples, to the last, over every fixture and example, continued lines, CR,
a final newline or none, and seeded random texts. The sniff now reads `logical_texts`, the
lines' texts without their places: the same texts, and its answers those of the sniff before
(``_sniff_with_reference``, verbatim over the reference lines)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from origins_lint.formats.webservers import apache
from origins_lint.formats.webservers.apache import detect, logical_texts, looks_like_apache
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
    """`looks_like_apache` before it read `logical_texts`: verbatim, over the reference lines."""
    seen = 0
    first_known = False
    capitalised = False
    for _start, _end, line in _reference(text):
        if not line.text or line.text.startswith("#"):
            continue
        seen += 1
        if seen > apache._SNIFF_LINES:
            break
        if line.text.endswith((";", "{")) and not line.text.startswith("<"):
            return False
        found = apache._FIRST_WORD.match(line.text)
        word = found.group() if found is not None else ""
        name = word.lower()
        known = name in apache.KNOWN or (
            name.startswith("<")
            and name.lstrip("</").rstrip(">") in apache._SCOPES | apache._TRANSPARENT | apache._CONDITIONAL
        )
        if seen == 1:
            first_known = known
            capitalised = apache._CAPITALISED.fullmatch(word) is not None
            if not known and not capitalised:
                return False
        elif known and not first_known:
            first_known = True
    return first_known if seen else empty


def test_logical_texts_are_the_texts_of_the_logical_lines() -> None:
    rng = random.Random(2140)
    texts = _texts()
    for _ in range(3000):
        texts.append(
            "".join(
                rng.choice(["a", " ", "\t", "\\", "\n", "\r", "#", "\f", "\v"])
                for _ in range(rng.randrange(0, 40))
            )
        )
    for text in texts:
        assert list(logical_texts(text)) == [line.text for _s, _e, line in _reference(text)], repr(text)
