"""The HTTP client of `verify`: the only code in origins-lint that opens a socket.

It is the standard library's `http.client`, on purpose:

- no new dependency (a security tool's supply chain is part of what it is trusted with);
- nothing to import for the other commands, and little for this one (`httpx` costs
  tens of milliseconds before the first request, and brings its own TLS and proxy settings);
- enough: `verify` sends one GET and one OPTIONS per probe, with one `Origin` and a few
  fixed headers, and reads the status and five response headers. `http.client` also keeps
  every header line as sent, so two `Access-Control-Allow-Origin` headers stay two (a
  browser refuses that answer), and it never sends a cookie, credentials or a proxy's
  `Proxy-Authorization`, and never reads the proxy environment variables.

Redirects: a GET redirected within the same origin (scheme, host, port) is followed up to
three times, as a browser would for a simple request; a redirect to another host is never
followed, and is reported as the answer. A preflight is never redirected (browsers fail it).
TLS certificates and host names are verified unless `--insecure`, which the output states.
"""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

from origins_lint import __version__

USER_AGENT = f"origins-lint-verify/{__version__} (+https://github.com/origins-lint/origins-lint)"
PREFLIGHT_METHOD = "PUT"
PREFLIGHT_HEADER = "x-origins-lint-verify"
WORKERS = 4  # requests in flight at once: low, a scan must not look like a load test
MAX_BODY = 65_536  # bytes of a GET's body read before the connection is closed
MAX_REDIRECTS = 3
DEFAULT_TIMEOUT = 10.0

READ = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Vary",
)


@dataclass(frozen=True, slots=True)
class Request:
    method: str  # GET or OPTIONS
    url: str
    origin: str

    def headers(self) -> dict[str, str]:
        """Exactly what is sent besides `Host`: no cookie, no `Authorization`, nothing else."""
        sent = {"User-Agent": USER_AGENT, "Accept": "*/*", "Origin": self.origin, "Connection": "close"}
        if self.method == "OPTIONS":
            sent["Access-Control-Request-Method"] = PREFLIGHT_METHOD
            sent["Access-Control-Request-Headers"] = PREFLIGHT_HEADER
        return sent


@dataclass(frozen=True, slots=True)
class Answer:
    """What the server said to one request (after same-origin redirects), or why it said nothing."""

    request: Request
    status: int | None = None
    allow_origin: tuple[str, ...] = ()
    allow_credentials: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    vary: tuple[str, ...] = ()
    redirect: str | None = None  # a redirect to another origin, not followed
    error: str | None = None

    @property
    def admitted(self) -> bool:
        """What a browser accepts: exactly one Allow-Origin, equal to the Origin byte for byte, or `*`."""
        return len(self.allow_origin) == 1 and self.allow_origin[0] in (self.request.origin, "*")

    @property
    def credentials(self) -> bool:
        """Admitted with credentials: the origin itself (never `*`) and `Allow-Credentials: true` exactly."""
        return (
            self.admitted
            and self.allow_origin[0] != "*"
            and len(self.allow_credentials) == 1
            and self.allow_credentials[0] == "true"
        )

    @property
    def per_origin(self) -> bool:
        """The Allow-Origin names the request's origin: it changes from one request to the next."""
        return self.allow_origin == (self.request.origin,) and self.request.origin != "*"

    @property
    def varies_on_origin(self) -> bool:
        names = {part.strip().lower() for value in self.vary for part in value.split(",")}
        return "origin" in names or "*" in names

    def evidence(self) -> str:
        """One line a reader can check: `GET /path 200: Access-Control-Allow-Origin: ...`."""
        where = urlsplit(self.request.url)
        path = (where.path or "/") + (f"?{where.query}" if where.query else "")
        head = f"{self.request.method} {path}"
        if self.error is not None:
            return f"{head}: {self.error}"
        parts = [f"{head} {self.status}"]
        if not self.allow_origin:
            parts.append("no `Access-Control-Allow-Origin`")
        for value in self.allow_origin:
            parts.append(f"`Access-Control-Allow-Origin: {value}`")
        if len(self.allow_origin) > 1:
            parts.append(f"({len(self.allow_origin)} of them: browsers refuse the answer)")
        for value in self.allow_credentials:
            parts.append(f"`Access-Control-Allow-Credentials: {value}`")
        if self.allow_origin and self.vary:
            parts.append(f"`Vary: {', '.join(self.vary)}`")
        if self.redirect is not None:
            parts.append(f"redirect to `{self.redirect}` (another origin: not followed)")
        return " ".join(parts)


class Client:
    """Sends requests, a few at a time; every failure becomes an `Answer` with its reason."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, insecure: bool = False) -> None:
        self.timeout = timeout
        self.insecure = insecure
        self._tls = ssl.create_default_context()
        if insecure:
            self._tls.check_hostname = False
            self._tls.verify_mode = ssl.CERT_NONE

    def send_all(self, requests: Iterable[Request]) -> Iterator[Answer]:
        """Each request's answer, in order, with at most `WORKERS` in flight."""
        with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="origins-lint-verify") as pool:
            yield from pool.map(self.send, requests)

    def send(self, request: Request) -> Answer:
        url = request.url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                answer, location = self._once(request, url)
            except TimeoutError:
                return Answer(request, error=f"no answer within {self.timeout:g} s (timed out)")
            except ssl.SSLCertVerificationError as error:
                return Answer(
                    request,
                    error=f"TLS certificate not accepted ({error.verify_message}); --insecure skips this",
                )
            except ConnectionRefusedError:
                return Answer(request, error="connection refused (nothing listens there)")
            except (http.client.HTTPException, ValueError, UnicodeError) as error:
                reason = str(error) or type(error).__name__
                return Answer(request, error=f"the answer is not readable HTTP ({reason[:120]})")
            except OSError as error:
                reason = error.strerror or str(error) or type(error).__name__
                return Answer(request, error=f"cannot connect ({reason})")
            if location is None or request.method != "GET":
                return answer
            try:
                target = urljoin(url, location)
                same = _same_origin(url, target)
            except ValueError:  # `Location: http://[::1` or a port that is no number: not followed
                return replace(answer, redirect=location)
            if not same:
                return replace(answer, redirect=target)
            url = target
        return Answer(request, error=f"more than {MAX_REDIRECTS} redirects within the site")

    def _once(self, request: Request, url: str) -> tuple[Answer, str | None]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                host, parts.port, timeout=self.timeout, context=self._tls
            )
        else:
            connection = http.client.HTTPConnection(host, parts.port, timeout=self.timeout)
        path = parts.path or "/"
        if parts.query:
            path += f"?{parts.query}"
        try:
            connection.request(request.method, path, headers=request.headers())
            response = connection.getresponse()
            if request.method == "GET":
                response.read(MAX_BODY)
            headers = response.msg

            def every(name: str) -> tuple[str, ...]:
                return tuple(value.strip() for value in headers.get_all(name) or [])

            answer = Answer(
                request,
                response.status,
                every(READ[0]),
                every(READ[1]),
                every(READ[2]),
                every(READ[3]),
                every(READ[4]),
            )
            location = headers.get("Location") if 300 <= response.status < 400 else None
            return answer, location
        finally:
            connection.close()


def _same_origin(left: str, right: str) -> bool:
    a, b = urlsplit(left), urlsplit(right)
    default = {"http": 80, "https": 443}
    return (a.scheme, a.hostname, a.port or default.get(a.scheme)) == (
        b.scheme,
        b.hostname,
        b.port or default.get(b.scheme),
    )
