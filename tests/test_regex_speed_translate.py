"""`translate` runs each PCRE/RE2 rewrite only where the text it rewrites is (issue 21, s31): each
regex needs a literal piece (`\\Q`, `(?<` or `(?'`, `[:`, `\\z`), so a pattern without it is left as
it is. Held to `translate` as it was (verbatim below) over every regex of the fixtures and
examples, the bench generator's families, and seeded patterns built from those pieces (escaped,
doubled, unterminated, inside classes), under every dialect."""

from __future__ import annotations

import random
import re

from origins_lint.matchers import (
    _PCRE_NAMED,
    _PCRE_QUOTE,
    _POSIX,
    _POSIX_CLASS,
    _origin_pattern_regex,
    kong_regex,
    translate,
)
from origins_lint.model import Dialect
from tests.test_regex_speed_runs import _bench_patterns, _fixture_regexes


def _old_translate(pattern: str, dialect: Dialect) -> str:
    if dialect is Dialect.ORIGIN_PATTERN:
        return _origin_pattern_regex(pattern)
    if dialect is Dialect.KONG:
        pattern = kong_regex(pattern)
    if dialect is Dialect.PYTHON or ("\\" not in pattern and "(?" not in pattern and "[:" not in pattern):
        return pattern
    pattern = _PCRE_QUOTE.sub(lambda m: re.escape(m.group(1)), pattern)
    pattern = _PCRE_NAMED.sub(lambda m: f"(?P<{m.group(1) or m.group(2)}>", pattern)
    pattern = _POSIX_CLASS.sub(lambda m: _POSIX[m.group(1)] if m.group(1) in _POSIX else m.group(0), pattern)
    return re.sub(r"(?<!\\)((?:\\\\)*)\\z", r"\1\\Z", pattern)


_PIECES = [
    "\\Q", "\\E", "\\Q[:alpha:]\\E", "(?<name>", "(?'n'", "(?<=", "(?<!", "[:", ":]", "[[:digit:]]",
    "[:nope:]", "\\z", "\\\\z", "\\\\\\z", "z", "\\", "(?", "(", ")", "a", ".", "$", "^", "[", "]", "'",
]  # fmt: skip


def test_translate_is_the_old_one() -> None:
    rng = random.Random(3141)
    patterns = [p for p, _e in _fixture_regexes()] + list(_bench_patterns())
    patterns += ["".join(rng.choice(_PIECES) for _ in range(rng.randrange(0, 9))) for _ in range(6000)]
    rewritten = 0
    for pattern in patterns:
        for dialect in Dialect:
            expected = _old_translate(pattern, dialect)
            assert translate(pattern, dialect) == expected, (pattern, dialect)
            rewritten += expected != pattern
    assert rewritten > 5000
