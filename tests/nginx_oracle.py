"""The differential oracle: a real nginx answers which origins a config admits, `match` must agree.

Each nginx file runs in its own nginx (one process, `master_process off`,
`daemon off`) on 127.0.0.1, in a temporary prefix with its own pid, error log and
temp paths, the headers-more module loaded when Debian's package installed it.
The file is copied there line for line (so nginx's messages name the file's own
lines) with only these rewrites, each keeping the line count:

- every `listen` becomes a comment, and each `server {` gets
  `listen 127.0.0.1:PORT;` on its line, a free port of its own for each server;
- `proxy_pass`, `fastcgi_pass`, `uwsgi_pass`, `grpc_pass` and `scgi_pass` go to a
  standard-library stub upstream on 127.0.0.1 that answers 200 with no CORS header;
- `root`/`alias` point into the prefix, where every probed path exists as a file;
- `ssl_*` directives become comments (no certificates in a test).

A file whose top level is `server`/`map`/`upstream` is included in `http {}`; a
file of `location`/`add_header`/`if` lines is included in a `server {}`; a whole
`nginx.conf` (an `http` block of its own) gets only our main-level settings, and
its `http {` includes the temp paths; the snippets a file includes are copied
beside it. Every server is probed through its `server_name` (Host header), every
prefix or exact `location` by its path, a regex location `^/literal/...` as
`/literal/{host}`, every path once more with the origin in the query when the
file reads one (`$arg_NAME`, `NAME=(...)`), and further paths from
`# oracle-paths:` comments in the file (`{origin}` is replaced by the probe
origin, `{origin_q}` by it percent-encoded, `{host}` by what follows `://`).

For each (server, path, origin) a GET and an OPTIONS preflight are sent with
http.client. nginx admits the origin when the response carries exactly one
`Access-Control-Allow-Origin` equal to the origin byte for byte, or `*`: that is
what a browser compares (two headers, or a list in one, it rejects).

Run `python -m tests.nginx_oracle [FILES...]` for the table and the summary.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).parent.parent
FIXTURES_NGINX = Path(__file__).parent / "fixtures" / "nginx"
ORACLE = FIXTURES_NGINX / "oracle"
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
MODULES = Path("/usr/lib/nginx/modules")
MAX_ORIGINS = 48  # bounded request counts: origins per file
MAX_TARGETS = 16  # (server, path) pairs per file
TIMEOUT = 5.0  # seconds, per request and for nginx to start listening

TRUSTED, NOT_TRUSTED, UNKNOWN = "trusted", "not trusted", "unknown"
MATCH_EXIT = {0: TRUSTED, 1: NOT_TRUSTED, 3: UNKNOWN}


def nginx_binary() -> str | None:
    """`$NGINX` when set (a path that is not an executable means "no nginx"), else PATH, else Debian's."""
    chosen = os.environ.get("NGINX")
    if chosen is not None:
        return chosen if os.access(chosen, os.X_OK) else None
    found = shutil.which("nginx")
    if found:
        return found
    return next((c for c in NGINX_CANDIDATES if os.access(c, os.X_OK)), None)


HEADERS_MORE = MODULES / "ngx_http_headers_more_filter_module.so"


def need_nginx(headers_more: bool = False) -> str:
    """The nginx binary for a test that runs the engine itself (and headers-more when asked).

    Without it the test is skipped with the reason, except under CI, where it fails: `.ci/run`
    installs Debian's nginx-light and libnginx-mod-http-headers-more-filter.
    """
    import pytest

    found = nginx_binary()
    missing = (
        "no nginx binary (PATH, /usr/sbin/nginx)"
        if found is None
        else "no headers-more module (libnginx-mod-http-headers-more-filter)"
        if headers_more and not HEADERS_MORE.is_file()
        else None
    )
    if missing is None and found is not None:
        return found
    if os.environ.get("CI"):
        pytest.fail(
            f"CI is set and there is {missing}; .ci/run installs Debian's nginx-light and headers-more"
        )
    raise pytest.skip.Exception(
        f"{missing}: install nginx-light and libnginx-mod-http-headers-more-filter; CI runs this test"
    )


