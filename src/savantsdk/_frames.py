"""DataFrame export: typed numpy columns -> Apache Arrow, pandas and polars.

Every model's ``to_arrow()`` / ``to_pandas()`` / ``to_polars()`` first turns itself into a list
of :class:`FrameColumn` (numpy ``values`` plus a boolean ``missing`` mask, one of a few
kinds), then one of the three writers below turns those into a frame.  The optional
libraries are imported only here, lazily; a missing one raises
:class:`~savantsdk.exceptions.MissingExtraError` naming the extra to install.

=============  ====================  =========================  =======================
kind           Arrow                 pandas                     polars (from Arrow)
=============  ====================  =========================  =======================
``int``        ``int64`` (nulls)     ``Int64``                  ``Int64``
``float``      ``double`` (nulls)    ``float64`` (``NaN``)      ``Float64``
``bool``       ``bool`` (nulls)      ``boolean``                ``Boolean``
``str``        ``string``            ``str`` (pandas 3) /       ``String``
                                     ``object`` (pandas 2)
``category``   ``dictionary<int32,   ``category`` (sorted       ``Categorical``
               string>`` (sorted)    categories)
``date``       ``date32``            ``datetime64[ms]``         ``Date``
``datetime``   ``timestamp[us,       ``datetime64[us, UTC]``    ``Datetime(us, UTC)``
               UTC]``
=============  ====================  =========================  =======================

Memory: Arrow arrays wrap the numpy ``int64``/``float64``/``bool`` buffers without copying
(only the validity bitmaps, dates and strings are new).  pandas gets the same buffers without a
copy when it runs Copy-on-Write (pandas >= 3, or 2.x with the option on): the frame is built
from a per-model *anchor* frame, so pandas copies a column the first time the frame is written
to and the model's arrays never change; without Copy-on-Write they are copied.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, Literal, cast, get_args, get_type_hints

import attrs
import numpy as np
import numpy.typing as npt

from .exceptions import ConfigurationError, MissingExtraError

if TYPE_CHECKING:  # the optional libraries, for annotations only
    import pandas as pd  # type: ignore[import-untyped,import-not-found,unused-ignore]
    import polars as pl  # type: ignore[import-not-found,unused-ignore]
    import pyarrow as pa  # type: ignore[import-untyped,import-not-found,unused-ignore]

__all__ = (
    "STATCAST_CATEGORIES",
    "FrameColumn",
    "FrameExport",
    "Kind",
    "attr_path",
    "attrs_record_columns",
    "backtest_columns",
    "lineset_columns",
    "propset_columns",
    "record_columns",
    "require",
    "schedule_columns",
    "stack_columns",
    "stacked",
    "statcast_columns",
    "to_arrow",
    "to_pandas",
    "to_polars",
)

Kind = Literal["int", "float", "bool", "str", "category", "date", "datetime"]

#: Statcast text columns exported as categoricals (small vocabularies repeated on every row).
#: Other text columns (``des``, ``sv_id``, unknown ones) stay plain strings.
STATCAST_CATEGORIES: Final = frozenset(
    {
        "pitch_type",
        "pitch_name",
        "player_name",
        "events",
        "description",
        "type",
        "bb_type",
        "game_type",
        "stand",
        "p_throws",
        "home_team",
        "away_team",
        "inning_topbot",
        "if_fielding_alignment",
        "of_fielding_alignment",
        "umpire",
    }
)

_EXTRAS: Final[dict[str, tuple[str, str]]] = {
    # module -> (extra, distribution)
    "pyarrow": ("arrow", "pyarrow"),
    "pandas": ("pandas", "pandas"),
    "polars": ("polars", "polars"),
    "matplotlib": ("plot", "matplotlib"),
}


def require(module: str, *, extra: str | None = None, purpose: str = "") -> ModuleType:
    """Import an optional dependency or raise :class:`MissingExtraError` naming the extra."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.partition(".")[0]
        default_extra, package = _EXTRAS.get(top, (top, top))
        extra = extra or default_extra
        what = f"{purpose} needs" if purpose else "this needs"
        raise MissingExtraError(
            f"{what} {package}, which is not installed: pip install 'savantsdk[{extra}]'",
            extra=extra,
            package=package,
            module=module,
        ) from exc


