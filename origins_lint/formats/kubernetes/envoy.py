"""Envoy CORS policies (route and virtual host `cors`, the v3 CORS filter's `CorsPolicy`).

A policy is any mapping with `allow_origin_string_match` (or its JSON spelling
`allowOriginStringMatch`), wherever it sits: a static bootstrap, an RDS
response, `typed_per_filter_config`, an Istio `EnvoyFilter` patch. Envoy's
semantics become model data: a regex is an RE2 full match, and a matcher that
matches the literal `*` admits every origin, which Envoy then echoes back.
Istio's `corsPolicy` compiles to the same matchers, so it shares them. CORS headers a
config adds itself (`response_headers_to_add`, the header_mutation filter's `response_mutations`)
are read by ``envoy_headers``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from origins_lint.formats.base import FormatOptions
from origins_lint.formats.readers import manifests
from origins_lint.formats.readers.re2_syntax import program_size_floor, refusal
from origins_lint.formats.readers.tree import Node
from origins_lint.matchers import analyse_regex
from origins_lint.model import (
    ENVOY_RE2,
    EXACT_ENGINE,
    CorsContext,
    Document,
    Engine,
    InputProblem,
    Location,
    MatcherKind,
    MatchMode,
    OriginMatcher,
    ParsedFile,
    ProblemKind,
    Setting,
    Status,
)
from origins_lint.origins import is_null
from origins_lint.source import Source
from origins_lint.template_origin import decides_exact

NAME = "envoy"
_MARKS = ("allow_origin_string_match", "allowOriginStringMatch")
# a typed policy with no origin list admits no origin (cors_filter_test OptionsRequestEmptyOriginList)
POLICY_TYPE = "envoy.extensions.filters.http.cors.v3.CorsPolicy"
EXTENSIONS = (*manifests.READ_AS_YAML, ".json")
_AFFIXES = {"prefix": MatcherKind.PREFIX, "suffix": MatcherKind.SUFFIX, "contains": MatcherKind.CONTAINS}
_AFFIX_TESTS = {  # what Envoy runs: (value, matcher text) -> match
    "prefix": str.startswith,
    "suffix": str.endswith,
    "contains": str.__contains__,
}
ECHO_NOTE = "it matches the literal `*`, so Envoy admits every origin and echoes it back"


def wants(path: str) -> bool:
    return path.endswith(EXTENSIONS)


def detect(path: str, text: str) -> bool:
    return wants(path) and (
        any(mark in text for mark in (*_MARKS, POLICY_TYPE))
        or adds_cors_headers(text)
        or runs_cors_code(text)
    )


# where Envoy's Lua filter (and a Wasm VM) takes its code inline (lua.proto `inline_code`,
# `default_source_code`/`source_codes` as DataSource `inline_string`)
CODE_KEYS: Final = ("inline_code", "inlineCode", "inline_string", "inlineString")


def runs_cors_code(text: str) -> bool:
    """Inline filter code that names a CORS response header (a Lua `envoy_on_response` adding
    `access-control-allow-origin`, or `respond` with it): Envoy runs it, origins-lint does not."""
    return any(key in text for key in CODE_KEYS) and "access-control-" in text.lower()


def _code_problems(root: Node, problems: list[InputProblem]) -> None:
    """Inline code that writes CORS headers, said where it is written (OL004): what it admits is
    the code's to decide (lua_filter.cc `luaRespond`, wrappers.cc `luaAdd`/`luaReplace` set any
    header), so `match` answers unknown rather than "not trusted"."""
    for _path, mapping in manifests.mappings(root):
        for key in CODE_KEYS:
            node = mapping.value.get(key)
            if node is None or not isinstance(node.value, str) or "access-control-" not in node.value.lower():
                continue
            message = (
                "this filter code (Envoy's Lua filter, or a Wasm VM) writes `Access-Control-*` response "
                "headers, and origins-lint does not run it: which origins it admits, and whether with "
                "credentials, was not analysed; review the code by hand, or send CORS from the `cors` "
                "filter, which is checked"
            )
            problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, node.location))


HEADER_MARKS = ("response_headers_to_add", "responseHeadersToAdd", "response_mutations", "responseMutations")


def adds_cors_headers(text: str) -> bool:
    """A config that adds `Access-Control-*` response headers itself (`envoy_headers`)."""
    return any(mark in text for mark in HEADER_MARKS) and "access-control-" in text.lower()


@dataclass(slots=True)
class Matched:
    """A string matcher read from a config, or why it could not be."""

    matcher: OriginMatcher | None
    problem: InputProblem | None = None
    refused: bool = False  # the engine refuses the whole configuration because of this entry


ISTIO_MAX_REGEX = 1024
REFUSERS = {  # who refuses a regex that does not compile, and with which compiler
    NAME: ("Envoy rejects this configuration", "RE2"),
    "istio": ("Istio rejects this VirtualService", "Go's regexp (Istio's validation)"),
    "traefik": ("Traefik rejects this middleware", "Go's regexp"),
}


def refused_regex(raw: str, location: Location, engine: str) -> InputProblem | None:
    """A schema problem when the engine cannot compile the regex: it then refuses the configuration."""
    reason = refusal(raw)
    if engine == "istio" and len(raw) > ISTIO_MAX_REGEX:  # validateStringRegexp, pkg/config/validation
        reason = f"it is longer than {ISTIO_MAX_REGEX:,} characters, Istio's limit"
    if reason is None:
        return None
    who, compiler = REFUSERS[engine]
    message = (
        f"{who}: {compiler} cannot compile the regex `{raw}`: {reason}; rewrite it with plain "
        "groups, classes and anchors"
    )
    return InputProblem(ProblemKind.SCHEMA, message, location)


ProgramLimit = tuple[int, str]  # Envoy's largest RE2 program for a regex, and what sets it
RUNTIME_KEY = "re2.max_program_size.error_level"
DEFAULT_LIMIT: ProgramLimit = (100, f"Envoy's default `{RUNTIME_KEY}`")
ISTIO_LIMIT: ProgramLimit = (32768, f"`{RUNTIME_KEY}` as Istio's proxies set it")


def too_large(value: Node, limit: ProgramLimit | None) -> InputProblem | None:
    """Envoy refuses a regex whose RE2 program is over the limit (CompiledGoogleReMatcher in
    source/common/common/regex.cc); said only when even the floor of its size is over it."""
    floor = program_size_floor(value.value) if limit is not None and isinstance(value.value, str) else None
    if limit is None or floor is None or floor <= limit[0]:
        return None
    message = (
        f"{REFUSERS[NAME][0]}: the RE2 program of `{value.value}` has at least {floor:,} instructions, "
        f'more than {limit[0]:,} ({limit[1]}), so Envoy refuses it ("RE2 program size ... > max '
        'program size", CompiledGoogleReMatcher); shorten the regex, split it into several '
        f"matchers, or raise `{RUNTIME_KEY}` in the runtime"
    )
    return InputProblem(ProblemKind.SCHEMA, message, value.location)


def _own_limit(safe_regex: Node) -> ProgramLimit | None:
    """A `safe_regex`'s deprecated `google_re2.max_program_size`: when set, Envoy checks that alone."""
    engine = manifests.get(safe_regex, "google_re2", "googleRe2")
    found = manifests.get(engine[1], "max_program_size", "maxProgramSize") if engine is not None else None
    if found is None:
        return None
    raw = found[1].value
    if isinstance(raw, dict):  # a UInt32Value written as `{value: N}`
        inner = raw.get("value")
        raw = inner.value if inner is not None else None
    number = int(raw) if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()) else None
    return (number, "this matcher's `google_re2.max_program_size`") if number is not None else None


