"""HCL (Terraform) blocks and the values that can be known without running Terraform.

python-hcl2 parses; we read its raw Lark tree, which keeps every position,
and evaluate only what is fixed in the file: literals, `locals`, `each.key` and
`each.value` over a literal `for_each`, and a few pure functions. Everything
else (input variables, other resources' attributes, conditionals) is
``Unresolved`` with the reason, so that a format reports it instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from origins_lint.model import InputProblem, Location
from origins_lint.source import problem

if TYPE_CHECKING:
    from lark import Token, Tree

MAX_LOCAL_DEPTH: Final = 32
MAX_NESTING: Final = 200  # expression tree levels (an expr_term wraps each value: ~100 brackets)
_ESCAPES = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")
_PUNCTUATION: Final = {"RSQB": "`]`", "RBRACE": "`}`", "RPAR": "`)`", "COMMA": "`,`", "EQ": "`=`"}
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


@dataclass(frozen=True, slots=True)
class Value:
    data: Any  # str, int, float, bool, None, list[Value] or dict[str, Value]
    location: Location
    keys: dict[str, Location] | None = None  # an object's keys, where written


@dataclass(frozen=True, slots=True)
class Unresolved:
    reason: str
    location: Location


Result = Value | Unresolved


@dataclass(slots=True)
class Attribute:
    expression: Tree[Token]
    location: Location  # the whole `name = value`


@dataclass(slots=True)
class Block:
    type: str
    labels: tuple[str, ...]
    location: Location
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Each:
    key: Value
    value: Value


LineMap = Callable[[int], int]  # a line of the parsed text -> its line in the file


def same_line(line: int) -> int:
    return line


def parse_hcl(path: str, text: str, line_of: LineMap = same_line) -> tuple[list[Block], InputProblem | None]:
    """The top-level blocks, or the syntax error at its line and column.

    ``text`` may be pieces cut from a larger file (`hcl_scan`), each at its own column; ``line_of``
    then gives each parsed line's line in the file, so every location points into the file."""
    import hcl2
    from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedToken as error:
        token = error.token
        what = "the file ends early (an unclosed `{`, `[` or string?)" if token.type == "$END" else None
        shown = str(token.value).strip() or repr(str(token.value))
        expected = set(error.expected) - {"NL_OR_COMMENT"}
        wanted = [_PUNCTUATION[name] for name in sorted(expected) if name in _PUNCTUATION]
        hint = f"; expected {' or '.join(wanted)}" if wanted and len(wanted) == len(expected) else ""
        message = what or f"unexpected `{shown[:40]}`{hint}"
        return [], problem(path, f"invalid HCL: {message}", line_of(error.line), error.column)
    except UnexpectedCharacters as error:
        at = error.pos_in_stream or 0
        character = text[at] if at < len(text) else "end of file"
        return [], problem(path, f"invalid HCL: unexpected `{character}`", line_of(error.line), error.column)
    except UnexpectedInput as error:
        return [], problem(path, "invalid HCL: unexpected input", line_of(error.line), error.column)
    except (LarkError, RecursionError) as error:
        return [], problem(path, f"invalid HCL: {error}")
    reader = _Reader(path, line_of)
    return reader.body(_children(tree)[0]), None


def _children(tree: Tree[Token]) -> list[Tree[Token]]:
    """Sub-trees only: punctuation tokens and newlines/comments dropped."""
    from lark import Tree

    return [
        child for child in tree.children if isinstance(child, Tree) and child.data != "new_line_or_comment"
    ]


def _token(tree: Tree[Token]) -> str:
    return str(tree.children[0])


class _Reader:
    def __init__(self, path: str, line_of: LineMap = same_line) -> None:
        self.path = path
        self.line_of = line_of

    def location(self, tree: Tree[Token]) -> Location:
        meta = tree.meta
        line_of = self.line_of
        return Location(self.path, line_of(meta.line), meta.column, line_of(meta.end_line), meta.end_column)

    def body(self, body: Tree[Token]) -> list[Block]:
        return [self.block(item) for item in _children(body) if item.data == "block"]

    def block(self, tree: Tree[Token]) -> Block:
        parts = _children(tree)
        head = [part for part in parts if part.data in ("identifier", "keyword", "string", "literal_value")]
        labels = tuple(_label(part) for part in head[1:])
        block = Block(_token(head[0]), labels, self.location(tree))
        body = next(part for part in parts if part.data == "body")
        for item in _children(body):
            if item.data == "block":
                block.blocks.append(self.block(item))
            elif item.data == "attribute":
                name_tree, expression = _children(item)[0], _children(item)[-1]
                block.attributes[_token(name_tree)] = Attribute(expression, self.location(item))
        return block


