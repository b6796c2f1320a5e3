"""The checked-in JSON Schema is generated from the models, and agrees with the tool."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import jsonschema
import pytest
from jsonschema.exceptions import best_match
from ruamel.yaml import YAML

from origins_lint.formats.schemas import SCHEMAS, schema_text
from tests.conftest import ROOT, run_cli

SCHEMA_FILE = ROOT / "schemas" / "origins-policy.schema.json"


def load_schema() -> dict[str, object]:
    data: dict[str, object] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return data


def test_checked_in_schemas_are_current() -> None:
    for name in SCHEMAS:
        path = ROOT / "schemas" / f"{name}.schema.json"
        assert path.read_text(encoding="utf-8") == schema_text(name), (
            f"{path} is stale: run `origins-lint schema --output schemas`"
        )


def test_schema_is_valid_2020_12_with_stable_id() -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert (
        schema["$id"]
        == "https://raw.githubusercontent.com/origins-lint/origins-lint/main/schemas/origins-policy.schema.json"
    )


def test_every_field_has_title_description_examples() -> None:
    schema = load_schema()
    models = [schema, *dict(schema["$defs"]).values()]  # type: ignore[call-overload]
    for model in models:
        for name, prop in model["properties"].items():
            for key in ("title", "description", "examples"):
                assert key in prop, f"{name} lacks {key}"


def policy_documents() -> list[tuple[str, object]]:
    docs: list[tuple[str, object]] = []
    for path in sorted((ROOT / "examples").rglob("*.origins.yaml")):
        docs += [(path.name, d) for d in YAML(typ="safe", pure=True).load_all(path.read_text())]
    for page in sorted((ROOT / "rules").glob("OL*.md")):
        use_instead = page.read_text().split("## Use instead\n", 1)[1].split("\n## ", 1)[0]
        for block in use_instead.split("```yaml\n")[1:]:
            docs.append((page.name, YAML(typ="safe", pure=True).load(block.split("```", 1)[0])))
    return docs


@pytest.mark.parametrize(("name", "document"), policy_documents())
def test_examples_and_fixed_rule_examples_validate(name: str, document: object) -> None:
    jsonschema.Draft202012Validator(load_schema()).validate(document)


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"version": 1, "origins": [{"orign": "https://a.example.com"}]}, ["origins", 0]),
        (
            {"version": 1, "origins": [{"origin": "https://a.example.com", "credentials": "yes"}]},
            ["origins", 0, "credentials"],
        ),
        (
            {"version": 1, "origins": [{"origin": "https://a.example.com", "max_age": -1}]},
            ["origins", 0, "max_age"],
        ),
        (
            {"version": 1, "origins": [{"origin": "https://a.example.com", "allow_methods": ["get"]}]},
            ["origins", 0, "allow_methods", 0],
        ),
        ({"version": 2, "origins": []}, ["version"]),
        ({"version": 1, "environment": "prod", "origins": []}, ["environment"]),
    ],
)
def test_schema_rejects_typos_and_wrong_types_with_the_path(document: object, path: list[object]) -> None:
    errors = list(jsonschema.Draft202012Validator(load_schema()).iter_errors(document))
    assert errors
    assert any(list(error.absolute_path) == path for error in errors)


def test_schema_accepts_x_keys() -> None:
    document = {
        "version": 1,
        "x-owner": "team",
        "origins": [{"origin": "https://a.example.com", "x-ticket": 1}],
    }
    jsonschema.Draft202012Validator(load_schema()).validate(document)


def test_schema_command_prints_and_writes(tmp_path: Path) -> None:
    printed = run_cli("schema")
    assert json.loads(printed.stdout)["$id"].endswith("origins-policy.schema.json")
    written = run_cli("schema", "--output", str(tmp_path / "out"))
    assert written.exit_code == 0
    assert (tmp_path / "out" / "origins-policy.schema.json").read_text() == SCHEMA_FILE.read_text()


RAW = "https://raw.githubusercontent.com/origins-lint/origins-lint/main/schemas/"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_blocks(language: str) -> list[str]:
    """Fenced blocks of one language, also those indented inside a list item."""
    fence = re.compile(rf"^( *)```{language}\n(.*?)^\1```", re.MULTILINE | re.DOTALL)
    return [textwrap.dedent(match.group(2)) for match in fence.finditer(README)]


def test_every_schema_has_a_stable_id_and_the_command_writes_them_all(tmp_path: Path) -> None:
    files = sorted((ROOT / "schemas").glob("*.schema.json"))
    assert [f.name for f in files] == sorted(f"{name}.schema.json" for name in SCHEMAS)
    for path in files:
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$id"] == RAW + path.name
        jsonschema.Draft202012Validator.check_schema(schema)
    run_cli("schema", "--output", str(tmp_path))
    for path in files:
        assert (tmp_path / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_readme_policies_validate() -> None:
    policies = [block for block in readme_blocks("yaml") if "\norigins:" in block and "version:" in block]
    assert policies  # the policy-file example at least
    validator = jsonschema.Draft202012Validator(load_schema())
    for block in policies:
        for document in YAML(typ="safe", pure=True).load_all(block):
            validator.validate(document)


def test_readme_editor_settings_point_at_the_schema_id() -> None:
    policy_id = load_schema()["$id"]
    assert f"# yaml-language-server: $schema={policy_id}" in README
    settings = [json.loads(b) for b in readme_blocks("json") if "yaml.schemas" in b]
    assert settings and list(settings[0]["yaml.schemas"]) == [policy_id]
    catalog = [json.loads(b) for b in readme_blocks("json") if '"fileMatch"' in b]
    assert len(catalog) == 1
    entry = catalog[0]
    assert entry["url"] == policy_id
    assert set(entry) == {"name", "description", "fileMatch", "url"}
    # narrow: only our own names, never every YAML file
    assert entry["fileMatch"] == ["*.origins.yaml", "*.origins.yml"]


def okta_schema() -> dict[str, object]:
    data: dict[str, object] = json.loads(
        (ROOT / "schemas" / "okta-trusted-origins.schema.json").read_text(encoding="utf-8")
    )
    return data


@pytest.mark.parametrize("path", sorted((ROOT / "examples" / "okta").glob("*.json")), ids=lambda p: p.name)
def test_okta_examples_validate(path: Path) -> None:
    jsonschema.Draft202012Validator(okta_schema()).validate(json.loads(path.read_text(encoding="utf-8")))


def test_okta_schema_rejects_wrong_types_with_the_path() -> None:
    """The export may be one object or a list, so editors report the closest branch: `best_match`."""
    validator = jsonschema.Draft202012Validator(okta_schema())
    wrong = [{"origin": "https://a.example.com", "scopes": "CORS", "status": "ACTIVE"}]
    found = best_match(validator.iter_errors(wrong))
    assert found is not None
    assert (list(found.absolute_path), found.message) == ([0, "scopes"], "'CORS' is not of type 'array'")
    # issue 20: the shape is chosen by type, so every error is reported at its own field (before, the
    # `anyOf` gave one error at the root, and best_match had to guess the branch)
    errors = {
        (tuple(error.absolute_path), error.message)
        for error in validator.iter_errors([{"origin": 5, "scopes": []}])
    }
    assert errors == {((0, "origin"), "5 is not of type 'string'"), ((0, "scopes"), "[] should be non-empty")}
