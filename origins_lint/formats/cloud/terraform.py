"""Terraform resources that declare CORS on AWS, Azure, Google Cloud and Kubernetes.

The Terraform format (`formats/terraform.py`) hands each resource of a type in ``READERS``
here, one `for_each` instance at a time; this module reads its values (each origin at its own
line and column) into a ``service.Cors`` and lets the service's module (`aws`, `azure`, `gcp`)
say what it means. Attribute and block names are the providers' schemas:
hashicorp/terraform-provider-aws (internal/service/s3/bucket_cors_configuration.go,
s3/bucket.go `cors_rule`, apigatewayv2/api.go `cors_configuration`, lambda/function_url.go
`cors`, cloudfront/response_headers_policy.go `cors_config`), hashicorp/terraform-provider-azurerm
(appservice `site_config.cors`, storage `blob_properties`/`queue_properties`/`share_properties`
`cors_rule`), hashicorp/terraform-provider-google (`google_storage_bucket` `cors`).

A value the file does not fix (an input variable, another resource's attribute) is OL004 and
not guessed; a `dynamic` CORS block likewise. Kubernetes resources go through the readers of
`formats/kubernetes/` (``kubernetes_terraform``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from origins_lint.formats.cloud import aws, azure, gcp, integration, openapi
from origins_lint.formats.cloud import kubernetes_terraform as kubernetes
from origins_lint.formats.cloud.intrinsics import Reader as TemplateReader
from origins_lint.formats.cloud.service import Cors, Item, Read
from origins_lint.formats.readers import manifests
from origins_lint.formats.readers.hcl_resource import Resource
from origins_lint.formats.readers.hcl_values import Block, Unresolved, Value
from origins_lint.formats.readers.tree import Node
from origins_lint.model import PLACEHOLDER, CorsContext, Location, ProblemKind, Setting
from origins_lint.template_origin import decides_exact

Reader = Callable[[Resource], list[CorsContext]]


# resources that hold a whole Kubernetes object, of any kind: read whatever keys they show
_ANY_OBJECT: Final = ("kubernetes_manifest", "kubectl_manifest")
_MARKS: Final = ("cors", "Cors", "CORS", "nginx.ingress.kubernetes.io", "Access-Control-")


def sniff(text: str) -> bool:
    """A resource type read here and a CORS key (or an ingress-nginx annotation, whose snippets
    may set CORS headers), or any `kubernetes_manifest`: cheap, before any parse. A manifest read
    from a file (`yamldecode(file(...))`) shows no CORS key in the `.tf` and is still said
    (OL004), as it is beside a resource that has one; a literal manifest with no CORS kind
    parses to nothing and the file stays unclaimed."""
    if "kubernetes_manifest" in text or "kubectl_manifest" in text:
        return True
    return any(kind in text for kind in READERS) and any(mark in text for mark in _MARKS)


def wanted(kind: str, body: str) -> bool:
    """Whether a resource of ``kind`` written as ``body`` is read here: one with a CORS key, or
    any `kubernetes_manifest` (its manifest may come from a file: said as OL004)."""
    return kind in READERS and (kind in _ANY_OBJECT or sniff(body))


class _Values:
    """Reading one resource's CORS values, each with its location, saying what is not analysed."""

    def __init__(self, resource: Resource) -> None:
        self.resource = resource

    def name(self, where: str) -> str:
        each = self.resource.evaluator.each
        key = f'["{each.key.data}"]' if each is not None else ""
        return f"{self.resource.address}{key} {where}".strip()

    def blocks(self, parent: Block, kind: str) -> list[Block]:
        """The `kind` blocks of ``parent``; a `dynamic "kind"` block is said (OL004), not read."""
        for block in parent.blocks:
            if block.type == "dynamic" and block.labels == (kind,):
                self.resource.note(
                    ProblemKind.NOT_ANALYSED,
                    f'a `dynamic "{kind}"` block was not analysed; write the block out so origins-lint '
                    "can check its origins",
                    block.location,
                )
        return [block for block in parent.blocks if block.type == kind]

    def value(self, block: Block, key: str) -> Value | Unresolved | None:
        attribute = block.attributes.get(key)
        if attribute is None:
            return None
        return self.resource.evaluator.evaluate(attribute.expression)

    def unresolved(self, key: str, value: Unresolved) -> None:
        self.resource.note(
            ProblemKind.NOT_ANALYSED,
            f"`{key}` was not analysed: {value.reason}; check the value it gets by hand, "
            "or write it literally",
            value.location,
        )

    def origins(self, block: Block, key: str) -> tuple[list[Item], bool]:
        """The origins of a list attribute, and whether some were not analysed (OL004 said). The
        items are read one by one (``Evaluator.lenient``): an item only Terraform knows
        (`var.frontend_origin`, `"https://${azurerm_linux_web_app.app.default_hostname}"`) is
        said at its own column, and judged by its fixed text where that decides (`http://${x}` is
        plain HTTP whatever `x` is), while the literal items beside it are checked as usual."""
        attribute = block.attributes.get(key)
        if attribute is None:
            return [], False
        value = self.resource.evaluator.lenient(attribute.expression)
        if isinstance(value, Unresolved):
            self.unresolved(key, value)
            return [], True
        data = value.data if isinstance(value.data, list) else [value]
        items: list[Item] = []
        partial = False
        for entry in data:
            if not isinstance(entry.data, str):
                self.resource.note(
                    ProblemKind.SCHEMA, f"`{key}` must list strings, not {entry.data!r}", entry.location
                )
            elif PLACEHOLDER.search(entry.data) is None:
                items.append(Item(entry.data, entry.location))
            else:  # `${...}`: what Terraform computes, kept in place by the lenient reading
                partial = True
                if decides_exact(entry.data):
                    items.append(Item(entry.data, entry.location))
                else:
                    message = (
                        f"`{key}` item `{entry.data}` is known only when Terraform runs, so the origins it "
                        "allows were not analysed; check the value it gets, or write it literally"
                    )
                    self.resource.note(ProblemKind.NOT_ANALYSED, message, entry.location)
        return items, partial

    def flag(self, block: Block, key: str) -> Setting[bool | None] | None:
        value = self.value(block, key)
        if value is None:
            return None
        if isinstance(value, Unresolved):
            self.unresolved(key, value)
            return Setting(None, value.location)  # unknown counts as possible credentials
        if isinstance(value.data, bool):
            return Setting(value.data, value.location)
        if isinstance(value.data, str) and value.data in ("true", "false"):
            return Setting(value.data == "true", value.location)
        self.resource.note(ProblemKind.SCHEMA, f"`{key}` must be true or false", value.location)
        return Setting(None, value.location)

    def words(self, block: Block, key: str) -> Setting[tuple[str, ...]] | None:
        value = self.value(block, key)
        if value is None or isinstance(value, Unresolved):
            return None
        data = value.data if isinstance(value.data, list) else [value]
        return Setting(
            tuple(str(entry.data) for entry in data if isinstance(entry.data, str)), value.location
        )

    def seconds(self, block: Block, key: str) -> Setting[int] | None:
        value = self.value(block, key)
        if value is None or isinstance(value, Unresolved) or isinstance(value.data, bool):
            return None
        if isinstance(value.data, int):
            return Setting(value.data, value.location)
        return None

    def cors(self, block: Block, where: str, keys: dict[str, str]) -> Cors:
        """A ``Cors`` from ``block`` with the provider's key names for origins, credentials,
        methods, headers, expose headers and max age (``keys``; a missing one is not read)."""
        origins, partial = self.origins(block, keys["origins"])
        return Cors(
            origins=origins,
            location=block.location,
            credentials=self.flag(block, keys["credentials"]) if "credentials" in keys else None,
            methods=self.words(block, keys["methods"]) if "methods" in keys else None,
            headers=self.words(block, keys["headers"]) if "headers" in keys else None,
            expose=self.words(block, keys["expose"]) if "expose" in keys else None,
            max_age=self.seconds(block, keys["max_age"]) if "max_age" in keys else None,
            name=self.name(where),
            partial=partial,
        )

    def finish(self, read: Read) -> CorsContext:
        self.resource.problems.extend(read.problems)
        return read.context