@attrs.frozen(eq=False)
class FrameColumn:
    """One column on its way to a frame.

    ``values`` by kind: ``int`` int64 (any value where missing), ``float`` float64, ``bool``
    bool, ``str``/``category`` object (``str`` or ``None``), ``date`` ``datetime64[D]``,
    ``datetime`` ``datetime64[us]`` in UTC.  ``shared``: the arrays belong to a model object
    and must never be written to (the pandas writer protects them).
    """

    name: str
    kind: Kind
    values: npt.NDArray[Any]
    missing: npt.NDArray[np.bool_]
    shared: bool = False

    def __len__(self) -> int:
        return int(self.values.shape[0])


# ------------------------------------------------------------------------------ model -> columns


def statcast_columns(table: Any) -> list[FrameColumn]:
    """The columns of a :class:`~savantsdk.sources.StatcastTable`, sharing its arrays."""
    out: list[FrameColumn] = []
    for name, col in table.columns_by_name.items():
        kind: Kind = col.kind
        if kind == "str" and name in STATCAST_CATEGORIES:
            kind = "category"
        out.append(FrameColumn(name, kind, col.values, col.missing, shared=True))
    return out


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _to_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _column(name: str, kind: Kind, raw: Sequence[Any]) -> FrameColumn:
    items = [_plain(v) for v in raw]
    missing = np.fromiter((v is None for v in items), dtype=bool, count=len(items))
    values: npt.NDArray[Any]
    if kind == "int":
        values = np.array([0 if v is None else int(v) for v in items], dtype=np.int64)
    elif kind == "float":
        values = np.array([np.nan if v is None else float(v) for v in items], dtype=np.float64)
        missing |= np.isnan(values)
    elif kind == "bool":
        values = np.array([bool(v) for v in items], dtype=bool)
    elif kind == "date":
        days = [
            None if v is None else dt.date.fromisoformat(v) if isinstance(v, str) else v
            for v in items
        ]
        values = np.array(
            [np.datetime64("NaT") if d is None else np.datetime64(d, "D") for d in days],
            dtype="datetime64[D]",
        )
    elif kind == "datetime":
        values = np.array(
            [np.datetime64("NaT") if v is None else np.datetime64(_to_utc(v), "us") for v in items],
            dtype="datetime64[us]",
        )
    else:
        values = np.empty(len(items), dtype=object)
        values[:] = [None if v is None else str(v) for v in items]
    return FrameColumn(name, kind, values, missing)


def record_columns(
    records: Sequence[Mapping[str, Any]], schema: Mapping[str, Kind]
) -> list[FrameColumn]:
    """Columns from dict records: one per ``schema`` entry, in its order (absent key: missing)."""
    return [_column(name, kind, [r.get(name) for r in records]) for name, kind in schema.items()]


_HINT_KINDS: Final[dict[type, Kind]] = {
    bool: "bool",
    int: "int",
    float: "float",
    str: "str",
    dt.datetime: "datetime",
    dt.date: "date",
}


def _hint_kind(hint: Any) -> Kind | None:
    options = [a for a in get_args(hint) if a is not type(None)] or [hint]
    if len(options) != 1:
        return None
    base = options[0]
    for cls, kind in _HINT_KINDS.items():  # bool before int, datetime before date
        if isinstance(base, type) and issubclass(base, cls):
            return kind
    return None


