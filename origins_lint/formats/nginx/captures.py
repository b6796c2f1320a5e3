"""What a regex capture can hold when nginx sends it as the origin (issue 17, item 3).

`add_header Access-Control-Allow-Origin https://$1` sends the fixed text and the
capture, byte for byte, and the browser compares that value with its Origin byte
for byte (after trimming whitespace at the ends: the Fetch standard's header
value normalization). So the value is a regex over what nginx can send: the
fixed text escaped, each capture as the group that captured it.

Which regex set `$1` (or `$name`) is decided per request (the last one that
matched: `ngx_http_regex_exec` in src/http/ngx_http_variables.c), so a capture
stands for the union of its group in every regex of the tree that has it, or
empty (no regex matched, or one with fewer groups). Where a group cannot be
read safely (a caseless regex, inline flags, a group with anchors, a regex
in a directive not read here) the capture is any text: only the fixed text
around it then narrows what is sent.
"""

from __future__ import annotations

import re
from typing import Final

from origins_lint.formats.nginx.syntax import Directive
from origins_lint.model import Dialect, Engine, MatchMode

# what the browser compares the sent value with: the whole value, byte for byte
NGINX_ECHO: Final = Engine("nginx-echo", MatchMode.FULL, case_sensitive=True, dialect=Dialect.PCRE)
ANY_TEXT: Final = ".*"

_NAMED_OPEN = re.compile(r"\(\?(?:P?<|')([A-Za-z_]\w*)[>']")
_PLAIN_OPEN = ("(?:", "(?=", "(?!", "(?<=", "(?<!", "(?>")
_GLUED = re.compile(r"^(~\*?)(.+)$")
# one atom repeated: trimming whitespace off a capture of it leaves a (maybe empty) repeat of it
_REPEAT = re.compile(r"(?:[+*?]|\{\d+(?:,\d*)?\})[+?]?")
_ONE_CHAR_ESCAPE = re.compile(r"\\[dDwWsShHvV.\-/:]")
# a group that can never capture whitespace (so trimming never changes it) and has no anchors
_NO_SPACE = re.compile(r"(?:[A-Za-z0-9_\-:|()?+*{},]|\\[.\-/dw:]|\[[A-Za-z0-9_.\-:]*\])*")
HTTP_WHITESPACE: Final = " \t\r\n"


def _class_end(pattern: str, start: int) -> int:
    """The index after the character class opening at `start`."""
    i = start + 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
        elif pattern.startswith("[:", i) and (close := pattern.find(":]", i + 2)) != -1:
            i = close + 2
        elif pattern[i] == "]":
            return i + 1
        else:
            i += 1
    return len(pattern)


def groups(pattern: str) -> dict[str, str] | None:
    """Each capturing group's text, by number and by lower-cased name; None for a pattern whose
    groups are not read here (inline flags, branch reset, verbs, `\\Q`)."""
    spans = group_spans(pattern)
    return None if spans is None else {key: pattern[body:end] for key, (body, end) in spans.items()}


_BACKREFERENCE = re.compile(r"\\(?:[1-9]|k[<{']|g)")


def emptied(pattern: str, names: set[str]) -> str | None:
    """The pattern with each of the named capturing groups made to match only the empty text (its
    body removed: `http(s)?://` -> `http()?://`): the matches where those groups are empty or
    unmatched. None when the groups are not read here, a name is no group, or a backreference
    could read one (the numbering of the others may change)."""
    spans = group_spans(pattern)
    if spans is None or not names <= spans.keys() or _BACKREFERENCE.search(pattern):
        return None
    chosen = {spans[name] for name in names}
    # a group inside another one removed goes with it: only the outermost are cut, last first
    outer = [
        span for span in chosen if not any(o != span and o[0] <= span[0] and span[1] <= o[1] for o in chosen)
    ]
    out = pattern
    for body, end in sorted(outer, reverse=True):
        out = out[:body] + out[end:]
    return out


def group_spans(pattern: str) -> dict[str, tuple[int, int]] | None:
    """Where each capturing group's body starts and ends, by number and lower-cased name."""
    if "\\Q" in pattern:
        return None
    out: dict[str, tuple[int, int]] = {}
    stack: list[tuple[int, tuple[str, ...]]] = []
    number = 0
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(pattern, i)
            continue
        if char == "(":
            if pattern.startswith(("(?", "(*"), i):
                named = _NAMED_OPEN.match(pattern, i)
                if named is not None:
                    number += 1
                    keys: tuple[str, ...] = (str(number), named.group(1).lower())
                    body = named.end()
                elif opened := next((p for p in _PLAIN_OPEN if pattern.startswith(p, i)), None):
                    keys, body = (), i + len(opened)
                else:
                    return None
            else:
                number += 1
                keys, body = (str(number),), i + 1
            stack.append((body, keys))
            i = body
            continue
        if char == ")":
            if not stack:
                return None
            body, keys = stack.pop()
            out.update((key, (body, i)) for key in keys)
        i += 1
    return None if stack else out


