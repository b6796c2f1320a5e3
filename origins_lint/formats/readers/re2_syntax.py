"""Which regexes RE2 (Envoy, Istio) and Go's `regexp` (Traefik, Istio's validation) refuse to compile.

An engine that cannot compile an origin regex refuses the whole configuration
(Envoy NACKs the route, Istio's validation rejects the VirtualService, Traefik
fails to build the middleware: `regexp.Compile` in NewHeader of
traefik pkg/middlewares/headers/header.go). That is a broken deployment, not a
pattern we merely could not analyse, so the formats report it as a schema
problem.

The answer comes from syntax alone, never from running a pattern: the
constructs RE2's syntax page marks NOT SUPPORTED (look-arounds,
back-references, atomic groups, possessive quantifiers, conditionals, `\\Z`,
`(?#...)`, flags other than `imsU`), repeat counts over 1000, and the syntax
errors RE2 and CPython's parser both report (a missing `)`, an unterminated
class, a repeat with nothing to repeat). A pattern CPython cannot parse for a
reason RE2 does not share (`\\pL`, `(?U)`, flags mid-pattern) is not called
refused: the analysis reports it as not analysed (OL004) instead.
"""

from __future__ import annotations

import re
import re._parser as sre_parse
import warnings
from typing import Final

from origins_lint.matchers import MAX_PATTERN_LENGTH, translate
from origins_lint.model import Dialect

MAX_REPEAT: Final = 1000  # RE2 and Go: "invalid repeat count" above it
# escapes of a letter or digit that RE2 and Go accept outside a class
_ESCAPES: Final = frozenset("afnrtvxAzbBdDsSwWpPQEC0")  # `\C`: one byte (RE2; Go refuses it)
_OCTAL: Final = frozenset("01234567")
_LOOKAROUND: Final = ("(?=", "(?!", "(?<=", "(?<!")
_GROUP_STARTS: Final = {
    "(?>": "an atomic group `(?>...)`",
    "(?P=": "a back-reference `(?P=name)`",
    "(?P>": "recursion `(?P>name)`",
    "(?(": "a conditional group `(?(...)...)`",
    "(?#": "a comment `(?#...)`",
    "(?'": "a named group spelled `(?'name'...)`",
    "(?|": "a branch-reset group `(?|...)`",
}
_FLAGS = re.compile(r"\(\?(?:P?<[A-Za-z_][A-Za-z0-9_]*>|[imsU]*(?:-[imsU]+)?[:)])")
_REPEAT = re.compile(r"\{(\d+)(?:(,)(\d*))?\}")
_LITERAL_BRACE = re.compile(r"(?<!\\)\{,(\d*)\}")  # `{,3}` is text to RE2, a repeat to CPython
# CPython errors that RE2 reports too (its own wording in parentheses)
_SHARED_ERRORS: Final = (
    "missing )",  # missing closing )
    "unbalanced parenthesis",  # unexpected )
    "unterminated character set",  # missing closing ]
    "bad character range",  # bad character class range
    "min repeat greater than max repeat",  # bad repetition operator
    "bad escape (end of pattern)",  # trailing \
)


def refusal(pattern: str) -> str | None:
    """Why RE2 and Go's regexp would not compile ``pattern``; None when they would or we cannot tell."""
    found = _unsupported(pattern)  # a noun phrase: "a back-reference `\\1`"
    if found is not None:
        return f"it uses {found}, which RE2 does not support"
    if len(pattern) > MAX_PATTERN_LENGTH:  # the analysis reads no longer pattern either (OL004)
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sre_parse.parse(_LITERAL_BRACE.sub(r"\\{,\1\\}", translate(pattern, Dialect.RE2)))
    except re.error as error:
        # RE2 reads `[\\d-z]` as a class, `-` and `z`; CPython calls it a bad range
        shared = any(error.msg.startswith(known) for known in _SHARED_ERRORS)
        if shared and "[:" not in pattern and not error.msg.startswith("bad character range \\"):
            where = f" at position {error.pos}" if error.pos is not None else ""
            return f"{error.msg}{where}"  # the same error in RE2
    except (RecursionError, OverflowError, ValueError):
        return None
    return None


