"""Text from checked files is untrusted: it must not drive the terminal."""

from __future__ import annotations

import re

# C0/C1 controls (ANSI escapes start with ESC; a newline would forge a line), line and bidi
# overrides, and lone surrogates: a file name that is not UTF-8 reaches us with its bytes as
# U+DC80..U+DCFF, which no output can encode
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """Control characters (ANSI escapes, bidi overrides) shown as escapes, not interpreted."""
    return _CONTROL.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if "\udc80" <= char <= "\udcff":  # a byte of a file name that is not UTF-8: show the byte
        return f"\\x{ord(char) - 0xDC00:02x}"
    return char.encode("unicode_escape", "backslashreplace").decode("ascii")


def encodable(text: str) -> str:
    """``text`` with any lone surrogate written as an escape, so that it encodes to UTF-8 whatever the
    stream's error handler; every report passes through here on its way out."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def line_start(path: str) -> str:
    """A path printed at the start of a line: escaped, and never starting with `::` (a GitHub Actions
    workflow command when the line reaches the log) or `-`: such a name is shown as `./::name`."""
    shown = printable(path)
    return f"./{shown}" if shown.startswith((":", "-")) else shown
