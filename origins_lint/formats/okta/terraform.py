"""Terraform `okta_trusted_origin` resources: `.tf` in, the same model as an Okta export out.

Both provider shapes are read: `scopes { type = "CORS" }` blocks with `status`
(v7), and `scopes = ["CORS"]` with `active` (v6). Values are taken only where
the file fixes them (literals, locals, a literal `for_each`); an input variable
or a computed value is reported as not analysed, never guessed. Files with no
`okta_trusted_origin` resource are skipped without a word, parse errors included.

A large file is first cut by a linear scan (`hcl_scan`) to its `okta_trusted_origin`
resources and `locals`, and only those are parsed: python-hcl2 on a whole multi-megabyte
file takes minutes and gigabytes. A syntax error elsewhere in such a file is then not
reported (Terraform would refuse the file); the scan still reports unbalanced braces,
strings, comments and heredocs anywhere.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from origins_lint import limits
from origins_lint.formats.base import UNCLAIMED, FormatOptions
from origins_lint.formats.okta import ScopeEntry, refused, trusted_origin_context
from origins_lint.formats.readers.hcl_scan import scan as scan_hcl
from origins_lint.formats.readers.hcl_values import (
    Attribute,
    Block,
    Each,
    Evaluator,
    LineMap,
    Unresolved,
    Value,
    parse_hcl,
    same_line,
)
from origins_lint.model import (
    OKTA,
    CorsContext,
    Document,
    InputProblem,
    Location,
    ParsedFile,
    ProblemKind,
)
from origins_lint.source import Source, problem

NAME = "terraform"
RESOURCE = "okta_trusted_origin"
SCOPE_TYPES = ("CORS", "REDIRECT", "IFRAME_EMBED")
# python-hcl2 parses a file this small whole (under a second); a larger one is cut to the blocks
# the reader needs first (`_pieces`): 2.4 MB took 92 s and 1.3 GB whole (issue 19)
FULL_PARSE_CHARACTERS = 256 * 1024


def wants(path: str) -> bool:
    return path.endswith(".tf")


def detect(path: str, _text: str) -> bool:
    """Every `.tf` file; one without an Okta resource parses to nothing."""
    return path.endswith(".tf")


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    if RESOURCE not in source.text:  # no file of ours: not counted as checked, no JUnit case
        return ParsedFile(source.path, UNCLAIMED)
    result = ParsedFile(source.path, NAME)
    text: str = source.text
    line_of: LineMap = same_line
    if len(text) > FULL_PARSE_CHARACTERS:
        pieces = _pieces(source.path, text)
        if isinstance(pieces, InputProblem):
            result.problems.append(pieces)
            return result
        text, line_of = pieces
    blocks, error = parse_hcl(source.path, text, line_of)
    if error is not None:
        result.problems.append(error)
        return result
    evaluator = Evaluator(source.path, text, blocks, line_of)
    document = Document(
        path=source.path, format=NAME, location=Location.point(source.path, 1, 1), platform=OKTA
    )
    for block in blocks:
        if block.type == "resource" and block.labels[:1] == (RESOURCE,):
            _Resource(block, evaluator, result.problems).read(document.contexts)
    result.documents.append(document)
    return result


def _wanted(header: str) -> bool:
    """`locals`, or `resource "okta_trusted_origin" "name"`: the only blocks the reader looks at."""
    words = header.split()
    if words == ["locals"]:
        return True
    return len(words) > 1 and words[0] == "resource" and words[1].strip('"') == RESOURCE


def _pieces(path: str, text: str) -> tuple[str, LineMap] | InputProblem:
    """The `okta_trusted_origin` resources and `locals` of a large file, each at its own column, and
    the map from their lines back to the file's: what python-hcl2 parses instead of the whole file.

    Over `max-hcl-size` characters of them is OL001 naming the key: python-hcl2's time and memory
    grow with what it parses (about 100 KB a second), and a bound must hold on every input."""
    found = scan_hcl(text)
    if found.error is not None:
        offset, reason = found.error
        line = text.count("\n", 0, offset) + 1
        return problem(path, f"invalid HCL: {reason}", line, offset - text.rfind("\n", 0, offset))
    parts: list[str] = []
    firsts: list[int] = []  # the parsed text's line where each piece starts
    lines: list[int] = []  # ... and the file's line there
    parsed_line, file_line, position, line_start = 1, 1, 0, 0
    for block in found.blocks:
        if not _wanted(block.header):
            continue
        file_line += text.count("\n", position, block.start)
        newline = text.rfind("\n", position, block.start)
        line_start = newline + 1 if newline >= 0 else line_start
        piece = " " * (block.start - line_start) + text[block.start : block.end] + "\n"
        firsts.append(parsed_line)
        lines.append(file_line)
        parts.append(piece)
        parsed_line += piece.count("\n")
        file_line += text.count("\n", block.start, block.end)
        newline = text.rfind("\n", block.start, block.end)
        line_start = newline + 1 if newline >= 0 else line_start
        position = block.end
    size = sum(len(part) for part in parts)
    bound = limits.active().hcl_size
    if size > bound:
        return problem(
            path,
            f"the file's `okta_trusted_origin` resources and `locals` are {size:,} characters; "
            f"the limit is {bound:,}: raise `max-hcl-size` if this file is really a config",
        )

    def line_of(line: int) -> int:
        index = bisect.bisect_right(firsts, line) - 1
        return lines[index] + line - firsts[index] if index >= 0 else line

    return "".join(parts), line_of


@dataclass
class _Resource:
    block: Block
    evaluator: Evaluator
    problems: list[InputProblem]

    @property
    def address(self) -> str:
        return ".".join(self.block.labels[:2])

    def note(self, kind: ProblemKind, message: str, location: Location) -> None:
        self.problems.append(InputProblem(kind, f"`{self.address}`: {message}", location))

    def read(self, contexts: list[CorsContext]) -> None:
        for each in self.instances():
            self.evaluator.each = each
            try:
                context = self.context()
            finally:
                self.evaluator.each = None
            if context is not None:
                contexts.append(context)

    def instances(self) -> list[Each | None]:
        """One per `for_each` element (when the file fixes them); `count = 0` means none."""
        attributes = self.block.attributes
        count = attributes.get("count")
        if count is not None:
            value = self.evaluator.evaluate(count.expression)
            if isinstance(value, Value) and value.data == 0:
                return []
        for_each = attributes.get("for_each")
        if for_each is None:
            return [None]
        found = self.evaluator.evaluate(for_each.expression)
        if isinstance(found, Unresolved):
            self.note(
                ProblemKind.NOT_ANALYSED,
                f"the origins of `for_each` were not analysed: {found.reason}; "
                "list them literally (or in `locals`) so origins-lint can check each one",
                for_each.location,
            )
            return []
        if isinstance(found.data, dict):
            return [Each(Value(key, item.location), item) for key, item in found.data.items()]
        if isinstance(found.data, list):
            return [Each(item, item) for item in found.data]
        self.note(ProblemKind.SCHEMA, "`for_each` must be a set or a map", for_each.location)
        return []

    def context(self) -> CorsContext | None:
        origin = self.text("origin", required=True)
        scopes = self.scopes()
        if origin is None or scopes is None:
            return None
        listed, scopes_at = scopes
        name = self.text("name", required=False)
        rejection = refused(origin.data, origin.location)
        if rejection is not None:
            self.problems.append(rejection)
        return trusted_origin_context(
            origin=origin.data,
            origin_at=origin.location,
            scopes=listed,
            scopes_at=scopes_at,
            active=self.active(),
            name=name.data if name is not None else self.block.labels[-1],  # the resource's own name
            entry_at=self.block.attributes["origin"].location,
        )

    def text(self, key: str, *, required: bool) -> Value | None:
        attribute = self.block.attributes.get(key)
        if attribute is None:
            if required:
                self.note(ProblemKind.SCHEMA, f"has no `{key}`", self.block.location)
            return None
        value = self.evaluator.evaluate(attribute.expression)
        if isinstance(value, Unresolved):
            if required:
                self.note(
                    ProblemKind.NOT_ANALYSED,
                    f"`{key}` was not analysed: {value.reason}; check the value it gets by hand, "
                    "or write it literally",
                    value.location,
                )
            return None
        if not isinstance(value.data, str):
            self.note(ProblemKind.SCHEMA, f"`{key}` must be a string, not {value.data!r}", value.location)
            return None
        return value

    def scopes(self) -> tuple[list[ScopeEntry], Location] | None:
        """v6 `scopes = [...]`, or v7 `scopes { type = ... }` blocks."""
        listed = self.block.attributes.get("scopes")
        blocks = [b for b in self.block.blocks if b.type == "scopes"]
        dynamic = next(
            (b for b in self.block.blocks if b.type == "dynamic" and b.labels == ("scopes",)), None
        )
        if dynamic is not None:
            self.note(
                ProblemKind.NOT_ANALYSED,
                'a `dynamic "scopes"` block was not analysed; write the scopes out so origins-lint '
                "can tell CORS from REDIRECT",
                dynamic.location,
            )
            return None
        if listed is not None:
            return self._listed(listed)
        if blocks:
            found = [self._scope_block(b) for b in blocks]
            if any(scope is None for scope in found):
                return None
            return [scope for scope in found if scope is not None], blocks[0].location
        self.note(
            ProblemKind.SCHEMA,
            "has no `scopes`: Okta needs CORS, REDIRECT or IFRAME_EMBED",
            self.block.location,
        )
        return None

    def _listed(self, attribute: Attribute) -> tuple[list[ScopeEntry], Location] | None:
        value = self.evaluator.evaluate(attribute.expression)
        if isinstance(value, Unresolved):
            self.note(ProblemKind.NOT_ANALYSED, f"`scopes` were not analysed: {value.reason}", value.location)
            return None
        if not isinstance(value.data, list) or not value.data:
            self.note(
                ProblemKind.SCHEMA,
                '`scopes` must be a non-empty list such as `["CORS", "REDIRECT"]`',
                value.location,
            )
            return None
        scopes = [self._scope_type(item) for item in value.data]
        if any(scope is None for scope in scopes):
            return None
        return [scope for scope in scopes if scope is not None], value.location

    def _scope_block(self, block: Block) -> ScopeEntry | None:
        attribute = block.attributes.get("type")
        if attribute is None:
            self.note(ProblemKind.SCHEMA, "a `scopes` block has no `type`", block.location)
            return None
        value = self.evaluator.evaluate(attribute.expression)
        if isinstance(value, Unresolved):
            self.note(
                ProblemKind.NOT_ANALYSED, f"the scope `type` was not analysed: {value.reason}", value.location
            )
            return None
        return self._scope_type(value)

    def _scope_type(self, value: Value) -> ScopeEntry | None:
        if value.data not in SCOPE_TYPES:
            self.note(
                ProblemKind.SCHEMA,
                f"scope {value.data!r} is not one of {', '.join(SCOPE_TYPES)}",
                value.location,
            )
            return None
        return ScopeEntry(value.data, value.location)

    def active(self) -> bool:
        """`status = "INACTIVE"` (v7) or `active = false` (v6); an unknown status counts as active."""
        for key, inactive in (("status", "INACTIVE"), ("active", False)):
            attribute = self.block.attributes.get(key)
            if attribute is None:
                continue
            value = self.evaluator.evaluate(attribute.expression)
            if isinstance(value, Unresolved):
                self.note(
                    ProblemKind.NOT_ANALYSED,
                    f"`{key}` was not analysed ({value.reason}); the origin is checked as if active",
                    value.location,
                )
                return True
            return bool(value.data != inactive)
        return True
