"""Okta trusted-origin exports: every shape of the file, Okta's semantics, rules at line and column."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from origins_lint.formats import okta
from origins_lint.formats.base import FormatOptions
from origins_lint.source import Source, decode
from tests.conftest import FIXTURES, ROOT, check_json, mutate, run_cli, run_every_rule, write

OKTA = FIXTURES / "okta"


def found(path: Path, *extra: str) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=extra)
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


# trusted-origins.json, pretty-printed as the Admin API returns it
PRETTY = [
    ("OL101", 62, 15),  # a path: a browser's Origin never has one
    ("OL103", 69, 15),  # the portal, listed twice: reported at the second
    ("OL201", 20, 15),  # http with CORS: with the session cookie, so high
    # line 34 is http with REDIRECT only: no CORS trust, so no OL201; OL703 says its risk
    ("OL302", 27, 15),
    ("OL303", 41, 15),  # *.github.io: anyone can publish a page there
    ("OL501", 48, 15),
    ("OL701", 27, 15),  # IFRAME_EMBED on wildcards
    ("OL701", 41, 15),
    ("OL702", 55, 15),  # the only finding for an INACTIVE entry, though it is a risky one
    ("OL703", 34, 15),  # REDIRECT over http
    ("OL704", 27, 15),  # a wildcard with CORS
]


def test_pretty_export_findings_at_line_and_column() -> None:
    assert found(OKTA / "trusted-origins.json") == sorted(PRETTY)


def origin_at(path: Path, line: int, column: int) -> str:
    """The JSON string that starts at a finding's position."""
    text = path.read_text(encoding="utf-8").split("\n")[line - 1][column - 1 :]
    assert text.startswith('"'), text[:40]
    return str(json.JSONDecoder().raw_decode(text)[0])


def findings_by_origin(path: Path) -> Counter[tuple[str, str]]:
    result = check_json(path)
    return Counter((f["code"], origin_at(path, f["line"], f["column"])) for f in result.findings)


@pytest.mark.parametrize("name", ["minified-trusted-origins.json", "sdk-export.json", "paged-export.json"])
def test_every_shape_gives_the_same_findings_on_the_same_origins(name: str) -> None:
    assert findings_by_origin(OKTA / name) == findings_by_origin(OKTA / "trusted-origins.json")


def test_minified_export_columns() -> None:
    path = OKTA / "minified-trusted-origins.json"
    assert path.read_text(encoding="utf-8").count("\n") == 0
    columns = {(code, column) for code, line, column in found(path)}
    assert ("OL704", 628) in columns and ("OL702", 1210) in columns and ("OL103", 1483) in columns
    message = next(f["message"] for f in check_json(path).findings if f["code"] == "OL103")
    assert "(first at line 1, column 65)" in message


def test_snake_case_sdk_export_lines() -> None:
    assert found(OKTA / "sdk-export.json") == sorted(
        [
            ("OL101", 107, 13),
            ("OL103", 118, 13),
            ("OL201", 30, 13),  # line 59 is REDIRECT only: OL703 alone
            ("OL302", 42, 13),
            ("OL303", 70, 13),
            ("OL501", 82, 13),
            ("OL701", 42, 13),
            ("OL701", 70, 13),
            ("OL702", 96, 13),
            ("OL703", 59, 13),
            ("OL704", 42, 13),
        ]
    )


