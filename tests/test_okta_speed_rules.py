"""Rules that declare the matcher kinds they can report (`per_matcher(inspect, kinds)`) are not
asked about the others (issue 21: an Okta export is exact origins, and most rules are about `*`,
`null`, wildcards or regexes). Held two ways: every such `inspect` answers None for a matcher of
any other kind, whatever the entry, context and document; and the reports of every fixture and
example are the same bytes whether the kinds are used or every rule is asked everything."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from origins_lint.cli import run
from origins_lint.model import (
    OKTA,
    CorsContext,
    Document,
    Environment,
    Location,
    MatcherKind,
    OriginMatcher,
    Setting,
    Status,
)
from origins_lint.rules import facts
from origins_lint.rules.registry import RULES, PerMatcher

ROOT = Path(__file__).resolve().parent.parent
AT = Location("f", 1, 1, 1, 2)
TEXTS = [
    "*",
    "null",
    "https://app.example.com",
    "http://app.example.com",
    "https://*.example.com",
    "https://*.github.io",
    "http://*",
    "https://app-*.example.com",
    "^https://.*$",
    "https://.*\\.example\\.com",
    "example.com",
    ".example.com",
    "https://",
    "/path",
    "$http_origin",
    "http://localhost:3000",
    "https://{{ .Values.host }}",
]


def _narrowed() -> list[tuple[str, PerMatcher]]:
    found = []
    for code, rule in RULES.items():
        if isinstance(rule.check, PerMatcher) and rule.check.kinds != frozenset(MatcherKind):
            found.append((code, rule.check))
    return found


def test_the_rules_of_one_kind_say_so() -> None:
    narrowed = dict(_narrowed())
    assert {"OL301", "OL305", "OL401", "OL403", "OL302", "OL306", "OL202", "OL701", "OL704"} <= set(narrowed)
    assert narrowed["OL301"].kinds == {MatcherKind.ANY}
    assert MatcherKind.EXACT not in set().union(*(check.kinds for check in narrowed.values()))


@pytest.mark.parametrize(("code", "check"), _narrowed(), ids=[code for code, _ in _narrowed()])
def test_a_rule_says_nothing_of_the_kinds_it_leaves_out(code: str, check: PerMatcher) -> None:
    for kind in set(MatcherKind) - check.kinds:
        for raw, credentials, scopes, platform, environment in itertools.product(
            TEXTS,
            (True, False, None),
            (
                frozenset({"cors"}),
                frozenset({"cors", "redirect", "iframe_embed"}),
                frozenset({"iframe_embed"}),
            ),
            (OKTA, None),
            (Environment.PRODUCTION, Environment.DEVELOPMENT),
        ):
            matcher = OriginMatcher(kind, raw, AT, status=Status.ACTIVE)
            context = CorsContext([matcher], AT, credentials=Setting(credentials), scopes=Setting(scopes))
            document = Document("f", "policy", AT, [context], environment=environment, platform=platform)
            assert check.inspect(context, matcher, document) is None, (code, kind, raw)
            facts.forget()


@pytest.mark.parametrize("folder", ["tests/fixtures", "examples"])
@pytest.mark.parametrize("ignore", [[], ["--ignore", "OL302,OL306,OL307,OL308,OL309,OL310"]])
def test_reports_are_the_same_when_every_rule_is_asked_everything(
    folder: str, ignore: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also with the breadth rules ignored, so that OL405 speaks for them."""
    argv = ["check", "-f", "json", "--no-cache", "--jobs", "1", *ignore, str(ROOT / folder)]
    run(argv)
    narrowed = capsys.readouterr().out
    for _code, check in _narrowed():
        monkeypatch.setattr(check, "kinds", frozenset(MatcherKind))
    monkeypatch.setattr("origins_lint.rules.credentials.EXPLAINED", tuple(MatcherKind))
    run(argv)
    asked = capsys.readouterr().out
    assert '"code": "OL3' in asked and '"code": "OL7' in asked  # rules of one kind did report
    assert narrowed == asked
    if ignore and folder == "tests/fixtures":
        assert '"code": "OL405"' in asked


def test_explain_names_no_breadth_of_the_kinds_ol405_skips() -> None:
    """OL405 asks `explain` only of the kinds in EXPLAINED: for any other it has nothing to say."""
    from origins_lint.rules.breadth import EXPLAINED, explain

    for kind in set(MatcherKind) - set(EXPLAINED):
        for raw in TEXTS:
            assert explain(OriginMatcher(kind, raw, AT)) == (), (kind, raw)
