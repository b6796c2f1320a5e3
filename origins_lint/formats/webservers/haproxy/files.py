"""Which files are HAProxy configs: cheap, by name and by their section lines.

HAProxy's files are `haproxy.cfg` and, by the packages' convention, `*.cfg` in `haproxy/` and
`haproxy/conf.d/` (`haproxy -f /etc/haproxy/conf.d`). Other tools use `.cfg` too (setup.cfg,
supervisord.conf's `[program:x]`, tox): an INI file has `[section]` lines, HAProxy never does. A
`.cfg` is HAProxy when a line starts a proxy section (`frontend`, `backend`, `listen` with a
name, or `defaults`/`global` alone) and no line is an INI `[section]` header
(src/cfgparse.c `cfg_keywords`: the section keywords HAProxy recognises at the start of a line).
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Final

MAIN_FILE: Final = "haproxy.cfg"
_SECTION = re.compile(
    r"^[ \t]*(?:(?:frontend|backend|listen)[ \t]+[A-Za-z0-9_.:-]+|defaults|global)\b", re.MULTILINE
)
_DIRECTIVE = re.compile(
    r"^[ \t]+(?:bind|server|mode|timeout|balance|default_backend|use_backend|acl|http-request|"
    r"http-response|http-after-response|option|maxconn|log)\b",
    re.MULTILINE,
)
_INI = re.compile(r"^[ \t]*\[[^\]\n]*\][ \t]*$", re.MULTILINE)


def wants(path: str) -> bool:
    return PurePath(path).name.endswith(".cfg")


def looks_like_haproxy(text: str) -> bool:
    head = text[:200_000]
    return bool(_SECTION.search(head) and _DIRECTIVE.search(head)) and _INI.search(head) is None


def detect(path: str, text: str) -> bool:
    name = PurePath(path).name
    if not name.endswith(".cfg"):
        return False
    if name == MAIN_FILE:
        return _INI.search(text[:200_000]) is None
    return looks_like_haproxy(text)
