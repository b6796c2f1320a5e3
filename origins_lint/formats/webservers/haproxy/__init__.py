"""HAProxy configs (`haproxy.cfg`, `*.cfg` of HAProxy): the CORS headers each proxy sends.

How HAProxy decides what it sends (github.com/haproxy/haproxy, doc/configuration.txt):

- the words of a line are read by ``lexer`` (src/tools.c `parse_line`, section 2.2);
- a proxy (`frontend`, `backend`, `listen`) adds response headers with `http-response` and
  `http-after-response` `set-header|add-header <name> <fmt>` and with `hdr <name> <fmt>` of a
  `return` action; `<fmt>` is a log-format string whose `%[<fetch>,<converter>...]` is filled per
  request: `%[req.hdr(origin)]` echoes the request's Origin, `%[var(txn.x)]` what an
  `http-request set-var(txn.x) <expr>` / `set-var-fmt(txn.x) <fmt>` stored (every such rule of
  the file, under its own condition), `%[capture.req.hdr(N)]` the Nth request capture of the
  frontend (`capture request header`, `http-request capture`, `declare capture request`);
- a rule runs `if`/`unless` a condition of ACLs (read by ``acl``); an echo guarded by an
  origin test admits what that test admits, with the test's own match method (`-m str`, `beg`,
  `end`, `sub`, `dom`, `reg`, `-i`; src/pattern.c), and an echo guarded by nothing else than
  `-m found` (`if { req.hdr(origin) -m found }`) reflects every origin; a conjunction of
  several origin tests is read as its first (an over-approximation), negated tests restrict
  nothing, `FALSE`/`!TRUE` never hold;
- `-f <file>` patterns are read when the file is inside the checked folders, else said (OL004);
- a proxy takes its initial settings from the last `defaults` above it or the one it names with
  `from`; a named `defaults` section's `http-*` rules run before the proxy's own, with the
  defaults' own ACLs (an anonymous one may not hold rules or ACLs: HAProxy refuses, OL002);
- Lua (`lua.<action>` rules, `lua-load` of a CORS script such as haproxy-lua-cors) can set any
  header: said as not analysed (OL004);
- `http-response` rules run on every response HAProxy forwards, whatever its status (not on the
  ones it writes itself), so nothing here is nginx's `add_header` without `always` (OL603).

Each proxy section that sends an `Access-Control-Allow-Origin` gives one context per such rule,
with the proxy's other CORS headers; `Access-Control-Allow-Credentials: true` anywhere in the
proxy (or its defaults) counts.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Final

from origins_lint.formats.base import FormatOptions, within
from origins_lint.formats.readers.response_headers import literal_matchers
from origins_lint.formats.webservers.haproxy import acl
from origins_lint.formats.webservers.haproxy.acl import AclTable, ConditionError, Conjunction, Test
from origins_lint.formats.webservers.haproxy.files import detect, wants
from origins_lint.formats.webservers.haproxy.lexer import Line, Word, lex
from origins_lint.model import (
    CorsContext,
    Dialect,
    Document,
    Engine,
    HeaderLine,
    InputProblem,
    Location,
    MatcherKind,
    MatchMode,
    OriginMatcher,
    ParsedFile,
    ProblemKind,
    Setting,
)
from origins_lint.source import Source

NAME = "haproxy"
# pat_match_str / beg / end / sub: strncmp, or strncasecmp with `-i` (ASCII case)
HAPROXY_STRING = Engine("haproxy", MatchMode.FULL, case_sensitive=True)
HAPROXY_STRING_ICASE = Engine("haproxy", MatchMode.FULL, case_sensitive=False)
# pat_match_reg: regex_exec2, a PCRE search unless the pattern anchors itself
HAPROXY_REGEX = Engine("haproxy-pcre", MatchMode.SEARCH, case_sensitive=True, dialect=Dialect.PCRE)
HAPROXY_REGEX_ICASE = Engine("haproxy-pcre", MatchMode.SEARCH, case_sensitive=False, dialect=Dialect.PCRE)
# match_word's delimiters: `-m dom` make_4delim('/', '?', '.', ':'), `-m dir` '/' and '?'
DELIMITERS: Final = {"dom": "/?.:", "dir": "/?"}
PROXIES: Final = frozenset({"frontend", "backend", "listen"})
SECTIONS: Final = PROXIES | {
    "global", "defaults", "userlist", "peers", "resolvers", "mailers", "program", "http-errors",
    "ring", "cache", "crt-store", "traces", "log-forward", "fcgi-app", "acme",
}  # fmt: skip
VERBS: Final = ("http-request", "http-response", "http-after-response")
RESPONSE_VERBS: Final = ("http-response", "http-after-response")
ALLOW_ORIGIN: Final = "access-control-allow-origin"
_CORS_PREFIX = "access-control-"
_REQUEST_PREFIX = "access-control-request-"
_ITEMS = re.compile(r"[\s,]+")
_FORMAT = re.compile(r"%%|%(?:\{[^}]*\})?\[((?:[^\]\[]|\[[^\]]*\])*)\]|%\{[^}]*\}\w+|%\w+")
# fetches whose value is the server's own (the Host a browser sends is the server's own name),
# the request's path, or the sender's choice
_SELF: Final = frozenset({"host"})
_PATH_FETCHES: Final = frozenset({"path", "url", "req.uri", "base", "pathq", "capture.req.uri"})
_SERVER_PREFIXES: Final = (
    "res.",
    "fe_",
    "be_",
    "srv_",
    "src",
    "dst",
    "date",
    "env",
    "hostname",
    "nbsrv",
    "ssl_",
    "uuid",
    "unique-id",
    "rand",
    "status",
    "txn.",
    "stopping",
    "always_",
)
_LEGACY = frozenset(
    {"rspadd", "rspirep", "rsprep", "rspdel", "rspideny", "rspdeny", "reqadd", "reqrep", "reqirep"}
)
VARY_FIX: Final = "add `http-response set-header Vary Origin` to the same proxy"


@dataclass(frozen=True, slots=True)
class Part:
    kind: str  # text, origin, request, self, server, path, unknown
    text: str
    word: Word


@dataclass(frozen=True, slots=True)
class Alt:
    parts: tuple[Part, ...]
    conjunction: Conjunction = ()

    @property
    def literal(self) -> str | None:
        if all(p.kind == "text" for p in self.parts):
            return "".join(p.text for p in self.parts)
        return None


@dataclass(slots=True)
class Rule:
    verb: str
    action: str
    args: list[Word]
    condition: acl.Condition
    first: Word


@dataclass(slots=True)
class Section:
    kind: str
    name: str
    first: Word
    parent: str | None = None  # `from <defaults>`
    acls: AclTable = field(default_factory=AclTable)
    rules: list[Rule] = field(default_factory=list)
    captures: list[list[tuple[str, acl.Condition, Word]]] = field(default_factory=list)
    inherited: Section | None = None


@dataclass(frozen=True, slots=True)
class Sent:
    name: str
    value: Word
    rule: Rule

    @property
    def key(self) -> str:
        return self.name.lower()


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    result = ParsedFile(source.path, NAME)
    lexed = lex(source.text)
    if lexed.error is not None:
        message, line, column = lexed.error
        result.problems.append(
            InputProblem(ProblemKind.PARSE, message, Location.point(source.path, line, column))
        )
        return result
    for line, column in lexed.continued:
        message = (
            "HAProxy has no line continuation (haproxy/haproxy#2740): this `\\` joins nothing, so the "
            "next line is read as a statement of its own, which HAProxy refuses (`unknown keyword`) "
            "unless it starts with one; write the statement on one line"
        )
        result.problems.append(
            InputProblem(ProblemKind.PARSE, message, Location.point(source.path, line, column))
        )
    reader = _Reader(source.path, options)
    reader.read(lexed.lines)
    document = Document(source.path, NAME, Location.point(source.path, 1, 1), contexts=reader.contexts())
    result.documents.append(document)
    result.problems.extend(reader.problems)
    result.included.update(reader.included)
    result.uncached = bool(reader.included) or reader.uncached
    return result


class _Reader:
    def __init__(self, path: str, options: FormatOptions) -> None:
        self.path = path
        self.options = options
        self.sections: list[Section] = []
        self.defaults: dict[str, Section] = {}
        self.problems: list[InputProblem] = []
        self.variables: dict[str, list[tuple[Rule, Word, bool]]] = {}  # name -> (rule, value, is_format)
        self._said: set[tuple[int, int]] = set()
        self.included: dict[str, str] = {}  # `-f` pattern files read, by path
        self.uncached = False  # what it says depends on files besides this one

    # --- reading ----------------------------------------------------------------------------

    def where(self, word: Word) -> Location:
        return Location(self.path, word.line, word.column, word.line, word.end_column)

    def say(self, kind: ProblemKind, message: str, word: Word) -> None:
        key = (word.line, word.column)
        if key not in self._said:
            self._said.add(key)
            self.problems.append(InputProblem(kind, message, self.where(word)))

    def read(self, lines: list[Line]) -> None:
        last_defaults: Section | None = None
        current: Section | None = None
        for line in lines:
            words = line.words
            keyword = words[0].text
            if keyword.startswith("."):
                continue  # `.if`/`.else`/`.endif`/`.notice`: both branches are read
            if keyword in SECTIONS:
                current = Section(keyword, words[1].text if len(words) > 1 else "", words[0])
                if len(words) > 3 and words[2].text == "from":
                    current.parent = words[3].text
                self.sections.append(current)
                if keyword == "defaults":
                    if current.name:
                        self.defaults[current.name] = current
                    base = self.defaults.get(current.parent) if current.parent else None
                    current.inherited = base
                    last_defaults = current
                elif keyword in PROXIES:
                    if current.parent is not None:
                        named = self.defaults.get(current.parent)
                        if named is None:
                            self.say(
                                ProblemKind.SCHEMA,
                                f"HAProxy refuses `from {current.parent}`: no `defaults {current.parent}` "
                                "section above it",
                                words[3],
                            )
                        current.inherited = named
                    else:
                        current.inherited = last_defaults
                continue
            if current is None:
                continue
            try:
                self._directive(current, words)
            except ConditionError as error:
                self.say(ProblemKind.SCHEMA, f"HAProxy refuses this line: {error}", error.word)

    def _directive(self, section: Section, words: list[Word]) -> None:
        keyword = words[0].text
        anonymous = section.kind == "defaults" and not section.name
        if (
            keyword in ("lua-load", "lua-load-per-thread")
            and len(words) > 1
            and "cors" in words[1].text.lower()
        ):
            self.say(
                ProblemKind.NOT_ANALYSED,
                f"`{keyword} {words[1].text}` loads a CORS Lua script (such as haproxy-lua-cors), "
                "whose origin checks origin-lint does not run: which origins it admits was not "
                "analysed; review its allowed-origins list by hand",
                words[1],
            )
            return
        if keyword in _LEGACY and any(w.text.lower().startswith("access-control") for w in words[1:]):
            self.say(
                ProblemKind.SCHEMA,
                f"HAProxy 2.1 and later refuse `{keyword}` and do not start; write "
                "`http-response set-header <name> <value>` instead",
                words[0],
            )
            return
        if keyword == "acl":
            if anonymous:
                raise ConditionError("`acl` is not allowed in an anonymous `defaults` section", words[0])
            if len(words) < 3:
                raise ConditionError("`acl` needs a name and a criterion", words[0])
            section.acls.add(words[1].text, acl.parse_test(words[2:], words[1]))
            return
        if (
            keyword == "capture"
            and len(words) >= 3
            and words[1].text == "request"
            and words[2].text == "header"
        ):
            header = words[3].text if len(words) > 3 else ""
            section.captures.append([(f"req.hdr({header})", acl.ALWAYS, words[0])])
            return
        if (
            keyword == "declare"
            and len(words) >= 3
            and words[1].text == "capture"
            and words[2].text == "request"
        ):
            section.captures.append([])
            return
        if keyword not in VERBS or len(words) < 2:
            return
        if anonymous:
            raise ConditionError(f"`{keyword}` is not allowed in an anonymous `defaults` section", words[0])
        args, condition_words = acl.split_condition(words[2:])
        condition = acl.parse_condition(condition_words, section.acls, words[0])
        rule = Rule(keyword, words[1].text, args, condition, words[0])
        section.rules.append(rule)
        action = rule.action.lower()
        if action.startswith(("set-var(", "set-var-fmt(")) and args:
            name = action.split("(", 1)[1].split(")", 1)[0].split(",")[0].strip()
            self.variables.setdefault(name, []).append((rule, args[0], action.startswith("set-var-fmt")))
        elif action == "capture" and args and keyword == "http-request":
            slot = next(
                (
                    int(args[i + 1].text)
                    for i, w in enumerate(args[:-1])
                    if w.text == "id" and args[i + 1].text.isdigit()
                ),
                None,
            )
            entry = (args[0].text, condition, args[0])
            if slot is None:
                section.captures.append([entry])
            elif slot < len(section.captures):
                section.captures[slot].append(entry)
        elif action.startswith("lua.") and (keyword in RESPONSE_VERBS or "cors" in action):
            self.say(
                ProblemKind.NOT_ANALYSED,
                f"`{keyword} {rule.action}` runs Lua code origins-lint does not analyse; it can set "
                "`Access-Control-Allow-Origin` (haproxy-lua-cors echoes the origins it allows): "
                "review which origins it admits by hand",
                words[1],
            )

    # --- contexts ---------------------------------------------------------------------------

    def _rules(self, section: Section) -> list[tuple[Rule, Section]]:
        chain: list[Section] = []
        seen: set[int] = set()
        current = section.inherited
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            chain.insert(0, current)
            current = current.inherited
        return [(rule, owner) for owner in [*chain, section] for rule in owner.rules]

    def contexts(self) -> list[CorsContext]:
        out: list[CorsContext] = []
        for section in self.sections:
            if section.kind not in PROXIES:
                continue
            rules = self._rules(section)
            sent: list[Sent] = []
            returns: list[list[Sent]] = []
            for rule, _owner in rules:
                action = rule.action.lower()
                if (
                    rule.verb in RESPONSE_VERBS
                    and action in ("set-header", "add-header")
                    and len(rule.args) >= 2
                ):
                    sent.append(Sent(rule.args[0].text, rule.args[1], rule))
                elif action == "return":
                    own = [
                        Sent(rule.args[i + 1].text, rule.args[i + 2], rule)
                        for i, word in enumerate(rule.args[:-2])
                        if word.text == "hdr"
                    ]
                    if own:
                        returns.append(own)
            for group in [sent, *returns]:
                out.extend(self._responses(section, group))
        return out

    def _responses(self, section: Section, sent: list[Sent]) -> list[CorsContext]:
        sent = [s for s in sent if any(acl.possible(c) for c in s.rule.condition)]  # not `if FALSE`
        cors = [s for s in sent if s.key.startswith(_CORS_PREFIX) and not s.key.startswith(_REQUEST_PREFIX)]
        origins = [s for s in cors if s.key == ALLOW_ORIGIN]
        if not origins:
            return []
        values = {id(s): self._values(section, s.value, s.rule.condition, _responds(s.rule)) for s in sent}
        others = {s.key: s for s in cors if s.key != ALLOW_ORIGIN}
        out = []
        for index, header in enumerate(origins):
            matchers: dict[tuple[object, ...], OriginMatcher] = {}
            for alt in values[id(header)]:
                for matcher in self._matchers(alt, header):
                    matchers.setdefault((matcher.kind, matcher.raw, matcher.location), matcher)
            lines = [header]
            earlier = [o for o in origins[:index] if o.rule.condition == acl.ALWAYS]
            if header.rule.action.lower() == "add-header" and header.rule.condition == acl.ALWAYS and earlier:
                lines = [earlier[-1], header]  # an unconditional second add-header: two values
            out.append(
                CorsContext(
                    matchers=list(matchers.values()),
                    location=self.where(header.rule.first),
                    credentials=self._credentials(others.get("access-control-allow-credentials"), values),
                    allow_methods=self._listed(others.get("access-control-allow-methods"), values),
                    allow_headers=self._listed(others.get("access-control-allow-headers"), values),
                    expose_headers=self._listed(others.get("access-control-expose-headers"), values),
                    max_age=self._max_age(others.get("access-control-max-age"), values),
                    vary_origin=self._vary([s for s in sent if s.key == "vary"], values),
                    headers=tuple(self._line(s, values[id(s)]) for s in [*lines, *others.values()]),
                    name=f"{section.kind} {section.name}".strip(),
                )
            )
        return out

    def _line(self, header: Sent, alts: tuple[Alt, ...]) -> HeaderLine:
        literals = {alt.literal for alt in alts if alt.literal is not None}
        dynamic = (
            any(p.kind in ("origin", "request", "unknown") for alt in alts for p in alt.parts)
            or len(literals) > 1
        )
        items = (
            tuple(i for i in _ITEMS.split(next(iter(literals)).strip()) if i) if len(literals) == 1 else ()
        )
        return HeaderLine(
            header.name,
            header.value.text,
            self.where(header.rule.first),
            self.where(header.value),
            always=True,
            dynamic=dynamic,
            items=items,
            vary_fix=VARY_FIX,
        )

    @staticmethod
    def _literal(header: Sent | None, values: dict[int, tuple[Alt, ...]]) -> str | None:
        if header is None:
            return None
        texts = {alt.literal for alt in values[id(header)]}
        return next(iter(texts)) if len(texts) == 1 else None

    def _credentials(self, header: Sent | None, values: dict[int, tuple[Alt, ...]]) -> Setting[bool | None]:
        if header is None:
            return Setting(False)
        texts = [alt.literal for alt in values[id(header)]]
        at = self.where(header.value)
        if any(t is not None and t.strip().lower() == "true" for t in texts):
            return Setting(True, at)
        if any(t is None for t in texts):
            return Setting(None, at)
        return Setting(False, at)

    def _listed(
        self, header: Sent | None, values: dict[int, tuple[Alt, ...]]
    ) -> Setting[tuple[str, ...]] | None:
        text = self._literal(header, values)
        if header is None or text is None:
            return None
        return Setting(tuple(i.strip() for i in text.split(",") if i.strip()), self.where(header.value))

    def _max_age(self, header: Sent | None, values: dict[int, tuple[Alt, ...]]) -> Setting[int] | None:
        text = (self._literal(header, values) or "").strip()
        if header is None or not (text.isascii() and text.isdigit()) or len(text) > 18:
            return None
        return Setting(int(text), self.where(header.value))

    def _vary(self, vary: list[Sent], values: dict[int, tuple[Alt, ...]]) -> Setting[bool] | None:
        if not vary:
            return None
        for header in vary:
            for alt in values[id(header)]:
                text = alt.literal
                if text is None or text.strip() == "*" or "origin" in (i.lower() for i in _ITEMS.split(text)):
                    return Setting(True, self.where(header.value))
        return Setting(False, self.where(vary[-1].value))

    # --- values -----------------------------------------------------------------------------

    def _values(
        self, section: Section, word: Word, condition: acl.Condition, response: bool, depth: int = 0
    ) -> tuple[Alt, ...]:
        """A log-format value's alternatives, each under one conjunction of its rule's condition;
        ``response``: evaluated on the response, where `hdr()` is the response's header."""
        segments: list[tuple[Alt, ...]] = []
        text = word.text
        last = 0
        for found in _FORMAT.finditer(text):
            if found.start() > last:
                segments.append((Alt((Part("text", text[last : found.start()], word),)),))
            last = found.end()
            if found.group() == "%%":
                segments.append((Alt((Part("text", "%", word),)),))
            elif found.group(1) is not None:
                segments.append(self._expression(section, found.group(1), word, response, depth))
            else:
                segments.append((Alt((Part("server", found.group(), word),)),))
        if last < len(text) or not segments:
            segments.append((Alt((Part("text", text[last:], word),)),))
        if word.env:
            self.say(
                ProblemKind.NOT_ANALYSED,
                f"`{text}` holds an environment variable, set when HAProxy starts: the origins it "
                "carries were not analysed; check the value it gets",
                word,
            )
            segments = [(Alt((Part("unknown", text, word),)),)]
        result: list[Alt] = [Alt(())]
        for options in segments:
            result = [Alt(a.parts + b.parts, a.conjunction + b.conjunction) for a in result for b in options][
                : acl.MAX_TERMS
            ]
        return tuple(
            Alt(alt.parts, alt.conjunction + conjunction) for alt in result for conjunction in condition
        )[: acl.MAX_TERMS]

    def _expression(
        self, section: Section, expression: str, word: Word, response: bool, depth: int
    ) -> tuple[Alt, ...]:
        """What `%[<fetch>,<converters>]` (or a `set-var` expression) can be. `hdr()`/`fhdr()` read
        the request's headers in request rules and the response's in response rules
        (src/http_fetch.c `smp_fetch_chn_hdr`: "relies on the sample direction")."""
        fetched = acl.origin_fetch(expression)
        if fetched is None:
            return self._unknown(expression, word)
        fetch, argument, converters = fetched
        if any(c.split("(")[0].strip().lower() not in acl.TRANSPARENT for c in converters):
            return self._unknown(expression, word)
        if fetch in ("hdr", "fhdr") and response:
            return (Alt((Part("server", expression, word),)),)  # the response's own header
        if fetch in acl.ORIGIN_FETCHES or fetch in ("req.hdr", "req.fhdr"):
            if argument == "origin":
                return (Alt((Part("origin", expression, word),)),)
            if argument in _SELF:
                return (Alt((Part("self", expression, word),)),)
            return (Alt((Part("request", expression, word),)),)
        if fetch == "str":
            return (
                Alt((Part("text", expression[expression.index("(") + 1 : expression.rindex(")")], word),)),
            )
        if fetch == "var" and depth < 4:
            return self._variable(section, argument, expression, word, depth)
        if fetch == "capture.req.hdr" and argument.isdigit() and depth < 4:
            return self._capture(section, int(argument), expression, word, depth)
        if fetch in _PATH_FETCHES:
            return (Alt((Part("path", expression, word),)),)
        if fetch.startswith(_SERVER_PREFIXES):
            return (Alt((Part("server", expression, word),)),)
        if fetch.startswith(("req.", "url_param", "urlp", "cook", "query", "req_")):
            return (Alt((Part("request", expression, word),)),)
        return self._unknown(expression, word)

    def _unknown(self, expression: str, word: Word) -> tuple[Alt, ...]:
        self.say(
            ProblemKind.NOT_ANALYSED,
            f"`%[{expression}]` is a sample expression origins-lint does not analyse, so the origins "
            "it carries were not analysed: review it by hand",
            word,
        )
        return (Alt((Part("unknown", expression, word),)),)

    def _variable(
        self, section: Section, name: str, expression: str, word: Word, depth: int
    ) -> tuple[Alt, ...]:
        setters = self.variables.get(name, [])
        if not setters:
            self.say(
                ProblemKind.NOT_ANALYSED,
                f"`%[{expression}]`: no `http-request`/`http-response` `set-var({name})` in this file sets "
                "it (`tcp-request` rules, Lua, another file or "
                "the runtime API may), so the origins it carries were not analysed",
                word,
            )
            return (Alt((Part("unknown", expression, word),)),)
        out: list[Alt] = []
        for rule, value, is_format in setters:
            if is_format:
                out.extend(self._values(section, value, rule.condition, _responds(rule), depth + 1))
            else:
                for alt in self._expression(section, value.text, value, _responds(rule), depth + 1):
                    out.extend(Alt(alt.parts, alt.conjunction + c) for c in rule.condition)
        return tuple(out[: acl.MAX_TERMS])

    def _capture(
        self, section: Section, slot: int, expression: str, word: Word, depth: int
    ) -> tuple[Alt, ...]:
        entries = section.captures[slot] if slot < len(section.captures) else []
        if not entries:  # a backend reads the frontend's captures: any proxy's slot N
            entries = [e for s in self.sections for e in (s.captures[slot : slot + 1] or [[]])[0]]
        if not entries:
            self.say(
                ProblemKind.NOT_ANALYSED,
                f"`%[{expression}]`: no request capture {slot} is declared in this file, so what it "
                "carries was not analysed",
                word,
            )
            return (Alt((Part("unknown", expression, word),)),)
        out: list[Alt] = []
        for text, condition, at in entries:
            for alt in self._expression(section, text, at, False, depth + 1):
                # what the request sent is echoed where the value names the capture, as written
                # there (`capture request header Origin` holds no `%[...]` to point at)
                parts = tuple(
                    Part(p.kind, expression, word) if p.kind in ("origin", "request") else p
                    for p in alt.parts
                )
                out.extend(Alt(parts, alt.conjunction + c) for c in condition)
        return tuple(out[: acl.MAX_TERMS])

    # --- matchers ---------------------------------------------------------------------------

    def _matchers(self, alt: Alt, header: Sent) -> list[OriginMatcher]:
        if not acl.possible(alt.conjunction):
            return []
        kinds = {p.kind for p in alt.parts}
        if "unknown" in kinds:
            return []  # said where it was read
        path = next((p for p in alt.parts if p.kind == "path"), None)
        if path is not None:
            return [OriginMatcher(MatcherKind.PATH, path.text, self.where(path.word), note=header.value.text)]
        origin = next((p for p in alt.parts if p.kind == "origin"), None)
        if origin is not None:
            hidden = acl.converted(alt.conjunction)
            if hidden is not None:
                self.say(
                    ProblemKind.NOT_ANALYSED,
                    f"`{hidden.where.text}` tests the Origin through a converter origins-lint does not "
                    "model, so which origins this echo admits was not analysed",
                    hidden.where,
                )
                return []
            test = acl.guard(alt.conjunction, self._carries)
            if test is None:
                return [OriginMatcher(MatcherKind.REFLECTED, f"%[{origin.text}]", self.where(origin.word))]
            return self._tested(test)
        request = next((p for p in alt.parts if p.kind == "request"), None)
        if request is not None:
            return [
                OriginMatcher(
                    MatcherKind.REFLECTED,
                    f"%[{request.text}]",
                    self.where(request.word),
                    note=f"`{request.text}` comes from the request, so the sender chooses it",
                    echoes="text from the request (the sender chooses it)",
                )
            ]
        if kinds & {"self", "server"}:
            return []
        where = self.where(header.value)
        return literal_matchers(
            alt.literal or "", where, f"header at {where.path}:{where.line}:{where.column}"
        )

    def _carries(self, carrier: str) -> bool:
        """Whether `var(txn.x)` or `capture.req.hdr(N)` holds nothing but the request's Origin."""
        fetch, argument, _ = acl.origin_fetch(carrier) or ("", "", ())
        if fetch == "var":
            setters = self.variables.get(argument, [])
            texts = [(value.text, _responds(rule)) for rule, value, is_format in setters if not is_format]
            return bool(setters) and len(texts) == len(setters) and all(_is_origin(*t) for t in texts)
        if fetch == "capture.req.hdr" and argument.isdigit():
            slot = int(argument)
            entries = [e for s in self.sections for e in (s.captures[slot : slot + 1] or [[]])[0]]
            return bool(entries) and all(_is_origin(text) for text, _condition, _word in entries)
        return False

    def _tested(self, test: Test) -> list[OriginMatcher]:
        """The origins an ACL test admits, one matcher per pattern, with its match method."""
        patterns = [(p.text, p.icase, self.where(p.word)) for p in test.patterns]
        for file_word, icase in test.files:
            patterns.extend(self._file_patterns(file_word, icase))
        out = []
        scope = f"acl at {self.path}:{test.where.line}"
        for text, icase, where in patterns:
            matcher = _matcher(test.method, text, icase, where, scope)
            if matcher is None:
                self.problems.append(
                    InputProblem(
                        ProblemKind.NOT_ANALYSED,
                        f"`-m {test.method}` on the Origin is not a match origins-lint models, so which "
                        "origins it admits was not analysed",
                        where,
                    )
                )
                return []
            out.append(matcher)
        return out

    def _file_patterns(self, word: Word, icase: bool) -> list[tuple[str, bool, Location]]:
        name = word.text
        base = os.path.dirname(os.path.abspath(self.path))
        full = os.path.realpath(os.path.join(base, name))
        shown = os.path.normpath(os.path.join(os.path.dirname(self.path), name))
        roots = [os.path.realpath(r) for r in self.options.roots] or [os.path.realpath(base)]
        inside = within(full, roots)
        if not inside or not os.path.isfile(full):
            why = "is outside the checked folders" if not inside else "was not found"
            self.uncached = True
            self.say(
                ProblemKind.NOT_ANALYSED,
                f"`-f {name}` loads patterns from a file that {why}, so the origins they admit were "
                "not analysed: check that file too",
                word,
            )
            return []
        try:
            with open(full, encoding="utf-8", errors="replace") as handle:
                content = handle.read()
        except OSError as error:
            self.say(ProblemKind.NOT_ANALYSED, f"`-f {name}` could not be read ({error.strerror})", word)
            return []
        self.included[shown] = content  # its `#` lines carry suppressions
        out = []
        for number, line in enumerate(content.split("\n"), start=1):
            text = line.rstrip("\r").lstrip(" \t")  # pat_ref_read_from_file: leading blanks stripped
            if not text or text.startswith("#"):
                continue
            column = len(line) - len(line.lstrip(" \t")) + 1
            out.append((text, icase, Location(shown, number, column, number, column + len(text))))
        return out


