"""How each engine compares an exact entry with the request's ``Origin``, as data on ``Engine``.

No engine here parses or normalises the origin; the browser then compares the
``Access-Control-Allow-Origin`` it gets with its own serialized Origin byte for byte.
Shared by `match` (admit.py) and the rules that say whether an entry ever matches (OL102).
"""

from __future__ import annotations

import re
from functools import lru_cache

from origins_lint.model import Compare, Engine
from origins_lint.origins import ORIGIN_CACHE, read_origin


def exact_admits(entry: str, origin: str, engine: Engine) -> bool:
    """Whether an exact entry equals the request's Origin as the engine compares them; nothing parsed.

    - bytes: Envoy/Istio `exact` (`value == matcher_.exact()`, envoy source/common/common/matchers.h
      StringMatcherImpl::match), Traefik's `accessControlAllowOriginList` (`item == origin`,
      traefik pkg/middlewares/headers/header.go isOriginAllowed), nginx `if ($http_origin = ...)`,
      and a literal `Access-Control-Allow-Origin`, which the browser compares byte for byte;
    - ASCII case: Envoy `ignore_case` (`absl::EqualsIgnoreCase`), nginx `map` strings (lower-cased
      keys and value), ingress-nginx's `~*` regex;
    - Java case: Spring, `originToCheck.equalsIgnoreCase(allowedOrigin)` after `trimTrailingSlash`
      on both (spring-web CorsConfiguration.checkOrigin, setAllowedOrigins); no port handling;
    - Kong: a cors `origins` list (more than one entry) compares `normalize_origin` of both
      (kong/plugins/cors/handler.lua): LuaSocket's url.parse, then `scheme://host[:port]` with the
      port dropped when it is the scheme's default and the path dropped; case is kept;
    - serialized: Okta, whose comparison is not documented beyond "a Trusted Origin ... combines the URI
      scheme, hostname, and port number of a page" (help.okta.com, Configure Trusted Origins): both
      read as origins, as before.
    """
    if engine.trim_slash:
        entry, origin = entry.removesuffix("/"), origin.removesuffix("/")
    compare = engine.compare
    if engine.suffix_match:  # ingress-nginx: a case-insensitive regex anchored at the end only
        return _ascii_lower(origin).endswith(_ascii_lower(entry))
    if compare is Compare.BYTES:
        return entry == origin
    if compare is Compare.ASCII_CASE:
        return _ascii_lower(entry) == _ascii_lower(origin)
    if compare is Compare.JAVA_CASE:
        return _java_equals_ignore_case(entry, origin)
    if compare is Compare.KONG:
        return kong_domain(entry) == kong_domain(origin)
    if entry == origin:
        return True
    right = _serialized(origin)  # the same request origin against every entry: read once
    return right is not None and right == _serialized(entry)


_URL_SCHEME = re.compile(r"[A-Za-z0-9][A-Za-z0-9+\-.]*:")
_DEFAULT_PORTS = {("http", "80"), ("https", "443")}


@lru_cache(maxsize=ORIGIN_CACHE)
def kong_domain(text: str) -> str:
    """Kong's `normalize_origin(text).domain`: LuaSocket url.parse's scheme, host and port
    (socket/url.lua `parse`), the default port of http and https dropped; the text itself when
    url.parse finds no host (`null`, `example.com` without `//`)."""
    rest, scheme = text, None
    found = _URL_SCHEME.match(rest)
    if found is not None:
        scheme, rest = found.group(0)[:-1], rest[found.end() :]
    if not rest.startswith("//"):
        return text
    authority = rest[2:].split("/", 1)[0]
    authority = authority.split("@", 1)[1] if "@" in authority else authority
    port = None
    colon = re.search(r":([^:\]]*)$", authority)
    if colon is not None:
        port, authority = colon.group(1), authority[: colon.start()]
    if not authority:
        return text
    bracketed = len(authority) > 2 and authority[0] == "[" and authority[-1] == "]"
    host = authority[1:-1] if bracketed else authority  # url.parse: `^%[(.+)%]$` or the authority
    if (scheme, port) in _DEFAULT_PORTS:
        port = None
    return (f"{scheme}://" if scheme is not None else "") + host + (f":{port}" if port is not None else "")


@lru_cache(maxsize=ORIGIN_CACHE)
def _serialized(text: str) -> str | None:
    found = read_origin(text)
    return found.canonical if found.ok else None


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def _java_equals_ignore_case(left: str, right: str) -> bool:
    """Java's `String.equalsIgnoreCase`: per character, equal, or equal upper-cased, or equal
    lower-cased after upper-casing (so the Kelvin sign `K` equals `k`); a character never expands."""
    if len(left) != len(right):
        return False
    for a, b in zip(left, right, strict=True):
        if a == b:
            continue
        upper_a, upper_b = _java_upper(a), _java_upper(b)
        if upper_a != upper_b and _java_lower(upper_a) != _java_lower(upper_b):
            return False
    return True


def _java_upper(char: str) -> str:
    upper = char.upper()
    return upper if len(upper) == 1 else char


def _java_lower(char: str) -> str:
    lower = char.lower()
    return lower if len(lower) == 1 else char


def wildcard_admits(entry: str, origin: str, engine: Engine) -> bool:
    """A `*` entry as the engine expands it: `engine.wildcard_label` for each of the first
    `engine.wildcards` stars (the others stay literal), compared as its exact entries are."""
    pieces = entry.split("*", -1 if engine.wildcards is None else engine.wildcards)
    pattern = engine.wildcard_label.join(re.escape(piece) for piece in pieces)
    flags = 0 if engine.compare is Compare.BYTES else re.IGNORECASE
    if engine.suffix_match:
        return re.search(f"(?:{pattern})\\Z", origin, flags) is not None
    return re.fullmatch(pattern, origin, flags) is not None


def null_admits(origin: str, engine: Engine) -> bool:
    """The `null` entry: the opaque origin browsers send as `null`, and with ingress-nginx's
    end-anchored search every origin ending in `null` (`https://evil.null`)."""
    if engine.suffix_match:
        return _ascii_lower(origin).endswith("null")
    return origin == "null"


def served(entry: str, engine: Engine) -> bool:
    """Whether the engine uses the entry at all: ingress-nginx's Parse skips an item that does not
    match corsOriginRegex (`origin.cors.com:8080` has no scheme), so it admits nothing."""
    return engine.served is None or re.fullmatch(engine.served, entry.strip()) is not None
