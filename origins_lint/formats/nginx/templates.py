"""nginx config templates: read as nginx, with their placeholders as unknown text.

The official nginx image renders `/etc/nginx/templates/*.conf.template` with `envsubst` when the
container starts (docker-entrypoint.d/20-envsubst-on-templates.sh); `*.conf.tpl` and `*.conf.j2`
(Ansible, Jinja) are rendered by other tools. A `${NAME}` that is not an nginx variable is
such a placeholder (nginx itself would read it as `$NAME`); a `{{ ... }}` is one too, and is
replaced here by a variable of the same length (`${_0____}`), so that crossplane reads the file
and every column stays where it is written. `{% ... %}` and `{# ... #}` lines become blanks:
both branches of a template `if` are read.

Terraform's `templatefile(path, vars)` renders any text file; HashiCorp names such files
`*.tftpl` (developer.hashicorp.com/terraform/language/functions/templatefile), so
`nginx.conf.tftpl` and `default.conf.tftpl` are read with Terraform's syntax alone
(developer.hashicorp.com/terraform/language/expressions/strings). Every "Interpolation"
`${ ... }` is a placeholder, whatever its name (nginx's own variables are written `$name` there,
or `$${name}`), made a variable of the same length as above. A "Directive" (`%{ if }`,
`%{ else }`, `%{ endif }`, `%{ for }`, `%{ endfor }`, `%{~ if x ~}`) alone on its line is
blanked: every branch is read; directives among text make their span one placeholder. The
"Escape Sequences" `$${` and `%%{` render as `${` and `%{`: nginx reads `$${name}` as its
variable `$name`. That rendered text is one character shorter, so the line is padded at its end:
what follows an escape on its line sits one column to the left.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath
from typing import Final

from origins_lint.source import Source

TERRAFORM: Final = ".conf.tftpl"  # Terraform `templatefile` sources
SUFFIXES: Final = (".conf.template", ".conf.tpl", ".conf.j2", TERRAFORM)
_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_STATEMENT = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.DOTALL)
# Terraform: escapes first (`$${` is no interpolation), then directives and interpolations
_TERRAFORM_TAG = re.compile(r"(?P<escape>\$\$\{|%%\{)|(?P<directive>%\{[^}\n]*\})|\$\{[^}\n]*\}")


def is_template(path: str) -> bool:
    return PurePath(path).name.endswith(SUFFIXES)


def detemplated(source: Source) -> tuple[Source, dict[str, str]]:
    """The text with `{{ }}` (a `*.tftpl`: `${ }`) as variables of the same length, and each
    variable's placeholder."""
    if not is_template(source.path) or "{" not in source.text:
        return source, {}
    found: dict[str, str] = {}  # variable name (lower case, as the analysis keys them) -> placeholder

    def variable(written: str) -> str:
        newlines = "\n" * written.count("\n")
        stem = f"_{len(found)}"
        name = stem + "_" * max(len(written) - len(newlines) - len(stem) - 3, 0)
        found[name] = written
        return "${" + name + "}" + newlines

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group())

    if source.path.endswith(TERRAFORM):
        text = "\n".join(_terraform_line(line, variable) for line in source.text.split("\n"))
    else:
        text = _EXPRESSION.sub(lambda match: variable(match.group()), _STATEMENT.sub(blank, source.text))
    return Source(source.path, text, source.encoding), found


def _terraform_line(line: str, variable: Callable[[str], str]) -> str:
    """One line of a `*.tftpl` as nginx reads it once rendered: escapes as their text (the line
    padded at its end), directives blank, interpolations as variables of the same length.

    Directives among other text (`"%{ if tls }https://a%{ else }http://a%{ endif }"`) keep one
    branch of the line and drop the rest: the span from the first to the last is one placeholder,
    unknown text, rather than every branch at once (which no rendering sends)."""
    escapes = 0

    def rendered(match: re.Match[str]) -> str:
        nonlocal escapes
        if match.group("escape"):
            escapes += 1
            return match.group()[1:]
        if match.group("directive"):
            return " " * len(match.group())
        return variable(match.group())

    directives = [found for found in _TERRAFORM_TAG.finditer(line) if found.group("directive")]
    outside = _TERRAFORM_TAG.sub(lambda found: "" if found.group("directive") else found.group(), line)
    if directives and outside.strip():
        start, end = directives[0].start(), directives[-1].end()
        before, after = _TERRAFORM_TAG.sub(rendered, line[:start]), _TERRAFORM_TAG.sub(rendered, line[end:])
        return before + variable(line[start:end]) + after + " " * escapes
    return _TERRAFORM_TAG.sub(rendered, line) + " " * escapes
