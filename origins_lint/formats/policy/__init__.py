"""The origins-lint policy file (``policy-format.md``): YAML in, model out, never a verdict.

The family: this module reads a file; ``fast`` reads policy files whose every value is plainly
valid without pydantic, by the same rules as ``schema`` and never accepting what those reject;
``schema`` holds the pydantic models, the single source of truth, from which
``schemas/origins-policy.schema.json`` is written; ``fixer`` applies `--fix` (an origin to its
canonical form, an entry repeated word for word dropped) by splicing each edit into the text.
"""

from __future__ import annotations

import re
from typing import Any

from origins_lint.formats.base import FixOutcome, FormatOptions, file_name
from origins_lint.formats.policy.fast import read_entry, read_policy
from origins_lint.formats.readers import plain_yaml
from origins_lint.formats.readers.tree import Node, descend
from origins_lint.model import (
    EXACT_ENGINE,
    POLICY_REGEX_ENGINE,
    CorsContext,
    Document,
    Environment,
    Fix,
    InputProblem,
    Location,
    MatcherKind,
    OriginMatcher,
    ParsedFile,
    ProblemKind,
    Setting,
)
from origins_lint.origins import matcher_kind
from origins_lint.source import Source, problem

NAME = "policy"
EXTENSIONS = (".yaml", ".yml")

_NAMES = re.compile(r"(^|\.)origins\.ya?ml$")
_KIND = re.compile(r"^kind:\s*[\"']?OriginPolicy\b", re.MULTILINE)
_ORIGINS_KEY = re.compile(r"^origins:", re.MULTILINE)
_ENTRY = re.compile(
    r"^\s*-\s+[\"']?(origin|regex)[\"']?\s*:|[{,]\s*[\"']?(origin|regex)[\"']?\s*:"
    # an entry that starts with a YAML merge key (`- <<: *defaults`), its `origin` on a later line of it
    r"|^([ \t]*)-[ \t]+<<[ \t]*:.*(?:\n\3[ \t]+[^\n]*)*?\n\3[ \t]+[\"']?(origin|regex)[\"']?[ \t]*:",
    re.MULTILINE,
)


def wants(path: str) -> bool:
    return path.endswith(EXTENSIONS)


def detect(path: str, text: str) -> bool:
    """By name (`*.origins.yaml`), by `kind: OriginPolicy`, or by a top-level `origins:` list."""
    name = file_name(path)
    if _NAMES.search(name):
        return True
    if not name.endswith(EXTENSIONS):
        return False
    return bool(_KIND.search(text) or (_ORIGINS_KEY.search(text) and _ENTRY.search(text)))


def parse(source: Source, options: FormatOptions) -> ParsedFile:
    path = source.path
    result = ParsedFile(path, NAME)
    if not source.text.strip():
        result.problems.append(problem(path, "file is empty; a policy needs `origins:`"))
        return result
    documents = plain_yaml.read(path, source.text)  # without ruamel, when the file is plain
    if documents is None:
        from origins_lint.formats.readers.yaml_tree import load_documents

        loaded = load_documents(path, source.text)
        result.problems.extend(loaded.problems)
        documents = loaded.documents
    for node in documents:
        if not isinstance(node.value, dict):
            message = f"a policy document must be a mapping with `origins:`, not {_kind(node.value)}"
            result.problems.append(InputProblem(ProblemKind.SCHEMA, message, node.location))
            continue
        unquoted = _unquoted_null_origins(node, source.text, result.problems)
        data = _without_x_keys(node.plain())
        raw_entries = data.get("origins")
        if isinstance(raw_entries, list):
            data["origins"] = []  # entries are validated one by one below
        policy = read_policy(data) or _validated_policy(data, node, result.problems)
        if policy is None:
            continue
        entries = []
        for index, raw in enumerate(raw_entries or []):
            if index in unquoted:
                continue
            entry = read_entry(raw) or _validated_entry(raw, node, index, result.problems)
            if entry is not None:
                entries.append((index, entry))
        result.documents.append(_document(policy, entries, node, path))
    return result


def _validated_policy(data: dict[str, Any], node: Node, problems: list[InputProblem]) -> Any:
    """pydantic's reading of a document `policy.fast` left to it: the model, or None with its errors.

    The bad top-level keys are reported, then the entries are checked with those keys left out."""
    from pydantic import ValidationError

    from origins_lint.formats.policy.schema import Policy

    try:
        return Policy.model_validate(data)
    except ValidationError as error:
        problems.extend(_schema_problems(error, node))
        bad = {item["loc"][0] for item in error.errors() if item["loc"]}
        try:
            return Policy.model_validate({k: v for k, v in data.items() if k not in bad})
        except ValidationError:
            return None


def _validated_entry(raw: Any, node: Node, index: int, problems: list[InputProblem]) -> Any:
    from pydantic import ValidationError

    from origins_lint.formats.policy.schema import Entry

    try:
        return Entry.model_validate(raw)
    except ValidationError as error:
        problems.extend(_schema_problems(error, node, ("origins", index)))
        return None


def _without_x_keys(value: Any) -> Any:
    """`x-` keys are the author's own metadata and anchors, at any level."""
    if isinstance(value, dict):
        return {k: _without_x_keys(v) for k, v in value.items() if not str(k).startswith("x-")}
    if isinstance(value, list):
        return [_without_x_keys(v) for v in value]
    return value


def _kind(value: Any) -> str:
    return "a list" if isinstance(value, list) else f"the value {value!r}"


