"""Terraform `okta_trusted_origin`: both provider shapes, static values only, rules at line and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from origins_lint.formats import terraform
from origins_lint.formats.base import FormatOptions
from origins_lint.formats.readers.hcl_values import Evaluator, Unresolved, Value, parse_hcl
from origins_lint.source import Source, decode
from tests.conftest import FIXTURES, check_json, mutate, run_cli, run_every_rule, write

TF = FIXTURES / "terraform"


def found(path: Path, *extra: str) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=extra)
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


def test_provider_v7_scope_blocks_and_status() -> None:
    assert found(TF / "okta-v7.tf") == [
        # line 40 is REDIRECT-only over http: OL703 alone (no CORS trust for OL201 to speak of)
        ("OL302", 26, 12),
        ("OL701", 26, 12),
        ("OL702", 49, 12),  # status = "INACTIVE": nothing else, though it is plain HTTP with CORS
        ("OL703", 40, 12),
        ("OL704", 26, 12),
    ]


def test_provider_v6_scope_list_and_active() -> None:
    assert found(TF / "okta-v6.tf") == [
        ("OL201", 4, 12),
        ("OL302", 16, 12),
        ("OL303", 10, 12),
        ("OL501", 22, 12),
        ("OL701", 10, 12),
        ("OL702", 28, 12),  # active = false
        ("OL704", 16, 12),
    ]


def test_values_are_resolved_only_when_the_file_fixes_them() -> None:
    result = check_json(TF / "dynamic-values.tf")
    got = sorted((f["code"], f["line"], f["column"]) for f in result.findings)
    assert got == [
        ("OL004", 20, 12),  # origin = var.portal_origin: a default is not the value, so not guessed
        ("OL004", 38, 3),  # for_each over a variable
        ("OL004", 45, 3),  # dynamic "scopes"
        ("OL004", 54, 12),  # another resource's attribute
        ("OL004", 61, 12),  # status from a conditional: checked as if active
        ("OL103", 15, 13),  # help.example.com is inside *.example.com, both IFRAME_EMBED
        ("OL201", 13, 12),  # each.value of a map in locals: points into the locals block
        ("OL201", 72, 12),  # count = var.enabled ? 1 : 0 still creates the resource sometimes
        ("OL302", 15, 41),  # each.value of toset(local.embeds)
        ("OL701", 15, 41),
        ("OL703", 13, 12),
        ("OL703", 59, 12),
    ]
    messages = {(f["line"], f["column"]): f["message"] for f in result.findings if f["code"] == "OL004"}
    assert messages[(20, 12)].startswith(
        "`okta_trusted_origin.from_variable`: `origin` was not analysed: `var.portal_origin` is an "
        "input variable"
    )
    assert "`okta_domain.main.domain` is known only when Terraform runs" in messages[(54, 12)]
    assert "checked as if active" in messages[(61, 12)]
    assert all(f["severity"] == "info" for f in result.findings if f["code"] == "OL004")


def test_files_without_okta_resources_are_skipped_silently(tmp_path: Path) -> None:
    named = check_json(TF / "no-okta.tf")  # not even valid HCL, and no word about it
    assert named.exit_code == 0 and named.findings == []
    (tmp_path / "main.tf").write_bytes((TF / "no-okta.tf").read_bytes())
    assert check_json(tmp_path).findings == []


def test_broken_hcl_is_ol001_at_the_error() -> None:
    result = check_json(TF / "broken.tf")
    assert [(f["code"], f["line"], f["column"]) for f in result.findings] == [("OL001", 5, 1)]
    assert result.findings[0]["message"] == "invalid HCL: unexpected `}`; expected `,` or `]`"
    assert "Traceback" not in result.stdout + result.stderr


def test_schema_errors_in_resources() -> None:
    result = check_json(TF / "schema-errors.tf")
    assert [(f["code"], f["line"], f["column"], f["message"]) for f in result.findings] == [
        ("OL002", 1, 1, "`okta_trusted_origin.no_origin`: has no `origin`"),
        (
            "OL002",
            6,
            1,
            "`okta_trusted_origin.no_scopes`: has no `scopes`: Okta needs CORS, REDIRECT or IFRAME_EMBED",
        ),
        (
            "OL002",
            12,
            13,
            "`okta_trusted_origin.lower_case`: scope 'cors' is not one of CORS, REDIRECT, IFRAME_EMBED",
        ),
        ("OL002", 16, 12, "`okta_trusted_origin.number`: `origin` must be a string, not 443"),
        (
            "OL002",
            22,
            12,
            "`okta_trusted_origin.empty_scopes`: `scopes` must be a non-empty list "
            'such as `["CORS", "REDIRECT"]`',
        ),
    ]


def test_hash_and_slash_comments_suppress() -> None:
    assert found(TF / "suppressed.tf") == [("OL201", 14, 12)]


def test_match_on_terraform() -> None:
    result = run_cli("match", "https://beta.example.net", str(TF / "dynamic-values.tf"))
    # only http://beta is listed, but `var.portal_origin` and `var.partner_origins` might hold
    # https://beta: unknown (exit 3), never "not trusted"
    assert result.exit_code == 3
    assert "dynamic-values.tf:20:12: a value not analysed might admit it: " in result.stdout
    assert "dynamic-values.tf:38:3: a value not analysed might admit it: " in result.stdout
    assert "`https://beta.example.net` is unknown: " in result.stdout
    result = run_cli("match", "http://beta.example.net", str(TF / "dynamic-values.tf"))
    assert result.exit_code == 0
    assert (
        "dynamic-values.tf:13:12: exact `http://beta.example.net` (Partner beta) admits it for CORS, REDIRECT"
        in (result.stdout)
    )


def test_directory_of_mixed_formats(tmp_path: Path) -> None:
    for name in ("okta-v6.tf", "no-okta.tf"):
        (tmp_path / "infra" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "infra" / name).write_bytes((TF / name).read_bytes())
    result = check_json("infra", cwd=tmp_path)
    assert {f["path"] for f in result.findings} == {"infra/okta-v6.tf"}
    assert result.report["files_checked"] == 1  # no-okta.tf is no file of ours (issue 20)


def test_match_counts_only_the_files_a_format_reads(tmp_path: Path) -> None:
    """As `check` counts files checked: a `.tf` with no Okta resource is no file of ours (issue 20)."""
    for name in ("okta-v6.tf", "no-okta.tf"):
        (tmp_path / "infra" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "infra" / name).write_bytes((TF / name).read_bytes())
    result = run_cli("match", "https://nobody.example.net", "infra/no-okta.tf", cwd=tmp_path)
    assert result.exit_code == 1
    last = result.stdout.splitlines()[-1]
    assert last == "`https://nobody.example.net` is not trusted by any entry in 0 file(s)"


def evaluate(source: str, name: str) -> Value | Unresolved:
    blocks, error = parse_hcl("x.tf", source)
    assert error is None
    evaluator = Evaluator("x.tf", source, blocks)
    return evaluator.evaluate(evaluator.locals[name].expression)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('locals {\n  a = "q\\"\\u00e9\\n$${x}"\n}\n', 'q"é\n${x}'),
        ('locals {\n  a = lower("HTTPS://A.Example.COM")\n}\n', "https://a.example.com"),
        ('locals {\n  b = "example.com"\n  a = "https://app.${local.b}"\n}\n', "https://app.example.com"),
        (
            'locals {\n  m = { x = { origin = "https://m.example.com" } }\n  a = local.m["x"].origin\n}\n',
            "https://m.example.com",
        ),
        (
            'locals {\n  l = ["https://0.example.com", "https://1.example.com"]\n  a = local.l[1]\n}\n',
            "https://1.example.com",
        ),
    ],
)
def test_static_values(source: str, expected: str) -> None:
    value = evaluate(source, "a")
    assert isinstance(value, Value) and value.data == expected


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("locals {\n  a = local.b\n  b = local.a\n}\n", "refers to itself"),
        ("locals {\n  a = local.missing\n}\n", "`local.missing` is not defined in this file"),
        ('locals {\n  a = format("https://%s", "x")\n}\n', "calls `format()`, which is not evaluated"),
        ('locals {\n  a = "%{ if true }x%{ endif }"\n}\n', "template directive"),
        ('locals {\n  a = var.x == "" ? "a" : "b"\n}\n', "is computed when Terraform runs"),
    ],
)
def test_unresolved_values_say_why(source: str, reason: str) -> None:
    value = evaluate(source, "a")
    assert isinstance(value, Unresolved)
    assert reason in value.reason


_SEEDS = [(TF / name).read_bytes() for name in ("okta-v7.tf", "dynamic-values.tf")]
_PIECES = st.sampled_from(
    [b"", b"{", b"}", b"[", b"]", b'"', b"${", b"=", b"\\", b"\n", b"\x00", b"\xff", b"#"]
)


@given(
    seed=st.sampled_from(_SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 6), _PIECES), max_size=6),
)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mutated_terraform_never_raises(edits: list[tuple[int, int, bytes]], seed: bytes) -> None:
    source = decode("main.tf", mutate(seed, edits))
    if isinstance(source, Source):
        run_every_rule(terraform.parse(source, FormatOptions()))


def test_deep_expressions_are_bounded(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "main.tf",
        'resource "okta_trusted_origin" "x" {\n  origin = '
        + "[" * 3000
        + "]" * 3000
        + '\n  scopes = ["CORS"]\n}\n',
    )
    result = check_json(path)
    assert result.exit_code == 0, result.stderr
    assert result.codes() == ["OL004"]
    assert "nests deeper than 200 levels" in result.findings[0]["message"]
