"""`--jobs` and the result cache: same findings, fewer parses, and a cache nobody else can write."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from origins_lint import cache as cache_module
from origins_lint.cache import CACHE_DIR
from tests.conftest import ROOT, check_json, run_cli, write

RISKY = """\
origins:
  - origin: http://a.example.com
  - origin: https://*.github.io
"""


def _tree(project: Path) -> Path:
    """The repository's examples (every format), copied so a cache can be written next to them."""
    shutil.copytree(ROOT / "examples", project / "examples")
    return project / "examples"


def test_jobs_give_byte_identical_output(project: Path) -> None:
    _tree(project)
    outputs = {
        jobs: run_cli("check", "-f", "json", "--no-cache", "--jobs", jobs, "examples")
        for jobs in ("1", "2", "3")
    }
    assert outputs["1"].exit_code == 1 and len(outputs["1"].findings) == 93
    assert outputs["2"].stdout == outputs["1"].stdout
    assert outputs["3"].stdout == outputs["1"].stdout


def test_jobs_must_be_a_positive_number(project: Path) -> None:
    for bad in ("0", "-2", "many"):
        result = run_cli("check", "--jobs", bad, ".")
        assert result.exit_code == 2
        assert "is not a number of processes" in result.stderr


def test_second_run_reads_the_cache_and_gives_the_same_report(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(project)
    first = check_json("examples")
    # the cache lives at the root of the checked tree (issue 19), not in the folder the run started in
    assert (project / "examples" / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    assert not (project / CACHE_DIR).exists()
    parsed: list[str] = []
    real = cache_module.ResultCache.put

    def counting(self: cache_module.ResultCache, path: str, digest: str, outcome: object) -> None:
        parsed.append(path)
        real(self, path, digest, outcome)  # type: ignore[arg-type]

    monkeypatch.setattr(cache_module.ResultCache, "put", counting)
    second = check_json("examples")
    assert parsed == []  # nothing was checked again
    assert second.stdout == first.stdout and second.exit_code == first.exit_code
    # an edit is seen: only that file is checked again
    policy = project / "examples/policy/storefront.origins.yaml"
    policy.write_text(policy.read_text(encoding="utf-8") + "  - origin: http://new.example.com\n")
    third = check_json("examples")
    assert parsed == ["examples/policy/storefront.origins.yaml"]
    assert ("examples/policy/storefront.origins.yaml", "OL201") in {
        (f["path"], f["code"]) for f in third.findings
    }


def test_a_change_in_an_included_file_is_seen(project: Path) -> None:
    """The includer's entry holds the hash of each file it includes: editing only the snippet counts."""
    server = (
        "events {}\nhttp {\n    server {\n        listen 80;\n        include snippets/cors.conf;\n    }\n}\n"
    )
    write(project, "site/nginx.conf", server)
    write(
        project,
        "site/snippets/cors.conf",
        'add_header Access-Control-Allow-Origin "http://a.example.com" always;\n',
    )
    assert check_json("site/nginx.conf").at("OL201") == [(1, 41)]
    write(
        project,
        "site/snippets/cors.conf",
        "add_header Access-Control-Allow-Origin $http_origin always;\n"
        "add_header Access-Control-Allow-Credentials true always;\n",
    )
    after = check_json("site/nginx.conf")
    assert after.codes() == ["OL602", "OL402"]
    assert after.at("OL402") == [(1, 40)]


def test_settings_are_part_of_the_key(project: Path) -> None:
    write(project, "p.origins.yaml", RISKY)
    assert check_json("p.origins.yaml").codes() == ["OL201", "OL303"]
    assert check_json("p.origins.yaml", extra=("--select", "OL201")).codes() == ["OL201"]
    write(project, ".origins-lint.toml", 'ignore = ["OL201"]\n')
    assert check_json("p.origins.yaml").codes() == ["OL303"]


def test_a_cache_written_by_someone_else_is_not_trusted(project: Path) -> None:
    """A pull request could commit `.origins-lint-cache/` saying its risky file is clean."""
    write(project, "p.origins.yaml", RISKY)
    check_json("p.origins.yaml")
    (cache_file,) = (project / CACHE_DIR).glob("*.json")
    mac, _, body = cache_file.read_bytes().partition(b"\n")
    cached = json.loads(body)
    cached["files"]["p.origins.yaml"]["findings"] = []  # forged: no findings
    cache_file.write_bytes(mac + b"\n" + json.dumps(cached).encode())
    assert check_json("p.origins.yaml").codes() == ["OL201", "OL303"]
    cache_file.write_bytes(b"garbage\n{not json")
    assert check_json("p.origins.yaml").codes() == ["OL201", "OL303"]


def test_a_forged_fix_in_the_cache_is_never_written(project: Path) -> None:
    """The cache keeps each file's fix dry run, text included: `--fix` writes that text, so a forged
    one must fail the HMAC like any other entry."""
    write(project, "p.origins.yaml", "version: 1\norigins:\n  - origin: HTTPS://App.Example.com\n")
    check_json("p.origins.yaml")
    (cache_file,) = (project / CACHE_DIR).glob("*.json")
    mac, _, body = cache_file.read_bytes().partition(b"\n")
    cached = json.loads(body)
    [fix] = cached["fixes"].values()
    assert fix["text"].endswith("https://app.example.com\n")
    fix["text"] = "version: 1\norigins:\n  - origin: https://attacker.example\n"
    cache_file.write_bytes(mac + b"\n" + json.dumps(cached).encode())
    assert run_cli("check", "--fix", "p.origins.yaml").exit_code == 0
    assert (project / "p.origins.yaml").read_text("utf-8").endswith("https://app.example.com\n")


def test_a_second_run_reuses_the_fix_dry_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from origins_lint.formats.policy import fixer as policy_fix

    write(project, "p.origins.yaml", "version: 1\norigins:\n  - origin: HTTPS://App.Example.com\n")
    first = run_cli("check", "p.origins.yaml")
    asked: list[str] = []
    real = policy_fix.fix
    monkeypatch.setattr(policy_fix, "fix", lambda *args: asked.append(args[0]) or real(*args))
    assert run_cli("check", "p.origins.yaml").stdout == first.stdout
    assert asked == []
    write(project, "p.origins.yaml", "version: 1\norigins:\n  - origin: HTTPS://Other.Example.com\n")
    run_cli("check", "p.origins.yaml")
    assert asked == ["p.origins.yaml"]


def test_no_cache_neither_reads_nor_writes(project: Path) -> None:
    write(project, "p.origins.yaml", RISKY)
    assert check_json("p.origins.yaml", extra=("--no-cache",)).codes() == ["OL201", "OL303"]
    assert not (project / CACHE_DIR).exists()


def test_an_unwritable_cache_folder_only_costs_speed(project: Path) -> None:
    write(project, "p.origins.yaml", RISKY)
    (project / CACHE_DIR).write_text("a file where the folder would go", encoding="utf-8")
    result = check_json("p.origins.yaml")
    assert result.codes() == ["OL201", "OL303"] and result.stderr == ""
