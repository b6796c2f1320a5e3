"""Where an nginx `include` leads, as nginx resolves it, confined to the folders being checked.

nginx (src/core/ngx_conf_file.c, `ngx_conf_include`) turns the argument into a full
name with `ngx_conf_full_name(cycle, &file, 1)`: an absolute path is kept, a relative
one is joined to `cycle->conf_prefix`, the folder of the main config file named by
`-c` (src/core/nginx.c, `ngx_process_options`), never to the including file's folder.
A name with any of `*?[` is expanded by glob(3) (src/os/unix/ngx_files.c,
`ngx_open_glob`, flags 0: sorted, and a pattern that matches nothing is no error);
any other name must exist or nginx refuses to start.

A checked tree is not installed where nginx would read it, so: the conf prefix is the
folder of the `nginx.conf` at or just above the checked file; an absolute path under
a well-known install prefix (`/etc/nginx/...`) maps onto that folder; an absolute glob
is expanded only inside the checked folders (a component at a time from each checked
folder, never from `/`). Without an `nginx.conf` to say where the prefix is, a
relative include is looked for next to the including file, the top file and their
parents, as repositories keep snippets. What is not followed says why.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Final

from origins_lint import limits
from origins_lint.formats.base import within
from origins_lint.formats.nginx.files import MAIN_FILE, claimed
from origins_lint.model import InputProblem
from origins_lint.records import record, replace
from origins_lint.source import Source, read_source

# where packaged nginx builds keep their configuration (`--conf-path`'s folder): Debian,
# Ubuntu, Alpine, RHEL and the official image use /etc/nginx; nginx's own default prefix
# is /usr/local/nginx with conf/ (auto/options); FreeBSD, Homebrew and OpenResty below
INSTALL_PREFIXES: Final = (
    "/etc/nginx/",
    "/usr/local/nginx/conf/",
    "/usr/local/etc/nginx/",
    "/opt/homebrew/etc/nginx/",
    "/usr/local/openresty/nginx/conf/",
)
_PREFIX_SEARCH = 3  # the checked file's folder and two above: sites-enabled/x finds ../nginx.conf


@record(frozen=True, slots=True)
class Resolved:
    """The files an include reads, in nginx's order, and why any of it is not followed (OL004)."""

    files: tuple[str, ...]
    not_followed: str | None = None
    absent: bool = False  # a name (no glob) that is not in the checked tree, though its folder is


def conf_prefix(path: str) -> str | None:
    """The folder nginx resolves relative includes against, when the checked tree shows it.

    It is the folder of the main `nginx.conf`: the file itself when it is one, else the
    first folder at or above it (two levels at most) that holds one.
    """
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.basename(path) == MAIN_FILE:
        return folder
    for _ in range(_PREFIX_SEARCH):
        if os.path.isfile(os.path.join(folder, MAIN_FILE)):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return None


def stand_in(path: str) -> str | None:
    """The file of the checked tree that an absolute symlink into an install prefix stands for.

    A copy of Debian's /etc/nginx keeps `sites-enabled/default -> /etc/nginx/sites-available/default`:
    in the copy, that is the copy's `sites-available/default`, not the file of the machine
    running the check (which may not exist, or be another file). None for anything else, and
    when the tree is the install prefix itself.
    """
    if not os.path.islink(path):
        return None
    target = os.readlink(path)
    prefix = conf_prefix(path)
    if not os.path.isabs(target) or prefix is None:
        return None
    for known in INSTALL_PREFIXES:
        if target.startswith(known):
            mapped = os.path.join(prefix, target[len(known) :])
            if os.path.realpath(mapped) != os.path.realpath(target) and os.path.isfile(mapped):
                return mapped
    return None


@record(frozen=True, slots=True)
class Layout:
    """What include resolution knows of one server: its name and main file (for messages), where
    its packages install it, and the folder its relative includes start from (None: not shown)."""

    server: str
    main: str
    prefixes: tuple[str, ...]
    prefix: Callable[[str], str | None]


NGINX: Final = Layout("nginx", "`nginx.conf`", INSTALL_PREFIXES, conf_prefix)


def cycle(stack: Sequence[str], real: str, layout: Layout = NGINX) -> str | None:
    """Why including ``real`` (a real path) from the files in ``stack`` never ends, or None."""
    if real not in stack:
        return None
    chain = " -> ".join(os.path.basename(p) for p in (*stack[stack.index(real) :], real))
    return (
        f"include cycle ({chain}): {layout.server} would include these files until it runs out of "
        "memory; remove the include that closes the loop"
    )


