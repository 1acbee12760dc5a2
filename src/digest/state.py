"""Build state: what every output was made from, and a cache of parsed articles.

Both live in `<site root>/.digest-cache/`, never as pickle, so a damaged or foreign file
can only cost a full build, never run code or crash one:

* `state-<out>.dat` (one per output folder, so `serve` and `build` do not evict each
  other) records each source and template file's size, mtime and digest, and for each
  output file its size, mtime, the templates and articles it was made from, and a key
  digest over all of that. A build whose inputs all match the records writes nothing.
* `articles.jsonl` caches every article as parsed and split, keyed by file digest and a
  fingerprint of the parsing code and settings, so an unchanged file is never split again.

The state file is one JSON line naming its format and output folder, a CRC-32 line, and
the records as marshal data (lists, strings and numbers only, as in Python's own
`__pycache__`): at 10,000 articles, marshal reads and writes it in a quarter of JSON's time,
which a one-article rebuild notices. Loading either file validates it completely; anything
unexpected means "no state".
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .errors import Problem

FORMAT = 3  # 3: marshal records after a JSON head line
CACHE_DIR = ".digest-cache"
# A file modified this close to a build can change again within the same mtime tick, so
# its recorded stamp is not trusted next time (git's "racy clean" rule). Seconds.
RACY_WINDOW = 2.0


# The three records below are named tuples, not frozen dataclasses like the rest: a
# rebuild reads 23,000 of them at 10,000 articles, and a tuple is made in a third of the
# time, and compared in C.


class Stamp(NamedTuple):
    """Size and modification time of a file; a change in either means "read it again"."""

    size: int
    mtime_ns: int


class InputRecord(NamedTuple):
    """A source, template or static file as last read."""

    stamp: Stamp
    digest: str  # sha1 of the file's bytes


class OutputRecord(NamedTuple):
    """An output file as last written, and what it was made from."""

    stamp: Stamp
    key: str  # digest over settings, `version` and the digests of `templates` and `articles`
    version: str  # the page plan's digest of what the page shows besides article content
    templates: tuple[str, ...]  # template names whose text went into the file
    articles: tuple[str, ...]  # keys of the articles it shows
    static: str | None = None  # for a copied static file: the source it copies


@dataclass(frozen=True, slots=True)
class Outline:
    """A site's structure by article key: enough to plan its pages without the articles."""

    keys: tuple[str, ...]  # published articles, newest first
    groups: tuple[tuple[str, str, str, tuple[str, ...]], ...]  # kind, slug, name, keys


@dataclass(frozen=True, slots=True)
class Encoded:
    """The rows of the output records as a state file held them, to write them again as is.

    A one-article rebuild keeps 13,000 of its 13,000 output records: encoding each again
    (its articles as indices into the sources) costs more than the rest of saving. A row
    is reused only for the very record object it was read as, while the sources keep
    their order (the indices) and the template sets theirs.
    """

    keys: list[str]  # the sources' keys in the order the indices count
    templates: list[tuple[str, ...]]  # the template sets in the order the rows count
    rows: dict[str, tuple[OutputRecord, list[object]]]  # by output path: record, its row


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
    outline: Outline | None = None  # the site's order and groups (`model.from_outline`)
    # How the file this state came from held its outputs (`save_state` reuses the rows).
    encoded: Encoded | None = field(default=None, compare=False, repr=False)


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


def mtime_seconds(stamp: Stamp) -> float:
    """The modification time in seconds, the float `os.stat` gives as `st_mtime`."""
    # The same sum as CPython's, so that the value equals st_mtime to the last bit.
    return float(stamp.mtime_ns // 1_000_000_000) + (stamp.mtime_ns % 1_000_000_000) * 1e-9


def still_written(folder: str, rel: str, stamp: Stamp) -> bool:
    """Tell whether the file `rel` below `folder` is there with this stamp (not edited since)."""
    try:
        st = os.stat(os.path.join(folder, rel))
    except OSError:
        return False
    return st.st_size == stamp.size and st.st_mtime_ns == stamp.mtime_ns


def not_as_written(folder: str, outputs: Mapping[str, OutputRecord]) -> Iterator[str]:
    """Yield the outputs below `folder` whose file is gone or not as written (edited by hand).

    `still_written` for many files: a one-article rebuild checks all 13,000 of a site.
    """
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield from outputs
        return
    stat = os.stat
    try:
        for rel, record in outputs.items():
            try:
                st = stat(rel, dir_fd=fd)  # relative: the kernel walks a shorter path
            except OSError:
                yield rel
                continue
            stamp = record.stamp
            if st.st_size != stamp.size or st.st_mtime_ns != stamp.mtime_ns:
                yield rel
    finally:
        os.close(fd)


def cache_dir(root: Path) -> Path:
    """The folder holding build state and caches for a site."""
    return root / CACHE_DIR


def state_path(root: Path, out_dir: Path) -> Path:
    """Where the state of builds into `out_dir` is kept."""
    name = digest_of(str(out_dir.resolve()))[:12]
    return cache_dir(root) / f"state-{name}.dat"


def load_state(path: Path) -> BuildState | None:
    """Read a state file; None when it is missing, damaged or of another format."""
    try:
        raw = unpack_state(path.read_bytes())
        return None if raw is None else _state_from_json(raw)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, EOFError):
        return None


