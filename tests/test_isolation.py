"""A check touches nothing but the files it reads: no network, no other program, no object built from
YAML tags, and `--fix` writes the files it was given and nothing else.

The strongest of these run the real CLI in a child process under an audit hook (PEP 578): CPython
reports every socket, process start, file opened for writing, rename and removal to it, in the
worker processes of `--jobs` too, so the test sees what the tool did, not what we mocked."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, check_json, run_cli, write

AUDITED = """
import json, os, sys
log = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
OUTSIDE = ("socket.", "subprocess.", "os.exec", "os.posix_spawn", "os.spawn", "os.system", "os.startfile",
           "urllib.", "http.", "ftplib.", "smtplib.", "ctypes.", "webbrowser.", "pty.")
CHANGES = ("os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.truncate", "os.utime",
           "shutil.rmtree", "shutil.copyfile", "shutil.move")

def named(target, dir_fd=-1):
    if not isinstance(target, (str, bytes)):
        return repr(target)
    if dir_fd is not None and dir_fd >= 0:  # relative to an open folder (the cache writes so)
        return os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), os.fsdecode(target))
    return os.path.abspath(os.fsdecode(target))

def hook(event, args):
    if event.startswith(OUTSIDE):
        record = [event, repr(args)[:300]]
    elif event == "open" and not isinstance(args[0], int) and args[2] & WRITE:  # an int: os.fdopen
        # the event does not carry `dir_fd`: a relative name is one opened in a folder's descriptor
        relative = isinstance(args[0], (str, bytes)) and not os.path.isabs(os.fsdecode(args[0]))
        record = ["write-at", os.fsdecode(args[0])] if relative else ["write", named(args[0])]
    elif event in ("os.rename", "os.replace"):
        record = ["write", named(args[1], args[3])]
        if args[2] >= 0:  # renamed from inside an open folder: say which file
            record.append(named(args[0], args[2]))
    elif event in ("os.link", "os.symlink"):
        record = ["write", named(args[1])]
    elif event == "os.mkdir":
        record = [event, named(args[0], args[2])]
    elif event in CHANGES:
        record = [event, named(args[0])]
    else:
        return
    os.write(log, (json.dumps(record) + "\\n").encode())  # os.write is not audited: no recursion