_S3_KEYS: Final = {
    "origins": "allowed_origins",
    "methods": "allowed_methods",
    "headers": "allowed_headers",
    "expose": "expose_headers",
    "max_age": "max_age_seconds",
}
_APIGW_KEYS: Final = {
    "origins": "allow_origins",
    "credentials": "allow_credentials",
    "methods": "allow_methods",
    "headers": "allow_headers",
    "expose": "expose_headers",
    "max_age": "max_age",
}
_AZURE_STORAGE_KEYS: Final = {
    "origins": "allowed_origins",
    "methods": "allowed_methods",
    "headers": "allowed_headers",
    "expose": "exposed_headers",
    "max_age": "max_age_in_seconds",
}
_GCS_KEYS: Final = {
    "origins": "origin",
    "methods": "method",
    "expose": "response_header",
    "max_age": "max_age_seconds",
}


def _s3(resource: Resource) -> list[CorsContext]:
    """`aws_s3_bucket_cors_configuration` `cors_rule` blocks, or the legacy `aws_s3_bucket`'s."""
    values = _Values(resource)
    rules = values.blocks(resource.block, "cors_rule")
    return [
        values.finish(aws.s3(values.cors(rule, f"cors_rule[{index}]", _S3_KEYS)))
        for index, rule in enumerate(rules)
    ]


