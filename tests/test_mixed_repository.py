"""A folder walk over one repository holding every format: each file is read by its own format,
by name or content, and never taken for another's (issue 22 and 23, "done when").

The repository is laid out as real ones are: Debian's `/etc/nginx` and `/etc/apache2` side by
side (both have `sites-enabled/` and `conf.d`-style folders), HAProxy's `.cfg` next to Python's
`setup.cfg`, a Caddy JSON config next to an Okta export, Terraform for Okta and three clouds next
to an unrelated `.tf`, and Kubernetes manifests of several kinds. Files no format reads stay out.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import ROOT, run_cli

EXAMPLES = ROOT / "examples"

# where the file goes in the repository -> (where its text comes from, the format that must read it)
LAYOUT: dict[str, tuple[Path, str]] = {
    "etc/nginx/nginx.conf": (EXAMPLES / "nginx/shop-api.conf", "nginx"),
    "etc/nginx/sites-enabled/storefront": (EXAMPLES / "nginx/storefront.conf", "nginx"),
    "etc/apache2/sites-enabled/shop.conf": (EXAMPLES / "webservers/apache-risky.conf", "apache"),
    "etc/apache2/conf-enabled/cors.conf": (EXAMPLES / "webservers/apache-clean.conf", "apache"),
    "etc/haproxy/haproxy.cfg": (EXAMPLES / "webservers/haproxy-risky.cfg", "haproxy"),
    "okta/trusted-origins.json": (EXAMPLES / "okta/trusted-origins.json", "okta"),
    "infra/okta.tf": (EXAMPLES / "okta/trusted-origins.tf", "terraform"),
    "infra/aws.tf": (EXAMPLES / "cloud/terraform-aws-risky.tf", "terraform"),
    "infra/azure.tf": (EXAMPLES / "cloud/terraform-azure-risky.tf", "terraform"),
    "k8s/ingress.yaml": (EXAMPLES / "kubernetes/ingress.yaml", "ingress-nginx"),
    "k8s/virtual-service.yaml": (EXAMPLES / "gateways/virtual-service.yaml", "istio"),
    "k8s/envoy.yaml": (EXAMPLES / "gateways/envoy.yaml", "envoy"),
    "k8s/traefik.yml": (EXAMPLES / "gateways/traefik.yml", "traefik"),
    "k8s/httproute.yaml": (EXAMPLES / "gateways/httproute.yaml", "gateway-api"),
    "k8s/securitypolicy.yaml": (EXAMPLES / "gateways/securitypolicy.yaml", "envoy-gateway"),
    "k8s/httpproxy.yaml": (EXAMPLES / "gateways/httpproxy.yaml", "contour"),
    "k8s/kong-plugin.yaml": (EXAMPLES / "gateways/kong-plugin.yaml", "kong"),
    "kong/kong.yml": (EXAMPLES / "gateways/kong.yml", "kong"),
    "apisix/apisix.yaml": (EXAMPLES / "gateways/apisix.yaml", "apisix"),
    "k8s/apisix-route.yaml": (EXAMPLES / "gateways/apisix-route.yaml", "apisix"),
    "policy/storefront.origins.yaml": (EXAMPLES / "policy/storefront.origins.yaml", "policy"),
    "service/src/main/resources/application.yml": (EXAMPLES / "spring/application.yml", "spring"),
    "cloudformation/api.yaml": (EXAMPLES / "cloud/cloudformation-risky.yaml", "cloudformation"),
    "functions/serverless.yml": (EXAMPLES / "cloud/serverless/risky/serverless.yml", "serverless"),
    "api/openapi.yaml": (EXAMPLES / "cloud/openapi-risky.yaml", "openapi"),
}

# files a repository holds that no format reads, each close to one that is read
UNRELATED: dict[str, str] = {
    "setup.cfg": "[metadata]\nname = shop\n[options]\npackages = find:\n",
    "etc/supervisor/conf.d/app.conf": "[program:app]\ncommand=/usr/bin/app\n",
    "infra/network.tf": 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n',
    "package.json": '{"name": "shop", "version": "1.0.0", "origin": "npm"}\n',
    "k8s/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\n",
    "docker-compose.yml": "services:\n  web:\n    image: nginx\n",
    "api/petstore.yaml": "openapi: 3.0.0\ninfo:\n  title: pets\n  version: '1'\npaths: {}\n",
    "cloudformation/vpc.yaml": (
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Ref Cidr\n"
    ),
}


def _repository(root: Path) -> Path:
    for place, (source, _format) in LAYOUT.items():
        target = root / place
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    for place, text in UNRELATED.items():
        target = root / place
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def test_every_format_is_read_by_its_own_reader_in_one_walk(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "repo")
    done = run_cli("inventory", "-f", "json", ".", cwd=repo)
    assert done.exit_code == 0, done.stdout + done.stderr
    formats: dict[str, set[str]] = {}
    for entry in json.loads(done.stdout)["entries"]:
        formats.setdefault(Path(entry["path"]).as_posix(), set()).add(entry["format"])
    assert formats == {place: {fmt} for place, (_source, fmt) in LAYOUT.items()}


def test_the_walk_checks_exactly_those_files_and_says_nothing_of_the_others(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "repo")
    done = run_cli("check", "--no-cache", "-f", "json", ".", cwd=repo)
    assert done.exit_code == 1 and "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert report["files_checked"] == len(LAYOUT)
    found = [(Path(f["path"]).as_posix(), f["code"]) for f in report["findings"]]
    assert {path for path, _code in found} <= set(LAYOUT)
    # no file is misread: a misread file shows as a parse error (OL001) or an unknown format (OL003)
    assert [(path, code) for path, code in found if code in ("OL001", "OL003")] == []