def runtime_limit(root: Node) -> ProgramLimit:
    """The limit a document's own runtime sets (`layered_runtime` static layer, flat or nested
    keys), Istio's for an EnvoyFilter, else Envoy's default."""
    if manifests.kind_of(root) == "EnvoyFilter":
        return ISTIO_LIMIT
    for path, mapping in manifests.mappings(root):
        values = mapping.value if isinstance(mapping.value, dict) else {}
        found = values.get(RUNTIME_KEY)
        if found is None and path[-2:] == ("re2", "max_program_size"):
            found = values.get("error_level")
        raw = found.value if found is not None else None
        if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()):
            return (int(raw), f"`{RUNTIME_KEY}` in this file's runtime")
    return DEFAULT_LIMIT


# StringMatcher fields whose value must hold at least one character (`min_len: 1`)
_NOT_EMPTY = ("prefix", "suffix", "contains")


def string_matcher(
    node: Node, scope: str, kinds: tuple[str, ...], engine: str = NAME, limit: ProgramLimit | None = None
) -> Matched:
    """An Envoy `StringMatcher` or Istio `StringMatch` (`{exact|prefix|...: value}`) as a matcher.

    ``limit``: the RE2 program size over which Envoy refuses a `safe_regex`, and where it is set.
    """
    values = node.value if isinstance(node.value, dict) else {}
    found = [(key, value) for key, value in values.items() if key in kinds]
    if len(found) != 1:
        allowed = ", ".join(f"`{kind}`" for kind in kinds)
        what = "several of" if found else "none of"
        message = f"an origin matcher must have exactly one of {allowed}; this one has {what} them"
        return Matched(None, InputProblem(ProblemKind.SCHEMA, message, node.location))
    key, value = found[0]
    if key in ("safe_regex", "safeRegex"):
        inner = manifests.get(value, "regex")
        if inner is None:
            return Matched(
                None, InputProblem(ProblemKind.SCHEMA, "`safe_regex` has no `regex`", value.location)
            )
        limit = _own_limit(value) or limit
        value = inner[1]
        key = "regex"
    if not isinstance(value.value, str):
        message = f"`{key}` must be a string, not {value.plain()!r}"
        return Matched(None, InputProblem(ProblemKind.SCHEMA, message, value.location))
    if manifests.template_expression(value.value) is not None:
        said = InputProblem(
            ProblemKind.NOT_ANALYSED, manifests.placeholder_origin(value.value, False), value.location
        )
        if key != "exact":  # a templated prefix or regex is not read: said, and no entry
            return Matched(None, said)
        # an exact entry keeps its text: the rules report what its fixed text decides (OL101, OL201),
        # `match` reads that text too; the rest is said not analysed
        return Matched(
            origin_matcher(key, value.value, value.location, scope, _ignore_case(node)),
            None if decides_exact(value.value) else said,
        )
    if engine == "istio" and not value.value:  # pkg/config/validation validateAllowOrigins
        message = (
            f"{REFUSERS['istio'][0]}: an empty `{key}` is not a valid CORS origin match "
            '(validateAllowOrigins, TestValidateCORSPolicy "empty matchType AllowOrigins"); remove it '
            "or write the origin"
        )
        return Matched(None, InputProblem(ProblemKind.SCHEMA, message, value.location), refused=True)
    if engine == NAME and not value.value and key in _NOT_EMPTY:
        message = (  # api/envoy/type/matcher/v3/string.proto: `(validate.rules).string = {min_len: 1}`
            f'{REFUSERS[NAME][0]}: an empty `{key}` matcher is invalid ("Empty {key} match is not '
            'allowed, please use ``safe_regex`` instead", StringMatcher in '
            "api/envoy/type/matcher/v3/string.proto); write the origin, or a `safe_regex`"
        )
        return Matched(None, InputProblem(ProblemKind.SCHEMA, message, value.location), refused=True)
    if key == "regex":
        problem = refused_regex(value.value, value.location, engine) or too_large(value, limit)
        if problem is not None:
            return Matched(None, problem, refused=True)
    ignore = manifests.get(node, "ignore_case")
    icase = _ignore_case(node)
    if ignore is not None and icase and key == "regex" and engine == NAME:
        message = (  # StringMatcherImpl in source/common/common/matchers.h
            f'{REFUSERS[NAME][0]}: Envoy refuses `ignore_case` on a `safe_regex` matcher ("ignore_case '
            'has no effect for safe_regex", matchers_test SafeRegexValueIgnoreCase); drop `ignore_case` '
            "and put `(?i)` in the regex"
        )
        return Matched(None, InputProblem(ProblemKind.SCHEMA, message, ignore[1].location), refused=True)
    return Matched(origin_matcher(key, value.value, value.location, scope, icase))


