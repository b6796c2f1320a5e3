"""Issue 21's cold start: what was moved off the start-up path still gives the same answers."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from origins_lint.digest import sha256_hex

ROOT = Path(__file__).resolve().parent.parent


def test_sha256_hex_is_hashlibs() -> None:
    for data in (b"", b"x", "ü\0https://a.example".encode(), bytes(range(256)) * 300):
        assert sha256_hex(data) == hashlib.sha256(data).hexdigest()


def test_one_policy_check_loads_no_openssl_nor_secrets(tmp_path: Path) -> None:
    policy = tmp_path / "one.origins.yaml"
    policy.write_text("origins:\n  - origin: http://app.example.com\n", encoding="utf-8")
    probe = (
        "import sys\n"
        "from origins_lint.cli import run\n"
        f"code = run(['check', '-f', 'json', '--no-cache', {str(policy)!r}])\n"
        "print(code, sorted(m for m in ('_hashlib', 'hmac', 'secrets') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.splitlines()[-1] == "1 []"