def _unquoted_null_origins(document: Node, text: str, problems: list[InputProblem]) -> set[int]:
    """The entries written `origin: null`: YAML's null, not the text `null`. One answer with the schema
    (whose `origin` is a string, so editors reject it): OL002, with the quoted spelling to use."""
    origins = document.value.get("origins")
    if origins is None or not isinstance(origins.value, list):
        return set()
    lines = text.split("\n")
    found = set()
    for index, entry in enumerate(origins.value):
        if not isinstance(entry.value, dict):
            continue
        origin = entry.value.get("origin")
        if origin is not None and origin.value is None:
            loc = origin.location
            line = lines[loc.line - 1] if loc.line <= len(lines) else ""
            if line[loc.column - 1 : loc.column + 3].lower() == "null":
                found.add(index)
                message = (
                    f"`origins[{index}].origin`: unquoted `null` is YAML's null, not an origin; "
                    'write `"null"` if you mean the origin sandboxed pages send (OL305 flags it)'
                )
                problems.append(InputProblem(ProblemKind.SCHEMA, message, loc))
    return found


def _document(policy: Any, entries: list[tuple[int, Any]], node: Node, path: str) -> Document:
    document = Document(
        path=path,
        format=NAME,
        location=node.location,
        environment=Environment(policy.environment),
        service=policy.service,
    )
    entry_nodes = node.value["origins"].value
    defaults_node = node.value.get("defaults")
    for index, entry in entries:
        document.contexts.append(_context(policy, entry, entry_nodes[index], defaults_node))
    return document


def _context(policy: Any, entry: Any, node: Node, defaults_node: Node | None) -> CorsContext:
    is_regex = entry.regex is not None
    key = "regex" if is_regex else "origin"
    raw: str = entry.regex if is_regex else entry.origin
    matcher = OriginMatcher(
        kind=MatcherKind.REGEX if is_regex else matcher_kind(raw),
        raw=raw,
        location=node.value[key].location,
        # an `origin` is text that other systems (Okta, gateways) receive as written, and browsers send
        # lower case: compared as a string, so an upper-case entry is OL102; a `regex` ignores case
        engine=POLICY_REGEX_ENGINE if is_regex else EXACT_ENGINE,
        note=entry.note,
    )

    def setting(name: str, convert: Any, fallback: Any) -> Setting[Any]:
        for model, source in ((entry, node), (policy.defaults, defaults_node)):
            value = getattr(model, name, None) if model is not None else None
            if value is not None and source is not None:
                return Setting(convert(value), source.value[name].location)
        return Setting(fallback) if fallback is not None else None  # type: ignore[return-value]

    return CorsContext(
        matchers=[matcher],
        location=node.location,
        credentials=setting("credentials", bool, False),
        allow_methods=setting("allow_methods", tuple, None),
        allow_headers=setting("allow_headers", tuple, None),
        expose_headers=setting("expose_headers", tuple, None),
        max_age=setting("max_age", int, None),
        scopes=setting("scopes", frozenset, frozenset({"cors"})),
        name=entry.note,
    )


# --- schema errors ---------------------------------------------------------------


def _schema_problems(error: Any, document: Node, prefix: tuple[Any, ...] = ()) -> list[InputProblem]:
    problems = []
    for raw in error.errors(include_url=False):
        item = {**raw, "loc": prefix + tuple(raw["loc"])}
        location, message = _describe(item, document)
        problems.append(InputProblem(ProblemKind.SCHEMA, message, location))
    return problems


def _describe(item: dict[str, Any], document: Node) -> tuple[Location, str]:
    from origins_lint.formats.policy.schema import Defaults, Entry, Policy, field_names

    loc = tuple(part for part in item["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    kind = item["type"]
    node, names = descend(document, loc)
    where = "".join(names).lstrip(".") or "the document"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        parent, _ = descend(document, loc[:-1])
        model = {1: Policy}.get(len(loc), Entry if "origins" in loc else Defaults)
        known = field_names(model)
        import difflib  # only to suggest a spelling

        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else "known keys: " + ", ".join(f"`{k}`" for k in known)
        place = "".join(names[:-1]).lstrip(".") or "the top level"
        location = parent.key_locations.get(key, node.location)
        return location, f"unknown key `{key}` in {place}; {hint} (keys starting with `x-` are ignored)"
    if kind == "missing":
        return node.location, f"{where} is missing the required key `{loc[-1]}`"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return (
            node.location,
            f"`{where}` must be a mapping of keys (`origin: https://...`), not {item['input']!r}",
        )
    message = str(item["msg"]).removeprefix("Value error, ")
    if kind.startswith("literal_error"):
        expected = message.removeprefix("Input should be ")
        return node.location, f"`{where}` must be {expected} (got {item['input']!r})"
    if kind == "string_pattern_mismatch":
        return node.location, f"`{where}`: {item['input']!r} is not {_pattern_hint(loc)}"
    if item.get("input") is not None and not isinstance(item["input"], dict | list):
        return node.location, f"`{where}`: {message[0].lower() + message[1:]} (got {item['input']!r})"
    return node.location, f"`{where}`: {message}"


def _pattern_hint(loc: tuple[Any, ...]) -> str:
    if "allow_methods" in loc:
        return "an upper-case HTTP method token (`GET`) or `*`"
    return "a header name (`Content-Type`) or `*`"


def fix(path: str, text: str, fixes: list[tuple[Location, Fix]]) -> FixOutcome:
    from origins_lint.formats.policy.fixer import fix as apply

    return apply(path, text, fixes)