def _apigatewayv2(resource: Resource) -> list[CorsContext]:
    values = _Values(resource)
    return [
        values.finish(aws.apigatewayv2(values.cors(block, "cors_configuration", _APIGW_KEYS)))
        for block in values.blocks(resource.block, "cors_configuration")
    ] + _openapi_body(resource)


def _openapi_body(resource: Resource) -> list[CorsContext]:
    """`body` of `aws_apigatewayv2_api` / `aws_api_gateway_rest_api`: the OpenAPI definition the
    provider imports into the API, read as CloudFormation's `Body` is (``openapi.contexts``: an
    HTTP API's `x-amazon-apigateway-cors`, a REST API's integration and gateway responses), from a
    heredoc at its lines or from `jsonencode({...})`; one Terraform computes (`file(...)`,
    `templatefile(...)`) is OL004. Both it and `cors_configuration` are read when both are set."""
    value = kubernetes.lenient_value(resource, "body")
    if value is None:
        return []
    reader = TemplateReader(resource.problems, "Terraform")
    roots = kubernetes.documents(resource, value)
    return [context for root in roots for context in openapi.contexts(root, reader, resource.address)]


def _lambda_url(resource: Resource) -> list[CorsContext]:
    values = _Values(resource)
    return [
        values.finish(aws.lambda_url(values.cors(block, "cors", _APIGW_KEYS)))
        for block in values.blocks(resource.block, "cors")
    ]


def _api_gateway_response(resource: Resource) -> list[CorsContext]:
    """`aws_api_gateway_gateway_response` and `aws_api_gateway_integration_response`: their
    `response_parameters` and `response_templates` maps, read as CloudFormation's
    `AWS::ApiGateway::GatewayResponse` and a method's integration response are (``integration``:
    a gateway response may copy the request's `Origin`, `method.request.header.origin`)."""
    values = _Values(resource)
    gateway = resource.type == "aws_api_gateway_gateway_response"
    maps: list[Node | None] = []
    for key in ("response_parameters", "response_templates"):
        value = values.value(resource.block, key)
        if isinstance(value, Unresolved):
            values.unresolved(key, value)
            return []
        maps.append(kubernetes.node(value) if value is not None else None)
    found = integration.Response(
        maps[0],
        maps[1],
        resource.block.location,
        values.name(""),
        integration.GATEWAY if gateway else integration.METHOD,
    )
    context = integration.context(found, TemplateReader(resource.problems, "Terraform"))
    return [] if context is None else [context]