def test_three_hundred_entries_on_one_line(tmp_path: Path) -> None:
    entries = [
        {
            "id": f"tos{i:04}",
            "name": f"App {i}",
            "origin": f"http://app{i}.example.com" if i % 3 == 0 else f"https://app{i}.example.com",
            "scopes": [{"type": "CORS", "allowedOktaApps": []}],
            "status": "ACTIVE",
        }
        for i in range(300)
    ]
    path = tmp_path / "export.json"
    text = json.dumps(entries, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")
    result = check_json(path)
    got = sorted((f["line"], f["column"]) for f in result.findings)
    want = sorted((1, text.index(f'"http://app{i}.example.com"') + 1) for i in range(0, 300, 3))
    assert set(result.codes()) == {"OL201"}
    assert got == want


def test_single_object_export() -> None:
    """A REDIRECT-only origin grants no CORS (Okta Trusted Origins API: the scope types are CORS,
    REDIRECT and IFRAME_EMBED, each granting its own): its plain HTTP is OL703's to say, once
    (notes/s29-hunt2.md #7: OL201 "use this trust" said it a second time)."""
    assert found(OKTA / "single-origin.json") == [("OL703", 4, 13)]


def test_inactive_entries_get_only_ol702() -> None:
    assert found(OKTA / "inactive-only.json") == [("OL702", 2, 50), ("OL702", 3, 52)]


def test_clean_export() -> None:
    result = check_json(OKTA / "clean-trusted-origins.json")
    assert result.exit_code == 0
    assert result.findings == []


def test_schema_errors_each_at_their_value() -> None:
    result = check_json(OKTA / "schema-errors.json")
    got = [(f["code"], f["line"], f["column"], f["message"]) for f in result.findings]
    assert [g[:3] for g in got] == [
        ("OL002", 2, 70),
        ("OL002", 3, 60),
        ("OL002", 4, 3),
        ("OL002", 5, 90),
        ("OL002", 6, 25),
        ("OL002", 6, 41),
        ("OL002", 7, 3),
        ("OL002", 8, 3),
        ("OL702", 9, 25),  # a duplicate key is reported; the entry is still read (last one wins)
        ("OL002", 9, 100),
    ]
    messages = [g[3] for g in got]
    assert "`[0].scopes[0].type` must be 'CORS', 'REDIRECT' or 'IFRAME_EMBED' (got 'cors')" in messages
    assert any(m.startswith("`[1].scopes` is empty: Okta trusts this origin for nothing") for m in messages)
    assert "`[2]` is missing the required key `origin`" in messages
    assert "`[3].status` must be 'ACTIVE' or 'INACTIVE' (got 'DISABLED')" in messages
    assert "`[4].origin`: input should be a valid string (got 443)" in messages
    assert any("neither `origin` nor `scopes`" in m for m in messages)
    assert any(m.startswith("duplicate key `status`") for m in messages)


def test_snake_case_schema_errors_name_the_key_as_written(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "trusted-origins.json",
        '[{"origin": "https://a.example.com", '
        '"scopes": [{"type": "CORS", "allowed_okta_apps": "OKTA_ENDUSER"}]}]',
    )
    result = check_json(path)
    assert result.at("OL002") == [(1, 87)]
    assert result.findings[0]["message"].startswith("`[0].scopes[0].allowed_okta_apps`")


@pytest.mark.parametrize(
    ("name", "code", "line", "words"),
    [
        ("error-body.json", "OL002", 1, "an Okta error response (E0000011: Invalid token provided)"),
        ("truncated-trusted-origins.json", "OL001", 22, "a string is not closed; the file ends early"),
        ("empty-trusted-origins.json", "OL001", 1, "file is empty; an Okta export is a JSON list"),
    ],
)
def test_broken_exports_are_clear_findings(name: str, code: str, line: int, words: str) -> None:
    result = check_json(OKTA / name)
    assert result.exit_code == 1
    assert [(f["code"], f["line"]) for f in result.findings] == [(code, line)]
    assert words in result.findings[0]["message"]
    assert "Traceback" not in result.stdout + result.stderr


def test_other_json_is_unknown_when_named_and_skipped_when_walked(tmp_path: Path) -> None:
    named = check_json(OKTA / "package.json")
    assert named.codes() == ["OL003"]
    assert named.exit_code == 0  # info is below the default fail level
    (tmp_path / "package.json").write_bytes((OKTA / "package.json").read_bytes())
    walked = check_json(tmp_path)
    assert walked.exit_code == 0 and walked.findings == []


def test_forcing_the_okta_format_on_other_json_says_what_is_wrong() -> None:
    result = check_json(OKTA / "package.json", extra=("--input-format", "okta"))
    assert result.codes() == ["OL002"]
    assert "neither `origin` nor `scopes`" in result.findings[0]["message"]


def test_recognized_by_content_whatever_the_name(tmp_path: Path) -> None:
    text = (OKTA / "single-origin.json").read_text(encoding="utf-8")
    path = write(tmp_path, "exports/2025-06-01.json", text)
    assert check_json(tmp_path).at("OL703") == [(4, 13)]
    assert okta.detect(str(path), text)
    assert not okta.detect("tsconfig.json", '{"compilerOptions": {"strict": true}}')


def test_development_files_allow_localhost(tmp_path: Path) -> None:
    text = (OKTA / "dev" / "trusted-origins.json").read_text(encoding="utf-8")
    write(tmp_path, "okta/dev/trusted-origins.json", text)
    assert check_json("okta", cwd=tmp_path).at("OL501") == [(2, 47), (3, 46)]
    write(tmp_path, ".origins-lint.toml", 'development-files = ["okta/dev/*.json"]\n')
    result = check_json("okta", cwd=tmp_path)
    assert result.findings == []


def test_organization_policy_applies_to_okta(tmp_path: Path) -> None:
    write(tmp_path, ".origins-lint.toml", 'allowed-domains = ["example.com"]\n')
    write(tmp_path, "trusted-origins.json", (OKTA / "clean-trusted-origins.json").read_text("utf-8"))
    assert check_json("trusted-origins.json", cwd=tmp_path).findings == []
    write(
        tmp_path,
        "trusted-origins.json",
        '[{"origin": "https://partner.example.net", "scopes": [{"type": "CORS"}]}]',
    )
    assert check_json("trusted-origins.json", cwd=tmp_path).at("OL801") == [(1, 13)]


def test_okta_rules_stay_off_policy_files(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "embeds.origins.yaml",
        """
        version: 1
        origins:
          - origin: https://*.example.com
            scopes: [cors, iframe_embed]
        """,
    )
    codes = check_json(path).codes()
    assert "OL302" in codes
    assert not [code for code in codes if code.startswith("OL7")]


def test_match_names_the_entry_and_its_scopes() -> None:
    result = run_cli("match", "https://portal.example.com", str(OKTA / "trusted-origins.json"))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].endswith(
        "trusted-origins.json:5:15: exact `https://portal.example.com` (Customer portal) admits it "
        "for CORS, REDIRECT, with credentials"
    )
    assert "wildcard `https://*.example.com` (Every app) admits it for CORS, IFRAME_EMBED" in lines[1]
    assert "(Customer portal (again))" in lines[2]
    inactive = run_cli("match", "https://spring-sale.example.org", str(OKTA / "trusted-origins.json"))
    assert inactive.exit_code == 1  # an INACTIVE entry admits nothing


