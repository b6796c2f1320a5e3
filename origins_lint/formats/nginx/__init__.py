"""nginx configs and snippets: the CORS headers each response carries, as model contexts.

Levels (`http`, `server`, `location`, `if`) inherit `add_header` the way nginx
does: a level with any `add_header` of its own inherits none (unless
`add_header_inherit merge`), and headers-more's `more_set_headers` merges.
Each level that can answer a request becomes one context, whose header
values are traced by ``flow`` to the origins they can carry.

The family: ``files`` says which files are nginx; ``syntax`` reads them with crossplane into
located directives, following `include` where ``include`` says nginx would (src/core/
ngx_conf_file.c, `ngx_conf_include`), and ``reject`` finds what nginx refuses to load with a
port of its tokenizer (`ngx_conf_read_token`); ``templates`` reads config templates as nginx;
``flow`` traces `set`, `if` and `map`; ``captures`` says what a URL capture sent as the origin
can hold (PCRE groups, src/core/ngx_regex.c `ngx_regex_exec`); ``decisions`` describes origin
checks that gate something other than CORS (gixy's `origins` plugin, gixy/plugins/origins.py).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import PurePath
from typing import Final

from origins_lint.formats.base import FormatOptions, file_name
from origins_lint.formats.nginx.captures import HTTP_WHITESPACE, NGINX_ECHO, capture_text, origin_captured
from origins_lint.formats.nginx.decisions import origin_checks
from origins_lint.formats.nginx.files import claimed, looks_like_nginx, nginx_folder, why_not
from origins_lint.formats.nginx.flow import (
    BACKEND_PREFIXES,
    MAX_PARTS,
    MAX_TEXT,
    SAFE_STATUSES,
    UNCONDITIONAL,
    UNMATCHED,
    Alt,
    Env,
    Evaluator,
    Flow,
    Guard,
    Part,
    Paths,
    Program,
    Trace,
    map_key,
    merge_guards,
    split_condition,
    variable_name,
)
from origins_lint.formats.nginx.syntax import Directive, parse_tree
from origins_lint.formats.nginx.templates import BARE as BARE_TEMPLATES
from origins_lint.formats.nginx.templates import MAX_RENDERINGS, detemplated, is_template, renderings
from origins_lint.formats.nginx.templates import SUFFIXES as TEMPLATE_SUFFIXES
from origins_lint.formats.readers.response_headers import literal_matchers
from origins_lint.model import (
    EXACT_ENGINE,
    NGINX_MAP_STRING,
    NGINX_REGEX,
    NGINX_REGEX_ICASE,
    PLACEHOLDER,
    CorsContext,
    Document,
    Engine,
    HeaderLine,
    InputProblem,
    Location,
    MatcherKind,
    OriginMatcher,
    ParsedFile,
    ProblemKind,
    Setting,
)
from origins_lint.origins import known_public_suffix
from origins_lint.records import record, replace
from origins_lint.source import Source
from origins_lint.template_origin import decided

NAME = "nginx"
EXTENSIONS = (".conf", ".nginx", ".vhost", *TEMPLATE_SUFFIXES)
FOLDERS: Final = frozenset(
    {
        "sites-available",
        "sites-enabled",
        "snippets",
        "conf.d",
        "vhosts.d",
        "vhost.d",
        "http.d",
        "nginx",
        "servers",
    }
)
FOLDER_SUFFIXES: Final = frozenset({".inc", ".default", ".template", ".locations", ".snippet", ".cors"})
HOST_FOLDERS: Final = frozenset({"server"})  # where a file named after a host is its server's config
_HOST_NAME: Final = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}")
_EXTENSIONS_NOT_HOSTS: Final = frozenset(
    {"sh", "py", "md", "pl", "rs", "so", "ps", "ai", "cc", "mk", "am", "in", "bz", "gz", "zip", "sample"}
)
ALLOW_ORIGIN: Final = "access-control-allow-origin"
_CREDENTIALS: Final = "access-control-allow-credentials"
_ITEMS = re.compile(r"[\s,]+")
_LEVELS = ("http", "server", "location")
_SETTERS = ("add_header", "more_set_headers")
_TEMPLATE_VARIABLE = re.compile(r"\$\{(_\d+_*)\}")
_PER_REQUEST = frozenset({"origin", "request", "capture", "unknown"})
# the CORS headers a server sends; `Access-Control-Request-*` are the browser's, not a response's
_CORS_PREFIX = "access-control-"
_REQUEST_PREFIX = "access-control-request-"


def wants(path: str) -> bool:
    """Files a directory walk sniffs: by extension, by name, or by the folders nginx layouts use.

    Every file of `sites-*/`, `conf.d/`, `snippets/`, `http.d/`, `vhosts.d/` and `vhost.d/` (the folder
    named on the command line counts: the walk gives paths from its parent) but dot files,
    which nginx's `include folder/*` never matches.
    """
    name = file_name(path)
    if name.endswith(EXTENSIONS) or name == "nginx.conf":
        return True
    pure = PurePath(path)
    if nginx_folder(path) and not pure.name.startswith("."):
        return True
    folders = pure.parts[:-1]
    if any(part in FOLDERS for part in folders) and (not pure.suffix or pure.suffix in FOLDER_SUFFIXES):
        return True
    if folders and folders[-1] == "templates" and name.endswith(BARE_TEMPLATES):
        return True  # `roles/nginx/templates/default.tpl`: read where its rendering is nginx (`detect`)
    # a file named after the host it serves (`nginx/api.example.com`, `server/shop.example.ru`)
    return any(part in FOLDERS or part in HOST_FOLDERS for part in folders) and host_named(name)


def host_named(name: str) -> bool:
    """A file name that is a host name (`todoapi.benaychh.io`): labels, the last a top-level domain
    of the public-suffix list and not a file extension that is one too (`.sh`, `.py`, `.md`)."""
    if not _HOST_NAME.fullmatch(name):
        return False
    last = name.rsplit(".", 1)[1].lower()
    return last not in _EXTENSIONS_NOT_HOSTS and known_public_suffix(last)


def detect(path: str, text: str) -> bool:
    name = file_name(path)
    if name == "nginx.conf" or name.endswith(".nginx"):
        return True
    in_folder = nginx_folder(os.path.abspath(path)) is not None and not name.startswith(".")
    if name.endswith(".cfg") and _looks_like_haproxy(text):
        return False  # `haproxy/conf.d/*.cfg`: HAProxy's, whose `{ }` ACLs the nginx sniff would take
    if not in_folder and not wants(path):
        return False
    if name.endswith((*TEMPLATE_SUFFIXES, *BARE_TEMPLATES)):  # is_template(path): sniffed as rendered
        text = detemplated(Source(path, text))[0].text
    return looks_like_nginx(text, in_folder)


def _looks_like_haproxy(text: str) -> bool:
    # imported here: the HAProxy package is not loaded for the `.conf` files that are most of nginx
    from origins_lint.formats.webservers.haproxy.files import looks_like_haproxy

    return looks_like_haproxy(text)


def unread(path: str, text: str) -> str | None:
    """Why a file nginx would load, that `detect` refused, is not checked (OL003); None when
    nginx would not load it either."""
    reason = claimed(path)
    if reason is None:
        return None
    return (
        f"{reason}, but {why_not(text)}: it is not checked, and nginx would refuse to start if "
        "an `include` names it; remove it from the folder or fix its syntax"
    )


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    """The file as nginx reads it; a template once per rendering (`templates.renderings`): the
    first keeps every first branch of its `if`s, each other branch adds the responses it
    changes, as alternatives, never merged into the first's (they are never sent together)."""
    views = renderings(source)
    result = _parse(views[0].source, views[0].placeholders, options)
    if not result.documents:
        return result
    document = result.documents[0]
    for view in views[1:]:
        other = _parse(view.source, view.placeholders, options)
        result.problems.extend(p for p in other.problems if _within(p.location.line, view.lines))
        for context in other.documents[0].contexts if other.documents else ():
            lines = [line.location.line for line in context.headers]
            lines += [matcher.location.line for matcher in context.matchers]
            if any(_within(line, view.lines) for line in lines):
                document.contexts.append(context)
    if views[0].skipped:
        message = (
            f"this template has {views[0].skipped + len(views) - 1} `if`/`else` branches past the first "
            f"ones; the {views[0].skipped} past {MAX_RENDERINGS - 1} are not read: split the template"
        )
        result.problems.append(
            InputProblem(ProblemKind.NOT_ANALYSED, message, Location.point(source.path, 1, 1))
        )
    return result


