"""Conformance: origins-lint answers as each engine answers, on cases taken from the engine's own tests.

Each `tests/conformance/<engine>/cases.yaml` holds configurations copied from (or written
to the letter of) an engine's unit tests, end-to-end tests or documentation, each with the
upstream citation (repository, file, test name, commit). For every origin a case names,
the file records what the engine does:

- `admitted`: the browser lets the page read the response, but not with credentials
  (the engine answers without `Access-Control-Allow-Credentials: true`, or answers `*`,
  which browsers refuse for credentialed requests);
- `admitted-with-credentials`: the engine echoes the origin with `Allow-Credentials: true`;
- `not-admitted`: the engine sends no `Access-Control-Allow-Origin` for it;
- `config-rejected`: the engine refuses the configuration (it fails to load or start,
  or its API or admission check refuses it), so nothing is admitted.

An Okta case may name another `scope` (`redirect`, `iframe_embed`): the answer is then
`admitted` or `not-admitted` for that use of the trusted origin.

The test writes the configuration under its own file name, runs `origins-lint match` and
`origins-lint check` on it, and derives our answer: `config-rejected` when `check` says
the engine rejects it (OL002) and `match` admits nothing; otherwise what `match` says
(`unknown` when it exits 3). A case may also name finding codes `check` must report.

Where origins-lint still disagrees, the case is listed in `KNOWN_GAPS` with the diagnosis,
and the test asserts that it still disagrees: a fix fails that test until the entry is
removed, so the list only shrinks. Every disagreement is also in /work/notes/conformance.md
for the helpers who own the fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import run_cli

CONFORMANCE = Path(__file__).parent / "conformance"
ENGINES = ("ingress-nginx", "istio", "envoy", "traefik", "spring", "okta")
ANSWERS = frozenset({"admitted", "admitted-with-credentials", "not-admitted", "config-rejected"})
MIN_CASES = 25


@dataclass(frozen=True)
class Case:
    engine: str
    config_id: str
    file: str
    config: str
    origin: str
    answer: str
    scope: str
    codes: tuple[str, ...]
    citation: dict[str, str]

    @property
    def id(self) -> str:
        scope = "" if self.scope == "cors" else f"@{self.scope}"
        return f"{self.engine}/{self.config_id}/{self.origin}{scope}"


def _load(engine: str) -> list[Case]:
    data: dict[str, Any] = YAML(typ="safe").load((CONFORMANCE / engine / "cases.yaml").read_text("utf-8"))
    upstream: dict[str, str] = data["upstream"]
    cases: list[Case] = []
    for entry in data["cases"]:
        citation = {**upstream, **entry["source"]}
        for check in entry["expect"]:
            cases.append(
                Case(
                    engine=engine,
                    config_id=entry["id"],
                    file=entry["file"],
                    config=entry["config"],
                    origin=check["origin"],
                    answer=check["answer"],
                    scope=check.get("scope", entry.get("scope", "cors")),
                    codes=tuple(check.get("codes", ())),
                    citation=citation,
                )
            )
    return cases


CASES = [case for engine in ENGINES for case in _load(engine)]

# Cases where origins-lint still answers differently from the engine: id -> diagnosis.
# The test asserts that each still disagrees; when a fix lands, remove the entry.
KNOWN_GAPS: dict[str, str] = {}


def our_answer(case: Case, folder: Path) -> tuple[str, list[str]]:
    """What origins-lint says about the case's origin, and the codes `check` reports."""
    (folder / case.file).parent.mkdir(parents=True, exist_ok=True)
    (folder / case.file).write_text(case.config, encoding="utf-8")
    checked = run_cli("check", "--output-format", "json", case.file, cwd=folder)
    assert checked.exit_code in (0, 1), checked.stderr
    codes = checked.codes()
    matched = run_cli("match", "--output-format", "json", case.origin, case.file, cwd=folder)
    assert matched.exit_code in (0, 1, 3), matched.stderr
    if matched.exit_code == 3:
        said = "unknown"
    else:
        entries = [e for e in json.loads(matched.stdout)["entries"] if case.scope in e["scopes"]]
        if not entries:
            said = "not-admitted"
        elif case.scope != "cors":  # REDIRECT, IFRAME_EMBED (Okta): trusted or not, no credentials
            said = "admitted"
        elif any(e["credentials"] for e in entries):
            said = "admitted-with-credentials"
        else:
            said = "admitted"
    if "OL002" in codes:
        said = "config-rejected" if said == "not-admitted" else f"config-rejected, yet match says {said}"
    return said, codes


def disagreement(case: Case, folder: Path) -> str | None:
    said, codes = our_answer(case, folder)
    problems = []
    if said != case.answer:
        problems.append(f"engine: {case.answer}, origins-lint: {said}")
    missing = [code for code in case.codes if code not in codes]
    if missing:
        problems.append(f"check lacks {', '.join(missing)} (reported: {', '.join(codes) or 'nothing'})")
    return "; ".join(problems) or None


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_engine_answer(case: Case, tmp_path: Path) -> None:
    found = disagreement(case, tmp_path)
    if case.id in KNOWN_GAPS:
        assert found is not None, f"{case.id} now agrees with the engine: remove it from KNOWN_GAPS"
    else:
        assert found is None, f"{found}\ncited: {case.citation}"


def test_cases_are_complete_and_cited() -> None:
    for engine in ENGINES:
        cases = [case for case in CASES if case.engine == engine]
        assert len(cases) >= MIN_CASES, f"{engine} has {len(cases)} cases"
    for case in CASES:
        assert case.answer in ANSWERS, case.id
        cited = case.citation
        assert (cited.get("repository") and cited.get("path")) or cited.get("url"), case.id
        assert case.citation.get("commit") or case.citation.get("stored"), case.id
        assert case.citation.get("test") or case.citation.get("section"), case.id
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "case ids repeat"
    assert set(KNOWN_GAPS) <= set(ids), set(KNOWN_GAPS) - set(ids)


def test_readme_states_each_engine() -> None:
    """The README's table of matching semantics has a row for every engine the suite covers."""
    readme = (CONFORMANCE.parent.parent / "README.md").read_text("utf-8")
    header = (
        "| Engine | Exact entries | Case | Wildcard | Regex: flavour, anchoring "
        "| Credentials by default | What the engine rejects |"
    )
    assert header in readme
    table = readme.split(header, 1)[1].split("\n\n", 1)[0]
    names = {
        "ingress-nginx": "ingress-nginx",
        "istio": "Istio",
        "envoy": "Envoy",
        "traefik": "Traefik",
        "spring": "Spring",
        "okta": "Okta",
    }
    for engine in ENGINES:
        assert f"\n| {names[engine]} |" in table, engine
