"""The model contract rules rely on, for formats that produce what the policy format cannot."""

from __future__ import annotations

from origins_lint.model import (
    CorsContext,
    Document,
    Location,
    MatcherKind,
    OriginMatcher,
    Setting,
    Status,
)
from origins_lint.rules import RuleSettings, all_rules


def document_with(matcher: OriginMatcher, credentials: bool | None) -> Document:
    here = Location.point("x", 1, 1)
    context = CorsContext(
        matchers=[matcher], location=here, credentials=Setting(credentials, here, from_default=True)
    )
    return Document(path="x", format="test", location=here, contexts=[context])


def findings(document: Document) -> list[str]:
    return [f.code for rule in all_rules() for f in rule.findings(document, RuleSettings())]


def test_inactive_matchers_are_seen_by_no_rule() -> None:
    here = Location.point("x", 1, 1)
    matcher = OriginMatcher(MatcherKind.ANY, "*", here, status=Status.INACTIVE)
    assert findings(document_with(matcher, True)) == []


def test_unknown_credentials_count_as_possible() -> None:
    here = Location.point("x", 1, 1)
    assert findings(document_with(OriginMatcher(MatcherKind.REFLECTED, "$http_origin", here), None)) == [
        "OL402"
    ]
    assert findings(document_with(OriginMatcher(MatcherKind.REFLECTED, "$http_origin", here), False)) == [
        "OL304"
    ]


def test_credentials_from_a_platform_default_are_said_to_be() -> None:
    here = Location.point("x", 1, 1)
    document = document_with(OriginMatcher(MatcherKind.ANY, "*", here), True)
    messages = [f.message for rule in all_rules() for f in rule.findings(document, RuleSettings())]
    assert len(messages) == 1 and "credentials come from a platform default" in messages[0]
