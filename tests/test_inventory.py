"""Issue 25: the inventory of every trusted entry, the differences between places, and the policy
file as the source of truth (OL803-OL806), on a multi-format repository written for it
(`tests/fixtures/inventory/`: production and staging nginx, Okta Terraform, an Ingress, a Spring
file and the reviewed policy, with `.origins-lint.toml` naming the policy)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from origins_lint import limits
from origins_lint.inventory.contain import beyond, overlap
from origins_lint.limits import Limits
from origins_lint.model import (
    EXACT_ENGINE,
    NGINX_REGEX,
    NGINX_REGEX_ICASE,
    POLICY_REGEX_ENGINE,
    SPRING_PATTERN,
    TRAEFIK_REGEX,
    Engine,
    Location,
    MatcherKind,
    OriginMatcher,
)
from tests.conftest import FIXTURES, ROOT, Run, check_json, run_cli, write

REPO = FIXTURES / "inventory"
POLICY_CODES = ("OL803", "OL804", "OL805", "OL806")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the repository, so that a test may edit it (and the result cache stays out of git)."""
    target = tmp_path / "repo"
    shutil.copytree(REPO, target)
    return target


def _policy_findings(run_result: object) -> list[tuple[str, str, int, int]]:
    findings = run_result.findings  # type: ignore[attr-defined]
    return [(f["code"], f["path"], f["line"], f["column"]) for f in findings if f["code"] in POLICY_CODES]


# --- the policy checks ------------------------------------------------------------------------


def test_policy_checks_fire_at_the_configs_lines(repo: Path) -> None:
    result = check_json("--no-cache", cwd=repo)
    assert result.exit_code == 1, result.stderr
    assert _policy_findings(result) == [
        ("OL805", "k8s/ingress.yaml", 8, 79),
        ("OL803", "nginx/production/api.conf", 6, 6),
        ("OL805", "nginx/production/api.conf", 7, 6),
        ("OL803", "nginx/staging/api.conf", 6, 6),
        ("OL804", "okta/trusted-origins.tf", 10, 12),
        ("OL804", "spring/application.yml", 6, 27),
    ]
    messages = {(f["code"], f["line"]): f["message"] for f in result.findings if f["code"] in POLICY_CODES}
    assert messages[("OL805", 7)].startswith(
        "`^https://(eu|us)\\.checkout.example\\.com$` admits `https://eu.checkoutxexample.com`, "
        "which the policy `security/origins.yaml` does not"
    )
    assert messages[("OL805", 8)].startswith(
        "`https://*.example.com` admits `https://attacker.example.com`, which the policy"
    )
    assert messages[("OL803", 6)].startswith(
        "`http://localhost:3000` is trusted here, but no entry of the policy `security/origins.yaml` "
        "admits it"
    )
    assert (
        "only without them (`credentials: false`: `https://status.example.com` at line 14)"
        in (messages[("OL804", 10)])
    )


def test_policy_checks_are_silent_when_the_policy_covers_everything(repo: Path) -> None:
    write(
        repo,
        "security/origins.yaml",
        """
        kind: OriginPolicy
        version: 1
        origins:
          - origin: https://*.example.com
            credentials: true
          - origin: https://shop.example.com
            credentials: true
          - origin: http://localhost:3000
            credentials: true
          - regex: '^https://(eu|us)\\.checkout.example\\.com$'
            credentials: true
        """,
    )
    result = check_json("--no-cache", "--extend-select", "OL806", cwd=repo)
    assert _policy_findings(result) == []
    assert result.codes(), "the other rules still speak"


def test_unused_policy_entries_are_opt_in(repo: Path) -> None:
    assert "OL806" not in check_json("--no-cache", cwd=repo).codes()
    assert "OL806" not in check_json("--no-cache", "--extend-select", "OL8", cwd=repo).codes()
    result = check_json("--no-cache", "--extend-select", "OL806", cwd=repo)
    assert [(f["path"], f["line"], f["column"]) for f in result.findings if f["code"] == "OL806"] == [
        ("security/origins.yaml", 22, 13)
    ]
    named = check_json("--no-cache", "--extend-select", "unused-policy-entry", cwd=repo)
    assert named.at("OL806") == [(22, 13)]


