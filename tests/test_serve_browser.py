"""End to end in headless Chromium: edits, a broken file and its fix show up by themselves.

The browser is driven through chromedriver's WebDriver HTTP API with urllib and json only.
The test never navigates after opening the article: every change on screen comes from the
live-reload script reacting to `build.py serve`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from digest.render import THEME_DIR

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Chromium and chromedriver: apt-get install chromium chromium-driver "
    "(.ci/run installs them, so this test runs in CI)",
)

ARTICLE_URL = "2024/05/01/harbour-plan/"


def article(body: str, title: str = "Harbour plan") -> str:
    """A valid article with the given first paragraph."""
    return textwrap.dedent(
        f"""\
        ---
        title: {title}
        date: 2024-05-01T10:00:00Z
        source: Example News
        tags: [harbour]
        ---
        {body}

        Residents welcomed the decision but asked for more details about the cost.
        """
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], object], what: str, timeout: float = 30.0) -> object:
    """Poll `check` until it returns something truthy; fail naming `what`."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


def wait_for_text(browser: WebDriver, needle: str, what: str) -> str:
    """Wait until the page shows `needle`; fail with what it shows instead."""
    shown = [""]

    def check() -> bool:
        shown[0] = browser.text()
        return needle in shown[0]

    try:
        wait_until(check, what)
    except AssertionError:
        raise AssertionError(f"{what}: {needle!r} not on the page: {shown[0]!r}") from None
    return shown[0]


class WebDriver:
    """The few WebDriver commands the test needs, over plain HTTP."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.session = ""

    def call(self, method: str, path: str, payload: object = None) -> object:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"WebDriver {method} {path}: {exc.read()!r}") from None

    def start(self, profile: Path) -> None:
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            f"--user-data-dir={profile}",
        ]
        options = {"binary": CHROMIUM, "args": flags}
        capabilities = {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}
        value = self.call("POST", "/session", {"capabilities": capabilities})
        assert isinstance(value, dict)
        self.session = str(value["sessionId"])

    def open(self, url: str) -> None:
        self.call("POST", f"/session/{self.session}/url", {"url": url})

    def run(self, script: str) -> object:
        return self.call(
            "POST", f"/session/{self.session}/execute/sync", {"script": script, "args": []}
        )

    def text(self) -> str:
        return str(self.run("return document.body ? document.body.innerText : '';"))

    def quit(self) -> None:
        if self.session:
            self.call("DELETE", f"/session/{self.session}")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    """Headless Chromium behind chromedriver, closed after the test."""
    assert CHROMEDRIVER is not None
    port = free_port()
    log = (tmp_path / "chromedriver.log").open("w")
    driver = subprocess.Popen(
        [CHROMEDRIVER, f"--port={port}"], stdout=log, stderr=subprocess.STDOUT
    )
    web = WebDriver(port)
    profile = Path(tempfile.mkdtemp(prefix="digest-chromium-"))
    try:
        wait_until(lambda: _ready(web), "chromedriver to start")
        web.start(profile)
        yield web
    finally:
        try:
            web.quit()
        finally:
            driver.terminate()
            driver.wait(20)
            log.close()
            shutil.rmtree(profile, ignore_errors=True)  # Chromium may still be writing it


def _ready(web: WebDriver) -> bool:
    try:
        status = web.call("GET", "/status")
    except (OSError, AssertionError):
        return False
    return isinstance(status, dict) and bool(status.get("ready"))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content" / "2024").mkdir(parents=True)
    (root / "config.yaml").write_text("title: Browser digest\n", "utf-8")
    (root / "content" / "2024" / "harbour.txt").write_text(
        article("The council agreed on a new plan for the harbour after a long debate."), "utf-8"
    )
    (root / "content" / "2024" / "rail.txt").write_text(
        article("A new rail line will link the port to the city by next year.", "Rail link"),
        "utf-8",
    )
    return root


class Serve:
    """`build.py serve` as a process, started and stopped (with Ctrl+C) by the test."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self, port: int = 0) -> str:
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "--port", str(port)],
            cwd=self.site,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            # A shell running this in the background ignores SIGINT, and so would the server.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        assert self.proc.stdout is not None
        lines = []
        for line in self.proc.stdout:
            lines.append(line)
            if line.startswith("serving "):
                break
        assert lines and lines[-1].startswith("serving "), "".join(lines)
        self.url = lines[-1].split()[1]
        return self.url

    def stop(self) -> None:
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=30)
        print(rest)  # the server's terminal, shown by pytest when the test fails
        assert proc.returncode == 0 and rest.rstrip().endswith("stopped"), rest


