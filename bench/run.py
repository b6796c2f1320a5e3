"""The benchmark: origins-lint against each format's parse floor, against gixy-next, and itself.

    python bench/run.py [--runs 5] [--files 2000] [--only formats gixy cold jobs cache scaling]
    python bench/run.py --scale [--runs 3]        # Okta 50k/200k, a 2.4 MB .tf, 20,000 mixed files
    python bench/run.py --compare-with REV        # findings of REV and of this tree, byte for byte

Built so that it cannot flatter us on a shared machine:
- the commands compared in a row run alternately within one run (A B A B ...), never minutes
  apart, and each ratio is the median of the ratios of the pairs run back to back;
- every process is timed whole (interpreter start and exit included), with bytecode caches in
  place as an installed tool has them, and the result cache off (`--no-cache`) except where the
  cache is what is measured;
- it is this tree's package that runs (`PYTHONPATH`), through the installed `origins-lint` entry
  point when there is one, whatever else the virtualenv has installed;
- each process's wall and CPU time come from `os.wait4` (its rusage alone, with its workers');
  its peak RSS from one more run under GNU `/usr/bin/time` (Debian's `time` package), the largest
  single process: a child spawned from this script starts with this script's own peak in its
  `ru_maxrss` (the kernel carries it across exec), which once showed 283 MiB for every command;
- every origin-lint run must exit 0 or 1, print the same bytes each time, and report real
  findings: at least one from a rule, and no OL001 (a file too large or unreadable is not a
  result); `max-file-size` is raised for the corpora past the default.
Figures are min / median / max of `--runs`; wall and CPU are both given, because a loaded
machine stretches wall time but not CPU time. The corpus is generated (seeded) on first use;
gixy-next (a public package) is installed in its own virtualenv (`bench/.venv-gixy`).
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import io
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from floors import floor_name  # noqa: E402
from gen import big_terraform, generate  # noqa: E402

GIXY = "gixy-next==0.9.0"
FORMATS = ("nginx", "policy", "okta", "terraform", "ingress", "istio", "envoy", "traefik", "spring")
ORIGIN_GROUPS = ("OL2", "OL3", "OL4")  # rules about which origins are trusted (what gixy's `origins` checks)
SCALING = (500, 2000, 8000)
PROBLEMS = ("OL001", "OL002", "OL003", "OL004")  # what the input was, not what a rule found
# the exports and the big .tf are past the default 10 MiB, and the .tf's Okta resources past the
# 512 Ki characters python-hcl2 is given by default (issue 19's bound)
BIG_FILES = "max-file-size = 1073741824\nmax-hcl-size = 1073741824\n"
SCALE_OKTA = (50_000, 200_000)
SCALE_TF_BYTES = 2_400_000
SCALE_MIXED_FILES = 20_000


@dataclass(frozen=True)
class Command:
    label: str
    argv: tuple[str, ...]
    lint: bool = False  # an origins-lint run: its JSON output is checked and must not change
    cwd: Path | None = None
    package: Path = ROOT  # the origins_lint tree that runs


TIME = Path("/usr/bin/time")


@dataclass
class Sample:
    wall: float
    cpu: float  # user + system, the process and the workers it waited for


@dataclass
class Measured:
    command: Command
    samples: list[Sample] = field(default_factory=list)
    output: bytes | None = None  # a lint run's stdout (the same every run)
    rss: float | None = None  # MiB, peak of the largest single process (None: no /usr/bin/time)

    def stat(self, name: str) -> tuple[float, float, float]:
        values = [getattr(s, name) for s in self.samples]
        return min(values), statistics.median(values), max(values)

    def cell(self) -> str:
        low, mid, high = self.stat("wall")
        memory = "RSS n/a" if self.rss is None else f"{self.rss:.0f} MiB"
        return f"{mid:.3f} s ({low:.3f}-{high:.3f}), CPU {self.stat('cpu')[1]:.3f} s, {memory}"


def lint_argv() -> tuple[str, ...]:
    script = Path(sys.executable).parent / "origins-lint"
    return (str(script),) if script.exists() else (sys.executable, "-m", "origins_lint")


def env_for(package: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join([str(package), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def run_once(command: Command) -> tuple[Sample, bytes]:
    """One whole process, its output to files (a pipe left unread would stall it)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            command.argv, stdout=out, stderr=err, cwd=command.cwd, env=env_for(command.package)
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if code not in (0, 1):
        raise SystemExit(
            f"{command.label}: `{' '.join(command.argv)}` exited {code}: {stderr.decode()[-2000:]}"
        )
    return Sample(wall, usage.ru_utime + usage.ru_stime), stdout


