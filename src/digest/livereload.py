"""What the dev server's pages see: the published site, build generations, live reload.

Never half-built: `pipeline.build()` writes into a private folder that the server never
reads. Pages are served from a second folder, the published copy, made of hard links to the
built files (copies where the file system has no hard links). After a good build the copy
is brought up to date from the build report (written files linked in, removed ones
unlinked) under the write side of a readers-writer lock, and a request holds the read side
while it resolves its path and opens its file. So a request gets the complete previous site
or the complete new one, never a mix, and a build of any length never blocks a request.
Linking is safe because `output` replaces files by rename and never rewrites one in place,
so a linked file never changes under a reader; an open file stays readable after it is
replaced or removed, so responses are read outside the lock.

Each finished build (good or failed) is one generation. A page is served with the
generation it shows; its script listens on `/__digest__/events` and gets, for every newer
generation, whether the build succeeded and which URLs changed. The page decides: reload if
it changed (or the build failed, or it shows the error page), swap a changed stylesheet in
place, else stay. The script exists only in responses of the dev server: it is injected
when a page is sent, never written to the output folder.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import shutil
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .pipeline import BuildReport

EVENTS_PATH = "/__digest__/events"
RETRY_MS = 1000  # how soon a page reconnects after the server went away


@dataclass(frozen=True, slots=True)
class Generation:
    """One finished build as the pages see it."""

    number: int
    ok: bool
    urls: frozenset[str] | None  # site URLs whose file was written or removed; None: any


class ReloadHub:
    """The build generations and the waiters for the next one."""

    def __init__(self, keep: int = 200) -> None:
        self.token = secrets.token_hex(8)  # tells pages served by an earlier process apart
        self._history: deque[Generation] = deque(maxlen=keep)
        self._current = Generation(0, True, frozenset())
        self._closed = False
        self._cond = threading.Condition()

    @property
    def generation(self) -> int:
        """The number of the latest build."""
        return self._current.number

    @property
    def closed(self) -> bool:
        """Tell whether the server is shutting down."""
        return self._closed

    def publish(self, ok: bool, urls: Iterable[str] | None) -> int:
        """Record a finished build and wake every listening page; return its number."""
        changed = None if urls is None else frozenset(urls)
        with self._cond:
            self._current = Generation(self._current.number + 1, ok, changed)
            self._history.append(self._current)
            self._cond.notify_all()
            return self._current.number

    def message_since(self, number: int, token: str) -> dict[str, object] | None:
        """What a page showing generation `number` must hear; None if it is up to date.

        `urls` is None when the page cannot know what changed (it comes from another server
        process, or missed more builds than are kept) and must reload.
        """
        with self._cond:
            current = self._current
            if token == self.token and number == current.number:
                return None
            urls: list[str] | None = None
            if token == self.token and number < current.number:
                missed = [g for g in self._history if g.number > number]
                complete = missed and missed[0].number == number + 1
                if complete and all(g.urls is not None for g in missed):
                    urls = sorted(set().union(*(g.urls or () for g in missed)))
            return {"token": self.token, "generation": current.number, "ok": current.ok,
                    "urls": urls}  # fmt: skip

    def wait_after(self, number: int, timeout: float) -> bool:
        """Wait until a generation newer than `number` exists or the hub closes."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._closed or self._current.number != number, timeout
            )

    def close(self) -> None:
        """Release every listener (server shutdown)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class ReadWriteLock:
    """Many readers or one writer; a waiting writer goes before new readers."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the read side."""
        with self._cond:
            self._cond.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write side."""
        with self._cond:
            self._writers_waiting += 1
            self._cond.wait_for(lambda: not self._writing and not self._readers)
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


@dataclass(frozen=True, slots=True)
class View:
    """The published state one request works with."""

    root: Path | None  # None until a build succeeded
    error: bytes | None  # the error page, while the latest build failed
    generation: int
    token: str


class PublishedSite:
    """The folder pages are served from, always one complete build, plus its generations."""

    def __init__(self, state_dir: Path) -> None:
        self.hub = ReloadHub()
        self._state_dir = state_dir
        self._lock = ReadWriteLock()
        self._root: Path | None = None
        self._error: bytes | None = None
        self._serial = 0
        for stale in state_dir.glob("live-*"):  # left by a process that was killed
            shutil.rmtree(stale)

    @property
    def root(self) -> Path | None:
        """The published folder (changes with `publish_all`)."""
        return self._root

    @contextmanager
    def view(self) -> Iterator[View]:
        """Hold the published state still while a request resolves and opens its file."""
        with self._lock.reading():
            yield View(self._root, self._error, self.hub.generation, self.hub.token)

    def publish_all(self, out_dir: Path) -> None:
        """Publish a fresh copy of a whole build (at start and after an unexpected error)."""
        self._serial += 1
        fresh = self._state_dir / f"live-{self._serial}"
        fresh.mkdir(parents=True)
        for folder, _dirs, names in os.walk(out_dir):
            target = fresh / Path(folder).relative_to(out_dir)
            target.mkdir(exist_ok=True)
            for name in names:
                _link(Path(folder) / name, target / name)
        with self._lock.writing():
            old, self._root, self._error = self._root, fresh, None
            self.hub.publish(True, None)
        if old is not None:
            shutil.rmtree(old)

    def publish_changes(self, out_dir: Path, report: BuildReport, base_path: str) -> None:
        """Bring the published copy up to date with one build's written and removed files."""
        root = self._root
        if root is None:
            self.publish_all(out_dir)
            return
        with self._lock.writing():
            # Removals first: a stale file `a/b` must go before `a/b/index.html` can exist.
            for rel in report.removed:
                _remove(root / rel, root)
            for rel in report.written:
                target = root / rel
                if target.is_dir():
                    shutil.rmtree(target)
                target.parent.mkdir(parents=True, exist_ok=True)
                staged = target.with_name(target.name + ".digest-new")
                _link(out_dir / rel, staged)
                os.replace(staged, target)
            self._error = None
            urls = (url_of(rel, base_path) for rel in (*report.written, *report.removed))
            self.hub.publish(True, urls)

    def publish_failure(self, page: bytes) -> None:
        """Show a failed build's error page instead of the site until a build succeeds."""
        with self._lock.writing():
            self._error = page
            self.hub.publish(False, ())

    def close(self) -> None:
        """Release the listening pages and drop the published copy."""
        self.hub.close()
        with self._lock.writing():
            old, self._root = self._root, None
        if old is not None:
            shutil.rmtree(old)


