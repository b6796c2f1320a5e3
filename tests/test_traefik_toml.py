"""Traefik's file provider in TOML: read as its YAML is, with TOML's own lines and columns.

traefik/paerser file/file.go `DecodeContent` decodes `.toml` with BurntSushi/toml (TOML 1.0)
and `.yml`/`.yaml` with yaml.v3 into the same configuration; traefik/traefik
pkg/provider/file/file.go loads `.toml`, `.yaml` and `.yml` files of a directory
(`loadFileConfigFromDirectory`). A TOML dynamic configuration was "No findings in 0 files".
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from origins_lint.check import run_check
from origins_lint.config import Config
from origins_lint.formats.readers.toml_tree import load_toml
from tests.conftest import FIXTURES, check_json, mutate, run_cli, write

TRAEFIK = FIXTURES / "traefik"


def found(path: Path) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=("--no-cache",))
    assert result.exit_code in (0, 1) and "Traceback" not in result.stdout + result.stderr
    return sorted((f["code"], f["line"], f["column"]) for f in result.findings)


def messages(path: Path) -> list[tuple[str, str]]:
    findings = check_json(path, extra=("--no-cache",)).findings
    return sorted((f["code"], f["message"]) for f in findings)


def test_the_toml_file_says_what_its_yaml_twin_says() -> None:
    # dynamic.toml holds dynamic.yml's middlewares: the same findings, in the same words
    assert messages(TRAEFIK / "dynamic.toml") == messages(TRAEFIK / "dynamic.yml")
    assert found(TRAEFIK / "dynamic.toml") == [
        ("OL201", 7, 5),  # "http://admin.example.com", an item of a multi-line array
        ("OL301", 17, 35),  # ["*"] in public-cors
        ("OL302", 10, 5),  # a literal (single-quoted) string
        ("OL302", 11, 5),  # a basic string with escapes: `\\.` is one backslash to Traefik
        ("OL306", 10, 5),
        ("OL402", 21, 48),  # `headers.` dotted keys under [http.middlewares.echo-cors]
        ("OL404", 4, 31),
        ("OL602", 5, 3),  # no addVaryHeader: at the origin list's key
    ]


def test_quoted_keys_inline_tables_custom_headers_and_character_columns() -> None:
    assert found(TRAEFIK / "shapes.toml") == [
        ("OL102", 3, 68),  # a Unicode host
        ("OL201", 3, 68),
        ("OL201", 3, 93),  # after `ü`: 93 characters, 94 bytes in
        ("OL305", 8, 58),  # `null` in an inline table in an inline table
        ("OL401", 11, 35),  # custom `Access-Control-Allow-Origin = "*"` with the custom credentials
    ]


def test_match_reads_the_toml_file() -> None:
    path = str(TRAEFIK / "shapes.toml")
    said = run_cli("match", "https://evil.example", path)
    assert said.exit_code == 0
    assert "shapes.toml:11:35: any `*` (custom) admits it" in said.stdout
    assert run_cli("match", "https://partner.example.com", path).exit_code == 0


def test_a_file_that_is_not_toml_is_ol001_at_the_error() -> None:
    assert found(TRAEFIK / "broken.toml") == [("OL001", 3, 3)]
    finding = check_json(TRAEFIK / "broken.toml", extra=("--no-cache",)).findings[0]
    assert finding["message"] == "invalid TOML: invalid value"


def test_a_file_cut_short_says_so_at_its_end(tmp_path: Path) -> None:
    path = write(tmp_path, "dynamic.toml", '[http.middlewares.a.headers]\naccessControlAllowOriginList = ["x')
    result = check_json(path, extra=("--no-cache",))
    # at its last character, the `x`
    assert [(f["code"], f["line"], f["column"]) for f in result.findings] == [("OL001", 2, 34)]
    assert result.findings[0]["message"].endswith("the file ends early (cut short?)")


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 150 + "]" * 150,  # arrays in arrays: tomllib would recurse
        "a" + ".b" * 150 + " = 1 # accessControlAllowOriginList",  # a dotted key makes tables
        "[" + ".".join(["t"] * 150) + "]\naccessControlAllowOriginList = []",
    ],
)
def test_nesting_past_the_limit_is_said_not_crashed(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "dynamic.toml", f"# accessControlAllowOriginList\n{text}\n")
    result = check_json(path, "--input-format", "traefik", extra=("--no-cache",))
    assert "Traceback" not in result.stdout + result.stderr
    assert [f["code"] for f in result.findings] == ["OL001"]
    assert "TOML nests deeper than 100 levels" in result.findings[0]["message"]


def test_a_walk_reads_traefik_toml_and_leaves_other_toml_alone(tmp_path: Path) -> None:
    (tmp_path / "dynamic.toml").write_text((TRAEFIK / "dynamic.toml").read_text())
    write(tmp_path, "pyproject.toml", '[project]\nname = "demo"\n')
    write(tmp_path, "Cargo.toml", '[package]\nname = "demo"\nversion = "0.1.0"\n')
    result = check_json(tmp_path, extra=("--no-cache",))
    assert result.exit_code == 1
    assert {Path(f["path"]).name for f in result.findings} == {"dynamic.toml"}
    assert len(result.findings) == 8
    assert run_cli("check", "--no-cache", str(tmp_path)).stdout.rstrip().endswith("in 1 file.")


def test_an_inline_suppression_in_a_toml_comment(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "dynamic.toml",
        """
        [http.middlewares.legacy.headers]
          # origins-lint: ignore[OL201] the legacy kiosk has no TLS; tracked in OPS-12
          accessControlAllowOriginList = ["http://kiosk.example.com"]
          addVaryHeader = true
        """,
    )
    assert check_json(path, extra=("--no-cache",)).findings == []


def test_arrays_of_tables_and_dotted_keys_are_placed_where_tomllib_puts_their_values() -> None:
    text = (
        "[[a]]\n"  # a[0]
        "x = 1\n"
        "[[a]]\n"  # a[1]
        'x = "two"\n'
        "[a.b]\n"  # a[1].b
        "c.d = [10, 20]\n"
        "[[a.e]]\n"  # a[1].e[0]
        "f = { g = 'h' }\n"
    )
    node, problems = load_toml("t.toml", text)
    assert problems == [] and node is not None
    first, second = node.value["a"].value
    assert (first.value["x"].location.line, first.value["x"].location.column) == (2, 5)
    assert (second.value["x"].location.line, second.value["x"].location.column) == (4, 5)
    assert second.key_locations["b"].line == 5
    d = second.value["b"].value["c"].value["d"]
    assert [(item.value, item.location.line, item.location.column) for item in d.value] == [
        (10, 6, 8),
        (20, 6, 12),
    ]
    g = second.value["e"].value[0].value["f"].value["g"]
    assert (g.value, g.location.line, g.location.column, g.location.end_column) == ("h", 8, 11, 14)


SEEDS = [(TRAEFIK / name).read_bytes() for name in ("dynamic.toml", "shapes.toml", "broken.toml")]


@given(data=st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_mutation_of_a_toml_file_is_read_or_refused_never_crashed(data: st.DataObject) -> None:
    seed = data.draw(st.sampled_from(SEEDS), label="seed")
    edits = data.draw(
        st.lists(st.tuples(st.integers(0, 1 << 12), st.integers(0, 16), st.binary(max_size=12)), max_size=6),
        label="edits",
    )
    content = mutate(seed, edits)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dynamic.toml"
        path.write_bytes(content)
        result = run_check([str(path)], Config(root=Path(folder)), "traefik")
    assert not result.internal_errors, result.internal_errors
    for finding in result.findings:
        where = finding.location
        assert where.line >= 1 and where.column >= 1 and where.end_line >= where.line, finding


def test_a_go_template_is_said_to_be_one_not_broken_toml(tmp_path: Path) -> None:
    # traefik/traefik pkg/provider/file/file.go `CreateConfiguration` renders a file as a Go
    # template (sprig functions) before decoding it: such a file is valid for Traefik
    path = write(
        tmp_path,
        "dynamic.toml",
        """
        [http.middlewares.cors.headers]
          accessControlAllowOriginList = [{{ range $e := until 3 }}"https://a{{ $e }}.example",{{ end }}]
        """,
    )
    result = check_json(path, extra=("--no-cache",))
    assert [(f["code"], f["line"], f["column"]) for f in result.findings] == [("OL001", 2, 35)]
    assert "unrendered Go template, not TOML" in result.findings[0]["message"]
    # a placeholder inside a string is TOML: the value is read, and said not analysed
    quoted = write(
        tmp_path,
        "quoted/dynamic.toml",
        """
        [http.middlewares.cors.headers]
          accessControlAllowOriginList = ['https://{{ env "APP_HOST" }}']
        """,
    )
    said = check_json(quoted, extra=("--no-cache",)).findings
    assert [f["code"] for f in said] == ["OL004"]
