"""Baseball Savant helpers beside :class:`~savantsdk.sources.SavantClient`: the Statcast result
envelope, argument checks (days, teams, ids), the season's Savant team code, pitch dedupe and
the validation of a pulled day.
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal

import attrs
import numpy as np

from .._dates import to_date
from .._frames import FrameColumn, FrameExport
from ..exceptions import ConfigurationError, SourceDecodeError
from ..ids import TEAM_CODES, canonical_team
from ._partial import ErrorMode, check_errors
from ._quality import Freshness, utc_from_timestamp
from ._statcast_models import StatcastTable

__all__ = (
    "SAVANT_TEAMS",
    "SOURCE",
    "PlayerType",
    "StatcastResult",
    "dedupe_pitches",
    "savant_team",
)

SOURCE: Final = "savant"

#: Savant team abbreviations used to split a truncated day (``ATH`` is Oakland from 2025).
SAVANT_TEAMS: Final[tuple[str, ...]] = (
    "ATH", "ATL", "AZ", "BAL", "BOS", "CHC", "CIN", "CLE", "COL", "CWS",
    "DET", "HOU", "KC", "LAA", "LAD", "MIA", "MIL", "MIN", "NYM", "NYY",
    "OAK", "PHI", "PIT", "SD", "SEA", "SF", "STL", "TB", "TEX", "TOR", "WSH",
)  # fmt: skip

_ATH_FROM: Final = 2025  # first season Savant writes the Athletics as ATH (OAK before)
_DEDUPE_KEYS: Final = ("game_pk", "at_bat_number", "pitch_number")
PlayerType = Literal["batter", "pitcher"]


@attrs.frozen(eq=False)
class StatcastResult(FrameExport):
    """A Statcast pull: the rows of every day that worked, and what happened to the others.

    ``table``: the days' rows concatenated in day order (within a day, Savant's order: newest
    first).  ``errors``: the typed error of every day that failed (its rows are absent).
    ``cached_days``: days served from the cache.  ``split_days``: days that hit the row cap and
    were re-queried by team.  ``incomplete_days``: days whose rows are included but may still be
    missing some (a slice was still capped, or a filtered query hit the cap); never cached.
    ``freshness``: the oldest fetch time among the days; ``from_cache`` only if every day was.
    ``to_arrow()`` / ``to_pandas()`` / ``to_polars()`` export ``table``.
    """

    table: StatcastTable
    days: tuple[date, ...]
    errors: dict[date, Exception]
    cached_days: tuple[date, ...] = ()
    split_days: tuple[date, ...] = ()
    incomplete_days: tuple[date, ...] = ()
    freshness: Freshness | None = None

    @property
    def ok(self) -> bool:
        """True when every requested day was served completely."""
        return not self.errors and not self.incomplete_days

    def raise_for_errors(self) -> None:
        """Raise the error of the first failed day, if any day failed."""
        for day in sorted(self.errors):
            raise self.errors[day]

    def _frame_columns(self) -> list[FrameColumn]:
        return self.table._frame_columns()

    def _frame_owner(self) -> StatcastTable:
        return self.table

    def __repr__(self) -> str:
        return (
            f"StatcastResult(rows={self.table.rows}, days={len(self.days)}, "
            f"errors={len(self.errors)}, cached={len(self.cached_days)}, "
            f"split={len(self.split_days)}, incomplete={len(self.incomplete_days)})"
        )


def _check_days_failed(mode: ErrorMode, result: StatcastResult) -> None:
    days = result.days
    span = days[0].isoformat() if len(days) == 1 else f"{days[0]}..{days[-1]}" if days else ""
    check_errors(
        mode,
        source=SOURCE,
        what="day",
        total=len(days),
        errors=result.errors,
        result=result,
        label=date.isoformat,
        span=span,
    )


def _check_day(value: object, name: str) -> date:
    return to_date(value, name)


def _check_team(value: object) -> str | None:
    """Any code or name :func:`savantsdk.ids.canonical_team` knows -> the canonical code
    (``"SEAA"`` and other unknowns raise, naming the valid codes)."""
    if value is None:
        return None
    code = canonical_team(value) if isinstance(value, str) and value.strip() else None
    if code is None:
        raise ConfigurationError(
            f"unknown team {value!r}: use a code such as 'SEA' or a name such as 'Seattle "
            f"Mariners'; valid codes: {', '.join(sorted(TEAM_CODES))} (and their aliases, "
            "e.g. OAK, ARI, CHW, ANA)",
            setting="team",
        )
    return code


def savant_team(team: str, day: date) -> str:
    """The code Savant uses for ``team`` on ``day``: the canonical one, except the Athletics,
    who are ``OAK`` in Savant's data before 2025 and ``ATH`` from 2025."""
    code = canonical_team(team) or team.strip().upper()
    if code == "ATH" and day.year < _ATH_FROM:
        return "OAK"
    return code


