"""HAProxy ACLs and `if`/`unless` conditions, read into tests on the request's Origin.

An ACL line is `acl <name> <criterion> [flags] [<pattern>] ...` (doc/configuration.txt 7.1);
lines with the same name accumulate and match when any of them does. A line matches when any
of its patterns does. The flags: `-i` (ignore case for the patterns after it), `-f <file>`
(patterns from a file, one a line, `#` lines and blanks skipped, leading blanks stripped), `-m
<method>`, `-n`, `-M`, `-u <id>`, `--` (end of flags).

The criterion's match method (7.1.3 "Matching strings", the `req.hdr` ACL derivatives in 7.3.6,
src/pattern.c):

- `hdr(origin)`, `req.hdr(origin)`, `req.fhdr(origin)` without `-m`: `str`, exact
  (`pat_match_str`: same length and `strncmp`, `strncasecmp` with `-i`);
- `hdr_beg` / `-m beg`: a prefix (`pat_match_beg`); `hdr_end` / `-m end`: a suffix
  (`pat_match_end`), so `-m end example.com` admits `https://evil-example.com`;
  `hdr_sub` / `-m sub`: anywhere (`pat_match_sub`);
- `hdr_dom` / `-m dom`: the pattern, its leading and trailing delimiters stripped, found between
  delimiters `/`, `?`, `.`, `:` or the ends (`match_word` with `make_4delim('/', '?', '.', ':')`):
  `-m dom example.com` admits `https://example.com.evil.net` and `https://evil.example.com`;
- `hdr_reg` / `-m reg`: a PCRE search (`pat_match_reg`, `regex_exec2`), unanchored unless the
  pattern says `^`/`$`;
- `-m found`, `hdr_cnt`, `-m len`: the header is there, or its length: no restriction on the origin;
- a converter after the fetch (`,lower`) replaces the derivative's method by its output type's
  (7.1 "the default matching method from the ACL keyword is simply ignored"); `,lower` only
  folds case, which a browser's Origin already is, so it is read as the fetch itself.

A condition (7.2) is a disjunction of conjunctions of `[!]acl` terms, `or`/`||` between them,
`{ ... }` an anonymous ACL; `unless` negates it (src/acl.c `build_acl_cond`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from origins_lint.formats.webservers.haproxy.lexer import Word

MAX_TERMS: Final = 64
# doc/configuration.txt 7.4, src/acl.c `default_acl_list`
PREDEFINED: Final = frozenset(
    {
        "TRUE", "FALSE", "LOCALHOST", "HTTP", "HTTP_1.0", "HTTP_1.1", "HTTP_2.0", "HTTP_3.0",
        "METH_CONNECT", "METH_DELETE", "METH_GET", "METH_HEAD", "METH_OPTIONS", "METH_POST",
        "METH_PUT", "METH_TRACE", "HTTP_URL_ABS", "HTTP_URL_SLASH", "HTTP_URL_STAR",
        "HTTP_CONTENT", "RDP_COOKIE", "REQ_CONTENT", "WAIT_END",
    }
)  # fmt: skip
# the derivatives of `hdr`/`req.hdr` and the method each implies (7.3.6, req.hdr)
DERIVED: Final = {
    "hdr": "str", "hdr_beg": "beg", "hdr_dir": "dir", "hdr_dom": "dom", "hdr_end": "end",
    "hdr_len": "len", "hdr_reg": "reg", "hdr_sub": "sub", "hdr_cnt": "found", "hdr_val": "int",
}  # fmt: skip
ORIGIN_FETCHES: Final = frozenset({"hdr", "req.hdr", "req.fhdr", "fhdr"})
# converters that keep an origin an origin: a browser's Origin is lower case already
TRANSPARENT: Final = frozenset({"lower"})
# fetches that hold what a rule stored: an Origin, when that is what was stored
CARRIERS: Final = frozenset({"var", "capture.req.hdr"})
_FETCH = re.compile(r"^([A-Za-z0-9_.]+)(?:\(([^)]*)\))?((?:,.*)?)$", re.DOTALL)
METHODS: Final = frozenset(
    {"found", "bool", "int", "ip", "bin", "len", "str", "sub", "reg", "beg", "end", "dir", "dom"}
)


@dataclass(frozen=True, slots=True)
class Pattern:
    text: str
    icase: bool
    word: Word


@dataclass(frozen=True, slots=True)
class Test:
    """One ACL line or anonymous ACL: what it fetches and how it matches."""

    subject: str  # "origin", "true", "false", "other"
    method: str  # str, beg, end, sub, dom, reg, found, len, ... ("" when not on the origin)
    patterns: tuple[Pattern, ...]
    files: tuple[tuple[Word, bool], ...]  # `-f` arguments, with `-i` as it stood before each
    where: Word  # the criterion
    carrier: str = ""  # `var(txn.x)` or `capture.req.hdr(0)`: origin tests when that holds the Origin


@dataclass(frozen=True, slots=True)
class Literal:
    test: Test
    negated: bool


Conjunction = tuple[Literal, ...]
Condition = tuple[Conjunction, ...]  # any one conjunction holds
ALWAYS: Final[Condition] = ((),)


class ConditionError(ValueError):
    """What HAProxy refuses in a condition or an ACL, with the word it points at."""

    def __init__(self, message: str, word: Word) -> None:
        super().__init__(message)
        self.word = word


def origin_fetch(expression: str) -> tuple[str, str, tuple[str, ...]] | None:
    """`req.hdr(origin),lower` as (fetch, header argument, converters); None when not a fetch."""
    found = _FETCH.match(expression.strip())
    if found is None:
        return None
    args = (found.group(2) or "").split(",")
    converters = tuple(c.strip() for c in _split_top(found.group(3))[1:]) if found.group(3) else ()
    return found.group(1).lower(), args[0].strip().strip("'\"").lower(), converters


def _split_top(text: str) -> list[str]:
    """Split on commas outside parentheses (converter chains)."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def parse_test(words: list[Word], anchor: Word) -> Test:
    """`<criterion> [flags] [patterns]` (the words after `acl <name>`, or inside `{ }`)."""
    if not words:
        raise ConditionError("an ACL needs a criterion (a sample fetch)", anchor)
    criterion = words[0]
    fetched = origin_fetch(criterion.text)
    name = fetched[0] if fetched else criterion.text.lower()
    if name == "always_true":
        return Test("true", "", (), (), criterion)
    if name == "always_false":
        return Test("false", "", (), (), criterion)
    base = name.removeprefix("req.")
    method = DERIVED.get(base, "") if base in DERIVED or name in ORIGIN_FETCHES else ""
    if name in ORIGIN_FETCHES:
        method = "str"
    on_origin = fetched is not None and fetched[1] == "origin" and (base in DERIVED or name in ORIGIN_FETCHES)
    carrier = f"{name}({fetched[1]})" if fetched is not None and name in CARRIERS else ""
    if carrier:
        method = "str"  # a string fetch: 7.1's default for strings
    if fetched is not None and fetched[2]:
        if any(c.split("(")[0].strip().lower() not in TRANSPARENT for c in fetched[2]):
            if on_origin:  # a converter not modelled: the caller says it is not analysed
                return Test("converted", "", (), (), criterion)
        elif base != "hdr" and name not in ORIGIN_FETCHES:
            method = "str"  # 7.1: a converter's output type decides; `lower` returns a string
    patterns: list[Pattern] = []
    files: list[tuple[Word, bool]] = []
    icase = False
    index = 1
    flags = True
    while index < len(words):
        word = words[index]
        text = word.text
        if flags and text.startswith("-") and len(text) > 1:
            if text == "--":
                flags = False
            elif text == "-i":
                icase = True
            elif text in ("-n", "-M"):
                pass
            elif text in ("-f", "-m", "-u"):
                if index + 1 >= len(words):
                    raise ConditionError(f"`{text}` needs an argument", word)
                value = words[index + 1]
                if text == "-f":
                    files.append((value, icase))
                elif text == "-m":
                    if value.text not in METHODS:
                        raise ConditionError(f"unknown matching method `-m {value.text}`", value)
                    method = value.text
                index += 1
            else:
                raise ConditionError(f"unknown ACL flag `{text}`", word)
            index += 1
            continue
        flags = False
        patterns.append(Pattern(text, icase, word))
        index += 1
    if carrier and not (fetched is not None and fetched[2]):
        return Test("other", method, tuple(patterns), tuple(files), criterion, carrier)
    if not on_origin:
        return Test("other", method, tuple(patterns), tuple(files), criterion)
    return Test("origin", method, tuple(patterns), tuple(files), criterion)


