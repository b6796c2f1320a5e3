"""The normalized model every parser produces and every rule reads.

Parsers translate a file into ``Document`` objects; rules never see the
original syntax. Everything a rule may point at carries a ``Location`` so that
a finding can name the exact line and column, whatever the input format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import IntEnum, StrEnum
from typing import Final, Generic, TypeVar

from origins_lint.records import field, record

T = TypeVar("T")


class Severity(IntEnum):
    """Finding severity; ordered so that ``>=`` means "at least as serious"."""

    INFO = 1
    LOW = 2
    MEDIUM = 3
    HIGH = 4
    CRITICAL = 5

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in sorted(cls, reverse=True))
            raise ValueError(f"unknown severity {text!r}; use one of {names}") from None


@record(frozen=True, slots=True)
class Location:
    """A span in a file. Lines and columns are 1-based; ``end_column`` is exclusive."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, path: str, line: int, column: int, length: int = 1) -> Location:
        return cls(path, line, column, line, column + max(length, 1))


# what a template engine fills in later: `{{ .Values.origin }}` (Helm, Jinja), `${DOMAIN}` (envsubst);
# an entry holding one is known only by its fixed text
PLACEHOLDER: Final = re.compile(r"\{\{.*?\}\}|\$\{[^}]*\}", re.DOTALL)


class MatcherKind(StrEnum):
    EXACT = "exact"  # one origin, compared as a string
    WILDCARD = "wildcard"  # `https://*.example.com` style host wildcard
    REGEX = "regex"
    PREFIX = "prefix"
    SUFFIX = "suffix"
    CONTAINS = "contains"
    ANY = "any"  # the literal `*`
    NULL = "null"  # the literal `null` origin
    REFLECTED = "reflected"  # the request's Origin echoed without validation
    PATH = "path"  # a request path sent where an origin belongs (nginx `$request_uri`): admits nothing


class MatchMode(StrEnum):
    SEARCH = "search"  # the pattern may match anywhere in the value (PCRE ~, Go regexp)
    FULL = "full"  # the pattern must match the whole value (RE2 FullMatch, Java matches())


class Dialect(StrEnum):
    """Regex syntax; translated to what the analysis parses before it reads the pattern."""

    PYTHON = "python"
    PCRE = "pcre"  # nginx
    RE2 = "re2"  # Envoy and Istio `safe_regex`, Go's regexp (Traefik)
    ORIGIN_PATTERN = "origin-pattern"  # Spring `allowedOriginPatterns`: `*` is any text, `[8080,8081]` ports
    # Kong's cors `origins` regex: PCRE, `$` appended, anchored at the start, on the host alone when
    # the entry has no `:` (matchers._kong_regex)
    KONG = "kong-pcre"


class Compare(StrEnum):
    """How an engine compares an exact entry with the request's ``Origin``; none of them parses it.

    The browser then compares the ``Access-Control-Allow-Origin`` it gets with its own serialized
    Origin byte for byte; every engine here echoes the request's Origin once an entry matches, so
    the engine's comparison is the one that decides.
    """

    BYTES = "bytes"  # Envoy/Istio `exact`, Traefik's list (Go `==`), nginx `if (=)`, a literal header
    ASCII_CASE = "ascii-case"  # Envoy `ignore_case`, nginx `map` strings, ingress-nginx's `~*` regex
    JAVA_CASE = "java-case"  # Spring: `String.equalsIgnoreCase`
    SERIALIZED = "serialized"  # both read as origins and compared serialized: Okta (not documented)
    # Kong's cors list: both through LuaSocket's url.parse, the default port and any path dropped,
    # case kept (normalize_origin in kong/plugins/cors/handler.lua)
    KONG = "kong-url"


@record(frozen=True, slots=True)
class Engine:
    """How the system that reads the config matches a pattern against ``Origin``."""

    name: str
    mode: MatchMode = MatchMode.FULL
    case_sensitive: bool = True
    dialect: Dialect = Dialect.PYTHON
    # how an exact entry is compared; None: bytes when case-sensitive, else ASCII case folded
    exact: Compare | None = None
    # Spring trims one trailing `/` from the configured origin (and from the request's) first
    trim_slash: bool = False
    # an entry matches at the end of the Origin: ingress-nginx's `~* ((item)|...)$` has no `^`
    suffix_match: bool = False
    # what one `*` in a wildcard entry stands for, and how many `*` the engine expands (None: all;
    # the others stay literal)
    wildcard_label: str = "[^/:@]+"
    wildcards: int | None = None
    # an item the engine serves must match this (whole); the others are skipped, admitting nothing
    served: str | None = None

    @property
    def compare(self) -> Compare:
        if self.exact is not None:
            return self.exact
        return Compare.BYTES if self.case_sensitive else Compare.ASCII_CASE


