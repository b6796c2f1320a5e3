"""Checking files in several processes, with results in the order the files were given.

Order is what makes `--jobs N` output byte-identical to `--jobs 1`: results are collected
by position, never as they finish.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Callable, Iterator

from origins_lint import formats
from origins_lint.file_check import FileOutcome, Job, check_file
from origins_lint.model import InputProblem
from origins_lint.source import Source

AUTO_FROM = 200  # files; below this, starting processes costs more than it saves
CHUNK = 32  # files per message to a worker: fewer round trips, still an even spread

Work = tuple[Source | InputProblem, bool]  # (the file's text or why it cannot be read, named explicitly)

_worker_job: dict[str, Job] = {}  # set once in each worker process by `_start`


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def jobs_for(asked: int | None, files: int) -> int:
    if asked is not None:
        return asked
    return cores() if files >= AUTO_FROM else 1


def _start(job: Job) -> None:
    _worker_job["job"] = job


def _check(work: Work) -> FileOutcome | None:
    return check_file(_worker_job["job"], *work)


def check_all(
    job: Job, work: list[Work], jobs: int, done: Callable[[], None]
) -> Iterator[FileOutcome | None]:
    """Each file's outcome, in the order of `work`; `done` is called after each file."""
    if jobs <= 1 or len(work) < 2:
        for item in work:
            yield check_file(job, *item)
            done()
        return
    from concurrent.futures import ProcessPoolExecutor

    _preload(job, work)
    with ProcessPoolExecutor(max_workers=min(jobs, len(work)), initializer=_start, initargs=(job,)) as pool:
        for outcome in pool.map(_check, work, chunksize=CHUNK):
            yield outcome
            done()


def _preload(job: Job, work: list[Work]) -> None:
    """Import, before the workers fork, the format modules the files will need, so that each worker
    inherits them instead of importing them again (nginx's and Apache's are 75 ms a process).

    Detecting one file of each file-name suffix imports the modules its name and text may be; the
    answer is not used here (each worker detects again), so this changes no finding, and a failure
    is left for the worker to report as it would have. The parent's active limits are left as they
    were (its own later work, the fixes' dry run, runs as before).
    """
    if job.input_format is not None:
        module = formats.BY_NAME[job.input_format].module
        if module is not None:
            importlib.import_module(module)
        return
    seen: set[str] = set()
    for source, _ in work:
        if not isinstance(source, Source):
            continue
        suffix = os.path.splitext(source.path)[1]
        if suffix in seen or len(seen) >= PRELOADED:
            continue
        seen.add(suffix)
        with contextlib.suppress(Exception):
            formats.detect(source.path, source.text)


PRELOADED = 16  # file-name suffixes one file each of which is sniffed before the workers start