# --- probe origins ----------------------------------------------------------------------------

_ORIGIN = re.compile(r"\b(?:https?)://[A-Za-z0-9.-]+(?::\d+)?\.?(?=[\s\"';,`/]|$)")
_QUOTED = re.compile(r"`((?:https?://[^`\s/]+)|null)`")
_HOST = re.compile(r"(?<![A-Za-z0-9_$-])((?:[a-z0-9-]+(?:\\?\.))+[a-z]{2,})(?![A-Za-z0-9_-])", re.IGNORECASE)
_NOT_HOSTS = {"index.html", "50x.html", "nginx.pid", "error.log"}


def host_names(text: str) -> list[str]:
    """Host names written in the file: literal, or inside a regex with `\\.` escapes."""
    out: dict[str, None] = {}
    for found in _HOST.finditer(text):
        host = found.group(1).replace("\\.", ".").lower()
        if host.count(".") >= 1 and host not in _NOT_HOSTS and not host.endswith((".conf", ".so", ".map")):
            out.setdefault(host, None)
    return list(out)


def attacks(host: str) -> list[str]:
    """Origins built from one host name that a weak check lets in: suffix, prefix, dot replaced, ..."""
    labels = host.split(".")
    parent = ".".join(labels[1:]) if len(labels) > 2 else host
    out = [
        f"https://{host}",
        f"http://{host}",
        f"https://{host}.evil.test",
        f"https://evil{host}",
        f"https://evil.{host}",
        f"https://{host}:8443",
        f"https://{host}:443",
        f"https://{host}.",
        f"https://{host.upper()}",
        f"https://{parent}",
        f"https://evil.{parent}",
        f"https://evil-{host}",
    ]
    for index in range(host.count(".")):
        parts = host.split(".")
        out.append("https://" + ".".join(parts[: index + 1]) + "x" + ".".join(parts[index + 1 :]))
    return out


def probe_origins(text: str, quoted: list[str]) -> list[str]:
    """Counterexamples the findings quote, literal origins, attacks on each host, `null`: bounded."""
    ordered: dict[str, None] = {}
    for origin in quoted:
        ordered.setdefault(origin, None)
    for found in _ORIGIN.finditer(text):
        host = found.group(0).split("://", 1)[1]
        if "." in host or host.startswith("localhost"):  # not `proxy_pass http://backend`
            ordered.setdefault(found.group(0), None)
    ordered.setdefault("null", None)
    ordered.setdefault("https://evil.test", None)
    per_host = [attacks(h) for h in host_names(text)]
    for round_ in range(max((len(a) for a in per_host), default=0)):
        for made in per_host:
            if round_ < len(made):
                ordered.setdefault(made[round_], None)
    return list(ordered)[:MAX_ORIGINS]


def quoted_origins(messages: list[str]) -> list[str]:
    """The origins the messages quote; a quoted regex that only looks like one (a map key's group,
    `https://[a-z0-9-]+\\.example\\.com`) is no probe."""
    from origins_lint.origins import read_origin

    quoted = (m.group(1) for message in messages for m in _QUOTED.finditer(message))
    return [q for q in quoted if q == "null" or read_origin(q).ok]


# --- wrapping ---------------------------------------------------------------------------------

_LISTEN = re.compile(r"^(\s*)listen\b[^;]*;", re.MULTILINE)
_SERVER_OPEN = re.compile(r"^(\s*server\s*\{)", re.MULTILINE)
_PASS = re.compile(r"\b(?:proxy_pass|fastcgi_pass|uwsgi_pass|grpc_pass|scgi_pass)\s+[^;]*;")
_ROOT = re.compile(r"\b(root|alias)\s+[^;]*;")
_SSL = re.compile(r"^(\s*)(ssl_\w+\s[^;]*;)", re.MULTILINE)
_PATHS = re.compile(r"#\s*oracle-paths:\s*(.+)$", re.MULTILINE)
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


