"""Apache's scopes, merged as httpd merges them, into the CORS contexts each response carries.

The semantics, with httpd's sources, are in the package's docstring (`apache/__init__.py`); this
module is imported only when a file is parsed, not when it is sniffed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from origins_lint.formats.base import FormatOptions
from origins_lint.formats.nginx.captures import emptied, origin_captured
from origins_lint.formats.webservers.apache import _CONDITIONAL, _SCOPES, _TRANSPARENT, NAME
from origins_lint.formats.webservers.apache.entries import (
    ALLOW_ORIGIN,
    Entry,
    Setter,
    State,
    conditional,
    credentials_setting,
    echoed_lists,
    guarded_matcher,
    header_line,
    is_cors,
    listed_setting,
    literal_matchers,
    max_age_setting,
    private_network_setting,
    vary_setting,
)
from origins_lint.formats.webservers.apache.flow import (
    APACHE_ECHO,
    APACHE_ECHO_ICASE,
    APACHE_REGEX,
    APACHE_REGEX_ICASE,
    APACHE_STRING,
    APACHE_STRING_ICASE,
    APACHE_SUBSTRING,
    APACHE_SUBSTRING_ICASE,
    ORIGIN_READ,
    Condition,
    Guard,
    Piece,
    condition,
    header_value,
    is_plain,
    offset_location,
)
from origins_lint.formats.webservers.apache.lexer import Directive, Word
from origins_lint.formats.webservers.apache.tree import read_tree
from origins_lint.model import (
    CorsContext,
    Document,
    Engine,
    InputProblem,
    Location,
    MatcherKind,
    OriginMatcher,
    ParsedFile,
    ProblemKind,
)
from origins_lint.records import replace
from origins_lint.source import Source

_ACTIONS: Final = frozenset(
    {"set", "setifempty", "add", "append", "merge", "unset", "echo", "edit", "edit*", "note"}
)
_CAPTURE = re.compile(r"^[$%]\d$")
_REFERENCES = re.compile(r"(?:\$\d)+")


def _captured(value: str, capture: tuple[str, Engine, Location]) -> tuple[str, Engine, Location] | None:
    """What a value made of `$0`..`$9` alone admits (mod_setenvif substitutes them with
    `ap_pregsub`, modules/metadata/mod_setenvif.c): the browser accepts it only when it is the whole
    Origin. `$0` followed by groups (`$0$1`): the matches that are the whole Origin with those
    groups empty (`http(s)?://...` and `$0$1`: exactly the `http://` ones); one group alone
    (`$2`): what that group matches, whole (a superset: the rest of the regex must match too).
    None for any other value."""
    if not _REFERENCES.fullmatch(value):
        return None
    regex, engine, where = capture  # `engine`: the regex matched whole, as the browser compares
    numbers = [value[i + 1] for i in range(0, len(value), 2)]
    if numbers[0] == "0":
        if "0" in numbers[1:]:
            return None  # `$0$0` is never the Origin again: said as not analysed
        pattern = emptied(regex, set(numbers[1:])) if len(numbers) > 1 else regex
        return (pattern, engine, where) if pattern is not None else None
    if len(numbers) == 1:
        sent = origin_captured([("capture", value)], regex, not engine.case_sensitive)
        return (sent[0], engine, where) if sent is not None else None
    return None


_DEFINED = re.compile(r"\$\{([A-Za-z0-9_.:-]+)\}")


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    tree = read_tree(source, options.roots)
    result = ParsedFile(
        source.path, NAME, problems=list(tree.problems), included=tree.included, uncached=tree.uncached
    )
    if tree.failed:
        return result
    builder = _Builder(_defines(tree.directives))
    builder.scope(tree.directives, State(), top=True)
    refused = [p for p in builder.problems if p.kind is ProblemKind.SCHEMA]
    if refused:
        reason = f"httpd refuses this configuration and does not start: {refused[0].message}"
        for context in builder.contexts:
            context.rejected = reason
    result.problems.extend(builder.problems)
    result.documents.append(
        Document(
            source.path,
            NAME,
            Location.point(source.path, 1, 1),
            contexts=builder.contexts,
            paths=tuple(builder.paths),
        )
    )
    return result


# --- what a scope holds ------------------------------------------------------------------------


def _flatten(block: list[Directive]) -> Iterator[Directive]:
    """A scope's own directives: `<IfModule>` and the like are read as if their test held."""
    for directive in block:
        if directive.block is not None and directive.key in _TRANSPARENT:
            yield from _flatten(directive.block)
        else:
            yield directive


