"""The per-file pipeline's fast paths (issue 21) answer exactly what the slow ones they replaced did.

Each fast path is held to a copy of the code it replaced (as of c0df2da), on seeded random inputs
and on the shapes that matter for safety (symlinks in and out of the tree, broken links, links to
folders, FIFOs, hostile names, ignored folders named on the command line, odd path spellings):

- the walk lists each folder once with `os.scandir` and takes a regular file's type from the
  listing, where it asked `os.walk`, then `stat` and `islink` (and a stand-in) of every file;
- `.gitignore` matching works out per folder what it worked out per file;
- a registry line splits each path's name once for all lines;
- a file is read through one unbuffered descriptor.
"""

from __future__ import annotations

import os
import random
import stat
from pathlib import Path

import pytest

from origins_lint import formats
from origins_lint.discover import SKIPPED_DIRS, Candidate, _excluded, _skipped, discover
from origins_lint.formats.base import _Loader
from origins_lint.ignore_files import IgnoreFiles, _work_tree
from origins_lint.source import decode, read_source

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- the walk


def _old_walk(top: str, excludes: tuple[str, ...], root: Path) -> list[Candidate]:
    """discover._walk as of c0df2da (os.walk, then stand_in and _skipped for every file)."""
    wanted, claimed, stand_in = formats.wanted, formats.claimed, formats.stand_in
    real_top = os.path.realpath(top)
    walked = os.path.basename(real_top)
    out = []
    for folder, dirs, files in os.walk(top, followlinks=False):
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIPPED_DIRS and not _excluded(os.path.join(folder, d), excludes, root)
        )
        for name in sorted(files):
            path = os.path.normpath(os.path.join(folder, name))
            if not wanted(os.path.join(walked, os.path.relpath(path, top))):
                continue
            if _excluded(path, excludes, root):
                continue
            skipped = None if stand_in(path) is not None else _skipped(path, real_top, claimed)
            if skipped is None:
                out.append(Candidate(path, explicit=False))
            elif (claim := claimed(path)) is not None:
                out.append(Candidate(path, explicit=False, unread=f"{claim}, but {skipped}"))
    return out


NAMES = [
    "nginx.conf",
    "site.conf",
    "a.yaml",
    "b.yml",
    "trusted-origins.json",
    "x.json",
    "main.tf",
    "haproxy.cfg",
    "application.yml",
    "README.md",
    ".hidden.conf",
    "no-suffix",
    "with space.conf",
    "new\nline.conf",
    "caf\u00e9.yaml",
    "-dash.conf",
    "..dots.conf",
    "x.conf.j2",
    "Caddyfile",
    "serverless.yml",
]
FOLDERS = [
    "sites-enabled",
    "sites-available",
    "conf.d",
    "snippets",
    "nginx",
    "k8s",
    "a",
    "b b",
    "node_modules",
    ".git",
]


def _tree(rng: random.Random, base: Path, outside: Path) -> None:
    """A random tree of folders, files, links (in and out of it, broken, to folders) and FIFOs."""
    folders = [base]
    for _ in range(rng.randint(2, 9)):
        parent = rng.choice(folders)
        child = parent / rng.choice(FOLDERS)
        child.mkdir(exist_ok=True)
        folders.append(child)
    files: list[Path] = []
    for _ in range(rng.randint(5, 25)):
        path = rng.choice(folders) / rng.choice(NAMES)
        if path.exists() or path.is_symlink():
            continue
        path.write_text(rng.choice(["server { listen 80; }\n", "origins:\n- https://a.example\n", "{}", "x"]))
        files.append(path)
    for _ in range(rng.randint(0, 8)):
        link = rng.choice(folders) / f"link{rng.randint(0, 99)}{rng.choice(['.conf', '.yaml', ''])}"
        if link.exists() or link.is_symlink():
            continue
        kind = rng.randint(0, 4)
        if kind == 0 and files:
            link.symlink_to(rng.choice(files))  # inside, absolute
        elif kind == 1 and files:
            link.symlink_to(os.path.relpath(rng.choice(files), link.parent))  # inside, relative
        elif kind == 2:
            link.symlink_to(outside / "secret.conf")  # out of the tree
        elif kind == 3:
            link.symlink_to(link.parent / "missing.conf")  # broken
        else:
            link.symlink_to(rng.choice([*folders, outside]), target_is_directory=True)  # a folder
    if rng.random() < 0.5:
        os.mkfifo(rng.choice(folders) / rng.choice(["fifo.conf", "pipe.yaml"]))