def _ignore_case(node: Node) -> bool:
    ignore = manifests.get(node, "ignore_case")
    return ignore is not None and manifests.boolean(ignore[1]) is True


def origin_matcher(key: str, raw: str, location: Location, scope: str, icase: bool = False) -> OriginMatcher:
    """What an exact, prefix, suffix, contains or regex matcher admits, with Envoy's `*` rule."""
    engine = Engine("envoy", MatchMode.FULL, case_sensitive=not icase)
    if key == "regex":
        engine = ENVOY_RE2
        kind = MatcherKind.REGEX
        echoes = analyse_regex(raw, ENVOY_RE2).accepts("*")
    elif key in _AFFIXES:
        kind = _AFFIXES[key]
        echoes = _AFFIX_TESTS[key]("*", raw)
    else:
        engine = EXACT_ENGINE if not icase else engine
        kind = MatcherKind.NULL if is_null(raw) else MatcherKind.EXACT
        echoes = raw == "*"
    if echoes:
        return OriginMatcher(MatcherKind.REFLECTED, raw, location, engine, note=ECHO_NOTE, scope=scope)
    return OriginMatcher(kind, raw, location, engine, scope=scope)


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    loaded = manifests.load(source)
    result = ParsedFile(source.path, NAME, problems=list(loaded.problems))
    # the file's text asked once, not for each of its documents (each test lower-cases it)
    headers, code = adds_cors_headers(source.text), runs_cors_code(source.text)
    for root in loaded.documents:
        document = Document(source.path, NAME, root.location)
        found: list[tuple[tuple[str, ...], Node, Node]] = []
        for path, mapping in manifests.mappings(root):
            listed = manifests.get(mapping, *_MARKS)
            typed = manifests.get(mapping, "@type")
            if listed is None and typed is not None and str(typed[1].value).endswith(POLICY_TYPE):
                listed = (typed[0], Node([], typed[1].location))  # no origin list: every origin refused
            if listed is not None:
                found.append((path, mapping, listed[1]))
        levels = {path: _level(path) for path, _mapping, _origins in found}
        hosts = {
            level[:2]: mapping for path, mapping, _o in found if (level := levels[path]) and level[2] is None
        }
        overridden = _overridden(root, found, levels)
        limit = runtime_limit(root) if found else DEFAULT_LIMIT
        ignored = _ignored_legacy(root, found, levels)
        for path, mapping, origins in found:
            if not _enabled(mapping):
                continue
            level = levels[path]
            parent = hosts.get(level[:2]) if level is not None and level[2] is not None else None
            context = _policy(mapping, origins, _describe(root, path), result, parent, limit)
            if path in ignored:  # Envoy reads none of its fields: its settings are not in force either
                context.max_age = context.private_network = None
                context.credentials = Setting(False)
            note = (
                IGNORED_NOTE
                if path in ignored
                else NO_FILTER_NOTE
                if _without_cors_filter(root, path)
                else None
            )
            if level is not None and level[2] is None and level[:2] in overridden:
                note = note or OVERRIDDEN_NOTE
            for matcher in context.matchers if note is not None else ():
                matcher.status, matcher.note = Status.INACTIVE, note
            document.contexts.append(context)
        if headers:
            from origins_lint.formats.kubernetes import envoy_headers

            document.contexts.extend(envoy_headers.contexts(root, result.problems))
        if code:
            _code_problems(root, result.problems)
        if document.contexts:
            result.documents.append(document)
    return result


