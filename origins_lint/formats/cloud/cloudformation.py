"""CloudFormation and SAM templates (YAML or JSON, CDK's `cdk.out/*.template.json` too): the CORS
settings of the resources that have one.

- `AWS::Serverless::Api` `Cors` (and `Globals.Api.Cors`): a REST API; SAM writes `AllowOrigin`
  verbatim as the static header of a generated `OPTIONS` mock (see `rest_api`), so it must be
  quoted the SAM way (`"'https://x.com'"`). A string `Cors` is its `AllowOrigin`; an object's
  `AllowOrigin` defaults to `'*'`. SAM refuses, at transform (deploy) time: `AllowCredentials:
  true` with `AllowOrigin` `'*'` or unset, a key it does not know, and `Cors` without an inline
  `DefinitionBody` (samtranslator/model/api/api_generator.py `ApiGenerator._add_cors`).
- `AWS::Serverless::HttpApi` `CorsConfiguration` (and `Globals.HttpApi`): `true` means origin
  `*`; an object's `AllowOrigins` has no default; SAM writes it as `x-amazon-apigateway-cors` and
  refuses `AllowCredentials: true` with `AllowOrigins: ["*"]` (samtranslator/model/api/
  http_api_generator.py `HttpApiGenerator._add_cors`). It is then an HTTP API's CORS.
- `AWS::ApiGatewayV2::Api` `CorsConfiguration`, `AWS::S3::Bucket` `CorsConfiguration.CorsRules`,
  `AWS::Lambda::Url` `Cors` (and SAM's `FunctionUrlConfig.Cors`), `AWS::CloudFront::
  ResponseHeadersPolicy` `ResponseHeadersPolicyConfig.CorsConfig`: each service's semantics are
  shared with the Terraform format (`aws`).
- An inline OpenAPI body (`DefinitionBody`, `Body`) with `x-amazon-apigateway-cors` is read as
  the OpenAPI format reads it.

Intrinsic functions (`!Ref`, `!Sub`, `!If`...) are read, never run (`intrinsics`): what depends
on a value known only at deploy time is OL004. A template without any of these settings is not
counted as checked.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Final

from origins_lint.formats.base import UNCLAIMED, FormatOptions
from origins_lint.formats.cloud import aws, integration, openapi, rest_api
from origins_lint.formats.cloud.intrinsics import TAGS, TYPED, Reader, Text, function
from origins_lint.formats.readers.json_tree import load_json
from origins_lint.formats.readers.tree import Node
from origins_lint.formats.readers.yaml_tree import load_documents
from origins_lint.model import (
    CorsContext,
    Document,
    InputProblem,
    Location,
    MatcherKind,
    ParsedFile,
    ProblemKind,
    Setting,
)
from origins_lint.source import Source

NAME = "cloudformation"
_EXTENSIONS: Final = (".yaml", ".yml", ".json", ".template")
_SAM_CORS_KEYS: Final = ("AllowMethods", "AllowHeaders", "AllowOrigin", "MaxAge", "AllowCredentials")
_HTTP_CORS_KEYS: Final = (
    "AllowMethods",
    "AllowHeaders",
    "AllowOrigins",
    "MaxAge",
    "ExposeHeaders",
    "AllowCredentials",
)
SAM_DEFAULT_ORIGIN: Final = "'*'"


@dataclass(frozen=True, slots=True)
class _Keys:
    """Where a resource type writes each CORS value (CloudFormation's property names)."""

    origins: tuple[str, ...]
    credentials: str | None = None
    methods: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    expose: tuple[str, ...] = ()
    max_age: str = "MaxAge"


_HTTP_API: Final = _Keys(
    ("AllowOrigins",), "AllowCredentials", ("AllowMethods",), ("AllowHeaders",), ("ExposeHeaders",)
)
_LAMBDA_URL: Final = _HTTP_API
_S3: Final = _Keys(
    ("AllowedOrigins",), None, ("AllowedMethods",), ("AllowedHeaders",), ("ExposedHeaders",), "MaxAge"
)
_CLOUDFRONT: Final = _Keys(
    ("AccessControlAllowOrigins", "Items"),
    "AccessControlAllowCredentials",
    ("AccessControlAllowMethods", "Items"),
    ("AccessControlAllowHeaders", "Items"),
    ("AccessControlExposeHeaders", "Items"),
    "AccessControlMaxAgeSec",
)


def wants(path: str) -> bool:
    name = os.path.basename(path).lower()
    return name.endswith(_EXTENSIONS) and not is_serverless(name)


def is_serverless(name: str) -> bool:
    """The Serverless Framework's file, read by its own format (its `resources` with this module)."""
    return name.startswith("serverless.") and name.count(".") == 1


def sniff(text: str) -> bool:
    """A template that may hold CORS: a resource typed `AWS::...` and the word `Cors` somewhere."""
    cors = "Cors" in text or openapi.EXTENSION in text or integration.MARK in text
    return cors and TYPED.search(text) is not None


def detect(path: str, text: str) -> bool:
    return wants(path) and sniff(text)


def load(path: str, text: str) -> tuple[list[Node], list[InputProblem]]:
    """The template's documents: JSON, or YAML with CloudFormation's short tags read as functions."""
    if path.endswith(".json") or (path.endswith(".template") and text.lstrip().startswith("{")):
        node, problems = load_json(path, text)
        return ([node] if node is not None else []), problems
    loaded = load_documents(path, text, TAGS)
    return loaded.documents, loaded.problems


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    documents, problems = load(source.path, source.text)
    result = ParsedFile(source.path, NAME, problems=list(problems))
    for root in documents:
        if not isinstance(root.value, dict):
            continue
        document = Document(source.path, NAME, root.location)
        template = Template(root, result.problems)
        document.contexts.extend(template.contexts())
        if document.contexts:
            result.documents.append(document)
    if not result.documents and not result.problems:
        return ParsedFile(source.path, UNCLAIMED)  # a template with no CORS: not counted as checked
    return result


def mapping(node: Node | None) -> dict[str, Node]:
    return node.value if node is not None and isinstance(node.value, dict) else {}


class Template:
    """One template's resources, read for CORS."""

    def __init__(self, root: Node, problems: list[InputProblem], system: str = "CloudFormation") -> None:
        self.root = root
        self.problems = problems
        self.read = Reader(problems, system)
        globals_ = mapping(mapping(root).get("Globals"))
        self.globals_api = mapping(globals_.get("Api")).get("Cors")
        self.globals_responses = mapping(globals_.get("Api")).get("GatewayResponses")
        self.globals_http = mapping(globals_.get("HttpApi")).get("CorsConfiguration")

    def contexts(self, resources: Node | None = None) -> list[CorsContext]:
        """Each resource's CORS; `Globals` applies to each SAM API that sets none of its own, and is
        read on its own for the implicit API SAM makes from functions' events when no API is declared."""
        out: list[CorsContext] = []
        found = resources if resources is not None else mapping(self.root).get("Resources")
        types = {
            str(mapping(resource).get("Type", Node(None, self.root.location)).value)
            for resource in mapping(found).values()
        }
        if self.globals_api is not None and "AWS::Serverless::Api" not in types:
            out.extend(self.sam_rest(self.globals_api, None, "Globals.Api (the implicit API)"))
        if self.globals_http is not None and "AWS::Serverless::HttpApi" not in types:
            out.extend(self.sam_http(self.globals_http, "Globals.HttpApi (the implicit API)"))
        for logical_id, resource in mapping(found).items():
            kind = mapping(resource).get("Type")
            reader = _READERS.get(str(kind.value)) if kind is not None else None
            properties = mapping(resource).get("Properties")
            if properties is None and kind is not None and str(kind.value).startswith("AWS::Serverless::"):
                properties = Node({}, resource.location)  # `Globals` still apply
            if reader is not None and properties is not None and isinstance(properties.value, dict):
                out.extend(reader(self, properties, f"{kind.value if kind else ''} {logical_id}"))
        return out

    def problem(self, kind: ProblemKind, message: str, location: Location) -> None:
        self.problems.append(InputProblem(kind, message, location))

    # --- SAM -------------------------------------------------------------------------------------
    def serverless_api(self, properties: Node, name: str) -> list[CorsContext]:
        values = mapping(properties)
        out = list(self.body(values.get("DefinitionBody"), name))
        out.extend(self.sam_gateway_responses(values.get("GatewayResponses") or self.globals_responses, name))
        cors = values.get("Cors")
        globals_cors = self.globals_api
        if cors is None:
            cors, globals_cors = self.globals_api, None  # SAM copies `Globals.Api.Cors` here
        if cors is None:
            return out
        if values.get("DefinitionBody") is None and values.get("DefinitionUri") is not None:
            message = (
                f"{rest_api.DEPLOY_REFUSED}: SAM adds `Cors` only to an inline `DefinitionBody` "
                "(\"Cors works only with inline Swagger specified in 'DefinitionBody' property\"); "
                "inline the definition, or write the `OPTIONS` method in it yourself"
            )
            self.problem(ProblemKind.SCHEMA, message, cors.location)
            refused = self.sam_rest(cors, globals_cors, name)
            for context in refused:  # SAM refuses the template: nothing of it deploys
                context.rejected, context.matchers = context.rejected or message, []
            return [*out, *refused]
        out.extend(self.sam_rest(cors, globals_cors, name))
        return out

    def sam_gateway_responses(self, responses: Node | None, name: str) -> list[CorsContext]:
        """SAM `GatewayResponses`: each response's `ResponseParameters.Headers` become
        `gatewayresponse.header.<name>` with the value as written (samtranslator/model/
        apigateway.py `ApiGatewayResponse._add_prefixes`), read as a gateway response is."""
        out: list[CorsContext] = []
        for kind, response in mapping(responses).items():
            values = mapping(response)
            written = mapping(values.get("ResponseParameters")).get("Headers")
            headers = mapping(written)
            prefixed = {integration.GATEWAY + key: node for key, node in headers.items()}
            places = written.key_locations if written is not None else {}
            parameters = Node(
                prefixed,
                written.location if written is not None else response.location,
                {integration.GATEWAY + key: places.get(key, node.location) for key, node in headers.items()},
            )
            found = integration.Response(
                parameters,
                values.get("ResponseTemplates"),
                response.location,
                f"{name} gateway response {kind}",
                integration.GATEWAY,
            )
            context = integration.context(found, self.read)
            if context is not None:
                out.append(context)
        return out

    def sam_rest(self, cors: Node, globals_cors: Node | None, name: str) -> list[CorsContext]:
        """`Cors` of a SAM REST API: a string (its `AllowOrigin`) or an object, over `Globals`."""
        unknown_key: str | None = None  # SAM refuses the template: nothing of it deploys
        if isinstance(cors.value, str) or function(cors) is not None:
            values: dict[str, Node] = {"AllowOrigin": cors}
            key_at = {"AllowOrigin": cors.location}
        elif isinstance(cors.value, dict):
            values = dict(mapping(globals_cors))  # SAM merges a `Globals` mapping under the resource's
            key_at = dict(globals_cors.key_locations if globals_cors is not None else {})
            values.update(cors.value)
            key_at.update(cors.key_locations)
            for key in cors.value:
                if key not in _SAM_CORS_KEYS:
                    message = (
                        f'{rest_api.DEPLOY_REFUSED}: SAM knows no `{key}` in `Cors` ("Invalid key '
                        f"'{key}' for 'Cors' property\"); use {', '.join(f'`{k}`' for k in _SAM_CORS_KEYS)}"
                    )
                    self.problem(ProblemKind.SCHEMA, message, cors.key_locations[key])
                    unknown_key = unknown_key or message
        else:
            message = (
                f"{rest_api.DEPLOY_REFUSED}: SAM takes a string (the allowed origin, `\"'https://x.com'\"`) "
                "or a mapping for `Cors` (\"Invalid value for 'Cors' property\")"
            )
            self.problem(ProblemKind.SCHEMA, message, cors.location)
            return []
        credentials = self._credentials(values.get("AllowCredentials"))
        origin = values.get("AllowOrigin")
        statics: list[rest_api.Static] = []
        if origin is None:
            at = cors.location
            static = rest_api.static_header("*", at, at, f"rest-api@{at.line}")
            for matcher in static.matchers:
                matcher.from_default = True
            statics.append(static)
        else:
            for text in self.read.texts("AllowOrigin", origin):
                where = key_at.get("AllowOrigin", text.location)
                static = rest_api.mapping_value(
                    "AllowOrigin", text.text, text.location, where, self.read.problems
                )
                statics.append(static)
        rejected = next((s.refused for s in statics if s.refused), unknown_key)
        # SAM compares the value with `'*'` as written (`properties.AllowOrigin == _CORS_WILDCARD`)
        wildcard = origin is None or origin.value == SAM_DEFAULT_ORIGIN
        if credentials.value is True and wildcard:
            rejected = (
                f"{rest_api.DEPLOY_REFUSED}: SAM refuses `AllowCredentials: true` with `AllowOrigin` "
                "`'*'` or unset (\"'AllowCredentials' can not be true when 'AllowOrigin' is \\\"'*'\\\" "
                'or not set"); list the one origin that needs credentials'
            )
            at = origin.location if origin is not None else cors.location
            self.problem(ProblemKind.SCHEMA, rejected, at)
        matchers = [m for s in statics for m in s.matchers]
        if rejected is not None:
            matchers = [m for m in matchers if m.kind is not MatcherKind.ANY]
        return [
            CorsContext(
                matchers,
                cors.location,
                credentials=credentials,
                allow_methods=self._quoted_list(values.get("AllowMethods")),
                allow_headers=self._quoted_list(values.get("AllowHeaders")),
                max_age=self._max_age(values.get("MaxAge")),
                headers=tuple(h for s in statics for h in s.headers),
                name=name,
                rejected=rejected,
            )
        ]

    def serverless_http_api(self, properties: Node, name: str) -> list[CorsContext]:
        values = mapping(properties)
        out = list(self.body(values.get("DefinitionBody"), name))
        cors = values.get("CorsConfiguration", self.globals_http)
        if cors is not None:
            out.extend(self.sam_http(cors, name))
        return out

    def sam_http(self, cors: Node, name: str) -> list[CorsContext]:
        """SAM `CorsConfiguration`: `true` is origin `*`; an object is an HTTP API's CORS."""
        if cors.value is True:
            origins = [Text("*", cors.location)]
            context = openapi.http_api(origins, Setting(False), cors.location, self.problems, name, "")
            for matcher in context.matchers:
                matcher.from_default = True
            return [context]
        if cors.value is False:
            return []
        return self.shared(cors, "CorsConfiguration", name, _HTTP_API, _APIGATEWAYV2)

    # --- resources shared with Terraform (aws) ---------------------------------------------------
    def apigatewayv2_api(self, properties: Node, name: str) -> list[CorsContext]:
        values = mapping(properties)
        out = list(self.body(values.get("Body"), name))
        cors = values.get("CorsConfiguration")
        if cors is not None:
            out.extend(self.shared(cors, "CorsConfiguration", name, _HTTP_API, _APIGATEWAYV2))
        return out

    def s3_bucket(self, properties: Node, name: str) -> list[CorsContext]:
        rules = mapping(mapping(properties).get("CorsConfiguration")).get("CorsRules")
        if rules is None:
            return []
        if function(rules) is not None or not isinstance(rules.value, list):
            if function(rules) is not None:
                self.read.unknown("CorsRules", rules)
            else:
                self.problem(ProblemKind.SCHEMA, "`CorsRules` must be a list of rules", rules.location)
            return []
        out: list[CorsContext] = []
        for index, rule in enumerate(rules.value):
            out.extend(self.shared(rule, "CorsRules", f"{name} CorsRules[{index}]", _S3, aws.s3))
        return out

    def lambda_url(self, properties: Node, name: str) -> list[CorsContext]:
        cors = mapping(properties).get("Cors")
        return [] if cors is None else self.shared(cors, "Cors", name, _LAMBDA_URL, _LAMBDA_URL_READ)

    def serverless_function(self, properties: Node, name: str) -> list[CorsContext]:
        """SAM's `FunctionUrlConfig.Cors` is an `AWS::Lambda::Url`'s `Cors`."""
        cors = mapping(mapping(properties).get("FunctionUrlConfig")).get("Cors")
        return [] if cors is None else self.shared(cors, "Cors", name, _LAMBDA_URL, _LAMBDA_URL_READ)

    def cloudfront_policy(self, properties: Node, name: str) -> list[CorsContext]:
        cors = mapping(mapping(properties).get("ResponseHeadersPolicyConfig")).get("CorsConfig")
        if cors is None:
            return []
        override = mapping(cors).get("OriginOverride")
        flag = self.read.flag("OriginOverride", override) if override is not None else None
        known = Setting(flag.value, flag.location) if flag is not None and flag.value is not None else None

        def read(found: aws.Cors) -> aws.Read:
            return aws.cloudfront(found, known)

        return self.shared(cors, "CorsConfig", name, _CLOUDFRONT, read)

    def shared(
        self, cors: Node, what: str, name: str, keys: _Keys, service: Callable[[aws.Cors], aws.Read]
    ) -> list[CorsContext]:
        """A CORS block whose semantics `aws` holds: read into its `Cors`, handed to the service."""
        if function(cors) is not None:
            self.read.unknown(what, cors)
            return []
        if not isinstance(cors.value, dict):
            self.problem(ProblemKind.SCHEMA, f"`{what}` must be a mapping", cors.location)
            return []
        before = len(self.problems)
        origins_node = _at(cors, keys.origins)
        texts = self.read.items(keys.origins[0], origins_node) if origins_node is not None else []
        partial = len(self.problems) > before
        if texts is None and origins_node is not None:
            message = f"`{'.'.join(keys.origins)}` must be a list of origins"
            self.problem(ProblemKind.SCHEMA, message, origins_node.location)
        credentials_node = _at(cors, (keys.credentials,)) if keys.credentials else None
        credentials = None  # not written: each service applies its default
        if credentials_node is not None and keys.credentials is not None:
            credentials = self._credentials(credentials_node, keys.credentials)
        found = aws.Cors(
            texts or [],
            cors.location,
            credentials=credentials,
            methods=self._strings(_at(cors, keys.methods)),
            headers=self._strings(_at(cors, keys.headers)),
            expose=self._strings(_at(cors, keys.expose)),
            max_age=self._number(_at(cors, (keys.max_age,))),
            name=name,
            partial=partial,
        )
        read = service(found)
        self.problems.extend(read.problems)
        return [read.context]

    def rest_method(self, properties: Node, name: str) -> list[CorsContext]:
        """A REST API method's integration responses (CDK's `addCorsPreflight` writes these)."""
        values = mapping(properties)
        verb = values.get("HttpMethod")
        label = f"{name} {verb.value}" if verb is not None and isinstance(verb.value, str) else name
        responses = mapping(values.get("Integration")).get("IntegrationResponses")
        out: list[CorsContext] = []
        for response in (
            responses.value if responses is not None and isinstance(responses.value, list) else []
        ):
            fields = mapping(response)
            status = fields.get("StatusCode")
            found = integration.Response(
                fields.get("ResponseParameters"),
                fields.get("ResponseTemplates"),
                response.location,
                f"{label} {status.value}" if status is not None else label,
            )
            context = integration.context(found, self.read)
            if context is not None:
                out.append(context)
        return out

    def gateway_response(self, properties: Node, name: str) -> list[CorsContext]:
        values = mapping(properties)
        found = integration.Response(
            values.get("ResponseParameters"),
            values.get("ResponseTemplates"),
            properties.location,
            name,
            integration.GATEWAY,
        )
        context = integration.context(found, self.read)
        return [] if context is None else [context]

    def body(self, body: Node | None, name: str) -> list[CorsContext]:
        """An inline OpenAPI definition's `x-amazon-apigateway-cors`."""
        if body is None or not isinstance(body.value, dict):
            return []
        return openapi.contexts(body, self.read, name)

    # --- values ----------------------------------------------------------------------------------
    def _credentials(self, node: Node | None, what: str = "AllowCredentials") -> Setting[bool | None]:
        if node is None:
            return Setting(False)
        flag = self.read.flag(what, node)
        if flag is None:
            message = f"`{what}` must be true or false, not {node.plain()!r}"
            self.problem(ProblemKind.SCHEMA, message, node.location)
            return Setting(None, node.location)
        return flag

    def _strings(self, node: Node | None) -> Setting[tuple[str, ...]] | None:
        if node is None or not isinstance(node.value, list):
            return None
        items = tuple(str(item.value) for item in node.value if isinstance(item.value, str))
        return Setting(items, node.location) if len(items) == len(node.value) else None

    def _number(self, node: Node | None) -> Setting[int] | None:
        return None if node is None else self.read.number("MaxAge", node)

    def _quoted_list(self, node: Node | None) -> Setting[tuple[str, ...]] | None:
        texts = self.read.texts("Cors", node) if node is not None else []
        if node is None or len(texts) != 1:
            return None
        items = texts[0].text.strip().strip("'")
        return Setting(tuple(item.strip() for item in items.split(",") if item.strip()), node.location)

    def _max_age(self, node: Node | None) -> Setting[int] | None:
        if node is None:
            return None
        if isinstance(node.value, str):  # SAM passes it through: `"'600'"` is the header's text
            digits = node.value.strip().strip("'")
            return Setting(int(digits), node.location) if digits.isdigit() and len(digits) < 12 else None
        return self.read.number("MaxAge", node)


_APIGATEWAYV2: Final = partial(aws.apigatewayv2, key="AllowOrigins")
_LAMBDA_URL_READ: Final = partial(aws.lambda_url, key="AllowOrigins")


def _at(node: Node, path: tuple[str, ...]) -> Node | None:
    found: Node | None = node
    for key in path:
        found = mapping(found).get(key)
    return found if path else None


_READERS: Final[dict[str, Callable[[Template, Node, str], list[CorsContext]]]] = {
    "AWS::Serverless::Api": Template.serverless_api,
    "AWS::Serverless::HttpApi": Template.serverless_http_api,
    "AWS::Serverless::Function": Template.serverless_function,
    "AWS::ApiGatewayV2::Api": Template.apigatewayv2_api,
    "AWS::S3::Bucket": Template.s3_bucket,
    "AWS::Lambda::Url": Template.lambda_url,
    "AWS::CloudFront::ResponseHeadersPolicy": Template.cloudfront_policy,
    "AWS::ApiGateway::Method": Template.rest_method,
    "AWS::ApiGateway::GatewayResponse": Template.gateway_response,
    "AWS::ApiGateway::RestApi": lambda template, properties, name: template.body(
        mapping(properties).get("Body"), name
    ),
}
