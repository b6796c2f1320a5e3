"""nginx config templates: read as nginx, with their placeholders as unknown text.

The official nginx image renders `/etc/nginx/templates/*.conf.template` with `envsubst` when the
container starts (docker-entrypoint.d/20-envsubst-on-templates.sh); `*.conf.tpl` and `*.conf.j2`
(Ansible, Jinja) are rendered by other tools. A `${NAME}` that is not an nginx variable is
such a placeholder (nginx itself would read it as `$NAME`); a `{{ ... }}` is one too, and is
replaced here by a variable of the same length (`${_0____}`), so that crossplane reads the file
and every column stays where it is written. `{% ... %}` and `{# ... #}` lines become blanks:
both branches of a template `if` are read.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Final

from origins_lint.source import Source

SUFFIXES: Final = (".conf.template", ".conf.tpl", ".conf.j2")
_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_STATEMENT = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def is_template(path: str) -> bool:
    return PurePath(path).name.endswith(SUFFIXES)


def detemplated(source: Source) -> tuple[Source, dict[str, str]]:
    """The text with `{{ }}` as variables of the same length, and each variable's placeholder."""
    if not is_template(source.path) or "{" not in source.text:
        return source, {}
    found: dict[str, str] = {}  # variable name (lower case, as the analysis keys them) -> placeholder

    def variable(match: re.Match[str]) -> str:
        written = match.group()
        newlines = "\n" * written.count("\n")
        stem = f"_{len(found)}"
        name = stem + "_" * max(len(written) - len(newlines) - len(stem) - 3, 0)
        found[name] = written
        return "${" + name + "}" + newlines

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group())

    text = _EXPRESSION.sub(variable, _STATEMENT.sub(blank, source.text))
    return Source(source.path, text, source.encoding), found