def _unsupported(pattern: str) -> str | None:
    """The first construct RE2 refuses that CPython's parser would accept or misread.

    One scan, outside character classes but for their escapes; ``atom`` says whether there is
    something a quantifier could repeat (RE2 repeats an assertion such as `^` or `\\b`, not a
    group opening or an alternation), ``repeated`` that a quantifier was just read (1) or its
    lazy `?` too (2).
    """
    index, size, in_class, atom, repeated, repeat_at = 0, len(pattern), False, False, 0, 0
    while index < size:
        char = pattern[index]
        if char == "\\":
            nxt = pattern[index + 1 : index + 2]
            end = index + 2
            if nxt in "xpP" and pattern[end : end + 1] == "{":  # `\\x{41}`, `\\p{Greek}`
                close = pattern.find("}", end)
                end = size if close < 0 else close + 1
            elif nxt == "Q":  # quoted text runs to `\\E`
                close = pattern.find("\\E", end)
                end = size if close < 0 else close + 2
            elif nxt.isdigit() and nxt != "0":
                if not (nxt in _OCTAL and pattern[end : end + 1] in _OCTAL):
                    return f"a back-reference `\\{nxt}`"
            elif not in_class and nxt.isascii() and nxt.isalpha() and nxt not in _ESCAPES:
                return f"the escape `\\{nxt}`"
            index, atom, repeated = end, True, 0
            continue
        if in_class:
            if char == "[" and pattern[index + 1 : index + 2] == ":":  # `[:alpha:]`
                close = pattern.find(":]", index + 2)
                index = size if close < 0 else close + 2
                continue
            in_class = char != "]"
            index += 1
            continue
        if char == "[":
            in_class, atom, repeated = True, True, 0
            index += 1
            index += 1 if pattern[index : index + 1] == "^" else 0
            index += 1 if pattern[index : index + 1] == "]" else 0  # a `]` first in a class is literal
            continue
        if char == "(" and pattern[index + 1 : index + 2] == "?":
            if pattern.startswith(_LOOKAROUND, index):
                end = index + (4 if pattern[index + 2] == "<" else 3)
                return f"a look-around assertion `{pattern[index:end]}...)`"
            for start, what in _GROUP_STARTS.items():
                if pattern.startswith(start, index):
                    return what
            flags = _FLAGS.match(pattern, index)
            if flags is None:
                return f"the group `{pattern[index : index + 4]}...` (flags other than i, m, s and U)"
            # `(?i)` alone changes flags and leaves what came before repeatable; `(?i:` opens a group
            index, atom, repeated = flags.end(), atom and flags.group(0).endswith(")"), 0
            continue
        repeat = _REPEAT.match(pattern, index) if char == "{" else None
        if char in "*+?" or repeat is not None:
            end = repeat.end() if repeat is not None else index + 1
            if repeated == 1 and char == "?":  # `*?`: the lazy form
                index, repeated = end, 2
                continue
            if repeated:
                shown = pattern[repeat_at:end]
                return f"a quantifier on a quantifier `{shown}` (possessive or nested)"
            if not atom:
                return f"a quantifier with nothing to repeat (`{pattern[index:end]}` at position {index})"
            if repeat is not None:
                counts = [int(group) for group in (repeat.group(1), repeat.group(3)) if group]
                if any(count > MAX_REPEAT for count in counts):
                    return f"a repeat count over {MAX_REPEAT} (`{repeat.group(0)}`)"
            index, repeat_at, repeated = end, index, 1
            continue
        atom, repeated = char not in "(|", 0
        index += 1
    return None


# --- program size ---------------------------------------------------------------------------
# Envoy refuses a `safe_regex` whose compiled RE2 program has more instructions than
# `re2.max_program_size.error_level` (runtime, 100 by default), or than the matcher's deprecated
# `google_re2.max_program_size` when that is set: CompiledGoogleReMatcher in
# envoyproxy/envoy source/common/common/regex.cc (044dbf14). `program_size_floor` is a lower
# bound of RE2's `ProgramSize()` read from the syntax alone, so a regex whose floor is over the
# limit is surely refused, and one under it is never called refused.
_CHAR_ITEMS: Final = frozenset({sre_parse.LITERAL, sre_parse.NOT_LITERAL, sre_parse.IN, sre_parse.ANY})
_REPEATS: Final = frozenset({sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT})
_Item = tuple[object, object]