EXACT_ENGINE = Engine("string", MatchMode.FULL, case_sensitive=True)
POLICY_REGEX_ENGINE = Engine("policy-regex", MatchMode.SEARCH, case_sensitive=False)
NGINX_REGEX = Engine("nginx-pcre", MatchMode.SEARCH, case_sensitive=True, dialect=Dialect.PCRE)
NGINX_REGEX_ICASE = Engine("nginx-pcre", MatchMode.SEARCH, case_sensitive=False, dialect=Dialect.PCRE)
NGINX_MAP_STRING = Engine("nginx-map", MatchMode.FULL, case_sensitive=False)
# ingress-nginx builds `if ($http_origin ~* ((item)|(item))$)` (internal/ingress/controller/template
# buildCorsOriginRegex, buildOriginRegex): each item QuoteMeta'd, its first `*` made `[A-Za-z0-9\-]+`,
# searched ignoring case, anchored at the end only
INGRESS_NGINX = Engine(
    "ingress-nginx",
    MatchMode.FULL,
    case_sensitive=False,
    suffix_match=True,
    wildcard_label="[A-Za-z0-9-]+",
    wildcards=1,
    # annotations/cors corsOriginRegex: Parse skips an item that does not match it
    served=r"[a-z]+://(\*\.)?[A-Za-z0-9\-.]*(:\d+)?|\*|null",
)
ENVOY_RE2 = Engine("envoy-re2", MatchMode.FULL, case_sensitive=True, dialect=Dialect.RE2)
TRAEFIK_REGEX = Engine("traefik-go-regexp", MatchMode.SEARCH, case_sensitive=True, dialect=Dialect.RE2)
# Spring's CorsConfiguration.checkOrigin: `originToCheck.equalsIgnoreCase(allowedOrigin)`, both
# trimmed of one trailing `/` (setAllowedOrigins maps trimTrailingSlash), no port handling
SPRING_EXACT = Engine(
    "spring", MatchMode.FULL, case_sensitive=False, exact=Compare.JAVA_CASE, trim_slash=True
)
# Okta documents no comparison for trusted origins: compared as serialized origins, as before
OKTA_EXACT = Engine("okta", MatchMode.FULL, case_sensitive=True, exact=Compare.SERIALIZED)
SPRING_PATTERN = Engine(
    "spring-origin-pattern", MatchMode.FULL, case_sensitive=True, dialect=Dialect.ORIGIN_PATTERN
)


class Environment(StrEnum):
    PRODUCTION = "production"
    STAGING = "staging"
    DEVELOPMENT = "development"


OKTA = "okta"