@pytest.mark.parametrize("seed", range(40))
def test_the_walk_finds_what_os_walk_did(tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.conf").write_text("server { listen 80; }\n")
    base = tmp_path / "tree"
    base.mkdir()
    _tree(rng, base, outside)
    monkeypatch.chdir(tmp_path)
    excludes = rng.choice([(), ("*.yml",), ("tree/a",), ("b b/**",)])
    for top in (str(base), "tree", "./tree", "tree/", "outside/../tree"):
        new = [
            Candidate(c.path, c.explicit, c.unread)
            for c in discover([top], excludes, tmp_path, formats.wanted, formats.claimed, formats.stand_in)
        ]
        assert new == _old_walk(top, excludes, tmp_path), (seed, top)


def test_a_plain_candidate_is_a_regular_file_and_no_link(tmp_path: Path) -> None:
    """What lets `check._read` skip the stand-in: only a regular non-link file is marked plain."""
    (tmp_path / "sites-enabled").mkdir()
    real = tmp_path / "sites-enabled" / "real.conf"
    real.write_text("server { listen 80; }\n")
    (tmp_path / "sites-enabled" / "link.conf").symlink_to(real)
    os.mkfifo(tmp_path / "sites-enabled" / "fifo.conf")
    found = {
        Path(c.path).name: c for c in discover([str(tmp_path)], (), tmp_path, formats.wanted, formats.claimed)
    }
    assert found["real.conf"].plain
    assert not found["link.conf"].plain
    assert "fifo.conf" not in found or not found["fifo.conf"].plain


# ---------------------------------------------------------------- .gitignore


class _OldIgnoreFiles(IgnoreFiles):
    """IgnoreFiles.ignored as of c0df2da: every step per file."""

    def ignored(self, path: str, walked: str) -> bool:
        absolute = os.path.abspath(path)
        folder = os.path.dirname(absolute)
        top = _work_tree(folder) or os.path.abspath(walked)
        relative = os.path.relpath(absolute, top)
        if relative.startswith(os.pardir):
            return False
        parts = Path(relative).parts
        given = self._named(top, walked)
        for depth in range(len(given) + 1, len(parts)):
            if self._old_verdict(top, parts[:depth], True, given):
                return True
        return self._old_verdict(top, parts, False, given)

    def _old_verdict(self, top: str, parts: tuple[str, ...], directory: bool, given: tuple[str, ...]) -> bool:
        suffix = "/" if directory else ""
        levels = [(spec, 0) for spec in self._top(top)]
        for depth in range(len(parts)):
            found = self._folder(os.path.join(top, *parts[:depth]))
            if found is not None:
                levels.append((found, depth))
        decided: bool | None = None
        for spec, depth in levels:
            path = "/".join(parts[depth:]) + suffix
            if not given or depth >= len(given):
                include = spec.check_file(path).include
                decided = include if include is not None else decided
                continue
            above = ["/".join(given[depth:end]) + "/" for end in range(depth + 1, len(given) + 1)]
            for pattern in spec.patterns:
                if pattern.include is None or not pattern.match_file(path):
                    continue
                if not any(pattern.match_file(folder) for folder in above):
                    decided = pattern.include
        return bool(decided)


PATTERNS = [
    "*.conf",
    "!keep.conf",
    "!*.yaml",
    "a/",
    "/top.yaml",
    "**/b/*.json",
    "sites-*",
    "!sites-enabled/",
    "[ab]*.yml",
    "conf.d/",
    "*.json",
    "k8s/**",
    "!k8s/x.yaml",
    "nested/deep/",
    "\\#literal",
    "# a comment",
    "",
]


@pytest.mark.parametrize("seed", range(30))
def test_gitignore_per_folder_answers_what_per_file_did(tmp_path: Path, seed: int) -> None:
    rng = random.Random(1000 + seed)
    top = tmp_path / "repo"
    (top / ".git" / "info").mkdir(parents=True)
    (top / ".git" / "info" / "exclude").write_text("\n".join(rng.sample(PATTERNS, 3)) + "\n")
    folders = [top]
    for _ in range(rng.randint(3, 10)):
        child = rng.choice(folders) / rng.choice(
            ["a", "b", "k8s", "conf.d", "sites-enabled", "nested", "deep", "x"]
        )
        child.mkdir(exist_ok=True)
        folders.append(child)
    for folder in folders:
        if rng.random() < 0.6:
            (folder / ".gitignore").write_text("\n".join(rng.sample(PATTERNS, rng.randint(1, 6))) + "\n")
        for name in rng.sample(
            ["keep.conf", "x.conf", "x.yaml", "top.yaml", "a.yml", "b.json", "#literal"], 4
        ):
            (folder / name).write_text("x")
    files = [str(p) for p in top.rglob("*") if p.is_file() and ".git" not in p.parts]
    new, old, listed = IgnoreFiles(), _OldIgnoreFiles(), IgnoreFiles()
    for folder, dirs, names in os.walk(top):  # what a walk tells it: no `.gitignore`, no `.git` here
        listed.listed(folder, [*dirs, *names])
    for walked in {str(top), *(str(f) for f in rng.sample(folders, min(4, len(folders))))}:
        for path in files:
            if path.startswith(walked + os.sep):
                expected = old.ignored(path, walked)
                assert new.ignored(path, walked) == expected, (seed, path, walked)
                assert listed.ignored(path, walked) == expected, (seed, path, walked)


def test_a_listing_leaves_a_name_a_case_insensitive_system_would_open(tmp_path: Path) -> None:
    """`.GITIGNORE` is `.gitignore` on such a file system: the listing does not rule it out."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*.conf\n")
    ignore = IgnoreFiles()
    ignore.listed(str(tmp_path), [".GITIGNORE", ".GIT", "x.conf"])  # as such a system may list them
    assert ignore.ignored(str(tmp_path / "x.conf"), str(tmp_path))
    unlisted = IgnoreFiles()
    unlisted.listed(str(tmp_path), ["x.conf"])  # a listing without them: not asked again
    assert not unlisted.ignored(str(tmp_path / "x.conf"), str(tmp_path))


def test_gitignore_outside_a_work_tree_and_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No `.git` above: the walked folder's own `.gitignore` files apply; paths given relative."""
    tree = tmp_path / "plain"
    (tree / "sub").mkdir(parents=True)
    (tree / ".gitignore").write_text("*.conf\n!keep.conf\nsub/\n")
    for name in ("x.conf", "keep.conf", "..odd.conf", "sub/y.yaml"):
        (tree / name).write_text("x")
    monkeypatch.chdir(tmp_path)
    if _work_tree(str(tmp_path)) is not None:  # the machine's temporary folder sits in a checkout
        if os.environ.get("CI"):
            pytest.fail(
                "CI is set and the temporary folder is inside a git work tree: this test needs one outside"
            )
        pytest.skip("the temporary folder is inside a git work tree")
    new, old = IgnoreFiles(), _OldIgnoreFiles()
    for walked in ("plain", "./plain", str(tree)):
        for name in ("x.conf", "keep.conf", "..odd.conf", "sub/y.yaml"):
            path = os.path.join(walked, name)
            assert new.ignored(path, walked) == old.ignored(path, walked), (walked, name)


def test_the_bench_corpus_in_this_work_tree_is_ignored_as_before() -> None:
    """The real case the per-folder work is for: a corpus inside the repository, named or not."""
    corpus = ROOT / "bench" / ".corpus"
    paths = sorted(p for p in (ROOT / "examples").rglob("*") if p.is_file())[:200]
    if corpus.is_dir():
        paths += sorted(p for p in corpus.rglob("*") if p.is_file())[:300]
    new, old = IgnoreFiles(), _OldIgnoreFiles()
    for path in paths:
        for walked in (str(ROOT), str(path.parent)):
            assert new.ignored(str(path), walked) == old.ignored(str(path), walked), (path, walked)


# ---------------------------------------------------------------- a registry line's path tests


def _old_named_so(loader: _Loader, path: str) -> bool | None:
    name = os.path.basename(path)
    if name.endswith(loader.suffixes) or (loader.names is not None and loader.names.search(name)):
        return True
    if loader.folders is not None and any(
        loader.folders.fullmatch(part) for part in os.path.dirname(path).split(os.sep)
    ):
        return None
    return False


def _old_detect(loader: _Loader, path: str, text: str) -> bool:
    unnamed = _old_named_so(loader, path) is False
    if unnamed and (loader.markers is not None or _old_named_so(loader, os.path.abspath(path)) is False):
        return False
    if loader.markers is not None and not (loader.named and loader.named.search(os.path.basename(path))):
        seen = text.lower() if loader.folded else text
        if not any(marker in seen for marker in loader.markers):
            return False
    return loader.module.detect(path, text)


ODD_PATHS = [
    "",
    ".",
    "..",
    "/",
    "nginx.conf/",
    "x/nginx.conf/.",
    "conf.d/..",
    "sites-enabled/.",
    "sites-enabled/",
    "a//b.conf",
    "./main.tf",
    "main.tf/..",
    "/etc/nginx/conf.d/default",
    "conf.d/.hidden",
    "haproxy/conf.d/x.cfg",
    "k8s/../application.yml",
    "Caddyfile",
    "deploy/serverless.yml",
]


def _random_path(rng: random.Random) -> str:
    parts = rng.choices([*FOLDERS, ".", "..", "", "httpd", "conf-enabled", "servers"], k=rng.randint(0, 4))
    name = rng.choice([*NAMES, "x.tf", "x.cfg", "httpd.conf", ".htaccess", "x.template", "", ".", ".."])
    return ("/" if rng.random() < 0.3 else "") + "/".join([*parts, name])


TEXTS = [
    "",
    "server { listen 80; }\n",
    "kind: OriginPolicy\norigins:\n- https://a.example\n",
    '{"origin": "https://a.example", "scopes": []}',
    "frontend web\n  bind :80\n",
    "Header set Access-Control-Allow-Origin *\n",
    'resource "okta_trusted_origin" "x" {}\n',
    "corsPolicy:\n  allowOrigins: []\n",
    "CORS: true\n",
]


def test_a_lines_path_tests_answer_what_they_did() -> None:
    rng = random.Random(7)
    loaders = [fmt.detect.__self__ for fmt in formats.FORMATS]  # type: ignore[attr-defined]
    paths = [*ODD_PATHS, *(_random_path(rng) for _ in range(400))]
    for path in paths:
        for loader in loaders:
            assert isinstance(loader, _Loader)
            assert loader.named_so(path) == _old_named_so(loader, path), (loader.module_name, path)
            for text in rng.sample(TEXTS, 3):
                assert loader.detect(path, text) == _old_detect(loader, path, text), (
                    loader.module_name,
                    path,
                )


# ---------------------------------------------------------------- reading


def _old_read(path: str, max_size: int) -> object:
    """read_source as of c0df2da: a buffered `open`, read(size + 1), then chunks."""
    from origins_lint.source import _too_large, problem

    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return problem(path, "not a regular file (a FIFO, socket or device); not read")
        size = info.st_size
        if size > max_size:
            return _too_large(path, f"{size:,} bytes", max_size)
        with open(path, "rb") as handle:
            data = handle.read(min(size, max_size) + 1)
            if len(data) > size:
                chunks, total = [data], len(data)
                while total <= max_size:
                    chunk = handle.read(min(1 << 20, max_size + 1 - total))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    total += len(chunk)
                data = b"".join(chunks)
    except OSError as error:
        return problem(path, f"cannot read the file: {error.strerror or error}")
    if len(data) > max_size:
        return _too_large(path, f"over {max_size:,} bytes", max_size)
    return decode(path, data)


PIECES = [
    b"server { listen 80; }\n",
    b"\r\n",
    b"\r",
    b"caf\xc3\xa9",
    b"\xff",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xff\xfe\x00\x00",
    b"a" * 700,
    b"\xe2\x82",
]


@pytest.mark.parametrize("seed", range(20))
def test_reading_gives_what_the_buffered_read_did(tmp_path: Path, seed: int) -> None:
    rng = random.Random(2000 + seed)
    for index in range(30):
        data = b"".join(rng.choices(PIECES, k=rng.randint(0, 12)))
        if rng.random() < 0.3:
            data = rng.choice(PIECES[6:10]) + data  # a BOM first
        path = tmp_path / f"f{index}.conf"
        path.write_bytes(data)
        for max_size in (0, 1, len(data) - 1, len(data), len(data) + 1, 10_000):
            if max_size >= 0:
                assert read_source(str(path), max_size) == _old_read(str(path), max_size), (
                    seed,
                    data,
                    max_size,
                )


def test_reading_what_is_not_a_file_or_says_no_size(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.conf")
    (tmp_path / "folder.conf").mkdir()
    (tmp_path / "broken.conf").symlink_to(tmp_path / "missing")
    paths = [tmp_path / "fifo.conf", tmp_path / "folder.conf", tmp_path / "broken.conf", tmp_path / "none"]
    if Path("/proc/version").exists():  # procfs says 0 bytes and has more: read on in chunks
        paths.append(Path("/proc/version"))
    for path in paths:
        for max_size in (0, 5, 100_000):
            assert read_source(str(path), max_size) == _old_read(str(path), max_size), (path, max_size)