def test_no_policy_no_policy_findings(repo: Path) -> None:
    (repo / ".origins-lint.toml").write_text('development-files = ["nginx/staging/*"]\n', encoding="utf-8")
    assert _policy_findings(check_json("--no-cache", "--extend-select", "OL806", cwd=repo)) == []


def test_a_policy_that_cannot_be_read_is_a_usage_error(repo: Path) -> None:
    missing = check_json("--policy", "nowhere.yaml", cwd=repo)
    assert missing.exit_code == 2
    assert missing.stderr.startswith("origins-lint: error: cannot read the policy nowhere.yaml: ")
    write(
        repo,
        "bad.yaml",
        "kind: OriginPolicy\nversion: 1\norigins:\n  - origin: https://a.example.com\n    colour: red\n",
    )
    bad = check_json("--policy", "bad.yaml", cwd=repo)
    assert bad.exit_code == 2
    assert "the policy bad.yaml is not a valid policy file: line 5: " in bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_result_cache_follows_the_policy(repo: Path) -> None:
    assert ("OL803", "nginx/staging/api.conf", 6, 6) in _policy_findings(check_json(cwd=repo))
    policy = repo / "security/origins.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8") + "  - origin: http://localhost:3000\n    credentials: true\n",
        encoding="utf-8",
    )
    assert ("OL803", "nginx/staging/api.conf", 6, 6) not in _policy_findings(check_json(cwd=repo))


# --- containment on the automata ---------------------------------------------------------------

HERE = Location.point("policy.yaml", 1, 1)


def _entry(kind: str, raw: str, engine: Engine = EXACT_ENGINE) -> OriginMatcher:
    return OriginMatcher(MatcherKind(kind), raw, HERE, engine)


POLICY = [
    _entry("wildcard", "https://*.shop.example.com"),
    _entry("regex", r"^https://(eu|us)\.checkout\.example\.com$", POLICY_REGEX_ENGINE),
    _entry("exact", "https://shop.example.net"),
]


@pytest.mark.parametrize(
    ("entry", "escapes"),
    [
        (_entry("regex", r"^https://(eu|us)\.checkout\.example\.com$", NGINX_REGEX_ICASE), None),
        (
            _entry("regex", r"^https://(eu|us|ap)\.checkout\.example\.com$", NGINX_REGEX),
            "https://ap.checkout.example.com",
        ),
        (
            _entry("regex", r"https://shop\.example\.net", NGINX_REGEX),
            "https://shop.example.net.attacker.net",
        ),
        (_entry("regex", r"^https://shop\.example\.net$", NGINX_REGEX), None),
        # Go's regexp searches (Traefik): the same anchored pattern is contained
        (_entry("regex", r"^https://[a-z]+\.shop\.example\.com$", TRAEFIK_REGEX), None),
        (_entry("wildcard", "https://*.shop.example.com"), None),
        (_entry("wildcard", "https://*.example.com"), "https://attacker.example.com"),
        (_entry("any", "*"), "https://attacker.net"),
        (_entry("reflected", "$http_origin"), "https://attacker.net"),
        # a Spring `*` is any text, but what a browser sends has no path: only subdomains get through
        (_entry("regex", "https://*.shop.example.com", SPRING_PATTERN), None),
        (_entry("regex", "https://*.example.net", SPRING_PATTERN), "https://a.example.net"),
        # Envoy's suffix match looks at the whole origin: the scheme is free
        (_entry("suffix", ".shop.example.com", Engine("envoy")), "http://a.shop.example.com"),
        (_entry("suffix", "example.net", Engine("envoy")), "https://example.net"),
    ],
)
def test_pattern_containment(entry: OriginMatcher, escapes: str | None) -> None:
    found = beyond(entry, POLICY)
    assert found.reason is None
    assert found.origin == escapes


