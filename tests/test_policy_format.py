"""The policy format on real fixture files: every finding's line and column, every schema error."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from origins_lint.formats import policy
from origins_lint.formats.base import FormatOptions
from origins_lint.model import ParsedFile
from origins_lint.source import Source, decode
from tests.conftest import FIXTURES, ROOT, check_json, write

POLICY = FIXTURES / "policy"


def test_mixed_policy_findings_and_positions() -> None:
    result = check_json(POLICY / "mixed.origins.yaml")
    assert result.exit_code == 1
    assert result.at("OL201") == [(12, 13)]
    assert result.at("OL303") == [(14, 13)]
    assert result.at("OL306") == [(15, 12)]
    assert result.at("OL103") == [(16, 13)]
    # second document: development silences OL501, but null is null everywhere
    assert result.at("OL501") == []
    assert result.at("OL305") == [(24, 13)]
    severities = {f["code"]: f["severity"] for f in result.findings}
    assert severities["OL201"] == "high"  # credentials come through the merge key
    assert set(result.codes()) == {"OL201", "OL303", "OL306", "OL103", "OL305"}


def test_end_positions_cover_the_value() -> None:
    result = check_json(POLICY / "mixed.origins.yaml")
    finding = next(f for f in result.findings if f["code"] == "OL201")
    assert (finding["end_line"], finding["end_column"]) == (12, 13 + len("http://legacy.example.com"))


def test_schema_errors_each_at_their_line() -> None:
    result = check_json(POLICY / "schema-errors.origins.yaml")
    by_line = {f["line"]: f["message"] for f in result.findings if f["code"] == "OL002"}
    assert "unknown key `enviroment` in the top level; did you mean `environment`?" in by_line[2]
    assert "unknown key `credentails` in origins[0]; did you mean `credentials`?" in by_line[5]
    assert "origins[1].max_age" in by_line[7] and "'ten'" in by_line[7]
    assert "not a valid regular expression" in by_line[8]
    assert "exactly one of `origin` and `regex`" in by_line[9]
    assert "exactly one of `origin` and `regex`" in by_line[11]
    assert "upper-case HTTP method token" in by_line[13]
    assert sorted(by_line) == [2, 5, 7, 8, 9, 11, 13]


def test_schema_error_in_one_entry_does_not_hide_the_others() -> None:
    result = check_json(POLICY / "schema-errors.origins.yaml")
    assert result.at("OL201") == [(14, 13)]


def test_unknown_key_points_at_the_key_column() -> None:
    result = check_json(POLICY / "schema-errors.origins.yaml")
    finding = next(f for f in result.findings if f["line"] == 5)
    assert finding["column"] == 5


def test_flow_style_and_merge_keys() -> None:
    result = check_json(POLICY / "flow-and-merge.origins.yaml")
    assert result.at("OL401") == [(3, 69)]
    assert result.codes() == ["OL401"]


def test_x_keys_are_ignored_anywhere(project: Path) -> None:
    write(
        project,
        "p.origins.yaml",
        """
        version: 1
        x-owner: team-a
        origins:
          - origin: https://app.example.com
            x-ticket: SEC-123
    """,
    )
    assert check_json("p.origins.yaml").findings == []


def test_top_level_must_be_a_mapping(project: Path) -> None:
    write(project, "p.origins.yaml", "- origin: https://app.example.com\n")
    result = check_json("p.origins.yaml")
    assert result.codes() == ["OL002"]
    assert "must be a mapping" in result.findings[0]["message"]


def test_detection_by_name_kind_and_content() -> None:
    assert policy.detect("a/origins.yaml", "")
    assert policy.detect("team.origins.yml", "")
    assert policy.detect("x.yaml", "kind: OriginPolicy\n")
    assert policy.detect("x.yml", "origins:\n  - origin: https://a.example.com\n")
    assert policy.detect("x.yaml", "origins:\n  - regex: '^a$'\n")
    assert not policy.detect("x.yaml", "kind: Deployment\nspec: {}\n")
    assert not policy.detect("x.json", "kind: OriginPolicy\n")
    assert not policy.detect("values.yaml", "origins: []\n")


def test_walk_skips_unrelated_yaml_silently(project: Path) -> None:
    write(project, "k8s/deploy.yaml", "kind: Deployment\nspec: {}\n")
    write(project, "policy/p.origins.yaml", "version: 1\norigins:\n  - origin: http://x.example.com\n")
    result = check_json(".")
    assert result.report["files_checked"] == 1
    assert result.codes() == ["OL201"]


def test_multi_document_file_checks_each_document(project: Path) -> None:
    write(
        project,
        "p.origins.yaml",
        """
        version: 1
        origins:
          - origin: http://a.example.com
        ---
        version: 1
        origins:
          - origin: http://b.example.com
    """,
    )
    assert check_json("p.origins.yaml").at("OL201") == [(3, 13), (7, 13)]


def test_common_mistakes_get_specific_messages(project: Path) -> None:
    write(project, "star.origins.yaml", "version: 1\norigins:\n  - origin: *\n")
    write(project, "flat.origins.yaml", "version: 1\norigins:\n  - https://b.example.com\n")
    write(project, "none.origins.yaml", "version: 1\nservice: x\n")
    write(
        project,
        "empty.origins.yaml",
        "version: 1\norigins:\n  - origin: https://a.example.com\n    credentials:\n",
    )
    write(project, "defaults.origins.yaml", "version: 1\ndefaults:\n  credentails: true\norigins: []\n")
    messages = {f["path"]: (f["code"], f["line"], f["message"]) for f in check_json(".").findings}
    assert messages["star.origins.yaml"][:2] == ("OL001", 3)
    assert 'quote it, as in `origin: "*"`' in messages["star.origins.yaml"][2]
    assert messages["flat.origins.yaml"] == (
        "OL002",
        3,
        "`origins[0]` must be a mapping of keys (`origin: https://...`), not 'https://b.example.com'",
    )
    assert messages["none.origins.yaml"][2] == "the document is missing the required key `origins`"
    assert messages["empty.origins.yaml"][1:] == (
        4,
        "`origins[0].credentials`: has no value; remove the key to use the default",
    )
    assert (
        "unknown key `credentails` in defaults; did you mean `credentials`?"
        in messages["defaults.origins.yaml"][2]
    )


def test_null_origin_unquoted_is_a_schema_violation_as_in_the_schema(project: Path) -> None:
    """Issue 20 changed this: the schema (what editors check) rejects YAML's null, so the checker does
    too, saying how to write the `null` origin; quoted, it is OL305 as before."""
    write(project, "p.origins.yaml", "version: 1\norigins:\n  - origin: null\n")
    result = check_json("p.origins.yaml")
    assert [(f["code"], f["line"], f["column"]) for f in result.findings] == [("OL002", 3, 13)]
    assert 'write `"null"`' in result.findings[0]["message"]
    write(project, "q.origins.yaml", 'version: 1\norigins:\n  - origin: "null"\n')
    assert check_json("q.origins.yaml").at("OL305") == [(3, 13)]


# --- the pydantic-free reader of plainly valid files (policy_fast) ------------------------------

POLICY_FILES = sorted([*POLICY.glob("*.yaml"), *(ROOT / "examples" / "policy").glob("*.yaml")], key=str)


def test_the_fast_reader_keeps_to_the_schema_constants() -> None:
    from origins_lint.formats.policy import fast, schema

    assert set(get_args(schema.Scope)) == fast.SCOPES
    assert set(get_args(schema.Policy.model_fields["environment"].annotation)) == fast.ENVIRONMENTS
    assert set(fast.ALLOWANCES) == set(schema.Allowances.model_fields) == set(fast._CHECKS)
    assert set(schema.Entry.model_fields) == fast.ENTRY_KEYS
    assert set(schema.Policy.model_fields) == fast.POLICY_KEYS
    assert {f.name for f in dataclasses.fields(fast.PlainEntry)} == fast.ENTRY_KEYS


def _parsed(source: Source, slow: bool, monkeypatch: pytest.MonkeyPatch) -> ParsedFile:
    with monkeypatch.context() as patch:
        if slow:
            patch.setattr(policy, "read_policy", lambda data: None)
            patch.setattr(policy, "read_entry", lambda raw: None)
        return policy.parse(source, FormatOptions())


def _model(parsed: ParsedFile) -> tuple[object, ...]:
    return (parsed.documents, [(p.kind, p.message, p.location) for p in parsed.problems])


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: p.name)
def test_fast_and_pydantic_readings_of_every_policy_file_agree(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = decode(str(path), path.read_bytes())
    assert isinstance(source, Source)
    assert _model(_parsed(source, False, monkeypatch)) == _model(_parsed(source, True, monkeypatch))


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 100_000),
    st.floats(allow_nan=False),
    st.sampled_from(
        ["cors", "redirect", "GET", "get", "*", "X-Token", "bad header", "https://a.example.com"]
    ),
    st.sampled_from(["^https://(a|b)\\.example\\.com$", "[unclosed", "(?P<x>a)(?P=x)", "yes", ""]),
    st.lists(
        st.sampled_from(["cors", "iframe_embed", "CORS", "GET", "PATCH", "X-A", "x y", "*", ""]), max_size=3
    ),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.sampled_from(["a", "credentials"]), st.booleans(), max_size=2),
)
KEYS = st.sampled_from(
    [
        *("origin", "regex", "note", "scopes", "credentials", "allow_methods", "allow_headers"),
        *("expose_headers", "max_age", "environment", "service", "version", "kind", "defaults", "unknown"),
    ]
)


@given(st.dictionaries(KEYS, VALUES, max_size=5))
@settings(max_examples=500)
def test_the_fast_reader_never_accepts_what_pydantic_rejects(raw: dict[str, object]) -> None:
    from pydantic import ValidationError

    from origins_lint.formats.policy.fast import read_entry, read_policy
    from origins_lint.formats.policy.schema import Entry, Policy

    entry = read_entry(raw)
    if entry is not None:
        model = Entry.model_validate(raw)  # raises if the fast reader accepted too much
        assert all(getattr(entry, key) == getattr(model, key) for key in raw)
    document = {**raw, "origins": []}
    plain = read_policy(document)
    if plain is not None:
        try:
            model = Policy.model_validate(document)
        except ValidationError as error:
            raise AssertionError(f"fast reader accepted {document}: {error}") from None
        assert (plain.environment, plain.service) == (model.environment, model.service)


def test_a_clean_policy_is_checked_without_importing_pydantic(project: Path) -> None:
    """pydantic costs about 100 ms at start; a pre-commit run on a valid file does not need it."""
    write(
        project,
        "p.origins.yaml",
        "version: 1\ndefaults:\n  credentials: true\norigins:\n  - origin: https://a.example.com\n",
    )
    code = (
        "import sys; from origins_lint.cli import run; "
        "code = run(['check', '--no-cache', 'p.origins.yaml']); "
        "print(code, 'pydantic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "0 False"
