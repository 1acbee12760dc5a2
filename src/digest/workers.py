"""Worker processes for the CPU-heavy stages (splitting, planning and rendering pages).

Workers are forked, not spawned: they start with the frozen site, the compiled templates
and the open staging folder of the build already in memory, and nothing big is pickled on
the way in. Only a process with no other threads forks (`forked.default_jobs`), so
builds inside the dev server stay in one process. This module is imported only by builds
that start a pool: multiprocessing alone takes 10 ms to import.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.pool import AsyncResult, Pool
from multiprocessing.sharedctypes import Synchronized
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def pool(jobs: int) -> Iterator[Pool]:
    """A pool of forked workers, stopped on the way out (also on errors)."""
    workers = multiprocessing.get_context("fork").Pool(jobs)
    try:
        yield workers
    finally:
        workers.terminate()
        workers.join()


def shared_counter() -> Synchronized[int]:
    """A counter workers add to and the parent reads, for the progress line."""
    return multiprocessing.get_context("fork").Value("q", 0)


def wait_for(pending: AsyncResult[T], poll: Callable[[], None], every: float = 0.2) -> T:
    """Wait for workers' results, calling `poll` now and then (to update progress)."""
    while not pending.ready():
        pending.wait(every)
        poll()
    return pending.get()