def _spot(location: Location) -> tuple[str, int, int]:
    return location.path, location.line, location.column


def _within(line: int, spans: tuple[tuple[int, int], ...]) -> bool:
    return any(first <= line <= last for first, last in spans)


def _parse(source: Source, placeholders: dict[str, str], options: FormatOptions) -> ParsedFile:
    tree = parse_tree(source, options.roots)
    problems = [*tree.rejected, *tree.problems]
    result = ParsedFile(source.path, NAME, problems=problems, included=tree.included, uncached=tree.uncached)
    if any(p.location.path == source.path and p.kind is ProblemKind.PARSE for p in tree.problems):
        return result
    builder = _Builder(Program.of(tree.directives, is_template(source.path)), placeholders)
    builder.level(tree.directives, "top", _Headers(), None)
    builder.decisions(tree.directives)
    # an entry at the very word nginx refuses (a `map` key given twice: "conflicting parameter")
    # is that OL001's, not an entry of its own: no second finding (OL103) on the same flaw
    refused = {(p.location.path, p.location.line, p.location.column) for p in tree.rejected}
    for context in builder.contexts if refused else ():
        context.matchers = [m for m in context.matchers if _spot(m.location) not in refused]
    document = Document(
        source.path,
        NAME,
        Location.point(source.path, 1, 1),
        contexts=builder.contexts,
        paths=tuple(builder.paths),
    )
    result.documents.append(document)
    result.problems.extend(builder.problems())
    return result


