"""A walk along a run of character states, without a state set a step (issue 21, s31), held to the
steps it replaces.

Most patterns in origin checks are literal text between anchors (`^https://app\\.example\\.com$`);
in the middle of a text their automaton goes from one character state (with the states a search
restarts into, which hold none) to the next. `Automaton._walk` no longer works out and keeps a
state set for each such step the first time a text takes it: `_run` tests the characters one
after the other and adds up what each step costs. Everything must be as before: the answer, and
`Budget` raised for exactly the same budgets (the charge is what `max-regex-steps` bounds), for
every text, whichever texts were walked before it.

Held here to ``_old_walk`` (tests/test_nginx_speed_steps.py: the steps before s30, verbatim, no
memo) over every regex of the fixtures and examples, the bench generator's regex families with
every host and root it writes (the nginx corpus's patterns), seeded literal-heavy patterns, on
search and full-match engines, case-sensitive or not; the texts are the ones the rules ask
(`schemes`, `unanchored`, `unescaped_dot`, `too_broad`, `wildcard`...) and seeded ones that
leave a run at every position, change case, or end with a newline.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from bench.gen import HOSTS, REGEX_FAMILIES, ROOTS
from origins_lint import formats
from origins_lint.formats.base import ParsedFile
from origins_lint.limits import Limits
from origins_lint.matchers import Automaton, Budget, RegexAnalysis, affix_pattern, analyse_regex
from origins_lint.model import Engine, MatcherKind, MatchMode
from origins_lint.source import Source, read_source
from tests.test_nginx_speed_automaton import ENGINES, _outcome
from tests.test_nginx_speed_steps import _old_walk

ROOT = Path(__file__).resolve().parent.parent
UNBOUNDED = Limits(regex_steps=10**12)


def _same(automaton: Automaton, text: str) -> None:
    """The walk's answer or `Budget` at the old walk's charge, one step under it and unbounded;
    the automaton is used as it comes (its rows and run sets warm from the texts before)."""
    answer, steps = _old_walk(automaton, text, 10**12)
    for budget in (steps - 1, steps, 10**12):
        expected = answer if budget >= steps else _outcome(lambda b=budget: _old_walk(automaton, text, b))  # type: ignore[misc]
        automaton.max_steps = budget
        got = _outcome(lambda: automaton._walk(text))
        assert got == expected, (text, budget, steps)


def _asked(found: RegexAnalysis) -> list[str]:
    """The texts the rules' facts ask of this analysis's automaton, in the order they ask them."""
    automaton = found._automaton
    assert automaton is not None
    asked: list[str] = []
    walk = automaton._walk

    def recording(text: str) -> tuple[bool, int]:
        asked.append(text)
        return walk(text)

    automaton._walk = recording  # type: ignore[method-assign]
    try:
        found.schemes()
        found.any_scheme()
        found.unanchored()
        found.unescaped_dot()
        found.too_broad()
        found.wildcard()
        found.path_only()
        found.accepts("https://attacker.net")
    finally:
        del automaton._walk
    return asked


def _mutations(text: str, rng: random.Random) -> Iterator[str]:
    """Texts that leave a run wherever they can: a character changed at each position (to another
    letter, its other case, a dot), cut short, grown, and with a final newline."""
    yield text
    yield text + "\n"
    yield text.upper()
    yield text + "x"
    yield text[:-1]
    for index in range(len(text)):
        yield text[:index] + rng.choice("xX.-9/") + text[index + 1 :]
        yield text[:index] + text[index].swapcase() + text[index + 1 :]


def _hold(pattern: str, engine: Engine, rng: random.Random, mutate: bool = True) -> int:
    """The rules' texts and their mutations on a warm automaton and on a cold one each."""
    found = analyse_regex(pattern, engine, UNBOUNDED)
    if found._automaton is None:
        return 0
    asked = _asked(found) + [w.text for w in found.witnesses]
    texts = asked + [m for text in asked[:4] for m in _mutations(text, rng)] if mutate else asked
    warm = analyse_regex(pattern, engine, UNBOUNDED)._automaton
    assert warm is not None
    for text in texts:
        _same(warm, text)
    for text in asked[:8]:
        cold = analyse_regex(pattern, engine, UNBOUNDED)._automaton
        assert cold is not None
        _same(cold, text)
    return len(texts)


def _bench_patterns() -> Iterator[str]:
    """Every pattern the bench generator writes, for every host and root (numbered hosts too)."""
    for family, _risky in REGEX_FAMILIES:
        for root in ROOTS:
            for h1 in HOSTS:
                for name in (h1, f"{h1}463"):
                    yield family.format(h1=name, h2="www", root=root, re_root=root.replace(".", r"\."))


def test_the_bench_patterns_walk_as_before() -> None:
    rng = random.Random(3101)
    patterns = list(dict.fromkeys(_bench_patterns()))
    assert len(patterns) > 500
    checked = 0
    for index, pattern in enumerate(patterns):
        engine = ENGINES[index % len(ENGINES)]
        checked += _hold(pattern, engine, rng, mutate=index % 10 == 0)
        if index % 5 == 0:  # the anchored re-analysis `unanchored` makes, as the rules do
            checked += _hold(f"^(?:{pattern})$", engine, rng, mutate=False)
    assert checked > 15_000


