"""nginx config templates: read as nginx, with their placeholders as unknown text.

The official nginx image renders `/etc/nginx/templates/*.conf.template` with `envsubst` when the
container starts (docker-entrypoint.d/20-envsubst-on-templates.sh); `*.conf.tpl` and `*.conf.j2`
(Ansible, Jinja) are rendered by other tools. A `${NAME}` that is not an nginx variable is
such a placeholder (nginx itself would read it as `$NAME`); a `{{ ... }}` is one too, and is
replaced here by a variable of the same length (`${_0____}`), so that crossplane reads the file
and every column stays where it is written. `{% ... %}` and `{# ... #}` become blanks; the
branches of an `if` (`elif`, `else`) are read one at a time, as renderings (`renderings` below).

Terraform's `templatefile(path, vars)` renders any text file; HashiCorp names such files
`*.tftpl` (developer.hashicorp.com/terraform/language/functions/templatefile), so
`nginx.conf.tftpl` and `default.conf.tftpl` are read with Terraform's syntax alone
(developer.hashicorp.com/terraform/language/expressions/strings). Every "Interpolation"
`${ ... }` is a placeholder, whatever its name (nginx's own variables are written `$name` there,
or `$${name}`), made a variable of the same length as above. A "Directive" (`%{ if }`,
`%{ else }`, `%{ endif }`, `%{ for }`, `%{ endfor }`, `%{~ if x ~}`) alone on its line is
blanked, its `if`/`else` branches read one rendering each; directives among text make their
span one placeholder. The "Escape Sequences" `$${` and `%%{` render as `${` and `%{`: nginx
reads `$${name}` as its variable `$name`. That rendered text is one character shorter, so the
line is padded at its end: what follows an escape on its line sits one column to the left.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Final

from origins_lint.formats.base import file_name
from origins_lint.records import record
from origins_lint.source import Source

TERRAFORM: Final = ".conf.tftpl"  # Terraform `templatefile` sources
GO: Final = (".conf.tmpl", ".conf.gotmpl", ".conf.ctmpl")  # text/template: gomplate, confd, consul-template
ERB: Final = ".conf.erb"  # Ruby ERB: Chef and Puppet templates
SUFFIXES: Final = (
    ".conf.template",
    ".conf.tpl",
    ".conf.j2",
    ".conf.jinja",
    ".conf.jinja2",
    TERRAFORM,
    *GO,
    ERB,
)
# a template named without `.conf` (`roles/nginx/templates/default.tpl`, `templates/site.j2`):
# Ansible's and Helm's `templates/` folders hold them; nginx reads such a file only where its text,
# rendered, is nginx (`detect`), and `.tpl` is Go's (Helm) when it steers with Go actions, else Jinja's
BARE: Final = (".tpl", ".j2", ".jinja", ".jinja2")
_GO_STEERING = re.compile(r"\{\{-?\s*(?:if|range|with|end|define)\b")
_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_STATEMENT = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.DOTALL)


@record(frozen=True, slots=True)
class _Dialect:
    """A template language as nginx reads its rendering: which tags are blank (they only steer),
    which are placeholders (they insert text), and the tags of its `if`/`else` chains."""

    statement: re.Pattern[str]  # blanked, newlines kept
    expression: re.Pattern[str]  # a variable of the same length
    tag: re.Pattern[str]  # group 1: the chain word, read through ``words``
    words: dict[str, str]  # the dialect's word -> if, elif, else, end (an opener: its end word)
    opens: dict[str, str]  # opener -> the word that closes it
    elifs: frozenset[str]  # openers whose chain takes an `elif`


_JINJA = _Dialect(
    _STATEMENT,
    _EXPRESSION,
    re.compile(r"\{%-?\s*(if|elif|else|endif|for|endfor)\b.*?-?%\}", re.DOTALL),
    {word: word for word in ("if", "elif", "else", "endif", "for", "endfor")},
    {"if": "endif", "for": "endfor"},
    frozenset({"if"}),
)
# Go's text/template (pkg.go.dev/text/template, "Actions"): `{{if}}`, `{{else if}}`, `{{else}}`,
# `{{end}}`, `{{range}}` and `{{with}}` (each may take an `{{else}}`), `{{define}}`/`{{block}}`,
# `{{template}}`, `{{break}}`, `{{continue}}` and `{{/* comment */}}` only steer; `{{- x -}}` trims
# blanks around; any other action inserts text
_GO_ACTION = r"\{\{-?\s*(?:if|else|end|range|with|define|block|template|break|continue)\b.*?-?\}\}"
_GO = _Dialect(
    re.compile(_GO_ACTION + r"|\{\{-?\s*/\*.*?\*/\s*-?\}\}", re.DOTALL),
    _EXPRESSION,
    re.compile(r"\{\{-?\s*(if|else\s+if|else\s+with|else|end|range|with|define|block)\b.*?-?\}\}", re.DOTALL),
    {
        "if": "if",
        "range": "range",
        "with": "with",
        "define": "define",
        "block": "block",
        "else": "else",
        "end": "end",
    }
    | {"else if": "elif", "else with": "elif"},
    {"if": "end", "range": "end", "with": "end", "define": "end", "block": "end"},
    frozenset({"if", "with"}),
)
# Ruby's ERB (docs.ruby-lang.org ERB): `<%= x %>` inserts, `<% code %>` and `<%# comment %>` do
# not, `<%-`/`-%>` trim; chains are Ruby's `if`/`unless`, `elsif`, `else`, `end`, and a block
# (`<% @origins.each do |o| %>`) that `end` closes too
_ERB = _Dialect(
    re.compile(r"<%(?!=)(?!%).*?%>", re.DOTALL),
    re.compile(r"<%=.*?%>", re.DOTALL),
    re.compile(r"<%-?\s*(if|unless|elsif|else|end)\b[^%]*?-?%>|<%-?[^%=#]*?\b(do)(?:\s*\|[^|%]*\|)?\s*-?%>"),
    {"if": "if", "unless": "if", "elsif": "elif", "else": "else", "end": "end", "do": "do"},
    {"if": "end", "do": "end"},
    frozenset({"if"}),
)


def _dialect(path: str, text: str) -> _Dialect:
    if path.endswith(".tpl") and not path.endswith(".conf.tpl"):
        return _GO if "{%" not in text and _GO_STEERING.search(text) else _JINJA
    return _GO if path.endswith(GO) else _ERB if path.endswith(ERB) else _JINJA


# Terraform: escapes first (`$${` is no interpolation), then directives and interpolations
_TERRAFORM_TAG = re.compile(r"(?P<escape>\$\$\{|%%\{)|(?P<directive>%\{[^}\n]*\})|\$\{[^}\n]*\}")


@lru_cache(maxsize=16)
def is_template(path: str) -> bool:
    """By the file's name; asked three times of each nginx file parsed (its renderings, their
    placeholders, the program): worked out once."""
    return file_name(path).endswith((*SUFFIXES, *BARE))


def detemplated(source: Source) -> tuple[Source, dict[str, str]]:
    """The text with `{{ }}` (a `*.tftpl`: `${ }`; ERB: `<%= %>`) as variables of the same length,
    and each variable's placeholder."""
    if not is_template(source.path) or ("{" not in source.text and "<%" not in source.text):
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
        dialect = _dialect(source.path, source.text)
        blanked = dialect.statement.sub(blank, source.text)
        text = dialect.expression.sub(lambda match: variable(match.group()), blanked)
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


