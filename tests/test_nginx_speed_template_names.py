"""``templates.is_template`` answers from a cache (issue 21, s31): each nginx file asks it three
times (its renderings, their placeholders, the program). Held to the uncached function over the
names of every fixture and example, template suffixes of every kind, and odd paths (a folder,
`.`, a trailing slash, no name), asked in a seeded random order, more names than the cache holds."""

from __future__ import annotations

import random
from pathlib import Path

from origins_lint.formats.base import file_name
from origins_lint.formats.nginx import templates

ROOT = Path(__file__).resolve().parent.parent


def test_cached_answers_are_the_name_test() -> None:
    paths = [str(p) for folder in ("tests/fixtures", "examples") for p in sorted((ROOT / folder).rglob("*"))]
    for suffix in (*templates.SUFFIXES, *templates.BARE):
        paths += [f"/x/nginx.conf{suffix}", f"nginx{suffix}", f"/x/{suffix}", f"/x/a{suffix}/b.conf"]
    paths += ["", ".", "/", "/x/", "/x/.", "a/..", "nginx.conf", "/x/nginx.conf.j2/"]
    rng = random.Random(31)
    asks = paths * 3
    rng.shuffle(asks)
    templated = 0
    for path in asks:
        # the name test (with the bare `.tpl`/`.j2` of a `templates/` folder since s31)
        assert templates.is_template(path) == file_name(path).endswith(
            (*templates.SUFFIXES, *templates.BARE)
        ), path
        assert templates.is_template(path) == templates.is_template.__wrapped__(path), path
        templated += templates.is_template(path)
    assert templated > 30 and len(set(paths)) > 100
