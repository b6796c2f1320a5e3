"""The result cache in `.origins-lint-cache/`: a file whose text has not changed is not parsed again.

An entry is keyed by the file's path and the hash of its text (and of every file it includes),
in a cache file named by the tool version and every setting that changes per-file findings.

A security linter must not trust a cache that came with the code it checks: a pull request
could add `.origins-lint-cache/` with entries that say its risky file is clean. So each cache
file carries an HMAC made with a key that lives outside the checked tree, in the user's cache
folder (`$XDG_CACHE_HOME/origins-lint/key`); a cache file written anywhere else, or edited,
fails the check and is ignored. Entries are JSON, never pickle: reading them runs no code.

The folder itself comes with the checked tree too, so nothing is written by path through it: the
root of the tree is opened once, `.origins-lint-cache` under it with `O_NOFOLLOW | O_DIRECTORY`,
and every file in it is created relative to that descriptor (`O_NOFOLLOW | O_EXCL`, then renamed
over its name, which replaces a planted symlink instead of writing through it). A cache folder
that is a symlink or belongs to another user is not used, and the run says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from origins_lint import __version__
from origins_lint.digest import sha256_hex
from origins_lint.file_check import FileOutcome, Job
from origins_lint.formats.base import FixOutcome
from origins_lint.model import Finding, Fix, Location, Severity
from origins_lint.records import field, record

CACHE_DIR = ".origins-lint-cache"
KEY_BYTES = 32
FORMAT_VERSION = 2  # 2: the body holds the fix dry runs too
GITIGNORE = b"# made by origins-lint\n*\n"
CACHEDIR_TAG = b"Signature: 8a477f597d28d172789f06886806bc55\n# origins-lint result cache\n"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def cache_root(paths: list[str]) -> Path:
    """Where the cache goes: the git work tree holding the first path, else that path's folder.

    Never the current folder merely because the run started there: a check of `../other` must
    not leave a cache here, nor read one from here.
    """
    first = paths[0] if paths else "."
    folder = Path(os.path.realpath(first if os.path.isdir(first) else os.path.dirname(first) or "."))
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return folder


def text_hash(text: str) -> str:
    return sha256_hex(text.encode("utf-8", "surrogatepass"))


def _key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "origins-lint" / "key"


def _secret() -> bytes | None:
    """This user's HMAC key, made on first use; None (no caching) where it cannot be kept."""
    path = _key_file()
    try:
        key = path.read_bytes()
        if len(key) == KEY_BYTES:
            return key
    except OSError:
        pass
    import secrets  # only when a cache is used: secrets, hmac and OpenSSL cost ~5 ms at start-up

    key = secrets.token_bytes(KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another run made it first: use theirs
        try:
            key = path.read_bytes()
        except OSError:
            return None
        return key if len(key) == KEY_BYTES else None
    except OSError:
        return None
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def settings_key(job: Job) -> str:
    """Everything besides a file's own text that changes its unfiltered findings."""
    from origins_lint.inventory.policy import digest as policy_digest

    config = job.config
    parts = [
        __version__,
        str(FORMAT_VERSION),
        repr(sorted(config.select)),
        repr(sorted(config.ignore)),
        repr(config.allowed_domains),
        repr(config.denied_origins),
        repr(config.development_files),
        repr(config.policy),
        policy_digest(config.policy),  # OL803-OL806 change with the policy's text
        str(config.root),
        os.getcwd(),  # paths as written on the command line are relative to it
        repr(config.limits),
        repr(job.input_format),
        repr(job.roots),
        repr(job.skip_unknown),
    ]
    return sha256_hex("\0".join(parts).encode("utf-8", "surrogatepass"))[:24]


@record()
class ResultCache:
    """One run's view of a cache file: look entries up, add new ones, save once at the end."""

    path: Path
    secret: bytes
    folder_fd: int = -1  # the opened `.origins-lint-cache`: every file in it is reached through this
    entries: dict[str, Any] = field(default_factory=dict)
    fixes: dict[str, Any] = field(default_factory=dict)  # fix dry runs by `fix_key`
    used_fixes: set[str] = field(default_factory=set)
    changed: bool = False

    @classmethod
    def open(cls, root: Path, job: Job, warnings: list[str]) -> ResultCache | None:
        """The cache under ``root``, or None (no caching) when it cannot be used safely.

        A folder that is a symlink or is owned by someone else is refused with a warning in
        ``warnings``; one that cannot be made at all (a read-only tree) only costs speed.
        """
        secret = _secret()
        if secret is None:
            return None
        folder_fd = _open_folder(root, warnings)
        if folder_fd < 0:
            return None
        cache = cls(root / CACHE_DIR / f"{settings_key(job)}.json", secret, folder_fd)
        data = _read_regular(cache.path.name, folder_fd)
        if data is None:
            return cache
        mac, _, body = data.partition(b"\n")
        import hashlib
        import hmac

        expected = hmac.new(secret, body, hashlib.sha256).hexdigest().encode("ascii")
        if hmac.compare_digest(mac, expected):
            try:
                data = json.loads(body)
                cache.entries, cache.fixes = dict(data["files"]), dict(data["fixes"])
            except (ValueError, KeyError, TypeError):
                cache.entries, cache.fixes = {}, {}
        return cache

    def close(self) -> None:
        if self.folder_fd >= 0:
            os.close(self.folder_fd)
            self.folder_fd = -1

    def get(self, path: str, digest: str, read: Callable[[str], str | None]) -> FileOutcome | bool | None:
        """The cached outcome (None: skipped as unknown), or False when there is none that still holds.

        `read(path)` gives an included file's current text (or None), to check it did not change.
        """
        entry = self.entries.get(path)
        if not isinstance(entry, dict) or entry.get("hash") != digest:
            return False
        included: dict[str, str] = {}
        for name, wanted in entry["included"].items():
            text = read(name)
            if text is None or text_hash(text) != wanted:
                return False
            included[name] = text
        if entry["skipped"]:
            return None
        return FileOutcome(
            path,
            entry["format"],
            [_finding(row) for row in entry["problems"]],
            [_finding(row) for row in entry["findings"]],
            included,
        )

    def put(self, path: str, digest: str, outcome: FileOutcome | None) -> None:
        if outcome is not None and outcome.error is not None:
            return
        self.changed = True
        self.entries[path] = {
            "hash": digest,
            "skipped": outcome is None,
            "format": outcome.format if outcome else "",
            "included": {
                name: text_hash(text) for name, text in (outcome.included if outcome else {}).items()
            },
            "problems": [_row(f) for f in outcome.problems] if outcome else [],
            "findings": [_row(f) for f in outcome.findings] if outcome else [],
        }

    def fix(self, key: str) -> FixOutcome | None:
        """A file's fix dry run as a format gave it for the same text and the same fixes."""
        row = self.fixes.get(key)
        if not isinstance(row, dict):
            return None
        self.used_fixes.add(key)
        return FixOutcome(
            row["text"],
            [Location(*where) for where in row["applied"]],
            [(Location(*where), reason) for where, reason in row["declined"]],
        )

    def put_fix(self, key: str, outcome: FixOutcome) -> None:
        self.changed = True
        self.used_fixes.add(key)
        self.fixes[key] = {
            "text": outcome.text,
            "applied": [_where(loc) for loc in outcome.applied],
            "declined": [[_where(loc), reason] for loc, reason in outcome.declined],
        }

    def save(self) -> None:
        """Write the cache file atomically; a cache that cannot be written is only a slower next run."""
        if not self.changed:
            return
        files = {path: entry for path, entry in self.entries.items() if os.path.exists(path)}
        fixes = {key: self.fixes[key] for key in self.used_fixes}  # what this run asked for
        body = json.dumps({"files": files, "fixes": fixes}, separators=(",", ":"), sort_keys=True).encode(
            "utf-8", "surrogatepass"
        )
        import hashlib
        import hmac

        mac = hmac.new(self.secret, body, hashlib.sha256).hexdigest().encode("ascii")
        if self.folder_fd < 0:
            return
        try:
            for name, content in ((".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)):
                if _read_regular(name, self.folder_fd) != content:
                    _write_in(self.folder_fd, name, content)
            _write_in(self.folder_fd, self.path.name, mac + b"\n" + body)
        except OSError:
            pass


def _open_folder(root: Path, warnings: list[str]) -> int:
    """`.origins-lint-cache` under ``root``, made if missing and opened without following a symlink."""
    shown = str(root / CACHE_DIR)
    try:
        root_fd = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    except OSError:
        return -1
    try:
        try:
            os.mkdir(CACHE_DIR, 0o755, dir_fd=root_fd)
        except FileExistsError:
            pass
        except OSError:
            return -1
        try:
            info = os.stat(CACHE_DIR, dir_fd=root_fd, follow_symlinks=False)
        except OSError:
            return -1
        if stat.S_ISLNK(info.st_mode):
            warnings.append(f"{shown} is a symlink; the result cache is not used (remove it)")
            return -1
        if not stat.S_ISDIR(info.st_mode):
            return -1  # a file where the folder would go: no cache, only a slower run
        try:
            folder_fd = os.open(CACHE_DIR, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=root_fd)
        except OSError:
            warnings.append(f"{shown} cannot be opened safely; the result cache is not used")
            return -1
        owner = os.fstat(folder_fd).st_uid
        if hasattr(os, "getuid") and owner != os.getuid():
            os.close(folder_fd)
            warnings.append(
                f"{shown} belongs to another user (uid {owner}); the result cache is not used (remove it)"
            )
            return -1
        return folder_fd
    finally:
        os.close(root_fd)


def _read_regular(name: str, folder_fd: int) -> bytes | None:
    """A cache file's bytes; None when it is missing or not a regular file (a symlink, a FIFO)."""
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | _CLOEXEC, dir_fd=folder_fd)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def _write_in(folder_fd: int, name: str, data: bytes) -> None:
    """Write ``name`` in the opened folder: a new file (never through a symlink), then renamed over
    the name, so a symlink planted there is replaced, not followed; readers see old or new."""
    import secrets

    temporary = f".{name}.{secrets.token_hex(8)}.tmp"
    fd = os.open(
        temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o644, dir_fd=folder_fd
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder_fd)
        raise


def fix_key(path: str, format_name: str, text: str, fixes: list[tuple[Location, Fix]]) -> str:
    """A dry run depends on the file's text and on the fixes asked for (after suppressions)."""
    asked = [[_where(loc), fix.title, fix.replacement] for loc, fix in fixes]
    parts = json.dumps([path, format_name, text_hash(text), asked]).encode("utf-8", "surrogatepass")
    return sha256_hex(parts)


def _where(loc: Location) -> list[Any]:
    return [loc.path, loc.line, loc.column, loc.end_line, loc.end_column]


def _row(finding: Finding) -> list[Any]:
    loc, fix = finding.location, finding.fix
    return [
        finding.code,
        finding.slug,
        int(finding.severity),
        loc.path,
        loc.line,
        loc.column,
        loc.end_line,
        loc.end_column,
        finding.message,
        finding.format,
        None if fix is None else [fix.title, fix.replacement],
    ]


def _finding(row: list[Any]) -> Finding:
    code, slug, severity, path, line, column, end_line, end_column, message, fmt, fix = row
    return Finding(
        code,
        slug,
        Severity(severity),
        Location(path, line, column, end_line, end_column),
        message,
        fmt,
        None if fix is None else Fix(fix[0], fix[1]),
    )
