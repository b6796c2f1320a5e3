"""What an origin regex really accepts, shown with origins it lets in.

Patterns come from files under review, so they are never run in a
backtracking engine. The pattern is parsed with CPython's regex parser (a
parse, not a match) into a tree; that tree is compiled to a Thompson NFA whose
simulation is linear in the input and bounded in states and steps. Witness
strings (what the author meant the regex to accept) are generated from the
tree, mutated into attack candidates, and a candidate is reported only after
the NFA has confirmed that the regex accepts it under the engine's semantics.
"""

from __future__ import annotations

import re
import re._constants as sre_c
import re._parser as sre_parse
import warnings
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property, lru_cache
from typing import Any, Final, cast

from origins_lint import limits
from origins_lint.limits import Limits
from origins_lint.model import Dialect, Engine, MatchMode
from origins_lint.origins import is_public_suffix, known_public_suffix, read_origin, registrable_domain
from origins_lint.records import field, record

MAX_PATTERN_LENGTH: Final = 4096
MAX_WITNESSES: Final = 32
ATTACKER: Final = "attacker.net"

CharTest = Callable[[str], bool]


class Unsupported(Exception):
    """The pattern uses something the analysis does not model; the finding says so."""


# --- NFA ----------------------------------------------------------------------

_CHAR, _SPLIT, _ASSERT, _MATCH = range(4)


@record(slots=True)
class _State:
    op: int
    test: CharTest | None = None
    out: int = -1
    out2: int = -1
    assertion: str = ""


@record(slots=True)
class _Frag:
    start: int
    ends: list[tuple[int, int]]  # (state, which out: 1 or 2) still to patch


class _Compiler:
    def __init__(self, max_states: int) -> None:
        self.states: list[_State] = []
        self.max_states = max_states

    def add(self, state: _State) -> int:
        if len(self.states) >= self.max_states:
            raise Unsupported(
                f"the pattern needs more than {self.max_states:,} automaton states "
                "(the limit is `max-regex-states`)"
            )
        self.states.append(state)
        return len(self.states) - 1

    def patch(self, ends: list[tuple[int, int]], target: int) -> None:
        for index, which in ends:
            if which == 1:
                self.states[index].out = target
            else:
                self.states[index].out2 = target

    def empty(self) -> _Frag:
        index = self.add(_State(_SPLIT))
        # a split whose second branch is never taken behaves as an epsilon
        self.states[index].out2 = -2
        return _Frag(index, [(index, 1)])

    def seq(self, items: Iterable[tuple[Any, Any]], icase: bool) -> _Frag:
        # the fragment so far: its start, and its ends, or `lit` when it ends with a literal (the
        # most common item, made inline, whose one end is its `out`); neither: nothing yet
        start, ends, lit = -1, None, -1
        states = self.states
        for op, arg in items:
            if op is sre_c.LITERAL:
                index = len(states)
                if index >= self.max_states:
                    self.add(_State(_CHAR))  # raises Unsupported: the limit
                states.append(_State(_CHAR, _literal(arg, icase)))
                if lit >= 0:
                    states[lit].out = index
                elif ends is not None:
                    self.patch(ends, index)
                else:
                    start = index
                lit, ends = index, None
                continue
            nxt = self.item(op, arg, icase)
            if lit >= 0:
                states[lit].out = nxt.start
            elif ends is not None:
                self.patch(ends, nxt.start)
            else:
                start = nxt.start
            lit, ends = -1, nxt.ends
        if lit >= 0:
            return _Frag(start, [(lit, 1)])
        return _Frag(start, ends) if ends is not None else self.empty()

    def char(self, test: CharTest) -> _Frag:
        index = self.add(_State(_CHAR, test=test))
        return _Frag(index, [(index, 1)])

    def item(self, op: Any, arg: Any, icase: bool) -> _Frag:
        if op in (sre_c.LITERAL, sre_c.NOT_LITERAL, sre_c.ANY, sre_c.IN):
            return self.char(char_test(op, arg, icase))
        if op is sre_c.AT:
            index = self.add(_State(_ASSERT, assertion=str(arg)))
            return _Frag(index, [(index, 1)])
        if op is sre_c.SUBPATTERN:
            _group, add_flags, del_flags, sub = arg
            inner = (icase or bool(add_flags & sre_c.SRE_FLAG_IGNORECASE)) and not (
                del_flags & sre_c.SRE_FLAG_IGNORECASE
            )
            return self.seq(sub, inner)
        if op is sre_c.ATOMIC_GROUP:
            raise Unsupported("atomic groups `(?>...)` change what matches; not analysed")
        if op is sre_c.BRANCH:
            return self.branch([self.seq(alt, icase) for alt in arg[1]])
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
            low, high, sub = arg
            return self.repeat(low, high, lambda: self.seq(sub, icase))
        if op is sre_c.POSSESSIVE_REPEAT:
            raise Unsupported("possessive quantifiers change what matches; not analysed")
        names = {
            sre_c.GROUPREF: "back-references",
            sre_c.GROUPREF_EXISTS: "conditional groups",
            sre_c.ASSERT: "lookaround assertions",
            sre_c.ASSERT_NOT: "lookaround assertions",
        }
        raise Unsupported(f"{names.get(op, str(op).lower())} are not analysed")

    def branch(self, frags: list[_Frag]) -> _Frag:
        result = frags[0]
        for other in frags[1:]:
            index = self.add(_State(_SPLIT, out=result.start, out2=other.start))
            result = _Frag(index, result.ends + other.ends)
        return result

    def optional(self, build: Callable[[], _Frag]) -> _Frag:
        body = build()
        index = self.add(_State(_SPLIT, out=body.start))
        return _Frag(index, [*body.ends, (index, 2)])

    def star(self, build: Callable[[], _Frag]) -> _Frag:
        body = build()
        index = self.add(_State(_SPLIT, out=body.start))
        self.patch(body.ends, index)
        return _Frag(index, [(index, 2)])

    def repeat(self, low: int, high: int, build: Callable[[], _Frag]) -> _Frag:
        unbounded = high is sre_c.MAXREPEAT or high >= self.max_states
        parts = [build() for _ in range(low)]
        if unbounded:
            parts.append(self.star(build))
        else:
            parts.extend(self.optional(build) for _ in range(high - low))
        if not parts:
            return self.empty()
        first = parts[0]
        ends = first.ends
        for part in parts[1:]:
            self.patch(ends, part.start)
            ends = part.ends
        return _Frag(first.start, ends)


