"""Apache httpd configs and `.htaccess`: the CORS headers each response carries, as model contexts.

How httpd decides what it sends (apache/httpd, commit 0cb680442ecaa6118cc610b5ecc6e824330bf61a):

- ``lexer`` reads the syntax as server/util.c and server/config.c do (`#` starts a comment only
  at the start of a line, `\\` continues one, `ap_getword_conf` quoting); ``tree`` expands
  `Include`/`IncludeOptional` where httpd reads them; ``flow`` says what a header value and a
  condition can hold; ``entries`` turns the entries of one response into model data.
- mod_headers (modules/metadata/mod_headers.c) keeps two tables per scope: `Header always ...`
  goes to `fixup_err`, applied to `r->err_headers_out`, which httpd sends on every response;
  `Header [onsuccess] ...` to `fixup_out`, applied to `r->headers_out`, which httpd drops from
  the error pages it writes itself (`ap_send_error_response`): a 401, 403, 404 or 500 of its own
  carries no CORS header then (OL603, fixed with `Header always set`). `set` replaces,
  `add` adds another header, `append`/`merge` join values with `, `, `unset` removes, each in
  its own table: a header set in both tables is sent twice on a success (OL601). Each entry runs
  only when its condition holds (`env=NAME`, `env=!NAME`, `expr=...`).
- Scopes merge as `merge_headers_config` does: a scope's entries are its parent's followed by
  its own, from the main server to `<VirtualHost>`, then `<Directory>`, `<Location>`, `<Files>`
  (and their `Match` forms, `<Proxy>`) as they nest, then `<If>`/`<ElseIf>`/`<Else>` (taken as
  their condition says about the Origin). `<IfModule>`, `<IfDefine>`, `<IfVersion>`,
  `<IfFile>`, `<IfDirective>` and `<IfSection>` are read as if their test held: a linter
  cannot know the modules loaded, and the entries inside are what the file means to send. A
  scope's entries apply to the whole scope, wherever in it they are written (the main
  server's `Header` after a `<VirtualHost>` still reaches it). A `.htaccess` file is read on
  its own as the `<Directory>` of its folder: the entries of the server config above it are
  not merged in (check the server config too).
- mod_setenvif and mod_rewrite set the environment a `%{NAME}e` value or an `env=NAME`
  condition reads; each variable's setters in the scope chain are alternatives.

Each scope that sends a CORS header becomes one context; the origins its
`Access-Control-Allow-Origin` can carry become matchers: literal origins, `*`, `null`, an echo
(`%{HTTP:Origin}` in an `expr=` value: reflected unless an origin check guards it), or the
regex whose match a `SetEnvIf Origin re NAME=$0` sends back.

This module holds only what deciding that a file is Apache's takes (`wants`, `detect`): a
`.conf` of nginx's is sniffed here on every check, so the builder (``scopes``) is imported
only when a file is parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath
from typing import TYPE_CHECKING, Final

from origins_lint.formats.base import file_name

if TYPE_CHECKING:
    from origins_lint.formats.base import FormatOptions
    from origins_lint.model import ParsedFile
    from origins_lint.source import Source

NAME = "apache"
MAIN_FILES: Final = frozenset({"httpd.conf", "apache2.conf", ".htaccess"})
FOLDERS: Final = frozenset({"conf.d"})
FOLDER_PREFIXES: Final = ("sites-", "conf-")
_SCOPES: Final = frozenset(
    {
        "virtualhost",
        "directory",
        "directorymatch",
        "location",
        "locationmatch",
        "files",
        "filesmatch",
        "proxy",
        "proxymatch",
        "limit",
        "limitexcept",
    }
)
_TRANSPARENT: Final = frozenset({"ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection"})
_CONDITIONAL: Final = frozenset({"if", "elseif", "else"})
_FIRST_WORD = re.compile(r"[^ \t\n\r\f\v]*")  # up to apr_isspace (_BLANKS)
_BLANKS = " \t\n\r\f\v"  # apr_isspace
# directives whose name alone says Apache (case-insensitive, as httpd looks them up)
_KNOWN_WORDS = """
header requestheader setenvif setenvifnocase setenvifexpr browsermatch browsermatchnocase setenv
unsetenv passenv rewriteengine rewritecond rewriterule rewritebase rewritemap rewriteoptions
loadmodule servername serveralias serveradmin serverroot documentroot listen errorlog customlog
logformat loglevel options allowoverride require order allow deny directoryindex alias aliasmatch
scriptalias redirect redirectmatch proxypass proxypassreverse proxypreservehost proxyrequests
sslengine sslcertificatefile sslcertificatekeyfile sslprotocol sslciphersuite addtype addhandler
addoutputfilterbytype adddefaultcharset expiresactive expiresbytype expiresdefault fileetag
errordocument include includeoptional user group pidfile timeout keepalive maxkeepaliverequests
keepalivetimeout hostnamelookups serversignature servertokens traceenable mutex define protocols
usecanonicalname accessfilename defaulttype php_value php_flag php_admin_value php_admin_flag
sethandler forcetype authtype authname authuserfile satisfy limitrequestbody startservers
maxrequestworkers wsgiscriptalias wsgidaemonprocess wsgiprocessgroup addcharset addlanguage
languagepriority indexoptions defaultlanguage
"""
KNOWN: Final = frozenset(_KNOWN_WORDS.split())
_SNIFF_LINES = 64
_CAPITALISED = re.compile(r"[A-Z][A-Za-z0-9_]*[a-z][A-Za-z0-9_]*")  # `SSLSessionCache`, not `FOO` or `foo`


def wants(path: str) -> bool:
    """`httpd.conf`, `apache2.conf`, `.htaccess`, `*.conf`, and every file of Debian's
    `sites-*/`, `conf-*/` and RHEL's `conf.d/` (but dot files, which httpd's `*` skips)."""
    pure = PurePath(path)
    name = pure.name
    if name in MAIN_FILES or name.endswith(".conf"):
        return True
    folder = pure.parent.name
    return (folder.startswith(FOLDER_PREFIXES) or folder in FOLDERS) and not name.startswith(".")


def detect(path: str, text: str) -> bool:
    name = file_name(path)
    if name in MAIN_FILES:
        return name != "httpd.conf" or looks_like_apache(text, empty=True)
    return (name.endswith(".conf") or wants(path)) and looks_like_apache(text)  # by name first, as `wants`


def looks_like_apache(text: str, empty: bool = False) -> bool:
    """Whether the first statement is an Apache section (`<VirtualHost`) or a directive httpd knows
    (or a capitalised word, httpd's style, when a known directive follows), and no statement of
    the first ones is ended by nginx's `;` or `{`."""
    seen = 0
    first_known = False
    capitalised = False
    for line in logical_texts(text):
        if not line or line.startswith("#"):
            continue
        seen += 1
        if seen > _SNIFF_LINES:
            break
        if line.endswith((";", "{")) and not line.startswith("<"):
            return False
        # the first word ends at httpd's blanks (apr_isspace), not at every Unicode space: a line of
        # "\x1c" is one word to httpd (and split() would give no word at all)
        found = _FIRST_WORD.match(line)
        word = found.group() if found is not None else ""
        name = word.lower()
        known = name in KNOWN or (
            name.startswith("<") and name.lstrip("</").rstrip(">") in _SCOPES | _TRANSPARENT | _CONDITIONAL
        )
        if seen == 1:
            first_known = known
            capitalised = _CAPITALISED.fullmatch(word) is not None
            if not known and not capitalised:
                return False
        elif known and not first_known:
            first_known = True  # a capitalised first word, and a directive httpd knows after it
    return first_known if seen else empty


def logical_texts(text: str) -> Iterator[str]:
    """The text of each logical line, as ``lexer.logical_lines`` gives it, without its places: what a sniff
    reads (``looks_like_apache``, on every `.conf`), a few lines in."""
    offset = 0
    done = False
    while not done:
        pieces: list[str] = []
        while True:
            newline = text.find("\n", offset)
            last = newline < 0
            raw = text[offset:] if last else text[offset:newline]
            offset = newline + 1
            body = raw[:-1] if raw.endswith("\r") else raw
            continued = not last and body.endswith("\\")
            pieces.append(body[:-1] if continued else body)
            done = last
            if not continued:
                break
        yield (pieces[0] if len(pieces) == 1 else "".join(pieces)).strip(_BLANKS)


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    """The contexts of a file's scopes (``scopes.parse``), the builder imported only now."""
    from origins_lint.formats.webservers.apache.scopes import parse as parse_scopes

    return parse_scopes(source, options)
