"""A call run in a forked child while the build goes on, its answer read back when needed.

A rebuild's fixed costs are mostly waits on the file system: stat'ing every article file
(10,000 at 10,000 articles) and every output file (13,000). Each runs in a child on the
other core while the parent does work of its own (loading the build state, comparing).
The answer travels back through a pipe as marshal data (lists, strings, numbers only).

Where forking is not safe (not Linux, threads running), on one CPU, or when the child
fails, `result` returns None and the caller makes the call in place: a child only ever
saves time, it never decides anything.
"""

from __future__ import annotations

import marshal
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, Protocol


def default_jobs() -> int:
    """How many worker processes a build may use here: the CPUs, if forking is safe."""
    if not sys.platform.startswith("linux"):
        return 1  # elsewhere Python spawns by default: forking there is not safe
    if threading.active_count() > 1:
        return 1  # a forked copy of a threaded process can inherit a held lock
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def can_fork(jobs: int | None) -> bool:
    """Fork only where builds fork their workers: Linux, one thread, more than one CPU."""
    return jobs != 1 and default_jobs() > 1


class Child(Protocol):
    """A forked helper of a build (`ForkedCall` and what wraps one), reaped in any case."""

    def close(self) -> None:
        """Reap it if its answer was never asked for."""


class ForkedCall:
    """`call()` run in a forked child; `result()` is its marshal-able answer, or None."""

    def __init__(self, call: Callable[[], Any]) -> None:
        self._child: tuple[int, int] | None = None  # pid, read end of its pipe
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: answer, and leave without any cleanup of the parent's
            status = 1
            try:
                os.close(read)
                data = marshal.dumps(call(), 2)
                with open(write, "wb") as pipe:
                    pipe.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._child = pid, read

    def result(self) -> object | None:
        """The child's answer; None if there was no child or it failed (ask only once)."""
        if self._child is None:
            return None
        pid, read = self._child
        self._child = None
        try:
            with open(read, "rb") as pipe:
                data = pipe.read()
            _pid, status = os.waitpid(pid, 0)
            return marshal.loads(data) if status == 0 else None
        except (OSError, ValueError, EOFError, TypeError):
            return None

    def close(self) -> None:
        """Reap the child if its answer was never asked for (a build that stopped early)."""
        if self._child is not None:
            pid, read = self._child
            self._child = None
            os.close(read)  # the child's write fails if it is still working: it exits
            os.waitpid(pid, 0)
