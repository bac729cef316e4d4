"""The Stats API client's season calls: season stats (players and teams), standings, league
leaders, and a game's linescore and content.

A mixin of :class:`~savantsdk.sources.StatsApiClient` (kept apart so neither module grows past
the house limit); every request goes through the client's ``get_bytes`` (the ``statsapi``
executor: rate limit, retries, breaker, coalescing) and its cache.  Cache kinds: a past season
``immutable``, the current one ``schedule`` (minutes); a linescore like a boxscore (immutable
once Final, ``live`` before); a game's content ``reference`` once Final (highlights keep coming
for a while), ``schedule`` before.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final

import anyio

from ..cache import cache_key
from ..exceptions import ConfigurationError
from ..executor import Lane
from ._quality import Fetched, check_id, check_required, utc_from_timestamp
from ._statsapi_base import SOURCE, StatsApiBase, arg_id
from ._statsapi_feed import Linescore, parse_linescore
from ._statsapi_game import GameContent, parse_game_content
from ._statsapi_stats import (
    LEADER_CATEGORIES,
    PLAYER_POOLS,
    STANDINGS_TYPES,
    STAT_GROUPS,
    STAT_TYPES,
    Leaders,
    SeasonStats,
    Standings,
    check_choice,
    parse_leaders,
    parse_season_stats,
    parse_standings,
)

__all__ = ("StatsApiSeasonCalls",)

_FIRST_SEASON: Final = 1876
#: ``gameType`` codes (R regular season, P postseason, F wild card, D division series, L
#: league championship, W World Series, S spring training, A All-Star, E exhibition).
GAME_TYPES: Final = frozenset({"R", "P", "F", "D", "L", "W", "S", "A", "E"})


def _positive(value: object, name: str, *, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise ConfigurationError(f"{name} must be an int in 1..{most}, got {value!r}", setting=name)
    return value


def _game_type(value: str | None) -> str | None:
    if value is None:
        return None
    return check_choice(value, GAME_TYPES, setting="game_type", what="game type")


class StatsApiSeasonCalls(StatsApiBase):
    """Season stats, standings, leaders, linescores and game content (see the module docs)."""

    __slots__ = ()

    # ------------------------------------------------------------------ helpers

    def _season(self, season: object) -> tuple[int, str]:
        """The season asked for (``None``: the current one) and its cache kind."""
        this_year = utc_from_timestamp(self._now()).year
        if season is None:
            return this_year, "schedule"
        if isinstance(season, bool) or not isinstance(season, int):
            raise ConfigurationError(
                f"season must be a year (int), got {season!r}", setting="season"
            )
        if not _FIRST_SEASON <= season <= this_year + 1:
            raise ConfigurationError(
                f"season must be in {_FIRST_SEASON}..{this_year + 1}, got {season}",
                setting="season",
            )
        return season, "immutable" if season < this_year else "schedule"

    # ------------------------------------------------------------------ season stats

    async def season_stats(
        self,
        season: int | None = None,
        *,
        group: str = "hitting",
        stats: str = "season",
        player_pool: str = "all",
        game_type: str | None = "R",
        team_id: int | None = None,
        sport_id: int = 1,
        page_size: int = 500,
        lane: Lane = Lane.PROPS,
    ) -> Fetched[SeasonStats]:
        """Every player's season line: ``/api/v1/stats?stats=season&group=hitting&playerPool=all``.

        ``group`` hitting/pitching/fielding...; ``stats="sabermetrics"`` for the season's
        sabermetrics (wOBA, wRC+, FIP, WAR... in ``row.extra``), any other stat type the
        endpoint takes otherwise; ``player_pool`` all/qualified/rookies...  Unknown values raise
        :class:`~savantsdk.exceptions.ConfigurationError` naming the valid ones.  The upstream
        pages at ``limit``/``offset``: the first page says how many rows there are and the rest
        are fetched concurrently (``page_size`` rows each), all through the executor; a page that
        fails fails the call (nothing partial is cached).  ``.to_pandas()`` on the result.
        """
        year, kind = self._season(season)
        params: dict[str, Any] = {
            "stats": check_choice(stats, STAT_TYPES, setting="stats", what="stat type"),
            "group": check_choice(group, STAT_GROUPS, setting="group", what="stat group"),
            "season": year,
            "playerPool": check_choice(
                player_pool, PLAYER_POOLS, setting="player_pool", what="player pool"
            ),
            "gameType": _game_type(game_type),
            "sportId": sport_id,
            "teamId": arg_id(team_id, "team_id") if team_id is not None else None,
        }
        size = _positive(page_size, "page_size", most=5000)

        async def page(offset: int) -> SeasonStats:
            body, request = await self.get_bytes(
                "/api/v1/stats", {**params, "limit": size, "offset": offset}, lane=lane
            )
            result = parse_season_stats(body, request=request)
            for row in result.rows:
                if row.player is not None:
                    check_id(row.player.id, "player id", source=SOURCE, request=request)
            return result

        async def load() -> SeasonStats:
            first = await page(0)
            total = first.total if first.total is not None else len(first.rows)
            offsets = list(range(size, total, size)) if len(first.rows) >= size else []
            pages: list[SeasonStats | None] = [None] * len(offsets)

            async def one(i: int, offset: int) -> None:
                pages[i] = await page(offset)

            async with anyio.create_task_group() as tg:
                for i, offset in enumerate(offsets):
                    tg.start_soon(one, i, offset)
            rows = list(first.rows)
            for p in pages:
                rows.extend(p.rows if p is not None else ())
            return SeasonStats(rows=tuple(rows), total=total)

        return await self._cached(
            cache_key(SOURCE, "season_stats", params=params), SeasonStats, load, kind=kind
        )

    async def team_stats(
        self,
        season: int | None = None,
        *,
        group: str = "hitting",
        stats: str = "season",
        game_type: str | None = "R",
        sport_id: int = 1,
        lane: Lane = Lane.PROPS,
    ) -> Fetched[SeasonStats]:
        """Every team's season line: ``/api/v1/teams/stats?stats=season&group=hitting``
        (rows carry ``team``, no ``player``; ``rank`` is the upstream's order)."""
        year, kind = self._season(season)
        params: dict[str, Any] = {
            "stats": check_choice(stats, STAT_TYPES, setting="stats", what="stat type"),
            "group": check_choice(group, STAT_GROUPS, setting="group", what="stat group"),
            "season": year,
            "gameType": _game_type(game_type),
            "sportId": sport_id,
        }

        async def load() -> SeasonStats:
            body, request = await self.get_bytes("/api/v1/teams/stats", params, lane=lane)
            result = parse_season_stats(body, request=request)
            for row in result.rows:
                check_required(row.team is not None, "team stats row without a team", source=SOURCE)
                check_id(row.team_id, "team id", source=SOURCE, request=request)
            return result

        return await self._cached(
            cache_key(SOURCE, "team_stats", params=params), SeasonStats, load, kind=kind
        )

    # ------------------------------------------------------------------ standings, leaders

    async def standings(
        self,
        season: int | None = None,
        *,
        league_ids: Sequence[int] = (103, 104),
        standings_type: str = "regularSeason",
        on_date: date | None = None,
        lane: Lane = Lane.PROPS,
    ) -> Fetched[Standings]:
        """``/api/v1/standings?leagueId=103,104&season=Y&standingsTypes=regularSeason``: one
        table per division (``on_date``: the standings as of that day).  ``.to_pandas()``."""
        year, kind = self._season(season)
        if not league_ids:
            raise ConfigurationError(
                "league_ids must name at least one league", setting="league_ids"
            )
        leagues = [arg_id(i, "league_ids") for i in league_ids]
        if on_date is not None and not isinstance(on_date, date):
            raise ConfigurationError(
                f"on_date must be a datetime.date, got {type(on_date).__name__}",
                setting="on_date",
            )
        params: dict[str, Any] = {
            "leagueId": ",".join(str(i) for i in leagues),
            "season": year,
            "standingsTypes": check_choice(
                standings_type, STANDINGS_TYPES, setting="standings_type", what="standings type"
            ),
            "date": on_date.isoformat() if isinstance(on_date, date) else None,
        }

        async def load() -> Standings:
            body, request = await self.get_bytes("/api/v1/standings", params, lane=lane)
            result = parse_standings(body, request=request)
            for table in result.records:
                for team in table.team_records:
                    check_id(team.team.id, "standings team id", source=SOURCE, request=request)
            return result

        return await self._cached(
            cache_key(SOURCE, "standings", params=params), Standings, load, kind=kind
        )

    async def leaders(
        self,
        categories: str | Sequence[str],
        season: int | None = None,
        *,
        stat_group: str | None = None,
        limit: int = 10,
        player_pool: str | None = None,
        game_type: str | None = None,
        sport_id: int = 1,
        lane: Lane = Lane.PROPS,
    ) -> Fetched[Leaders]:
        """League leaders: ``/api/v1/stats/leaders?leaderCategories=homeRuns&season=Y``.

        ``categories``: one or several of :data:`LEADER_CATEGORIES` (``"homeRuns"``,
        ``"earnedRunAverage"``...); without ``stat_group`` the upstream answers every group the
        category exists in (home runs hit and allowed).  ``limit`` leaders per category (ties
        can add rows).  ``.to_pandas()``: one row per leader.
        """
        year, kind = self._season(season)
        names = [categories] if isinstance(categories, str) else list(categories)
        if not names:
            raise ConfigurationError("categories must name at least one", setting="categories")
        checked = [
            check_choice(c, LEADER_CATEGORIES, setting="categories", what="leader category")
            for c in names
        ]
        params: dict[str, Any] = {
            "leaderCategories": ",".join(checked),
            "season": year,
            "statGroup": check_choice(
                stat_group, STAT_GROUPS, setting="stat_group", what="stat group"
            )
            if stat_group is not None
            else None,
            "limit": _positive(limit, "limit", most=1000),
            "playerPool": check_choice(
                player_pool, PLAYER_POOLS, setting="player_pool", what="player pool"
            )
            if player_pool is not None
            else None,
            "leaderGameTypes": _game_type(game_type),
            "sportId": sport_id,
        }

        async def load() -> Leaders:
            body, request = await self.get_bytes("/api/v1/stats/leaders", params, lane=lane)
            result = parse_leaders(body, request=request)
            for cat in result.categories:
                for leader in cat.leaders:
                    if leader.person is not None:
                        check_id(leader.person.id, "leader id", source=SOURCE, request=request)
            return result

        return await self._cached(
            cache_key(SOURCE, "leaders", params=params), Leaders, load, kind=kind
        )

    # ------------------------------------------------------------------ one game

    async def linescore(self, game_pk: int, *, lane: Lane = Lane.PROPS) -> Fetched[Linescore]:
        """``/api/v1/game/{pk}/linescore`` (not the whole feed): innings, R/H/E, offense and
        defense.  ``print(result.value)`` shows the text linescore; cached like a boxscore."""
        return await self._game_part(
            arg_id(game_pk, "game_pk"), "linescore", Linescore, parse_linescore, lane
        )

    async def game_content(self, game_pk: int, *, lane: Lane = Lane.PROPS) -> Fetched[GameContent]:
        """``/api/v1/game/{pk}/content``: the recap and the highlight videos
        (``.value.highlights``; ``.to_pandas()`` one row per highlight)."""
        pk = arg_id(game_pk, "game_pk")
        kind = "schedule"

        async def load() -> GameContent:
            nonlocal kind
            body, request = await self.get_bytes(f"/api/v1/game/{pk}/content", lane=lane)
            result = parse_game_content(body, request=request)
            if self._client.cache is not None and await self.is_final(pk, lane=lane):
                kind = "reference"
            return result

        return await self._cached(
            cache_key(SOURCE, "content", pk), GameContent, load, kind=lambda _c: kind
        )
