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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .config import Config
from .errors import Problem
from .load import CONTENT_SUFFIXES, is_ignored_name, not_an_article
from .state import FORMAT, cache_dir, digest_of

if TYPE_CHECKING:
    import jinja2

PACKAGE_DIR = Path(__file__).parent
THEME_DIR = PACKAGE_DIR / "theme"


@dataclass(frozen=True, slots=True)
class Scan:
    """The input files of a site with their stat results, found in one walk."""

    # (path, key, stat) sorted as `find_sources` sorts; paths stay text (Path() is slow)
    sources: tuple[tuple[str, str, os.stat_result], ...]
    inputs: dict[str, os.stat_result]  # template and static files by absolute path
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
    sources: list[tuple[str, str, os.stat_result]] = []
    problems: list[Problem] = []
    content = config.content_dir
    if not content.is_dir():
        problems.append(
            Problem(str(content), 1, "content folder not found", "create it or set content_dir")
        )
    else:
        for parts, entry in sorted(_walk(content), key=lambda item: item[0]):
            if os.path.splitext(entry.name)[1].lower() in CONTENT_SUFFIXES:
                sources.append((entry.path, "/".join(parts), entry.stat()))
            else:
                problems.append(not_an_article(Path(entry.path)))
    inputs = {}
    for root in (THEME_DIR, config.templates_dir):
        for _parts, entry in _walk(root):
            inputs[entry.path] = entry.stat()
    return Scan(tuple(sources), inputs, tuple(problems))


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
