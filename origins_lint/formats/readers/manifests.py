"""What the gateway formats (ingress-nginx, Istio, Envoy, Traefik, Spring) share.

Their CORS settings sit somewhere inside larger YAML files (Kubernetes
manifests, Helm values, Kustomize patches, Envoy bootstrap files), so each
format loads the documents once, walks them for the mappings it knows, and
reads values that remember where they were written. An unrendered template
(a Helm chart's `templates/*.yaml`, a `*.yaml.tpl`) is read here, once, for all of
them, its placeholders as unknown text (readers/templated.py); a JSON or TOML one
is refused.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from origins_lint.formats.readers import templated
from origins_lint.formats.readers.json_tree import load_json
from origins_lint.formats.readers.tree import Node
from origins_lint.formats.readers.yaml_tree import load_documents
from origins_lint.model import InputProblem, Location, ParsedFile, ProblemKind, Setting
from origins_lint.source import Source, problem
from origins_lint.template_origin import decided

YAML_EXTENSIONS: Final = (".yaml", ".yml")
# YAML kept as a template (`dynamic.yaml.tpl`, `values.yml.j2`): read with placeholders as unknown text
READ_AS_YAML: Final = (*YAML_EXTENSIONS, *templated.EXTENSIONS)
# a line that is template control (`{{- if ... }}`) or a value that starts with `{{` unquoted
_TEMPLATE_LINE = re.compile(r"^[ \t]*(?:-[ \t]+)?(?:[^#'\"\n]*?:[ \t]+)?\{\{", re.MULTILINE)
_HELM_EXPRESSION = re.compile(r"\{\{.*?\}\}")
_EXPRESSION = re.compile(r"\{\{.*?\}\}|\$\{[^}]*\}")


@dataclass(slots=True)
class Loaded:
    """The documents of one file, its problems, and its text for locating parts of values."""

    documents: list[Node]
    problems: list[InputProblem]
    text: Text


_LAST: dict[str, tuple[str, Loaded]] = {}  # the last file loaded, by path


def load(source: Source) -> Loaded:
    """Parse once per file even when several gateway formats read it (a manifest with many kinds)."""
    last = _LAST.get(source.path)
    if last is not None and last[0] is source.text:
        return last[1]
    loaded = _load(source)
    _LAST.clear()
    _LAST[source.path] = (source.text, loaded)
    return loaded


_INDENT = re.compile(r"\bn?indent\s+(\d+)")


def _inserted_indent(tag: str, column: int) -> int:
    """The column the text a template line inserts starts at: Helm's `nindent N`/`indent N` put
    it after N spaces wherever the tag is written; otherwise where the tag is."""
    found = _INDENT.search(tag)
    return int(found.group(1)) + 1 if found is not None else column


def _load(source: Source) -> Loaded:
    path, text = source.path, source.text
    kept_as_template = templated.is_template(path)
    template = None if kept_as_template else _TEMPLATE_LINE.search(text)
    if kept_as_template or (template is not None and path.endswith(YAML_EXTENSIONS)):
        # a template kept as one (`*.yaml.tpl`), or a Helm chart's `templates/ingress.yaml`: read with
        # its placeholders as unknown text (readers/templated.py)
        masked = templated.mask(path, text)
        loaded = load_documents(path, masked.text)
        documents = [masked.restore(document) for document in loaded.documents]
        problems = [*loaded.problems, *masked.problems]
        return Loaded(documents, problems, Text(path, masked.kept, masked.inserted))
    if template is not None:
        line = text.count("\n", 0, template.start()) + 1
        column = template.group(0).index("{{") + 1
        message = (
            "this is an unrendered Helm (Go) template, not YAML (`{{` at this line): render it "
            "first (`helm template RELEASE CHART --output-dir rendered/`) and check the rendered files"
        )
        return Loaded([], [problem(path, message, line, column)], Text(path, text))
    if path.endswith(".json"):
        node, problems = load_json(path, text)
        return Loaded([node] if node is not None else [], problems, Text(path, text))
    if path.endswith(".toml"):  # Traefik's file provider (readers/toml_tree.py); imported for TOML only
        from origins_lint.formats.readers.toml_tree import load_toml

        node, problems = load_toml(path, text)
        return Loaded([node] if node is not None else [], problems, Text(path, text))
    loaded = load_documents(path, text)
    return Loaded(loaded.documents, loaded.problems, Text(path, text))


# envsubst's bare `$NAME` too, where the value must be a list or a mapping: no engine reads that text
_ONLY_EXPRESSIONS = re.compile(r"(?:\s*(?:\{\{.*?\}\}|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*))+\s*", re.DOTALL)


def rendered_later(node: Node, what: str, problems: list[InputProblem]) -> bool:
    """A value that is nothing but template placeholders (`allowOrigins: ${origins}`, envsubst's
    `$PROCESSED_ORIGINS`, or a line under the key that inserts text,
    `{{ toYaml .Values.origins | nindent 8 }}`) where a list or a mapping belongs: what it becomes
    is not known, so it is said (OL004) and read as unknown, never refused as the wrong type nor
    read as empty (an empty list means `*` to some engines)."""
    if not isinstance(node.value, str) or not _ONLY_EXPRESSIONS.fullmatch(node.value):
        return False
    message = (
        f"`{what}` is `{node.value.strip()}`, filled in when the template is rendered, so what it holds "
        "was not analysed: render the template and check the result"
    )
    problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, node.location))
    return True


def parse_documents(
    parse: Callable[[Source, Any], ParsedFile], path: str, text: str, documents: list[Node], options: Any
) -> ParsedFile:
    """A manifest format's own `parse` over documents read elsewhere, at their own locations (a
    Kubernetes object written in a Terraform file): `load` hands it these documents for this one
    call, so each format reads them exactly as it reads its YAML."""
    source = Source(path, text)
    _LAST.clear()
    _LAST[path] = (text, Loaded(documents, [], Text(path, text)))
    try:
        return parse(source, options)
    finally:
        _LAST.clear()


def template_expression(value: str, shell: bool = True) -> str | None:
    """A `{{ ... }}` (or, with ``shell``, `${...}`) left in a value: rendered later, not what is enforced.

    nginx writes its own variables as `${name}`, so nginx text asks for `{{` only.
    """
    found = (_EXPRESSION if shell else _HELM_EXPRESSION).search(value)
    return found.group(0) if found is not None else None


def mappings(node: Node, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Node]]:
    """Every mapping in a document with the keys that lead to it, outermost first."""
    if isinstance(node.value, dict):
        yield path, node
        for key, child in node.value.items():
            yield from mappings(child, (*path, key))
    elif isinstance(node.value, list):
        for index, child in enumerate(node.value):
            yield from mappings(child, (*path, f"[{index}]"))


def folded(key: str) -> str:
    """Keys compared the way Traefik and Spring's relaxed binding compare them."""
    return key.replace("-", "").replace("_", "").lower()


