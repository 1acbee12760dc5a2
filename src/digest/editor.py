"""The editors' commands: `new` and `add` write article files, `check` validates the site.

Exit status: 0 done, 1 a problem in the content, the config or the page given, 2 a wrong
command line. Problems are printed as `path:line: severity: message` plus a hint.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .addpage import Draft, FileExists, add_page, new_article, preview, show_path
from .article import slugify
from .check import format_report, run_check
from .cli import add_config_option
from .config import Config, load_config
from .errors import ContentError, DigestError
from .fields import parse_date
from .load import decode_text


class _Usage(Exception):
    """A command-line value argparse cannot check by itself (exit status 2)."""


def main(command: str, argv: Sequence[str]) -> int:
    """Run `new`, `add` or `check` with its arguments; return the exit status."""
    runners: dict[str, Callable[[argparse.Namespace], int]] = {
        "new": _new,
        "add": _add,
        "check": _check,
    }
    parser = _parser(command)
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:  # argparse has printed the usage and the error already
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return runners[command](args)
    except _Usage as exc:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    except (FileExists, ContentError) as exc:
        print(exc.problem.for_display().format(), file=sys.stderr)
        return 1


def _parser(command: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"build.py {command}",
        description=_HELP[command],
        epilog=_EXAMPLES[command],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config_option(parser)
    if command == "check":
        parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
        parser.add_argument("--drafts", action="store_true", help="check as if drafts were built")
        parser.add_argument(
            "--future", action="store_true", help="check as if future-dated articles were built"
        )
        return parser
    if command == "new":
        parser.add_argument("title", help="the article's headline")
    else:
        parser.add_argument(
            "file",
            nargs="?",
            default="-",
            metavar="FILE",
            help="the page text as copied from the browser; - or nothing reads standard input",
        )
        parser.add_argument("--title", help="the headline, when the one found is wrong")
        parser.add_argument("--url", help="the page's address")
    parser.add_argument("--source", metavar="NAME", help="the outlet, e.g. 'Reuters'")
    parser.add_argument("--tags", default="", metavar="A,B", help="comma-separated tags")
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="publication date, or date and time such as 2024-11-04T15:20:00-05:00 "
        "(default: " + ("today" if command == "new" else "the date in the text, else today") + ")",
    )
    parser.add_argument("--slug", help="file and URL name, when the title's is taken")
    return parser


_EXAMPLES = {
    "new": """examples:
  build.py new "Harbour strike ends" --source "Westmere Herald" --tags labour,ports
  build.py new "Harbour strike ends" --slug harbour-strike-ends-2   (when the file exists)""",
    "add": """examples:
  build.py add page.txt                  title, source, dek and date are read from the text
  pbpaste | build.py add --tags nato     (macOS; xclip -o or wl-paste on Linux)
  build.py add page.txt --source "Responsible Statecraft"

The source is found in a "More from X" heading, a "© X" line or an address line. When the
text never names the outlet (Responsible Statecraft pages do not), give it with --source.
The file is never overwritten; the preview lists what went into the story, the teasers
and the boilerplate, with line numbers in the written file.""",
    "check": """Problems are printed as `path:line: severity: message` with a hint; drafts and
scheduled articles are listed as notes. Exit status 1 when there is an error.""",
}

_HELP = {
    "new": "Write a new article file with its front-matter filled in and print its path.",
    "add": "Turn a page copied from a browser into an article file and show what was found.",
    "check": "Validate config.yaml and every article without writing anything.",
}


def _new(args: argparse.Namespace) -> int:
    title = " ".join(args.title.split())
    if not title:
        raise _Usage("the title must not be empty")
    config = load_config(args.config, root=args.config.resolve().parent)
    when = _date_option(args.date, config) or _today(config)
    draft = Draft(
        title=title,
        when=when,
        source=_text_option(args.source),
        tags=_tags_option(args.tags),
        slug=_slug_option(args.slug),
    )
    print(show_path(new_article(config, draft)))
    return 0


def _add(args: argparse.Namespace) -> int:
    config = load_config(args.config, root=args.config.resolve().parent)
    when = _date_option(args.date, config)
    title, source = _text_option(args.title), _text_option(args.source)
    url = _text_option(args.url)
    if url is not None and not url.startswith(("http://", "https://")):
        raise _Usage("--url must start with http:// or https://")
    text = _read_page(args.file)
    if sys.stdin.isatty() and args.file != "-":
        title, source = _confirm(text, title, source)
    added = add_page(
        config,
        text,
        title=title,
        source=source,
        url=url,
        when=when,
        tags=_tags_option(args.tags),
        slug=_slug_option(args.slug),
        today=_today(config),
    )
    print(preview(added))
    return 0


def _check(args: argparse.Namespace) -> int:
    report = run_check(args.config, strict=args.strict, drafts=args.drafts, future=args.future)
    for line in format_report(report):
        print(line, file=sys.stderr)
    print(report.summary())
    return 1 if report.errors else 0


def _read_page(name: str) -> str:
    """The page text from a file or standard input, as UTF-8 with Unix newlines."""
    if name == "-":
        if sys.stdin.isatty():
            print(
                "Paste the page text, then press Ctrl-D (Ctrl-Z Enter on Windows):", file=sys.stderr
            )
        raw = sys.stdin.buffer.read()
        where = Path("<standard input>")
    else:
        where = Path(name)
        try:
            raw = where.read_bytes()
        except OSError as exc:
            raise DigestError(f"cannot read {name}: {exc.strerror}") from None
    text = decode_text(where, raw)
    if not text.strip():
        raise ContentError(where, 1, "the page text is empty", "copy the page's text and try again")
    first = text.lstrip().split("\n", 1)[0].strip()
    if first.startswith("---"):
        raise ContentError(
            where,
            1,
            "this text has front-matter already: it is an article file, not a copied page",
            "put it into the content folder as it is, then run `build.py check`",
        )
    return text if text.endswith("\n") else text + "\n"


def _confirm(text: str, title: str | None, source: str | None) -> tuple[str | None, str | None]:
    """Ask for the title and the source on a terminal; Enter keeps what was found."""
    from .split import split_text

    found = split_text(text, title=title, source=source)
    title = input(f"Title [{title or found.story.title or ''}]: ").strip() or title
    source = input(f"Source [{source or found.more_from or ''}]: ").strip() or source
    return title, source


def _date_option(value: str | None, config: Config) -> date | datetime | None:
    if value is None:
        return None
    text = value.strip()
    when = parse_date(text, ZoneInfo(config.timezone))
    if when is None:
        raise _Usage(f"--date {value!r} is not a date; use YYYY-MM-DD, e.g. 2024-11-04")
    # A plain date stays a plain date in the front-matter.
    return when.date() if len(text) == len("2024-11-04") else when


def _today(config: Config) -> date:
    return datetime.now(ZoneInfo(config.timezone)).date()


def _text_option(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(value.split()) or None


def _tags_option(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.strip() for t in value.split(",") if t.strip()))


def _slug_option(value: str | None) -> str | None:
    if value is None:
        return None
    if not value or slugify(value) != value:
        raise _Usage(f"--slug {value!r} is not URL-safe; try --slug {slugify(value or 'x')}")
    return value