def test_containment_past_the_bound_is_said_not_guessed() -> None:
    entry = _entry("regex", r"^https://[a-z0-9]{1,8}\.[a-z]{1,8}\.example\.org$", NGINX_REGEX)
    policy = [
        _entry("regex", r"^https://([a-z0-9]{1,8}\.)?[a-z]{1,8}\.example\.org$", POLICY_REGEX_ENGINE),
        _entry("regex", r"^https://[a-z]{1,8}\.[a-z0-9]{1,8}\.example\.org$", POLICY_REGEX_ENGINE),
    ]
    assert beyond(entry, policy).contained
    previous = limits.active()
    limits.use(Limits(regex_states=100))  # each pattern compiles within it; the walk needs more
    try:
        found = beyond(entry, policy)
    finally:
        limits.use(previous)
    assert found.origin is None
    assert (
        found.reason == "deciding it takes more than 100 automaton states (the limit is `max-regex-states`)"
    )


def test_overlap() -> None:
    assert overlap(_entry("regex", r"^https://(eu|us)\.checkout.example\.com$", NGINX_REGEX), POLICY[1])
    assert not overlap(_entry("exact", "https://partner.example.org"), POLICY[0])
    assert overlap(_entry("any", "*"), POLICY[2])


# --- the inventory ------------------------------------------------------------------------------