def _cloudfront(resource: Resource) -> list[CorsContext]:
    """`cors_config` with `access_control_allow_origins { items = [...] }` and friends."""
    values = _Values(resource)
    out: list[CorsContext] = []
    for config in values.blocks(resource.block, "cors_config"):
        cors = Cors(origins=[], location=config.location, name=values.name("cors_config"))
        for kind, key in (
            ("access_control_allow_origins", "origins"),
            ("access_control_allow_methods", "methods"),
            ("access_control_allow_headers", "headers"),
            ("access_control_expose_headers", "expose"),
        ):
            for inner in values.blocks(config, kind):
                if key == "origins":
                    cors.origins, cors.partial = values.origins(inner, "items")
                else:
                    setattr(cors, key, values.words(inner, "items"))
        cors.credentials = values.flag(config, "access_control_allow_credentials")
        cors.max_age = values.seconds(config, "access_control_max_age_sec")
        override = values.flag(config, "origin_override")
        written = Setting(bool(override.value), override.location) if override is not None else None
        out.append(values.finish(aws.cloudfront(cors, written)))
    return out


def _app_service(resource: Resource) -> list[CorsContext]:
    """`site_config { cors { allowed_origins, support_credentials } }`."""
    values = _Values(resource)
    keys = {"origins": "allowed_origins", "credentials": "support_credentials"}
    return [
        values.finish(azure.app_service(values.cors(cors, "site_config.cors", keys)))
        for site in values.blocks(resource.block, "site_config")
        for cors in values.blocks(site, "cors")
    ]


def _storage_account(resource: Resource) -> list[CorsContext]:
    """`blob_properties`, `queue_properties` and `share_properties` `cors_rule` blocks."""
    values = _Values(resource)
    out: list[CorsContext] = []
    for service in ("blob_properties", "queue_properties", "share_properties"):
        for properties in values.blocks(resource.block, service):
            for index, rule in enumerate(values.blocks(properties, "cors_rule")):
                where = f"{service}.cors_rule[{index}]"
                out.append(values.finish(azure.storage(values.cors(rule, where, _AZURE_STORAGE_KEYS))))
    return out


def _storage_rules(resource: Resource) -> list[CorsContext]:
    """`azurerm_storage_account_queue_properties` / `..._blob_properties`-style resources that
    hold `cors_rule` blocks directly or under `queue_properties`/`blob_properties`."""
    values = _Values(resource)
    out = [
        values.finish(azure.storage(values.cors(rule, f"cors_rule[{index}]", _AZURE_STORAGE_KEYS)))
        for index, rule in enumerate(values.blocks(resource.block, "cors_rule"))
    ]
    return out + _storage_account(resource)


def _gcs(resource: Resource) -> list[CorsContext]:
    values = _Values(resource)
    return [
        values.finish(gcp.storage_bucket(values.cors(block, f"cors[{index}]", _GCS_KEYS)))
        for index, block in enumerate(values.blocks(resource.block, "cors"))
    ]


_CORS_ELEMENT: Final = re.compile(r"<cors\b([^>]*)>(.*?)</cors\s*>", re.DOTALL)
_ORIGIN_ELEMENT: Final = re.compile(r"<origin\s*>\s*(.*?)\s*</origin\s*>", re.DOTALL)
_CREDENTIALS_ATTRIBUTE: Final = re.compile(r"""allow-credentials\s*=\s*\\?["']([^"'\\]*)""")


