"""Servers on 127.0.0.1 for the `verify` tests: engines' answering rules, and servers that misbehave.

Each runs in a thread of the test process (`http.server`), on a port the system picks, and
records every request it gets, so a test can say what was sent (and what was not).
"""

from __future__ import annotations

import contextlib
import re
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML


@dataclass
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    raw: bytes | None = None  # sent as is instead of a well-formed answer
    hold: bool = False  # answer nothing until the server stops (a slow server)


Responder = Callable[[str, str, Message], Reply]


@dataclass
class Server:
    url: str
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # (method, path, headers)


@contextlib.contextmanager
def serve(responder: Responder, tls: tuple[Path, Path] | None = None) -> Iterator[Server]:
    """The responder's server on 127.0.0.1; over TLS with `tls` (a certificate and its key)."""
    released = threading.Event()
    record: list[tuple[str, str, dict[str, str]]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            record.append((self.command, self.path, dict(self.headers.items())))
            reply = responder(self.command, self.path, self.headers)
            if reply.hold:
                released.wait(30)
                return
            if reply.raw is not None:
                self.wfile.write(reply.raw)
                self.close_connection = True
                return
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_OPTIONS = do_HEAD = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    scheme = "http"
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Server(f"{scheme}://127.0.0.1:{server.server_address[1]}/", record)
    finally:
        released.set()
        server.shutdown()
        server.server_close()


def self_signed(folder: Path, openssl: str) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no authority signed, and its key (made by the openssl command)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- engines ------------------------------------------------------------------------------------


def traefik(config: Path, name: str) -> Responder:
    """Traefik's headers middleware, as pkg/middlewares/headers/header.go (traefik/traefik) answers.

    `isOriginAllowed`: an item of `accessControlAllowOriginList` equal to the Origin (or `*`, sent
    as `*`), else a regex of `accessControlAllowOriginListRegex` that `MatchString`s it (Go's
    regexp: a search, not anchored) echoes the Origin; `Access-Control-Allow-Credentials: true`
    whenever configured; `Vary: Origin` only with `addVaryHeader`. A preflight (OPTIONS with
    Origin and Access-Control-Request-Method) is answered by the middleware itself.
    """
    headers = YAML(typ="safe").load(config.read_text("utf-8"))["http"]["middlewares"][name]["headers"]
    items = [str(item) for item in headers.get("accessControlAllowOriginList", [])]
    regexes = [re.compile(str(item)) for item in headers.get("accessControlAllowOriginListRegex", [])]
    credentials = bool(headers.get("accessControlAllowCredentials"))
    vary = bool(headers.get("addVaryHeader"))

    def allowed(origin: str) -> str | None:
        for item in items:
            if item in ("*", origin):
                return item
        return origin if any(r.search(origin) for r in regexes) else None

    def respond(method: str, _path: str, request: Message) -> Reply:
        origin = request.get("Origin", "")
        out: list[tuple[str, str]] = []
        if credentials:
            out.append(("Access-Control-Allow-Credentials", "true"))
        match = allowed(origin) if origin else None
        if match is not None:
            out.append(("Access-Control-Allow-Origin", match))
        if method == "OPTIONS" and origin and request.get("Access-Control-Request-Method"):
            return Reply(200, out)
        if vary:
            out.append(("Vary", "Origin"))
        return Reply(200, out)

    return respond


def spring(origins: list[str], credentials: bool = True) -> Responder:
    """Spring's DefaultCorsProcessor with `allowedOrigins` (spring-framework, CorsConfiguration.checkOrigin):
    an allowed origin is compared ignoring case and the request's Origin is sent back; every
    answer to a request with an Origin carries `Vary: Origin, Access-Control-Request-Method,
    Access-Control-Request-Headers`; an origin not allowed gets 403 and no CORS header."""
    allowed = {origin.lower().rstrip("/") for origin in origins}

    def respond(_method: str, _path: str, request: Message) -> Reply:
        origin = request.get("Origin")
        if origin is None:
            return Reply(200)
        vary = [("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")]
        if origin.lower() not in allowed:
            return Reply(403, vary)
        out = [*vary, ("Access-Control-Allow-Origin", origin)]
        if credentials:
            out.append(("Access-Control-Allow-Credentials", "true"))
        return Reply(200, out)

    return respond


def replay(answer: str) -> Responder:
    """A rule page's answer block: `# admits: any` or `# admits: ORIGIN ...`, then the headers sent to
    an admitted origin, `$http_origin` standing for the request's Origin. Others get no header."""
    lines = [line.strip() for line in answer.splitlines() if line.strip()]
    admits = next(line.split(":", 1)[1].split() for line in lines if line.startswith("# admits:"))
    sent = [tuple(part.strip() for part in line.split(":", 1)) for line in lines if not line.startswith("#")]

    def respond(_method: str, _path: str, request: Message) -> Reply:
        origin = request.get("Origin", "")
        if admits != ["any"] and origin not in admits:
            return Reply(200)
        return Reply(200, [(name, value.replace("$http_origin", origin)) for name, value in sent])

    return respond
