"""nginx files are lexed once (issue 21): where ``fast.crossplane_parsed`` answers, it must be
exactly crossplane's parse (crossplane 0.5.8, crossplane/parser.py ``parse`` over
crossplane/lexer.py ``lex``), which stays the reader everywhere else.

Held over every fixture and example (the nginx oracle's files included), the bench generator's
nginx files, hand-written shapes where the two lexers part (escapes, `${`, quotes glued to words,
`#` inside words, Lua blocks, braces in quotes, CRLF, tabs, other Unicode spaces, unbalanced
braces, the end of the file), and seeded random mutations of all of these.
"""

from __future__ import annotations

import contextlib
import importlib.util
import random
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from origins_lint.formats.nginx import fast, reject, syntax
from origins_lint.formats.nginx.reject import TOKEN, first_rejection, scan
from origins_lint.source import Source, read_source

ROOT = Path(__file__).resolve().parent.parent

TRICKY = [
    'add_header A "a\\"b" always;\n',
    "add_header A 'a\\'b' always;\n",
    "add_header A 'a\\\"b' always;\n",
    'add_header A "a\\\\" always;\n',
    "add_header A a\\ b;\n",
    "set $a ${b}c;\n",
    "set $a ${b} c;\n",
    'set $a "${b} c";\n',
    "set $a \\${b};\n",
    "a x\\${ b; }\n",
    "set $a x$ {\n}\n",
    "set $a x\\$;\n",
    'add_header A a"b"c;\n',
    'add_header A "a"b;\n',
    'add_header A "a";b;\n',
    'if ($a = "x") {\n return 204;\n}\n',
    'if ($a ~* "^https://(a|b)\\.example\\.com$" ) {\n set $b 1;\n}\n',
    "if ( $a ) { }\n",
    "if ($a) {}\n",
    "if () {}\n",
    "add_header A a#b;\n",
    "add_header A # comment\n b;\n",
    "location / { # c\n return 204; } # d\n",
    "location ~ ^/a{2}$ { }\n",
    'location ~ "^/a{2}$" { }\n',
    "location ~ ^/a}$ { }\n",
    "content_by_lua_block { ngx.say('}') }\n",
    "server {\r\n\tlisten 80;\r\n}\r\n",
    "server {\x0blisten 80; }\n",
    "server {\xa0listen 80; }\n",
    "server {\u2028listen 80; }\n",
    "server {\x1clisten 80; }\n",
    "server { listen 80;\n",
    "server { listen 80; }}\n",
    "}\n",
    "listen 80\n",
    "listen 80",
    "listen 80;",
    'listen "80',
    "listen 80;\\",
    "listen 80; #end",
    "\ufeffserver { listen 80; }\n",
    "\ufeff# c\nlisten 80;\n",
    "a \\\nb;\n",
    "\\\na b;\n",
    'a "x\ny" y;\n',
    "a\tb\tc;\n",
    ";\n",
    "{ }\n",
    "a {\n}\n}\n",
    "a \"\" '';\n",
    'a "{" "}" ";";\n',
    "a ( b );\n",
    'a "b")c;\n',
    "include a.conf;\n",
    "events { } http { server { location / { if ($a) { return 204; } } } }\n",
]


