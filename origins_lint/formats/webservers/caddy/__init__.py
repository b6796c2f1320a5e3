"""Caddy: the Caddyfile and the JSON config, the CORS headers each site's responses carry.

Caddy has no CORS module: a config sends CORS headers with the `header` directive
(modules/caddyhttp/headers), and checks the request's `Origin` with request matchers
(modules/caddyhttp/matchers.go). So the model is nginx's: header lines per response, and
an `Access-Control-Allow-Origin` of `{http.request.header.Origin}` (the Caddyfile's
shorthand `{header.Origin}`) is an echo (`MatcherKind.REFLECTED`) unless a matcher on
`Origin` guards the `header` that sends it, or the `handle`/`route` block around it:

- `header Origin <values>` (`MatchHeader`, `matchHeaders`): each value compared with `==`,
  or with `strings.HasPrefix` (`value*`), `HasSuffix` (`*value`), `Contains` (`*value*`),
  case-sensitive; `*` alone passes any Origin; one value a line, the lines of one field OR'ed, fields
  AND'ed; the field name folds case (`textproto.CanonicalMIMEHeaderKey`);
- `header_regexp Origin <re>` (`MatchRegexp.Match`): Go's regexp, searched
  (`FindStringSubmatch`), case-sensitive unless `(?i)`; a pattern Go cannot compile makes
  Caddy refuse the config (`MatchRegexp.Provision`), OL002;
- `not` admits every origin the check does not; a CEL `expression` on Origin is OL004.

`import` splices a snippet defined above it, or else a file or a one-wildcard glob relative to
the folder of the file it is in (parse.go `doImport`, `doSingleImport`): the imported files are
read where they are imported, with `{args[N]}` replaced, inside the folders being checked
(nginx's include resolution and limits; `/etc/caddy/...` is looked for beside the checked
`Caddyfile`); a file outside them is said (OL004), a missing file or a pattern of several
wildcards is what Caddy refuses (OL001), a glob that matches nothing is no error.

A `map` whose source is the Origin (modules/caddyhttp/map) is read as nginx's `map`:
an output echoing the Origin, or `$1` of a `~regexp` input, admits what the input passes
(`==`, or Go's regexp searched); a fixed output admits itself; the first match wins.
A literal value is exact (`*` any, `null` the null origin); another request value
(`{http.request.uri}`, `{query.o}`) is an echo of what the sender chose; `{$ENV}`,
`{vars.*}` and other runtime values are OL004. `Access-Control-Allow-Credentials true`
in the same response makes its origins credentialed; `Vary` is read for OL602.

The package: ``lexer`` (caddyconfig/caddyfile/lexer.go), ``caddyfile`` (parse.go,
importargs.go, the `header` directive's caddyfile.go, httptype.go's matcher definitions),
``json_config`` (the JSON config), and ``routes`` (Caddy's placeholders and `header Origin`
matcher); both readers give `readers/response_headers.py` their header operations, which it
turns into contexts (headers.go: `set`, `add`, `delete`, `?`, `deferred`). Cited from
caddyserver/caddy at 0cf03d32f7d99cf160d5375e8a40fbe3d910d515.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Final

from origins_lint.formats.base import FormatOptions
from origins_lint.model import Document, Location, ParsedFile
from origins_lint.source import Source

NAME = "caddy"
_JSON_SNIFF: Final = (re.compile(r'"apps"\s*:\s*\{'), re.compile(r'"servers"\s*:\s*\{'))
_OKTA_SNIFF: Final = (re.compile(r'"origin"\s*:'), re.compile(r'"scopes"\s*:'))
_HEAD: Final = 1 << 20


def is_caddyfile(path: str) -> bool:
    """`Caddyfile`, `Caddyfile.<anything>` (but `.json`) and `*.caddyfile`, as Caddy's docs name them."""
    name = PurePath(path).name
    if name.endswith(".json"):
        return False
    return name == "Caddyfile" or name.startswith("Caddyfile.") or name.lower().endswith(".caddyfile")


def is_caddy_json(text: str) -> bool:
    """A JSON config with `"apps": {... "servers": {...}}`: never an Okta export (a list of origins)."""
    head = text[:_HEAD]
    return all(pattern.search(head) for pattern in _JSON_SNIFF)


def wants(path: str) -> bool:
    return is_caddyfile(path) or path.endswith(".json")


def detect(path: str, text: str) -> bool:
    if is_caddyfile(path):
        return True
    if not path.endswith(".json"):
        return False
    if is_caddy_json(text):
        return True
    # by name, unless it is shaped like an Okta export (origins with scopes): that one is Okta's
    okta = all(pattern.search(text[:_HEAD]) for pattern in _OKTA_SNIFF)
    return PurePath(path).name == "caddy.json" and not okta


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    from origins_lint.formats.readers import response_headers
    from origins_lint.formats.webservers.caddy import caddyfile, json_config

    result = ParsedFile(source.path, NAME)
    if source.path.endswith(".json"):
        scopes, problems = json_config.read(source.path, source.text)
        style = json_config.STYLE
    else:
        read = caddyfile.read(source.path, source.text, options.roots)
        scopes, problems, style = read.scopes, read.problems, caddyfile.STYLE
        result.included, result.uncached = read.included, read.uncached
    document = Document(source.path, NAME, Location.point(source.path, 1, 1))
    for scope in scopes:
        document.contexts.extend(response_headers.contexts(scope, style, problems))
    result.problems.extend(problems)
    result.documents.append(document)
    return result
