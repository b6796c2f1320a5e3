"""Traefik labels written as a Dockerfile's `LABEL`s: the image's labels are its containers', which
Traefik's Docker provider reads (found on a real Dockerfile, notes/s30-hunt4.md #9: it was OL003,
and a folder walk said "No findings in 0 files"). The `LABEL` syntax is BuildKit's
(readers/dockerfile.py cites moby/buildkit `frontend/dockerfile/parser`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from origins_lint.formats.readers.dockerfile import is_dockerfile, labels
from tests.conftest import FIXTURES, check_json, run_cli, write

MIDDLEWARE = "traefik.http.middlewares.cors.headers"


def _found(*paths: str | Path) -> list[tuple[str, int, int, str]]:
    result = check_json(*paths)
    assert "Traceback" not in result.stdout + result.stderr
    return [(f["code"], f["line"], f["column"], f["severity"]) for f in result.findings]


def test_the_real_dockerfile_is_read_in_a_walk() -> None:
    assert _found(FIXTURES / "traefik" / "image") == [("OL301", 9, 80, "low")]


def test_star_with_credentials_is_the_echo_traefik_sends(project: Path) -> None:
    write(
        project,
        "Dockerfile",
        f"FROM traefik/whoami\nLABEL {MIDDLEWARE}.accesscontrolalloworiginlist=* \\\n"
        f"      {MIDDLEWARE}.accesscontrolallowcredentials=true\n",
    )
    assert _found(".") == [("OL402", 2, 74, "critical")]  # at the `*`


def test_quoted_keys_and_values_and_items_at_their_columns(project: Path) -> None:
    write(
        project,
        "api.Dockerfile",
        f'FROM x\nLABEL "{MIDDLEWARE}.accessControlAllowOriginList"="https://a.example.com,http://b.example.com"\n',
    )
    assert _found(".") == [
        ("OL602", 2, 7, "medium"),  # two origins: the one that matched is echoed, without `addVaryHeader`
        ("OL201", 2, 99, "medium"),  # the second item, after the comma
    ]


def test_the_old_form_and_a_continued_instruction_with_a_comment(project: Path) -> None:
    write(
        project,
        "Containerfile",
        f"FROM x\nLABEL {MIDDLEWARE}.accesscontrolalloworiginlist http://a.example.com\n"
        f"LABEL a=b \\\n# a comment inside the instruction is dropped\n\n"
        f"  {MIDDLEWARE}.accesscontrolallowcredentials=true\n",
    )
    assert _found(".") == [("OL201", 2, 74, "high")]  # high: the later instruction turns credentials on


def test_a_build_variable_is_unknown(project: Path) -> None:
    write(
        project,
        "Dockerfile",
        f"FROM x\nARG ORIGINS\nLABEL {MIDDLEWARE}.accesscontrolalloworiginlist=$ORIGINS\n",
    )
    assert [code for code, *_ in _found(".")] == ["OL004"]
    answer = run_cli("match", "https://evil.example", "Dockerfile")
    assert answer.exit_code == 3 and "is unknown" in answer.stdout


def test_the_escape_directive_and_a_later_label_replacing_an_earlier(project: Path) -> None:
    write(
        project,
        "Dockerfile.prod",
        f"# escape=`\nFROM x\nLABEL {MIDDLEWARE}.accesscontrolalloworiginlist=* `\n"
        f"  {MIDDLEWARE}.accesscontrolalloworiginlist=https://app.example.com\n",
    )
    assert _found(".") == []


def test_a_dockerfile_without_traefik_labels_is_not_claimed(project: Path) -> None:
    write(project, "Dockerfile", "FROM x\nLABEL org.opencontainers.image.source=https://example.com\n")
    result = check_json(".")
    assert result.findings == [] and result.report["files_checked"] == 0


@pytest.mark.parametrize(
    ("name", "wanted"),
    [
        ("Dockerfile", True),
        ("Dockerfile.prod", True),
        ("Dockerfile-dev", True),
        ("api.Dockerfile", True),
        ("web.dockerfile", True),
        ("Containerfile", True),
        ("Dockerfiles", False),
        ("dockerfile.md", False),
        ("MyDockerfile", False),
    ],
)
def test_dockerfile_names(name: str, wanted: bool) -> None:
    assert is_dockerfile(name) is wanted


def test_labels_as_buildkit_reads_them() -> None:
    text = 'FROM x\nLABEL a="one \\"two\\"" b=\'$HOME stays\' c=x\\ y d=${NAME} e=$NAME\nlabel f g h\n'
    node, _text, _problems = labels("Dockerfile", text)
    assert {key: child.value for key, child in node.value.items()} == {
        "a": 'one "two"',
        "b": "$HOME stays",
        "c": "x y",
        "d": "${NAME}",
        "e": "${NAME}",
        "f": "g h",
    }
    assert (node.key_locations["b"].line, node.key_locations["b"].column) == (2, 23)
    assert (node.value["f"].location.line, node.value["f"].location.column) == (3, 9)


def test_any_text_reads_without_an_error() -> None:
    """Hostile input: every seeded mutation of the real file reads, each location inside the text."""
    import random

    seed = (FIXTURES / "traefik" / "image" / "Dockerfile").read_text()
    rng = random.Random(9)
    alphabet = ["\\", "`", '"', "'", "=", " ", "\n", "$", "{", "}", "#", "LABEL ", "\t", "x", "\r"]
    for _ in range(3000):
        text = list(seed)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(text) + 1)
            text[at:at] = rng.choice(alphabet)
        mutated = "".join(text)
        lines = mutated.count("\n") + 1
        node, _text, _problems = labels("Dockerfile", mutated)
        for key, child in node.value.items():
            assert 1 <= node.key_locations[key].line <= lines
            assert 1 <= child.location.line <= child.location.end_line <= lines


def test_the_image_has_its_last_stages_labels(project: Path) -> None:
    """BuildKit starts each stage from its base's config: a build stage's labels stay there, and a
    stage built `FROM` another of the file keeps that one's (found in hunt 5: a build stage's
    credentials made the final stage's `*` a false OL402)."""
    write(
        project,
        "Dockerfile",
        f"FROM node:20 AS build\nLABEL {MIDDLEWARE}.accesscontrolalloworiginlist=*\n"
        f"LABEL {MIDDLEWARE}.accesscontrolallowcredentials=true\n"
        f"FROM nginx:alpine\nLABEL {MIDDLEWARE}.accesscontrolalloworiginlist=https://app.example.com\n",
    )
    assert _found(".") == []
    write(
        project,
        "Dockerfile",
        f"FROM node:20 AS base\nLABEL {MIDDLEWARE}.accesscontrolalloworiginlist=*\nFROM base\n",
    )
    assert _found(".") == [("OL301", 2, 74, "low")]


