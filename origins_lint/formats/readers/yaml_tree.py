"""YAML to a tree of plain values that remember where they were written.

libYAML (through ruamel.yaml's C parser) composes the node graph; we build
values from the nodes ourselves. That keeps positions for every key and value
without the round-trip loader's cost, constructs no objects whatever the tags
say, and lets us bound alias expansion and nesting while we walk.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, Final

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.nodes import Node as YamlNode
from ruamel.yaml.reader import ReaderError

from origins_lint import limits
from origins_lint.formats.readers.tree import Node
from origins_lint.model import InputProblem, Location, ProblemKind
from origins_lint.records import record
from origins_lint.source import problem

MAX_LINE_LENGTH: Final = 65_536

_CORE = "tag:yaml.org,2002:"
_KNOWN_TAGS = frozenset(
    _CORE + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "binary", "merge", "value", "seq", "map")
)


class TreeError(Exception):
    def __init__(self, problem: InputProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _loc(path: str, node: YamlNode) -> Location:
    start, end = node.start_mark, node.end_mark
    return Location(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


class _Builder:
    def __init__(self, path: str, tags: Mapping[str, str] | None = None) -> None:
        self.path = path
        self.tags = tags or {}
        self.count = 0
        bounds = limits.active()
        self.max_values, self.max_depth = bounds.yaml_values, bounds.nesting
        self.problems: list[InputProblem] = []

    def fail(self, node: YamlNode, message: str) -> TreeError:
        loc = _loc(self.path, node)
        return TreeError(InputProblem(ProblemKind.PARSE, message, loc))

    def build(self, node: YamlNode, depth: int = 0) -> Node:
        self.count += 1
        if self.count > self.max_values:
            raise self.fail(
                node,
                f"YAML expands to more than {self.max_values:,} values (an alias bomb?); not checked "
                "(the limit is `max-yaml-values`)",
            )
        if depth > self.max_depth:
            message = (
                f"YAML nests deeper than {self.max_depth} levels; not checked (the limit is `max-nesting`)"
            )
            raise self.fail(node, message)
        tag = node.tag or ""
        if tag in self.tags:
            return self.tagged(node, self.tags[tag], depth)
        if tag not in _KNOWN_TAGS and tag != "!":
            shown = "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
            self.schema(node, f"unsupported YAML tag `{shown}`; origins-lint never constructs objects")
        if isinstance(node, ScalarNode):
            return Node(self.scalar(node), _loc(self.path, node))
        if isinstance(node, SequenceNode):
            return Node([self.build(item, depth + 1) for item in node.value], _loc(self.path, node))
        if isinstance(node, MappingNode):
            return self.mapping(node, depth)
        raise self.fail(node, f"unexpected YAML node {type(node).__name__}")

    def tagged(self, node: YamlNode, key: str, depth: int) -> Node:
        """A tag the caller reads as the one-key mapping it abbreviates (CloudFormation's `!Ref x` is
        `{Ref: x}`, `!Sub ...` is `{Fn::Sub: ...}`): built as that mapping, never constructed."""
        location = _loc(self.path, node)
        if isinstance(node, ScalarNode):
            inner = Node(node.value, location)  # the text as written, whatever the tag's resolver says
        elif isinstance(node, SequenceNode):
            inner = Node([self.build(item, depth + 2) for item in node.value], location)
        elif isinstance(node, MappingNode):
            inner = self.mapping(node, depth + 1)
        else:
            raise self.fail(node, f"unexpected YAML node {type(node).__name__}")
        return Node({key: inner}, location, {key: location})

    def mapping(self, node: MappingNode, depth: int) -> Node:
        result = Node({}, _loc(self.path, node))
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.schema(key_node, "a mapping key must be a plain value, not a list or mapping")
                continue
            key = str(key_node.value)
            if key == "<<" and key_node.tag in (_CORE + "merge", _CORE + "str"):
                merged = self.build(value_node, depth + 1)
                parts = merged.value if isinstance(merged.value, list) else [merged]
                merges.extend(part for part in parts if isinstance(part.value, dict))
                continue
            if key in result.value:
                first = result.key_locations[key].line
                self.schema(key_node, f"duplicate key `{key}` (first at line {first}); YAML keeps one")
            result.value[key] = self.build(value_node, depth + 1)
            result.key_locations[key] = _loc(self.path, key_node)
        for part in merges:  # explicit keys win over merged ones, earlier merges over later
            for key, value in part.value.items():
                if key not in result.value:
                    result.value[key] = value
                    result.key_locations[key] = part.key_locations[key]
        return result

    def schema(self, node: YamlNode, message: str) -> None:
        self.problems.append(InputProblem(ProblemKind.SCHEMA, message, _loc(self.path, node)))

    def scalar(self, node: ScalarNode) -> Any:
        """YAML 1.2 core schema values; anything else stays text (its tag was reported)."""
        kind, text = (node.tag or "").removeprefix(_CORE), node.value
        if kind == "null":
            return None
        if kind == "bool":
            return text.lower() == "true"
        if kind == "int":
            try:
                return int(text.replace("_", ""), 0)
            except ValueError:
                return text
        if kind == "float":
            try:
                return float(text.replace("_", "").replace(".inf", "inf").replace(".nan", "nan"))
            except ValueError:
                return text
        return text


@record(slots=True)
class YamlDocuments:
    documents: list[Node]
    problems: list[InputProblem]


@cache
def _resolver_class() -> Any:
    from ruamel.yaml.resolver import VersionedResolver

    class OnceResolver(VersionedResolver):
        """ruamel's resolver looks up the YAML version twice a scalar, each time through two caught
        AttributeErrors (the C parser has no scanner to ask), 11% of a policy check (issue 21). With the
        C parser the answer is the loader's version or the default, fixed for the stream: looked up once."""

        _resolvers: Any = None

        @property
        def versioned_resolver(self) -> Any:
            if self._resolvers is None:
                self._resolvers = super().versioned_resolver
            return self._resolvers

    return OnceResolver


