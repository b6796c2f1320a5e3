"""The Apache conformance answers, checked against a real httpd (Debian's apache2-bin).

Each case of tests/conformance/apache/cases.yaml is served by httpd on 127.0.0.1 from a
throw-away ServerRoot, and asked with the case's Origin: `config-rejected` must be what
`apache2 -t` refuses, and every other answer what a browser makes of the
`Access-Control-Allow-Origin` (and `-Allow-Credentials`) httpd sends. Skipped without httpd
outside CI; under CI (`.ci/run` installs apache2-bin) a missing httpd fails the test.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_conformance import CASES, Case

MODULES = Path("/usr/lib/apache2/modules")
LOADED = ("mpm_event", "authz_core", "headers", "setenvif", "rewrite", "env", "dir")
TIMEOUT = 10.0
APACHE_CASES = [case for case in CASES if case.engine == "apache"]

pytestmark = pytest.mark.httpd


def need_httpd() -> str:
    found = shutil.which("apache2") or ("/usr/sbin/apache2" if os.path.exists("/usr/sbin/apache2") else None)
    if found is not None and MODULES.is_dir():
        return found
    if os.environ.get("CI"):
        pytest.fail(
            "CI is set and there is no httpd (/usr/sbin/apache2); .ci/run installs Debian's apache2-bin"
        )
    pytest.skip("no httpd (/usr/sbin/apache2, Debian's apache2-bin)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(root: Path, port: int, case: Case) -> Path:
    (root / "htdocs").mkdir()
    (root / "htdocs" / "index.html").write_text("ok\n", encoding="utf-8")
    (root / "case.conf").write_text(case.config, encoding="utf-8")
    loads = "\n".join(f"LoadModule {name}_module {MODULES}/mod_{name}.so" for name in LOADED)
    user = "User nobody\nGroup nogroup\n" if os.geteuid() == 0 else ""
    main = root / "httpd.conf"
    main.write_text(
        f'ServerRoot "{root}"\n{loads}\n{user}Listen 127.0.0.1:{port}\nServerName localhost\n'
        f'PidFile "{root}/httpd.pid"\nErrorLog "{root}/error.log"\nMutex file:{root}\n'
        f'DocumentRoot "{root}/htdocs"\n<Directory "{root}/htdocs">\n    Require all granted\n</Directory>\n'
        "Include case.conf\n",
        encoding="utf-8",
    )
    return main


@contextlib.contextmanager
def _served(httpd: str, main: Path, port: int) -> Iterator[None]:
    process = subprocess.Popen(
        [httpd, "-f", str(main), "-DFOREGROUND"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"httpd did not start: {process.stderr.read() if process.stderr else ''}")
        yield
    finally:
        process.terminate()
        try:
            process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answer(port: int, origin: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request("GET", "/index.html", headers={"Origin": origin})
        response = connection.getresponse()
        response.read()
        allowed = response.headers.get_all("Access-Control-Allow-Origin") or []
        credentials = response.headers.get("Access-Control-Allow-Credentials", "")
    finally:
        connection.close()
    if len(allowed) != 1 or allowed[0] not in (origin, "*"):
        return "not-admitted"
    if allowed[0] == origin and credentials.strip() == "true":
        return "admitted-with-credentials"
    return "admitted"


@pytest.mark.parametrize("case", APACHE_CASES, ids=[case.id for case in APACHE_CASES])
def test_httpd_answers_as_the_case_says(case: Case) -> None:
    httpd = need_httpd()
    root = Path(tempfile.mkdtemp(prefix="origins-lint-httpd-"))
    try:
        root.chmod(0o755)
        port = _free_port()
        main = _config(root, port, case)
        checked = subprocess.run([httpd, "-f", str(main), "-t"], capture_output=True, text=True, check=False)
        if case.answer == "config-rejected":
            assert checked.returncode != 0, checked.stderr
            return
        assert checked.returncode == 0, checked.stderr
        with _served(httpd, main, port):
            assert _answer(port, case.origin) == case.answer
    finally:
        shutil.rmtree(root, ignore_errors=True)
