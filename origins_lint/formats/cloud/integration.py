"""REST API CORS written by hand (or by the CDK): the integration responses that set
`Access-Control-Allow-Origin` themselves.

A REST API method's integration response maps `method.response.header.Access-Control-Allow-Origin`
to a value (`rest_api.mapping_value`: `'...'` static, a source, or refused), and its response
template may override it per request with `$context.responseOverride.header.Access-Control-Allow-
Origin` (AWS, "Use a mapping template to override an API's request and response parameters",
https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html).
The same holds for gateway responses (`gatewayresponse.header.Access-Control-Allow-Origin`).

Templates are VTL, which is not run here. Two shapes generators write are read: the CDK's
`#if($origin == "https://b.com" || ...)` (aws-cdk packages/aws-cdk-lib/aws-apigateway/lib/
resource.ts `addCorsPreflight` renderResponseTemplate: the first origin static, the others
compared with Java `==` on the request's `Origin`, commit 74349342) and Serverless's
`$origin.matches("...")` (Java regex, whole value; see `rest_api`). A template that sets the
header to the request's Origin with no condition echoes every origin; any other template that
overrides it is OL004.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from origins_lint.formats.cloud import rest_api
from origins_lint.formats.cloud.intrinsics import Reader
from origins_lint.formats.readers.tree import Node
from origins_lint.model import (
    EXACT_ENGINE,
    CorsContext,
    Engine,
    HeaderLine,
    InputProblem,
    Location,
    MatcherKind,
    MatchMode,
    OriginMatcher,
    ProblemKind,
    Setting,
)

_HEADER: Final = "access-control-allow-origin"
_CREDENTIALS: Final = "access-control-allow-credentials"
_OVERRIDE: Final = re.compile(
    r"responseOverride\.header\.Access-Control-Allow-Origin\s*=\s*"
    r"(\$[\w.]+(?:\([^)]*\))?(?:\.\w+(?:\([^)]*\))?)*|[\"'][^\"']*[\"'])",
    re.IGNORECASE,
)
_EQUALS: Final = re.compile(r"""\$origin\s*==\s*["']([^"']*)["']""")
_MATCHES: Final = re.compile(r"""\$origin\.matches\(\s*["']([^"']*)["']\s*\)""")
GATEWAY: Final = "gatewayresponse.header."
MARK: Final = "Access-Control-Allow-Origin"  # a cheap sniff: a file that never names it sets none
_INPUT: Final = re.compile(r"\$input\.params|\$origin|\$method\.request", re.I)
JAVA_REGEX: Final = Engine("vtl-java-regex", MatchMode.FULL, case_sensitive=True)
TEMPLATE_NOTE: Final = "a response template sends the request's Origin back when it passes this check"
METHOD: Final = "method.response.header."  # a method response's header parameters


@dataclass(slots=True)
class Response:
    """One integration (or gateway) response's CORS: its parameters and templates, as written."""

    parameters: Node | None
    templates: Node | None
    location: Location
    name: str
    prefix: str = METHOD  # `gatewayresponse.header.` for gateway responses


def _header(parameters: Node | None, prefix: str, name: str) -> tuple[Location, Node] | None:
    if parameters is None or not isinstance(parameters.value, dict):
        return None
    for key, value in parameters.value.items():
        if key.lower() == prefix.lower() + name:
            return parameters.key_locations[key], value
    return None


def mentions(response: Response) -> bool:
    """Whether this response sets `Access-Control-Allow-Origin` at all."""
    if _header(response.parameters, response.prefix, _HEADER) is not None:
        return True
    return any(_OVERRIDE.search(text) for _at, text in _templates(response.templates))


def _templates(templates: Node | None) -> list[tuple[Location, str]]:
    if templates is None or not isinstance(templates.value, dict):
        return []
    return [(node.location, node.value) for node in templates.value.values() if isinstance(node.value, str)]


