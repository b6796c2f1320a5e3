"""One Terraform resource as the provider readers see it: its block, the file's evaluator, its
instances (`for_each` over values the file fixes; `count = 0` means none) and its problems.

Shared by every provider family (Okta in `okta/terraform.py`, AWS, Azure, Google Cloud and
Kubernetes in `cloud/terraform.py`) through the one Terraform format (`formats/terraform.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from origins_lint.formats.readers.hcl_values import Block, Each, Evaluator, Unresolved, Value
from origins_lint.model import InputProblem, Location, ProblemKind


@dataclass
class Resource:
    block: Block
    evaluator: Evaluator
    problems: list[InputProblem]
    source: str = ""  # the whole file, where an embedded value's items are found (Kubernetes annotations)

    @property
    def type(self) -> str:
        return self.block.labels[0] if self.block.labels else ""

    @property
    def address(self) -> str:
        return ".".join(self.block.labels[:2])

    def note(self, kind: ProblemKind, message: str, location: Location) -> None:
        self.problems.append(InputProblem(kind, f"`{self.address}`: {message}", location))

    def instances(self) -> list[Each | None]:
        """One per `for_each` element (when the file fixes them); `count = 0` means none."""
        attributes = self.block.attributes
        count = attributes.get("count")
        if count is not None:
            value = self.evaluator.evaluate(count.expression)
            if isinstance(value, Value) and value.data == 0:
                return []
        for_each = attributes.get("for_each")
        if for_each is None:
            return [None]
        found = self.evaluator.evaluate(for_each.expression)
        if isinstance(found, Unresolved):
            self.note(
                ProblemKind.NOT_ANALYSED,
                f"the origins of `for_each` were not analysed: {found.reason}; "
                "list them literally (or in `locals`) so origins-lint can check each one",
                for_each.location,
            )
            return []
        if isinstance(found.data, dict):
            return [Each(Value(key, item.location), item) for key, item in found.data.items()]
        if isinstance(found.data, list):
            return [Each(item, item) for item in found.data]
        self.note(ProblemKind.SCHEMA, "`for_each` must be a set or a map", for_each.location)
        return []