@dataclass
class AclTable:
    """A proxy's named ACLs, each its lines in declaration order."""

    named: dict[str, list[Test]] = field(default_factory=dict)

    def add(self, name: str, test: Test) -> None:
        self.named.setdefault(name, []).append(test)


def parse_condition(words: list[Word], table: AclTable, anchor: Word) -> Condition:
    """The words after `if`/`unless` (the keyword included) as a disjunction of conjunctions."""
    if not words:
        return ALWAYS
    keyword = words[0].text
    suites: list[list[tuple[list[Test], bool]]] = [[]]  # each term: its ACL lines (OR), negated
    index = 1
    if index >= len(words):
        raise ConditionError(f"`{keyword}` needs a condition", words[0])
    while index < len(words):
        word = words[index]
        text = word.text
        negated = False
        while text.startswith("!"):
            negated = not negated
            text = text[1:]
        if not text:
            index += 1
            continue
        if text.lower() == "or" or text == "||":
            suites.append([])
            index += 1
            continue
        if text == "{":
            end = index + 1
            while end < len(words) and words[end].text != "}":
                end += 1
            if end >= len(words):
                raise ConditionError("missing closing `}` in condition", word)
            suites[-1].append(([parse_test(words[index + 1 : end], word)], negated))
            index = end + 1
            continue
        if text in table.named:
            suites[-1].append((list(table.named[text]), negated))
        elif text in PREDEFINED:
            subject = {"TRUE": "true", "FALSE": "false"}.get(text, "other")
            suites[-1].append(([Test(subject, "", (), (), word)], negated))
        else:
            raise ConditionError(
                f"no such ACL: `{text}` (HAProxy refuses a condition naming an ACL not declared above it)",
                word,
            )
        index += 1
    condition = _dnf(suites)
    return _negate(condition) if keyword == "unless" else condition


