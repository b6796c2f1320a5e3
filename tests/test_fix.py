"""`--fix` and `--diff` on policy files: only the flagged text changes; writes are atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from origins_lint import writes
from origins_lint.cache import CACHE_DIR
from origins_lint.fix import FileFix, NotWritten, write
from tests.conftest import run_cli

BEFORE = """\
# Partner origins: reviewed by the platform team.
kind: OriginPolicy
version: 1
x-signed-in: &signed-in            # anchors live under x- keys
  credentials: true
  allow_headers: [Content-Type]

origins:
  - origin: https://portal.example.com:443   # default port written out
    <<: *signed-in
  # partner two, contract 2024-17
  - origin: 'https://b.example.com/'
    note: partner two
  - origin: "https://b.example.com"
    note: partner two
  - origin: https://c.example.com
  - origin: https://c.example.com
    credentials: true
"""
AFTER = """\
# Partner origins: reviewed by the platform team.
kind: OriginPolicy
version: 1
x-signed-in: &signed-in            # anchors live under x- keys
  credentials: true
  allow_headers: [Content-Type]

origins:
  - origin: https://portal.example.com   # default port written out
    <<: *signed-in
  # partner two, contract 2024-17
  - origin: 'https://b.example.com'
    note: partner two
  - origin: https://c.example.com
  - origin: https://c.example.com
    credentials: true
