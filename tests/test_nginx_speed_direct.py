"""nginx directives built from ``reject``'s statements directly (issue 21), held to the reading
they replace: crossplane's payload (``fast.crossplane_parsed``, itself held to crossplane in
``test_nginx_speed_lexer.py``) located by ``syntax._Locator``.

The names, arguments and blocks must be the same everywhere. The locations must be the same
wherever ``_Locator`` found the word where it is written, which is every fixture, example and bench
file but the few with an escaped quote inside quotes; where ``_Locator`` did not (an escaped quote
it cannot find, so it fell back to the directive; a word after a multi-line word that holds the
same text; a word past its 4,096-character window), the word is now located where it is written:
a deliberate column fix, asserted below line AND column on hand-written files.
"""

from __future__ import annotations

import random
from pathlib import Path

from origins_lint.formats.nginx import fast, syntax
from origins_lint.formats.nginx.include import Resolver
from origins_lint.formats.nginx.reject import scan
from origins_lint.model import Location
from origins_lint.source import Source
from tests.test_nginx_speed_lexer import TRICKY, _files, _generated, _mutated

PATH = "/nonexistent-origins-lint-test/f.conf"

_Flat = list[tuple[str, tuple[str, ...], Location, tuple[Location, ...]] | None]


def _direct(text: str) -> tuple[list[syntax.Directive], syntax.Tree]:
    tree = syntax.Tree()
    return syntax._Reader(tree, Resolver(PATH, ())).read(Source(PATH, text), ()), tree


def _via_locator(text: str) -> tuple[list[syntax.Directive], syntax.Tree] | None:
    """The reading before: crossplane's payload, each word found again by ``_Locator``."""
    scanned = scan(text)
    parsed = fast.crossplane_parsed(text, scanned, 100)
    if parsed is None or (scanned.rejection is not None and scanned.rejection.fatal):
        return None
    tree = syntax.Tree()
    reader = syntax._Reader(tree, Resolver(PATH, ()))
    return list(reader._directives(parsed, syntax._Locator(PATH, text), Source(PATH, text), ())), tree


def _flat(directives: list[syntax.Directive], out: _Flat) -> _Flat:
    for directive in directives:
        out.append(
            (directive.name, tuple(directive.args), directive.location, tuple(directive.arg_locations))
        )
        if directive.block is not None:
            _flat(directive.block, out)
        out.append(None)
    return out


def _written(text: str, location: Location) -> str:
    line = text.split("\n")[location.line - 1]
    return line[location.column - 1 : location.end_column - 1]


def _word_starts(text: str) -> set[int]:
    """The offsets of every word's text, as ``reject`` reads it."""
    starts: set[int] = set()
    pending = list(scan(text).statements or [])
    while pending:
        statement = pending.pop()
        starts.update(at for _, at, _ in statement.words)
        pending.extend(statement.block or [])
    return starts


def _offset(text: str, location: Location) -> int:
    return sum(len(line) + 1 for line in text.split("\n")[: location.line - 1]) + location.column - 1


def _compare(text: str) -> tuple[bool, bool]:
    """(whether the direct reading answered, whether every location is the locator's)."""
    before = _via_locator(text)
    if before is None:
        return False, True
    directives, tree = _direct(text)
    assert tree.problems == before[1].problems, text
    ours, theirs = _flat(directives, []), _flat(before[0], [])
    assert len(ours) == len(theirs), text
    same = True
    starts = _word_starts(text)
    for mine, old in zip(ours, theirs, strict=True):
        if mine is None or old is None:
            assert mine is old, text
            continue
        assert mine[:2] == old[:2], text  # name and arguments
        name_line = mine[0].split("\n", 1)[0]
        if name_line:  # the name is where it is written, on the line the statement starts on
            written = _written(text, mine[2])
            assert name_line in (written, written.replace('\\"', '"').replace("\\'", "'")), text
        for token, new_at, old_at in zip(
            (mine[0], *mine[1]), (mine[2], *mine[3]), (old[2], *old[3]), strict=True
        ):
            first = token.split("\n", 1)[0]
            if new_at == old_at:
                continue
            same = False
            # the new location is where the word is written (an escaped quote counts as its quote) ...
            if first and new_at is not mine[2]:
                written = _written(text, new_at)
                assert first in (written, written.replace('\\"', '"').replace("\\'", "'")), (text, token)
            # ... and the locator's was not: its fallback to the directive, or text that is no word's start
            assert old_at == old[2] or _offset(text, old_at) not in starts, (text, token, old_at)
    return True, same


def test_fixtures_examples_and_bench_files_read_the_same() -> None:
    answered = differ = 0
    for text in _files() + _generated(300):
        took, same = _compare(text)
        answered += took
        if not same:
            differ += 1
            assert '\\"' in text or "\\'" in text  # only escaped quotes were ever mislocated there
    assert answered > 400
    assert differ <= 3


def test_bench_files_are_located_exactly_as_before() -> None:
    for text in _generated(300):
        assert _compare(text) == (True, True)


def test_tricky_shapes_and_seeded_mutations_read_the_same_or_better() -> None:
    rng = random.Random(2129)
    bases = TRICKY + _generated(40) + [t for t in _files() if len(t) < 4000][:80]
    answered = 0
    for text in TRICKY:
        answered += _compare(text)[0]
    for _ in range(3000):
        answered += _compare(_mutated(rng, rng.choice(bases)))[0]
    assert answered > 500


def _at(text: str, line: int, column: int, length: int) -> Location:
    return Location(PATH, line, column, line, column + length)


