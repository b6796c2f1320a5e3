"""Config discovery, precedence, validation, and each key's effect on a real run."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import check_json, run_cli, write

RISKY = "version: 1\norigins:\n  - origin: http://partner.example.com\n  - origin: '*'\n"


def test_nearest_config_upward_is_used(project: Path) -> None:
    write(project, ".origins-lint.toml", 'ignore = ["OL301"]\n')
    write(project, "sub/deeper/p.origins.yaml", RISKY)
    result = check_json("p.origins.yaml", cwd=project / "sub" / "deeper")
    assert result.codes() == ["OL201"]


def test_pyproject_table_is_used_and_nearer_file_wins(project: Path) -> None:
    write(project, "pyproject.toml", '[project]\nname = "x"\n[tool.origins-lint]\nignore = ["OL201"]\n')
    write(project, "p.origins.yaml", RISKY)
    assert check_json("p.origins.yaml").codes() == ["OL301"]
    write(project, "inner/.origins-lint.toml", 'ignore = ["OL301"]\n')
    write(project, "inner/p.origins.yaml", RISKY)
    assert check_json("p.origins.yaml", cwd=project / "inner").codes() == ["OL201"]


def test_pyproject_without_our_table_is_skipped(project: Path) -> None:
    write(project, ".origins-lint.toml", 'ignore = ["OL301"]\n')
    write(project, "pkg/pyproject.toml", '[project]\nname = "x"\n')
    write(project, "pkg/p.origins.yaml", RISKY)
    assert check_json("p.origins.yaml", cwd=project / "pkg").codes() == ["OL201"]


def test_explicit_config_and_cli_precedence(project: Path) -> None:
    write(project, ".origins-lint.toml", 'ignore = ["OL201"]\nfail-on = "high"\n')
    write(project, "other.toml", 'ignore = ["OL301"]\n')
    write(project, "p.origins.yaml", RISKY)
    assert check_json("p.origins.yaml").codes() == ["OL301"]
    assert run_cli("check", "p.origins.yaml").exit_code == 0  # low finding, fail-on high
    assert check_json("p.origins.yaml", extra=("--config", "other.toml")).codes() == ["OL201"]
    assert check_json("p.origins.yaml", extra=("--ignore", "OL3")).codes() == ["OL201"]
    assert run_cli("check", "--fail-on", "low", "p.origins.yaml").exit_code == 1


def test_bad_config_names_the_key(project: Path) -> None:
    write(project, "p.origins.yaml", RISKY)
    cases = {
        'selct = ["OL2"]\n': "unknown key `selct`; did you mean `select`?",
        'fail-on = "urgent"\n': "`fail-on`: unknown severity 'urgent'",
        "exclude = 3\n": "`exclude` must be list of globs, not 3",
        'ignore = ["OL999"]\n': "`ignore`: unknown rule `OL999`",
        "max-file-size = -1\n": "`max-file-size` must be a number of bytes",
        '[per-file-ignores]\n"a/**" = [1]\n': "`per-file-ignores.a/**` must be a list of rules",
        "select = [\n": "invalid TOML",
    }
    for text, message in cases.items():
        write(project, ".origins-lint.toml", text)
        result = run_cli("check", "p.origins.yaml")
        assert result.exit_code == 2, text
        assert message in result.stderr, (text, result.stderr)


def test_missing_explicit_config_is_exit_2(project: Path) -> None:
    write(project, "p.origins.yaml", RISKY)
    result = run_cli("check", "--config", "nope.toml", "p.origins.yaml")
    assert result.exit_code == 2 and "cannot read the config" in result.stderr


def test_per_file_ignores_and_exclude_relative_to_config(project: Path) -> None:
    write(project, ".origins-lint.toml", '[per-file-ignores]\n"legacy/**" = ["insecure-origin"]\n')
    write(project, "legacy/p.origins.yaml", RISKY)
    write(project, "new/p.origins.yaml", RISKY)
    found = {(f["path"], f["code"]) for f in check_json(".").findings}
    assert ("legacy/p.origins.yaml", "OL201") not in found
    assert ("new/p.origins.yaml", "OL201") in found
    write(project, ".origins-lint.toml", 'exclude = ["legacy/**"]\n')
    assert {f["path"] for f in check_json(".").findings} == {"new/p.origins.yaml"}


def test_development_files(project: Path) -> None:
    local = "version: 1\norigins:\n  - origin: http://localhost:3000\n"
    write(project, "config/dev/p.origins.yaml", local)
    write(project, "config/prod/p.origins.yaml", local)
    write(project, ".origins-lint.toml", 'development-files = ["config/dev/**"]\n')
    assert {f["path"] for f in check_json(".").findings if f["code"] == "OL501"} == {
        "config/prod/p.origins.yaml"
    }


def test_allowed_domains_and_denied_origins(project: Path) -> None:
    write(
        project,
        ".origins-lint.toml",
        'allowed-domains = ["example.com"]\ndenied-origins = ["*.ngrok-free.app"]\n',
    )
    write(
        project,
        "p.origins.yaml",
        """
        version: 1
        origins:
          - origin: https://app.example.com
          - origin: https://shop.example.co.uk
          - regex: '^https://(a|b)\\.partner\\.io$'
          - origin: https://demo.ngrok-free.app
        """,
    )
    result = check_json("p.origins.yaml")
    assert result.at("OL801") == [(4, 13), (5, 12), (6, 13)]
    assert result.at("OL802") == [(6, 13)]
    assert "not under an allowed domain (`example.com`)" in result.findings[0]["message"]


def test_organization_rules_are_silent_without_config(project: Path) -> None:
    write(project, "p.origins.yaml", "version: 1\norigins:\n  - origin: https://elsewhere.io\n")
    assert check_json("p.origins.yaml").findings == []
