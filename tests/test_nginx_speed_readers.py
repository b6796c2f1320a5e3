"""``decisions._listed`` (issue 21, s30) is ``(directive, passed) in entries``, held to it here.

The readers index of ``decisions`` keeps each (directive, variable passed on) once, the directive
compared by value: a file included twice reads as directives equal field by field, which count
once. ``_listed`` answers that by identity first, then by the line, and only then field by field
(which compares every argument's location). Held to ``in`` over the directives of fixtures,
examples and bench files, the same file included twice, and seeded lists.
"""

from __future__ import annotations

import random
from pathlib import Path

from origins_lint.formats.nginx.decisions import _Index, _listed
from origins_lint.formats.nginx.include import Resolver
from origins_lint.formats.nginx.syntax import Directive, Tree, _Reader
from origins_lint.source import Source
from tests.test_nginx_speed_lexer import _files, _generated


def _directives(text: str, path: str = "/nonexistent-origins-lint-test/f.conf") -> list[Directive]:
    return _Index(_Reader(Tree(), Resolver(path, ())).read(Source(path, text), ())).all


def test_listed_is_in(tmp_path: Path) -> None:
    shared = tmp_path / "cors.conf"
    shared.write_text("add_header Access-Control-Allow-Origin $http_origin;\nset $a $http_origin;\n")
    main = tmp_path / "nginx.conf"
    main.write_text("server {\n include cors.conf;\n location / {\n  include cors.conf;\n }\n}\n")
    roots = (str(tmp_path.resolve()),)
    twice = _Index(
        _Reader(Tree(), Resolver(str(main), roots)).read(Source(str(main), main.read_text()), ())
    ).all
    equal = [d for d in twice if d.name == "add_header"]
    assert len(equal) == 2 and equal[0] is not equal[1] and equal[0] == equal[1]  # the case that matters
    rng = random.Random(3034)
    pools = [twice] + [_directives(t) for t in _files()[:200] + _generated(50)]
    checked = 0
    for pool in pools:
        if not pool:
            continue
        for _ in range(40):
            entries = [(rng.choice(pool), rng.choice([None, "a", "b"])) for _ in range(rng.randrange(0, 6))]
            directive, passed = rng.choice(pool), rng.choice([None, "a", "b"])
            if entries and rng.random() < 0.3:
                directive, passed = rng.choice(entries)
            assert _listed(entries, directive, passed) == ((directive, passed) in entries)
            checked += 1
    assert _listed([(equal[0], None)], equal[1], None) and not _listed([(equal[0], "a")], equal[1], None)
    assert checked > 4000