def trimmed(group: str) -> str | None:
    """A regex for every text the group captures, once the browser trims whitespace off the value's
    ends (a superset); None when that is not read here."""
    if group.startswith("["):
        end = _class_end(group, 0)
    elif (escape := _ONE_CHAR_ESCAPE.match(group)) is not None:
        end = escape.end()
    elif group.startswith("."):
        end = 1
    else:
        end = 0
    if end and _REPEAT.fullmatch(group, end):
        return group[:end] + "*"
    return group if _NO_SPACE.fullmatch(group) else None


# the directives `regexes` reads the regexes of
_MATCHING: Final = frozenset({"rewrite", "location", "server_name", "if"})


def regexes(directive: Directive) -> list[tuple[str, bool]] | None:
    """The regexes a directive matches the request with (pattern, caseless); [] for none, None for a
    regex argument of a directive not read here (`proxy_redirect ~...`)."""
    args = directive.args
    name = directive.name
    if name not in _MATCHING:  # most directives: a regex argument only where some `~` is written
        return None if "~" in "".join(args) and any(arg.startswith("~") for arg in args) else []
    if name == "rewrite":
        return [(args[0], False)] if args else []
    if name == "location" and args:
        if len(args) > 1 and args[0] in ("~", "~*"):
            return [(args[1], args[0] == "~*")]
        glued = _GLUED.match(args[0]) if len(args) == 1 else None
        return [(glued.group(2), glued.group(1) == "~*")] if glued else []
    if name == "server_name":  # server names are matched without case
        return [(arg[1:], True) for arg in args if arg.startswith("~")]
    if name == "if" and len(args) >= 3 and args[1] in ("~", "~*", "!~", "!~*"):
        operand = " ".join(args[2:])
        return [(operand, args[1].endswith("*"))]
    if name in ("if", "location"):
        return []
    return None if any(arg.startswith("~") for arg in args) else []


def origin_captured(
    parts: list[tuple[str, str]], pattern: str, caseless: bool, dialect: Dialect = Dialect.PCRE
) -> tuple[str, Engine] | None:
    """What a value of fixed text and captures of the origin regex that guards it admits: the
    browser compares the value sent with its Origin, so an origin gets in only when the value
    made from its own captures is itself: the value as a regex, each capture its group, matched
    whole (`map $http_origin ... "~^(https?://localhost(:[0-9]+)?)" $1` admits a localhost origin,
    never `http://localhost.attacker.net`, which sends `http://localhost`). The rest of the
    guard's regex is not required of it (a superset). None when a capture is not a group of
    ``pattern`` (another regex may have set it) or a part is not text or a capture.

    ``parts``: (kind, text) of the value, `capture` parts spelled as written (`$1`, `${name}`);
    ``dialect``: the regex's (Caddy's `map` runs Go's regexp and expands `${1}` alike)."""
    found = groups(pattern)
    if found is None:
        return None
    pieces: list[str] = []
    last = len(parts) - 1
    for index, (kind, text) in enumerate(parts):
        if kind == "capture":
            name = text.strip("${}")
            if name not in found:
                return None
            # a value that is the capture alone reads as the group itself, as the user wrote it
            pieces.append(found[name] if len(parts) == 1 else f"(?:{found[name]})")
        elif kind == "text":
            kept = text.lstrip(HTTP_WHITESPACE) if index == 0 else text
            pieces.append(re.escape(kept.rstrip(HTTP_WHITESPACE) if index == last else kept))
        else:
            return None
    engine = Engine("captured-origin", MatchMode.FULL, case_sensitive=not caseless, dialect=dialect)
    return "".join(pieces), engine


def capture_text(sources: list[tuple[str, bool]] | None, name: str) -> str:
    """A regex for what a capture `$name` can send, given every regex source of the tree (None: a
    source not read here)."""
    if sources is None and name.isdigit():
        return ANY_TEXT
    options: list[str] = []
    for pattern, caseless in sources or []:
        found = groups(pattern)
        if found is None:
            return ANY_TEXT  # groups not read here: any of them may be this capture
        if name not in found:
            continue
        group = trimmed(found[name]) if not caseless else None
        if group is None:
            return ANY_TEXT
        options.append(group)
    if not options:
        return ANY_TEXT  # no regex of the tree is known to set it
    return "(?:" + "|".join(dict.fromkeys(options)) + "|)"