sys.addaudithook(hook)
sys.argv = ["origins-lint", *sys.argv[2:]]
from origins_lint.cli import main
main()
"""


def audited(tmp_path: Path, *args: str, cwd: Path) -> tuple[int, list[list[str]]]:
    """Run the CLI in a child process under the audit hook: (exit code, what it did)."""
    script = tmp_path / "audited.py"
    script.write_text(AUDITED, encoding="utf-8")
    log = tmp_path / "audit.log"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run(
        [sys.executable, str(script), str(log), *args], cwd=cwd, env=env, capture_output=True, check=False
    )
    assert "Traceback" not in done.stderr.decode(), done.stderr.decode()
    records = [json.loads(line) for line in log.read_text("utf-8").splitlines()] if log.exists() else []
    return done.returncode, records


def test_no_socket_is_opened_in_process(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []

    class NoSocket(socket.socket):
        def __init__(self, *args: object, **kwargs: object) -> None:
            opened.append(args)
            raise OSError("origins-lint must not open a socket")

    def no_lookup(*args: object, **kwargs: object) -> object:
        opened.append(args)
        raise OSError("origins-lint must not resolve a name")

    monkeypatch.setattr(socket, "socket", NoSocket)
    monkeypatch.setattr(socket, "create_connection", no_lookup)
    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    result = check_json(
        ROOT / "examples", ROOT / "tests" / "fixtures", extra=("--skip-unknown", "--jobs", "1")
    )
    assert result.exit_code == 1
    read = {f["format"] for f in result.findings}
    # every format was read; "unknown" is the OL003 of a file nginx would load that is not nginx
    # (tests/fixtures/nginx/files/debian-etc-nginx/sites-available/NOTES.md, issue 17), said
    # even with --skip-unknown
    assert len(read - {"unknown"}) == 10 and "unknown" in read
    assert opened == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_check_opens_no_socket_starts_no_program_and_writes_only_its_cache(
    tmp_path: Path, jobs: str
) -> None:
    tree = tmp_path / "tree"
    subprocess.run(["cp", "-r", str(ROOT / "examples"), str(tree)], check=True)
    code, records = audited(tmp_path, "check", "--jobs", jobs, ".", cwd=tree)
    assert code == 1
    outside = [r for r in records if r[0] not in ("write", "write-at", *_CHANGES)]
    assert outside == []
    cache = str(tree / ".origins-lint-cache")
    key = str(tmp_path / "xdg")
    changed = {r[1] for r in records if r[0] != "write-at"}
    assert changed and all(path.startswith((cache, key)) for path in changed), changed
    # the cache creates each file in its opened folder, then renames it over its name there
    renamed_from = {r[2] for r in records if r[0] == "write" and len(r) > 2}
    made_at = {r[1] for r in records if r[0] == "write-at"}
    assert made_at and {os.path.join(cache, name) for name in made_at} <= renamed_from


_CHANGES = ("os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.truncate", "os.utime")

FIXABLE = "version: 1\norigins:\n  - origin: HTTPS://App.Example.com:443\n"


def test_fix_writes_only_the_files_it_was_given(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    for name in ("given.origins.yaml", "other.origins.yaml", "sub/also.origins.yaml"):
        write(tree, name, FIXABLE)
    code, records = audited(tmp_path, "check", "--fix", "--no-cache", "given.origins.yaml", cwd=tree)
    assert code == 0
    given = str(tree / "given.origins.yaml")
    assert (tree / "given.origins.yaml").read_text("utf-8").endswith("https://app.example.com\n")
    assert (tree / "other.origins.yaml").read_text("utf-8") == FIXABLE
    assert (tree / "sub" / "also.origins.yaml").read_text("utf-8") == FIXABLE
    written = [r for r in records if r[0] == "write"]
    # the temporary file beside the target, then the rename over it
    assert [Path(p).name.startswith(".given.origins.yaml.") for _, p in written[:-1]] == [True]
    assert written[-1] == ["write", given]
    assert [r for r in records if r[0] != "write"] == [["os.chmod", written[0][1]]]


def test_fix_never_follows_a_walk_out_of_the_tree(project: Path) -> None:
    outside = project.parent / f"{project.name}-outside.origins.yaml"
    outside.write_text(FIXABLE, encoding="utf-8")
    (project / "linked.origins.yaml").symlink_to(outside)
    write(project, "inside.origins.yaml", FIXABLE)
    result = run_cli("check", "--fix", ".")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert outside.read_text("utf-8") == FIXABLE
    assert (project / "inside.origins.yaml").read_text("utf-8").endswith("https://app.example.com\n")


PAYLOAD = "!!python/object/apply:os.system ['touch {marker}']"
YAML_FORMATS = {
    "policy.origins.yaml": "version: 1\nx-evil: {payload}\norigins:\n  - origin: https://a.example.com\n",
    "ingress.yaml": (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: x\n  annotations:\n"
        "    nginx.ingress.kubernetes.io/enable-cors: {payload}\nspec: {{}}\n"
    ),
    "vs.yaml": (
        "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata:\n  name: x\n"
        "spec:\n  http:\n    - corsPolicy:\n        allowOrigins:\n          - exact: {payload}\n"
    ),
    "envoy.yaml": (
        "static_resources:\n  listeners: []\n  clusters: []\n"
        "  x: {payload}\n  cors: {{allow_origin_string_match: [{{exact: 'https://a.example.com'}}]}}\n"
    ),
    "traefik.yml": (
        "http:\n  middlewares:\n    cors:\n      headers:\n"
        "        accessControlAllowOriginList:\n          - {payload}\n"
    ),
    "application.yml": (
        "spring:\n  cloud:\n    gateway:\n      globalcors:\n        cors-configurations:\n"
        "          '[/**]':\n            allowedOrigins:\n              - {payload}\n"
    ),
}


@pytest.mark.parametrize("name", sorted(YAML_FORMATS))
def test_python_tags_are_never_constructed_in_any_yaml_format(project: Path, name: str) -> None:
    marker = project / "pwned"
    write(project, name, YAML_FORMATS[name].format(payload=PAYLOAD.format(marker=marker)))
    result = check_json(name)
    assert not marker.exists()
    assert "Traceback" not in result.stdout + result.stderr
    tagged = [f for f in result.findings if "never constructs objects" in f["message"]]
    assert [f["code"] for f in tagged] == ["OL002"], result.findings
