"""``reject._read`` (issue 21, s31) held to the version it replaces, kept verbatim below.

The tokens now come from ``_PAIRS.findall`` (the space before each token and the token, as
strings) instead of ``TOKEN.finditer``'s match objects: the same alternatives in the same order,
each token's kind told by the token itself, offsets added up from the lengths. The statements
(words with their offsets and quoting, ends, blocks, parents, lines, outer names), the checked
statements in order, ``plain``, the depth, and every ``_Stop`` (message and offset) must be the
same on every fixture, example and bench-generator file, the lexer tests' tricky shapes, and
seeded mutations of all of them (unclosed quotes, lone backslashes at the end, `${`, `}` in
words, comments, BOMs, other space).
"""

from __future__ import annotations

import random
from typing import Any

from origins_lint.formats.nginx import reject
from tests.test_nginx_speed_lexer import TRICKY, _files, _generated, _mutated


def _old_read(text: str, into: list[reject._Statement], checked: list[reject._Statement]) -> tuple[bool, int]:
    # verbatim from origins_lint/formats/nginx/reject.py at 939fe31 (its docstring left out)
    open_blocks: list[tuple[list[reject._Statement], str]] = [(into, "")]
    words: list[reject._Word] = []
    plain, deepest = True, 0
    line, counted = 1, 0  # the line at offset `counted`: lines are counted forward only
    for match in reject.TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            word = match.group(kind)
            if "}" in word or "${" in word or word[-1] == "$" or word.startswith("\\\n"):
                plain = False  # crossplane ends a word at `}`, reads `${` on, and counts lines apart
            words.append((word, match.start(kind), False))
        elif kind == "quoted":
            words.append((match.group(kind)[1:-1], match.start(kind) + 1, True))
            after = match.end()
            if after < len(text) and text[after] not in reject._AFTER_QUOTE:
                raise reject._Stop(f'unexpected "{text[after]}"', after)
        elif kind == "punct":
            char, at = match.group(kind), match.start(kind)
            if char == "}":
                if words or len(open_blocks) == 1:
                    raise reject._Stop('unexpected "}"', at)
                open_blocks.pop()
                continue
            if not words:
                raise reject._Stop(f'unexpected "{char}"', at)
            current, parent = open_blocks[-1]
            first = words[0][1]
            line += text.count("\n", counted, first)
            counted = first
            if plain and text.find("#", first, at) >= 0:
                plain = False  # maybe a comment among the words: crossplane makes it a statement
            outer = open_blocks[-2][1] if len(open_blocks) > 1 else ""
            statement = reject._Statement(words, at, None, parent, line, outer)
            current.append(statement)
            if words[0][0] in reject._CHECKED:
                checked.append(statement)
            if char == "{":
                statement.block = []
                deepest = max(deepest, len(open_blocks))
                open_blocks.append((statement.block, words[0][0]))
            words = []
        else:  # the end, or a quote or a backslash that runs to it
            plain = plain and kind == "end"
            break
    if words:
        raise reject._Stop('unexpected end of file, expecting ";" or "}"', len(text))
    if len(open_blocks) > 1:
        raise reject._Stop('unexpected end of file, expecting "}"', len(text))
    return plain, deepest


def _statement(statement: reject._Statement) -> Any:
    block = None if statement.block is None else [_statement(s) for s in statement.block]
    return (statement.words, statement.end, statement.parent, statement.line, statement.outer, block)


def _outcome(read: Any, text: str) -> Any:
    into: list[reject._Statement] = []
    checked: list[reject._Statement] = []
    try:
        result: Any = read(text, into, checked)
    except reject._Stop as stop:
        result = ("stop", stop.message, stop.offset)
    return result, [_statement(s) for s in into], [_statement(s) for s in checked]


def _same(text: str) -> bool:
    """Both readings agree on ``text``; whether it read to the end with nothing to stop at."""
    new, old = _outcome(reject._read, text), _outcome(_old_read, text)
    assert new == old, text
    return new[0][0] != "stop"


def test_fixtures_examples_and_bench_files_read_as_before() -> None:
    texts = _files() + _generated(300)
    assert sum(_same(text) for text in texts) > 300


def test_tricky_shapes_read_as_before() -> None:
    ends = ["", "\\", '"', "'", "a", "a;", "}", "{", "# c", "${", "$", " ", "\n"]
    for text in TRICKY:
        for end in ends:
            _same(text + end)
            _same(end + text)


def test_seeded_mutations_read_as_before() -> None:
    rng = random.Random(31)
    bases = TRICKY + _generated(40) + [t for t in _files() if len(t) < 4000][:80]
    read = stopped = 0
    for _ in range(4000):
        if _same(_mutated(rng, rng.choice(bases))):
            read += 1
        else:
            stopped += 1
    assert read > 500 and stopped > 500
