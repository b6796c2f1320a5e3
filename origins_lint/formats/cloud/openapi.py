"""OpenAPI (and Swagger) documents imported into API Gateway: `x-amazon-apigateway-cors`.

The extension sets an HTTP API's CORS when the document is imported (`allowOrigins`,
`allowCredentials`, `allowMethods`, `allowHeaders`, `exposeHeaders`, `maxAge`), and it is read at
the document's root only (AWS, "x-amazon-apigateway-cors object", https://docs.aws.amazon.com/
apigateway/latest/developerguide/api-gateway-swagger-extensions-cors-configuration.html): the same
semantics as `AWS::ApiGatewayV2::Api` `CorsConfiguration`, shared with the Terraform and
CloudFormation formats. SAM writes its `HttpApi` `CorsConfiguration` as this extension too
(samtranslator/open_api/open_api.py `OpenApiEditor.add_cors`). A document without the extension
says nothing about CORS: it is neither read nor counted as checked.

A CloudFormation template that inlines such a document (`DefinitionBody`, `Body`) is read by the
CloudFormation format, through `contexts`.
"""

from __future__ import annotations

import os
from typing import Final

from origins_lint.formats.base import UNCLAIMED, FormatOptions
from origins_lint.formats.cloud import aws, integration
from origins_lint.formats.cloud.intrinsics import TAGS, TYPED, Reader, Text
from origins_lint.formats.readers.json_tree import load_json
from origins_lint.formats.readers.tree import Node
from origins_lint.formats.readers.yaml_tree import load_documents
from origins_lint.model import (
    CorsContext,
    Document,
    InputProblem,
    Location,
    ParsedFile,
    ProblemKind,
    Setting,
)
from origins_lint.source import Source

NAME = "openapi"
EXTENSION: Final = "x-amazon-apigateway-cors"
_EXTENSIONS: Final = (".yaml", ".yml", ".json")


def wants(path: str) -> bool:
    return os.path.basename(path).lower().endswith(_EXTENSIONS)


def detect(path: str, text: str) -> bool:
    """A document with the extension that is not a CloudFormation template (which inlines it)."""
    name = os.path.basename(path).lower()
    serverless = name.startswith("serverless.") and name.count(".") == 1
    ours = EXTENSION in text or (integration.MARK in text and "x-amazon-apigateway-" in text)
    return wants(path) and not serverless and ours and TYPED.search(text) is None


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    if source.path.endswith(".json"):
        node, problems = load_json(source.path, source.text)
        roots = [node] if node is not None else []
    else:
        loaded = load_documents(source.path, source.text, TAGS)
        roots, problems = loaded.documents, loaded.problems
    result = ParsedFile(source.path, NAME, problems=list(problems))
    reader = Reader(result.problems)
    for root in roots:
        document = Document(source.path, NAME, root.location)
        document.contexts.extend(contexts(root, reader, _title(root)))
        if document.contexts:
            result.documents.append(document)
    if not result.documents and not result.problems:
        return ParsedFile(source.path, UNCLAIMED)  # the word only, in a description: not ours
    return result


def _title(root: Node) -> str | None:
    info = root.value.get("info") if isinstance(root.value, dict) else None
    title = info.value.get("title") if info is not None and isinstance(info.value, dict) else None
    return f"OpenAPI {title.value}" if title is not None and isinstance(title.value, str) else None


def contexts(root: Node, reader: Reader, name: str | None) -> list[CorsContext]:
    """The API's CORS: an HTTP API's root `x-amazon-apigateway-cors`, a REST API's integration and
    gateway responses that set `Access-Control-Allow-Origin` (`integration`)."""
    if not isinstance(root.value, dict):
        return []
    out = [
        found
        for response in integration.openapi_responses(root, name)
        if (found := integration.context(response, reader))
    ]
    return [*_extension(root, reader, name), *out]


def _extension(root: Node, reader: Reader, name: str | None) -> list[CorsContext]:
    cors = root.value.get(EXTENSION)
    if cors is None:
        return []
    problems = reader.problems
    if not isinstance(cors.value, dict):
        message = f"`{EXTENSION}` must be a mapping (`allowOrigins:`, `allowCredentials:`...)"
        problems.append(InputProblem(ProblemKind.SCHEMA, message, cors.location))
        return []
    values: dict[str, Node] = cors.value
    before = len(problems)
    origins = values.get("allowOrigins")
    texts = reader.items("allowOrigins", origins) if origins is not None else []
    partial = len(problems) > before
    if texts is None and origins is not None:
        message = "`allowOrigins` must be a list of origins"
        problems.append(InputProblem(ProblemKind.SCHEMA, message, origins.location))
    credentials: Setting[bool | None] = Setting(False)
    flag_node = values.get("allowCredentials")
    if flag_node is not None:
        flag = reader.flag("allowCredentials", flag_node)
        if flag is None:
            message = f"`allowCredentials` must be true or false, not {flag_node.plain()!r}"
            problems.append(InputProblem(ProblemKind.SCHEMA, message, flag_node.location))
            flag = Setting(None, flag_node.location)
        credentials = flag
    return [http_api(texts or [], credentials, cors.location, problems, name, "allowOrigins", partial)]


def http_api(
    origins: list[Text],
    credentials: Setting[bool | None],
    location: Location,
    problems: list[InputProblem],
    name: str | None,
    key: str,
    partial: bool = False,
) -> CorsContext:
    """An HTTP API's CORS as `aws.apigatewayv2` reads it (shared with Terraform), its refusals
    added to ``problems``: for this extension, SAM's `HttpApi` and Serverless's `httpApi`."""
    read = aws.apigatewayv2(aws.Cors(origins, location, credentials, name=name, partial=partial), key)
    problems.extend(read.problems)
    return read.context