# --- headers and inheritance ----------------------------------------------------


@record(frozen=True, slots=True)
class _Sent:
    """One header a directive adds: its name, value expression and where each is written.

    Compared and hashed by identity: each stands for one directive's header in one response.
    """

    __eq__ = object.__eq__  # by identity, as `@dataclass(eq=False)`: kept by `record`
    __hash__ = object.__hash__

    name: str
    value: str
    directive: Directive
    value_location: Location
    always: bool
    statuses: frozenset[int] | None = None  # headers-more `-s`: only these; None: every status
    key: str = ""  # the name in lower case, set here: every response asks it of every header

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", self.name.lower())

    def sent_with(self, status: int | None) -> bool:
        """Whether nginx adds it to a response of this status (None: not known, so assumed)."""
        if status is None:
            return True
        if self.statuses is not None:
            return status in self.statuses
        return self.always or status in SAFE_STATUSES


@record(frozen=True, slots=True)
class _Headers:
    add: tuple[Directive, ...] = ()
    more: tuple[Directive, ...] = ()
    mode: str = "on"


def _enter(
    parent: _Headers, block: list[Directive], made: _Made
) -> tuple[_Headers, tuple[_Sent, ...], Directive | None]:
    """A level's headers, and the inherited CORS headers its own `add_header` drops."""
    adds: list[Directive] = []
    mores: list[Directive] = []
    inherit: str | None = None  # the first `add_header_inherit` with a word says the mode
    for d in block:  # one pass over the level (it was three)
        name = d.name
        if name == "add_header":
            adds.append(d)
        elif name == "more_set_headers":
            mores.append(d)
        elif name == "add_header_inherit" and inherit is None and d.args:
            inherit = d.args[0].lower()
    own_add, own_more = tuple(adds), tuple(mores)
    mode = parent.mode if inherit is None else inherit
    if own_add:
        add = parent.add + own_add if mode == "merge" else own_add
    else:
        add = () if mode == "off" else parent.add
    dropped: tuple[_Sent, ...] = ()
    if own_add and mode == "on":
        kept = {s.key for s in _sent(own_add, made)}
        dropped = tuple(s for s in _sent(parent.add, made) if _is_cors(s.key) and s.key not in kept)
    return _Headers(add, parent.more + own_more, mode), dropped, own_add[0] if own_add else None


def _is_cors(key: str) -> bool:
    return key.startswith(_CORS_PREFIX) and not key.startswith(_REQUEST_PREFIX)


# each directive's headers, made once a file (by id, with the directive kept so that an id is
# never reused): a header's `_Sent` stands for it in every response, and no response sends one
# directive twice, so identity still tells the headers of one response apart
_Made = dict[int, tuple[Directive, list["_Sent"]]]


def _sent(directives: tuple[Directive, ...], made: _Made) -> list[_Sent]:
    out: list[_Sent] = []
    for directive in directives:
        known = made.get(id(directive))
        if known is None:
            known = made[id(directive)] = (directive, _sent_by(directive))
        out += known[1]
    return out


def _sent_by(directive: Directive) -> list[_Sent]:
    """The headers one `add_header` or `more_set_headers` adds."""
    args = directive.args
    if directive.name == "add_header":
        if len(args) < 2:
            return []
        always = len(args) > 2 and args[2].lower() == "always"
        return [_Sent(args[0], args[1], directive, directive.arg_location(1), always)]
    out: list[_Sent] = []
    index = 0
    statuses: frozenset[int] | None = None
    while index < len(args):
        arg = args[index]
        if arg in ("-s", "-t"):
            if arg == "-s" and index + 1 < len(args):
                codes = [c for c in _ITEMS.split(args[index + 1]) if c]
                if codes and all(c.isascii() and c.isdigit() for c in codes):
                    statuses = frozenset(int(c) for c in codes)
            index += 2
            continue
        name, colon, value = arg.partition(":")
        if colon:
            offset = len(arg) - len(value.lstrip())
            where = directive.arg_location(index)
            shifted = replace(where, column=where.column + offset, end_column=where.column + len(arg))
            out.append(_Sent(name.strip(), value.strip(), directive, shifted, True, statuses))
        index += 1
    return out


# --- contexts -------------------------------------------------------------------

_REGEX_META = re.compile(r"[()\[\]{}.*+?|\\$]")
_GLUED = re.compile(r"^(=|\^~|~\*?)(.+)$")


def location_path(args: list[str]) -> str | None:
    """The request path a `location` answers, where a request can be sent to reach it: its prefix
    (`location /api/`, `= /exact`, `^~ /static/`), or a regex's literal start (`~ ^/files/(.*)$` is
    `/files/`); None for a regex with no literal start (`~* \\.png$`) and a named `@location`.

    A location without one answers requests its parent matched (nginx searches nested locations
    only there, ngx_http_core_find_location), so its contexts keep the parent's path.
    """
    if not args:
        return None
    if len(args) > 1:
        modifier, path = args[0], args[1]
    else:  # nginx also reads `=/exact`, `^~/static/`, `~^/files/` as one word
        glued = _GLUED.match(args[0])
        modifier, path = (glued.group(1), glued.group(2)) if glued else ("", args[0])
    if modifier.startswith("~"):
        if not path.startswith("^/"):
            return None
        path = _REGEX_META.split(path[1:], maxsplit=1)[0]
    return path if path.startswith("/") else None