def attrs_record_columns(rows: Sequence[Any], cls: type) -> list[FrameColumn]:
    """Columns from attrs rows of one class: scalar fields by their annotations, then the keys
    of ``dict`` fields (``stats`` as floats, ``extra`` as text) in first-seen order."""
    hints = get_type_hints(cls)
    scalar: dict[str, Kind] = {}
    nested: list[tuple[str, Kind]] = []
    for field in attrs.fields(cls):
        kind = _hint_kind(hints.get(field.name))
        if kind is not None:
            scalar[field.name] = kind
        elif field.name == "stats":
            nested.append((field.name, "float"))
        elif field.name == "extra":
            nested.append((field.name, "str"))
    records = [attrs.asdict(r, recurse=False) for r in rows]
    cols = record_columns(records, scalar)
    taken = set(scalar)
    for field_name, kind in nested:
        keys: dict[str, None] = {}
        for rec in records:
            keys.update(dict.fromkeys(rec.get(field_name) or {}))
        for key in keys:
            if key in taken:
                continue
            taken.add(key)
            cols.append(_column(key, kind, [(r.get(field_name) or {}).get(key) for r in records]))
    return cols


# ------------------------------------------------------------------------------------ writers


def _arrow_array(pa: Any, pc: Any, col: FrameColumn) -> Any:
    mask = col.missing if bool(col.missing.any()) else None
    if col.kind == "int":
        return pa.array(col.values, type=pa.int64(), mask=mask)
    if col.kind == "float":
        return pa.array(col.values, type=pa.float64(), mask=mask)
    if col.kind == "bool":
        return pa.array(col.values, type=pa.bool_(), mask=mask)
    if col.kind == "date":
        return pa.array(col.values, type=pa.date32(), mask=mask)
    if col.kind == "datetime":
        return pa.array(col.values, type=pa.timestamp("us", tz="UTC"), mask=mask)
    text = pa.array(col.values, type=pa.string())
    if col.kind == "str":
        return text
    vocab = pc.unique(text.drop_null())
    vocab = vocab.take(pc.sort_indices(vocab))
    codes = pc.index_in(text, value_set=vocab).cast(pa.int32())
    return pa.DictionaryArray.from_arrays(codes, vocab)


def to_arrow(cols: Iterable[FrameColumn], *, purpose: str = "to_arrow()") -> Any:
    """A ``pyarrow.Table`` (numeric buffers shared, not copied)."""
    pa = require("pyarrow", purpose=purpose)
    pc = require("pyarrow.compute", extra="arrow", purpose=purpose)
    cols = list(cols)
    arrays = [_arrow_array(pa, pc, c) for c in cols]
    return pa.Table.from_arrays(arrays, names=[c.name for c in cols])


def to_polars(cols: Iterable[FrameColumn]) -> Any:
    """A ``polars.DataFrame``, built from the Arrow table (polars reuses its buffers)."""
    pl = require("polars", purpose="to_polars()")
    require("pyarrow", extra="polars", purpose="to_polars()")
    return pl.from_arrow(to_arrow(cols, purpose="to_polars()"), rechunk=False)


def _major(module: Any) -> int:
    head = str(getattr(module, "__version__", "0")).split(".", 1)[0]
    return int(head) if head.isdecimal() else 0


def _copy_on_write(pd: Any) -> bool:
    return _major(pd) >= 3 or getattr(pd.options.mode, "copy_on_write", False) is True


#: owner (a model object) -> the pandas frame wrapping its shared numeric arrays.  Frames
#: handed to users select from it, so pandas' Copy-on-Write copies before any write.
_ANCHORS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_ANCHORS_LOCK = threading.Lock()
_NUMERIC: Final = frozenset({"int", "float", "bool"})


def _pandas_numeric(pd: Any, col: FrameColumn, *, copy: bool) -> Any:
    values, missing = col.values, col.missing
    if copy:
        values, missing = values.copy(), missing.copy()
    if col.kind == "int":
        return pd.arrays.IntegerArray(values, missing)
    if col.kind == "bool":
        return pd.arrays.BooleanArray(values, missing)
    return values


def _anchor(pd: Any, owner: Any, cols: Sequence[FrameColumn]) -> Any:
    """The owner's anchor frame, made once (never replaced: frames handed out earlier rely on
    it staying alive as long as the owner does)."""
    with _ANCHORS_LOCK:
        anchor = _ANCHORS.get(owner)
        if anchor is None:
            data = {c.name: _pandas_numeric(pd, c, copy=False) for c in cols}
            anchor = _ANCHORS[owner] = pd.DataFrame(data, copy=False)
        return anchor