def pack_state(data: dict[str, Any]) -> bytes:
    """The bytes of a state file holding `data` (whose first keys are format and out_dir)."""
    head = json.dumps({"format": data["format"], "out_dir": data["out_dir"]}, ensure_ascii=False)
    payload = marshal.dumps(data, 2)  # version 2 tracks no shared objects: 3 times quicker
    return b"%s\n%08x\n%s" % (head.encode(), zlib.crc32(payload), payload)


def unpack_state(data: bytes) -> dict[str, Any] | None:
    """The records of a state file of this format, unchecked; None if damaged or foreign."""
    head_end = data.find(b"\n")
    start = head_end + 10
    if head_end < 0 or not data.startswith(b'{"format": %d,' % FORMAT):
        return None
    payload = memoryview(data)[start:]
    if data[head_end + 1 : start] != b"%08x\n" % zlib.crc32(payload):
        return None
    raw = marshal.loads(payload)
    return raw if type(raw) is dict and raw.get("format") == FORMAT else None


def save_state(path: Path, state: BuildState, saved_ns: int, out_dir: Path) -> None:
    """Write a state file atomically; stamps too close to `saved_ns` are marked untrusted."""
    racy = saved_ns - int(RACY_WINDOW * 1e9)

    def row(key: str, r: InputRecord) -> list[object]:
        # mtime -1 never matches a real file, so the file is read (and hashed) next time.
        return [key, r.stamp.size, r.stamp.mtime_ns if r.stamp.mtime_ns < racy else -1, r.digest]

    # Outputs name their articles and template sets by index: a tenth of the size.
    index = {key: i for i, key in enumerate(state.sources)}
    memo = state.encoded
    kept: dict[str, tuple[OutputRecord, list[object]]] = {}
    template_sets: dict[tuple[str, ...], int] = {}
    # Other sources, or in another order, make the old indices wrong: no row is kept then.
    if memo is not None and memo.keys == list(index):
        kept = memo.rows
        # Template sets numbered as before, so that the kept rows stay right.
        template_sets = {names: i for i, names in enumerate(memo.templates)}
    outputs = []
    for key, r in state.outputs.items():
        if (hit := kept.get(key)) is not None and hit[0] is r:
            outputs.append(hit[1])
            continue
        names = template_sets.setdefault(r.templates, len(template_sets))
        shown = list(map(index.__getitem__, r.articles))  # map: the loop runs in C
        # Output stamps are the build's own writes: no other writer races with them.
        outputs.append(
            [key, r.stamp.size, r.stamp.mtime_ns, r.key, r.version, names, shown, r.static]
        )
    data = {
        "format": FORMAT,
        "out_dir": str(out_dir),  # first, so that `prune_states` finds it in the head
        "settings": state.settings,
        "structure": state.structure,
        "articles": state.articles,
        "recheck_ns": state.recheck_ns,
        "held_back": list(state.held_back),
        "problems": problems_to_json(state.problems),
        "sources": [row(k, r) for k, r in state.sources.items()],
        "inputs": [row(k, r) for k, r in state.inputs.items()],
        "templates": [list(names) for names in template_sets],
        "outputs": outputs,
        "outline": None if state.outline is None else _outline_to_json(state.outline, index),
    }
    write_atomic(path, pack_state(data))


def prune_states(root: Path, keep: Path) -> None:
    """Delete the states of output folders that no longer exist (old `--out`s, test runs)."""
    for path in cache_dir(root).glob("state-*"):
        if path == keep:
            continue
        try:
            if path.suffix == ".json":  # format 2 and older: never read again
                path.unlink()
                continue
            with open(path, "rb") as f:
                head = json.loads(f.readline(1 << 16))
            folder = head.get("out_dir") if isinstance(head, dict) else None
            if not isinstance(folder, str) or not os.path.isdir(folder):
                path.unlink()
        except (OSError, ValueError):
            continue  # unreadable or just replaced: leave it to a later build


