"""Issue 19: the checked repository is hostile input, its config included. It cannot make the tool
write outside the cache, hide a finding behind a stale cache or a string that looks like a comment,
hang it, drive the terminal or the CI log, or switch rules off without the report saying so.

Each test here failed on the code before the issue was fixed (the break it names is in the issue).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from origins_lint.cache import CACHE_DIR
from tests.conftest import check_json, write

RISKY = "version: 1\norigins:\n  - origin: http://a.example.com\n"


# --- the cache is never a way to write elsewhere --------------------------------------------------


def test_a_planted_cachedir_tag_symlink_is_replaced_not_followed(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    victim = tmp_path_factory.mktemp("victim") / "precious.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    (project / CACHE_DIR).mkdir()
    (project / CACHE_DIR / "CACHEDIR.TAG").symlink_to(victim)
    (project / CACHE_DIR / ".gitignore").symlink_to(victim)
    write(project, "p.origins.yaml", RISKY)
    assert check_json("p.origins.yaml").codes() == ["OL201"]
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert not (project / CACHE_DIR / "CACHEDIR.TAG").is_symlink()
    assert (project / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_a_symlinked_cache_folder_is_not_used_and_the_run_says_so(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (project / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    write(project, "p.origins.yaml", RISKY)
    result = check_json("p.origins.yaml")
    assert result.codes() == ["OL201"]
    assert list(elsewhere.iterdir()) == []
    assert "is a symlink; the result cache is not used" in result.stderr


def test_a_cache_folder_of_another_user_is_not_used(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, "p.origins.yaml", RISKY)
    (project / CACHE_DIR).mkdir()
    monkeypatch.setattr(os, "getuid", lambda: os.stat(project).st_uid + 1)
    result = check_json("p.origins.yaml")
    assert result.codes() == ["OL201"]
    assert "belongs to another user" in result.stderr
    assert list((project / CACHE_DIR).iterdir()) == []


def test_the_cache_lives_at_the_checked_tree_not_in_the_current_folder(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tree = tmp_path_factory.mktemp("tree")
    write(tree, "sub/p.origins.yaml", RISKY)
    assert check_json(tree / "sub" / "p.origins.yaml").codes() == ["OL201"]
    assert not (project / CACHE_DIR).exists()
    assert (tree / "sub" / CACHE_DIR / ".gitignore").is_file()
    (tree / ".git").mkdir()  # a git work tree: the cache goes to its root
    assert check_json(tree / "sub").codes() == ["OL201"]
    assert (tree / CACHE_DIR / ".gitignore").read_bytes() == b"# made by origins-lint\n*\n"


def test_a_new_file_an_include_glob_picks_up_invalidates_the_includer(project: Path) -> None:
    """The stale-cache break: `include snippets/*.conf` pulls in a file added after the first run."""
    write(
        project,
        "site/nginx.conf",
        "events {}\nhttp {\n    server {\n        listen 80;\n        include snippets/*.conf;\n    }\n}\n",
    )
    write(project, "site/snippets/a.conf", "add_header X-Frame-Options DENY always;\n")
    assert check_json("site/nginx.conf").codes() == []
    write(
        project,
        "site/snippets/b.conf",
        "add_header Access-Control-Allow-Origin $http_origin always;\n"
        "add_header Access-Control-Allow-Credentials true always;\n",
    )
    cached = check_json("site/nginx.conf")
    assert "OL402" in cached.codes() and cached.exit_code == 1
    assert cached.stdout == check_json("site/nginx.conf", extra=("--no-cache",)).stdout