def test_match_json_lists_scopes() -> None:
    result = run_cli("match", "https://x.example.com", str(OKTA / "trusted-origins.json"), "-f", "json")
    data = json.loads(result.stdout)
    assert data["trusted"] is True
    assert data["entries"] == [
        {
            "path": str(OKTA / "trusted-origins.json"),
            "line": 27,
            "column": 15,
            "kind": "wildcard",
            "matcher": "https://*.example.com",
            "credentials": True,
            "scopes": ["cors", "iframe_embed"],
            "name": "Every app",
        }
    ]


def test_checked_in_schema_accepts_every_export_shape() -> None:
    schema = json.loads((ROOT / "schemas" / "okta-trusted-origins.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for name in ("trusted-origins.json", "sdk-export.json", "paged-export.json", "single-origin.json"):
        validator.validate(json.loads((OKTA / name).read_text("utf-8")))
    bad = json.loads((OKTA / "schema-errors.json").read_text("utf-8"))
    assert not validator.is_valid(bad)


def test_schema_command_prints_the_okta_schema() -> None:
    result = run_cli("schema", "okta-trusted-origins")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "Okta trusted origins export"
    assert run_cli("schema", "okta").exit_code == 2


_SEEDS = [(OKTA / name).read_bytes() for name in ("trusted-origins.json", "schema-errors.json")]
_PIECES = st.sampled_from([b"", b"{", b"}", b"[", b"]", b'"', b",", b":", b"\\", b"null", b"\x00", b"\xff"])


@given(
    seed=st.sampled_from(_SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 6), _PIECES), max_size=6),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mutated_exports_never_raise(edits: list[tuple[int, int, bytes]], seed: bytes) -> None:
    source = decode("trusted-origins.json", mutate(seed, edits))
    if isinstance(source, Source):
        run_every_rule(okta.parse(source, FormatOptions()))


def test_deep_json_is_bounded(tmp_path: Path) -> None:
    path = write(tmp_path, "trusted-origins.json", "[" * 5000 + "]" * 5000)
    result = check_json(path)
    assert result.codes() == ["OL001"]
    assert "deeper than 100 levels" in result.findings[0]["message"]


OKTA_FILES = sorted(
    [*(FIXTURES / "okta").rglob("*.json"), *(ROOT / "examples" / "okta").glob("*.json")], key=str
)


@pytest.mark.parametrize("fixture", OKTA_FILES, ids=lambda p: p.name)
def test_the_fast_reader_gives_what_the_exact_loader_gives(fixture: Path) -> None:
    """Where the C-speed reader takes a file, its model is the exact loader's, location for location."""
    from origins_lint.formats.okta import fast as okta_fast
    from origins_lint.model import ParsedFile

    source = decode(str(fixture), fixture.read_bytes())
    assert isinstance(source, Source)
    exact = okta.read_exactly(source, ParsedFile(source.path, "okta"))
    fast = okta_fast.read_export(source.path, source.text)
    if fast is None:  # errors, pages, SDK keys: only the exact loader reads these
        assert exact.problems or fixture.name in LEFT_TO_THE_EXACT_LOADER
        return
    assert not exact.problems
    assert [okta._document(source.path, fast)] == exact.documents


LEFT_TO_THE_EXACT_LOADER = {"paged-export.json", "sdk-export.json", "single-origin.json"}


def test_the_fast_reader_takes_the_usual_export() -> None:
    from origins_lint.formats.okta import fast as okta_fast

    for name in ("trusted-origins.json", "minified-trusted-origins.json", "clean-trusted-origins.json"):
        fixture = FIXTURES / "okta" / name
        assert okta_fast.read_export(str(fixture), fixture.read_text("utf-8")) is not None, name


@pytest.mark.parametrize(
    "text",
    [
        '[{"origin": "https://a.example.com", "scopes": [{"type": "CORS"}], "origin": "x"}]',  # duplicate
        '[{"origin": "https://a.example.com", "scopes": []}]',  # no scope: a schema error
        '[{"origin": "https://a.example.com", "scopes": [{"type": "cors"}]}]',
        '[{"origin": 5, "scopes": [{"type": "CORS"}]}]',
        '[{"origin": "https://a.example.com", "scopes": [{"type": ["CORS"]}]}]',  # found by fuzz/run.py
        '[{"origin": "https://a.example.com", "scopes": [{"type": {"CORS": 1}}]}]',
        '[{"origin": "https://a.example.com", "scopes": [{"type": "CORS"}], "status": "GONE"}]',
        '[{"origin": "https://a.example.com", "scopes": [{"type": "CORS"}], "name": true}]',
        '[{"origin": "https://a.example.com", "scopes": [{"type": "CORS"}], "last_updated": "x"}]',
        '[{"origin": "https://a.example.com", "scopes": [{"type": "CORS"}]}] []',
        '[{"origin": "https://a.example.com", "scopes": [{"type": "CORS"}]},]',
        '[[{"origin": "https://a.example.com", "scopes": [{"type": "CORS"}]}]]',
        '[{"origin": "https://a.example.com", "scopes": [{"type": "CORS"}], "x": '
        + "[" * 99
        + "]" * 99
        + "}]",
    ],
)
def test_anything_unusual_is_left_to_the_exact_loader(text: str) -> None:
    from origins_lint.formats.okta import fast as okta_fast

    assert okta_fast.read_export("t.json", text) is None


def test_keys_in_any_order_with_escapes_and_brackets_in_strings_are_located() -> None:
    from origins_lint.formats.okta import fast as okta_fast
    from origins_lint.model import ParsedFile

    text = (
        '[\n {"_links": {"self": {"href": "https://x/]}{"}}, "name": "a \\"[b]\\" {c}",\n'
        '  "scop\\u0065s": [{"allowedOktaApps": ["[{"], "type": "IFRAME_EMBED"},\n   {"type": "CORS"}],\n'
        '  "status": "INACTIVE", "origin": "https://a.example.com"},\n'
        ' {"origin": "https://b.example.com", "scopes": [{"type": "REDIRECT"}],\n'
        '  "extra": {"type": "CORS"}}\n]\n'
    )
    source = Source("trusted-origins.json", text)
    fast = okta_fast.read_export(source.path, text)
    assert fast is not None
    exact = okta.read_exactly(source, ParsedFile(source.path, "okta"))
    assert not exact.problems
    assert [okta._document(source.path, fast)] == exact.documents


def test_the_fast_reader_keeps_to_the_schema_constants() -> None:
    from typing import get_args

    from origins_lint.formats.okta import fast as okta_fast
    from origins_lint.formats.okta import schema as okta_schema

    assert set(get_args(okta_schema.ScopeType)) == okta_fast.SCOPE_TYPES
    assert set(get_args(okta_schema.TrustedOrigin.model_fields["status"].annotation)) == okta_fast.STATUSES
    assert {camel: snake for snake, camel in okta_fast.SNAKE_CASE.items()} == okta_schema.CAMEL_CASE
