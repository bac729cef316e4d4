"""MLB Stats API routes of the fake: schedule, live feed (timecodes, diffPatch), box score,
people, game logs, teams and rosters.

A mixin of :class:`~savantsdk.testing.FakeUpstream` over the state in :mod:`.core`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

from .. import _payloads as _p
from .._league import SimulatedLeague
from .._world import Game, GameState
from .core import FakeState, _json, _parse_day

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ("StatsApiRoutes",)


class StatsApiRoutes(FakeState):
    def _state_json(
        self,
        kind: str,
        request: Request,
        render: Callable[[SimulatedLeague, GameState, datetime], Any],
    ) -> Response:
        """The game of ``request`` (404 if unknown) rendered as of its ``timecode`` (or reused:
        the payload depends only on the PAs done so far)."""
        from starlette.responses import Response

        game = self._game(request)
        if game is None:
            return self._not_found()
        at = self._as_of(request)
        state = self.league.state(game.game_pk, at)
        if state.status == "Preview":  # depends on `at` (lineups posted, timestamps)
            return _json(render(self.league, state, at))
        key = (kind, game.game_pk, len(state.pas), state.status)
        data = self._cached(key) or self._store(key, orjson.dumps(render(self.league, state, at)))
        return Response(data, media_type="application/json")

    def _not_found(self) -> Response:
        return _json(
            {
                "messageNumber": 11,
                "message": "Object not found",
                "timestamp": _p.iso_z(datetime.now(UTC)),
                "traceId": None,
            },
            404,
        )

    def _as_of(self, request: Request) -> datetime:
        now = self.now()
        tc = request.query_params.get("timecode")
        if tc:
            try:
                return min(now, _p.parse_timecode(tc))
            except ValueError:
                return now
        return now

    async def _schedule(self, request: Request) -> Response:
        q = request.query_params
        lg = self.league
        try:
            if q.get("date"):
                first = last = _parse_day(q["date"])
            elif q.get("startDate") or q.get("endDate"):
                first = _parse_day(q.get("startDate") or q["endDate"])
                last = _parse_day(q.get("endDate") or q["startDate"])
            else:
                first = last = self._today()
        except ValueError:
            return _json({"messageNumber": 1, "message": "Invalid date"}, 400)
        games = list(lg.games_between(first, last))
        if q.get("teamId"):
            tids = {int(t) for t in q["teamId"].split(",") if t}
            games = [g for g in games if g.home_id in tids or g.away_id in tids]
        if q.get("gamePk") or q.get("gamePks"):
            pks = {int(p) for p in (q.get("gamePk") or q.get("gamePks") or "").split(",") if p}
            games = [g for g in games if g.game_pk in pks]
        return _json(_p.schedule_json(lg, games, self.now(), q.get("hydrate") or ""))

    def _game(self, request: Request) -> Game | None:
        return self.league.game_by_pk.get(int(request.path_params["pk"]))

    async def _feed(self, request: Request) -> Response:
        return self._state_json("feed", request, _p.feed_json)

    async def _timestamps(self, request: Request) -> Response:
        game = self._game(request)
        if game is None:
            return self._not_found()
        st = self.league.state(game.game_pk, self.now())
        return _json(_p.timestamps_json(self.league, st))

    async def _diff_patch(self, request: Request) -> Response:
        game = self._game(request)
        if game is None:
            return self._not_found()
        now = self.now()
        new_state = self.league.state(game.game_pk, now)
        new = _p.feed_json(self.league, new_state, now)
        start = request.query_params.get("startTimecode")
        if not start:
            return _json(new)
        try:
            then = min(now, _p.parse_timecode(start))
        except ValueError:
            return _json(new)
        old_state = self.league.state(game.game_pk, then)
        if len(old_state.pas) == len(new_state.pas) and old_state.status == new_state.status:
            return _json([])
        old = _p.feed_json(self.league, old_state, now)
        return _json([{"diff": _p.json_diff(old, new)}])

    async def _boxscore(self, request: Request) -> Response:
        return self._state_json("box", request, _p.boxscore_json)

    async def _people(self, request: Request) -> Response:
        ids = [
            int(x)
            for x in (request.query_params.get("personIds") or "").split(",")
            if x.strip().isdecimal()
        ]
        people = [
            _p.person_json(self.league, self.league.players[i], at=self._today())
            for i in ids
            if i in self.league.players
        ]
        return _json({"copyright": _p.COPYRIGHT, "people": people})

    async def _person(self, request: Request) -> Response:
        pid = int(request.path_params["pid"])
        if pid not in self.league.players:
            return self._not_found()
        return _json(
            {
                "copyright": _p.COPYRIGHT,
                "people": [_p.person_json(self.league, self.league.players[pid], at=self._today())],
            }
        )

    async def _people_search(self, request: Request) -> Response:
        names = request.query_params.get("names") or request.query_params.get("name") or ""
        people = [
            _p.person_json(self.league, p, at=self._today()) for p in self.league.search(names)
        ]
        return _json({"copyright": _p.COPYRIGHT, "people": people})

    async def _person_stats(self, request: Request) -> Response:
        pid = int(request.path_params["pid"])
        if pid not in self.league.players:
            return self._not_found()
        q = request.query_params
        if (q.get("stats") or "gameLog") != "gameLog":
            return _json({"copyright": _p.COPYRIGHT, "stats": []})
        player = self.league.players[pid]
        default = "pitching" if player.is_pitcher else "hitting"
        groups = [
            g.strip() for g in (q.get("group") or default).strip("[]").split(",") if g.strip()
        ]
        season = int(q.get("season") or self.league.season)
        if season != self.league.season:
            return _json({"copyright": _p.COPYRIGHT, "stats": []})
        return _json(_p.game_log_json(self.league, player, groups, self.now(), season))

    async def _teams(self, request: Request) -> Response:
        return _json(_p.teams_json(self.league))

    async def _roster(self, request: Request) -> Response:
        team = self.league.team_by_id.get(int(request.path_params["tid"]))
        if team is None:
            return self._not_found()
        kind = (
            request.path_params.get("kind") or request.query_params.get("rosterType") or ("active")
        )
        return _json(_p.roster_json(self.league, team, kind))
