"""A `pyproject.toml` is parsed only when its text can name our table (issue 21: most projects have
one, and importing and running a TOML parser for it was a run's cost): the answer is held to the
full parse, including the spellings of the key that escapes make."""

from __future__ import annotations

import random
import tomllib
from pathlib import Path

import pytest

from origins_lint.config import _has_tool_table, find_config

SPELLINGS = [
    '[tool.origins-lint]\nignore = ["OL201"]\n',
    '[tool."origins-lint"]\nignore = []\n',
    "[tool.'origins-lint']\nignore = []\n",
    '[tool."origins\\u002Dlint"]\nignore = []\n',
    '[tool."\\u006Frigins-lint"]\nignore = []\n',
    '[tool."origins\\U0000002Dlint"]\nignore = []\n',
    '[tool]\n"origins\\u002dlint" = { ignore = [] }\n',
    'tool.origins-lint.ignore = ["OL201"]\n',
    '[project]\nname = "x"\n',
    '[project]\nname = "origins-lint-plugin"\n',
    "[tool.ruff]\nline-length = 100\n",
    '[tool.ruff]\nexclude = ["\\u0041"]\n',
    '[tool.other]\nnote = "origins\\u002Dlint"\n',
    "[tool.origins-lint\n",  # not TOML
    '[tool."origins\\u002Dlint"\n',  # not TOML either
    "",
]


def _parsed(text: str) -> bool:
    try:
        return "origins-lint" in tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:
        return False


@pytest.mark.parametrize("text", SPELLINGS)
def test_the_table_is_found_as_the_full_parse_finds_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(text, "utf-8")
    assert _has_tool_table(path) is _parsed(text)


def test_escaped_key_is_the_governing_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool."origins\\u002Dlint"]\nignore = ["OL201"]\n', "utf-8")
    assert find_config(tmp_path) == tmp_path / "pyproject.toml"


def _key(rng: random.Random) -> str:
    """A TOML key for `origins-lint` (bare, literal, or a basic string with some letters escaped),
    or one a letter off."""
    name = (
        "origins-lint" if rng.random() < 0.7 else "origins-lint".replace(rng.choice("origins-lint"), "x", 1)
    )
    form = rng.choice(["bare", "literal", "basic"])
    if form == "bare":
        return name
    if form == "literal":
        return f"'{name}'"
    return (
        '"'
        + "".join(
            rng.choice([c, f"\\u{ord(c):04X}", f"\\U{ord(c):08x}"]) if rng.random() < 0.3 else c for c in name
        )
        + '"'
    )


def test_seeded_texts_agree_with_the_full_parse(tmp_path: Path) -> None:
    rng = random.Random(21)
    path = tmp_path / "pyproject.toml"
    found = 0
    for _ in range(2000):
        key = _key(rng)
        text = rng.choice(
            [
                f"[tool.{key}]\nignore = []\n",
                f"[project]\nname = 'x'\n[tool]\n{key} = {{ ignore = [] }}\n",
                f"tool.{key}.ignore = []\n",
                f"[tool.ruff]\n{key} = 1\n",
                f"[tool.{key}\n",
            ]
        )
        path.write_text(text, "utf-8")
        assert _has_tool_table(path) is _parsed(text), text
        found += _parsed(text)
    assert 500 < found < 1500  # both answers are asked often
