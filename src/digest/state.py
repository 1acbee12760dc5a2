"""Build state: what every output was made from, and a cache of parsed articles.

Both live in `<site root>/.digest-cache/` as plain JSON, never pickle, so a damaged or
foreign file can only cost a full build, never run code or crash one:

* `state-<out>.json` (one per output folder, so `serve` and `build` do not evict each
  other) records each source and template file's size, mtime and digest, and for each
  output file its size, mtime, the templates and articles it was made from, and a key
  digest over all of that. A build whose inputs all match the records writes nothing.
* `articles.jsonl` caches every article as parsed and split, keyed by file digest and a
  fingerprint of the parsing code and settings, so an unchanged file is never split again.

Loading either file validates it completely; anything unexpected means "no state".
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem

FORMAT = 1
CACHE_DIR = ".digest-cache"
# A file modified this close to a build can change again within the same mtime tick, so
# its recorded stamp is not trusted next time (git's "racy clean" rule). Seconds.
RACY_WINDOW = 2.0


@dataclass(frozen=True, slots=True)
class Stamp:
    """Size and modification time of a file; a change in either means "read it again"."""

    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class InputRecord:
    """A source, template or static file as last read."""

    stamp: Stamp
    digest: str  # sha1 of the file's bytes


@dataclass(frozen=True, slots=True)
class OutputRecord:
    """An output file as last written, and what it was made from."""

    stamp: Stamp
    key: str  # digest over settings, `version` and the digests of `templates` and `articles`
    version: str  # the page plan's digest of what the page shows besides article content
    templates: tuple[str, ...]  # template names whose text went into the file
    articles: tuple[str, ...]  # keys of the articles it shows
    static: str | None = None  # for a copied static file: the source it copies


@dataclass(frozen=True, slots=True)
class BuildState:
    """Everything one build leaves for the next, for one output folder."""

    settings: str  # digest of code, config, options and output folder: any change = full render
    structure: str  # digest of article order, URLs, dates, sources, tags: a change = full render
    sources: Mapping[str, InputRecord]  # by key (path relative to the content folder)
    inputs: Mapping[str, InputRecord]  # templates and static files, by absolute path
    outputs: Mapping[str, OutputRecord]  # by path relative to the output folder
    problems: tuple[Problem, ...]  # warnings of that build, repeated when nothing changed
    held_back: tuple[str, ...]  # drafts and scheduled articles left out
    recheck_ns: int | None  # when the next scheduled article becomes due (epoch ns)
    articles: int


def digest_of(*parts: str) -> str:
    """Hash strings into one hex digest; parts are length-prefixed so they cannot run together."""
    h = hashlib.sha1()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(b"%d:" % len(data))
        h.update(data)
    return h.hexdigest()


def stamp_of(stat: os.stat_result) -> Stamp:
    """The stamp of a stat result."""
    return Stamp(stat.st_size, stat.st_mtime_ns)


def cache_dir(root: Path) -> Path:
    """The folder holding build state and caches for a site."""
    return root / CACHE_DIR


def state_path(root: Path, out_dir: Path) -> Path:
    """Where the state of builds into `out_dir` is kept."""
    name = digest_of(str(out_dir.resolve()))[:12]
    return cache_dir(root) / f"state-{name}.json"


def load_state(path: Path) -> BuildState | None:
    """Read a state file; None when it is missing, damaged or of another format."""
    try:
        raw = json.loads(path.read_bytes())
        return _state_from_json(raw)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


def save_state(path: Path, state: BuildState, saved_ns: int) -> None:
    """Write a state file atomically; stamps too close to `saved_ns` are marked untrusted."""
    racy = saved_ns - int(RACY_WINDOW * 1e9)

    def stamp(s: Stamp) -> list[int]:
        # mtime -1 never matches a real file, so the file is read (and hashed) next time.
        return [s.size, s.mtime_ns if s.mtime_ns < racy else -1]

    data = {
        "format": FORMAT,
        "settings": state.settings,
        "structure": state.structure,
        "sources": [[k, *stamp(r.stamp), r.digest] for k, r in state.sources.items()],
        "inputs": [[k, *stamp(r.stamp), r.digest] for k, r in state.inputs.items()],
        # Output stamps are the build's own writes: no other writer races with them.
        "outputs": [_output_row(k, r) for k, r in state.outputs.items()],
        "problems": [[p.path, p.line, p.message, p.hint, p.severity] for p in state.problems],
        "held_back": list(state.held_back),
        "recheck_ns": state.recheck_ns,
        "articles": state.articles,
    }
    write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def _output_row(path: str, r: OutputRecord) -> list[object]:
    stamp = [r.stamp.size, r.stamp.mtime_ns]
    return [path, *stamp, r.key, r.version, list(r.templates), list(r.articles), r.static]


def write_atomic(path: Path, data: bytes) -> None:
    """Replace a file's content in one step: a killed build leaves the old file or the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _state_from_json(raw: object) -> BuildState | None:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        return None
    problems = tuple(
        Problem(_str(p[0]), _int(p[1]), _str(p[2]), _str(p[3]), _str(p[4]))
        for p in _list(raw["problems"])
    )
    outputs = {
        _str(r[0]): OutputRecord(
            Stamp(_int(r[1]), _int(r[2])),
            _str(r[3]),
            _str(r[4]),
            tuple(_str(t) for t in _list(r[5])),
            tuple(_str(a) for a in _list(r[6])),
            None if r[7] is None else _str(r[7]),
        )
        for r in _list(raw["outputs"])
    }
    recheck = raw["recheck_ns"]
    return BuildState(
        settings=_str(raw["settings"]),
        structure=_str(raw["structure"]),
        sources=_inputs(raw["sources"]),
        inputs=_inputs(raw["inputs"]),
        outputs=outputs,
        problems=problems,
        held_back=tuple(_str(k) for k in _list(raw["held_back"])),
        recheck_ns=None if recheck is None else _int(recheck),
        articles=_int(raw["articles"]),
    )


def _inputs(rows: object) -> dict[str, InputRecord]:
    return {_str(r[0]): InputRecord(Stamp(_int(r[1]), _int(r[2])), _str(r[3])) for r in _list(rows)}


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected a whole number")
    return value


def _list(value: object) -> list[list[object]]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


def problems_to_json(problems: Iterable[Problem]) -> list[list[object]]:
    """Problems as JSON rows (for the article cache)."""
    return [[p.path, p.line, p.message, p.hint, p.severity] for p in problems]


def problems_from_json(rows: object) -> tuple[Problem, ...]:
    """Problems from JSON rows; TypeError on anything else."""
    return tuple(
        Problem(_str(p[0]), _int(p[1]), _str(p[2]), _str(p[3]), _str(p[4])) for p in _list(rows)
    )
