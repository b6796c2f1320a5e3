"""HAProxy configs: each finding at its line and column, each `-m` method as src/pattern.c runs it.

Upstream: github.com/haproxy/haproxy at 50872daa6a857e82afc40b1c5161924aef4172d7 (src/tools.c
`parse_line`, src/pattern.c `pat_match_*` and `match_word`, src/acl.c, src/cfgparse-listen.c,
doc/configuration.txt 2.2, 7.1, 7.2); the engine's answers are in tests/conformance/haproxy/.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from origins_lint.formats import FormatOptions, detect
from origins_lint.formats.webservers import haproxy
from origins_lint.formats.webservers.haproxy.lexer import lex
from origins_lint.source import Source
from tests.conftest import FIXTURES, check_json, run_cli, run_every_rule, write

HERE = FIXTURES / "haproxy"


def found(*paths: Path, extra: tuple[str, ...] = ()) -> list[tuple[str, str, int, int]]:
    result = check_json(*paths, extra=("--no-cache", *extra))
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return [(Path(f["path"]).name, f["code"], f["line"], f["column"]) for f in result.findings]


def messages(path: Path) -> dict[tuple[str, int, int], str]:
    return {
        (f["code"], f["line"], f["column"]): f["message"] for f in check_json("--no-cache", path).findings
    }


def test_every_way_a_proxy_sends_an_origin_at_line_and_column() -> None:
    assert found(HERE / "haproxy.cfg") == [
        ("haproxy.cfg", "OL202", 11, 40),  # -m end example.com: any scheme
        ("haproxy.cfg", "OL309", 11, 40),  # ... and https://attackerexample.com
        ("haproxy.cfg", "OL202", 18, 101),  # hdr_dom(origin) -i example.org
        ("haproxy.cfg", "OL306", 18, 101),  # ... admits https://example.org.attacker.net
        ("haproxy.cfg", "OL402", 23, 58),  # if { req.hdr(origin) -m found }: reflected, credentials
        ("haproxy.cfg", "OL302", 29, 40),  # set-var under a regex ACL: the regex is the check
        ("haproxy.cfg", "OL306", 29, 40),
        ("haproxy.cfg", "OL602", 37, 5),
        # `%[capture.req.hdr(0)]`, the value that sends what `http-request capture req.hdr(origin)`
        # kept: said at the value (it was at the capture, which a `capture request header Origin`
        # line cannot show as `%[...]`)
        ("haproxy.cfg", "OL304", 37, 64),
        ("haproxy.cfg", "OL601", 41, 58),  # two origins in one value
        ("haproxy.cfg", "OL605", 42, 53),
        ("haproxy.cfg", "OL309", 46, 28),  # hdr_beg: https://app.example.com.attacker.net
        ("haproxy.cfg", "OL602", 47, 5),  # the `return` response carries no Vary
        # `{ capture.req.hdr(0) -m str ... }` on a captured Origin is an exact check: silent
        ("haproxy.cfg", "OL202", 54, 105),  # `{ var(txn.origin) -m end .example.org }`
        ("haproxy.cfg", "OL302", 54, 105),
    ]
    said = messages(HERE / "haproxy.cfg")
    assert "`https://example.org.attacker.net` gets in" in said[("OL306", 18, 101)]
    assert "`https://attackerexample.com` gets in" in said[("OL309", 11, 40)]
    assert "http-response set-header Vary Origin" in said[("OL602", 37, 5)]


def test_exact_lists_anchored_regexes_and_conditions_that_never_hold_are_silent() -> None:
    # clean.cfg also holds `"#not a comment"`, `not\#a\#comment`, `if FALSE`, `unless TRUE`
    # and `https://%[req.hdr(host)]` (the server's own origin)
    assert found(HERE / "clean.cfg") == []


def test_what_is_not_analysed_is_said() -> None:
    assert found(HERE / "unanalysed.cfg") == [
        # `-f lists/origins.lst` is inside the checked folder: its patterns are read, `-m end`
        ("origins.lst", "OL202", 2, 3),
        ("origins.lst", "OL302", 2, 3),
        ("origins.lst", "OL202", 3, 1),
        ("origins.lst", "OL309", 3, 1),
        ("unanalysed.cfg", "OL004", 2, 14),  # lua-load of a CORS script
        ("unanalysed.cfg", "OL004", 6, 18),  # http-request lua.cors
        ("unanalysed.cfg", "OL004", 7, 19),  # http-response lua.cors
        ("unanalysed.cfg", "OL602", 8, 5),
        ("unanalysed.cfg", "OL004", 8, 58),  # var(txn.from_lua): set by no rule of the file
        ("unanalysed.cfg", "OL004", 13, 36),  # -f outside the checked folders
        ("unanalysed.cfg", "OL602", 14, 5),
        ("unanalysed.cfg", "OL602", 18, 5),
        ("unanalysed.cfg", "OL004", 18, 58),  # "${CORS_ORIGIN}"
    ]
    said = messages(HERE / "unanalysed.cfg")
    assert "haproxy-lua-cors" in said[("OL004", 7, 19)]


def test_broken_config_is_ol001_at_its_line_without_traceback() -> None:
    assert found(HERE / "broken.cfg") == [("broken.cfg", "OL001", 3, 58)]
    assert "unmatched double quote" in messages(HERE / "broken.cfg")[("OL001", 3, 58)]


def test_what_haproxy_refuses_is_ol002_naming_haproxy() -> None:
    assert found(HERE / "refused.cfg") == [
        ("refused.cfg", "OL002", 3, 5),  # http-response in an anonymous defaults
        ("refused.cfg", "OL002", 5, 18),  # from a defaults that does not exist
        ("refused.cfg", "OL002", 7, 80),  # an ACL declared below its use
        ("refused.cfg", "OL002", 9, 5),  # rspadd, removed in 2.1
    ]
    assert all("HAProxy" in m for m in messages(HERE / "refused.cfg").values())


def test_hash_comments_carry_suppressions_and_a_quoted_hash_does_not() -> None:
    assert found(HERE / "suppressed.cfg") == [
        ("suppressed.cfg", "OL304", 3, 58),  # only OL602 is suppressed on line 3
        ("suppressed.cfg", "OL602", 4, 5),  # `"#origins-lint:ignore[OL304]"` is a quoted pattern
        ("suppressed.cfg", "OL304", 4, 58),
        ("suppressed.cfg", "OL101", 4, 105),
    ]


def test_a_conf_d_file_is_haproxy() -> None:
    assert found(HERE / "conf.d" / "cors.cfg") == [
        ("cors.cfg", "OL202", 2, 28),  # hdr_sub(origin) example: a substring
        ("cors.cfg", "OL309", 2, 28),
    ]


def test_match_answers_trusted_not_trusted_and_unknown() -> None:
    config = str(HERE / "haproxy.cfg")
    assert run_cli("match", "https://evil-example.com", config).exit_code == 0  # -m end example.com
    assert run_cli("match", "https://example.org.evil.net", config).exit_code == 0  # -m dom
    risky = "examples/webservers/haproxy-risky.cfg"
    clean = "examples/webservers/haproxy-clean.cfg"
    root = Path(__file__).parent.parent
    assert run_cli("match", "https://partner.example.net.attacker.io", risky, cwd=root).exit_code == 0
    assert run_cli("match", "https://evil-example.com", clean, cwd=root).exit_code == 1
    assert run_cli("match", "https://admin.example.com", clean, cwd=root).exit_code == 0
    # an origin only Lua or the environment decides: unknown
    assert run_cli("match", "https://evil.example", str(HERE / "unanalysed.cfg")).exit_code == 3


# --- detection ---------------------------------------------------------------------------------


def test_detection_never_mistakes_haproxy_for_another_format_or_the_reverse(tmp_path: Path) -> None:
    config = (HERE / "haproxy.cfg").read_text("utf-8")
    setup = "[metadata]\nname = demo\n\n[options]\npackages = find:\n"
    supervisord = "[program:web]\ncommand=/usr/bin/web\n\n[supervisord]\nlogfile=/tmp/s.log\n"
    nginx = "server {\n    listen 80;\n    add_header Access-Control-Allow-Origin *;\n}\n"
    cases = {
        "etc/haproxy/haproxy.cfg": (config, "haproxy"),
        "etc/haproxy/conf.d/10-cors.cfg": ((HERE / "conf.d" / "cors.cfg").read_text("utf-8"), "haproxy"),
        "nginx/conf.d/cors.cfg": (config, "haproxy"),  # an nginx folder holding HAProxy's file
        "lb.cfg": (config, "haproxy"),
        "setup.cfg": (setup, None),
        "supervisord.cfg": (supervisord, None),
        "nginx/conf.d/site.conf": (nginx, "nginx"),
    }
    for name, (text, expected) in cases.items():
        path = write(tmp_path, name, text)
        fmt = detect(str(path), text)
        assert (fmt.name if fmt else None) == expected, name
    # a folder walk: each file by its own format, none of the others taken for HAProxy
    result = check_json("--no-cache", tmp_path)
    formats = {Path(f["path"]).name: f["format"] for f in result.findings}
    assert formats.get("site.conf") == "nginx"
    assert {formats.get(n) for n in ("haproxy.cfg", "10-cors.cfg", "cors.cfg", "lb.cfg")} == {"haproxy"}
    assert "setup.cfg" not in formats and "supervisord.cfg" not in formats


# --- the engine's own pieces -------------------------------------------------------------------


def test_the_tokenizer_reads_quotes_escapes_and_comments_as_parse_line_does() -> None:
    lexed = lex('a\\ b "c d"\'e f\' g#h "#i" \\#j \'k\\l\' "\\x41"\n  x "$HOME" \'$x\'\n')
    assert lexed.error is None
    first, second = lexed.lines
    assert [w.text for w in first.words] == ["a b", "c de f", "g"]
    assert [w.column for w in first.words] == [1, 6, 17]
    assert [(w.text, w.env) for w in second.words] == [("x", False), ("${HOME}", True), ("$x", False)]
    quoted = lex('x "#i" \\#j \'k\\l\' "\\x41"').lines[0].words
    assert [w.text for w in quoted] == ["x", "#i", "#j", "k\\l", "A"]
    assert lex("a 'b").error == ("unmatched single quote: HAProxy refuses the line", 1, 3)
    assert lex("a \\xZZ").error is not None


def _match_word(sample: str, pattern: str, delimiters: str, icase: bool) -> bool:
    """src/pattern.c `match_word`, line by line."""
    ps = pattern.strip(delimiters)
    pl = len(ps)
    if pl > len(sample):
        return False
    fold = str.lower if icase else (lambda s: s)
    may_match = True
    end = len(sample) - pl
    for c in range(end + 1):
        if sample[c] in delimiters:
            may_match = True
            continue
        if not may_match:
            continue
        if fold(sample[c : c + pl]) == fold(ps) and (c == end or sample[c + pl] in delimiters):
            return True
        may_match = False
    return False


_ALPHABET = "ab.:/?-"


@settings(max_examples=300, deadline=None)
@given(
    st.text(_ALPHABET, max_size=12),
    st.text("ab.:-", min_size=1, max_size=5).filter(lambda p: p.strip("/?.:")),
)
def test_dom_regex_is_match_word(sample: str, pattern: str) -> None:
    import re

    built = haproxy.word_regex(pattern, haproxy.DELIMITERS["dom"])
    assert built is not None
    assert bool(re.search(built, sample)) == _match_word(sample, pattern, "/?.:", False), (sample, pattern)


def test_every_rule_runs_on_every_fixture() -> None:
    for path in sorted(HERE.rglob("*.cfg")):
        parsed = haproxy.parse(Source(str(path), path.read_text("utf-8")), FormatOptions(roots=(str(HERE),)))
        run_every_rule(parsed)


_PIECES = st.sampled_from(
    [" ", "\t", "\n", "#", "'", '"', "\\", "{ ", " }", "%[", "]", "!", "||", " or ", "if ", "unless ",
     "-m ", "-f ", "-i ", "acl a ", "req.hdr(origin)", "var(txn.a)", "capture.req.hdr(0)", "defaults",
     "frontend x\n", "from ", "\\x4", "${A", "dom ", "end ", "http-response set-header ",
     "Access-Control-Allow-Origin ", "http-request set-var(txn.a) ", "x"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_any_text_parses_without_raising(pieces: list[str]) -> None:
    text = "".join(pieces)
    parsed = haproxy.parse(Source("x.cfg", text), FormatOptions())
    run_every_rule(parsed)