FIELDS = (
    "path",
    "line",
    "column",
    "format",
    "engine",
    "kind",
    "entry",
    "group",
    "origin",
    "admits",
    "counterexample",
    "place",
    "credentials",
    "scopes",
    "environment",
    "status",
    "decides",
    "findings",
)
MAP = "map $cors_origin at line 2"
CORS = ["cors"]
PROD, DEV = "production", "development"
EXPECTED = [
    ("nginx/production/api.conf", 6, 6, "nginx", "nginx-map", "exact", "http://localhost:3000", "exact",
     "http://localhost:3000", "`http://localhost:3000` only", None, MAP, True, CORS, PROD, "active", None,
     ["OL501", "OL803"]),
    ("nginx/staging/api.conf", 6, 6, "nginx", "nginx-map", "exact", "http://localhost:3000", "exact",
     "http://localhost:3000", "`http://localhost:3000` only", None, MAP, True, CORS, DEV, "active", None,
     ["OL803"]),
    ("okta/trusted-origins.tf", 16, 12, "terraform", "okta", "exact", "https://admin-old.example.com",
     "exact", "https://admin-old.example.com", "`https://admin-old.example.com` only", None,
     "Old back office", True, CORS, PROD, "inactive", None, ["OL702"]),
    ("nginx/production/api.conf", 5, 6, "nginx", "nginx-map", "exact", "https://admin.example.com", "exact",
     "https://admin.example.com", "`https://admin.example.com` only", None, MAP, True, CORS, PROD, "active",
     None, []),
    ("security/origins.yaml", 11, 13, "policy", "string", "exact", "https://admin.example.com", "exact",
     "https://admin.example.com", "`https://admin.example.com` only", None, "back office", True, CORS, PROD,
     "active", None, []),
    ("security/origins.yaml", 22, 13, "policy", "string", "exact", "https://partner.example.org", "exact",
     "https://partner.example.org", "`https://partner.example.org` only", None, "partner widget, retired",
     False, CORS, PROD, "active", None, []),
    ("k8s/ingress.yaml", 8, 53, "ingress-nginx", "ingress-nginx", "exact", "https://shop.example.com",
     "exact", "https://shop.example.com", "`https://shop.example.com` only", None, "Ingress/checkout", True,
     CORS, PROD, "active", None, ["OL103"]),
    ("nginx/production/api.conf", 4, 6, "nginx", "nginx-map", "exact", "https://shop.example.com", "exact",
     "https://shop.example.com", "`https://shop.example.com` only", None, MAP, True, CORS, PROD, "active",
     None, []),
    ("nginx/staging/api.conf", 4, 6, "nginx", "nginx-map", "exact", "https://shop.example.com", "exact",
     "https://shop.example.com", "`https://shop.example.com` only", None, MAP, True, CORS, DEV, "active",
     None, []),
    ("okta/trusted-origins.tf", 4, 12, "terraform", "okta", "exact", "https://shop.example.com", "exact",
     "https://shop.example.com", "`https://shop.example.com` only", None, "Storefront", True,
     ["cors", "redirect"], PROD, "active", None, []),
    ("security/origins.yaml", 8, 13, "policy", "string", "exact", "https://shop.example.com", "exact",
     "https://shop.example.com", "`https://shop.example.com` only", None, "customer storefront", True, CORS,
     PROD, "active", None, []),
    ("nginx/staging/api.conf", 5, 6, "nginx", "nginx-map", "exact", "https://staging.example.com", "exact",
     "https://staging.example.com", "`https://staging.example.com` only", None, MAP, True, CORS, DEV,
     "active", None, []),
    ("security/origins.yaml", 19, 13, "policy", "string", "exact", "https://staging.example.com", "exact",
     "https://staging.example.com", "`https://staging.example.com` only", None, "staging storefront", True,
     CORS, PROD, "active", None, []),
    ("okta/trusted-origins.tf", 10, 12, "terraform", "okta", "exact", "https://status.example.com", "exact",
     "https://status.example.com", "`https://status.example.com` only", None, "Status page", True, CORS,
     PROD, "active", None, ["OL804"]),
    ("security/origins.yaml", 14, 13, "policy", "string", "exact", "https://status.example.com", "exact",
     "https://status.example.com", "`https://status.example.com` only", None, "status page, public data only",
     False, CORS, PROD, "active", None, []),
    ("spring/application.yml", 6, 27, "spring", "spring", "exact", "https://status.example.com", "exact",
     "https://status.example.com", "`https://status.example.com` only", None, "management.endpoints.web.cors",
     True, CORS, PROD, "active", None, ["OL804"]),
    ("nginx/production/api.conf", 7, 6, "nginx", "nginx-pcre", "regex",
     "^https://(eu|us)\\.checkout.example\\.com$", "pattern", None,
     "`https://eu.checkout.example.com`, `https://us.checkout.example.com`, and an attacker's host",
     "https://eu.checkoutxexample.com", MAP, True, CORS, PROD, "active", None, ["OL307", "OL805"]),
    ("security/origins.yaml", 16, 12, "policy", "policy-regex", "regex",
     "^https://(eu|us)\\.checkout\\.example\\.com$", "pattern", None,
     "`https://eu.checkout.example.com`, `https://us.checkout.example.com`", None,
     "regional checkout front-ends", True, CORS, PROD, "active", None, []),
    ("k8s/ingress.yaml", 8, 79, "ingress-nginx", "ingress-nginx", "wildcard", "https://*.example.com",
     "pattern", None, "every subdomain of `example.com` (https)", None, "Ingress/checkout", True, CORS, PROD,
     "active", None, ["OL302", "OL805"]),
]  # fmt: skip


def _inventory(*args: str, cwd: Path = REPO) -> Run:
    return run_cli("inventory", *args, cwd=cwd)


def test_inventory_json_lists_every_entry_exactly() -> None:
    result = _inventory("-f", "json")
    assert result.exit_code == 0, result.stderr
    data = result.report
    assert [tuple(entry[name] for name in FIELDS) for entry in data["entries"]] == EXPECTED
    assert all(list(entry) == list(FIELDS) for entry in data["entries"])
    assert data["summary"] == {
        "files": 6,
        "entries": 19,
        "exact": 16,
        "patterns": 3,
        "with_credentials": 17,
        "with_findings": 8,
        "problems": 0,
    }
    assert data["problems"] == []
    assert data["version"] == 1