def _pandas_values(pd: Any, col: FrameColumn) -> Any:
    if col.kind in _NUMERIC:
        return _pandas_numeric(pd, col, copy=False)
    if col.kind == "date":
        return col.values.astype("datetime64[ms]")
    if col.kind == "datetime":
        return pd.DatetimeIndex(col.values.astype("datetime64[us]")).tz_localize("UTC")
    if col.kind == "category":
        codes, vocab = pd.factorize(col.values, sort=True, use_na_sentinel=True)
        return pd.Categorical.from_codes(codes, categories=pd.Index(vocab))
    if _major(pd) >= 3:  # pandas' own string dtype, also for an all-missing column
        return pd.array(col.values, dtype="str")
    # pandas 2: object; copy the (pointer) array so pandas never writes into a model's array
    return col.values.copy() if col.shared else col.values


def to_pandas(cols: Iterable[FrameColumn], *, owner: Any = None) -> Any:
    """A ``pandas.DataFrame``; shared numeric columns of ``owner`` are not copied (see above)."""
    pd = require("pandas", purpose="to_pandas()")
    cols = list(cols)
    shared = [c for c in cols if c.shared and c.kind in _NUMERIC]
    anchor = None
    if shared and owner is not None and _copy_on_write(pd):
        anchor = _anchor(pd, owner, shared)
    data: dict[str, Any] = {}
    for col in cols:
        if anchor is not None and col.shared and col.kind in _NUMERIC and col.name in anchor:
            data[col.name] = anchor[col.name]
        elif col.shared and col.kind in _NUMERIC:
            data[col.name] = _pandas_numeric(pd, col, copy=True)
        else:
            data[col.name] = _pandas_values(pd, col)
    if not cols:
        return pd.DataFrame()
    return pd.DataFrame(data, copy=False)


def _stack_kind(kinds: set[Kind]) -> Kind:
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds <= {"int", "float"}:
        return "float"
    return "str"


def stack_columns(parts: Sequence[Sequence[FrameColumn]]) -> list[FrameColumn]:
    """Row-wise concatenation of several tables' columns, columns in first-seen order.

    A part without a column is missing there; a column whose kind differs between parts
    becomes ``float`` (int and float) or ``str`` (anything else).
    """
    names: dict[str, set[Kind]] = {}
    for cols in parts:
        for col in cols:
            names.setdefault(col.name, set()).add(col.kind)
    lengths = [len(cols[0]) if cols else 0 for cols in parts]
    out: list[FrameColumn] = []
    for name, kinds in names.items():
        raw: list[Any] = []
        for cols, n in zip(parts, lengths, strict=True):
            found = next((c for c in cols if c.name == name), None)
            if found is None:
                raw.extend([None] * n)
                continue
            items = found.values.astype(object) if found.values.dtype.kind == "M" else found.values
            raw.extend(None if m else v for v, m in zip(items.tolist(), found.missing, strict=True))
        out.append(_column(name, _stack_kind(kinds), raw))
    return out


# ------------------------------------------------------------------------------ model mixin


class FrameExport:
    """Adds ``to_arrow()``, ``to_pandas()`` and ``to_polars()`` to a model that can list its
    columns (``_frame_columns``).  Slot-free, so attrs classes can use it."""

    __slots__ = ()

    def _frame_columns(self) -> list[FrameColumn]:
        raise NotImplementedError

    def _frame_owner(self) -> Any:
        """The object that owns shared column arrays (the pandas anchor's key)."""
        return self

    def to_arrow(self) -> pa.Table:
        """A ``pyarrow.Table`` (extra ``arrow``).  Numeric columns share this object's
        buffers; text columns the module docs list become dictionary (categorical) arrays."""
        return to_arrow(self._frame_columns())

    def to_pandas(self) -> pd.DataFrame:
        """A ``pandas.DataFrame`` (extra ``pandas``): nullable ``Int64``/``boolean``, ``NaN``
        for missing floats, ``datetime64`` dates, ``category`` for small vocabularies."""
        return to_pandas(self._frame_columns(), owner=self._frame_owner())

    def to_polars(self) -> pl.DataFrame:
        """A ``polars.DataFrame`` (extra ``polars``), built from :meth:`to_arrow`."""
        frame: pl.DataFrame = to_polars(self._frame_columns())
        return frame


