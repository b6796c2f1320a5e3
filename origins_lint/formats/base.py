"""What every input format provides to the pipeline."""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import PurePath
from typing import Final, Protocol, cast

from origins_lint.model import Fix, Location, ParsedFile
from origins_lint.records import record
from origins_lint.source import Source


@record(frozen=True, slots=True)
class FormatOptions:
    """Settings a parser may need; kept small so formats stay independent of config."""

    roots: tuple[str, ...] = ()  # folders being checked: nginx `include` never leaves them


@record(frozen=True, slots=True)
class FixOutcome:
    """A file's text after the fixes its format could apply, and why it declined the others."""

    text: str
    applied: list[Location]
    declined: list[tuple[Location, str]]


UNCLAIMED = "unknown"  # the format of a file no format reads: it is not counted as checked

Fixer = Callable[[str, str, list[tuple[Location, Fix]]], FixOutcome]  # (path, text, fixes)


@record(frozen=True, slots=True)
class Format:
    name: str
    description: str
    wants: Callable[[str], bool]  # files a directory walk reads to sniff, by path
    detect: Callable[[str, str], bool]  # (path, text) -> is this format
    parse: Callable[[Source, FormatOptions], ParsedFile]
    fix: Fixer | None = None  # a format that can edit its files in place defines `fix`
    module: str | None = None  # a lazy line's module, imported when a file may be its own


class FormatModule(Protocol):
    """What a module in `formats/` defines to be registered."""

    NAME: str

    def wants(self, path: str, /) -> bool: ...
    def detect(self, path: str, text: str, /) -> bool: ...
    def parse(self, source: Source, options: FormatOptions, /) -> ParsedFile: ...


def lazy(
    module: str,
    name: str,
    description: str,
    *,
    suffixes: tuple[str, ...] = (),
    names: str | None = None,
    folders: str | None = None,
    markers: tuple[str, ...] | None = None,
    named: str | None = None,
    folded: bool = False,
    fixes: bool = False,
) -> Format:
    """A format whose module is imported only when a file may be its own.

    The line carries the module's path facts and content markers as data, so that a walk, a
    sniff and `origins-lint formats` need no import:

    - ``suffixes``: a file whose name ends so is wanted (the module's `wants`);
    - ``names``: a regex searched in the file name: wanted too;
    - ``folders``: a regex matching a whole folder name of the path: such a file *may* be wanted,
      and the module's own `wants` decides (nginx loads whole folders whatever the names);
    - ``markers``: the module's `detect` is false unless the text holds one of them (``folded``:
      compared case-insensitively), or the file name matches ``named``; None: the path decides.

    Only a file that passes these tests imports the module, whose `wants`/`detect` decide, so the
    answers are the module's own. tests/test_lazy_formats.py checks the data against the modules.
    """
    loader = _Loader(module, suffixes, names, folders, markers, named, folded)
    fixer: Fixer | None = loader.fix if fixes else None
    return Format(name, description, loader.wants, loader.detect, loader.parse, fixer, module)


class _Loader:
    """The data tests of one lazy line, and its module once a file needs it."""

    def __init__(
        self,
        module: str,
        suffixes: tuple[str, ...],
        names: str | None,
        folders: str | None,
        markers: tuple[str, ...] | None,
        named: str | None,
        folded: bool,
    ) -> None:
        self.module_name = module
        self.suffixes = suffixes
        self.names = re.compile(names) if names else None
        self.folders = re.compile(folders) if folders else None
        self.markers = tuple(m.lower() for m in markers) if markers and folded else markers
        self.named = re.compile(named) if named else None
        self.folded = folded
        self._module: FormatModule | None = None

    @property
    def module(self) -> FormatModule:
        if self._module is None:
            self._module = cast(FormatModule, importlib.import_module(self.module_name))
        return self._module

    def named_so(self, path: str) -> bool | None:
        """True: wanted by its name; None: only the module can say (a folder it may load); False: not."""
        name, folder = _split(path)
        if name.endswith(self.suffixes) or (self.names is not None and self.names.search(name)):
            return True
        if self.folders is not None and _in_folders(self.folders, folder):
            return None
        return False

    def wants(self, path: str) -> bool:
        by_name = self.named_so(path)
        return by_name if by_name is not None else self.module.wants(path)

    def detect(self, path: str, text: str) -> bool:
        # what the module's `detect` needs of the path (a line without markers: its folder, seen
        # from the root, may decide). `named_so(path) is False`, written out: every line asks it of
        # every file read, most of them to say no (issue 21)
        name, folder = _split(path)
        if (
            not name.endswith(self.suffixes)
            and (self.names is None or self.names.search(name) is None)
            and (self.folders is None or not _in_folders(self.folders, folder))
        ) and (
            self.markers is not None
            # without `folders` only the name counts, and a file's name is its absolute path's too
            or (self.folders is None and name not in ("", os.curdir, os.pardir))
            or self.named_so(os.path.abspath(path)) is False
        ):
            return False
        if (
            self.markers is not None
            and not (self.named and self.named.search(name))
            and not _SEEN.holds_any(text, self.markers, self.folded)
        ):
            return False
        return self.module.detect(path, text)

    def parse(self, source: Source, options: FormatOptions) -> ParsedFile:
        return self.module.parse(source, options)

    def fix(self, path: str, text: str, fixes: list[tuple[Location, Fix]]) -> FixOutcome:
        fixer: Fixer | None = getattr(self.module, "fix", None)
        assert fixer is not None, f"{self.module_name} has no `fix`"
        return fixer(path, text, fixes)