@cache
def safe_yaml() -> Any:
    """One libYAML-backed safe loader for the process (the fixer's `load_all`): building one costs
    more than a small file's parse (it looks up plug-ins each time)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=False)
    yaml.Resolver = _resolver_class()
    return yaml


@cache
def _composer_class() -> Any:
    """The loader `YAML.compose_all` builds with the C parser (ruamel.yaml main.py,
    `get_constructor_parser`: `class XLoader(CParser, Constructor, Resolver)`, initialised as
    there), made once for the process.

    `compose_all` defines that class anew for every stream: a type, its functions and their
    cells, and the loader with the resolver's tables, all cyclic garbage once the stream is read
    (the loader refers to itself), about 90 objects a YAML file left to the cycle collector
    (issue 21). Reading with one class gives the same nodes and the same errors, and each
    stream's loader is freed by reference count once its references to itself are dropped. None without
    libYAML (ruamel.yaml.clib), whose pure parser `compose_all` sets up otherwise.
    """
    from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]

    yaml = safe_yaml()
    if CParser is None or yaml.Parser is not CParser:
        return None
    parser, constructor, resolver = yaml.Parser, yaml.Constructor, yaml.Resolver
    version, duplicates = yaml.version, yaml.allow_duplicate_keys

    class Composer(parser, constructor, resolver):  # type: ignore[misc, valid-type]
        def __init__(self, stream: str) -> None:
            parser.__init__(self, stream)
            self._parser = self._composer = self
            constructor.__init__(self, loader=self)
            self.allow_duplicate_keys = duplicates
            resolver.__init__(self, version=version, loadumper=self)

    return Composer


def _composed(text: str) -> Iterator[YamlNode]:
    """Each document's node graph, as `safe_yaml().compose_all(text)` gives it."""
    composer = _composer_class()
    if composer is None:
        yaml = safe_yaml()
        yaml.doc_infos.clear()  # it keeps one record a stream: bounded, not one per file ever read
        yield from yaml.compose_all(text)
        return
    loader = composer(text)
    try:
        while loader.check_node():
            yield loader.get_node()
    finally:
        loader.dispose()
        # it refers to itself six times over (`_parser`, `_composer`, `loader`, `_constructor`,
        # `loadumper`, `_resolver`): what `compose_all` leaves to the cycle collector
        vars(loader).clear()


def load_documents(path: str, text: str, tags: Mapping[str, str] | None = None) -> YamlDocuments:
    """Every document of the stream that parses; the first syntax error as a problem.

    ``tags`` maps local tags the format knows (CloudFormation's `!Ref`) to the key of the one-key
    mapping each stands for; any other tag is still a schema problem.
    """
    long_line = _long_line(text)
    if long_line is not None:
        number, length = long_line
        message = (
            f"line {number} is {length:,} characters long; YAML configs are limited to "
            f"{MAX_LINE_LENGTH:,} characters a line"
        )
        return YamlDocuments([], [problem(path, message, number)])
    builder = _Builder(path, tags)
    documents: list[Node] = []
    problems: list[InputProblem] = []
    try:
        for node in _composed(text):
            if node is None:
                continue
            documents.append(builder.build(node))
    except TreeError as error:
        problems.append(error.problem)
    except MarkedYAMLError as error:
        problems.append(_syntax_problem(path, text, error))
    except ReaderError as error:  # a character YAML forbids: said at its line, not as an offset
        before = text[: error.position]
        line, column = before.count("\n") + 1, error.position - before.rfind("\n")
        problems.append(
            problem(path, f"invalid YAML: character {error.character:#06x}: {error.reason}", line, column)
        )
    except (YAMLError, RecursionError, ValueError) as error:
        problems.append(problem(path, f"invalid YAML: {error}"))
    problems.extend(builder.problems)
    return YamlDocuments(documents, problems)


def _long_line(text: str) -> tuple[int, int] | None:
    if len(text) <= MAX_LINE_LENGTH:
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_LENGTH:
            return number, len(line)
    return None


def _syntax_problem(path: str, text: str, error: MarkedYAMLError) -> InputProblem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else 1
    column = mark.column + 1 if mark is not None else 1
    what = (error.problem or "").strip()
    context = (error.context or "").strip()
    lines = text.split("\n")
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in source_line[: column + 1] and ("token" in what or "tab" in what):
        what = "a tab character; YAML indents with spaces only"
        column = source_line.index("\t") + 1
    message = f"invalid YAML: {what}" + (f" ({context})" if context else "")
    if "alias" in context and source_line.rstrip().endswith("*"):
        message += '; a bare `*` starts a YAML alias: quote it, as in `origin: "*"`'
    return problem(path, message, line, column)
