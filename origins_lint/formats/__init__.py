"""The registry of input formats. Adding a format means adding a module and a line here.

Formats are grouped by family, each family folder stating its engine's semantics:
`readers/` (the shared syntax readers with positions: YAML, JSON, HCL, Kubernetes
manifests, templates, RE2 and PCRE syntax, response-header operations), `policy/`,
`nginx/`, `okta/` (with Terraform's `okta_trusted_origin` reader), `kubernetes/`
(ingress-nginx, Istio, Envoy, Traefik, Gateway API, Envoy Gateway, Contour, Kong, APISIX),
`webservers/` (Apache httpd, Caddy, HAProxy), `cloud/` (AWS, Azure and Google Cloud
services, their Terraform readers, CloudFormation and SAM, the Serverless Framework,
OpenAPI), `spring.py`, and `terraform.py`, the one Terraform format that hands each
resource to its family's reader. A format's `NAME` is what output and the cache key
show, not its path.
"""

from __future__ import annotations

import os
import re

from origins_lint.formats.base import FixOutcome, Format, FormatOptions, lazy
from origins_lint.model import ParsedFile

# suffixes read as YAML by the manifest formats (readers/manifests.py READ_AS_YAML)
_MANIFESTS: tuple[str, ...] = (".yaml", ".yml", ".yaml.tpl", ".yml.tpl", ".yaml.tmpl", ".yml.tmpl")
_MANIFESTS += (".yaml.j2", ".yml.j2", ".yaml.tftpl", ".yml.tftpl")
# folders nginx layouts load whole, or that hold nginx under any suffix (nginx/files.py, nginx/__init__.py)
_NGINX_FOLDERS = (
    r"sites-.*|conf\.d|snippets|http\.d|vhosts?\.d|modules-(?:enabled|available)|nginx|servers?|templates"
)

