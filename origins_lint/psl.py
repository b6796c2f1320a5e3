"""Public-suffix lookups on the prebuilt list (`psl_data`), the same answers as `publicsuffixlist`.

Building `publicsuffixlist.PublicSuffixList()` parses its 340 kB list at every start, about 20% of
a one-file check; the list as a prebuilt string of rules loads in about a millisecond instead.
The lookup below is the library's own algorithm for `str` names (`PublicSuffixList._countpublic`
and `_preparedomain` in publicsuffixlist/__init__.py, 1.1.2), so the answers are the same:
`tests/test_psl_data.py` compares them on every rule of the list, on sampled hosts and on the
library's `test_psl.txt`, and fails when the installed library's list differs from `psl_data`
(then `python -m origins_lint.psl_build` writes it again).
"""

from __future__ import annotations

from origins_lint import psl_data


class SuffixList:
    """The three questions `origins` asks, answered as `PublicSuffixList(accept_encoded_idn=False)`
    answers them (lower-case results, unknown TLDs public unless told otherwise)."""

    __slots__ = ("_max_labels", "_rules", "_tails")

    def __init__(self, rules: frozenset[str], max_labels: int, tails: frozenset[str]) -> None:
        self._rules = rules
        self._max_labels = max_labels
        # the names some rule ends with that are not rules themselves (`psl_data.TAILS`): a suffix
        # that is neither cannot match any rule, nor can any longer one
        self._tails = tails

    def privatesuffix(self, domain: str, accept_unknown: bool = True) -> str | None:
        """The shortest name one owner holds (`example.co.uk`), None when there is none."""
        labels = _labels(domain)
        if labels is None:
            return None
        public = self._count_public(labels, accept_unknown)
        if not public or len(labels) < public + 1:
            return None
        return ".".join(labels[-(public + 1) :])

    def publicsuffix(self, domain: str, accept_unknown: bool = True) -> str | None:
        """The longest suffix anyone can register under (`co.uk`), None when there is none."""
        labels = _labels(domain)
        if labels is None:
            return None
        public = self._count_public(labels, accept_unknown)
        if not public or len(labels) < public:
            return None
        return ".".join(labels[-public:])

    def is_public(self, domain: str, accept_unknown: bool = True) -> bool:
        labels = _labels(domain)
        if labels is None:
            return False
        public = self._count_public(labels, accept_unknown)
        return bool(public and public == len(labels))

    def _count_public(self, labels: list[str], accept_unknown: bool) -> int:
        """How many labels at the end are public; the checks and their order are the library's
        (an exception rule, then a wildcard, then an exact rule, longest suffix first)."""
        count = len(labels)
        if not count:
            return 0
        if count == 1 and accept_unknown:
            return 1
        rules, tails = self._rules, self._tails
        # the library tries every suffix, longest first (up to `_max_labels` + 1 labels); only those a
        # rule ends with can match one of its three tests, and every name such a suffix ends with is one
        # too: so the walk starts at the longest of those, found from the right (47,000 distinct hosts
        # of a 50,000-origin Okta export each asked three lookups a label, issue 21)
        suffixes: list[str] = []  # the suffix of each depth from 1 that some rule ends with
        for depth in range(1, min(count, self._max_labels + 1) + 1):
            suffix = f"{labels[-depth]}.{suffixes[-1]}" if suffixes else labels[-1]
            if suffix not in rules and suffix not in tails:
                break
            suffixes.append(suffix)
        for depth in range(len(suffixes), 0, -1):
            suffix = suffixes[depth - 1]
            if "!" + suffix in rules:
                return depth - 1
            if "*." + suffix in rules:
                return depth + 1 if depth < count else depth
            if suffix in rules:
                return depth
        return 1 if accept_unknown else 0


def _labels(domain: str) -> list[str] | None:
    """The lower-case labels; one trailing dot is dropped, any other empty label makes it no name."""
    if domain.endswith("."):
        domain = domain[:-1]
    labels = domain.lower().split(".")
    return None if "" in labels else labels


def load() -> SuffixList:
    tails = frozenset(psl_data.TAILS.split())
    return SuffixList(frozenset(psl_data.RULES.split()), psl_data.MAX_LABELS, tails)