def _category(name: str) -> CharTest:
    base = name.replace("CATEGORY_", "").replace("UNI_", "").replace("LOC_", "")
    negate = base.startswith("NOT_")
    base = base.removeprefix("NOT_")
    tests: dict[str, CharTest] = {
        "DIGIT": str.isdigit,
        "SPACE": str.isspace,
        "WORD": lambda c: c.isalnum() or c == "_",
        "LINEBREAK": lambda c: c == "\n",
    }
    test = tests[base]
    return (lambda c: not test(c)) if negate else test


def _never(_char: str) -> bool:
    return False


def _in_range(low: int, high: int) -> CharTest:
    # a caseless class also asks the case mappings of a character, and some are longer than one
    # (U+0149 upper-cases to U+02BC and `N`): no range holds those, as PCRE and Python fold one
    # code point to one
    return lambda c: len(c) == 1 and low <= ord(c) <= high


@lru_cache(maxsize=1024)
def _literal(code: int, icase: bool) -> CharTest:
    """One literal character's test, made once a run: most states of most patterns are these."""
    return frozenset({chr(code), chr(code).lower(), chr(code).upper()} if icase else {chr(code)}).__contains__


def char_test(op: Any, arg: Any, icase: bool) -> CharTest:
    """A predicate for one character position; case folding applied once here."""
    if op is sre_c.ANY:
        return lambda c: c != "\n"
    if op is sre_c.LITERAL:
        return _literal(arg, icase)
    if op is sre_c.NOT_LITERAL:
        wanted = {chr(arg), chr(arg).lower(), chr(arg).upper()} if icase else {chr(arg)}
        return lambda c: c not in wanted
    negate = False
    tests: list[CharTest] = []
    chars: set[str] = set()
    for item_op, item_arg in arg:
        if item_op is sre_c.NEGATE:
            negate = True
        elif item_op is sre_c.LITERAL:
            chars.add(chr(item_arg))
        elif item_op is sre_c.RANGE:
            tests.append(_in_range(*item_arg))
        elif item_op is sre_c.CATEGORY:
            tests.append(_category(str(item_arg)))

    member = _member(chars, tests)
    if icase:
        plain = member

        def folded(c: str) -> bool:
            return plain(c) or plain(c.lower()) or plain(c.upper())

        member = folded
    return (lambda c: not member(c)) if negate else member


def _member(chars: set[str], tests: list[CharTest]) -> CharTest:
    """``c in chars or any(test(c) for test in tests)``, without the generator where it can."""
    if not tests:
        return chars.__contains__
    if len(tests) == 1:
        only = tests[0]
        return lambda c: c in chars or bool(only(c))
    return lambda c: c in chars or any(test(c) for test in tests)


class Budget(Exception):
    """The simulation of one text ran out of steps (`max-regex-steps`)."""


# What the assertions (`^`, `$`, `\b` ...) can see at a position: (at the start, after a newline,
# at the end, before a final newline, word character before, word character after).
Context = tuple[bool, bool, bool, bool, bool, bool]


def _context(text: str, pos: int) -> Context:
    size = len(text)
    before = text[pos - 1] if pos > 0 else ""
    after = text[pos] if pos < size else ""
    return (
        pos == 0,
        before == "\n",
        pos == size,
        pos == size - 1 and after == "\n",
        before.isalnum() or before == "_",
        after.isalnum() or after == "_",
    )


Step = tuple[frozenset[int], bool, int]  # (states after it, whether one matches, its cost in steps)


