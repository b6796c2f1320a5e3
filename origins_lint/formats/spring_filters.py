"""Spring Cloud Gateway filters that write CORS response headers, read as the gateway runs them.

spring-cloud/spring-cloud-gateway, spring-cloud-gateway-server filter factories:
`AddResponseHeaderGatewayFilterFactory` adds `name: value` after the rest of the chain (with
`override: false`, only where the field is missing or blank), `SetResponseHeader` replaces the
field, `RemoveResponseHeader` removes it, `DedupeResponseHeader` keeps one of a field's repeated
values; the value's `{name}` parts are the URI template variables of the route's `Path` or `Host`
predicate (`ServerWebExchangeUtils.expand`), text the request chooses. A route runs the
`default-filters` and then its own `filters`; what they do to the response happens as the chain
returns, the last filter's first. They are read from `spring.cloud.gateway.default-filters` and
`spring.cloud.gateway.routes[].filters` (also under `server.webflux`, `server.webmvc` and the MVC
gateway's `mvc`), in the shortcut form (`AddResponseHeader=Access-Control-Allow-Origin, *`) or
as `name` and `args`.

These headers are not the gateway's CORS support (`globalcors`, read by `spring.py`): the CORS
processor sets its own `Access-Control-Allow-Origin` first, so one added here is a second value
unless a `DedupeResponseHeader` keeps one (then no OL601 is said; every value still counts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from origins_lint.formats.readers import manifests, response_headers
from origins_lint.formats.readers.tree import Node
from origins_lint.model import CorsContext, InputProblem, Location

# folded keys: `default-filters` and `routes[N].filters`, under any of the gateway's prefixes
_KEY: Final = re.compile(
    r"^spring\.cloud\.gateway(?:\.server\.webflux|\.server\.webmvc|\.mvc)?"
    r"\.(?:defaultfilters|routes\[(\d+)\]\.filters)(?:\[(\d+)\])?(?:\.(.+))?$"
)
_ID: Final = re.compile(
    r"^spring\.cloud\.gateway(?:\.server\.webflux|\.server\.webmvc|\.mvc)?\.routes\[(\d+)\]\.id$"
)
_VARIABLE: Final = re.compile(r"\{[^{}]+\}")
_FACTORIES: Final = {"addresponseheader", "setresponseheader", "removeresponseheader", "deduperesponseheader"}


def value(text: str) -> response_headers.Value:
    """A filter's value: fixed text, or with `{name}` parts the request's URL fills in, which
    are not analysed (the fixed text around them may still admit only some origins)."""
    found = _VARIABLE.search(text)
    if found is None:
        return response_headers.Value(text)
    # it varies with the URL, which caches key on already, not with the Origin: no `Vary`
    return response_headers.Value(None, unknown=found.group(), env_only=True)


STYLE: Final = response_headers.Style(
    "add `AddResponseHeader=Vary, Origin` to the same filters",
    value,
    "from the request's URL (a `Path` or `Host` predicate variable the sender chooses)",
)


@dataclass(slots=True)
class _Filter:
    name: str
    args: list[tuple[str, Location]] = field(default_factory=list)
    named_args: dict[str, tuple[str, Location]] = field(default_factory=dict)
    location: Location | None = None


def contexts(
    entries: list[tuple[str, Location, Node]], problems: list[InputProblem], text: manifests.Text
) -> list[CorsContext]:
    """The response context of each route (and of the default filters alone when there is no
    route) whose filters write `Access-Control-*` headers."""
    defaults: dict[int, _Filter] = {}
    routes: dict[int, dict[int, _Filter]] = {}
    names: dict[int, str] = {}
    for key, at, node in entries:
        folded = ".".join(p if p.startswith("[") else manifests.folded(p) for p in key.split("."))
        named = _ID.match(folded)
        if named is not None and isinstance(node.value, str):
            names[int(named.group(1))] = node.value
            continue
        found = _KEY.match(folded)
        if found is None:
            continue
        route, index, rest = found.group(1), found.group(2), found.group(3)
        into = defaults if route is None else routes.setdefault(int(route), {})
        if index is None and isinstance(node.value, list):  # a YAML list of shortcut strings
            for number, item in enumerate(node.value):
                if isinstance(item.value, str):
                    into[number] = _shortcut(item, text)
            continue
        if index is None:
            continue
        number = int(index)
        if rest is None and isinstance(node.value, str):
            into[number] = _shortcut(node, text)
        elif rest is not None:
            _full(into.setdefault(number, _Filter("")), rest, node, at)
    scopes = [(f"route {names.get(i, i)}", routes[i]) for i in sorted(routes)] or [("default-filters", {})]
    out: list[CorsContext] = []
    for label, own in scopes:
        chain = [defaults[i] for i in sorted(defaults)] + [own[i] for i in sorted(own)]
        ops = _ops(chain)
        if any(op.key.startswith("access-control-") for op in ops):
            where = ops[0].location
            out.extend(response_headers.contexts(response_headers.Scope(label, where, ops), STYLE, problems))
    return out


def _shortcut(node: Node, text: manifests.Text) -> _Filter:
    """`Name=a, b, c`: the arguments in the factory's shortcut order, split at commas, each at its
    own column where the value is written verbatim (else at the whole value)."""
    name, _, rest = str(node.value).partition("=")
    parts = [part.strip() for part in rest.split(",")] if rest else []
    places = text.items(node, (name.strip(), *parts))[1:]
    return _Filter(name.strip(), list(zip(parts, places, strict=True)), location=node.location)


def _full(into: _Filter, rest: str, node: Node, at: Location) -> None:
    """`name: AddResponseHeader` and `args: {name: ..., value: ...}` (or `_genkey_N`)."""
    text = node.value if isinstance(node.value, str | int | bool) else None
    if text is None:
        return
    if rest == "name":
        into.name, into.location = str(text), node.location
    elif rest.startswith("args."):
        into.named_args[rest.removeprefix("args.")] = (str(text), node.location)


def _named_args(item: _Filter) -> list[tuple[str, Location]]:
    """The full form's `args` in the shortcut order: `name`, `value`, then `override`."""
    out: list[tuple[str, Location]] = []
    for key in ("name", "value", "override"):
        found = item.named_args.get(key)
        if found is None:
            break
        out.append(found)
    return out


def _ops(chain: list[_Filter]) -> list[response_headers.Op]:
    """The response operations, in the order they happen: the chain's last filter first."""
    out: list[response_headers.Op] = []
    for item in reversed(chain):
        kind = item.name.lower()
        if kind not in _FACTORIES:
            continue
        args = item.args or _named_args(item)
        named, at = args[0] if args else ("", None)
        if not named or at is None:
            continue
        if kind == "deduperesponseheader":  # one value kept of what the filters after it added
            deduped = {part.lower() for part in named.split()}
            out = [_alternative(op) if op.action == "add" and op.key in deduped else op for op in out]
            continue
        if kind == "removeresponseheader":
            out.append(response_headers.Op("delete", named, "", at, at))
            continue
        written, value_at = (args[1][0], args[1][1]) if len(args) > 1 else ("", at)
        if kind == "setresponseheader":
            out.append(response_headers.Op("set", named, written, at, value_at))
            continue
        override = args[2][0].lower() != "false" if len(args) > 2 and args[2][0] else True
        out.append(response_headers.Op("add" if override else "default", named, written, at, value_at))
    return out


def _alternative(op: response_headers.Op) -> response_headers.Op:
    """An addition a `DedupeResponseHeader` reduces to one value: one of the field's values."""
    return response_headers.Op("default", op.name, op.value, op.location, op.value_location)