def kind_of(node: Node) -> str | None:
    """A document's `kind:` (`ConfigMap`, `EnvoyFilter`, `HelmRelease`), found as ``get`` finds keys;
    None when it has none or it is not text."""
    found = get(node, "kind")
    return found[1].value if found is not None and isinstance(found[1].value, str) else None


def get(node: Node, *names: str) -> tuple[str, Node] | None:
    """The first of ``names`` present in a mapping, compared folded; with the key as written."""
    if not isinstance(node.value, dict):
        return None
    wanted = {folded(name) for name in names}
    for key, child in node.value.items():
        if folded(key) in wanted:
            return key, child
    return None


def words(value: Any) -> tuple[str, ...]:
    """A list, or a comma-separated string, as its items."""
    if isinstance(value, list):
        return tuple(str(item.plain()).strip() for item in value if item.plain() is not None)
    if value is None:
        return ()
    return tuple(part.strip() for part in str(value).split(",") if part.strip())


def boolean(node: Node) -> bool | None:
    """A YAML bool, or the strings "true"/"false" (Kubernetes annotations are strings)."""
    if isinstance(node.value, bool):
        return node.value
    if isinstance(node.value, str) and node.value.strip().lower() in ("true", "false"):
        return node.value.strip().lower() == "true"
    return None


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)?")
_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86400}


