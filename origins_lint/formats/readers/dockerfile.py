"""A Dockerfile's `LABEL`s as one located mapping: an image's labels become its containers' labels,
which is where Traefik's Docker provider reads its configuration.

Read as BuildKit reads them (moby/buildkit `frontend/dockerfile/parser`, at 12a6a7c0):

- `parser.go`: a line ending in the escape character (`\\`, or the one a leading `# escape=`
  directive names) goes on with the next line; comment lines and empty lines inside such an
  instruction are dropped; instruction names are case-insensitive;
- `line_parsers.go` `parseNameVal`: `LABEL a=b c="d e"` is words split on whitespace outside
  quotes (`parseWords`), each split on its first `=`; when the first word has no `=`, the old
  form `LABEL name value` is one label, the rest of the line its value;
- the dispatcher then takes each key and value as a shell word: quotes removed (nothing is
  special inside `'...'`; the escape character escapes the next character elsewhere), and
  `$NAME`/`${NAME}` filled in from `ARG` and `ENV` at build time. Such a variable is kept here as
  `${NAME}`: a placeholder, unknown until the image is built.

A later `LABEL` with the same key replaces the earlier one, as in the image; a multi-stage file's
image has its last stage's labels (and those of a stage of the file it is built `FROM`), not a build
stage's (BuildKit's dispatcher starts each stage from its base image's config).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from origins_lint.formats.readers.manifests import Text
from origins_lint.formats.readers.tree import Node
from origins_lint.model import InputProblem, Location, ProblemKind

_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_INSTRUCTION = re.compile(r"[ \t]*([A-Za-z]+)(?=[ \t]|$)")
_VARIABLE = re.compile(r"\$(?:\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
# the variables a stage knows: NAME -> (its value, the build argument whose default it holds or "",
# whether an ENV set it: a stage built FROM another of the file keeps those, never its ARGs)
Known = dict[str, tuple[str, str, bool]]
_NAMES: Final = re.compile(r"^(?:Dockerfile|Containerfile)(?:[.-][^/]*)?$|[.-](?:Dockerfile|dockerfile)$")


def is_dockerfile(name: str) -> bool:
    """`Dockerfile`, `Dockerfile.prod`, `api.Dockerfile`, `Containerfile`: what `docker build` is given."""
    return _NAMES.search(name) is not None


def labels(path: str, text: str) -> tuple[Node, Text, list[InputProblem]]:
    """The labels of the image the file builds (its last stage), by key, each value located where
    it is written, and what is said of them. A stage starts with its `FROM`, with the labels (and
    `ENV`) of the stage it is built from when that is a stage of this file (a base image's own are
    not known here), and none otherwise: a build stage's `LABEL`s stay in that stage (the image gets
    the last stage's). A variable is filled in from `ENV`, else from an `ARG`'s default (said:
    `docker build --build-arg` may set another value), else kept as `${NAME}`."""
    source = Text(path, text)
    values: dict[str, Node] = {}
    keys: dict[str, Location] = {}
    known: Known = {}
    outside: dict[str, str] = {}  # the ARGs declared before the first FROM, with their defaults
    stages: dict[str, tuple[dict[str, Node], dict[str, Location], Known]] = {}
    problems: list[InputProblem] = []
    escape = _escape(text)
    staged = False
    for chars, offsets in _instructions(text, escape):
        found = _INSTRUCTION.match(chars)
        if found is None:
            continue
        instruction = found.group(1).upper()
        if instruction == "FROM":
            words = [_word(word, escape, {}) for word, _at in _words(chars, found.end(), escape)]
            words = [word for word in words if not word.startswith("--")]  # `--platform=...`
            base = stages.get(words[0].lower()) if words else None
            values, keys = (dict(base[0]), dict(base[1])) if base else ({}, {})
            # a stage keeps its base stage's ENV, never its ARGs
            known = {name: got for name, got in base[2].items() if got[2]} if base else {}
            if len(words) >= 3 and words[1].upper() == "AS":
                stages[words[2].lower()] = (values, keys, known)
            staged = True
        elif instruction == "ARG":
            for word, _at in _words(chars, found.end(), escape):
                name, equals, default = word.partition("=")
                value = _word(default, escape, known) if equals else outside.get(name)
                if not staged:
                    outside[name] = value if value is not None else ""
                elif value is not None:
                    known[name] = (value, name, False)
        elif instruction == "ENV":
            for (name, _at), (value, start, end) in _pairs(chars, offsets, found.end(), escape, known):
                # `ENV ORIGIN=$CORS_ORIGIN`: it holds that argument's default, as overridable as it
                argument = next((arg for _, _, arg in _arguments(text[start:end], known)), "")
                known[name] = (value, argument, True)
        elif instruction == "LABEL":
            for (key, key_at), (value, start, end) in _pairs(chars, offsets, found.end(), escape, known):
                line, column = source.position(key_at)
                start_line, start_column = source.position(start)
                end_line, end_column = source.position(end)
                keys.pop(key, None)  # a later label with the key replaces it, and is where it is written
                values.pop(key, None)
                keys[key] = Location(path, line, column, line, column + len(key))
                at = Location(path, start_line, start_column, end_line, end_column)
                values[key] = Node(value, at)
                problems.extend(_build_arguments(text[start:end], known, at))
    return Node(values, Location.point(path, 1, 1), keys), source, problems


def _arguments(raw: str, known: Known) -> Iterator[tuple[str, str, str]]:
    """Each variable of ``raw`` that holds a build argument's default: (as written, its name, the
    argument)."""
    for found in _VARIABLE.finditer(raw):
        name = (found.group(1) or found.group(2) or "").split(":", 1)[0]
        argument = known.get(name, ("", "", False))[1]
        if argument:
            yield found.group(0), name, argument


def _build_arguments(raw: str, known: Known, at: Location) -> list[InputProblem]:
    """What a value takes from an `ARG`'s default, said: the build may set another value."""
    said = []
    for written, name, argument in _arguments(raw, known):
        value = known[name][0]
        what = (
            f"is the build argument `{argument}`"
            if name == argument
            else f"holds the default of the build argument `{argument}`"
        )
        message = (
            f"`{written}` {what}: `{value}` unless `docker build --build-arg {argument}=...` sets another "
            f"value, which this file does not say; judged here as `{value}`"
        )
        said.append(InputProblem(ProblemKind.NOT_ANALYSED, message, at))
    return said


