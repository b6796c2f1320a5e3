"""Terraform (`*.tf`): the file read once, each resource handed to its provider's reader by type.

The readers: `okta_trusted_origin` (`okta/terraform.py`, an Okta document, so the OL7xx rules
apply) and the cloud resources that declare CORS (`cloud/terraform.py`: AWS, Azure, Google
Cloud, Kubernetes). Values are taken only where the file fixes them (literals, `locals`, a
literal `for_each`, `readers/hcl_values.py`); an input variable or a computed value is reported
as not analysed (OL004), never guessed. A file with none of these resources is not claimed: not
counted as checked, no JUnit case, parse errors included (as for Okta before).

A large file is first cut by a linear scan (`hcl_scan`) to the resources read here and `locals`,
and only those are parsed: python-hcl2 on a whole multi-megabyte file takes minutes and
gigabytes. A syntax error elsewhere in such a file is then not reported (Terraform would refuse
the file); the scan still reports unbalanced braces, strings, comments and heredocs anywhere.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from origins_lint import limits
from origins_lint.formats.base import UNCLAIMED, FormatOptions
from origins_lint.formats.cloud import terraform as cloud
from origins_lint.formats.okta import terraform as okta
from origins_lint.formats.readers.hcl_resource import Resource
from origins_lint.formats.readers.hcl_scan import scan as scan_hcl
from origins_lint.formats.readers.hcl_values import Evaluator, LineMap, parse_hcl, same_line
from origins_lint.model import OKTA, CorsContext, Document, InputProblem, Location, ParsedFile
from origins_lint.source import Source, problem

NAME = "terraform"
# python-hcl2 parses a file this small whole (under a second); a larger one is cut to the blocks
# the readers need first (`_pieces`): 2.4 MB took 92 s and 1.3 GB whole (issue 19)
FULL_PARSE_CHARACTERS = 256 * 1024

Reader = Callable[[Resource], list[CorsContext]]
# resource type -> (reader, platform of its document)
READERS: dict[str, tuple[Reader, str | None]] = {
    okta.RESOURCE: (okta.read, OKTA),
    **{kind: (reader, None) for kind, reader in cloud.READERS.items()},
}


def wants(path: str) -> bool:
    return path.endswith(".tf")


def detect(path: str, _text: str) -> bool:
    """Every `.tf` file; one without a resource read here parses to nothing, unclaimed."""
    return path.endswith(".tf")


def _ours(text: str) -> bool:
    """A cheap sniff: an Okta trusted origin, or a cloud resource type with a CORS key."""
    return okta.RESOURCE in text or cloud.sniff(text)


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    if not _ours(source.text):  # no file of ours: not counted as checked, no JUnit case
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
    documents: dict[str | None, Document] = {}
    if okta.RESOURCE in source.text:  # as before: an Okta document, even with no origin in it
        documents[OKTA] = _document(source.path, OKTA)
    for block in blocks:
        if block.type != "resource" or not block.labels or block.labels[0] not in READERS:
            continue
        reader, platform = READERS[block.labels[0]]
        resource = Resource(block, evaluator, result.problems, source.text)
        contexts: list[CorsContext] = []
        for each in resource.instances():
            evaluator.each = each
            try:
                contexts.extend(reader(resource))
            finally:
                evaluator.each = None
        if contexts or platform is not None:
            document = documents.setdefault(platform, _document(source.path, platform))
            document.contexts.extend(contexts)
    if not documents and not result.problems:  # only resources without CORS: not ours
        return ParsedFile(source.path, UNCLAIMED)
    result.documents.extend(documents.values())
    return result


def _document(path: str, platform: str | None) -> Document:
    return Document(path=path, format=NAME, location=Location.point(path, 1, 1), platform=platform)


def _wanted(header: str, body: str) -> bool:
    """`locals`, `resource "okta_trusted_origin"`, or a cloud resource whose text declares CORS:
    the only blocks the readers look at (an `aws_s3_bucket` without `cors_rule` is not parsed)."""
    words = header.split()
    if words == ["locals"]:
        return True
    if len(words) < 2 or words[0] != "resource":
        return False
    kind = words[1].strip('"')
    return kind == okta.RESOURCE or cloud.wanted(kind, body)


def _pieces(path: str, text: str) -> tuple[str, LineMap] | InputProblem:
    """The resources read here and `locals` of a large file, each at its own column, and the map
    from their lines back to the file's: what python-hcl2 parses instead of the whole file.

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
    kinds: set[str] = set()
    parsed_line, file_line, position, line_start = 1, 1, 0, 0
    for block in found.blocks:
        if not _wanted(block.header, text[block.start : block.end]):
            continue
        words = block.header.split()
        if words[0] == "resource":
            kinds.add(words[1].strip('"'))
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
        named = ", ".join(f"`{kind}`" for kind in sorted(kinds)) or "CORS"
        return problem(
            path,
            f"the file's {named} resources and `locals` are {size:,} characters; "
            f"the limit is {bound:,}: raise `max-hcl-size` if this file is really a config",
        )

    def line_of(line: int) -> int:
        index = bisect.bisect_right(firsts, line) - 1
        return lines[index] + line - firsts[index] if index >= 0 else line

    return "".join(parts), line_of
