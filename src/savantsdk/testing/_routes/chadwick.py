"""Chadwick register route of the fake: ``data/people-{shard}.csv`` for the league's players.

A mixin of :class:`~savantsdk.testing.FakeUpstream` over the state in :mod:`.core`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._payloads.chadwick import register_shard_csv
from .core import FakeState

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ("ChadwickRoutes",)

_SHARDS = frozenset("0123456789abcdef")


class ChadwickRoutes(FakeState):
    async def _register_shard(self, request: Request) -> Response:
        from starlette.responses import Response

        shard = request.path_params["shard"]
        if shard not in _SHARDS:
            return Response(b"404: Not Found", status_code=404, media_type="text/plain")
        return Response(
            register_shard_csv(self.league, shard),
            media_type="text/plain; charset=utf-8",  # what raw.githubusercontent.com sends
        )
