"""Every bad input under tests/data/invalid/<case>/ is reported by `build` and `check` alike.

Each case is a tiny site (config.yaml + content/) and an `expected.txt` of the lines that
must be printed, as `path:line: severity: message` with paths relative to the case folder;
an indented `    hint: ...` line under one must be the very next line printed (without it,
any hint will do, but there must be one). A case whose expected lines are all warnings must
pass, and fail under --strict.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from digest.cli import main

CASES = Path(__file__).parent / "data" / "invalid"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "expected.txt").is_file())


def run(site: Path, *argv: str) -> tuple[int, str]:
    """Run the command line in-process; return the exit status and stderr, paths made relative."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main([*argv, "--config", str(site / "config.yaml")])
    return status, err.getvalue().replace(f"{site}/", "")


def expected(case: str) -> list[tuple[str, str | None]]:
    """The expected problem lines, each with the hint line that must follow it, if given."""
    found: list[tuple[str, str | None]] = []
    for line in (CASES / case / "expected.txt").read_text("utf-8").splitlines():
        if line.startswith("    hint: "):
            found[-1] = (found[-1][0], line)
        else:
            found.append((line, None))
    return found


@pytest.fixture(params=CASE_NAMES)
def case(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    """A copy of one case, so that a build that passes writes nothing into tests/."""
    name: str = request.param
    site = tmp_path / name
    shutil.copytree(CASES / name, site, ignore=shutil.ignore_patterns("expected.txt"))
    return name, site


def test_the_required_cases_are_there() -> None:
    required = {
        "unclosed-front-matter", "invalid-yaml", "front-matter-list", "bad-date", "tags-string",
        "javascript-url", "duplicate-slugs", "empty-body", "non-utf8", "unknown-config-key",
        "config-wrong-type", "unknown-front-matter-key",
    }  # fmt: skip
    assert required <= set(CASE_NAMES)


@pytest.mark.parametrize("command", [["build", "--out", "{tmp}/public"], ["check"]])
def test_each_problem_is_reported_with_its_line(
    case: tuple[str, Path], command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name, site = case
    monkeypatch.chdir(site)
    argv = [arg.replace("{tmp}", str(site.parent)) for arg in command]
    status, err = run(site, *argv)
    lines = expected(name)
    only_warnings = all(": warning: " in line for line, _ in lines)
    assert status == (0 if only_warnings else 1), err
    printed = err.splitlines()
    for line, hint in lines:
        assert line in printed, f"{line!r} not in:\n{err}"
        after = printed[printed.index(line) + 1]
        assert after == hint if hint else after.startswith("    hint: "), err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", [["build", "--out", "{tmp}/public"], ["check"]])
def test_warnings_fail_under_strict(
    case: tuple[str, Path], command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name, site = case
    monkeypatch.chdir(site)
    argv = [arg.replace("{tmp}", str(site.parent)) for arg in command]
    status, err = run(site, *argv, "--strict")
    assert status == 1
    for line, _ in expected(name):
        assert line.replace(": warning: ", ": error: ") in err.splitlines(), err


def test_unknown_front_matter_key_passes_without_strict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(CASES / "unknown-front-matter-key", site)
    status, err = run(site, "build", "--out", str(tmp_path / "public"))
    assert status == 0, err
    assert (tmp_path / "public" / "index.html").is_file()
    assert "did you mean `source`?" in err
