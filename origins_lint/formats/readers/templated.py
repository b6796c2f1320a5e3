"""YAML templates (`*.yaml.tpl`, `*.yml.j2`, `*.yaml.tftpl`...), read as YAML, placeholders as unknown text.

Users run the linter on the templates they keep in the repository (a Traefik
`dynamic.yaml.tpl` filled by `envsubst`, an Ansible `*.yml.j2`, a Helm chart's
`templates/ingress.yaml`, which Helm renders whatever its name says). Each
placeholder on a line of YAML (`{{ ... }}`, `{% ... %}`, `{# ... #}`,
`${...}`) is masked with as many private-use characters as it has, so the YAML
parses and every line and column stays where it is written, then put back in
the values: a parser sees `https://*.${domain}` as written and decides what its
fixed text allows. A line that holds only template tags is blanked: control
flow (`{% if %}`, `{{- end }}`) is read as if every branch were taken, and a
line that inserts text (`{{ toYaml .Values.cors | nindent 4 }}`) is said not
analysed; such lines are emptied (lines keep their numbers).

Terraform's `templatefile(path, vars)` renders any text file, and HashiCorp names such files
`*.tftpl` (developer.hashicorp.com/terraform/language/functions/templatefile), so a
`values.yaml.tftpl` is read the same way with Terraform's own template syntax only
(developer.hashicorp.com/terraform/language/expressions/strings): an "Interpolation" `${ ... }`
is a placeholder; a "Directive" `%{ if }`, `%{ else }`, `%{ endif }`, `%{ for }`, `%{ endfor }`
(also with `~` strip markers, `%{~ if x ~}`) only steers, so its line is blanked and every branch
read, as `{% %}` is (a directive among text, `[%{ for o in list ~}"${o}",%{ endfor ~}]`, repeats
part of a line: that line is said not analysed rather than guessed); the "Escape Sequences"
`$${` and `%%{` are a literal `${` and `%{`, so they are no placeholder of Terraform's: the
value holds the text as rendered (`$${x}` becomes `${x}`, which some later step such as
`envsubst` fills in, so it stays unknown text there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from origins_lint.formats.readers.tree import Node
from origins_lint.model import InputProblem, Location, ProblemKind

TERRAFORM: Final = (".yaml.tftpl", ".yml.tftpl")  # Terraform `templatefile` sources
EXTENSIONS: Final = (".yaml.tpl", ".yml.tpl", ".yaml.tmpl", ".yml.tmpl", ".yaml.j2", ".yml.j2", *TERRAFORM)
MARK: Final = "\ue000"  # a private-use character: printable to YAML, in no real config
_PAIRS: Final = (("{{", "}}"), ("{%", "%}"), ("{#", "#}"), ("${", "}"))
_TERRAFORM_PAIRS: Final = (("${", "}"), ("%{", "}"))  # interpolations and directives
_MARKS = re.compile(MARK + "+")
# Go template actions and Jinja statements that only steer: no text of their own
_CONTROL = re.compile(
    r"^\{\{-?\s*(?:if|else|end|range|with|define|block|/\*|break|continue)\b|^\{[%#]"
    r"|^\{\{-?\s*\$\w*\s*:?=(?!=)"  # Go's `{{ $x := ... }}`: a declaration prints nothing (text/template)
    r"|^%\{~?\s*(?:if|else|endif|for|endfor)\b"  # Terraform's directives
)


def is_template(path: str) -> bool:
    return path.endswith(EXTENSIONS)


@dataclass(slots=True)
class Masked:
    """A template's text with its placeholders masked, and how to put them back."""

    path: str
    text: str = ""  # what YAML parses: placeholders masked, lines of tags alone emptied
    kept: str = ""  # the same lines with the placeholders as written: to locate parts of values
    tags: list[tuple[int, str]] = field(default_factory=list)  # (offset, placeholder as written)
    problems: list[InputProblem] = field(default_factory=list)
    # a line that only inserts text (`{{ toYaml .Values.origins | nindent 4 }}`): its number ->
    # (column, tag); blanked in `text`, so a key it fills reads as empty until `restore`
    inserted: dict[int, tuple[int, str]] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list)

    def restore(self, node: Node) -> Node:
        """The node with every masked run in its strings (and keys) put back as written."""
        if isinstance(node.value, str) and MARK in node.value:
            return Node(self._restored(node.value, node.location), node.location, node.key_locations)
        if isinstance(node.value, list):
            return Node([self.restore(item) for item in node.value], node.location, node.key_locations)
        if isinstance(node.value, dict):
            values: dict[str, Node] = {}
            keys: dict[str, Location] = {}
            for key, child in node.value.items():
                at = node.key_locations.get(key, child.location)
                name = self._restored(key, at) if MARK in key else key
                values[name] = self._filled(child, at) if child.value is None else self.restore(child)
                if key in node.key_locations:
                    keys[name] = at
            return Node(values, node.location, keys)
        return node

    def _filled(self, child: Node, key_at: Location) -> Node:
        """An empty value whose next lines (blank ones aside) are a line inserting text: that text
        is the value (`origins:` then `  ${cors_origins}`), unknown until rendered, not null."""
        if not self.inserted or child.location.line != key_at.line:
            return child
        self._offset(1, 1)  # the line starts, worked out once for the whole text
        starts, text = self._starts, self.text
        number = key_at.line + 1
        while number <= len(starts) and number not in self.inserted:
            end = starts[number] - 1 if number < len(starts) else len(text)
            if text[starts[number - 1] : end].strip():
                break
            number += 1
        found = self.inserted.get(number)
        if found is None:
            return child
        column, tag = found
        return Node(tag, Location(self.path, number, column, number, column + len(tag)))

    def _restored(self, value: str, at: Location) -> str:
        """Runs of marks, in order, are the placeholders written in the value's span, in order."""
        start, end = self._offset(at.line, at.column), self._offset(at.end_line, at.end_column)
        inside = iter(tag for offset, tag in self.tags if start <= offset < end)
        return _MARKS.sub(lambda found: next(inside, found.group(0)), value)

    def _offset(self, line: int, column: int) -> int:
        if not self._starts:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = min(max(line, 1), len(self._starts))
        return self._starts[line - 1] + column - 1


