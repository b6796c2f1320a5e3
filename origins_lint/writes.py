"""Writing files so that a crash, a full disk or Ctrl-C never leaves one half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, flush to disk, then rename over it: readers see the old or the new file.

    An existing file keeps its permission bits; a new one gets the umask's. On any failure the
    temporary file is removed and the target is untouched.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():  # a new report's folder; a fixed file's folder is there already
        folder.mkdir(parents=True, exist_ok=True)
    mode = 0o666 & ~_umask()  # a new file gets what `open()` would give it (0644 under umask 022)
    with contextlib.suppress(FileNotFoundError):
        mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)  # mkstemp makes it 0600: another user (a CI uploader) could not read it
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    """The process's umask; reading it means setting it, so it is set straight back."""
    current = os.umask(0o022)
    os.umask(current)
    return current
