"""OL105: an origin pattern no Origin can match (`matchers.RegexAnalysis.matches_nothing`). It must
never call a pattern dead that some Origin-like text satisfies: held to Python's own `re` over every
short text of a small alphabet, for seeded patterns full of anchors; and it fires on none of the
fixtures' and examples' patterns but the one written to be dead."""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

from origins_lint.matchers import analyse_regex
from origins_lint.model import NGINX_REGEX
from tests.conftest import FIXTURES, ROOT, check_json, run_cli, write

TEXTS = ["".join(chars) for size in range(6) for chars in itertools.product("ab.", repeat=size)]


def test_a_dead_pattern_is_dead_by_pythons_re_too() -> None:
    rng = random.Random(105)
    pieces = ["a", "b", "\\.", ".", "$", "^", "(", ")", "|", "?", "*", "(?:a|$)", "[ab]", "\\b", "\\B"]
    dead = alive = 0
    for _ in range(4000):
        pattern = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 7)))
        try:
            compiled = re.compile(pattern)
        except re.error:
            continue
        found = analyse_regex(pattern, NGINX_REGEX)
        if not found.analysed:
            continue
        if found.matches_nothing:
            dead += 1
            assert not any(compiled.search(text) for text in TEXTS), pattern
        else:
            alive += 1
    assert dead > 200 and alive > 1000  # both answers are asked often


def test_these_are_dead() -> None:
    for pattern in (r"(.*\.$base_domain)", r"^https://a\.com$/", r"a^b", r"(${CORS_HOST})", r"$a|b$c"):
        assert analyse_regex(pattern, NGINX_REGEX).matches_nothing, pattern


def test_these_are_not() -> None:
    for pattern in (r"^https://a\.com$", r"(a|$)b", r"^$", r"\bfoo\b", r"($foo)?", r"^(https?://)?x$"):
        assert not analyse_regex(pattern, NGINX_REGEX).matches_nothing, pattern


def test_no_fixture_or_example_pattern_is_called_dead_but_the_dead_one() -> None:
    found = [
        (Path(f["path"]).name, f["line"], f["column"])
        for folder in (FIXTURES, ROOT / "examples")
        for f in check_json("--skip-unknown", str(folder)).findings
        if f["code"] == "OL105"
    ]
    assert found == [("if-regex-variable.conf", 14, 25)]


def test_an_nginx_variable_in_an_if_regex(project: Path) -> None:
    write(
        project,
        "site.conf",
        """
        server {
            listen 80;
            if ($http_origin ~* ^https://([a-z]+\\.)?$domain$) {
                add_header Access-Control-Allow-Origin $http_origin always;
            }
        }
        """,
    )
    [finding] = [f for f in check_json("site.conf").findings if f["code"] == "OL105"]
    assert (finding["line"], finding["column"]) == (3, 25)
    assert "nginx puts no variable into a regex, so `$domain` is the end of the text" in finding["message"]
    assert run_cli("match", "https://a.example.com", "site.conf").exit_code == 1  # never trusted
