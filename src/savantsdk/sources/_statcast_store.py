"""A settled Statcast day as a binary columnar cache entry (never pickle).

A settled (immutable) day read back from the cache used to be its CSV text, parsed again on
every hit: 88% of reopening a cached season.  :class:`StatcastDayEntry` keeps the parsed
columns as raw little-endian numpy buffers, so a hit rebuilds the table without parsing.  The
Savant client stores it under its own key beside the day's text entry (which
:meth:`SavantClient.statcast_raw` reads and which stays as it was), and a parser change
(``PARSER_VERSION``) makes older tables a miss, rebuilt from the text entry.

Layout (the payload of a package-codec entry with flag bit 0; the codec's header carries the
CRC-32 of all of it)::

    magic     4s   b"SVCT"
    version   B    this layout (1)
    reserved  x
    parser    H    PARSER_VERSION of the writer
    fetched   d    when the day was fetched (wall time)
    meta_len  I    length of the JSON directory that follows
    meta      JSON {"rows", "day", "block": [zlen, len],
                    "columns": [[name, kind, [[dtype, offset, nbytes], ...]], ...]}
    block     every column buffer, 8-byte aligned, one zlib (level 1) stream

Buffers by column kind: ``int``: values in the narrowest of int8/16/32/64 that holds them,
then the ``missing`` mask (``np.packbits``); ``float``: float64 values, or, when every value
is exactly ``m / 10**k`` for some ``k <= 6`` (Statcast's decimals: it is checked, sign of zero
included), the integers ``m`` in the narrowest int dtype with ``k`` as a fourth directory
field, then the mask; ``date``: the
``datetime64[D]`` values as int64, mask; ``str``: dictionary codes (narrowest signed int;
code ``len(vocabulary)`` is a missing value), the vocabulary's UTF-8 end offsets (int64) and
its UTF-8 bytes.

Reading is defensive: every length, offset, count and dtype in the directory is checked
against the bytes actually there before any ``np.frombuffer``, only numeric dtypes from a
fixed list are ever read (never ``object``), dictionary codes are bounds-checked before they
index, and the block must inflate to exactly its declared size.  Any mismatch raises
:class:`StoredDayError` (a ``ValueError``), which the codec turns into a corrupt entry: a
miss, counted, and the day is read from its text entry or refetched.  The column block is
only inflated when the table is first used (:attr:`StatcastDayEntry.table`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import struct
import sys
import zlib
from collections.abc import Sequence
from typing import Any, Final

import anyio
import numpy as np
import numpy.typing as npt
import orjson

from ..cache._codec import register_binary
from ._statcast_models import StatcastColumn, StatcastTable

log = logging.getLogger("savantsdk")

__all__ = (
    "cached_tables",
    "store_tables",
    "PARSER_VERSION",
    "StatcastDayEntry",
    "StoredDayError",
    "concat_days",
    "dump_day",
    "load_day",
)

_Buffer = bytes | bytearray | memoryview

MAGIC: Final = b"SVCT"
LAYOUT_VERSION: Final = 1
#: Bump when ``parse_statcast_csv`` would build a different table from the same text: cached
#: tables of an older parser are then rebuilt from their stored text (and stored again).
PARSER_VERSION: Final = 1
_PREFIX = struct.Struct("<4sBxHdI")
_MAX_ROWS: Final = 50_000_000
_MAX_COLUMNS: Final = 4096
_MAX_SCALE: Final = 6  # decimals a float column may be stored with as integers
_INTERN_MAX: Final = 48  # the parser interns short texts (its vectorised width)
_INTS: Final = ("|i1", "<i2", "<i4", "<i8")
_ALLOWED: Final = {
    "int": (_INTS, ("|u1",)),
    "float": (("<f8", *_INTS), ("|u1",)),
    "date": (("<i8",), ("|u1",)),
    "str": (_INTS, ("<i8",), ("|u1",)),
}


class StoredDayError(ValueError):
    """Internal: a stored day's bytes are not a readable table (a miss: refetched)."""


