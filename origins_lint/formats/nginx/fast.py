"""Where the one reading ``reject`` already made of a file is crossplane's parse of it.

Every nginx file used to be lexed twice: by ``reject`` (a port of nginx's
``ngx_conf_read_token``, with a C-level regex) and by crossplane (a Python loop over
characters, 0.5.8: crossplane/lexer.py ``_lex_file_object``, crossplane/parser.py
``parse``). Where the two lexers provably read the same words (``readable``), the
statements ``reject`` kept are crossplane's payload (``crossplane_parsed`` builds it; the
reader builds its directives from the statements directly, ``syntax._Reader._statements``):
the same ``directive``, ``line``, ``args`` and ``block``, with ``if`` arguments prepared by
crossplane's own ``_prepare_if_args``.
``reject._read`` says where that holds (``plain``); everywhere else crossplane parses,
as before. They agree when:

- the text was read to its end with nothing nginx stops at: no unclosed quote, brace or
  statement, no stray `}` or `;`, no quote glued to what follows (crossplane starts a new
  word there), so every statement ends with `;` or `{` as crossplane's parser needs;
- no word has a `}` (crossplane ends the word there), a `${` or a trailing `$` (crossplane
  reads `${...}` on through a space), or starts with an escaped newline (crossplane counts
  that line first); no `#` between a statement's first word and its `;` or `{`, where a
  comment would become a statement of its own (comments=False keeps those);
- there is no `*_by_lua_block` (crossplane lexes those with a lexer of its own) and no
  whitespace but space, tab, CR and LF (crossplane splits at every ``str.isspace``);
- blocks nest at most ``_DEEPEST`` levels and within the run's ``max-nesting``, so neither
  crossplane's recursion limit nor the nesting check could have a say.

Inside quotes crossplane drops the backslash of an escaped quote of the same kind and keeps
every other pair; outside, words are kept as written, as here. ``tests/test_nginx_speed_lexer.py``
holds this to crossplane over every fixture, example and bench file, and seeded mutations.
"""

from __future__ import annotations

import re
from typing import Any, Final

from origins_lint.formats.nginx.reject import Scan, _Statement

_DEEPEST: Final = 100
_OTHER_SPACE: Final = re.compile(r"[^\S \t\r\n]")  # what str.isspace() takes that nginx does not
_ASCII_OTHER_SPACE: Final = "\x0b\x0c\x1c\x1d\x1e\x1f"  # those of them below U+0080
_PAIR: Final = re.compile(r"\\(.)", re.S)


def readable(text: str, scan: Scan, nesting: int) -> bool:
    """Whether ``scan``'s statements read as crossplane's parse would (see above)."""
    if scan.statements is None or scan.depth > min(nesting, _DEEPEST):
        return False
    return not _other_space(text)


def _other_space(text: str) -> bool:
    """Whether ``_OTHER_SPACE`` finds a character: for an ASCII text, six substring tests in C
    instead of a class test per character."""
    if text.isascii():
        return any(char in text for char in _ASCII_OTHER_SPACE)
    return _OTHER_SPACE.search(text) is not None


def crossplane_parsed(text: str, scan: Scan, nesting: int) -> list[dict[str, Any]] | None:
    """``crossplane.parse(...)["config"][0]["parsed"]`` for ``text``, or None where it could differ.

    The reader builds its directives from the statements directly (``syntax._Reader._statements``);
    this payload is what they are held to in the tests."""
    if not readable(text, scan, nesting) or scan.statements is None:
        return None
    from crossplane.parser import _prepare_if_args

    def build(statements: list[_Statement]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for statement in statements:
            words = [unquoted(text, w, at) if quoted else w for w, at, quoted in statement.words]
            stmt: dict[str, Any] = {"directive": words[0], "line": statement.line, "args": words[1:]}
            if words[0] == "if":
                _prepare_if_args(stmt)
            if statement.block is not None:
                stmt["block"] = build(statement.block)
            out.append(stmt)
        return out

    return build(scan.statements)


def unquoted(text: str, word: str, offset: int) -> str:
    """A quoted word as crossplane's lexer gives it: the escaped quote of its own kind unescaped."""
    if "\\" not in word:
        return word
    quote = text[offset - 1]
    return _PAIR.sub(lambda pair: quote if pair.group(1) == quote else pair.group(0), word)