# ----------------------------------------------------------------------- model record builders


def attr_path(obj: Any, *path: str) -> Any:
    """``obj.a.b.c`` for ``path = ("a", "b", "c")``, or None where a link is None or missing:
    how the record builders reach into nested (all-optional) upstream models."""
    for name in path:
        if obj is None:
            return None
        obj = getattr(obj, name, None)
    return obj


_SCHEDULE: Final[dict[str, Kind]] = {
    "game_pk": "int",
    "official_date": "date",
    "game_date": "datetime",
    "game_type": "category",
    "season": "int",
    "game_number": "int",
    "double_header": "category",
    "day_night": "category",
    "status": "category",
    "detailed_state": "category",
    "status_code": "category",
    "status_reason": "str",
    "away_team_id": "int",
    "away_team": "category",
    "away_score": "int",
    "away_is_winner": "bool",
    "away_wins": "int",
    "away_losses": "int",
    "away_probable_pitcher_id": "int",
    "away_probable_pitcher": "str",
    "away_lineup": "int",
    "home_team_id": "int",
    "home_team": "category",
    "home_score": "int",
    "home_is_winner": "bool",
    "home_wins": "int",
    "home_losses": "int",
    "home_probable_pitcher_id": "int",
    "home_probable_pitcher": "str",
    "home_lineup": "int",
    "venue_id": "int",
    "venue": "category",
    "scheduled_innings": "int",
    "series_description": "category",
    "series_game_number": "int",
    "games_in_series": "int",
    "is_tie": "bool",
    "description": "str",
}


def _season(value: Any) -> int | None:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdecimal() else None


def schedule_columns(schedule: Any) -> list[FrameColumn]:
    """One row per game of a :class:`~savantsdk.sources.Schedule`, in payload order.
    ``*_lineup`` is the number of posted lineup players (0 when not posted)."""
    records: list[dict[str, Any]] = []
    for g in schedule.games:
        rec: dict[str, Any] = {
            "game_pk": g.game_pk,
            "official_date": g.official_date,
            "game_date": g.game_date,
            "game_type": g.game_type,
            "season": _season(g.season),
            "game_number": g.game_number,
            "double_header": g.double_header,
            "day_night": g.day_night,
            "status": g.status.abstract_game_state,
            "detailed_state": g.status.detailed_state,
            "status_code": g.status.status_code,
            "status_reason": g.status.reason,
            "venue_id": attr_path(g.venue, "id"),
            "venue": attr_path(g.venue, "name"),
            "scheduled_innings": g.scheduled_innings,
            "series_description": g.series_description,
            "series_game_number": g.series_game_number,
            "games_in_series": g.games_in_series,
            "is_tie": g.is_tie,
            "description": g.description,
        }
        for side in ("away", "home"):
            team = getattr(g.teams, side)
            players = getattr(g.lineups, f"{side}_players", None) if g.lineups else None
            rec.update(
                {
                    f"{side}_team_id": attr_path(team, "team", "id"),
                    f"{side}_team": attr_path(team, "team", "name"),
                    f"{side}_score": attr_path(team, "score"),
                    f"{side}_is_winner": attr_path(team, "is_winner"),
                    f"{side}_wins": attr_path(team, "league_record", "wins"),
                    f"{side}_losses": attr_path(team, "league_record", "losses"),
                    f"{side}_probable_pitcher_id": attr_path(team, "probable_pitcher", "id"),
                    f"{side}_probable_pitcher": attr_path(team, "probable_pitcher", "full_name"),
                    f"{side}_lineup": len(players or ()),
                }
            )
        records.append(rec)
    return record_columns(records, _SCHEDULE)


