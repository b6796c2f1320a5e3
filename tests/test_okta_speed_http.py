"""Rules that declare `quiet_on_http` are not asked about a plain `http://` origin (`facts.plain_scheme`
answers `http`: an exact origin as browsers send it, on a host that is not local, an IP address or
a playground), as `quiet_on_https` rules are not asked about a plain `https://` one (issue 21: a
50,000-origin export holds 3,800 such entries, each asked ten rules). Held as
tests/test_okta_speed_rules.py holds `quiet_on_https`: every such `inspect` answers None for seeded
plain-http entries under every engine, context and document; `plain_scheme` is `plain_https` for
`https`; and the reports of every fixture and example, and of seeded documents, are the same
whether or not the rules are asked everything."""

from __future__ import annotations

import itertools
import random
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
)
from origins_lint.rules import all_rules, facts
from origins_lint.rules.registry import RULES, PerMatcher, RuleSettings, document_findings
from tests.test_okta_speed_rules import _LABELS, _engines

ROOT = Path(__file__).resolve().parent.parent
AT = Location("f", 1, 1, 1, 2)


def _quiet() -> list[tuple[str, PerMatcher]]:
    return [
        (code, rule.check)
        for code, rule in RULES.items()
        if isinstance(rule.check, PerMatcher) and rule.check.quiet_on_http
    ]


def test_the_rules_quiet_on_plain_http_are_these() -> None:
    """OL201 and OL703 speak of plain HTTP, OL004 of regexes: the others have nothing to say."""
    assert sorted(code for code, _ in _quiet()) == [
        "OL101",
        "OL102",
        "OL104",
        "OL303",
        "OL501",
        "OL502",
        "OL503",
    ]


def _origin(rng: random.Random, scheme: str) -> str:
    host = ".".join(rng.choice(_LABELS) for _ in range(rng.randint(1, 4)))
    return f"{scheme}://{host}" + rng.choice(["", "", ":8080", ":80", ":443", "/", "."])


@pytest.mark.parametrize(("code", "check"), _quiet(), ids=[code for code, _ in _quiet()])
def test_a_quiet_rule_says_nothing_of_a_plain_http_origin(code: str, check: PerMatcher) -> None:
    rng = random.Random(3030 + int(code[2:]))
    plain = 0
    for _ in range(600):
        raw = _origin(rng, rng.choice(["http", "http", "HTTP"]))
        matcher = OriginMatcher(MatcherKind.EXACT, raw, AT, engine=rng.choice(_engines()))
        if facts.plain_scheme(matcher) != "http":
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


def test_plain_scheme_is_plain_https_for_https_and_the_same_test_for_http() -> None:
    rng = random.Random(3031)
    seen = {"https": 0, "http": 0, None: 0}
    for _ in range(5000):
        raw = _origin(rng, rng.choice(["https", "http", "HTTP", "wss", "ftp"]))
        if rng.random() < 0.1:
            raw = rng.choice(
                ["http://localhost:3000", "http://10.0.0.1", "http://codepen.io", "http://*.a.com"]
            )
        kind = rng.choice([MatcherKind.EXACT, MatcherKind.EXACT, MatcherKind.WILDCARD, MatcherKind.REGEX])
        matcher = OriginMatcher(kind, raw, AT, engine=rng.choice(_engines()))
        found = facts.plain_scheme(matcher)
        assert (found == "https") is facts.plain_https(matcher), raw
        over_http = OriginMatcher(kind, raw.replace("http://", "https://", 1), AT, engine=matcher.engine)
        if raw.startswith("http://") and ":" not in raw[7:]:  # over https (no default port to tell)
            assert (found == "http") is facts.plain_https(over_http), raw
        seen[found] += 1
        facts.forget()
    assert min(seen.values()) > 150


@pytest.mark.parametrize("folder", ["tests/fixtures", "examples"])
def test_reports_are_the_same_when_quiet_rules_are_asked_about_plain_http(
    folder: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["check", "-f", "json", "--no-cache", "--jobs", "1", str(ROOT / folder)]
    run(argv)
    quiet = capsys.readouterr().out
    for _code, check in _quiet():
        monkeypatch.setattr(check, "quiet_on_http", False)
    run(argv)
    asked = capsys.readouterr().out
    assert '"code": "OL201"' in asked
    assert quiet == asked


def test_seeded_documents_report_the_same_when_every_rule_is_asked_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Documents of plain and other origins under every engine: the findings of the rules as planned
    (`document_findings`), and of each rule asked about every entry (`Rule.findings`)."""
    rules = tuple(rule for rule in all_rules() if not rule.live)
    rng = random.Random(3032)
    for round_ in range(150):
        contexts = []
        for line in range(1, rng.randint(2, 30)):
            raw = _origin(rng, rng.choice(["https", "http", "http", "HTTP"]))
            at = Location("f", line, 3, line, 3 + len(raw))
            matcher = OriginMatcher(MatcherKind.EXACT, raw, at, engine=rng.choice(_engines()))
            credentials = Setting(rng.choice([True, False, None]))
            scopes = Setting(rng.choice([frozenset({"cors"}), frozenset({"cors", "redirect"})]))
            contexts.append(CorsContext([matcher], at, credentials=credentials, scopes=scopes))
        environment = rng.choice([Environment.PRODUCTION, Environment.DEVELOPMENT])
        platform = rng.choice([OKTA, None])
        document = Document("f", "okta", AT, contexts, environment=environment, platform=platform)
        settings = RuleSettings(selected=frozenset(rule.code for rule in rules))
        planned = [finding for _rule, finding in document_findings(rules, document, settings)]
        facts.forget()
        for _code, check in _quiet():
            monkeypatch.setattr(check, "quiet_on_http", False)
        each = [finding for rule in rules for finding in rule.findings(document, settings)]
        facts.forget()
        monkeypatch.undo()
        assert planned == each, round_
