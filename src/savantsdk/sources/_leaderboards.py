"""Baseball Savant leaderboard CSVs -> typed attrs rows.

Handles the layouts in the recorded data: UTF-8 BOM or not, quoted or not, the literal column
``"last_name, first_name"`` (quoted: one column; unquoted 2020 exports: two columns ``last_name``
and `` first_name``), ``player_name`` as ``"Last, First"``, rates written ``.313`` or ``0.313``,
blanks for unqualified players.  ``player_id`` is the MLBAM id.  Columns the row class does not
know are kept, as text, in ``extra``.

The parsers return a :class:`Leaderboard`: a plain ``list`` of rows that also converts to a
DataFrame (``to_pandas()``, ``to_polars()``, ``to_arrow()``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
from cattrs.errors import BaseValidationError

from .._frames import FrameColumn, FrameExport, attrs_record_columns
from .._serde import structure
from ..exceptions import SourceDecodeError, SourceServerError
from ._statcast_csv import SOURCE, check_html, decompress

__all__ = (
    "CustomLeaderboardRow",
    "ExitVelocityRow",
    "ExpectedStatsRow",
    "Leaderboard",
    "PercentileRankingsRow",
    "parse_custom_leaderboard",
    "parse_exit_velocity_barrels",
    "parse_expected_statistics",
    "parse_percentile_rankings",
)

T = TypeVar("T")


class Leaderboard(FrameExport, list[T]):
    """The rows of one leaderboard: a ``list`` (equal to a list of the same rows) that also
    exports a frame with one row per player.  Columns: the row class's fields in order, then
    the keys of ``stats`` (floats; custom leaderboards) and of ``extra`` (text), in first-seen
    order.  The row class is taken from the first row; an empty leaderboard has no columns.
    """

    __slots__ = ()

    def _frame_columns(self) -> list[FrameColumn]:
        if not self:
            return []
        return attrs_record_columns(self, type(self[0]))


@attrs.frozen
class ExpectedStatsRow:
    """``/leaderboard/expected_statistics`` (xBA, xSLG, xwOBA and their gaps)."""

    player_id: int
    last_name: str
    first_name: str
    year: int | None = None
    pa: int | None = None
    bip: int | None = None
    ba: float | None = None
    est_ba: float | None = None
    est_ba_minus_ba_diff: float | None = None
    slg: float | None = None
    est_slg: float | None = None
    est_slg_minus_slg_diff: float | None = None
    woba: float | None = None
    est_woba: float | None = None
    est_woba_minus_woba_diff: float | None = None
    extra: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen
class ExitVelocityRow:
    """``/leaderboard/statcast`` (exit velocity and barrels)."""

    player_id: int
    last_name: str
    first_name: str
    year: int | None = None
    attempts: int | None = None
    avg_hit_angle: float | None = None
    anglesweetspotpercent: float | None = None
    max_hit_speed: float | None = None
    avg_hit_speed: float | None = None
    fbld: float | None = None
    gb: float | None = None
    max_distance: int | None = None
    avg_distance: int | None = None
    avg_hr_distance: int | None = None
    ev95plus: int | None = None
    ev95percent: float | None = None
    barrels: int | None = None
    brl_percent: float | None = None
    brl_pa: float | None = None
    extra: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen
class PercentileRankingsRow:
    """``/leaderboard/percentile-rankings``: percentiles 0-100, ``None`` when not qualified."""

    player_id: int
    last_name: str
    first_name: str
    year: int | None = None
    xwoba: int | None = None
    xba: int | None = None
    xslg: int | None = None
    xiso: int | None = None
    xobp: int | None = None
    brl: int | None = None
    brl_percent: int | None = None
    exit_velocity: int | None = None
    max_ev: int | None = None
    hard_hit_percent: int | None = None
    k_percent: int | None = None
    bb_percent: int | None = None
    whiff_percent: int | None = None
    chase_percent: int | None = None
    arm_strength: int | None = None
    sprint_speed: int | None = None
    oaa: int | None = None
    bat_speed: int | None = None
    squared_up_rate: int | None = None
    swing_length: int | None = None
    extra: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen
class CustomLeaderboardRow:
    """``/leaderboard/custom``: any selection of stats; numeric ones in ``stats``."""

    player_id: int
    last_name: str
    first_name: str
    year: int | None = None
    stats: dict[str, float | None] = attrs.field(factory=dict)
    extra: dict[str, str] = attrs.field(factory=dict)


_NULLS = frozenset({"", "NA", "null", "NULL", "NaN", "nan"})


def _rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    raw = decompress(data)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    check_html(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceDecodeError(f"leaderboard CSV is not UTF-8 ({exc})", source=SOURCE) from exc
    try:
        table = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    except csv.Error as exc:  # e.g. an unclosed quote running past the field size limit
        raise SourceDecodeError(f"leaderboard CSV is malformed ({exc})", source=SOURCE) from exc
    if not table:
        return [], []
    header = [h.strip() for h in table[0]]
    if header and header[0].lower() == "error":
        msg = table[1][0] if len(table) > 1 and table[1] else "error"
        raise SourceServerError(
            f"Savant returned an error CSV: {msg}", source=SOURCE, status_code=200, body=text
        )
    for n, row in enumerate(table[1:], start=2):
        if len(row) != len(header):
            raise SourceDecodeError(
                f"leaderboard CSV line {n} has {len(row)} fields, the header has {len(header)}",
                source=SOURCE,
            )
    return header, table[1:]


def _split_name(value: str) -> tuple[str, str]:
    last, _, first = value.partition(",")
    return last.strip(), first.strip()


def _parse(
    data: bytes, cls: type[T], build: Callable[[dict[str, str], set[str]], dict[str, Any]]
) -> Leaderboard[T]:
    header, rows = _rows(data)
    if not header:
        return Leaderboard()
    if "player_id" not in header:
        raise SourceDecodeError(
            f"leaderboard CSV has no 'player_id' column (schema drift?); columns: {header}",
            source=SOURCE,
        )
    known = {a.name for a in attrs.fields(cls)}  # type: ignore[arg-type]
    out: Leaderboard[T] = Leaderboard()
    for n, row in enumerate(rows, start=2):
        rec = dict(zip(header, row, strict=True))
        consumed: set[str] = set()
        if "last_name, first_name" in rec:
            last, first = _split_name(rec["last_name, first_name"])
            consumed.add("last_name, first_name")
        elif "player_name" in rec:
            last, first = _split_name(rec["player_name"])
            consumed.add("player_name")
        else:
            last, first = rec.get("last_name", "").strip(), rec.get("first_name", "").strip()
            consumed |= {"last_name", "first_name"}
        pid = rec["player_id"].strip()
        if not pid.isdecimal():
            raise SourceDecodeError(
                f"leaderboard CSV line {n}: player_id {pid!r} is not an MLBAM id", source=SOURCE
            )
        consumed.add("player_id")
        fields: dict[str, Any] = {"player_id": int(pid), "last_name": last, "first_name": first}
        fields.update(build(rec, consumed))
        for key, value in rec.items():
            if key in consumed:
                continue
            if key in known and key not in fields:
                if value.strip() not in _NULLS:
                    fields[key] = value.strip()
            elif key not in fields:
                fields.setdefault("extra", {})[key] = value
        try:
            out.append(structure(fields, cls))
        except (ValueError, TypeError, BaseValidationError) as exc:
            detail = "; ".join(str(e) for e in getattr(exc, "exceptions", ())) or str(exc)
            raise SourceDecodeError(
                f"leaderboard CSV line {n}: cannot read {cls.__name__} ({detail})", source=SOURCE
            ) from exc
    return out


def _nothing(_: Mapping[str, str], __: set[str]) -> dict[str, Any]:
    return {}


def _custom_stats(rec: Mapping[str, str], consumed: set[str]) -> dict[str, Any]:
    stats: dict[str, float | None] = {}
    for key, value in rec.items():
        if key in consumed or key == "year":
            continue
        text = value.strip()
        if text in _NULLS:
            stats[key] = None
            consumed.add(key)
            continue
        try:
            stats[key] = float(text)
        except ValueError:
            continue  # non-numeric: goes to extra
        consumed.add(key)
    return {"stats": stats}


def parse_expected_statistics(data: bytes) -> Leaderboard[ExpectedStatsRow]:
    """Parse an expected-statistics leaderboard CSV (gzip detected by magic bytes)."""
    return _parse(data, ExpectedStatsRow, _nothing)


def parse_exit_velocity_barrels(data: bytes) -> Leaderboard[ExitVelocityRow]:
    """Parse an exit-velocity/barrels (``/leaderboard/statcast``) CSV."""
    return _parse(data, ExitVelocityRow, _nothing)


def parse_percentile_rankings(data: bytes) -> Leaderboard[PercentileRankingsRow]:
    """Parse a percentile-rankings CSV (blank = not qualified -> ``None``)."""
    return _parse(data, PercentileRankingsRow, _nothing)


def parse_custom_leaderboard(data: bytes) -> Leaderboard[CustomLeaderboardRow]:
    """Parse a custom leaderboard CSV: every numeric column lands in ``stats``."""
    return _parse(data, CustomLeaderboardRow, _custom_stats)