"""


def test_fix_rewrites_only_the_flagged_text_and_keeps_comments_anchors_quotes(project: Path) -> None:
    path = project / "p.origins.yaml"
    path.write_text(BEFORE, encoding="utf-8")
    result = run_cli("check", "--fix", "p.origins.yaml")
    assert path.read_text(encoding="utf-8") == AFTER
    # round 1 fixes the port and the slash; the slash's fix makes line 14 a word-for-word repeat: round 2
    assert "origins-lint: fixed 3 finding(s)" in result.stderr
    assert (
        "p.origins.yaml:15:13: not fixed: the repeated entries differ in more than the origin; "
        "merge their settings by hand" in result.stderr
    )
    # what is left is reported, and no longer marked fixable
    assert result.stdout.splitlines() == [
        "p.origins.yaml:15:13: OL103 [low] `https://c.example.com` is listed twice (first at line 14): "
        "remove one, and merge their settings so it is clear which apply",
        "Found 1 finding (1 low) in 1 file.",
    ]
    assert result.exit_code == 1
    left = sorted(p.name for p in project.iterdir() if p.name != CACHE_DIR)
    assert left == ["p.origins.yaml"]  # no temporary files left


def test_diff_shows_the_change_and_writes_nothing(project: Path) -> None:
    path = project / "p.origins.yaml"
    path.write_text(BEFORE, encoding="utf-8")
    result = run_cli("check", "--diff", "p.origins.yaml")
    assert result.exit_code == 1
    assert path.read_text(encoding="utf-8") == BEFORE
    assert result.stdout == (
        "--- a/p.origins.yaml\n"
        "+++ b/p.origins.yaml\n"
        "@@ -6,10 +6,10 @@\n"
        "   allow_headers: [Content-Type]\n"
        " \n"
        " origins:\n"
        "-  - origin: https://portal.example.com:443   # default port written out\n"
        "+  - origin: https://portal.example.com   # default port written out\n"
        "     <<: *signed-in\n"
        "   # partner two, contract 2024-17\n"
        "-  - origin: 'https://b.example.com/'\n"
        "+  - origin: 'https://b.example.com'\n"
        "     note: partner two\n"
        '   - origin: "https://b.example.com"\n'
        "     note: partner two\n"
    )
    assert "origins-lint: 2 fix(es) would be applied" in result.stderr
    assert "p.origins.yaml:17:13: not fixed: the repeated entries differ" in result.stderr
    # a plain check already knows which fixes the format will decline: no `[*]` on those
    listed = run_cli("check", "p.origins.yaml").stdout.splitlines()
    assert [line.split(" `")[0] for line in listed[:-1]] == [
        "p.origins.yaml:9:13: OL102 [low] [*]",
        "p.origins.yaml:12:13: OL101 [high] [*]",
        "p.origins.yaml:17:13: OL103 [low]",
    ]
    path.write_text(AFTER.replace("  - origin: https://c.example.com\n    credentials: true\n", ""), "utf-8")
    clean = run_cli("check", "--diff", "p.origins.yaml")
    assert (clean.exit_code, clean.stdout) == (0, "")


def test_fix_keeps_crlf_and_bom(project: Path) -> None:
    path = project / "p.origins.yaml"
    text = "version: 1\r\norigins:\r\n  - origin: https://a.example.com:443 # port\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    run_cli("check", "--fix", "p.origins.yaml")
    assert path.read_bytes() == b"\xef\xbb\xbf" + text.replace(":443 #", " #").encode("utf-8")


def test_fix_declines_what_it_cannot_do_exactly(project: Path) -> None:
    path = project / "p.origins.yaml"
    text = (
        "version: 1\n"
        'origins: [{origin: "https://a.example.com"}, {origin: "https://a.example.com"}]\n'
        "---\n"
        "version: 1\n"
        "origins:\n"
        '  - origin: "https://\\x62.example.com:443"\n'
    )
    path.write_text(text, encoding="utf-8")
    result = run_cli("check", "--fix", "p.origins.yaml")
    assert path.read_text(encoding="utf-8") == text
    assert "p.origins.yaml:2:55: not fixed: the entry does not start its own `- ` line (a flow list?)" in (
        result.stderr
    )
    assert "p.origins.yaml:6:13: not fixed: the value is written with escapes, a tag or an anchor" in (
        result.stderr
    )
    assert "fixed 0 finding(s)" in result.stderr


def test_fix_leaves_other_formats_alone(project: Path) -> None:
    conf = project / "nginx.conf"
    conf.write_text('add_header Access-Control-Allow-Origin "https://a.example.com:443" always;\n', "utf-8")
    result = run_cli("check", "--fix", "nginx.conf")
    assert "[*]" not in result.stdout  # nginx findings offer no fix: the format cannot apply one
    assert conf.read_text(encoding="utf-8").endswith(':443" always;\n')


def test_an_interrupted_write_leaves_the_original_intact(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project / "p.origins.yaml"
    path.write_text(BEFORE, encoding="utf-8")

    def crash(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", crash)  # dies after the bytes are written, before the rename
    result = run_cli("check", "--fix", "p.origins.yaml")
    assert path.read_text(encoding="utf-8") == BEFORE
    assert "No space left on device" in result.stderr
    assert sorted(p.name for p in project.iterdir() if p.name != CACHE_DIR) == ["p.origins.yaml"]

    monkeypatch.undo()

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(writes.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        writes.write_atomically(path, b"half")
    assert path.read_text(encoding="utf-8") == BEFORE
    assert sorted(p.name for p in project.iterdir() if p.name != CACHE_DIR) == ["p.origins.yaml"]


def test_a_file_changed_since_the_check_is_not_written(project: Path) -> None:
    path = project / "p.origins.yaml"
    path.write_text("version: 1\norigins: []\n", encoding="utf-8")
    change = FileFix(str(path), "policy", before="something else\n", after="new\n")
    with pytest.raises(NotWritten, match="changed since it was checked"):
        write(change)
    assert path.read_text(encoding="utf-8") == "version: 1\norigins: []\n"


def test_write_keeps_permissions(project: Path) -> None:
    path = project / "p.origins.yaml"
    path.write_text("version: 1\norigins:\n  - origin: https://a.example.com:443\n", encoding="utf-8")
    path.chmod(0o640)
    run_cli("check", "--fix", "p.origins.yaml")
    assert path.read_text(encoding="utf-8").endswith("https://a.example.com\n")
    assert path.stat().st_mode & 0o777 == 0o640


def test_upper_case_origin_is_lowered_and_a_missing_final_newline_is_marked(project: Path) -> None:
    path = project / "p.origins.yaml"
    path.write_text("version: 1\norigins:\n  - origin: HTTPS://App.Example.COM", encoding="utf-8")
    result = run_cli("check", "--diff", "p.origins.yaml")
    assert result.stdout == (
        "--- a/p.origins.yaml\n"
        "+++ b/p.origins.yaml\n"
        "@@ -1,3 +1,3 @@\n"
        " version: 1\n"
        " origins:\n"
        "-  - origin: HTTPS://App.Example.COM\n"
        "\\ No newline at end of file\n"
        "+  - origin: https://app.example.com\n"
        "\\ No newline at end of file\n"
    )
    run_cli("check", "--fix", "p.origins.yaml")
    assert path.read_text(encoding="utf-8") == "version: 1\norigins:\n  - origin: https://app.example.com"