class _Builder:
    def __init__(self, program: Program, placeholders: dict[str, str]) -> None:
        self.program = program
        self.placeholders = placeholders  # `{{ }}` placeholders of a template, by the variable read for each
        self.evaluator = Evaluator(program)
        self.flow = Flow(self.evaluator)
        self.contexts: list[CorsContext] = []
        self.paths: dict[str, None] = {}  # every `location`'s request path, in file order
        self.made: _Made = {}
        self._keys: dict[str, frozenset[tuple[str, str]]] | None = None  # `_keys_of`, made when first asked

    def level(
        self,
        block: list[Directive],
        kind: str,
        parent: _Headers,
        server: tuple[Env, Paths] | None,
        requests: tuple[str, ...] = (),
    ) -> None:
        """One `http`, `server` or `location` block, answering `requests` (the innermost location's path)."""
        headers, dropped, dropped_by = _enter(parent, block, self.made)
        trace = Trace()
        env: Env = {}
        paths: Paths = UNCONDITIONAL
        if kind in ("top", "server"):
            env, paths = self.flow.run(block, {}, UNCONDITIONAL, trace)
            server = (env, paths)
        elif kind == "location" and server is not None:
            env, paths = self.flow.run(block, dict(server[0]), server[1], trace)
        serves = kind in ("server", "location") or (kind == "top" and (headers.add or headers.more))
        if serves and paths:
            self.serve(headers, env, paths, dropped, dropped_by, requests=requests)
        for branch in trace.ifs:
            own = branch.directive.block or []
            if branch.paths and not branch.returns and any(d.name in _SETTERS for d in own):
                inner, inner_dropped, inner_by = _enter(headers, own, self.made)
                self.serve(inner, env, branch.paths, inner_dropped, inner_by, requests=requests)
        for exit in trace.exits:
            if exit.status is None:
                continue  # not a status nginx accepts: it refuses to load the file
            at = exit.directive.location if exit.own_page else None
            if exit.inside is None:
                self.serve(headers, exit.env, exit.paths, dropped, dropped_by, exit.status, at, requests)
            else:
                inner, inner_dropped, inner_by = _enter(headers, exit.inside.block or [], self.made)
                preflight = exit.status in SAFE_STATUSES and _preflights_only(exit.inside)
                self.serve(
                    inner, exit.env, exit.paths, inner_dropped, inner_by, exit.status, at, requests, preflight
                )
        for child in block:
            if child.name in _LEVELS and child.block is not None:
                inner_requests = () if child.name == "server" else requests
                if child.name == "location" and (found := location_path(child.args)) is not None:
                    self.paths.setdefault(found, None)
                    inner_requests = (found,)
                self.level(child.block, child.name, headers, server, inner_requests)

    def serve(
        self,
        headers: _Headers,
        env: Env,
        paths: Paths,
        dropped: tuple[_Sent, ...],
        dropped_by: Directive | None,
        status: int | None = None,
        own_page: Location | None = None,
        requests: tuple[str, ...] = (),
        preflight: bool = False,
    ) -> None:
        """One response: the headers nginx adds to it (by its status when a `return` sets one), at
        the request paths `requests` (empty: any). ``preflight``: the `return` of an `if` only
        preflights enter, with a status `add_header` serves: that response is never an error page
        (a preflight has no body to be refused), so `always` changes nothing for it."""
        added = _sent(headers.add, self.made) + _sent(headers.more, self.made)
        every = [s for s in added if s.sent_with(status)]
        sent = [s for s in every if _is_cors(s.key)]
        vary = [s for s in every if s.key == "vary"]
        if not sent and not dropped:
            return
        values = {s: self._values(s, env, paths) for s in [*sent, *vary]}
        last = {s.key: s for s in sent}  # each name's last header, what the settings below read
        credentials_header = last.get(_CREDENTIALS)
        if credentials_header is not None and any(alt.guards for alt in values[credentials_header]):
            groups = self._by_credentials(sent, values, credentials_header)
        else:
            matchers: dict[tuple[object, ...], OriginMatcher] = {}
            for header in sent:
                if header.key == ALLOW_ORIGIN:
                    for alt in values[header]:
                        for matcher in self._matchers(alt, header):
                            matchers.setdefault((matcher.kind, matcher.raw, matcher.location), matcher)
            groups = [(_credentials(last, values), matchers)]
        if (
            not any(found for _flag, found in groups)
            and not dropped
            and not any(s.key == ALLOW_ORIGIN for s in sent)
        ):
            return
        for credentials, found in groups or [(_credentials(last, values), {})]:
            self._respond(
                sent,
                vary,
                values,
                last,
                found,
                credentials,
                dropped,
                dropped_by,
                own_page,
                requests,
                preflight,
            )

    def _respond(
        self,
        sent: list[_Sent],
        vary: list[_Sent],
        values: dict[_Sent, tuple[Alt, ...]],
        last: dict[str, _Sent],
        matchers: dict[tuple[object, ...], OriginMatcher],
        credentials: Setting[bool | None],
        dropped: tuple[_Sent, ...],
        dropped_by: Directive | None,
        own_page: Location | None,
        requests: tuple[str, ...],
        preflight: bool,
    ) -> None:
        context = CorsContext(
            matchers=list(matchers.values()),
            location=(
                sent[0].directive.location
                if sent
                else dropped_by.location
                if dropped_by
                else dropped[0].directive.location
            ),
            credentials=credentials,
            allow_methods=_listed(last, values, "access-control-allow-methods"),
            allow_headers=_listed(last, values, "access-control-allow-headers"),
            expose_headers=_listed(last, values, "access-control-expose-headers"),
            max_age=_max_age(last, values),
            vary_origin=_vary(vary, values),
            private_network=_private_network(last, values),
            headers=tuple(self._line(s, values[s], preflight) for s in sent),
            dropped=tuple(self._line(s, ()) for s in dropped),
            dropped_by=dropped_by.location if dropped_by is not None else None,
            echoed=_echoed(last, values),
            own_page=own_page,
            paths=requests,
        )
        self.contexts.append(context)

    def _by_credentials(
        self, sent: list[_Sent], values: dict[_Sent, tuple[Alt, ...]], credentials: _Sent
    ) -> list[tuple[Setting[bool | None], dict[tuple[object, ...], OriginMatcher]]]:
        """The origins of one response grouped by the credentials each gets, when an origin check
        decides the credentials too (a second `map $http_origin`): each value of the allow-origin
        header is paired with each credentials value its origin checks do not rule out, as nginx
        evaluates both for one request. A `*` sent by one map's default gets no `true` that the
        other map gives an origin the first one lists (snowstorm's `$cors_origin_header` and
        `$cors_cred`); an echo by default gets credentials only for the origins the credentials map
        lists (complyo's). A matcher some pairing sends with credentials is judged with them, once."""
        by_flag: dict[bool | None, dict[tuple[object, ...], OriginMatcher]] = {}
        for header in sent:
            if header.key != ALLOW_ORIGIN:
                continue
            for alt in values[header]:
                for value in values[credentials]:
                    if self._exclusive(alt.guards, value.guards):
                        continue
                    text = value.literal
                    flag = None if text is None else text.strip().lower() == "true"
                    # the credentials' checks first: the allow-origin's own, last, name the matcher
                    joint = Alt(alt.parts, merge_guards(value.guards, alt.guards))
                    for matcher in self._matchers(joint, header):
                        found = by_flag.setdefault(flag, {})
                        found.setdefault((matcher.kind, matcher.raw, matcher.location), matcher)
        out: list[tuple[Setting[bool | None], dict[tuple[object, ...], OriginMatcher]]] = []
        seen: set[tuple[object, ...]] = set()
        for flag in (True, None, False):
            kept = {key: m for key, m in by_flag.get(flag, {}).items() if key not in seen}
            seen.update(kept)
            if kept:
                out.append((Setting(flag, credentials.value_location), kept))
        return out

    def _exclusive(self, first: tuple[Guard, ...], second: tuple[Guard, ...]) -> bool:
        """Whether no Origin passes both sets of checks (only what is certain: else False)."""
        return any(self._apart(a, b) for a in first for b in second if a != b)

    def _apart(self, a: Guard, b: Guard) -> bool:
        if UNMATCHED in (a.op, b.op):
            none, other = (a, b) if a.op == UNMATCHED else (b, a)
            if other.op == UNMATCHED or not other.positive:
                return False
            if other.scope == none.scope:
                return True  # one map: a key matched, or none did
            # a key the other map has too (its string keys ignore case): that map matched it
            operand = other.operand.lower() if other.op == "=" else other.operand
            return (other.op, operand) in self._keys_of(none.scope)
        if a.positive and b.positive and a.scope is not None and a.scope == b.scope:
            return a.location != b.location  # one map picks one entry
        if a.op == "=" and b.op == "=":
            if a.scope is None and b.scope is None:  # `if (=)` compares bytes
                return a.operand != b.operand
            return a.operand.lower() != b.operand.lower()  # a map's string key ignores case
        return {a.op, b.op} == {"=", "!="} and a.scope is None and b.scope is None and a.operand == b.operand

    def _keys_of(self, scope: str | None) -> frozenset[tuple[str, str]]:
        """The keys of the `map $http_origin` of ``scope`` as its guards say them (operator and
        operand; a string key lower-cased, as nginx looks it up)."""
        if self._keys is None:
            self._keys = {
                definition.scope: frozenset(
                    (op, operand.lower() if op == "=" else operand)
                    for entry, _value, _where in definition.entries
                    for op, operand in [map_key(entry.name, definition.hostnames)]
                )
                for definition in self.program.maps.values()
            }
        return self._keys.get(scope or "", frozenset())

    def decisions(self, directives: list[Directive]) -> None:
        """Origin checks that feed no CORS header, each a context of its own that says what it gates."""
        in_cors = {m.location for context in self.contexts for m in context.matchers}
        for check in origin_checks(directives, self.program, frozenset(in_cors)):
            if check.guard.location in in_cors:
                continue
            if self._placeholder(check.guard):
                continue
            matcher = _guarded(check.guard)
            self.contexts.append(CorsContext([matcher], check.guard.location, decision=check.decision))
            in_cors.add(check.guard.location)

    def _values(self, header: _Sent, env: Env, paths: Paths) -> tuple[Alt, ...]:
        alts = self.evaluator.evaluate(header.value, header.value_location, env)
        if paths == UNCONDITIONAL:
            # no guard to add: `evaluate` bounded its values already (each within the bounds, none
            # twice, at most 64), so bounding them again would give the same values back
            return alts
        combined = (Alt(alt.parts, merge_guards(alt.guards, path)) for alt in alts for path in paths)
        return self.evaluator.bounded(combined, header.value_location)

    def _matchers(self, alt: Alt, header: _Sent) -> list[OriginMatcher]:
        if any(g.op == "=" and g.operand == "" for g in alt.guards):
            return []  # sent only to requests that carry no Origin: no other site's page reads it
        kinds = {part.kind for part in alt.parts}
        if "unknown" in kinds:
            return self._templated(alt)  # the unknown variables are reported by problems()
        path = next((p for p in alt.parts if p.kind == "path"), None)
        if path is not None:  # `$request_uri` starts with `/`: whatever is around it, never an origin
            return [OriginMatcher(MatcherKind.PATH, path.text, path.location, note=header.value)]
        origin = next((p for p in alt.parts if p.kind == "origin"), None)
        if origin is not None:
            guard = next((g for g in reversed(alt.guards) if g.positive), None)
            if guard is not None:
                return [] if self._placeholder(guard) else [_guarded(guard)]
            return [OriginMatcher(MatcherKind.REFLECTED, origin.text, origin.location)]
        capture = next((p for p in alt.parts if p.kind == "capture"), None)
        if capture is not None:
            # `$1`, `$name`: of the origin regex that guards the value, or else of a regex on the
            # request URL (`location ~`, `rewrite`, `if ($request_uri ~ ...)`), which the sender writes
            guard = next((g for g in reversed(alt.guards) if g.positive and g.op in ("~", "~*")), None)
            if guard is not None and self._placeholder(guard):
                return []
            if guard is not None:  # the browser compares the captured text with its whole Origin
                # a value that is one capture (`$1`) admits what its group matches whole; around
                # fixed text (`https://$1`) the guard is read as it is written (exact when it is
                # anchored, a superset when not)
                parts = [(part.kind, part.text) for part in alt.parts]
                sent = origin_captured(parts, guard.operand, guard.op == "~*") if len(parts) == 1 else None
                if sent is None:
                    return [_guarded(guard)]
                note = (
                    "nginx sends the text the origin regex captured: only an origin that is all of it gets in"
                )
                return [
                    OriginMatcher(
                        MatcherKind.REGEX, sent[0], guard.location, sent[1], note=note, scope=guard.scope
                    )
                ]
            echoes = "a capture of a regex on the request URL (the sender writes the URL)"
            runs = self._echoed_regex(alt)
            return [
                OriginMatcher(MatcherKind.REFLECTED, capture.text, capture.location, echoes=echoes, runs=runs)
            ]
        request = next((p for p in alt.parts if p.kind == "request"), None)
        if request is not None:
            note = f"`{request.text}` comes from the request, so the sender chooses it"
            echoes = "text from the request (the sender chooses it)"
            return [
                OriginMatcher(MatcherKind.REFLECTED, request.text, request.location, note=note, echoes=echoes)
            ]
        backend = next((p for p in alt.parts if p.kind == "backend"), None)
        if backend is not None:  # what the backend's response says: said (OL004), `match` unknown
            self.program.unknown.setdefault(backend.text, backend.location)
            return []
        if kinds & {"self", "server"}:
            return []  # the server's own origin, or data that is not about origins
        text = (alt.literal or "").strip()
        if not text:
            return []
        where = alt.parts[0].location
        return literal_matchers(text, where, f"header at {where.path}:{where.line}:{where.column}")

    def _echoed_regex(self, alt: Alt) -> tuple[str, Engine] | None:
        """What a value of fixed text and URL captures can send, as a regex over the whole value
        (`https://$1` never sends `null`); None when another part is in it."""
        if any(part.kind not in ("text", "capture") for part in alt.parts):
            return None
        pieces = []
        last = len(alt.parts) - 1
        for index, part in enumerate(alt.parts):
            if part.kind == "capture":
                pieces.append(capture_text(self.program.regexes, variable_name(part.text)))
                continue
            text = part.text.lstrip(HTTP_WHITESPACE) if index == 0 else part.text
            text = text.rstrip(HTTP_WHITESPACE) if index == last else text  # the browser trims the ends
            pieces.append(re.escape(text))
        return "".join(pieces), NGINX_ECHO

    def _templated(self, alt: Alt) -> list[OriginMatcher]:
        """What fixed text decides whatever the placeholders or unknown variables in it become: an
        `http://` origin (a template's `'http://${HOST}'`, or a plain file's `'http://$backend_host'`
        whose variable is set where this file does not say). The entry keeps a template's
        placeholders as written, and an unknown variable as `${name}`; rules and `match` read only
        its fixed text."""
        parts = alt.parts
        if not parts or parts[0].kind != "text":
            return []
        if any(p.kind not in ("text", "unknown") for p in parts):
            return []
        if self.program.template:
            raw = "".join(self._written(p) for p in parts)
        else:
            raw = "".join(
                p.text if p.kind == "text" or p.text.startswith("${") else "${" + p.text[1:] + "}"
                for p in parts
            )
        fixed = decided(raw)  # the same reading as the YAML formats' templated entries
        if fixed is None or not fixed.plain_http:
            return []
        return [OriginMatcher(MatcherKind.EXACT, raw, parts[0].location)]

    def _placeholder(self, guard: Guard) -> bool:
        """A template's check that holds a placeholder (`~* "^https://${DOMAIN}$"`) is not known until
        it is rendered: said (OL004) at the check, not analysed as the regex it is not yet."""
        found = PLACEHOLDER.search(guard.operand) if self.program.template else None
        if found is not None:
            self.program.unknown.setdefault(found.group(), guard.location)
        return found is not None

    def _line(self, header: _Sent, alts: tuple[Alt, ...], fixed_status: bool = False) -> HeaderLine:
        line = _line(header, alts, self.program.template)
        if fixed_status and not line.always:
            line = replace(line, always=True)
        if not self.placeholders:
            return line
        return replace(line, value=_TEMPLATE_VARIABLE.sub(self._shown, line.value))

    def _shown(self, match: re.Match[str]) -> str:
        return self.placeholders.get(match.group(1).lower(), match.group())

    def _written(self, part: Part) -> str:
        if part.kind != "unknown":
            return part.text
        return self.placeholders.get(part.text.lstrip("$").strip("{}").lower(), part.text)

    def problems(self) -> list[InputProblem]:
        out = [
            InputProblem(ProblemKind.NOT_ANALYSED, self._unknown_message(name), location)
            for name, location in self.program.unknown.items()
        ]
        out.extend(
            InputProblem(
                ProblemKind.NOT_ANALYSED,
                f"`{name}` runs code origins-lint does not analyse, and that code can set response "
                "headers (`Access-Control-Allow-Origin` among them) or the variables they are made "
                "of: review which origins it admits by hand",
                location,
            )
            for name, location in self.program.foreign_code
        )
        out.extend(
            InputProblem(
                ProblemKind.NOT_ANALYSED,
                "this value can take more than 64 forms through `set`, `if` and `map`; only the "
                "first 64 were analysed",
                location,
            )
            for location in dict.fromkeys(self.program.truncated)
        )
        out.extend(
            InputProblem(
                ProblemKind.NOT_ANALYSED,
                f"this value is built from more than {MAX_PARTS} pieces or {MAX_TEXT:,} characters "
                "through `set`; it was not analysed",
                location,
            )
            for location in dict.fromkeys(self.program.clipped)
        )
        return out

    def _unknown_message(self, written: str) -> str:
        name = written.lstrip("$").strip("{}").lower()
        foreign = self.program.foreign.get(name)
        if foreign is not None:
            directive, where = foreign
            return (
                f"`{written}` is set by `{directive}` (line {where.line}), code origins-lint does not "
                "run, so the origins it carries were not analysed: review that code by hand"
            )
        if name.startswith(BACKEND_PREFIXES):
            return (
                f"`{written}` is a header of the backend's response, passed on as it comes: the "
                "origins it admits are the backend's, which this file does not say; check what the "
                "backend sends, or send a value decided here"
            )
        if self.program.template:
            shown = self.placeholders.get(name, written)
            return (
                f"`{shown}` is a template placeholder, filled in when the template is rendered, so "
                "what depends on it was not analysed: check the rendered file"
            )
        return (
            f"`{written}` is not set in this file or in the files it includes, so the origins it "
            "carries were not analysed: check the file that includes this one, or set it here"
        )