@pytest.fixture
def serve(site: Path) -> Iterator[Serve]:
    server = Serve(site)
    try:
        yield server
    finally:
        server.stop()


def served_html(url: str) -> str:
    """A page as the server sends it, without the injected reload script."""
    with urllib.request.urlopen(url, timeout=10) as response:
        page = response.read().decode("utf-8")
    return re.sub(r"<script>/\* digest serve.*?</script>\n", "", page, flags=re.S)


def test_browser_follows_edits_errors_and_fixes(
    browser: WebDriver, serve: Serve, site: Path
) -> None:
    served = serve.start()
    source = site / "content" / "2024" / "harbour.txt"
    browser.open(served + ARTICLE_URL)
    wait_for_text(browser, "new plan for the harbour", "the article")

    source.write_text(article("Engineers found the old pier was unsafe and must go."), "utf-8")
    wait_for_text(browser, "old pier was unsafe", "the edit")

    source.write_text(article("Unused").replace("title: Harbour plan", "title: [broken"), "utf-8")
    text = wait_for_text(browser, "Build failed", "the error page")
    assert "content/2024/harbour.txt:" in text and "invalid YAML" in text and "hint:" in text

    source.write_text(article("The pier stays after all, the mayor said on Friday."), "utf-8")
    wait_for_text(browser, "The pier stays after all", "the fixed article")
    assert "Build failed" not in browser.text()

    # Another article's story changes: this page reloads only if its own HTML changed.
    browser.run("window.digestMarker = 'kept';")
    page_before = served_html(served + ARTICLE_URL)
    rail = site / "content" / "2024" / "rail.txt"
    rail.write_text(article("The rail line opening slips to the autumn.", "Rail link"), "utf-8")
    wait_until(
        lambda: "slips to the autumn" in served_html(served + "2024/05/01/rail-link/"),
        "the other article to be rebuilt",
    )
    if served_html(served + ARTICLE_URL) == page_before:
        time.sleep(1.0)  # give a wrong reload the time to happen
        assert browser.run("return window.digestMarker || null;") == "kept"

    # A stylesheet change is applied in place when the page itself did not change.
    browser.run("window.digestMarker = 'kept';")
    page_before = served_html(served + ARTICLE_URL)
    css = (THEME_DIR / "static" / "site.css").read_text("utf-8")
    override = site / "templates" / "static" / "site.css"
    override.parent.mkdir(parents=True)
    override.write_text(css + "\nbody { outline: 3px solid rgb(1, 2, 3); }\n", "utf-8")
    wait_until(
        lambda: (
            browser.run("return getComputedStyle(document.body).outlineColor;") == "rgb(1, 2, 3)"
        ),
        "the new stylesheet",
    )
    if served_html(served + ARTICLE_URL) == page_before:
        assert browser.run("return window.digestMarker || null;") == "kept"  # no reload

    # The server goes away and comes back on the same port: the page reconnects by itself.
    port = int(served.rsplit(":", 1)[1].strip("/"))
    serve.stop()
    source.write_text(article("Edited while the server was down, then restarted."), "utf-8")
    serve.start(port)
    wait_for_text(browser, "while the server was down", "the page after a restart")
