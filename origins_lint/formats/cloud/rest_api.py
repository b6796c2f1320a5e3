"""API Gateway REST APIs: the CORS headers SAM and the Serverless Framework generate for them.

A REST API (API Gateway v1) has no CORS setting of its own. Tools add an `OPTIONS` method with a
`MOCK` integration whose integration response sets `method.response.header.Access-Control-Allow-*`
to fixed values (AWS, "Enable CORS on a resource using the API Gateway import API",
https://docs.aws.amazon.com/apigateway/latest/developerguide/enable-cors-for-resource-using-swagger-importer-tool.html).
A response parameter's value is a mapping expression: `'text'` in single quotes is static text,
anything else names a source (`integration.response.header.X`, `context.X`, `stageVariables.X`)
and API Gateway refuses the deployment when it names none ("Invalid mapping expression specified").

- **SAM** (`AWS::Serverless::Api` `Cors`, `Globals.Api.Cors`) writes `AllowOrigin` as that
  value, verbatim (github:aws/serverless-application-model samtranslator/swagger/swagger.py
  `SwaggerEditor.add_cors` and `_options_method_response_for_cors`, commit 7000d0a3). So the
  preflight answer is one static `Access-Control-Allow-Origin`: no list, no matching. `'*'` sends
  `*`; `'https://a.com,https://b.com'` sends both in one header, which browsers reject (OL601);
  an unquoted `https://a.com` is refused at deploy. SAM itself refuses `AllowCredentials: true`
  with `AllowOrigin` `'*'` or unset (`ApiGenerator._add_cors` in samtranslator/model/api/
  api_generator.py: "'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not set").
- **Serverless Framework** `http` events (github:serverless/serverless packages/serverless/lib/
  plugins/aws/package/compile/events/api-gateway/lib/cors.js `compileCors`, commit b9d7ea51):
  one `origin` is sent as the static `'origin'`; an `origins` list (or an `origin` holding commas)
  sends its first item statically and adds a VTL response template that, for a request whose
  `Origin` matches one item, sends that `Origin` back (`generateCorsResponseTemplate`): each item
  becomes a Java regex, `.` escaped as `[.]` and only the first `*` made `.+`
  (`regexifyWildcards`: `String.replace` with a string replaces once), run with Java's
  `String.matches` (whole value, case-sensitive). `.+` crosses dots and accepts any text, so
  `https://*.example.com` also admits `https://attacker.net#.example.com`-like values; and other
  regex characters in an item are not escaped. Nothing is refused: `*` with credentials sends
  `*` and `Access-Control-Allow-Credentials: true`, which browsers refuse for credentialed reads.

Either way these headers answer the preflight; a Lambda proxy integration's own response carries
whatever the function sends (both tools say so), which no template shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from origins_lint.model import (
    EXACT_ENGINE,
    Engine,
    HeaderLine,
    InputProblem,
    Location,
    MatcherKind,
    MatchMode,
    OriginMatcher,
    ProblemKind,
)

_ITEMS: Final = re.compile(r"[\s,]+")  # as the nginx format splits a literal header value
ALLOW_ORIGIN: Final = "Access-Control-Allow-Origin"
DEPLOY_REFUSED: Final = "AWS refuses this at deploy time"
# a mapping expression that names a source API Gateway fills in per request or per stage
_SOURCE: Final = re.compile(r"(integration\.response\.|context\.|stageVariables\.)\S+")
# a gateway response's parameters may also copy the method request's (AWS, "x-amazon-apigateway-
# gateway-responses.responseParameters object": `method.request.header.Accept` is its example;
# "Parameter mapping source reference for REST APIs"); an integration response's may not
_REQUEST: Final = re.compile(
    r"method\.request\.(header|multivalueheader|querystring|multivaluequerystring|path)\.(\S+)"
)
REQUEST_NOTE: Final = (
    "API Gateway copies the request's `Origin` into this gateway response (`method.request.header.origin`), "
    "so every error it writes itself (an authorizer's 401/403, throttling, a missing route) sends it back"
)
# Serverless's VTL template: `.` as `[.]`, the first `*` as `.+`, run with Java `String.matches`
SERVERLESS_TEMPLATE: Final = Engine(
    "serverless-vtl", MatchMode.FULL, case_sensitive=True, wildcard_label=".+", wildcards=1
)
# regex characters Serverless leaves unescaped in an item (`.` and the first `*` it rewrites)
_REGEX_CHARACTERS: Final = re.compile(r"[\\^$|?+()\[\]{}]")
SERVERLESS_NOTE: Final = (
    "Serverless sends the request's Origin back when it matches this item as a Java regex, `.` "
    "escaped and the first `*` made `.+` (cors.js generateCorsResponseTemplate)"
)


def literal(raw: str, location: Location, scope: str | None = None) -> OriginMatcher:
    """One origin sent as written: `*`, `null`, or an exact origin the browser compares byte for byte
    (a `*` inside it is literal and matches nothing)."""
    text = raw.strip()
    kind = MatcherKind.ANY if text == "*" else MatcherKind.NULL if text == "null" else MatcherKind.EXACT
    return OriginMatcher(kind, text, location, EXACT_ENGINE, scope=scope)


@dataclass(slots=True)
class Static:
    """A static `Access-Control-Allow-Origin`: what it admits and the header itself."""

    matchers: list[OriginMatcher] = field(default_factory=list)
    headers: tuple[HeaderLine, ...] = ()
    refused: str | None = None


def static_header(value: str, location: Location, value_location: Location, scope: str) -> Static:
    """The header as sent: every item of a value that lists several is kept at the value's place
    (rules say OL601, and `match` that the browser rejects the response)."""
    items = tuple(item for item in _ITEMS.split(value.strip()) if item)
    header = HeaderLine(ALLOW_ORIGIN, value, location, value_location, items=items, vary_fix=VARY_FIX)
    shown = items if len(items) > 1 else (value.strip(),)
    return Static([literal(item, value_location, scope) for item in shown if item], (header,))


VARY_FIX: Final = "send `Vary: Origin` from the method's response as well"
GATEWAY_VARY_FIX: Final = "map `gatewayresponse.header.Vary` to `'Origin'` in the same gateway response"


def mapping_value(
    what: str,
    text: str,
    location: Location,
    key_location: Location,
    problems: list[InputProblem],
    request: bool = False,
) -> Static:
    """A response parameter's value (SAM `AllowOrigin`): `'...'` is static text; a source
    (`stageVariables.origin`) is known per stage only (OL004); with ``request`` (a gateway
    response), a method request parameter is copied from each request: the `Origin` header is an
    echo, any other parameter text the sender chooses; anything else is refused (OL002)."""
    stripped = text.strip()
    copied = _REQUEST.fullmatch(stripped) if request else None
    if copied is not None:
        return _copied(copied, stripped, location, key_location)
    if len(stripped) >= 2 and stripped[0] == stripped[-1] == "'":
        inner = stripped[1:-1]  # `${...}` from `!Sub` stays: what its fixed text decides is judged
        return static_header(inner, key_location, location, f"rest-api@{location.line}")
    if not stripped:
        message = (
            f'{DEPLOY_REFUSED}: SAM requires a value for `{what}` ("Value for AllowedOrigins is '
            'required"); write the one origin, quoted: `"\'https://app.example.com\'"`'
        )
        problems.append(InputProblem(ProblemKind.SCHEMA, message, location))
        return Static(refused=message)
    if _SOURCE.fullmatch(stripped):
        message = (
            f"`{what}` `{text}` is taken from `{stripped.split('.')[0]}` when the API answers, so the "
            "origin it sends was not analysed: check what that source holds"
        )
        problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, location))
        return Static()
    if _REQUEST.fullmatch(stripped):  # a gateway response's source, not an integration response's
        message = (
            f"{DEPLOY_REFUSED}: an integration response maps `{what}` from `integration.response.*`, "
            f"`context.*`, `stageVariables.*` or a quoted static value, never from the method request "
            f'(`{stripped}`), so the deployment fails ("Invalid mapping expression specified"); '
            "send the header from a gateway response, or list the allowed origin as `'https://...'`"
        )
        problems.append(InputProblem(ProblemKind.SCHEMA, message, location))
        return Static(refused=message)
    message = (
        f"{DEPLOY_REFUSED}: API Gateway reads `{what}` as a mapping expression and `{text}` is none, "
        f'so the deployment fails ("Invalid mapping expression specified"); quote it the SAM way, '
        f"`\"'{stripped}'\"`, for the static value"
    )
    problems.append(InputProblem(ProblemKind.SCHEMA, message, location))
    return Static(refused=message)


def _copied(found: re.Match[str], text: str, location: Location, key_location: Location) -> Static:
    """A gateway response header copied from the method request: an echo of what it names."""
    origin = found.group(1).endswith("header") and found.group(2).lower() == "origin"
    scope = f"rest-api@{location.line}"
    if origin:
        matcher = OriginMatcher(MatcherKind.REFLECTED, text, location, note=REQUEST_NOTE, scope=scope)
    else:
        matcher = OriginMatcher(
            MatcherKind.REFLECTED,
            text,
            location,
            note=f"`{text}` comes from the request, so the sender chooses it",
            echoes="text from the request (the sender chooses it)",
            scope=scope,
        )
    header = HeaderLine(ALLOW_ORIGIN, text, key_location, location, dynamic=True, vary_fix=GATEWAY_VARY_FIX)
    return Static([matcher], (header,))


def template_item(raw: str, location: Location, scope: str) -> OriginMatcher:
    """One item of a Serverless `origins` list, as the VTL template matches it."""
    text = raw.strip()
    if _REGEX_CHARACTERS.search(text):
        built = text.replace(".", "[.]").replace("*", ".+", 1)
        engine = Engine("serverless-vtl", MatchMode.FULL, case_sensitive=True)
        return OriginMatcher(MatcherKind.REGEX, built, location, engine, note=SERVERLESS_NOTE, scope=scope)
    if text == "*":  # `.+`: every Origin is sent back
        return OriginMatcher(MatcherKind.REFLECTED, text, location, note=SERVERLESS_NOTE, scope=scope)
    if "*" in text:
        return OriginMatcher(
            MatcherKind.WILDCARD, text, location, SERVERLESS_TEMPLATE, note=SERVERLESS_NOTE, scope=scope
        )
    return literal(text, location, scope)