def peak_rss(command: Command) -> float | None:
    """MiB, as GNU time sees its own child: nothing of this script's memory in it."""
    if not TIME.exists():
        return None
    with tempfile.NamedTemporaryFile(mode="r", suffix=".rss") as report:
        subprocess.run(
            [str(TIME), "-f", "%M", "-o", report.name, *command.argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=command.cwd,
            env=env_for(command.package),
            check=False,
        )
        return int(report.read().split()[-1]) / 1024


def real_findings(label: str, stdout: bytes) -> None:
    """A run that only says a file was too large or unreadable measured nothing."""
    data = json.loads(stdout)
    rows = data["findings"] if isinstance(data, dict) else data
    codes = [str(row["code"]) for row in rows]
    if "OL001" in codes:
        raise SystemExit(f"{label}: OL001 in the output: raise max-file-size or fix the corpus")
    if not any(code not in PROBLEMS for code in codes):
        raise SystemExit(f"{label}: no finding from a rule: the run measured nothing")


def alternate(commands: Sequence[Command], runs: int) -> list[Measured]:
    """Run the commands in turn, `runs` rounds (A B A B ...), each checked."""
    results = [Measured(command) for command in commands]
    for _ in range(runs):
        for result in results:
            sample, stdout = run_once(result.command)
            result.samples.append(sample)
            if result.command.lint:
                if result.output is None:
                    real_findings(result.command.label, stdout)
                    result.output = stdout
                elif stdout != result.output:
                    raise SystemExit(f"{result.command.label}: the output changed between runs")
    for result in results:
        result.rss = peak_rss(result.command)
    return results


def ratio(ours: Measured, other: Measured) -> str:
    """Median (min-max) of the wall ratios of the pairs run back to back; CPU and RSS ratios of medians."""
    pairs = [a.wall / b.wall for a, b in zip(ours.samples, other.samples, strict=True)]
    memory = "" if ours.rss is None or other.rss is None else f", RSS {ours.rss / other.rss:.2f}x"
    return (
        f"{statistics.median(pairs):.2f}x ({min(pairs):.2f}-{max(pairs):.2f}), "
        f"CPU {ours.stat('cpu')[1] / other.stat('cpu')[1]:.2f}x{memory}"
    )


def rss_exponent(small: Measured, large: Measured, growth: float) -> str:
    if small.rss is None or large.rss is None:
        return ""
    return f", RSS {math.log(large.rss / small.rss) / growth:.2f}"


def row(what: str, ours: Measured, other: Measured, other_name: str, target: str) -> str:
    return f"| {what} | {ours.cell()} | {other_name} {other.cell()} | {ratio(ours, other)} | {target} |"


def corpus(root: Path, files: int, okta_entries: int) -> Path:
    """Generated once per size; the generator's source is part of the key, so an edit regenerates."""
    stamp = f"{files}-{okta_entries}-{hashlib.sha256((HERE / 'gen.py').read_bytes()).hexdigest()[:16]}"
    folder = root / f"corpus-{files}-{okta_entries}"
    if (folder / ".stamp").exists() and (folder / ".stamp").read_text(encoding="utf-8") == stamp:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    generate(folder, files, okta_entries, seed=7)
    (folder / ".stamp").write_text(stamp, encoding="utf-8")
    return folder


def nginx_only(root: Path, files: int) -> Path:
    return corpus_only(root, files, "nginx") / "nginx"


def corpus_only(root: Path, files: int, only: str, okta_entries: int = 0) -> Path:
    stamp = f"{files}-{okta_entries}-{hashlib.sha256((HERE / 'gen.py').read_bytes()).hexdigest()[:16]}"
    folder = root / f"{only}-{files}-{okta_entries}"
    if not ((folder / ".stamp").exists() and (folder / ".stamp").read_text(encoding="utf-8") == stamp):
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, files, okta_entries, seed=11, only=(only,))
        (folder / ".stamp").write_text(stamp, encoding="utf-8")
    return folder


def big_tf(root: Path) -> Path:
    path = root / f"terraform-{SCALE_TF_BYTES}" / "main.tf"
    if not path.exists():
        big_terraform(path, SCALE_TF_BYTES, seed=7)
    return path


def gixy_venv(root: Path) -> Path:
    venv = root / ".venv-gixy"
    gixy = venv / "bin" / "gixy"
    if not gixy.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", GIXY], check=True)
    return gixy


