"""A real nginx on 127.0.0.1 serving one of our nginx files, for `verify`'s test against the engine itself.

Adapted from the nginx oracle's harness (tests/nginx_oracle.py on the i17-oracle branch): one
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
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
MODULES = Path("/usr/lib/nginx/modules")
START = 5.0  # seconds for nginx to start listening


def nginx_binary() -> str | None:
    """`$NGINX` when set (a path that is not an executable means "no nginx"), else PATH, else Debian's."""
    chosen = os.environ.get("NGINX")
    if chosen is not None:
        return chosen if os.access(chosen, os.X_OK) else None
    found = shutil.which("nginx")
    if found:
        return found
    return next((c for c in NGINX_CANDIDATES if os.access(c, os.X_OK)), None)


_LISTEN = re.compile(r"^(\s*)listen\b[^;]*;", re.MULTILINE)
_SERVER_OPEN = re.compile(r"^(\s*server\s*\{)", re.MULTILINE)
_PASS = re.compile(r"\b(?:proxy_pass|fastcgi_pass|uwsgi_pass|grpc_pass|scgi_pass)\s+[^;]*;")
_ROOT = re.compile(r"\b(root|alias)\s+[^;]*;")
_SSL = re.compile(r"^(\s*)(ssl_\w+\s[^;]*;)", re.MULTILINE)
_TOP = re.compile(r"^(\w+)", re.MULTILINE)
_SERVER_LEVEL = {"server", "map", "upstream", "geo", "split_clients", "log_format", "limit_req_zone"}


def rewrite(text: str, ports: list[int], stub: int, html: Path) -> str:
    """The file with the rewrites above, line for line; the n-th `server {` listens on ports[n]."""
    count = iter(range(1 << 30))
    text = _LISTEN.sub(lambda m: m.group(1) + "#" + m.group(0)[len(m.group(1)) :], text)
    text = _SERVER_OPEN.sub(
        lambda m: f"{m.group(1)} listen 127.0.0.1:{ports[min(next(count), len(ports) - 1)]};", text
    )
    text = _PASS.sub(f"proxy_pass http://127.0.0.1:{stub};", text)
    text = _ROOT.sub(lambda m: f"{m.group(1)} {html}/;", text)
    return _SSL.sub(lambda m: m.group(1) + "# " + m.group(2), text)


class _Stub(BaseHTTPRequestHandler):
    """The upstream every `proxy_pass` goes to: 200, a short body, no CORS header of its own."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        body = b"upstream\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_OPTIONS = do_HEAD = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@contextlib.contextmanager
def stub_upstream() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def free_ports(count: int) -> list[int]:
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]


_MAIN_ONLY = re.compile(
    r"^(?:user|pid|daemon|master_process|worker_processes|error_log)\b[^;]*;", re.MULTILINE
)
_HTTP_OPEN = re.compile(r"^(\s*http\s*\{)", re.MULTILINE)


def _prelude(prefix: Path, events: bool = True) -> str:
    module = MODULES / "ngx_http_headers_more_filter_module.so"
    load = f"load_module {module};\n" if module.is_file() else ""
    return (
        f"{load}daemon off;\nmaster_process off;\nworker_processes 1;\n"
        f"pid {prefix}/nginx.pid;\nerror_log {prefix}/error.log warn;\n"
        + ("events { worker_connections 64; }\n" if events else "")
    )


def _http_settings(prefix: Path) -> str:
    temp = "".join(
        f"    {name}_temp_path {prefix}/tmp/{name};\n"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"    access_log off;\n    default_type text/plain;\n{temp}    server_names_hash_bucket_size 128;\n"
    )


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


def _message(stderr: str, prefix: Path, path: Path) -> str:
    lines = [line for line in stderr.splitlines() if "[emerg]" in line or "[alert]" in line] or [stderr]
    message = re.sub(r"^nginx: ", "", lines[0].strip())
    return message.replace(f"{prefix}/site.conf", path.name).replace(f"{prefix}/", "")


def _listening(port: int, process: subprocess.Popen[str]) -> bool:
    deadline = time.monotonic() + START
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
        time.sleep(0.02)
    return False