def _schema() -> dict[str, object]:
    loaded: dict[str, object] = json.loads((ROOT / "schemas" / "inventory.schema.json").read_text("utf-8"))
    return loaded


@pytest.mark.parametrize(
    "where", [REPO, ROOT / "examples", FIXTURES / "nginx"], ids=["repo", "examples", "nginx"]
)
def test_inventory_json_validates_against_its_schema(where: Path) -> None:
    result = run_cli("inventory", "-f", "json", str(where), cwd=ROOT)
    assert result.exit_code == 0, result.stderr
    jsonschema.Draft202012Validator(_schema()).validate(result.report)


def test_files_not_read_are_listed_apart(tmp_path: Path) -> None:
    write(tmp_path, "broken.origins.yaml", "version: 1\norigins: [\n")
    write(
        tmp_path, "ok.origins.yaml", "version: 1\norigins:\n  - regex: '^https://(?=a)x\\.example\\.com$'\n"
    )
    result = _inventory("-f", "json", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert [(p["path"], p["line"], p["code"]) for p in result.report["problems"]] == [
        ("broken.origins.yaml", 3, "OL001"),
        ("ok.origins.yaml", 3, "OL004"),
    ]
    assert result.report["entries"][0]["admits"].startswith("not analysed: lookaround assertions")
    jsonschema.Draft202012Validator(_schema()).validate(result.report)
    text = _inventory(cwd=tmp_path).stdout
    assert "Not read or not analysed (the inventory may miss what these hold):" in text


def test_inventory_csv_and_markdown() -> None:
    rows = list(csv.DictReader(io.StringIO(_inventory("-f", "csv").stdout)))
    assert len(rows) == len(EXPECTED)
    assert rows[-3] == {
        "group": "pattern",
        "entry": "^https://(eu|us)\\.checkout.example\\.com$",
        "admits": "`https://eu.checkout.example.com`, `https://us.checkout.example.com`, "
        "and an attacker's host",
        "counterexample": "https://eu.checkoutxexample.com",
        "location": "nginx/production/api.conf:7:6",
        "format": "nginx",
        "engine": "nginx-pcre",
        "place": MAP,
        "credentials": "yes",
        "scopes": "cors",
        "environment": "production",
        "status": "active",
        "decides": "cors",
        "findings": "OL307 OL805",
    }
    markdown = _inventory("-f", "markdown").stdout.splitlines()
    assert markdown[:4] == [
        "### Exact origins",
        "",
        "| entry | admits | location | place | credentials | environment | status | findings |",
        "|---|---|---|---|---|---|---|---|",
    ]
    assert (
        "| `^https://(eu\\|us)\\.checkout.example\\.com$` | `https://eu.checkout.example.com`, "
        "`https://us.checkout.example.com`, and an attacker's host "
        "(e.g. `https://eu.checkoutxexample.com`) | "
        "nginx/production/api.conf:7:6 | map $cors_origin at line 2 | yes | production | active | "
        "OL307 OL805 |"
    ) in markdown
    assert markdown[-1] == (
        "19 trusted entries (16 exact, 3 patterns, 17 with credentials, 8 with findings) in 6 files"
    )


def test_inventory_text_is_a_table(tmp_path: Path) -> None:
    result = _inventory()
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].strip() == "Exact origins"
    assert "Patterns" in [line.strip() for line in lines]
    assert "│ https://status.example.com " in result.stdout
    assert (
        lines[-1]
        == "19 trusted entries (16 exact, 3 patterns, 17 with credentials, 8 with findings) in 6 files"
    )
    written = _inventory("-f", "markdown", "-o", str(tmp_path / "trust.md"))
    assert written.stdout == ""
    assert (tmp_path / "trust.md").read_text("utf-8") == _inventory("-f", "markdown").stdout