@record()
class Automaton:
    """A Thompson NFA run as a lazy DFA: each (state set, character, context) step is worked out once.

    The candidates rules try against one pattern share long prefixes (`https://`, the host), so
    most steps after the first candidate are a dictionary lookup; a step along a run of literal
    characters is not kept but tested directly (`_run`), as cheap as that lookup. A text is
    charged the steps it would cost without that memo, so whether it runs over `max_steps` never
    depends on which texts came before it (nor on file order or `--jobs`); and memory stays
    bounded, since every new transition is paid for in steps.
    """

    states: list[_State]
    start: int
    mode: MatchMode
    max_steps: int
    _starts: dict[Context, Step] = field(default_factory=dict)
    _moves: dict[tuple[frozenset[int], str, Context], Step] = field(default_factory=dict)
    # the state sets that are one character state and the `_dead` states, with that state (-1: a
    # set that is not), and the other way round (`_run_of`, `_run_set`)
    _run_index: dict[frozenset[int], int] = field(default_factory=dict)
    _run_sets: dict[int, frozenset[int]] = field(default_factory=dict)
    # the steps in the middle of a text (context `_MIDDLE`), by state set then character: most of
    # a run's steps, asked without building and hashing a key tuple each; `_moves` has the others
    _middle: dict[frozenset[int], dict[str, Step]] = field(default_factory=dict)
    # each text's answer and charge (see `matches`), for at most `_ANSWERS_KEPT` texts
    _answers: dict[str, tuple[bool, int]] = field(default_factory=dict)

    def _closure(self, seeds: Iterable[int], context: Context) -> Step:
        into: set[int] = set()
        stack = list(seeds)
        matched = False
        cost = 1
        states = self.states
        while stack:
            index = stack.pop()
            cost += 1
            if index < 0 or index in into:
                continue
            into.add(index)
            state = states[index]
            op = state.op
            if op == _MATCH:
                matched = True
            elif op == _SPLIT:
                stack.append(state.out)
                stack.append(state.out2)
            elif op == _ASSERT and _assertion_holds(state.assertion, context):
                stack.append(state.out)
        return frozenset(into), matched, cost

    def _move(self, current: frozenset[int], char: str, context: Context) -> Step:
        """The step, worked out once: a `_MIDDLE` one kept in its state set's row, any other by key."""
        if context == _MIDDLE:
            row = self._middle.get(current)
            if row is None:
                row = self._middle[current] = {}
            found = row.get(char)
            if found is None:
                found = row[char] = self._step(current, char, context)
            return found
        key = (current, char, context)
        found = self._moves.get(key)
        if found is None:
            found = self._moves[key] = self._step(current, char, context)
        return found

    def _step(self, current: frozenset[int], char: str, context: Context) -> Step:
        chars = self._chars
        targets = [entry[1] for i in current if (entry := chars[i]) is not None and entry[0](char)]
        if self._search:
            targets.append(self.start)
        states, matched, cost = self._closure(targets, context)
        dead = self._dead
        if dead is not None and states == dead[0]:
            states = dead[0]  # the one object: `matches` knows it by identity
        return states, matched, cost + len(current)

    @cached_property
    def _chars(self) -> list[tuple[CharTest, int] | None]:
        """Each state's character test and where it leads, for a character state; None for others."""
        return cast(
            "list[tuple[CharTest, int] | None]",
            [(s.test, s.out) if s.op == _CHAR else None for s in self.states],
        )

    @cached_property
    def _matching(self) -> frozenset[int]:
        """The match states (the compiler makes one)."""
        return frozenset(i for i, state in enumerate(self.states) if state.op == _MATCH)

    @cached_property
    def _search(self) -> bool:
        return self.mode is MatchMode.SEARCH

    @cached_property
    def _dead(self) -> tuple[frozenset[int], int, bool] | None:
        """A state set no character in the middle of a text leads out of, with what each step from
        it costs, and whether it holds at the end too (then no text that reaches it matches).

        A full match that lost every state stays empty whatever follows, one step at a time. A
        search whose every path must first pass an assertion that fails in the middle of a text
        (`^https://...`) restarts into the same states at each character and never moves on from
        them until the end: `matches` charges such a stretch at once instead of walking it.
        """
        if self._line_aware:
            return None  # the assertions see each character: no stretch is the same throughout
        if self.mode is not MatchMode.SEARCH:
            return frozenset(), 1, True
        states, matched, cost = self._closure([self.start], _MIDDLE)
        if matched or any(self.states[i].op == _CHAR for i in states):
            return None
        return states, cost + len(states), False

    @cached_property
    def _line_aware(self) -> bool:
        """Whether an assertion looks at more than the ends of the text (`\\b`, multiline `^`)."""
        return not {state.assertion for state in self.states if state.op == _ASSERT} <= _END_ASSERTIONS

    def matches(self, text: str) -> bool:
        """Linear-time simulation; raises Budget past `max_steps` for this text.

        A text asked again (a fifth of the rules' asking: the same origin from two rules) is
        answered from ``_answers``: its answer and the steps its walk was charged at its last
        budget check, which is past `max_steps` exactly when the walk would raise Budget now.
        """
        known = self._answers.get(text)
        if known is None:
            known = self._walk(text)  # raises Budget past `max_steps`
            if len(self._answers) < _ANSWERS_KEPT:
                self._answers[text] = known
        answer, charged = known
        if charged > self.max_steps:
            raise Budget
        return answer

    def _walk(self, text: str) -> tuple[bool, int]:
        """The answer, and the steps at the walk's last budget check (0: it made none)."""
        search = self.mode is MatchMode.SEARCH
        size = len(text)
        line_aware = self._line_aware
        last = size - 1 if text.endswith("\n") else -1  # `$` also holds before a final newline
        context = _context(text, 0) if line_aware else (True, False, size == 0, last == 0, False, False)
        begun = self._starts.get(context)
        if begun is None:
            begun = self._starts[context] = self._closure([self.start], context)
        current, matched, steps = begun
        if matched and search:
            return True, 0  # no step taken, no budget checked
        moves = self._moves
        budget = self.max_steps
        dead = self._dead
        stuck = dead[0] if dead is not None else None
        middle = last if last >= 0 else size  # the positions before it are in the middle
        pos = 0
        rows = self._middle
        while pos < size:
            char = text[pos]
            pos += 1
            if pos < middle and not line_aware:  # the `_MIDDLE` step, from its row
                row = rows.get(current)
                if row is None:
                    row = rows[current] = {}
                found = row.get(char)
                if found is None:
                    only = -1 if stuck is None else self._run_of(current)
                    if only < 0:
                        found = row[char] = self._step(current, char, _MIDDLE)
                    else:  # along a run of character states, not one step a character (`_run`)
                        pos, found = self._run(text, pos, middle, only)
            else:
                if line_aware:
                    context = _context(text, pos)
                else:
                    context = (False, False, pos == size, pos == last, False, False)
                found = moves.get((current, char, context))
                if found is None:
                    found = self._move(current, char, context)
            current, matched, cost = found
            steps += cost
            if steps > budget:
                raise Budget
            if matched and (search or pos == size):
                return True, steps
            if current is stuck and dead is not None:
                # every step from here to the end (`whole`) or to the end's positions costs the same
                # and leaves the states as they are: charged at once, as walking them would
                skip = (size if dead[2] else middle - 1) - pos
                if skip > 0:
                    steps += skip * dead[1]
                    if steps > budget:
                        raise Budget
                    pos += skip
        # every step was checked against the budget, the last with all the steps
        return not self._matching.isdisjoint(current), steps if size else 0

    def _run_of(self, current: frozenset[int]) -> int:
        """The character state of ``current`` when it holds that state and the `_dead` states alone
        (a run set, see `_run`); -1 when it does not. Asked of an automaton with a `_dead` set."""
        known = self._run_index.get(current)
        if known is None:
            rest = cast("tuple[frozenset[int], int, bool]", self._dead)[0]
            known = -1
            if len(current) == len(rest) + 1 and rest <= current:
                (only,) = current - rest
                if self._chars[only] is not None:
                    known = only
            self._run_index[current] = known
        return known

    def _run_set(self, only: int) -> frozenset[int]:
        """The run set of character state ``only``: it and the `_dead` states (one object each)."""
        found = self._run_sets.get(only)
        if found is None:
            found = self._run_sets[only] = cast("tuple[frozenset[int], int, bool]", self._dead)[0] | {only}
            self._run_index[found] = only
        return found

    def _run(self, text: str, pos: int, middle: int, only: int) -> tuple[int, Step]:
        """From the run set of character state ``only`` (see `_run_of`), the steps of ``text[pos - 1]``
        and of the characters after it in the middle of the text while each leads to another
        run set; then the position after the last character stepped, and one `Step` for them all:
        the states after the last, whether they match, the steps of each added up.

        Each such step is what `_step` works out, without making a set for it: the character
        passes the test of ``only`` and leads to a character state ``out``, so the states after
        it are ``out`` and the `_dead` states again (a search restarts into them; they hold no
        character state), and `_closure` counts what a step from the `_dead` set costs
        (``dead[1]``: 1, the restart popped, a pop for each branch its splits push, one for each
        state stepped from) and 2 more (``only`` stepped from, ``out`` popped). A character that
        fails the test leaves the `_dead` set, at ``dead[1] + 1`` (``only`` stepped from): the
        caller then charges the stretch it cannot leave as it does after any step. A character
        that leads elsewhere (a split, an assertion, the match) is stepped as any other, from the
        run set. The walk checks the budget after the run: steps only add up, so a run that
        goes past ``max_steps`` ends past it (and a run is no longer than the pattern's states).
        """
        dead = cast("tuple[frozenset[int], int, bool]", self._dead)
        tests, follow = self._follow
        per = dead[1]
        cost = 0
        char = text[pos - 1]
        while True:
            if not tests[only](char):
                return pos, (dead[0], False, cost + per + 1)
            out = follow[only]
            if out < 0:
                states, matched, last = self._move(self._run_set(only), char, _MIDDLE)
                return pos, (states, matched, cost + last)
            cost += per + 2
            only = out
            if pos + 1 >= middle:
                return pos, (self._run_set(only), False, cost)
            char = text[pos]
            pos += 1

    @cached_property
    def _follow(self) -> tuple[list[CharTest], list[int]]:
        """Each state's character test (a character state's; any other never passes) and the
        character state it leads to (-1: none, or not a character state), for `_run`."""
        chars = self._chars
        tests = [_never if entry is None else entry[0] for entry in chars]
        follow = [
            -1 if entry is None or (out := entry[1]) < 0 or chars[out] is None else out for entry in chars
        ]
        return tests, follow

    # --- walks over an alphabet (pattern-versus-pattern containment, `inventory/contain.py`) ---

    @property
    def position_free(self) -> bool:
        """Whether a step depends only on the character and on whether it is the last one."""
        return not self._line_aware

    def begin(self) -> tuple[frozenset[int], bool]:
        """The states before the first character of a non-empty text, and whether they match."""
        states, matched, _ = self._closure([self.start], (True, False, False, False, False, False))
        return states, matched

    def advance(self, current: frozenset[int], char: str, last: bool) -> tuple[frozenset[int], bool]:
        """One character on from ``current`` (memoized as in `matches`); ``last``: it ends the text."""
        states, matched, _ = self._move(current, char, _LAST if last else _MIDDLE)
        return states, matched


