"""Baseball Savant routes of the fake: ``statcast_search/csv`` and the leaderboard CSVs.

A mixin of :class:`~savantsdk.testing.FakeUpstream` over the state in :mod:`.core`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import _payloads as _p
from .._world import Game
from .core import _HTML_PAGE, FakeState, _parse_day

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ("SavantRoutes",)


class SavantRoutes(FakeState):
    async def _statcast(self, request: Request) -> Response:
        from starlette.responses import Response

        q = request.query_params
        lg = self.league
        now = self.now()
        try:
            if q.get("game_pk"):
                game = lg.game_by_pk.get(int(q["game_pk"]))
                games: Sequence[Game] = (game,) if game else ()
            else:
                first = _parse_day(q["game_date_gt"]) if q.get("game_date_gt") else lg.dates[0]
                last = _parse_day(q["game_date_lt"]) if q.get("game_date_lt") else lg.dates[-1]
                games = lg.games_between(first, last)
        except ValueError:
            return Response(_p.SAVANT_ERROR_CSV.encode(), media_type="text/csv")
        team = q.get("team") or ""
        if team:
            t = lg.team_by_abbrev.get(team)
            games = [g for g in games if t is not None and t.id in (g.home_id, g.away_id)]
        batters = {int(x) for v in q.getlist("batters_lookup[]") for x in v.split(",") if x}
        pitchers = {int(x) for v in q.getlist("pitchers_lookup[]") for x in v.split(",") if x}
        persp = "batter" if q.get("player_type") == "batter" else "pitcher"
        ordered = sorted(games, key=lambda g: (g.start, g.game_pk), reverse=True)
        done_by_game = {
            g.game_pk: len(lg.state(g.game_pk, now).pas) for g in ordered if g.start <= now
        }
        key = (
            "sc",
            persp,
            tuple(sorted(batters)),
            tuple(sorted(pitchers)),
            tuple(done_by_game.items()),
        )
        cached = self._cached(key)
        if cached is not None:
            return Response(cached, media_type="text/csv; charset=utf-8")
        out: list[str] = []
        for game in ordered:
            if game.game_pk not in done_by_game:
                continue
            done = done_by_game[game.game_pk]
            for pa_index, b, p, line in self._sc_game(game).lines[persp]:
                if pa_index >= done:
                    continue
                if batters and b not in batters:
                    continue
                if pitchers and p not in pitchers:
                    continue
                out.append(line)
                if len(out) >= self._row_cap:
                    break
            if len(out) >= self._row_cap:
                break
        body = "\ufeff" + _p.STATCAST_HEADER + "\n" + "".join(line + "\n" for line in out)
        data = self._store(key, body.encode())
        return Response(data, media_type="text/csv; charset=utf-8")

    async def _leaderboard(self, request: Request) -> Response:
        from starlette.responses import Response

        kind = request.path_params["kind"]
        q = request.query_params
        if kind not in {"expected_statistics", "statcast", "percentile-rankings"}:
            return Response(b"<html>Not Found</html>", status_code=404, media_type="text/html")
        if (q.get("csv") or "").lower() != "true":
            return Response(_HTML_PAGE, media_type="text/html")
        ptype = q.get("type") or "batter"
        year = int(q.get("year") or self.league.season)
        pas = _p.season_pas(self.league, self.now()) if year == self.league.season else []
        text = _p.leaderboard_csv(self.league, pas, kind, ptype, year)
        minimum = q.get("min") or "0"
        if minimum.isdecimal() and int(minimum) > 0 and kind != "percentile-rankings":
            lines = text.splitlines()
            keep = [lines[0]] + [ln for ln in lines[1:] if _pa_of(kind, ln) >= int(minimum)]
            text = "\n".join(keep) + "\n"
        return Response(("\ufeff" + text).encode(), media_type="text/csv; charset=utf-8")


def _pa_of(kind: str, line: str) -> int:
    """The PA (or attempts) column of a leaderboard line, for ``min=`` filtering."""
    import csv

    row = next(csv.reader([line]))
    try:
        return int(row[3] if kind == "expected_statistics" else row[2].strip('"'))
    except (IndexError, ValueError):
        return 0
