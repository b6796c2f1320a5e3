"""The plain YAML reader (`readers/plain_yaml.py`) against `yaml_tree` (ruamel's libYAML composer).

Wherever the plain reader gives a tree, it must be the tree `yaml_tree.load_documents` gives, with
every value, position and key position, and no problem: on every YAML file of the fixtures, the
examples and a generated benchmark corpus, and on thousands of small mutations of them (a
character dropped, doubled or replaced by one YAML gives a meaning to). Elsewhere it says None.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest

from origins_lint.formats.readers import plain_yaml
from origins_lint.formats.readers.tree import Node
from origins_lint.formats.readers.yaml_tree import load_documents

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from gen import generate  # noqa: E402

MUTATIONS = " -:#'\"[],&*!|>{}?%@`\n~0x."


def _shape(node: Node) -> Any:
    loc = node.location
    where = (loc.path, loc.line, loc.column, loc.end_line, loc.end_column)
    if isinstance(node.value, dict):
        keys = {k: (v.line, v.column, v.end_line, v.end_column) for k, v in node.key_locations.items()}
        return ("map", where, keys, {k: _shape(v) for k, v in node.value.items()})
    if isinstance(node.value, list):
        return ("seq", where, [_shape(v) for v in node.value])
    return (type(node.value).__name__, where, node.value)


def _agrees(path: str, text: str) -> bool:
    """True when the plain reader read `text` (and agreed); False when it said None."""
    plain = plain_yaml.read(path, text)
    if plain is None:
        return False
    loaded = load_documents(path, text)
    assert loaded.problems == [], (text, loaded.problems)
    assert [_shape(n) for n in plain] == [_shape(n) for n in loaded.documents], text
    return True


def _files(tmp: Path) -> list[Path]:
    generate(tmp, 150, 0, seed=3, only=("policy", "ingress", "istio", "envoy", "traefik", "spring"))
    found = [tmp]
    found += [ROOT / "tests" / "fixtures", ROOT / "examples"]
    return sorted(p for base in found for p in base.rglob("*") if p.suffix in (".yaml", ".yml"))


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    out = []
    for path in _files(tmp_path_factory.mktemp("corpus")):
        try:
            out.append((str(path), path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue
    return out


def test_the_plain_reader_gives_yaml_trees_tree_wherever_it_reads(texts: list[tuple[str, str]]) -> None:
    read = sum(_agrees(path, text) for path, text in texts)
    # the generated policies (outside the repository: fixtures sort before or after them, by where
    # the checkout and the temporary folder are)
    policies = [(p, t) for p, t in texts if p.endswith(".origins.yaml") and not Path(p).is_relative_to(ROOT)]
    assert len(texts) > 400 and read > 150
    assert len(policies) >= 100 and all(plain_yaml.read(p, t) is not None for p, t in policies[:100])


def test_mutations_are_read_the_same_or_left_to_ruamel(texts: list[tuple[str, str]]) -> None:
    rng = random.Random(21)
    plain = [(p, t) for p, t in texts if len(t) < 4000 and plain_yaml.read(p, t) is not None]
    tried = 0
    for path, text in plain:
        for _ in range(20):
            at = rng.randrange(len(text) + 1)
            kind = rng.randrange(3)
            if kind == 0:
                mutated = text[:at] + text[at + 1 :]
            elif kind == 1:
                mutated = text[:at] + text[at : at + 1] * 2 + text[at + 1 :]
            else:
                mutated = text[:at] + rng.choice(MUTATIONS) + text[at:]
            _agrees(path, mutated)
            tried += 1
    assert tried > 1000, tried


@pytest.mark.parametrize(
    "text",
    [
        "origins:\n  - origin: http://app.example.com\n",
        "origins:\n- origin: http://a.example\n  note: x  # c\nkind: OriginPolicy\n",
        "---\n# c\nversion: 1\norigins:\n  - regex: '^https://a\\.example$'\n\n\n",
        "a: \"b c\"\nd: [GET, POST]\ne: []\nf: ['x']  # y\ng:\n  h: 0\n",
        "a:\n    - b\n    - c\nd: e",
        "  a: b\n  c: d\n",
        "a: true\nb: NULL\nc: False\n- x\n"[:-5],
        "- a\n- b: c\n  d: e\n ",
        "a:\n  b:\n    c: d\n  # end",
    ],
)
def test_plain_documents(text: str) -> None:
    assert _agrees("p.yaml", text)


@pytest.mark.parametrize(
    "text",
    [
        "a: b\n---\nc: d\n",  # two documents
        "a: yes\n",  # a boolean in YAML 1.1
        "a: 0600\n",
        "a: 1.5\n",
        "a:\n",  # null
        "a: b\n  c\n",  # a multi-line scalar
        "a: &x b\nc: *x\n",
        "a: b\na: c\n",  # a duplicate key: `yaml_tree` reports it
        "a: {b: c}\n",
        "a:\tb\n",
        "a: é\n",
        "a: |\n  b\n",
        'a: "b\\n"\n',
        "a: [*x]\n",
        "a: b: c\n",
    ],
)
def test_what_is_not_plain_is_left_to_ruamel(text: str) -> None:
    assert plain_yaml.read("p.yaml", text) is None