OVERRIDDEN_NOTE = (
    "every route of this virtual host lists its own origins, which Envoy uses instead "
    "(CorsFilter::allowOrigins in source/extensions/filters/http/cors/cors_filter.cc)"
)
NO_FILTER_NOTE = (
    "the HTTP connection manager that holds this route configuration runs no CORS filter "
    "(`envoy.filters.http.cors` is not in its `http_filters`), and only that filter reads a CORS "
    "policy (CorsFilter::decodeHeaders in source/extensions/filters/http/cors/cors_filter.cc): "
    "Envoy sends no CORS header from it; add the filter before the router if CORS is meant"
)
_FILTERS_KEYS = ("http_filters", "httpFilters")
_ROUTE_KEYS = ("route_config", "routeConfig")


def _without_cors_filter(root: Node, path: tuple[str, ...]) -> bool:
    """Whether the policy at ``path`` sits in an inline route configuration whose HTTP connection
    manager lists its filters and none is the CORS filter (by name, or by its typed config). A
    policy from RDS, or whose manager is not in the file, is read as in force."""
    for node in reversed(_along(root, path)):
        if not isinstance(node.value, dict):
            continue
        filters = next((node.value[k] for k in _FILTERS_KEYS if k in node.value), None)
        if filters is None or not any(k in node.value for k in _ROUTE_KEYS):
            continue
        if not isinstance(filters.value, list):
            return False
        return not any("cors" in _filter_names(item).lower() for item in filters.value)
    return False