class StatcastDayEntry:
    """What the cache keeps for a settled Statcast day's table.  Built from a table
    (:meth:`from_table`, encoded at once) or read from an entry (:func:`load_day`, the columns
    decoded on first use).  ``table`` is ``None`` when the entry was written by another parser
    version (:attr:`stale_parser`): parse the day's text instead.  (A plain slotted class:
    it wraps bytes and is built on every hit.)"""

    __slots__ = ("_meta", "_parser", "_raw", "_table", "fetched_at")

    def __init__(self, *, raw: _Buffer, parser: int, fetched_at: float) -> None:
        self._raw = raw
        self._parser = parser
        self._meta: dict[str, Any] | None = None
        self._table: StatcastTable | None = None
        self.fetched_at = fetched_at

    def __repr__(self) -> str:
        return f"StatcastDayEntry(parser={self._parser}, bytes={len(self._raw)})"

    @classmethod
    def from_table(cls, table: StatcastTable, fetched_at: float) -> StatcastDayEntry:
        """Encode ``table`` (its columns are decoded here if lazy).  Raises
        :class:`StoredDayError` for a table this layout cannot hold exactly."""
        raw = dump_day(table, fetched_at)
        entry = load_day(memoryview(raw))
        entry._directory()
        entry._raw, entry._table = raw, table
        return entry

    def dump(self) -> bytes:
        """The encoded entry as bytes (what the package codec stores)."""
        return self._raw if isinstance(self._raw, bytes) else bytes(self._raw)

    @property
    def raw(self) -> _Buffer:
        """The encoded entry (what the codec stores)."""
        return self._raw

    @property
    def rows(self) -> int:
        """The day's row count (reads and checks the directory)."""
        return int(self._directory()["rows"])

    @property
    def stale_parser(self) -> bool:
        """Written by another ``PARSER_VERSION``: its table must be rebuilt from the text."""
        return self._parser != PARSER_VERSION

    def _directory(self) -> dict[str, Any]:
        if self._meta is None:
            self._meta = _read_directory(memoryview(self._raw))
        return self._meta

    @property
    def table(self) -> StatcastTable | None:
        """The day's table (built from the stored columns on first use), ``None`` when
        :attr:`stale_parser`.  Raises :class:`StoredDayError` for a block that does not
        inflate or a buffer that does not check out."""
        if self._table is None and not self.stale_parser:
            meta = self._directory()
            self._table = _build_table(meta, _block_of(self._raw, meta))
        return self._table


# --------------------------------------------------------------------------- writing