# --- branches: each `if`/`else` alternative read as its own rendering ----------------------------
# Only one branch of a template `if` is ever rendered, so the branches are not one response: two
# `add_header Access-Control-Allow-Origin` in an `if` and its `else` are never sent together. The
# first rendering keeps the first branch of every `if` (and of a `for` with an `else`); each other
# branch is read in a rendering of its own (its enclosing branches kept, every other `if` at its
# first branch). A rendering is the source with the dropped branches blanked, columns unchanged.
MAX_RENDERINGS: Final = 64
_TERRAFORM_LINE = re.compile(r"^[ \t]*%\{~?\s*(if|else|endif|for|endfor)\b[^}\n]*\}[ \t]*$", re.MULTILINE)
_OPENS: Final = {"if": "endif", "for": "endfor"}


@record(frozen=True, slots=True)
class Rendering:
    """One way the template renders, as nginx reads it, with the lines this rendering reads that
    the first does not (empty for the first)."""

    source: Source
    placeholders: dict[str, str]
    lines: tuple[tuple[int, int], ...] = ()
    skipped: int = 0  # branches past MAX_RENDERINGS, not read (the first rendering says so)


@record(slots=True)
class _Chain:
    """An `if`/`elif`/`else` (or `for`/`else`) chain: each branch's span of the text."""

    parent: tuple[int, int] | None  # (chain, branch) that holds it
    ends: str
    branches: list[tuple[int, int]]
    start: int = 0
    opener: str = "if"


