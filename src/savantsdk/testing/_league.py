"""A seeded simulated MLB league: teams, rosters, schedule, and games simulated on demand.

Everything is a pure function of ``seed`` (and the league's date range): the same seed gives the
same rosters, schedule, lineups, plate appearances and market lines.  Games are simulated lazily
and independently (each by :mod:`._game_sim` from its own ``Random(f"{seed}:{game_pk}")``), so
asking for one game never simulates the season.  The data and value types live in
:mod:`._world`; the true lines the simulated books price from live in :mod:`._oracle`.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Final

from ._game_sim import _GameSim
from ._oracle import TrueLine
from ._world import (
    _BATTER_SPREAD,
    _FIRST,
    _LAST,
    _PITCHER_SPREAD,
    _ROSTER_POSITIONS,
    _SUFFIXES,
    _TEAMS,
    LEAGUE_RATES_2024,
    OUTCOMES,
    Game,
    GameState,
    PlateAppearance,
    Player,
    Team,
    _calibrate,
    _draw_rates,
    fold,
)

__all__ = ("SimulatedLeague",)


_FIRST_PK: Final = 745_000
_GAME_TIMES_UTC: Final = (
    (17, 5),
    (18, 10),
    (20, 5),
    (22, 35),
    (22, 40),
    (22, 45),
    (23, 5),
    (23, 10),
    (23, 20),
    (23, 40),
    (0, 5),
    (0, 10),
    (1, 40),
    (2, 10),
    (2, 40),
)


class SimulatedLeague:
    """A deterministic world: ``SimulatedLeague(seed=7, season=2024, start=date(2024, 4, 1))``.

    ``days`` consecutive full days (15 games each, plus an occasional doubleheader).
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        season: int = 2024,
        start: date | None = None,
        days: int = 7,
        doubleheader_rate: float = 0.15,
    ) -> None:
        if days < 1:
            raise ValueError("days must be >= 1")
        self.seed = seed
        self.season = season
        self.start: date = start or date(season, 4, 1)
        self.days = days
        self._dh_rate = doubleheader_rate
        self._games: dict[int, tuple[PlateAppearance, ...]] = {}
        self._props: dict[tuple[int, int, str], TrueLine] = {}
        rng = random.Random(f"league:{seed}")  # noqa: S311 - simulation, not crypto
        self.teams: tuple[Team, ...] = self._make_teams(rng)
        self.players: dict[int, Player] = {p.id: p for t in self.teams for p in t.players}
        self.team_by_id: dict[int, Team] = {t.id: t for t in self.teams}
        self.team_by_abbrev: dict[str, Team] = {t.abbrev: t for t in self.teams}
        self.schedule: tuple[Game, ...] = self._make_schedule(rng)
        self.game_by_pk: dict[int, Game] = {g.game_pk: g for g in self.schedule}

    def __repr__(self) -> str:
        return (
            f"SimulatedLeague(seed={self.seed}, season={self.season}, "
            f"start={self.start}, days={self.days})"
        )

    # ---- world building ------------------------------------------------------------------

    def _make_teams(self, rng: random.Random) -> tuple[Team, ...]:
        used: set[int] = set()
        teams = []
        for tid, abbrev, loc, name, lg, div in _TEAMS:
            players: list[Player] = []
            jerseys = rng.sample(range(1, 99), 26)
            for i in range(26):
                pid = rng.randrange(500_000, 700_000)
                while pid in used:
                    pid = rng.randrange(500_000, 700_000)
                used.add(pid)
                suffix = None
                u = rng.random()
                acc = 0.0
                for s, pr in _SUFFIXES:
                    acc += pr
                    if u < acc:
                        suffix = s
                        break
                first, last = rng.choice(_FIRST), rng.choice(_LAST)
                birth = date(
                    self.season - rng.randint(22, 36), rng.randint(1, 12), rng.randint(1, 28)
                )
                if i < 13:
                    pos, role, bf = _ROSTER_POSITIONS[i], "POS", 0.0
                    bats = rng.choices("RLS", weights=(55, 35, 10))[0]
                    throws = "R" if pos in {"C", "2B", "3B", "SS"} else rng.choice("RRL")
                    rates = _draw_rates(rng, _BATTER_SPREAD)
                else:
                    pos, role = "P", "SP" if i < 18 else "RP"
                    throws = rng.choice("RRL")
                    bats = throws if rng.random() < 0.8 else "R"
                    rates = _draw_rates(rng, _PITCHER_SPREAD)
                    bf = min(28.0, max(17.0, rng.gauss(23.0, 2.2))) if role == "SP" else 4.5
                players.append(
                    Player(
                        pid,
                        first,
                        last,
                        suffix,
                        tid,
                        pos,
                        role,
                        bats,
                        throws,
                        str(jerseys[i]),
                        birth,
                        rates,
                        bf,
                    )
                )
            teams.append(Team(tid, abbrev, loc, name, lg, div, tuple(players)))
        return _calibrate(teams)

    def _lineup(self, rng: random.Random, team: Team) -> tuple[tuple[int, str], ...]:
        pos_players = list(team.position_players)
        regulars = pos_players[:9]
        bench = pos_players[9:]
        starters = [(p, p.position) for p in regulars]
        if rng.random() < 0.35:
            idx = rng.randrange(9)
            sub = next((b for b in bench if b.position == regulars[idx].position), bench[-1])
            starters[idx] = (sub, regulars[idx].position)

        def obp(p: Player) -> float:
            r = p.rates
            return r["1B"] + r["2B"] + r["3B"] + r["HR"] + r["BB"] + r["HBP"]

        def power(p: Player) -> float:
            return p.rates["HR"] * 4 + p.rates["2B"] * 2

        by_obp = sorted(starters, key=lambda s: -obp(s[0]) + rng.gauss(0, 0.01))
        order = by_obp[:2]
        rest = sorted(by_obp[2:], key=lambda s: -power(s[0]) + rng.gauss(0, 0.005))
        order += rest
        return tuple((p.id, pos) for p, pos in order)

    def _make_schedule(self, rng: random.Random) -> tuple[Game, ...]:
        games: list[Game] = []
        rotation = dict.fromkeys(self.team_by_id, 0)
        pk = _FIRST_PK + (self.seed % 1000) * 10_000
        for day_i in range(self.days):
            day = self.start + timedelta(days=day_i)
            ids = [t.id for t in self.teams]
            rng.shuffle(ids)
            pairs = [(ids[2 * i], ids[2 * i + 1]) for i in range(15)]
            slots = list(range(15))
            rng.shuffle(slots)
            dh_index = rng.randrange(15) if rng.random() < self._dh_rate else None
            for gi, (home, away) in enumerate(pairs):
                hour, minute = _GAME_TIMES_UTC[slots[gi]]
                base = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                if hour < 12:
                    base += timedelta(days=1)
                n_games = 2 if gi == dh_index else 1
                if n_games == 2:
                    base = datetime(day.year, day.month, day.day, 17, 5, tzinfo=UTC)
                for number in range(1, n_games + 1):
                    start = base + timedelta(hours=4 * (number - 1))
                    starters = {}
                    for tid in (home, away):
                        sps = self.team_by_id[tid].starters
                        starters[tid] = sps[rotation[tid] % len(sps)].id
                        rotation[tid] += 1
                    games.append(
                        Game(
                            game_pk=pk,
                            official_date=day,
                            start=start,
                            home_id=home,
                            away_id=away,
                            game_number=number,
                            double_header="S" if n_games == 2 else "N",
                            home_lineup=self._lineup(rng, self.team_by_id[home]),
                            away_lineup=self._lineup(rng, self.team_by_id[away]),
                            home_starter=starters[home],
                            away_starter=starters[away],
                        )
                    )
                    pk += 1
        games.sort(key=lambda g: (g.official_date, g.start, g.game_pk))
        return tuple(games)

    # ---- queries --------------------------------------------------------------------------

    @cached_property
    def dates(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=i) for i in range(self.days))

    def games_on(self, day: date) -> tuple[Game, ...]:
        return tuple(g for g in self.schedule if g.official_date == day)

    def games_between(self, first: date, last: date) -> tuple[Game, ...]:
        return tuple(g for g in self.schedule if first <= g.official_date <= last)

    def team_games(self, team_id: int) -> tuple[Game, ...]:
        return tuple(g for g in self.schedule if team_id in (g.home_id, g.away_id))

    def player(self, player_id: int) -> Player:
        return self.players[player_id]

    def team_of(self, player_id: int) -> Team:
        return self.team_by_id[self.players[player_id].team_id]

    def search(self, names: str) -> list[Player]:
        wanted = [fold(n.strip()) for n in names.split(",") if n.strip()]
        out = []
        for p in self.players.values():
            full = fold(p.full_name)
            if any(w and (w == full or w in full) for w in wanted):
                out.append(p)
        return sorted(out, key=lambda p: p.id)

    def iter_players(self) -> Iterable[Player]:
        return self.players.values()

    # ---- game simulation ------------------------------------------------------------------

    def plate_appearances(self, game_pk: int) -> tuple[PlateAppearance, ...]:
        """Every PA of the (fully simulated) game, in order.  Cached."""
        pas = self._games.get(game_pk)
        if pas is None:
            pas = _GameSim(self, self.game_by_pk[game_pk]).run()
            self._games[game_pk] = pas
        return pas

    def state(self, game_pk: int, at: datetime) -> GameState:
        """The game as seen at ``at`` (UTC): PAs whose end time has passed."""
        game = self.game_by_pk[game_pk]
        pas = self.plate_appearances(game_pk)
        elapsed = (at - game.start).total_seconds()
        duration = pas[-1].end_s if pas else 0.0
        if elapsed < 0:
            return GameState(game, (), len(pas), "Preview", duration)
        ends = [pa.end_s for pa in pas]
        n = bisect.bisect_right(ends, elapsed)
        status = "Final" if n == len(pas) else "Live"
        return GameState(game, pas[:n], len(pas), status, duration)

    def end_time(self, game_pk: int) -> datetime:
        pas = self.plate_appearances(game_pk)
        return self.game_by_pk[game_pk].start + timedelta(seconds=pas[-1].end_s)

    def matchup_rates(self, batter: Player, pitcher: Player) -> dict[str, float]:
        """Odds-ratio style combination of batter and pitcher true rates (log5 for 8 outcomes)."""
        w = {k: batter.rates[k] * pitcher.rates[k] / LEAGUE_RATES_2024[k] for k in OUTCOMES}
        total = sum(w.values())
        return {k: v / total for k, v in w.items()}