def test_inventory_usage_errors(repo: Path) -> None:
    assert _inventory("--pair", "okta", cwd=repo).exit_code == 2
    bad = _inventory("--policy", "nowhere.yaml", cwd=repo)
    assert bad.exit_code == 2 and "cannot read the policy nowhere.yaml" in bad.stderr
    assert _inventory("--diff", "-f", "csv", cwd=repo).exit_code == 2
    assert _inventory("no-such-folder", cwd=repo).exit_code == 2


# --- differences ------------------------------------------------------------------------------


def test_diff_between_environments_and_development_origins_in_production() -> None:
    result = _inventory("--diff")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "nginx/production/api.conf:7:6: `^https://(eu|us)\\.checkout.example\\.com$` is trusted in "
        "nginx/production/api.conf but not in nginx/staging/api.conf",
        "nginx/production/api.conf:5:6: `https://admin.example.com` is trusted in nginx/production/api.conf "
        "but not in nginx/staging/api.conf",
        "nginx/staging/api.conf:5:6: `https://staging.example.com` is trusted in nginx/staging/api.conf "
        "but not in nginx/production/api.conf",
        "nginx/production/api.conf:6:6: development origin `http://localhost:3000` in a production config: "
        "`localhost` is a developer's machine",
    ]


def test_diff_pairs_from_the_config_are_the_same_as_from_the_command_line(tmp_path: Path) -> None:
    """`sibling-pairs` in the config names the places `--diff` compares (relative to the config's
    folder), as `--pair` does; the config's pairs come first, then the command line's."""
    repo = tmp_path / "repo"
    shutil.copytree(REPO, repo)
    given = _inventory(
        "--diff", "-f", "json", "--pair", "okta=spring", "--pair", "k8s=nginx/production", cwd=repo
    )
    config = repo / ".origins-lint.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + 'sibling-pairs = ["okta=spring"]\n', encoding="utf-8"
    )
    from_config = _inventory("--diff", "-f", "json", "--pair", "k8s=nginx/production", cwd=repo)
    assert from_config.exit_code == given.exit_code == 1
    assert from_config.report["pairs"] == given.report["pairs"]
    assert [(p["left"], p["right"]) for p in from_config.report["pairs"]][1] == ("okta", "spring")
    config.write_text('sibling-pairs = ["okta"]\n', encoding="utf-8")
    wrong = _inventory("--diff", cwd=repo)
    assert wrong.exit_code == 2 and "`sibling-pairs` must be a list of" in wrong.stderr


def test_diff_of_explicit_pairs_in_json() -> None:
    result = _inventory("--diff", "-f", "json", "--pair", "okta/=spring/", "--pair", "k8s=nginx/production")
    assert result.exit_code == 1
    data = result.report
    assert [(p["left"], p["right"]) for p in data["pairs"]] == [
        ("nginx/production/api.conf", "nginx/staging/api.conf"),
        ("okta/", "spring/"),
        ("k8s", "nginx/production"),
    ]
    assert data["pairs"][1] == {
        "left": "okta/",
        "right": "spring/",
        "only_left": [
            {"origin": "https://shop.example.com", "path": "okta/trusted-origins.tf", "line": 4, "column": 12}
        ],
        "only_right": [],
    }
    assert [(s["origin"], s["path"]) for s in data["pairs"][2]["only_left"]] == [
        ("https://*.example.com", "k8s/ingress.yaml")
    ]
    assert [(s["origin"], s["path"]) for s in data["pairs"][2]["only_right"]] == [
        ("^https://(eu|us)\\.checkout.example\\.com$", "nginx/production/api.conf"),
        ("http://localhost:3000", "nginx/production/api.conf"),
        ("https://admin.example.com", "nginx/production/api.conf"),
    ]
    assert data["development_in_production"] == [
        {
            "origin": "http://localhost:3000",
            "path": "nginx/production/api.conf",
            "line": 6,
            "column": 6,
            "reason": "`localhost` is a developer's machine",
        }
    ]


