"""SportRadar MLB v8 routes of the fake: daily schedule, game summary and play-by-play,
with key checks and plan headers.

A mixin of :class:`~savantsdk.testing.FakeUpstream` over the state in :mod:`.core`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from .. import _payloads as _p
from .._league import SimulatedLeague
from .._world import Game, GameState
from .core import FakeState, _json

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ("SportRadarRoutes",)


class SportRadarRoutes(FakeState):
    def _sr_auth(self, request: Request) -> Response | None:
        key = request.headers.get("x-api-key") or request.query_params.get("api_key")
        if not key:
            return _json({"message": "No API key found in request"}, 401)
        if key != self._api_keys.get("sportradar"):
            return _json({"message": "Invalid authentication credentials"}, 401)
        return None

    def _sr_headers(self) -> dict[str, str]:
        return {
            "Cache-Control": "public, must-revalidate, max-age=2",
            "X-Plan-Qps-Allotted": "1",
            "X-Plan-Quota-Allotted": "1000",
        }

    async def _sr_schedule(self, request: Request) -> Response:
        if (err := self._sr_auth(request)) is not None:
            return err
        pp = request.path_params
        try:
            day = date(pp["y"], pp["m"], pp["d"])
        except ValueError:
            return _json({"message": "Not Found"}, 404)
        return _json(_p.sr_schedule_json(self.league, day, self.now()), headers=self._sr_headers())

    def _sr_game(self, gid: str) -> Game | None:
        if not self._sr_games:
            self._sr_games = {_p.sr_id("game", g.game_pk): g.game_pk for g in self.league.schedule}
        pk = self._sr_games.get(gid)
        return self.league.game_by_pk[pk] if pk is not None else None

    async def _sr_summary(self, request: Request) -> Response:
        return self._sr_game_json(request, _p.sr_summary_json)

    async def _sr_pbp(self, request: Request) -> Response:
        return self._sr_game_json(request, _p.sr_pbp_json)

    def _sr_game_json(
        self, request: Request, render: Callable[[SimulatedLeague, GameState], Any]
    ) -> Response:
        """A per-game document (summary, play-by-play) as of now, after the key check."""
        if (err := self._sr_auth(request)) is not None:
            return err
        game = self._sr_game(request.path_params["gid"])
        if game is None:
            return _json({"message": "Not Found"}, 404)
        st = self.league.state(game.game_pk, self.now())
        return _json(render(self.league, st), headers=self._sr_headers())
