"""The published JSON Schemas and the checker give one answer (issue 20, item 6).

Editors validate with the schema as you type; CI runs `check`. Every policy and Okta export
this repository shows (the README, `examples/`, the rule pages, the test fixtures) is validated
with `jsonschema` against the checked-in schema and checked with `check --select OL001,OL002`,
and the two verdicts must be the same: for each file, and for each policy entry on its own.

One difference is by nature and is asserted as such: a JSON Schema cannot compile a regular
expression, so a `regex` that does not compile passes the schema and is OL002 in the checker.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from origins_lint.formats import okta, policy
from origins_lint.formats.policy.fast import regex_error
from tests.conftest import FIXTURES, ROOT, check_json

SCHEMAS = ROOT / "schemas"
BLOCK = re.compile(r"^( *)```(yaml|json)(?: file=(\S+))?\n(.*?)^\1```", re.MULTILINE | re.DOTALL)


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(schema)


POLICY = _validator("origins-policy")
OKTA = _validator("okta-trusted-origins")


def _blocks(path: Path) -> Iterator[tuple[str, str, str]]:
    """(language, name, text) of each fenced block of a Markdown file, also those indented in a list."""
    for match in BLOCK.finditer(path.read_text("utf-8")):
        indent = len(match.group(1))
        text = "".join(line[indent:] for line in match.group(4).splitlines(keepends=True))
        yield match.group(2), match.group(3) or "", text


def _examples() -> list[tuple[str, str, str]]:
    """(id, format, text) of every policy and Okta export the repository shows."""
    found: list[tuple[str, str, str]] = []
    pages = [ROOT / "README.md", *sorted((ROOT / "rules").glob("*.md"))]
    for page in pages:
        for number, (language, name, text) in enumerate(_blocks(page)):
            where = f"{page.name}#{number}"
            if language == "yaml" and policy.detect(name or "block.yaml", text):
                found.append((where, "policy", text))
            elif language == "json" and okta.detect(name or "block.json", text):
                found.append((where, "okta", text))
    files = [
        *sorted((ROOT / "examples" / "policy").glob("*.yaml")),
        *sorted((FIXTURES / "policy").rglob("*.yaml")),
        *sorted((ROOT / "examples" / "okta").glob("*.json")),
        *sorted((FIXTURES / "okta").rglob("*.json")),
    ]
    for path in files:
        name = "policy" if path.suffix == ".yaml" else "okta"
        found.append((str(path.relative_to(ROOT)), name, path.read_text("utf-8")))
    return found


EXAMPLES = _examples()


def _documents(name: str, text: str) -> list[Any] | None:
    """The documents an editor validates (each document of a YAML stream on its own); None: no parse."""
    try:
        if name == "okta":
            return [json.loads(text)]
        return list(YAML(typ="safe", pure=True).load_all(text))
    except (ValueError, YAMLError):
        return None


def _schema_valid(name: str, text: str) -> bool:
    documents = _documents(name, text)
    validator = POLICY if name == "policy" else OKTA
    return documents is not None and all(validator.is_valid(document) for document in documents)


def _checker_valid(name: str, text: str, folder: Path) -> bool:
    path = folder / ("example.origins.yaml" if name == "policy" else "example.json")
    path.write_text(text, encoding="utf-8")
    result = check_json(path, extra=("--select", "OL001,OL002", "--input-format", name, "--no-cache"))
    assert result.exit_code in (0, 1), result.stderr
    return not result.findings


def test_the_examples_cover_valid_and_invalid_files_of_both_formats() -> None:
    kinds = {(name, _schema_valid(name, text)) for _, name, text in EXAMPLES}
    assert kinds == {("policy", True), ("policy", False), ("okta", True), ("okta", False)}
    assert sum(where.startswith(("README", "OL")) for where, _, _ in EXAMPLES) >= 20


@pytest.mark.parametrize(("where", "name", "text"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_schema_and_checker_agree_on_each_file(where: str, name: str, text: str, tmp_path: Path) -> None:
    schema, checker = _schema_valid(name, text), _checker_valid(name, text, tmp_path)
    if schema and not checker and name == "policy":
        assert _uncompilable_regexes(text), f"{where}: only a regex that does not compile may differ"
        return
    assert schema == checker, f"{where}: the schema says {schema}, the checker says {checker}"


def _uncompilable_regexes(text: str) -> list[str]:
    documents = _documents("policy", text) or []
    return [
        entry["regex"]
        for document in documents
        if isinstance(document, dict) and isinstance(document.get("origins"), list)
        for entry in document["origins"]
        if isinstance(entry, dict) and isinstance(entry.get("regex"), str) and regex_error(entry["regex"])
    ]


def _entries() -> list[tuple[str, str]]:
    """Each policy entry as a one-entry policy (the document's other keys kept), as JSON text."""
    found = []
    for where, name, text in EXAMPLES:
        if name != "policy":
            continue
        for number, document in enumerate(_documents(name, text) or []):
            if not isinstance(document, dict) or not isinstance(document.get("origins"), list):
                continue
            for index, entry in enumerate(document["origins"]):
                alone = {**document, "origins": [entry]}
                found.append((f"{where}/{number}/origins[{index}]", json.dumps(alone, indent=2)))
    return found


ENTRIES = _entries()


def test_every_policy_entry_alone_gets_one_answer(tmp_path: Path) -> None:
    """Both or neither of `origin`/`regex`, wrong types, unknown keys, `null`: entry by entry."""
    assert len(ENTRIES) > 50
    differ = []
    for where, text in ENTRIES:
        schema, checker = _schema_valid("policy", text), _checker_valid("policy", text, tmp_path)
        if schema != checker and not (schema and _uncompilable_regexes(text)):
            differ.append(f"{where}: schema {schema}, checker {checker}")
    assert differ == []


@pytest.mark.parametrize(
    ("entry", "valid"),
    [
        ({"origin": "https://a.example.com"}, True),
        ({"regex": "^https://a\\.example\\.com$"}, True),
        ({"origin": "https://a.example.com", "regex": "^https://a\\.example\\.com$"}, False),
        ({"note": "neither"}, False),
        ({"origin": None}, False),
        ({"origin": "null"}, True),
        ({"origin": "https://a.example.com", "x-owner": "team"}, True),
        ({"origin": "https://a.example.com", "credentials": "yes"}, False),
    ],
)
def test_the_issue_cases(entry: dict[str, Any], valid: bool, tmp_path: Path) -> None:
    text = json.dumps({"version": 1, "origins": [entry]})
    assert (_schema_valid("policy", text), _checker_valid("policy", text, tmp_path)) == (valid, valid)


def test_unquoted_null_in_yaml_gets_one_answer(tmp_path: Path) -> None:
    text = "version: 1\norigins:\n  - origin: null\n"
    assert (_schema_valid("policy", text), _checker_valid("policy", text, tmp_path)) == (False, False)
    quoted = 'version: 1\norigins:\n  - origin: "null"\n'
    assert (_schema_valid("policy", quoted), _checker_valid("policy", quoted, tmp_path)) == (True, True)


def test_multi_document_policies_are_validated_document_by_document(tmp_path: Path) -> None:
    """What editors do with a `---` stream (each document against the schema) is what `check` does."""
    good = "version: 1\norigins:\n  - origin: https://a.example.com\n"
    bad = "version: 1\norigins:\n  - origin: https://a.example.com\n    regex: '^x$'\n"
    assert (
        _schema_valid("policy", f"{good}---\n{good}"),
        _checker_valid("policy", f"{good}---\n{good}", tmp_path),
    ) == (
        True,
        True,
    )
    assert (
        _schema_valid("policy", f"{good}---\n{bad}"),
        _checker_valid("policy", f"{good}---\n{bad}", tmp_path),
    ) == (
        False,
        False,
    )


def test_okta_errors_point_at_the_bad_field() -> None:
    export = [
        {"origin": "https://a.example.com", "scopes": [{"type": "CORS"}]},
        {"origin": "https://b.example.com", "scopes": [{"type": "CORS"}, {"type": "EMBED"}], "status": "ON"},
    ]
    errors = sorted((list(e.absolute_path), e.validator) for e in OKTA.iter_errors(export))
    assert errors == [([1, "scopes", 1, "type"], "enum"), ([1, "status"], "enum")]
    single = {"origin": 5, "scopes": [{"type": "CORS"}]}
    assert [list(e.absolute_path) for e in OKTA.iter_errors(single)] == [["origin"]]
    pages = [[{"origin": "https://a.example.com", "scopes": []}]]
    assert [list(e.absolute_path) for e in OKTA.iter_errors(pages)] == [[0, 0, "scopes"]]
