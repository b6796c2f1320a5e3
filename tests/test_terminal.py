"""What people see on a terminal: run in a real pseudo-terminal, since a pipe must stay plain."""

from __future__ import annotations

import os
import pty
import sys
from pathlib import Path

from tests.conftest import run_cli, write

POLICY = """
version: 1
origins:
  - origin: https://*.github.io
  - origin: "https://a.example.com/\\x1b[2J"
"""


def in_terminal(cwd: Path, *args: str, **env: str) -> str:
    """Run origins-lint with stdout and stderr on a pty, as a person at a terminal would."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    environment.update({"COLUMNS": "100", "TERM": "xterm-256color", **env})
    pid, fd = pty.fork()
    if pid == 0:  # the child: never returns
        os.chdir(cwd)
        os.execve(sys.executable, [sys.executable, "-m", "origins_lint", *args], environment)
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.waitpid(pid, 0)
    os.close(fd)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_terminal_groups_by_file_with_source_caret_and_colour(project: Path) -> None:
    write(project, "p.origins.yaml", POLICY)
    shown = in_terminal(project, "check", "p.origins.yaml")
    assert "\x1b[1;4mp.origins.yaml\x1b[0m\n" in shown  # the file, once, as a heading
    assert "\x1b[1;35mOL303 critical\x1b[0m" in shown  # severity colour
    assert "\x1b[34m     3 │ \x1b[0m  - origin: https://*.github.io\n" in shown
    assert "\x1b[34m       │ \x1b[0m\x1b[1;35m            ^^^^^^^^^^^^^^^^^^^\x1b[0m\n" in shown
    assert "\x1b[1mFound 2 findings (1 critical, 1 high) in 1 file.\x1b[0m" in shown
    assert "\x1b[2J" not in shown  # the file's own escape is shown, not obeyed
    assert "\\x1b[2J" in shown


def test_no_color_keeps_the_layout_without_escapes(project: Path) -> None:
    write(project, "p.origins.yaml", POLICY)
    shown = in_terminal(project, "check", "p.origins.yaml", NO_COLOR="1")
    assert "\x1b[" not in shown
    lines = shown.splitlines()
    assert lines[0] == "p.origins.yaml"
    assert lines[1:5] == [
        "  3:13  OL303 critical  `https://*.github.io` trusts every GitHub Pages site: anyone can",
        "      publish one",
        "     3 │   - origin: https://*.github.io",
        "       │             ^^^^^^^^^^^^^^^^^^^",
    ]


def test_a_pipe_gets_plain_lines(project: Path) -> None:
    write(project, "p.origins.yaml", POLICY)
    out = run_cli("check", "p.origins.yaml").stdout
    assert out.splitlines()[0].startswith("p.origins.yaml:3:13: OL303 [critical] `https://*.github.io`")
    assert "│" not in out and "\x1b[" not in out


def test_progress_bar_only_for_many_files(project: Path) -> None:
    for number in range(320):
        write(
            project,
            f"many/p{number}.origins.yaml",
            "version: 1\norigins:\n  - origin: https://a.example.com\n",
        )
    many = in_terminal(project, "check", "many")
    assert "checking" in many  # rich's bar on stderr, transient
    assert many.rstrip().endswith("No findings in 320 files.\x1b[0m")
    few = in_terminal(project, "check", "many/p1.origins.yaml")
    assert "checking" not in few
    quiet = in_terminal(project, "check", "many", CI="true")
    assert "checking" not in quiet