def _label(tree: Tree[Token]) -> str:
    if tree.data == "string":
        return "".join(str(part.children[0]) for part in _children(tree))
    return _token(tree)


class Evaluator:
    """Values of one file's expressions, with its `locals` and the current `each`."""

    def __init__(self, path: str, text: str, blocks: list[Block], line_of: LineMap = same_line) -> None:
        self.path = path
        self.text = text  # the text that was parsed: `source` slices it by the tree's offsets
        self.reader = _Reader(path, line_of)
        self.locals: dict[str, Attribute] = {
            name: attribute
            for block in blocks
            if block.type == "locals"
            for name, attribute in block.attributes.items()
        }
        self.each: Each | None = None
        self._depth = 0  # locals within locals
        self._nesting = 0  # expressions within expressions
        self._lenient = False  # `lenient`: what Terraform computes stays as `${...}` text

    def lenient(self, tree: Tree[Token]) -> Result:
        """The value with what only Terraform knows kept as `${expression}` text, in place, instead
        of the whole value being unknown: a Kubernetes object written in HCL
        (`kubernetes_manifest`, `kubectl_manifest`) whose `namespace = var.namespace` must not
        hide its CORS settings. Readers treat `${...}` as they treat a template's placeholder
        (what the fixed text decides is judged, the rest is OL004). A `yamlencode(...)` or
        `jsonencode(...)` of an object is that object, and a heredoc keeps its interpolations."""
        self._lenient = True
        try:
            return self.evaluate(self._encoded(tree))
        finally:
            self._lenient = False

    def _encoded(self, tree: Tree[Token]) -> Tree[Token]:
        """The argument of `yamlencode(x)` / `jsonencode(x)`, else the tree itself."""
        inner = tree
        while str(inner.data) == "expr_term" and len(_children(inner)) == 1:
            inner = _children(inner)[0]
        if str(inner.data) == "function_call":
            parts = _children(inner)
            arguments = _children(parts[1]) if len(parts) > 1 else []
            if _token(parts[0]) in ("yamlencode", "jsonencode") and len(arguments) == 1:
                return arguments[0]
        return tree

    def _kept(self, tree: Tree[Token], unresolved: Unresolved) -> Result:
        """In a lenient reading, what Terraform computes as its `${...}` text; else unknown."""
        if not self._lenient:
            return unresolved
        return Value(f"${{{self.source(tree)}}}", self.reader.location(tree))

    def source(self, tree: Tree[Token]) -> str:
        meta = tree.meta
        return " ".join(self.text[meta.start_pos : meta.end_pos].split())

    def evaluate(self, tree: Tree[Token]) -> Result:
        handler = self._HANDLERS.get(str(tree.data))
        if handler is None:
            return self._unresolved(tree)
        if self._nesting >= MAX_NESTING:
            return Unresolved(
                f"the expression nests deeper than {MAX_NESTING} levels", self.reader.location(tree)
            )
        self._nesting += 1
        try:
            return handler(self, tree)
        finally:
            self._nesting -= 1

    def _term(self, tree: Tree[Token]) -> Result:
        return self.evaluate(_children(tree)[0])

    def _string(self, tree: Tree[Token]) -> Result:
        from lark import Tree

        out: list[str] = []
        for part in _children(tree):
            piece = part.children[0]
            if isinstance(piece, Tree):
                if piece.data != "interpolation":
                    return Unresolved(
                        f"the template directive in `{self.source(tree)}`", self.reader.location(tree)
                    )
                inner = self.evaluate(_children(piece)[0])
                if isinstance(inner, Unresolved) and self._lenient:
                    out.append(f"${{{self.source(_children(piece)[0])}}}")
                    continue
                if isinstance(inner, Unresolved):
                    return Unresolved(inner.reason, self.reader.location(tree))
                if isinstance(inner.data, list | dict):
                    return Unresolved(f"`{self.source(piece)}` is not text", self.reader.location(tree))
                out.append(_text(inner.data))
            elif piece.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                out.append(str(piece)[1:])  # `$${` is a literal `${`
            else:
                out.append(_ESCAPES.sub(_unescape, str(piece)))
        return Value("".join(out), self.reader.location(tree))

    def _heredoc(self, tree: Tree[Token]) -> Result:
        """`<<EOT` / `<<-EOT` text: the lines between the marker and the closing tag, the `-` form
        with their common leading spaces removed (Terraform's "indented heredoc"); one holding an
        interpolation or a directive is not evaluated."""
        raw = _token(tree).rstrip("\n")  # the token runs past the closing tag's line
        lines = raw.split("\n")
        body = lines[1:-1]
        text = "\n".join(body)
        if re.search(r"(?<![$%])[$%]\{", text.replace("$${", "").replace("%%{", "")) and not self._lenient:
            return Unresolved(
                f"the heredoc interpolates (`{self.source(tree)[:60]}`)", self.reader.location(tree)
            )
        if tree.data == "heredoc_template_trim":
            indent = min((len(line) - len(line.lstrip(" \t")) for line in body if line.strip()), default=0)
            body = [line[indent:] for line in body]
        value = "".join(line + "\n" for line in body)
        return Value(value.replace("$${", "${").replace("%%{", "%{"), self.reader.location(tree))

    def _literal(self, tree: Tree[Token]) -> Result:
        word = _token(tree)
        return Value({"true": True, "false": False, "null": None}[word], self.reader.location(tree))

    def _number(self, tree: Tree[Token]) -> Result:
        word = _token(tree)
        number = float(word) if tree.data == "float_lit" else int(word)
        return Value(number, self.reader.location(tree))

    def _tuple(self, tree: Tree[Token]) -> Result:
        items = []
        for child in _children(tree):
            item = self.evaluate(child)
            if isinstance(item, Unresolved):
                item = self._kept(child, item)
                if isinstance(item, Unresolved):
                    return item
            items.append(item)
        return Value(items, self.reader.location(tree))

    def _object(self, tree: Tree[Token]) -> Result:
        entries: dict[str, Value] = {}
        keys: dict[str, Location] = {}
        for element in _children(tree):
            key_tree, value_tree = _children(element)[0], _children(element)[-1]
            key_expression = _children(key_tree)[0]
            inner = _children(key_expression)
            if key_expression.data == "expr_term" and inner and inner[0].data == "identifier":
                key: Result = Value(_token(inner[0]), self.reader.location(inner[0]))
            else:
                key = self.evaluate(key_expression)
            value = self.evaluate(value_tree)
            if isinstance(key, Unresolved):
                return key
            if isinstance(value, Unresolved):
                value = self._kept(value_tree, value)
                if isinstance(value, Unresolved):
                    return value
            entries[_text(key.data)] = value
            keys[_text(key.data)] = key.location
        return Value(entries, self.reader.location(tree), keys)

    def _reference(self, whole: Tree[Token]) -> Result:
        """`local.x["a"]`, `each.value.origin`: the root, then each step applied to its value."""
        steps: list[tuple[str, Any]] = []
        node = whole
        while node.data in ("expr_term", "get_attr_expr_term", "index_expr_term"):
            parts = _children(node)
            if node.data == "get_attr_expr_term":
                steps.insert(0, ("attr", _token(_children(parts[1])[0])))
            elif node.data == "index_expr_term":
                inner = _children(parts[1])
                if not inner:  # legacy `.0` index
                    return self._unresolved(whole)
                key = self.evaluate(inner[0])
                if isinstance(key, Unresolved):
                    return key
                steps.insert(0, ("index", key.data))
            node = parts[0]
        value = self._root(_token(node), steps, whole) if node.data == "identifier" else self.evaluate(node)
        for kind, key in steps:
            if isinstance(value, Unresolved):
                return value
            value = _step(value, kind, key, self.reader.location(whole), self.source(whole))
        return value

    def _root(self, name: str, steps: list[tuple[str, Any]], whole: Tree[Token]) -> Result:
        """The value a reference starts from; consumes the step that names a local or `each` part."""
        location = self.reader.location(whole)
        shown = self.source(whole)
        if name == "var":
            return Unresolved(
                f"`{shown}` is an input variable: its value comes from a .tfvars file, `-var` "
                "or the environment",
                location,
            )
        first = steps[0][1] if steps and steps[0][0] == "attr" else None
        if name == "local" and first is not None:
            steps.pop(0)
            return self._local(first, location)
        if name == "each" and first in ("key", "value") and self.each is not None:
            steps.pop(0)
            return self.each.key if first == "key" else self.each.value
        return Unresolved(f"`{shown}` is known only when Terraform runs", location)

    def _local(self, name: str, location: Location) -> Result:
        attribute = self.locals.get(name)
        if attribute is None:
            return Unresolved(f"`local.{name}` is not defined in this file", location)
        if self._depth >= MAX_LOCAL_DEPTH:
            return Unresolved(f"`local.{name}` refers to itself", location)
        self._depth += 1
        saved, self.each = self.each, None  # locals cannot see `each`
        try:
            return self.evaluate(attribute.expression)
        finally:
            self.each = saved
            self._depth -= 1

    def _call(self, tree: Tree[Token]) -> Result:
        parts = _children(tree)
        name = _token(parts[0])
        function = _FUNCTIONS.get(name)
        if function is None:
            return Unresolved(
                f"`{self.source(tree)}` calls `{name}()`, which is not evaluated", self.reader.location(tree)
            )
        arguments = _children(parts[1]) if len(parts) > 1 else []
        values = []
        for argument in arguments:
            value = self.evaluate(argument)
            if isinstance(value, Unresolved):
                return value
            values.append(value)
        result = function(values)
        if result is None:
            return self._unresolved(tree)
        return Value(result, self.reader.location(tree))

    def _unresolved(self, tree: Tree[Token]) -> Unresolved:
        return Unresolved(
            f"`{self.source(tree)}` is computed when Terraform runs", self.reader.location(tree)
        )

    _HANDLERS: Final[dict[str, Callable[[Evaluator, Tree[Token]], Result]]] = {
        "expr_term": _term,
        "string": _string,
        "heredoc_template": _heredoc,
        "heredoc_template_trim": _heredoc,
        "literal_value": _literal,
        "int_lit": _number,
        "float_lit": _number,
        "tuple": _tuple,
        "object": _object,
        "identifier": _reference,
        "get_attr_expr_term": _reference,
        "index_expr_term": _reference,
        "function_call": _call,
    }


