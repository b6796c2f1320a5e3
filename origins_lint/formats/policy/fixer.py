"""`--fix` for policy files: rewrite an origin to its canonical form, drop an entry repeated word for word.

ruamel's round-trip dumper re-indents mappings and moves comments that follow
an anchor, so dumping the edited tree would rewrite lines nobody asked to
change. Instead each edit is spliced into the text at the span libYAML
reported, and everything else stays byte for byte: comments, order, anchors,
quotes, blank lines. Then libYAML (ruamel's C safe loader: the same values as its
round-trip loader, merge keys resolved, at a tenth of the cost, which matters because
every check dry-runs the fixes to mark them `[*]`) reads the original and the
edited text, and the edit is kept only if the new file reads back as exactly the
original with the intended change applied; anything else (an anchor on the
value, an alias to a dropped entry) declines the file's fixes with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from origins_lint.formats.base import FixOutcome
from origins_lint.formats.readers import plain_yaml
from origins_lint.formats.readers.manifests import Text
from origins_lint.formats.readers.tree import Node
from origins_lint.formats.readers.yaml_tree import load_documents, safe_yaml
from origins_lint.model import Fix, Location, ProblemKind


@dataclass(slots=True)
class _Entry:
    document: int  # index among the non-empty documents
    index: int  # position in `origins`
    item: Node  # the entry mapping
    origin: Node  # its `origin` value
    siblings: list[Node]  # every entry of its `origins` list


@dataclass(slots=True)
class _Edit:
    start: int  # offsets into the text
    end: int
    new: str
    entry: _Entry
    fix: Fix
    location: Location


def fix(path: str, text: str, fixes: list[tuple[Location, Fix]]) -> FixOutcome:
    read = plain_yaml.read(path, text)  # ruamel's tree without ruamel, when the file is plain
    if read is None:
        loaded = load_documents(path, text)
        if any(p.kind is ProblemKind.PARSE for p in loaded.problems):
            return FixOutcome(text, [], [(loc, "the file does not parse") for loc, _ in fixes])
        read = loaded.documents
    entries = {_key(e.origin.location): e for e in _entries(read)}
    located = Text(path, text)
    edits: list[_Edit] = []
    declined: list[tuple[Location, str]] = []
    for location, wanted in fixes:
        entry = entries.get(_key(location))
        if entry is None:
            declined.append((location, "not an `origin:` of a policy entry"))
            continue
        made = _replace(located, entry, wanted) if wanted.replacement is not None else _drop(located, entry)
        if isinstance(made, str):
            declined.append((location, made))
        else:
            edits.append(_Edit(*made, entry=entry, fix=wanted, location=location))
    edits = _without_overlaps(edits)
    if not edits:
        return FixOutcome(text, [], declined)
    new = text
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        new = new[: edit.start] + edit.new + new[edit.end :]
    if not _reads_back(text, new, edits):
        reason = (
            "the edited file would not read back as intended (an anchor or alias involved?); fix it by hand"
        )
        return FixOutcome(text, [], declined + [(edit.location, reason) for edit in edits])
    return FixOutcome(new, [edit.location for edit in edits], declined)


def _key(location: Location) -> tuple[int, int]:
    return location.line, location.column


def _entries(documents: list[Node]) -> list[_Entry]:
    found = []
    for number, document in enumerate(documents):
        origins = document.value.get("origins") if isinstance(document.value, dict) else None
        if origins is None or not isinstance(origins.value, list):
            continue
        for index, item in enumerate(origins.value):
            origin = item.value.get("origin") if isinstance(item.value, dict) else None
            if origin is not None and isinstance(origin.value, str):
                found.append(_Entry(number, index, item, origin, origins.value))
    return found


def _replace(text: Text, entry: _Entry, wanted: Fix) -> tuple[int, int, str] | str:
    loc = entry.origin.location
    start, end = text.offset(loc.line, loc.column), text.offset(loc.end_line, loc.end_column)
    written, raw = text.source[start:end], entry.origin.value
    for quote in ("", "'", '"'):
        if written == f"{quote}{raw}{quote}":
            return start, end, f"{quote}{wanted.replacement}{quote}"
    return "the value is written with escapes, a tag or an anchor; rewrite it by hand"


def _drop(text: Text, entry: _Entry) -> tuple[int, int, str] | str:
    """The entry's whole lines, from its `-` to its last value; comments around it stay."""
    earlier = [s.plain() for s in entry.siblings[: entry.index]]
    mine = entry.item.plain()
    if mine not in earlier:
        return "the repeated entries differ in more than the origin; merge their settings by hand"
    loc = entry.item.location
    start = text.offset(loc.line, 1)
    if text.source[start : text.offset(loc.line, loc.column)].strip() != "-":
        return "the entry does not start its own `- ` line (a flow list?); remove it by hand"
    last = max(_last_line(entry.item), loc.line)
    end = text.offset(last + 1, 1) if last < text.source.count("\n") + 1 else len(text.source)
    return start, end, ""


def _last_line(node: Node) -> int:
    """The last line holding this node's text (a block mapping's own end mark is the next token)."""
    children: list[Node] = []
    if isinstance(node.value, dict):
        children = list(node.value.values())
    elif isinstance(node.value, list):
        children = node.value
    if not children:
        loc = node.location
        return loc.end_line - 1 if loc.end_column == 1 and loc.end_line > loc.line else loc.end_line
    return max(_last_line(child) for child in children)


def _without_overlaps(edits: list[_Edit]) -> list[_Edit]:
    """A dropped entry takes the edits inside it with it; otherwise the first edit of a span wins."""
    kept: list[_Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, -(e.end - e.start))):
        if kept and edit.start < kept[-1].end:
            continue
        kept.append(edit)
    return kept


def _reads_back(old: str, new: str, edits: list[_Edit]) -> bool:
    """Whether ``new`` loads as ``old`` with the edits made to its data, and nothing else changed.

    A plain file (``plain_yaml``'s subset: strings, decimal integers and YAML 1.2 core words,
    nothing a schema could read two ways) is compared from that reader's tree, which the safe
    loader's data equals there; any other text is loaded by ruamel's safe loader (issue 21: the
    two safe loads were 5% of a 2,000-file policy check)."""
    expected, actual = _data(old), _data(new)
    if expected is None or actual is None:
        return False
    drops = sorted((e for e in edits if e.fix.replacement is None), key=lambda e: -e.entry.index)
    for edit in edits:
        if edit.fix.replacement is not None:
            expected[edit.entry.document]["origins"][edit.entry.index]["origin"] = edit.fix.replacement
    for edit in drops:
        del expected[edit.entry.document]["origins"][edit.entry.index]
    same: bool = _plain(expected) == _plain(actual)
    return same


def _data(text: str) -> list[Any] | None:
    """The file's documents as data, empty ones left out; None when it does not load."""
    documents = plain_yaml.read("", text)
    if documents is not None:
        return [data for data in (d.plain() for d in documents) if data is not None]
    return _safe_data(text)


def _safe_data(text: str) -> list[Any] | None:
    from ruamel.yaml.error import YAMLError

    loader = safe_yaml()
    loader.doc_infos.clear()
    try:
        return [d for d in loader.load_all(text) if d is not None]
    except (YAMLError, ValueError, RecursionError):
        return None


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return [(_plain(k), _plain(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
