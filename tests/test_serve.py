"""The dev server over HTTP: safe paths, content types, 404, live reload, error page."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import digest.output
import digest.serve
from digest.config import load_config
from digest.livereload import EVENTS_PATH, PublishedSite, ReloadHub, url_of
from digest.pipeline import BuildOptions, build
from digest.serve import WATCHDOG_REWATCH, DevServer, ServeOptions, main
from digest.serve_http import resolve

pytestmark = pytest.mark.filterwarnings(f"ignore:{WATCHDOG_REWATCH}:RuntimeWarning")
REPO = Path(__file__).resolve().parent.parent
SECRET = b"TOP SECRET, outside the site"
FAST = 0.05  # debounce: one save is one batch, and tests stay quick


def article(title: str, day: int = 1, text: str = "") -> str:
    """A small valid article file."""
    body = text or f"{title} was agreed on Monday. Officials said work starts next spring."
    return textwrap.dedent(
        f"""\
        ---
        title: {title}
        date: 2024-05-{day:02d}T10:00:00Z
        source: Example News
        tags: [harbour]
        ---
        {body}

        Residents welcomed the decision but asked for more details about the cost.
        """
    )


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file below a folder with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def write_site(where: Path) -> Path:
    """A small site with a script override, and a secret file next to it."""
    (where / "secret.txt").write_bytes(SECRET)
    root = where / "site"
    (root / "content" / "2024").mkdir(parents=True)
    (root / "templates" / "static").mkdir(parents=True)
    (root / "templates" / "static" / "app.js").write_text("console.log('hi');\n", "utf-8")
    (root / "config.yaml").write_text("title: Served digest\n", "utf-8")
    (root / "content" / "2024" / "alpha.txt").write_text(article("Alpha plan", 1), "utf-8")
    (root / "content" / "2024" / "beta.txt").write_text(article("Beta vote", 2), "utf-8")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A fresh site for a test that edits it."""
    return write_site(tmp_path)


@pytest.fixture
def server(site: Path) -> Iterator[DevServer]:
    """The dev server on a fresh site, on an ephemeral port, rebuilding in the background."""
    options = ServeOptions(host="127.0.0.1", port=0, debounce=FAST, quiet=True)
    with DevServer(site / "config.yaml", options) as running:
        yield running


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    """One dev server for the tests that only read (starting one per test is slow)."""
    site = write_site(tmp_path_factory.mktemp("shared"))
    options = ServeOptions(host="127.0.0.1", port=0, debounce=FAST, quiet=True)
    with DevServer(site / "config.yaml", options) as running:
        yield running


