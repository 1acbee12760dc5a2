"""What a build reads and what decides how much it redoes: the input scan and digests.

`scan_inputs` lists article, template and static files with their stat results in one
quick walk. Two digests decide how much of the site a build plans again:

* settings: digest's code, the config, the options and the output folder,
* structure (`sources.structure_digest`): article order, dates, URLs, sources and tags.

When either changed, every page is planned (pages whose key is unchanged are still not
rendered again); with both unchanged, only pages showing a changed article or using a
changed template are planned at all. This module stays light (no splitter, no Jinja) so
that a build with nothing to do is over in a blink.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from . import __version__
from .config import Config
from .errors import Problem
from .load import CONTENT_SUFFIXES, is_ignored_name, not_an_article
from .output import is_settled
from .state import (
    FORMAT,
    BuildState,
    InputRecord,
    Stamp,
    cache_dir,
    digest_of,
    not_as_written,
    problems_from_json,
    problems_to_json,
    stamp_of,
)

if TYPE_CHECKING:
    import jinja2

    from .audit import OutputAudit

PACKAGE_DIR = Path(__file__).parent
THEME_DIR = PACKAGE_DIR / "theme"


@dataclass(frozen=True, slots=True)
class Scan:
    """The input files of a site with their stat results, found in one walk."""

    # (path, key, stamp) sorted as `find_sources` sorts; paths stay text (Path() is slow)
    sources: tuple[tuple[str, str, Stamp], ...]
    inputs: dict[str, Stamp]  # template and static files by absolute path
    problems: tuple[Problem, ...]  # files in the content folder that are not articles


def _walk(
    folder: Path, parts: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], os.DirEntry[str]]]:
    """Yield (relative parts, entry) of every file below a folder, skipping ignored names."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if is_ignored_name(entry.name):
            continue
        # Like Path.rglob: symlinked folders are not entered, symlinked files are listed.
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path), (*parts, entry.name))
        elif entry.is_file():
            yield (*parts, entry.name), entry


def scan_inputs(config: Config) -> Scan:
    """List articles (as `load.find_sources` does, with the same problems) and theme files."""
    sources: list[tuple[str, str, Stamp]] = []
    problems: list[Problem] = []
    content = config.content_dir
    if not content.is_dir():
        problems.append(
            Problem(str(content), 1, "content folder not found", "create it or set content_dir")
        )
    else:
        _scan_content(str(content), "", sources, problems)
    inputs = {}
    for root in (THEME_DIR, config.templates_dir):
        for _parts, entry in _walk(root):
            inputs[entry.path] = stamp_of(entry.stat())
    return Scan(tuple(sources), inputs, tuple(problems))


# A state file this large (about 600 articles) makes the scan worth a forked child; so
# does, without a state, a content folder whose own listing is this large (about 500
# names: ext4 grows a folder in 4 KiB blocks as names are added).
SCAN_FORK_MIN_BYTES = 300_000
SCAN_FORK_MIN_FOLDER_BYTES = 32_768


class ScanInBackground:
    """`scan_inputs` run in a forked child while the parent loads the build state.

    Only for a big site: the scan's 10,000 stat calls then take as long as loading the
    state (or, with no state, importing the splitter and Jinja), and the two overlap on
    two cores. Without a child (small site, forking unsafe, a failed child) `result`
    scans in place.
    """

    def __init__(self, config: Config, state_file: Path, jobs: int | None) -> None:
        from .forked import ForkedCall, can_fork

        self._config = config
        self._child: ForkedCall | None = None
        try:
            big = os.stat(state_file).st_size >= SCAN_FORK_MIN_BYTES
        except OSError:  # no state yet: a clean build of a site that may be big
            try:
                big = os.stat(config.content_dir).st_size >= SCAN_FORK_MIN_FOLDER_BYTES
            except OSError:
                big = False
        if big and can_fork(jobs):
            self._child = ForkedCall(self._rows)

    def _rows(self) -> list[object]:
        # Marshal-able form of a Scan: plain tuples instead of Stamps and Problems.
        scan = scan_inputs(self._config)
        return [
            [(path, rel, stamp[0], stamp[1]) for path, rel, stamp in scan.sources],
            [(path, stamp[0], stamp[1]) for path, stamp in scan.inputs.items()],
            problems_to_json(scan.problems),
        ]

    def result(self) -> Scan:
        """The scan, from the child if it answered, else made now."""
        rows = self._child.result() if self._child is not None else None
        self._child = None
        if rows is not None:
            try:
                sources, inputs, problems = cast(list[Any], rows)
                return Scan(
                    tuple([(p, rel, Stamp(size, ns)) for p, rel, size, ns in sources]),
                    {p: Stamp(size, ns) for p, size, ns in inputs},
                    problems_from_json(problems),
                )
            except (TypeError, ValueError):
                pass  # not what the child was meant to send: scan here
        return scan_inputs(self._config)

    def close(self) -> None:
        """Reap the child if the scan was never asked for."""
        if self._child is not None:
            self._child.close()


