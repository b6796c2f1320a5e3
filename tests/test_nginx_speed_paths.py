"""nginx's file-name checks read the name without building a `PurePath` (issue 21): the same name
for every path shape, the odd ones (trailing `/`, `.`, `..`, doubled separators) included."""

from __future__ import annotations

import random
from pathlib import PurePath

from origins_lint.formats.base import file_name

SHAPES = [
    "nginx.conf",
    "/etc/nginx/nginx.conf",
    "conf.d/a.conf",
    "conf.d/a.conf/",
    "conf.d/.",
    ".",
    "..",
    "",
    "/",
    "//",
    "a//b",
    "a/./b",
    "a/b/..",
    "./a.conf.j2",
    "a/b.conf/.",
    "/a/.hidden",
    "a/ b ",
]


def test_known_shapes() -> None:
    for path in SHAPES:
        assert file_name(path) == PurePath(path).name, path


def test_seeded_random_paths() -> None:
    rng = random.Random(21)
    pieces = ["", ".", "..", "a", "b.conf", "nginx.conf", "x.conf.tpl", " ", ".h"]
    for _ in range(5000):
        path = "/".join(rng.choice(pieces) for _ in range(rng.randrange(1, 5)))
        assert file_name(path) == PurePath(path).name, path
