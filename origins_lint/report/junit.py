"""JUnit XML: a test suite per checked file, a failed case per finding, a passed case for a clean file.

CI systems (GitLab, Jenkins, Azure Pipelines, CircleCI) show these as test
results. Characters XML 1.0 cannot carry (NUL, most control characters, lone
surrogates) are written as `\\xNN` escapes, so the file parses whatever a checked
file contained.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from origins_lint.check import CheckResult
from origins_lint.model import Finding
from origins_lint.report import Style

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Characters XML cannot hold as escapes; a newline or CR inside a value too, so that no line of
    the file starts with text from a checked file (`::add-mask::` in a CI log)."""
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    return _NOT_XML.sub(
        lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text
    )


def _case(suite: ET.Element, path: str, finding: Finding) -> None:
    loc = finding.location
    case = ET.SubElement(
        suite,
        "testcase",
        name=xml_text(f"{finding.code} {finding.slug} at {loc.line}:{loc.column}"),
        classname=xml_text(path),
        file=xml_text(loc.path),
        line=str(loc.line),
    )
    failure = ET.SubElement(
        case, "failure", message=xml_text(finding.message), type=f"{finding.code} {finding.severity.label}"
    )
    failure.text = xml_text(
        f"{loc.path}:{loc.line}:{loc.column}: {finding.code} [{finding.severity.label}] {finding.message}"
    )


def render(result: CheckResult, _style: Style) -> str:
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_file[finding.location.path].append(finding)
    paths = sorted(
        {*result.paths, *by_file}
    )  # a finding may point into an included file; sorted: any order in
    root = ET.Element("testsuites", name="origins-lint")
    total = failures = 0
    for path in paths:
        findings = by_file.get(path, [])
        cases = max(len(findings), 1)
        suite = ET.SubElement(
            root, "testsuite", name=xml_text(path), tests=str(cases), failures=str(len(findings)), errors="0"
        )
        for finding in findings:
            _case(suite, path, finding)
        if not findings:
            ET.SubElement(
                suite, "testcase", name="origins-lint", classname=xml_text(path), file=xml_text(path)
            )
        total += cases
        failures += len(findings)
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(len(result.internal_errors)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