def _api_management_policy(resource: Resource) -> list[CorsContext]:
    """The `<cors>` elements of a policy's `xml_content`, read in the file's own text so that each
    `<origin>` is located; a policy from a file or a variable, an origin or `allow-credentials`
    holding an interpolation or a policy expression (`@(...)`), is OL004."""
    attribute = resource.block.attributes.get("xml_content")
    if attribute is None:
        return []
    text = manifests.Text(resource.block.location.path, resource.source)
    at = attribute.location
    raw = resource.source[text.offset(at.line, at.column) : text.offset(at.end_line, at.end_column)]
    value = raw.split("=", 1)[1].lstrip() if "=" in raw else ""
    if not value.startswith(("<<", '"')):
        resource.note(
            ProblemKind.NOT_ANALYSED,
            f"`xml_content` was not analysed: `{value[:60]}` is known only when Terraform runs; check its "
            "`<cors>` policy by hand, or write it in the file",
            at,
        )
        return []
    start = text.offset(at.line, at.column)
    out: list[CorsContext] = []
    for element in _CORS_ELEMENT.finditer(raw):
        where = _span(text, start + element.start(), start + element.end())
        origins: list[Item] = []
        partial = False
        for origin in _ORIGIN_ELEMENT.finditer(raw, element.start(2), element.end(2)):
            spot = _span(text, start + origin.start(1), start + origin.end(1))
            written = origin.group(1)
            if "${" in written or "%{" in written or written.startswith("@"):
                resource.note(
                    ProblemKind.NOT_ANALYSED, f"the origin `{written}` is computed when it runs", spot
                )
                partial = True
                continue
            origins.append(Item(written, spot))
        credentials: Setting[bool | None] = Setting(False)
        flag = _CREDENTIALS_ATTRIBUTE.search(element.group(1))
        if flag is not None:
            flag_at = _span(
                text, start + element.start(1) + flag.start(1), start + element.start(1) + flag.end(1)
            )
            word = flag.group(1).strip().lower()
            if word in ("true", "false"):
                credentials = Setting(word == "true", flag_at)
            else:
                resource.note(
                    ProblemKind.NOT_ANALYSED,
                    f"`allow-credentials` `{flag.group(1)}` is computed when it runs",
                    flag_at,
                )
                credentials = Setting(None, flag_at)
        cors = Cors(
            origins, where, credentials=credentials, name=f"{resource.address} <cors>", partial=partial
        )
        read = azure.api_management(cors)
        resource.problems.extend(read.problems)
        out.append(read.context)
    return out


def _span(text: manifests.Text, start: int, end: int) -> Location:
    line, column = text.position(start)
    end_line, end_column = text.position(end)
    return Location(text.path, line, column, end_line, end_column)


_APP_SERVICES: Final = (
    "azurerm_linux_web_app",
    "azurerm_windows_web_app",
    "azurerm_linux_function_app",
    "azurerm_windows_function_app",
    "azurerm_function_app",
    "azurerm_app_service",
    "azurerm_linux_web_app_slot",
    "azurerm_windows_web_app_slot",
    "azurerm_linux_function_app_slot",
    "azurerm_windows_function_app_slot",
    "azurerm_app_service_slot",
    "azurerm_function_app_slot",
)

READERS: dict[str, Reader] = {
    "aws_s3_bucket_cors_configuration": _s3,
    "aws_s3_bucket": _s3,
    "aws_apigatewayv2_api": _apigatewayv2,
    "aws_api_gateway_rest_api": _openapi_body,
    "aws_lambda_function_url": _lambda_url,
    "aws_cloudfront_response_headers_policy": _cloudfront,
    "aws_api_gateway_gateway_response": _api_gateway_response,
    "aws_api_gateway_integration_response": _api_gateway_response,
    **dict.fromkeys(_APP_SERVICES, _app_service),
    "azurerm_storage_account": _storage_account,
    "azurerm_storage_account_queue_properties": _storage_rules,
    "azurerm_storage_account_blob_properties": _storage_rules,
    "azurerm_api_management_api_policy": _api_management_policy,
    "azurerm_api_management_api_operation_policy": _api_management_policy,
    "azurerm_api_management_product_policy": _api_management_policy,
    "azurerm_api_management_policy": _api_management_policy,
    "google_storage_bucket": _gcs,
    "kubernetes_ingress_v1": kubernetes.ingress_resource,
    "kubernetes_ingress": kubernetes.ingress_resource,
    "kubernetes_manifest": kubernetes.manifest_resource,
    "kubectl_manifest": kubernetes.kubectl_resource,
    "konnect_gateway_plugin_cors": kubernetes.konnect_cors_resource,
}