def _link(source: Path, target: Path) -> None:
    """Hard-link a built file into the published copy; copy it where links are refused."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copyfile(source, target)


def _remove(path: Path, root: Path) -> None:
    """Remove a stale published file and the folders it leaves empty."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    folder = path.parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def stream_events(
    write: Callable[[bytes], None],
    hub: ReloadHub,
    number: int,
    token: str,
    keepalive: float = 15.0,
) -> None:
    """Send Server-Sent Events to one page until the hub closes or the page goes away.

    The keep-alive comment makes a vanished page show up as a failed write, which ends the
    thread instead of leaving it blocked forever.
    """
    write(f"retry: {RETRY_MS}\n\n".encode())
    while not hub.closed:
        message = hub.message_since(number, token)
        if message is not None:
            write(b"data: " + json.dumps(message).encode() + b"\n\n")
            number, token = int(str(message["generation"])), str(message["token"])
        if not hub.wait_after(number, keepalive):
            write(b": keep-alive\n\n")


def url_of(rel: str, base_path: str = "/") -> str:
    """The URL a browser uses for an output file: `a/index.html` is `/a/`."""
    if rel == "index.html":
        rel = ""
    elif rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return quote(base_path + rel)


def inject(page: bytes, script: str) -> bytes:
    """Insert a script before the page's last `</body>` (or at its end)."""
    tag = script.encode("utf-8")
    at = page.lower().rfind(b"</body")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


def client_script(token: str, generation: int, error_page: bool) -> str:
    """The script that keeps one page current."""
    settings = json.dumps(
        {"token": token, "generation": generation, "errorPage": error_page, "url": EVENTS_PATH}
    )
    return f"<script>/* digest serve: live reload */\n({_CLIENT})({settings});\n</script>\n"


# Plain ES2017 so any current browser runs it. EventSource reconnects by itself after a
# network error; a refused connection can leave it CLOSED, then we start a new one. Hidden
# tabs drop their connection: browsers allow about six per host over HTTP/1.1, so many open
# tabs would otherwise stall page loads (MkDocs #3389); on return they catch up.
_CLIENT = """function (s) {
  var source = null, generation = s.generation;
  function norm(path) {
    try { path = decodeURI(path); } catch (e) { /* keep it encoded */ }
    return path.replace(/index\\.html$/, "");
  }
  function sameOrigin(url) { return url.origin === location.origin; }
  function refresh(el, attr, changed) {
    var url = new URL(el.getAttribute(attr), location.href);
    if (!sameOrigin(url) || !changed.has(norm(url.pathname))) return false;
    url.searchParams.set("digest-reload", String(generation));
    if (el.tagName === "LINK") {
      var copy = el.cloneNode();
      copy.href = url.href;
      copy.onload = function () { el.remove(); };
      el.after(copy);
    } else { el.setAttribute(attr, url.href); }
    return true;
  }
  function apply(m) {
    if (m.token === s.token && m.generation <= generation) return;
    generation = m.generation;
    if (m.token !== s.token || !m.ok || s.errorPage || m.urls === null) {
      location.reload(); return;
    }
    var changed = new Set(m.urls.map(norm));
    if (changed.has(norm(location.pathname))) { location.reload(); return; }
    var scripts = document.querySelectorAll("script[src]");
    for (var i = 0; i < scripts.length; i++) {
      var u = new URL(scripts[i].getAttribute("src"), location.href);
      if (sameOrigin(u) && changed.has(norm(u.pathname))) { location.reload(); return; }
    }
    document.querySelectorAll('link[rel~="stylesheet"]').forEach(function (el) {
      refresh(el, "href", changed);
    });
    document.querySelectorAll("img[src]").forEach(function (el) {
      refresh(el, "src", changed);
    });
  }
  function connect() {
    var query = "?token=" + s.token + "&generation=" + generation;
    source = new EventSource(s.url + query);
    source.onmessage = function (e) { apply(JSON.parse(e.data)); };
    source.onerror = function () {
      if (source && source.readyState === EventSource.CLOSED) {
        source = null;
        setTimeout(function () { if (!source && !document.hidden) connect(); }, 1000);
      }
    };
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { if (source) { source.close(); source = null; } }
    else if (!source) { connect(); }
  });
  if (!document.hidden) connect();
}"""