def _dnf(suites: list[list[tuple[list[Test], bool]]]) -> Condition:
    out: list[Conjunction] = []
    for suite in suites:
        conjunctions: list[Conjunction] = [()]
        for tests, negated in suite:
            if negated:  # !(a or b) = !a and !b
                conjunctions = [c + tuple(Literal(t, True) for t in tests) for c in conjunctions]
            else:
                conjunctions = [(*c, Literal(t, False)) for c in conjunctions for t in tests][:MAX_TERMS]
        out.extend(conjunctions)
    return tuple(out[:MAX_TERMS])


def _negate(condition: Condition) -> Condition:
    """!(c1 or c2) = !c1 and !c2, each !ci a disjunction of its negated literals."""
    result: list[Conjunction] = [()]
    for conjunction in condition:
        if not conjunction:
            return ()  # `unless TRUE`-like: an empty conjunction always holds, so never
        result = [(*r, Literal(lit.test, not lit.negated)) for r in result for lit in conjunction][:MAX_TERMS]
    return tuple(result)


def possible(conjunction: Conjunction) -> bool:
    """False when a literal can never hold (`FALSE`, `!TRUE`)."""
    for literal in conjunction:
        subject = literal.test.subject
        if (subject == "false" and not literal.negated) or (subject == "true" and literal.negated):
            return False
    return True


def guard(conjunction: Conjunction, carries: Callable[[str], bool]) -> Test | None:
    """The test on the origin this conjunction requires, if any (the first; an AND of several
    admits at most what each admits, so any one is an over-approximation). Negated tests and
    presence or length tests restrict nothing an attacker cannot meet. A test on a variable or
    a capture counts when ``carries`` says it holds the Origin."""
    for literal in conjunction:
        test = literal.test
        if (
            (test.subject == "origin" or (test.carrier and carries(test.carrier)))
            and not literal.negated
            and test.method not in ("found", "len", "int", "bool")
        ):
            return test
    return None


def converted(conjunction: Conjunction) -> Test | None:
    """A positive test on the origin through a converter this reader does not model."""
    for literal in conjunction:
        if not literal.negated and literal.test.subject == "converted":
            return literal.test
    return None


def split_condition(words: list[Word]) -> tuple[list[Word], list[Word]]:
    """A rule's arguments and its `if`/`unless` condition (the keyword first), if any."""
    for index, word in enumerate(words):
        if word.text in ("if", "unless"):
            return words[:index], words[index:]
    return words, []