_ANSWERS_KEPT: Final = 256  # texts answered from memory per automaton: the rules ask about a dozen
_LAST: Final[Context] = (False, False, True, False, False, False)
_MIDDLE: Final[Context] = (False, False, False, False, False, False)
_END_ASSERTIONS: Final = frozenset(
    {"AT_BEGINNING", "AT_BEGINNING_STRING", "AT_END", "AT_END_LINE", "AT_END_STRING"}
)


def _assertion_holds(kind: str, context: Context) -> bool:
    at_start, after_newline, at_end, before_final_newline, word_before, word_after = context
    if kind in ("AT_BEGINNING", "AT_BEGINNING_STRING"):
        return at_start
    if kind == "AT_BEGINNING_LINE":
        return at_start or after_newline
    if kind in ("AT_END", "AT_END_LINE"):
        return at_end or before_final_newline
    if kind == "AT_END_STRING":
        return at_end
    if kind == "AT_BOUNDARY":
        return word_before != word_after
    return word_before == word_after  # AT_NON_BOUNDARY


_ANY_ORIGIN_CHAR: Final = "".join(chr(c) for c in range(32, 127)) + "\u00e9\u00fc\u0130\u0131\u212a\u017f"


def _passable(test: CharTest) -> bool:
    """Whether some character an Origin can hold passes ``test`` (the common ones tried first)."""
    return _example_char(test) is not None or any(map(test, _ANY_ORIGIN_CHAR))


def _inner_anchor(pattern: str) -> bool:
    """Whether a `^` or `$` (or `\\A`, `\\Z`) stands anywhere but first and last in ``pattern``
    (`[^` is a negated class, no anchor): only such a pattern can be dead through its anchors."""
    inner = pattern[1:] if pattern.startswith("^") else pattern
    inner = inner[:-1] if inner.endswith("$") and not inner.endswith("\\$") else inner
    return "$" in inner or "^" in inner.replace("[^", "[") or "\\A" in inner or "\\Z" in inner


def _satisfiable(states: list[_State], start: int) -> bool:
    """Whether a line-break-free text leads ``start`` to the match state: the states reachable with
    (a character consumed yet, an end anchor passed), a character state passable when one of the
    text characters an Origin can hold passes its test and no end anchor came before it. Word
    boundaries are taken as passable, so it says "satisfiable" whenever it cannot tell."""
    seen: set[tuple[int, bool, bool]] = set()
    stack = [(start, False, False)]
    while stack:
        index, consumed, ended = stack.pop()
        if index < 0 or (index, consumed, ended) in seen:
            continue
        seen.add((index, consumed, ended))
        state = states[index]
        if state.op == _MATCH:
            return True
        if state.op == _SPLIT:
            stack += [(state.out, consumed, ended), (state.out2, consumed, ended)]
        elif state.op == _CHAR:
            if not ended and state.test is not None and _passable(state.test):
                stack.append((state.out, True, False))
        elif state.assertion in ("AT_BEGINNING", "AT_BEGINNING_STRING", "AT_BEGINNING_LINE"):
            if not consumed:
                stack.append((state.out, consumed, ended))
        elif state.assertion in ("AT_END", "AT_END_LINE", "AT_END_STRING"):
            stack.append((state.out, consumed, True))
        else:  # a word boundary or its negation
            stack.append((state.out, consumed, ended))
    return False