_LINES: Final[dict[str, Kind]] = {
    "player": "str",
    "mlbam_id": "int",
    "team": "category",
    "market": "category",
    "point": "float",
    "side": "category",
    "price": "float",
    "odds_format": "category",
    "bookmaker": "category",
    "served_by": "category",
    "odds_type": "category",
    "event_id": "category",
    "commence_time": "datetime",
    "last_update": "datetime",
}


def lineset_columns(lineset: Any) -> list[FrameColumn]:
    """One row per :class:`~savantsdk.sources.PlayerLine` of a ``LineSet``, in order."""
    records = [{name: getattr(line, name) for name in _LINES} for line in lineset.lines]
    return record_columns(records, _LINES)


_PROPS: Final[dict[str, Kind]] = {
    "date": "date",
    "player_id": "int",
    "player": "str",
    "team": "category",
    "opponent": "category",
    "game_pk": "int",
    "role": "category",
    "slot": "int",
    "stat": "category",
    "line": "float",
    "mean": "float",
    "p_over": "float",
    "p_under": "float",
    "p_push": "float",
    "fair_odds_over": "float",
    "fair_odds_under": "float",
    "model": "category",
    "model_version": "category",
    "league_only": "bool",
    "data_through": "date",
    "line_source": "category",
    "edge": "float",
    "side": "category",
    "kelly": "float",
    "comparable": "bool",
    "odds_type": "category",
    "over_price": "float",
    "under_price": "float",
    "market_p_over": "float",
    "note": "str",
    "line_id": "str",
    "start_time": "datetime",
}


def propset_columns(props: Any) -> list[FrameColumn]:
    """``Prop.rows()`` of every prop (one row per line and market), plus ``date``, ``role``
    and ``slot``."""
    records: list[dict[str, Any]] = []
    for prop in props.props:
        extra = {"date": prop.date, "role": prop.role, "slot": prop.slot}
        for row in prop.rows():
            start = row.get("start_time")  # rows() are JSON-ready: ISO text back to a time
            if isinstance(start, str):
                row["start_time"] = dt.datetime.fromisoformat(start)
            records.append({**row, **extra})
    return record_columns(records, _PROPS)


_BACKTEST: Final[dict[str, Kind]] = {
    "model": "category",
    "family": "category",
    "line": "float",
    "n": "int",
    "log_loss": "float",
    "log_loss_league": "float",
    "log_loss_naive": "float",
    "mean": "float",
    "mean_actual": "float",
    "brier": "float",
    "ece": "float",
    "p_mean": "float",
    "y_mean": "float",
}


def backtest_columns(report: Any) -> list[FrameColumn]:
    """One row per (model, family, line) of a ``BacktestReport`` (a family without scored
    lines gets one row with ``line`` missing)."""
    records: list[dict[str, Any]] = []
    for model in report.models:
        for family, metrics in report.families[model].items():
            base = {k: v for k, v in metrics.items() if k != "lines"}
            base.update(model=model, family=family)
            lines = metrics.get("lines") or {}
            if not lines:
                records.append(base)
            for line, scores in lines.items():
                records.append({**base, "line": float(line), **scores})
    return record_columns(records, _BACKTEST)


class _Stacked(FrameExport):
    __slots__ = ("_parts",)

    def __init__(self, parts: Sequence[FrameExport]) -> None:
        self._parts = tuple(parts)

    def _frame_columns(self) -> list[FrameColumn]:
        return stack_columns([p._frame_columns() for p in self._parts])


def stacked(values: Iterable[object], *, what: str) -> FrameExport:
    """One table of every value's rows, in order (``what`` names the values in the error a
    value that is not a table gets: a :class:`~savantsdk.exceptions.ConfigurationError`)."""
    parts = list(values)
    for v in parts:
        if not isinstance(v, FrameExport):
            raise ConfigurationError(
                f"{what} holds a {type(v).__name__}, which is not a table; "
                "convert its items one by one",
                setting="value",
            )
    return _Stacked(cast("list[FrameExport]", parts))
