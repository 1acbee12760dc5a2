"""Time digest against Hugo and Pelican on the synthetic corpora, alternating the commands.

For every corpus size the script runs, round after round, in this order:

  digest-clean     digest build, no build state, empty output folder
  hugo-clean       Hugo build into an empty folder
  pelican-clean    Pelican build into an empty folder (sizes up to --pelican-max only)
  digest-noop      digest build again, nothing changed
  digest-touch     digest build after one article got a sentence appended to its story
  hugo-touch       Hugo build into its previous output after the same edit

Each command runs as its own process; wall time is taken around fork..reap, CPU time and
peak RSS come from `os.wait4` (the method of ../shared/bench/timeit.py). The table gives
medians and each digest figure's ratio to Hugo's (clean to clean, rebuilds to hugo-touch).

One untimed warm-up round first builds every output and fills the page cache. Corpora are
written once by ../shared/bench/make_corpus.py (digest's copy gets a config.yaml with 20
per page and 20 feed entries, like the Hugo and Pelican projects) and reused.

    python bench/bench.py [--sizes 1000,10000] [--runs 3] [--corpora DIR] [--json FILE]
                          [--digest PATH/build.py]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the checkout, as in CI and on the developers' machines.
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
PYTHON = Path(sys.executable)
BIN = PYTHON.parent
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])
# Called directly: the `bin/hugo` wrapper would add a Python start-up to every Hugo run.
HUGO = SITE_PACKAGES / "hugo" / "binaries" / "hugo"
# Matches the Hugo and Pelican projects of make_corpus.py: 20 per page, 20 feed entries.
DIGEST_CONFIG = """\
title: Digest Bench
base_url: https://digest.example/
per_page: 20
feed_size: 20
"""
PELICAN_ARGS = ("-q", "content", "-s", "pelicanconf.py", "-o")
SENTENCE = " Officials said further talks were planned for next week."


@dataclass(frozen=True, slots=True)
class Sample:
    """One timed run of one command."""

    wall: float
    cpu: float
    peak_mib: float
    status: int
    stdout: str


@dataclass(frozen=True, slots=True)
class Command:
    """A command to time, with an untimed step that prepares each run."""

    name: str
    argv: list[str]
    cwd: Path
    prepare: Callable[[], None]


@dataclass
class Results:
    """Samples per (size, command), in the order they were taken."""

    samples: dict[tuple[int, str], list[Sample]] = field(default_factory=dict)

    def add(self, size: int, name: str, sample: Sample) -> None:
        """Record one sample."""
        self.samples.setdefault((size, name), []).append(sample)

    def median(self, size: int, name: str, attr: str) -> float:
        """Median of one measure over the runs of a command."""
        return float(statistics.median(getattr(s, attr) for s in self.samples[(size, name)]))


def run_once(argv: list[str], cwd: Path) -> Sample:
    """Run a command to completion and measure wall, CPU of its process tree and peak RSS."""
    # Output goes to files, not pipes: a full pipe would stall the command being timed.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode(errors="replace").strip()
        if code != 0:
            message = err.read().decode(errors="replace")
            sys.exit(f"{' '.join(argv)} failed with status {code}:\n{message}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, code, text)


def compile_bytecode(src: Path) -> None:
    """Write the bytecode caches of the digest tree being timed, as `pip install` would.

    Hugo is a compiled binary, and Pelican, Jinja and the other installed packages have
    their bytecode written by pip; a checkout's modules get theirs on the first import,
    unless PYTHONDONTWRITEBYTECODE is set (it is on some machines, this one among them), in
    which case every timed digest run would compile its 40 modules from source again.
    """
    import compileall

    if not compileall.compile_dir(src, quiet=1):
        sys.exit(f"{src}: could not compile digest's modules")


def make_corpus(size: int, corpora: Path) -> Path:
    """Write the corpus of `size` articles once; reuse it when it is already there."""
    where = corpora / f"n{size}"
    marker = where / ".complete"
    if not marker.exists():
        print(f"writing the {size}-article corpus to {where} ...", file=sys.stderr)
        subprocess.run([str(PYTHON), str(MAKE_CORPUS), str(size), "--out", str(where)], check=True)
        marker.write_text("make_corpus.py finished\n", "utf-8")
    (where / "digest" / "config.yaml").write_text(DIGEST_CONFIG, "utf-8")
    return where


class Clearer:
    """Clears outputs before clean builds: moves them aside (default) or deletes them.

    Deleting 25,000 files and folders just before a build slows the build down: on an ext4
    file system without a journal (this machine's), the inode allocator skips inodes freed
    in the last 60 seconds and looks at each of them on every allocation (perf showed
    `recently_deleted` taking 45 % of a whole clean build's CPU). Moving the old output into
    a trash folder frees nothing; the trash is deleted when the benchmark ends.
    """

    def __init__(self, trash: Path, delete: bool) -> None:
        self.trash = trash
        self.delete = delete
        self.moved = 0

    def remove(self, *paths: Path) -> Callable[[], None]:
        """A prepare step that clears these folders (an output and its caches)."""

        def run() -> None:
            for path in paths:
                if self.delete:
                    shutil.rmtree(path, ignore_errors=True)
                elif path.exists():
                    self.trash.mkdir(parents=True, exist_ok=True)
                    self.moved += 1
                    path.rename(self.trash / f"{self.moved}-{path.name}")
            # Flush now: on a disk mounted with `discard`, pending deletions and writes
            # would otherwise slow down the first writes of the build being timed.
            os.sync()

        return run

    def empty(self) -> None:
        """Delete what was moved aside."""
        shutil.rmtree(self.trash, ignore_errors=True)


def touch_article(path: Path) -> Callable[[], None]:
    """A prepare step that appends a sentence to the story of one article."""

    def run() -> None:
        text = path.read_text("utf-8")
        # The story's last paragraph is the one before the "More from" teaser block.
        head, marker, tail = text.partition("\n\nMore from ")
        if not marker:
            sys.exit(f"{path}: no 'More from' block to append before")
        path.write_text(head + SENTENCE + marker + tail, "utf-8")

    return run


def nothing() -> None:
    """A prepare step that changes nothing."""


def commands(
    size: int, where: Path, pelican_max: int, script: Path, clear: Clearer
) -> list[Command]:
    """The commands for one corpus, in the order they alternate."""
    digest, hugo, pelican = where / "digest", where / "hugo", where / "pelican"
    stem = sorted(p.stem for p in (digest / "content").glob("*.txt"))[size // 2]
    build = [str(PYTHON), str(script), "--config", str(digest / "config.yaml")]
    clean_digest = clear.remove(digest / "public", digest / ".digest-cache")
    found = [
        Command("digest-clean", build, digest, clean_digest),
        Command(
            "hugo-clean",
            [str(HUGO), "--quiet", "-d", str(where / "hugo-out")],
            hugo,
            clear.remove(where / "hugo-out", hugo / "resources"),
        ),
    ]
    if size <= pelican_max:
        found.append(
            Command(
                "pelican-clean",
                [str(BIN / "pelican"), *PELICAN_ARGS, str(where / "pelican-out")],
                pelican,
                clear.remove(where / "pelican-out", pelican / "cache", pelican / "__pycache__"),
            )
        )
    found += [
        Command("digest-noop", build, digest, nothing),
        Command("digest-touch", build, digest, touch_article(digest / "content" / f"{stem}.txt")),
        # The same edit in Hugo's copy; Hugo rebuilds into its previous output.
        Command(
            "hugo-touch",
            [str(HUGO), "--quiet", "-d", str(where / "hugo-out")],
            hugo,
            touch_article(hugo / "content" / "posts" / f"{stem}.md"),
        ),
    ]
    return found


def measure(
    sizes: list[int], runs: int, corpora: Path, pelican_max: int, script: Path, clear: Clearer
) -> Results:
    """Run every command of every size `runs` times (after one warm-up round), alternating."""
    results = Results()
    for size in sizes:
        where = make_corpus(size, corpora)
        todo = commands(size, where, pelican_max, script, clear)
        for round_no in range(runs + 1):
            for command in todo:
                command.prepare()
                sample = run_once(command.argv, command.cwd)
                if round_no > 0:  # round 0 warms the page cache and builds the first output
                    results.add(size, command.name, sample)
                label = "warm-up" if round_no == 0 else f"run {round_no}"
                print(
                    f"n={size} {label:8} {command.name:14} {sample.wall:7.2f} s wall "
                    f"{sample.cpu:7.2f} s cpu {sample.peak_mib:7.1f} MiB  {sample.stdout[-90:]}",
                    file=sys.stderr,
                )
    return results


# Command names in table order, each with the Hugo command it is compared with.
BASELINES = {
    "digest-clean": "hugo-clean",
    "hugo-clean": None,
    "pelican-clean": "hugo-clean",
    "digest-noop": "hugo-touch",
    "digest-touch": "hugo-touch",
    "hugo-touch": None,
}


def said(sample: Sample) -> str:
    """The gist of digest's summary line: what it wrote, parsed and rendered."""
    last = sample.stdout.splitlines()[-1] if sample.stdout else ""
    found = re.search(r": (\d+ written, \d+ unchanged).* s \((.*)\)", last)
    return f"{found[1]} ({found[2]})" if found else ""


def table(results: Results, sizes: list[int]) -> str:
    """Render the medians and ratios to Hugo as a Markdown table."""
    lines = [
        "| articles | command | wall s | CPU s | peak RSS MiB | wall / Hugo | digest's summary |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for size in sizes:
        for name, baseline in BASELINES.items():
            samples = results.samples.get((size, name))
            if not samples:
                continue
            wall = results.median(size, name, "wall")
            ratio = ""
            if baseline is not None:
                ratio = f"{wall / results.median(size, baseline, 'wall'):.3f}"
            cpu = results.median(size, name, "cpu")
            peak = results.median(size, name, "peak_mib")
            lines.append(
                f"| {size:,} | {name} | {wall:.3f} | {cpu:.3f} | {peak:.1f} | {ratio} | "
                f"{said(samples[-1])} |"
            )
    return "\n".join(lines)


def main() -> int:
    """Parse options, run the benchmark, print the table (and save the samples as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="timed rounds per size")
    parser.add_argument(
        "--corpora", type=Path, default=ROOT / "bench" / "corpora", help="where corpora live"
    )
    parser.add_argument(
        "--pelican-max", type=int, default=1000, help="largest size Pelican is timed on"
    )
    parser.add_argument(
        "--delete",
        action="store_true",
        help="delete old outputs right before clean builds instead of moving them aside",
    )
    parser.add_argument("--json", type=Path, help="also save every sample to this file")
    parser.add_argument(
        "--digest",
        type=Path,
        default=ROOT / "build.py",
        help="the build.py to time (e.g. of a copy of the tree that nobody edits meanwhile)",
    )
    args = parser.parse_args()
    if not HUGO.is_file():
        sys.exit(f"Hugo not found at {HUGO}: pip install hugo pelican")
    sizes = [int(s) for s in args.sizes.split(",")]
    started = time.monotonic()
    compile_bytecode(args.digest.resolve().parent / "src")
    corpora = args.corpora.resolve()
    clear = Clearer(corpora / ".trash", args.delete)
    try:
        results = measure(sizes, args.runs, corpora, args.pelican_max, args.digest, clear)
    finally:
        clear.empty()
    print(table(results, sizes))
    print(
        f"\n{args.runs} timed runs per command (medians), one warm-up round; "
        f"{os.cpu_count()} CPUs; total {time.monotonic() - started:.0f} s"
    )
    if args.json:
        rows = {
            f"{size}/{name}": [vars_of(s) for s in samples]
            for (size, name), samples in results.samples.items()
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1), "utf-8")
    return 0


def vars_of(sample: Sample) -> dict[str, object]:
    """A sample as a JSON-ready dict."""
    return {name: getattr(sample, name) for name in Sample.__slots__}


if __name__ == "__main__":
    sys.exit(main())
