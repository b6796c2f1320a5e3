"""`verify` against the real nginx on our nginx fixtures: each static finding, confirmed or not, and why.

`python -m tests.verify_nginx [FILES...]` prints the table and the counts the issue asks for.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from origins_lint.check import parse_files
from origins_lint.config import Config
from tests.conftest import FIXTURES, ROOT, run_cli
from tests.nginx_oracle import nginx_binary, stub_upstream
from tests.nginx_server import serving

# our nginx fixtures and examples; not the whole /etc/nginx copies (layout/, files/), nor templates
NGINX_FIXTURES = [
    *sorted((FIXTURES / "nginx").glob("*.conf")),
    *sorted((FIXTURES / "nginx" / "semantics").glob("*.conf")),
    *sorted((ROOT / "examples" / "nginx").glob("*.conf")),
]


@dataclass
class FileResult:
    path: Path
    refused: str | None = None
    static: list[dict[str, Any]] = field(default_factory=list)
    live: list[dict[str, Any]] = field(default_factory=list)
    stderr: str = ""  # verify's summary lines

    def outcome(self, finding: dict[str, Any]) -> tuple[str, str]:
        """("confirmed" | "not confirmed", the message) for one static finding, over every URL."""
        here = [
            f
            for f in self.live
            if (f["path"], f["line"], f["column"]) == (finding["path"], finding["line"], finding["column"])
            and f"{finding['code']} ({finding['slug']})" in f["message"]
        ]
        if finding["code"] == "OL602":
            vary = [
                f
                for f in self.live
                if f["code"] == "OL903" and (f["line"], f["column"]) == (finding["line"], finding["column"])
            ]
            if vary:
                return "confirmed", vary[0]["message"]
        for f in here:
            if f["code"] == "OL901":
                return "confirmed", f["message"]
        return "not confirmed", here[0]["message"] if here else "(no result)"

    @property
    def unexplained(self) -> list[dict[str, Any]]:
        """OL901 results not about a static finding: the server admits what no finding says."""
        return [
            f
            for f in self.live
            if f["code"] in ("OL901", "OL903")
            and not any((s["line"], s["column"]) == (f["line"], f["column"]) for s in self.static)
        ]


def request_paths(path: Path) -> list[str]:
    """The request paths the model knows for the file (`Document.paths`): each gets a page to serve."""
    parsed = parse_files([str(path)], Config(), None, [])
    known = (each for file in parsed for document in file.documents for each in document.paths)
    return list(dict.fromkeys(known))


def verify_file(path: Path, binary: str, stub: int, cwd: Path) -> FileResult:
    result = FileResult(path)
    checked = run_cli("check", "--output-format", "json", "--no-cache", str(path), cwd=cwd)
    assert checked.exit_code in (0, 1), checked.stdout + checked.stderr
    result.static = checked.findings
    with serving(path, binary, stub, request_paths(path)) as served:
        if served.refused is not None:
            result.refused = served.refused
            return result
        live = run_cli(
            "verify", "--output-format", "json", "--timeout", "5", *served.urls, "--from", str(path), cwd=cwd
        )
        assert live.exit_code in (0, 1), live.stdout + live.stderr
        result.live = live.findings
        result.stderr = live.stderr
    return result


def main(argv: list[str]) -> int:
    binary = nginx_binary()
    if binary is None:
        print("no nginx binary", file=sys.stderr)
        return 2
    paths = [Path(a).resolve() for a in argv] or NGINX_FIXTURES
    totals = {"findings": 0, "confirmed": 0, "not confirmed": 0}
    with tempfile.TemporaryDirectory() as cwd, stub_upstream() as stub:
        for path in paths:
            done = verify_file(path, binary, stub, Path(cwd))
            if done.refused:
                print(f"{path.name}: nginx refuses: {done.refused} ({len(done.static)} static findings)")
                continue
            for finding in done.static:
                verdict, message = done.outcome(finding)
                totals["findings"] += 1
                totals[verdict] += 1
                print(
                    f"{path.name}:{finding['line']}:{finding['column']} {finding['code']} {verdict}: "
                    f"{message[:300]}"
                )
            for extra in done.unexplained:
                print(
                    f"{path.name}:{extra['line']}:{extra['column']} EXTRA {extra['code']}: "
                    f"{extra['message'][:300]}"
                )
    print(totals)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