def _defines(block: list[Directive]) -> dict[str, str]:
    """`Define NAME value` anywhere in the files (core.c `set_define`, run while httpd reads)."""
    out: dict[str, str] = {}
    for directive in block:
        if directive.block is not None:
            out.update(_defines(directive.block))
        elif directive.key == "define" and directive.args:
            out[directive.args[0].text] = directive.arg(1)
    return out


class _Builder:
    def __init__(self, defines: dict[str, str]) -> None:
        self.defines = defines
        self.contexts: list[CorsContext] = []
        self.problems: list[InputProblem] = []
        self.said: set[tuple[Location, str]] = set()
        self.paths: dict[str, None] = {}  # every `<Location>` prefix, in file order

    def scope(self, block: list[Directive], parent: State, top: bool = False) -> None:
        own = list(_flatten(block))
        state, relevant = self._own(own, parent)
        if relevant or top:
            self._serve(state)
        previous: list[Condition] = []
        # the main server's `<Directory>`, `<Location>`... apply inside each virtual host too, on
        # top of its entries (core's per-dir walk merges the main server's sections into every host)
        shared = [d for d in own if top and d.block is not None and d.key in _SCOPES - {"virtualhost"}]
        for directive in own:
            if directive.block is None:
                continue
            if directive.key == "virtualhost":
                self.scope(directive.block + shared, state)
            elif directive.key == "location" and directive.arg(0).startswith("/"):
                self.paths.setdefault(directive.arg(0), None)
                self.scope(directive.block, replace(state, paths=(directive.arg(0),)))
            elif directive.key in _SCOPES:
                self.scope(directive.block, state)
            elif directive.key in _CONDITIONAL:
                if directive.key == "if":
                    previous = []
                if directive.key == "else":
                    found = Condition(reads_origin=any(c.reads_origin for c in previous))
                else:
                    expression = directive.args[0] if directive.args else Word("", directive.location)
                    found = condition(expression)
                    if found.refused is not None:
                        self._refused(expression.location, found.refused)
                    elif not found.analysed:
                        self._problem(
                            expression.location,
                            f"the condition `{expression.text}` reads the Origin in a way origins-lint does "
                            "not analyse (`||`, a negation, or another operator): review which origins "
                            "reach the headers inside by hand",
                        )
                if directive.key != "if":  # taken only when the earlier tests failed: they check nothing
                    earlier = any(c.reads_origin for c in previous)  # that narrows, their own test may
                    found = Condition(found.guards, found.reads_origin or earlier, found.analysed)
                previous.append(found)
                guards = found.guards or state.condition.guards  # the innermost check narrows most
                inner = replace(
                    state,
                    condition=Condition(
                        guards, state.condition.reads_origin or found.reads_origin, found.analysed
                    ),
                )
                self.scope(directive.block, inner)

    def _own(self, own: list[Directive], parent: State) -> tuple[State, bool]:
        entries = list(parent.entries)
        setters = list(parent.setters)
        rewrite = parent.rewrite or any(d.key == "rewriteengine" and d.arg(0).lower() == "on" for d in own)
        conditions: list[Directive] = []
        relevant = False
        for directive in own:
            key = directive.key
            if key == "header":
                entry = self._entry(directive, parent.condition)
                if entry is not None:
                    entries.append(entry)
                    relevant = True
            elif key in ("setenvif", "setenvifnocase"):
                setters.extend(self._setenvif(directive, key.endswith("nocase")))
                relevant = True
            elif key == "setenvifexpr":
                setters.extend(self._setenvifexpr(directive))
                relevant = True
            elif key in ("setenv", "unsetenv"):
                setters.extend(self._setenv(directive))
                relevant = True
            elif key == "rewritecond":
                conditions.append(directive)
            elif key == "rewriterule":
                if rewrite:
                    setters.extend(self._rewrite(directive, conditions))
                    relevant = True
                conditions = []
        return replace(parent, entries=tuple(entries), setters=tuple(setters), rewrite=rewrite), relevant

    # --- directives -----------------------------------------------------------------------------

    def _entry(self, directive: Directive, around: Condition) -> Entry | None:
        args = list(directive.args)
        table = "onsuccess"
        if args and args[0].text.lower() in ("always", "onsuccess"):
            table = args.pop(0).text.lower()
        if len(args) < 2 or args[0].text.lower() not in _ACTIONS:
            return None  # httpd refuses it (or it is `Header` of another module): no header
        action = args[0].text.lower()
        name = args[1].text.split(":", 1)[0]
        rest = args[2:]
        takes = {"unset": 0, "echo": 0, "edit": 2, "edit*": 2}.get(action, 1)
        value = rest[0] if takes == 1 and rest else None
        clause = rest[takes] if len(rest) > takes else None
        env: tuple[str, bool] | None = None
        found = around
        reads = around.reads_origin
        if clause is not None:
            text = clause.text
            if text.lower().startswith("env="):
                negated = text[4:5] == "!"
                env = (text[5:] if negated else text[4:]).lower(), not negated
            elif text.lower() == "early":
                pass  # run before the request is read: the same headers, sooner
            elif not text.lower().startswith("expr="):
                self._refused(clause.location, _unknown_clause(text))
                return None
            else:
                own = condition(clause, 5)
                if own.refused is not None:
                    self._refused(clause.location, own.refused)
                elif not own.analysed:
                    self._problem(
                        clause.location,
                        f"`{text}` reads the Origin in a way origins-lint does not analyse: review which "
                        "origins get this header by hand",
                    )
                found = Condition(own.guards or around.guards, reads or own.reads_origin, own.analysed)
                reads = found.reads_origin
        if len(rest) > takes + 1:
            self._refused(
                rest[takes + 1].location,
                f"`Header` has too many arguments from `{rest[takes + 1].text}` on (httpd says `Header has "
                "too many arguments` and does not start)"
                + (": a `#` inside a line is no comment in Apache" if "#" in rest[takes + 1].text else ""),
            )
            return None
        if action not in ("unset", "echo", "note") and value is None and is_cors(name.lower()):
            self._refused(
                directive.location,
                f"`Header {action} {name}` has no value (httpd says `Header requires three arguments`)",
            )
            return None
        return Entry(directive, table, action, name, value, env, found, reads)

    def _setenvif(self, directive: Directive, icase: bool) -> list[Setter]:
        if len(directive.args) < 3:
            return []
        attribute, pattern = directive.args[0], directive.args[1]
        origin = attribute.text.lower() == "origin"
        request = not origin and attribute.text.lower() not in ("remote_addr", "server_addr")
        plain = is_plain(pattern.text)
        at = offset_location(pattern, 0, len(pattern.text))
        guard: Guard | None = None
        capture: tuple[str, Engine, Location] | None = None
        if plain is not None:
            engine = APACHE_SUBSTRING_ICASE if icase else APACHE_SUBSTRING
            guard = Guard("contains", plain, at, engine) if origin else None
        else:
            guard = (
                Guard("regex", pattern.text, at, APACHE_REGEX_ICASE if icase else APACHE_REGEX)
                if origin
                else None
            )
            if origin:
                capture = (pattern.text, APACHE_ECHO_ICASE if icase else APACHE_ECHO, at)
        out = []
        for feature in directive.args[2:]:
            out.append(
                _feature(feature, guard, capture if plain is None else None, request and plain is None)
            )
        return out

    def _setenvifexpr(self, directive: Directive) -> list[Setter]:
        if len(directive.args) < 2:
            return []
        found = condition(directive.args[0])
        if not found.analysed:
            return [
                Setter(
                    f.text.split("=", 1)[0].lstrip("!").lower(),
                    "",
                    f.location,
                    unknown="its `SetEnvIfExpr` condition is not analysed",
                )
                for f in directive.args[1:]
            ]
        guard = found.guards[0] if len(found.guards) == 1 else None
        capture = (
            (guard.operand, _echo(guard.engine), guard.location)
            if guard is not None and guard.kind == "regex"
            else None
        )
        return [_feature(f, guard, capture, False) for f in directive.args[1:]]

    def _setenv(self, directive: Directive) -> list[Setter]:
        if not directive.args:
            return []
        name = directive.args[0].text.lower()
        if directive.key == "unsetenv":
            return [Setter(a.text.lower(), None, a.location) for a in directive.args]
        value = directive.args[1] if len(directive.args) > 1 else None
        return [Setter(name, value.text if value else "", value.location if value else directive.location)]

    def _rewrite(self, rule: Directive, conditions: list[Directive]) -> list[Setter]:
        flags = (
            rule.args[2].text
            if len(rule.args) > 2
            else (rule.args[1].text if len(rule.args) == 2 and rule.args[1].text.startswith("[") else "")
        )
        if not flags.startswith("["):
            return []
        guard: Guard | None = None
        capture: tuple[str, Engine, Location] | None = None
        unknown: str | None = None
        request = False
        for cond in conditions:
            if len(cond.args) < 2:
                continue
            tested, pattern = cond.args[0], cond.args[1]
            cflags = cond.args[2].text.lower() if len(cond.args) > 2 else ""
            reads = ORIGIN_READ.search(tested.text) is not None
            if "or" in re.split(r"[\[\],\s]+", cflags):
                unknown = "its `RewriteCond` chain has `[OR]`"
            if not reads:
                request = request or "%{http" in tested.text.lower()
                continue
            icase = "nc" in re.split(r"[\[\],\s]+", cflags) or "nocase" in cflags
            at = offset_location(pattern, 0, len(pattern.text))
            text = pattern.text
            if text.startswith("!"):
                continue  # passes every Origin but those: no check that narrows
            if text.startswith("="):  # a string compare, `[NC]` folding case
                where = offset_location(pattern, 1, len(text) - 1)
                guard = Guard("exact", text[1:], where, APACHE_STRING_ICASE if icase else APACHE_STRING)
                capture = None
                continue
            if text.startswith(("-", "<", ">")):
                unknown = f"its `RewriteCond` test `{text}` is not analysed"
                continue
            guard = Guard("regex", text, at, APACHE_REGEX_ICASE if icase else APACHE_REGEX)
            capture = (text, APACHE_ECHO_ICASE if icase else APACHE_ECHO, at)
        out = []
        for written in flags.strip("[]").split(","):
            head, _, body = written.strip().partition("=")
            if head.lower() not in ("e", "env") or not body:
                continue
            name, _, value = body.partition(":")
            where = offset_location(rule.args[-1], rule.args[-1].text.find(body), len(body))
            if name.startswith("!"):
                out.append(Setter(name[1:].lower(), None, where))
                continue
            if unknown is not None:
                out.append(Setter(name.lower(), value, where, unknown=unknown))
                continue
            if ORIGIN_READ.fullmatch(value.strip()):  # mod_rewrite expands `%{HTTP:Origin}` itself
                out.append(Setter(name.lower(), value, where, guard, origin=True))
                continue
            echoed = capture if _CAPTURE.match(value) and value.startswith("%") else None
            from_url = value.startswith("$") or ("$" in value)
            out.append(
                Setter(
                    name.lower(), value, where, guard, echoed, request=from_url or (request and "%" in value)
                )
            )
        return out

    # --- responses ------------------------------------------------------------------------------

    def _serve(self, state: State) -> None:
        lines: dict[str, list[Entry]] = {"always": [], "onsuccess": []}
        every: list[Entry] = []  # what can be the value of a header, alternatives included
        for entry in state.entries:
            table = lines[entry.table]
            gated = conditional(entry)
            if entry.action in ("set", "setifempty"):
                if entry.action == "set":
                    table[:] = [e for e in table if e.key != entry.key]
                table.append(entry)
                every.append(entry)
            elif entry.action in ("add", "append", "merge"):
                table.append(entry)
                every.append(entry)
            elif entry.action == "unset" and not gated:
                table[:] = [e for e in table if e.key != entry.key]
                every = [e for e in every if e.key != entry.key or e.table != entry.table]
            elif entry.action in ("edit", "edit*") and entry.key == ALLOW_ORIGIN:
                self._problem(
                    entry.directive.location,
                    f"`Header {entry.action} {entry.name}` rewrites the header with a regex; what it then "
                    "holds is not analysed: review it by hand",
                )
        final = lines["always"] + lines["onsuccess"]
        sent = [e for e in final if is_cors(e.key)]
        if not sent:
            return
        others = [e for e in sent if e.key != ALLOW_ORIGIN]
        origin = [e for e in sent if e.key == ALLOW_ORIGIN]
        replaced = [e for e in every if e.key == ALLOW_ORIGIN and e not in origin]
        # allow-origin entries that run on every response of the scope go out together; each one
        # that runs only under a condition goes out with them when it holds, and not otherwise
        always_sent = [e for e in origin if not conditional(e)]
        groups = [[*always_sent, e] for e in origin if conditional(e)]
        if always_sent or replaced or not groups:
            groups.append(always_sent)
        vary = [e for e in final if e.key == "vary"]
        for group in groups:
            extra = replaced if group is groups[-1] else []
            self._context(state, others + group, group + extra, vary)

    def _context(self, state: State, sent: list[Entry], values: list[Entry], vary: list[Entry]) -> None:
        """One response: the CORS headers ``sent`` together, and the matchers of ``values``."""
        if not sent and not values:
            return
        matchers: dict[tuple[object, ...], OriginMatcher] = {}
        for entry in values:
            for matcher in self._matchers(entry, state):
                matchers.setdefault((matcher.kind, matcher.raw, matcher.location, matcher.engine), matcher)
        origin_lines = [e for e in sent if e.key == ALLOW_ORIGIN]
        reads = any(e.condition.reads_origin for e in origin_lines)
        context = CorsContext(
            matchers=list(matchers.values()),
            location=(sent or values)[0].directive.location,
            credentials=credentials_setting(sent),
            allow_methods=listed_setting(sent, "access-control-allow-methods"),
            allow_headers=listed_setting(sent, "access-control-allow-headers"),
            expose_headers=listed_setting(sent, "access-control-expose-headers"),
            max_age=max_age_setting(sent),
            vary_origin=vary_setting(vary, reads, origin_lines),
            private_network=private_network_setting(sent),
            headers=tuple(header_line(e, state.setters) for e in sent),
            echoed=echoed_lists(sent),
            paths=state.paths,
        )
        self.contexts.append(context)

    def _matchers(self, entry: Entry, state: State) -> list[OriginMatcher]:
        if entry.value is None:
            return []
        written = entry.value
        if "${" in written.text:  # ap_resolve_env: a `Define`, else the environment httpd starts with
            text = _DEFINED.sub(lambda m: self.defines.get(m.group(1), m.group()), written.text)
            unresolved = _DEFINED.search(text)
            if unresolved is not None:
                self._problem(
                    written.location,
                    f"`{unresolved.group()}` is not `Define`d in these files, so httpd takes it from the "
                    "environment it starts with: the origins it carries were not analysed; check that "
                    "value by hand, or `Define` it here",
                )
                return []
            written = replace(written, text=text)
        value = header_value(written)
        if value.error is not None:
            self._refused(entry.value.location, value.error)
            return []
        pieces = value.pieces
        if not pieces:
            return []
        if all(p.kind in ("text", "server") for p in pieces):
            if any(p.kind == "server" for p in pieces):
                return []  # a time or a load figure: never an origin
            text = "".join(p.text for p in pieces)
            return literal_matchers(text, pieces[0].location, entry.value.location)
        if len(pieces) > 1:
            if any(p.kind in ("origin", "env", "unknown") for p in pieces):
                self._problem(
                    entry.value.location,
                    f"`{entry.value.text}` is built from several parts, one of them from the request or "
                    "the environment; what it sends was not analysed: review it by hand",
                )
            return []
        piece = pieces[0]
        if piece.kind == "unknown":
            self._problem(
                piece.location,
                f"`{piece.text}` is an ap_expr origins-lint does not analyse: review which origins it "
                "sends by hand",
            )
            return []
        if piece.kind == "origin":
            return self._echo(entry, state, piece)
        return self._variable(entry, state, piece)

    def _echo(self, entry: Entry, state: State, piece: Piece) -> list[OriginMatcher]:
        """The request's Origin sent back: admitted as far as the checks around it let it through."""
        guards = list(entry.condition.guards)
        if not guards and entry.env is not None and entry.env[1]:
            setters = [s for s in state.setters if s.name == entry.env[0] and s.value is not None]
            if setters and all(s.guard is not None for s in setters):
                guards = [s.guard for s in setters if s.guard is not None]
        if not entry.condition.analysed:
            return []  # said where the condition is
        if guards:
            return [guarded_matcher(guard) for guard in guards]
        return [OriginMatcher(MatcherKind.REFLECTED, piece.text, piece.location)]

    def _variable(self, entry: Entry, state: State, piece: Piece) -> list[OriginMatcher]:
        """`%{NAME}e`: what each setter of the variable puts in it."""
        name = piece.text.lower()
        setters = [s for s in state.setters if s.name == name and s.value is not None]
        if not setters:
            if name == "http_origin":
                note = (
                    "`%{HTTP_ORIGIN}e` is the Origin request header wherever a CGI, FastCGI or PHP "
                    "handler has put the request headers in the environment (ap_add_common_vars)"
                )
                return [OriginMatcher(MatcherKind.REFLECTED, piece.text, piece.location, note=note)]
            self._problem(
                piece.location,
                f"`%{{{piece.text}}}e` is not set by `SetEnvIf`, `SetEnv` or `RewriteRule [E=]` in this file "
                "or the files it includes, so the origins it carries were not analysed: set it here, or "
                "check the file that does",
            )
            return []
        out: list[OriginMatcher] = []
        for setter in setters:
            value = setter.value or ""
            if setter.unknown is not None:
                self._problem(
                    setter.location, f"`{piece.text}` is set here, but {setter.unknown}: review it by hand"
                )
            elif setter.origin:
                guarded = [guarded_matcher(setter.guard)] if setter.guard is not None else []
                out.extend(guarded or [OriginMatcher(MatcherKind.REFLECTED, value, setter.location)])
            elif setter.capture is not None and (sent := _captured(value, setter.capture)) is not None:
                regex, engine, where = sent
                note = (
                    f"sent back as `{value}` (line {setter.location.line}): admitted when it is the whole "
                    "Origin"
                )
                out.append(OriginMatcher(MatcherKind.REGEX, regex, where, engine, note=note))
            elif setter.capture is not None and _CAPTURE.match(value):
                regex, engine, where = setter.capture
                note = (
                    f"sent back as `{value}` (line {setter.location.line}): admitted when the match is "
                    "the whole Origin"
                )
                out.append(OriginMatcher(MatcherKind.REGEX, regex, where, engine, note=note))
            elif setter.request and ("$" in value or "%" in value):
                echoes = "text from the request (the sender chooses it)"
                line = setter.location.line
                note = f"`%{{{piece.text}}}e` holds text taken from the request (line {line})"
                out.append(
                    OriginMatcher(MatcherKind.REFLECTED, value, setter.location, note=note, echoes=echoes)
                )
            elif "$" in value and setter.capture is not None:
                self._problem(
                    setter.location,
                    f"`{value}` puts part of a match of the Origin into `{piece.text}`; what it sends was "
                    "not analysed: send `$0` of an anchored regex, or review it by hand",
                )
            else:
                out.extend(literal_matchers(value, setter.location, setter.location))
        return out

    def _problem(self, location: Location, message: str) -> None:
        if (location, message) not in self.said:
            self.said.add((location, message))
            self.problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, location))

    def _refused(self, location: Location, message: str) -> None:
        if (location, message) not in self.said:
            self.said.add((location, message))
            self.problems.append(InputProblem(ProblemKind.SCHEMA, message, location))


def _unknown_clause(text: str) -> str:
    if text.startswith("#"):
        return (
            f"`{text}` is read as an argument, not a comment: Apache comments start a line, so httpd says "
            f"`Unknown parameter: {text}` and does not start; put the comment on a line of its own"
        )
    return (
        f"`{text}` is not `env=`, `expr=` or `early` (httpd says `Unknown parameter: {text}` and does "
        "not start)"
    )


def _feature(
    word: Word, guard: Guard | None, capture: tuple[str, Engine, Location] | None, request: bool
) -> Setter:
    text = word.text
    if text.startswith("!"):
        return Setter(text[1:].lower(), None, word.location)
    name, equals, value = text.partition("=")
    where = offset_location(word, len(name) + 1, len(value)) if equals else word.location
    return Setter(name.lower(), value if equals else "1", where, guard, capture, request)


def _echo(engine: Engine) -> Engine:
    return APACHE_ECHO_ICASE if not engine.case_sensitive else APACHE_ECHO


__all__ = ["parse"]
