"""``--jobs N``: the per-file stages of many files in worker processes.

Each worker gets the run's :class:`~kubelint.perfile.FileChecker` once, when
it starts (inherited through ``fork`` where the platform has it), and keeps
it with its loaded rules and caches for every file it is given. Files go out
in batches, the largest first, so that the last batch to finish is a small
one; each file's result comes back as marshal bytes of its plain-data form
(:mod:`kubelint.packing`), which costs far less to send than the objects
would. The caller puts results back in input order.

A pool costs its start-up and the packing of every result, so small inputs
(a pre-commit hook's few files) are checked in this process, as ``--jobs 1``
always is.
"""

from __future__ import annotations

import gc
import marshal
import os
from typing import Any, Iterator

from kubelint.loader import FileResult
from kubelint.packing import pack, unpack
from kubelint.perfile import FileChecker

MIN_BYTES_FOR_POOL = 512 * 1024
"""Below this much input (about a thousand objects) a pool costs more than it saves."""
MIN_FILES_FOR_POOL = 2
BATCH_BYTES = 256 * 1024
"""Small files travel together up to this size; larger files travel alone."""

Task = tuple[int, str, bytes]
"""(position among the inputs, display name, content)."""
Outcome = tuple[int, FileResult, "dict[str, Any] | None"]
"""(position, result, its plain-data form when asked for)."""


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def use_pool(jobs: int, tasks: list[Task]) -> bool:
    """Whether ``tasks`` are worth worker processes."""
    return jobs > 1 and len(tasks) >= MIN_FILES_FOR_POOL and sum(len(data) for _, _, data in tasks) >= MIN_BYTES_FOR_POOL


def batches(tasks: list[Task]) -> list[list[Task]]:
    """Tasks grouped up to BATCH_BYTES, largest first (a long file started last would hold everyone up)."""
    groups: list[list[Task]] = []
    current: list[Task] = []
    size = 0
    for task in sorted(tasks, key=lambda task: (-len(task[2]), task[0])):
        if current and size + len(task[2]) > BATCH_BYTES:
            groups.append(current)
            current, size = [], 0
        current.append(task)
        size += len(task[2])
    if current:
        groups.append(current)
    return groups


_checker: FileChecker | None = None
"""The worker process' checker, set once when it starts."""


def _start_worker(checker: FileChecker) -> None:
    global _checker
    _checker = checker
    gc.freeze()  # what the worker inherited stays put: no copy-on-write, no scanning it again


def _check_batch(batch: list[Task]) -> list[tuple[int, bytes]]:
    assert _checker is not None
    gc.disable()  # a batch builds many acyclic objects; collect once after it
    try:
        return [(index, marshal.dumps(pack(_checker.check(data, file)))) for index, file, data in batch]
    finally:
        gc.enable()
        gc.collect()


def _context() -> Any:
    """``fork`` where there is one: workers start in milliseconds with the rules already loaded."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _check_here(checker: FileChecker, tasks: list[Task], keep_packed: bool) -> Iterator[Outcome]:
    for index, file, data in tasks:
        result = checker.check(data, file)
        yield index, result, pack(result) if keep_packed else None


def check_all(checker: FileChecker, tasks: list[Task], jobs: int, keep_packed: bool) -> Iterator[Outcome]:
    """Every task checked, in no particular order; ``keep_packed`` also gives each result's plain data."""
    if use_pool(jobs, tasks):
        yield from _check_in_pool(checker, tasks, jobs, keep_packed)
    else:
        yield from _check_here(checker, tasks, keep_packed)


def _check_in_pool(checker: FileChecker, tasks: list[Task], jobs: int, keep_packed: bool) -> Iterator[Outcome]:
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    groups = batches(tasks)
    files = {index: file for index, file, _ in tasks}
    unfinished: dict[Future[list[tuple[int, bytes]]], list[Task]] = {}
    try:
        with ProcessPoolExecutor(min(jobs, len(groups)), _context(), _start_worker, (checker,)) as pool:
            unfinished = {pool.submit(_check_batch, group): group for group in groups}
            while unfinished:
                done, _ = wait(unfinished, return_when=FIRST_COMPLETED)
                for future in done:
                    for index, data in future.result():
                        packed = marshal.loads(data)
                        yield index, unpack(packed, files[index]), packed if keep_packed else None
                    del unfinished[future]
    except BrokenProcessPool:
        # A worker died (killed, out of memory): what it had left is checked here.
        yield from _check_here(checker, [task for group in unfinished.values() for task in group], keep_packed)