def seconds(value: Any, unit: str = "s") -> int | None:
    """`1728000`, `"24h"`, `"1h30m"` or `"1800s"` as whole seconds; None when it is not a duration."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):  # in whole numbers: a 400-digit int would overflow a float
        scale = _SECONDS[unit]
        return value * int(scale) if scale >= 1 else value // round(1 / scale)
    if isinstance(value, float):
        total = value * _SECONDS[unit]
        return int(total) if math.isfinite(total) else None  # `.inf` and `.nan` are YAML floats
    text = str(value).strip().lower().removeprefix("pt")
    total, position = 0.0, 0
    for found in _DURATION.finditer(text):
        if found.start() != position:
            return None
        total += float(found.group(1)) * _SECONDS[found.group(2) or unit]
        position = found.end()
    # a string of 400 nines is a float overflow to infinity: not a duration anyone wrote
    return int(total) if text and position == len(text) and math.isfinite(total) else None


def placeholder_note(name: str, node: Node, problems: list[InputProblem]) -> bool:
    """A setting filled in later (`${creds}`, `{{ .Values.x }}`): said not analysed, read as unknown."""
    expression = template_expression(str(node.value)) if isinstance(node.value, str) else None
    if expression is None:
        return False
    message = f"`{name}` is the placeholder `{expression}`, filled in later; render the template to check it"
    problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, node.location))
    return True


def placeholder_origin(raw: str, credentials: bool) -> str:
    """What the fixed text around an origin's placeholder decides whatever it becomes, as a message,
    for formats that keep no entry for it (Spring); the others keep the entry and the rules say it."""
    expression = template_expression(raw) or raw
    fixed = decided(raw)
    if fixed is not None and fixed.plain_http and credentials:
        return (
            f"`{raw}` is plain HTTP whatever `{expression}` becomes, and it is trusted with credentials: "
            "anyone on the network path can inject script into that page; use `https://`"
        )
    if expression == raw.strip():
        return f"`{raw}` is a template; render it first to check the origins it becomes"
    return f"`{raw}` is a template; render it first (`{expression}` is filled in later)"


def read_flag(name: str, node: Node, problems: list[InputProblem]) -> Setting[bool | None]:
    """A true/false setting where it is written; anything else is a schema problem and unknown (None).

    Unknown credentials count as possible, so a typo never reads as "off".
    """
    if placeholder_note(name, node, problems):
        return Setting(None, node.location)
    value = boolean(node)
    if value is None:
        message = f"`{name}` must be true or false, not {node.plain()!r}"
        problems.append(InputProblem(ProblemKind.SCHEMA, message, node.location))
    return Setting(value, node.location)


def known(setting: Setting[bool | None] | None) -> Setting[bool] | None:
    """A flag only when it was readable: for settings where unknown means nothing is claimed."""
    if setting is None or setting.value is None:
        return None
    return Setting(setting.value, setting.location, setting.from_default)


def read_seconds(name: str, node: Node, problems: list[InputProblem]) -> Setting[int] | None:
    """A max age (`600`, `"10m"`, `"1800s"`) where it is written; anything else is a schema problem."""
    if placeholder_note(name, node, problems):
        return None
    value = seconds(node.value)
    if value is None:
        message = f"`{name}` must be a number of seconds, not {node.plain()!r}"
        problems.append(InputProblem(ProblemKind.SCHEMA, message, node.location))
        return None
    return Setting(value, node.location)


@dataclass(slots=True)
class Text:
    """A file's text, to find where the parts of a scalar value were written."""

    path: str
    source: str
    # a template's lines that insert text (`{{ toYaml . | nindent 4 }}`): number -> (column, tag);
    # blanked in ``source``
    inserted: dict[int, tuple[int, str]] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list)
    _lines: list[str] = field(default_factory=list)

    def inserts_into(self, mapping: Node) -> tuple[Location, str] | None:
        """The template line that may add keys to ``mapping`` (where it is, and its tag), or None:
        a line inserting text at the indentation of the mapping's keys before anything written
        less indented ends the mapping (`annotations:` ... `{{- toYaml . | nindent 4 }}`). What the
        mapping lacks may then be written there: no default is to be assumed for it."""
        if not self.inserted or not isinstance(mapping.value, dict) or not mapping.key_locations:
            return None
        column = min(at.column for at in mapping.key_locations.values())
        first = min(at.line for at in mapping.key_locations.values())
        if not self._lines:
            self._lines = self.source.split("\n")
        for number in range(first + 1, len(self._lines) + 1):
            found = self.inserted.get(number)
            if found is not None:
                at, tag = found
                if _inserted_indent(tag, at) == column:
                    return Location.point(self.path, number, at), tag
                continue
            line = self._lines[number - 1]
            written = line.lstrip(" ")
            if written and not written.startswith("#") and len(line) - len(written) + 1 < column:
                return None  # the mapping ended before any insertion at its keys' indentation
        return None

    def offset(self, line: int, column: int) -> int:
        if not self._starts:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self.source)]
        line = min(max(line, 1), len(self._starts))
        return self._starts[line - 1] + column - 1

    def position(self, offset: int) -> tuple[int, int]:
        self.offset(1, 1)
        line = max(bisect.bisect_right(self._starts, offset), 1)
        return line, offset - self._starts[line - 1] + 1

    def items(self, node: Node, items: tuple[str, ...]) -> list[Location]:
        """Where each item of a list written in one scalar (`"a, b"`) is, searched in order.

        A value with escapes or folded lines may not contain an item verbatim:
        that item points at the whole value instead.
        """
        loc = node.location
        start, end = self.offset(loc.line, loc.column), self.offset(loc.end_line, loc.end_column)
        out, cursor = [], start
        for item in items:
            found = self.source.find(item, cursor, end) if item else -1
            if found < 0:
                out.append(loc)
                continue
            line, column = self.position(found)
            out.append(Location(self.path, line, column, line, column + len(item)))
            cursor = found + len(item)
        return out

    def embedded(self, node: Node) -> Embedded:
        """A scalar's content as text to parse, laid out as in this file.

        A block scalar (`|`) or a one-line value written verbatim keeps every
        column; a value with escapes or folding is placed after its quote
        (lines stay right; columns after an escape drift by its length).
        """
        loc = node.location
        value = str(node.value)
        if not self._lines:
            self._lines = self.source.split("\n")
        lines = self._lines
        row = lines[loc.line - 1] if loc.line <= len(lines) else ""
        header = row[loc.column - 1 :]
        if header[:1] == "|":
            last = loc.end_line - 1 if loc.end_column == 1 else loc.end_line
            body = lines[loc.line : last]
            indent = min((len(b) - len(b.lstrip(" ")) for b in body if b.strip()), default=0)
            if "\n".join(b[indent:] for b in body).rstrip("\n") == value.rstrip("\n"):
                return Embedded("\n".join(body), loc.line)
        elif header.startswith("<<") and loc.end_line > loc.line:  # an HCL heredoc: lines kept in place
            tag = loc.end_line - 1 if loc.end_column == 1 else loc.end_line  # the closing tag's line
            body = lines[loc.line : tag - 1]
            indent = min((len(b) - len(b.lstrip(" \t")) for b in body if b.strip()), default=0)
            trimmed = [b[indent:] for b in body] if header.startswith("<<-") else body
            if "".join(b + "\n" for b in trimmed) == value:
                return Embedded("\n".join(body), loc.line)
        elif loc.line == loc.end_line and header[:1] != ">":
            quote = 1 if header[:1] in ("'", '"') else 0
            if row[loc.column - 1 + quote : loc.end_column - 1 - quote] == value:
                return Embedded(" " * (loc.column - 1 + quote) + value, loc.line - 1)
        return Embedded(" " * loc.column + value, loc.line - 1)