def _check_id_arg(value: object, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigurationError(f"{name} must be a positive MLBAM id, got {value!r}", setting=name)
    return value


def dedupe_pitches(table: StatcastTable) -> StatcastTable:
    """Drop repeated pitches (same ``game_pk, at_bat_number, pitch_number``), keeping the first."""
    if table.rows == 0 or any(k not in table for k in _DEDUPE_KEYS):
        return table
    keys = np.stack([table.column(k).values.astype(np.int64) for k in _DEDUPE_KEYS], axis=1)
    _, first = np.unique(keys, axis=0, return_index=True)
    if first.size == table.rows:
        return table
    mask = np.zeros(table.rows, dtype=bool)
    mask[first] = True
    return table.filter(mask)


def _teams_in(table: StatcastTable) -> set[str]:
    teams: set[str] = set()
    for name in ("home_team", "away_team"):
        if name in table:
            teams.update(str(v) for v in table.column(name).present.tolist())
    return teams


def _player_type(value: str) -> str:
    if value not in ("batter", "pitcher"):
        raise ConfigurationError(
            f"player_type must be 'batter' or 'pitcher', got {value!r}", setting="player_type"
        )
    return value


def _year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 2008 <= value <= 2100:
        raise ConfigurationError(f"year must be a season (2008..), got {value!r}", setting="year")
    return value


def _game_result(table: StatcastTable, fetched_at: float, *, from_cache: bool) -> StatcastResult:
    span = table.date_range()
    return StatcastResult(
        table=table,
        days=(span[0],) if span is not None else (),
        errors={},
        cached_days=(span[0],) if span is not None and from_cache else (),
        freshness=Freshness(
            source=SOURCE, fetched_at=utc_from_timestamp(fetched_at), from_cache=from_cache
        ),
    )


def _validate_day(table: StatcastTable, day: date) -> None:
    """Every row of a one-day query must be from that day (else it is not what we asked for)."""
    span = table.date_range()
    if span is None:
        if table.rows and "game_date" in table:
            raise SourceDecodeError(
                f"invalid payload: {table.rows} rows without game_date for {day}", source=SOURCE
            )
        return
    if span != (day, day):
        raise SourceDecodeError(
            f"invalid payload: the query for {day} returned game dates {span[0]}..{span[1]}",
            source=SOURCE,
        )


def _validate_ids(table: StatcastTable) -> None:
    """Ids must be present and positive on every row (``game_pk``, ``batter``, ``pitcher``)."""
    for name in ("game_pk", "batter", "pitcher"):
        if name not in table or table.rows == 0:
            continue
        col = table.column(name)
        bad = col.missing | (col.values <= 0) if col.kind == "int" else col.missing
        if bool(np.any(bad)):
            row = int(np.argmax(bad))
            raise SourceDecodeError(
                f"invalid payload: column {name!r} row {row} is not a well-formed id",
                source=SOURCE,
            )