def context(response: Response, reader: Reader) -> CorsContext | None:
    """What the response sends: its static header, and the origins a template echoes."""
    if not mentions(response):
        return None
    problems = reader.problems
    matchers: list[OriginMatcher] = []
    headers: tuple[HeaderLine, ...] = ()
    rejected = None
    found = _header(response.parameters, response.prefix, _HEADER)
    if found is not None:
        key_at, value = found
        for text in reader.texts("Access-Control-Allow-Origin", value):
            static = rest_api.mapping_value(
                "Access-Control-Allow-Origin",
                text.text,
                text.location,
                key_at,
                problems,
                request=response.prefix == GATEWAY,
            )
            matchers.extend(static.matchers)
            headers = static.headers
            rejected = rejected or static.refused
    for at, template in _templates(response.templates):
        matchers.extend(_echoed(template, at, problems))
    vary = _header(response.parameters, response.prefix, "vary")
    varies = None
    if vary is not None:  # a static `'Origin'` (or a list holding it) the response sends
        texts = reader.texts("Vary", vary[1])
        said = any(
            "origin" in [w.strip().lower() for w in t.text.strip().strip("'").split(",")] for t in texts
        )
        varies = Setting(True, vary[1].location) if said else None
    credentials: Setting[bool | None] = Setting(False)
    flag = _header(response.parameters, response.prefix, _CREDENTIALS)
    if flag is not None:
        texts = reader.texts("Access-Control-Allow-Credentials", flag[1])
        on = any(text.text.strip().strip("'").lower() == "true" for text in texts)
        credentials = Setting(on if texts else None, flag[1].location)
    return CorsContext(
        matchers,
        response.location,
        credentials=credentials,
        headers=headers,
        name=response.name,
        rejected=rejected,
        vary_origin=varies,
    )


def _echoed(template: str, at: Location, problems: list[InputProblem]) -> list[OriginMatcher]:
    """The origins a VTL template sends back in `Access-Control-Allow-Origin`."""
    override = _OVERRIDE.search(template)
    if override is None:
        return []
    scope = f"template@{at.line}"
    checks = [
        OriginMatcher(MatcherKind.EXACT, raw, at, EXACT_ENGINE, note=TEMPLATE_NOTE, scope=scope)
        for raw in _EQUALS.findall(template)
        if raw  # `$origin == ""`: the CDK's fallback to the lower-case header name
    ]
    checks += [
        OriginMatcher(MatcherKind.REGEX, raw, at, JAVA_REGEX, note=TEMPLATE_NOTE, scope=scope)
        for raw in _MATCHES.findall(template)
    ]
    if checks:
        return checks
    value = override.group(1)
    if "#if" not in template and _INPUT.search(value):
        note = "the response template sets `Access-Control-Allow-Origin` to the request's Origin, unchecked"
        return [OriginMatcher(MatcherKind.REFLECTED, value, at, note=note, scope=scope)]
    message = (
        f"a response template sets `Access-Control-Allow-Origin` to `{value}` in VTL origins-lint does not "
        "run, so the origins it sends were not analysed: review the template by hand"
    )
    problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, at))
    return []


def openapi_responses(root: Node, name: str | None) -> list[Response]:
    """A REST API definition's integration responses (`x-amazon-apigateway-integration` in each
    operation, https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration-responses.html)
    and gateway responses (`x-amazon-apigateway-gateway-responses` at the root)."""
    out: list[Response] = []
    paths = root.value.get("paths") if isinstance(root.value, dict) else None
    for path, item in paths.value.items() if paths is not None and isinstance(paths.value, dict) else []:
        for method, operation in item.value.items() if isinstance(item.value, dict) else []:
            integration = (
                operation.value.get("x-amazon-apigateway-integration")
                if isinstance(operation.value, dict)
                else None
            )
            responses = (
                integration.value.get("responses")
                if integration is not None and isinstance(integration.value, dict)
                else None
            )
            for status, response in (
                responses.value.items() if responses is not None and isinstance(responses.value, dict) else []
            ):
                label = f"{name + ' ' if name else ''}{method.upper()} {path} {status}"
                out.append(_written(response, label))
    gateway = (
        root.value.get("x-amazon-apigateway-gateway-responses") if isinstance(root.value, dict) else None
    )
    for kind, response in (
        gateway.value.items() if gateway is not None and isinstance(gateway.value, dict) else []
    ):
        out.append(_written(response, f"{name + ' ' if name else ''}gateway response {kind}", GATEWAY))
    return out


def _written(response: Node, label: str, prefix: str = METHOD) -> Response:
    """An OpenAPI integration or gateway response object as a `Response`."""
    values = response.value if isinstance(response.value, dict) else {}
    parameters, templates = values.get("responseParameters"), values.get("responseTemplates")
    return Response(parameters, templates, response.location, label, prefix)
