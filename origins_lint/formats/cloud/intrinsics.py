"""CloudFormation intrinsic functions, and values filled in at deploy time, read without running them.

A template's YAML may write `!Ref X`, `!Sub 'https://${Domain}'`, `!GetAtt A.B`, `!If [...]`,
`!Join`, `!Select`, `!FindInMap`, `!ImportValue`...: the YAML reader builds each as the one-key
mapping it abbreviates (`{Ref: X}`, `{Fn::Sub: ...}`), the same tree a JSON template or the long
form gives, and never constructs anything (AWS, "Intrinsic function reference",
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html).

What a value holding one means here:
- `Fn::Sub` and `Fn::Join` are text around values filled in at deploy: kept as that text with
  `${...}` for each unknown part (`https://${Domain}`), so what the fixed text decides (plain
  `http://`, a literal `*`) is still judged and `match` can rule origins out;
- `Fn::If` may deploy either branch: both are read, each where it is written (`AWS::NoValue` is
  nothing);
- every other function (`Ref` to a parameter, `Fn::GetAtt`, `Fn::ImportValue`, `Fn::FindInMap`,
  `Fn::Select`, `Fn::Split`...) is known only at deploy time: said (OL004), never guessed.

The Serverless Framework's `${...}` variables are handled by its own module; they reach this one
only as text.
"""

from __future__ import annotations

import re
from typing import Final

from origins_lint.formats.cloud.service import Item
from origins_lint.formats.readers.tree import Node
from origins_lint.model import PLACEHOLDER, InputProblem, ProblemKind, Setting
from origins_lint.template_origin import decides_exact

# the short forms (`!Ref`) and the key of the mapping each stands for
TAGS: Final = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "And",
            "Base64",
            "Cidr",
            "Equals",
            "FindInMap",
            "GetAtt",
            "GetAZs",
            "If",
            "ImportValue",
            "Join",
            "Length",
            "Not",
            "Or",
            "Select",
            "Split",
            "Sub",
            "ToJsonString",
            "Transform",
        )
    },
}
# a template: a resource typed `AWS::...` (YAML or JSON), the format version, or the SAM transform
TYPED: Final = re.compile(
    r"""["']?Type["']?\s*:\s*["']?AWS::|AWSTemplateFormatVersion|AWS::Serverless-2016"""
)
_SHORT: Final = {key: tag for tag, key in TAGS.items()}
NO_VALUE: Final = "AWS::NoValue"


Text = Item  # a string a template deploys, where it is written; `${...}` marks deploy-time parts


def function(node: Node) -> str | None:
    """The intrinsic function a value is (`Ref`, `Fn::Sub`), or None for a plain value."""
    if isinstance(node.value, dict) and len(node.value) == 1:
        (key,) = node.value
        if key == "Ref" or key.startswith("Fn::"):
            return str(key)
    return None


def shown(node: Node) -> str:
    """How a function value reads in a message: its short form (`!Ref AllowedOrigin`)."""
    name = function(node)
    if name is None:
        return str(node.plain())
    argument = node.value[name].plain()
    if isinstance(argument, str):
        text = argument
    elif isinstance(argument, list) and all(isinstance(part, str) for part in argument):
        text = ".".join(argument) if name == "Fn::GetAtt" else repr(argument)
    else:
        text = "..."
    return f"{_SHORT.get(name, name)} {text}"


