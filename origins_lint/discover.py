"""From the paths on the command line to the files to check.

Directory walks never follow symlinked folders (so a symlink loop cannot hang
them), skip symlinked files that point outside the folder being walked, and
skip anything that is not a regular file (FIFOs, devices, sockets). A file that
a format claims by its folder (nginx's `sites-enabled/`) is never skipped
silently: it comes with the reason it is not read, or, for a symlink from one
such folder to another (Debian's `sites-enabled/x -> ../sites-available/x`), it
is read as nginx reads it.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

from origins_lint.records import record

SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".origins-lint-cache",
        ".terraform",
    }
)


class PathError(Exception):
    """A path on the command line does not exist; the CLI exits 2."""


@record(frozen=True, slots=True)
class Candidate:
    path: str
    explicit: bool  # named on the command line: an unknown format is reported, not skipped
    unread: str | None = None  # why a file a format claims is not read (OL003)
    plain: bool = False  # the walk saw a regular file, not a symlink: nothing stands in for it


Claimed = Callable[[str], "str | None"]  # why a format would read a path whatever it holds, or None
Listed = Callable[[str, list[str]], None]  # (a walked folder, the names in it)


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char)))
        index += 1
    return re.compile("".join(out) + "(?:/.*)?")


def glob_match(pattern: str, relative: str) -> bool:
    """gitignore-like: a pattern with no `/` matches any path component; else the path from the root."""
    relative = relative.replace(os.sep, "/").removeprefix("./")
    pattern = pattern.removeprefix("./").rstrip("/")
    if "/" not in pattern:
        parts = relative.split("/")
        regex = _glob_regex(pattern)
        return any(regex.fullmatch(part) for part in parts)
    return bool(_glob_regex(pattern).fullmatch(relative))


def relative_to(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


def discover(
    paths: list[str],
    excludes: tuple[str, ...],
    root: Path,
    wanted: Callable[[str], bool],
    claimed: Claimed | None = None,
    stand_in: Claimed | None = None,
    listed: Listed | None = None,
) -> Iterator[Candidate]:
    """Files to check; ``wanted`` sees each walked file's path from the walked folder's parent,
    so that the folder's own name counts (`check sites-enabled/`). ``stand_in`` names the file
    a symlink means when that is not its target (a copy of /etc/nginx with absolute links);
    ``listed`` is told each walked folder's entries (the names of its folders and files), before
    any of its files is yielded."""
    for given in paths:
        if not os.path.lexists(given):
            raise PathError(f"{given}: no such file or directory")
        if os.path.isdir(given):
            hooks = (claimed or _nothing_claimed, stand_in or _nothing_claimed, listed or _nothing_listed)
            yield from _walk(given, excludes, root, wanted, *hooks)
        elif not _excluded(given, excludes, root):
            yield Candidate(given, explicit=True)


def _excluded(path: str, excludes: tuple[str, ...], root: Path) -> bool:
    if not excludes:
        return False
    relative = relative_to(path, root)
    return any(glob_match(pattern, relative) or glob_match(pattern, path) for pattern in excludes)


def _nothing_claimed(_path: str) -> str | None:
    return None


def _nothing_listed(_folder: str, _names: list[str]) -> None:
    return None


def _walk(
    top: str,
    excludes: tuple[str, ...],
    root: Path,
    wanted: Callable[[str], bool],
    claimed: Claimed,
    stand_in: Claimed,
    listed: Listed,
) -> Iterator[Candidate]:
    real_top = os.path.realpath(top)
    walked = os.path.basename(real_top)
    for folder, relative, dirs, files in _folders(top, ""):
        listed(folder, [*(name for name, _ in dirs), *files])
        dirs[:] = sorted(
            (d for d in dirs if d[0] not in SKIPPED_DIRS and not _excluded(d[1], excludes, root)),
            key=_first,
        )
        for name, entry in sorted(files.items()):
            path = os.path.normpath(os.path.join(folder, name))
            # the path from the walked folder's parent (what `os.path.relpath(path, top)` gives)
            if not wanted(os.path.join(walked, relative, name)):
                continue
            if _excluded(path, excludes, root):
                continue
            if _plain(entry):  # a regular file, no symlink: no stand-in, nothing to skip (the entry's type)
                yield Candidate(path, explicit=False, plain=True)
                continue
            skipped = None if stand_in(path) is not None else _skipped(path, real_top, claimed)
            if skipped is None:
                yield Candidate(path, explicit=False)
            elif (claim := claimed(path)) is not None:
                yield Candidate(path, explicit=False, unread=f"{claim}, but {skipped}")


# a folder, its path from the top, its folders (name, path) and its files (name -> entry)
Folder = tuple[str, str, list[tuple[str, str]], dict[str, os.DirEntry[str]]]


def _first(item: tuple[str, str]) -> str:
    return item[0]


def _folders(folder: str, relative: str) -> Iterator[Folder]:
    """What `os.walk(top, followlinks=False)` yields, top down, with each file's directory entry
    (its type read with the listing: no `stat` per file) and the folder's path from the top.

    As `os.walk`: a folder that cannot be listed is passed over; a symlink to a folder is neither
    walked into (asked with `islink` just before, as `os.walk` does) nor a file; an entry whose
    type cannot be read is a file. The caller sorts and filters ``dirs`` (name, path) in place to
    choose what is walked next."""
    dirs: list[tuple[str, str]] = []
    files: dict[str, os.DirEntry[str]] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if is_dir:
                    dirs.append((entry.name, os.path.join(folder, entry.name)))
                else:
                    files[entry.name] = entry
    except OSError:
        return
    yield folder, relative, dirs, files
    for name, path in dirs:
        if not os.path.islink(path):
            yield from _folders(path, os.path.join(relative, name))


def _plain(entry: os.DirEntry[str]) -> bool:
    """A regular file and no symlink, by the type the folder listing gave (no `stat` when it did)."""
    try:
        return not entry.is_symlink() and entry.is_file(follow_symlinks=False)
    except OSError:
        return False


def _skipped(path: str, real_top: str, claimed: Claimed) -> str | None:
    """Why a walked file is not read, or None to read it."""
    try:
        info = os.stat(path)
    except OSError:
        if os.path.islink(path):
            return f"it is a symlink to `{os.readlink(path)}`, which does not exist: not read"
        return None  # unreadable files are reported when read
    if not stat.S_ISREG(info.st_mode):
        return "it is not a regular file (a FIFO, socket or device): not read"
    if os.path.islink(path):
        target = os.path.realpath(path)
        if os.path.commonpath([target, real_top]) == real_top or claimed(target) is not None:
            return None  # inside the walk, or nginx's own layout (sites-enabled -> sites-available)
        return (
            f"it is a symlink to `{target}`, outside the folder being checked: not read; "
            "check the folder that holds both"
        )
    return None
