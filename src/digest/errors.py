"""Errors and warnings that name a file and a line, with a hint an editor can act on."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about the input: an error stops the build, a warning does not."""

    path: str
    line: int
    message: str
    hint: str = ""
    severity: str = "error"  # "error" or "warning"

    def format(self) -> str:
        """Render as `path:line: severity: message` with the hint on the next line."""
        head = f"{self.path}:{self.line}: {self.severity}: {self.message}"
        return f"{head}\n    hint: {self.hint}" if self.hint else head

    def for_display(self) -> Problem:
        """The same problem with paths under the current folder shown relative to it."""
        here = os.getcwd() + os.sep  # messages may name a second file, e.g. a duplicate's
        message = self.message.replace(here, "")
        return Problem(display_path(self.path), self.line, message, self.hint, self.severity)

    def as_error(self) -> Problem:
        """Return the same problem raised to an error (for --strict)."""
        return Problem(self.path, self.line, self.message, self.hint, "error")


def display_path(path: str) -> str:
    """Show a path relative to the current folder when it lies below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel


class DigestError(Exception):
    """Base of every error digest reports to the user instead of a traceback."""


class ContentError(DigestError):
    """A problem in one input file, located by path and line."""

    def __init__(self, path: str | Path, line: int, message: str, hint: str = "") -> None:
        self.problem = Problem(str(path), line, message, hint)
        super().__init__(self.problem.format())


class ConfigError(ContentError):
    """A problem in config.yaml."""


class UsageError(DigestError):
    """A wrong command line: exit status 2."""


class BuildFailed(DigestError):
    """The build found errors; all of them are listed, none was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        errors = sum(1 for p in self.problems if p.severity == "error")
        super().__init__(f"build failed with {errors} error(s)")

    def report(self) -> str:
        """All problems, one block each, followed by a count."""
        lines = [p.for_display().format() for p in self.problems]
        errors = sum(1 for p in self.problems if p.severity == "error")
        warnings = len(self.problems) - errors
        lines.append(f"{errors} error(s), {warnings} warning(s); nothing was written.")
        return "\n".join(lines)