class Reader:
    """Reads CORS values out of a template, recording what is known only at deploy time (OL004)."""

    def __init__(self, problems: list[InputProblem], system: str = "CloudFormation") -> None:
        self.problems = problems
        self.system = system

    def unknown(self, what: str, node: Node) -> None:
        message = (
            f"`{what}` is `{shown(node)}`, a value {self.system} fills in at deploy time, so the "
            "origins it allows were not analysed: check the deployed value (or list the origins here)"
        )
        self.problems.append(InputProblem(ProblemKind.NOT_ANALYSED, message, node.location))

    def texts(self, what: str, node: Node) -> list[Text]:
        """The strings one value may deploy as: one, both branches of an `Fn::If`, or none known."""
        name = function(node)
        if name is None:
            if isinstance(node.value, str | int | float) and not isinstance(node.value, bool):
                return [Text(str(node.value), node.location)]
            return []
        argument: Node = node.value[name]
        if name == "Ref" and argument.value == NO_VALUE:
            return []
        if name == "Fn::If" and isinstance(argument.value, list) and len(argument.value) == 3:
            return [text for branch in argument.value[1:] for text in self.texts(what, branch)]
        joined = self._joined(name, argument)
        if joined is None:
            self.unknown(what, node)
            return []
        if PLACEHOLDER.search(joined) is not None and not decides_exact(joined):
            self.unknown(what, node)
        return [Text(joined, node.location)]

    def _joined(self, name: str, argument: Node) -> str | None:
        """`Fn::Sub` and `Fn::Join` as text, with `${...}` where a part is known only at deploy."""
        if name == "Fn::Sub":
            template = argument.value[0] if isinstance(argument.value, list) and argument.value else argument
            # `${!Name}` writes the literal `${Name}`: not filled in, but still not an origin to guess
            return template.value if isinstance(template.value, str) else None
        if name == "Fn::Join" and isinstance(argument.value, list) and len(argument.value) == 2:
            separator, parts = argument.value
            if not isinstance(separator.value, str) or not isinstance(parts.value, list):
                return None
            pieces = []
            for part in parts.value:
                if isinstance(part.value, str):
                    pieces.append(part.value)
                elif function(part) is not None:
                    pieces.append("${" + shown(part) + "}")
                else:
                    return None
            return separator.value.join(pieces)
        return None

    def items(self, what: str, node: Node) -> list[Text] | None:
        """A list of strings (`AllowOrigins`); None when the list itself is not a list we can read."""
        name = function(node)
        if name == "Fn::If":
            argument: Node = node.value[name]
            if isinstance(argument.value, list) and len(argument.value) == 3:
                out: list[Text] = []
                for branch in argument.value[1:]:
                    out.extend(self.items(what, branch) or [])
                return out
        if name is not None:
            if name == "Ref" and node.value[name].value == NO_VALUE:
                return []
            self.unknown(what, node)
            return []
        if not isinstance(node.value, list):
            return None
        return [text for item in node.value for text in self.texts(what, item)]

    def flag(self, what: str, node: Node) -> Setting[bool | None] | None:
        """A Boolean property (`true`, or the strings CloudFormation accepts for it); unknown (None)
        when filled in at deploy, so credentials that might be on count as on. None: not a Boolean."""
        name = function(node)
        if name == "Fn::If" and isinstance(node.value[name].value, list) and len(node.value[name].value) == 3:
            branches = [self.flag(what, branch) for branch in node.value[name].value[1:]]
            values = {branch.value for branch in branches if branch is not None}
            # either branch may deploy: credentials on in one of them count as on
            value = True if True in values else None if None in values or not values else False
            return Setting(value, node.location)
        if name is not None:
            if name != "Ref" or node.value[name].value != NO_VALUE:
                self.unknown(what, node)
                return Setting(None, node.location)
            return Setting(False, node.location)
        if isinstance(node.value, bool):
            return Setting(node.value, node.location)
        value = _boolean(node.value) if isinstance(node.value, str) else None
        return None if value is None else Setting(value, node.location)

    def number(self, what: str, node: Node) -> Setting[int] | None:
        if function(node) is not None:
            self.unknown(what, node)
            return None
        value = node.value
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 12:
            value = int(value.strip())
        if isinstance(value, int) and not isinstance(value, bool):
            return Setting(value, node.location)
        return None


def _boolean(text: str) -> bool | None:
    lowered = text.strip().lower()
    return True if lowered == "true" else False if lowered == "false" else None
