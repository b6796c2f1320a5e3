"""OL0xx: files that cannot be read, validated, recognized or analysed, and suppressions that do not work.

OL001-OL003 are reported by the pipeline from parser problems; OL004 looks at
matchers the analysis cannot model, so that "no finding" never silently means
"not looked at". OL005 and OL006 are reported by the pipeline from the
suppression comments it reads (`origins_lint.suppress`): a typo in one must not
silently leave a finding in, nor a stale one silently wait to hide the next.
"""

from __future__ import annotations

from origins_lint.model import CorsContext, Document, MatcherKind, OriginMatcher, Severity
from origins_lint.rules.facts import regex
from origins_lint.rules.registry import Hit, declare, per_matcher, rule

declare("OL001", "parse-error", Severity.HIGH, "File cannot be read or parsed")
declare("OL002", "schema-violation", Severity.HIGH, "File does not match its format's schema")
declare("OL003", "unknown-format", Severity.INFO, "File given on the command line is of no known format")


def _not_analysed(_context: CorsContext, matcher: OriginMatcher, _doc: Document) -> Hit | None:
    if matcher.kind is not MatcherKind.REGEX:
        return None
    found = regex(matcher.raw, matcher.engine)
    reason = found.unsupported or found.error  # policy files reject errors earlier, as OL002
    if reason is None:
        return None
    return Hit(
        matcher.location,
        f"`{matcher.raw}` was not analysed: {reason}. Review it by hand, or rewrite it "
        "with plain groups, classes and anchors so origins-lint can check it",
    )


rule("OL004", "not-analysed", Severity.INFO, "Entry origins-lint cannot analyse statically")(
    per_matcher(_not_analysed)
)

declare("OL005", "bad-suppression", Severity.MEDIUM, "Suppression comment is malformed or names no rule")
declare("OL006", "unused-suppression", Severity.LOW, "Suppression comment suppresses nothing", opt_in=True)
