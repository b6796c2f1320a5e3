"""Caddy's own parts of reading its header operations: its placeholders and its `header Origin`
matcher. The operations and their composition are `readers/response_headers.py`'s.

Placeholders (caddy.Replacer): `{http.request.header.Origin}` and its Caddyfile shorthand
`{header.Origin}` echo the Origin; `{host}`, `{scheme}`, `{port}` are the server's own; another
`{http.request.*}` is text the sender chooses; `{$ENV}` and `{env.*}` are the environment;
anything else (`{vars.*}`, a `map` output) is filled in when Caddy runs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from origins_lint.formats.readers.response_headers import OriginCheck, Style, Value
from origins_lint.model import Dialect, Engine, Location, MatcherKind, MatchMode, OriginMatcher

# http.matchers.header (matchers.go matchHeaders): `==`, or strings.HasPrefix/HasSuffix/Contains
# for a value ending, starting or both with `*`; case-sensitive on the value
CADDY_HEADER: Final = Engine("caddy-header", MatchMode.FULL, case_sensitive=True)
# http.matchers.header_regexp (MatchRegexp.Match): Go's regexp FindStringSubmatch, a search
CADDY_REGEXP: Final = Engine("caddy-go-regexp", MatchMode.SEARCH, case_sensitive=True, dialect=Dialect.RE2)

# a placeholder (caddy.Replacer): `{name}`, not `\{`; `{$ENV}` is the Caddyfile's env substitution
_PLACEHOLDER: Final = re.compile(r"(?<!\\)\{([^{}\s]+)\}")
_SHORTHANDS: Final = (  # caddyconfig/httpcaddyfile/shorthands.go
    (re.compile(r"^header\.([\w-]*)$"), r"http.request.header.\1"),
    (re.compile(r"^re\.([\w.-]*)$"), r"http.regexp.\1"),
    (re.compile(r"^vars\.([\w-]*)$"), r"http.vars.\1"),
    (re.compile(r"^query\.([\w-]*)$"), r"http.request.uri.query.\1"),
    (re.compile(r"^cookie\.([\w-]*)$"), r"http.request.cookie.\1"),
    (re.compile(r"^labels\.([\w-]*)$"), r"http.request.host.labels.\1"),
    (re.compile(r"^path\.([\w-]*)$"), r"http.request.uri.path.\1"),
)
_SIMPLE: Final = {
    "host": "http.request.host",
    "hostport": "http.request.hostport",
    "scheme": "http.request.scheme",
    "port": "http.request.port",
    "uri": "http.request.uri",
    "path": "http.request.uri.path",
    "query": "http.request.uri.query",
    "method": "http.request.method",
    "remote": "http.request.remote",
    "remote_host": "http.request.remote.host",
}
# the server's own origin: the Host the request reached (a browser's cross-site request cannot
# choose it), and the scheme and port
_SELF: Final = re.compile(r"^http\.request\.(host|hostport|scheme|port|host\.labels\.\d+)$")
_ECHO: Final = "http.request.header.origin"


def canonical(name: str) -> str:
    """A placeholder's name with the Caddyfile's shorthands expanded (shorthands.go)."""
    if name in _SIMPLE:
        return _SIMPLE[name]
    for pattern, replacement in _SHORTHANDS:
        if pattern.match(name):
            return pattern.sub(replacement, name)
    return name


@lru_cache(maxsize=4096)
def read_value(text: str) -> Value:
    found = list(_PLACEHOLDER.finditer(text))
    if not found:
        return Value(text)
    echo = capture = False
    request: str | None = None
    unknown: str | None = None
    env_only = True
    for match in found:
        written = match.group(1)
        if written.startswith(("$", "env.")):  # `{$VAR}` at load time, `{env.VAR}` at run time
            unknown = unknown or match.group()
            continue
        env_only = False
        name = canonical(written).lower() if not written.startswith("http.") else written.lower()
        if name == _ECHO:
            echo = True
        elif name.startswith("http.regexp."):
            capture = True
        elif _SELF.match(name):
            continue
        elif name.startswith("http.request."):
            request = request or match.group()
        else:
            unknown = unknown or match.group()
    self_only = not (echo or capture or request or unknown)
    return Value(None, echo, capture, request, unknown, self_only, env_only and unknown is not None)


# --- Caddy's `header Origin` matcher -------------------------------------------------------


def header_matchers(values: list[tuple[str, Location]], scope: str) -> OriginCheck:
    """`header Origin <values>` (http.matchers.header), its values OR'ed: `*` alone passes any
    Origin, `*x*` contains, `*x` ends with, `x*` starts with, anything else is `==`."""
    matchers: list[OriginMatcher] = []
    unknown: list[tuple[str, Location]] = []
    for raw, location in values:
        if _PLACEHOLDER.search(raw):
            unknown.append(
                (
                    f"`{raw}` is filled in when Caddy runs, so which origins this `header` matcher "
                    "passes was not analysed",
                    location,
                )
            )
            continue
        if raw == "*":
            note = "`header Origin *` passes every request that sends an Origin"
            matchers.append(OriginMatcher(MatcherKind.REFLECTED, raw, location, CADDY_HEADER, note=note))
            continue
        if len(raw) > 1 and raw.startswith("*") and raw.endswith("*"):
            kind, text = MatcherKind.CONTAINS, raw[1:-1]
        elif raw.startswith("*"):
            kind, text = MatcherKind.SUFFIX, raw[1:]
        elif raw.endswith("*"):
            kind, text = MatcherKind.PREFIX, raw[:-1]
        else:
            kind = MatcherKind.NULL if raw == "null" else MatcherKind.EXACT
            text = raw
        matchers.append(OriginMatcher(kind, text, location, CADDY_HEADER, scope=scope))
    return OriginCheck(tuple(matchers), tuple(unknown))


FILLED: Final = "when Caddy runs (an environment variable, a `vars` or `map` value)"


def style(vary_fix: str) -> Style:
    """A Caddy reader's `Style`: its placeholders, and its spelling of the `Vary` fix."""
    return Style(vary_fix, read_value, FILLED)
