"""The checked-in JSON Schema is generated from the models, and agrees with the tool."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
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
