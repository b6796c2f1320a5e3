"""The command line as users and CI call it: exit codes, output shapes, options."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, check_json, run_cli, write

RISKY = """
version: 1
origins:
  - origin: http://partner.example.com
  - origin: https://*.example.com
  - origin: "*"
"""
CLEAN = "version: 1\norigins:\n  - origin: https://app.example.com\n"


def test_exit_codes(project: Path) -> None:
    write(project, "clean.origins.yaml", CLEAN)
    write(project, "risky.origins.yaml", RISKY)
    assert run_cli("check", "clean.origins.yaml").exit_code == 0
    assert run_cli("check", "risky.origins.yaml").exit_code == 1
    assert run_cli("check", "--fail-on", "high", "risky.origins.yaml").exit_code == 0
    assert run_cli("check", "--fail-on", "medium", "risky.origins.yaml").exit_code == 1
    assert run_cli("check", "--fail-on", "urgent", "risky.origins.yaml").exit_code == 2
    assert run_cli("check", "--output-format", "xml", "risky.origins.yaml").exit_code == 2


def test_text_output_is_ruff_like_with_summary(project: Path) -> None:
    write(project, "risky.origins.yaml", RISKY)
    result = run_cli("check", "risky.origins.yaml")
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "risky.origins.yaml:3:13: OL201 [medium] `http://partner.example.com` is plain HTTP"
    )
    assert lines[-1] == "Found 3 findings (2 medium, 1 low) in 1 file."
    assert "\x1b[" not in result.stdout  # not a TTY: no colour


def test_clean_summary(project: Path) -> None:
    write(project, "clean.origins.yaml", CLEAN)
    assert run_cli("check", ".").stdout == "No findings in 1 file.\n"


def test_json_output_shape(project: Path) -> None:
    write(project, "risky.origins.yaml", RISKY)
    report = check_json("risky.origins.yaml").report
    assert set(report) == {"version", "files_checked", "baselined", "findings", "disabled_rules"}
    assert report["files_checked"] == 1
    assert report["baselined"] == 0
    first = report["findings"][0]
    assert re.fullmatch(r"[0-9a-f]{32}:1", first["fingerprint"])
    assert first == {
        "code": "OL201",
        "slug": "insecure-origin",
        "severity": "medium",
        "path": "risky.origins.yaml",
        "line": 3,
        "column": 13,
        "end_line": 3,
        "end_column": 39,
        "message": first["message"],
        "format": "policy",
        "fix": None,
        "fingerprint": first["fingerprint"],
    }


def test_select_and_ignore_by_code_slug_and_prefix(project: Path) -> None:
    write(project, "risky.origins.yaml", RISKY)
    assert check_json("risky.origins.yaml", extra=("--select", "OL3")).codes() == ["OL302", "OL301"]
    assert check_json("risky.origins.yaml", extra=("--select", "insecure-origin")).codes() == ["OL201"]
    assert check_json("risky.origins.yaml", extra=("--ignore", "OL301,wildcard-subdomain")).codes() == [
        "OL201"
    ]
    bad = run_cli("check", "--select", "OL999", "risky.origins.yaml")
    assert bad.exit_code == 2 and "unknown rule `OL999`" in bad.stderr
    typo = run_cli("check", "--ignore", "insecure-orign", "risky.origins.yaml")
    assert typo.exit_code == 2 and "did you mean `insecure-origin`" in typo.stderr


def test_exclude(project: Path) -> None:
    write(project, "a/risky.origins.yaml", RISKY)
    write(project, "b/risky.origins.yaml", RISKY)
    result = check_json(".", extra=("--exclude", "b"))
    assert {f["path"] for f in result.findings} == {"a/risky.origins.yaml"}


def test_unknown_format_only_for_explicit_files(project: Path) -> None:
    write(project, "notes.yaml", "title: hello\n")
    explicit = check_json("notes.yaml")
    assert explicit.codes() == ["OL003"] and explicit.exit_code == 0
    assert check_json(".").report["files_checked"] == 0


def test_input_format_forces_policy(project: Path) -> None:
    write(project, "trusted.txt", CLEAN.replace("https", "http"))
    assert check_json("--input-format", "policy", "trusted.txt").codes() == ["OL201"]
    bad = run_cli("check", "--input-format", "nginx-ish", "trusted.txt")
    assert bad.exit_code == 2 and "unknown input format" in bad.stderr


def test_rules_command_lists_every_rule() -> None:
    result = run_cli("rules")
    assert result.exit_code == 0
    assert "OL303  shared-host-origin" in result.stdout
    rows = json.loads(run_cli("rules", "--output-format", "json").stdout)
    assert {
        "code": "OL201",
        "slug": "insecure-origin",
        "severity": "medium",
        "summary": "Plain-HTTP origin",
    } in rows


def test_console_script_and_module_run_for_real(tmp_path: Path) -> None:
    write(tmp_path, "risky.origins.yaml", RISKY)
    script = Path(sys.executable).parent / "origins-lint"
    for command in ([str(script)], [sys.executable, "-m", "origins_lint"]):
        done = subprocess.run(
            [*command, "check", "risky.origins.yaml"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        assert "OL201" in done.stdout and "Traceback" not in done.stderr


def test_examples_folder_findings_a_reviewer_agrees_with() -> None:
    result = check_json("examples/", cwd=ROOT)
    by_file: dict[str, list[str]] = {}
    for finding in result.findings:
        by_file.setdefault(Path(finding["path"]).name, []).append(finding["code"])
    assert "storefront.origins.yaml" not in by_file
    assert "local-dev.origins.yaml" not in by_file
    assert sorted(by_file["legacy-partners.origins.yaml"]) == sorted(
        [
            "OL103",
            "OL101",
            "OL201",
            "OL303",
            "OL302",
            "OL403",
            "OL501",
            "OL307",
            "OL302",
            "OL306",
            "OL202",
            "OL301",
        ]
    )
    assert "production-trusted-origins.json" not in by_file
    assert sorted(by_file["trusted-origins.json"]) == sorted(
        ["OL302", "OL704", "OL703", "OL303", "OL701", "OL501", "OL702"]  # REDIRECT-only http: OL703 alone
    )
    assert sorted(by_file["trusted-origins.tf"]) == sorted(["OL201", "OL703", "OL302", "OL701", "OL004"])
    assert "storefront.conf" not in by_file
    located = {(Path(f["path"]).name, f["code"], f["line"], f["column"]) for f in result.findings}
    assert sorted(by_file["ingress.yaml"]) == sorted(["OL103", "OL302", "OL201"])
    assert {("ingress.yaml", "OL201", 9, 106), ("ingress.yaml", "OL302", 9, 83)} <= located
    assert sorted(by_file["virtual-service.yaml"]) == sorted(["OL309", "OL302", "OL307"])
    assert sorted(by_file["envoy.yaml"]) == sorted(["OL202", "OL309"])
    assert sorted(by_file["traefik.yml"]) == sorted(["OL302", "OL306"])
    # a host-only regex (any scheme); no `headers`: Kong echoes the requested ones
    assert sorted(by_file["kong.yml"]) == sorted(["OL202", "OL302", "OL404"])
    assert {("kong.yml", "OL202", 15, 19), ("apisix.yaml", "OL306", 9, 13)} <= located
    assert sorted(by_file["apisix.yaml"]) == sorted(["OL302", "OL306"])  # searched, unanchored
    assert "kong-plugin.yaml" not in by_file
    assert "apisix-route.yaml" not in by_file
    assert sorted(by_file["application.yml"]) == sorted(["OL402", "OL302"])
    assert sorted(by_file["httproute.yaml"]) == sorted(["OL302", "OL201"])
    assert {("httproute.yaml", "OL302", 20, 17), ("httproute.yaml", "OL201", 21, 17)} <= located
    assert sorted(by_file["securitypolicy.yaml"]) == ["OL302"]
    assert sorted(by_file["httpproxy.yaml"]) == sorted(["OL101", "OL302", "OL307"])
    for clean in ("httproute-clean.yaml", "securitypolicy-clean.yaml", "httpproxy-clean.yaml"):
        assert clean not in by_file
    assert sorted(by_file["shop-api.conf"]) == sorted(
        ["OL306", "OL307", "OL604", "OL605", "OL602", "OL603", "OL402", "OL603", "OL202"]
    )
    assert sorted(by_file["haproxy-risky.cfg"]) == sorted(["OL202", "OL309", "OL202", "OL306", "OL602"])
    assert {("haproxy-risky.cfg", "OL309", 14, 44), ("haproxy-risky.cfg", "OL306", 16, 43)} <= located
    assert "haproxy-clean.cfg" not in by_file
    # issue 23: CloudFormation/SAM, Serverless, OpenAPI (the clean ones say nothing)
    assert sorted(by_file["cloudformation-risky.yaml"]) == sorted(["OL601", "OL201", "OL004", "OL303"])
    assert {("cloudformation-risky.yaml", "OL601", 15, 22)} <= located
    assert sorted(by_file["openapi-risky.yaml"]) == sorted(["OL402", "OL501"])
    assert "cloudformation-clean.yaml" not in by_file and "openapi-clean.yaml" not in by_file
    serverless = [f["code"] for f in result.findings if f["path"].endswith("risky/serverless.yml")]
    assert sorted(serverless) == sorted(["OL303", "OL301"])
    assert not [f for f in result.findings if f["path"].endswith("clean/serverless.yml")]
    # issue 23: Terraform CORS on AWS, Azure and Google Cloud
    assert "terraform-aws-clean.tf" not in by_file and "terraform-azure-clean.tf" not in by_file
    assert sorted(by_file["terraform-aws-risky.tf"]) == sorted(["OL302", "OL308", "OL201", "OL401", "OL303"])
    assert ("terraform-aws-risky.tf", "OL308", 9, 51) in located  # S3: `https://*example.com`, `*` any text
    azure = ["OL002", "OL303", "OL501", "OL305"]  # `*` with credentials: refused (OL002), no OL401 besides
    assert sorted(by_file["terraform-azure-risky.tf"]) == sorted(azure)
    assert ("terraform-azure-risky.tf", "OL002", 11, 30) in located  # App Service refuses `*` + credentials
    assert "apache-clean.conf" not in by_file
    assert sorted(by_file["apache-risky.conf"]) == sorted(
        ["OL302", "OL601", "OL602", "OL603", "OL603", "OL202", "OL306", "OL602", "OL402", "OL605"]
    )
    assert "clean.caddyfile" not in by_file
    assert sorted(by_file["risky.caddyfile"]) == sorted(["OL602", "OL302", "OL306", "OL602", "OL402"])
    assert {("risky.caddyfile", "OL306", 11, 14), ("risky.caddyfile", "OL402", 16, 37)} <= located


def test_text_output_escapes_control_sequences_from_files(project: Path) -> None:
    write(
        project,
        "p.origins.yaml",
        'version: 1\norigins:\n  - origin: "http://a.example.com\\e]0;pwned\\a\\e[2J"\n',
    )
    out = run_cli("check", "p.origins.yaml").stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;pwned\\x07" in out


def test_readme_quotes_the_examples_summary() -> None:
    summary = run_cli("check", "examples", cwd=ROOT).stdout.splitlines()[-1]
    assert summary.startswith("Found 93 findings")
    assert f"\n{summary}\n" in (ROOT / "README.md").read_text(encoding="utf-8")
