"""Issue 19: the checked repository is hostile input, its config included. It cannot make the tool
write outside the cache, hide a finding behind a stale cache or a string that looks like a comment,
hang it, drive the terminal or the CI log, or switch rules off without the report saying so.

Each test here failed on the code before the issue was fixed (the break it names is in the issue).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from origins_lint.cache import CACHE_DIR
from tests.conftest import check_json, run_cli, write

RISKY = "version: 1\norigins:\n  - origin: http://a.example.com\n"


# --- the cache is never a way to write elsewhere --------------------------------------------------


def test_a_planted_cachedir_tag_symlink_is_replaced_not_followed(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    victim = tmp_path_factory.mktemp("victim") / "precious.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    (project / CACHE_DIR).mkdir()
    (project / CACHE_DIR / "CACHEDIR.TAG").symlink_to(victim)
    (project / CACHE_DIR / ".gitignore").symlink_to(victim)
    write(project, "p.origins.yaml", RISKY)
    assert check_json("p.origins.yaml").codes() == ["OL201"]
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert not (project / CACHE_DIR / "CACHEDIR.TAG").is_symlink()
    assert (project / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_a_planted_cache_file_symlink_is_neither_read_nor_written_through(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from origins_lint import cache

    monkeypatch.setattr(cache, "settings_key", lambda job: "planted")
    victim = tmp_path_factory.mktemp("victim") / "precious.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    (project / CACHE_DIR).mkdir()
    (project / CACHE_DIR / "planted.json").symlink_to(victim)
    write(project, "p.origins.yaml", RISKY)
    assert check_json("p.origins.yaml").codes() == ["OL201"]
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert not (project / CACHE_DIR / "planted.json").is_symlink()
    assert check_json("p.origins.yaml").codes() == ["OL201"]  # and the real cache works


def test_a_symlinked_cache_folder_is_not_used_and_the_run_says_so(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (project / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    write(project, "p.origins.yaml", RISKY)
    result = check_json("p.origins.yaml")
    assert result.codes() == ["OL201"]
    assert list(elsewhere.iterdir()) == []
    assert "is a symlink; the result cache is not used" in result.stderr


def test_a_cache_folder_of_another_user_is_not_used(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, "p.origins.yaml", RISKY)
    (project / CACHE_DIR).mkdir()
    monkeypatch.setattr(os, "getuid", lambda: os.stat(project).st_uid + 1)
    result = check_json("p.origins.yaml")
    assert result.codes() == ["OL201"]
    assert "belongs to another user" in result.stderr
    assert list((project / CACHE_DIR).iterdir()) == []


def test_the_cache_lives_at_the_checked_tree_not_in_the_current_folder(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tree = tmp_path_factory.mktemp("tree")
    write(tree, "sub/p.origins.yaml", RISKY)
    assert check_json(tree / "sub" / "p.origins.yaml").codes() == ["OL201"]
    assert not (project / CACHE_DIR).exists()
    assert (tree / "sub" / CACHE_DIR / ".gitignore").is_file()
    (tree / ".git").mkdir()  # a git work tree: the cache goes to its root
    assert check_json(tree / "sub").codes() == ["OL201"]
    assert (tree / CACHE_DIR / ".gitignore").read_bytes() == b"# made by origins-lint\n*\n"


def test_a_new_file_an_include_glob_picks_up_invalidates_the_includer(project: Path) -> None:
    """The stale-cache break: `include snippets/*.conf` pulls in a file added after the first run."""
    write(
        project,
        "site/nginx.conf",
        "events {}\nhttp {\n    server {\n        listen 80;\n        include snippets/*.conf;\n    }\n}\n",
    )
    write(project, "site/snippets/a.conf", "add_header X-Frame-Options DENY always;\n")
    assert check_json("site/nginx.conf").codes() == []
    write(
        project,
        "site/snippets/b.conf",
        "add_header Access-Control-Allow-Origin $http_origin always;\n"
        "add_header Access-Control-Allow-Credentials true always;\n",
    )
    cached = check_json("site/nginx.conf")
    assert "OL402" in cached.codes() and cached.exit_code == 1
    assert cached.stdout == check_json("site/nginx.conf", extra=("--no-cache",)).stdout


# --- suppressions live only in real comments ------------------------------------------------------


def test_text_in_a_json_string_silences_nothing(project: Path) -> None:
    """The break: a one-line Okta export whose `name` says `// origins-lint: ignore[ALL]`."""
    entry = {
        "id": "tos1",
        "name": "Partner app // origins-lint: ignore[ALL]",
        "origin": "http://partner.example.com",
        "scopes": [{"type": "CORS"}],
        "status": "ACTIVE",
    }
    (project / "trusted-origins.json").write_text(json.dumps([entry]), encoding="utf-8")
    result = check_json("trusted-origins.json")
    assert "OL201" in result.codes() and result.exit_code == 1


@pytest.mark.parametrize(
    ("name", "text", "code", "line"),
    [
        # a YAML quoted scalar, a plain scalar with `#` inside, and a block scalar
        (
            "q.origins.yaml",
            "version: 1\norigins:\n"
            '  - {origin: "http://a.example.com", note: "x # origins-lint: ignore[OL201]"}\n',
            "OL201",
            3,
        ),
        (
            "b.origins.yaml",
            "version: 1\norigins:\n  - note: |\n      # origins-lint: ignore[OL201]\n    origin: http://a.example.com\n",
            "OL201",
            5,
        ),
        # an nginx quoted argument
        (
            "site.conf",
            'server {\n    add_header X-Note "# origins-lint: ignore[OL201]";'
            ' add_header Access-Control-Allow-Origin "http://a.example.com" always;\n}\n',
            "OL201",
            2,
        ),
        # an HCL string, and a heredoc
        (
            "main.tf",
            'resource "okta_trusted_origin" "a" {\n'
            '  for_each = { a = "http://a.example.com",'
            ' b = "https://b.example.com // origins-lint: ignore[OL201]" }\n'
            '  origin = each.value\n  scopes = ["CORS"]\n}\n',
            "OL201",
            2,
        ),
        (
            "heredoc.tf",
            "locals {\n  note = <<EOT\n# origins-lint: ignore[OL201]\nEOT\n}\n"
            'resource "okta_trusted_origin" "a" {\n'
            '  origin = "http://a.example.com"\n  scopes = ["CORS"]\n}\n',
            "OL201",
            7,
        ),
    ],
)
def test_a_directive_inside_a_string_is_not_a_comment(
    project: Path, name: str, text: str, code: str, line: int
) -> None:
    (project / name).write_text(text, encoding="utf-8")
    result = check_json(name)
    assert line in [at for at, _ in result.at(code)], result.stdout


def test_real_comments_still_suppress_in_every_syntax(project: Path) -> None:
    write(
        project,
        "p.origins.yaml",
        "version: 1\norigins:\n  - origin: http://a.example.com  # origins-lint: ignore[OL201] r\n",
    )
    write(
        project,
        "main.tf",
        'resource "okta_trusted_origin" "a" {\n  name = "a#b" # origins-lint: ignore[OL201] r\n'
        '  origin = "http://a.example.com" // origins-lint: ignore[OL201] r\n  scopes = ["CORS"]\n}\n',
    )
    write(
        project,
        "site.conf",
        "server {\n    # origins-lint: ignore[OL201] r\n"
        '    add_header Access-Control-Allow-Origin "http://a.example.com" always;\n}\n',
    )
    write(
        project,
        "application.properties",
        "! origins-lint: ignore[OL201] r\nmanagement.endpoints.web.cors.allowed-origins=http://a.example.com\n",
    )
    for name in ("p.origins.yaml", "main.tf", "site.conf", "application.properties"):
        assert "OL201" not in check_json(name).codes(), name
    # in a properties file a `#` after the value is part of the value, and a continued value's next
    # line is not a comment either
    write(
        project,
        "application.properties",
        "management.endpoints.web.cors.allowed-origins=https://b.example.com,\\\n"
        "  # origins-lint: ignore[OL201]\\\n  ,http://a.example.com\n",
    )
    assert "OL201" in check_json("application.properties").codes()


def test_the_suppression_scan_is_linear(project: Path) -> None:
    """The break: a 256 KiB comment of `#origins-lint:ignore[` took 77 s; 1 MiB did not finish.
    A 1 MiB one now completes (no timing assertion: the run finishing is the test) with one OL005."""
    attack = "#origins-lint:ignore[" * (1024 * 1024 // 21)
    (project / "site.conf").write_text(
        f"# {attack}\nserver {{\n"
        '    add_header Access-Control-Allow-Origin "http://a.example.com" always;\n}\n',
        encoding="utf-8",
    )
    result = check_json("site.conf")
    assert result.codes() == ["OL005", "OL201"]
    from origins_lint.suppress import scan

    for syntax in ("yaml", "hcl", "toml", "properties", "nginx"):
        found = scan(f"# {attack}\n", syntax)
        assert len(found.problems) == 1 and found.directives == []


# --- suppressions are checked ---------------------------------------------------------------------

POLICY = "version: 1\norigins:\n  - origin: http://*.example.com  {comment}\n"


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("# origins-lint: ignore OL302", "needs the rules in brackets: write `ignore[OL302]`"),
        ("# origins-lint: ignore[OL999]", "unknown rule `OL999`"),
        ("# origins-lint: ignore[wildcard-subdomian]", "did you mean `wildcard-subdomain`?"),
        ("# origins-lint: ignore[o]", "unknown rule `o`"),
        ("# origins-lint: ignore[]", "names no rule"),
        ("# origins-lint: ignroe[OL302]", "did you mean `ignore[...]`?"),
        ("# origins-lint ignore[OL302]", "must be followed by `:`"),
        ("# origins-lint: ignore[OL302", "never closed"),
    ],
)
def test_a_bad_suppression_is_reported_and_suppresses_nothing(
    project: Path, comment: str, message: str
) -> None:
    write(project, "p.origins.yaml", POLICY.format(comment=comment))
    result = check_json("p.origins.yaml")
    assert "OL302" in result.codes() and "OL201" in result.codes()
    [bad] = [f for f in result.findings if f["code"] == "OL005"]
    assert message in bad["message"] and bad["line"] == 3 and bad["column"] == 37


def test_inline_names_are_exact(project: Path) -> None:
    """`o` used to match every rule (any code starts with `O`); a slug fragment names nothing either."""
    write(project, "p.origins.yaml", POLICY.format(comment="# origins-lint: ignore[insecure]"))
    assert {"OL201", "OL302", "OL005"} <= set(check_json("p.origins.yaml").codes())
    write(project, "p.origins.yaml", POLICY.format(comment="# origins-lint: ignore[OL3, insecure-origin]"))
    assert check_json("p.origins.yaml").codes() == []


def test_unused_suppression_is_opt_in(project: Path) -> None:
    write(
        project,
        "p.origins.yaml",
        "version: 1\norigins:\n  # origins-lint: ignore[OL201] was http\n  - origin: https://a.example.com\n",
    )
    assert check_json("p.origins.yaml").codes() == []
    assert check_json("p.origins.yaml", extra=("--select", "ALL")).codes() == []
    result = check_json("p.origins.yaml", extra=("--select", "ALL,unused-suppression"))
    assert result.at("OL006") == [(3, 5)]
    assert "suppresses nothing" in result.findings[0]["message"]
    used = "version: 1\norigins:\n  # origins-lint: ignore[OL201] vendor\n  - origin: http://a.example.com\n"
    write(project, "p.origins.yaml", used)
    assert check_json("p.origins.yaml", extra=("--select", "ALL,OL006")).codes() == []


# --- turning rules off is never silent ------------------------------------------------------------

SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
CLEAN = "No findings in 1 file."
RULES = 45  # the rules a run has on by default (45 since OL105)


@pytest.mark.parametrize(
    ("config", "count", "by"),
    [
        ('ignore = ["ALL"]\n', RULES, ".origins-lint.toml"),
        ("select = []\n", RULES, ".origins-lint.toml"),
        ('ignore = ["OL2", "insecure-origin"]\n', 2, ".origins-lint.toml"),
        (
            '[per-file-ignores]\n"*.yaml" = ["ALL"]\n',
            RULES,
            ".origins-lint.toml (per-file-ignores `*.yaml`, which matches every file)",
        ),
    ],
)
def test_rules_switched_off_by_the_config_are_said_in_every_report(
    project: Path, config: str, count: int, by: str
) -> None:
    """The break: each of these printed "No findings in 1 file." and exited 0, as a clean repository."""
    import jsonschema

    write(project, "p.origins.yaml", RISKY)
    write(project, ".origins-lint.toml", config)
    text = run_cli("check", "p.origins.yaml")
    assert text.exit_code == 0
    assert text.stdout.splitlines()[-1] == f"{CLEAN} {count} of {RULES} rules disabled by {by}."
    report = check_json("p.origins.yaml").report
    [disabled] = report["disabled_rules"]
    assert len(disabled["rules"]) == count and disabled["by"] == by and disabled["file"] is None
    sarif = json.loads(run_cli("check", "-f", "sarif", "p.origins.yaml").stdout)
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    [invocation] = sarif["runs"][0]["invocations"]
    assert len(invocation["ruleConfigurationOverrides"]) == count
    assert {o["configuration"]["enabled"] for o in invocation["ruleConfigurationOverrides"]} == {False}
    assert invocation["toolConfigurationNotifications"][0]["message"]["text"].startswith(
        f"{count} rules disabled by {by}: OL"
    )
    github = run_cli("check", "-f", "github", "p.origins.yaml").stdout
    warning = f"::warning title=origins-lint%3A rules disabled::{count} of {RULES} rules disabled"
    assert github.startswith(warning)


def test_a_file_wide_inline_ignore_is_said(project: Path) -> None:
    write(project, "p.origins.yaml", "# origins-lint: ignore-file[ALL]\n" + RISKY)
    result = run_cli("check", "p.origins.yaml")
    assert result.exit_code == 0
    assert result.stdout == (
        f"{CLEAN} {RULES - 1} of {RULES} rules disabled in p.origins.yaml by an `ignore-file` comment.\n"
    )
    [disabled] = check_json("p.origins.yaml").report["disabled_rules"]
    assert disabled["file"] == "p.origins.yaml" and "OL201" in disabled["rules"]
    import jsonschema

    sarif = json.loads(run_cli("check", "-f", "sarif", "p.origins.yaml").stdout)
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    [invocation] = sarif["runs"][0]["invocations"]
    assert "ruleConfigurationOverrides" not in invocation  # one file, not the run
    [note] = invocation["toolConfigurationNotifications"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "p.origins.yaml"


def test_a_clean_run_says_nothing_about_disabled_rules(project: Path) -> None:
    write(project, "p.origins.yaml", RISKY.replace("http:", "https:"))
    assert run_cli("check", "p.origins.yaml").stdout == f"{CLEAN}\n"
    assert check_json("p.origins.yaml").report["disabled_rules"] == []


# --- config is found from the paths being checked -------------------------------------------------


def test_config_comes_from_the_checked_paths_not_the_current_folder(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tree = tmp_path_factory.mktemp("their-repo")
    write(tree, "p.origins.yaml", RISKY)
    write(project, ".origins-lint.toml", 'ignore = ["ALL"]\n')  # where the run starts: not theirs
    assert check_json(tree / "p.origins.yaml").codes() == ["OL201"]
    write(tree, ".origins-lint.toml", 'ignore = ["OL201"]\n')
    assert check_json(tree / "p.origins.yaml").codes() == []
    assert check_json(tree).codes() == []
    # --config overrides
    write(project, "mine.toml", "select = ['ALL']\n")
    assert check_json(tree / "p.origins.yaml", extra=("--config", "mine.toml")).codes() == ["OL201"]


def test_config_search_stops_at_the_git_root(project: Path) -> None:
    write(project, ".origins-lint.toml", 'ignore = ["ALL"]\n')
    write(project, "repo/sub/p.origins.yaml", RISKY)
    assert check_json("repo/sub/p.origins.yaml").codes() == []
    (project / "repo" / ".git").mkdir()
    assert check_json("repo/sub/p.origins.yaml").codes() == ["OL201"]
    write(project, "repo/pyproject.toml", '[tool.origins-lint]\nignore = ["OL201"]\n')
    assert check_json("repo/sub/p.origins.yaml").codes() == []


def test_each_path_gets_its_nearest_config(project: Path) -> None:
    write(project, "a/.origins-lint.toml", 'ignore = ["OL201"]\n')
    write(project, "a/p.origins.yaml", RISKY)
    write(project, "b/p.origins.yaml", RISKY)
    result = check_json("a", "b")
    assert [(f["path"], f["code"]) for f in result.findings] == [("b/p.origins.yaml", "OL201")]
    assert result.report["files_checked"] == 2


# --- everything from the repository is escaped ----------------------------------------------------

HOSTILE = "\x1b[31m\r\n::error file=a.yaml,line=1::owned\x1b]0;title\x07"
OUR_COMMANDS = ("::error file=", "::warning file=", "::notice file=", "::warning title=origins-lint")


def _clean(output: str, github: bool = False) -> None:
    """No ESC or CR anywhere, and no line a CI runner would take as a workflow command."""
    assert "\x1b" not in output and "\r" not in output and "\x07" not in output, repr(output)
    for line in output.splitlines():
        if github and line.startswith(OUR_COMMANDS):
            continue
        assert not line.startswith("::"), repr(line)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (".origins-lint.toml", f"{json.dumps(HOSTILE)} = 1\n"),
        (".origins-lint.toml", f"select = [{json.dumps(HOSTILE)}]\n"),
        (".origins-lint.toml", f"[per-file-ignores]\n{json.dumps(HOSTILE)} = [{json.dumps(HOSTILE)}]\n"),
        (".origins-lint.toml", f"fail-on = {json.dumps(HOSTILE)}\n"),
        (".origins-lint.toml", f"max-nesting = {json.dumps(HOSTILE)}\n"),
        ("pyproject.toml", f"[tool.origins-lint]\nignore = [{json.dumps(HOSTILE)}]\n"),
        ("pyproject.toml", f"[tool.origins-lint]\n{json.dumps(HOSTILE)} = 1\n"),
    ],
)
def test_a_hostile_config_is_reported_escaped(project: Path, name: str, text: str) -> None:
    """The break: an unknown key or rule name went to stderr raw, escapes and `::error` included."""
    write(project, "p.origins.yaml", RISKY)
    (project / name).write_text(text, encoding="utf-8")
    result = run_cli("check", "p.origins.yaml")
    assert result.exit_code == 2 and "origins-lint: error:" in result.stderr
    _clean(result.stderr)
    assert "\\x1b[31m" in result.stderr  # shown, not interpreted


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github", "junit"])
def test_hostile_names_never_reach_a_terminal_or_a_log(
    project: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    """A folder and a file named with escapes and `::error`, a config that disables rules (its path is
    in the summary), a malformed suppression quoting hostile text, a symlinked cache (a warning
    naming the folder): stdout and stderr stay clean in every format."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    folder = project / f"d{HOSTILE.replace('/', '_')}"
    write(folder, ".origins-lint.toml", 'ignore = ["OL3"]\n')
    write(
        folder,
        "::error file=x::p.origins.yaml",
        # YAML refuses control characters (OL001), so the quoted rule name carries only the command
        "version: 1\norigins:\n  - origin: http://a.example.com  # origins-lint: ignore[::error file=a::x]\n",
    )
    (folder / CACHE_DIR).symlink_to(project, target_is_directory=True)
    result = run_cli("check", "-f", output_format, folder.name)
    assert result.exit_code == 1
    assert "OL005" in result.stdout and "OL201" in result.stdout
    _clean(result.stdout, github=output_format == "github")
    _clean(result.stderr)
    assert "is a symlink" in result.stderr
    if output_format == "text":
        assert "rules disabled by d\\x1b[31m\\r\\n::error" in result.stdout
        inside = run_cli("check", "--no-cache", "::error file=x::p.origins.yaml", cwd=folder)
        assert inside.stdout.startswith("./::error file=x::p.origins.yaml:3:13: OL201")