def renderings(source: Source) -> list[Rendering]:
    """The template's renderings, the first with every first branch; one rendering (all branches,
    as `detemplated` reads them) when it has no `else` or its tags do not nest."""
    chains = _chains(source) if is_template(source.path) else None
    alternatives = [(i, b) for i, chain in enumerate(chains or ()) for b in range(1, len(chain.branches))]
    if not chains or not alternatives:
        return [Rendering(*detemplated(source))]
    chosen = alternatives[: MAX_RENDERINGS - 1]
    out = [_render(source, chains, None, len(alternatives) - len(chosen))]
    out.extend(_render(source, chains, pick) for pick in chosen)
    return out


def _chains(source: Source) -> list[_Chain] | None:
    """Every chain of the template, or None when its tags do not nest."""
    terraform = source.path.endswith(TERRAFORM)
    dialect = _JINJA if terraform else _dialect(source.path, source.text)
    tags = _TERRAFORM_LINE.finditer(source.text) if terraform else dialect.tag.finditer(source.text)
    opens = _OPENS if terraform else dialect.opens
    chains: list[_Chain] = []
    stack: list[int] = []
    for tag in tags:
        written = " ".join(next(group for group in tag.groups() if group).split())
        word = dialect.words.get(written, written)
        start, end = tag.start(), tag.end()
        if word in opens:
            parent = (stack[-1], len(chains[stack[-1]].branches)) if stack else None
            chains.append(_Chain(parent, opens[word], [], end, word))
            stack.append(len(chains) - 1)
            continue
        if not stack:
            return None
        chain = chains[stack[-1]]
        if word in ("elif", "else"):
            if word == "elif" and chain.opener not in dialect.elifs:
                return None
            chain.branches.append((chain.start, start))
            chain.start = end
        elif word == chain.ends:
            chain.branches.append((chain.start, start))
            stack.pop()
        else:
            return None
    return None if stack else chains


def _render(
    source: Source, chains: list[_Chain], pick: tuple[int, int] | None, skipped: int = 0
) -> Rendering:
    """The rendering that keeps branch ``pick`` (and the branches that hold it), first branches
    elsewhere; ``pick`` None: first branches everywhere."""
    keep = dict.fromkeys(range(len(chains)), 0)
    lines: list[tuple[int, int]] = []
    at = pick
    while at is not None:
        keep[at[0]] = at[1]
        if at[1]:
            span = chains[at[0]].branches[at[1]]
            lines.append((_line(source.text, span[0]), _line(source.text, span[1])))
        at = chains[at[0]].parent
    text = source.text
    for i, chain in enumerate(chains):
        for b, (start, end) in enumerate(chain.branches):
            if b != keep[i]:
                text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
    rendered, placeholders = detemplated(Source(source.path, text, source.encoding))
    return Rendering(rendered, placeholders, tuple(sorted(lines)), skipped)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
