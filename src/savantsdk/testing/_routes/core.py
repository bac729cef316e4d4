"""The fake upstream's state and the helpers its per-upstream routes share.

:class:`FakeState` holds the league, the simulated clock, the request log, faults, rate-limit
buckets, Odds API credits and the rendered-body cache; the route mixins in this package
(:mod:`.savant`, :mod:`.statsapi`, :mod:`.prizepicks`, :mod:`.odds_api`, :mod:`.sportradar`)
read it, and :class:`~savantsdk.testing.FakeUpstream` combines them with the server.
"""

from __future__ import annotations

import asyncio
import collections
import random
import threading
from collections.abc import Mapping
from datetime import UTC, date, datetime, time as dtime, timedelta
from typing import TYPE_CHECKING, Any, Final

import orjson

from ..._clock import SystemClock
from ...typing import Clock
from .. import _payloads as _p
from .._faults import RecordedRequest, RouteFaults, TokenBucket
from .._league import SimulatedLeague
from .._world import Game

if TYPE_CHECKING:
    from starlette.responses import Response

__all__ = ("DEFAULT_API_KEYS", "FakeState")

_HTML_PAGE: Final = (
    b"<!DOCTYPE html>\n<html><head><title>Just a moment...</title></head>"
    b"<body><h1>Checking your browser before accessing the site.</h1></body></html>\n"
)
DEFAULT_API_KEYS: Final[Mapping[str, str]] = {
    "odds_api": "fake-odds-api-key",
    "sportradar": "fake-sportradar-key",
}


def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    from starlette.responses import Response

    return Response(
        orjson.dumps(body),
        status_code=status,
        headers=dict(headers or {}),
        media_type="application/json",
    )


def _parse_day(text: str) -> date:
    if "/" in text:
        m, d, y = text.split("/")
        return date(int(y), int(m), int(d))
    return date.fromisoformat(text)


class FakeState:
    """State shared by the routes of every upstream (constructed as ``FakeUpstream(...)``)."""

    def __init__(
        self,
        league: SimulatedLeague | None = None,
        *,
        seed: int = 0,
        now: datetime | None = None,
        clock: Clock | None = None,
        speed: float = 1.0,
        host: str = "127.0.0.1",
        port: int = 0,
        api_keys: Mapping[str, str] | None = None,
        odds_api_credits: int | None = 500,
        fault_seed: int = 0,
        savant_row_cap: int = 25_000,
        lag_threshold_s: float = 0.05,
        in_flight_threshold: int = 10_000,
    ) -> None:
        self.league: SimulatedLeague = league if league is not None else SimulatedLeague(seed=seed)
        last = self.league.dates[-1]
        self._now0 = now or datetime.combine(last, dtime(21, 0), tzinfo=UTC)
        if self._now0.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self._clock: Clock = clock or SystemClock()
        self._clock0 = self._clock.time()
        self._speed = speed
        self._host = host
        self._port = port
        self._api_keys = dict(DEFAULT_API_KEYS if api_keys is None else api_keys)
        self._credits_total = odds_api_credits
        self._credits_used = 0
        self._rng = random.Random(fault_seed)  # noqa: S311 - fault injection, not crypto
        self._row_cap = savant_row_cap
        self._faults: list[RouteFaults] = []
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()
        self._records: list[RecordedRequest] = []
        self._sc_cache: dict[int, _p.StatcastGame] = {}
        self._body_cache: collections.OrderedDict[tuple[Any, ...], bytes] = (
            collections.OrderedDict()
        )
        self._sr_games: dict[str, int] = {}
        self._lag_threshold = lag_threshold_s
        self._in_flight_threshold = in_flight_threshold
        self._lags: collections.deque[float] = collections.deque(maxlen=200_000)
        self._in_flight = 0
        self._peak_in_flight = 0
        self._thread: threading.Thread | None = None
        self._server: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._error: BaseException | None = None

    def now(self) -> datetime:
        """The simulated instant (UTC)."""
        elapsed = (self._clock.time() - self._clock0) * self._speed
        return self._now0 + timedelta(seconds=elapsed)

    def set_now(self, now: datetime) -> None:
        """Jump the simulated clock to ``now`` (it keeps moving with the clock from there)."""
        self._now0 = now
        self._clock0 = self._clock.time()

    def _today(self) -> date:
        return (self.now() - timedelta(hours=4)).date()

    def _cached(self, key: tuple[Any, ...]) -> bytes | None:
        with self._lock:
            data = self._body_cache.get(key)
            if data is not None:
                self._body_cache.move_to_end(key)
            return data

    def _store(self, key: tuple[Any, ...], data: bytes) -> bytes:
        with self._lock:
            self._body_cache[key] = data
            while len(self._body_cache) > 256:
                self._body_cache.popitem(last=False)
        return data

    def _sc_game(self, game: Game) -> _p.StatcastGame:
        sc = self._sc_cache.get(game.game_pk)
        if sc is None:
            sc = self._sc_cache[game.game_pk] = _p.StatcastGame(self.league, game)
        return sc
