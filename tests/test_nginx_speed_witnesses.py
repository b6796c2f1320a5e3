"""A regex's witnesses (the strings it was written to accept) are built with runs of literals
and anchors added in one go (issue 21: a Witness per character per example was a quarter of a
first analysis). `_reference` is `_witnesses` before the change: the same witnesses, texts and
varying spans, in the same order, and the same refusals, over the bench's regex families and
seeded random patterns."""

from __future__ import annotations

import random
import re
import re._parser as sre_parse
from typing import Any

import pytest

from origins_lint.matchers import MAX_WITNESSES, Unsupported, Witness, _item_witnesses, _witnesses

FAMILIES = [
    r"^https://(a|b)\.example\.com$",
    r"^https://[a-z0-9-]+\.example\.com$",
    r"^https://app\.example\.com(:[0-9]+)?$",
    r"^https://app.example.com$",
    r"https://app\.example\.com",
    r"^https?://(.*\.)?example\.com",
    r"example\.com$",
    r"^https://.*example\.com$",
    r"^https://([a-z]+\.)*example\.com$",
    r"^https://(a|b|c|d|e|f)(x|y|z|w)(1|2|3)\.example\.com$",  # past MAX_WITNESSES
    r"\Ahttps://a\.example\.com\Z",
    r"^(?:https://a\.example\.com|https://b\.example\.com)$",
    r"[^\x00-\x7f]",
]


def _reference(items: Any, icase: bool, in_repeat: bool = False) -> list[Witness]:
    results = [Witness("")]
    for op, arg in items:
        options = _item_witnesses(op, arg, icase, in_repeat)
        combined: list[Witness] = []
        for head in results:
            for tail in options:
                shift = len(head.text)
                spans = head.spans + tuple((s + shift, e + shift) for s, e in tail.spans)
                combined.append(Witness(head.text + tail.text, spans))
                if len(combined) >= MAX_WITNESSES:
                    break
            if len(combined) >= MAX_WITNESSES:
                break
        results = combined
    return results


def _both(pattern: str, flags: int) -> tuple[object, object]:
    items = list(sre_parse.parse(pattern, flags))
    icase = bool(flags & re.IGNORECASE)
    answers = []
    for build in (_witnesses, _reference):
        try:
            answers.append(build(items, icase))
        except Unsupported as error:
            answers.append(("unsupported", str(error)))
    return answers[0], answers[1]


@pytest.mark.parametrize("pattern", FAMILIES)
def test_bench_families(pattern: str) -> None:
    for flags in (0, re.IGNORECASE):
        ours, reference = _both(pattern, flags)
        assert ours == reference


_PARTS = [
    "a",
    "b",
    ".",
    "\\.",
    "^",
    "$",
    "(a|b)",
    "(x|y|z)",
    "[a-c]",
    "[^/]",
    "*",
    "+",
    "?",
    "{2}",
    "-",
    "://",
]


def test_seeded_patterns() -> None:
    rng = random.Random(21)
    compared = 0
    for _ in range(3000):
        pattern = "".join(rng.choice(_PARTS) for _ in range(rng.randrange(1, 12)))
        try:
            sre_parse.parse(pattern, 0)
        except re.error:
            continue
        ours, reference = _both(pattern, rng.choice((0, re.IGNORECASE)))
        assert ours == reference, pattern
        compared += 1
    assert compared > 1000
