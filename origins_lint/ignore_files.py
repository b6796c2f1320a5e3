"""Which walked files git would ignore: `.gitignore` files, `.git/info/exclude` and the global excludes.

Read with `pathspec` (git's own wildmatch rules), never by running git: a check starts no
program (see "Safety of the tool itself"). The rules are git's (gitignore(5)):

- inside a work tree, every `.gitignore` from the top of the work tree down to the file's folder
  applies, each relative to its own folder, a deeper file overriding a shallower one; before them
  come `core.excludesFile` (default `$XDG_CONFIG_HOME/git/ignore`) and `.git/info/exclude`;
- outside a work tree, the `.gitignore` files of the walked folder and below apply;
- a file inside an ignored folder is ignored, whatever a later `!pattern` says, as git does;
- a folder named on the command line is walked even if it is ignored, as ruff does: the
  patterns that ignore it are set aside for that walk (`IgnoreFiles._named`).

As with ruff (and unlike git itself) a tracked file that matches a pattern is skipped too:
knowing what is tracked would mean reading git's binary index. Only folder walks are
filtered; a file named on the command line is always checked (`check._candidates`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pathspec import GitIgnoreSpec, Pattern

_EXCLUDES_FILE = re.compile(r"^\s*excludesfile\s*=\s*(.*?)\s*$", re.IGNORECASE)
_SECTION = re.compile(r"^\s*\[([^\]\s\"]+)")


def _spec(path: Path) -> GitIgnoreSpec | None:
    try:
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        return None
    spec = GitIgnoreSpec.from_lines(text.splitlines())
    return spec if len(spec) else None


def _git_dir(top: Path) -> Path | None:
    """The repository folder of a work tree: `.git`, or where a `.git` file points (a linked worktree,
    whose `info/exclude` lives in the common folder named by its `commondir`)."""
    dot_git = top / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        first = dot_git.read_text("utf-8", errors="replace").splitlines()[0]
    except (OSError, IndexError):
        return None
    if not first.startswith("gitdir:"):
        return None
    git_dir = (top / first.removeprefix("gitdir:").strip()).resolve()
    try:
        common = (git_dir / "commondir").read_text("utf-8").strip()
    except OSError:
        return git_dir
    return (git_dir / common).resolve()


def _global_excludes(git_dir: Path | None) -> Path:
    """`core.excludesFile` from the repository's, the user's and the XDG git config; git's default else."""
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    configs = [xdg / "git" / "config", Path.home() / ".gitconfig"]
    if git_dir is not None:
        configs.append(git_dir / "config")
    found: Path | None = None
    for config in configs:  # later files win, as in git
        try:
            lines = config.read_text("utf-8", errors="replace").splitlines()
        except OSError:
            continue
        section = ""
        for line in lines:
            if header := _SECTION.match(line):
                section = header.group(1).lower()
            elif section == "core" and (value := _EXCLUDES_FILE.match(line)):
                found = Path(os.path.expanduser(value.group(1).strip('"')))
    return found if found is not None else xdg / "git" / "ignore"


_Context = tuple[str, str, tuple[str, ...], bool, list[tuple[GitIgnoreSpec, int]]]


def _set_aside(spec: GitIgnoreSpec, depth: int, given: tuple[str, ...]) -> tuple[Pattern, ...]:
    """The patterns of ``spec`` that can decide a file of the walk of ``given``, last first: not one
    that matches the named folder or a folder above it (set aside, see `IgnoreFiles._named`)."""
    above = ["/".join(given[depth:end]) + "/" for end in range(depth + 1, len(given) + 1)]
    return tuple(
        pattern
        for pattern in reversed(spec.patterns)
        if pattern.include is not None and not any(pattern.match_file(folder) for folder in above)
    )


def _work_tree(folder: str) -> str | None:
    """The top of the git work tree holding ``folder`` (a folder with `.git`), or None."""
    path = Path(folder)
    for candidate in (path, *path.parents):
        if (candidate / ".git").exists():
            return str(candidate)
    return None


