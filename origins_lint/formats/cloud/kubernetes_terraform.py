"""Kubernetes objects declared in Terraform, read by the Kubernetes formats' own readers.

- `kubernetes_ingress_v1` / `kubernetes_ingress` (hashicorp/terraform-provider-kubernetes):
  `metadata { annotations = { "nginx.ingress.kubernetes.io/enable-cors" = "true", ... } }`
  and `spec { rule { http { path { path = "/api" } } } }`. The annotations mean what they mean
  to ingress-nginx (`kubernetes/ingress.py` reads them: defaults, the origins the controller
  keeps, its end-anchored regex). `annotations` is a `map(string)`, so Terraform turns `true`
  into `"true"` before Kubernetes sees it: such a value is read as its text.
- `kubernetes_manifest` with `manifest = { kind = "Ingress" ... }` (ingress-nginx annotations)
  or `kind = "VirtualService"` (Istio `corsPolicy`, `kubernetes/istio.py`), and `kubectl_manifest`
  (the gavinbunney/alekc providers) whose `yaml_body` is the object's YAML (a heredoc, read at
  its lines in the `.tf` file) or `yamlencode({...})`. Kinds are looked up in
  ``MANIFEST_READERS``: an Ingress, a VirtualService or an `HTTPRoute` by their readers, and a
  Traefik `Middleware`, Kong plugin, Envoy Gateway `SecurityPolicy`, Contour `HTTPProxy` or an
  APISIX CRD by their format's own `parse` over the object as written here. What only Terraform
  knows (`namespace = var.namespace`, `"https://${var.domain}"`) stays `${...}` text in place
  (`Evaluator.lenient`), so it hides nothing else and is judged as a template's placeholder
  is. A manifest the file does not fix (`yamldecode(file(...))`) is OL004.

- Kong Konnect's `konnect_gateway_plugin_cors`: not a Kubernetes object, but its `config` is the
  `cors` plugin's, so it is read as the `KongPlugin` it would be.

The HCL values become ``Node`` trees at their own lines and columns, so findings point into
the `.tf` file.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from origins_lint.formats.base import FormatOptions
from origins_lint.formats.kubernetes import gateway_api, ingress, istio
from origins_lint.formats.readers import manifests
from origins_lint.formats.readers.hcl_resource import Resource
from origins_lint.formats.readers.hcl_values import Block, Unresolved, Value
from origins_lint.formats.readers.tree import Node
from origins_lint.formats.readers.yaml_tree import load_documents
from origins_lint.model import PLACEHOLDER, CorsContext, ParsedFile, ProblemKind

ManifestReader = Callable[[Node, manifests.Text, ParsedFile], list[CorsContext]]


def _ingress_manifest(root: Node, text: manifests.Text, result: ParsedFile) -> list[CorsContext]:
    return ingress.contexts_of(root, text, FormatOptions(), result)


def _virtual_service(root: Node, _text: manifests.Text, result: ParsedFile) -> list[CorsContext]:
    return istio.contexts_of(root, result)


def _http_route(root: Node, _text: manifests.Text, result: ParsedFile) -> list[CorsContext]:
    return gateway_api.contexts_of(root, result)


def _by_format(module: str) -> ManifestReader:
    """A kind read by its format's own `parse`, over the object as written in the `.tf` file."""

    def read(root: Node, text: manifests.Text, result: ParsedFile) -> list[CorsContext]:
        parse = importlib.import_module(module).parse
        parsed = manifests.parse_documents(parse, text.path, text.source, [root], FormatOptions())
        result.problems.extend(parsed.problems)
        return [context for document in parsed.documents for context in document.contexts]

    return read


