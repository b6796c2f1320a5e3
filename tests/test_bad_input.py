"""Broken or hostile files give OL001 with a clear message, never a traceback; the rest is still checked."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.conftest import check_json, run_cli, write

GOOD = "version: 1\norigins:\n  - origin: http://still-checked.example.com\n"


def check_with_neighbour(project: Path, name: str, content: bytes) -> list[dict[str, object]]:
    (project / name).write_bytes(content)
    write(project, "good.origins.yaml", GOOD)
    result = check_json(".")
    assert result.exit_code == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert ("good.origins.yaml", "OL201") in {(f["path"].split("/")[-1], f["code"]) for f in result.findings}
    return [f for f in result.findings if str(f["path"]).endswith(name)]


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        (b"", 1, "file is empty"),
        (b"   \n\n", 1, "file is empty"),
        (b"version: 1\norigins: [\n  - origin: x\n", 3, "invalid YAML"),
        (
            b"version: 1\norigins:\n  - origin: https://a.example.com\n\t- origin: https://b.example.com\n",
            4,
            "tab",
        ),
        (b"version: 1\norigins:\n  - origin: https://caf\xe9.example.com\n", 3, "not valid UTF-8"),
        (b"\x00\x01\x02binary\x00" * 100, 1, "binary"),
        (b"origins: " + b"x" * (1024 * 1024) + b"\n", 1, "characters long"),
    ],
    ids=["empty", "blank", "invalid-yaml", "tab", "latin1", "binary", "1mib-line"],
)
def test_broken_policy_is_ol001(project: Path, content: bytes, line: int, words: str) -> None:
    findings = check_with_neighbour(project, "bad.origins.yaml", content)
    assert [f["code"] for f in findings] == ["OL001"]
    assert findings[0]["line"] == line
    assert words in str(findings[0]["message"])


def test_alias_bomb_is_bounded(project: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    bomb = ("version: 1\n" + "\n".join(lines) + "\norigins:\n  - origin: https://a.example.com\n").encode()
    start = time.perf_counter()
    findings = check_with_neighbour(project, "bomb.origins.yaml", bomb)
    assert time.perf_counter() - start < 5
    assert [f["code"] for f in findings] == ["OL001"]
    assert "alias bomb" in str(findings[0]["message"])


def test_deep_nesting_is_bounded(project: Path) -> None:
    deep = b"version: 1\norigins: " + b"[" * 10000 + b"]" * 10000 + b"\n"
    findings = check_with_neighbour(project, "deep.origins.yaml", deep)
    assert [f["code"] for f in findings] == ["OL001"]
    assert "deeper than" in str(findings[0]["message"])


def test_python_tags_are_never_constructed(project: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = (
        f"version: 1\nx-evil: !!python/object/apply:os.system ['touch {marker}']\n"
        "origins:\n  - origin: https://a.example.com\n"
    ).encode()
    findings = check_with_neighbour(project, "evil.origins.yaml", payload)
    assert not marker.exists()
    assert [f["code"] for f in findings] == ["OL002"]
    assert "never constructs objects" in str(findings[0]["message"])


def test_file_over_the_size_limit_is_not_read(project: Path) -> None:
    write(project, ".origins-lint.toml", "max-file-size = 1000\n")
    findings = check_with_neighbour(project, "big.origins.yaml", GOOD.encode() + b"# pad\n" * 400)
    assert [f["code"] for f in findings] == ["OL001"]
    assert "too large" in str(findings[0]["message"])


def test_utf16_with_bom_and_crlf_are_read(project: Path) -> None:
    text = "version: 1\r\norigins:\r\n  - origin: http://u16.example.com\r\n"
    (project / "u16.origins.yaml").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    result = check_json("u16.origins.yaml")
    assert result.at("OL201") == [(3, 13)]


def test_unreadable_file_is_reported(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission denied is simulated at the read: CI runs as root, which reads anything."""
    from origins_lint import source

    write(project, "locked.origins.yaml", GOOD)
    write(project, "good.origins.yaml", GOOD)
    real_open = os.open

    def locked_open(path: str, *args: int, **kwargs: int) -> int:
        if str(path).endswith("locked.origins.yaml"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(source.os, "open", locked_open)
    result = check_json(".")
    locked = [f for f in result.findings if f["path"].endswith("locked.origins.yaml")]
    assert [(f["code"], f["message"]) for f in locked] == [
        ("OL001", "cannot read the file: Permission denied")
    ]
    assert any(f["path"].endswith("good.origins.yaml") for f in result.findings)


def test_missing_path_is_usage_error(project: Path) -> None:
    result = run_cli("check", "nope.yaml")
    assert result.exit_code == 2
    assert "nope.yaml: no such file or directory" in result.stderr


def test_symlink_loop_does_not_hang(project: Path) -> None:
    (project / "a").mkdir()
    write(project, "a/p.origins.yaml", GOOD)
    (project / "a" / "loop").symlink_to(project / "a", target_is_directory=True)
    outside = project.parent / f"{project.name}-outside.origins.yaml"
    outside.write_text(GOOD)
    (project / "a" / "out.origins.yaml").symlink_to(outside)
    result = check_json("a")
    assert result.report["files_checked"] == 1


def test_a_device_named_on_the_command_line_is_not_read(project: Path) -> None:
    """/dev/zero never ends: reading it up to the size limit would be 10 MiB of NULs for nothing."""
    write(project, "good.origins.yaml", GOOD)
    result = check_json("/dev/zero", "good.origins.yaml")
    assert [(f["path"], f["code"], f["message"]) for f in result.findings if f["code"] == "OL001"] == [
        ("/dev/zero", "OL001", "not a regular file (a FIFO, socket or device); not read")
    ]


CRLF_FILES = sorted(
    p
    for p in (Path(__file__).parent / "fixtures").rglob("*")
    if p.is_file()
    and b"\n" in p.read_bytes()
    and b"\r" not in p.read_bytes()
    and p.name != ".origins-lint.toml"  # a config, not a file to check
)


@pytest.mark.parametrize("fixture", CRLF_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_crlf_and_lone_cr_give_the_same_lines_and_columns(tmp_path: Path, fixture: Path) -> None:
    """A file saved on Windows (CRLF) or old macOS (CR) is reported at the same places as with LF."""
    data = fixture.read_bytes()
    found = {}
    for ending in (b"\n", b"\r\n", b"\r"):
        folder = tmp_path / repr(ending)
        folder.mkdir()
        (folder / fixture.name).write_bytes(data.replace(b"\n", ending))
        result = check_json(folder / fixture.name, extra=("--no-cache",))
        assert "Traceback" not in result.stderr
        found[ending] = [
            (f["code"], f["line"], f["column"], f["end_line"], f["end_column"]) for f in result.findings
        ]
    assert found[b"\r\n"] == found[b"\n"]
    assert found[b"\r"] == found[b"\n"]


def test_a_kind_key_spelled_otherwise_is_no_internal_error(project: Path) -> None:
    """Keys are found folded (`Kind:` is `kind:`): reading the kind through the same lookup never
    asks for a key the document does not hold (a ConfigMap carrying Spring, a Flux HelmRelease, an
    EnvoyFilter each raised KeyError: an internal error instead of a check)."""
    write(
        project,
        "cm.yaml",
        'Kind: ConfigMap\ndata:\n  application.yml: |\n    spring.web.cors.allowed-origins: "*"\n',
    )
    write(
        project,
        "hr.yaml",
        "Kind: HelmRelease\nspec:\n  values:\n    controller:\n      config:\n"
        "        http-snippet: |\n          map $a $b { default 1; }\n",
    )
    write(
        project, "ef.yaml", "Kind: EnvoyFilter\nspec:\n  configPatches: []\naccessControlAllowOriginList: x\n"
    )
    result = run_cli("check", "--output-format", "json", ".")
    assert "internal error" not in result.stderr and result.exit_code in (0, 1)
    assert ("cm.yaml", "OL301") in {(Path(f["path"]).name, f["code"]) for f in result.findings}
