"""The bounds that keep a hostile file from hanging origins-lint or exhausting its memory.

A linter runs on files from pull requests, so every cost that grows with the input has a
ceiling here. Each is a setting (`max-*` in the config) because a real config can need more
than the default; none can be switched off.

One run has one set of limits. They are process-wide rather than passed to every parser and
rule helper: the parsers, the nginx value flow and the regex analysis all read them, and
worker processes receive them with the job. `use` is called before each file is parsed.
"""

from __future__ import annotations

from typing import Final

from origins_lint.records import record


@record(frozen=True, slots=True)
class Limits:
    file_size: int = 10 * 1024 * 1024  # bytes; a larger file is OL001 "too large" and never read
    yaml_values: int = 100_000  # values a YAML file expands to through aliases (billion laughs)
    nesting: int = 100  # levels of YAML, JSON and nginx block nesting
    include_depth: int = 16  # nginx `include` chains
    included_files: int = 1000  # nginx files one file may pull in through `include`
    regex_states: int = 20_000  # automaton states one pattern may compile to
    regex_steps: int = 2_000_000  # automaton steps to decide one candidate origin: the time bound
    hcl_size: int = 512 * 1024  # characters of CORS resources and locals python-hcl2 parses in a .tf


DEFAULT: Final = Limits()

# config key -> field; the values are positive integers
KEYS: Final = {"max-" + field.replace("_", "-"): field for field in Limits.__match_args__}

_active: list[Limits] = [DEFAULT]


def active() -> Limits:
    return _active[0]


def use(limits: Limits) -> None:
    _active[0] = limits
