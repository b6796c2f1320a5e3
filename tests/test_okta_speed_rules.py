"""Rules that declare the matcher kinds they can report (`per_matcher(inspect, kinds)`) are not
asked about the others (issue 21: an Okta export is exact origins, and most rules are about `*`,
`null`, wildcards or regexes), and those that declare `quiet_on_https` are not asked about a plain
`https://` origin (`facts.plain_https`). Held two ways: every such `inspect` answers None for what
it is not asked, whatever the entry, engine, context and document; and the reports of every
fixture and example are the same bytes whether or not the rules are asked everything."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from origins_lint.cli import run
from origins_lint.model import (
    EXACT_ENGINE,
    OKTA,
    OKTA_EXACT,
    Compare,
    CorsContext,
    Document,
    Engine,
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


def _quiet() -> list[tuple[str, PerMatcher]]:
    return [
        (code, rule.check)
        for code, rule in RULES.items()
        if isinstance(rule.check, PerMatcher) and rule.check.quiet_on_https
    ]


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
    for _code, check in _quiet():
        monkeypatch.setattr(check, "quiet_on_https", False)
    monkeypatch.setattr("origins_lint.rules.credentials.EXPLAINED", tuple(MatcherKind))
    # OL405 goes through every entry even when each breadth has its own rule in the run
    monkeypatch.setattr("origins_lint.rules.credentials.NAMED_BY_A_RULE", frozenset({"OL999"}))
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


_LABELS = [
    "app",
    "a-b",
    "x1",
    "co",
    "uk",
    "com",
    "io",
    "github",
    "xn--bcher-kva",
    "1",
    "0",
    "local",
    "codepen",
]


def _engines() -> list[Engine]:
    found = [OKTA_EXACT, EXACT_ENGINE]
    for compare in Compare:
        for trim in (False, True):
            found.append(Engine("e", exact=compare, trim_slash=trim))
    return found


@pytest.mark.parametrize(("code", "check"), _quiet(), ids=[code for code, _ in _quiet()])
def test_a_quiet_rule_says_nothing_of_a_plain_https_origin(code: str, check: PerMatcher) -> None:
    rng = random.Random(int(code[2:]))
    plain = 0
    for _ in range(600):
        host = ".".join(rng.choice(_LABELS) for _ in range(rng.randint(1, 4)))
        raw = f"https://{host}" + rng.choice(["", "", ":8443", ":443", "/", "."])
        matcher = OriginMatcher(MatcherKind.EXACT, raw, AT, engine=rng.choice(_engines()))
        if not facts.plain_https(matcher):
            facts.forget()
            continue
        plain += 1
        for credentials, scopes, platform, environment in itertools.product(
            (True, False, None),
            (frozenset({"cors"}), frozenset({"cors", "redirect", "iframe_embed"})),
            (OKTA, None),
            (Environment.PRODUCTION, Environment.DEVELOPMENT),
        ):
            context = CorsContext([matcher], AT, credentials=Setting(credentials), scopes=Setting(scopes))
            document = Document("f", "policy", AT, [context], environment=environment, platform=platform)
            assert check.inspect(context, matcher, document) is None, (code, raw, matcher.engine)
        facts.forget()
    assert plain > 100


def test_plain_https_is_the_usual_exact_origin_only() -> None:
    def plain(raw: str, kind: MatcherKind = MatcherKind.EXACT) -> bool:
        facts.forget()
        return facts.plain_https(OriginMatcher(kind, raw, AT))

    assert plain("https://app.example.com") and plain("https://app.example.com:8443")
    assert not plain("http://app.example.com")  # OL201's
    assert not plain("https://App.example.com") and not plain("https://app.example.com/")
    assert not plain("https://localhost") and not plain("https://10.0.0.1") and not plain("https://1.2.3.4")
    assert not plain("https://codepen.io") and not plain("https://a.local")
    assert not plain("https://{{ .Values.host }}") and not plain(
        "https://*.example.com", MatcherKind.WILDCARD
    )
    assert not plain("https://app.example.com", MatcherKind.REGEX)