def _scan_content(
    folder: str,
    prefix: str,
    sources: list[tuple[str, str, Stamp]],
    problems: list[Problem],
) -> None:
    """Add the articles below a folder in `find_sources` order (each folder's names sorted).

    `_walk` made quick: this runs on every build, over every article.
    """
    try:
        entries = sorted(os.scandir(folder), key=_name)
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if is_ignored_name(name):
            continue
        if entry.is_dir(follow_symlinks=False):
            _scan_content(entry.path, f"{prefix}{name}/", sources, problems)
        elif not entry.is_file():
            continue
        elif os.path.splitext(name)[1].lower() in CONTENT_SUFFIXES:
            sources.append((entry.path, prefix + name, stamp_of(entry.stat())))
        else:
            problems.append(not_an_article(Path(entry.path)))


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def code_digest() -> str:
    """Digest of digest's own code: any change to it may change every output."""
    h = hashlib.sha1(__version__.encode())
    for parts, entry in sorted(_walk(PACKAGE_DIR), key=lambda item: item[0]):
        if parts[0] != "theme" and entry.name.endswith((".py", ".json")):
            h.update("/".join(parts).encode() + b"\0")
            with open(entry.path, "rb") as f:
                h.update(hashlib.sha1(f.read()).digest())
    return h.hexdigest()


def settings_digest(config: Config, drafts: bool, future: bool, out_dir: Path, code: str) -> str:
    """Digest of everything besides content and templates that shapes the output."""
    # repr(config) lists every setting, including a base URL `serve` replaced.
    return digest_of(str(FORMAT), code, repr(config), str(drafts), str(future), str(out_dir))


def keep_compiled_templates(env: jinja2.Environment, root: Path, code: str) -> None:
    """Let Jinja keep compiled templates in the cache folder, for builds by this code only.

    Jinja checks each template's source against the compiled copy, but not the environment
    options digest's code sets: the code digest in the file names covers those. Copies made
    by other code are removed (a handful of files).
    """
    import jinja2

    folder = cache_dir(root) / "templates"
    prefix = f"{code[:16]}-"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for entry in os.scandir(folder):
            if not entry.name.startswith(prefix):
                os.unlink(entry.path)
    except OSError:
        return  # a read-only site: templates are compiled on every build, as without this
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder), prefix + "%s.cache")


def nothing_changed(
    old: BuildState,
    scan: Scan,
    settings: str,
    out_dir: Path,
    now: datetime,
    touched: Sequence[tuple[str, str, Stamp]] | None = None,
    audit: OutputAudit | None = None,
) -> bool:
    """Tell whether the last build's output is still exactly what a build would make."""
    if old.settings != settings or len(old.sources) != len(scan.sources):
        return False
    if old.recheck_ns is not None and now.timestamp() * 1e9 >= old.recheck_ns:
        return False  # a scheduled article is due
    for _path, rel, stamp in scan.sources if touched is None else touched:
        record = old.sources.get(rel)
        if record is None or record.stamp != stamp:
            return False
    if old.inputs.keys() != scan.inputs.keys() or any(
        old.inputs[path].stamp != stamp for path, stamp in scan.inputs.items()
    ):
        return False
    if not is_settled(out_dir):
        return False
    if audit is not None:
        return not audit.changed()
    return touched is not None or _outputs_intact(old, out_dir)


def _outputs_intact(old: BuildState, out_dir: Path) -> bool:
    base = str(out_dir)
    return next(not_as_written(base, old.outputs), None) is None


def changed_articles(
    before: Mapping[str, InputRecord], after: Mapping[str, InputRecord]
) -> set[str]:
    """Keys of article files whose digest changed, appeared or disappeared."""
    found = {
        key
        for key, r in after.items()
        if (old := before.get(key)) is None or old.digest != r.digest
    }
    found.update(key for key in before if key not in after)
    return found


def same_digests(before: Mapping[str, InputRecord], after: Mapping[str, InputRecord]) -> bool:
    """Tell whether the same template and static files hold the same bytes."""
    return before.keys() == after.keys() and all(
        before[path].digest == record.digest for path, record in after.items()
    )


def input_records(scan: Scan, old: BuildState | None) -> dict[str, InputRecord]:
    """Stamp and digest of every template and static file (digests reused when unchanged)."""
    known = old.inputs if old is not None else {}
    records = {}
    for path, stamp in scan.inputs.items():
        record = known.get(path)
        if record is None or record.stamp != stamp:
            record = read_record(Path(path))
        records[path] = record
    return records


def read_record(path: Path) -> InputRecord:
    """Stamp and digest of a file, read now."""
    with open(path, "rb") as f:
        stamp = stamp_of(os.fstat(f.fileno()))
        return InputRecord(stamp, hashlib.sha1(f.read()).hexdigest())
