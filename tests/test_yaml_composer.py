"""The YAML composer made once (`yaml_tree._composed`) against ruamel's own `YAML.compose_all`.

`compose_all` defines a loader class for every stream, and leaves the loader, its class and the
resolver's tables to the cycle collector (issue 21). `_composed` makes the same class once: it must
give the same node graphs (kind, tag, value, start and end of every node) and raise the same errors
at the same places, on every YAML file of the fixtures and the examples, and on seeded mutations of
them; and it must leave no garbage for the cycle collector.
"""

from __future__ import annotations

import gc
import random
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from origins_lint.formats.readers.yaml_tree import _composed, safe_yaml

ROOT = Path(__file__).resolve().parent.parent
MUTATIONS = " -:#'\"[],&*!|>{}?%@`\n~0x.\t\\"


def _mark(mark: Any) -> tuple[int, int, int] | None:
    return None if mark is None else (mark.index, mark.line, mark.column)


def _shape(node: Node) -> Any:
    where = (type(node).__name__, str(node.tag), _mark(node.start_mark), _mark(node.end_mark))
    if isinstance(node, MappingNode):
        return (*where, [(_shape(k), _shape(v)) for k, v in node.value])
    if isinstance(node, SequenceNode):
        return (*where, [_shape(v) for v in node.value])
    return (*where, node.value, node.style)


def _read(compose: Any, text: str) -> tuple[list[Any], str | None]:
    shapes: list[Any] = []
    try:
        for node in compose(text):
            shapes.append(None if node is None else _shape(node))
    except Exception as error:  # the same error, at the same place, after the same documents
        return shapes, f"{type(error).__name__}: {error}"
    return shapes, None


def _ruamel(text: str) -> Any:
    yaml = safe_yaml()
    yaml.doc_infos.clear()
    return yaml.compose_all(text)


def _texts() -> list[str]:
    found = [ROOT / "tests" / "fixtures", ROOT / "examples"]
    paths = sorted(p for base in found for p in base.rglob("*") if p.suffix in (".yaml", ".yml"))
    assert len(paths) > 100
    return [p.read_text("utf-8", errors="replace") for p in paths]


def test_the_same_nodes_and_errors_as_compose_all_on_every_fixture() -> None:
    for text in _texts():
        assert _read(_composed, text) == _read(_ruamel, text), text[:200]


def test_the_same_nodes_and_errors_on_seeded_mutations() -> None:
    rng = random.Random(30)
    texts = _texts()
    errors = 0
    for _ in range(3000):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            change = rng.choice(("drop", "double", "replace"))
            if change == "drop":
                text = text[:at] + text[at + 1 :]
            elif change == "double":
                text = text[:at] + text[at : at + 1] * 2 + text[at + 1 :]
            else:
                text = text[:at] + rng.choice(MUTATIONS) + text[at + 1 :]
        ours = _read(_composed, text)
        assert ours == _read(_ruamel, text), text
        errors += ours[1] is not None
    assert errors > 300  # the errors' path is exercised too


def test_the_edge_streams_agree() -> None:
    for text in (
        "",
        "\n",
        "---\n",
        "--- a\n...\n--- b\n",
        "%YAML 1.1\n---\non: yes\n",
        "a: &x 1\nb: *x\n",
        "a: *y\n",
    ):
        assert _read(_composed, text) == _read(_ruamel, text), text


def test_a_stream_leaves_nothing_to_the_cycle_collector() -> None:
    text = (ROOT / "examples").rglob("*.yaml").__next__().read_text("utf-8")
    list(_composed(text))  # the class is made once
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(200):
            list(_composed(text))
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()