def planted_found(stdout: bytes, planted: dict[str, bool], base: Path, keep: str) -> tuple[int, int]:
    """(planted risky files flagged, clean files flagged), counting only findings about trusted origins."""
    data = json.loads(stdout)
    flagged = set()
    for item in data["findings"] if isinstance(data, dict) else data:
        tag = str(item.get("code") or item.get("plugin"))
        if tag.startswith(ORIGIN_GROUPS) or tag == keep:
            flagged.add(
                Path(str(item.get("path") or item.get("file"))).resolve().relative_to(base).as_posix()
            )
    return sum(planted[f] for f in flagged), sum(not planted[f] for f in flagged)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.runs: int = args.runs
        self.lines: list[str] = []
        args.corpus.mkdir(parents=True, exist_ok=True)
        self.big = args.corpus / "big-files.toml"
        self.big.write_text(BIG_FILES, encoding="utf-8")

    def say(self, line: str) -> None:
        self.lines.append(line)
        print(line, file=sys.stderr, flush=True)

    def check(self, label: str, *paths: str | Path, jobs: str | None = "1", big: bool = False) -> Command:
        argv = [*lint_argv(), "check", "-f", "json", "--no-cache"]
        argv += ["--config", str(self.big)] if big else []
        argv += ["--jobs", jobs] if jobs else []
        return Command(label, (*argv, *map(str, paths)), lint=True)

    @staticmethod
    def floor(fmt: str, path: str | Path) -> Command:
        return Command(f"{floor_name(fmt)} {fmt}", (sys.executable, str(HERE / "floors.py"), fmt, str(path)))

    # the sections of an ordinary run

    def formats(self, data: Path) -> None:
        for fmt in (*FORMATS, "okta-export"):
            folder = data / fmt
            if fmt == "okta-export":
                floor, one = alternate(
                    [self.floor(fmt, folder), self.check(fmt, folder, big=True)], self.runs
                )
                what = f"Okta export of {self.args.okta_entries:,} origins, one file"
                self.say(row(what, one, floor, floor_name(fmt), "<= 5x, RSS <= 1.3x"))
                continue
            floor, one, auto = alternate(
                [
                    self.floor(fmt, folder),
                    self.check(fmt, folder),
                    self.check(f"{fmt} auto", folder, jobs=None),
                ],
                self.runs,
            )
            target = {"nginx": "<= 4x", "policy": "<= 3x"}.get(fmt, "")
            name = f"{fmt}, {self.args.files:,} files"
            self.say(row(f"{name}, `--jobs 1`", one, floor, floor_name(fmt), target))
            self.say(row(f"{name}, default jobs", auto, floor, floor_name(fmt), ""))

    def gixy(self, data: Path) -> None:
        gixy = gixy_venv(self.args.corpus)
        folder = data / "nginx"
        files = sorted(str(p) for p in folder.rglob("*.conf"))
        theirs, one, auto = alternate(
            [
                Command("gixy", (str(gixy), "-f", "json", *files)),
                self.check("nginx", folder),
                self.check("nginx auto", folder, jobs=None),
            ],
            self.runs,
        )
        for jobs, ours in (("`--jobs 1`", one), ("default jobs", auto)):
            self.say(row(f"nginx vs {GIXY}, {jobs}", ours, theirs, "gixy", ">= 2x faster (<= 0.5x)"))
        planted = json.loads((data / "planted.json").read_text(encoding="utf-8"))
        _sample, gixy_out = run_once(Command("gixy", (str(gixy), "-f", "json", *files)))
        assert one.output is not None
        ours_found = planted_found(one.output, planted, folder.resolve(), "")
        theirs_found = planted_found(gixy_out, planted, folder.resolve(), "origins")
        self.say(
            f"| nginx, planted risky files flagged (clean files flagged), of {sum(planted.values())} | "
            f"{ours_found[0]} ({ours_found[1]}) | gixy {theirs_found[0]} ({theirs_found[1]}) | | >= gixy |"
        )

    def cold(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            one = Path(tmp) / "one.origins.yaml"
            one.write_text("origins:\n  - origin: http://app.example.com\n", encoding="utf-8")
            bare, cold = alternate(
                [
                    Command("python -c pass", (sys.executable, "-c", "pass")),
                    self.check("cold", one, jobs=None),
                ],
                max(self.runs * 4, 20),
            )
            self.say(row("cold start, one small policy file", cold, bare, "`python -c pass`", "<= 5x"))

    def jobs(self, data: Path) -> None:
        for fmt in ("nginx", "policy"):
            folder = data / fmt
            one, two = alternate(
                [self.check(fmt, folder), self.check(f"{fmt} 2", folder, jobs="2")], self.runs
            )
            same = "same bytes" if one.output == two.output else "output DIFFERENT"
            self.say(
                row(
                    f"`--jobs 2` vs `--jobs 1`, {fmt} {self.args.files:,} files ({same})",
                    two,
                    one,
                    "`--jobs 1`",
                    "<= 0.59x (>= 1.7x faster)",
                )
            )

    def cache(self, data: Path) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / "tree"
            shutil.copytree(data / "nginx", tree / "nginx")
            shutil.copytree(data / "policy", tree / "policy")
            argv = (*lint_argv(), "check", "-f", "json", str(tree))
            first, second = (Measured(Command(name, argv, cwd=Path(tmp))) for name in ("first", "second"))
            # the cache lives at the checked tree's root (no git here: the checked folder itself)
            stored = tree / ".origins-lint-cache"
            for _ in range(self.runs):
                shutil.rmtree(stored, ignore_errors=True)
                for result in (first, second):
                    sample, result.output = run_once(result.command)
                    result.samples.append(sample)
            second.rss = peak_rss(second.command)
            shutil.rmtree(stored, ignore_errors=True)
            first.rss = peak_rss(first.command)
            _s, uncached = run_once(Command("uncached", (*argv[:-1], "--no-cache", str(tree)), cwd=Path(tmp)))
            same = "same bytes" if first.output == second.output == uncached else "output DIFFERENT"
            what = f"cache: second run over an unchanged tree of {2 * self.args.files:,} files ({same})"
            self.say(row(what, second, first, "first run", "<= 0.25x"))

    def scaling(self) -> None:
        commands = [self.check(f"nginx {n}", nginx_only(self.args.corpus, n)) for n in SCALING]
        results = dict(zip(SCALING, alternate(commands, self.runs), strict=True))
        small, mid, large = (results[n] for n in SCALING)
        self.say(
            row(
                f"scaling, nginx `--jobs 1`, {SCALING[2]:,} files vs {SCALING[1]:,}",
                large,
                mid,
                f"{SCALING[1]:,} files",
                "<= 4.3x",
            )
        )
        self.say(
            row(
                f"scaling, nginx `--jobs 1`, {SCALING[1]:,} files vs {SCALING[0]:,}",
                mid,
                small,
                f"{SCALING[0]:,} files",
                "<= 4.3x",
            )
        )

    # --scale

    def scale(self) -> None:
        root = self.args.corpus
        exports = {n: corpus_only(root, 0, "okta-export", n) / "okta-export" for n in SCALE_OKTA}
        commands = []
        for n, folder in exports.items():
            commands += [self.floor("okta-export", folder), self.check(f"okta {n}", folder, big=True)]
        measured = alternate(commands, self.runs)
        by_size = {n: (measured[2 * i], measured[2 * i + 1]) for i, n in enumerate(SCALE_OKTA)}
        for n, (floor, ours) in by_size.items():
            self.say(row(f"Okta export of {n:,} origins", ours, floor, "json.load", "<= 5x, RSS <= 1.3x"))
        (small_floor, small), (large_floor, large) = by_size.values()
        growth = math.log(SCALE_OKTA[1] / SCALE_OKTA[0])

        def exponent(result_small: Measured, result_large: Measured, name: str) -> str:
            return f"{math.log(result_large.stat(name)[1] / result_small.stat(name)[1]) / growth:.2f}"

        self.say(
            f"| Okta growth exponent, {SCALE_OKTA[0]:,} -> {SCALE_OKTA[1]:,} origins | wall "
            f"{exponent(small, large, 'wall')}, CPU {exponent(small, large, 'cpu')}"
            f"{rss_exponent(small, large, growth)} | json.load wall "
            f"{exponent(small_floor, large_floor, 'wall')}, CPU {exponent(small_floor, large_floor, 'cpu')} "
            "| | <= 1.1 |"
        )
        tf = big_tf(root)
        floor, ours = alternate(
            [self.floor("terraform", tf.parent), self.check("big .tf", tf, big=True)], self.runs
        )
        self.say(
            row(f"`.tf` of {tf.stat().st_size / 1e6:.1f} MB, one file", ours, floor, "hcl2.loads", "< 10 s")
        )
        per_format = -(-SCALE_MIXED_FILES // (len(FORMATS)))
        mixed = corpus(root, per_format, 0)
        floor, one, auto = alternate(
            [
                self.floor("mixed", mixed),
                self.check("mixed", mixed),
                self.check("mixed auto", mixed, jobs=None),
            ],
            self.runs,
        )
        what = f"{per_format * len(FORMATS):,} mixed files (every format)"
        self.say(row(f"{what}, `--jobs 1`", one, floor, floor_name("mixed"), ""))
        self.say(row(f"{what}, default jobs", auto, floor, floor_name("mixed"), ""))

    # --compare-with

    def compare(self, rev: str, targets: list[tuple[str, Path, bool]]) -> bool:
        """Each target's findings from `rev`'s package and from this tree's: the same bytes, or not."""
        with tempfile.TemporaryDirectory() as tmp:
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "origins_lint"],
                capture_output=True,
                check=True,
            ).stdout
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(tmp, filter="data")
            compileall.compile_dir(Path(tmp) / "origins_lint", quiet=1)
            same = True
            for label, path, big in targets:
                command = self.check(label, path, big=big)
                old_command = Command(f"{label} at {rev}", command.argv, lint=True, package=Path(tmp))
                _s, new = run_once(command)
                _s, old = run_once(old_command)
                verdict = "same bytes"
                if _findings(new) != _findings(old):
                    same = False
                    verdict = f"DIFFERENT: {_first_difference(_findings(old), _findings(new))}"
                elif new != old:
                    verdict = "same findings, other bytes differ (version?)"
                count = len(json.loads(new)["findings"])
                self.say(f"| findings of {label}, {rev} vs this tree | {count} findings | {verdict} |")
        return same