def _guarded(guard: Guard) -> OriginMatcher:
    """The check a guard makes, with nginx's comparison: `if (=)` compares bytes, a `map` string
    key ignores case (nginx lowercases both: `ngx_hash_add_key` in src/core/ngx_hash.c and
    `ngx_http_map_find` in src/http/ngx_http_variables.c), regexes are PCRE searches."""
    if guard.op in ("~", "~*"):
        engine = NGINX_REGEX_ICASE if guard.op == "~*" else NGINX_REGEX
        return OriginMatcher(MatcherKind.REGEX, guard.operand, guard.location, engine, scope=guard.scope)
    if guard.op in ("suffix", "prefix"):
        kind = MatcherKind.SUFFIX if guard.op == "suffix" else MatcherKind.PREFIX
        return OriginMatcher(kind, guard.operand, guard.location, NGINX_MAP_STRING, scope=guard.scope)
    engine = NGINX_MAP_STRING if guard.scope is not None else EXACT_ENGINE
    # `null` is what sandboxed frames and `file:` pages send: a check that admits it trusts them
    folded = guard.operand if engine.case_sensitive else guard.operand.lower()
    kind = MatcherKind.NULL if folded == "null" else MatcherKind.EXACT
    return OriginMatcher(kind, guard.operand, guard.location, engine, scope=guard.scope)


