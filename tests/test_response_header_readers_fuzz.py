"""The readers of CORS written as plain response headers never crash, whatever the file holds.

Envoy `response_headers_to_add`, Istio `headers.response`, Gateway API `ResponseHeaderModifier`,
Traefik `customResponseHeaders`, APISIX `response-rewrite`, Kong `response-transformer` and the
Spring Cloud Gateway header filters read structures of any shape a hostile repository can write:
every mutation of their fixtures (a value turned into a list, a map, a number, null, or bytes cut
and doubled) parses to findings or OL001/OL004, never an internal error, and every rule runs over
what it gives.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from origins_lint.formats import FormatOptions, detect
from origins_lint.source import Source, decode
from tests.conftest import FIXTURES, mutate, run_every_rule

SEEDS = [
    FIXTURES / "envoy" / "headers" / "echo.yaml",
    FIXTURES / "envoy" / "headers" / "order.yaml",
    FIXTURES / "envoy" / "headers" / "weighted.yaml",
    FIXTURES / "istio" / "response-headers.yaml",
    FIXTURES / "gateways" / "httproute-response-headers.yaml",
    FIXTURES / "traefik" / "custom-headers.yaml",
    FIXTURES / "traefik" / "custom-labels.yml",
    FIXTURES / "apisix" / "response-rewrite.yaml",
    FIXTURES / "kong" / "kong-response-transformer.yml",
    FIXTURES / "kong" / "kong-transformer-plugin.yaml",
    FIXTURES / "spring" / "gateway-filters" / "application.yml",
]
SHAPES = [b"[]", b"{}", b"7", b"null", b"[a, {b: c}]", b"{key: [1]}", b'"%REQ(origin)%"', b"$http_origin"]


def _read(path: Path, data: bytes) -> None:
    source = decode(str(path), data)
    if isinstance(source, Source):
        chosen = detect(str(path), source.text)
        if chosen is not None:
            run_every_rule(chosen.parse(source, FormatOptions()))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_values_of_every_shape(path: Path) -> None:
    seed = path.read_bytes()
    rng = random.Random(path.name)
    lines = seed.split(b"\n")
    for _ in range(60):
        at = rng.randrange(len(lines))
        line = lines[at]
        colon = line.find(b": ")
        changed = line[: colon + 2] + rng.choice(SHAPES) if colon >= 0 else line + b" " + rng.choice(SHAPES)
        _read(path, b"\n".join([*lines[:at], changed, *lines[at + 1 :]]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SEEDS),
    st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 8), st.binary(max_size=6)), max_size=4),
)
def test_cut_and_doubled_bytes(path: Path, edits: list[tuple[int, int, bytes]]) -> None:
    _read(path, mutate(path.read_bytes(), edits))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_the_seeds_themselves_give_contexts(path: Path) -> None:
    """So the mutations above start from files the readers really read."""
    source = decode(str(path), path.read_bytes())
    assert isinstance(source, Source)
    chosen = detect(str(path), source.text)
    assert chosen is not None
    parsed = chosen.parse(source, FormatOptions())
    assert sum(len(document.contexts) for document in parsed.documents) >= 1
