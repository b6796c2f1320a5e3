"""Which files are nginx: by the folders nginx layouts load whole, and by their first statement.

Debian names vhosts after their domain (`sites-enabled/example.com`) and its stock
`nginx.conf` loads `sites-enabled/*` whatever the names; `conf.d/`, `snippets/`,
`http.d/` (Alpine), `vhosts.d/` (SUSE) and `vhost.d/` (nginx-proxy's per-host snippets, named after
the host: its nginx.tmpl includes `/etc/nginx/vhost.d/<host>` in the server and `<host>_location`
in `location /`) hold nginx under any suffix too. A file
there is sniffed whatever its name, and one that is left unread is said (OL003).

Sniffing reads the first statements with nginx's own tokens (reject.TOKEN), which
skip comments and keep a quoted string whole across lines, so a `return 200 '<html>...'` body, a
directive split over lines or a commented-out block cannot mislead it. nginx
directive names are lowercase words (ngx_conf_handler compares them byte for byte
with its modules' tables), so an Apache `<VirtualHost>` or `ServerName`, an INI
`[section]` or a YAML `key:` is not nginx.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Final

from origins_lint.formats.nginx.reject import TOKEN

MAIN_FILE: Final = "nginx.conf"
FOLDERS: Final = frozenset(
    {"conf.d", "snippets", "http.d", "vhosts.d", "vhost.d", "modules-enabled", "modules-available"}
)
_STATEMENTS = 32  # statements looked at for a known directive
_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_FOREIGN = re.compile(r"[<\[]|[A-Z]|.*:$")  # Apache `<Tag>` and `ServerName`, INI `[section]`, YAML `key:`
_EXTRA: Final = frozenset(  # third-party directives common in CORS configs, beyond crossplane's table
    {"more_set_headers", "more_clear_headers", "more_set_input_headers", "add_header_inherit"}
)


def nginx_folder(path: str) -> str | None:
    """The name of the folder holding ``path`` when nginx layouts load every file in it."""
    folder = os.path.basename(os.path.dirname(path))
    if folder.startswith("sites-") or folder in FOLDERS:
        return folder
    return None


def claimed(path: str) -> str | None:
    """Why nginx would load this file whatever it holds, when the tree shows it is nginx's.

    The folder must be one nginx layouts load whole, and sit next to an `nginx.conf` or in
    a folder named nginx: Apache has `sites-available/` and `conf.d/` too, and an Apache
    file there is not ours to report.
    """
    real = os.path.abspath(path)
    folder = nginx_folder(real)
    if folder is None or os.path.basename(real).startswith("."):
        return None  # nginx's glob(3) never matches a dot name with `*`
    parent = os.path.dirname(os.path.dirname(real))
    if os.path.basename(parent) != "nginx" and not os.path.isfile(os.path.join(parent, MAIN_FILE)):
        return None
    return f"`{folder}/` is a folder whose files nginx loads whatever their names"


def statements(text: str, most: int = _STATEMENTS) -> list[tuple[str, str]]:
    """(name, terminator) of the first statements, at any depth, read with nginx's tokens; the
    terminator is `;`, `{`, `}` (a stray close) or empty (the text ended first)."""
    out: list[tuple[str, str]] = []
    name = ""
    # the whole text, lazily: a window of the first characters would let a long leading comment hide
    # every statement, and the file with them (the tokens skip comments in linear time)
    for match in TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "punct":
            out.append((name, match.group(kind)))
            name = ""
            if len(out) >= most:
                return out
        elif kind in ("word", "quoted") and not name:
            name = match.group(kind) if kind == "word" else match.group(kind)[1:-1]
        elif kind not in ("word", "quoted"):
            break  # an unclosed quote: what came before still counts
    if name:
        out.append((name, ""))
    return [(n, end) for n, end in out if n or end != "}"]


def looks_like_nginx(text: str, in_folder: bool) -> bool:
    """Whether ``text`` is nginx. In an nginx folder any lowercase first directive will do, or
    a terminated statement of a `map`/`types` body (`"https://a.example.com" 1;`), and a file
    of comments only is an empty nginx file; elsewhere a directive nginx knows must appear,
    and the first statement must be terminated."""
    found = statements(text, 1)
    if not found:
        return in_folder
    name, end = found[0]
    if end in (";", "{") and name in known():
        return True  # the common case, decided by the first statement
    if in_folder:
        if _NAME.fullmatch(name):
            return bool(end) or name in known()
        return end in (";", "{") and bool(name) and not _FOREIGN.match(name)
    if _NAME.fullmatch(name) is None or end not in (";", "{"):
        return False
    return any(n in known() for n, _ in statements(text))


def why_not(text: str) -> str:
    """What the sniff saw, for the OL003 line of a claimed file it refused."""
    found = statements(text, 1)
    if not found:
        return "it holds no nginx statement"
    name = found[0][0][:40]
    return f"its first statement `{name}` is not an nginx directive"


@lru_cache(maxsize=1)
def known() -> frozenset[str]:
    """Directive names nginx and its common modules define (crossplane's table, and headers-more)."""
    from crossplane.analyzer import DIRECTIVES

    return frozenset(DIRECTIVES) | _EXTRA