class Following:
    """The bounds a reader that follows includes keeps, and how it says them: how deep includes
    nest (`max-include-depth`), how many files they pull in (`max-included-files`), each file read
    within `max-file-size`. nginx's, Apache's and Caddy's readers share it; ``noun`` is what the
    server calls them ("includes", "imports")."""

    def __init__(self, resolver: Resolver, noun: str = "includes") -> None:
        self.resolver = resolver
        self.noun = noun
        self.limits = limits.active()
        self.files = 0

    def too_deep(self, depth: int) -> str | None:
        """Why an include ``depth`` files down is not followed, or None."""
        bound = self.limits.include_depth
        if depth <= bound:
            return None
        return (
            f"{self.noun} nest more than {bound} files deep; the rest is not checked (the limit is "
            "`max-include-depth`)"
        )

    def one_more(self) -> str | None:
        """Counts a file to read; why it is not read when it is past the bound, or None."""
        self.files += 1
        bound = self.limits.included_files
        if self.files <= bound:
            return None
        return (
            f"{self.noun} pull in more than {bound:,} files; the rest is not checked (the limit is "
            "`max-included-files`)"
        )

    def read(self, path: str, written: str) -> Source | str:
        """The file at ``path``, located there (a symlink into an install prefix read as the
        checked copy, `stand_in`); or why it cannot be read, naming the include as ``written``."""
        found = read_source(stand_in(path) or path, self.limits.file_size)
        if isinstance(found, InputProblem):
            return f"{written} names `{self.resolver.shown(path)}`, which cannot be read: {found.message}"
        return replace(found, path=path)


