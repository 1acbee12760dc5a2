"""`build.py serve`: build, serve on 127.0.0.1, rebuild on every save, reload the browser.

The watcher (`watch`) hands out debounced batches of changed paths; each batch runs the same
`pipeline.build()` as `build.py build`, into a private folder, and a good build is then
published to the pages (see `livereload` for why a request never sees a half-built site),
which `serve_http` serves. All builds share one `BuildSession`, so a rebuild after one saved
article re-reads that file and renders only the pages showing it.
"""

from __future__ import annotations

import argparse
import errno
import signal
import sys
import threading
import time
import traceback
import warnings
import webbrowser
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType

from .cli import add_site_options
from .config import Config, load_config
from .errors import BuildFailed, DigestError, Problem
from .livereload import PublishedSite
from .pipeline import BuildOptions, BuildReport, build
from .serve_http import DevHTTPServer, error_page
from .session import BuildSession
from .watch import Watcher, WatchTargets

STATE_DIR = ".digest-serve"
# `mkdir -p a/b` makes watchdog's inotify emitter add the watch on `b` twice; the second
# time it warns and overwrites, which is harmless (gorakhargosh/watchdog#1278 review).
WATCHDOG_REWATCH = r"Callback with id .* already exists for watch"
SAVE_AFTER = 1.0  # seconds without changes before the build state is saved to disk