def test_an_escaped_quote_inside_quotes_is_located_at_its_word() -> None:
    # nginx reads `a\"b` inside double quotes as `a"b` (ngx_conf_read_token); the locator could not
    # find `a"b` in the text and put the value at `add_header`
    text = 'server {\n    add_header Access-Control-Allow-Origin "https://a\\"b.example" always;\n}\n'
    server = _direct(text)[0][0]
    assert server.block is not None
    header = server.block[0]
    assert header.args == ["Access-Control-Allow-Origin", 'https://a"b.example', "always"]
    assert header.location == _at(text, 2, 5, 10)
    assert header.arg_locations == [_at(text, 2, 16, 27), _at(text, 2, 45, 20), _at(text, 2, 67, 6)]
    assert _written(text, header.arg_locations[1]) == 'https://a\\"b.example'


def test_a_word_after_a_multi_line_word_is_located_after_it() -> None:
    # the locator went on from the end of the first line of `"x\ny"`, and found the `y` inside it
    text = 'return 200 "x\ny" y;\n'
    directive = _direct(text)[0][0]
    assert directive.args == ["200", "x\ny", "y"]
    assert directive.arg_locations == [_at(text, 1, 8, 3), _at(text, 1, 13, 1), _at(text, 2, 4, 1)]
    before = _via_locator(text)
    assert before is not None and before[0][0].arg_locations[2] == _at(text, 2, 1, 1)


def test_a_word_far_after_the_last_is_located() -> None:
    # past the locator's window (the word's length + 4,096 characters) it fell back to the directive
    text = "add_header A" + " " * 5000 + "$http_origin;\n"
    directive = _direct(text)[0][0]
    assert directive.arg_locations[1] == _at(text, 1, 5013, 12)
    before = _via_locator(text)
    assert before is not None and before[0][0].arg_locations[1] == before[0][0].location


def test_if_arguments_are_located_inside_their_parentheses() -> None:
    text = 'if ( $http_origin ~* "^https://a\\.example$" ) {\n}\nif ($a) {\n}\nif (-f /x) {\n}\n'
    first, second, third = _direct(text)[0]
    assert first.args == ["$http_origin", "~*", "^https://a\\.example$"]
    assert first.arg_locations == [_at(text, 1, 6, 12), _at(text, 1, 19, 2), _at(text, 1, 23, 20)]
    assert second.args == ["$a"] and second.arg_locations == [_at(text, 3, 5, 2)]
    assert third.args == ["-f", "/x"] and third.arg_locations == [_at(text, 5, 5, 2), _at(text, 5, 8, 2)]
    assert _flat([first, second, third], []) == _flat(_via_locator(text)[0], [])  # type: ignore[index]


def test_empty_words_and_a_byte_order_mark_are_located_as_before() -> None:
    text = '\ufeffmap $a $b {\n    "" 1;\n    default "";\n}\n'
    assert _compare(text) == (True, True)
    directive = _direct(text)[0][0]
    assert directive.name == "map" and directive.location == _at(text, 1, 2, 3)
    assert directive.block is not None
    empty_key, empty_value = directive.block
    assert empty_key.location == Location.point(PATH, 2, 1)  # an empty name: the start of its line
    assert empty_value.arg_locations == [empty_value.location]  # an empty word: its directive


def test_crossplane_still_reads_what_the_statements_cannot() -> None:
    text = "set $a ${b} c;\nadd_header A # c\n b;\n"
    assert fast.crossplane_parsed(text, scan(text), 100) is None
    directives, _ = _direct(text)
    # crossplane makes the comment among the words a statement of its own, as it always did
    assert [d.name for d in directives] == ["set", "add_header", "#"]


def test_the_examples_folder_is_unchanged(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent / "examples"
    for path in sorted(root.rglob("*.conf")):
        assert _compare(path.read_text())[1], path


def _eager(text: str, directive: syntax.Directive) -> list[Location]:
    """Every argument's location worked out at once, as the first version of the direct reading did."""
    spans = directive.arg_locations
    assert isinstance(spans, syntax._Spans)
    lines = syntax._Lines(text)
    return [
        lines.location(PATH, spans.words[i + 1][1], spans.words[i + 1][0])
        if spans.words[i + 1][0]
        else directive.location
        for i in range(len(spans))
    ]


def test_argument_locations_asked_in_any_order_are_the_ones_worked_out_at_once() -> None:
    rng = random.Random(2131)
    texts = [t for t in _files() + _generated(60) if _via_locator(t) is not None]
    for text in texts:
        pending = list(_direct(text)[0])
        while pending:
            directive = pending.pop()
            pending.extend(directive.block or [])
            expected = _eager(text, directive)
            order = list(range(len(expected)))
            rng.shuffle(order)
            assert [directive.arg_location(i) for i in order] == [expected[i] for i in order]
            assert directive.arg_location(len(expected)) == directive.location  # past the end: its name
            assert list(directive.arg_locations) == expected
            assert directive.arg_locations[-1:] == expected[-1:]


def test_the_ascii_test_for_other_spaces_is_the_regex() -> None:
    assert {chr(p) for p in range(128) if chr(p).isspace() and chr(p) not in " \t\r\n"} == set(
        fast._ASCII_OTHER_SPACE
    )
    rng = random.Random(2139)
    texts = ["", "server { }", "a\u00a0b", "\u2028", "x\x0by"] + [chr(p) for p in range(0x3000)]
    alphabet = [chr(p) for p in range(128)] + ["\u00a0", "\u2028", "\u3000", "é"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30))) for _ in range(5000)]
    for text in texts:
        assert fast._other_space(text) == (fast._OTHER_SPACE.search(text) is not None), repr(text)
