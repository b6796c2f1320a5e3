"""Every trusted entry of every checked file as one row: where it is, what it admits, with what.

The rows come from the model only (`Document`), as `match` and the rules read it: a format
that parses an entry puts it in the inventory, whatever the format. Inactive entries (an
Okta origin with `status = "INACTIVE"`) are listed with their status; origin checks that
decide something other than CORS (an nginx `if` guarding a frame or a CSRF check) are
listed with what they decide. One nginx entry that serves several locations is one row per
distinct place and credentials, as `match` lists it.

Each row carries the findings `check` reports at its location (after inline suppressions),
and the environment the config's `development-files` gives its file. Files that could not be
read, or values not analysed, are listed apart (`problems`): an inventory that leaves them
out would look complete when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from origins_lint.config import Config
from origins_lint.inventory.describe import EXACT_KINDS, describe
from origins_lint.model import CorsContext, Finding, OriginMatcher, ParsedFile

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Row:
    path: str
    line: int
    column: int
    format: str
    engine: str
    kind: str
    entry: str  # as written
    group: str  # "exact" or "pattern"
    origin: str | None  # an exact entry, as the engine compares it
    admits: str
    counterexample: str | None
    place: str | None  # the server, route, map, Ingress or Okta name it belongs to
    credentials: bool | None  # None: cannot tell (counts as possible)
    scopes: tuple[str, ...]
    environment: str
    status: str
    decides: str | None  # None for CORS; else what the origin check gates (frame, guard, ...)
    findings: tuple[str, ...]

    @property
    def key(self) -> str:
        """What the row admits, for comparing places: the compared origin, or the pattern as written."""
        return self.origin if self.origin is not None else self.entry


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    line: int
    column: int
    code: str
    message: str


@dataclass
class Inventory:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0


def collect(paths: list[str], config: Config, input_format: str | None, errors: list[str]) -> Inventory:
    """Parse and check the paths as `check` does, then list their entries (internal errors collected)."""
    from origins_lint.check import _roots, parse_files
    from origins_lint.file_check import Job, outcome_of

    job = Job(config, input_format, _roots(paths), skip_unknown=False)
    inventory = Inventory()
    for parsed in parse_files(paths, config, input_format, errors):
        outcome = outcome_of(job, parsed)  # also marks the documents of `development-files`
        if outcome.error is not None:
            errors.append(outcome.error)
        kept = _unsuppressed([*outcome.problems, *outcome.findings], config.limits.file_size)
        inventory.files += 1
        inventory.rows.extend(rows_of(parsed, kept))
        inventory.problems.extend(
            Problem(f.location.path, f.location.line, f.location.column, f.code, f.message)
            for f in kept
            if f.code in ("OL001", "OL002", "OL003", "OL004")
        )
    inventory.rows.sort(key=lambda r: (r.group != "exact", r.key.lower(), r.path, r.line, r.column))
    inventory.problems.sort(key=lambda p: (p.path, p.line, p.column, p.code))
    return inventory


def _unsuppressed(found: list[Finding], limit: int) -> list[Finding]:
    """Inline suppressions apply here as in `check`: a reviewed exception is not an open finding."""
    from origins_lint.source import Source, read_source
    from origins_lint.suppress import scan

    texts: dict[str, str] = {}
    kept = []
    for finding in found:
        path = finding.location.path
        if path not in texts:
            source = read_source(path, limit)
            texts[path] = source.text if isinstance(source, Source) else ""
        if not scan(texts[path]).covers(finding):
            kept.append(finding)
    return kept


def rows_of(parsed: ParsedFile, findings: list[Finding]) -> list[Row]:
    at: dict[tuple[str, int, int], set[str]] = {}
    for finding in findings:
        loc = finding.location
        at.setdefault((loc.path, loc.line, loc.column), set()).add(finding.code)
    rows: list[Row] = []
    seen: set[tuple[object, ...]] = set()
    for document in parsed.documents:
        for context in document.contexts:
            for matcher in context.matchers:
                key = (matcher.location, matcher.raw, context.credentials.value, _place(context, matcher))
                if key in seen:
                    continue
                seen.add(key)
                rows.append(_row(parsed.format, document.environment.value, context, matcher, at))
    return rows


def _place(context: CorsContext, matcher: OriginMatcher) -> str | None:
    return context.name or matcher.scope


def _row(
    fmt: str,
    environment: str,
    context: CorsContext,
    matcher: OriginMatcher,
    at: dict[tuple[str, int, int], set[str]],
) -> Row:
    loc = matcher.location
    said = describe(matcher)
    return Row(
        path=loc.path,
        line=loc.line,
        column=loc.column,
        format=fmt,
        engine=matcher.engine.name,
        kind=matcher.kind.value,
        entry=matcher.raw,
        group="exact" if matcher.kind in EXACT_KINDS and said.origin is not None else "pattern",
        origin=said.origin,
        admits=said.admits,
        counterexample=said.counterexample,
        place=_place(context, matcher),
        credentials=context.credentials.value,
        scopes=tuple(sorted(context.scopes.value)),
        environment=environment,
        status=matcher.status.value,
        decides=context.decision.gate.value if context.decision is not None else None,
        findings=tuple(sorted(at.get((loc.path, loc.line, loc.column), ()))),
    )