class ServeError(DigestError):
    """The server cannot start (port in use, address not available)."""


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How to serve: address, watching, and the switches of every build."""

    host: str = "127.0.0.1"
    port: int = 8000
    poll: bool = False
    poll_interval: float = 0.5
    # Quiet time that closes a batch: an editor's save (temp file, renames) takes a few ms.
    debounce: float = 0.1
    open_browser: bool = False
    build: BuildOptions = field(default_factory=BuildOptions)
    quiet: bool = False
    verbose: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """One build of the dev server: what set it off and how it went."""

    changed: tuple[Path, ...]
    report: BuildReport | None  # None when the build failed
    problems: tuple[Problem, ...]


class DevServer:
    """Build once, serve, and rebuild on every batch of changes until stopped."""

    def __init__(self, config_path: Path, options: ServeOptions) -> None:
        self.config_path = config_path.resolve()
        self.root = self.config_path.parent
        self.options = options
        self.outcomes: list[Outcome] = []
        self.url = ""
        self.out_dir = self.root / STATE_DIR / "site"
        self.site: PublishedSite | None = None
        self._config: Config | None = None
        self._republish = True  # publish the whole build: at start and after an odd failure
        self.session = BuildSession()
        self._httpd: DevHTTPServer | None = None
        self._watcher: Watcher | None = None
        self._serving: threading.Thread | None = None
        self._background: threading.Thread | None = None
        self._cond = threading.Condition()

    def start(self) -> None:
        """Bind the port (ServeError if taken), build once, then serve and watch."""
        opts = self.options
        try:
            httpd = DevHTTPServer(opts.host, opts.port, opts.verbose)
        except OSError as exc:
            raise ServeError(_bind_problem(exc, opts.host, opts.port)) from None
        self._httpd = httpd
        self.url = _url(opts.host, httpd.server_port)
        state = self.root / STATE_DIR / str(httpd.server_port)  # per port: base_url differs
        self.out_dir = state / "site"
        self.site = httpd.site = PublishedSite(state)
        targets = self._targets(load_config(None, self.root))
        # The first build runs while this is the only thread (watchdog's observer starts
        # one as soon as it is made), so it may fork workers. Then the watcher starts, and
        # a second build finds what was saved during the first.
        first = self._rebuild(())
        self._watcher = Watcher(
            targets if self._config is None else self._targets(self._config),
            debounce=opts.debounce,
            poll=opts.poll,
            poll_interval=opts.poll_interval,
        )
        self._watcher.start()
        if first:
            self.session.note(None)
            self._rebuild((), only_if_changed=True)
        self._serving = threading.Thread(target=httpd.serve_forever, daemon=True)
        self._serving.start()
        self._say(f"serving {self.url}  (Ctrl+C stops)")
        if opts.host not in ("127.0.0.1", "localhost", "::1"):
            self._say("note: the site is open to other machines on the network")
        if opts.open_browser:
            threading.Thread(target=webbrowser.open, args=(self.url,), daemon=True).start()

    def run(self) -> None:
        """Rebuild on every batch of changes until `stop`."""
        assert self._watcher is not None, "start() first"
        debouncer = self._watcher.debouncer
        while True:
            batch = debouncer.wait(SAVE_AFTER if self.session.unsaved else None)
            if batch is not None:
                self._rebuild(batch)
            elif debouncer.closed:
                return
            else:
                self._save_state()  # quiet for a while: now the disk write bothers nobody

    def _save_state(self) -> None:
        problem = self.session.flush()
        if problem is not None:
            print(f"{problem}: cannot write the build cache", file=sys.stderr)

    def stop(self) -> None:
        """Make `run` return after the build under way (from any thread)."""
        if self._watcher is not None:
            self._watcher.debouncer.close()

    def close(self) -> None:
        """Stop watching and serving, and drop the published copy."""
        if self._watcher is not None:
            self._watcher.stop()
        if self._httpd is not None:
            if self._serving is not None:
                self._httpd.shutdown()
            self._httpd.server_close()
        if self.site is not None:
            self.site.close()
        self._save_state()

    def __enter__(self) -> DevServer:
        """Start, and run the rebuild loop in a background thread (for tests and tools)."""
        self.start()
        self._background = threading.Thread(target=self.run, daemon=True)
        self._background.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop the loop, wait for it, then close."""
        self.stop()
        if self._background is not None:
            self._background.join()
        self.close()

    def wait_for(
        self, condition: Callable[[list[Outcome]], bool], timeout: float = 20.0
    ) -> list[Outcome]:
        """Wait until the builds so far satisfy `condition`; return them (TimeoutError)."""
        with self._cond:
            if not self._cond.wait_for(lambda: condition(self.outcomes), timeout):
                raise TimeoutError(f"not reached after {timeout} s: {self.outcomes}")
            return list(self.outcomes)

    def _rebuild(self, changed: tuple[Path, ...], only_if_changed: bool = False) -> bool:
        """Build, publish and report; True if the build succeeded.

        `only_if_changed`: a build that changed nothing is neither published nor reported.
        """
        assert self.site is not None
        if self._watcher is not None:
            self._watcher.refresh()  # start watching new folders before reading them
        problems: tuple[Problem, ...] = ()
        report = None
        try:
            config = self._current_config(changed)
            self.session.note(changed)
            options = replace(self.options.build, out_dir=self.out_dir)
            report = build(config, options, session=self.session)
            if only_if_changed and not (report.written or report.removed):
                return True
            if self._republish:
                self.site.publish_all(self.out_dir)
                self._republish = False
            else:
                self.site.publish_changes(self.out_dir, report, config.base_path)
        except BuildFailed as exc:
            problems = exc.problems
        except Exception as exc:  # a bug or a disk error: report it, keep the server up
            traceback.print_exc()
            hint = "the traceback is printed in the terminal; please report it"
            problems = (Problem("digest", 1, f"internal error: {exc!r}", hint),)
            report = None
            self._republish = True  # the build folder may differ from what was published
            self.session.forget()
        if problems:
            self.site.publish_failure(error_page(problems, self.root))
        self._report(changed, report, problems)
        with self._cond:
            self.outcomes.append(Outcome(changed, report, problems))
            self._cond.notify_all()
        return report is not None

    def _current_config(self, changed: tuple[Path, ...]) -> Config:
        """The config to build with, read again when config.yaml changed."""
        if self._config is None or self.config_path in changed:
            self._config = None  # a broken config.yaml must not leave the old one in use
            loaded = load_config(self.config_path, root=self.root)
            self._config = loaded.with_base_url(self.url)
            if self._watcher is not None:  # (none yet during the first build)
                self._watcher.retarget(self._targets(loaded))
        return self._config

    def _targets(self, config: Config) -> WatchTargets:
        return WatchTargets(
            folders=(config.content_dir, config.templates_dir),
            files=(self.config_path,),
            ignored=self.root / STATE_DIR,
        )

    def _report(
        self, changed: tuple[Path, ...], report: BuildReport | None, problems: tuple[Problem, ...]
    ) -> None:
        cause = _describe(changed, self.root)
        if report is None:
            print("\n".join(p.format() for p in problems), file=sys.stderr)
            errors = sum(1 for p in problems if p.severity == "error")
            print(
                f"{cause}build failed with {errors} error(s); "
                "the browser shows them until a build succeeds",
                file=sys.stderr,
            )
            return
        if not self.options.quiet:
            for problem in report.warnings:
                print(problem.format(), file=sys.stderr)
            if self.options.verbose:
                for rel in report.written:
                    self._say(f"written  {rel}")
                for rel in report.removed:
                    self._say(f"removed  {rel}")
        self._say(f"{cause}{report.summary()}")

    def _say(self, line: str) -> None:
        if not self.options.quiet:
            print(line, flush=True)


