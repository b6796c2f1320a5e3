"""The benchmark: origins-lint against each format's parse floor, against gixy-next, and itself.

    python bench/run.py [--runs 5] [--files 2000] [--corpus bench/.corpus] [--skip-gixy]

Everything runs as a whole process (interpreter start included) and is timed by wall clock;
each figure is the median of `--runs` runs, and every ratio in the table comes from this one
run of the script. The corpus is generated (seeded) on first use; gixy-next is installed in
its own virtualenv (`bench/.venv-gixy`) because it installs a module named `gixy`.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from floors import floor_name  # noqa: E402
from gen import generate  # noqa: E402

GIXY = "gixy-next==0.9.0"
FORMATS = ("nginx", "policy", "okta", "terraform", "ingress", "istio", "envoy", "traefik", "spring")
ORIGIN_GROUPS = ("OL2", "OL3", "OL4")  # rules about which origins are trusted (what gixy's `origins` checks)
SCALING = (500, 2000, 8000)


def lint_command() -> list[str]:
    script = Path(sys.executable).parent / "origins-lint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "origins_lint"]


def wall(command: Sequence[str], runs: int, cwd: str | Path | None = None) -> float:
    """Median wall time of a command, its output thrown away; it must exit 0 or 1 (findings)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd, check=False
        )
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-2000:]}")
    return statistics.median(times)


def peak_rss_mib(command: Sequence[str]) -> float:
    """The child's own peak resident set (os.wait4 reports that child's rusage alone)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, _status, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    return usage.ru_maxrss / 1024


def corpus(root: Path, files: int, okta_entries: int) -> Path:
    """Generated once per size; the generator's source is part of the key, so an edit regenerates."""
    stamp = f"{files}-{okta_entries}-{hashlib.sha256((HERE / 'gen.py').read_bytes()).hexdigest()[:16]}"
    folder = root / f"corpus-{files}"
    if (folder / ".stamp").read_text(encoding="utf-8") == stamp if (folder / ".stamp").exists() else False:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    generate(folder, files, okta_entries, seed=7)
    (folder / ".stamp").write_text(stamp, encoding="utf-8")
    return folder