# by the manifest's `kind`
MANIFEST_READERS: dict[str, ManifestReader] = {
    "Ingress": _ingress_manifest,
    "VirtualService": _virtual_service,
    "HTTPRoute": _http_route,
    "Middleware": _by_format("origins_lint.formats.kubernetes.traefik"),
    "KongPlugin": _by_format("origins_lint.formats.kubernetes.kong"),
    "KongClusterPlugin": _by_format("origins_lint.formats.kubernetes.kong"),
    "SecurityPolicy": _by_format("origins_lint.formats.kubernetes.envoy_gateway"),
    "HTTPProxy": _by_format("origins_lint.formats.kubernetes.contour"),
    "ApisixRoute": _by_format("origins_lint.formats.kubernetes.apisix"),
    "ApisixPluginConfig": _by_format("origins_lint.formats.kubernetes.apisix"),
    "ApisixGlobalRule": _by_format("origins_lint.formats.kubernetes.apisix"),
}


def node(value: Value, strings: bool = False) -> Node:
    """An HCL value as a ``Node`` tree; ``strings``: scalars as text (a `map(string)`)."""
    data = value.data
    if isinstance(data, dict):
        keys = value.keys or {}
        return Node(
            {key: node(item, strings) for key, item in data.items()},
            value.location,
            {key: keys.get(key, item.location) for key, item in data.items()},
        )
    if isinstance(data, list):
        return Node([node(item, strings) for item in data], value.location)
    if strings and isinstance(data, bool):
        return Node("true" if data else "false", value.location)
    if strings and isinstance(data, int | float):
        return Node(str(data), value.location)
    return Node(data, value.location)


def ingress_resource(resource: Resource) -> list[CorsContext]:
    """`kubernetes_ingress_v1` / `kubernetes_ingress`: its metadata annotations and paths."""
    metadata = next((b for b in resource.block.blocks if b.type == "metadata"), None)
    if metadata is None or "annotations" not in metadata.attributes:
        return []
    annotations = resource.evaluator.evaluate(metadata.attributes["annotations"].expression)
    if isinstance(annotations, Unresolved):
        _not_analysed(resource, "metadata.annotations", annotations)
        return []
    if not isinstance(annotations.data, dict):
        return []
    meta: dict[str, Node] = {"annotations": node(annotations, strings=True)}
    keys = {"annotations": metadata.attributes["annotations"].location}
    name = _text(resource, metadata, "name")
    if name is not None:
        meta["name"] = name
        keys["name"] = name.location
    at = resource.block.location
    root = Node(
        {
            "kind": Node("Ingress", at),
            "metadata": Node(meta, metadata.location, keys),
            "spec": Node({"rules": Node(_rules(resource), at)}, at),
        },
        at,
        {"kind": at, "metadata": metadata.location, "spec": at},
    )
    return _read(resource, root, _ingress_manifest)


def manifest_resource(resource: Resource) -> list[CorsContext]:
    """`kubernetes_manifest`: an object of a kind ``MANIFEST_READERS`` names; what only Terraform
    knows (`namespace = var.namespace`) stays `${...}` text in place (``Evaluator.lenient``)."""
    value = lenient_value(resource, "manifest")
    return [] if value is None else _object(resource, node(value))


def kubectl_resource(resource: Resource) -> list[CorsContext]:
    """`kubectl_manifest` (gavinbunney/kubectl, alekc/kubectl): `yaml_body` is the object's YAML,
    a heredoc (its `${...}` kept as text) or `yamlencode({...})`; each YAML document is read at
    its own lines and columns in the `.tf` file."""
    value = lenient_value(resource, "yaml_body")
    if value is None:
        return []
    return [c for document in documents(resource, value) for c in _object(resource, document)]


def documents(resource: Resource, value: Value) -> list[Node]:
    """The documents a value holds: YAML or JSON text (a heredoc, read at its lines and columns
    in the `.tf` file; its parse problems said there), or `yamlencode`/`jsonencode` of an object,
    which is the object itself."""
    if not isinstance(value.data, str):
        return [node(value)]
    text = manifests.Text(resource.block.location.path, resource.source)
    embedded = text.embedded(Node(value.data, value.location))
    loaded = load_documents(resource.block.location.path, embedded.text)
    resource.problems.extend(embedded.locate(problem) for problem in loaded.problems)
    return [embedded.locate(document) for document in loaded.documents]


