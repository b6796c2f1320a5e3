"""What every input format provides to the pipeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from origins_lint.model import Fix, Location, ParsedFile
from origins_lint.source import Source


@dataclass(frozen=True, slots=True)
class FormatOptions:
    """Settings a parser may need; kept small so formats stay independent of config."""

    roots: tuple[str, ...] = ()  # folders being checked: nginx `include` never leaves them


@dataclass(frozen=True, slots=True)
class FixOutcome:
    """A file's text after the fixes its format could apply, and why it declined the others."""

    text: str
    applied: list[Location]
    declined: list[tuple[Location, str]]


UNCLAIMED = "unknown"  # the format of a file no format reads: it is not counted as checked

Fixer = Callable[[str, str, list[tuple[Location, Fix]]], FixOutcome]  # (path, text, fixes)


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    description: str
    wants: Callable[[str], bool]  # files a directory walk reads to sniff, by path
    detect: Callable[[str, str], bool]  # (path, text) -> is this format
    parse: Callable[[Source, FormatOptions], ParsedFile]
    fix: Fixer | None = None  # a format that can edit its files in place defines `fix`


class FormatModule(Protocol):
    """What a module in `formats/` defines to be registered."""

    NAME: str

    def wants(self, path: str, /) -> bool: ...
    def detect(self, path: str, text: str, /) -> bool: ...
    def parse(self, source: Source, options: FormatOptions, /) -> ParsedFile: ...


def register(module: FormatModule, description: str) -> Format:
    fixer: Fixer | None = getattr(module, "fix", None)
    return Format(module.NAME, description, module.wants, module.detect, module.parse, fixer)
