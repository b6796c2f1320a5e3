"""The result cache in `.origins-lint-cache/`: a file whose text has not changed is not parsed again.

An entry is keyed by the file's path and the hash of its text (and of every file it includes),
in a cache file named by the tool version and every setting that changes per-file findings.

A security linter must not trust a cache that came with the code it checks: a pull request
could add `.origins-lint-cache/` with entries that say its risky file is clean. So each cache
file carries an HMAC made with a key that lives outside the checked tree, in the user's cache
folder (`$XDG_CACHE_HOME/origins-lint/key`); a cache file written anywhere else, or edited,
fails the check and is ignored. Entries are JSON, never pickle: reading them runs no code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from origins_lint import __version__
from origins_lint.file_check import FileOutcome, Job
from origins_lint.formats.base import FixOutcome
from origins_lint.model import Finding, Fix, Location, Severity

CACHE_DIR = ".origins-lint-cache"
KEY_BYTES = 32
FORMAT_VERSION = 2  # 2: the body holds the fix dry runs too


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


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
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:24]


@dataclass
class ResultCache:
    """One run's view of a cache file: look entries up, add new ones, save once at the end."""

    path: Path
    secret: bytes
    entries: dict[str, Any] = field(default_factory=dict)
    fixes: dict[str, Any] = field(default_factory=dict)  # fix dry runs by `fix_key`
    used_fixes: set[str] = field(default_factory=set)
    changed: bool = False

    @classmethod
    def open(cls, folder: Path, job: Job) -> ResultCache | None:
        secret = _secret()
        if secret is None:
            return None
        cache = cls(folder / CACHE_DIR / f"{settings_key(job)}.json", secret)
        try:
            mac, _, body = cache.path.read_bytes().partition(b"\n")
        except OSError:
            return cache
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest().encode("ascii")
        if hmac.compare_digest(mac, expected):
            try:
                data = json.loads(body)
                cache.entries, cache.fixes = dict(data["files"]), dict(data["fixes"])
            except (ValueError, KeyError, TypeError):
                cache.entries, cache.fixes = {}, {}
        return cache

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
        from origins_lint.writes import write_atomically

        files = {path: entry for path, entry in self.entries.items() if os.path.exists(path)}
        fixes = {key: self.fixes[key] for key in self.used_fixes}  # what this run asked for
        body = json.dumps({"files": files, "fixes": fixes}, separators=(",", ":"), sort_keys=True).encode(
            "utf-8", "surrogatepass"
        )
        mac = hmac.new(self.secret, body, hashlib.sha256).hexdigest().encode("ascii")
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not (folder / ".gitignore").exists():
                (folder / ".gitignore").write_text("# made by origins-lint\n*\n", encoding="utf-8")
                (folder / "CACHEDIR.TAG").write_text(
                    "Signature: 8a477f597d28d172789f06886806bc55\n# origins-lint result cache\n",
                    encoding="utf-8",
                )
            write_atomically(self.path, mac + b"\n" + body)
        except OSError:
            pass


def fix_key(path: str, format_name: str, text: str, fixes: list[tuple[Location, Fix]]) -> str:
    """A dry run depends on the file's text and on the fixes asked for (after suppressions)."""
    asked = [[_where(loc), fix.title, fix.replacement] for loc, fix in fixes]
    parts = json.dumps([path, format_name, text_hash(text), asked]).encode("utf-8", "surrogatepass")
    return hashlib.sha256(parts).hexdigest()


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
