"""`build.py split FILE...`: print the story body the splitter finds, or explain every line.

Files may carry YAML front-matter; its `title` and `source` are passed to the splitter as
hints and line numbers are those of the file.  Bad files are reported as `path:line:
message` after every other file was processed, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from digest.errors import ContentError, Problem
from digest.load import read_source
from digest.split import SplitResult, split_text

# --explain shortens long lines so that each label fits on one screen line.
EXPLAIN_TEXT_WIDTH = 72


def main(argv: list[str]) -> int:
    """Run `build.py split` with the arguments after `split`; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="build.py split",
        description="Print the story body found in page text files (paragraphs separated "
        "by a blank line), or with --explain the role of every line.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="page text files")
    parser.add_argument(
        "--out-dir", type=Path, metavar="DIR", help="write DIR/<name>.txt per file instead"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print every line: LINE ROLE | text (reason)"
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on a usage error, 0 after --help
        return exc.code if isinstance(exc.code, int) else 2
    problems = run(args.files, args.out_dir, args.explain, sys.stdout)
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    return 1 if any(p.severity == "error" for p in problems) else 0


def run(files: list[Path], out_dir: Path | None, explain: bool, out: TextIO) -> list[Problem]:
    """Split every file, print or write its output, and return the problems found."""
    problems: list[Problem] = []
    written: dict[Path, Path] = {}
    printed = 0
    for path in files:
        try:
            doc = read_source(path)
        except ContentError as exc:
            problems.append(exc.problem)
            continue
        except OSError as exc:
            problems.append(
                Problem(str(path), 1, f"cannot read file: {exc.strerror}", "check the path")
            )
            continue
        result = split_text(
            doc.body,
            title=_hint(doc.meta, "title"),
            source=_hint(doc.meta, "source"),
            first_line=doc.body_line,
        )
        if not result.story.body:
            problems.append(
                Problem(
                    str(path),
                    doc.body_line,
                    "no story body found",
                    "run with --explain to see where each line went",
                    "warning",
                )
            )
        text = explain_text(result) if explain else body_text(result)
        if out_dir is None:
            if len(files) > 1:
                out.write(f"{chr(10) if printed else ''}==> {path} <==\n")
            out.write(text)
            printed += 1
            continue
        target = out_dir / f"{path.stem}.txt"
        if target in written:
            problems.append(
                Problem(
                    str(path),
                    1,
                    f"{target} was already written for {written[target]}",
                    "split files that share a name in separate runs",
                )
            )
            continue
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
        except OSError as exc:
            problems.append(Problem(str(target), 1, f"cannot write: {exc.strerror}", ""))
            continue
        written[target] = path
    return problems


def body_text(result: SplitResult) -> str:
    """Return the story body as plain text, paragraphs separated by a blank line."""
    if not result.story.body:
        return ""
    return "\n\n".join(result.story.body) + "\n"


def explain_text(result: SplitResult) -> str:
    """Return one aligned line per labelled input line: number, role, text and reason."""
    labels = result.labels
    if not labels:
        return ""
    num_width = len(str(labels[-1].line))
    role_width = max(len(label.role) for label in labels)
    rows = []
    for label in labels:
        text = label.text
        if len(text) > EXPLAIN_TEXT_WIDTH:
            text = text[: EXPLAIN_TEXT_WIDTH - 1] + "…"
        rows.append(
            f"{label.line:>{num_width}}  {label.role:<{role_width}}  | {text}  ({label.reason})\n"
        )
    return "".join(rows)


def _hint(meta: Mapping[str, object], key: str) -> str | None:
    """Return a front-matter value as a splitter hint, or None when absent or not text."""
    value = meta.get(key)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    return None