def program_size_floor(pattern: str) -> int | None:
    """At least how many instructions RE2 compiles ``pattern`` to; None when it cannot be told.

    Counted: one for the fail instruction and, unless the pattern may start with `^` or `\\A`, one
    for the match and two for the unanchored `.*?` prefix RE2 adds (and none for the literal text right
    after a leading `^`, which RE2 matches apart), each literal character's UTF-8
    bytes, one for each class or `.`, two for each capturing group, the minimum count of each
    repeat times its body, and an alternation as RE2's simplifier leaves it at best: branches
    share their common leading items (a trie), and branches that are one character or class
    merge into one class. Nothing is counted that RE2 could simplify away (a `*` body, empty-width
    assertions, the alternation's own instructions). tests/test_re2_program_size.py checks the
    bound against RE2's own count.
    """
    if len(pattern) > MAX_PATTERN_LENGTH or _unsupported(pattern) is not None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(_LITERAL_BRACE.sub(r"\\{,\1\\}", translate(pattern, Dialect.RE2)))
        items = list(parsed)
        if items and items[0][0] is sre_parse.AT:  # RE2 takes a `^literal` prefix out of the program
            rest = 1
            while rest < len(items) and _literal(items[rest]):
                rest += 1
            items = items[:1] + items[rest:]
        body = _sequence(items)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    anchored = "^" in pattern or "\\A" in pattern
    return (1 if anchored else 4) + body


def _literal(item: _Item) -> bool:
    """A literal character, or a group without capture of literals only (`(?i:https)`)."""
    op, value = item
    if op is sre_parse.SUBPATTERN and isinstance(value, tuple) and value[0] is None:
        return all(_literal(inner) for inner in value[3])
    return op is sre_parse.LITERAL


def _sequence(items: list[_Item]) -> int:
    return sum(_item(item) for item in items)


def _item(item: _Item) -> int:
    op, value = item
    if op is sre_parse.LITERAL:
        return len(chr(value).encode("utf-8", "surrogatepass")) if isinstance(value, int) else 1
    if op in _CHAR_ITEMS:
        return 1
    if op is sre_parse.SUBPATTERN and isinstance(value, tuple):
        group, _add, _remove, body = value
        return (2 if group is not None else 0) + _sequence(list(body))
    if op in _REPEATS and isinstance(value, tuple):
        low, _high, body = value
        return int(low) * _sequence(list(body))
    if op is sre_parse.BRANCH and isinstance(value, tuple):
        return _branches([list(branch) for branch in value[1]])
    return 0  # `^`, `$`, `\b`, categories outside a class: empty width or one instruction at most


def _branches(branches: list[list[_Item]]) -> int:
    """An alternation's floor: a trie of its branches, single-character leaves merged into one class."""
    groups: dict[str, tuple[_Item, list[list[_Item]]]] = {}
    for branch in map(_flat, branches):
        if not branch:
            continue
        key = repr(branch[0])
        groups.setdefault(key, (branch[0], []))[1].append(branch[1:])
    total, leaves = 0, False
    for first, rests in groups.values():
        longer = [rest for rest in rests if rest]
        if not longer and first[0] in _CHAR_ITEMS:
            leaves = True
            continue
        total += _item(first) + (_branches(longer) if longer else 0)
    return total + (1 if leaves else 0)


def _flat(items: list[_Item]) -> list[_Item]:
    """Groups without capture opened up, flags dropped: RE2 keeps no node for them (`a|(?i:a)`)."""
    out: list[_Item] = []
    for op, value in items:
        if op is sre_parse.SUBPATTERN and isinstance(value, tuple) and value[0] is None:
            out.extend(_flat(list(value[3])))
        else:
            out.append((op, value))
    return out