_TOKEN = re.compile(r"""#[^\n]*|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[{};]|[^\s{};"'#]+""")


def structure(text: str) -> list[dict[str, Any]]:
    """The file's directives as a tree, by a small lexer of our own (crossplane's is patched by the
    code under test, and the oracle must not read files through the code it checks)."""
    root: list[dict[str, Any]] = []
    stack = [root]
    words: list[str] = []
    for token in _TOKEN.findall(text):
        if token.startswith("#"):
            continue
        if token in (";", "{"):
            if words:
                node: dict[str, Any] = {"directive": words[0], "args": [_unquote(w) for w in words[1:]]}
                stack[-1].append(node)
                if token == "{":
                    node["block"] = []
                    stack.append(node["block"])
            words = []
        elif token == "}":
            words = []
            if len(stack) > 1:
                stack.pop()
        else:
            words.append(token)
    return root


def _unquote(word: str) -> str:
    return word[1:-1] if len(word) >= 2 and word[0] == word[-1] and word[0] in "\"'" else word


@dataclass(frozen=True)
class Target:
    host: str
    path: str  # may hold {origin}, {origin_q} (percent-encoded) or {host} (the origin after `://`)

    def url(self, origin: str) -> str:
        host = origin.split("://", 1)[-1]
        return (
            self.path.replace("{origin_q}", quote(origin, safe=""))
            .replace("{origin}", origin)
            .replace("{host}", host)
        )

    server: int = 0  # which server of the file: each listens on its own port

    def __str__(self) -> str:
        return f"{self.host}{self.path}"


_META = re.compile(r"[()\[\]{}.*+?|\\$]")
_QUERY = re.compile(r"\$arg_(\w+)|[?&](\w+)=\(")


def _locations(block: list[dict[str, Any]]) -> Iterator[str]:
    """A path for each location: its prefix, or for a regex `^/literal/...`, `/literal/{host}`."""
    for directive in block:
        if directive["directive"] != "location":
            continue
        args = directive["args"]
        if len(args) == 1 and args[0].startswith("/"):
            yield args[0]
        elif len(args) == 2 and args[0] in ("=", "^~") and args[1].startswith("/"):
            yield args[1]
        elif len(args) == 2 and args[0] in ("~", "~*") and args[1].startswith("^/"):
            literal = _META.split(args[1][1:], maxsplit=1)[0]
            if literal.endswith("/"):
                yield literal + "{host}"
        yield from _locations(directive.get("block", []))


def targets(path: Path, text: str, top: list[dict[str, Any]]) -> list[Target]:
    """(Host, path) to probe: each server by its name, each location, `oracle-paths`.

    A value read from the query string (`$arg_origin`, `origin=(...)` in a regex) gets the
    probe origin there too, at every path.
    """
    extra = [p for line in _PATHS.findall(text) for p in line.split()]
    queries = sorted({a or b for a, b in _QUERY.findall(text)})
    servers = [d for d in top if d["directive"] == "server"]
    blocks: list[tuple[str, list[dict[str, Any]]]] = []
    if servers:
        for server in servers:
            names = [
                a
                for d in server.get("block", [])
                if d["directive"] == "server_name"
                for a in d["args"]
                if a and a != "_" and "*" not in a and not a.startswith("~") and not a.startswith(".")
            ]
            blocks.append((names[0] if names else "localhost", server.get("block", [])))
    else:
        blocks.append(("localhost", top))
    out: dict[Target, None] = {}
    for server, (host, block) in enumerate(blocks):
        paths = ["/", *_locations(block), *extra]
        for where in paths + [f"{p}?{q}={{origin}}" for p in paths if "?" not in p for q in queries]:
            out.setdefault(Target(host, where, server), None)
    return list(out)[:MAX_TARGETS]


# --- running nginx ----------------------------------------------------------------------------


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
    """Distinct ports nothing listens on now (all held open together, then released)."""
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
    """The main-level directives of every run: one foreground process, everything in the prefix."""
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


