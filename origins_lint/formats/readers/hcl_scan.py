"""A cheap, linear pass over HCL: its comments and its top-level blocks, without parsing.

python-hcl2 builds a Lark tree with positions for every token; on a multi-megabyte `.tf` that
takes tens of seconds and gigabytes (issue 19: 2.4 MB took 92 s). A file only matters to us for
its `okta_trusted_origin` resources and the `locals` they read, so this pass finds where each
top-level block starts and ends (knowing strings with nested `${...}`, heredocs and comments,
so a brace in any of them is not counted), and python-hcl2 then parses only those blocks.

The same pass gives the comment spans that inline suppressions may live in (`#` and `//`).
Each step jumps with a regex search to the next character that can change the state, so the
work is linear in the text, with no backtracking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CODE = re.compile(r'#|//|/\*|"|\{|\}|<<-?[A-Za-z_]')
_STRING = re.compile(r'\\.|\$\$\{|%%\{|[$%]\{|"|\n', re.DOTALL)
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][\w-]*)[ \t]*\r?\n")


@dataclass(frozen=True, slots=True)
class TopBlock:
    start: int  # offset of the block's first word
    end: int  # offset just past its closing `}`
    header: str  # the words before its `{`: `resource "okta_trusted_origin" "x"`


@dataclass(slots=True)
class HclScan:
    comments: list[tuple[int, int]] = field(default_factory=list)  # `#`/`//` comments, newline excluded
    blocks: list[TopBlock] = field(default_factory=list)
    error: tuple[int, str] | None = None  # offset and reason where the text stops making sense


def scan(text: str) -> HclScan:
    found = HclScan()
    stack: list[str] = []  # "{" a brace in code, "${" an interpolation inside a string
    in_string = False
    string_start = 0
    top_start, top_header, last_top_end = 0, "", 0
    position, size = 0, len(text)
    while position < size:
        if in_string:
            match = _STRING.search(text, position)
            if match is None or match.group() == "\n":
                found.error = (string_start, "a string is not closed on its line")
                return found
            position = match.end()
            if match.group() == '"':
                in_string = False
            elif match.group() in ("${", "%{"):
                stack.append("${")
                in_string = False
            continue
        match = _CODE.search(text, position)
        if match is None:
            break
        token, start = match.group(), match.start()
        position = match.end()
        if token in ("#", "//"):
            stop = text.find("\n", start)
            stop = size if stop < 0 else stop
            found.comments.append((start, stop - 1 if text[stop - 1 : stop] == "\r" else stop))
            position = stop
        elif token == "/*":
            stop = text.find("*/", position)
            if stop < 0:
                found.error = (start, "a `/*` comment is never closed")
                return found
            position = stop + 2
        elif token == '"':
            in_string, string_start = True, start
        elif token == "{":
            if not stack:
                line_start = text.rfind("\n", last_top_end, start) + 1
                line_start = max(line_start, last_top_end)
                top_header = text[line_start:start].strip()
                top_start = start - len(text[line_start:start].lstrip())
            stack.append("{")
        elif token == "}":
            if not stack:
                found.error = (start, "a `}` closes nothing")
                return found
            if stack.pop() == "${":
                in_string = True
            elif not stack:
                found.blocks.append(TopBlock(top_start, position, top_header))
                last_top_end = position
        else:  # `<<`: a heredoc runs to the line that holds only its tag
            heredoc = _HEREDOC.match(text, start)
            if heredoc is None:
                continue
            tag = re.escape(heredoc.group(2))
            closing = re.compile(rf"^[ \t]*{tag}[ \t]*\r?$", re.MULTILINE).search(text, heredoc.end())
            if closing is None:
                found.error = (start, f"the heredoc `{heredoc.group(2)}` is never closed")
                return found
            position = closing.end()
    if in_string:
        found.error = (string_start, "a string is not closed")
    elif stack:
        found.error = (top_start, "a `{` is never closed")
    return found
