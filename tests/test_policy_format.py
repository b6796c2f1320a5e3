"""The policy format on real fixture files: every finding's line and column, every schema error."""

from __future__ import annotations

from pathlib import Path

from origins_lint.formats import policy
from tests.conftest import FIXTURES, check_json, write

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


def test_null_origin_unquoted_means_the_null_origin(project: Path) -> None:
    write(project, "p.origins.yaml", "version: 1\norigins:\n  - origin: null\n")
    assert check_json("p.origins.yaml").at("OL305") == [(3, 13)]