def _responds(rule: Rule) -> bool:
    """Whether a rule's samples are taken on the response (`http-response`, `http-after-response`)."""
    return rule.verb != "http-request"


def _is_origin(expression: str, response: bool = False) -> bool:
    fetched = acl.origin_fetch(expression)
    return (
        fetched is not None
        and not (response and fetched[0] in ("hdr", "fhdr"))
        and fetched[0] in acl.ORIGIN_FETCHES
        and fetched[1] == "origin"
        and all(c.split("(")[0].strip().lower() in acl.TRANSPARENT for c in fetched[2])
    )


def _matcher(method: str, text: str, icase: bool, where: Location, scope: str) -> OriginMatcher | None:
    string = HAPROXY_STRING_ICASE if icase else HAPROXY_STRING
    if method == "str":
        folded = text.lower() if icase else text
        kind = MatcherKind.NULL if folded == "null" else MatcherKind.EXACT
        return OriginMatcher(kind, text, where, string, scope=scope)
    affix = {"beg": MatcherKind.PREFIX, "end": MatcherKind.SUFFIX, "sub": MatcherKind.CONTAINS}.get(method)
    if affix is not None:
        return OriginMatcher(affix, text, where, string, scope=scope)
    regex = HAPROXY_REGEX_ICASE if icase else HAPROXY_REGEX
    if method == "reg":
        return OriginMatcher(MatcherKind.REGEX, text, where, regex, scope=scope)
    if method in DELIMITERS:
        built = word_regex(text, DELIMITERS[method])
        if built is None:
            return None
        note = f"`-m {method} {text}` matches it between `{DELIMITERS[method]}` delimiters or the ends"
        return OriginMatcher(MatcherKind.REGEX, built, where, regex, scope=scope, note=note)
    return None


def word_regex(pattern: str, delimiters: str) -> str | None:
    """The search `match_word` (src/pattern.c) makes: the pattern, its leading and trailing
    delimiters stripped, preceded by a delimiter or the start and followed by one or the end."""
    core = pattern.strip(delimiters)
    if not core:
        return None
    klass = f"[{delimiters}]"  # `/ ? . :` are literal in a class: shown as HAProxy's users read them
    return f"(?:^|{klass}){re.escape(core)}(?:{klass}|$)"


__all__ = ["NAME", "detect", "parse", "wants"]