def test_a_build_arguments_default_is_judged_and_said(project: Path) -> None:
    """`ARG NAME=default`: the value unless `--build-arg` sets another (hunt 5: `*` with credentials
    was one info); `ENV` fills a variable for good; `${NAME:-word}` as the shell lexer reads it."""
    write(
        project,
        "Dockerfile",
        f"FROM x\nARG CORS_ORIGINS=*\nLABEL {MIDDLEWARE}.accesscontrolalloworiginlist=$CORS_ORIGINS\n"
        f"LABEL {MIDDLEWARE}.accesscontrolallowcredentials=true\n",
    )
    assert _found(".") == [("OL004", 3, 74, "info"), ("OL402", 3, 74, "critical")]
    assert (
        "`*` unless `docker build --build-arg CORS_ORIGINS=...` sets another value"
        in (check_json(".").findings[0]["message"])
    )
    node, _text, problems = labels(
        "Dockerfile",
        "FROM x\nENV A=https://a.example.com\nLABEL a=$A b=${B:-http://b.example.com} c=${A:+yes} d=${C}\n",
    )
    assert {key: child.value for key, child in node.value.items()} == {
        "a": "https://a.example.com",
        "b": "http://b.example.com",
        "c": "yes",
        "d": "${C}",
    }
    assert problems == []


def test_an_env_holding_a_build_arguments_default_is_said_too(project: Path) -> None:
    """`ENV ORIGIN=$CORS` holds `CORS`'s default, as overridable as it; an ENV lasts into a stage
    built FROM its stage (the ARG does not)."""
    write(
        project,
        "Dockerfile",
        f"FROM x AS base\nARG CORS=*\nENV ORIGIN=$CORS\nFROM base\n"
        f"LABEL {MIDDLEWARE}.accesscontrolalloworiginlist=$ORIGIN\n",
    )
    found = check_json(".").findings
    assert [(f["code"], f["line"]) for f in found] == [("OL004", 5), ("OL301", 5)]
    assert found[0]["message"].startswith(
        "`$ORIGIN` holds the default of the build argument `CORS`: `*` unless"
    )
