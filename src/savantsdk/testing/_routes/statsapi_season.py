"""MLB Stats API season routes of the fake: season stats (players, paginated; teams),
standings, league leaders, a game's linescore and content.

A mixin of :class:`~savantsdk.testing.FakeUpstream` over the state in :mod:`.core`; bodies
come from :mod:`.._payloads.statsapi_season`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._payloads import statsapi_season as _ps
from .core import FakeState, _json

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ("StatsApiSeasonRoutes",)


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.strip().lstrip("-").isdecimal() else default


class StatsApiSeasonRoutes(FakeState):
    def _bad(self, message: str) -> Response:
        return _json({"messageNumber": 1, "message": message}, 400)

    def _season_of(self, request: Request) -> int | None:
        """The ``season`` asked for; ``None`` when it is not the simulated one (no data)."""
        season = _int(request.query_params.get("season"), self.league.season)
        return season if season == self.league.season else None

    async def _season_stats(self, request: Request) -> Response:
        q = request.query_params
        group = (q.get("group") or "hitting").strip("[]")
        stat_type = q.get("stats") or "season"
        if group not in {"hitting", "pitching"}:
            return self._bad(f"Unsupported group {group!r}")
        season = self._season_of(request)
        if season is None:
            return _json(_ps._stats_body(group, stat_type, 0, []))
        offset, limit = max(0, _int(q.get("offset"), 0)), max(0, _int(q.get("limit"), 50))
        return _json(
            _ps.season_stats_json(
                self.league,
                self.now(),
                group=group,
                stat_type=stat_type,
                season=season,
                offset=offset,
                limit=limit,
            )
        )

    async def _team_stats(self, request: Request) -> Response:
        q = request.query_params
        group = (q.get("group") or "hitting").strip("[]")
        if group not in {"hitting", "pitching"}:
            return self._bad(f"Unsupported group {group!r}")
        stat_type = q.get("stats") or "season"
        season = self._season_of(request)
        if season is None:
            return _json(_ps._stats_body(group, stat_type, 0, []))
        return _json(
            _ps.team_stats_json(
                self.league, self.now(), group=group, stat_type=stat_type, season=season
            )
        )

    async def _standings(self, request: Request) -> Response:
        q = request.query_params
        raw = q.get("leagueId") or q.get("leagueIds")
        if not raw:
            return self._bad("leagueId is required")
        ids = [int(x) for x in raw.split(",") if x.strip().isdecimal()]
        season = self._season_of(request)
        if season is None:
            return _json({"copyright": _ps.COPYRIGHT, "records": []})
        return _json(_ps.standings_json(self.league, self.now(), season=season, league_ids=ids))

    async def _leaders(self, request: Request) -> Response:
        q = request.query_params
        cats = [c for c in (q.get("leaderCategories") or "").split(",") if c]
        if not cats:
            return self._bad("leaderCategories is required")
        season = self._season_of(request)
        if season is None:
            return _json({"copyright": _ps.COPYRIGHT, "leagueLeaders": []})
        return _json(
            _ps.leaders_json(
                self.league,
                self.now(),
                categories=cats,
                season=season,
                stat_group=q.get("statGroup"),
                limit=max(1, _int(q.get("limit"), 10)),
            )
        )

    async def _linescore(self, request: Request) -> Response:
        game = self.league.game_by_pk.get(int(request.path_params["pk"]))
        if game is None:
            return _json({"messageNumber": 11, "message": "Object not found"}, 404)
        return _json(_ps.linescore_json(self.league, self.league.state(game.game_pk, self.now())))

    async def _content(self, request: Request) -> Response:
        game = self.league.game_by_pk.get(int(request.path_params["pk"]))
        if game is None:
            return _json({"messageNumber": 11, "message": "Object not found"}, 404)
        now = self.now()
        return _json(_ps.content_json(self.league, self.league.state(game.game_pk, now), now))