def write_atomic(path: Path, data: bytes) -> None:
    """Replace a file's content in one step: a killed build leaves the old file or the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _state_from_json(raw: dict[str, Any]) -> BuildState:
    """Check every value's type while building the records; TypeError on any surprise."""
    sources = _inputs(raw["sources"])
    keys = list(sources)
    template_sets = [tuple(_strings(names)) for names in _list(raw["templates"])]
    outputs = {}
    rows = {}
    # Checks inline, not by helper calls: this loop runs once per output file (13,000+).
    for row in _list(raw["outputs"]):
        path, size, mtime, key, version, names, shown, static = row
        if (
            type(path) is not str
            or type(size) is not int
            or type(mtime) is not int
            or type(key) is not str
            or type(version) is not str
            or (static is not None and type(static) is not str)
        ):
            raise TypeError(f"output record {path!r}")
        # Indexing rejects what is not an index. An index that is wrong but valid names
        # other articles or templates: the page's key then differs and it is rendered again.
        articles = tuple(map(keys.__getitem__, shown))
        outputs[path] = record = OutputRecord(
            Stamp(size, mtime), key, version, template_sets[names], articles, static
        )
        rows[path] = (record, row)
    recheck = raw["recheck_ns"]
    if not (_is_str(raw["settings"], raw["structure"]) and _is_int(raw["articles"])):
        raise TypeError("state header")
    if recheck is not None and not _is_int(recheck):
        raise TypeError("recheck_ns")
    return BuildState(
        settings=raw["settings"],
        structure=raw["structure"],
        sources=sources,
        inputs=_inputs(raw["inputs"]),
        outputs=outputs,
        problems=problems_from_json(raw["problems"]),
        held_back=tuple(_strings(raw["held_back"])),
        recheck_ns=recheck,
        articles=raw["articles"],
        outline=None if raw.get("outline") is None else _outline_from_json(raw["outline"], keys),
        encoded=Encoded(keys, template_sets, rows),
    )


def _outline_to_json(outline: Outline, index: Mapping[str, int]) -> list[object]:
    # Keys by their index in the sources, like the outputs' articles.
    groups = [
        [kind, slug, name, list(map(index.__getitem__, keys))]
        for kind, slug, name, keys in outline.groups
    ]
    return [list(map(index.__getitem__, outline.keys)), groups]


def _outline_from_json(raw: object, keys: list[str]) -> Outline:
    order, groups = _list(raw)
    found = []
    for kind, slug, name, shown in _list(groups):
        if not (_is_str(kind, slug, name) and kind in ("source", "tag", "day")):
            raise TypeError("outline group")
        found.append((kind, slug, name, tuple(map(keys.__getitem__, _list(shown)))))
    return Outline(tuple(map(keys.__getitem__, _list(order))), tuple(found))


def _inputs(rows: object) -> dict[str, InputRecord]:
    found = {}
    for key, size, mtime, digest in _list(rows):
        if (
            type(key) is not str
            or type(size) is not int
            or type(mtime) is not int
            or type(digest) is not str
        ):
            raise TypeError(f"input record {key!r}")
        found[key] = InputRecord(Stamp(size, mtime), digest)
    return found


def _is_str(*values: object) -> bool:
    return all(type(v) is str for v in values)


def _is_int(*values: object) -> bool:
    return all(type(v) is int for v in values)  # not bool: `type(True) is int` is False


def _strings(value: object) -> list[str]:
    items = _list(value)
    if not _is_str(*items):
        raise TypeError("expected text")
    return items


def _list(value: object) -> list[Any]:
    if type(value) is not list:
        raise TypeError("expected a list")
    return value


def problems_to_json(problems: Iterable[Problem]) -> list[list[object]]:
    """Problems as JSON rows (for the article cache)."""
    return [[p.path, p.line, p.message, p.hint, p.severity] for p in problems]


def problems_from_json(rows: object) -> tuple[Problem, ...]:
    """Problems from JSON rows; TypeError on anything else."""
    found = []
    for path, line, message, hint, severity in _list(rows):
        if not (_is_str(path, message, hint, severity) and _is_int(line)):
            raise TypeError("problem record")
        found.append(Problem(path, line, message, hint, severity))
    return tuple(found)
