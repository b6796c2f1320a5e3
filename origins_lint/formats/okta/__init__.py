"""Okta trusted-origin exports (`GET /api/v1/trustedOrigins` saved as JSON): file in, model out.

Okta's semantics become model data here, so that the rules stay generic: a
CORS-scope origin is always used with the Okta session cookie (credentials),
`INACTIVE` entries are kept but not enforced, and the document is marked as
enforced by Okta so that the OL7xx rules apply.

The family: ``fast`` reads the usual export (a plain list of well-formed entries) with the C JSON
decoder and leaves anything unusual to the exact reader here; ``schema`` holds the pydantic
models of the API's camelCase shape (the Okta Python SDK's snake_case keys read as their twins)
and the JSON Schema; ``terraform`` reads Terraform `okta_trusted_origin` resources (both
provider shapes) into the same model as an export.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter
from pathlib import PurePath
from typing import Any, Final

from origins_lint.formats.base import FormatOptions
from origins_lint.formats.okta.fast import (
    _NAME,
    _ORIGIN,
    _SCOPE_TYPE,
    _STATUS,
    _TYPES,
    FastEntry,
    FastExport,
    ScopeEntry,
    _Lines,
    _location,
    located,
    read_with,
)
from origins_lint.formats.readers.json_tree import load_json
from origins_lint.formats.readers.tree import Node, descend
from origins_lint.formats.webservers.caddy import is_caddy_json
from origins_lint.model import (
    OKTA,
    OKTA_EXACT,
    CorsContext,
    Document,
    InputProblem,
    Location,
    OriginMatcher,
    ParsedFile,
    ProblemKind,
    Setting,
    Status,
)
from origins_lint.origins import matcher_kind
from origins_lint.source import Source, problem

NAME = "okta"

_NAMES = re.compile(r"trusted[-_.]?origins?", re.IGNORECASE)
_ORIGIN_KEY = re.compile(r'"origin"\s*:')
_SCOPES_KEY = re.compile(r'"scopes"\s*:')
_ERROR_KEYS = (re.compile(r'"errorCode"\s*:'), re.compile(r'"errorSummary"\s*:'))
SHAPE = '[{"origin": "https://app.example.com", "scopes": [{"type": "CORS"}]}]'
# help.okta.com "Configure Trusted Origins" (Add a Trusted Origin): "The Origin URL must use one of
# the following schemes: HTTP, HTTPS, FTP, Ionic 2, Capacitor"; any other is refused when created
OKTA_SCHEMES = frozenset({"http", "https", "ftp", "ionic", "capacitor"})


def wants(path: str) -> bool:
    return path.endswith(".json")


def detect(path: str, text: str) -> bool:
    """By name (`trusted-origins.json`), by `"origin"` and `"scopes"` keys, or as an Okta error body."""
    if not path.endswith(".json") or is_caddy_json(text):
        return False
    if _NAMES.search(PurePath(path).name):
        return True
    head = text[:65536]
    if _ORIGIN_KEY.search(head) and _SCOPES_KEY.search(head):
        return True
    return all(key.search(head) for key in _ERROR_KEYS)


_TYPE_OF = itemgetter(0)  # a ScopeEntry's type


@lru_cache(maxsize=64)
def _scope_set(types: tuple[str, ...]) -> frozenset[str]:
    """One set per combination of scopes, shared: 50,000 entries have a handful of combinations."""
    return frozenset(kind.lower() for kind in types)


def okta_refusal(origin: str) -> str | None:
    """Why Okta's API refuses to create this trusted origin, or None: such an entry never exists.

    developer.okta.com Trusted Origins API, "Create Trusted Origin", invalid request example:
    `"origin": "example.com"` -> E0000001 "Api validation failed: origin"; help.okta.com "Configure
    Trusted Origins": only the schemes in OKTA_SCHEMES. (OL104 is for schemes Okta accepts.)
    """
    if origin.startswith(("https://", "http://")):  # most entries: a scheme Okta takes
        return None
    scheme, separator, _rest = origin.partition("://")
    if not separator:
        fix = f"; write `https://{origin.strip()}`" if origin.strip() else ""
        return (
            f"Okta rejects this origin: `{origin}` has no scheme, and the Trusted Origins API refuses it "
            '(E0000001 "Api validation failed: origin"), so this trusted origin is never created' + fix
        )
    if scheme.lower() not in OKTA_SCHEMES:
        return (
            f"Okta rejects this origin: `{origin}` uses the `{scheme}://` scheme, and a trusted origin "
            "must use http, https, ftp, ionic or capacitor (help.okta.com, Configure Trusted Origins), "
            "so it is never created; trust the web origin that hosts the page instead"
        )
    return None


def refused(origin: str, origin_at: Location) -> InputProblem | None:
    """The OL002 for an origin Okta refuses, at the origin; its context admits nothing (``rejected``)."""
    reason = okta_refusal(origin)
    return InputProblem(ProblemKind.SCHEMA, reason, origin_at) if reason is not None else None


def trusted_origin_context(
    origin: str,
    origin_at: Location,
    scopes: list[ScopeEntry],
    scopes_at: Location,
    active: bool,
    name: str | None,
    entry_at: Location,
) -> CorsContext:
    """One Okta trusted origin in the model; the Terraform format builds the same."""
    cors = None
    for scope in scopes:
        if scope.type == "CORS":
            cors = scope
            break
    rejected = okta_refusal(origin)
    # kind, raw, location, engine, status, note: by position, a tenth faster for 50,000 (issue 21)
    status = Status.ACTIVE if active else Status.INACTIVE
    matcher = OriginMatcher(matcher_kind(origin), origin, origin_at, OKTA_EXACT, status, name)
    return CorsContext(
        matchers=[matcher] if rejected is None else [],  # refused: the OL002 says it, nothing else
        location=entry_at,
        # the Okta session cookie rides every CORS request to Okta's APIs
        credentials=Setting(True, cors.location) if cors is not None else Setting(False),
        scopes=Setting(_scope_set(tuple(map(_TYPE_OF, scopes))), scopes_at),
        name=name,
        rejected=rejected,
    )


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    path = source.path
    result = ParsedFile(path, NAME)
    if not source.text.strip():
        result.problems.append(problem(path, f"file is empty; an Okta export is a JSON list such as {SHAPE}"))
        return result
    read = read_fast(path, source.text)
    if read is not None:
        result.documents.append(read[0])
        result.problems.extend(read[1])
        return result
    return read_exactly(source, result)


def read_fast(path: str, text: str) -> tuple[Document, list[InputProblem]] | None:
    """What `_document` and `refusals` make of `read_export`'s answer, or None: the contexts made
    as the reader goes, those of the entries `_WHOLE` took straight from its matches
    (`_whole_contexts`), with no FastEntry between (issue 21)."""
    contexts: list[CorsContext] = []
    problems: list[InputProblem] = []

    def whole(batch: list[re.Match[str]], text: str, lines: _Lines) -> None:
        _whole_contexts(batch, text, lines, contexts, problems)

    def one(entry: FastEntry) -> None:
        contexts.append(trusted_origin_context(*entry))
        rejection = refused(entry.origin, entry.origin_at)
        if rejection is not None:
            problems.append(rejection)

    root = read_with(path, text, whole, one)
    if root is None:
        return None
    document = Document(path=path, format=NAME, location=root, platform=OKTA)
    document.contexts = contexts
    return document, problems


# a Setting's fields set through their slots, as `fast._location` sets a Location's: the frozen
# record's `__init__` sets each through `object.__setattr__`, twice the time, and an export makes
# two an entry (issue 21); tests/test_okta_speed_contexts.py holds the result to `Setting(...)`
_NEW_SETTING: Final = Setting.__new__
_SET_VALUE, _SET_AT, _SET_DEFAULT, _SET_NOTE = (
    getattr(Setting, name).__set__ for name in ("value", "location", "from_default", "note")
)


def _setting(value: Any, location: Location | None) -> Setting[Any]:
    """`Setting(value, location)`, faster."""
    made: Setting[Any] = _NEW_SETTING(Setting)
    _SET_VALUE(made, value)
    _SET_AT(made, location)
    _SET_DEFAULT(made, False)
    _SET_NOTE(made, None)
    return made


# each combination of scope types by the types' first letters in order (`CR`: CORS, REDIRECT)
_LETTER_SCOPES: dict[str, frozenset[str]] = {}


def _letter_scopes(letters: str) -> frozenset[str]:
    return _scope_set(tuple(_SCOPE_TYPE[letter] for letter in letters))


def _whole_contexts(
    batch: list[re.Match[str]],
    text: str,
    lines: _Lines,
    contexts: list[CorsContext],
    problems: list[InputProblem],
) -> None:
    """`trusted_origin_context` of each entry `fast._whole_entries` makes of ``batch``, and the OL002
    of each Okta refuses, from the matches' spans: no FastEntry and ScopeEntry, and no Location of a
    scope's type but the first CORS one's, the only one the model keeps (a tenth of reading a
    50,000-origin export, issue 21). tests/test_okta_speed_contexts.py holds it to the two."""
    path = lines.path
    points, numbers, newlines = located(batch, text, lines)
    k = 0  # the entry's first point: point k is at line numbers[k + 1], column points[k] - newlines[k]
    for usual in batch:
        span = usual.span
        entry_line, entry_column = numbers[k + 1], points[k] - newlines[k]
        origin_start, origin_end = span(_ORIGIN)
        line, column = numbers[k + 2], origin_start - newlines[k + 1]
        origin_at = _location(path, line, column, line, column + origin_end - origin_start)
        scopes_line, scopes_column = numbers[k + 3], points[k + 2] - newlines[k + 2]
        k += 3
        letters = ""
        cors_at = None
        for group in _TYPES:
            type_start, type_end = span(group)
            if type_start < 0:
                break
            letter = text[type_start + 1]
            if letter == "C" and cors_at is None:
                line, column = numbers[k + 1], type_start - newlines[k]
                cors_at = _location(path, line, column, line, column + type_end - type_start)
            letters += letter
            k += 1
        scopes_at = _location(path, scopes_line, scopes_column, numbers[k + 1], points[k] - newlines[k] + 1)
        entry_at = _location(
            path, entry_line, entry_column, numbers[k + 2], points[k + 1] - newlines[k + 1] + 1
        )
        k += 2
        origin = text[origin_start + 1 : origin_end - 1]
        name_start, name_end = span(_NAME)
        name = None if name_start < 0 or text[name_start] == "n" else text[name_start + 1 : name_end - 1]
        status = usual.start(_STATUS)
        active = Status.ACTIVE if status < 0 or text[status + 1] == "A" else Status.INACTIVE
        scopes = _LETTER_SCOPES.get(letters)
        if scopes is None:
            scopes = _LETTER_SCOPES[letters] = _letter_scopes(letters)
        rejected = okta_refusal(origin)
        if rejected is not None:
            problems.append(InputProblem(ProblemKind.SCHEMA, rejected, origin_at))
        matcher = OriginMatcher(matcher_kind(origin), origin, origin_at, OKTA_EXACT, active, name)
        contexts.append(
            CorsContext(
                matchers=[matcher] if rejected is None else [],
                location=entry_at,
                credentials=_setting(cors_at is not None, cors_at),
                scopes=_setting(scopes, scopes_at),
                name=name,
                rejected=rejected,
            )
        )


def refusals(export: FastExport) -> list[InputProblem]:
    """The OL002 of each entry Okta refuses, as read_exactly reports them (with `_document`: what
    `read_fast` makes as it reads, made from `read_export`'s entries; the tests' reference)."""
    found = (refused(entry.origin, entry.origin_at) for entry in export.entries)
    return [each for each in found if each is not None]


def _document(path: str, export: FastExport) -> Document:
    document = Document(path=path, format=NAME, location=export.location, platform=OKTA)
    # a FastEntry's fields are trusted_origin_context's parameters, in order (a test holds them)
    document.contexts = [trusted_origin_context(*entry) for entry in export.entries]
    return document


def read_exactly(source: Source, result: ParsedFile) -> ParsedFile:
    """Every value located, every error at its place: for files the fast reader leaves alone."""
    path = source.path
    root, problems = load_json(path, source.text)
    result.problems.extend(problems)
    if root is None:
        return result
    document = Document(path=path, format=NAME, location=root.location, platform=OKTA)
    for index_path, node in _entries(root, result.problems):
        context = _context(root, index_path, node, result.problems)
        if context is not None:
            document.contexts.append(context)
    result.documents.append(document)
    return result


def _entries(root: Node, problems: list[InputProblem]) -> list[tuple[tuple[int, ...], Node]]:
    """The trusted-origin objects: one object, a list, or pages saved as a list of lists."""
    if isinstance(root.value, dict):
        error = _error_body(root)
        if error is not None:
            problems.append(InputProblem(ProblemKind.SCHEMA, error, root.location))
            return []
        return [((), root)]
    if not isinstance(root.value, list):
        problems.append(_not_an_export(root, "the document"))
        return []
    found: list[tuple[tuple[int, ...], Node]] = []
    for index, item in enumerate(root.value):
        if isinstance(item.value, dict):
            found.append(((index,), item))
        elif isinstance(item.value, list):  # one page of a paginated export
            for inner, entry in enumerate(item.value):
                if isinstance(entry.value, dict):
                    found.append(((index, inner), entry))
                else:
                    problems.append(_not_an_export(entry, f"[{index}][{inner}]"))
        else:
            problems.append(_not_an_export(item, f"[{index}]"))
    return found


def _error_body(root: Node) -> str | None:
    if "errorCode" not in root.value or "errorSummary" not in root.value:
        return None
    code, summary = root.value["errorCode"].value, root.value["errorSummary"].value
    return (
        f"this is an Okta error response ({code}: {summary}), not a trusted-origins export; "
        "export again with a token that may read trusted origins (`okta.trustedOrigins.read`)"
    )


def _not_an_export(node: Node, where: str) -> InputProblem:
    shown = "a list" if isinstance(node.value, list) else repr(node.value)
    message = f"`{where}` is not a trusted origin: an Okta export is a JSON list such as {SHAPE}, not {shown}"
    return InputProblem(ProblemKind.SCHEMA, message, node.location)


def _context(
    root: Node, index_path: tuple[int, ...], node: Node, problems: list[InputProblem]
) -> CorsContext | None:
    from pydantic import ValidationError

    from origins_lint.formats.okta.fast import SNAKE_CASE
    from origins_lint.formats.okta.schema import CAMEL_CASE, TrustedOrigin

    where = "".join(f"[{i}]" for i in index_path) or "the document"
    if "origin" not in node.value and "scopes" not in node.value:
        message = f"`{where}` is not a trusted origin: it has neither `origin` nor `scopes` ({SHAPE})"
        problems.append(InputProblem(ProblemKind.SCHEMA, message, node.location))
        return None
    try:
        entry = TrustedOrigin.model_validate(_camel(node.plain(), SNAKE_CASE))
    except ValidationError as error:
        for item in error.errors(include_url=False):
            problems.append(_describe(root, index_path + tuple(item["loc"]), dict(item), CAMEL_CASE))
        return None
    scopes_node = node.value["scopes"]
    scopes = [
        ScopeEntry(scope.type, scope_node.value["type"].location)
        for scope, scope_node in zip(entry.scopes, scopes_node.value, strict=True)
    ]
    rejection = refused(entry.origin, node.value["origin"].location)
    if rejection is not None:
        problems.append(rejection)
    return trusted_origin_context(
        origin=entry.origin,
        origin_at=node.value["origin"].location,
        scopes=scopes,
        scopes_at=scopes_node.location,
        active=entry.status == "ACTIVE",
        name=entry.name,
        entry_at=node.location,
    )


def _camel(value: Any, spellings: dict[str, str]) -> Any:
    """The SDK's snake_case keys under their API names, at any depth."""
    if isinstance(value, dict):
        return {spellings.get(key, key): _camel(item, spellings) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel(item, spellings) for item in value]
    return value


def _describe(
    root: Node, loc: tuple[Any, ...], item: dict[str, Any], spellings: dict[str, str]
) -> InputProblem:
    kind = item["type"]
    node, names = descend(root, loc, spellings)
    where = "".join(names).lstrip(".") or "the document"
    given = item.get("input")
    if kind == "missing":
        message = f"`{where}` is missing the required key `{loc[-1]}`"
    elif kind == "too_short":
        message = (
            f"`{where}` is empty: Okta trusts this origin for nothing; give it a scope "
            "(CORS, REDIRECT or IFRAME_EMBED) or delete it"
        )
    elif kind.startswith("literal_error"):
        expected = str(item["msg"]).removeprefix("Input should be ")
        message = f"`{where}` must be {expected} (got {given!r})"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = f'`{where}` must be an object such as {{"type": "CORS"}}, not {given!r}'
    else:
        shown = f" (got {given!r})" if not isinstance(given, dict | list) else ""
        message = f"`{where}`: {str(item['msg'])[0].lower()}{str(item['msg'])[1:]}{shown}"
    return InputProblem(ProblemKind.SCHEMA, message, node.location)
