"""Envoy reads no deprecated `cors` field where a typed CORS policy applies.

CorsFilter::initializeCorsPolicies (envoyproxy/envoy source/extensions/filters/http/cors/cors_filter.cc,
commit 001cbf14d2e783a8d2bb34d4f0b2c65d657bc7ab) gathers the typed `envoy.filters.http.cors` policies of
the route configuration, virtual host and route (RouteEntryImplBase::traversePerFilterConfig in
source/common/router/config_impl.cc); only when there is none does it read the route's and the virtual
host's `cors`. Conformance cases: tests/conformance/envoy/cases.yaml `typed-*-hides-legacy-*`.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES, check_json, run_cli

TYPED = FIXTURES / "envoy" / "typed-over-legacy.yaml"
ROUTE_CONFIGURATION = FIXTURES / "envoy" / "typed-route-configuration.yaml"


def found(path: Path) -> list[tuple[str, int, int]]:
    result = check_json(path)
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"]) for f in result.findings]


def test_legacy_cors_under_a_typed_policy_gives_no_findings() -> None:
    assert found(TYPED) == [
        ("OL202", 10, 21),  # the typed host policy: suffix example.com
        ("OL309", 10, 21),
        ("OL309", 28, 19),  # mixed-host's legacy `http://`: its route `/` has no typed policy, so reads it
    ]  # silent: typed-host's `.*` (13) and its route's `*` with private network and max age (21-23),
    # mixed-host's `/typed` route `contains: trusted` (40), all-typed-host's `https://.*` (47)


def test_match_counts_only_what_envoy_reads() -> None:
    ignored = run_cli("match", "https://evil.example.net", str(TYPED))
    assert ignored.exit_code == 1, ignored.stdout  # `.*` and `*` are legacy under typed-host's policy
    read = run_cli("match", "http://evil.example.net", str(TYPED))
    assert read.exit_code == 0, read.stdout
    assert "typed-over-legacy.yaml:28:19: prefix `http://` (mixed-host) admits it" in read.stdout
    hidden = run_cli("match", "https://trusted.example.net", str(TYPED))
    assert hidden.exit_code == 1, hidden.stdout  # `/typed` route's legacy `contains: trusted`


def test_ignored_legacy_entries_are_listed_as_inactive() -> None:
    listed = run_cli("inventory", "--output-format", "json", str(TYPED))
    assert listed.exit_code == 0, listed.stdout + listed.stderr
    entries = json.loads(listed.stdout)["entries"]
    status = {(e["line"], e["column"]): e["status"] for e in entries}
    assert status[(13, 31)] == status[(21, 25)] == status[(40, 27)] == status[(47, 31)] == "inactive"
    assert status[(10, 21)] == status[(28, 19)] == status[(35, 24)] == "active"


def test_a_route_configuration_typed_policy_hides_every_legacy_policy() -> None:
    # the typed policy only; the legacy `.*` (17) is not read
    assert found(ROUTE_CONFIGURATION) == [("OL302", 11, 20)]
    assert run_cli("match", "https://evil.example.net", str(ROUTE_CONFIGURATION)).exit_code == 1