def _narrow_int(values: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
    if values.size == 0:
        return values.astype("|i1")
    lo, hi = int(values.min()), int(values.max())
    for code in _INTS:
        info = np.iinfo(np.dtype(code))
        if info.min <= lo and hi <= info.max:
            return values.astype(code, copy=False)
    raise AssertionError("unreachable")  # pragma: no cover - int64 always fits


def _scaled(values: npt.NDArray[np.float64], missing: npt.NDArray[np.bool_]) -> Any:
    """The values as integers ``m`` with ``m / 10**k == value`` exactly (sign of zero
    included) for the smallest ``k <= _MAX_SCALE``, when there is one: Statcast's decimals
    (93.2 mph, a 0.312 xwOBA) take 2-4 bytes instead of 8.  ``None`` when any value needs
    more digits, or a NaN is not a missing value.  The scale is the dtype's position in the
    directory (``_scale_of``): ``[dtype, offset, nbytes, k]``."""
    if not np.array_equal(np.isnan(values), missing):
        return None
    present = values[~missing]
    if present.size and not bool(np.all(np.abs(present) < 2.0**31)):
        return None
    for k in range(_MAX_SCALE + 1):
        m = np.round(present * 10.0**k).astype(np.int64)
        back = m.astype(np.float64) / 10.0**k
        if np.array_equal(back, present) and np.array_equal(np.signbit(back), np.signbit(present)):
            full = np.zeros(values.shape[0], dtype=np.int64)
            full[~missing] = m
            return _Scaled(_narrow_int(full), k)
    return None


class _Scaled:
    """A float column stored as integers over ``10**scale``."""

    __slots__ = ("ints", "scale")

    def __init__(self, ints: npt.NDArray[Any], scale: int) -> None:
        self.ints, self.scale = ints, scale


def _str_buffers(col: StatcastColumn) -> list[npt.NDArray[Any]]:
    index: dict[str, int] = {}
    codes = np.empty(len(col), dtype=np.int64)
    for i, (v, m) in enumerate(zip(col.values.tolist(), col.missing.tolist(), strict=True)):
        if m or v is None:
            codes[i] = -1
        elif isinstance(v, str):
            codes[i] = index.setdefault(v, len(index))
        else:
            raise StoredDayError(f"column {col.name!r} holds a {type(v).__name__}, not str")
    codes[codes < 0] = len(index)
    words = [w.encode("utf-8") for w in index]
    ends = np.cumsum([len(w) for w in words], dtype=np.int64) if words else np.zeros(0, np.int64)
    offsets = np.concatenate([np.zeros(1, np.int64), ends]).astype("<i8")
    return [_narrow_int(codes), offsets, np.frombuffer(b"".join(words), dtype="|u1")]


def _column_buffers(col: StatcastColumn) -> list[Any]:
    missing = np.packbits(np.asarray(col.missing, dtype=bool))
    if col.kind == "int":
        return [_narrow_int(np.asarray(col.values, dtype=np.int64)), missing]
    if col.kind == "float":
        values = np.asarray(col.values, dtype="<f8")
        scaled = _scaled(values, np.asarray(col.missing, dtype=bool))
        return [values if scaled is None else scaled, missing]
    if col.kind == "date":
        dates = np.asarray(col.values, dtype="datetime64[D]")
        return [dates.view(np.int64).astype("<i8", copy=False), missing]
    if col.kind == "str":
        return _str_buffers(col)
    raise StoredDayError(f"column {col.name!r} has unknown kind {col.kind!r}")


def dump_day(table: StatcastTable, fetched_at: float) -> bytes:
    """Encode a table (the layout in the module doc)."""
    parts: list[bytes] = []
    columns: list[list[Any]] = []
    at = 0
    for name, col in table.columns_by_name.items():
        if len(col) != table.rows or len(col.missing) != table.rows:
            raise StoredDayError(f"column {name!r} has {len(col)} rows, table {table.rows}")
        bufs = []
        for arr in _column_buffers(col):
            if isinstance(arr, _Scaled):
                data = arr.ints.tobytes()
                bufs.append([arr.ints.dtype.str, at, len(data), arr.scale])
            else:
                data = arr.tobytes()
                bufs.append([arr.dtype.str, at, len(data)])
            pad = -len(data) % 8
            parts.append(data + b"\0" * pad if pad else data)
            at += len(data) + pad
        columns.append([name, col.kind, bufs])
    block = b"".join(parts)
    zblock = zlib.compress(block, 1)
    meta = orjson.dumps(
        {
            "rows": table.rows,
            "day": table.source_day.isoformat() if table.source_day else None,
            "block": [len(zblock), len(block)],
            "columns": columns,
        }
    )
    prefix = _PREFIX.pack(MAGIC, LAYOUT_VERSION, PARSER_VERSION, fetched_at, len(meta))
    return b"".join((prefix, meta, zblock))


# --------------------------------------------------------------------------- reading


def _nonneg_int(value: object, what: str, limit: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise StoredDayError(f"bad {what}: {value!r}")
    return value


def _pair(value: object, what: str, limit: int) -> tuple[int, int]:
    if not isinstance(value, list) or len(value) != 2:
        raise StoredDayError(f"bad {what}: {value!r}")
    return _nonneg_int(value[0], what, limit), _nonneg_int(value[1], what, 1 << 40)


def load_day(payload: memoryview) -> StatcastDayEntry:
    """Check the fixed prefix of an encoded day (cheap: this runs on every cache hit, on the
    event loop); the directory is read and checked against the bytes on first use of the
    table, in the caller's worker thread."""
    total = len(payload)
    if total < _PREFIX.size:
        raise StoredDayError("truncated prefix")
    magic, version, parser, fetched_at, meta_len = _PREFIX.unpack_from(payload)
    if magic != MAGIC:
        raise StoredDayError("not a stored Statcast day (bad magic)")
    if version != LAYOUT_VERSION:
        raise StoredDayError(f"unknown stored-day layout {version}")
    if _PREFIX.size + meta_len > total:
        raise StoredDayError("truncated directory")
    return StatcastDayEntry(raw=payload, parser=parser, fetched_at=fetched_at)


def _block_of(raw: _Buffer, meta: dict[str, Any]) -> memoryview:
    view = memoryview(raw)
    return view[len(view) - int(meta["block"][0]) :]


def _read_directory(payload: memoryview) -> dict[str, Any]:
    total = len(payload)
    meta_len = _PREFIX.unpack_from(payload)[-1]
    start = _PREFIX.size + meta_len
    try:
        meta = orjson.loads(payload[_PREFIX.size : start])
    except orjson.JSONDecodeError as exc:
        raise StoredDayError(f"unreadable directory: {exc}") from exc
    if not isinstance(meta, dict):
        raise StoredDayError("directory is not an object")
    rows = _nonneg_int(meta.get("rows"), "row count", _MAX_ROWS)
    day = meta.get("day")
    if day is not None:
        if not isinstance(day, str):
            raise StoredDayError(f"bad day: {day!r}")
        try:
            dt.date.fromisoformat(day)
        except ValueError as exc:
            raise StoredDayError(f"bad day: {day!r}") from exc
    zblock, block_len = _pair(meta.get("block"), "block length", total)
    if start + zblock != total:
        raise StoredDayError("length mismatch (truncated or padded)")
    _check_columns(meta.get("columns"), rows, block_len)
    return meta


def _check_columns(columns: object, rows: int, block_len: int) -> None:
    if not isinstance(columns, list) or len(columns) > _MAX_COLUMNS:
        raise StoredDayError("bad column list")
    names: set[str] = set()
    for item in columns:
        if not isinstance(item, list) or len(item) != 3:
            raise StoredDayError(f"bad column entry: {item!r}"[:200])
        name, kind, bufs = item
        if not isinstance(name, str) or name in names:
            raise StoredDayError(f"bad or repeated column name: {name!r}"[:200])
        names.add(name)
        allowed = _ALLOWED.get(kind) if isinstance(kind, str) else None
        if allowed is None:
            raise StoredDayError(f"column {name!r}: unknown kind {kind!r}"[:200])
        if not isinstance(bufs, list) or len(bufs) != len(allowed):
            raise StoredDayError(f"column {name!r}: wrong buffer count")
        for i, (buf, dtypes) in enumerate(zip(bufs, allowed, strict=True)):
            scaled = kind == "float" and i == 0 and isinstance(buf, list) and buf[:1] != ["<f8"]
            if not isinstance(buf, list) or len(buf) != 3 + scaled or buf[0] not in dtypes:
                raise StoredDayError(f"column {name!r}: bad buffer {buf!r}"[:200])
            if scaled:
                _nonneg_int(buf[3], "decimal scale", _MAX_SCALE)
            offset = _nonneg_int(buf[1], "buffer offset", block_len)
            nbytes = _nonneg_int(buf[2], "buffer size", block_len)
            if offset + nbytes > block_len or nbytes % np.dtype(buf[0]).itemsize:
                raise StoredDayError(f"column {name!r}: buffer outside the block")
        # the counts each buffer must hold, where the row count fixes them
        vdt, vbytes = bufs[0][0], bufs[0][2]
        if vbytes != rows * np.dtype(vdt).itemsize:
            raise StoredDayError(f"column {name!r}: {vbytes} value bytes for {rows} rows")
        if kind != "str" and bufs[1][2] != (rows + 7) // 8:
            raise StoredDayError(f"column {name!r}: missing mask of the wrong size")
        if kind == "str" and bufs[1][2] < 8:
            raise StoredDayError(f"column {name!r}: no vocabulary offsets")


def _inflate(data: memoryview, size: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, size)
    except zlib.error as exc:
        raise StoredDayError(f"stored bytes do not inflate: {exc}") from exc
    if len(out) != size or not inflater.eof or inflater.unconsumed_tail:
        raise StoredDayError("stored bytes inflate to the wrong size")
    return out


def _view(block: bytes, buf: list[Any], count: int | None = None) -> npt.NDArray[Any]:
    dtype = np.dtype(buf[0])
    n = buf[2] // dtype.itemsize if count is None else count
    return np.frombuffer(block, dtype=dtype, count=n, offset=buf[1])


_EMPTY: Final = {"int": 0, "float": np.nan, "date": np.datetime64("NaT", "D"), "str": None}
_DTYPES: Final[dict[str, Any]] = {
    "int": np.int64,
    "float": np.float64,
    "date": "datetime64[D]",
    "str": object,
}


def _fill(
    block: bytes,
    kind: str,
    bufs: list[Any],
    rows: int,
    name: str,
    *,
    values: npt.NDArray[Any],
    missing: npt.NDArray[np.bool_],
) -> None:
    """Decode one column's buffers into ``values`` / ``missing`` (``rows`` long)."""
    if kind == "str":
        values[:], missing[:] = _strings(block, bufs, rows, name)
        return
    missing[:] = np.unpackbits(_view(block, bufs[1]), count=rows).view(np.bool_)
    raw = _view(block, bufs[0], rows)
    if kind == "date":
        values[:] = raw.view("datetime64[D]")
        return
    values[:] = raw
    if kind == "float" and len(bufs[0]) == 4:  # integers over 10**scale (``_scaled``)
        if bufs[0][3]:
            values /= 10.0 ** bufs[0][3]
        values[missing] = np.nan


def _build_table(meta: dict[str, Any], zblock: memoryview) -> StatcastTable:
    rows = int(meta["rows"])
    block = _inflate(zblock, int(meta["block"][1]))
    cols: dict[str, StatcastColumn] = {}
    for name, kind, bufs in meta["columns"]:
        values = np.empty(rows, dtype=_DTYPES[kind])
        missing = np.empty(rows, dtype=bool)
        _fill(block, kind, bufs, rows, name, values=values, missing=missing)
        cols[name] = StatcastColumn(name, kind, values, missing)
    day = meta["day"]
    return StatcastTable(cols, rows, dt.date.fromisoformat(day) if day else None)


def concat_days(entries: Sequence[StatcastDayEntry]) -> StatcastTable | None:
    """The days' tables stacked, as ``StatcastTable.concat([e.table for e in entries])``
    would return them, decoded straight into the season-long arrays (no per-day tables, no
    second copy).  ``None`` when a column's kind differs between days or an entry is of
    another parser version (stack the per-day tables then); :class:`StoredDayError` for a
    day that does not check out."""
    if any(e.stale_parser for e in entries):
        return None
    metas = [(e, e._directory()) for e in entries]
    metas = [(e, m) for e, m in metas if m["columns"]]  # a day without games adds nothing
    kinds: dict[str, str] = {}
    for _, meta in metas:
        for name, kind, _ in meta["columns"]:
            if kinds.setdefault(name, kind) != kind:
                return None
    total = sum(int(m["rows"]) for _, m in metas)
    values = {n: np.full(total, _EMPTY[k], dtype=_DTYPES[k]) for n, k in kinds.items()}
    missing = {n: np.ones(total, dtype=bool) for n in kinds}
    at = 0
    for entry, meta in metas:
        rows = int(meta["rows"])
        block = _inflate(_block_of(entry._raw, meta), int(meta["block"][1]))
        for name, kind, bufs in meta["columns"]:
            part = slice(at, at + rows)
            _fill(
                block,
                kind,
                bufs,
                rows,
                name,
                values=values[name][part],
                missing=missing[name][part],
            )
        at += rows
    cols = {n: StatcastColumn(n, k, values[n], missing[n]) for n, k in kinds.items()}  # type: ignore[arg-type]
    days = {m["day"] for _, m in metas}
    day = days.pop() if len(days) == 1 else None
    return StatcastTable(cols, total, dt.date.fromisoformat(day) if day else None)


def _strings(
    block: bytes, bufs: list[Any], rows: int, name: str
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.bool_]]:
    codes = _view(block, bufs[0], rows).astype(np.intp)
    offsets = _view(block, bufs[1])
    text = bytes(_view(block, bufs[2]))
    n = offsets.size - 1
    if offsets[0] != 0 or int(offsets[-1]) != len(text) or bool(np.any(np.diff(offsets) < 0)):
        raise StoredDayError(f"column {name!r}: bad vocabulary offsets")
    if rows and (int(codes.min()) < 0 or int(codes.max()) > n):
        raise StoredDayError(f"column {name!r}: dictionary code out of range")
    vocab = np.empty(n + 1, dtype=object)  # the last slot: a missing value
    bounds = offsets.tolist()
    try:
        words = [text[a:b].decode("utf-8") for a, b in itertools.pairwise(bounds)]
    except UnicodeDecodeError as exc:
        raise StoredDayError(f"column {name!r}: vocabulary is not UTF-8") from exc
    vocab[:n] = [sys.intern(w) if len(w) <= _INTERN_MAX else w for w in words]
    return vocab[codes], codes == n


def _load(payload: memoryview) -> StatcastDayEntry:
    return load_day(payload)


register_binary(StatcastDayEntry, read_as=StatcastDayEntry, dump=StatcastDayEntry.dump, load=_load)


async def cached_tables(
    cache: Any,
    table_keys: dict[dt.date, str],
    days: Sequence[dt.date],
    *,
    tables: dict[dt.date, StatcastTable],
    fetched_at: dict[dt.date, float],
    cached: list[dt.date],
) -> StatcastTable | None:
    """Serve days from their cached tables (one read; the columns are rebuilt in a worker
    thread).  A table of another parser version, or one that does not check out, is left
    to the text entry (and written again from it).  When every day is there, the result
    is the whole range's table, decoded straight into its arrays (``concat_days``), and
    ``tables`` gets empty per-day placeholders."""
    entries = await cache.get_many([table_keys[d] for d in days], StatcastDayEntry)
    found = [
        (d, e)
        for d, e in zip(days, entries, strict=True)
        if isinstance(e, StatcastDayEntry) and not e.stale_parser
    ]
    if not found:
        return None
    whole: list[StatcastTable] = []

    def build() -> list[StatcastTable | StoredDayError]:
        if len(found) == len(days) > 1:
            try:
                table = concat_days([e for _, e in found])
            except StoredDayError:
                table = None  # the per-day pass below names the bad day
            if table is not None:
                whole.append(table)
                return [StatcastTable({}, e.rows, d) for d, e in found]
        out: list[StatcastTable | StoredDayError] = []
        for _, entry in found:
            try:
                table = entry.table
            except StoredDayError as exc:
                out.append(exc)
                continue
            out.append(table if table is not None else StoredDayError("stale"))
        return out

    for (d, entry), table in zip(found, await anyio.to_thread.run_sync(build), strict=True):
        if isinstance(table, StoredDayError):
            log.warning("savantsdk: cached Statcast table of %s unreadable (%s)", d, table)
            continue
        tables[d] = table
        fetched_at[d] = entry.fetched_at
        cached.append(d)
    return whole[0] if whole else None


async def store_tables(
    cache: Any,
    table_keys: dict[dt.date, str],
    tables: dict[dt.date, StatcastTable],
    fetched_at: dict[dt.date, float],
) -> None:
    """Cache settled days' tables (encoded in a worker thread; a table the layout cannot
    hold is logged and left out: its text entry still serves it)."""

    def encode() -> dict[str, StatcastDayEntry]:
        out: dict[str, StatcastDayEntry] = {}
        for d, table in tables.items():
            try:
                out[table_keys[d]] = StatcastDayEntry.from_table(table, fetched_at[d])
            except StoredDayError as exc:
                log.warning("savantsdk: Statcast day %s not cached as a table (%s)", d, exc)
        return out

    items = await anyio.to_thread.run_sync(encode)
    if items:
        await cache.set_many(items, kind="immutable", type_=StatcastDayEntry)
