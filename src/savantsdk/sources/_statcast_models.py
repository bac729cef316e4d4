"""Columnar containers for a parsed Statcast pull.

A regular season is about 700,000 pitches, so a pull is held as one typed numpy array per
column (:class:`StatcastColumn`) inside a :class:`StatcastTable`, never as one object per pitch.

Missing values, by column kind:

=========  ==========================  ===================================
kind       ``values`` dtype            a missing entry is
=========  ==========================  ===================================
``int``    ``int64``                   ``0`` in ``values``, ``True`` in ``missing``
``float``  ``float64``                 ``NaN`` (and ``True`` in ``missing``)
``date``   ``datetime64[D]``           ``NaT`` (and ``True`` in ``missing``)
``str``    ``object`` (interned str)   ``None`` (and ``True`` in ``missing``)
=========  ==========================  ===================================

``column[i]`` / ``table.row(i)`` give plain Python values with ``None`` for every missing entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from .._frames import FrameColumn, FrameExport, statcast_columns

__all__ = ("ColumnKind", "StatcastColumn", "StatcastTable", "looks_truncated")

ColumnKind = Literal["int", "float", "date", "str"]

_EPOCH = np.datetime64("1970-01-01", "D")


@attrs.frozen(eq=False)
class StatcastColumn:
    """One typed column: ``values`` plus a boolean ``missing`` mask of the same length."""

    name: str
    kind: ColumnKind
    values: npt.NDArray[Any]
    missing: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.values.shape[0])

    def __getitem__(self, i: int) -> Any:
        if self.missing[i]:
            return None
        v = self.values[i]
        if self.kind == "int":
            return int(v)
        if self.kind == "float":
            return float(v)
        if self.kind == "date":
            return dt.date.fromordinal(_ORDINAL_EPOCH + int((v - _EPOCH).astype(np.int64)))
        return v

    def to_list(self) -> list[Any]:
        """Plain Python values, ``None`` where missing."""
        return [self[i] for i in range(len(self))]

    def take(self, index: npt.NDArray[Any]) -> StatcastColumn:
        """The rows at ``index`` (a boolean mask or integer positions)."""
        return StatcastColumn(self.name, self.kind, self.values[index], self.missing[index])

    @property
    def present(self) -> npt.NDArray[Any]:
        """The non-missing values (numpy array)."""
        return self.values[~self.missing]


_ORDINAL_EPOCH = dt.date(1970, 1, 1).toordinal()


@attrs.frozen(eq=False)
class StatcastTable(FrameExport):
    """A parsed Statcast pull: column name -> :class:`StatcastColumn`, all of length ``rows``.

    Column names are canonical: the second ``pitcher`` / ``fielder_2`` of the <= 2024 layouts
    is ``pitcher_1`` / ``fielder_2_1`` whatever the file called it (raw duplicate, pandas
    ``pitcher.1`` or baseballr ``pitcher_1``).  Unknown columns are kept.

    ``to_arrow()`` / ``to_pandas()`` / ``to_polars()`` export every column (docs/notebooks.md):
    ids and counts as nullable ``Int64``, ``game_date`` as a date, short text columns
    (``pitch_type``, ``events``, ``description``, ``stand``, teams, ...) as categoricals.
    """

    columns_by_name: Mapping[str, StatcastColumn]
    rows: int
    source_day: dt.date | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names in file order."""
        return tuple(self.columns_by_name)

    def __len__(self) -> int:
        return self.rows

    def __contains__(self, name: object) -> bool:
        return name in self.columns_by_name

    def column(self, name: str) -> StatcastColumn:
        """The column called ``name`` (``KeyError`` naming the known columns if absent)."""
        try:
            return self.columns_by_name[name]
        except KeyError:
            raise KeyError(f"no column {name!r}; have {sorted(self.columns_by_name)}") from None

    def row(self, i: int) -> dict[str, Any]:
        """Row ``i`` as a dict of plain values (for small uses; use columns for bulk work)."""
        if not -self.rows <= i < self.rows:
            raise IndexError(i)
        return {name: col[i] for name, col in self.columns_by_name.items()}

    def iter_rows(self) -> Iterator[dict[str, Any]]:
        for i in range(self.rows):
            yield self.row(i)

    def filter(self, mask: npt.NDArray[np.bool_]) -> StatcastTable:
        """Rows where ``mask`` is true."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (self.rows,):
            raise ValueError(f"mask has shape {mask.shape}, table has {self.rows} rows")
        cols = {n: c.take(mask) for n, c in self.columns_by_name.items()}
        return StatcastTable(cols, int(mask.sum()), self.source_day)

    def filter_games(self, game_pks: Iterable[int]) -> StatcastTable:
        """Rows of the given ``game_pk`` values."""
        col = self.column("game_pk")
        wanted = np.fromiter(game_pks, dtype=np.int64)
        return self.filter(np.isin(col.values, wanted) & ~col.missing)

    def filter_dates(self, start: dt.date, end: dt.date) -> StatcastTable:
        """Rows with ``start <= game_date <= end``."""
        col = self.column("game_date")
        lo, hi = np.datetime64(start, "D"), np.datetime64(end, "D")
        return self.filter((col.values >= lo) & (col.values <= hi) & ~col.missing)

    def filter_players(
        self, *, batters: Iterable[int] = (), pitchers: Iterable[int] = ()
    ) -> StatcastTable:
        """Rows where the batter is in ``batters`` or the pitcher in ``pitchers``."""
        mask = np.zeros(self.rows, dtype=bool)
        for name, ids in (("batter", batters), ("pitcher", pitchers)):
            wanted = np.fromiter(ids, dtype=np.int64)
            if wanted.size:
                mask |= np.isin(self.column(name).values, wanted)
        return self.filter(mask)

    def filter_events(self) -> StatcastTable:
        """Only rows that end a plate appearance or a base-running play (``events`` set)."""
        return self.filter(~self.column("events").missing)

    def game_pks(self) -> list[int]:
        """Distinct ``game_pk`` values, ascending."""
        col = self.column("game_pk")
        return [int(v) for v in np.unique(col.values[~col.missing])]

    def date_range(self) -> tuple[dt.date, dt.date] | None:
        """``(min, max)`` of ``game_date``, or ``None`` for an empty table."""
        col = self.column("game_date")
        present = col.values[~col.missing]
        if present.size == 0:
            return None
        return _to_date(present.min()), _to_date(present.max())

    @classmethod
    def concat(cls, tables: Sequence[StatcastTable]) -> StatcastTable:
        """Stack tables row-wise; columns absent from some tables are filled as missing."""
        tables = [t for t in tables if t.columns_by_name]
        if not tables:
            return cls({}, 0)
        names: dict[str, ColumnKind] = {}
        for t in tables:
            for n, c in t.columns_by_name.items():
                prev = names.setdefault(n, c.kind)
                if prev != c.kind:
                    names[n] = _widen(prev, c.kind)
        cols: dict[str, StatcastColumn] = {}
        for n, kind in names.items():
            parts = [_as_kind(t.columns_by_name.get(n), kind, t.rows, n) for t in tables]
            cols[n] = StatcastColumn(
                n,
                kind,
                np.concatenate([p.values for p in parts]),
                np.concatenate([p.missing for p in parts]),
            )
        days = {t.source_day for t in tables}
        return cls(cols, sum(t.rows for t in tables), days.pop() if len(days) == 1 else None)

    def _frame_columns(self) -> list[FrameColumn]:
        return statcast_columns(self)

    def __repr__(self) -> str:
        return f"StatcastTable(rows={self.rows}, columns={len(self.columns_by_name)})"


def _to_date(v: np.datetime64) -> dt.date:
    return dt.date.fromordinal(_ORDINAL_EPOCH + int((v - _EPOCH).astype(np.int64)))


def _widen(a: ColumnKind, b: ColumnKind) -> ColumnKind:
    return "float" if {a, b} <= {"int", "float"} else "str"


def _as_kind(col: StatcastColumn | None, kind: ColumnKind, rows: int, name: str) -> StatcastColumn:
    if col is None:
        missing = np.ones(rows, dtype=bool)
        if kind == "int":
            values: npt.NDArray[Any] = np.zeros(rows, dtype=np.int64)
        elif kind == "float":
            values = np.full(rows, np.nan)
        elif kind == "date":
            values = np.full(rows, np.datetime64("NaT"), dtype="datetime64[D]")
        else:
            values = np.full(rows, None, dtype=object)
        return StatcastColumn(name, kind, values, missing)
    if col.kind == kind:
        return col
    if kind == "float":
        values = col.values.astype(np.float64)
        values[col.missing] = np.nan
        return StatcastColumn(name, kind, values, col.missing)
    pairs = zip(col.values.tolist(), col.missing.tolist(), strict=True)
    values = np.array([None if m else str(v) for v, m in pairs], dtype=object)
    return StatcastColumn(name, "str", values, col.missing)


def looks_truncated(table: StatcastTable, requested_start: dt.date, cap: int | None) -> bool:
    """True when a pull probably hit Savant's silent row cap.

    Savant keeps the *most recent* rows when it truncates, so a capped pull either has exactly
    ``cap`` rows or starts after the requested start date (the doc's rule, SOURCES §1.2).  An
    empty table is not truncated (a day without games).
    """
    if table.rows == 0:
        return False
    if cap is not None and table.rows >= cap:
        return True
    span = table.date_range()
    return span is not None and span[0] > requested_start
