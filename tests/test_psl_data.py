"""The prebuilt public-suffix list (`origins_lint.psl_data`) is the installed library's list, and
`origins_lint.psl` answers what `publicsuffixlist.PublicSuffixList(accept_encoded_idn=False)` answers.

When publicsuffixlist is upgraded, `test_the_checked_in_list_is_the_librarys` fails until
`python -m origins_lint.psl_build` writes the module again.
"""

from __future__ import annotations

import random
import re
from functools import cache
from pathlib import Path

import publicsuffixlist
import pytest
from publicsuffixlist import PublicSuffixList

from origins_lint import origins, psl, psl_build, psl_data
from origins_lint.psl import SuffixList


@cache
def library() -> PublicSuffixList:
    return PublicSuffixList(accept_encoded_idn=False)


@cache
def ours() -> SuffixList:
    return psl.load()


def rules() -> list[str]:
    return sorted(psl_data.RULES.split())


def same_answers(host: str) -> None:
    theirs, mine = library(), ours()
    for unknown in (True, False):
        assert mine.privatesuffix(host, unknown) == theirs.privatesuffix(host, accept_unknown=unknown), host
        assert mine.publicsuffix(host, unknown) == theirs.publicsuffix(host, accept_unknown=unknown), host
        assert mine.is_public(host, unknown) == theirs.is_public(host, accept_unknown=unknown), host


def test_the_checked_in_list_is_the_librarys() -> None:
    """Regenerating from the installed library gives the checked-in file, byte for byte."""
    checked_in = Path(psl_data.__file__).read_text(encoding="utf-8")
    assert checked_in == psl_build.render(), "run `python -m origins_lint.psl_build`"
    assert publicsuffixlist.__version__ == psl_data.LIBRARY_VERSION


def test_the_rules_are_the_librarys_own() -> None:
    assert frozenset(psl_data.RULES.split()) == library()._publicsuffix
    assert library()._maxlabel == psl_data.MAX_LABELS
    assert len(rules()) > 9000  # the whole list, not a sample of it


def test_every_rule_of_the_list_answers_the_same() -> None:
    """Each rule as a name, below one and two more labels, and its wildcard's and exception's parent."""
    for rule in rules():
        name = rule.lstrip("!").removeprefix("*.")
        for host in (name, f"x.{name}", f"a.b.{name}", name.upper(), f"{name}.", name.partition(".")[2]):
            if host:
                same_answers(host)


def test_sampled_hosts_answer_the_same() -> None:
    """Labels of the list recombined, made-up labels and TLDs, empty labels and trailing dots."""
    rng = random.Random(21)
    labels = sorted({label for rule in rules() for label in rule.lstrip("!").split(".")})
    made_up = ["example", "xn--nxasmq6b", "co", "www", "*", "1", "a-b", "ÉCOLE", "test", "localhost"]
    for _ in range(20_000):
        parts = [rng.choice(labels if rng.random() < 0.7 else made_up) for _ in range(rng.randint(1, 6))]
        host = ".".join(parts)
        roll = rng.random()
        if roll < 0.05:
            host += "."
        elif roll < 0.08:
            host = "." + host
        elif roll < 0.1:
            host = host.replace(".", "..", 1)
        same_answers(host)
    for host in ("", ".", "..", "com", "COM", "example.com.", "a..b.com", "kobe.jp", "city.kobe.jp"):
        same_answers(host)


def test_the_librarys_own_test_cases_answer_the_same() -> None:
    """publicsuffixlist/test_psl.txt: the list maintainers' `checkPublicSuffix` cases."""
    text = (Path(publicsuffixlist.__file__).parent / "test_psl.txt").read_text(encoding="utf-8")
    cases = re.findall(r"^checkPublicSuffix\('([^']*)', (?:'[^']*'|null)\);", text, re.MULTILINE)
    assert len(cases) > 50
    for host in cases:
        same_answers(host)


@pytest.mark.parametrize(
    ("host", "domain", "public"),
    [
        ("app.example.co.uk", "example.co.uk", False),
        ("co.uk", None, True),
        ("user.github.io", "user.github.io", False),
        ("github.io", None, True),
        ("city.kobe.jp", "city.kobe.jp", False),  # an exception rule
        ("xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn", False),  # punycode, as written
        ("例子.公司.cn", "例子.公司.cn", False),
    ],
)
def test_origins_answers_through_the_prebuilt_list(host: str, domain: str | None, public: bool) -> None:
    assert origins.registrable_domain(host) == domain
    assert origins.is_public_suffix(host) is public