def _filter_names(item: Node) -> str:
    """A filter entry's `name` and its typed config's `@type`, to tell the CORS filter by either."""
    if not isinstance(item.value, dict):
        return ""
    names = [str(item.value["name"].value)] if "name" in item.value else []
    for key in ("typed_config", "typedConfig"):
        config = item.value.get(key)
        if config is not None and isinstance(config.value, dict) and "@type" in config.value:
            names.append(str(config.value["@type"].value))
    return " ".join(names)


IGNORED_NOTE = (
    "a typed `envoy.filters.http.cors` CorsPolicy (`typed_per_filter_config`) applies here, so "
    "Envoy ignores this deprecated `cors` field (CorsFilter::initializeCorsPolicies in "
    "source/extensions/filters/http/cors/cors_filter.cc)"
)
Level = tuple[tuple[str, ...], bool, int | None]  # (virtual host path, typed, route index or None)
_TYPED_KEYS = ("typed_per_filter_config", "typedPerFilterConfig")
_HOSTS_KEYS = ("virtual_hosts", "virtualHosts")


def _level(path: tuple[str, ...]) -> Level | None:
    """Where a policy sits in a route configuration: on a virtual host or on one of its routes.

    Envoy reads a route's policy first and its virtual host's after it, field by field; typed
    per-filter policies (`typed_per_filter_config`) and the legacy `cors` fields are two sets,
    the legacy one read only when no typed policy applies (CorsFilter::initializeCorsPolicies).
    """
    hosts = [i for i, part in enumerate(path[:-1]) if part in _HOSTS_KEYS]
    if not hosts:
        return None
    host = path[: hosts[-1] + 2]
    rest = path[len(host) :]
    typed = any(part in _TYPED_KEYS for part in rest)
    if rest[:1] == ("routes",) and len(rest) > 1:
        index = rest[1].strip("[]")
        return (host, typed, int(index)) if rest[1].startswith("[") and index.isdigit() else None
    return (host, typed, None) if len(rest) <= 2 else None


def _overridden(
    root: Node, found: list[tuple[tuple[str, ...], Node, Node]], levels: dict[tuple[str, ...], Level | None]
) -> set[tuple[tuple[str, ...], bool]]:
    """Virtual hosts (and policy kind) whose every route has a policy of that kind with origins."""
    listing: dict[tuple[tuple[str, ...], bool], set[int]] = {}
    for path, _mapping, origins in found:
        level = levels[path]
        if level is not None and level[2] is not None and isinstance(origins.value, list) and origins.value:
            listing.setdefault(level[:2], set()).add(level[2])
    out = set()
    for (host, typed), routes in listing.items():
        node = _at(root, host)
        count = manifests.get(node, "routes") if node is not None else None
        if count is not None and isinstance(count[1].value, list) and len(count[1].value) == len(routes):
            out.add((host, typed))
    return out