def konnect_cors_resource(resource: Resource) -> list[CorsContext]:
    """Kong Konnect's `konnect_gateway_plugin_cors` (Kong/terraform-provider-konnect): its `config`
    is the `cors` plugin's configuration, read as a `KongPlugin` with `plugin: cors` is (Kong's
    own semantics, `kubernetes/kong.py`); `enabled = false` sends nothing."""
    enabled = resource.block.attributes.get("enabled")
    flag = resource.evaluator.evaluate(enabled.expression) if enabled is not None else None
    if flag is not None and not isinstance(flag, Unresolved) and flag.data is False:
        return []
    attribute = resource.block.attributes.get("config")
    value = lenient_value(resource, "config")
    if value is None and attribute is not None:
        return []  # computed: said
    at = resource.block.location
    config = node(value) if value is not None else Node({}, at)
    root = Node(
        {"kind": Node("KongPlugin", at), "plugin": Node("cors", at), "config": config},
        at,
        {"kind": at, "plugin": at, "config": attribute.location if attribute is not None else at},
    )
    return _read(resource, root, MANIFEST_READERS["KongPlugin"])


def lenient_value(resource: Resource, key: str) -> Value | None:
    """An attribute's value read leniently (``Evaluator.lenient``); None when it is absent, or
    when Terraform computes all of it (said, OL004)."""
    attribute = resource.block.attributes.get(key)
    if attribute is None:
        return None
    value = resource.evaluator.lenient(attribute.expression)
    if isinstance(value, Unresolved):
        _not_analysed(resource, key, value)
        return None
    return value


def _object(resource: Resource, root: Node) -> list[CorsContext]:
    kind = root.value.get("kind") if isinstance(root.value, dict) else None
    written = kind.value if kind is not None and isinstance(kind.value, str) else None
    if kind is not None and written is not None and PLACEHOLDER.search(written):  # `var.kind`: any kind
        resource.note(
            ProblemKind.NOT_ANALYSED,
            f"`kind` is `{written}`, known only when Terraform runs, so this object was not analysed: "
            "write its kind literally so origins-lint can read it as that kind",
            kind.location,
        )
        return []
    reader = MANIFEST_READERS.get(written) if written is not None else None
    return [] if reader is None else _read(resource, root, reader)


def _read(resource: Resource, root: Node, reader: ManifestReader) -> list[CorsContext]:
    scratch = ParsedFile(resource.block.location.path, "terraform")
    contexts = reader(root, manifests.Text(resource.block.location.path, resource.source), scratch)
    resource.problems.extend(scratch.problems)
    name = resource.address
    for context in contexts:
        context.name = f"{name} ({context.name})" if context.name else name
    return contexts


def _rules(resource: Resource) -> list[Node]:
    """`spec { rule { http { path { path = "/api" } } } }` as `spec.rules[].http.paths[].path`."""
    out: list[Node] = []
    for spec in (b for b in resource.block.blocks if b.type == "spec"):
        for rule in (b for b in spec.blocks if b.type == "rule"):
            paths: list[Node] = []
            for http in (b for b in rule.blocks if b.type == "http"):
                for path in (b for b in http.blocks if b.type == "path"):
                    written = _text(resource, path, "path")
                    if written is not None:
                        paths.append(Node({"path": written}, path.location, {"path": written.location}))
            at = rule.location
            out.append(Node({"http": Node({"paths": Node(paths, at)}, at)}, at))
    return out


def _text(resource: Resource, block: Block, key: str) -> Node | None:
    attribute = block.attributes.get(key)
    if attribute is None:
        return None
    value = resource.evaluator.evaluate(attribute.expression)
    if isinstance(value, Unresolved) or not isinstance(value.data, str):
        return None
    return Node(value.data, value.location)


def _not_analysed(resource: Resource, key: str, value: Unresolved) -> None:
    resource.note(
        ProblemKind.NOT_ANALYSED,
        f"`{key}` was not analysed: {value.reason}; write it in the file (not from a file or "
        "variable) so origins-lint can check its CORS settings",
        value.location,
    )