# One line a format. A module is imported only when a file may be its own (base.lazy): the line
# says by data which paths it wants and which text it could be, the module decides the rest.
FORMATS: tuple[Format, ...] = (
    lazy(
        "origins_lint.formats.policy",
        "policy",
        "origins-lint policy YAML (`*.origins.yaml`, `kind: OriginPolicy`)",
        suffixes=(".yaml", ".yml"),
        markers=("OriginPolicy", "origins:"),
        named=r"(^|\.)origins\.ya?ml$",
        fixes=True,
    ),
    lazy(
        "origins_lint.formats.nginx",
        "nginx",
        "nginx configs and snippets (`nginx.conf`, `*.conf`, `sites-*/`, `snippets/`)",
        suffixes=(
            *(".conf", ".nginx", ".vhost", ".conf.template", ".conf.tpl", ".conf.j2", ".conf.jinja"),
            *(".conf.jinja2", ".conf.tftpl", ".conf.tmpl", ".conf.gotmpl", ".conf.ctmpl", ".conf.erb"),
        ),
        names=r"^nginx\.conf$",
        folders=_NGINX_FOLDERS,
    ),
    lazy(
        "origins_lint.formats.okta",
        "okta",
        "Okta trusted-origin exports (`trusted-origins.json`, JSON with origin and scopes keys)",
        suffixes=(".json",),
        markers=('"origin"', '"errorCode"'),
        named=r"(?i)trusted[-_.]?origins?",
    ),
    lazy(
        "origins_lint.formats.terraform",
        "terraform",
        "Terraform (`*.tf`): `okta_trusted_origin`, and AWS, Azure, Google Cloud and Kubernetes CORS",
        suffixes=(".tf",),
    ),
    lazy(
        "origins_lint.formats.kubernetes.ingress",
        "ingress-nginx",
        "ingress-nginx CORS annotations (Ingress manifests, Helm values, Kustomize patches)",
        suffixes=_MANIFESTS,
        markers=("nginx.ingress.kubernetes.io", "nippet", "addHeaders", "add-headers"),
    ),
    lazy(
        "origins_lint.formats.kubernetes.istio",
        "istio",
        "Istio `VirtualService` `corsPolicy` and CORS response headers",
        suffixes=_MANIFESTS,
        markers=("corsPolicy", "VirtualService"),
    ),
    lazy(
        "origins_lint.formats.kubernetes.envoy",
        "envoy",
        "Envoy CORS policies (`allow_origin_string_match`, YAML or JSON)",
        suffixes=(*_MANIFESTS, ".json"),
        markers=(
            "allow_origin_string_match",
            "allowOriginStringMatch",
            "envoy.extensions.filters.http.cors.v3.CorsPolicy",
            "response_headers_to_add",
            "responseHeadersToAdd",
            "response_mutations",
            "responseMutations",
            "nline",  # in every key of inline filter code (envoy.CODE_KEYS): one search for the four
        ),
    ),
    lazy(
        "origins_lint.formats.kubernetes.traefik",
        "traefik",
        "Traefik `headers` middlewares (file provider YAML/TOML, `Middleware` CRD, Docker/Dockerfile labels)",
        suffixes=(*_MANIFESTS, ".toml"),
        names=r"^(?:Dockerfile|Containerfile)(?:[.-][^/]*)?$|[.-](?:Dockerfile|dockerfile)$",  # dockerfile.py
        markers=("accessControlAllowOriginList", "customResponseHeaders"),
        folded=True,
    ),
    lazy(
        "origins_lint.formats.spring",
        "spring",
        "Spring CORS properties and gateway header filters (`application*.yml`, `application*.properties`)",
        suffixes=_MANIFESTS,  # a ConfigMap carrying `application*.yml` (spring.detect)
        names=r"^(application|bootstrap)([-_.][\w.-]+)?\.(ya?ml|properties)$",
        markers=("cors", "responseheader"),
        folded=True,
    ),
    lazy(
        "origins_lint.formats.webservers.haproxy",
        "haproxy",
        "HAProxy configs (`haproxy.cfg`, `*.cfg` with `frontend`/`backend`/`listen` sections)",
        suffixes=(".cfg",),
    ),
    lazy(
        "origins_lint.formats.kubernetes.gateway_api",
        "gateway-api",
        "Gateway API `HTTPRoute` CORS filters (`type: CORS`, `gateway.networking.k8s.io`)",
        suffixes=_MANIFESTS,
        markers=("gateway.networking.k8s.io",),
    ),
    lazy(
        "origins_lint.formats.kubernetes.envoy_gateway",
        "envoy-gateway",
        "Envoy Gateway `SecurityPolicy` `spec.cors` (`gateway.envoyproxy.io`)",
        suffixes=_MANIFESTS,
        markers=("gateway.envoyproxy.io",),
    ),
    lazy(
        "origins_lint.formats.kubernetes.contour",
        "contour",
        "Contour `HTTPProxy` `spec.virtualhost.corsPolicy` (`projectcontour.io`)",
        suffixes=_MANIFESTS,
        markers=("projectcontour.io",),
    ),
    lazy(
        "origins_lint.formats.kubernetes.kong",
        "kong",
        "Kong `cors` plugin (`KongPlugin`/`KongClusterPlugin`, declarative `kong.yml`, decK)",
        suffixes=(*_MANIFESTS, ".json"),
        markers=("configuration.konghq.com", "_format_version"),
    ),
    lazy(
        "origins_lint.formats.kubernetes.apisix",
        "apisix",
        "APISIX `cors` and `response-rewrite` plugins (`apisix.yaml`, Admin API JSON, CRDs, annotations)",
        suffixes=(*_MANIFESTS, ".json"),
        markers=("cors", "response-rewrite"),
    ),
    lazy(
        "origins_lint.formats.webservers.apache",
        "apache",
        "Apache httpd configs and `.htaccess` (`Header`, `SetEnvIf`, `<If>`, `RewriteRule`)",
        suffixes=(".conf",),
        names=r"^(httpd\.conf|apache2\.conf|\.htaccess)$",
        folders=r"(sites-|conf-).*|conf\.d",
    ),
    lazy(
        "origins_lint.formats.cloud.cloudformation",
        "cloudformation",
        "CloudFormation and SAM templates, CORS settings (YAML, JSON, CDK `*.template.json`)",
        names=r"^(?!(?i:serverless)\.[^.]*$).*\.(?i:ya?ml|json|template)$",
        markers=("Cors", "x-amazon-apigateway-cors", "Access-Control-Allow-Origin"),
    ),
    lazy(
        "origins_lint.formats.cloud.serverless",
        "serverless",
        "Serverless Framework `serverless.yml`/`.json`: http and httpApi CORS, `resources`",
        names=r"^(?i:serverless\.(ya?ml|json))$",
        markers=("cors", "Cors"),
    ),
    lazy(
        "origins_lint.formats.cloud.openapi",
        "openapi",
        "OpenAPI documents with `x-amazon-apigateway-cors` (API Gateway HTTP API import)",
        names=r"\.(?i:ya?ml|json)$",
        markers=("x-amazon-apigateway-",),
    ),
    lazy(
        "origins_lint.formats.webservers.caddy",
        "caddy",
        "Caddy `header` directives and matchers (`Caddyfile`, `*.caddyfile`, Caddy JSON config)",
        suffixes=(".json",),
        names=r"^Caddyfile(\.|$)|\.(?i:caddyfile)$",
        markers=('"apps"',),
        named=r"^Caddyfile(\.|$)|\.(?i:caddyfile)$|^caddy\.json$",
    ),
)

BY_NAME = {fmt.name: fmt for fmt in FORMATS}
NAMES = tuple(BY_NAME)
_NGINX_FOLDER = re.compile(_NGINX_FOLDERS)


def wanted(path: str) -> bool:
    """Whether a directory walk should read this file to see if some format recognizes it."""
    return any(fmt.wants(path) for fmt in FORMATS)


def claimed(path: str) -> str | None:
    """Why a format would read this file whatever it holds (nginx loads all of `sites-enabled/`)."""
    if not _nginx_may(path):
        return None
    from origins_lint.formats.nginx import files

    return files.claimed(path)


def stand_in(path: str) -> str | None:
    """The file to read for ``path``, when it is a symlink that means another (see nginx/include.py)."""
    if not os.path.islink(path):  # include.stand_in's own first test: no walk imports nginx for it
        return None
    from origins_lint.formats.nginx import include

    return include.stand_in(path)


def unread(path: str, text: str) -> str | None:
    """Why a claimed file that no format recognizes is not checked: said as OL003, never skipped."""
    if not _nginx_may(path):
        return None
    from origins_lint.formats import nginx

    return nginx.unread(path, text)


def _nginx_may(path: str) -> bool:
    """Whether nginx may claim the file: only a file of a folder it loads whole (files.nginx_folder)."""
    return _NGINX_FOLDER.fullmatch(os.path.basename(os.path.dirname(os.path.abspath(path)))) is not None


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
        merged.consulted.update(result.consulted)
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
    "lazy",
    "stand_in",
    "unread",
    "wanted",
]
