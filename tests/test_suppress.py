"""Inline suppression comments, by code, slug and prefix, on the line or the line above."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import check_json, write


def test_line_and_line_above(project: Path) -> None:
    write(
        project,
        "p.origins.yaml",
        """
        version: 1
        origins:
          - origin: http://a.example.com  # origins-lint: ignore[OL201] vendor has no TLS yet (SEC-12)
          # origins-lint: ignore[insecure-origin] same vendor
          - origin: http://b.example.com
          - origin: http://c.example.com
          # origins-lint: ignore[OL3]
          - origin: "*"
        """,
    )
    assert check_json("p.origins.yaml").at("OL201") == [(6, 13)]
    assert "OL301" not in check_json("p.origins.yaml").codes()


def test_other_rules_on_the_line_still_report(project: Path) -> None:
    write(
        project,
        "p.origins.yaml",
        """
        version: 1
        origins:
          - origin: http://*.example.com  # origins-lint: ignore[OL302] reviewed
        """,
    )
    assert check_json("p.origins.yaml").codes() == ["OL201"]


def test_trailing_comment_does_not_cover_the_next_line(project: Path) -> None:
    write(
        project,
        "p.origins.yaml",
        """
        version: 1
        origins:  # origins-lint: ignore[OL201]
          - origin: http://a.example.com
        """,
    )
    assert check_json("p.origins.yaml").codes() == ["OL201"]


def test_ignore_file_in_leading_comments_only(project: Path) -> None:
    write(
        project,
        "lead.origins.yaml",
        """
        # Legacy partner list, frozen until Q3.
        # origins-lint: ignore-file[OL201, OL301]
        version: 1
        origins:
          - origin: http://a.example.com
          - origin: "*"
          - origin: https://*.example.com
        """,
    )
    write(
        project,
        "late.origins.yaml",
        """
        version: 1
        origins:
          # origins-lint: ignore-file[OL201]
          - origin: http://a.example.com
          - origin: http://b.example.com
        """,
    )
    assert check_json("lead.origins.yaml").codes() == ["OL302"]
    assert check_json("late.origins.yaml").at("OL201") == [(4, 13), (5, 13)]


def test_a_bare_ignore_silences_nothing(project: Path) -> None:
    write(
        project,
        "p.origins.yaml",
        "version: 1\norigins:\n  - origin: http://a.example.com  # origins-lint: ignore\n",
    )
    # since issue 19 the malformed directive is reported too (OL005 bad-suppression)
    assert check_json("p.origins.yaml").codes() == ["OL201", "OL005"]