def _fixture_regexes() -> dict[tuple[str, Engine], None]:
    found: dict[tuple[str, Engine], None] = {}
    for folder in (ROOT / "tests" / "fixtures", ROOT / "examples"):
        for path in sorted(folder.rglob("*")):
            read = read_source(str(path), 2_000_000) if path.is_file() else None
            if not isinstance(read, Source):
                continue
            fmt = next((f for f in formats.FORMATS if f.detect(read.path, read.text)), None)
            if fmt is None:
                continue
            try:
                parsed = fmt.parse(read, formats.FormatOptions())
            except Exception:  # a parser's own failure is file_check's to report, not this test's
                continue
            if not isinstance(parsed, ParsedFile):
                continue
            for document in parsed.documents:
                for _context, matcher in document.matchers(decisions=True):
                    if matcher.kind is MatcherKind.REGEX:
                        found[(matcher.raw, matcher.engine)] = None
                    elif matcher.kind in (MatcherKind.PREFIX, MatcherKind.SUFFIX, MatcherKind.CONTAINS):
                        engine = Engine(matcher.engine.name, MatchMode.SEARCH, matcher.engine.case_sensitive)
                        found[(affix_pattern(matcher.kind.value, matcher.raw), engine)] = None
                    if matcher.runs is not None:
                        found[matcher.runs] = None
    return found


def test_every_fixture_and_example_regex_walks_as_before() -> None:
    rng = random.Random(3102)
    regexes = _fixture_regexes()
    assert len(regexes) > 150
    checked = 0
    for pattern, engine in regexes:
        checked += _hold(pattern, engine, rng)
        other = rng.choice(
            [e for e in ENGINES if e.mode is not engine.mode or e.case_sensitive is not engine.case_sensitive]
        )
        checked += _hold(pattern, other, rng, mutate=False)
    assert checked > 20_000


_LITERALS = ["https://", "app", "\\.", "example", "\\.com", "-", ":", "/", "a", "B", "é", "\u0130", "k"]
_OTHERS = ["[a-z0-9-]+", "(www\\.)?", "(:[0-9]+)?", ".", ".*", "(a|b)", "[^.]", "s?", "\\d", "(?i:x)"]


def test_seeded_literal_patterns_walk_as_before() -> None:
    """Runs of every length, broken by classes, options and alternatives, with characters whose
    case maps to another (`K`, `\u0130`), anchored or not, every engine."""
    rng = random.Random(3103)
    checked = 0
    for _ in range(350):
        parts = [
            rng.choice(_LITERALS if rng.random() < 0.75 else _OTHERS) for _ in range(rng.randrange(1, 9))
        ]
        start = rng.choice(["^", "^", "", "\\A"])
        end = rng.choice(["$", "$", "", "\\Z"])
        pattern = start + "".join(parts) + end
        engine = rng.choice(ENGINES)
        found = analyse_regex(pattern, engine, UNBOUNDED)
        if found._automaton is None:
            continue
        texts = [w.text for w in found.witnesses[:3]] + ["https://app.example.com", "", "\n"]
        texts += [
            "".join(rng.choice("ab.xkK\u212a\u0130i-:/é") for _ in range(rng.randrange(0, 12)))
            for _ in range(3)
        ]
        warm = analyse_regex(pattern, engine, UNBOUNDED)._automaton
        assert warm is not None
        for text in texts:
            for mutation in _mutations(text, rng):
                _same(warm, mutation)
                checked += 1
    assert checked > 30_000


def test_runs_are_taken_and_kept_apart_from_the_rows() -> None:
    """The walk does go along runs (what the tests above hold is the path taken), and a run's steps
    are not kept as rows: the rows hold the steps out of the runs only."""
    automaton = analyse_regex("^https://app\\.example\\.com$", ENGINES[0], UNBOUNDED)._automaton
    assert automaton is not None and automaton._dead is not None
    assert automaton.matches("https://app.example.com")
    assert automaton._run_sets, "no run was taken"
    kept = sum(len(row) for row in automaton._middle.values())
    assert kept < 5, kept
    assert not automaton.matches("https://app.example.com.attacker.net")
    assert not automaton.matches("https://app.examplx.com")
    automaton.max_steps = _old_walk(automaton, "https://app.example.org", 10**12)[1] - 1
    try:
        automaton._walk("https://app.example.org")
    except Budget:
        pass
    else:
        raise AssertionError("one step under the charge must run out")


def test_line_aware_and_the_match_states_read_as_before() -> None:
    """`_line_aware` (a set test of the assertions) and `_matching` (the walk's last answer, a set
    test) against the expressions they replace, over every assertion and seeded patterns."""
    from origins_lint.matchers import _ASSERT, _END_ASSERTIONS, _MATCH

    rng = random.Random(3104)
    parts = ["^", "$", "\\A", "\\Z", "\\b", "\\B", "(?m)^", "(?m)$", "a", "(a|)", ".*", "[ab]"]
    checked = 0
    for _ in range(800):
        pattern = "".join(rng.choice(parts) for _ in range(rng.randrange(0, 7)))
        automaton = analyse_regex(pattern, rng.choice(ENGINES), UNBOUNDED)._automaton
        if automaton is None:
            continue
        states = automaton.states
        old = any(s.op == _ASSERT and s.assertion not in _END_ASSERTIONS for s in states)
        assert automaton._line_aware is old, pattern
        for _ in range(5):
            current = frozenset(rng.sample(range(len(states)), rng.randrange(0, len(states) + 1)))
            expected = any(states[i].op == _MATCH for i in current)
            assert (not automaton._matching.isdisjoint(current)) is expected
            checked += 1
    assert checked > 2000