class _Markers:
    """Which markers the text being detected holds, each searched once for all the registry's lines.

    Every line whose path test passes searches the whole text for its markers: for a 30 MB JSON
    export that was 14 markers, none there, each a full scan (issue 21). The answers are the same
    as `marker in text` (with `text.lower()` for a folded line): a marker already answered is not
    searched again; one that contains a marker known absent, or a character the text lacks (a
    one-character search is a `memchr`), is absent without a search. Only for a long text, and
    only the last one is kept.
    """

    def __init__(self) -> None:
        self.last = _Seen(None)

    @property
    def text(self) -> str | None:
        return self.last.text

    def holds_any(self, text: str, markers: tuple[str, ...], folded: bool) -> bool:
        if len(text) < _LONG_TEXT:  # a search of a short text costs less than looking it up
            seen = text.lower() if folded else text
            return any(marker in seen for marker in markers)
        # the answers of one text stay together: a caller in another thread with another text
        # replaces `last` and never reads these (nor these its)
        last = self.last
        if last.text is not text:
            last = self.last = _Seen(text)
        if folded:
            if last.lowered is None:
                last.lowered = text.lower()
            seen, known = last.lowered, last.folded
        else:
            seen, known = text, last.written
        for marker in markers:
            present = known.get(marker)
            if present is None:
                present = known[marker] = self._holds(seen, marker, known)
            if present:
                return True
        return False

    @staticmethod
    def _holds(seen: str, marker: str, known: dict[str, bool]) -> bool:
        for other, present in list(known.items()):
            if not present and other in marker:
                return False
        for char in set(marker):
            held = known.get(char)
            if held is None:
                held = known[char] = char in seen
            if not held:
                return False
        return marker in seen


class _Seen:
    """One text's answers: as written, and lower-cased for the folded lines."""

    __slots__ = ("folded", "lowered", "text", "written")

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.lowered: str | None = None
        self.written: dict[str, bool] = {}
        self.folded: dict[str, bool] = {}


_LONG_TEXT: Final = 1 << 20  # characters
_SEEN = _Markers()


def within(path: str, roots: Iterable[str]) -> bool:
    """Whether ``path``, its symlinks resolved, lies in one of ``roots`` (real paths): a file a
    format reads beside the one it checks (an nginx `include`, a Spring base file, HAProxy's `-f`
    files) never leaves the folders being checked."""
    real = os.path.realpath(path)
    return any(os.path.commonpath([real, root]) == root for root in roots)


def file_name(path: str) -> str:
    """`PurePath(path).name`, without building a PurePath for the usual path (a sniff asks it of
    every file): the last component when it is a plain name, else PurePath's answer."""
    name = os.path.basename(path)
    return name if name and name != os.curdir else PurePath(path).name


@lru_cache(maxsize=16)
def _split(path: str) -> tuple[str, str]:
    """A path's file name and its folder (`basename`, `dirname`): each line of the registry asks
    them of the same path in turn, so they are worked out once."""
    folder, name = os.path.split(path)
    return name, folder


@lru_cache(maxsize=1024)
def _in_folders(folders: re.Pattern[str], folder: str) -> bool:
    """Whether a folder name of ``folder`` is a whole match of ``folders``: the same for every file of
    a folder, and for a path and its absolute spelling when they are the same."""
    return any(folders.fullmatch(part) for part in folder.split(os.sep))
