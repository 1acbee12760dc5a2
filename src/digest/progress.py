"""The progress line a long build shows on a terminal: what it does, how far, how fast."""

from __future__ import annotations

import sys
import time
from typing import TextIO

PROGRESS_AFTER = 2.0  # seconds before a build starts showing a progress line


class Progress:
    """A self-erasing progress line on stderr for builds that take a while."""

    def __init__(self, enabled: bool, stream: TextIO = sys.stderr) -> None:
        self.enabled = enabled and stream.isatty()
        self.stream = stream
        self.started = time.perf_counter()
        self._shown = 0.0

    def tick(self, what: str, done: int, total: int | None = None) -> None:
        """Report `done` of `total` items of one stage (at most ten times a second)."""
        now = time.perf_counter()
        if not self.enabled or now - self.started < PROGRESS_AFTER or now - self._shown < 0.1:
            return
        self._shown = now
        rate = done / max(now - self.started, 1e-6)
        of = f"/{total:,}" if total else ""
        self.stream.write(f"\r\033[K{what}: {done:,}{of} ({rate:,.0f}/s)")
        self.stream.flush()

    def done(self) -> None:
        """Erase the progress line."""
        if self.enabled and self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