def test_match_never_starts_a_line_with_a_workflow_command(project: Path) -> None:
    """`match` prints each entry's path at the start of a line, as `check` does: a file named
    `::error file=x::...` is shown as `./::error ...`, never as a command the Actions log runs."""
    write(
        project, "::error file=x::p.origins.yaml", "version: 1\norigins:\n  - origin: https://a.example.com\n"
    )
    result = run_cli("match", "https://a.example.com", "::error file=x::p.origins.yaml", cwd=project)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.startswith("./::error file=x::p.origins.yaml:3:")
    _clean(result.stdout)


# --- bounded work on a large .tf ------------------------------------------------------------------

TF_FILES = [
    *sorted((Path(__file__).parent / "fixtures" / "terraform").glob("*.tf")),
    Path(__file__).parent.parent / "examples" / "okta" / "trusted-origins.tf",
]


@pytest.mark.parametrize("path", TF_FILES, ids=lambda p: p.name)
def test_a_large_tf_is_cut_to_its_okta_blocks_with_the_same_findings(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past 256 KiB a .tf is cut by a linear scan to its `okta_trusted_origin` resources and
    `locals` before python-hcl2 parses it (2.4 MB whole took 92 s and 1.3 GB): the same file read
    both ways gives the same findings, at the same lines and columns."""
    from origins_lint.formats import terraform

    whole = check_json(path, extra=("--no-cache",))
    monkeypatch.setattr(terraform, "FULL_PARSE_CHARACTERS", 0)
    cut = check_json(path, extra=("--no-cache",))
    if any(f["code"] == "OL001" for f in whole.findings):  # a syntax error outside the Okta blocks
        return
    assert cut.findings == whole.findings, path.name


def test_a_cut_tf_keeps_its_lines_and_reports_past_the_bound(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filler = (
        'resource "aws_s3_bucket" "b" {\n  bucket = "x { \\" }"\n  tags = { Note = <<EOT\n}}}\nEOT\n  }\n}\n'
    )
    okta = 'resource "okta_trusted_origin" "a" {\n  origin = local.o\n  scopes = ["CORS"]\n}\n'
    text = filler * 4000 + 'locals { o = "http://a.example.com" }\n' + filler * 10 + okta
    write(project, "main.tf", text)
    assert len(text) > 256 * 1024
    line = text[: text.index('"http://a.example.com"')].count("\n") + 1
    assert line == 4000 * 7 + 1
    assert check_json("main.tf").at("OL201") == [(line, 14)]  # the value, in `locals`
    write(project, ".origins-lint.toml", "max-hcl-size = 100\n")
    [too_big] = check_json("main.tf").findings
    assert too_big["code"] == "OL001" and "raise `max-hcl-size`" in too_big["message"]
    write(project, "main.tf", text + 'resource "x" "y" {\n  a = "unclosed\n}\n')
    [broken] = check_json("main.tf").findings
    assert broken["code"] == "OL001" and "a string is not closed" in broken["message"]


NGINX_COMMENT_CASES = [
    'add_header X "a#b" always; # c\n',
    "set $a a#b; #real\n",
    "set $a 'x'#y;\n",
    "set $a ${b}#c;\n",
    'set $a \\"#x;\n',
    'set $a "q\\"#not-a-comment";\n',
    "location / {#c1\n}#c2\n",
    "a;#x\n#y\n  # z\n",
    "set $a x\\ #y;\n",
]


@pytest.mark.parametrize("text", NGINX_COMMENT_CASES)
def test_nginx_comments_are_the_ones_crossplane_lexes(text: str, tmp_path: Path) -> None:
    """Fidelity: the suppression scanner finds exactly the comments crossplane's lexer yields
    (crossplane/lexer.py `_lex_file_object`: `#` at a token's start; quotes; `${...}`; escapes)."""
    import crossplane

    from origins_lint.suppress import comment_spans

    path = tmp_path / "x.conf"
    path.write_text(text, encoding="utf-8")
    theirs = [
        (token, line) for token, line, quoted in crossplane.lex(str(path)) if token[:1] == "#" and not quoted
    ]
    ours = [(text[start:end], text.count("\n", 0, start) + 1) for start, end in comment_spans(text, "nginx")]
    assert ours == theirs


HCL_TRICKY = [
    'a "x" {\n  v = "${ {k = "}"}["k"] }"\n}\nb {\n}\n',
    'a {\n  v = "$${not} %%{not} \\" } {"\n  w = "%{ if true }}%{ endif }"\n}\nb {}\n',
    'a {\n  # } {\n  // } {\n  /* } " { */\n  v = 1\n}\nb {\n}\n',
    'a {\n  v = <<-EOT\n    } " {\n    EOT\n  w = <<EOT\n${"}"}\nEOT\n}\nb {\n}\n',
    'locals { a = { b = [for x in ["}"] : x] } }\nresource "okta_trusted_origin" "o" { origin = "x" }\n',
]


@pytest.mark.parametrize("text", HCL_TRICKY)
def test_the_hcl_scan_finds_the_blocks_python_hcl2_parses(text: str) -> None:
    """Braces in strings, interpolations, template directives, comments and heredocs never count."""
    from origins_lint.formats.readers.hcl_scan import scan
    from origins_lint.formats.readers.hcl_values import parse_hcl

    blocks, error = parse_hcl("x.tf", text)
    assert error is None
    found = scan(text)
    assert found.error is None
    assert [b.header.split()[0] for b in found.blocks] == [b.type for b in blocks]
    assert [text[b.start : b.end].count("\n") + 1 for b in found.blocks] == [
        b.location.end_line - b.location.line + 1 for b in blocks
    ]