def _ignored_legacy(
    root: Node, found: list[tuple[tuple[str, ...], Node, Node]], levels: dict[tuple[str, ...], Level | None]
) -> set[tuple[str, ...]]:
    """The legacy `cors` policies Envoy never reads because a typed CORS policy applies there.

    CorsFilter::initializeCorsPolicies (source/extensions/filters/http/cors/cors_filter.cc, Envoy
    1.25 and later) collects the typed `envoy.filters.http.cors` policies of the route
    configuration, the virtual host and the route (RouteEntryImplBase::traversePerFilterConfig in
    source/common/router/config_impl.cc, weighted clusters included); only when a request's route
    has none at any of those levels does it read the route's and virtual host's `cors` fields. So a
    typed policy on a route configuration or a virtual host hides every legacy policy beneath it,
    one on a route hides that route's, and a virtual host's legacy policy is read by no route when
    each route has a typed policy or lists legacy origins of its own (`allowOrigins()` takes the
    route's list first).
    """
    typed: list[tuple[str, ...]] = []  # where a typed policy applies: a path prefix
    for path, _mapping, _origins in found:
        level = levels[path]
        if level is None:
            at = next((i for i, part in enumerate(path) if part in _TYPED_KEYS), None)
            container = _at(root, path[:at]) if at is not None else None
            if container is not None and manifests.get(container, *_HOSTS_KEYS) is not None:
                typed.append(path[:at])  # the route configuration's own typed policy
        elif level[1]:
            typed.append(level[0] if level[2] is None else (*level[0], "routes", f"[{level[2]}]"))
    legacy = [path for path in levels if not any(part in _TYPED_KEYS for part in path)]
    out = {path for path in legacy if any(path[: len(prefix)] == prefix for prefix in typed)}
    covered: dict[tuple[str, ...], set[int]] = {}  # routes that never read their host's legacy origins
    for path, _mapping, origins in found:
        level = levels[path]
        if level is None or level[2] is None:
            continue
        lists = isinstance(origins.value, list) and bool(origins.value)
        if level[1] or (lists and path not in out):
            covered.setdefault(level[0], set()).add(level[2])
    for path in legacy:
        level = levels[path]
        if level is None or level[2] is not None or path in out or level[0] not in covered:
            continue
        node = _at(root, level[0])
        routes = manifests.get(node, "routes") if node is not None else None
        count = len(routes[1].value) if routes is not None and isinstance(routes[1].value, list) else -1
        typed_routes = {
            lv[2] for p in levels if (lv := levels[p]) and lv[0] == level[0] and lv[1] and lv[2] is not None
        }
        if len(covered[level[0]]) == count and typed_routes:  # else OVERRIDDEN_NOTE says it all
            out.add(path)
    return out


def _at(root: Node, path: tuple[str, ...]) -> Node | None:
    node = root
    for part in path:
        if isinstance(node.value, list) and part.startswith("["):
            node = node.value[int(part.strip("[]"))]
        elif isinstance(node.value, dict) and part in node.value:
            node = node.value[part]
        else:
            return None
    return node


def _enabled(policy: Node) -> bool:
    """`filter_enabled` at 0% turns the policy off (a shadow policy only logs)."""
    enabled = manifests.get(policy, "filter_enabled")
    if enabled is None:
        return True
    default = manifests.get(enabled[1], "default_value")
    numerator = manifests.get(default[1], "numerator") if default is not None else None
    return numerator is None or numerator[1].value != 0


def _along(root: Node, path: tuple[str, ...]) -> list[Node]:
    """The nodes on the way from ``root`` down ``path`` (as `manifests.mappings` gives it, `[i]` for
    a list's item), the root first and the node at ``path`` last."""
    nodes = [root]
    for part in path:
        node = nodes[-1]
        if isinstance(node.value, list):
            nodes.append(node.value[int(part.strip("[]"))])
        elif isinstance(node.value, dict):
            nodes.append(node.value[part])
    return nodes


def _describe(root: Node, path: tuple[str, ...]) -> str | None:
    """`api route /public`: the innermost named element on the way to a policy, and its route."""
    name, route = None, None
    for node in _along(root, path)[1:]:
        values = node.value if isinstance(node.value, dict) else {}
        if isinstance(values.get("name", Node(None, node.location)).value, str):
            name = values["name"].value
        match = values.get("match")
        if match is not None and isinstance(match.value, dict):
            kinds = ("prefix", "path", "safe_regex")
            target = next((v.value for k, v in match.value.items() if k in kinds), None)
            route = f"route {target}" if isinstance(target, str) else route
    return " ".join(part for part in (name, route) if part) or None