class IgnoreFiles:
    """Answers "would git ignore this walked file?", reading each ignore file once.

    What depends only on a file's folder (its work tree, whether a folder above it is ignored,
    which ignore files apply) is worked out once per folder; each file then costs its own match."""

    def __init__(self) -> None:
        self._folder_specs: dict[str, GitIgnoreSpec | None] = {}
        self._top_specs: dict[str, list[GitIgnoreSpec]] = {}
        self._dirs: dict[tuple[str, tuple[str, ...]], bool] = {}
        self._trees: dict[str, str | None] = {}
        self._given: dict[tuple[str, str], tuple[str, ...]] = {}
        # (folder, walked) -> (the top, its prefix, the named folder, a folder above ignored, levels)
        self._contexts: dict[tuple[str, str], _Context] = {}
        self._levels_of: dict[tuple[str, tuple[str, ...]], list[tuple[GitIgnoreSpec, int]]] = {}
        self._no_git: set[str] = set()  # walked folders whose listing has no `.git`
        # the patterns that can decide a file of a walk whose named folder git ignores: the same for
        # every file of the walk, so worked out once (by the spec's id: this object keeps the spec)
        self._kept: dict[tuple[int, int, tuple[str, ...]], tuple[Pattern, ...]] = {}

    def listed(self, folder: str, names: list[str]) -> None:
        """A walk's listing of ``folder``: where it has no `.gitignore` or no `.git`, the file system
        is not asked again. Compared case-folded: a case-insensitive file system opens `.GITIGNORE`
        when asked for `.gitignore`, so any such name is left to the usual look."""
        absolute = os.path.abspath(folder)
        folded = {name.casefold() for name in names}
        if ".gitignore" not in folded:
            self._folder_specs.setdefault(absolute, None)
        if ".git" not in folded:
            self._no_git.add(absolute)

    def ignored(self, path: str, walked: str) -> bool:
        """Whether ``path``, found by walking the folder ``walked``, is ignored."""
        absolute = os.path.abspath(path)
        folder = os.path.dirname(absolute)
        context = self._contexts.get((folder, walked))
        if context is None:
            context = self._contexts[folder, walked] = self._context(folder, walked)
        top, prefix, given, blocked, levels = context
        # `os.path.relpath(absolute, top)`, by the prefix both normalized paths share when they do
        relative = absolute[len(prefix) :] if absolute.startswith(prefix) else os.path.relpath(absolute, top)
        if relative.startswith(os.pardir):
            return False
        if blocked:  # a file in an ignored folder is ignored
            return True
        return self._decided(levels, tuple(relative.split(os.sep)), "", given)

    def _context(self, folder: str, walked: str) -> _Context:
        top = self._tree(folder) or os.path.abspath(walked)
        prefix = top if top.endswith(os.sep) else top + os.sep
        if (top, walked) not in self._given:
            self._given[top, walked] = self._named(top, walked)
        given = self._given[top, walked]
        relative = folder[len(prefix) :] if folder.startswith(prefix) else os.path.relpath(folder, top)
        if relative.startswith(os.pardir):  # outside the tree: no file of it is ignored
            return top, prefix, given, False, []
        parts = () if relative == os.curdir else tuple(relative.split(os.sep))  # normalized: Path's parts
        # the folders above a file of this one, below the named folder: the same for each of its files
        blocked = any(
            self._folder_ignored(top, parts[:depth], given) for depth in range(len(given) + 1, len(parts) + 1)
        )
        return top, prefix, given, blocked, self._levels(top, (*parts, ""))

    def _tree(self, folder: str) -> str | None:
        """`_work_tree(folder)`, each folder above asked once for all the folders below it."""
        if folder not in self._trees:
            parent = os.path.dirname(folder)
            if folder not in self._no_git and os.path.exists(os.path.join(folder, ".git")):
                self._trees[folder] = folder
            else:
                self._trees[folder] = None if parent == folder else self._tree(parent)
        return self._trees[folder]

    def _named(self, top: str, walked: str) -> tuple[str, ...]:
        """The folder named on the command line when git ignores it (`bench/.corpus`), else ().

        It is walked as asked, as ruff does: the patterns that ignore it (or a folder above it) are
        set aside for the walk; every other pattern still applies beneath it."""
        relative = os.path.relpath(os.path.abspath(walked), top)
        if relative == os.curdir or relative.startswith(os.pardir):
            return ()
        given = Path(relative).parts
        ignored = any(self._folder_ignored(top, given[:depth], ()) for depth in range(1, len(given) + 1))
        return given if ignored else ()

    def _folder_ignored(self, top: str, parts: tuple[str, ...], given: tuple[str, ...]) -> bool:
        key = (os.path.join(top, *parts), given)
        if key not in self._dirs:
            self._dirs[key] = self._verdict(top, parts, True, given)
        return self._dirs[key]

    def _verdict(self, top: str, parts: tuple[str, ...], directory: bool, given: tuple[str, ...]) -> bool:
        return self._decided(self._levels(top, parts), parts, "/" if directory else "", given)

    def _decided(
        self,
        levels: list[tuple[GitIgnoreSpec, int]],
        parts: tuple[str, ...],
        suffix: str,
        given: tuple[str, ...],
    ) -> bool:
        """The last matching pattern decides; deeper ignore files come later."""
        decided: bool | None = None
        for spec, depth in levels:
            path = "/".join(parts[depth:]) + suffix
            if not given or depth >= len(given):
                include = spec.check_file(path).include
                decided = include if include is not None else decided
                continue
            key = (id(spec), depth, given)
            kept = self._kept.get(key)
            if kept is None:
                kept = self._kept[key] = _set_aside(spec, depth, given)
            for pattern in kept:  # the last one that matches decides
                if pattern.match_file(path):
                    decided = pattern.include
                    break
        return bool(decided)

    def _levels(self, top: str, parts: tuple[str, ...]) -> list[tuple[GitIgnoreSpec, int]]:
        """The ignore files that apply to a path, in order (deeper ones later, and so deciding), each
        with how deep its folder is: the global ones, then the `.gitignore` of each folder above."""
        return self._above(top, parts[:-1]) if parts else [(spec, 0) for spec in self._top(top)]

    def _above(self, top: str, folder: tuple[str, ...]) -> list[tuple[GitIgnoreSpec, int]]:
        """The levels of a path in ``folder`` (its parts from the top): its parent's, and its own
        `.gitignore`; worked out once a folder (the list is shared: never changed)."""
        key = (top, folder)
        if key not in self._levels_of:
            levels = self._above(top, folder[:-1]) if folder else [(spec, 0) for spec in self._top(top)]
            found = self._folder(os.path.join(top, *folder))
            self._levels_of[key] = levels if found is None else [*levels, (found, len(folder))]
        return self._levels_of[key]

    def _top(self, top: str) -> list[GitIgnoreSpec]:
        if top not in self._top_specs:
            git_dir = _git_dir(Path(top))
            specs: list[GitIgnoreSpec | None] = []
            if git_dir is not None:
                specs = [_spec(_global_excludes(git_dir)), _spec(git_dir / "info" / "exclude")]
            self._top_specs[top] = [spec for spec in specs if spec is not None]
        return self._top_specs[top]

    def _folder(self, folder: str) -> GitIgnoreSpec | None:
        if folder not in self._folder_specs:
            self._folder_specs[folder] = _spec(Path(folder) / ".gitignore")
        return self._folder_specs[folder]