# --- witnesses ------------------------------------------------------------------


@record(frozen=True, slots=True)
class Witness:
    """A string the pattern was written to accept, with the spans that vary."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()


_PREFERRED = "abcdefghijklmnopqrstuvwxyz0123456789-_ABCDEFGHIJKLMNOPQRSTUVWXYZ.~!$&'()*+,;=@:/?#"


def _example_char(test: CharTest) -> str | None:
    return next((c for c in _PREFERRED if test(c)), None)


def _accepts_many(test: CharTest) -> bool:
    """Whether more than one of the preferred characters passes: the second one found says so."""
    found = False
    for c in _PREFERRED:
        if test(c):
            if found:
                return True
            found = True
    return False


def _witnesses(items: Any, icase: bool, in_repeat: bool = False) -> list[Witness]:
    """Cartesian product of each item's examples, capped at MAX_WITNESSES."""
    results = [Witness("")]
    fixed = ""  # literals (and anchors) not yet added: each is one example with no span
    for op, arg in items:
        if op is sre_c.LITERAL or op is sre_c.AT:  # what _item_witnesses gives them, added in one go
            fixed += chr(arg) if op is sre_c.LITERAL else ""
            continue
        if fixed:
            results = [Witness(head.text + fixed, head.spans) for head in results]
            fixed = ""
        options = _item_witnesses(op, arg, icase, in_repeat)
        combined: list[Witness] = []
        for head in results:
            for tail in options:
                shift = len(head.text)
                spans = head.spans + tuple((s + shift, e + shift) for s, e in tail.spans)
                combined.append(Witness(head.text + tail.text, spans))
                if len(combined) >= MAX_WITNESSES:
                    break
            if len(combined) >= MAX_WITNESSES:
                break
        results = combined
    if fixed:
        results = [Witness(head.text + fixed, head.spans) for head in results]
    return results


def _item_witnesses(op: Any, arg: Any, icase: bool, in_repeat: bool) -> list[Witness]:
    if op is sre_c.LITERAL:
        return [Witness(chr(arg))]
    if op is sre_c.AT:
        return [Witness("")]
    if op is sre_c.ANY and not in_repeat:
        # an unescaped dot is almost always meant as the literal dot between labels
        return [Witness(".")]
    if op in (sre_c.ANY, sre_c.NOT_LITERAL, sre_c.IN):
        test = char_test(op, arg, icase)
        example = _example_char(test)
        if example is None:
            raise Unsupported("a character class that matches no printable character")
        return [Witness(example, ((0, 1),) if _accepts_many(test) else ())]
    if op is sre_c.SUBPATTERN:
        return _witnesses(arg[3], icase, in_repeat)
    if op is sre_c.BRANCH:
        out: list[Witness] = []
        for alt in arg[1]:
            out.extend(_witnesses(alt, icase, in_repeat))
        return out[:MAX_WITNESSES]
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
        low, high, sub = arg
        body = _witnesses(sub, icase, True)
        variable = any(w.spans for w in body)
        options: list[Witness] = []
        counts = sorted({low, max(low, 1)} if high != 0 else {0})
        for count in counts:
            for one in body[:4]:
                text = one.text * min(count, 8)
                options.append(Witness(text, ((0, len(text)),) if variable else ()))
        return options or [Witness("")]
    # atomic groups and possessive repeats never get here: compiling rejected them first
    raise Unsupported(f"{str(op).lower()} is not analysed")


# --- analysis -------------------------------------------------------------------


@record(frozen=True, slots=True)
class Candidate:
    origin: str
    host: str


