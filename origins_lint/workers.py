"""Checking files in several processes, with results in the order the files were given.

Order is what makes `--jobs N` output byte-identical to `--jobs 1`: results are collected
by position, never as they finish.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator

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
    outcome = check_file(_worker_job["job"], *work)
    gc.freeze()  # see `check_all`
    return outcome


def check_all(
    job: Job, work: list[Work], jobs: int, done: Callable[[], None]
) -> Iterator[FileOutcome | None]:
    """Each file's outcome, in the order of `work`; `done` is called after each file.

    What outlives a file (its outcome, the regex analyses every file shares) lives to the end of the
    run, so after each file it is set aside from the cycle collector (`gc.freeze`, a constant-time
    move): otherwise each collection walks all of it again for nothing (a 2,000-file nginx check
    walked 150,000 such objects, 3% of its time; issue 21). The files leave no cycles for it
    (tests/test_pipeline_speed_gc.py); the run's end gives them back (`gc.unfreeze`).
    """
    if jobs <= 1 or len(work) < 2:
        try:
            for item in work:
                outcome = check_file(job, *item)
                gc.freeze()
                yield outcome
                done()
        finally:
            gc.unfreeze()
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(jobs, len(work)), initializer=_start, initargs=(job,)) as pool:
        for outcome in pool.map(_check, work, chunksize=CHUNK):
            yield outcome
            done()
