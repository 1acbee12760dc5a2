"""Command line: `build.py [build|split|serve|new|add|check]`; exit 0, 1 (content), 2 (usage)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from .config import Config, load_config
from .errors import BuildFailed, DigestError

COMMANDS = ("build", "split", "serve", "new", "add", "check")

DESCRIPTION = """\
digest turns news pages saved as text into a linked static news site.

commands:
  build   build the site into the output folder (the default)
  split   print the story found in page-text files (--explain shows every line's label)
  serve   build, serve on 127.0.0.1 and rebuild + reload the browser on every save
  new     write a new article file with its front-matter filled in
  add     turn a page copied from a browser into an article file
  check   validate all content and config.yaml without writing anything

run `build.py COMMAND --help` for a command's options."""


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """The `--config PATH` option every command has."""
    parser.add_argument(
        "--config",
        type=Path,
        default=Path("config.yaml"),
        metavar="PATH",
        help="site configuration file (default: config.yaml); its folder is the site root",
    )


def add_site_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that reads the site."""
    add_config_option(parser)
    parser.add_argument(
        "--drafts", action="store_true", help="include articles marked `draft: true`"
    )
    parser.add_argument(
        "--future", action="store_true", help="include articles dated in the future"
    )
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (exit 1 on any)"
    )
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    noise.add_argument(
        "-v", "--verbose", action="store_true", help="also list every file written or removed"
    )


def build_parser() -> argparse.ArgumentParser:
    """The `build` command's parser (also the top-level help)."""
    parser = argparse.ArgumentParser(
        prog="build.py",
        usage="build.py [build] [--config PATH] [--out DIR] [--drafts] [--future] [--strict] "
        "[-q|-v]\n       build.py {split,serve,new,add,check} [options]",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_site_options(parser)
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="output folder (default: output_dir of config)"
    )
    return parser


def open_config(path: Path) -> Config:
    """Load the config named on the command line; BuildFailed on problems."""
    return load_config(path, root=path.resolve().parent)


def print_problems(error: BuildFailed) -> None:
    """Print every problem and the count to stderr."""
    print(error.report(), file=sys.stderr)


def run() -> NoReturn:
    """Run the command line and exit with its status, skipping the interpreter's teardown.

    Freeing a built site object by object takes a tenth of a second at 10,000 articles,
    and nothing is left to do: output is flushed and files closed before exiting.
    """
    status = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (`build.py | head`): what was printed is all it gets
        status = status or 1
    os._exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args and args[0] in COMMANDS else "build"
    if args and args[0] == command:
        args = args[1:]
    try:
        if command == "build":
            return _build(args)
        if command == "split":
            from .splitcmd import main as split_main

            return split_main(args)
        if command == "serve":
            from .serve import main as serve_main

            return serve_main(args)
        from .editor import main as editor_main

        return editor_main(command, args)
    except BuildFailed as exc:
        print_problems(exc)
        return 1
    except DigestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `build.py | head`: the reader has all it wanted
        return 1
    except OSError as exc:  # the output or cache folder, not content: say which and why
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        print("    hint: check that the folder exists and is writable", file=sys.stderr)
        return 1


def _build(argv: list[str]) -> int:
    from .pipeline import BuildOptions, build

    args = build_parser().parse_args(argv)
    config = open_config(args.config)
    options = BuildOptions(
        drafts=args.drafts,
        future=args.future,
        strict=args.strict,
        out_dir=args.out,
        progress=not args.quiet,
    )
    report = build(config, options)
    if not args.quiet:
        for problem in report.warnings:
            print(problem.for_display().format(), file=sys.stderr)
        if args.verbose:
            for rel in report.written:
                print(f"written  {rel}")
            for rel in report.removed:
                print(f"removed  {rel}")
        out = options.out_dir or config.output_dir
        print(f"{report.summary()} -> {out}")
    return 0