@record()
class RegexAnalysis:
    """Facts about one origin regex under one engine, each backed by a verified origin."""

    pattern: str
    engine: Engine
    error: str | None = None  # the pattern does not compile
    unsupported: str | None = None  # compiles, but uses what we do not model
    anchored_start: bool = False
    anchored_end: bool = False
    witnesses: list[Witness] = field(default_factory=list)
    _automaton: Automaton | None = None

    @property
    def analysed(self) -> bool:
        return self.error is None and self.unsupported is None and self._automaton is not None

    @property
    def automaton(self) -> Automaton | None:
        """The compiled automaton, for walks that compare patterns; None when unanalysed."""
        return self._automaton if self.analysed else None

    def accepts(self, text: str) -> bool:
        """Whether the engine would accept ``text``; False when unanalysed or over budget."""
        if self._automaton is None:
            return False
        try:
            return self._automaton.matches(text)
        except Budget:
            return False

    def decides(self, text: str) -> bool | None:
        """Whether the engine would accept ``text``; None when that cannot be told (unanalysed, over budget).

        `match` answers "unknown" on None, where ``accepts`` would say "no".
        """
        if self._automaton is None:
            return None
        try:
            return self._automaton.matches(text)
        except Budget:
            return None

    @cached_property
    def intended(self) -> list[tuple[str, str, str | None]]:
        """(origin, host, fixed host suffix) for each witness that reads as an origin."""
        result: list[tuple[str, str, str | None]] = []
        for witness in self.witnesses:
            text = witness.text
            offset = 0
            if "://" not in text:
                text, offset = "https://" + text, len("https://")
                if not self.accepts(text):
                    continue
            origin = read_origin(text)
            if not origin.ok or not origin.host:
                continue
            host_start = text.index("://") + 3
            host_end = host_start + len(origin.host)
            fixed_from = host_start
            for span_start, span_end in witness.spans:
                start, end = span_start + offset, span_end + offset
                if end > start and host_start <= start < host_end:
                    fixed_from = max(fixed_from, min(end, host_end))
            fixed = text[fixed_from:host_end].lower().lstrip(".-") if fixed_from > host_start else None
            result.append((origin.canonical or text, origin.host, fixed))
        good = [r for r in result if known_public_suffix(r[1])]
        return good or result

    @cached_property
    def intended_domains(self) -> frozenset[str]:
        domains = set()
        for _origin, host, fixed in self.intended:
            base = fixed if fixed is not None else host
            domain = registrable_domain(base) if base else None
            if domain:
                domains.add(domain)
        return frozenset(domains)

    def _outside(self, candidate: str) -> Candidate | None:
        origin = read_origin(candidate)
        if not origin.ok or origin.scheme not in ("http", "https"):
            return None
        # only what a browser sends counts: its serialized Origin (lower-case host, no default port)
        candidate = origin.canonical or candidate
        domain = registrable_domain(origin.host)
        if domain is not None and domain in self.intended_domains:
            return None
        if not self.accepts(candidate):
            return None
        return Candidate(candidate, origin.host)

    def _first(self, candidates: Iterable[str]) -> Candidate | None:
        """The first candidate the pattern accepts whose host someone could register."""
        seen: set[str] = set()
        for text in candidates:
            if text in seen:
                continue
            seen.add(text)
            hit = self._outside(text)
            if hit is not None and known_public_suffix(hit.host):
                return hit
        return None

    def _origins(self) -> Iterator[tuple[str, str, str]]:
        for origin, host, _fixed in self.intended:
            scheme = origin.partition("://")[0]
            yield origin, scheme, host

    @cached_property
    def matches_everything(self) -> bool:
        return not self.intended_domains and self.accepts(f"https://{ATTACKER}")

    @cached_property
    def matches_nothing(self) -> bool:
        """Whether no text without a line break (as every Origin is) can satisfy the pattern: an
        end anchor with text after it (nginx's `$name` inside a regex), a start anchor after text,
        a class no character passes. False when unanalysed, or when unsure."""
        if self._automaton is None or not _inner_anchor(self.pattern):
            return False  # anchors at its ends only: it is dead only through a class nothing passes
        return not _satisfiable(self._automaton.states, self._automaton.start)

    def unanchored(self) -> Candidate | None:
        """An origin outside the intended domains that gets in past a missing ``^`` or ``$``."""
        if self.engine.mode is MatchMode.FULL or (self.anchored_start and self.anchored_end):
            return None
        candidates: list[str] = []
        for origin, scheme, host in self._origins():
            if not self.anchored_end:
                candidates.append(f"{origin}.{ATTACKER}")
            if not self.anchored_start:
                domain = registrable_domain(host) or host
                candidates += [f"{scheme}://attacker{domain}", f"{scheme}://attacker-{domain}"]
        # only origins a browser sends (`scheme://host[:port]`): a text with a path after the
        # attacker's host (`https://attacker.net/?https://app.example.com`) never arrives as an
        # Origin, so a missing `^` that only such a text gets past lets nothing in
        hit = self._first(candidates)
        if hit is None and not self.anchored_start:
            # else a longer name in front of the host (`app\.example\.com$` admits
            # `https://attackerapp.example.com`): not the host meant, under the same registrable name
            inside = (f"{scheme}://attacker{host}" for _origin, scheme, host in self._origins())
            hit = next(
                (Candidate(text, text.partition("://")[2]) for text in inside if self.accepts(text)), None
            )
        if hit is not None and self._anchored_accepts(hit.origin):
            return None  # `^...$` would admit it too: anchors are not what lets it in (too_broad says what)
        return hit

    def _anchored_accepts(self, text: str) -> bool:
        """`_anchored(pattern).accepts(text)`, told without that analysis when it is "no".

        Where the pattern wrapped in `^(?:...)$` is the pattern's own regex in that wrapper (a
        dialect whose translation leaves the wrapper alone: not Kong's or Spring's, and no `\\Q`
        quoting, which could run into it), that regex accepts a text without a newline only if this
        pattern matches the whole of it: its own automaton run as a full match says so. When that
        run says no, the wrapped one cannot accept it (it would say no, or run over its budget, or
        not be analysed: `accepts` is False for each); anything else asks the wrapped analysis.
        """
        automaton = self._automaton
        if (
            automaton is not None
            and "\n" not in text
            and self.engine.dialect not in _OWN_TRANSLATION
            and "\\Q" not in self.pattern
        ):
            whole = Automaton(automaton.states, automaton.start, MatchMode.FULL, automaton.max_steps)
            try:
                if not whole.matches(text):
                    return False
            except Budget:
                pass
        return _anchored(self.pattern, self.engine).accepts(text)

    def unescaped_dot(self) -> Candidate | None:
        """An origin that gets in because a ``.`` in the host matches any character."""
        candidates = []
        for origin, _scheme, host in self._origins():
            start = origin.index("://") + 3
            for index in range(start, start + len(host)):
                if origin[index] == ".":
                    candidates.append(origin[:index] + "x" + origin[index + 1 :])
        if not self.intended:
            # no example reads as an origin because a dot that matches any character starts the
            # host: `https://*.example.com` run as a regex (Kong) is `https:/`, `/*`, then any
            # character, then `example.com`; `https://xexample.com` is what gets in
            for witness in self.witnesses:
                text = witness.text
                for index, char in enumerate(text):
                    if char == "." and "://" in text[:index]:
                        candidates.append(text[:index] + "x" + text[index + 1 :])
        return self._first(candidates)

    def too_broad(self) -> Candidate | None:
        """An origin outside the intended domains that a variable part of the host lets in."""
        payloads = (f".{ATTACKER}", "attacker", f"{ATTACKER}.", ATTACKER, "attacker-")
        candidates = []
        for witness in self.witnesses:
            for start, end in witness.spans:
                for payload in payloads:
                    text = witness.text[:start] + payload + witness.text[end:]
                    candidates.append(text if "://" in text else "https://" + text)
        return self._first(candidates)

    def path_only(self) -> str | None:
        """A value the pattern was written for that has a path, when no path-free origin gets in.

        A browser's Origin never has a path, so such a check admits nothing.
        """
        example = None
        for witness in self.witnesses:
            scheme, separator, rest = witness.text.partition("://")
            if not separator:
                continue
            host, slash, _ = rest.partition("/")
            if not slash or self.accepts(f"{scheme}://{host}"):
                return None
            example = example or witness.text
        return example

    def _hosts(self) -> dict[str, None]:
        """The hosts the pattern was written for, each once, in the order `intended` gives them:
        an http and an https witness of one host are one host to ask about (issue 21)."""
        return dict.fromkeys(host for _origin, _scheme, host in self._origins())

    def schemes(self) -> tuple[bool, bool]:
        """(accepts http, accepts https) for the hosts the pattern was written for."""
        http = https = False
        for host in self._hosts():
            http = http or self.accepts(f"http://{host}")
            https = https or self.accepts(f"https://{host}")
            if http and https:
                break
        return http, https

    def any_scheme(self) -> str | None:
        for host in self._hosts():
            for scheme in ("attacker", "ftp"):
                if self.accepts(f"{scheme}://{host}"):
                    return f"{scheme}://{host}"
        return None

    def wildcard(self, labels: tuple[str, ...] = ("anything", "attacker")) -> tuple[str, Candidate] | None:
        """(fixed suffix, example) when a variable label stands before a fixed host suffix."""
        for origin, host, fixed in self.intended:
            if not fixed:
                continue
            scheme = origin.partition("://")[0]
            port = origin.partition(host.lower())[2]  # a pattern may admit a host only with its port
            for label in labels:
                for text in (f"{scheme}://{label}.{fixed}", f"{scheme}://{label}.{fixed}{port}"):
                    if self.accepts(text):
                        return fixed, Candidate(text, f"{label}.{fixed}")
        return None

    def shared_host(self) -> tuple[str, Candidate] | None:
        """A wildcard whose fixed part is a public suffix: anyone can register a match."""
        found = self.wildcard(("attacker", "anything"))
        return found if found is not None and is_public_suffix(found[0]) else None