def _line(header: _Sent, alts: tuple[Alt, ...], template: bool) -> HeaderLine:
    literals = {text for alt in alts if (text := alt.literal)}
    # per request: what the sender controls; the path and the Host are in every cache's key already,
    # and a template's placeholder is filled in once
    varies = _PER_REQUEST - {"unknown"} if template else _PER_REQUEST
    dynamic = any(p.kind in varies for alt in alts for p in alt.parts) or len(literals) > 1
    items = _items(next(iter(literals))) if len(literals) == 1 else ()
    return HeaderLine(
        header.name,
        header.value,
        header.directive.location,
        header.value_location,
        always=header.always,
        dynamic=dynamic,
        items=items,
    )


def _preflights_only(branch: Directive) -> bool:
    """An `if ($request_method = OPTIONS)` (or `~ ^OPTIONS$`, `~* options`): only preflights enter."""
    subject, op, operand = split_condition(branch.args)
    word = operand.strip("'\"")
    if op in ("~", "~*"):
        word = word.removeprefix("^").removesuffix("$")
    if op == "~*":
        word = word.upper()
    return subject.strip("'\"").lower() == "$request_method" and op in ("=", "~", "~*") and word == "OPTIONS"


@lru_cache(maxsize=4096)
def _items(text: str) -> tuple[str, ...]:
    """A literal header value's comma or space separated items: the same few values (`GET, POST`,
    `Origin`) are sent by most responses of a run, split once each."""
    return tuple(i for i in _ITEMS.split(text.strip()) if i)


