"""A day's slate: games with starting lineups (in batting order) and starting pitchers.

The prop engine needs only this much about a day.  Offline, :func:`slate_from_statcast`
takes it from the day's own Statcast rows (the actual starting nine and starters, which is
what the backtest settles against); online it will come from the Stats API's probable
pitchers and posted lineups (a source client builds a :class:`Slate` the same way).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from .._dates import to_date
from ..exceptions import PropGenerationError
from ..sources import PlateAppearances, game_starts
from ..typing import DateLike

__all__ = ("Slate", "SlateGame", "slate_from_statcast")


def _ids(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(int(v) for v in value)


@attrs.frozen
class SlateGame:
    """One game: teams, each lineup in batting order (up to nine MLBAM ids), each starter.

    ``home_starter`` pitches to the away lineup.  ``*_starter_throws`` is ``"L"``/``"R"`` when
    known, ``""`` otherwise (the rate model then uses the hand seen in its history).

    ``start_time`` is the scheduled first pitch (timezone-aware; the Stats API's ``gameDate``)
    when known, and ``game_number`` is 1 or 2 for the games of a doubleheader (1 otherwise):
    market lines are matched to one game of a doubleheader by them.
    """

    game_pk: int
    home_team: str
    away_team: str
    home_lineup: tuple[int, ...] = attrs.field(converter=_ids)
    away_lineup: tuple[int, ...] = attrs.field(converter=_ids)
    home_starter: int
    away_starter: int
    game_date: dt.date | None = None
    home_starter_throws: str = ""
    away_starter_throws: str = ""
    start_time: dt.datetime | None = None
    game_number: int | None = None

    def __attrs_post_init__(self) -> None:
        for side, lineup in (("home", self.home_lineup), ("away", self.away_lineup)):
            if len(lineup) > 9:
                raise PropGenerationError(
                    f"game {self.game_pk}: {side} lineup has {len(lineup)} batters (max 9)"
                )


@attrs.frozen
class Slate:
    """The games of one day (``games`` may be empty: ``reason`` then says why)."""

    date: dt.date
    games: tuple[SlateGame, ...] = attrs.field(converter=tuple[SlateGame, ...], default=())
    reason: str | None = None

    def __len__(self) -> int:
        return len(self.games)

    def filter_games(self, game_pks: Iterable[int]) -> Slate:
        wanted = {int(g) for g in game_pks}
        return attrs.evolve(self, games=tuple(g for g in self.games if g.game_pk in wanted))


def slate_from_statcast(pas: PlateAppearances, day: DateLike) -> Slate:
    """The slate of ``day`` (:data:`~savantsdk.typing.DateLike`) from its Statcast plate
    appearances (:func:`game_starts`).

    Lineups are each team's first nine distinct batters in order of first PA; starters are the
    first pitcher to face the other team; the starters' hands come from the day's rows.  A day
    with no rows gives an empty slate with a ``reason``.

    Statcast carries no start times, so a team's games of the day are numbered in ``game_pk``
    order (``game_number`` 1, 2): MLB assigns the pks of a scheduled doubleheader in that order.
    A game made up as the first half of a doubleheader can break that (its pk is older or newer
    than the day's); pass a slate from the Stats API (which has ``gameNumber`` and start times)
    where that matters.
    """
    day = to_date(day, "day")
    today = pas.on(day)
    if len(today) == 0:
        return Slate(date=day, reason=f"no games found on {day.isoformat()} in the Statcast data")
    throws: dict[int, str] = {}
    for p, h in zip(today.pitcher.tolist(), today.p_throws.tolist(), strict=True):
        throws.setdefault(int(p), str(h))
    games = [
        SlateGame(
            game_pk=st.game_pk,
            home_team=st.home_team,
            away_team=st.away_team,
            home_lineup=st.home_lineup,
            away_lineup=st.away_lineup,
            home_starter=st.home_starter,
            away_starter=st.away_starter,
            game_date=st.game_date,
            home_starter_throws=throws.get(st.home_starter, ""),
            away_starter_throws=throws.get(st.away_starter, ""),
        )
        for st in game_starts(today)
    ]
    games.sort(key=lambda g: g.game_pk)
    seen: dict[str, int] = {}
    numbered = []
    for g in games:
        n = max(seen.get(g.home_team, 0), seen.get(g.away_team, 0)) + 1
        seen[g.home_team] = seen[g.away_team] = n
        numbered.append(attrs.evolve(g, game_number=n))
    return Slate(date=day, games=tuple(numbered))