def port_of(server: DevServer) -> int:
    return int(server.url.rsplit(":", 1)[1].strip("/"))


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def getheader(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def get(server: DevServer, path: str, method: str = "GET") -> Reply:
    """Send a request with the path as given; return status, headers and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=10)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return Reply(response.status, headers, response.read())
    finally:
        conn.close()


def body(reply: Reply) -> bytes:
    return reply.body


def raw_request(server: DevServer, target: bytes) -> tuple[int, bytes]:
    """Send a request line byte for byte (no client-side clean-up); return status and body."""
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: localhost\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), rest


# --- paths ---------------------------------------------------------------------------------

ARTICLE = "/2024/05/01/alpha-plan/"

TRAVERSALS = [
    b"/../../../../secret.txt",
    b"/%2e%2e/%2e%2e/%2e%2e/%2e%2e/secret.txt",
    b"/%2E%2E/%2E%2E/%2E%2E/%2E%2E/secret.txt",
    b"/..%2f..%2f..%2f..%2fsecret.txt",
    b"/%2e%2e%2F%2e%2e%2F%2e%2e%2F%2e%2e%2Fsecret.txt",
    b"/..\\..\\..\\..\\secret.txt",
    b"/..%5c..%5c..%5c..%5csecret.txt",
    b"/./../../../../secret.txt",
    b"/static/../../../../../secret.txt",
    b"/index.html%00../../../../secret.txt",
    b"/%00",
    b"//../../../../secret.txt",
    b"/%252e%252e/%252e%252e/%252e%252e/%252e%252e/secret.txt",
    b"/../../../../../../../../../../etc/passwd",
    b"/../../../config.yaml",
    b"/%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_nothing_outside_the_site_can_be_read(shared: DevServer, target: bytes) -> None:
    status, data = raw_request(shared, target)
    assert status in (400, 404)
    assert SECRET not in data and b"root:" not in data and b"title: Served" not in data


def test_symlinks_out_of_the_site_are_refused(server: DevServer, tmp_path: Path) -> None:
    root = server.site.root if server.site else None
    assert root is not None
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "leakdir").symlink_to(tmp_path)
    (root / "inside.txt").symlink_to(root / "robots.txt")
    for path in ("/leak.txt", "/leakdir/secret.txt", "/leakdir/"):
        response = get(server, path)
        assert response.status == 404 and SECRET not in body(response)
    assert get(server, "/inside.txt").status == 200


def test_resolve_redirects_folders_and_keeps_encoded_names(tmp_path: Path) -> None:
    (tmp_path / "a b" / "é").mkdir(parents=True)
    (tmp_path / "a b" / "é" / "index.html").write_text("x", "utf-8")
    found = resolve(tmp_path, "/a%20b/%C3%A9")
    assert (found.status, found.location) == (301, "/a%20b/%C3%A9/")
    assert resolve(tmp_path, "/a%20b/%C3%A9/").path == (tmp_path / "a b/é/index.html").resolve()
    assert resolve(tmp_path, "//evil.example/").status == 404  # no open redirect
    assert resolve(tmp_path, "/%ff").status == 400


# --- responses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/", "text/html; charset=utf-8"),
        (ARTICLE, "text/html; charset=utf-8"),
        ("/404.html", "text/html; charset=utf-8"),
        ("/static/site.css", "text/css; charset=utf-8"),
        ("/static/favicon.svg", "image/svg+xml"),
        ("/static/app.js", "text/javascript; charset=utf-8"),
        ("/feed.xml", "application/atom+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ],
)
def test_content_types(shared: DevServer, path: str, kind: str) -> None:
    response = get(shared, path)
    assert response.status == 200
    assert response.getheader("Content-Type") == kind


def test_folder_urls_serve_index_and_redirect_to_the_slash(shared: DevServer) -> None:
    response = get(shared, ARTICLE.rstrip("/") + "?from=feed")
    assert response.status == 301
    assert response.getheader("Location") == ARTICLE + "?from=feed"
    page = get(shared, ARTICLE)
    assert page.status == 200 and b"Alpha plan" in body(page)


def test_unknown_path_gets_the_sites_404_page(shared: DevServer) -> None:
    response = get(shared, "/no/such/page/")
    assert response.status == 404
    root = shared.site.root if shared.site else None
    assert root is not None
    own = (root / "404.html").read_bytes()
    assert body(response).startswith(own[: own.lower().rfind(b"</body")])
    assert EVENTS_PATH.encode() in body(response)


def test_head_has_the_headers_of_get_and_no_body(shared: DevServer) -> None:
    for path in ("/", "/static/site.css", "/missing"):
        full, head = get(shared, path), get(shared, path, "HEAD")
        assert head.status == full.status and body(head) == b""
        assert head.getheader("Content-Length") == str(len(body(full)))
        assert head.getheader("Content-Type") == full.getheader("Content-Type")


def test_reload_script_is_only_in_served_html(server: DevServer, site: Path) -> None:
    marker = EVENTS_PATH.encode()
    assert marker in body(get(server, "/")) and marker in body(get(server, ARTICLE))
    for path in ("/feed.xml", "/static/site.css", "/static/app.js", "/robots.txt"):
        assert marker not in body(get(server, path))
    root = server.site.root if server.site else None
    assert root is not None
    for folder in (root, server.out_dir):
        assert not [rel for rel, data in files_of(folder).items() if marker in data]
    config = load_config(site / "config.yaml", root=site)
    build(config, BuildOptions())
    public = files_of(site / "public")
    assert "index.html" in public
    assert not [rel for rel, data in public.items() if marker in data]


# --- live reload ---------------------------------------------------------------------------


def read_event(stream: http.client.HTTPResponse) -> dict[str, object]:
    """The next `data:` message of an event stream."""
    while True:
        line = stream.fp.readline()
        assert line, "stream closed"
        if line.startswith(b"data: "):
            return json.loads(line[6:])  # type: ignore[no-any-return]


def test_event_stream_sends_the_changed_urls(server: DevServer, site: Path) -> None:
    assert server.site is not None
    hub = server.site.hub
    conn = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=10)
    conn.request("GET", f"{EVENTS_PATH}?token={hub.token}&generation={hub.generation}")
    stream = conn.getresponse()
    assert stream.getheader("Content-Type") == "text/event-stream; charset=utf-8"
    path = site / "content" / "2024" / "alpha.txt"
    path.write_text(article("Alpha plan", 1, text="A changed story paragraph here."), "utf-8")
    message = read_event(stream)
    assert message["ok"] is True and message["token"] == hub.token
    urls = message["urls"]
    assert isinstance(urls, list) and ARTICLE in urls and "/2024/05/02/beta-vote/" not in urls
    conn.close()


def test_hub_replays_missed_builds_and_flags_unknown_ones() -> None:
    hub = ReloadHub(keep=3)
    first = hub.publish(True, ["/a/"])
    assert hub.message_since(first, hub.token) is None
    hub.publish(True, ["/b/"])
    hub.publish(False, [])
    caught_up = hub.message_since(first, hub.token)
    assert caught_up is not None
    assert caught_up["urls"] == ["/b/"] and caught_up["ok"] is False
    assert hub.message_since(first, "other-process")["urls"] is None  # type: ignore[index]
    hub.publish(True, ["/c/"])
    hub.publish(True, ["/d/"])
    assert hub.message_since(first, hub.token)["urls"] is None  # type: ignore[index]


def test_url_of_output_files() -> None:
    assert url_of("index.html") == "/"
    assert url_of("2024/05/01/a/index.html") == "/2024/05/01/a/"
    assert url_of("feed.xml") == "/feed.xml"
    assert url_of("tags/é/index.html") == "/tags/%C3%A9/"


# --- failed builds -------------------------------------------------------------------------


def test_failed_build_shows_the_error_page_until_fixed(
    server: DevServer, site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = site / "content" / "2024" / "alpha.txt"
    good = path.read_text("utf-8")
    path.write_text(good.replace("title: Alpha plan", "title: <b>Alpha</b>: plan"), "utf-8")
    server.wait_for(lambda o: o[-1].report is None)
    page = get(server, ARTICLE)
    text = body(page).decode()
    assert page.status == 500
    assert "content/2024/alpha.txt:" in text and "invalid YAML" in text and "hint:" in text
    assert "&lt;b&gt;Alpha&lt;/b&gt;: plan" in text and "<b>Alpha" not in text
    assert EVENTS_PATH in text
    assert get(server, "/static/site.css").status == 200  # assets of the last good site
    assert get(server, "/nowhere/").status == 500
    assert "alpha.txt:2: error: invalid YAML" in capsys.readouterr().err
    path.write_text(good.replace("Alpha plan", "Alpha plan fixed"), "utf-8")
    server.wait_for(lambda o: o[-1].report is not None)
    fixed = get(server, "/2024/05/01/alpha-plan-fixed/")
    assert fixed.status == 200 and b"Alpha plan fixed" in body(fixed)


# --- never half-built ----------------------------------------------------------------------


NEW_TEXT = "The harbour plan was rewritten overnight by a new council majority."


def test_requests_during_the_commit_get_the_previous_site(
    server: DevServer, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[bytes, bytes]] = []
    original = digest.output._apply

    def slow_apply(out_dir: Path, staging: Path, write: list[str], remove: list[str]) -> None:
        half = len(write) // 2
        original(out_dir, staging, write[:half], [])
        seen.append((body(get(server, "/")), body(get(server, ARTICLE))))
        original(out_dir, staging, write[half:], remove)
        seen.append((body(get(server, "/")), body(get(server, ARTICLE))))

    monkeypatch.setattr(digest.output, "_apply", slow_apply)
    path = site / "content" / "2024" / "alpha.txt"
    path.write_text(article("Alpha plan", 1, text=NEW_TEXT), "utf-8")
    server.wait_for(lambda o: len(o) > 1)
    assert len(seen) == 2
    for index_page, article_page in seen:
        assert NEW_TEXT.encode() not in index_page + article_page
    assert NEW_TEXT.encode() in body(get(server, ARTICLE))


def test_publishing_waits_for_requests_in_flight(tmp_path: Path) -> None:
    out = tmp_path / "site"
    digest.output.write_site(out, [("index.html", b"old")])
    published = PublishedSite(tmp_path / "state")
    published.publish_all(out)
    report = digest.output.write_site(out, [("index.html", b"new")])
    done = threading.Event()

    def publish() -> None:
        published.publish_changes(out, report, "/")  # type: ignore[arg-type]
        done.set()

    with published.view() as view:
        assert view.root is not None
        publisher = threading.Thread(target=publish)
        publisher.start()
        assert not done.wait(0.3)  # blocked by the request in flight
        assert (view.root / "index.html").read_bytes() == b"old"
    publisher.join(10)
    assert done.is_set()
    with published.view() as view:
        assert view.root is not None and (view.root / "index.html").read_bytes() == b"new"
    published.close()


# --- the command ---------------------------------------------------------------------------


def test_port_in_use_is_a_clear_error(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(["--config", str(site / "config.yaml"), "--port", str(port)])
    assert status == 1
    assert f"127.0.0.1:{port}: the port is in use" in capsys.readouterr().err


def test_open_flag_opens_the_site_in_a_browser(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(digest.serve.webbrowser, "open", opened.append)
    options = ServeOptions(port=0, debounce=FAST, quiet=True, open_browser=True)
    with DevServer(site / "config.yaml", options) as server:
        assert server.url.startswith("http://127.0.0.1:")
        for _ in range(100):  # opened from a thread: a console browser would block
            if opened:
                break
            time.sleep(0.05)
    assert opened == [server.url]


def test_ctrl_c_stops_cleanly(site: Path) -> None:
    command = [sys.executable, "-X", "faulthandler", str(REPO / "build.py"), "serve", "--port", "0"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [*command, "--config", str(site / "config.yaml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        # A shell running this in the background ignores SIGINT, and so would the server.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("serving http://127.0.0.1:"):
            break
    url = lines[-1].split()[1]
    with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/")))):
        pass  # the port answers
    proc.send_signal(signal.SIGINT)
    try:
        rest, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)  # -X faulthandler prints every thread's stack
        stacks, _ = proc.communicate()
        pytest.fail(f"serve did not stop on Ctrl+C:\n{stacks}")
    assert proc.returncode == 0, [*lines, rest]
    assert rest.strip().endswith("stopped")
    assert not list((site / ".digest-serve").glob("*/live-*"))  # published copy removed