def _step(value: Value, kind: str, key: Any, location: Location, shown: str) -> Result:
    data = value.data
    if isinstance(data, dict) and isinstance(key, str) and key in data:
        return data[key]  # type: ignore[no-any-return]
    if kind == "index" and isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
        return data[key]  # type: ignore[no-any-return]
    return Unresolved(f"`{shown}` names no value in the file", location)


def _text(data: Any) -> str:
    if isinstance(data, bool):
        return "true" if data else "false"
    return "" if data is None else str(data)


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "uU" and len(code) > 1:
        return chr(int(code[1:], 16))
    return _SIMPLE_ESCAPES.get(code, match.group(0))


def _same(values: list[Value]) -> Any:
    return values[0].data if len(values) == 1 else None


def _case(convert: Callable[[str], str]) -> Callable[[list[Value]], Any]:
    def call(values: list[Value]) -> Any:
        return convert(values[0].data) if len(values) == 1 and isinstance(values[0].data, str) else None

    return call


def _concat(values: list[Value]) -> Any:
    if not all(isinstance(v.data, list) for v in values):
        return None
    return [item for v in values for item in v.data]


# pure functions whose result is fixed by literal arguments; None means "cannot tell"
_FUNCTIONS: Final[dict[str, Callable[[list[Value]], Any]]] = {
    "toset": _same,
    "tolist": _same,
    "tomap": _same,
    "lower": _case(str.lower),
    "upper": _case(str.upper),
    "trimspace": _case(str.strip),
    "concat": _concat,
}
