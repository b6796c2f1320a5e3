"""Every limit, at its default and configured: inside it a file is checked as usual; past it the file
is OL001 (or the pattern OL004) naming the setting to raise, quickly, and the other files are still
checked. Each "past" case is one that would hang, exhaust memory or be misread without the limit."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from origins_lint import limits
from origins_lint.config import ConfigError, load_config
from tests.conftest import Run, check_json, write

POLICY = "version: 1\norigins:\n  - origin: http://still-checked.example.com\n"


def configure(project: Path, **values: int) -> None:
    lines = [f"{key.replace('_', '-')} = {value}" for key, value in values.items()]
    write(project, ".origins-lint.toml", "\n".join(lines) + "\n")


def problems(result: Run, name: str) -> list[str]:
    """The OL001/OL004 messages of one file; the neighbour must have been checked all the same."""
    assert "Traceback" not in result.stdout + result.stderr
    assert any(f["path"].endswith("neighbour.origins.yaml") and f["code"] == "OL201" for f in result.findings)
    return [
        f["message"]
        for f in result.findings
        if f["path"].endswith(name) and f["code"] in ("OL001", "OL004") and "Flow" not in f["message"]
    ]


@pytest.fixture
def neighbour(project: Path) -> Path:
    write(project, "neighbour.origins.yaml", POLICY)
    return project


def test_every_limit_is_a_setting_with_a_documented_default() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    for key, name in limits.KEYS.items():
        default = getattr(limits.DEFAULT, name)
        assert f"{key} = {default}" in readme, key


@pytest.mark.parametrize("value", ["0", "-5", '"big"', "true", "1.5"])
def test_a_limit_must_be_a_positive_whole_number(project: Path, value: str) -> None:
    path = write(project, ".origins-lint.toml", f"max-nesting = {value}\n")
    with pytest.raises(ConfigError, match="`max-nesting` must be a positive whole number"):
        load_config(path)


def test_limits_are_read_from_the_config(project: Path) -> None:
    path = write(project, ".origins-lint.toml", "max-regex-steps = 7\nmax-file-size = 99\n")
    assert load_config(path).limits == limits.Limits(regex_steps=7, file_size=99)


def test_file_size_default_is_10_mib(neighbour: Path) -> None:
    with open(neighbour / "huge.origins.yaml", "wb") as handle:
        handle.write(POLICY.encode())
        handle.truncate(10 * 1024 * 1024 + 1)  # sparse: the size is all that is looked at
    start = time.perf_counter()
    result = check_json(".")
    assert time.perf_counter() - start < 5
    assert problems(result, "huge.origins.yaml") == [
        "file is too large to check (10,485,761 bytes; the limit is 10,485,760: "
        "raise `max-file-size` if this file is really a config)"
    ]


def test_included_nginx_files_obey_the_size_limit(neighbour: Path) -> None:
    configure(neighbour, max_file_size=200)
    write(neighbour, "site.conf", "server {\n    include cors.inc;\n}\n")
    write(neighbour, "cors.inc", "# " + "x" * 300 + "\nadd_header Access-Control-Allow-Origin *;\n")
    result = check_json("neighbour.origins.yaml", "site.conf")
    assert "OL301" not in result.codes()  # the too-large include is never read


def entries(count: int) -> str:
    return "version: 1\norigins:\n" + "".join(
        f"  - origin: https://app{i}.example.com\n    note: entry {i}\n" for i in range(count)
    )


def test_yaml_values_limit(neighbour: Path) -> None:
    write(neighbour, "many.origins.yaml", entries(20))  # 2 + 20 * 5 = 102 values with the keys
    configure(neighbour, max_yaml_values=500)
    assert problems(check_json("."), "many.origins.yaml") == []
    configure(neighbour, max_yaml_values=50)
    assert problems(check_json("."), "many.origins.yaml") == [
        "YAML expands to more than 50 values (an alias bomb?); not checked (the limit is `max-yaml-values`)"
    ]


def test_yaml_alias_bomb_at_the_default_limit(neighbour: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    write(neighbour, "bomb.origins.yaml", "version: 1\n" + "\n".join(lines) + "\norigins: []\n")
    start = time.perf_counter()
    found = problems(check_json("."), "bomb.origins.yaml")
    assert time.perf_counter() - start < 5
    assert found == [
        "YAML expands to more than 100,000 values (an alias bomb?); not checked "
        "(the limit is `max-yaml-values`)"
    ]


NESTED = {
    "deep.origins.yaml": lambda n: "version: 1\nx-deep: " + "[" * n + "]" * n + "\norigins: []\n",
    "trusted-origins.json": lambda n: (
        '[{"id": "t", "name": "n", "origin": "https://a.example.com", "scopes": [{"type": "CORS"}], '
        '"x": ' + "[" * n + "]" * n + "}]"
    ),
    "deep.conf": lambda n: "http {\n" + "location / {\n" * n + "}\n" * n + "}\n",
}
TOO_DEEP = {
    "deep.origins.yaml": "YAML nests deeper than 6 levels; not checked (the limit is `max-nesting`)",
    "trusted-origins.json": "JSON nests deeper than 6 levels; not checked (the limit is `max-nesting`)",
    "deep.conf": "blocks nest more than 6 levels deep; nginx configs never do, so this is not checked "
    "(the limit is `max-nesting`)",
}


@pytest.mark.parametrize("name", sorted(NESTED))
def test_nesting_limit(neighbour: Path, name: str) -> None:
    configure(neighbour, max_nesting=6)
    write(neighbour, name, NESTED[name](3))
    assert problems(check_json("neighbour.origins.yaml", name), name) == []
    write(neighbour, name, NESTED[name](8))
    assert problems(check_json("neighbour.origins.yaml", name), name) == [TOO_DEEP[name]]


@pytest.mark.parametrize("name", sorted(NESTED))
def test_ten_thousand_levels_finish_fast(neighbour: Path, name: str) -> None:
    write(neighbour, name, NESTED[name](10_000))
    start = time.perf_counter()
    found = problems(check_json("neighbour.origins.yaml", name), name)
    assert time.perf_counter() - start < 5
    assert len(found) == 1
    assert "deep" in found[0]


def include_chain(project: Path, length: int) -> None:
    """site.conf includes c1.inc, which includes c2.inc ... up to c<length>.inc, which is risky."""
    write(project, "site.conf", "server {\n    include c1.inc;\n}\n")
    for i in range(1, length):
        write(project, f"c{i}.inc", f"include c{i + 1}.inc;\n")
    write(project, f"c{length}.inc", "add_header Access-Control-Allow-Origin $http_origin always;\n")


def test_include_depth_limit(neighbour: Path) -> None:
    include_chain(neighbour, 4)
    configure(neighbour, max_include_depth=4)
    result = check_json("neighbour.origins.yaml", "site.conf")
    assert problems(result, "inc") == []
    assert "OL304" in result.codes()
    configure(neighbour, max_include_depth=2)
    result = check_json("neighbour.origins.yaml", "site.conf")
    assert problems(result, "c2.inc") == [  # at the include that would go a level deeper
        "includes nest more than 2 files deep; the rest is not checked (the limit is `max-include-depth`)"
    ]
    assert "OL304" not in result.codes()


def test_include_depth_default(neighbour: Path) -> None:
    include_chain(neighbour, 30)
    assert problems(check_json("neighbour.origins.yaml", "site.conf"), ".inc") == [
        "includes nest more than 16 files deep; the rest is not checked (the limit is `max-include-depth`)"
    ]


def test_included_files_limit(neighbour: Path) -> None:
    write(neighbour, "site.conf", "server {\n    include parts/*.inc;\n    include parts/*.inc;\n}\n")
    for i in range(5):
        write(neighbour, f"parts/p{i}.inc", f"add_header X-Part-{i} yes;\n")
    configure(neighbour, max_included_files=10)
    assert problems(check_json("neighbour.origins.yaml", "site.conf"), "site.conf") == []
    configure(neighbour, max_included_files=7)
    assert problems(check_json("neighbour.origins.yaml", "site.conf"), "site.conf") == [
        "includes pull in more than 7 files; the rest is not checked (the limit is `max-included-files`)"
    ]


def regex_policy(project: Path, pattern: str) -> None:
    write(project, "re.origins.yaml", f"version: 1\norigins:\n  - regex: '{pattern}'\n")


def test_regex_states_limit(neighbour: Path) -> None:
    regex_policy(neighbour, r"^https://(app|api|www|cdn)\.example\.com$")  # about 50 states
    configure(neighbour, max_regex_states=1000)
    assert problems(check_json("."), "re.origins.yaml") == []
    configure(neighbour, max_regex_states=30)
    assert problems(check_json("."), "re.origins.yaml") == [
        "`^https://(app|api|www|cdn)\\.example\\.com$` was not analysed: the pattern needs more than 30 "
        "automaton states (the limit is `max-regex-states`). Review it by hand, or rewrite it with plain "
        "groups, classes and anchors so origins-lint can check it"
    ]


def test_regex_states_default_stops_a_huge_repeat_fast(neighbour: Path) -> None:
    regex_policy(neighbour, r"^https://(a{1,1000}){1,1000}\.example\.com$")  # a million states
    start = time.perf_counter()
    [message] = problems(check_json("."), "re.origins.yaml")
    assert time.perf_counter() - start < 5
    assert "the pattern needs more than 20,000 automaton states (the limit is `max-regex-states`)" in message


def test_regex_steps_limit(neighbour: Path) -> None:
    regex_policy(neighbour, r"^https://(app|api|www)\.example\.com$")
    configure(neighbour, max_regex_steps=100_000)
    assert problems(check_json("."), "re.origins.yaml") == []
    configure(neighbour, max_regex_steps=40)
    [message] = problems(check_json("."), "re.origins.yaml")
    assert "takes more than 40 automaton steps (the limit is `max-regex-steps`)" in message


def test_regex_steps_do_not_depend_on_what_was_checked_before(neighbour: Path) -> None:
    """The automaton memoizes steps; a text is still charged its full cost, so the verdict is the same
    whether or not another file warmed the memo up."""
    from origins_lint.matchers import analyse_regex
    from origins_lint.model import Engine, MatchMode

    engine = Engine("python", MatchMode.SEARCH)
    bounds = limits.Limits(regex_steps=400)
    text = "https://" + "a" * 40 + ".example.com"
    cold = analyse_regex(r"^https://[a-z]+\.example\.com$", engine, bounds)
    warm = analyse_regex(r"^https://[a-z]+\.example\.com$", engine, bounds)
    warm.accepts("https://" + "a" * 39 + ".example.com")
    assert cold.accepts(text) == warm.accepts(text)


def test_a_fifo_named_on_the_command_line_is_not_opened(neighbour: Path) -> None:
    os.mkfifo(neighbour / "pipe.origins.yaml")
    start = time.perf_counter()
    result = check_json("neighbour.origins.yaml", "pipe.origins.yaml")
    assert time.perf_counter() - start < 5
    assert problems(result, "pipe.origins.yaml") == [
        "not a regular file (a FIFO, socket or device); not read"
    ]


def test_a_fifo_in_a_walked_folder_is_skipped(neighbour: Path) -> None:
    os.mkfifo(neighbour / "pipe.origins.yaml")
    result = check_json(".")
    assert result.report["files_checked"] == 1
    assert problems(result, "pipe.origins.yaml") == []


def test_a_file_that_reports_size_zero_is_still_read_whole_and_bounded() -> None:
    """procfs files say 0 bytes; the read buffer follows the size, then reads on, never past the limit."""
    from origins_lint.source import Source, read_source

    whole = read_source("/proc/self/status", 1 << 20)
    assert isinstance(whole, Source) and "\nPid:" in whole.text
    assert "too large" in str(getattr(read_source("/proc/self/status", 10), "message", ""))


def test_lines_are_read_forward_and_again_from_the_start() -> None:
    from origins_lint.source import Lines

    lines = Lines("one\ntwo\r\nthree\n")
    assert [lines.line(n) for n in (1, 3, 2, 4, 5, 0)] == ["one", "three", "two\r", "", None, None]


CLIPPED = (
    "this value is built from more than 64 pieces or 8,192 characters through `set`; it was not analysed"
)


def test_a_value_doubled_through_set_is_bounded(neighbour: Path) -> None:
    """`set $a "$a$a"` 28 times builds 268 million characters; the value analysis stops at 8,192."""
    chain = '    set $a "x";\n' + '    set $a "$a$a";\n' * 28
    write(
        neighbour,
        "d.conf",
        f"server {{\n  location / {{\n{chain}    add_header Access-Control-Allow-Origin $a;\n  }}\n}}\n",
    )
    start = time.perf_counter()
    result = check_json("neighbour.origins.yaml", "d.conf")
    assert time.perf_counter() - start < 5
    assert set(problems(result, "d.conf")) == {CLIPPED}


def test_a_value_naming_a_variable_thousands_of_times_is_bounded(neighbour: Path) -> None:
    """Joined piece by piece, 30,000 references cost quadratic time; past 64 pieces the rest is unknown."""
    value = "${http_origin}" * 30_000
    write(
        neighbour,
        "r.conf",
        f'server {{\n  location / {{\n    set $a "{value}";\n'
        "    add_header Access-Control-Allow-Origin $a;\n  }\n}\n",
    )
    start = time.perf_counter()
    result = check_json("neighbour.origins.yaml", "r.conf")
    assert time.perf_counter() - start < 5
    assert problems(result, "r.conf") == [CLIPPED]