def test_diff_is_clean_when_siblings_agree(tmp_path: Path) -> None:
    for env in ("production", "staging"):
        write(
            tmp_path,
            f"{env}/api.origins.yaml",
            "version: 1\norigins:\n  - origin: https://shop.example.com\n",
        )
    result = _inventory("--diff", cwd=tmp_path)
    assert result.exit_code == 0
    assert (
        result.stdout == "production/api.origins.yaml and staging/api.origins.yaml trust the same origins\n"
    )


def test_development_policy_origins_in_production(tmp_path: Path) -> None:
    write(
        tmp_path,
        "dev.origins.yaml",
        "version: 1\nenvironment: development\norigins:\n  - origin: https://preview.example.com\n",
    )
    write(tmp_path, "prod.origins.yaml", "version: 1\norigins:\n  - origin: https://preview.example.com\n")
    result = _inventory("--diff", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "prod.origins.yaml:3:13: development origin `https://preview.example.com` in a production config: "
        "a development policy lists it (dev.origins.yaml:4:13)",
        "no sibling places found: name them with `--pair LEFT=RIGHT`, or keep environments in folders named "
        "production/staging/...",
    ]


# --- the cross-check: every entry every format parses is in the inventory -------------------------


def test_inventory_of_examples_lists_every_parsed_entry() -> None:
    from origins_lint.check import parse_files
    from origins_lint.config import Config

    errors: list[str] = []
    parsed = parse_files([str(ROOT / "examples")], Config(), None, errors)
    assert not errors
    expected = set()
    formats_seen = set()
    for file in parsed:
        for document in file.documents:
            for context, matcher in document.matchers(decisions=True):
                expected.add(
                    (matcher.location, matcher.raw, context.credentials.value, context.name or matcher.scope)
                )
                formats_seen.add(file.format)
            for context in document.contexts:  # inactive entries are listed too, with their status
                for matcher in context.matchers:
                    if matcher.status.value == "inactive":
                        expected.add((matcher.location, matcher.raw, context.credentials.value, context.name))
    result = run_cli("inventory", "-f", "json", str(ROOT / "examples"), cwd=ROOT)
    rows = result.report["entries"]
    assert len(rows) == len(expected)
    listed = {(r["path"], r["line"], r["column"], r["entry"]) for r in rows}
    assert listed == {(loc.path, loc.line, loc.column, raw) for loc, raw, _c, _p in expected}
    assert {r["format"] for r in rows} == formats_seen == {
        "envoy", "traefik", "istio", "ingress-nginx", "nginx", "okta", "terraform", "policy", "spring",
        "haproxy",
        "gateway-api", "envoy-gateway", "contour",
        "kong", "apisix",
        "apache",
        "cloudformation", "serverless", "openapi",  # examples/cloud (issue 23)
        "caddy",
    }  # fmt: skip
    assert all(r["path"] and r["line"] >= 1 and r["column"] >= 1 for r in rows)


def test_what_cannot_be_compared_is_ol004_not_silence(tmp_path: Path) -> None:
    write(
        tmp_path,
        "policy.yaml",
        "kind: OriginPolicy\nversion: 1\norigins:\n  - origin: https://a.example.com\n",
    )
    write(
        tmp_path,
        "api.conf",
        """
        map $http_origin $cors {
            default "";
            "~^https://(?!b)[a-z]+\\.example\\.com$" $http_origin;
        }
        server {
            location / {
                add_header Access-Control-Allow-Origin $cors always;
                add_header Vary Origin always;
            }
        }
        """,
    )
    result = check_json("--no-cache", "--policy", "policy.yaml", "api.conf", cwd=tmp_path)
    said = [f["message"] for f in result.findings if f["code"] == "OL004" and "policy" in f["message"]]
    assert result.at("OL004") == [(3, 6), (3, 6)]
    assert len(said) == 1 and said[0].startswith(
        "`^https://(?!b)[a-z]+\\.example\\.com$` could not be compared with the policy `policy.yaml`: "
    )
    assert "OL805" not in result.codes()


