"""SHA-256 in hex, for fingerprints and the cache's keys, without loading OpenSSL at start-up.

`hashlib` loads `_hashlib`, OpenSSL's bindings: about 3 ms of every run before the first line is
read (issue 21's cold start). CPython's own `_sha256` module gives the same digests at a
fraction of that; a build without it (the module is optional) falls back to `hashlib`. The
cache's HMAC still uses `hashlib`, imported only when a cache is read or written.
"""

from __future__ import annotations

try:
    from _sha256 import sha256 as _sha256  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - a CPython built without its own SHA-256
    from hashlib import sha256 as _sha256


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data` in lower-case hex, the same as `hashlib.sha256(data).hexdigest()`."""
    digest: str = _sha256(data).hexdigest()
    return digest
