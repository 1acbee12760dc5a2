"""The dev server's HTTP side: the published site, its error page, the live-reload stream.

Only files inside the published folder can be read: a request path is decoded once, dot
segments, encoded slashes, backslashes and NUL are refused, and the real path (symlinks
followed) must lie within the folder. HTML responses get the live-reload script.
"""

from __future__ import annotations

import html
import socket
import socketserver
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote

from .errors import Problem
from .livereload import EVENTS_PATH, PublishedSite, View, client_script, inject, stream_events

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
}


def content_type(path: Path, head: bytes) -> str:
    """The Content-Type of a served file; an XML file that is an Atom feed says so."""
    suffix = path.suffix.lower()
    if suffix == ".xml" and b"<feed" in head and b"http://www.w3.org/2005/Atom" in head:
        return TYPES[".atom"]
    return TYPES.get(suffix, "application/octet-stream")


@dataclass(frozen=True, slots=True)
class Resolved:
    """Where a request path leads: a file, a redirect, nowhere, or a refused request."""

    status: int  # 200, 301, 400 or 404
    path: Path | None = None
    location: str = ""


def resolve(root: Path, raw_path: str) -> Resolved:
    """Map a URL path to a file strictly inside `root`; directories serve index.html.

    Encoded slashes and backslashes, NUL, dot segments and symlinks that lead out of the
    folder are refused; the symlink check resolves the real path and tests containment.
    """
    lowered = raw_path.lower()
    if not raw_path.startswith("/") or any(bad in lowered for bad in ("%2f", "%5c", "%00")):
        return Resolved(400)
    try:
        decoded = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return Resolved(400)
    if "\\" in decoded or "\x00" in decoded:
        return Resolved(400)
    segments = [s for s in decoded.split("/") if s]
    if any(s in (".", "..") for s in segments):
        return Resolved(404)
    top = root.resolve()
    real = _inside(top, top.joinpath(*segments))
    if real is not None and real.is_dir():
        if not decoded.endswith("/"):
            return Resolved(301, location="/" + "/".join(quote(s) for s in segments) + "/")
        real = _inside(top, real / "index.html")
    if real is None or not real.is_file():
        return Resolved(404)
    return Resolved(200, real)


def _inside(top: Path, candidate: Path) -> Path | None:
    """The real path of `candidate` if it exists within `top`, else None."""
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, unreadable, or a symlink loop
        return None
    return real if real.is_relative_to(top) else None


class DevHTTPServer(ThreadingHTTPServer):
    """The dev server's HTTP side: one daemon thread per connection."""

    daemon_threads = True
    site: PublishedSite  # set once the port is known: the state folder is named after it

    def __init__(self, host: str, port: int, verbose: bool) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.verbose = verbose
        super().__init__((host, port), DevRequestHandler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS look-up, which can stall for seconds."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]


class DevRequestHandler(BaseHTTPRequestHandler):
    """Serve the published site, the error page, and the live-reload event stream."""

    server: DevHTTPServer
    server_version = "digest-serve"

    def do_GET(self) -> None:
        """Answer GET."""
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        """Answer HEAD: the same headers as GET, no body."""
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Log requests only with --verbose: the terminal is for build results."""
        if self.server.verbose:
            super().log_message(format, *args)

    def _answer(self, send_body: bool) -> None:
        raw_path, _, query = self.path.partition("?")
        try:
            if raw_path == EVENTS_PATH:
                self._events(query, send_body)
            else:
                self._file(raw_path, query, send_body)
        except (BrokenPipeError, ConnectionResetError):
            return  # the browser closed the tab or navigated away: nothing left to answer

    def _file(self, raw_path: str, query: str, send_body: bool) -> None:
        with self.server.site.view() as view:
            found = resolve(view.root, raw_path) if view.root is not None else Resolved(404)
            if found.status == 404 and view.root is not None:
                found = Resolved(404, resolve(view.root, "/404.html").path)
            # Opened under the lock, read after: the open file outlives a publish.
            handle = open(found.path, "rb") if found.path is not None else None  # noqa: SIM115
        if found.status == 301:
            location = found.location + (f"?{query}" if query else "")
            self._send(301, TYPES[".txt"], b"", send_body, location=location)
            return
        is_page = found.path is None or found.path.suffix.lower() in (".html", ".htm")
        if view.error is not None and is_page and found.status != 400:
            if handle is not None:
                handle.close()
            self._send_page(500, view.error, view, True, send_body)
        elif handle is None:
            text = b"400 bad request\n" if found.status == 400 else b"404 not found\n"
            self._send(found.status, TYPES[".txt"], text, send_body)
        else:
            with handle:
                data = handle.read()
            kind = content_type(Path(handle.name), data[:512])
            if kind == TYPES[".html"]:
                self._send_page(found.status, data, view, False, send_body)
            else:
                self._send(found.status, kind, data, send_body)

    def _send_page(
        self, status: int, page: bytes, view: View, is_error: bool, send_body: bool
    ) -> None:
        script = client_script(view.token, view.generation, is_error)
        self._send(status, TYPES[".html"], inject(page, script), send_body)

    def _send(
        self, status: int, kind: str, data: bytes, send_body: bool, location: str = ""
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # a reload must never show an old copy
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def _events(self, query: str, send_body: bool) -> None:
        params = parse_qs(query)
        token = params.get("token", [""])[0]
        try:
            number = int(params.get("generation", ["0"])[0])
        except ValueError:
            number = 0  # a malformed number only means the page reloads once
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            stream_events(self._write, self.server.site.hub, number, token)

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()


def error_page(problems: Iterable[Problem], root: Path) -> bytes:
    """An HTML page listing a failed build's problems, each with file, line and hint."""
    items = []
    shown = list(problems)
    for problem in shown:
        where = html.escape(f"{_shorten(problem.path, root)}:{problem.line}")
        text = _source_line(problem.path, problem.line)
        quoted = f"<pre>{problem.line:>4} | {html.escape(text)}</pre>" if text else ""
        hint = f'<p class="hint">hint: {html.escape(problem.hint)}</p>' if problem.hint else ""
        items.append(
            f'<li class="{html.escape(problem.severity)}"><p><code>{where}</code> '
            f"<strong>{html.escape(problem.severity)}</strong>: "
            f"{html.escape(problem.message)}</p>{quoted}{hint}</li>"
        )
    errors = sum(1 for p in shown if p.severity == "error")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Build failed: {errors} error(s)</title><style>{_STYLE}</style></head>\n"
        f"<body><h1>Build failed: {errors} error(s)</h1>\n"
        "<p>The site is not shown until the build works again. Fix the file and save: "
        "this page reloads by itself.</p>\n"
        f"<ol>{''.join(items)}</ol>\n</body></html>\n"
    ).encode()


_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
    "h1{color:#a00}li{margin:0 0 1.2rem}code,pre{font:14px ui-monospace,monospace}"
    "pre{background:#f4f4f4;padding:.4rem .6rem;overflow-x:auto}.hint{color:#555;margin:0}"
    ".warning strong{color:#a60}.error strong{color:#a00}"
)


def _shorten(path: str, root: Path) -> str:
    """A problem's path relative to the site root when it lies inside it."""
    candidate = Path(path)
    if candidate.is_absolute() and candidate.is_relative_to(root):
        return candidate.relative_to(root).as_posix()
    return path


def _source_line(path: str, line: int) -> str:
    """The text of line `line` of a file, or '' if there is none to show."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if number == line:
                    return text.rstrip("\n")
    except OSError:
        return ""  # a problem about a missing file or folder has no line to quote
    return ""
