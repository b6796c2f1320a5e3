"""Kubernetes and gateway CORS settings: ingress-nginx, Istio, Envoy, Traefik, Gateway API,
Envoy Gateway, Contour, Kong, APISIX.

Each reads its mappings out of larger YAML files through ``readers.manifests``, and each
engine's semantics become model data:

- ingress-nginx (``ingress``, ``ingress_controller``, from kubernetes/ingress-nginx
  internal/ingress/annotations/cors/main.go and controller/template/template.go): a
  `cors-allow-origin` the controller rejects is the `*` it sends; each kept item becomes
  `(QuoteMeta(item))$` in one `~*` test, searched without case and with no `^`, so an item also
  admits any origin that ends with it; `configuration-snippet` is read by the nginx format.
- Envoy (``envoy``): a regex is an RE2 full match, and a matcher that matches the literal `*`
  admits every origin, which Envoy echoes back.
- Istio (``istio``): `allowOrigins` compiles to Envoy's string matchers; the deprecated
  `allowOrigin` counts only when `allowOrigins` is not set (`TranslateCORSPolicy`).
- Traefik (``traefik``): `accessControlAllowOriginList` items are exact strings, and
  `accessControlAllowOriginListRegex` is Go's regexp, which searches (traefik
  pkg/middlewares/headers/header.go); with credentials on, a `*` item echoes the Origin.
- Gateway API (``gateway_api``, from kubernetes-sigs/gateway-api apis/v1/httproute_types.go):
  an `HTTPRoute` `type: CORS` filter's `*.` wildcard is any number of labels; `*` with
  credentials echoes the Origin; what the CRD's pattern and CEL rules refuse is OL002.
- Envoy Gateway (``envoy_gateway``, from envoyproxy/gateway internal/gatewayapi
  securitypolicy.go `wildcard2regex`): a `SecurityPolicy` origin with `*` is the RE2 full
  match of the item with each `*` as `.*`; `*` alone echoes every origin.
- Contour (``contour``, from projectcontour/contour internal/dag/httpproxy_processor.go
  `toCORSPolicy`): an item Go's `url.Parse` reads back as `scheme://host[:port]` is exact
  (ASCII case ignored), any other item is an RE2 regex; one Go cannot compile makes the
  HTTPProxy invalid.
- Kong (``kong``, from Kong/kong kong/plugins/cors/handler.lua): an `origins` entry with a
  character outside `[A-Za-z0-9.:/-]` is a PCRE regex, `$` appended and anchored at the start,
  run on the host alone when it has no `:` (``Dialect.KONG``); a lone plain entry is sent as
  written, several are compared after `normalize_origin` (``Compare.KONG``); `*` with
  credentials echoes the Origin.
- APISIX (``apisix``, from apache/apisix apisix/plugins/cors.lua): `allow_origins` is one
  comma-joined string compared as bytes, `**` echoes every Origin, `allow_origins_by_regex` is a
  PCRE search; `check_schema` refuses `*` (written or default) with `allow_credential`.

The custom-resource formats read only objects of their kind (``manifests.kubernetes_object``),
also inside a `kind: List` (``manifests.objects``).
A regex RE2 or Go cannot compile makes the engine refuse the configuration
(``readers.re2_syntax``); one PCRE cannot compile, for Kong and APISIX (``readers.pcre_syntax``).
"""
