"""ingress-nginx annotations: defaults reported as defaults, list items at their column, snippets in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from origins_lint.formats.kubernetes import ingress
from tests.conftest import FIXTURES, check_json, run_cli, write

ING = FIXTURES / "ingress"


def found(path: Path, *extra: str) -> list[tuple[str, int, int]]:
    result = check_json(path, extra=extra)
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"]) for f in result.findings]


def messages(path: Path) -> dict[tuple[str, int, int], str]:
    return {(f["code"], f["line"], f["column"]): f["message"] for f in check_json(path).findings}


def test_enable_cors_alone_reports_the_defaults_at_its_line() -> None:
    assert found(ING / "defaults.yaml") == [("OL401", 7, 5), ("OL605", 7, 5)]
    said = messages(ING / "defaults.yaml")
    assert "credentials come from a platform default" in said[("OL401", 7, 5)]
    assert (
        "the origin `*` is ingress-nginx's default when `cors-allow-origin` is not set"
        in said[("OL401", 7, 5)]
    )
    assert said[("OL605", 7, 5)].startswith("max age 1,728,000 seconds (a platform default)")


def test_each_comma_item_is_located_in_its_annotation() -> None:
    assert found(ING / "multi-document.yaml") == [
        ("OL201", 7, 78),  # second item of a quoted list, after ", "
        ("OL303", 7, 103),  # third item, after a bare ","
        ("OL302", 20, 52),  # plain (unquoted) scalar
        ("OL309", 20, 75),  # issue 18 item 2: `(null)$` also admits `https://evil.null` (low)
        ("OL403", 20, 75),  # `null` is an item too
        ("OL404", 21, 53),
        ("OL301", 31, 53),  # `*` with credentials "false": a decision, not an error
    ]
    said = messages(ING / "multi-document.yaml")
    # one flaw, one finding: OL302 carries the credentials, and says where they come from
    assert "(credentials come from a platform default)" in said[("OL302", 20, 52)]
    assert (
        said[("OL303", 7, 103)]
        == "`https://*.github.io` trusts every GitHub Pages site: anyone can publish one"
    )


def test_helm_values_with_a_folded_list() -> None:
    said = messages(ING / "helm-values.yaml")
    assert list(said) == [("OL103", 14, 7)]
    assert "listed twice (first at line 12" in said[("OL103", 14, 7)]


def test_kustomize_json_patches_inline_and_in_a_file() -> None:
    assert found(ING / "kustomize-patch.yaml") == [("OL302", 16, 45)]
    assert found(ING / "json-patch.yaml") == [("OL302", 7, 39)]
    result = run_cli("match", "https://x.reports.example.com", str(ING / "kustomize-patch.yaml"))
    assert "wildcard `https://*.reports.example.com` (Ingress/reports) admits it" in result.stdout


def test_snippets_are_read_as_nginx_at_their_place_in_the_yaml() -> None:
    assert found(ING / "snippets.yaml") == [
        ("OL402", 7, 54),  # `$http_origin` inside the block scalar
        ("OL202", 10, 71),  # the `if` regex on the one-line quoted server-snippet
        ("OL306", 10, 71),
        ("OL602", 10, 88),
    ]
    result = check_json(ING / "snippets.yaml")
    assert {f["format"] for f in result.findings} == {"ingress-nginx"}


def test_true_negatives_are_silent() -> None:
    """CORS off, cors-* without enable-cors (ingress-nginx ignores them), exact https origins."""
    result = check_json(ING / "clean.yaml")
    assert result.exit_code == 0
    assert result.findings == []


def test_annotation_values_must_be_strings() -> None:
    assert found(ING / "unquoted.yaml") == [
        ("OL605", 6, 5),  # the unreadable max age falls back to the default, as ingress-nginx does
        ("OL002", 6, 46),
        # `cors-allow-credentials: "yes"` (line 8): not a Go bool, so the controller logs it and
        # allows credentials, its default; it serves the Ingress, so no OL002 (issue 18 item 2)
        ("OL002", 9, 47),
    ]
    said = messages(ING / "unquoted.yaml")
    assert 'Kubernetes rejects true unquoted; write "true"' in said[("OL002", 6, 46)]
    assert "must be a number of seconds, not '10 minutes'" in said[("OL002", 9, 47)]


def test_unrendered_helm_template_is_read_as_a_template() -> None:
    """Was one OL001 "not YAML" (notes/s30-hunt3.md 9d: every real chart template got it, and its
    CORS went unread); now read as `*.yaml.tpl` is, tests/test_helm_chart_templates.py."""
    result = check_json(ING / "chart")
    by_file = {(Path(f["path"]).name, f["code"], f["line"], f["column"]) for f in result.findings}
    assert ("ingress.yaml", "OL004", 8, 5) in by_file  # the line that inserts annotations
    assert not any(f["code"] == "OL001" for f in result.findings)
    # a quoted template expression in values.yaml is not guessed at either
    assert ("values.yaml", "OL004", 4, 52) in by_file
    assert "Traceback" not in result.stdout + result.stderr


def test_broken_yaml_and_broken_snippet(project: Path) -> None:
    write(
        project,
        "broken.yaml",
        """
        metadata:
          annotations:
            nginx.ingress.kubernetes.io/enable-cors: "true"
            nginx.ingress.kubernetes.io/cors-allow-origin: "https://a.example.com
        """,
    )
    write(
        project,
        "snippet.yaml",
        """
        metadata:
          annotations:
            nginx.ingress.kubernetes.io/configuration-snippet: |
              add_header Access-Control-Allow-Origin "$http_origin always;
              add_header Vary Origin;
        """,
    )
    result = check_json(".")
    got = [(Path(f["path"]).name, f["code"], f["line"], f["column"]) for f in result.findings]
    assert got == [("broken.yaml", "OL001", 5, 1), ("snippet.yaml", "OL001", 4, 46)]
    assert 'unterminated " string' in result.findings[1]["message"]
    assert "Traceback" not in result.stdout + result.stderr


def test_suppression_comment_and_star_in_a_list(project: Path) -> None:
    write(
        project,
        "ingress.yaml",
        """
        metadata:
          name: public
          annotations:
            nginx.ingress.kubernetes.io/enable-cors: "true"
            # origins-lint: ignore[OL301] public status API, no login
            nginx.ingress.kubernetes.io/cors-allow-origin: "*"
            nginx.ingress.kubernetes.io/cors-allow-credentials: "false"
            nginx.ingress.kubernetes.io/cors-max-age: "600"
        """,
    )
    assert check_json(".").findings == []


def test_match_names_the_ingress() -> None:
    result = run_cli("match", "https://evil.github.io", str(ING / "multi-document.yaml"))
    assert result.exit_code == 0
    assert (
        "multi-document.yaml:7:103: wildcard `https://*.github.io` (Ingress/accounts) "
        "admits it, with credentials" in result.stdout
    )
    assert run_cli("match", "https://other.example.org", str(ING / "clean.yaml")).exit_code == 1


def test_detection_is_by_annotation_prefix() -> None:
    assert ingress.detect("x.yaml", "nginx.ingress.kubernetes.io/enable-cors: 'true'")
    assert ingress.detect("patch.yml", "path: /metadata/annotations/nginx.ingress.kubernetes.io~1enable-cors")
    assert not ingress.detect("x.yaml", "kind: Ingress")
    assert not ingress.detect("x.json", "nginx.ingress.kubernetes.io/enable-cors")


def test_snippet_with_nginx_braced_variables_and_an_escaped_value(project: Path) -> None:
    """`${cors}` is nginx, not a template; a double-quoted value with escapes is still read."""
    write(
        project,
        "ingress.yaml",
        """
        metadata:
          name: flags
          annotations:
            nginx.ingress.kubernetes.io/configuration-snippet: |
              set $cors "";
              if ($http_origin ~* "^https://.*\\.example\\.com$") { set $cors "true"; }
              if ($request_method = OPTIONS) { set $cors "${cors}options"; }
              if ($cors = "true") {
                more_set_headers "Access-Control-Allow-Origin: $http_origin";
                more_set_headers "Access-Control-Allow-Credentials: true";
              }
            nginx.ingress.kubernetes.io/server-snippet: "add_header Access-Control-Allow-Origin \\"$http_origin\\" always;"
        """,  # noqa: E501 (a real annotation line)
    )
    result = check_json(".")
    got = [(f["code"], f["line"], f["column"]) for f in result.findings]
    assert ("OL302", 6, 28) in got  # the `if` regex, in the block scalar, at its column
    assert ("OL405", 6, 28) not in got  # OL302 carries the credentials: one flaw, one finding
    assert next(f for f in result.findings if f["code"] == "OL302" and f["line"] == 6)["severity"] == "high"
    assert ("OL602", 9, 9) in got  # `more_set_headers` inside the `if`
    # a value with escapes is parsed alone, placed after its quote: exact up to the first escape,
    # then early by one per `\"` before it (`$http_origin` is at column 91 in the file)
    assert [(c, column) for c, line, column in got if line == 12] == [("OL602", 50), ("OL304", 90)]
    assert "OL004" not in {c for c, _, _ in got}


@pytest.mark.parametrize(
    "max_age", [".inf", "-.inf", ".nan", '"' + "9" * 400 + '"', "9" * 400, '"1e999s"'], ids=str.__len__
)
def test_a_max_age_no_number_holds_is_a_schema_problem(project: Path, max_age: str) -> None:
    """Found by fuzz/run.py: `"999...9"` (400 digits) overflowed to infinity and became an internal error."""
    write(
        project,
        "ingress.yaml",
        f"""
        metadata:
          name: public
          annotations:
            nginx.ingress.kubernetes.io/enable-cors: "true"
            nginx.ingress.kubernetes.io/cors-allow-origin: "https://app.example.com"
            nginx.ingress.kubernetes.io/cors-max-age: {max_age}
        """,
    )
    result = check_json(".")
    assert result.stderr == ""
    said = [f["message"] for f in result.findings if (f["code"], f["line"], f["column"]) == ("OL002", 6, 47)]
    assert any("cors-max-age` must be a number of seconds, not" in message for message in said), said