def _wrapped(names: set[str], prefix: Path, port: int) -> str:
    """The http-level text that loads site.conf: as is, beside a bare server, or inside one."""
    include = f"    include {prefix}/site.conf;"
    if "server" in names:
        return include
    if names & _SERVER_LEVEL:  # maps and upstreams only: a server that serves nothing listens
        return f"{include}\n    server {{ listen 127.0.0.1:{port}; }}"
    return f"    server {{\n        listen 127.0.0.1:{port};\n    {include}\n    }}"


def _main_config(prefix: Path, body: str) -> str:
    return _prelude(prefix) + "http {\n" + _http_settings(prefix) + body + "\n}\n"


@dataclass
class Exchange:
    status: int
    allow_origin: list[str]


@dataclass
class FileRun:
    """What nginx did with one file: refused (with its message), or the answer to each probe."""

    path: Path
    refused: str | None = None
    targets: list[Target] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    # (target, origin) -> "2xx" (admitted on a 2xx), "other" (admitted only on another status), "no"
    admitted: dict[tuple[Target, str], str] = field(default_factory=dict)
    sent: dict[tuple[Target, str], str] = field(default_factory=dict)  # what nginx answered, in words


def admits(exchange: Exchange, origin: str) -> bool:
    """What the browser accepts: one Allow-Origin, equal to the origin byte for byte, or `*`."""
    values = exchange.allow_origin
    return len(values) == 1 and values[0] in (origin, "*")


def _send(conn: http.client.HTTPConnection, method: str, url: str, headers: dict[str, str]) -> Exchange:
    conn.request(method, url, headers=headers)
    response = conn.getresponse()
    response.read()
    return Exchange(response.status, response.msg.get_all("Access-Control-Allow-Origin") or [])


def run_file(path: Path, quoted: list[str], binary: str, stub: int) -> FileRun:
    """Load one file into a fresh nginx and send every probe; nginx is stopped before returning.

    The free port is found before nginx binds it; if another process took it meanwhile, the file
    runs again on another port (three tries).
    """
    for _ in range(3):
        result = _run_once(path, quoted, binary, stub)
        if result.refused is None or "Address already in use" not in result.refused:
            break
    return result


def _run_once(path: Path, quoted: list[str], binary: str, stub: int) -> FileRun:
    text = path.read_text(encoding="utf-8")
    result = FileRun(path)
    top = structure(text)
    names = {d["directive"] for d in top}
    with tempfile.TemporaryDirectory(prefix="ol-nginx-") as folder:
        prefix = Path(folder)
        (prefix / "tmp").mkdir()
        html = prefix / "html"
        full = "http" in names  # a whole nginx.conf: its own http block, inside our main level
        level = next((d.get("block", []) for d in top if d["directive"] == "http"), []) if full else top
        ports = free_ports(max(1, sum(d["directive"] == "server" for d in level)))
        port = ports[0]
        result.targets = targets(path, text, level)
        result.origins = probe_origins(text, quoted)
        for target in result.targets:
            where = html / target.path.split("?")[0].lstrip("/").split("{")[0]
            page = where / "index.html" if target.path.endswith("/") else where
            page.parent.mkdir(parents=True, exist_ok=True)
            if not page.exists():
                page.write_text("page\n")
        (html / "index.html").write_text("page\n")
        for item in path.parent.iterdir():  # the snippets it may include, rewritten the same way
            if item.is_dir():
                for inner in item.rglob("*"):
                    if inner.is_file():
                        copy = prefix / inner.relative_to(path.parent)
                        copy.parent.mkdir(parents=True, exist_ok=True)
                        copy.write_text(rewrite(inner.read_text(encoding="utf-8"), ports[:1], stub, html))
        site = rewrite(text, ports, stub, html)
        config = prefix / "nginx.conf"
        if full:
            site = _MAIN_ONLY.sub(lambda m: "#" + m.group(0), site)
            site = _HTTP_OPEN.sub(lambda m: f"{m.group(1)} include {prefix}/oracle-http.conf;", site, count=1)
            settings = _http_settings(prefix)
            if not any(d["directive"] == "server" for d in level):
                settings += f"    server {{ listen 127.0.0.1:{port}; }}\n"
            (prefix / "oracle-http.conf").write_text(settings, encoding="utf-8")
            main = _prelude(prefix, events="events" not in names) + f"include {prefix}/site.conf;\n"
        (prefix / "site.conf").write_text(site, encoding="utf-8")
        if not full:
            main = _main_config(prefix, _wrapped(names, prefix, port))
        config.write_text(main, encoding="utf-8")
        command = [binary, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log")]
        test = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True, timeout=60, check=False)
        if test.returncode != 0:
            result.refused = _message(test.stderr, prefix, path)
            return result
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            if not _listening(port, process):
                result.refused = _message(process.communicate(timeout=10)[1], prefix, path)
                return result
            _probe(result, ports)
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    return result