def _findings(stdout: bytes) -> str:
    data = json.loads(stdout)
    return json.dumps(data["findings"] if isinstance(data, dict) else data, indent=1, ensure_ascii=False)


def _first_difference(old: str, new: str) -> str:
    for number, (a, b) in enumerate(zip(old.splitlines(), new.splitlines(), strict=False), 1):
        if a != b:
            return f"line {number}: {a.strip()[:80]!r} -> {b.strip()[:80]!r}"
    return f"{len(old.splitlines())} lines -> {len(new.splitlines())} lines"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--runs", type=int, default=None, help="rounds of each comparison (default 5; 3 with --scale)"
    )
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--okta-entries", type=int, default=50_000)
    parser.add_argument("--corpus", type=Path, default=HERE / ".corpus")
    parser.add_argument("--skip-gixy", action="store_true", help="leave out the gixy-next comparison")
    parser.add_argument(
        "--only", nargs="*", default=[], help="sections: formats gixy cold jobs cache scaling"
    )
    parser.add_argument(
        "--scale", action="store_true", help="the big inputs instead of the ordinary sections"
    )
    parser.add_argument(
        "--compare-with", metavar="REV", help="compare findings with REV's package, then stop"
    )
    args = parser.parse_args()
    args.runs = args.runs or (3 if args.scale else 5)
    # time what an installed tool costs: bytecode caches written once here, not compiled per run
    compileall.compile_dir(ROOT / "origins_lint", quiet=1)
    bench = Bench(args)
    data = corpus(args.corpus, args.files, args.okta_entries)
    mode = "--scale, " if args.scale else ""
    bench.lines += [
        f"origins-lint benchmark ({mode}{args.files:,} files per format, {args.runs} alternating rounds, "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} at start)",
        "",
    ]
    if args.compare_with:
        bench.lines += ["| findings | this tree | verdict |", "|---|---|---|"]
        targets = [(fmt, data / fmt, fmt == "okta-export") for fmt in (*FORMATS, "okta-export")]
        targets.append(("examples", ROOT / "examples", False))
        if args.scale:
            targets += [
                (f"okta {n}", corpus_only(args.corpus, 0, "okta-export", n) / "okta-export", True)
                for n in SCALE_OKTA
            ]
            targets.append(("big .tf", big_tf(args.corpus), True))
        same = bench.compare(args.compare_with, targets)
        print("\n".join(bench.lines))
        raise SystemExit(0 if same else 1)
    bench.lines += [
        "| what | origins-lint: wall median (min-max), CPU median, peak RSS | against | ratio | target |",
        "|---|---|---|---|---|",
    ]
    if args.scale:
        bench.scale()
    else:
        wanted = set(args.only or ["formats", "gixy", "cold", "jobs", "cache", "scaling"])
        if "cold" in wanted:
            bench.cold()
        if "formats" in wanted:
            bench.formats(data)
        if "gixy" in wanted and not args.skip_gixy:
            bench.gixy(data)
        if "jobs" in wanted:
            bench.jobs(data)
        if "cache" in wanted:
            bench.cache(data)
        if "scaling" in wanted:
            bench.scaling()
    print("\n".join(bench.lines))


if __name__ == "__main__":
    main()