def is_terraform(path: str) -> bool:
    return path.endswith(TERRAFORM)


def tags(line: str, terraform: bool = False) -> list[tuple[int, str]]:
    """The placeholders of one line, left to right, as (column offset, text): Terraform's
    (`${ }`, `%{ }`) in a `*.tftpl`, the others' elsewhere.

    Linear in the line: the next opener of each kind is found once and looked for again only
    when the scan has passed it; a kind with no opener, or no closer, to the right is dropped.
    """
    found: list[tuple[int, str]] = []
    ahead = {pair: line.find(pair[0]) for pair in (_TERRAFORM_PAIRS if terraform else _PAIRS)}
    position = 0
    while True:
        for pair, seen in list(ahead.items()):
            at = line.find(pair[0], position) if 0 <= seen < position else seen
            if at < 0:
                del ahead[pair]
            else:
                ahead[pair] = at
        if not ahead:
            return found
        (opener, closer), start = min(ahead.items(), key=lambda item: item[1])
        end = line.find(closer, start + len(opener))
        if end < 0:
            del ahead[(opener, closer)]
            continue
        end += len(closer)
        found.append((start, line[start:end]))
        position = end


# a comment over several lines: Go's `{{/* ... */}}` ("may contain newlines", text/template doc.go,
# the licence header atop every Bitnami chart template) and Jinja's `{# ... #}`; Go allows the
# trim markers `{{- /*` and `*/ -}}` around it
_LONG_COMMENT = re.compile(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}|\{#.*?#\}", re.DOTALL)


def _blank(match: re.Match[str]) -> str:
    """A comment's text as spaces, its line breaks kept: lines and columns stay where they are."""
    return re.sub(r"[^\n]", " ", match.group()) if "\n" in match.group() else match.group()


def mask(path: str, text: str) -> Masked:
    """The template as YAML: placeholders masked in place, lines of tags alone blanked (a comment
    over several lines first: each of its lines is read as a blank one)."""
    if not is_terraform(path) and ("/*" in text or "{#" in text):
        text = _LONG_COMMENT.sub(_blank, text)
    out: list[str] = []
    masked = Masked(path)
    kept: list[str] = []
    offset = 0
    terraform = is_terraform(path)
    for number, line in enumerate(text.split("\n"), start=1):
        found = tags(line, terraform)
        # Terraform's escapes `$${` and `%%{`: text, rendered as `${`/`%{` (the tag from the second character)
        escapes = {start for start, tag in found if terraform and start > 0 and line[start - 1] == tag[0]}
        outside, cursor = [], 0
        for start, tag in found:
            if start in escapes:
                continue
            outside.append(line[cursor:start])
            cursor = start + len(tag)
        outside.append(line[cursor:])
        alone = not "".join(outside).strip(" \t")
        # a Terraform directive among text (`[%{ for o in list ~}"${o}",%{ endfor ~}]`) repeats or drops
        # part of a line: no YAML reading of it is faithful, so the line is said and not read
        inline = (
            [] if alone else [(at, tag) for at, tag in found if tag.startswith("%{") and at not in escapes]
        )
        if found and (alone or inline):
            inserting = inline or [(at, tag) for at, tag in found if _CONTROL.match(tag) is None]
            if inserting:
                at, tag = inserting[0]
                message = (
                    f"this template line mixes a directive with text (`{tag}`), which origins-lint "
                    "cannot read as YAML; render the template and check the result"
                    if inline
                    else f"this template line inserts text origins-lint cannot read (`{tag}`); "
                    "render the template and check the result"
                )
                column = at + 1
                masked.problems.append(
                    InputProblem(ProblemKind.NOT_ANALYSED, message, Location.point(path, number, column))
                )
                if not inline:
                    masked.inserted[number] = (column, tag)
            out.append("")  # empty: spaces would be content inside a block scalar
            kept.append("")
        else:
            pieces, cursor = [], 0
            for start, tag in found:
                written = start - 1 if start in escapes else start  # an escape: masked from its first `$`/`%`
                masked.tags.append((offset + written, tag))
                pieces += [line[cursor:written], MARK * (start - written + len(tag))]
                cursor = start + len(tag)
            masked_line = "".join([*pieces, line[cursor:]])
            out.append(masked_line)
            kept.append(line)
        offset += len(out[-1]) + 1
    masked.text = "\n".join(out)
    masked.kept = "\n".join(kept)
    return masked