def _message(stderr: str, prefix: Path, path: Path) -> str:
    lines = [line for line in stderr.splitlines() if "[emerg]" in line or "[alert]" in line] or [stderr]
    message = re.sub(r"^nginx: ", "", lines[0].strip())
    return message.replace(f"{prefix}/site.conf", path.name).replace(f"{prefix}/", "")


def _listening(port: int, process: subprocess.Popen[str]) -> bool:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
        time.sleep(0.02)
    return False


def _probe(result: FileRun, ports: list[int]) -> None:
    conns: dict[int, http.client.HTTPConnection] = {}
    try:
        for target in result.targets:
            port = ports[min(target.server, len(ports) - 1)]
            for origin in result.origins:
                base = {"Host": target.host, "Origin": origin}
                preflight = {
                    **base,
                    "Access-Control-Request-Method": "PUT",
                    "Access-Control-Request-Headers": "content-type",
                }
                answers = []
                for method, headers in (("GET", base), ("OPTIONS", preflight)):
                    conn = conns.setdefault(
                        port, http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
                    )
                    try:
                        answers.append(_send(conn, method, target.url(origin), headers))
                    except (http.client.HTTPException, OSError):
                        conn.close()
                        conns[port] = conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
                        answers.append(_send(conn, method, target.url(origin), headers))
                ok = [a for a in answers if admits(a, origin)]
                verdict = "2xx" if any(200 <= a.status < 300 for a in ok) else "other" if ok else "no"
                result.admitted[(target, origin)] = verdict
                result.sent[(target, origin)] = "; ".join(
                    f"{method} {a.status} " + (" + ".join(f"ACAO `{v}`" for v in a.allow_origin) or "no ACAO")
                    for method, a in zip(("GET", "OPTIONS"), answers, strict=True)
                )
    finally:
        for conn in conns.values():
            conn.close()


# --- comparing with `match` -------------------------------------------------------------------


@dataclass
class Pair:
    target: Target
    origin: str
    nginx: str  # "2xx", "other", "no"
    match: str  # trusted, not trusted, unknown
    agrees: bool
    per_file: bool  # decided by the file as a whole: `match` answers per file, not per location


def compare(run: FileRun, answers: dict[str, str]) -> list[Pair]:
    """(target, origin) pairs with whether `match` agrees with nginx.

    nginx admits on a 2xx: `match` must say trusted or unknown. nginx admits at no
    path of the file on any status: `match` must not say trusted. `match` answers for
    the file, so a location that refuses what another location admits is no claim
    either way, nor is an admission only on a non-2xx response.
    """
    anywhere: dict[str, str] = {}
    for (_, origin), verdict in run.admitted.items():
        if verdict == "2xx" or (anywhere.get(origin) != "2xx" and verdict == "other"):
            anywhere[origin] = verdict
    pairs = []
    for (target, origin), verdict in run.admitted.items():
        if origin.lower() == f"http://{target.host}":
            continue  # the server's own origin here (`$scheme://$host`): same-origin, CORS plays no part
        said = answers[origin]
        if verdict == "2xx":
            pairs.append(Pair(target, origin, verdict, said, said in (TRUSTED, UNKNOWN), False))
        elif origin not in anywhere:
            pairs.append(Pair(target, origin, verdict, said, said != TRUSTED, False))
        else:
            pairs.append(Pair(target, origin, verdict, said, True, True))
    return pairs