_PCRE_QUOTE = re.compile(r"\\Q(.*?)(?:\\E|$)", re.DOTALL)
_PCRE_NAMED = re.compile(r"\(\?(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')")


def translate(pattern: str, dialect: Dialect) -> str:
    """Spellings the Python parser lacks, rewritten to their Python equivalents.

    PCRE and RE2 share ``\\Q...\\E`` quoting, ``(?<name>...)`` groups, ``\\z`` and
    POSIX classes (``[[:alpha:]]``), which mean the same once spelled the Python
    way; anything else dialect-only (atomic groups, possessive quantifiers,
    ``\\pL``...) is left alone and reported as not analysed by the compiler.
    A Spring origin pattern is not a regex at all: it becomes the regex Spring
    builds from it.
    """
    if dialect is Dialect.ORIGIN_PATTERN:
        return _origin_pattern_regex(pattern)
    if dialect is Dialect.KONG:
        pattern = kong_regex(pattern)
    if dialect is Dialect.PYTHON or ("\\" not in pattern and "(?" not in pattern and "[:" not in pattern):
        return pattern
    # each rewrite only where the text it rewrites is (each regex needs it): most patterns have none
    if "\\Q" in pattern:
        pattern = _PCRE_QUOTE.sub(lambda m: re.escape(m.group(1)), pattern)
    if "(?<" in pattern or "(?'" in pattern:
        pattern = _PCRE_NAMED.sub(lambda m: f"(?P<{m.group(1) or m.group(2)}>", pattern)
    if "[:" in pattern:
        pattern = _POSIX_CLASS.sub(
            lambda m: _POSIX[m.group(1)] if m.group(1) in _POSIX else m.group(0), pattern
        )
    return _PCRE_END.sub(r"\1\\Z", pattern) if "\\z" in pattern else pattern


_PCRE_END = re.compile(r"(?<!\\)((?:\\\\)*)\\z")
_POSIX_CLASS = re.compile(r"\[:(\w+):\]")
_POSIX = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "word": "\\w",
    "space": "\\s",
    "xdigit": "0-9A-Fa-f",
    "punct": "!-/:-@\\[-`{-~",
}
_PORT_LIST = re.compile(r"^(.*):\[([^\]]*)\]$")


def _origin_pattern_regex(pattern: str) -> str:
    """Spring's `OriginPattern`: `*` matches any text, a trailing `:[*]` or `:[8080,8081]` lists ports.

    Spring trims one trailing `/` first (CorsConfiguration.addAllowedOriginPattern, trimTrailingSlash).
    """
    pattern = pattern.removesuffix("/")
    ports = None
    found = _PORT_LIST.match(pattern)
    if found is not None:
        pattern, ports = found.group(1), found.group(2)
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    if ports is not None:
        listed = "|".join(re.escape(port.strip()) for port in ports.split(","))
        regex += "(:\\d+)?" if ports.strip() == "*" else f":({listed})"
    return regex


# what LuaSocket's url.parse reads before the host: a scheme (`[%w][%w%+%-%.]*:`) and `//`
_KONG_SCHEME = "(?:[A-Za-z0-9][A-Za-z0-9+.\\-]*://)?"
_KONG_FLAGS = re.compile(r"^\(\?[A-Za-z]+\)")


def kong_regex(entry: str) -> str:
    """The regex Kong's cors plugin runs for an `origins` entry, over the whole request Origin.

    configure_origin (kong/plugins/cors/handler.lua) appends `$` unless the entry ends with one,
    drops one leading `^`, and runs it with `ngx.re.find(subject, entry, "ajo")`: PCRE anchored at
    the start (`a`), case-sensitive. The subject is the request's normalized origin, or its host
    alone (`by_host`) when the entry holds no `:`: such an entry admits any scheme and any port,
    and `null` (url.parse finds no host in it, so the host is the whole text). Written over the
    Origin: the optional scheme, then the entry with each `$` (end of the host) as an optional
    port and the end, and `^` (the host's start, where the match starts anyway) dropped. Where
    the entry itself can match a `:` (`.`), this admits a port it would not: never fewer origins.
    """
    flags = _KONG_FLAGS.match(entry)
    lead = flags.group(0) if flags is not None else ""
    entry = entry[len(lead) :]
    body = entry if entry.endswith("$") else entry + "$"  # Kong looks at the last character only
    body = body.removeprefix("^")
    if ":" in entry:
        return f"{lead}^(?:{body})"
    host = _outside_classes(body, {"$": "(?::[0-9]*)?$", "^": ""})
    return f"{lead}^{_KONG_SCHEME}(?:{host})"


