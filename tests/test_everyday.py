"""Issue 20: the habits ruff and yamllint users bring, each on the real command line.

A closed pipe, `.gitignore`, the options and outputs users expect, `-o` files, GitLab Code
Quality, SARIF fixes, statistics per severity, shell completion, the `formats` command and the
smaller repairs (OL003's message, unclaimed files, merge keys in policies).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import ROOT, check_json, run_cli, write

RISKY = """
version: 1
origins:
  - origin: http://partner.example.com
  - origin: https://*.example.com
"""
SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture(autouse=True)
def _not_in_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR")}
    return {**env, "PYTHONPATH": str(ROOT)}


def cli(*args: str, cwd: Path = ROOT, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """The real process, as a shell runs it."""
    return subprocess.run(
        [sys.executable, "-m", "origins_lint", *args],
        cwd=cwd,
        input=stdin.decode("utf-8") if stdin is not None else None,
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )


# --- 1. a closed pipe ------------------------------------------------------------------------------

CLOSED_PIPE = [
    (("rules",), 0),
    (("rules", "-f", "json"), 0),
    (("rule", "OL201"), 0),
    (("formats",), 0),
    (("schema",), 0),
    (("completion", "bash"), 0),
    (("--help",), 0),
    (("check", "--help"), 0),
    (("match", "https://portal.acme-corp.com", "examples/okta"), 0),
    (("match", "-f", "json", "https://portal.acme-corp.com", "examples/okta"), 0),
    (("check", "--statistics", "examples"), 1),
    (("check", "--diff", "examples"), 1),
    *((("check", "--no-cache", "-f", name, "examples"), 1) for name in ("text", "json", "sarif")),
    *((("check", "--no-cache", "-f", name, "examples"), 1) for name in ("github", "junit", "gitlab")),
]


@pytest.mark.parametrize(
    ("args", "verdict"), CLOSED_PIPE, ids=lambda v: " ".join(v) if isinstance(v, tuple) else str(v)
)
def test_a_closed_pipe_ends_the_run_quietly_with_the_verdict(args: tuple[str, ...], verdict: int) -> None:
    """`origins-lint rules | head -1`: the reader is gone before anything is written (deterministic:
    the pipe's read end is closed first), so every write fails with EPIPE."""
    read, write_end = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "origins_lint", *args],
            cwd=ROOT,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
            check=False,
        )
    finally:
        os.close(write_end)
    said = "origins-lint: 1 fix(es) would be applied\n" if "--diff" in args else ""  # --diff's own word
    assert (done.returncode, done.stderr) == (verdict, said)


# --- 2. .gitignore ---------------------------------------------------------------------------------