class Resolver:
    """Resolves the includes of one checked file (and of the files it includes)."""

    def __init__(self, top: str, roots: tuple[str, ...], layout: Layout = NGINX) -> None:
        self.top = top
        self.layout = layout
        self.roots = roots  # real paths

    # asked of the file system at the first include: most files have none (issue 21)
    @cached_property
    def top_dir(self) -> str:
        return os.path.dirname(os.path.abspath(self.top))

    @cached_property
    def prefix(self) -> str | None:
        return self.layout.prefix(self.top)

    def resolve(self, pattern: str, including: str) -> Resolved:
        targets = self._targets(pattern, including)
        magic = glob.has_magic(pattern)
        linked_out = False
        for target in targets:
            files, outside = self._expand(target)
            if files:
                note = None
                if outside:
                    note = (
                        f"`{pattern}` is expanded only inside the folders being checked; what it "
                        "matches elsewhere (or through a symlink out of them) is not checked"
                    )
                return Resolved(tuple(files), note)
            linked_out = linked_out or (outside and self.inside(_literal_dir(target) if magic else target))
        if linked_out:
            return Resolved(
                (),
                f"`{pattern}` names files that are symlinks out of the folders being checked: not "
                "followed, so what they add is not checked",
            )
        absent = not magic and any(self.inside(t) for t in targets)
        return Resolved((), self._why_nothing(pattern, targets, magic), absent)

    def _targets(self, pattern: str, including: str) -> list[str]:
        """Absolute names (or patterns) the include may stand for here, most faithful first."""
        if os.path.isabs(pattern):
            out = [pattern]
            bases = [self.prefix] if self.prefix else list(self.roots)
            for known in self.layout.prefixes:
                if pattern.startswith(known):
                    out.extend(os.path.join(base, pattern[len(known) :]) for base in bases)
            if self.prefix:  # a repository's `deploy/nginx/` for `/srv/app/nginx/...`
                parts = pattern.split("/")
                name = os.path.basename(self.prefix)
                if name in parts[:-1]:
                    at = len(parts) - 1 - parts[::-1].index(name)
                    out.append(os.path.join(self.prefix, *parts[at + 1 :]))
            return [os.path.normpath(p) for p in dict.fromkeys(out)]
        if self.prefix:
            return [os.path.normpath(os.path.join(self.prefix, pattern))]
        here = os.path.dirname(os.path.abspath(including))
        bases = [here, self.top_dir, *self._ancestors(here)]
        return [os.path.normpath(os.path.join(base, pattern)) for base in dict.fromkeys(bases)]

    def _expand(self, target: str) -> tuple[list[str], bool]:
        """The regular files ``target`` names inside the checked folders, sorted as glob(3) does,
        and whether it could also name files outside them."""
        if not glob.has_magic(target):
            if self.inside(target) or self.linked(target) or self.mapped(target):
                return ([target] if self.is_file(target) else []), False
            return [], True
        parts = target.split("/")
        first = next(i for i, part in enumerate(parts) if glob.has_magic(part))
        literal = os.path.realpath("/".join(parts[:first]) or "/")
        rest = parts[first:]
        if self.inside(literal):
            found = [p for p in glob.glob(os.path.join(literal, *rest)) if self.is_file(p)]
            kept = [p for p in found if self.inside(p) or self.linked(p) or self.mapped(p)]
            return sorted(kept), len(kept) < len(found)
        found = []
        pattern = [p for p in literal.split("/") if p] + rest
        for root in self.roots:
            names = [p for p in root.split("/") if p]
            if len(names) >= len(pattern) or not all(
                _glob_part(name, part) for name, part in zip(names, pattern, strict=False)
            ):
                continue  # the pattern's depth is fixed: files inside this root cannot match
            found.extend(glob.glob(os.path.join(root, *pattern[len(names) :])))
        return sorted({p for p in found if os.path.isfile(p) and self.inside(p)}), True

    def _why_nothing(self, pattern: str, targets: list[str], magic: bool) -> str | None:
        inside = [t for t in targets if self.inside(_literal_dir(t) if magic else t)]
        if not inside:
            shown = self.shown(targets[-1] if len(targets) > 1 else targets[0])
            where = "" if shown == pattern else f" (here `{shown}`)"
            if os.path.isabs(pattern) and not self.prefix and len(targets) == 1:
                return (
                    f"`{pattern}` is outside the folders being checked, and no {self.layout.main} here "
                    f"says where {self.layout.server}'s folder is: not followed, so what it adds is not "
                    "checked"
                )
            return (
                f"`{pattern}`{where} is outside the folders being checked: not followed, so what "
                f"it adds is not checked; check the folder that holds {self.layout.main} to follow it"
            )
        if magic:
            if any(os.path.isdir(_literal_dir(t)) for t in inside):
                return None  # nginx (and `IncludeOptional`) includes nothing, and says nothing
            return (
                f"`{pattern}` matches nothing: its folder is not in the checked tree "
                f"(`{self.shown(_literal_dir(inside[0]))}`), so what {self.layout.server} would include "
                "there is not checked"
            )
        return (
            f"`{pattern}` is not in the checked tree (`{self.shown(inside[0])}` does not exist): "
            f"{self.layout.server} refuses to start without it, and what it adds is not checked"
        )

    def shown(self, path: str) -> str:
        """A path as messages name it: from the checked file's folder, the same wherever the tree is."""
        if not os.path.isabs(path):
            return path
        relative = os.path.relpath(path, self.top_dir)
        return path if relative.startswith("../..") else relative  # far away: as written

    def _ancestors(self, folder: str) -> list[str]:
        """Folders above ``folder`` inside the checked tree: where nginx's prefix usually is."""
        out = []
        current = os.path.dirname(os.path.abspath(folder))
        while self.inside(current) and current not in out:
            out.append(current)
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        return out

    def is_file(self, path: str) -> bool:
        return os.path.isfile(path) or stand_in(path) is not None

    def mapped(self, path: str) -> bool:
        """An absolute symlink that stands for a file of the checked tree (see ``stand_in``)."""
        mapped = stand_in(path)
        return mapped is not None and self.inside(mapped)

    def linked(self, path: str) -> bool:
        """A symlink in the tree into another nginx folder (Debian's modules-enabled ->
        /usr/share/nginx/modules-available): followed, as nginx and the folder walk do."""
        return (
            os.path.islink(path)
            and self.inside(os.path.dirname(path))
            and claimed(os.path.realpath(path)) is not None
        )

    def inside(self, path: str) -> bool:
        return within(path, self.roots)


def _literal_dir(pattern: str) -> str:
    """The folder a glob starts from: its components before the first one with `*?[`."""
    parts = pattern.split("/")
    first = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts) - 1)
    return "/".join(parts[:first]) or "/"


def _glob_part(name: str, part: str) -> bool:
    """One path component against one glob component, as glob(3) does (`*` skips dot names)."""
    if name.startswith(".") and not part.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, part)