class Status(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


@record(frozen=True, slots=True)
class Setting(Generic[T]):
    """A value a context allows, where it was written, and whether a platform default set it."""

    value: T
    location: Location | None = None
    from_default: bool = False
    note: str | None = None  # where it comes from, when that is not where the origins are written


@record(slots=True)
class OriginMatcher:
    """One place a config says which origins are trusted."""

    kind: MatcherKind
    raw: str  # the text as written (for messages)
    location: Location
    engine: Engine = EXACT_ENGINE
    status: Status = Status.ACTIVE
    note: str | None = None
    # what a reflected entry sends back when it is not the request's Origin (nginx `$arg_origin`)
    echoes: str | None = None
    from_default: bool = False  # the matcher itself comes from a platform default
    # entries in one list (a policy, an nginx map); None means the whole document is one list
    scope: str | None = None
    # whether a credentialed request can read a response this entry admits: None when its context
    # says (`CorsContext.with_credentials`); False when the engine answers it with the literal `*`
    # (ingress-nginx sends `*` with `Access-Control-Allow-Credentials: true`, which browsers refuse)
    credentialed: bool | None = None
    # the regex the engine builds from this entry and runs, with how it runs it, where that differs
    # from what `kind` and `raw` say: ingress-nginx turns `null` into `(null)$`, searched without
    # case, so `https://evil.null` gets in too (buildCorsOriginRegex in its nginx.tmpl's template.go)
    runs: tuple[str, Engine] | None = None


@record(frozen=True, slots=True)
class HeaderLine:
    """A CORS response header a header-level config sets (nginx ``add_header``), as sent."""

    name: str  # as written
    value: str  # as written
    location: Location  # the directive
    value_location: Location
    always: bool = True  # also sent on error responses
    dynamic: bool = False  # the value is computed per request
    items: tuple[str, ...] = ()  # a literal value split on commas and spaces
    vary_fix: str = "add `add_header Vary Origin always;` next to it"  # how this system sends `Vary`
    directive: str = "add_header"  # how messages name the directive that sends it
    # why a header without `always` is missing from error responses, and the fix (OL603)
    not_always: str = (
        "nginx leaves it off 4xx and 5xx responses, so the browser reports a CORS failure and hides "
        "the real error from the app; add `always`"
    )

    @property
    def key(self) -> str:
        return self.name.lower()


class Gate(StrEnum):
    """What an origin check that feeds no CORS header decides (nginx `if ($http_origin ...)`, `map`)."""

    FRAME = "frame"  # X-Frame-Options or Content-Security-Policy: which sites may frame the page
    GUARD = "guard"  # a `return` that turns other requests away: a CSRF check
    BACKEND = "backend"  # a value something else reads (an upstream header, a parameter)
    FLAG = "flag"  # a variable or header that nothing reads


@record(frozen=True, slots=True)
class Decision:
    """The trust decision an origin check makes when it is not a CORS allow-list."""

    gate: Gate
    what: str  # for messages: "`X-Frame-Options` (line 4)"
    location: Location  # the directive it gates


@record(slots=True)
class CorsContext:
    """A set of origin matchers that share what they allow (one policy entry, one nginx location)."""

    matchers: list[OriginMatcher]
    location: Location
    credentials: Setting[bool | None] = field(default_factory=lambda: Setting(False))
    allow_methods: Setting[tuple[str, ...]] | None = None
    allow_headers: Setting[tuple[str, ...]] | None = None
    expose_headers: Setting[tuple[str, ...]] | None = None
    max_age: Setting[int] | None = None
    vary_origin: Setting[bool] | None = None
    scopes: Setting[frozenset[str]] = field(default_factory=lambda: Setting(frozenset({"cors"})))
    name: str | None = None
    private_network: Setting[bool] | None = None
    # lists (`headers`, `methods`) that send back what the request asked for, and where
    echoed: tuple[tuple[str, Location], ...] = ()
    # set when these matchers are an origin check that decides something other than CORS
    decision: Decision | None = None
    # the response is an error or redirect page nginx writes from fixed text (`return 403`): these
    # headers go out on it, but it holds nothing of the users' to read
    own_page: Location | None = None
    # header-level formats: the CORS headers this response carries, and the inherited ones that
    # a nested `add_header` dropped (with the location of that nested directive)
    headers: tuple[HeaderLine, ...] = ()
    dropped: tuple[HeaderLine, ...] = ()
    dropped_by: Location | None = None
    # the engine refuses this configuration (why, naming the engine): it admits no origin at all
    rejected: str | None = None
    # the request paths whose responses these headers are on, as the format knows them: an nginx
    # `location`'s path (a regex's literal start), an Ingress's `paths[].path`, an Istio route's
    # `match[].uri`; empty: any path, or not known. `verify` sends its probes there; rules ignore it
    paths: tuple[str, ...] = ()

    @property
    def with_credentials(self) -> bool:
        """Unknown credentials count as possible: a linter should not assume the safe case."""
        return self.credentials.value is not False

    def credentials_for(self, matcher: OriginMatcher) -> bool:
        """Whether an origin this entry admits can read credentialed responses, as browsers decide.

        Browsers refuse a credentialed response whose allow-origin is the literal `*`, so a `*`
        entry admits every origin without credentials even where the context sends
        `Access-Control-Allow-Credentials: true`.
        """
        if matcher.credentialed is not None:
            return matcher.credentialed and self.with_credentials
        return self.with_credentials and matcher.kind is not MatcherKind.ANY


@record(slots=True)
class Document:
    """One policy, config file or YAML document, as the rules see it."""

    path: str
    format: str
    location: Location
    contexts: list[CorsContext] = field(default_factory=list)
    environment: Environment = Environment.PRODUCTION
    service: str | None = None
    # the system that enforces these entries, when its own rules apply (OL7xx: `OKTA`)
    platform: str | None = None
    # every request path the file routes (each nginx `location`'s, CORS or not): where `verify`
    # also looks for a server that admits more than the file says; empty: none known
    paths: tuple[str, ...] = ()

    def matchers(self, decisions: bool = False) -> Iterator[tuple[CorsContext, OriginMatcher]]:
        """Active matchers only: an inactive entry is not enforced, so only its own rule sees it.

        Origin checks that decide something other than CORS (``CorsContext.decision``) come only
        with ``decisions``: rules read them, `match` (which answers for CORS responses) does not.
        """
        for context in self.contexts:
            if context.decision is not None and not decisions:
                continue
            for matcher in context.matchers:
                if matcher.status is Status.ACTIVE:
                    yield context, matcher


class ProblemKind(StrEnum):
    PARSE = "parse"  # OL001
    SCHEMA = "schema"  # OL002
    UNKNOWN_FORMAT = "unknown-format"  # OL003
    NOT_ANALYSED = "not-analysed"  # OL004


@record(frozen=True, slots=True)
class InputProblem:
    """What a parser could not read or validate; the engine turns it into a finding."""

    kind: ProblemKind
    message: str
    location: Location


@record(slots=True)
class ParsedFile:
    path: str
    format: str
    documents: list[Document] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    # other files this one pulled in (nginx `include`), by path, with their text for suppressions
    included: dict[str, str] = field(default_factory=dict)
    # other files read to say what this one does, whose own findings stand (the `application.yml` a
    # Spring profile file overrides key by key), with their text for suppressions and the cache
    consulted: dict[str, str] = field(default_factory=dict)
    # what it says depends on more than its text and those files (an nginx `include` glob, or one
    # not found): never taken from the result cache
    uncached: bool = False


@record(frozen=True, slots=True)
class Fix:
    """One mechanical edit that removes a finding: new text for the located value, or None to drop its entry.

    Rules offer fixes without knowing the syntax; the file's format applies them (or declines) where it
    can keep everything else byte for byte.
    """

    title: str
    replacement: str | None


LONG_QUOTE: Final = 200  # characters of file content a message quotes in full
MAX_MESSAGE: Final = 2000


def shorten(message: str) -> str:
    """A message that quotes a huge value (a 60,000-character origin) quotes its two ends instead:
    readable in a terminal, and within what CI annotations and SARIF viewers show."""
    parts = message.split("`")
    for index in range(1, len(parts), 2):  # the odd parts are inside backquotes
        quoted = parts[index]
        if len(quoted) > LONG_QUOTE and index + 1 < len(parts):
            parts[index] = f"{quoted[:120]}…{quoted[-40:]}"
            parts[index + 1] = f" ({len(quoted):,} characters)" + parts[index + 1]
    message = "`".join(parts)
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


@record(frozen=True, slots=True)
class Finding:
    code: str
    slug: str
    severity: Severity
    location: Location
    message: str
    format: str
    fix: Fix | None = None
    fingerprint: str = ""  # stable across edits that only move the line; set by the pipeline

    def __post_init__(self) -> None:
        if len(self.message) > LONG_QUOTE:
            object.__setattr__(self, "message", shorten(self.message))

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code, self.message)


