"""Every rule has a page, and every example on it is run: bad ones fire, fixed ones do not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from origins_lint.rules import all_rules
from tests.conftest import ROOT, Run, check_json, run_cli

PAGES = ROOT / "rules"
SECTIONS = ("What it flags", "Why it is risky", "Example", "Use instead", "Suppress")
BLOCK = re.compile(r"^```(\w+)(?: file=(\S+))?\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def examples(page: str, section: str) -> list[tuple[str, str, str]]:
    body = page.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return [(lang, name or "", text) for lang, name, text in BLOCK.findall(body)]


DEFAULT_NAMES = {
    "yaml": "example.origins.yaml",
    "nginx": "example.conf",
    "json": "trusted-origins.json",
    "hcl": "main.tf",
}


def materialize(tmp: Path, blocks: list[tuple[str, str, str]]) -> Path:
    """Write a section's blocks as files; returns the first config to check (yaml or nginx)."""
    target = None
    for lang, name, text in blocks:
        path = tmp / (name or DEFAULT_NAMES.get(lang, f"example.{lang}"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if lang in DEFAULT_NAMES and target is None:
            target = path
    assert target is not None, "a section needs a yaml, nginx, json or hcl example"
    return target


CODES = [rule.code for rule in all_rules()]
LIVE = ("OL9",)  # reported by `verify`: the page gives the config and the server's answer (answer.http)


def run_example(code: str, tmp: Path, target: Path) -> Run:
    if code.startswith(LIVE):
        from tests.test_verify import page_example

        return page_example(target, tmp / "answer.http")
    return check_json(target.name)


def test_every_rule_has_a_page_with_every_section() -> None:
    for code in CODES:
        page = (PAGES / f"{code}.md").read_text(encoding="utf-8")
        rule = next(r for r in all_rules() if r.code == code)
        assert page.startswith(f"# {code} {rule.slug}\n")
        for section in SECTIONS:
            assert f"\n## {section}\n" in page, f"{code}.md lacks ## {section}"


def test_no_page_without_a_rule() -> None:
    assert sorted(p.stem for p in PAGES.glob("OL*.md")) == sorted(CODES)


@pytest.mark.parametrize("code", CODES)
def test_bad_example_fires(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    page = (PAGES / f"{code}.md").read_text(encoding="utf-8")
    target = materialize(tmp_path, examples(page, "Example"))
    result = run_example(code, tmp_path, target)
    assert code in result.codes(), result.stdout


@pytest.mark.parametrize("code", CODES)
def test_fixed_example_is_clean_for_the_rule(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    page = (PAGES / f"{code}.md").read_text(encoding="utf-8")
    target = materialize(tmp_path, examples(page, "Use instead"))
    result = run_example(code, tmp_path, target)
    assert code not in result.codes(), result.stdout
    assert "OL001" not in result.codes() and "OL002" not in result.codes()


def test_rule_command_prints_the_page() -> None:
    result = run_cli("rule", "insecure-origin")
    assert result.exit_code == 0
    assert result.stdout.startswith("# OL201 insecure-origin")
    assert run_cli("rule", "ol303").stdout.startswith("# OL303 shared-host-origin")


def test_rule_command_unknown_rule_is_usage_error() -> None:
    result = run_cli("rule", "OL999")
    assert result.exit_code == 2
    assert "no rule `OL999`" in result.stderr
