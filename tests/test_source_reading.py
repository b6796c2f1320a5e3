"""`read_source` reads a file with a bare descriptor (issue 21): whatever the system gives back
(short reads, a file that grew or shrank since `stat`) it reads the whole file or says it is too
large, never a part of it as if it were all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from origins_lint import source
from origins_lint.model import InputProblem
from origins_lint.source import Source, read_source

TEXT = "server {\n    add_header Access-Control-Allow-Origin https://app.example.com;\n}\n" * 50


def _short_reads(monkeypatch: pytest.MonkeyPatch, most: int) -> list[int]:
    """The system gives at most ``most`` bytes a read, as a pipe or a network file system may."""
    real, asked = os.read, []

    def read(descriptor: int, size: int) -> bytes:
        asked.append(size)
        return real(descriptor, min(size, most))

    monkeypatch.setattr(source.os, "read", read)
    return asked


def _says_ten_bytes(info: os.stat_result) -> os.stat_result:
    return os.stat_result((*info[:6], 10, *info[7:]))


@pytest.mark.parametrize("most", [1, 7, 100, 4096])
def test_short_reads_still_give_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, most: int
) -> None:
    path = tmp_path / "nginx.conf"
    path.write_text(TEXT)
    _short_reads(monkeypatch, most)
    result = read_source(str(path), 1 << 20)
    assert isinstance(result, Source)
    assert result.text == TEXT


def test_a_usual_file_is_asked_its_size_plus_one_then_once_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "nginx.conf"
    path.write_text(TEXT)
    asked = _short_reads(monkeypatch, 1 << 30)
    result = read_source(str(path), 1 << 20)
    assert isinstance(result, Source) and result.text == TEXT
    assert asked == [len(TEXT) + 1, (1 << 20) + 1 - len(TEXT)]  # the second read is the empty one at the end


def test_short_reads_past_the_limit_say_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "nginx.conf"
    path.write_text(TEXT)
    real_stat = os.stat
    # the file grew after `stat`: it said 10 bytes, it holds thousands
    monkeypatch.setattr(
        source.os, "stat", lambda p: os.stat_result((*real_stat(p)[:6], 10, *real_stat(p)[7:]))
    )
    _short_reads(monkeypatch, 3)
    result = read_source(str(path), 1000)
    assert isinstance(result, InputProblem)
    assert "over 1,000 bytes" in result.message


def test_a_file_that_grew_since_stat_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "nginx.conf"
    path.write_text(TEXT)
    real_stat = os.stat
    monkeypatch.setattr(
        source.os, "stat", lambda p: os.stat_result((*real_stat(p)[:6], 10, *real_stat(p)[7:]))
    )
    result = read_source(str(path), 1 << 20)
    assert isinstance(result, Source) and result.text == TEXT


def test_the_descriptor_is_closed_even_when_reading_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "nginx.conf"
    path.write_text(TEXT)
    closed: list[int] = []
    real_close = os.close

    def fail(descriptor: int, size: int) -> bytes:
        raise OSError(5, "Input/output error")

    def close(descriptor: int) -> None:
        closed.append(descriptor)
        real_close(descriptor)

    monkeypatch.setattr(source.os, "read", fail)
    monkeypatch.setattr(source.os, "close", close)
    result = read_source(str(path), 1 << 20)
    assert isinstance(result, InputProblem)
    assert result.message == "cannot read the file: Input/output error"
    assert len(closed) == 1


def test_an_empty_file_is_empty_text(tmp_path: Path) -> None:
    path = tmp_path / "nginx.conf"
    path.write_bytes(b"")
    result = read_source(str(path), 1 << 20)
    assert isinstance(result, Source) and result.text == ""
