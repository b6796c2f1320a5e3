"""CORS headers Envoy adds to responses itself: `response_headers_to_add` read as header operations.

Many Envoy configs send CORS without the CORS filter: a route configuration, a virtual host or a
route lists `response_headers_to_add` (`HeaderValueOption`s), often with the request's Origin
written back as `%REQ(origin)%`. As Envoy runs them (envoyproxy/envoy, 69d0ecea):

- source/common/router/config_impl.cc `RouteEntryImplBase::finalizeResponseHeaders` applies a
  weighted cluster's headers (`WeightedClusterEntry`), then the route's, then its virtual host's,
  then the route configuration's ("Later evaluated
  header parser wins"); `most_specific_header_mutations_wins: true` reverses the order. They are
  applied to the responses of a route that matched, so a route's `match.headers` on `origin`
  guards every level's headers on its responses.
- source/common/router/header_parser.cc `HeaderParser::evaluateHeaders`: a level removes
  `response_headers_to_remove` first, then overwrites, then adds; `append_action`
  APPEND_IF_EXISTS_OR_ADD (the default) adds a value, OVERWRITE_IF_EXISTS_OR_ADD replaces the
  field, ADD_IF_ABSENT and OVERWRITE_IF_EXISTS act only when the field is absent or present
  before the level runs; the deprecated `append` means APPEND_IF_EXISTS_OR_ADD when true and
  OVERWRITE_IF_EXISTS_OR_ADD when false, and setting both is refused ("Both append and
  append_action are set"); a value that formats to nothing is not added unless
  `keep_empty_value`.
- The value is a substitution format (source/common/formatter): `%%` is a `%`; `%REQ(origin)%`
  is the request's Origin (an echo), `%REQ(X?Y)%` X or else Y; another request header is text the
  sender chooses; `%REQ(:authority)%`/`%REQ(host)%` the server's own host; any other command is
  filled in per request and is not analysed (OL004).

The header_mutation filter (`envoy.filters.http.header_mutation`) writes headers too:
source/extensions/filters/http/header_mutation/header_mutation.cc `HeaderMutation::encodeHeaders`
runs the filter's own `mutations.response_mutations`, then each per-route config
(`typed_per_filter_config`, `HeaderMutationPerRoute`): the route's, its virtual host's, the route
configuration's, or the reverse with the filter's `most_specific_header_mutations_wins`. As an
encoder filter it runs after the router wrote the `response_headers_to_add` above. Its mutations
run one by one in the order written (source/common/http/header_mutation.cc
`HeaderMutations::evaluateHeaders`): `remove` deletes the field, `append` is a `HeaderValueOption`
as above. A `remove_on_match` is not read: it can only delete fields, so a header it would delete
is still reported (an over-approximation, never a silence). A per-route config is read even when
the filter's own listener is in another file.

The operations become the model through the shared header-operations reader of the Caddy
formats (`webservers/caddy/response_headers.py`), as nginx's `add_header` lines do: an echo with credentials
is OL402, several values OL601, no `Vary: Origin` OL602.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Final

from origins_lint.formats.kubernetes import envoy
from origins_lint.formats.readers import manifests, response_headers
from origins_lint.formats.readers.tree import Node
from origins_lint.model import CorsContext, InputProblem, Location, OriginMatcher, ProblemKind

_ADD_KEYS: Final = ("response_headers_to_add", "responseHeadersToAdd")
_REMOVE_KEYS: Final = ("response_headers_to_remove", "responseHeadersToRemove")
_HOSTS_KEYS: Final = ("virtual_hosts", "virtualHosts")
_WINS_KEYS: Final = ("most_specific_header_mutations_wins", "mostSpecificHeaderMutationsWins")
_COMMAND: Final = re.compile(r"%%|%([A-Z_0-9]+)(?:\(([^)]*)\))?(?::\d+)?%")
_SELF: Final = frozenset({":authority", "host"})
_KINDS: Final = ("exact", "prefix", "suffix", "contains", "safe_regex", "safeRegex")


@lru_cache(maxsize=4096)
def value(text: str) -> response_headers.Value:
    """A header value as Envoy formats it: fixed text, the Origin echoed, or per-request text."""
    found = [m for m in _COMMAND.finditer(text) if m.group() != "%%"]
    if not found:
        return response_headers.Value(text.replace("%%", "%"))
    echo = False
    request: str | None = None
    unknown: str | None = None
    for match in found:
        command, argument = match.group(1), match.group(2)
        if command != "REQ" or argument is None:
            unknown = unknown or match.group()
            continue
        names = [name.strip().lower() for name in argument.split("?")]
        if names[0] == "origin":
            echo = True
            if len(names) > 1 and names[1] not in _SELF:
                request = request or match.group()  # when there is no Origin, another header
        elif all(name in _SELF for name in names):
            continue
        else:
            request = request or match.group()
    self_only = not (echo or request or unknown)
    return response_headers.Value(None, echo, False, request, unknown, self_only)


STYLE: Final = response_headers.Style(
    "add `Vary: Origin` to `response_headers_to_add` next to it",
    reader=value,
    filled="by Envoy for each response (a formatter command origins-lint does not analyse)",
)
MUTATION_STYLE: Final = response_headers.Style(
    "add `Vary: Origin` next to it (an `append` in the same `response_mutations`)", value, STYLE.filled
)


def contexts(root: Node, problems: list[InputProblem]) -> list[CorsContext]:
    """The response contexts of every route configuration in the document (a bootstrap's
    `route_config`, an RDS resource, a listener's), one per route; and of a header_mutation
    filter whose routes are not in the document."""
    out: list[CorsContext] = []
    filters = _mutation_filters(root, problems)
    for _path, mapping in manifests.mappings(root):
        hosts = manifests.get(mapping, *_HOSTS_KEYS)
        if hosts is None or not isinstance(hosts[1].value, list):
            continue
        wins = manifests.get(mapping, *_WINS_KEYS)
        specific_last = wins is not None and manifests.boolean(wins[1]) is True
        chain = filters.pop(id(mapping), _Chain())
        top = _envoy_level(mapping, problems)
        top_mutations = _per_route(mapping, problems)
        for host in hosts[1].value:
            if not isinstance(host.value, dict):
                continue
            middle = _envoy_level(host, problems)
            middle_mutations = _per_route(host, problems)
            named = manifests.get(host, "name")
            host_name = str(named[1].value) if named is not None else "virtual host"
            routes_node = manifests.get(host, "routes")
            entries = (
                routes_node[1].value
                if routes_node is not None and isinstance(routes_node[1].value, list)
                else []
            )
            for index, route in enumerate(entries):
                if not isinstance(route.value, dict):
                    continue
                bottom = _envoy_level(route, problems)
                clusters = [_envoy_level(c, problems) for c in _weighted_clusters(route)] or [_Level()]
                per_route = [top_mutations, middle_mutations, _per_route(route, problems)]
                mutations = chain.mutations(per_route)
                if not any(level.cors for level in (top, middle, bottom, *clusters, *mutations)):
                    continue
                guard = _origin_guard(route, f"envoy-route@{route.location.line}", problems)
                for number, cluster in enumerate(clusters):  # one cluster answers a request
                    levels = (
                        [top, middle, bottom, cluster] if specific_last else [cluster, bottom, middle, top]
                    )
                    name = f"{host_name} route {index + 1}" + (
                        f" cluster {number + 1}" if len(clusters) > 1 else ""
                    )
                    ops = _in_order(mutations, guard, _ordered(levels, guard))
                    scope = response_headers.Scope(name, route.location, ops, paths=_paths(route))
                    style = MUTATION_STYLE if any(level.cors for level in mutations) else STYLE
                    out.extend(response_headers.contexts(scope, style, problems))
    for chain in filters.values():  # a listener whose routes come from RDS: its filter's own
        mutations = chain.mutations([])
        if any(level.cors for level in mutations):
            scope = response_headers.Scope(chain.name, chain.location, _in_order(mutations, None, []))
            out.extend(response_headers.contexts(scope, MUTATION_STYLE, problems))
    out.extend(_patched(root, problems))
    return out


# the levels an Istio EnvoyFilter patch can merge `response_headers_to_add` into
_PATCHED_LEVELS: Final = ("ROUTE_CONFIGURATION", "VIRTUAL_HOST", "HTTP_ROUTE")


def _patched(root: Node, problems: list[InputProblem]) -> list[CorsContext]:
    """An Istio `EnvoyFilter` patch that writes headers into a route configuration, a virtual host or
    a route (istio pilot/pkg/networking/core/envoyfilter/rc_patch.go `patchVirtualHost`,
    `patchHTTPRoute`: MERGE, ADD, INSERT_* and REPLACE put the value's `response_headers_to_add`
    on every level the patch matches, whose responses Envoy's router writes them to). The patch's
    own headers are read as that level's; the routes it matches are not in the file, so no route
    guard applies."""
    if manifests.kind_of(root) != "EnvoyFilter":
        return []
    out: list[CorsContext] = []
    patches = manifests.at(root, "spec", "configPatches")
    for item in patches.value if patches is not None and isinstance(patches.value, list) else []:
        apply_to = manifests.get(item, "applyTo")
        value = manifests.at(item, "patch", "value")
        if apply_to is None or str(apply_to[1].value) not in _PATCHED_LEVELS or value is None:
            continue
        level = _envoy_level(value, problems)
        if not level.cors:
            continue
        name = f"EnvoyFilter {apply_to[1].value} patch"
        scope = response_headers.Scope(name, value.location, _ordered([level], None))
        out.extend(response_headers.contexts(scope, STYLE, problems))
    return out


_FILTER: Final = "header_mutation"  # in the filter's name and in its config's `@type`
_RESPONSE_MUTATIONS: Final = ("response_mutations", "responseMutations")
_FILTERS_KEYS: Final = ("http_filters", "httpFilters")
_ROUTE_CONFIG_KEYS: Final = ("route_config", "routeConfig")
_PER_FILTER_KEYS: Final = ("typed_per_filter_config", "typedPerFilterConfig")
_CONFIG_KEYS: Final = ("typed_config", "typedConfig")


class _Chain:
    """The header_mutation filters of one HTTP connection manager, in the order they encode."""

    def __init__(
        self, levels: list[tuple[_Level, bool]] | None = None, name: str = "", at: Node | None = None
    ) -> None:
        self.levels = levels or []  # each filter's own mutations, and its most_specific_..._wins
        self.name = name
        self.location = at.location if at is not None else Location.point("", 1, 1)

    def mutations(self, per_route: list[_Level]) -> list[_Level]:
        """What runs on a route's responses: each filter's own mutations, then the per-route
        configs, least specific last unless the filter says the most specific wins."""
        out: list[_Level] = []
        for own, wins in self.levels or [(_Level(), False)]:
            out.append(own)
            out.extend(per_route if wins else per_route[::-1])
        return out


def _mutation_filters(root: Node, problems: list[InputProblem]) -> dict[int, _Chain]:
    """The header_mutation filters of each connection manager in the document, by its inline
    `route_config` (or by the manager itself when its routes come from RDS)."""
    found: dict[int, _Chain] = {}
    for _path, mapping in manifests.mappings(root):
        listed = manifests.get(mapping, *_FILTERS_KEYS)
        if listed is None or not isinstance(listed[1].value, list):
            continue
        levels: list[tuple[_Level, bool]] = []
        for entry in listed[1].value:
            named = manifests.get(entry, "name")
            config = manifests.get(entry, *_CONFIG_KEYS)
            kind = manifests.get(config[1], "@type") if config is not None else None
            names = " ".join(str(part[1].value) for part in (named, kind) if part is not None)
            if _FILTER not in names or config is None:
                continue
            wins = manifests.get(config[1], *_WINS_KEYS)
            levels.append(
                (_mutations(config[1], problems), wins is not None and manifests.boolean(wins[1]) is True)
            )
        if not levels:
            continue
        routes = manifests.get(mapping, *_ROUTE_CONFIG_KEYS)
        key = id(routes[1]) if routes is not None and isinstance(routes[1].value, dict) else id(mapping)
        # encoder filters run in the reverse order of `http_filters`
        found[key] = _Chain(levels[::-1], f"header_mutation filter at line {mapping.location.line}", mapping)
    return found


def _per_route(node: Node, problems: list[InputProblem]) -> _Level:
    """A route's, virtual host's or route configuration's `HeaderMutationPerRoute`."""
    configs = manifests.get(node, *_PER_FILTER_KEYS)
    if configs is None or not isinstance(configs[1].value, dict):
        return _Level()
    for key, entry in configs[1].value.items():
        inner = manifests.get(entry, "config")  # a `FilterConfig` wrapping the Any
        config = inner[1] if inner is not None and isinstance(inner[1].value, dict) else entry
        kind = manifests.get(config, "@type")
        if _FILTER in key or (kind is not None and _FILTER in str(kind[1].value)):
            return _mutations(config, problems)
    return _Level()


def _mutations(config: Node, problems: list[InputProblem]) -> _Level:
    """`mutations.response_mutations`, in order: `remove` kept as a delete among the writes."""
    level = _Level()
    mutations = manifests.get(config, "mutations")
    listed = manifests.get(mutations[1], *_RESPONSE_MUTATIONS) if mutations is not None else None
    for item in listed[1].value if listed is not None and isinstance(listed[1].value, list) else []:
        removed = manifests.get(item, "remove")
        if removed is not None and isinstance(removed[1].value, str):
            at = removed[1].location
            level.ops.append(("REMOVE", removed[1].value, "", at, at))
            continue
        appended = manifests.get(item, "append")
        read = _option(appended[1], problems) if appended is not None else None
        if read is not None:
            level.ops.append(read)
    return level


def _in_order(
    levels: list[_Level], guard: response_headers.Guard | None, before: list[response_headers.Op]
) -> list[response_headers.Op]:
    """The router's operations, then the mutations one by one, ADD_IF_ABSENT and
    OVERWRITE_IF_EXISTS decided by what was written before (as `_ordered` decides them)."""
    guards = (guard,) if guard is not None else ()
    out = list(before)
    present: set[str] = set()
    for op in before:
        (present.discard if op.action == "delete" else present.add)(op.key.lower())
    for level in levels:
        for action, name, text, at, value_at in level.ops:
            lowered = name.lower()
            if action == "REMOVE":
                out.append(response_headers.Op("delete", name, "", at, at, guards))
                present.discard(lowered)
                continue
            if (action == "ADD_IF_ABSENT" and lowered in present) or (
                action == "OVERWRITE_IF_EXISTS" and lowered not in present
            ):
                continue
            verb = "set" if "OVERWRITE" in action else "add"
            out.append(response_headers.Op(verb, name, text, at, value_at, guards))
            present.add(lowered)
    return out


def _weighted_clusters(route: Node) -> list[Node]:
    """`route.weighted_clusters.clusters`: each has headers of its own, applied before the route's
    (`WeightedClusterEntry::finalizeResponseHeaders` in config_impl.cc)."""
    action = manifests.get(route, "route")
    weighted = (
        manifests.get(action[1], "weighted_clusters", "weightedClusters") if action is not None else None
    )
    clusters = manifests.get(weighted[1], "clusters") if weighted is not None else None
    listed = clusters[1].value if clusters is not None else None
    return [c for c in listed if isinstance(c.value, dict)] if isinstance(listed, list) else []


class _Level:
    """One level's header operations: what it removes, and what it writes, in order."""

    def __init__(self) -> None:
        self.removes: list[tuple[str, Location]] = []
        # action, name, value, where; a header_mutation's `remove` is an op ("REMOVE") among the writes
        self.ops: list[tuple[str, str, str, Location, Location]] = []

    @property
    def cors(self) -> bool:
        return any(op[1].lower().startswith("access-control-") for op in self.ops)


def _envoy_level(node: Node, problems: list[InputProblem]) -> _Level:
    """A level's `response_headers_to_add` and `response_headers_to_remove`."""
    level = _Level()
    removed = manifests.get(node, *_REMOVE_KEYS)
    for item in removed[1].value if removed is not None and isinstance(removed[1].value, list) else []:
        if isinstance(item.value, str):
            level.removes.append((item.value, item.location))
    added = manifests.get(node, *_ADD_KEYS)
    for option in added[1].value if added is not None and isinstance(added[1].value, list) else []:
        read = _option(option, problems)
        if read is not None:
            level.ops.append(read)
    return level


def _option(option: Node, problems: list[InputProblem]) -> tuple[str, str, str, Location, Location] | None:
    """A `HeaderValueOption` as (action, name, value, name's location, value's location)."""
    header = manifests.get(option, "header")
    if header is None or not isinstance(header[1].value, dict):
        return None
    key, text = manifests.get(header[1], "key"), manifests.get(header[1], "value")
    if key is None or not isinstance(key[1].value, str):
        return None
    written = text[1].value if text is not None and isinstance(text[1].value, str) else ""
    where = text[1].location if text is not None else key[1].location
    append = manifests.get(option, "append")
    action_node = manifests.get(option, "append_action", "appendAction")
    action = str(action_node[1].value) if action_node is not None else "APPEND_IF_EXISTS_OR_ADD"
    if append is not None:
        if action != "APPEND_IF_EXISTS_OR_ADD":
            message = (
                f"{envoy.REFUSERS[envoy.NAME][0]}: `{key[1].value}` sets both `append` and `append_action` "
                '("Both append and append_action are set and it\'s not allowed", HeadersToAddEntry in '
                "source/common/router/header_parser.cc); keep `append_action`"
            )
            problems.append(InputProblem(ProblemKind.SCHEMA, message, append[1].location))
            return None
        action = (
            "APPEND_IF_EXISTS_OR_ADD"
            if manifests.boolean(append[1]) is not False
            else "OVERWRITE_IF_EXISTS_OR_ADD"
        )
    if not written:
        keep = manifests.get(option, "keep_empty_value", "keepEmptyValue")
        if keep is None or manifests.boolean(keep[1]) is not True:
            return None  # a value that formats to nothing is not added
    return action, key[1].value, written, key[1].location, where


def _ordered(levels: list[_Level], guard: response_headers.Guard | None) -> list[response_headers.Op]:
    """The operations in the order Envoy runs them: level by level, each removing, then
    overwriting, then adding; ADD_IF_ABSENT and OVERWRITE_IF_EXISTS decided by what the levels
    before left (an over-approximation when a field came from the upstream's response)."""
    guards = (guard,) if guard is not None else ()
    out: list[response_headers.Op] = []
    present: set[str] = set()
    for level in levels:
        for name, at in level.removes:
            out.append(response_headers.Op("delete", name, "", at, at, guards))
            present.discard(name.lower())
        sets: list[response_headers.Op] = []
        adds: list[response_headers.Op] = []
        for action, name, text, at, value_at in level.ops:
            op = response_headers.Op(
                "set" if "OVERWRITE" in action else "add", name, text, at, value_at, guards
            )
            if action == "ADD_IF_ABSENT" and name.lower() in present:
                continue
            if action == "OVERWRITE_IF_EXISTS" and name.lower() not in present:
                continue
            (sets if op.action == "set" else adds).append(op)
        out.extend(sets + adds)
        present.update(op.key for op in sets + adds)
    return out


def _origin_guard(route: Node, scope: str, problems: list[InputProblem]) -> response_headers.Guard | None:
    """The route's `match.headers` entry on `origin`: only requests it passes get these headers.

    Several header matchers on `origin` are AND'ed; the first is kept (what passes both passes
    it: an over-approximation, never a silence). `present_match` and a matcher that passes any
    value restrict nothing; `invert_match` passes every origin but those."""
    match = manifests.get(route, "match")
    headers = manifests.get(match[1], "headers") if match is not None else None
    for header in headers[1].value if headers is not None and isinstance(headers[1].value, list) else []:
        named = manifests.get(header, "name")
        if named is None or str(named[1].value).lower() != "origin":
            continue
        string_match = _string_match(header)
        if string_match is None:
            return None  # `present_match`, or a form not read: no restriction taken
        matched = envoy.string_matcher(
            string_match, scope, ("exact", "prefix", "suffix", "contains", "safe_regex", "safeRegex")
        )
        if matched.problem is not None:
            problems.append(matched.problem)
        if matched.matcher is None:
            return None
        inverted = manifests.get(header, "invert_match", "invertMatch")
        location = header.location
        if inverted is not None and manifests.boolean(inverted[1]) is True:
            return response_headers.Guard(
                "match.headers", location, response_headers.negated(location, matched.matcher.raw)
            )
        return response_headers.Guard(
            "match.headers", location, response_headers.OriginCheck((matched.matcher,))
        )
    return None


_LEGACY: Final = {  # the deprecated HeaderMatcher fields, as a StringMatcher
    "exact_match": "exact",
    "exactMatch": "exact",
    "prefix_match": "prefix",
    "prefixMatch": "prefix",
    "suffix_match": "suffix",
    "suffixMatch": "suffix",
    "contains_match": "contains",
    "containsMatch": "contains",
    "safe_regex_match": "safe_regex",
    "safeRegexMatch": "safe_regex",
}


def _string_match(header: Node) -> Node | None:
    found = manifests.get(header, "string_match", "stringMatch")
    if found is not None:
        return found[1]
    for legacy, key in _LEGACY.items():
        if isinstance(header.value, dict) and legacy in header.value:
            item = header.value[legacy]
            return Node({key: item}, item.location, {key: item.location})
    return None


def _paths(route: Node) -> tuple[str, ...]:
    match = manifests.get(route, "match")
    prefix = manifests.get(match[1], "prefix", "path") if match is not None else None
    return (prefix[1].value,) if prefix is not None and isinstance(prefix[1].value, str) else ()


# --- Istio: a VirtualService's `headers.response`, which Istio hands to Envoy as they are ----------
# pilot/pkg/networking/core/route/route.go (istio/istio 86c9f01f) `translateAppendHeaders`: `set`
# becomes OVERWRITE_IF_EXISTS_OR_ADD, `add` APPEND_IF_EXISTS_OR_ADD, the value unescaped (so
# `%REQ(origin)%` is Envoy's echo); `remove` is `response_headers_to_remove`. An HTTP route's
# `headers` go on its Envoy route, a destination's (`route[].headers`) on its weighted cluster,
# which Envoy applies first (WeightedClusterEntry::finalizeResponseHeaders in config_impl.cc).
_ISTIO_KINDS: Final = ("exact", "prefix", "regex")
ISTIO_STYLE: Final = response_headers.Style(
    "set `Vary: Origin` in `headers.response` next to it", value, STYLE.filled
)


def istio_contexts(root: Node, owner: str | None, problems: list[InputProblem]) -> list[CorsContext]:
    """The response contexts the `headers.response` of each HTTP route of a VirtualService make."""
    spec = manifests.get(root, "spec")
    http = manifests.get(spec[1], "http") if spec is not None else None
    out: list[CorsContext] = []
    for index, route in enumerate(
        http[1].value if http is not None and isinstance(http[1].value, list) else []
    ):
        if not isinstance(route.value, dict):
            continue
        own = _istio_level(route)
        destinations = manifests.get(route, "route")
        listed = destinations[1].value if destinations is not None else None
        levels = [_istio_level(d) for d in (listed if isinstance(listed, list) else [])] or [_Level()]
        if not own.cors and not any(level.cors for level in levels):
            continue
        named = manifests.get(route, "name")
        label = named[1].value if named is not None else f"http {index + 1}"
        guard = _istio_guard(route, f"istio-route@{route.location.line}", problems)
        for number, destination in enumerate(levels):
            name = " ".join(str(part) for part in (owner, label) if part)
            if len(levels) > 1:
                name += f" destination {number + 1}"
            ops = _ordered([destination, own], guard)
            out.extend(
                response_headers.contexts(
                    response_headers.Scope(name, route.location, ops), ISTIO_STYLE, problems
                )
            )
    return out


def _istio_level(node: Node) -> _Level:
    """A route's or a destination's `headers.response`: `set`, `add` and `remove`."""
    level = _Level()
    headers = manifests.get(node, "headers")
    response = manifests.get(headers[1], "response") if headers is not None else None
    if response is None or not isinstance(response[1].value, dict):
        return level
    block = response[1]
    removed = block.value.get("remove")
    for item in removed.value if removed is not None and isinstance(removed.value, list) else []:
        if isinstance(item.value, str):
            level.removes.append((item.value, item.location))
    for key, action in (("set", "OVERWRITE_IF_EXISTS_OR_ADD"), ("add", "APPEND_IF_EXISTS_OR_ADD")):
        written = block.value.get(key)
        if written is None or not isinstance(written.value, dict):
            continue
        for name, item in written.value.items():
            text = item.value if isinstance(item.value, str) else str(item.value)
            at = written.key_locations.get(name, item.location)
            if text:
                level.ops.append((action, name, text, at, item.location))
    return level


def _istio_guard(route: Node, scope: str, problems: list[InputProblem]) -> response_headers.Guard | None:
    """`match[].headers.origin` on every match of the route (they are OR'ed): what passes one of
    them; None when a match takes any origin."""
    matches = manifests.get(route, "match")

    def origin_of(match: Node) -> Node | None:
        headers = manifests.get(match, "headers")
        conditions = headers[1].value if headers is not None else None
        return conditions.get("origin") if isinstance(conditions, dict) else None

    def read(origin: Node) -> envoy.Matched:
        return envoy.string_matcher(origin, scope, _ISTIO_KINDS, "istio", envoy.ISTIO_LIMIT)

    return _either(matches[1] if matches is not None else None, "match.headers", origin_of, read, problems)


def _either(
    matches: Node | None,
    label: str,
    origin_of: Callable[[Node], Node | None],
    read: Callable[[Node], envoy.Matched],
    problems: list[InputProblem],
) -> response_headers.Guard | None:
    """A guard that passes what one of the OR'ed matches passes of the Origin; None when a match
    has no condition on it (it takes every origin), or one that is not read."""
    listed = matches.value if matches is not None and isinstance(matches.value, list) else []
    found: list[OriginMatcher] = []
    for match in listed:
        origin = origin_of(match)
        matched = read(origin) if origin is not None else None
        if matched is not None and matched.problem is not None:
            problems.append(matched.problem)
        if matched is None or matched.matcher is None:
            return None
        found.append(matched.matcher)
    return (
        response_headers.Guard(label, listed[0].location, response_headers.OriginCheck(tuple(found)))
        if found
        else None
    )


# --- Gateway API: an HTTPRoute's `ResponseHeaderModifier` filters -----------------------------------
# kubernetes-sigs/gateway-api apis/v1/httproute_types.go `HTTPHeaderFilter`: `set` overwrites, `add`
# appends, `remove` deletes; a rule's filters and a `backendRefs[]` entry's. The Envoy-based
# implementations (Envoy Gateway, Istio) hand the values to Envoy as written, so `%REQ(origin)%`
# is read as Envoy's echo; a backend's filters run before its rule's, as a weighted cluster's
# headers do. A rule's `matches[].headers` on `Origin` (`Exact` by default, `RegularExpression`
# an RE2 full match there) guards the rule.
GATEWAY_STYLE: Final = response_headers.Style(
    "add `Vary: Origin` to the same `ResponseHeaderModifier` (`set`)", value, STYLE.filled
)


def gateway_contexts(rules: Node, owner: str, problems: list[InputProblem]) -> list[CorsContext]:
    """The response contexts the `ResponseHeaderModifier` filters of an HTTPRoute's rules make."""
    out: list[CorsContext] = []
    for index, rule in enumerate(rules.value if isinstance(rules.value, list) else []):
        if not isinstance(rule.value, dict):
            continue
        own = _gateway_level(rule.value.get("filters"))
        refs = rule.value.get("backendRefs")
        listed = refs.value if refs is not None and isinstance(refs.value, list) else []
        levels = [_gateway_level(manifests.get(ref, "filters")) for ref in listed] or [_Level()]
        if not own.cors and not any(level.cors for level in levels):
            continue
        named = rule.value.get("name")
        label = f"{owner} rule {named.value if named is not None else index + 1}"
        guard = _gateway_guard(rule, f"gateway-api@{rule.location.line}", problems)
        for number, backend in enumerate(levels):
            name = label + (f" backend {number + 1}" if len(levels) > 1 else "")
            scope = response_headers.Scope(name, rule.location, _ordered([backend, own], guard))
            out.extend(response_headers.contexts(scope, GATEWAY_STYLE, problems))
    return out


def _gateway_level(found: tuple[str, Node] | Node | None) -> _Level:
    level = _Level()
    filters = found[1] if isinstance(found, tuple) else found
    for entry in filters.value if filters is not None and isinstance(filters.value, list) else []:
        kind = manifests.get(entry, "type")
        modifier = manifests.get(entry, "responseHeaderModifier")
        if kind is None or kind[1].value != "ResponseHeaderModifier" or modifier is None:
            continue
        block = modifier[1].value if isinstance(modifier[1].value, dict) else {}
        removed = block.get("remove")
        for item in removed.value if removed is not None and isinstance(removed.value, list) else []:
            if isinstance(item.value, str):
                level.removes.append((item.value, item.location))
        for key, action in (("set", "OVERWRITE_IF_EXISTS_OR_ADD"), ("add", "APPEND_IF_EXISTS_OR_ADD")):
            written = block.get(key)
            for header in written.value if written is not None and isinstance(written.value, list) else []:
                name, text = manifests.get(header, "name"), manifests.get(header, "value")
                if name is None or text is None or not isinstance(name[1].value, str):
                    continue
                where = (name[1].location, text[1].location)
                level.ops.append((action, name[1].value, str(text[1].value), *where))
    return level


def _gateway_guard(rule: Node, scope: str, problems: list[InputProblem]) -> response_headers.Guard | None:
    """`matches[].headers` on `Origin` in every match of the rule (OR'ed): `Exact` by default, or a
    `RegularExpression`, read as an Envoy `StringMatcher`; None when a match takes any origin."""

    def origin_of(match: Node) -> Node | None:
        headers = manifests.get(match, "headers")
        entries = headers[1].value if headers is not None else None
        origin = (
            next((h for h in entries if _named(h, "origin")), None) if isinstance(entries, list) else None
        )
        kind = manifests.get(origin, "type") if origin is not None else None
        text = manifests.get(origin, "value") if origin is not None else None
        if origin is None or text is None:
            return None
        key = "safe_regex" if kind is not None and kind[1].value == "RegularExpression" else "exact"
        at = text[1].location
        inner = Node({"regex": text[1]}, at, {"regex": at}) if key == "safe_regex" else text[1]
        return Node({key: inner}, origin.location, {key: at})

    def read(origin: Node) -> envoy.Matched:
        return envoy.string_matcher(origin, scope, _KINDS)

    matches = rule.value.get("matches") if isinstance(rule.value, dict) else None
    return _either(matches, "matches.headers", origin_of, read, problems)


def _named(header: Node, name: str) -> bool:
    found = manifests.get(header, "name")
    return found is not None and str(found[1].value).lower() == name
