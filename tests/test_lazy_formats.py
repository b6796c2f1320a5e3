"""The registry's lazy lines (formats/base.py `lazy`) say what their modules say (issue 21).

Each line carries a format's path facts and content markers as data so that a walk or a sniff
imports no format module; the module's own `wants`/`detect` decide once a file passes. These
tests hold the data to the modules: every fixture and example, under relative and absolute
paths, gets the same answers from the line as from its module, and checking one policy file
imports no other format.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from origins_lint import formats
from origins_lint.formats.base import FormatModule

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted(
    p for folder in ("tests/fixtures", "examples") for p in (ROOT / folder).rglob("*") if p.is_file()
)
# names and folders the path tests turn on, with texts that some format reads
PATHS = [
    "nginx.conf",
    "etc/nginx/nginx.conf",
    "etc/nginx/sites-enabled/example.com",
    "etc/nginx/sites-enabled/.hidden",
    "etc/nginx/conf.d/cors",
    "etc/nginx/conf.d/cors.inc",
    "etc/nginx/conf.d/cors.txt",
    "etc/nginx/snippets/cors.snippet",
    "deploy/nginx/servers/app",
    "deploy/nginx/api.example.com",
    "app/server/shop.example.ru",
    "app/server/deploy.sh",
    "deploy/nginx/app.cors",
    "deploy/site.conf",
    "deploy/site.conf.j2",
    "deploy/default.conf.tftpl",
    "app.vhost",
    "x.nginx",
    "modules-enabled/50-mod.conf",
    "a/origins.yaml",
    "team.origins.yml",
    "values.yaml",
    "values-prod.yml",
    "chart/templates/ingress.yaml.tpl",
    "dynamic.yml.tftpl",
    "trusted-origins.json",
    "Trusted_Origin.json",
    "envoy.json",
    "main.tf",
    "application.yml",
    "application-dev.properties",
    "bootstrap.yaml",
    "README.md",
    "setup.py",
    "noext",
]
TEXTS = [
    "",
    "server {\n    listen 80;\n    add_header Access-Control-Allow-Origin $http_origin;\n}\n",
    "kind: OriginPolicy\norigins:\n  - origin: https://a.example.com\n",
    "origins:\n  - origin: https://a.example.com\n",
    "metadata:\n  annotations:\n    nginx.ingress.kubernetes.io/enable-cors: 'true'\n",
    "controller:\n  config:\n    server-snippet: |\n      add_header X 1;\n",
    "spec:\n  http:\n  - corsPolicy:\n      allowOrigins:\n      - exact: https://a.example.com\n",
    '{"allow_origin_string_match": [{"exact": "https://a.example.com"}]}',
    "http:\n  middlewares:\n    m:\n      headers:\n        accessControlAllowOriginList: ['*']\n",
    "spring.web.cors.allowed-origins=*\n",
    '[{"origin": "https://a.example.com", "scopes": [{"type": "CORS"}]}]',
    '{"errorCode": "E0000011", "errorSummary": "Invalid token provided"}',
    'resource "okta_trusted_origin" "a" {\n  origin = "https://a.example.com"\n}\n',
]


def _module(fmt: formats.Format) -> FormatModule:
    assert fmt.module is not None, f"{fmt.name} is not a lazy line"
    module: FormatModule = importlib.import_module(fmt.module)  # type: ignore[assignment]
    return module


LAZY = [fmt for fmt in formats.FORMATS if fmt.module is not None]  # every line (test_every_line_is_lazy)


def test_every_line_is_lazy() -> None:
    assert [fmt.name for fmt in formats.FORMATS if fmt.module is None] == []


@pytest.mark.parametrize("fmt", LAZY, ids=lambda fmt: fmt.name)
def test_a_lazy_line_names_its_module(fmt: formats.Format) -> None:
    module = _module(fmt)
    assert fmt.name == module.NAME
    assert (fmt.fix is None) == (getattr(module, "fix", None) is None)


@pytest.mark.parametrize("fmt", LAZY, ids=lambda fmt: fmt.name)
def test_a_lazy_line_wants_and_detects_what_its_module_does(fmt: formats.Format) -> None:
    module = _module(fmt)
    cases = [
        (str(path.relative_to(ROOT)), path.read_text(encoding="utf-8", errors="replace")) for path in CORPUS
    ]
    cases += [(str(ROOT / path), text) for path, text in cases]
    cases += [(path, text) for path in PATHS for text in TEXTS]
    wrong = [(path, "wants") for path, _text in cases if fmt.wants(path) != module.wants(path)]
    wrong += [
        (path, text[:40]) for path, text in cases if fmt.detect(path, text) != module.detect(path, text)
    ]
    assert not wrong, f"{fmt.name}: the line and {fmt.module} disagree on {wrong[:5]}"


def test_claimed_and_unread_agree_with_nginx() -> None:
    from origins_lint.formats import nginx
    from origins_lint.formats.nginx import files

    for path, text in [(p, t) for p in PATHS for t in TEXTS[:2]] + [
        (str(p.relative_to(ROOT)), "") for p in CORPUS
    ]:
        assert formats.claimed(path) == files.claimed(path), path
        assert formats.unread(path, text) == nginx.unread(path, text), path


def test_one_policy_file_imports_no_other_format(tmp_path: Path) -> None:
    one = tmp_path / "one.origins.yaml"
    one.write_text("origins:\n  - origin: http://app.example.com\n", encoding="utf-8")
    probe = (
        "import json, sys\n"
        "from origins_lint.cli import run\n"
        "run(['check', '--no-cache', '-q', sys.argv[1]])\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", probe, str(one)], capture_output=True, text=True, env=env, check=False
    )
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    # the registry, the policy format and the readers it uses; no other format's module
    allowed = ("origins_lint.formats.base", "origins_lint.formats.policy", "origins_lint.formats.readers")
    others = sorted(
        name for name in loaded if name.startswith("origins_lint.formats.") and not name.startswith(allowed)
    )
    assert others == []
