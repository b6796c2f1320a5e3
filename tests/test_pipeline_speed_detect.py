"""The sniffs' cheaper name tests (issue 21) answer exactly what the PurePath ones did.

nginx's and Apache's `detect` built a `PurePath` (two, with `is_template`, and Apache's `wants`)
for every `.conf` file a walk reads, the policy's `detect` and Spring's `wants` one for every
YAML file; they now take the name from `base.file_name`, which gives
PurePath's `name` without building one for a plain path. Held here to copies of the functions as
of c0df2da, on the fixtures and examples, odd path spellings and seeded random paths and texts.
"""

from __future__ import annotations

import os
import random
from pathlib import Path, PurePath

from origins_lint.formats import nginx, policy, spring
from origins_lint.formats.base import file_name
from origins_lint.formats.nginx.files import looks_like_nginx, nginx_folder
from origins_lint.formats.nginx.templates import detemplated, is_template
from origins_lint.formats.readers.manifests import READ_AS_YAML
from origins_lint.formats.webservers import apache
from origins_lint.formats.webservers.haproxy.files import looks_like_haproxy
from origins_lint.source import Source

ROOT = Path(__file__).resolve().parent.parent


def _old_nginx_detect(path: str, text: str) -> bool:
    name = PurePath(path).name
    if name == "nginx.conf" or name.endswith(".nginx"):
        return True
    in_folder = nginx_folder(os.path.abspath(path)) is not None and not name.startswith(".")
    if name.endswith(".cfg") and looks_like_haproxy(text):
        return False
    if not in_folder and not nginx.wants(path):
        return False
    if is_template(path):
        text = detemplated(Source(path, text))[0].text
    return looks_like_nginx(text, in_folder)


def _old_apache_detect(path: str, text: str) -> bool:
    name = PurePath(path).name
    if name in apache.MAIN_FILES:
        return name != "httpd.conf" or apache.looks_like_apache(text, empty=True)
    return apache.wants(path) and apache.looks_like_apache(text)


def _old_policy_detect(path: str, text: str) -> bool:
    name = PurePath(path).name
    if policy._NAMES.search(name):
        return True
    if not name.endswith(policy.EXTENSIONS):
        return False
    listed = policy._ORIGINS_KEY.search(text) and policy._ENTRY.search(text)
    return bool(policy._KIND.search(text) or listed)


def _old_spring_wants(path: str) -> bool:
    # s30, deliberately: a YAML file may be a ConfigMap carrying `application*.yml` (spring.detect)
    return bool(spring._NAMES.match(PurePath(path).name)) or path.endswith(READ_AS_YAML)


ODD = [
    "",
    ".",
    "..",
    "/",
    "//",
    "a/",
    "a/.",
    "a/..",
    "a//b.conf",
    "./b.conf",
    "nginx.conf/",
    "nginx.conf/.",
    "x/httpd.conf/.",
    "/etc/nginx/conf.d/default",
    "conf.d/.hidden.conf",
    "sites-enabled/..",
    "sites-enabled/./x",
    "haproxy/conf.d/x.cfg",
    "x.conf.j2",
    "x.conf.tftpl",
    ".htaccess",
    "dir/.htaccess/",
]
PARTS = ["sites-enabled", "conf.d", "conf-available", "nginx", "snippets", "a", ".", "..", "", "http.d"]
NAMES = ["x.conf", "nginx.conf", "httpd.conf", "apache2.conf", ".htaccess", "x.nginx", "x.cfg", "default"]
NAMES += ["x.conf.j2", "x.conf.template", ".hidden", "x.yaml", ".", "..", ""]
NAMES += ["a.origins.yaml", "origins.yml", "application.yml", "bootstrap-dev.properties", "application"]


def _paths(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    out = list(ODD)
    for _ in range(count):
        parts = rng.choices(PARTS, k=rng.randint(0, 4))
        out.append(("/" if rng.random() < 0.3 else "") + "/".join([*parts, rng.choice(NAMES)]))
    return out


def _texts() -> list[str]:
    texts = [
        "",
        "server { listen 80; }\n",
        "add_header Access-Control-Allow-Origin $http_origin;\n",
        "{% if x %}server { listen 80; }{% endif %}\n",
        "<VirtualHost *:80>\nHeader set Access-Control-Allow-Origin *\n</VirtualHost>\n",
        "Header always set Access-Control-Allow-Origin https://a.example\n",
        "frontend web\n  bind :80\n  acl ok hdr(origin) -m str https://a.example\n",
        "ServerName a.example\nListen 80\n",
        "# only a comment\n",
        "kind: OriginPolicy\norigins:\n  - origin: https://a.example\n",
        "origins:\n  - origin: http://app.example.com\n",
        "spring:\n  web:\n    cors:\n      allowed-origins: '*'\n",
    ]
    for folder in ("tests/fixtures", "examples"):
        for suffix in ("*.conf", "*.yaml", "*.yml"):
            for path in sorted((ROOT / folder).rglob(suffix))[:40]:
                texts.append(path.read_text("utf-8", errors="replace"))
    return texts


def test_file_name_is_purepaths_name() -> None:
    for path in _paths(1, 2000):
        assert file_name(path) == PurePath(path).name, path


def test_the_sniffs_answer_what_they_did() -> None:
    rng = random.Random(2)
    texts = _texts()
    fixtures = [
        str(p) for folder in ("tests/fixtures", "examples") for p in sorted((ROOT / folder).rglob("*"))
    ]
    relative = [os.path.relpath(p, ROOT) for p in fixtures]
    for path in [*_paths(3, 600), *fixtures, *relative]:
        for text in rng.sample(texts, 4):
            assert nginx.detect(path, text) == _old_nginx_detect(path, text), path
            assert apache.detect(path, text) == _old_apache_detect(path, text), path
            assert policy.detect(path, text) == _old_policy_detect(path, text), path
        assert spring.wants(path) == _old_spring_wants(path), path