def test_a_pattern_with_credentials_beyond_what_the_policy_allows(tmp_path: Path) -> None:
    write(
        tmp_path,
        "policy.yaml",
        """
        kind: OriginPolicy
        version: 1
        origins:
          - origin: https://*.example.com
          - origin: https://shop.example.com
            credentials: true
        """,
    )
    write(
        tmp_path,
        "application.yml",
        """
        management:
          endpoints:
            web:
              cors:
                allowed-origin-patterns: "https://*.example.com"
                allow-credentials: true
        """,
    )
    result = check_json("--no-cache", "--policy", "policy.yaml", "application.yml", cwd=tmp_path)
    assert result.at("OL804") == [(5, 35)]  # the value, inside its quotes
    assert "OL805" not in result.codes()
    (message,) = [f["message"] for f in result.findings if f["code"] == "OL804"]
    assert message.startswith(
        "`https://*.example.com` admits `https://a.example.com` with credentials, but the policy "
        "`policy.yaml` allows it only without them (`credentials: false`: `https://*.example.com` at line 4)"
    )


def test_the_policy_key_in_the_config(tmp_path: Path) -> None:
    write(tmp_path, ".origins-lint.toml", "policy = 3\n")
    write(tmp_path, "a.origins.yaml", "version: 1\norigins:\n  - origin: https://a.example.com\n")
    wrong = check_json(cwd=tmp_path)
    assert wrong.exit_code == 2
    assert "`policy` must be the path of a policy file, relative to the config, not 3" in wrong.stderr
    write(tmp_path, "sub/.origins-lint.toml", 'policy = "../a.origins.yaml"\n')
    write(tmp_path, "sub/b.origins.yaml", "version: 1\norigins:\n  - origin: https://b.example.com\n")
    found = check_json("--no-cache", "b.origins.yaml", cwd=tmp_path / "sub")
    assert found.at("OL803") == [(3, 13)]


def test_an_ignored_ol004_stays_ignored_when_a_policy_rule_reports_it(tmp_path: Path) -> None:
    write(
        tmp_path,
        "policy.yaml",
        "kind: OriginPolicy\nversion: 1\norigins:\n  - origin: https://a.example.com\n",
    )
    write(
        tmp_path,
        "b.origins.yaml",
        "version: 1\norigins:\n  - regex: '^https://(?!b)[a-z]+\\.example\\.com$'\n",
    )
    result = check_json(
        "--no-cache", "--policy", "policy.yaml", "--ignore", "OL004", "b.origins.yaml", cwd=tmp_path
    )
    assert "OL004" not in result.codes()
    assert "OL805" not in result.codes()


@pytest.mark.parametrize("width", [60, 100, 160])
def test_the_table_fits_the_terminal(width: int) -> None:
    from origins_lint.config import Config
    from origins_lint.inventory.collect import collect
    from origins_lint.inventory.render import to_text

    errors: list[str] = []
    text = to_text(collect([str(ROOT / "examples")], Config(), None, errors), width, colour=False)
    assert not errors
    table = [line for line in text.splitlines() if line[:1] in "┏┃┡│└"]
    assert table and max(len(line) for line in table) <= width


def test_a_huge_entry_is_said_not_a_crash() -> None:
    huge = _entry("wildcard", "https://*." + "a" * 5000 + ".example.com")
    # what the candidates decide needs no automaton of the huge entry
    found = beyond(_entry("regex", r"^https://[a-z]+\.example\.com$", NGINX_REGEX), [huge])
    assert found.origin == "https://a.example.com"
    # what needs the walk says why it cannot be decided
    walked = beyond(
        _entry("regex", r"^https://[a-z]\.example\.com$", NGINX_REGEX),
        [huge, _entry("wildcard", "https://*.example.com")],
    )
    assert walked.origin is None
    assert walked.reason is not None
    assert walked.reason.startswith("the policy entry `https://*.aaaa")
    assert walked.reason.endswith("is too large to compare (the pattern is longer than 4096 characters)")
