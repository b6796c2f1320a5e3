"""The policy fixer's read-back check (`fixer._reads_back`) on plain files, against ruamel's safe loader.

The dry run of `--fix` loads the file before and after its edits to make sure nothing but the
edited entries changed. On a plain file (``plain_yaml``'s subset) that data now comes from the
plain reader's tree; it must be the data ruamel's safe loader gives, on every YAML file of the
fixtures, the examples and a generated policy corpus, and on mutations of them, and the fixes
`check --fix` makes must be the same whichever reader answered.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from origins_lint.formats.policy import fixer
from origins_lint.formats.readers import plain_yaml
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from gen import generate  # noqa: E402

MUTATIONS = " -:#'\"[],&*!|>{}?%@`\n~0x."


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    tmp = tmp_path_factory.mktemp("policies")
    generate(tmp, 120, 0, seed=5, only=("policy",))
    bases = [tmp, ROOT / "tests" / "fixtures", ROOT / "examples"]
    out = []
    for path in sorted(p for base in bases for p in base.rglob("*") if p.suffix in (".yaml", ".yml")):
        try:
            out.append(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            continue
    return out


def _same_data(text: str) -> bool:
    """True when the plain reader answered (and agreed with the safe loader)."""
    if plain_yaml.read("", text) is None:
        return False
    assert fixer._data(text) == fixer._safe_data(text), text
    return True


def test_plain_data_is_the_safe_loaders_data(texts: list[str]) -> None:
    assert sum(_same_data(text) for text in texts) > 100


def test_on_mutations_too(texts: list[str]) -> None:
    rng = random.Random(28)
    tried = 0
    for text in (t for t in texts if len(t) < 4000 and plain_yaml.read("", t) is not None):
        for _ in range(10):
            at = rng.randrange(len(text) + 1)
            mutated = text[:at] + rng.choice(MUTATIONS) + text[at:]
            _same_data(mutated)
            tried += 1
    assert tried > 1000


def test_fix_makes_the_same_edit_whichever_reader_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check --fix` on generated policies and the examples': the files written are the same with
    the plain reader and with it switched off (every file then loaded by ruamel, as before)."""
    sources = tmp_path / "sources"
    generate(sources, 60, 0, seed=11, only=("policy",))
    originals = {
        p.relative_to(sources).as_posix(): p.read_text(encoding="utf-8") for p in sources.rglob("*.yaml")
    }
    for example in sorted((ROOT / "examples").rglob("*.origins.yaml")):
        originals[example.name] = example.read_text(encoding="utf-8")
    written: dict[str, dict[str, str]] = {}
    for mode in ("plain", "ruamel"):
        folder = tmp_path / mode
        for name, text in originals.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        if mode == "ruamel":
            monkeypatch.setattr(plain_yaml, "read", lambda _path, _text: None)
        done = run_cli("check", "--no-cache", "--fix", str(folder))
        assert done.exit_code in (0, 1), done.stdout + done.stderr
        written[mode] = {name: (folder / name).read_text(encoding="utf-8") for name in originals}
    assert written["plain"] == written["ruamel"]
    changed = [name for name, text in originals.items() if written["plain"][name] != text]
    assert len(changed) >= 5, changed  # the comparison saw real fixes
