"""Inline suppressions: `# origins-lint: ignore[OL201,insecure-origin] reason`.

`#` comments serve YAML, nginx and Terraform; Terraform's `//` works too. JSON
has no comments: suppress findings in an Okta export from the config.

A comment suppresses the listed rules on its own line and, when it stands
alone on its line, on the next line. `ignore-file[...]` in the leading comment
block of a file suppresses the rules for the whole file. The rule list is
required: a security linter should never be silenced wholesale by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from origins_lint.config import selector_matches
from origins_lint.model import Finding

_COMMENT = ("#", "//")
_DIRECTIVE = re.compile(r"(?:#|//)\s*origins-lint:\s*(ignore|ignore-file)\[([^\]]*)\]")


@dataclass
class Suppressions:
    whole_file: list[str] = field(default_factory=list)
    by_line: dict[int, list[str]] = field(default_factory=dict)

    def covers(self, finding: Finding) -> bool:
        wanted = self.whole_file + self.by_line.get(finding.location.line, [])
        return any(selector_matches(s, finding.code, finding.slug) for s in wanted)


def scan(text: str) -> Suppressions:
    found = Suppressions()
    if "origins-lint:" not in text:
        return found
    leading = True
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        alone = stripped.startswith(_COMMENT)
        if stripped and not alone:
            leading = False
        for match in _DIRECTIVE.finditer(line):
            selectors = [s.strip() for s in match.group(2).split(",") if s.strip()]
            if match.group(1) == "ignore-file":
                if leading:
                    found.whole_file.extend(selectors)
                continue
            found.by_line.setdefault(number, []).extend(selectors)
            if alone:
                found.by_line.setdefault(number + 1, []).extend(selectors)
    return found
