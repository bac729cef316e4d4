"""The Odds API v4 routes of the fake: sports, events, bulk and per-event odds, with API-key
checks, error bodies, quota headers and the credit budget.

A mixin of :class:`~savantsdk.testing.FakeUpstream` over the state in :mod:`.core`.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from .. import _payloads as _p
from .._world import Game
from .core import FakeState, _json

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ("OddsApiRoutes",)

_ODDS_DETAILS: Final = "https://the-odds-api.com/liveapi/guides/v4/api-error-codes.html#"
_SPORTS: Final = (
    {
        "key": "baseball_kbo",
        "group": "Baseball",
        "title": "KBO",
        "description": "KBO League",
        "active": True,
        "has_outrights": False,
    },
    {
        "key": "baseball_mlb",
        "group": "Baseball",
        "title": "MLB",
        "description": "Major League Baseball",
        "active": True,
        "has_outrights": False,
    },
    {
        "key": "baseball_mlb_world_series_winner",
        "group": "Baseball",
        "title": "MLB World Series Winner",
        "description": "World Series Winner 2024",
        "active": True,
        "has_outrights": True,
    },
    {
        "key": "baseball_npb",
        "group": "Baseball",
        "title": "NPB",
        "description": "Nippon Professional Baseball",
        "active": True,
        "has_outrights": False,
    },
    {
        "key": "basketball_nba",
        "group": "Basketball",
        "title": "NBA",
        "description": "US Basketball",
        "active": True,
        "has_outrights": False,
    },
)


class OddsApiRoutes(FakeState):
    def _quota_headers(self, last: int) -> dict[str, str]:
        remaining = (
            self._credits_total - self._credits_used if self._credits_total is not None else 10**9
        )
        return {
            "x-requests-remaining": str(max(0, remaining)),
            "x-requests-used": str(self._credits_used),
            "x-requests-last": str(last),
        }

    def _odds_error(self, status: int, code: str, message: str) -> Response:
        slug = code.lower().replace("_", "-")
        return _json(
            {"message": message, "error_code": code, "details_url": _ODDS_DETAILS + slug},
            status,
            self._quota_headers(0),
        )

    def _odds_auth(self, request: Request) -> Response | None:
        key = request.query_params.get("apiKey")
        if not key:
            return self._odds_error(
                401, "MISSING_KEY", "API key is missing. Get an API key at https://the-odds-api.com"
            )
        if key != self._api_keys.get("odds_api"):
            return self._odds_error(
                401,
                "INVALID_KEY",
                "API key is not valid. Get an API key at https://the-odds-api.com",
            )
        return None

    def _charge(self, cost: int) -> bool:
        """Spend ``cost`` credits; False (nothing spent) when the budget cannot cover it."""
        with self._lock:
            if (
                self._credits_total is not None
                and cost > 0
                and (self._credits_used + cost > self._credits_total)
            ):
                return False
            self._credits_used += cost
        return True

    def _regions(self, request: Request) -> int | Response:
        q = request.query_params
        if q.get("bookmakers"):
            return math.ceil(len([b for b in q["bookmakers"].split(",") if b]) / 10)
        if not q.get("regions"):
            return self._odds_error(422, "MISSING_REGION", "Missing regions or bookmakers key")
        return len([r for r in q["regions"].split(",") if r])

    def _open_games(self) -> list[Game]:
        now = self.now()
        return [
            g
            for g in self.league.schedule
            if g.start > now - timedelta(hours=5) and not self.league.state(g.game_pk, now).is_final
        ]

    async def _odds_sports(self, request: Request) -> Response:
        if (err := self._odds_auth(request)) is not None:
            return err
        return _json(list(_SPORTS), headers=self._quota_headers(0))

    def _sport_check(self, request: Request) -> Response | None:
        sport = request.path_params["sport"]
        if sport not in {s["key"] for s in _SPORTS}:
            return self._odds_error(404, "UNKNOWN_SPORT", f"Unknown sport: {sport}")
        return None

    async def _odds_events(self, request: Request) -> Response:
        if (err := self._odds_auth(request) or self._sport_check(request)) is not None:
            return err
        if request.path_params["sport"] != "baseball_mlb":
            return _json([], headers=self._quota_headers(0))
        games = self._filter_commence(request, self._open_games())
        return _json([_p.odds_event(self.league, g) for g in games], headers=self._quota_headers(0))

    def _filter_commence(self, request: Request, games: list[Game]) -> list[Game]:
        q = request.query_params
        lo, hi = q.get("commenceTimeFrom"), q.get("commenceTimeTo")
        if lo:
            t = datetime.fromisoformat(lo)
            games = [g for g in games if g.start >= t]
        if hi:
            t = datetime.fromisoformat(hi)
            games = [g for g in games if g.start <= t]
        if q.get("eventIds"):
            wanted = set(q["eventIds"].split(","))
            games = [g for g in games if _p.event_id(self.league, g) in wanted]
        return games

    def _priced_call(self, request: Request) -> int | Response:
        """The checks of a billed odds call: key, sport, then the region count (or the error)."""
        if (err := self._odds_auth(request) or self._sport_check(request)) is not None:
            return err
        return self._regions(request)

    def _charge_or_refuse(self, cost: int) -> Response | None:
        """Charge ``cost`` credits; the upstream's 401 when the account is out of them."""
        if self._charge(cost):
            return None
        return self._odds_error(
            401,
            "OUT_OF_USAGE_CREDITS",
            "Usage quota has been reached. See usage plans at https://the-odds-api.com",
        )

    def _markets(self, request: Request) -> list[str]:
        raw = request.query_params.get("markets") or "h2h"
        return list(dict.fromkeys(m.strip() for m in raw.split(",") if m.strip()))

    async def _odds_bulk(self, request: Request) -> Response:
        regions = self._priced_call(request)
        if not isinstance(regions, int):
            return regions  # the key, sport or regions were refused
        markets = self._markets(request)
        bad = [m for m in markets if m not in _p.FEATURED_MARKETS]
        if bad:
            return self._odds_error(
                422, "INVALID_MARKET", "Markets not supported by this endpoint: " + ", ".join(bad)
            )
        fmt = request.query_params.get("oddsFormat") or "decimal"
        games = self._filter_commence(request, self._open_games())
        if request.path_params["sport"] != "baseball_mlb":
            games = []
        cost = len(markets) * regions if games else 0
        if (refused := self._charge_or_refuse(cost)) is not None:
            return refused
        now = self.now()
        body = [_p.bulk_odds_event(self.league, g, markets, fmt, now) for g in games]
        return _json(body, headers=self._quota_headers(cost))

    async def _odds_event(self, request: Request) -> Response:
        regions = self._priced_call(request)
        if not isinstance(regions, int):
            return regions  # the key, sport or regions were refused
        event = request.path_params["event_id"]
        game = next((g for g in self._open_games() if _p.event_id(self.league, g) == event), None)
        if game is None:
            return self._odds_error(
                404,
                "EVENT_NOT_FOUND",
                "Event not found. The event may have expired or the event id is invalid.",
            )
        markets = self._markets(request)
        fmt = request.query_params.get("oddsFormat") or "decimal"
        now = self.now()
        books = request.query_params.get("bookmakers")
        body, n_props = _p.event_odds_json(
            self.league, game, markets, fmt, now, bookmakers=books.split(",") if books else None
        )
        featured = [m for m in markets if m in _p.FEATURED_MARKETS]
        if featured:
            bulk = _p.bulk_odds_event(self.league, game, featured, fmt, now)
            extra = {b["key"]: b["markets"] for b in bulk["bookmakers"]}
            for b in body["bookmakers"]:
                b["markets"] = extra.get(b["key"], []) + b["markets"]
        cost = (n_props + len({m for m in featured if m in {"h2h", "spreads", "totals"}})) * (
            regions
        )
        if (refused := self._charge_or_refuse(cost)) is not None:
            return refused
        return _json(body, headers=self._quota_headers(cost))
