"""`registry.document_findings` plans the per-matcher checks of a tuple of rules once (issue 21:
building them for every document was 3% of an nginx run of 2,000 small files). Held to the
function before the change (``_reference``, verbatim but for its name): the same findings in the
same order for every document of every fixture and example, with every rule, with rules ignored,
as a tuple asked twice and as a list; and a plan is made again once a check changes (tests narrow
and widen them with setattr)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from origins_lint import formats
from origins_lint.file_check import _rules
from origins_lint.model import Document, Finding, MatcherKind, ParsedFile
from origins_lint.rules.facts import plain_https
from origins_lint.rules.registry import Hit, PerMatcher, Rule, RuleSettings, _plan, document_findings
from origins_lint.source import Source, read_source

ROOT = Path(__file__).resolve().parent.parent


def _reference(
    rules: Sequence[Rule], document: Document, settings: RuleSettings
) -> Iterator[tuple[Rule, Finding]]:
    passes = [(rule, rule.check) for rule in rules if isinstance(rule.check, PerMatcher)]
    hits: dict[str, list[Hit]] = {rule.code: [] for rule, _check in passes}
    if passes:
        by_kind = {
            kind: [(hits[rule.code], check, check.inspect) for rule, check in passes if kind in check.kinds]
            for kind in MatcherKind
        }
        https = [each for each in by_kind[MatcherKind.EXACT] if not each[1].quiet_on_https]
        for context, matcher in document.matchers(decisions=True):
            checks = https if plain_https(matcher) else by_kind[matcher.kind]
            plain = (
                not (matcher.from_default and matcher.note)
                and context.own_page is None
                and context.decision is None
            )
            for found, check, inspect in checks:
                hit = inspect(context, matcher, document) if plain else check.hit(context, matcher, document)
                if hit is not None:
                    found.append(hit)
    for rule in rules:
        collected = hits.get(rule.code)
        if collected is None:
            for finding in rule.findings(document, settings):
                yield rule, finding
        else:
            for hit in collected:
                yield rule, rule.finding(hit, document)


def _documents() -> list[Document]:
    out: list[Document] = []
    for folder in (ROOT / "tests" / "fixtures", ROOT / "examples"):
        for path in sorted(folder.rglob("*")):
            read = read_source(str(path), 2_000_000) if path.is_file() else None
            if not isinstance(read, Source):
                continue
            found = [f for f in formats.FORMATS if f.detect(read.path, read.text)]
            if not found:
                continue
            try:
                parsed = found[0].parse(read, formats.FormatOptions())
            except Exception:  # a parser's own failure is file_check's to report, not this test's
                continue
            if isinstance(parsed, ParsedFile):
                out.extend(parsed.documents)
    return out


@pytest.mark.parametrize("ignore", [(), ("OL302", "OL306", "OL201", "OL004")])
def test_findings_are_the_reference_ones(ignore: tuple[str, ...]) -> None:
    rules = _rules(("ALL",), ignore)
    settings = RuleSettings(selected=frozenset(rule.code for rule in rules))
    documents = _documents()
    assert len(documents) > 150
    found = 0
    for document in documents:
        expected = list(_reference(rules, document, settings))
        assert list(document_findings(rules, document, settings)) == expected
        assert list(document_findings(rules, document, settings)) == expected  # planned once
        assert list(document_findings(list(rules), document, settings)) == expected  # a list: not kept
        found += len(expected)
    assert found > 300


def test_a_plan_is_made_again_when_a_check_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = _rules(("ALL",), ())
    passes, by_kind, _https = _plan(rules)
    narrowed = next(check for _rule, check in passes if check.kinds != frozenset(MatcherKind))
    before = {kind: len(checks) for kind, checks in by_kind.items()}
    monkeypatch.setattr(narrowed, "kinds", frozenset(MatcherKind))
    after = {kind: len(checks) for kind, checks in _plan(rules)[1].items()}
    assert sum(after.values()) > sum(before.values())
    monkeypatch.undo()
    assert {kind: len(checks) for kind, checks in _plan(rules)[1].items()} == before