def _describe(changed: tuple[Path, ...], root: Path) -> str:
    """'content/a.txt changed: ' for the terminal ('' for the first build)."""
    if not changed:
        return ""
    names = [p.relative_to(root).as_posix() if p.is_relative_to(root) else str(p) for p in changed]
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return f"{time.strftime('%H:%M:%S')} {', '.join(names[:3])}{more} changed: "


def _url(host: str, port: int) -> str:
    """The URL to open; a wildcard address is reached through the loopback one."""
    shown = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def _bind_problem(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"cannot serve on {host}:{port}: the port is in use (another `serve`?); "
            f"stop that program or pick another port, e.g. --port {port + 1}"
        )
    return f"cannot serve on {host}:{port}: {exc.strerror or exc}"


def build_parser() -> argparse.ArgumentParser:
    """The `serve` command's parser."""
    parser = argparse.ArgumentParser(
        prog="build.py serve",
        description="Build the site, serve it, and rebuild and reload the browser on every save."
        " The build goes to .digest-serve/ beside config.yaml; the output folder is untouched.",
    )
    add_site_options(parser)
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=_port, default=8000, help="port to listen on (default: 8000; 0: any free)"
    )
    parser.add_argument(
        "--poll",
        action="store_true",
        help="poll for changes instead of OS events (network shares, containers, VMs)",
    )
    parser.add_argument("--open", action="store_true", help="open the site in a web browser")
    return parser


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: use a number from 0 to 65535")
    return int(text)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str]) -> int:
    """Run `serve` until Ctrl+C; return the exit status."""
    args = build_parser().parse_args(list(argv))
    options = ServeOptions(
        host=args.host,
        port=args.port,
        poll=args.poll,
        open_browser=args.open,
        build=BuildOptions(drafts=args.drafts, future=args.future, strict=args.strict),
        quiet=args.quiet,
        verbose=args.verbose,
    )
    if args.config.name != "config.yaml" and not args.config.is_file():
        print(f"error: {args.config}: config file not found (check --config)", file=sys.stderr)
        return 1
    server = DevServer(args.config, options)
    warnings.filterwarnings("ignore", WATCHDOG_REWATCH, RuntimeWarning)
    # `kill` and container stops send SIGTERM: stop as cleanly as on Ctrl+C.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.start()
        server.run()
    except ServeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print()  # Ctrl+C is the way to stop; end the line the terminal echoed ^C on
    finally:
        server.close()
    print("stopped")
    return 0
