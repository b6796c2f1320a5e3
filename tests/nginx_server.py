"""A real nginx on 127.0.0.1 serving one of our nginx files, for `verify`'s test against the engine itself.

Built on the nginx oracle's harness (tests/nginx_oracle.py: the binary, the rewrites, the stub): one
foreground process (`master_process off`, `daemon off`) in a temporary prefix with its own pid,
error log and temp paths, the headers-more module loaded when Debian's package installed it.
The file is copied line for line (nginx's messages and our findings name the same lines) with
only these rewrites:

- every `listen` becomes a comment, and each `server {` gets `listen 127.0.0.1:PORT;` on its own
  line's end, a free port for each server;
- `proxy_pass` and the other `*_pass` go to a standard-library stub that answers 200 with no CORS
  header; `root`/`alias` point into the prefix, where every probed path exists as a file;
- `ssl_*` directives become comments.

A file whose top level is `server`/`map` is included in `http {}`; a file of `location` and
`add_header` lines is included inside a `server {}`; snippets beside it are copied too.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.nginx_oracle import (  # one harness: the oracle's runner, shared
    _HTTP_OPEN,
    _MAIN_ONLY,
    _SERVER_LEVEL,
    _SERVER_OPEN,
    _http_settings,
    _listening,
    _message,
    _prelude,
    free_ports,
    rewrite,
)

_TOP = re.compile(r"^(\w+)", re.MULTILINE)


@dataclass
class Served:
    """A running nginx: the URL of each server of the file, or why nginx refused the file."""

    urls: list[str] = field(default_factory=list)
    refused: str | None = None


@contextlib.contextmanager
def serving(path: Path, binary: str, stub: int, paths: list[str]) -> Iterator[Served]:
    """nginx serving the file until the block ends; every path in `paths` exists under the root."""
    text = path.read_text(encoding="utf-8")
    names = set(_TOP.findall(text))
    with tempfile.TemporaryDirectory(prefix="ol-verify-nginx-") as folder:
        prefix = Path(folder)
        (prefix / "tmp").mkdir()
        html = prefix / "html"
        html.mkdir()
        (html / "index.html").write_text("page\n")
        for where in paths:
            page = html / where.lstrip("/")
            page = page / "index.html" if where.endswith("/") else page
            page.parent.mkdir(parents=True, exist_ok=True)
            if not page.exists():
                page.write_text("page\n")
        servers = max(1, len(_SERVER_OPEN.findall(text)))
        ports = free_ports(servers)
        for item in path.parent.iterdir():  # the snippets it may include
            if item.is_dir():
                for inner in item.rglob("*"):
                    if inner.is_file():
                        copy = prefix / inner.relative_to(path.parent)
                        copy.parent.mkdir(parents=True, exist_ok=True)
                        copy.write_text(rewrite(inner.read_text(encoding="utf-8"), ports[:1], stub, html))
        site = rewrite(text, ports, stub, html)
        include = f"    include {prefix}/site.conf;"
        config = prefix / "nginx.conf"
        if "http" in names:  # a whole nginx.conf: its own http block, inside our main level
            site = _MAIN_ONLY.sub(lambda m: "#" + m.group(0), site)
            site = _HTTP_OPEN.sub(lambda m: f"{m.group(1)} include {prefix}/verify-http.conf;", site, count=1)
            (prefix / "verify-http.conf").write_text(_http_settings(prefix), encoding="utf-8")
            main = _prelude(prefix, events="events" not in names) + f"include {prefix}/site.conf;\n"
        elif "server" in names:
            body = include
        elif names & _SERVER_LEVEL:
            body = f"{include}\n    server {{ listen 127.0.0.1:{ports[0]}; }}"
        else:
            body = (
                f"    server {{\n        listen 127.0.0.1:{ports[0]};\n        root {html}/;\n"
                f"    {include}\n    }}"
            )
        if "http" not in names:
            main = _prelude(prefix) + "http {\n" + _http_settings(prefix) + body + "\n}\n"
        (prefix / "site.conf").write_text(site, encoding="utf-8")
        config.write_text(main, encoding="utf-8")
        command = [binary, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log")]
        test = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True, timeout=60, check=False)
        if test.returncode != 0:
            yield Served(refused=_message(test.stderr, prefix, path))
            return
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            if not all(_listening(port, process) for port in ports):
                yield Served(refused=_message(process.communicate(timeout=10)[1], prefix, path))
                return
            yield Served([f"http://127.0.0.1:{port}/" for port in ports])
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
