"""The registry of input formats. Adding a format means adding a module and a line here.

Formats are grouped by family, each family folder stating its engine's semantics:
`readers/` (the shared syntax readers with positions: YAML, JSON, HCL, Kubernetes
manifests, templates, RE2 syntax), `policy/`, `nginx/`, `okta/` (with Terraform's
`okta_trusted_origin` reader), `kubernetes/` (ingress-nginx, Istio, Envoy, Traefik),
`cloud/` (AWS, Azure, Google Cloud services and their Terraform readers), `spring.py`, and
`terraform.py`, the one Terraform format that hands each resource to its family's reader.
A format's `NAME` is what output and the cache key show, not its path.
`okta_trusted_origin`), `kubernetes/` (ingress-nginx, Istio, Envoy, Traefik, Gateway API,
Envoy Gateway, Contour) and
manifests, templates, RE2 and PCRE syntax), `policy/`, `nginx/`, `okta/` (with Terraform's
`okta_trusted_origin`), `kubernetes/` (ingress-nginx, Istio, Envoy, Traefik, Kong, APISIX) and
`spring.py`. A format's `NAME` is what output and the cache key show, not its path.
"""

from __future__ import annotations

from origins_lint.formats import nginx, okta, policy, spring, terraform
from origins_lint.formats.base import FixOutcome, Format, FormatOptions, register
from origins_lint.formats.cloud import cloudformation, openapi, serverless
from origins_lint.formats.kubernetes import (
    apisix,
    contour,
    envoy,
    envoy_gateway,
    gateway_api,
    ingress,
    istio,
    kong,
    traefik,
)
from origins_lint.formats.nginx import files as nginx_files
from origins_lint.formats.nginx import include as nginx_include
from origins_lint.formats.webservers import apache, caddy, haproxy
from origins_lint.model import ParsedFile

FORMATS: tuple[Format, ...] = (
    register(policy, "origins-lint policy YAML (`*.origins.yaml`, `kind: OriginPolicy`)"),
    register(nginx, "nginx configs and snippets (`nginx.conf`, `*.conf`, `sites-*/`, `snippets/`)"),
    register(okta, "Okta trusted-origin exports (`trusted-origins.json`, JSON with origin and scopes keys)"),
    register(
        terraform,
        "Terraform (`*.tf`): `okta_trusted_origin`, and AWS, Azure, Google Cloud and Kubernetes CORS",
    ),
    register(ingress, "ingress-nginx CORS annotations (Ingress manifests, Helm values, Kustomize patches)"),
    register(istio, "Istio `VirtualService` `corsPolicy`"),
    register(envoy, "Envoy CORS policies (`allow_origin_string_match`, YAML or JSON)"),
    register(traefik, "Traefik `headers` middlewares (file provider, `Middleware` CRD, Docker labels)"),
    register(spring, "Spring CORS properties (`application*.yml`, `application*.properties`)"),
    register(haproxy, "HAProxy configs (`haproxy.cfg`, `*.cfg` with `frontend`/`backend`/`listen` sections)"),
    register(gateway_api, "Gateway API `HTTPRoute` CORS filters (`type: CORS`, `gateway.networking.k8s.io`)"),
    register(envoy_gateway, "Envoy Gateway `SecurityPolicy` `spec.cors` (`gateway.envoyproxy.io`)"),
    register(contour, "Contour `HTTPProxy` `spec.virtualhost.corsPolicy` (`projectcontour.io`)"),
    register(kong, "Kong `cors` plugin (`KongPlugin`/`KongClusterPlugin`, declarative `kong.yml`, decK)"),
    register(apisix, "APISIX `cors` plugin (`apisix.yaml`, Admin API JSON, CRDs, Ingress annotations)"),
    register(apache, "Apache httpd configs and `.htaccess` (`Header`, `SetEnvIf`, `<If>`, `RewriteRule`)"),
    register(
        cloudformation, "CloudFormation and SAM templates, CORS settings (YAML, JSON, CDK `*.template.json`)"
    ),
    register(serverless, "Serverless Framework `serverless.yml`/`.json`: http and httpApi CORS, `resources`"),
    register(openapi, "OpenAPI documents with `x-amazon-apigateway-cors` (API Gateway HTTP API import)"),
    register(caddy, "Caddy `header` directives and matchers (`Caddyfile`, `*.caddyfile`, Caddy JSON config)"),
)

BY_NAME = {fmt.name: fmt for fmt in FORMATS}
NAMES = tuple(BY_NAME)


def wanted(path: str) -> bool:
    """Whether a directory walk should read this file to see if some format recognizes it."""
    return any(fmt.wants(path) for fmt in FORMATS)


def claimed(path: str) -> str | None:
    """Why a format would read this file whatever it holds (nginx loads all of `sites-enabled/`)."""
    return nginx_files.claimed(path)


def stand_in(path: str) -> str | None:
    """The file to read for ``path``, when it is a symlink that means another (see nginx/include.py)."""
    return nginx_include.stand_in(path)


def unread(path: str, text: str) -> str | None:
    """Why a claimed file that no format recognizes is not checked: said as OL003, never skipped."""
    return nginx.unread(path, text)


def detect(path: str, text: str) -> Format | None:
    """The format of a file; several at once for a manifest that holds several kinds."""
    found = [fmt for fmt in FORMATS if fmt.detect(path, text)]
    if len(found) < 2:
        return found[0] if found else None
    return Format(
        "+".join(fmt.name for fmt in found),
        "; ".join(fmt.description for fmt in found),
        found[0].wants,
        found[0].detect,
        lambda source, options: _merged([fmt.parse(source, options) for fmt in found]),
    )


def _merged(results: list[ParsedFile]) -> ParsedFile:
    """Each format's documents; a problem the formats share (a YAML syntax error) once."""
    merged = ParsedFile(results[0].path, results[0].format)
    for result in results:
        merged.documents.extend(result.documents)
        merged.problems.extend(p for p in result.problems if p not in merged.problems)
        merged.included.update(result.included)
        merged.uncached = merged.uncached or result.uncached
    return merged


__all__ = [
    "BY_NAME",
    "FORMATS",
    "NAMES",
    "FixOutcome",
    "Format",
    "FormatOptions",
    "claimed",
    "detect",
    "stand_in",
    "unread",
    "wanted",
]
