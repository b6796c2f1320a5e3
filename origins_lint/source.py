"""Reading a file as text, safely, before any format sees it.

Every format needs the same guarantees: a size bound before reading, BOMs
honoured, and an undecodable or binary file turned into a located problem
instead of an exception.
"""

from __future__ import annotations

import codecs
import os
import stat

from origins_lint.model import InputProblem, Location, ProblemKind
from origins_lint.records import record

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@record(frozen=True, slots=True)
class Source:
    path: str
    text: str
    encoding: str = "utf-8"


def byte_order_mark(data: bytes) -> bytes:
    """The BOM ``data`` starts with (empty when none): `--fix` writes it back."""
    return next((bom for bom, _ in _BOMS if data.startswith(bom)), b"")


def problem(path: str, message: str, line: int = 1, column: int = 1) -> InputProblem:
    """A parse problem; parsers' own messages can span lines, a finding's message is one line."""
    one_line = " ".join(message.split()) if "\n" in message else message
    return InputProblem(ProblemKind.PARSE, one_line, Location.point(path, line, column))


def read_source(path: str, max_size: int) -> Source | InputProblem:
    """The decoded text of ``path``, or the reason it cannot be checked."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            # opening a FIFO blocks until something writes to it; a device can be endless
            return problem(path, "not a regular file (a FIFO, socket or device); not read")
        size = info.st_size
        if size > max_size:
            return _too_large(path, f"{size:,} bytes", max_size)
        # a bare descriptor: the bytes once, with no buffer copy and none of a file object's own
        # `fstat` and checks (a tenth of the reading of 2,000 small files, issue 21)
        descriptor = os.open(path, _READ_FLAGS)
        try:
            data = _read_bounded(descriptor, size, max_size)
        finally:
            os.close(descriptor)
    except OSError as error:
        return problem(path, f"cannot read the file: {error.strerror or error}")
    if len(data) > max_size:  # it grew since `stat`, or says 0 bytes as procfs does
        return _too_large(path, f"over {max_size:,} bytes", max_size)
    return decode(path, data)


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _too_large(path: str, size: str, max_size: int) -> InputProblem:
    return problem(
        path,
        f"file is too large to check ({size}; the limit is {max_size:,}: "
        "raise `max-file-size` if this file is really a config)",
    )


def _read_bounded(descriptor: int, size: int, max_size: int) -> bytes:
    """At most ``max_size + 1`` bytes, up to the end of the file: `read(n)` allocates n bytes up
    front, so ask for the size the file has (plus one, to see it grow), then on in chunks to the end
    (an empty read) or the bound, whatever the system gave: a file that grew since `stat`, one that
    reports size 0 as procfs does, and a short read before the end are all read whole."""
    chunk = os.read(descriptor, min(size, max_size) + 1)
    chunks, total = [chunk], len(chunk)
    while chunk and total <= max_size:
        chunk = os.read(descriptor, min(1 << 20, max_size + 1 - total))
        chunks.append(chunk)
        total += len(chunk)
    # the usual file: its bytes, then the empty read that ends it (no copy of the bytes)
    return chunks[0] if len(chunks) == 2 and not chunks[1] else b"".join(chunks)


def decode(path: str, data: bytes) -> Source | InputProblem:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Source(path, _normalize(data[len(bom) :].decode(encoding)), encoding)
            except UnicodeDecodeError as error:
                return _decode_problem(path, data, error, encoding)
    if data.find(b"\x00", 0, 8192) >= 0:
        return problem(path, "file is binary (it contains NUL bytes), not a text config")
    try:
        return Source(path, _normalize(data.decode("utf-8")))
    except UnicodeDecodeError as error:
        return _decode_problem(path, data, error, "utf-8")


def _normalize(text: str) -> str:
    """CRLF and lone CR become LF, so that every format counts lines the same way."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _decode_problem(path: str, data: bytes, error: UnicodeDecodeError, encoding: str) -> InputProblem:
    before = data[: error.start]
    line = before.count(b"\n") + 1
    column = error.start - (before.rfind(b"\n") + 1) + 1
    byte = data[error.start : error.start + 1].hex()
    return problem(
        path,
        f"file is not valid {encoding.upper()} text (byte 0x{byte}); save it as UTF-8",
        line,
        column,
    )


def _after_lines(text: str, start: int, need: int, width: int = 32) -> int | None:
    """The offset after the ``need``-th newline from ``start``, None when the text has fewer: the
    newlines of a window counted at C speed, the window sized by the lines seen so far; once it
    holds them, the last few it holds past them are stepped back over (a line at a time, or a
    regex over every line, was a twentieth of checking a 50,000-origin export, issue 21).
    ``width``: the first guess of a line's length (any guess gives the same answer)."""
    size = need * width  # lines of a config are mostly shorter than 32
    while True:
        end = start + size
        found = text.count("\n", start, end)
        if found > need + 8:  # too far: a window the size of about `need` of these lines
            size = size * need // found  # smaller each time, and a window of one holds one newline
            continue
        if found >= need:
            at = end
            for _ in range(found - need + 1):
                at = text.rfind("\n", start, at)
            return at + 1
        if end >= len(text):
            return None
        start, need = end, need - found
        size = need * (size // found + 1) if found else size * 2


class Lines:
    """Line n of a text, for n that mostly grow (findings come sorted), found by walking forward.

    Splitting a 30 MB export into its 1.5 million lines to read a few thousand of them would cost
    more memory than the rest of the check; this keeps one cursor instead.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.number, self.start = 1, 0  # the line the cursor is at, and its offset

    def line(self, number: int) -> str | None:
        """The text of line ``number`` (1-based) without its newline; None past the end."""
        if number < 1:
            return None
        if number < self.number:
            self.number, self.start = 1, 0
        text = self.text
        if number > self.number:
            # the lines walked so far tell the first guess of their length (most of a window then
            # holds the lines wanted, counted once: issue 21's 15,000 findings)
            width = self.start // (self.number - 1) + 1 if self.number > 64 else 32
            start = _after_lines(text, self.start, number - self.number, width)
            if start is None:
                return None
            self.number, self.start = number, start
        end = text.find("\n", self.start)
        return text[self.start : end if end >= 0 else len(text)]
