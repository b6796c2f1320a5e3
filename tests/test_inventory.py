"""Issue 25: the inventory of every trusted entry, the differences between places, and the policy
file as the source of truth (OL803-OL806), on a multi-format repository written for it
(`tests/fixtures/inventory/`: production and staging nginx, Okta Terraform, an Ingress, a Spring
file and the reviewed policy, with `.origins-lint.toml` naming the policy)."""

from __future__ import annotations

import shutil
from pathlib import Path

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
from tests.conftest import FIXTURES, check_json, write

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
