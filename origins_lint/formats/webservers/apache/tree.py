"""An Apache file's directives with `Include` and `IncludeOptional` expanded where httpd reads them.

httpd runs both while it reads the config (server/core.c `include_config`, EXEC_ON_READ), so
the included directives sit where the `Include` is, sections included. A relative name is
relative to `ServerRoot` (`ap_server_root_relative`), which packages set to the folder of
`apache2.conf` (Debian: /etc/apache2) or the parent of `conf/httpd.conf` (RHEL: /etc/httpd);
wildcards are expanded with `apr_fnmatch(..., APR_FNM_PERIOD)` and sorted
(server/config.c `ap_process_fnmatch_configs`), a folder means the files in it. `Include` of
a name that does not exist stops httpd; `IncludeOptional` skips it silently.

The resolution is nginx's (formats/nginx/include.py `Resolver`), with Apache's layout: only
inside the folders being checked, an absolute `/etc/apache2/...` mapped onto the checked copy,
what is not followed said (OL004) with the reason, and a cycle said once, not followed.
"""

from __future__ import annotations

import glob
import os

from origins_lint import limits
from origins_lint.formats.nginx.include import Following, Layout, Resolver, cycle
from origins_lint.formats.webservers.apache.lexer import Directive, ParseError, parse
from origins_lint.model import InputProblem, Location, ProblemKind
from origins_lint.records import field, record
from origins_lint.source import Source, problem

MAIN_FILES = ("apache2.conf", "httpd.conf")
_SEARCH = 3


def server_root(path: str) -> str | None:
    """The `ServerRoot` a checked tree shows: the folder of `apache2.conf`/`httpd.conf` at or above
    the file (the parent of a `conf/` that holds `httpd.conf`)."""
    folder = os.path.dirname(os.path.abspath(path))
    for _ in range(_SEARCH):
        for main in MAIN_FILES:
            if os.path.isfile(os.path.join(folder, main)):
                return os.path.dirname(folder) if os.path.basename(folder) == "conf" else folder
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return None


LAYOUT = Layout(
    "httpd",
    "`apache2.conf` or `httpd.conf`",
    (
        "/etc/apache2/",
        "/etc/httpd/",
        "/usr/local/apache2/",
        "/usr/local/etc/apache24/",
        "/opt/homebrew/etc/httpd/",
    ),
    server_root,
)
INCLUDES = ("include", "includeoptional")


@record(slots=True)
class Tree:
    directives: list[Directive] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    included: dict[str, str] = field(default_factory=dict)
    uncached: bool = False
    failed: bool = False  # the checked file itself does not parse


def read_tree(source: Source, roots: tuple[str, ...]) -> Tree:
    tree = Tree()
    real_roots = tuple(os.path.realpath(root) for root in roots)
    reader = _Reader(tree, Resolver(source.path, real_roots, LAYOUT))
    tree.directives = reader.read(source, ())
    return tree


class _Reader:
    def __init__(self, tree: Tree, resolver: Resolver) -> None:
        self.tree = tree
        self.resolver = resolver
        self.following = Following(resolver)
        self.limits = limits.active()

    def read(self, source: Source, stack: tuple[str, ...]) -> list[Directive]:
        try:
            directives = parse(source.path, source.text, self.limits.nesting)
        except ParseError as error:
            where = error.location
            self.tree.problems.append(
                problem(source.path, f"httpd refuses this file: {error.message}", where.line, where.column)
            )
            if not stack:
                self.tree.failed = True
            return []
        return self._expand(directives, source, (*stack, os.path.realpath(source.path)))

    def _expand(self, directives: list[Directive], source: Source, stack: tuple[str, ...]) -> list[Directive]:
        out: list[Directive] = []
        for directive in directives:
            if directive.block is not None:
                directive.block = self._expand(directive.block, source, stack)
                out.append(directive)
            elif directive.key in INCLUDES and len(directive.args) == 1:
                out.extend(self._include(directive, source, stack))
            else:
                out.append(directive)
        return out

    def _include(self, directive: Directive, source: Source, stack: tuple[str, ...]) -> list[Directive]:
        pattern = directive.args[0].text
        where = directive.location
        optional = directive.key == "includeoptional"
        deep = self.following.too_deep(len(stack))
        if deep is not None:
            self._not_followed(where, deep)
            return []
        resolved = self.resolver.resolve(pattern, source.path)
        if not resolved.files and not glob.has_magic(pattern):  # a folder: the files in it
            inside = self.resolver.resolve(os.path.join(pattern, "*"), source.path)
            if inside.files:
                resolved = inside
        if glob.has_magic(pattern) or not resolved.files:
            self.tree.uncached = True
        if resolved.not_followed is not None and not (optional and resolved.absent):
            self._not_followed(where, resolved.not_followed)
        out: list[Directive] = []
        for path in resolved.files:
            if os.path.isdir(path):
                continue
            real = os.path.realpath(path)
            looped = cycle(stack, real, LAYOUT)
            if looped is not None:
                self.tree.problems.append(problem(where.path, looped, where.line, where.column))
                continue
            many = self.following.one_more()
            if many is not None:
                self._not_followed(where, many)
                return out
            included = self.following.read(path, f"`{pattern}`")
            if isinstance(included, str):
                self._not_followed(where, included)
                continue
            self.tree.included.setdefault(included.path, included.text)
            out.extend(self.read(included, stack))
        return out

    def _not_followed(self, where: Location, message: str) -> None:
        self.tree.problems.append(
            InputProblem(
                ProblemKind.NOT_ANALYSED, message, Location.point(where.path, where.line, where.column)
            )
        )
