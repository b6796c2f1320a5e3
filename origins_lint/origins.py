"""Origins as browsers send them, and what kind of host an origin names.

A browser serializes an origin as ``scheme://host[:port]`` (Fetch standard,
"serialization of an origin"): lower-case scheme and host, IDNs in punycode,
no default port, no path, no trailing dot added. A config entry that differs
from that form either matches nothing (malformed) or only by accident of the
matcher (non-canonical); both are worth telling the author.
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from functools import cache, lru_cache
from sys import intern
from typing import TYPE_CHECKING, Final

from origins_lint.model import MatcherKind
from origins_lint.records import record

if TYPE_CHECKING:
    from origins_lint.psl import SuffixList

DEFAULT_PORTS: Final = {"http": 80, "https": 443, "ws": 80, "wss": 443}
# entries in each per-origin and per-host memo: rules ask about every origin rule by rule, so a
# memo smaller than a file's origins misses on every question (at 65,536 entries a 200,000-origin
# Okta export parsed each origin 16 times: 3.2M misses, 63 s of CPU). A million is five times the
# largest export the benchmark makes; at 200,000 origins the memos hold 96 MiB more than the
# thrashing ones did (718 vs 622 MiB peak, /usr/bin/time) and the check takes 30 s instead of 63.
ORIGIN_CACHE: Final = 1 << 20

# Hosts where anyone can publish script under the host itself and that are not
# on the Public Suffix List (the PSL covers github.io, herokuapp.com, vercel.app...).
PLAYGROUND_HOSTS: Final = frozenset(
    {
        "codepen.io",
        "cdpn.io",
        "jsfiddle.net",
        "fiddle.jshell.net",
        "jsbin.com",
        "output.jsbin.com",
        "glitch.me",
        "glitch.com",
        "repl.it",
        "replit.com",
        "repl.co",
        "codesandbox.io",
        "stackblitz.com",
        "stackblitz.io",
        "plnkr.co",
        "run.plnkr.co",
        "jsitor.com",
        "playcode.io",
        "liveweave.com",
        "w3schools.com",
    }
)

PRIVATE_NAME_SUFFIXES: Final = frozenset({"local", "internal", "lan", "corp", "home.arpa", "intranet"})
LOOPBACK_NAMES: Final = ("localhost", "localhost.localdomain")
PRIVATE_NETWORKS: Final = tuple(
    ipaddress.ip_network(net)
    for net in (
        "10.0.0.0/8",  # RFC 1918
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",  # link-local
        "100.64.0.0/10",  # CGNAT
        "fc00::/7",  # IPv6 unique local
        "fe80::/10",  # IPv6 link-local
    )
)

# the most labels a name of PRIVATE_NAME_SUFFIXES or PLAYGROUND_HOSTS has
_NAMED_LABELS: Final = max(name.count(".") + 1 for name in PRIVATE_NAME_SUFFIXES | PLAYGROUND_HOSTS)
# the last label of each of those names: a host that ends otherwise is none of them
_NAMED_ENDINGS: Final = frozenset(
    name.rpartition(".")[2] for name in PRIVATE_NAME_SUFFIXES | PLAYGROUND_HOSTS | {*LOOPBACK_NAMES}
)
# the names of one label among those (a host ending in one is looked up), and the last two labels
# of every other: a host whose last two labels are none of these ends in none of those names
_ONE_LABEL_NAMES: Final = frozenset(
    name for name in PRIVATE_NAME_SUFFIXES | PLAYGROUND_HOSTS | {*LOOPBACK_NAMES} if "." not in name
)
_NAMED_PAIRS: Final = frozenset(
    ".".join(name.split(".")[-2:])
    for name in PRIVATE_NAME_SUFFIXES | PLAYGROUND_HOSTS | {*LOOPBACK_NAMES}
    if "." in name
)
# a name `local_class` answers without a lookup when its last label is not in `_NAMED_ENDINGS`
_ORDINARY_NAME: Final = re.compile(r"[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*\.([a-z][a-z0-9\-]*)")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
# the shape most entries have, already as a browser sends it: a lower-case scheme, `://`, and a host
# of lower-case ASCII labels, none empty, with no port, path or anything else; for such a text the
# walk below finds no problem and no quirk, and the canonical form is the text itself (the test
# tests/test_okta_speed_origins.py holds this to the walk, on seeded random texts)
_USUAL: Final = re.compile(r"([a-z][a-z0-9+.\-]*)://([a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*)")
_FORBIDDEN_HOST_CHARS = re.compile(r"[\s#%/:<>?@\[\\\]^|\"'`{}]")


class HostClass(StrEnum):
    LOOPBACK = "loopback"
    PRIVATE = "private"
    IP_PUBLIC = "ip"
    PUBLIC_SUFFIX = "public-suffix"
    PLAYGROUND = "playground"
    REGULAR = "regular"


@record(frozen=True, slots=True)
class OriginText:
    """An origin entry as written, split into parts, with what is wrong with it.

    ``problems`` make the entry malformed (OL101); ``quirks`` make it merely
    non-canonical (OL102). ``canonical`` is what a browser would send for the
    origin the author most likely meant, when one can be worked out.
    """

    raw: str
    scheme: str
    host: str
    port: int | None
    problems: tuple[str, ...]
    quirks: tuple[str, ...]
    canonical: str | None

    @property
    def ok(self) -> bool:
        return not self.problems


def read_origin(raw: str, *, allow_wildcard: bool = False) -> OriginText:
    """Split and check an origin; never raises, whatever the text."""
    usual = usual_origin(raw)
    return usual if usual is not None else _read_origin(raw, allow_wildcard=allow_wildcard)


# an OriginText's fields set through their slots: the frozen record's `__init__` sets each through
# `object.__setattr__`, twice the time, and the rules read 50,000 origins of an export (issue 21);
# tests/test_okta_speed_texts.py holds `usual_origin`'s answer to the record's own
_NEW_TEXT: Final = OriginText.__new__
_SET_RAW, _SET_SCHEME, _SET_HOST, _SET_PORT, _SET_PROBLEMS, _SET_QUIRKS, _SET_CANONICAL = (
    getattr(OriginText, name).__set__
    for name in ("raw", "scheme", "host", "port", "problems", "quirks", "canonical")
)


def usual_origin(raw: str) -> OriginText | None:
    """`read_origin`'s answer for the usual shape (`_USUAL`), whatever `allow_wildcard`; else None:
    `OriginText(raw, scheme, host, None, (), (), raw)`."""
    usual = _USUAL.fullmatch(raw)
    if usual is None:
        return None
    text = _NEW_TEXT(OriginText)
    _SET_RAW(text, raw)
    _SET_SCHEME(text, intern(usual[1]))  # one `https` for 50,000 origins, not one each (RSS)
    _SET_HOST(text, usual[2])
    _SET_PORT(text, None)
    _SET_PROBLEMS(text, ())
    _SET_QUIRKS(text, ())
    _SET_CANONICAL(text, raw)
    return text


def _read_origin(raw: str, *, allow_wildcard: bool) -> OriginText:
    """`read_origin` for any text: every check in turn."""
    problems: list[str] = []
    quirks: list[str] = []
    text = raw
    if not text.strip():
        return OriginText(raw, "", "", None, ("nothing in it",), (), None)
    if text != text.strip() or any(c.isspace() for c in text):
        problems.append("whitespace")
        text = "".join(text.split())
    scheme, sep, rest = text.partition("://")
    if not sep:
        guess = f"https://{text.strip('/')}" if "." in text and ":" not in text else None
        return OriginText(raw, "", text, None, ("no `scheme://`",), (), guess)
    if not _SCHEME.fullmatch(scheme):
        problems.append(f"an invalid scheme `{scheme}`")
    elif scheme != scheme.lower():
        quirks.append("an upper-case scheme")
    scheme = scheme.lower()

    cut = len(rest)
    for char in "/?#":
        index = rest.find(char)
        if index != -1:
            cut = min(cut, index)
    tail = rest[cut:]
    authority = rest[:cut]
    if tail:
        kind = {"/": "a path", "?": "a query", "#": "a fragment"}[tail[0]]
        problems.append(f"{kind} (`{tail}`)")
    if "@" in authority:
        problems.append("user info (`user@`)")
        authority = authority.rpartition("@")[2]

    host, port_text = _split_host_port(authority)
    port: int | None = None
    if port_text is not None:
        if port_text == "":
            quirks.append("an empty port (`:`)")
        elif not (port_text.isascii() and port_text.isdigit()):  # `²` and `٩` are digits to isdigit
            problems.append(f"a port that is not a number (`{port_text}`)")
        elif len(port_text.lstrip("0")) > 5:  # and int() refuses past 4,300 digits
            shown = port_text if len(port_text) <= 20 else f"{port_text[:20]}…, {len(port_text):,} digits"
            problems.append(f"a port out of range ({shown})")
        else:
            port = int(port_text)
            if port > 65535:
                problems.append(f"a port out of range ({port})")
                port = None
            elif DEFAULT_PORTS.get(scheme) == port:
                quirks.append(f"the default port `:{port}` written out")
                port = None
            elif port_text != str(port):
                quirks.append(f"a port with leading zeros (`{port_text}`)")

    host, host_problems, host_quirks = _check_host(host, allow_wildcard=allow_wildcard)
    problems.extend(host_problems)
    quirks.extend(host_quirks)
    canonical = None
    if host and _SCHEME.fullmatch(scheme) and not host_problems:
        canonical = f"{scheme}://{host}" + (f":{port}" if port is not None else "")
    return OriginText(raw, scheme, host, port, tuple(problems), tuple(quirks), canonical)


def _split_host_port(authority: str) -> tuple[str, str | None]:
    if authority.startswith("["):
        end = authority.find("]")
        if end != -1:
            rest = authority[end + 1 :]
            return authority[: end + 1], (rest[1:] if rest.startswith(":") else None)
        return authority, None
    host, sep, port = authority.rpartition(":")
    return (host, port) if sep else (authority, None)


def _check_host(host: str, *, allow_wildcard: bool) -> tuple[str, list[str], list[str]]:
    problems: list[str] = []
    quirks: list[str] = []
    if not host:
        return host, ["an empty host"], quirks
    if host.startswith("["):
        try:
            address = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return host, [f"an invalid IPv6 address `{host}`"], quirks
        canonical = f"[{address.compressed}]"
        if canonical != host:
            quirks.append("a non-canonical IPv6 address")
        return canonical, problems, quirks
    bad = _FORBIDDEN_HOST_CHARS.search(host)
    if bad or (not allow_wildcard and "*" in host):
        char = bad.group() if bad else "*"
        return host, [f"a character no host contains (`{char}`)"], quirks
    if host.endswith("."):
        quirks.append("a trailing dot after the host")
        host = host.rstrip(".")
    if not host.isascii():
        try:
            encoded = host.encode("idna").decode("ascii")
        except UnicodeError:
            return host, ["a host that is not a valid internationalized name"], quirks
        quirks.append("a Unicode host (browsers send punycode)")
        host = encoded
    elif host != host.lower():
        quirks.append("an upper-case host")
    host = host.lower()
    if any(not label for label in host.split(".")):
        problems.append("an empty label in the host (`..`)")
    return host, problems, quirks


@record(frozen=True, slots=True)
class WildcardHost:
    """``*.example.com`` split into the variable labels and the fixed part after them."""

    fixed: str  # the host after the last label that holds a `*`
    partial: bool  # a `*` shares a label with text (`app-*`)
    depth: int  # how many labels hold a `*`
    leftmost_only: bool  # the only `*` label is the first one


def read_wildcard_host(host: str) -> WildcardHost:
    labels = host.split(".")
    starred = [i for i, label in enumerate(labels) if "*" in label]
    last = starred[-1] if starred else -1
    return WildcardHost(
        fixed=".".join(labels[last + 1 :]),
        partial=any(labels[i] != "*" for i in starred),
        depth=len(starred),
        leftmost_only=starred == [0],
    )


@cache
def _psl() -> SuffixList:
    """The list's own (Unicode) names only, prebuilt (`psl`): parsing the list at every start cost
    about 20% of a one-file check, and adding the punycode form of each name 30 ms more.

    Hosts written in punycode are decoded before a lookup (`_unicode`) instead.
    """
    from origins_lint import psl

    return psl.load()


def _unicode(host: str) -> str:
    """`xn--` labels as the Unicode the list holds; a label that is not valid punycode stays as written."""
    if "xn--" not in host:
        return host
    return ".".join(_label_unicode(label) for label in host.split("."))


def _label_unicode(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        return label.encode("ascii").decode("idna").lower()
    except UnicodeError:
        return label


@lru_cache(maxsize=ORIGIN_CACHE)
def registrable_domain(host: str) -> str | None:
    """The name one owner controls (``example.co.uk``); None for IPs and public suffixes."""
    if not host or host.startswith("[") or _is_ipv4(host):
        return None
    host = host.lower().rstrip(".")
    found: str | None = _psl().privatesuffix(_unicode(host))
    if found is None:
        return None
    return ".".join(host.split(".")[-(found.count(".") + 1) :])  # as written: the same labels, maybe punycode


@lru_cache(maxsize=ORIGIN_CACHE)
def is_public_suffix(host: str) -> bool:
    """True for names anyone can register under: ``com``, ``co.uk``, ``github.io``."""
    host = host.lower().rstrip(".")
    if not host or host.startswith("[") or _is_ipv4(host):
        return False
    return bool(_psl().is_public(_unicode(host)))


def known_public_suffix(host: str) -> bool:
    """True when the host ends in a suffix the PSL lists (rejects made-up TLDs)."""
    return _psl().publicsuffix(_unicode(host.lower()), accept_unknown=False) is not None


_IPV4_CHARS: Final = frozenset("0123456789.")


def _is_ipv4(host: str) -> bool:
    # `IPv4Address` takes four ASCII-decimal octets and nothing else; most hosts are names, and a
    # raised ValueError per name cost a tenth of a 50,000-origin check
    if not _IPV4_CHARS.issuperset(host):
        return False
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def ip_of(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = host[1:-1] if host.startswith("[") else host
    # IPv6 needs a colon, IPv4 only digits and dots: a name, without the exception (its last
    # character first: a name mostly ends in a letter, and that one test answers it)
    if ":" not in text and (text[-1:] not in _IPV4_CHARS or not _IPV4_CHARS.issuperset(text)):
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@lru_cache(maxsize=ORIGIN_CACHE)
def classify_host(host: str) -> HostClass:
    """Several rules ask about the same host; the answer depends on the name alone, so it is kept."""
    found = local_class(host)
    if found is not None:
        return found
    return HostClass.PUBLIC_SUFFIX if is_public_suffix(host) else HostClass.REGULAR


# the classes `local_class` answers; `classify_host` tells the other names apart with the list
LOCAL_CLASSES: Final = frozenset(
    {HostClass.LOOPBACK, HostClass.PRIVATE, HostClass.IP_PUBLIC, HostClass.PLAYGROUND}
)


def local_class(host: str) -> HostClass | None:
    """`classify_host`'s answer when it is one of LOCAL_CLASSES, else None (a public suffix or a
    regular name). The rules only ask whether a host is one of those four, so they need not look
    the name up in the public-suffix list (a tenth of the rules on a 50,000-origin export, issue 21).

    A lower-case dotted name whose last label starts with a letter and ends none of the names below
    is none of them (no IP address ends so, nor `localhost`): told by one match, not kept."""
    ordinary = _ORDINARY_NAME.fullmatch(host)
    if ordinary is not None:
        ending = ordinary[1]
        if ending not in _NAMED_ENDINGS:
            return None
        # `.com`, `.net`, `.io`: the last two labels (the match has a dot before the last) tell
        # most such names from the named ones without the lookup (a third of an export's hosts)
        if (
            ending not in _ONE_LABEL_NAMES
            and host[host.rfind(".", 0, -len(ending) - 1) + 1 :] not in _NAMED_PAIRS
        ):
            return None
    return _local_class(host)


@lru_cache(maxsize=ORIGIN_CACHE)
def _local_class(host: str) -> HostClass | None:
    host = host.lower().rstrip(".")
    address = ip_of(host)
    if address is not None:
        if address.is_loopback or address.is_unspecified:
            return HostClass.LOOPBACK
        mapped = getattr(address, "ipv4_mapped", None) or address
        if any(mapped.version == net.version and mapped in net for net in PRIVATE_NETWORKS):
            return HostClass.PRIVATE
        return HostClass.IP_PUBLIC
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return HostClass.LOOPBACK
    if host.rpartition(".")[2] not in _NAMED_ENDINGS:  # no name below ends as this host does
        return None
    # the host's suffixes of one label, two, ... (`.`-joined, as `split` gives them): only the last
    # few labels can be one of the names below, so no longer suffix is built
    suffixes: list[str] = []
    rest = host
    for _ in range(_NAMED_LABELS):
        rest, separator, label = rest.rpartition(".")
        suffixes.append(f"{label}.{suffixes[-1]}" if suffixes else label)
        if not separator:
            break
    if not PRIVATE_NAME_SUFFIXES.isdisjoint(suffixes):
        return HostClass.PRIVATE
    if not PLAYGROUND_HOSTS.isdisjoint(suffixes):
        return HostClass.PLAYGROUND
    return None


def is_null(text: str) -> bool:
    return text.strip().lower() == "null"


def is_any(text: str) -> bool:
    return text.strip() == "*"


def looks_like_wildcard(text: str) -> bool:
    return "*" in text and not is_any(text)


def matcher_kind(raw: str) -> MatcherKind:
    """How a config that lists origins as text (a policy, Okta) means one entry."""
    if "*" in raw:  # `*` alone is any origin, a `*` in more text a wildcard; neither is `null`
        return MatcherKind.ANY if is_any(raw) else MatcherKind.WILDCARD
    if is_null(raw):
        return MatcherKind.NULL
    return MatcherKind.EXACT
