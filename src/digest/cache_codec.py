"""Exact JSON forms of the article cache's values, worked out from their type hints.

Dataclasses are stored field by field in declaration order as JSON arrays; tuples,
optional values, nested dataclasses and time-zone aware datetimes are converted; any other
value must survive a JSON round trip unchanged, or it is `Uncacheable`.
"""

from __future__ import annotations

import dataclasses
import operator
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from .article import Article

Convert = Callable[[Any], Any]


class Uncacheable(Exception):
    """A value that JSON cannot carry exactly."""


def _same(value: Any) -> Any:
    return value


def _plain(value: Any) -> Any:
    """Check that a value survives a JSON round trip unchanged (YAML front-matter values)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, list):
        for item in value:
            _plain(item)
        return value
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise Uncacheable(f"mapping key {key!r}")
            _plain(item)
        return value
    raise Uncacheable(type(value).__name__)


def _encode_datetime(value: datetime) -> list[Any]:
    zone = value.tzinfo
    if isinstance(zone, ZoneInfo):
        return [value.isoformat(), zone.key, value.fold]
    if isinstance(zone, timezone):
        return [value.isoformat(), None, value.fold]
    raise Uncacheable(f"time zone {zone!r}")


def _decode_datetime(value: list[Any]) -> datetime:
    moment = datetime.fromisoformat(value[0])
    if value[1] is not None:
        return moment.replace(tzinfo=ZoneInfo(value[1]), fold=value[2])
    return moment


def _codec(hint: Any) -> tuple[Convert, Convert]:
    """Build (encode, decode) for a type hint; TypeError for a type the cache cannot store."""
    if hint in (str, int, float, bool, type(None)):
        return _same, _same
    if hint is datetime:
        return _encode_datetime, _decode_datetime
    if hint is object:
        return _plain, _same
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"no cache codec for {hint!r}")
        enc, dec = _codec(inner[0])
        if enc is _same and dec is _same:
            return _same, _same
        return (
            lambda v: None if v is None else enc(v),
            lambda v: None if v is None else dec(v),
        )
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        enc, dec = _codec(args[0])
        if enc is _same and dec is _same:
            return list, tuple
        return (lambda v: [enc(x) for x in v]), (lambda v: tuple([dec(x) for x in v]))
    if origin in (Mapping, dict) and args[:1] == (str,):
        return _plain, _same
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_codec(hint)
    raise TypeError(f"no cache codec for {hint!r}")


def _row_codec(cls: type[Any], skip: str | None = None) -> tuple[list[str], Convert, Convert]:
    """Field names of a dataclass (but `skip`) and converters between a value and a row.

    A row is encoded as a tuple when no field needs converting (JSON writes tuples as arrays,
    so the line is the same) and decoded in place: every article of a build goes through here.
    """
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls) if f.name != skip]
    codecs = [_codec(hints[name]) for name in names]
    # Most fields are plain text or numbers: convert only the others.
    special = [(i, enc, dec) for i, (enc, dec) in enumerate(codecs) if enc is not _same]
    encoders = [(i, enc) for i, enc, _dec in special if enc is not list]  # tuples stay tuples
    decoders = [(i, dec) for i, _enc, dec in special]
    size = len(names)
    values: Callable[[Any], tuple[Any, ...]]
    if size > 1:
        values = operator.attrgetter(*names)
    else:  # attrgetter of one name gives the value itself, not a 1-tuple

        def values(value: Any) -> tuple[Any, ...]:
            return tuple(getattr(value, name) for name in names)

    def encode(value: Any) -> list[Any] | tuple[Any, ...]:
        if not encoders:
            return values(value)
        row = list(values(value))
        for i, enc in encoders:
            row[i] = enc(row[i])
        return row

    def decode(row: list[Any]) -> list[Any]:
        if len(row) != size:
            raise ValueError(f"{cls.__name__}: {len(row)} values for {size} fields")
        for i, dec in decoders:
            row[i] = dec(row[i])
        return row

    return names, encode, decode


def _dataclass_codec(cls: type[Any]) -> tuple[Convert, Convert]:
    _names, encode, decode = _row_codec(cls)
    return encode, lambda row: cls(*decode(row))


_CODECS: dict[type[Any], tuple[Convert, Convert]] = {}


def codec_of(cls: type[Any]) -> tuple[Convert, Convert]:
    """The (encode, decode) pair for a dataclass, built once."""
    found = _CODECS.get(cls)
    if found is None:
        found = _CODECS[cls] = _dataclass_codec(cls)
    return found


LightCodec = tuple[Callable[[Article], Any], Callable[[list[Any], Any], Article]]


def _light_codec() -> LightCodec:
    """Encode an article without its text; decode a row plus the text (or its place)."""
    _names, encode, decode_row = _row_codec(Article, skip="content")
    # The text goes back in its place among the fields, which are then passed in order.
    at = [f.name for f in dataclasses.fields(Article)].index("content")

    def decode(row: list[Any], content: Any) -> Article:
        values = decode_row(row)
        values.insert(at, content)
        return Article(*values)

    return encode, decode


_LIGHT: list[LightCodec] = []


def light_codec() -> LightCodec:
    """The (encode, decode) pair for an Article without its text, built on first use."""
    if not _LIGHT:
        _LIGHT.append(_light_codec())
    return _LIGHT[0]