@dataclass(frozen=True, slots=True)
class Embedded:
    """Text found inside a value, and how many lines of the file come before its first line."""

    text: str
    lines_before: int

    def locate(self, value: T) -> T:
        """A result parsed from the text, with every location moved to its place in the file."""
        if not self.lines_before:
            return value
        lines = self.lines_before
        return moved(
            value,
            lambda loc: Location(
                loc.path, loc.line + lines, loc.column, loc.end_line + lines, loc.end_column
            ),
        )


T = TypeVar("T")


def moved(value: T, move: Callable[[Location], Location]) -> T:
    """A copy of a parse result with every ``Location`` inside it moved by ``move``: text parsed out
    of a value, put back where the value is written; shared parts stay shared."""
    result: T = _moved(value, move, {})
    return result


def _moved(value: Any, move: Callable[[Location], Location], done: dict[int, Any]) -> Any:
    if isinstance(value, Location):
        return move(value)
    if isinstance(value, list):
        return [_moved(item, move, done) for item in value]
    if isinstance(value, tuple):
        return tuple(_moved(item, move, done) for item in value)
    if isinstance(value, dict):
        return {key: _moved(item, move, done) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if id(value) not in done:
            changes = {f.name: _moved(getattr(value, f.name), move, done) for f in dataclasses.fields(value)}
            done[id(value)] = dataclasses.replace(value, **changes)
        return done[id(value)]
    return value


def kubernetes_object(root: Node, group: str, kinds: tuple[str, ...]) -> str | None:
    """`Kind/name` when a document is a Kubernetes object of one of ``kinds`` in API ``group``
    (any version: `gateway.networking.k8s.io/v1` and `/v1beta1` alike); None for anything else.

    The custom-resource formats (Gateway API, Envoy Gateway, Contour) read only such objects, so
    an unrelated mapping that happens to hold a `cors:` key is never taken for theirs.
    """
    if not isinstance(root.value, dict):
        return None
    api, kind = root.value.get("apiVersion"), root.value.get("kind")
    if api is None or kind is None or not isinstance(api.value, str) or kind.value not in kinds:
        return None
    if api.value.split("/", 1)[0] != group:
        return None
    metadata = root.value.get("metadata")
    name = metadata.value.get("name") if metadata is not None and isinstance(metadata.value, dict) else None
    return f"{kind.value}/{name.value}" if name is not None else str(kind.value)


def objects(root: Node) -> Iterator[Node]:
    """A document's Kubernetes objects: the document itself, or each of a `kind: List`'s `items`
    (what `kubectl get -o yaml` prints for several objects)."""
    kind = root.value.get("kind") if isinstance(root.value, dict) else None
    items = root.value.get("items") if kind is not None and kind.value == "List" else None
    if items is not None and isinstance(items.value, list):
        yield from items.value
    else:
        yield root


def at(node: Node, *keys: str) -> Node | None:
    """The node under nested mapping keys (`spec`, `virtualhost`, `corsPolicy`), or None."""
    for key in keys:
        if not isinstance(node.value, dict) or key not in node.value:
            return None
        node = node.value[key]
    return node