def _find(last: dict[str, _Sent], key: str) -> _Sent | None:
    return last.get(key)


def _credentials(last: dict[str, _Sent], values: dict[_Sent, tuple[Alt, ...]]) -> Setting[bool | None]:
    header = _find(last, "access-control-allow-credentials")
    if header is None:
        return Setting(False)
    texts = [alt.literal for alt in values[header]]
    if any(t is not None and t.strip().lower() == "true" for t in texts):
        return Setting(True, header.value_location)
    if any(t is None for t in texts):
        return Setting(None, header.value_location)
    return Setting(False, header.value_location)


def _literal(header: _Sent, values: dict[_Sent, tuple[Alt, ...]]) -> str | None:
    texts = {alt.literal for alt in values[header]}
    return next(iter(texts)) if len(texts) == 1 else None


def _listed(
    last: dict[str, _Sent], values: dict[_Sent, tuple[Alt, ...]], key: str
) -> Setting[tuple[str, ...]] | None:
    header = _find(last, key)
    text = _literal(header, values) if header is not None else None
    if header is None or text is None:
        return None
    items = tuple(item.strip() for item in text.split(",") if item.strip())
    return Setting(items, header.value_location)


def _max_age(last: dict[str, _Sent], values: dict[_Sent, tuple[Alt, ...]]) -> Setting[int] | None:
    header = _find(last, "access-control-max-age")
    text = _literal(header, values) if header is not None else None
    digits = text.strip() if text is not None else ""
    if header is None or not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        return None  # not a number nginx sends as one (`²` is a digit to isdigit, not to int)
    return Setting(int(digits), header.value_location)