def _load_gen() -> Any:
    spec = importlib.util.spec_from_file_location("_bench_gen", ROOT / "bench" / "gen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["_bench_gen"] = module
    spec.loader.exec_module(module)
    return module


def _files() -> list[str]:
    texts = []
    for folder in (ROOT / "tests" / "fixtures", ROOT / "examples"):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                read = read_source(str(path), 2_000_000)
                if isinstance(read, Source) and not read.encoding.startswith(("utf-16", "utf-32")):
                    texts.append(read.text)
    return texts


def _generated(count: int) -> list[str]:
    gen = _load_gen()
    rng = random.Random("s28-nginx-speed")
    return [gen.nginx(rng, i)[0] for i in range(count)]


def _crossplane(text: str) -> tuple[list[dict[str, Any]], list[Any]]:
    payload = syntax._crossplane_parse("/tmp/origins-lint-speed-test.conf", text)
    config = payload["config"][0]
    return config["parsed"], config["errors"]


def _agrees(text: str) -> bool:
    """The fast parse equals crossplane's wherever it answers; whether it answered."""
    answered = fast.crossplane_parsed(text, scan(text), 100)
    if answered is None:
        return False
    parsed, errors = _crossplane(text)
    assert errors == [], (text, errors)
    assert answered == parsed, text
    return True


def test_the_rejection_is_the_same_reading() -> None:
    for text in TRICKY:
        assert scan(text).rejection == first_rejection(text)


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_shapes_agree_or_fall_back(text: str) -> None:
    _agrees(text)


def test_shapes_where_the_lexers_part_fall_back() -> None:
    parting = [
        "set $a ${b} c;\n",  # crossplane reads `${b} c` as one word
        "set $a \\${b};\n",  # crossplane reads `${` after an escaped `$`
        "a x\\${ b; }\n",
        "location ~ ^/a}$ { }\n",  # crossplane ends the word at `}`
        "add_header A # comment\n b;\n",  # crossplane makes the comment a statement
        "content_by_lua_block { ngx.say('}') }\n",
        "server {\x0blisten 80; }\n",  # crossplane's str.isspace() space
        "server { listen 80;\n",
        "listen 80",
        "\\\na b;\n",  # crossplane counts the escaped newline's line first
        "{" * 101 + "}" * 101,
    ]
    for text in parting:
        assert fast.crossplane_parsed(text, scan(text), 100) is None, text


def test_nesting_beyond_the_limit_falls_back() -> None:
    text = "a {" * 5 + "}" * 5
    assert fast.crossplane_parsed(text, scan(text), 5) is not None
    assert fast.crossplane_parsed(text, scan(text), 4) is None
    deep = "a {" * 101 + "}" * 101
    assert fast.crossplane_parsed(deep, scan(deep), 1000) is None


def test_other_space_is_what_str_isspace_adds_to_nginx_space() -> None:
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        expected = char.isspace() and char not in " \t\r\n"
        assert (fast._OTHER_SPACE.search(char) is not None) == expected, hex(point)


def test_every_fixture_and_example_agrees() -> None:
    texts = _files()
    answered = sum(_agrees(text) for text in texts)
    assert answered > len(texts) // 3  # the fast reading is the usual one, not a rare one


def test_bench_files_agree_and_all_take_the_fast_reading() -> None:
    texts = _generated(300)
    assert all(_agrees(text) for text in texts)


_PIECES = [
    '"',
    "'",
    "\\",
    '\\"',
    "\\'",
    "${x}",
    "$",
    "{",
    "}",
    ";",
    "# c\n",
    "#",
    "\n",
    "\r\n",
    "\t",
    " ",
    "\x0b",
    "\xa0",
    'a"b',
    '"x"y',
    "(",
    ")",
    "if (",
    "_by_lua_block",
    "\\\n",
    "\ufeff",
    "~*",
    "a b",
]


def _mutated(rng: random.Random, text: str) -> str:
    for _ in range(rng.randrange(1, 4)):
        at = rng.randrange(len(text) + 1)
        move = rng.randrange(3)
        if move == 0:
            text = text[:at] + rng.choice(_PIECES) + text[at:]
        elif move == 1:
            text = text[:at] + text[at + rng.randrange(1, 6) :]
        else:
            start = rng.randrange(len(text) + 1)
            text = text[:at] + text[start : start + rng.randrange(1, 30)] + text[at:]
    return text


def test_seeded_mutations_agree_wherever_the_fast_reading_answers() -> None:
    rng = random.Random(21)
    bases = TRICKY + _generated(40) + [t for t in _files() if len(t) < 4000][:80]
    answered = 0
    for _ in range(3000):
        answered += _agrees(_mutated(rng, rng.choice(bases)))
    assert answered > 500


# reject.TOKEN before its loops were unrolled: the tokens must be the same, at the same offsets
_REFERENCE_TOKEN = re.compile(
    r"""[ \t\r\n]*(?:\#[^\n]*[ \t\r\n]*)*
    (?:(?P<quoted>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')
    |(?P<unclosed>["'])
    |(?P<punct>[;{}])
    |(?P<word>(?:\\.|\$\{?|[^ \t\r\n;{}\#"'\\$])(?:\\.|\$\{?|[^ \t\r\n;{\\$])*)
    |(?P<escape>\\)
    |(?P<end>\Z))""",
    re.S | re.X,
)


def _tokens(pattern: re.Pattern[str], text: str) -> list[tuple[str | None, int, int]]:
    return [(m.lastgroup, m.start(), m.end()) for m in pattern.finditer(text)]


def test_unrolled_tokens_are_the_reference_tokens() -> None:
    rng = random.Random(2121)
    texts = TRICKY + _generated(60) + _files()
    texts += [_mutated(rng, rng.choice(texts)) for _ in range(3000)]
    texts += ['"' + "a" * 5000, "'" + "a\\" * 3000, "a" + "\\" * 7, "$" * 9 + "{", "a\\"]
    for text in texts:
        assert _tokens(TOKEN, text) == _tokens(_REFERENCE_TOKEN, text), text


def _preorder(statements: list[reject._Statement]) -> list[reject._Statement]:
    out: list[reject._Statement] = []
    for statement in statements:
        out.append(statement)
        out.extend(_preorder(statement.block or []))
    return out


def test_checked_statements_come_in_the_order_nginx_meets_them() -> None:
    """`_check` runs over the statements `_read` set aside as it read them: they must be those of
    the tree it built (as far as it got) that `_check` looks at, a block's directive before its
    contents, as `ngx_conf_parse` handles them."""
    rng = random.Random(2122)
    texts = TRICKY + _generated(30) + _files()
    texts += [_mutated(rng, rng.choice(texts)) for _ in range(2000)]
    for text in texts:
        into: list[reject._Statement] = []
        checked: list[reject._Statement] = []
        with contextlib.suppress(reject._Stop):
            reject._read(text, into, checked)
        expected = [s for s in _preorder(into) if s.words[0][0] in reject._CHECKED]
        assert [id(s) for s in checked] == [id(s) for s in expected], text
