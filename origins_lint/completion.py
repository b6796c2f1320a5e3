"""Shell completion scripts for bash, zsh and fish, written from the argument parser itself.

Generated rather than kept by hand, so that a new option or command completes the day it is
added: commands, every option of each, the values an option or argument takes (output
formats, input formats, severities, rule codes and slugs, schema names), and file names
for paths.
"""

from __future__ import annotations

import shlex
from argparse import Action, ArgumentParser, _SubParsersAction
from dataclasses import dataclass

PROG = "origins-lint"


@dataclass(frozen=True)
class _Command:
    name: str
    help: str
    flags: tuple[str, ...]  # every option string
    values: dict[str, tuple[str, ...]]  # option string -> the words it takes (empty: a file name)
    takes_value: frozenset[str]  # option strings followed by a value
    arguments: tuple[str, ...]  # words for the positional arguments (empty: file names)


def _dynamic(dest: str) -> tuple[str, ...] | None:
    """Values the parser does not list as `choices` (they are checked later, with a better message)."""
    if dest == "input_format":
        from origins_lint import formats

        return formats.NAMES
    if dest == "output_format":
        from origins_lint.cli import OUTPUT_FORMATS

        return OUTPUT_FORMATS
    if dest in ("select", "ignore", "extend_select", "extend_ignore"):
        return _arguments("rule")
    return None


def _arguments(command: str) -> tuple[str, ...]:
    """Words for a command's positional argument: a rule's code or slug, a schema's name."""
    if command == "rule":
        from origins_lint.rules import all_rules

        return (*(r.code for r in all_rules()), *(r.slug for r in all_rules()))
    if command == "schema":
        from origins_lint.formats.schemas import SCHEMAS

        return tuple(SCHEMAS)
    return ()


def _words(action: Action) -> tuple[str, ...]:
    if action.choices is not None:
        return tuple(str(choice) for choice in action.choices)
    return _dynamic(action.dest) or ()


def _commands(top: ArgumentParser) -> list[_Command]:
    found = []
    for action in top._actions:
        if not isinstance(action, _SubParsersAction):
            continue
        helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
        for name, sub in action.choices.items():
            flags: list[str] = []
            values: dict[str, tuple[str, ...]] = {}
            takes: set[str] = set()
            arguments = _arguments(name)
            for each in sub._actions:
                if not each.option_strings:
                    arguments = arguments or _words(each)
                    continue
                flags.extend(each.option_strings)
                if each.nargs != 0:
                    takes.update(each.option_strings)
                    values.update(dict.fromkeys(each.option_strings, _words(each)))
            found.append(
                _Command(name, helps.get(name, ""), tuple(flags), values, frozenset(takes), arguments)
            )
    return found


def _bash(commands: list[_Command]) -> str:
    names = " ".join(c.name for c in commands)
    value_cases, option_cases, argument_cases = [], [], []
    for c in commands:
        for flag in sorted(c.takes_value):
            words = c.values.get(flag, ())
            reply = (
                f'compgen -W {shlex.quote(" ".join(words))} -- "$cur"' if words else 'compgen -f -- "$cur"'
            )
            value_cases.append(f'        "{c.name} {flag}") COMPREPLY=($({reply})); return ;;')
        option_cases.append(f"        {c.name}) opts={shlex.quote(' '.join([*c.flags]))} ;;")
        if c.arguments:
            listed = shlex.quote(" ".join(c.arguments))
            argument_cases.append(
                f'        {c.name}) COMPREPLY=($(compgen -W {listed} -- "$cur")); return ;;'
            )
    return "\n".join(
        [
            f"# bash completion for {PROG}: source <({PROG} completion bash)",
            "_origins_lint() {",
            "    local cur prev cmd opts i",
            '    cur="${COMP_WORDS[COMP_CWORD]}"',
            '    prev="${COMP_WORDS[COMP_CWORD-1]}"',
            '    cmd=""',
            "    for ((i = 1; i < COMP_CWORD; i++)); do",
            f'        case " {names} " in *" ${{COMP_WORDS[i]}} "*) cmd="${{COMP_WORDS[i]}}"; break ;; esac',
            "    done",
            '    if [[ -z "$cmd" ]]; then',
            f'        COMPREPLY=($(compgen -W "{names} --help --version" -- "$cur"))',
            "        return",
            "    fi",
            '    case "$cmd $prev" in',
            *value_cases,
            "    esac",
            '    if [[ "$cur" == -* ]]; then',
            '        case "$cmd" in',
            *option_cases,
            "        esac",
            '        COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
            "        return",
            "    fi",
            '    case "$cmd" in',
            *argument_cases,
            "    esac",
            '    COMPREPLY=($(compgen -f -- "$cur"))',
            "}",
            f"complete -o filenames -o bashdefault -F _origins_lint {PROG}",
            "",
        ]
    )


def _zsh(commands: list[_Command]) -> str:
    """zsh runs the bash function through `bashcompinit`, zsh's own bridge for bash completions."""
    return "\n".join(
        [
            f"# zsh completion for {PROG}: source <({PROG} completion zsh)",
            "autoload -U +X compinit && compinit",
            "autoload -U +X bashcompinit && bashcompinit",
            _bash(commands).split("\n", 1)[1],
        ]
    )


def _fish(commands: list[_Command]) -> str:
    lines = [
        f"# fish completion for {PROG}: {PROG} completion fish | source",
        f"complete -c {PROG} -f",
    ]
    for c in commands:
        lines.append(
            f"complete -c {PROG} -n __fish_use_subcommand -a {c.name} -d {shlex.quote(c.help.split('.')[0])}"
        )
        seen = f"__fish_seen_subcommand_from {c.name}"
        for flag in c.flags:
            option = f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}"
            if flag in c.takes_value:
                words = c.values.get(flag, ())
                option += f" -r -a {shlex.quote(' '.join(words))}" if words else " -r -F"
            lines.append(f"complete -c {PROG} -n {shlex.quote(seen)} {option}")
        if c.arguments:
            lines.append(f"complete -c {PROG} -n {shlex.quote(seen)} -a {shlex.quote(' '.join(c.arguments))}")
        elif c.name in ("check", "match"):
            lines.append(f"complete -c {PROG} -n {shlex.quote(seen)} -F")
    return "\n".join([*lines, ""])


def script(shell: str, top: ArgumentParser) -> str:
    commands = _commands(top)
    return {"bash": _bash, "zsh": _zsh, "fish": _fish}[shell](commands)