# a Finding's fields set through their slots: the frozen record's `__init__` sets each through
# `object.__setattr__`, and the rules and the fingerprints make two of each of the 15,000 findings
# of a 50,000-origin export (issue 21); tests/test_okta_speed_made.py holds it to `Finding(...)`
_NEW_FINDING: Final = Finding.__new__
_SET_CODE, _SET_SLUG, _SET_SEVERITY, _SET_LOCATION, _SET_MESSAGE, _SET_FORMAT, _SET_FIX, _SET_PRINT = (
    getattr(Finding, name).__set__
    for name in ("code", "slug", "severity", "location", "message", "format", "fix", "fingerprint")
)


def made_finding(
    code: str,
    slug: str,
    severity: Severity,
    location: Location,
    message: str,
    format: str,
    fix: Fix | None = None,
    fingerprint: str = "",
) -> Finding:
    """`Finding(code, slug, severity, location, message, format, fix, fingerprint)`, faster: the
    same record, its message shortened as `Finding.__post_init__` shortens it."""
    finding = _NEW_FINDING(Finding)
    _SET_CODE(finding, code)
    _SET_SLUG(finding, slug)
    _SET_SEVERITY(finding, severity)
    _SET_LOCATION(finding, location)
    _SET_MESSAGE(finding, shorten(message) if len(message) > LONG_QUOTE else message)
    _SET_FORMAT(finding, format)
    _SET_FIX(finding, fix)
    _SET_PRINT(finding, fingerprint)
    return finding
