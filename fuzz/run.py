"""The long fuzz run: `python fuzz/run.py --minutes 30`.

It feeds the properties of `fuzz/properties.py` (the same ones the property tests check in CI) for as
long as it is told, round-robin over eleven targets, a second at a time: origin parsing, regex analysis
(compared with CPython's `re`), and a whole check of one file for each of the nine formats, from random
bytes and from the fixtures and examples mutated. Every input that breaks a property (a traceback, an
internal error, a wrong automaton, an output that does not parse, more than ten seconds) is saved
under `fuzz/crashes/` with its traceback and counted; the run goes on. It prints how many inputs
each target tried and how many failed, and exits 1 if any did.

The generator is seeded (`--seed`), so a run can be repeated; a hang is caught by an alarm and
memory is capped (`--memory-mib`) so that a blow-up is a MemoryError, not a dead machine.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fuzz import properties

CRASHES = Path(__file__).resolve().parent / "crashes"
ALARM_SECONDS = 30  # per input; properties already fail past 10 s, this catches a real hang
SLICE_SECONDS = 1.0


class Hang(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise Hang(f"no answer within {ALARM_SECONDS} s")


# --- generators -----------------------------------------------------------------------------------

SCHEMES = ["https", "http", "HTTPS", "Http", "ws", "wss", "ftp", "javascript", "null", "", "chrome-extension"]
LABELS = ["app", "example", "com", "github", "io", "xn--bcher-kva", "bücher", "co", "uk", "*", "", "a" * 70]
FULLWIDTH_EXAMPLE = "\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45"
LABELS += [
    "localhost",
    "127",
    "0",
    "1",
    "255",
    "[::1]",
    "[0:0::1]",
    "[fe80::1%25eth0]",
    "0x7f",
    FULLWIDTH_EXAMPLE,
]
TAILS = ["", "", "", "/", "/path", "?q=1", "#frag", ":", ":443", ":80", ":0080", ":99999", ":abc", "."]
TAILS += [":\u00b2", ":\u0669\u0669", ":" + "9" * 5000, ":" + "0" * 30 + "1"]  # digits to isdigit, not int
NOISE = " \t\n\r\x00\x7f\u200b\u202e@%:/[]*.\\\"'"


def random_origin(rng: random.Random) -> str:
    host = ".".join(rng.choice(LABELS) for _ in range(rng.randint(1, 4)))
    text = f"{rng.choice(SCHEMES)}{rng.choice(['://', '://', ':/', '//', ''])}{host}{rng.choice(TAILS)}"
    if rng.random() < 0.3:
        at = rng.randint(0, len(text))
        text = text[:at] + rng.choice(NOISE) + text[at:]
    if rng.random() < 0.1:
        text = "".join(chr(rng.randint(0, 0x2FF)) for _ in range(rng.randint(0, 30)))
    return text


ATOMS = ["a", "b", "x", ".", "-", ":", "/", "\\.", "\\d", "\\w", "\\s", "\\b", "\\W", "[a-z]", "[^.]", "[a-]"]
ATOMS += ["[.]", "https", "://", "example", "\\.com", "^", "$", "\\A", "\\Z", "(?i)", "[0-9]", "\\-", "\\/"]
QUANTIFIERS = ["", "", "", "?", "*", "+", "{2}", "{1,3}", "{0,}", "*?", "+?", "{2,}?"]


def random_regex(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.2 and depth < 3:
            inner = "|".join(random_regex(rng, depth + 1) for _ in range(rng.randint(1, 3)))
            atom = rng.choice(["(", "(?:", "(?P<g>" if depth == 0 else "("]) + inner + ")"
        elif roll < 0.25:
            atom = rng.choice(NOISE + "()[]{}+*?|")  # often does not compile: the analysis must say so
        else:
            atom = rng.choice(ATOMS)
        parts.append(atom + rng.choice(QUANTIFIERS))
    return "".join(parts)


PROBE_PIECES = [
    "a",
    "b",
    "x",
    ".",
    "-",
    ":",
    "/",
    "https://",
    "http://",
    "example",
    ".com",
    "1",
    "\n",
    "A",
    "_",
]


def probes(rng: random.Random) -> list[str]:
    return ["".join(rng.choice(PROBE_PIECES) for _ in range(rng.randint(0, 6))) for _ in range(12)]


TOKENS = [
    b"{",
    b"}",
    b";",
    b"[",
    b"]",
    b":",
    b"- ",
    b"&a ",
    b"*a",
    b"<<: *a",
    b"!!python/object:os.system",
    b"!tag",
    b"\t",
    b"\r\n",
    b"\r",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\xfe\xff",
    b"\\",
    b'"',
    b"'",
    b"#",
    b"---\n",
    b"include *.conf;",
    b"include ../../etc/passwd;",
    b"$http_origin",
    b"~*",
    b"if (",
    b"map $http_origin $o {",
    b"add_header Access-Control-Allow-Origin ",
    b"${",
    b"}}",
    b"{{ .Values.x }}",
    b"origin: ",
    b"regex: ",
    b'"origin": ',
    b"https://*.github.io",
    b"null",
    b"*",
    b"1e999999",
    b"9" * 5000,
    b"[" * 200,
    b"a" * 70000,
    b"\x1b[31m",
    b"\x1b]0;title\x07",
    b"::error::x",
    b"%0A",
    b"\xe2\x80\xae",
    b"\xed\xa0\x80",
    b"\n" * 50,
    *(
        b"\xc2\xb2",
        b".inf",
        b".nan",
        b"-1",
        b"0x1F",
        b"1_000",
        b"2001-12-14",
        b"~",
        b"? ",
        b"|\n  ",
        b">-\n  ",
    ),
    *(b'set $a "$a$a";\n' * 8, b"${http_origin}" * 64, b'set $cors "${cors}x";\n'),
]


def mutate(rng: random.Random, data: bytes, others: list[bytes]) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(buffer))
        roll = rng.random()
        if roll < 0.2 and buffer:
            buffer[min(at, len(buffer) - 1)] = rng.randint(0, 255)
        elif roll < 0.45:
            buffer[at:at] = rng.choice(TOKENS)
        elif roll < 0.6:
            del buffer[at : at + rng.randint(1, 64)]
        elif roll < 0.7:
            piece = buffer[at : at + rng.randint(1, 200)]
            buffer[at:at] = piece * rng.randint(1, 20)
        elif roll < 0.8:
            other = rng.choice(others)
            start = rng.randint(0, len(other))
            buffer[at:at] = other[start : start + rng.randint(1, 400)]
        elif roll < 0.9:
            del buffer[at:]
        else:
            buffer[at:at] = bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 16)))
    return bytes(buffer)


def random_file(rng: random.Random, seeds: list[bytes]) -> bytes:
    if rng.random() < 0.05:
        return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 2000)))
    return mutate(rng, rng.choice(seeds), seeds)


# --- the run ----------------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    one: Callable[[random.Random], tuple[str, Callable[[], object]]]  # -> (input as text, the check)
    inputs: int = 0
    failures: int = 0
    compared: int = 0  # regex: texts where the automaton was compared with CPython
    slowest: float = 0.0
    slowest_input: str = ""


def _file_target(format_name: str) -> Target:
    seeds = properties.seeds(format_name)

    def one(rng: random.Random) -> tuple[str, Callable[[], object]]:
        data = random_file(rng, seeds)
        forced = rng.random() < 0.5

        def check() -> None:
            properties.file_holds(format_name, data, forced)
            properties.fast_readers_agree(format_name, data)

        return repr(data), check

    return Target(f"file:{format_name}", one)


def _origin_target() -> Target:
    def one(rng: random.Random) -> tuple[str, Callable[[], object]]:
        raw = random_origin(rng)
        return repr(raw), lambda: properties.origin_holds(raw)

    return Target("origin", one)


def _regex_target() -> Target:
    target = Target("regex", lambda rng: ("", lambda: None))

    def one(rng: random.Random) -> tuple[str, Callable[[], object]]:
        pattern, texts = random_regex(rng), probes(rng)

        def check() -> None:
            target.compared += properties.regex_holds(pattern, texts)

        return repr((pattern, texts)), check

    target.one = one
    return target


def _save(target: Target, shown: str, error: BaseException) -> Path:
    CRASHES.mkdir(exist_ok=True)
    digest = hashlib.sha256(shown.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    path = CRASHES / f"{target.name.replace(':', '-')}-{digest}.txt"
    trace = "".join(traceback.format_exception(error))
    path.write_text(f"input: {shown}\n\n{trace}", encoding="utf-8", errors="backslashreplace")
    return path


def run(minutes: float, seed: int, only: list[str] | None) -> list[Target]:
    targets = [_origin_target(), _regex_target()]
    targets += [_file_target(name) for name in properties.FORMAT_FILES]
    if only:
        targets = [t for t in targets if any(t.name.startswith(o) or t.name.endswith(o) for o in only)]
    rngs = {t.name: random.Random(f"{seed}:{t.name}") for t in targets}
    signal.signal(signal.SIGALRM, _alarm)
    end = time.monotonic() + minutes * 60
    last_report = time.monotonic()
    while time.monotonic() < end:
        for target in targets:
            slice_end = min(time.monotonic() + SLICE_SECONDS, end)
            while time.monotonic() < slice_end:
                shown, check = target.one(rngs[target.name])
                started = time.perf_counter()
                signal.alarm(ALARM_SECONDS)
                try:
                    check()
                except (Exception, Hang) as error:
                    target.failures += 1
                    print(f"FAIL {target.name}: {error!r:.200} -> {_save(target, shown, error)}", flush=True)
                finally:
                    signal.alarm(0)
                target.inputs += 1
                took = time.perf_counter() - started
                if took > target.slowest:
                    target.slowest, target.slowest_input = took, shown
        if time.monotonic() - last_report > 60:
            last_report = time.monotonic()
            done = sum(t.inputs for t in targets)
            print(f"{(minutes * 60 - (end - last_report)) / 60:.0f} min: {done:,} inputs", flush=True)
    return targets


def table(targets: list[Target], minutes: float, seed: int) -> str:
    rows = ["| target | inputs | failures | slowest input |", "|---|---|---|---|"]
    for t in targets:
        extra = f" ({t.compared:,} texts compared with `re`)" if t.compared else ""
        rows.append(f"| {t.name} | {t.inputs:,}{extra} | {t.failures} | {t.slowest:.2f} s |")
    total = sum(t.inputs for t in targets)
    failures = sum(t.failures for t in targets)
    rows.append(f"| **all** | **{total:,}** | **{failures}** | |")
    slowest = max(targets, key=lambda t: t.slowest)
    rows.append(f"\nslowest input ({slowest.name}, {slowest.slowest:.2f} s): {slowest.slowest_input:.300}")
    return f"fuzz run: {minutes:g} min, seed {seed}\n\n" + "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="*", help="targets by name: origin, regex, nginx, file:policy ...")
    parser.add_argument("--memory-mib", type=int, default=4096, help="address-space cap for this process")
    args = parser.parse_args()
    cap = args.memory_mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    targets = run(args.minutes, args.seed, args.only)
    print(table(targets, args.minutes, args.seed))
    return 1 if any(t.failures for t in targets) else 0


if __name__ == "__main__":
    sys.exit(main())
