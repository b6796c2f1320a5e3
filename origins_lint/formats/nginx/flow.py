"""Which origins an nginx response can carry in `Access-Control-Allow-Origin`.

A value is traced back through `set`, `if` guards and `map` to a set of
alternatives. Each alternative is the text it would produce (literal parts,
the request's `Origin`, other request data) and the origin checks that must
hold for it: an echoed `$http_origin` behind `if ($http_origin ~* re)` or a
`map` regex key is that regex's matcher, not a reflection. The analysis is a
bounded over-approximation: a branch is assumed possible unless a literal
comparison proves otherwise, so a guard that is commented out, or a flag set
unconditionally, shows up as the reflection it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Final

from origins_lint.formats.nginx.captures import regexes
from origins_lint.formats.nginx.syntax import Directive
from origins_lint.matchers import analyse_regex
from origins_lint.model import NGINX_REGEX, NGINX_REGEX_ICASE, Location
from origins_lint.records import field, record

MAX_ALTERNATIVES: Final = 64
# one value is built from at most this many pieces and characters (8k: nginx's own default header
# buffer): `set $a "$a$a"` forty times over would otherwise build a terabyte of text, a value naming
# a variable 30,000 times would be joined piece by piece in quadratic time, and 64 x 64 joined
# alternatives of long texts would hold hundreds of megabytes at once
MAX_PARTS: Final = 64
MAX_TEXT: Final = 8192
ORIGIN: Final = "http_origin"
SELFVARIABLES: Final = frozenset(
    {"host", "http_host", "server_name", "scheme", "server_port", "https", "server_addr", "hostname"}
)
REQUESTVARIABLES: Final = frozenset({"args", "query_string", "request", "request_body"})
# the request's path: it always starts with `/`, so a header made of it is never an origin
PATHVARIABLES: Final = frozenset({"request_uri", "uri", "document_uri"})
# variables set by code origins-lint does not run (Lua, Perl, njs): what they carry is unknown
FOREIGN_SETTERS: Final = frozenset(
    {"set_by_lua", "set_by_lua_block", "set_by_lua_file", "perl_set", "js_set"}
)
# code that runs per request and can set response headers or variables; a `*_file` or a filter
# that exists to change headers is never seen, the others only when their text touches them
FOREIGN_CODE: Final = re.compile(r"^\w+_by_lua(?:_block|_file)?$|^js_header_filter$")
HEADER_FILTERS: Final = ("header_filter_by_lua_file", "js_header_filter")


def _may_be_code(name: str) -> bool:
    """What every name ``FOREIGN_CODE`` matches has (most names have neither): no regex run for them."""
    return "_by_lua" in name or name.startswith("js_header_filter")


_FOREIGN_TOUCH = re.compile(r"ngx\.header|access-control|ngx\.var\.|ngx\.var\[", re.IGNORECASE)
_FOREIGN_ASSIGN = re.compile(r"""ngx\.var(?:\.(\w+)|\[["'](\w+)["']\])\s*=(?!=)""")
# the statuses `add_header` without `always` is added to: `ngx_http_headers_filter` in nginx's
# src/http/modules/ngx_http_headers_filter_module.c (its `safe_status` switch)
SAFE_STATUSES: Final = frozenset({200, 201, 204, 206, 301, 302, 303, 304, 307, 308})
REQUEST_PREFIXES: Final = ("http_", "arg_", "cookie_")
# nginx's own variables that say nothing about the origin (connection, server, upstream, time)
BUILTINVARIABLES: Final = frozenset(
    {
        "request_method",
        "remote_addr",
        "remote_port",
        "remote_user",
        "binary_remote_addr",
        "server_protocol",
        "status",
        "time_iso8601",
        "time_local",
        "msec",
        "request_id",
        "content_type",
        "content_length",
        "connection",
        "connection_requests",
        "pid",
        "nginx_version",
        "document_root",
        "realpath_root",
        "request_filename",
        "request_length",
        "request_time",
        "body_bytes_sent",
        "bytes_sent",
        "limit_rate",
        "proxy_add_x_forwarded_for",
        "proxy_host",
        "proxy_port",
        "is_args",
        "realip_remote_addr",
        "invalid_referer",
    }
)
BUILTIN_PREFIXES: Final = ("sent_http_", "upstream_", "ssl_", "geoip", "jwt_", "sent_trailer_")
# a header of the response itself: the backend's (`$upstream_http_*`, ngx_http_upstream.c) or the
# one being sent (`$sent_http_*`, which holds what `proxy_pass` passed on): what the backend writes,
# which this file does not say
BACKEND_PREFIXES: Final = ("upstream_http_", "upstream_trailer_", "sent_http_", "sent_trailer_")
REGEX_OPS: Final = {"~": "~", "~*": "~*", "!~": "~", "!~*": "~*"}
NEGATED: Final = {"~": "!~", "~*": "!~*", "=": "!=", "!~": "~", "!~*": "~*", "!=": "="}

VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
_NAMED_GROUP = re.compile(r"\(\?(?:P?<|')([A-Za-z_]\w*)[>']")


@record(frozen=True, slots=True)
class Guard:
    """A check on the request's Origin (an `if` comparison or a `map` key) that must hold."""

    op: str  # ~ ~* = (positive), !~ !~* != (negative), suffix / prefix (map hostnames), !map (UNMATCHED)
    operand: str
    location: Location
    scope: str | None = None  # the map it belongs to, for duplicate keys

    @property
    def positive(self) -> bool:
        return not self.op.startswith("!")


@record(frozen=True, slots=True)
class Part:
    # text, origin, request, path (the request's path), self (the server's own origin), server,
    # capture (of a regex: on the URL unless an origin regex guards it), unknown
    kind: str
    text: str
    location: Location


@record(frozen=True, slots=True)
class Alt:
    """One value a variable or header can take, and the origin checks it depends on."""

    parts: tuple[Part, ...]
    guards: tuple[Guard, ...] = ()

    @property
    def literal(self) -> str | None:
        """The text, when every part is literal."""
        parts = self.parts
        if len(parts) == 1:  # most values: their one part
            return parts[0].text if parts[0].kind == "text" else None
        if all(part.kind == "text" for part in parts):
            return "".join(part.text for part in parts)
        return None


Paths = tuple[tuple[Guard, ...], ...]  # any one of these sets of guards holds
Env = dict[str, tuple[Alt, ...]]
UNCONDITIONAL: Final[Paths] = ((),)


def merge_guards(first: tuple[Guard, ...], second: tuple[Guard, ...]) -> tuple[Guard, ...]:
    if not second or second == first:  # most merges: nothing to add (a value with no guard yet)
        return first
    if not first:
        return second
    return first + tuple(g for g in second if g not in first)


@record(slots=True)
class MapDefinition:
    source: str
    source_location: Location
    entries: list[tuple[Directive, str, Location]]
    default: tuple[str, Location] | None
    hostnames: bool
    scope: str


@record()
class IfRecord:
    directive: Directive
    paths: Paths  # the guards under which its body runs
    returns: bool
    env: Env  # at the end of its body


@record()
class Exit:
    """A `return` some requests reach: the response nginx sends there, and under which guards."""

    directive: Directive
    inside: Directive | None  # the `if` whose body holds it (its `add_header` apply), or None
    paths: Paths
    env: Env

    @property
    def status(self) -> int | None:
        """`return 204`, `return 301 URL`, `return URL` (302); None for what nginx refuses to load
        (`ngx_http_rewrite_return`: a number, or a URL starting with http://, https:// or $scheme)."""
        code = self.directive.args[0] if self.directive.args else ""
        if len(code) == 3 and code.isascii() and code.isdigit():
            return int(code)
        if code.startswith(("http://", "https://", "$scheme")):
            return 302
        return None

    @property
    def own_page(self) -> bool:
        """An error or a redirect whose text nginx writes from fixed text: nothing else to read."""
        status = self.status
        return status is not None and not 200 <= status < 300 and "$" not in " ".join(self.directive.args)


@record()
class Trace:
    """What running a level's rewrite statements found: `if` bodies and the `return`s reached."""

    ifs: list[IfRecord] = field(default_factory=list)
    exits: list[Exit] = field(default_factory=list)


@record()
class Program:
    """What is global to the analysed tree: maps, variables some `set` declares, regex captures."""

    maps: dict[str, MapDefinition] = field(default_factory=dict)
    declared: set[str] = field(default_factory=set)
    # named captures, and what they capture: "self" from `server_name` or the Host, else "capture"
    captures: dict[str, str] = field(default_factory=dict)
    # every regex that sets captures (pattern, caseless); None when one is in a directive not read
    regexes: list[tuple[str, bool]] | None = field(default_factory=list)
    truncated: list[Location] = field(default_factory=list)
    clipped: list[Location] = field(default_factory=list)  # values past MAX_PARTS or MAX_TEXT
    unknown: dict[str, Location] = field(default_factory=dict)  # variable -> first use
    # variables set by code that is not analysed (Lua, Perl, njs): name -> the directive, and where
    foreign: dict[str, tuple[str, Location]] = field(default_factory=dict)
    # code that can set response headers: the directive, and where
    foreign_code: list[tuple[str, Location]] = field(default_factory=list)
    template: bool = False  # a template: an unknown variable is a placeholder filled in at deploy

    @classmethod
    def of(cls, directives: list[Directive], template: bool = False) -> Program:
        program = cls(template=template)
        pending = list(directives)
        while pending:
            directive = pending.pop()
            name = directive.name
            if name == "map" and len(directive.args) >= 2 and directive.block is not None:
                program._add_map(directive)
                continue
            if name == "set" and directive.args:
                program.declared.add(variable_name(directive.args[0]))
            if name in FOREIGN_SETTERS and directive.args:
                program.foreign[variable_name(directive.args[0])] = (name, directive.location)
            elif _may_be_code(name) and FOREIGN_CODE.match(name):
                program._add_code(directive)
            if name in ("if", "location", "server_name", "rewrite"):
                subject = variable_name(directive.args[0]) if directive.args else ""
                own = name == "server_name" or (name == "if" and subject in SELFVARIABLES)
                for arg in directive.args:
                    for group in _NAMED_GROUP.findall(arg):
                        program.captures.setdefault(group.lower(), "self" if own else "capture")
            found = regexes(directive)
            if found is None or found:  # adding none changes nothing
                program._add_regexes(found)
            if directive.block is not None:
                pending.extend(directive.block)
        return program

    def _add_regexes(self, found: list[tuple[str, bool]] | None) -> None:
        if found is None or self.regexes is None:
            self.regexes = None
        else:
            self.regexes.extend(found)

    def _add_code(self, directive: Directive) -> None:
        """Lua or njs that runs per request: said when it can set a header or a variable."""
        code = " ".join(directive.args)
        for first, second in _FOREIGN_ASSIGN.findall(code):
            self.foreign.setdefault((first or second).lower(), (directive.name, directive.location))
        if directive.name in HEADER_FILTERS or (
            not directive.name.endswith("_file") and _FOREIGN_TOUCH.search(code)
        ):
            self.foreign_code.append((directive.name, directive.location))

    def _add_map(self, directive: Directive) -> None:
        entries: list[tuple[Directive, str, Location]] = []
        default = None
        hostnames = False
        for entry in directive.block or []:
            if entry.name == "hostnames" and not entry.args:
                hostnames = True
            elif entry.name == "default" and entry.args:
                default = (entry.args[0], entry.arg_location(0))
            elif entry.name in ("volatile",) and not entry.args:
                continue
            elif entry.args:
                entries.append((entry, entry.args[0], entry.arg_location(0)))
                for group in _NAMED_GROUP.findall(entry.name):
                    self.captures.setdefault(group.lower(), "capture")
                if entry.name.startswith("~"):  # a regex key sets the captures when it matches
                    caseless = entry.name.startswith("~*")
                    self._add_regexes([(entry.name[2 if caseless else 1 :], caseless)])
        self.maps[variable_name(directive.args[1])] = MapDefinition(
            directive.args[0],
            directive.arg_location(0),
            entries,
            default,
            hostnames,
            f"map {directive.args[1]} at line {directive.location.line}",
        )


def _request_header(source: str) -> bool:
    """A `map` source that is one request header other than the Origin (`$http_referer`), told as
    `_map` tells a source that is the Origin."""
    name = variable_name(source)
    return source.count("$") == 1 and name.startswith("http_") and name != ORIGIN


UNMATCHED: Final = "!map"  # a Guard's op: no key of the map (its `scope`) matched the Origin


def map_default(definition: MapDefinition) -> Guard:
    """The guard of a `map $http_origin` default: the Origin matched none of its keys."""
    return Guard(UNMATCHED, "", definition.source_location, definition.scope)


def variable_name(text: str) -> str:
    return text.strip().lstrip("$").strip("{}").lower()


class Evaluator:
    """Values of expressions under an environment of `set` variables."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self._in_maps: list[str] = []

    def evaluate(self, expr: str, location: Location, env: Env) -> tuple[Alt, ...]:
        if "$" not in expr:  # no variable: the one text part the loop below would give it
            return (self._clipped(Alt((Part("text", expr, location),)), location),)
        segments: list[tuple[Alt, ...]] = []
        last = 0
        for match in VARIABLE.finditer(expr):
            if match.start() > last:
                segments.append((Alt((Part("text", expr[last : match.start()], location),)),))
            name = (match.group(1) or match.group(2)).lower()
            segments.append(self._variable(name, match.group(), _within(location, match), env))
            last = match.end()
        if last < len(expr) or not segments:
            segments.append((Alt((Part("text", expr[last:], location),)),))
        if len(segments) == 1:  # one variable and nothing around it: its values, as the loop joins them
            return self.bounded(segments[0], location)
        if len(segments) > MAX_PARTS:
            self.program.clipped.append(location)
            segments = [*segments[:MAX_PARTS], (Alt((Part("unknown", "…", location),)),)]
        result: tuple[Alt, ...] = (Alt(()),)
        for options in segments:
            combined = [
                Alt(_join(left.parts, right.parts), merge_guards(left.guards, right.guards))
                for left in result
                for right in options
            ]
            result = self.bounded(combined, location)
        return result

    def bounded(self, alts: Iterable[Alt], location: Location) -> tuple[Alt, ...]:
        if type(alts) is tuple and len(alts) == 1:  # one value (most): clipped, nothing to dedupe or cut
            return (self._clipped(alts[0], location),)
        clipped = [self._clipped(alt, location) for alt in alts]
        # one value is its own set of distinct values: not hashed (its parts, guards, locations)
        unique = tuple(dict.fromkeys(clipped)) if len(clipped) > 1 else tuple(clipped)
        if len(unique) > MAX_ALTERNATIVES:
            self.program.truncated.append(location)
            return unique[:MAX_ALTERNATIVES]
        return unique

    def _clipped(self, alt: Alt, location: Location) -> Alt:
        """The value, or an unknown one (reported as not analysed) when it has grown past the bounds."""
        parts = alt.parts
        if len(parts) == 1 and len(parts[0].text) <= MAX_TEXT:  # the usual value: one part
            return alt
        if len(parts) <= MAX_PARTS and sum(len(part.text) for part in parts) <= MAX_TEXT:
            return alt
        self.program.clipped.append(location)
        return Alt((Part("unknown", "…", location),), alt.guards)

    def unset(self, name: str, location: Location, env: Env) -> tuple[Alt, ...]:
        """What ``$name`` holds where no `set` of this path has reached it (``location``: where a
        value of the request, such as the Origin, is then said to be read)."""
        return self._variable(name, "$" + name, location, env)

    def _variable(self, name: str, written: str, location: Location, env: Env) -> tuple[Alt, ...]:
        if name in self.program.foreign:  # whatever `set` says, the code sets it last
            self.program.unknown.setdefault(written, location)
            return (Alt((Part("unknown", written, location),)),)
        if name in env:
            return env[name]
        if name in self.program.maps and name not in self._in_maps:
            self._in_maps.append(name)
            try:
                return self._map(self.program.maps[name], env)
            finally:
                self._in_maps.pop()
        if name == ORIGIN:
            return (Alt((Part("origin", written, location),)),)
        if name in self.program.declared:
            return (Alt(()),)  # declared but not set on this path: nginx sends an empty value
        if name in self.program.captures or name.isdigit():
            return (Alt((Part(self.program.captures.get(name, "capture"), written, location),)),)
        if name in SELFVARIABLES:
            return (Alt((Part("self", written, location),)),)
        if name.startswith(BACKEND_PREFIXES):
            return (Alt((Part("backend", written, location),)),)
        if name in BUILTINVARIABLES or name.startswith(BUILTIN_PREFIXES):
            return (Alt((Part("server", written, location),)),)
        if name in PATHVARIABLES:
            return (Alt((Part("path", written, location),)),)
        if name in REQUESTVARIABLES or name.startswith(REQUEST_PREFIXES):
            return (Alt((Part("request", written, location),)),)
        self.program.unknown.setdefault(written, location)
        return (Alt((Part("unknown", written, location),)),)

    def _map(self, definition: MapDefinition, env: Env) -> tuple[Alt, ...]:
        out: list[Alt] = []
        on_origin = variable_name(definition.source) == ORIGIN and definition.source.count("$") == 1
        for key_directive, value, value_location in definition.entries:
            key = key_directive.name
            if on_origin:
                op, operand = map_key(key, definition.hostnames)
                conditions: list[tuple[Guard, ...]] = [
                    (Guard(op, operand, key_directive.location, definition.scope),)
                ]
            else:
                op, operand = map_key(key, hostnames=False)
                conditions = list(
                    self.conditions(definition.source, op, operand, key_directive.location, env)
                )
            alts = self.evaluate(value, value_location, env)
            if not on_origin and key.startswith("~") and _request_header(definition.source):
                # `$1` of a regex key on a request header (`map $http_referer`) is that header's
                # text, which the sender writes, not a capture of the URL
                alts = tuple(
                    Alt(
                        tuple(
                            Part("request", p.text, p.location) if p.kind == "capture" else p
                            for p in alt.parts
                        ),
                        alt.guards,
                    )
                    for alt in alts
                )
            for alt in alts:
                out.extend(Alt(alt.parts, merge_guards(alt.guards, guards)) for guards in conditions)
        # the default: no key matched. On the Origin that is a fact too, which another map keyed by
        # the Origin may contradict (`map_default`: a credentials map's `true` for a key of this one)
        unmatched = (map_default(definition),) if on_origin else ()
        if definition.default is not None:
            defaults = self.evaluate(definition.default[0], definition.default[1], env)
            out.extend(Alt(alt.parts, merge_guards(alt.guards, unmatched)) for alt in defaults)
        else:
            out.append(Alt((), unmatched))
        return self.bounded(out, definition.source_location)

    def conditions(
        self,
        subject: str,
        op: str | None,
        operand: str,
        location: Location,
        env: Env,
        memo: list[tuple[Alt, ...]] | None = None,
    ) -> Iterator[tuple[Guard, ...]]:
        """The guard sets under which `subject op operand` can hold (none: it never does).

        ``memo``: shared by the calls that ask one `if`'s subject (in one environment) with each
        operator: its values are worked out at the first that reads them, and only then."""
        if op is None:  # `if ($var)`: true when the value is not empty
            yield from (
                alt.guards for alt in self._subject(subject, location, env, memo) if alt.literal != ""
            )
            return
        if op not in NEGATED:  # file tests (`-f`, `!-e`...) say nothing about the origin
            yield ()
            return
        match = VARIABLE.fullmatch(subject.strip('"'))
        if match is not None and (match.group(1) or match.group(2)).lower() == ORIGIN:
            yield (Guard(op, operand, location),)
            return
        seen: set[tuple[Guard, ...]] = set()
        for alt in self._subject(subject, location, env, memo):
            text = alt.literal
            holds = (
                _holds(text, op, operand) if text is not None else op != "=" or _may_equal(alt.parts, operand)
            )
            if holds and alt.guards not in seen:
                seen.add(alt.guards)
                yield alt.guards

    def _subject(
        self, subject: str, location: Location, env: Env, memo: list[tuple[Alt, ...]] | None
    ) -> tuple[Alt, ...]:
        """``evaluate(subject)``, once for the calls sharing ``memo``: the same values each time (the
        environment and the program's maps are what it reads), and what it records (`unknown`,
        `clipped`, `truncated`) is recorded by the first."""
        if memo is None:
            return self.evaluate(subject, location, env)
        if not memo:
            memo.append(self.evaluate(subject, location, env))
        return memo[0]


def _within(location: Location, match: re.Match[str]) -> Location:
    """Where a variable is written inside a value (`https://$1`), when the value is on one line."""
    start, end = match.span()
    if start == 0 or location.line != location.end_line or location.end_column - location.column < end:
        return location
    return Location(
        location.path, location.line, location.column + start, location.line, location.column + end
    )


def _join(left: tuple[Part, ...], right: tuple[Part, ...]) -> tuple[Part, ...]:
    if left and right and left[-1].kind == "text" and right[0].kind == "text":
        joined = Part("text", left[-1].text + right[0].text, left[-1].location)
        return (*left[:-1], joined, *right[1:])
    return left + right


def map_key(key: str, hostnames: bool) -> tuple[str, str]:
    if key.startswith("~*"):
        return "~*", key[2:]
    if key.startswith("~"):
        return "~", key[1:]
    key = key.removeprefix("\\")
    if hostnames and key.startswith(("*.", ".")):
        return "suffix", key
    if hostnames and key.endswith(".*"):
        return "prefix", key
    return "=", key


def _may_equal(parts: tuple[Part, ...], operand: str) -> bool:
    """Whether a value with parts only the request knows can be ``operand``: not when the fixed
    text it starts or ends with is not how ``operand`` starts or ends (`"<<unknown>> -> $host"` is
    never `"cors.client.foo -> api.project.com"`, RubaXa/nginx-cors)."""
    first, last = parts[0], parts[-1]
    if first.kind == "text" and not operand.startswith(first.text):
        return False
    return last.kind != "text" or operand.endswith(last.text)


def _holds(text: str, op: str, operand: str) -> bool:
    """Whether a literal value passes a comparison; an unanalysable regex counts as passing."""
    if op in ("=", "!="):
        return (text == operand) == (op == "=")
    engine = NGINX_REGEX_ICASE if op.endswith("*") else NGINX_REGEX
    found = analyse_regex(operand, engine)
    if not found.analysed:
        return True
    return found.accepts(text) == (not op.startswith("!"))


def split_condition(args: list[str]) -> tuple[str, str | None, str]:
    """`if` arguments (crossplane has removed the parentheses) as (subject, operator, operand)."""
    if len(args) >= 3:
        return args[0], args[1], " ".join(args[2:])
    if len(args) == 2:  # file tests: -f $path, !-e $path
        return args[1], args[0], ""
    return (args[0] if args else ""), None, ""


class Flow:
    """Runs the rewrite-phase statements of a level in order, as nginx does, over alternatives."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator

    def run(
        self, block: list[Directive], env: Env, paths: Paths, trace: Trace, inside: Directive | None = None
    ) -> tuple[Env, Paths]:
        """The environment and the surviving guard sets at the end; no paths means every request returned.

        Each `return` reached is kept in the trace with its environment: nginx sends a response
        there, with the `add_header` of the level (or of the `if`) it is in.
        """
        for directive in block:
            name = directive.name
            if name == "set" and len(directive.args) >= 2:
                alts = self.evaluator.evaluate(directive.args[1], directive.arg_location(1), env)
                combined = [Alt(alt.parts, merge_guards(alt.guards, path)) for alt in alts for path in paths]
                env = {
                    **env,
                    variable_name(directive.args[0]): self.evaluator.bounded(combined, directive.location),
                }
            elif name == "if" and directive.block is not None and inside is None:
                env, paths = self._if(directive, env, paths, trace)
                if not paths:
                    return env, paths
            elif name == "return":
                if paths:
                    trace.exits.append(Exit(directive, inside, paths, env))
                return env, ()
        return env, paths

    def _if(self, directive: Directive, env: Env, paths: Paths, trace: Trace) -> tuple[Env, Paths]:
        subject, op, operand = split_condition(directive.args)
        where = directive.arg_location(len(directive.args) - 1)
        memo: list[tuple[Alt, ...]] = []  # the subject's values in `env`, for each operator asked
        holds = list(self.evaluator.conditions(subject, op, operand, where, env, memo))
        body_paths = _combine(paths, holds)
        returns = any(d.name == "return" for d in directive.block or [])
        body_env = env
        if body_paths:
            body_env, _ = self.run(directive.block or [], dict(env), body_paths, trace, directive)
        trace.ifs.append(IfRecord(directive, body_paths, returns, body_env))
        negated = NEGATED.get(op or "", op)
        if returns:
            return env, _combine(
                paths, list(self.evaluator.conditions(subject, negated, operand, where, env, memo))
            )
        # a variable the body changed holds the body's value, or its old one where the check failed:
        # what it held before the `if`, and for one no `set` had reached yet, what nginx gives it
        # there: a `map`'s value, the request's header (both changeable, and only changed on the
        # requests that take the `if`: ngx_http_map_module.c adds them NGX_HTTP_VAR_CHANGEABLE)
        merged = dict(env)
        failed_guards: list[tuple[Guard, ...]] | None = None
        for name, alts in body_env.items():
            if merged.get(name) != alts:
                if failed_guards is None:
                    failed_guards = (
                        list(self.evaluator.conditions(subject, negated, operand, where, env, memo))
                        if op
                        else [()]
                    )
                before = (
                    env[name] if name in env else self.evaluator.unset(name, directive.arg_location(0), env)
                )
                kept = [
                    Alt(alt.parts, merge_guards(alt.guards, failed))
                    for alt in before
                    for failed in failed_guards
                ]
                merged[name] = self.evaluator.bounded((*alts, *kept), directive.location)
        return merged, paths


def _combine(paths: Paths, conditions: list[tuple[Guard, ...]]) -> Paths:
    combined = dict.fromkeys(merge_guards(path, condition) for path in paths for condition in conditions)
    return tuple(combined)[:MAX_ALTERNATIVES]
