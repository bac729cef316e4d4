"""PrizePicks route of the fake: the ``projections`` board.

A mixin of :class:`~savantsdk.testing.FakeUpstream` over the state in :mod:`.core`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from .. import _payloads as _p
from .core import FakeState, _json

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ("PrizePicksRoutes",)


class PrizePicksRoutes(FakeState):
    async def _projections(self, request: Request) -> Response:
        league_id = request.query_params.get("league_id")
        now = self.now()
        if league_id not in (None, "", "2"):
            return _json(
                {
                    "data": [],
                    "included": [],
                    "links": {"self": "api.prizepicks.com/projections"},
                    "meta": {"current_page": 1, "total_pages": 1},
                }
            )
        today = self._today()
        games = [
            g for g in self.league.games_between(today, today + timedelta(days=1)) if g.start > now
        ]
        return _json(_p.prizepicks_json(self.league, games, now))