def _outside_classes(pattern: str, swap: dict[str, str]) -> str:
    """``pattern`` with each character of ``swap`` written outside a class and unescaped replaced."""
    out: list[str] = []
    index, size = 0, len(pattern)
    while index < size:
        char = pattern[index]
        if char == "\\":
            if pattern.startswith("\\Q", index):
                end = pattern.find("\\E", index + 2)
                end = size if end < 0 else end + 2
                out.append(pattern[index:end])
                index = end
                continue
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if char == "[":
            end = index + 1
            if end < size and pattern[end] == "^":
                end += 1
            if end < size and pattern[end] == "]":
                end += 1
            while end < size and pattern[end] != "]":
                if pattern[end] == "\\":
                    end += 1
                elif pattern.startswith("[:", end):
                    close = pattern.find(":]", end + 2)
                    end = close + 1 if close >= 0 else end
                end += 1
            out.append(pattern[index : end + 1])
            index = end + 1
            continue
        out.append(swap.get(char, char))
        index += 1
    return "".join(out)


def affix_pattern(kind: str, text: str) -> str:
    """The regex (searched) that accepts what a prefix, suffix or contains matcher accepts.

    A suffix that starts with a dot is written with one label before it, so that
    the analysis can name the subdomains it admits; on real origins both accept
    the same values.
    """
    escaped = re.escape(affix_text(kind, text))
    if kind == "prefix":
        return "^" + escaped
    if kind == "suffix":
        return ("[a-z0-9-]+" if text.startswith((".", "*.")) else "") + escaped + "$"
    return escaped


def affix_text(kind: str, text: str) -> str:
    """The literal part of an affix as written: nginx `hostnames` keys spell them `*.x` and `x.*`."""
    if kind == "suffix":
        return text.removeprefix("*")
    if kind == "prefix":
        return text.removesuffix("*")
    return text


# dialects whose translation of `^(?:pattern)$` is not `^(?:` + the pattern's own + `)$`
_OWN_TRANSLATION: Final = frozenset({Dialect.KONG, Dialect.ORIGIN_PATTERN})


def _anchored(pattern: str, engine: Engine) -> RegexAnalysis:
    """The pattern with both anchors (`^(?:...)$`): what `unanchored` advises writing. A pattern
    that cannot be wrapped so (a global flag that must start it) is not analysed, and accepts
    nothing, so the finding stands."""
    return analyse_regex(f"^(?:{pattern})$", engine)


def analyse_regex(pattern: str, engine: Engine, bounds: Limits | None = None) -> RegexAnalysis:
    """Parse and compile a pattern; errors become fields, never exceptions."""
    bounds = bounds or limits.active()
    result = RegexAnalysis(pattern, engine)
    if len(pattern) > MAX_PATTERN_LENGTH:
        result.unsupported = f"the pattern is longer than {MAX_PATTERN_LENGTH} characters"
        return result
    flags = 0 if engine.case_sensitive else re.IGNORECASE
    try:
        with warnings.catch_warnings():  # "possible set difference" and the like are not ours to print
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(translate(pattern, engine.dialect), flags)
    except re.error as error:
        result.error = f"{error.msg} at position {error.pos}" if error.pos is not None else error.msg
        return result
    except (RecursionError, OverflowError, ValueError) as error:
        result.unsupported = f"the pattern is too complex to parse ({type(error).__name__})"
        return result
    icase = bool(parsed.state.flags & re.IGNORECASE)
    items = list(parsed)
    result.anchored_start, result.anchored_end = _anchors(items)
    try:
        compiler = _Compiler(bounds.regex_states)
        frag = compiler.seq(items, icase)
        final = compiler.add(_State(_MATCH))
        compiler.patch(frag.ends, final)
        result._automaton = Automaton(compiler.states, frag.start, engine.mode, bounds.regex_steps)
        result.witnesses = _witnesses(items, icase)
        # what the rules ask first: over budget here is said, not guessed. A step costs at most
        # 4n+2 (`_closure` pops its seeds, at most n+1, and at most two pushes of each of the n
        # states, plus `_move`'s len(current)); a text that cannot reach the budget is not run
        most = 4 * len(compiler.states) + 2
        for witness in result.witnesses:
            if (len(witness.text) + 1) * most > bounds.regex_steps:
                result._automaton.matches(witness.text)
    except Unsupported as error:
        result.unsupported = str(error)
        result._automaton = None
    except Budget:
        result.unsupported = (
            f"deciding whether it accepts one origin takes more than {bounds.regex_steps:,} automaton "
            "steps (the limit is `max-regex-steps`)"
        )
        result._automaton = None
    except RecursionError:
        result.unsupported = "the pattern nests too deeply to analyse"
        result._automaton = None
    return result


def _anchors(items: list[tuple[Any, Any]]) -> tuple[bool, bool]:
    """Whether every alternative starts with ``^``/``\\A`` and ends with ``$``/``\\Z``."""
    return _edge(items, True), _edge(items, False)


def _edge(seq: list[tuple[Any, Any]], first: bool) -> bool:
    # a module function, not one nested in `_anchors`: a nested function that calls itself is a
    # cycle (function, cell) left to the cycle collector at every call
    if not seq:
        return False
    op, arg = seq[0] if first else seq[-1]
    if op is sre_c.AT:
        wanted = ("AT_BEGINNING", "AT_BEGINNING_STRING") if first else ("AT_END", "AT_END_STRING")
        return str(arg) in wanted
    if op is sre_c.SUBPATTERN:
        return _edge(list(arg[3]), first)
    if op is sre_c.BRANCH:
        return all(_edge(list(alt), first) for alt in arg[1])
    return False