def match_answers(path: Path, origins: list[str], cwd: Path) -> dict[str, str]:
    """What `origins-lint match ORIGIN FILE` answers for each origin (trusted 0, not trusted 1, unknown 3).

    The file is parsed once and each origin asked of `admit.answer`, the function the command
    runs; the command line itself answers every eighth origin too, and must say the same.
    """
    from origins_lint.admit import answer
    from origins_lint.check import parse_files
    from origins_lint.config import Config
    from origins_lint.origins import read_origin
    from tests.conftest import run_cli

    errors: list[str] = []
    parsed = parse_files([str(path.resolve())], Config(), None, errors)
    assert not errors, errors
    out = {}
    for index, origin in enumerate(origins):
        assert origin == "null" or read_origin(origin).ok, f"probe {origin!r} is no origin `match` takes"
        out[origin] = MATCH_EXIT[answer(parsed, origin).verdict.exit_code]
        if index % 8 == 0:
            ran = run_cli("match", "--output-format", "json", origin, str(path.resolve()), cwd=cwd)
            said = MATCH_EXIT.get(ran.exit_code, f"exit {ran.exit_code}: {ran.stdout}{ran.stderr}")
            assert said == out[origin], (
                f"match {origin} {path}: the command says {said}, admit.answer {out[origin]}"
            )
    return out


def findings(path: Path, cwd: Path) -> list[dict[str, Any]]:
    """`origins-lint check` of one file, as JSON findings (those in the snippets it includes too)."""
    from tests.conftest import check_json

    ran = check_json(path.resolve(), extra=("--no-cache",), cwd=cwd)
    assert ran.exit_code in (0, 1), ran.stdout + ran.stderr
    return ran.findings


def fixtures() -> list[Path]:
    """The oracle's own nginx files (the snippets they include live in folders beside them)."""
    return sorted(ORACLE.glob("*.conf"))


def main(argv: list[str]) -> int:
    """`python -m tests.nginx_oracle [--markdown] [FILES...]`: the table, or the notes' disagreement rows."""
    markdown = "--markdown" in argv
    argv = [a for a in argv if a != "--markdown"]
    binary = nginx_binary()
    if binary is None:
        print("no nginx binary", file=sys.stderr)
        return 2
    paths = [Path(a) for a in argv] or fixtures()
    total = agree = loaded = 0
    with tempfile.TemporaryDirectory() as cwd, stub_upstream() as stub:
        for path in paths:
            found = findings(path, Path(cwd))
            run = run_file(path, quoted_origins([f["message"] for f in found]), binary, stub)
            if run.refused is not None:
                print(f"{path.name}: nginx refuses: {run.refused}")
                continue
            loaded += 1
            pairs = compare(run, match_answers(path, run.origins, Path(cwd)))
            decided = [p for p in pairs if not p.per_file]
            ok = sum(p.agrees for p in decided)
            total, agree = total + len(decided), agree + ok
            wrong = _one_per_origin([p for p in pairs if not p.agrees])
            if markdown:
                for p in wrong:
                    print(
                        f"| {path.name} | `{p.target.url(p.origin)}` | `{p.origin}` | "
                        f"{run.sent[(p.target, p.origin)]} | {p.match} |"
                    )
                continue
            print(f"{path.name}: {ok}/{len(decided)}")
            for p in wrong:
                print(f"    {p.target} | {p.origin} | {run.sent[(p.target, p.origin)]} | match {p.match}")
    print(f"files {len(paths)}, loaded {loaded}, pairs {total}, agreement {100 * agree / max(total, 1):.1f}%")
    return 0


def _one_per_origin(pairs: list[Pair]) -> list[Pair]:
    """One disagreement per origin, at a location of the file rather than the catch-all `/`."""
    best: dict[str, Pair] = {}
    for pair in pairs:
        if pair.origin not in best or best[pair.origin].target.path == "/":
            best[pair.origin] = pair
    return list(best.values())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