def _escape(text: str) -> str:
    """The escape character: `\\`, or the one a `# escape=` parser directive at the top names."""
    for line in text.split("\n"):
        found = _DIRECTIVE.match(line.strip())
        if found is None:
            break  # directives come first; anything else ends them
        if found.group(1).lower() == "escape" and found.group(2) in ("\\", "`"):
            return found.group(2)
    return "\\"


def _instructions(text: str, escape: str) -> list[tuple[str, list[int]]]:
    """Each instruction's text (continued lines joined), with every character's offset in ``text``."""
    out: list[tuple[str, list[int]]] = []
    chars: list[str] = []
    offsets: list[int] = []
    start = 0
    for line in text.split("\n"):
        at = start
        start += len(line) + 1
        body = line.rstrip("\r")
        stripped = body.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue  # a comment or empty line, dropped inside a continued instruction too
        end = len(body.rstrip(" \t"))
        continued = end > 0 and body[end - 1] == escape
        kept = end - 1 if continued else len(body)
        chars.extend(body[:kept])
        offsets.extend(range(at, at + kept))
        if not continued:
            out.append(("".join(chars), offsets))
            chars, offsets = [], []
    if chars:
        out.append(("".join(chars), offsets))
    return out


def _pairs(
    chars: str, offsets: list[int], start: int, escape: str, known: Known
) -> list[tuple[tuple[str, int], tuple[str, int, int]]]:
    """The (key, where) and (value, start, end) of each label of one `LABEL` instruction."""
    words = _words(chars, start, escape)
    if not words:
        return []
    first, first_at = words[0]
    if "=" not in first:  # the old form: `LABEL name value`, the rest of the line the value
        rest = first_at + len(first)
        while rest < len(chars) and chars[rest] in " \t":
            rest += 1
        if rest >= len(chars):
            return []
        raw = chars[rest:].rstrip(" \t")
        return [((_word(first, escape, known), offsets[first_at]), _value(raw, rest, offsets, escape, known))]
    out: list[tuple[tuple[str, int], tuple[str, int, int]]] = []
    for word, at in words:
        if "=" not in word:
            return out  # BuildKit refuses the instruction ("can't find = in ..."): what came before is kept
        key, _, raw = word.partition("=")
        place = at + len(key) + 1
        out.append(((_word(key, escape, known), offsets[at]), _value(raw, place, offsets, escape, known)))
    return out


def _value(raw: str, at: int, offsets: list[int], escape: str, known: Known) -> tuple[str, int, int]:
    end = offsets[at + len(raw) - 1] + 1 if raw else offsets[at - 1] + 1
    return _word(raw, escape, known), offsets[at] if raw else end, end


def _words(chars: str, start: int, escape: str) -> list[tuple[str, int]]:
    """`parseWords`: words split on whitespace outside quotes, quotes kept, each with its index."""
    words: list[tuple[str, int]] = []
    index, size = start, len(chars)
    while index < size:
        while index < size and chars[index].isspace():
            index += 1
        if index >= size:
            break
        begin, quote = index, ""
        while index < size:
            char = chars[index]
            if quote:
                if char == quote:
                    quote = ""
                elif char == escape and quote != "'" and index + 1 < size:
                    index += 1
            elif char.isspace():
                break
            elif char in ("'", '"'):
                quote = char
            elif char == escape and index + 1 < size:
                index += 1
            index += 1
        words.append((chars[begin:index], begin))
    return words


def _word(raw: str, escape: str, known: Known) -> str:
    """A shell word as the dispatcher takes it: quotes removed, escapes applied, a variable filled
    in from ``known`` (`${NAME:-word}` and `${NAME:+word}` as BuildKit's shell lexer reads them),
    else kept as `${NAME}` (filled in at build time)."""
    out: list[str] = []
    index, size, quote = 0, len(raw), ""
    while index < size:
        char = raw[index]
        if quote == "'":
            if char == "'":
                quote = ""
            else:
                out.append(char)
        elif char == escape and index + 1 < size:
            index += 1
            out.append(raw[index])
        elif char in ("'", '"') and (not quote or char == quote):
            quote = "" if quote else char
        elif char == "$" and (found := _VARIABLE.match(raw, index)) is not None:
            out.append(_filled(found.group(1) if found.group(1) is not None else found.group(2), known))
            index = found.end()
            continue
        else:
            out.append(char)
        index += 1
    return "".join(out)


def _filled(inside: str, known: Known) -> str:
    """`NAME`, `NAME:-word` or `NAME:+word` as the build fills it in, `${NAME}` when unknown."""
    name, colon, rest = inside.partition(":")
    value = known.get(name)
    if colon and rest[:1] == "-":
        return value[0] if value is not None and value[0] else rest[1:]
    if colon and rest[:1] == "+":
        return rest[1:] if value is not None and value[0] else ""
    return value[0] if value is not None else "${" + inside + "}"