@pytest.fixture
def repo(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree (made by git itself) with a risky policy at the top and copies git ignores."""
    home = project / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    tree = project / "repo"
    tree.mkdir()
    subprocess.run(["git", "init", "-q", str(tree)], check=True, env={**os.environ, "HOME": str(home)})
    write(tree, "policy.origins.yaml", RISKY)
    write(tree, ".gitignore", "build/\n*.local.yaml\n!keep.local.yaml\n")
    for name in ("build/policy.origins.yaml", "x.local.yaml", "keep.local.yaml", "tmp/policy.origins.yaml"):
        write(tree, name, RISKY.replace("version: 1", "kind: OriginPolicy\nversion: 1"))
    write(tree, "nested/.gitignore", "generated.origins.yaml\n")
    write(tree, "nested/generated.origins.yaml", RISKY)
    write(tree, "nested/kept.origins.yaml", RISKY)
    (tree / ".git" / "info").mkdir(exist_ok=True)
    (tree / ".git" / "info" / "exclude").write_text("tmp/\n", encoding="utf-8")
    monkeypatch.chdir(tree)
    return tree


def _paths(run: Any) -> set[str]:
    return {finding["path"] for finding in run.findings}


def test_gitignore_info_exclude_and_nested_ignore_files_are_respected(repo: Path) -> None:
    assert _paths(check_json(".")) == {
        "policy.origins.yaml",
        "keep.local.yaml",  # re-included by `!keep.local.yaml`
        "nested/kept.origins.yaml",
    }


def test_global_excludes_file_is_respected(repo: Path) -> None:
    write(Path(os.environ["XDG_CONFIG_HOME"]), "git/ignore", "kept.origins.yaml\n")
    assert "nested/kept.origins.yaml" not in _paths(check_json("."))
    # core.excludesFile in ~/.gitconfig names another file, which wins over the default
    write(Path(os.environ["HOME"]), ".gitconfig", '[core]\n\texcludesFile = "~/my-ignores"\n')
    write(Path(os.environ["HOME"]), "my-ignores", "policy.origins.yaml\n")
    assert _paths(check_json(".")) == {"keep.local.yaml", "nested/kept.origins.yaml"}


def test_no_respect_gitignore_walks_everything(repo: Path) -> None:
    assert len(_paths(check_json(".", extra=("--no-respect-gitignore",)))) == 7
    write(repo, ".origins-lint.toml", "respect-gitignore = false\n")
    assert len(_paths(check_json("."))) == 7


def test_a_file_named_on_the_command_line_is_always_checked(repo: Path) -> None:
    assert _paths(check_json("build/policy.origins.yaml", "x.local.yaml")) == {
        "build/policy.origins.yaml",
        "x.local.yaml",
    }


def test_a_folder_named_on_the_command_line_is_walked_even_if_ignored(repo: Path) -> None:
    """As with ruff: `check build` asks for build/ (the benchmark checks its gitignored corpus so);
    the patterns that ignore it are set aside, every other one (inside it or above) still applies."""
    write(repo, "build/.gitignore", "cache/\n")
    write(repo, "build/cache/old.origins.yaml", RISKY)
    write(repo, "build/sub/x.local.yaml", RISKY.replace("version: 1", "kind: OriginPolicy\nversion: 1"))
    assert _paths(check_json("build")) == {"build/policy.origins.yaml"}  # `*.local.yaml` still applies
    assert _paths(check_json("tmp")) == {"tmp/policy.origins.yaml"}  # ignored by .git/info/exclude
    assert "build/policy.origins.yaml" not in _paths(check_json("."))  # a walk from above skips it


def test_match_respects_gitignore_too(repo: Path) -> None:
    found = json.loads(run_cli("match", "-f", "json", "http://partner.example.com", ".").stdout)
    assert {entry["path"] for entry in found["entries"]} == {
        "policy.origins.yaml",
        "keep.local.yaml",
        "nested/kept.origins.yaml",
    }


def test_gitignore_outside_a_work_tree(project: Path) -> None:
    write(project, "site/.gitignore", "old/\n")
    write(project, "site/old/policy.origins.yaml", RISKY)
    write(project, "site/policy.origins.yaml", RISKY)
    assert _paths(check_json("site")) == {"site/policy.origins.yaml"}


def test_a_check_starts_no_git_process(repo: Path) -> None:
    """The safety promise "a check starts no program" holds: the ignore files are read, git is not run."""
    audit = (
        "import sys\n"
        "def hook(event, args):\n"
        "    if event in ('subprocess.Popen', 'os.exec', 'os.posix_spawn', 'os.system'):\n"
        "        raise SystemExit(f'started a program: {args!r}')\n"
        "sys.addaudithook(hook)\n"
        "from origins_lint.cli import run\n"
        "sys.exit(run(['check', '--jobs', '1', '--no-cache', '.']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", audit], cwd=repo, capture_output=True, text=True, env=_env(), check=False
    )
    assert done.returncode == 1 and "started a program" not in done.stderr, done.stderr


# --- 3. options users expect -----------------------------------------------------------------------


def test_exit_zero_and_quiet(project: Path) -> None:
    write(project, "risky.origins.yaml", RISKY)
    quiet = run_cli("check", "--exit-zero", "--quiet", "risky.origins.yaml")
    assert quiet.exit_code == 0
    lines = quiet.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("risky.origins.yaml:") for line in lines)
    assert run_cli("check", "-q", "--statistics", "risky.origins.yaml").stdout.splitlines() == [
        "1  OL201  insecure-origin  [medium]",
        "1  OL302  wildcard-subdomain  [medium]",
    ]
    write(project, "clean.origins.yaml", "version: 1\norigins:\n  - origin: https://a.example.com\n")
    assert run_cli("check", "-q", "clean.origins.yaml").stdout == ""
    assert run_cli("check", "--exit-zero", "--select", "OL999", "risky.origins.yaml").exit_code == 2
    write(project, "fixable.origins.yaml", "version: 1\norigins:\n  - origin: HTTPS://A.example.com\n")
    assert run_cli("check", "--diff", "fixable.origins.yaml").exit_code == 1
    assert run_cli("check", "--diff", "--exit-zero", "fixable.origins.yaml").exit_code == 0


def test_extend_select_and_extend_ignore_add_to_the_config(project: Path) -> None:
    write(project, "risky.origins.yaml", RISKY)
    write(project, ".origins-lint.toml", 'select = ["OL2"]\nignore = ["OL302"]\n')
    assert check_json("risky.origins.yaml").codes() == ["OL201"]
    assert check_json("risky.origins.yaml", extra=("--extend-select", "OL302")).codes() == ["OL201"]
    assert check_json("risky.origins.yaml", extra=("--extend-select", "OL3")).codes() == ["OL201"]
    write(project, ".origins-lint.toml", 'select = ["OL2"]\n')
    assert check_json("risky.origins.yaml", extra=("--extend-select", "OL302")).codes() == [
        "OL201",
        "OL302",
    ]
    assert check_json("risky.origins.yaml", extra=("--extend-ignore", "insecure-origin")).codes() == []
    # --select replaces, as before
    assert check_json("risky.origins.yaml", extra=("--select", "OL302")).codes() == ["OL302"]
    typo = run_cli("check", "--extend-ignore", "insecure-orign", "risky.origins.yaml")
    assert typo.exit_code == 2 and "did you mean `insecure-origin`" in typo.stderr


def test_stdin_with_stdin_filename(tmp_path: Path) -> None:
    """How editors call a linter: the buffer on stdin, its path for the format, config and messages."""
    write(tmp_path, ".origins-lint.toml", '[per-file-ignores]\n"legacy/**" = ["OL302"]\n')
    text = RISKY.lstrip("\n").encode("utf-8")
    done = cli("check", "--stdin-filename", "config/cors.origins.yaml", "-", cwd=tmp_path, stdin=text)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[0].startswith("config/cors.origins.yaml:3:13: OL201 [medium]")
    assert not (tmp_path / "config").exists()  # the name need not exist on disk
    ignored = cli("check", "--stdin-filename", "legacy/cors.origins.yaml", "-", cwd=tmp_path, stdin=text)
    assert "OL302" not in ignored.stdout and "OL201" in ignored.stdout  # per-file-ignores by that name
    # --stdin-filename alone reads stdin too; plain `-` has no name to detect by, --input-format helps
    alone = cli("check", "-f", "json", "--stdin-filename", "a.origins.yaml", cwd=tmp_path, stdin=text)
    assert [f["path"] for f in json.loads(alone.stdout)["findings"]] == ["a.origins.yaml"] * 2
    plain = cli("check", "-f", "json", "--input-format", "policy", "-", cwd=tmp_path, stdin=text)
    assert {f["path"] for f in json.loads(plain.stdout)["findings"]} == {"-"}
    assert cli("check", "--fix", "-", cwd=tmp_path, stdin=text).returncode == 2
    assert not list(tmp_path.glob(".origins-lint-cache"))  # nothing on disk to cache for


def test_no_abbreviations_and_did_you_mean(project: Path) -> None:
    write(project, "risky.origins.yaml", RISKY)
    prefix = run_cli("check", "--no", "risky.origins.yaml")  # was silently --no-cache
    assert prefix.exit_code == 2
    assert "did you mean `--no-cache` or `--no-respect-gitignore`?" in prefix.stderr
    typo = run_cli("check", "--output-formt", "json", "risky.origins.yaml")
    assert typo.exit_code == 2 and "did you mean `--output-format`" in typo.stderr
    short = run_cli("check", "--formt", "json", "risky.origins.yaml")
    assert short.exit_code == 2 and "did you mean `--output-format` or `--input-format`?" in short.stderr
    assert run_cli("check", "--statistic", "risky.origins.yaml").exit_code == 2
    assert "did you mean `--statistics`" in run_cli("check", "--statistic", ".").stderr
    assert run_cli("rules", "--output", "json").exit_code == 2  # not --output-format any more
    command = run_cli("chek", ".")
    assert command.exit_code == 2 and "invalid choice: 'chek'" in command.stderr
    assert command.stderr.rstrip().endswith("did you mean `check`?")
    assert run_cli("rules", "-f", "jsn").stderr.rstrip().endswith("did you mean `json`?")
    bad = run_cli("check", "-f", "sarf", ".")
    assert bad.exit_code == 2 and "did you mean `sarif`?" in bad.stderr


# --- 4. -o FILE ------------------------------------------------------------------------------------


def test_output_file_is_readable_by_others_and_the_summary_goes_to_stderr(project: Path) -> None:
    write(project, "risky.origins.yaml", RISKY)
    old = os.umask(0o022)
    try:
        result = run_cli("check", "-o", "reports/out.sarif", "risky.origins.yaml")
    finally:
        os.umask(old)
    assert stat.S_IMODE((project / "reports" / "out.sarif").stat().st_mode) == 0o644
    assert result.stdout == ""
    assert result.stderr == "Found 2 findings (2 medium) in 1 file.\n"
    (project / "reports" / "out.sarif").chmod(0o600)  # an existing file keeps its mode
    run_cli("check", "-o", "reports/out.sarif", "risky.origins.yaml")
    assert stat.S_IMODE((project / "reports" / "out.sarif").stat().st_mode) == 0o600
    assert run_cli("check", "-q", "-o", "out.json", "risky.origins.yaml").stderr == ""


def test_several_format_file_outputs_in_one_run(project: Path) -> None:
    write(project, "risky.origins.yaml", RISKY)
    result = run_cli("check", "-f", "sarif:out/results.sarif", "-f", "junit:out/junit.xml", "-f", "text", ".")
    assert result.exit_code == 1
    assert result.stdout.startswith("risky.origins.yaml:3:13: OL201")  # text still on stdout
    sarif = json.loads((project / "out" / "results.sarif").read_text("utf-8"))
    assert len(sarif["runs"][0]["results"]) == 2
    assert (project / "out" / "junit.xml").read_text("utf-8").startswith("<?xml")
    with_o = run_cli("check", "-o", "main.json", "-f", "gitlab:gl.json", ".")
    assert json.loads((project / "main.json").read_text("utf-8"))["files_checked"] == 1
    assert len(json.loads((project / "gl.json").read_text("utf-8"))) == 2
    assert with_o.stdout == ""
    two = run_cli("check", "-f", "json", "-f", "sarif", ".")
    assert two.exit_code == 2 and "FORMAT:FILE" in two.stderr
    assert run_cli("check", "-f", "sarif:", ".").exit_code == 2


# --- 5. outputs ------------------------------------------------------------------------------------


def test_gitlab_code_quality(project: Path) -> None:
    write(project, "conf/risky.origins.yaml", RISKY)
    issues = json.loads(run_cli("check", "-f", "gitlab", ".").stdout)
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        (
            "OL201 insecure-origin",
            "major",
            {"path": "conf/risky.origins.yaml", "lines": {"begin": 3, "end": 3}},
        ),
        (
            "OL302 wildcard-subdomain",
            "major",
            {"path": "conf/risky.origins.yaml", "lines": {"begin": 4, "end": 4}},
        ),
    ]
    assert issues[0]["description"].startswith("OL201 [medium] `http://partner.example.com` is plain HTTP")
    assert len({i["fingerprint"] for i in issues}) == 2
    assert all(len(i["fingerprint"]) == 32 for i in issues)
    again = json.loads(run_cli("check", "-f", "gitlab", ".").stdout)
    assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in issues]


def test_gitlab_severities_cover_every_level() -> None:
    issues = json.loads(run_cli("check", "--no-cache", "-f", "gitlab", "examples", cwd=ROOT).stdout)
    assert {i["severity"] for i in issues} == {"blocker", "critical", "major", "minor", "info"}
    assert len(issues) == 93  # the examples (OL405 no longer beside a breadth finding, issue 18 item 8;
    # OL201 no longer beside OL703 on a REDIRECT-only Okta origin)


def _apply(text: str, replacements: list[dict[str, Any]]) -> str:
    """SARIF replacements applied as a viewer would: regions by line and column, bottom up."""
    lines = text.splitlines(keepends=True)

    def offset(line: int, column: int) -> int:
        return sum(len(each) for each in lines[: line - 1]) + column - 1

    for replacement in sorted(replacements, key=lambda r: -r["deletedRegion"]["startLine"]):
        region = replacement["deletedRegion"]
        start = offset(region["startLine"], region["startColumn"])
        end = offset(region["endLine"], region["endColumn"])
        text = text[:start] + replacement["insertedContent"]["text"] + text[end:]
        lines = text.splitlines(keepends=True)
    return text


def test_sarif_fixes_for_fixable_findings(project: Path) -> None:
    text = (
        "version: 1\norigins:\n  - origin: HTTPS://App.Example.com:443\n"
        "  - origin: https://b.example.com\n  - origin: https://b.example.com\n"
    )
    write(project, "p.origins.yaml", text)
    report = json.loads(run_cli("check", "-f", "sarif", "p.origins.yaml").stdout)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text("utf-8"))).validate(report)
    results = report["runs"][0]["results"]
    fixed = {r["ruleId"]: r["fixes"] for r in results if "fixes" in r}
    assert set(fixed) == {"OL102", "OL103"}
    assert all("fixes" not in r for r in results if r["ruleId"] not in fixed)
    canonical = fixed["OL102"][0]
    assert canonical["description"]["text"]
    change = canonical["artifactChanges"][0]
    assert change["artifactLocation"] == {"uri": "p.origins.yaml", "uriBaseId": "%SRCROOT%"}
    assert _apply(text, change["replacements"]) == text.replace(
        "HTTPS://App.Example.com:443", "https://app.example.com"
    )
    duplicate = fixed["OL103"][0]["artifactChanges"][0]["replacements"]
    assert _apply(text, duplicate) == text.rsplit("  - origin", 1)[0]  # the last line goes
    run_cli("check", "--fix", "p.origins.yaml")
    assert (project / "p.origins.yaml").read_text("utf-8") == _apply(
        text, [*change["replacements"], *duplicate]
    )


def test_statistics_per_rule_and_severity() -> None:
    result = run_cli("check", "--no-cache", "--statistics", "examples", cwd=ROOT)
    rows = [row.strip() for row in result.stdout.splitlines()]
    # one rule at two severities (OL302 is high with credentials): a row each
    assert "14  OL302  wildcard-subdomain  [high]" in rows
    assert "2  OL302  wildcard-subdomain  [medium]" in rows
    data = json.loads(
        run_cli("check", "--no-cache", "--statistics", "-f", "json", "examples", cwd=ROOT).stdout
    )
    counts = [(r["severity"], r["count"]) for r in data if r["code"] == "OL302"]
    assert counts == [("high", 14), ("medium", 2)]
    assert sum(r["count"] for r in data) == 93


# --- 8. shell completion ---------------------------------------------------------------------------


def _complete(script: str, words: list[str]) -> list[str]:
    """Run the bash completion function as bash would for the command line `words` (the last one being
    completed), in a real bash, and return what it offers."""
    import shlex

    quoted = " ".join(shlex.quote(word) for word in words)
    program = f"{script}\nCOMP_WORDS=({quoted})\nCOMP_CWORD={len(words) - 1}\n"
    program += '_origins_lint\nprintf "%s\\n" "${COMPREPLY[@]}"\n'
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_bash_loads_the_completion_script_and_completes() -> None:
    script = cli("completion", "bash").stdout
    loaded = subprocess.run(
        ["bash", "-c", f"{script}\ncomplete -p origins-lint"], capture_output=True, text=True, check=False
    )
    assert loaded.returncode == 0 and loaded.stderr == ""
    assert "-F _origins_lint origins-lint" in loaded.stdout
    assert _complete(script, ["origins-lint", "ch"]) == ["check"]
    assert _complete(script, ["origins-lint", "check", "--output-f"]) == ["--output-format", "--output-file"]
    assert _complete(script, ["origins-lint", "check", "-f", "s"]) == ["sarif"]
    assert _complete(script, ["origins-lint", "check", "--fail-on", "h"]) == ["high"]
    assert _complete(script, ["origins-lint", "check", "--input-format", "tr"]) == ["traefik"]
    assert _complete(script, ["origins-lint", "rule", "OL70"]) == ["OL701", "OL702", "OL703", "OL704"]
    assert _complete(script, ["origins-lint", "completion", "f"]) == ["fish"]
    assert "--stdin-filename" in _complete(script, ["origins-lint", "check", "--"])


def test_zsh_and_fish_scripts_name_every_command() -> None:
    zsh = cli("completion", "zsh").stdout
    assert (
        "bashcompinit" in zsh and "complete -o filenames -o bashdefault -F _origins_lint origins-lint" in zsh
    )
    fish = cli("completion", "fish").stdout
    for command in ("check", "match", "rules", "rule", "schema", "formats", "completion"):
        assert f"-n __fish_use_subcommand -a {command} " in fish
    assert "-l output-format -r -a 'text json sarif github junit gitlab'" in fish
    assert run_cli("completion", "tcsh").exit_code == 2


# --- 10. smaller repairs ---------------------------------------------------------------------------


def test_ol003_is_one_short_line_pointing_at_formats(project: Path) -> None:
    write(project, "notes.yaml", "title: hello\n")
    message = check_json("notes.yaml").findings[0]["message"]
    assert len(message) < 140
    assert "`--input-format`" in message and "`origins-lint formats`" in message


def test_formats_command_lists_every_format() -> None:
    from origins_lint import formats

    listed = run_cli("formats")
    assert listed.exit_code == 0
    names = [line.split()[0] for line in listed.stdout.splitlines()]
    assert names == list(formats.NAMES)
    assert " ".join(listed.stdout.splitlines()[1].split()[:4]) == "nginx nginx configs and"
    rows = json.loads(run_cli("formats", "-f", "json").stdout)
    assert rows[0] == {"name": "policy", "reads": formats.FORMATS[0].description}


def test_a_file_no_format_claims_is_not_counted_nor_in_junit(project: Path) -> None:
    write(project, "infra/main.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    write(project, "infra/p.origins.yaml", "version: 1\norigins:\n  - origin: https://a.example.com\n")
    assert run_cli("check", "infra").stdout == "No findings in 1 file.\n"
    named = run_cli("check", "infra/main.tf")
    assert (named.exit_code, named.stdout) == (0, "No findings in 0 files.\n")
    junit = run_cli("check", "-f", "junit", "infra").stdout
    assert "main.tf" not in junit and "p.origins.yaml" in junit
    named_junit = run_cli("check", "-f", "junit", "infra/p.origins.yaml", "infra/main.tf").stdout
    assert "main.tf" not in named_junit and 'tests="1"' in named_junit
    write(project, "notes.yaml", "title: hello\n")
    reported = check_json("notes.yaml")
    assert (reported.codes(), reported.report["files_checked"]) == (["OL003"], 0)


def test_policy_entries_with_merge_keys_are_recognised(project: Path) -> None:
    write(
        project,
        "cors.yaml",
        """
        x-defaults: &defaults
          credentials: false
        origins:
          - <<: *defaults
            note: partner
            origin: http://partner.example.com
          - <<: *defaults
            regex: '^https://a\\.example\\.com$'
        """,
    )
    result = check_json("cors.yaml")
    assert [(f["code"], f["line"], f["column"]) for f in result.findings] == [("OL201", 6, 13)]
    assert check_json(".").codes() == ["OL201"]  # found by a folder walk too


def test_quiet_leaves_the_summary_out_of_github_annotations(project: Path) -> None:
    write(project, "risky.origins.yaml", RISKY)
    lines = run_cli("check", "-q", "-f", "github", "risky.origins.yaml").stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("::warning ") for line in lines)
    assert (
        run_cli("check", "-f", "github", "risky.origins.yaml").stdout.splitlines()[-1].startswith("Found 2")
    )


def test_jsonschema_is_a_test_dependency_only() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert not any(dep.startswith("jsonschema") for dep in project["dependencies"])
    assert any(dep.startswith("jsonschema") for dep in project["optional-dependencies"]["test"])
    assert any(dep.startswith("pathspec") for dep in project["dependencies"])
    sources = [p.read_text("utf-8") for p in (ROOT / "origins_lint").rglob("*.py")]
    assert not any("import jsonschema" in text or "from jsonschema" in text for text in sources)


def test_gitlab_report_is_valid_json_for_a_hostile_file(project: Path) -> None:
    """The file name of tests/test_hostile_output.py (not UTF-8, with an ANSI escape) and an origin
    holding control characters: the report parses, encodes strictly and names the same file."""
    from tests.test_hostile_output import CONTENT, HOSTILE_NAME

    (project / "d").mkdir()
    with open(os.path.join(os.fsencode(project), b"d", HOSTILE_NAME), "wb") as handle:
        handle.write(CONTENT.encode("utf-8"))
    result = run_cli("check", "-f", "gitlab", "d")
    assert result.exit_code == 1 and result.stderr == ""
    result.stdout.encode("utf-8")
    issues = json.loads(result.stdout)
    assert [i["location"]["lines"]["begin"] for i in issues] == [3, 4, 5]
    assert {i["location"]["path"] for i in issues} == {os.fsdecode(b"d/" + HOSTILE_NAME)}
