"""A seeded benchmark corpus: every input format, clean and risky entries, regexes from safe to broken.

    python bench/gen.py OUT [--files 2000] [--okta-entries 50000] [--seed 7]

writes OUT/<format>/... with `--files` files per format (the Okta export is one big file
besides), and OUT/planted.json: for each nginx file, whether a risky origin rule was put in
it, so the runner can count which tool finds what was planted. The same seed always writes
the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from pathlib import Path

ROOTS = ("example.com", "shop.example", "acme-corp.com", "partner-one.net", "contoso.io", "globex.org")
HOSTS = ("app", "admin", "shop", "www", "api", "portal", "checkout", "account", "docs", "status")

# (regex, is it risky): nginx-style origin checks, from exact to the classic bypasses
REGEX_FAMILIES: tuple[tuple[str, bool], ...] = (
    (r"^https://({h1}|{h2})\.{re_root}$", False),
    (r"^https://[a-z0-9-]+\.{re_root}$", False),
    (r"^https://{h1}\.{re_root}(:[0-9]+)?$", False),
    (r"^https://{h1}.{root}$", True),  # unescaped dots
    (r"https://{h1}\.{re_root}", True),  # no anchors
    (r"^https?://(.*\.)?{re_root}", True),  # no end anchor, http allowed
    (r"{re_root}$", True),  # suffix without a dot: evil{root} matches
    (r"^https://.*{re_root}$", True),
    (r"^https://([a-z]+\.)*{re_root}$", False),
)


def _hosts(rng: random.Random) -> tuple[str, str, str]:
    h1, h2 = rng.sample(HOSTS, 2)
    return h1, h2, rng.choice(ROOTS)


def _regex(rng: random.Random) -> tuple[str, bool]:
    pattern, risky = rng.choice(REGEX_FAMILIES)
    h1, h2, root = _hosts(rng)
    # a distinct name per file, so no two files share a regex (no cache hides the analysis)
    h1 = f"{h1}{rng.randrange(1000)}"
    text = pattern.format(h1=h1, h2=h2, root=root, re_root=root.replace(".", r"\."))
    return text, risky


def nginx(rng: random.Random, index: int) -> tuple[str, bool]:
    """One server block in one of the common CORS shapes; returns (text, risky)."""
    h1, _h2, root = _hosts(rng)
    name = f"svc{index}.{root}"
    shape = rng.randrange(5)
    risky = False
    head = f"# service {index}\nserver {{\n    listen 443 ssl;\n    server_name {name};\n"
    if shape == 0:  # static
        insecure = rng.random() < 0.2
        scheme = "http" if insecure else "https"
        risky = insecure
        body = (
            "    location /api/ {\n"
            f'        add_header Access-Control-Allow-Origin "{scheme}://{h1}.{root}" always;\n'
            "        proxy_pass http://backend;\n    }\n"
        )
    elif shape == 1:  # direct reflection
        risky = rng.random() < 0.5
        origin = "$http_origin" if risky else f'"https://{h1}.{root}"'
        body = (
            "    location / {\n"
            f"        add_header Access-Control-Allow-Origin {origin} always;\n"
            "        add_header Access-Control-Allow-Credentials true always;\n"
            "        add_header Vary Origin always;\n        proxy_pass http://backend;\n    }\n"
        )
    elif shape == 2:  # guarded copy
        regex, risky = _regex(rng)
        body = (
            '    set $cors_origin "";\n'
            f'    if ($http_origin ~* "{regex}") {{\n        set $cors_origin $http_origin;\n    }}\n'
            "    location / {\n"
            "        add_header Access-Control-Allow-Origin $cors_origin always;\n"
            "        add_header Access-Control-Allow-Credentials true always;\n"
            "        add_header Vary Origin always;\n        proxy_pass http://backend;\n    }\n"
        )
    elif shape == 3:  # flag variable
        regex, risky = _regex(rng)
        body = (
            "    location / {\n"
            f'        if ($http_origin ~* "{regex}") {{\n            set $cors "true";\n        }}\n'
            "        if ($request_method = 'OPTIONS') {\n"
            '            set $cors "${cors}options";\n        }\n'
            '        if ($cors = "true") {\n'
            "            add_header 'Access-Control-Allow-Origin' \"$http_origin\" always;\n"
            "            add_header 'Access-Control-Allow-Credentials' 'true' always;\n"
            "            add_header Vary Origin always;\n        }\n"
            '        if ($cors = "trueoptions") {\n'
            "            add_header 'Access-Control-Allow-Origin' \"$http_origin\" always;\n"
            "            add_header 'Access-Control-Allow-Credentials' 'true' always;\n"
            "            add_header 'Access-Control-Allow-Methods' 'GET, POST, OPTIONS' always;\n"
            "            add_header Vary Origin always;\n            return 204;\n        }\n"
            "        proxy_pass http://backend;\n    }\n"
        )
    else:  # map allow-list
        regex, risky = _regex(rng)
        var = f"$cors_{index}"
        head = (
            f'map $http_origin {var} {{\n    default "";\n'
            f'    "https://{h1}.{root}" $http_origin;\n    "~{regex}" $http_origin;\n}}\n\n' + head
        )
        body = (
            "    location / {\n"
            f"        add_header Access-Control-Allow-Origin {var} always;\n"
            "        add_header Vary Origin always;\n        proxy_pass http://backend;\n    }\n"
        )
    return head + body + "}\n", risky


def policy(rng: random.Random, index: int) -> str:
    lines = [
        f"# trusted origins of service {index}",
        "kind: OriginPolicy",
        "version: 1",
        f"service: svc-{index}",
        "environment: production",
        "defaults:",
        "  credentials: false",
        "  allow_methods: [GET, POST]",
        "  allow_headers: [Content-Type]",
        "origins:",
    ]
    for _ in range(rng.randint(3, 8)):
        h1, _h2, root = _hosts(rng)
        roll = rng.random()
        if roll < 0.6:
            lines += [f"  - origin: https://{h1}.{root}", f"    note: {h1} front end"]
        elif roll < 0.7:
            lines += [f"  - origin: http://{h1}.{root}", "    credentials: true"]
        elif roll < 0.8:
            lines += [f"  - origin: https://*.{root}"]
        else:
            regex, _risky = _regex(rng)
            lines += [f"  - regex: '{regex}'", "    note: generated"]
    return "\n".join(lines) + "\n"


def okta_entry(rng: random.Random, index: int) -> dict[str, object]:
    h1, _h2, root = _hosts(rng)
    roll = rng.random()
    origin = (
        f"https://{h1}{index}.{root}"
        if roll < 0.85
        else f"http://{h1}{index}.{root}"
        if roll < 0.93
        else f"https://*.{h1}{index}.{root}"
    )
    scopes = ["CORS", "REDIRECT"] if rng.random() < 0.6 else ["CORS"]
    return {
        "id": f"tos{index:017d}",
        "name": f"App {index}",
        "origin": origin,
        "scopes": [{"type": s, "allowedOktaApps": []} for s in scopes],
        "status": "ACTIVE" if rng.random() < 0.95 else "INACTIVE",
        "created": "2024-02-12T09:14:03.000Z",
        "createdBy": "00u1a2b3c4d5e6f7g8h9",
        "lastUpdated": "2024-02-12T09:14:03.000Z",
        "lastUpdatedBy": "00u1a2b3c4d5e6f7g8h9",
        "_links": {"self": {"href": f"https://acme.okta.com/api/v1/trustedOrigins/tos{index:017d}"}},
    }


def okta(rng: random.Random, index: int) -> str:
    return json.dumps([okta_entry(rng, index * 10 + i) for i in range(rng.randint(2, 6))], indent=2) + "\n"


def terraform(rng: random.Random, index: int) -> str:
    out = []
    for i in range(rng.randint(2, 5)):
        h1, _h2, root = _hosts(rng)
        scheme = "http" if rng.random() < 0.15 else "https"
        out.append(
            f'resource "okta_trusted_origin" "o{index}_{i}" {{\n'
            f'  name   = "{h1} {index}"\n  origin = "{scheme}://{h1}.{root}"\n'
            '  scopes = ["CORS", "REDIRECT"]\n}\n'
        )
    return "\n".join(out)


def ingress(rng: random.Random, index: int) -> str:
    h1, h2, root = _hosts(rng)
    origins = f"https://{h1}.{root}, https://{h2}.{root}"
    if rng.random() < 0.3:
        origins += f", https://*.{root}"
    return (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n"
        f"  name: svc-{index}\n  annotations:\n"
        '    nginx.ingress.kubernetes.io/enable-cors: "true"\n'
        f'    nginx.ingress.kubernetes.io/cors-allow-origin: "{origins}"\n'
        f'    nginx.ingress.kubernetes.io/cors-allow-credentials: "{str(rng.random() < 0.5).lower()}"\n'
        "spec:\n  ingressClassName: nginx\n  rules:\n"
        f"    - host: svc{index}.{root}\n      http:\n        paths:\n          - path: /\n"
        "            pathType: Prefix\n            backend:\n              service:\n"
        f"                name: svc-{index}\n                port:\n                  number: 8080\n"
    )


def istio(rng: random.Random, index: int) -> str:
    h1, h2, root = _hosts(rng)
    regex, _risky = _regex(rng)
    return (
        "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata:\n"
        f"  name: svc-{index}\nspec:\n  hosts: [svc{index}.{root}]\n  http:\n"
        "    - corsPolicy:\n        allowOrigins:\n"
        f"          - exact: https://{h1}.{root}\n          - regex: '{regex.strip('^$')}'\n"
        f"          - prefix: https://{h2}\n"
        "        allowCredentials: true\n        allowMethods: [GET, POST]\n"
        f"      route:\n        - destination:\n            host: svc-{index}\n"
    )


def envoy(rng: random.Random, index: int) -> str:
    h1, _h2, root = _hosts(rng)
    regex, _risky = _regex(rng)
    return (
        "static_resources:\n  listeners:\n    - name: main\n      filter_chains:\n"
        "        - filters:\n            - name: envoy.filters.network.http_connection_manager\n"
        "              typed_config:\n"
        '                "@type": type.googleapis.com/envoy.extensions.filters.network'
        ".http_connection_manager.v3.HttpConnectionManager\n"
        "                route_config:\n                  virtual_hosts:\n"
        f"                    - name: svc{index}\n                      domains: ['*']\n"
        "                      cors:\n                        allow_origin_string_match:\n"
        f"                          - exact: https://{h1}.{root}\n"
        f"                          - safe_regex: {{regex: '{regex.strip('^$')}'}}\n"
        "                        allow_credentials: true\n"
    )


def traefik(rng: random.Random, index: int) -> str:
    h1, h2, root = _hosts(rng)
    return (
        "apiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata:\n"
        f"  name: cors-{index}\nspec:\n  headers:\n"
        "    accessControlAllowMethods: [GET, POST]\n"
        f"    accessControlAllowOriginList:\n      - https://{h1}.{root}\n      - http://{h2}.{root}\n"
        f"    accessControlAllowCredentials: {str(rng.random() < 0.5).lower()}\n"
        "    addVaryHeader: true\n"
    )


def spring(rng: random.Random, index: int) -> str:
    h1, h2, root = _hosts(rng)
    pattern = f"https://*.{root}" if rng.random() < 0.3 else f"https://{h2}.{root}"
    return (
        "spring:\n  cloud:\n    gateway:\n      globalcors:\n        cors-configurations:\n"
        "          '[/api/**]':\n"
        f'            allowedOrigins: "https://{h1}.{root}"\n'
        f'            allowedOriginPatterns: "{pattern}"\n'
        f"            allowCredentials: {str(rng.random() < 0.5).lower()}\n"
        "            allowedMethods: [GET, POST]\n"
    )


# format -> (file name for index i, text of file i); nginx is apart because it records what it plants
WRITERS: dict[str, tuple[Callable[[int], str], Callable[[random.Random, int], str]]] = {
    "policy": (lambda i: f"svc-{i}.origins.yaml", policy),
    "okta": (lambda i: f"team-{i}/trusted-origins.json", okta),
    "terraform": (lambda i: f"org-{i}/trusted_origins.tf", terraform),
    "ingress": (lambda i: f"svc-{i}/ingress.yaml", ingress),
    "istio": (lambda i: f"svc-{i}/virtual-service.yaml", istio),
    "envoy": (lambda i: f"svc-{i}/envoy.yaml", envoy),
    "traefik": (lambda i: f"svc-{i}/middleware.yaml", traefik),
    "spring": (lambda i: f"svc-{i}/application.yml", spring),
}


def generate(out: Path, files: int, okta_entries: int, seed: int, only: tuple[str, ...] = ()) -> None:
    planted: dict[str, bool] = {}
    if not only or "nginx" in only:
        rng = random.Random(f"{seed}-nginx")
        for i in range(files):
            text, risky = nginx(rng, i)
            name = f"conf.d/svc-{i}.conf"
            _write(out / "nginx" / name, text)
            planted[name] = risky
        _write(out / "planted.json", json.dumps(planted, indent=1, sort_keys=True) + "\n")
    for name, (file_name, writer) in WRITERS.items():
        if only and name not in only:
            continue
        rng = random.Random(f"{seed}-{name}")
        for i in range(files):
            _write(out / name / file_name(i), writer(rng, i))
    if okta_entries and (not only or "okta-export" in only):
        rng = random.Random(f"{seed}-okta-export")
        entries = [okta_entry(rng, i) for i in range(okta_entries)]
        _write(out / "okta-export" / "trusted-origins.json", json.dumps(entries, indent=2) + "\n")


def big_terraform(out: Path, size: int, seed: int) -> None:
    """One `.tf` file of at least `size` bytes: trusted origins among the other resources of an
    Okta org's Terraform (apps, groups), as one generated module holds them."""
    rng = random.Random(f"{seed}-big-terraform")
    parts: list[str] = []
    total = index = 0
    while total < size:
        h1, _h2, root = _hosts(rng)
        roll = rng.random()
        scheme = "http" if roll < 0.1 else "https"
        host = f"*.{h1}{index}.{root}" if roll > 0.95 else f"{h1}{index}.{root}"
        block = (
            f'resource "okta_trusted_origin" "o{index}" {{\n'
            f'  name   = "{h1} {index}"\n  origin = "{scheme}://{host}"\n'
            '  scopes = ["CORS", "REDIRECT"]\n}\n\n'
            f'resource "okta_group" "g{index}" {{\n  name        = "{h1}-{index}"\n'
            f'  description = "users of {h1} {index}"\n}}\n\n'
        )
        parts.append(block)
        total += len(block)
        index += 1
    _write(out, "".join(parts))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--okta-entries", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", nargs="*", default=[], help="formats to write (default: all)")
    args = parser.parse_args()
    generate(args.out, args.files, args.okta_entries, args.seed, tuple(args.only))


if __name__ == "__main__":
    main()
