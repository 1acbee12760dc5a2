"""Watch the site's sources and hand out debounced batches of changed paths.

Editors save in odd ways: vim renames the old file away and writes a new one, others write a
temp file and rename it over the original, and a "save all" touches several files at once.
Every event goes into one batch that is handed out only after a quiet period, so each of
those saves costs one rebuild. Editor temp files never count (see `load.is_ignored_name`,
shared with the loader so the watcher and the build agree on what is content).
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from .load import is_ignored_name

# Opened/closed/attrib events come from reading files (the build itself reads every article)
# or from chmod; only these four mean that content changed.
_CHANGE_EVENTS = frozenset({"created", "deleted", "modified", "moved"})
_TICK = 0.25  # longest single sleep of a waiting thread


@dataclass(frozen=True, slots=True)
class WatchTargets:
    """What to watch: folders recursively, single files, and a folder to ignore."""

    folders: tuple[Path, ...]  # content and templates; may not exist yet
    files: tuple[Path, ...]  # config.yaml
    ignored: Path  # the dev server's own output

    def is_relevant(self, path: Path) -> bool:
        """Tell whether a change at `path` can change the site."""
        if path == self.ignored or path.is_relative_to(self.ignored):
            return False
        if path in self.files:
            return True
        for folder in self.folders:
            if path == folder:
                return True  # the folder itself created, deleted or renamed
            if path.is_relative_to(folder):
                parts = path.relative_to(folder).parts
                return not any(is_ignored_name(part) for part in parts)
        return False

    def watch_points(self) -> dict[Path, bool]:
        """Folders to hand to the observer, each with whether to watch it recursively.

        A missing folder is watched through its nearest existing parent (not recursively),
        so that its creation is seen and the next `Watcher.refresh` watches it fully.
        """
        points: dict[Path, bool] = {}
        for folder in self.folders:
            if folder.is_dir():
                points[folder] = True
        for target in (*self.files, *(f for f in self.folders if not f.is_dir())):
            parent = target.parent
            while not parent.is_dir() and parent != parent.parent:
                parent = parent.parent
            if not any(parent.is_relative_to(p) for p, deep in points.items() if deep):
                points.setdefault(parent, False)
        return points


class Debouncer:
    """Collect paths; release them as one batch once no new one came for `quiet` seconds.

    `longest` caps the wait, so that a process writing without pause still gets rebuilds.
    """

    def __init__(
        self, quiet: float, longest: float = 5.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.quiet = quiet
        self.longest = longest
        self._clock = clock
        self._paths: dict[Path, None] = {}  # insertion-ordered set
        self._first = 0.0
        self._last = 0.0
        self._closed = False
        self._cond = threading.Condition()

    def add(self, paths: Iterable[Path]) -> None:
        """Record changed paths (called from the observer's thread)."""
        with self._cond:
            now = self._clock()
            if not self._paths:
                self._first = now
            for path in paths:
                self._paths[path] = None
            self._last = now
            self._cond.notify_all()

    def due_in(self) -> float | None:
        """Seconds until the pending batch is due; None when nothing is pending."""
        with self._cond:
            if not self._paths:
                return None
            now = self._clock()
            return max(0.0, min(self._last + self.quiet, self._first + self.longest) - now)

    def take(self) -> tuple[Path, ...]:
        """Hand out the pending paths and start a new batch."""
        with self._cond:
            batch = tuple(self._paths)
            self._paths.clear()
            return batch

    def wait(self, timeout: float | None = None) -> tuple[Path, ...] | None:
        """Block until a batch is due and return it; None when closed or timed out."""
        deadline = None if timeout is None else self._clock() + timeout
        with self._cond:
            while not self._closed:
                due = self.due_in()
                if due == 0.0:
                    return self.take()
                limit = due
                if deadline is not None:
                    left = deadline - self._clock()
                    if left <= 0:
                        return None
                    limit = left if limit is None else min(limit, left)
                # Never block without a timeout: Ctrl+C may be delivered to another thread,
                # and the main thread only runs the handler once it is back in Python code.
                self._cond.wait(_TICK if limit is None else min(limit, _TICK))
            return None

    @property
    def closed(self) -> bool:
        """Tell whether `close` was called (`wait` returning None then means "stop")."""
        return self._closed

    def close(self) -> None:
        """Wake every waiter; `wait` returns None from now on."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class _Handler(FileSystemEventHandler):
    """Turn watchdog events into relevant paths for the debouncer."""

    def __init__(self, watcher: Watcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Forward the event's paths that matter (both ends of a move)."""
        if event.event_type not in _CHANGE_EVENTS:
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder's mtime changes with its files, whose events carry the news
        ends = (
            [event.src_path, event.dest_path] if event.event_type == "moved" else [event.src_path]
        )
        self._watcher.notice(Path(os.fsdecode(p)) for p in ends if p)


class Watcher:
    """Watch the targets with watchdog (inotify & co, or polling) into a Debouncer."""

    def __init__(
        self,
        targets: WatchTargets,
        *,
        debounce: float = 0.1,
        poll: bool = False,
        poll_interval: float = 0.5,
    ) -> None:
        self.targets = targets
        self.debouncer = Debouncer(debounce)
        # Polling suits network and container file systems where inotify sees nothing.
        self._observer: BaseObserver = (
            PollingObserver(timeout=poll_interval) if poll else Observer()
        )
        self._handler = _Handler(self)
        # (folder, recursive) -> (watch, folder identity): a folder deleted and made anew
        # (a branch switch) has a new identity and needs a new watch.
        self._watches: dict[tuple[Path, bool], tuple[ObservedWatch, tuple[int, int]]] = {}
        self._stale: set[Path] = set()
        self._lock = threading.Lock()

    def notice(self, paths: Iterable[Path]) -> None:
        """Feed paths from the observer, keeping the relevant ones."""
        with self._lock:
            targets = self.targets
            relevant = [p for p in paths if targets.is_relevant(p)]
            # A watched folder deleted or renamed keeps a dead watch even if a folder of the
            # same name (and often the same inode number) comes back: renew it on refresh.
            self._stale.update(p for p in relevant if p in targets.folders)
        if relevant:
            self.debouncer.add(relevant)

    def start(self) -> None:
        """Start watching."""
        self.refresh()
        self._observer.start()

    def retarget(self, targets: WatchTargets) -> bool:
        """Watch other targets (config.yaml moved a folder); True if a new folder is watched."""
        with self._lock:
            self.targets = targets
        return self.refresh()

    def refresh(self) -> bool:
        """Follow folders that appeared, vanished or were replaced; True if one is new.

        Call it before each build: a folder watched only from now on may hold files written
        before its watch began, and the build that follows reads them.
        """
        with self._lock:
            wanted = self.targets.watch_points()
            stale, self._stale = self._stale, set()
        started = False
        for key, (old, known) in list(self._watches.items()):
            path, deep = key
            if wanted.get(path) != deep or path in stale or _identity(path) != known:
                del self._watches[key]
                self._observer.unschedule(old)
        for path, deep in wanted.items():
            identity = _identity(path)
            if (path, deep) in self._watches or identity is None:
                continue
            try:
                watch = self._observer.schedule(self._handler, str(path), recursive=deep)
            except (FileNotFoundError, NotADirectoryError):
                continue  # vanished between the check and the call; its parent sees it return
            self._watches[(path, deep)] = (watch, identity)
            started = started or deep
        return started

    def watched(self) -> dict[Path, bool]:
        """The folders under watch now, with whether each is recursive."""
        return {path: deep for path, deep in self._watches}

    def stop(self) -> None:
        """Stop the observer and release waiters."""
        self.debouncer.close()
        # An event that races the shutdown makes watchdog log "queue_events() called when
        # the thread is inactive" as an error; at this point it means nothing.
        logging.getLogger("watchdog.observers.inotify").setLevel(logging.CRITICAL)
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join()


def _identity(folder: Path) -> tuple[int, int] | None:
    """Device and inode of a folder, or None if it is not a folder now."""
    try:
        st = folder.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None
