"""Which regexes PCRE (nginx's `ngx.re`, so Kong and APISIX) refuses to compile.

Kong validates each cors `origins` entry by compiling it (`is_regex` in kong/db/schema/init.lua)
and APISIX compiles each `allow_origins_by_regex` item in the plugin's `check_schema`
(apisix/plugins/cors.lua): a pattern PCRE refuses is a refused configuration, not one we could
not analyse, so the formats report it as a schema problem.

The answer comes from syntax alone: only the errors PCRE and CPython's parser both report (a
missing `)`, an unbalanced `)`, an unterminated class, a reversed range, a repeat with nothing
to repeat or a repeat of a repeat, a trailing `\\`). A pattern CPython cannot parse for a reason
PCRE does not share (`\\pL`, a backtracking verb, flags mid-pattern) is not called refused: the
analysis reports it as not analysed (OL004) instead.
"""

from __future__ import annotations

import re
import re._parser as sre_parse
import warnings
from typing import Final

from origins_lint.matchers import MAX_PATTERN_LENGTH, translate
from origins_lint.model import Dialect

# CPython errors that PCRE reports too (PCRE's wording in parentheses)
_SHARED_ERRORS: Final = (
    "missing )",  # missing )
    "unbalanced parenthesis",  # unmatched parentheses
    "unterminated character set",  # missing terminating ] for character class
    "bad character range",  # range out of order in character class
    "nothing to repeat",  # nothing to repeat (quantifier does not follow a repeatable item)
    "multiple repeat",  # `a**`: nothing to repeat (Kong's 02-schema_spec `invalid_**regex`)
    "min repeat greater than max repeat",  # numbers out of order in {} quantifier
    "bad escape (end of pattern)",  # \ at end of pattern
)


def refusal(pattern: str) -> str | None:
    """Why PCRE would not compile ``pattern``; None when it would or we cannot tell."""
    if len(pattern) > MAX_PATTERN_LENGTH or "(*" in pattern or "[:" in pattern:
        return None  # backtracking verbs (`(*UTF8)`) and POSIX classes are PCRE's own
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sre_parse.parse(translate(pattern, Dialect.PCRE))
    except re.error as error:
        if any(error.msg.startswith(known) for known in _SHARED_ERRORS):
            if error.msg.startswith("bad character range \\"):
                return None  # `[\d-z]`: PCRE reads `-` literally there
            where = f" at position {error.pos}" if error.pos is not None else ""
            return f"{error.msg}{where}"
    except (RecursionError, OverflowError, ValueError):
        return None
    return None
