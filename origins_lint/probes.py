"""What a parse looked for on disk, so that a cache can tell when a new file would change its result.

An nginx `include snippets/*.conf` pulls in whatever files match when it is read: adding a file
changes the includer's findings without changing any file it included before. The reader records
each path or glob it tried with what it found (`probe`); the cache keeps that record and checks it
again before trusting an entry.
"""

from __future__ import annotations

import glob
import os


def probe(pattern: str) -> list[str]:
    """The regular files ``pattern`` (a path or a glob) names now, each as its real path, sorted."""
    found = glob.glob(pattern) if glob.has_magic(pattern) else [pattern]
    return sorted(os.path.realpath(path) for path in found if os.path.isfile(path))
