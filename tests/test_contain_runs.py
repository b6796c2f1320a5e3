"""Containment (`--policy`, OL805) reads the regex the engine runs, not the entry as written.

ingress-nginx turns each `cors-allow-origin` item into `(item)$` searched without case
(kubernetes/ingress-nginx internal/ingress/controller/template/template.go buildOriginRegex), so the
item `null` admits every origin that ends in `null`; a policy that approves `null` alone does not
contain it.
"""

from __future__ import annotations

from origins_lint.admit import admits
from origins_lint.formats.kubernetes import ingress_controller as controller
from origins_lint.inventory.contain import automaton_of, beyond
from origins_lint.model import INGRESS_NGINX, Location, MatcherKind, OriginMatcher
from tests.conftest import FIXTURES, check_json

HERE = FIXTURES / "contain-runs"


def test_the_ingress_null_item_is_compared_as_the_regex_ingress_nginx_runs() -> None:
    result = check_json("--no-cache", "--policy", str(HERE / "policy.yaml"), str(HERE / "ingress.yaml"))
    found = [(f["code"], f["line"], f["column"]) for f in result.findings if f["code"].startswith("OL8")]
    assert found == [("OL805", 9, 78)]  # `https://app.example.com` (9:53) is contained: no finding
    (message,) = [f["message"] for f in result.findings if f["code"] == "OL805"]
    assert message.startswith("`null` admits `http://null`, which the policy ")


def _null() -> OriginMatcher:
    runs = controller.template_regex("null")
    return OriginMatcher(MatcherKind.NULL, "null", Location("x", 1, 1, 1, 5), INGRESS_NGINX, runs=runs)


def test_the_automaton_is_the_engines_regex() -> None:
    built = automaton_of(_null())
    assert not isinstance(built, str)
    assert built.matches("https://evil.null") and built.matches("null")
    assert admits(_null(), "https://evil.null")  # what `match` says agrees


def test_a_policy_null_does_not_contain_it_but_a_suffix_regex_does() -> None:
    policy_null = OriginMatcher(MatcherKind.NULL, "null", Location("p", 1, 1, 1, 5))
    assert beyond(_null(), [policy_null]).origin == "http://null"
    pattern, engine = controller.template_regex("null")  # `(null)$`, searched without case
    broad = OriginMatcher(MatcherKind.REGEX, pattern, Location("p", 2, 1, 2, 8), engine)
    assert beyond(_null(), [policy_null, broad]).contained