def _policy(
    policy: Node,
    origins: Node,
    name: str | None,
    result: ParsedFile,
    parent: Node | None = None,
    limit: ProgramLimit = DEFAULT_LIMIT,
) -> CorsContext:
    """One policy's context; a route's policy takes each field it leaves unset from its virtual
    host's (`parent`), as CorsFilter reads the first policy that sets a field. A route policy
    that lists no origins admits through its virtual host's list, which is that host's context."""
    scope = f"envoy@{origins.location.line}:{origins.location.column}"
    matchers: list[OriginMatcher] = []
    kinds = ("exact", "prefix", "suffix", "contains", "safe_regex", "safeRegex")
    rejected: str | None = None
    if parent is not None:
        inherited = dict(parent.value)
        inherited.update(policy.value)
        policy = Node(inherited, policy.location, {**parent.key_locations, **policy.key_locations})
    credentials = flag(policy, ("allow_credentials",), result)
    for item in origins.value if isinstance(origins.value, list) else []:
        matched = string_matcher(item, scope, kinds, NAME, limit)
        if matched.problem is not None:
            result.problems.append(matched.problem)
            rejected = matched.problem.message if matched.refused else rejected
        if matched.matcher is not None:
            matchers.append(matched.matcher)
    if not isinstance(origins.value, list) and not manifests.rendered_later(
        origins, "allow_origin_string_match", result.problems
    ):
        message = "`allow_origin_string_match` must be a list of string matchers"
        result.problems.append(InputProblem(ProblemKind.SCHEMA, message, origins.location))
    private = flag(policy, ("allow_private_network_access",), result)
    return CorsContext(
        matchers=matchers,
        location=policy.location,
        credentials=credentials if credentials is not None else Setting(False),
        allow_methods=listed(policy, ("allow_methods",)),
        allow_headers=listed(policy, ("allow_headers",)),
        expose_headers=listed(policy, ("expose_headers",)),
        max_age=max_age(policy, ("max_age",), result),
        private_network=manifests.known(private),
        name=name,
        rejected=rejected,
    )


def camel_context(
    policy: Node,
    matchers: list[OriginMatcher],
    credentials: Setting[bool | None] | None,
    name: str | None,
    rejected: str | None,
    max_age: Setting[int] | None,
    private_network: Setting[bool] | None = None,
) -> CorsContext:
    """The context of a CORS policy written with the camelCase fields Istio's `corsPolicy`, Envoy
    Gateway's `cors` and Contour's `corsPolicy` share (`allowMethods`, `allowHeaders`,
    `exposeHeaders`), each translated to Envoy's CorsPolicy; unset credentials are off."""
    return CorsContext(
        matchers=matchers,
        location=policy.location,
        credentials=credentials if credentials is not None else Setting(False),
        allow_methods=listed(policy, ("allowMethods",)),
        allow_headers=listed(policy, ("allowHeaders",)),
        expose_headers=listed(policy, ("exposeHeaders",)),
        max_age=max_age,
        private_network=private_network,
        name=name,
        rejected=rejected,
    )


def flag(policy: Node, names: tuple[str, ...], result: ParsedFile) -> Setting[bool | None] | None:
    found = manifests.get(policy, *names)
    return manifests.read_flag(found[0], found[1], result.problems) if found is not None else None


def listed(policy: Node, names: tuple[str, ...]) -> Setting[tuple[str, ...]] | None:
    """A header or method list; `*` headers are echoed by Envoy, so they are not the literal `*`."""
    found = manifests.get(policy, *names)
    if found is None:
        return None
    items = manifests.words(found[1].value)
    if "*" in items and "header" in found[0].lower():
        return None
    return Setting(items, found[1].location)


def max_age(policy: Node, names: tuple[str, ...], result: ParsedFile) -> Setting[int] | None:
    found = manifests.get(policy, *names)
    return manifests.read_seconds(found[0], found[1], result.problems) if found is not None else None
