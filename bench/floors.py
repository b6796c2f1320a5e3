"""The parse floor of each format: what merely parsing the corpus costs, in one Python process.

    python bench/floors.py FORMAT DIR

Each floor uses the library (or the stdlib call) origins-lint itself parses that format
with, and nothing else: no positions beyond what the parser gives, no model, no rules.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def _texts(folder: str) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(Path(folder).rglob("*")) if p.is_file()]


def nginx(folder: str) -> None:
    import crossplane

    for path in sorted(Path(folder).rglob("*.conf")):
        crossplane.parse(str(path), single=True, catch_errors=True, comments=True)


def yaml_c(folder: str) -> None:
    """ruamel.yaml's C loader (libyaml parser, safe constructor), every document of every file."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=False)
    for text in _texts(folder):
        list(yaml.load_all(text))


def json_load(folder: str) -> None:
    import json

    for path in sorted(Path(folder).rglob("*.json")):
        with path.open("rb") as stream:
            json.load(stream)


def terraform(folder: str) -> None:
    import hcl2

    for text in _texts(folder):
        hcl2.loads(text)


def mixed(folder: str) -> None:
    """A tree of every format (`gen.py` writes one folder per format): each folder's own floor."""
    for sub in sorted(Path(folder).iterdir()):
        if sub.is_dir():
            FLOORS[sub.name](str(sub))


FLOORS: dict[str, Callable[[str], None]] = {
    "nginx": nginx,
    "policy": yaml_c,
    "okta": json_load,
    "okta-export": json_load,
    "terraform": terraform,
    "ingress": yaml_c,
    "istio": yaml_c,
    "envoy": yaml_c,
    "traefik": yaml_c,
    "spring": yaml_c,
    "mixed": mixed,
}

FLOOR_NAMES = {
    "nginx": "crossplane.parse",
    "terraform": "hcl2.loads",
    "okta": "json.load",
    "okta-export": "json.load",
    "mixed": "each format's floor",
}


def floor_name(fmt: str) -> str:
    return FLOOR_NAMES.get(fmt, "ruamel C load_all")


if __name__ == "__main__":
    FLOORS[sys.argv[1]](sys.argv[2])