def nginx_only(root: Path, files: int) -> Path:
    folder = root / f"nginx-{files}"
    if not (folder / "planted.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, files, 0, seed=11, only=("nginx",))
    return folder


def gixy_venv(root: Path) -> Path:
    venv = root / ".venv-gixy"
    gixy = venv / "bin" / "gixy"
    if not gixy.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", GIXY], check=True)
    return gixy


def findings(command: Sequence[str]) -> list[dict[str, object]]:
    done = subprocess.run(command, capture_output=True, check=False)
    data = json.loads(done.stdout)
    return list(data["findings"] if isinstance(data, dict) else data)


def planted_found(
    rows: list[dict[str, object]], planted: dict[str, bool], base: Path, keep: str
) -> tuple[int, int]:
    """(planted risky files flagged, clean files flagged), counting only findings about trusted origins."""
    flagged = set()
    for row in rows:
        tag = str(row.get("code") or row.get("plugin"))
        if tag.startswith(ORIGIN_GROUPS) or tag == keep:
            flagged.add(Path(str(row.get("path") or row.get("file"))).resolve().relative_to(base).as_posix())
    return sum(planted[f] for f in flagged), sum(not planted[f] for f in flagged)


def row(name: str, ours: float, other: float, other_name: str, target: str) -> str:
    return f"| {name} | {ours:.3f} s | {other_name} {other:.3f} s | {ours / other:.2f}x | {target} |"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--okta-entries", type=int, default=50_000)
    parser.add_argument("--corpus", type=Path, default=HERE / ".corpus")
    parser.add_argument("--skip-gixy", action="store_true", help="leave out the gixy-next comparison")
    parser.add_argument(
        "--only", nargs="*", default=[], help="sections: formats gixy cold memory jobs cache scaling"
    )
    args = parser.parse_args()
    # time what an installed tool costs: with bytecode caches, written once here, not compiled per run
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(HERE.parent / "origins_lint", quiet=1)
    runs, lint = args.runs, lint_command()
    wanted = set(args.only or ["formats", "gixy", "cold", "memory", "jobs", "cache", "scaling"])
    args.corpus.mkdir(parents=True, exist_ok=True)
    data = corpus(args.corpus, args.files, args.okta_entries)
    check = [*lint, "check", "-f", "json", "--no-cache"]
    # a 50,000-entry export is larger than the default 10 MiB limit on one file
    big = args.corpus / "big-files.toml"
    big.write_text("max-file-size = 268435456\n", encoding="utf-8")
    export_check = [*check, "--config", str(big)]
    lines = [
        f"origins-lint benchmark: {args.files} files per format, median of {runs} runs, "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "",
        "| what | origins-lint | against | ratio | target |",
        "|---|---|---|---|---|",
    ]

    def say(line: str) -> None:
        lines.append(line)
        print(line, file=sys.stderr, flush=True)

    if "formats" in wanted:
        for fmt in (*FORMATS, "okta-export"):
            folder = str(data / fmt)
            floor = wall([sys.executable, str(HERE / "floors.py"), fmt, folder], runs)
            one = wall([*(export_check if fmt == "okta-export" else check), "--jobs", "1", folder], runs)
            target = {"nginx": "<= 1.5x", "policy": "<= 1.5x", "okta-export": "<= 3x"}.get(fmt, "")
            name = "okta export, 1 file" if fmt == "okta-export" else f"{fmt}, {args.files} files"
            say(row(f"{name} (--jobs 1)", one, floor, floor_name(fmt), target))
            if fmt != "okta-export":
                auto = wall([*check, folder], runs)
                say(row(f"{name} (default jobs)", auto, floor, floor_name(fmt), ""))
    if "gixy" in wanted and not args.skip_gixy:
        gixy = gixy_venv(args.corpus)
        folder = data / "nginx"
        files = sorted(str(p) for p in folder.rglob("*.conf"))
        theirs = wall([str(gixy), "-f", "json", *files], runs)
        for jobs in ("1", "auto"):
            ours = wall([*check, *(["--jobs", jobs] if jobs == "1" else []), str(folder)], runs)
            say(
                f"| nginx vs gixy-next 0.9.0 (--jobs {jobs}) | {ours:.3f} s | gixy {theirs:.3f} s | "
                f"{theirs / ours:.1f}x faster | >= 5x faster |"
            )
        planted = json.loads((data / "planted.json").read_text(encoding="utf-8"))
        ours_found = planted_found(findings([*check, str(folder)]), planted, folder.resolve(), "")
        their_rows = findings([str(gixy), "-f", "json", *files])
        theirs_found = planted_found(their_rows, planted, folder.resolve(), "origins")
        total = sum(planted.values())
        say(
            f"| nginx findings about origins: planted risky files flagged (clean files flagged), of "
            f"{total} risky | {ours_found[0]} ({ours_found[1]}) | gixy {theirs_found[0]} ({theirs_found[1]}) "
            f"| | >= gixy |"
        )
    if "cold" in wanted:
        with tempfile.TemporaryDirectory() as tmp:
            one = Path(tmp) / "one.origins.yaml"
            one.write_text("origins:\n  - origin: https://app.example.com\n", encoding="utf-8")
            many = max(runs * 4, 20)
            bare = wall([sys.executable, "-c", "pass"], many)
            cold = wall([*lint, "check", "--no-cache", str(one)], many)
            say(row("cold start, one small policy file", cold, bare, "`python -c pass`", "<= 4x"))
    if "memory" in wanted:
        export = str(data / "okta-export")
        ours = peak_rss_mib([*export_check, export])
        floor = peak_rss_mib([sys.executable, str(HERE / "floors.py"), "okta-export", export])
        say(
            f"| peak RSS, Okta export of {args.okta_entries} origins | {ours:.0f} MiB | json.load "
            f"{floor:.0f} MiB | {ours / floor:.2f}x | <= 200 MiB |"
        )
    if "jobs" in wanted:
        for fmt in ("nginx", "policy"):
            folder = str(data / fmt)
            one = wall([*check, "--jobs", "1", folder], runs)
            two = wall([*check, "--jobs", "2", folder], runs)
            same = _output([*check, "--jobs", "1", folder]) == _output([*check, "--jobs", "2", folder])
            say(
                f"| --jobs 2 vs --jobs 1, {fmt} {args.files} files | {two:.3f} s | --jobs 1 {one:.3f} s | "
                f"{one / two:.2f}x faster, output {'identical' if same else 'DIFFERENT'} | >= 1.7x |"
            )
    if "cache" in wanted:
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / "tree"
            shutil.copytree(data / "nginx", tree / "nginx")
            shutil.copytree(data / "policy", tree / "policy")
            cached = [*lint, "check", "-f", "json", str(tree)]
            firsts, seconds = [], []
            for _ in range(runs):
                shutil.rmtree(Path(tmp) / ".origins-lint-cache", ignore_errors=True)
                firsts.append(wall(cached, 1, cwd=tmp))
                seconds.append(wall(cached, 1, cwd=tmp))
            first, second = statistics.median(firsts), statistics.median(seconds)
            same = _output(cached, cwd=tmp) == _output([*check, str(tree)], cwd=tmp)
            say(
                f"| cache: second run over an unchanged tree ({2 * args.files} files) | {second:.3f} s | "
                f"first run {first:.3f} s | {second / first:.2f}x, "
                f"output {'identical' if same else 'DIFFERENT'} | <= 0.25x |"
            )
    if "scaling" in wanted:
        times = {}
        for files in SCALING:
            folder = nginx_only(args.corpus, files)
            times[files] = wall([*check, "--jobs", "1", str(folder / "nginx")], runs)
        base = times[SCALING[1]]
        say(
            "| scaling, nginx --jobs 1: "
            + ", ".join(f"{n} files {t:.2f} s" for n, t in times.items())
            + f" | {times[SCALING[2]]:.2f} s | {SCALING[1]} files {base:.2f} s "
            f"| {times[SCALING[2]] / base:.2f}x | <= 4.3x |"
        )
    print("\n".join(lines))


def _output(command: Sequence[str], cwd: str | None = None) -> bytes:
    return subprocess.run(command, capture_output=True, cwd=cwd, check=False).stdout


if __name__ == "__main__":
    main()