def _vary(vary: list[_Sent], values: dict[_Sent, tuple[Alt, ...]]) -> Setting[bool] | None:
    if not vary:
        return None
    for header in vary:
        for alt in values[header]:
            text = alt.literal
            if text is None or "origin" in (i.lower() for i in _items(text)) or text.strip() == "*":
                return Setting(True, header.value_location)
    return Setting(False, vary[-1].value_location)


def _echoed(last: dict[str, _Sent], values: dict[_Sent, tuple[Alt, ...]]) -> tuple[tuple[str, Location], ...]:
    """Allow lists that send back request data (`$http_access_control_request_headers`): they allow
    whatever the page asks for."""
    out = []
    for name in ("headers", "methods"):
        header = _find(last, f"access-control-allow-{name}")
        if header is not None and any(
            part.kind in ("request", "origin") for alt in values[header] for part in alt.parts
        ):
            out.append((name, header.value_location))
    return tuple(out)


def _private_network(last: dict[str, _Sent], values: dict[_Sent, tuple[Alt, ...]]) -> Setting[bool] | None:
    header = _find(last, "access-control-allow-private-network")
    if header is None:
        return None
    texts = [alt.literal for alt in values[header]]
    allowed = any(t is None or t.strip().lower() == "true" for t in texts)
    return Setting(allowed, header.value_location)
