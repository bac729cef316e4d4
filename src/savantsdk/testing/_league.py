"""A seeded simulated MLB league: teams, rosters, schedule, plate-appearance-level games.

Everything is a pure function of ``seed`` (and the league's date range): the same seed gives the
same rosters, schedule, lineups, plate appearances and market lines.  Games are simulated lazily
and independently (each from its own ``Random(f"{seed}:{game_pk}")``), so asking for one game
never simulates the season.

True per-PA outcome rates are drawn around the 2024 league rates in :data:`LEAGUE_RATES_2024`,
computed from the 2024 Statcast ``events`` counts (SOURCES-savant-statsapi.md section 1.6):
plate appearances are every PA-ending event (base-running events, ``other_out`` and
``truncated_pa`` excluded), 181,026 in all; K = strikeout + strikeout_double_play; "out in play"
is every remaining PA (field outs, force outs, double plays, sacrifices, errors, catcher
interference).
"""

from __future__ import annotations

import bisect
import math
import random
import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any, Final

import attrs

__all__ = (
    "EVENT_COUNTS_2024",
    "LEAGUE_RATES_2024",
    "OUTCOMES",
    "Game",
    "GameState",
    "PlateAppearance",
    "Player",
    "SimulatedLeague",
    "Team",
)

# --------------------------------------------------------------------------------------------
# League rates
# --------------------------------------------------------------------------------------------

#: 2024 Statcast ``events`` counts (SOURCES-savant-statsapi.md section 1.6), PA-ending only.
EVENT_COUNTS_2024: Final[Mapping[str, int]] = {
    "field_out": 73_493,
    "strikeout": 40_863,
    "single": 25_760,
    "walk": 14_313,
    "double": 7_728,
    "home_run": 5_438,
    "force_out": 3_459,
    "grounded_into_double_play": 3_210,
    "hit_by_pitch": 2_009,
    "sac_fly": 1_237,
    "field_error": 1_121,
    "triple": 696,
    "sac_bunt": 452,
    "fielders_choice": 376,
    "double_play": 336,
    "fielders_choice_out": 311,
    "strikeout_double_play": 110,
    "catcher_interf": 100,
    "sac_fly_double_play": 12,
    "triple_play": 2,
}

#: The eight modelled per-PA outcomes.
OUTCOMES: Final[tuple[str, ...]] = ("1B", "2B", "3B", "HR", "BB", "HBP", "K", "OIP")


def _league_rates(counts: Mapping[str, int]) -> dict[str, float]:
    pa = sum(counts.values())
    named = {
        "1B": counts["single"],
        "2B": counts["double"],
        "3B": counts["triple"],
        "HR": counts["home_run"],
        "BB": counts["walk"],
        "HBP": counts["hit_by_pitch"],
        "K": counts["strikeout"] + counts["strikeout_double_play"],
    }
    rates = {k: v / pa for k, v in named.items()}
    rates["OIP"] = 1.0 - sum(rates.values())
    return rates


#: Per-PA league rates: 1B .1423, 2B .0427, 3B .0038, HR .0300, BB .0791, HBP .0111,
#: K .2263, OIP .4646 (out in play, incl. errors and sacrifices).
LEAGUE_RATES_2024: Final[Mapping[str, float]] = _league_rates(EVENT_COUNTS_2024)

# Spread (sd of the log multiplier) of true talent around the league rate.
_BATTER_SPREAD: Final = {
    "1B": 0.12,
    "2B": 0.2,
    "3B": 0.45,
    "HR": 0.45,
    "BB": 0.3,
    "HBP": 0.4,
    "K": 0.25,
}
_PITCHER_SPREAD: Final = {
    "1B": 0.08,
    "2B": 0.12,
    "3B": 0.2,
    "HR": 0.25,
    "BB": 0.25,
    "HBP": 0.3,
    "K": 0.25,
}

# --------------------------------------------------------------------------------------------
# Teams and names
# --------------------------------------------------------------------------------------------

# (id, savant abbrev, location, team name, league id, division id)
_TEAMS: Final = (
    (108, "LAA", "Los Angeles", "Angels", 103, 200),
    (109, "AZ", "Arizona", "Diamondbacks", 104, 203),
    (110, "BAL", "Baltimore", "Orioles", 103, 201),
    (111, "BOS", "Boston", "Red Sox", 103, 201),
    (112, "CHC", "Chicago", "Cubs", 104, 205),
    (113, "CIN", "Cincinnati", "Reds", 104, 205),
    (114, "CLE", "Cleveland", "Guardians", 103, 202),
    (115, "COL", "Colorado", "Rockies", 104, 203),
    (116, "DET", "Detroit", "Tigers", 103, 202),
    (117, "HOU", "Houston", "Astros", 103, 200),
    (118, "KC", "Kansas City", "Royals", 103, 202),
    (119, "LAD", "Los Angeles", "Dodgers", 104, 203),
    (120, "WSH", "Washington", "Nationals", 104, 204),
    (121, "NYM", "New York", "Mets", 104, 204),
    (133, "OAK", "Oakland", "Athletics", 103, 200),
    (134, "PIT", "Pittsburgh", "Pirates", 104, 205),
    (135, "SD", "San Diego", "Padres", 104, 203),
    (136, "SEA", "Seattle", "Mariners", 103, 200),
    (137, "SF", "San Francisco", "Giants", 104, 203),
    (138, "STL", "St. Louis", "Cardinals", 104, 205),
    (139, "TB", "Tampa Bay", "Rays", 103, 201),
    (140, "TEX", "Texas", "Rangers", 103, 200),
    (141, "TOR", "Toronto", "Blue Jays", 103, 201),
    (142, "MIN", "Minnesota", "Twins", 103, 202),
    (143, "PHI", "Philadelphia", "Phillies", 104, 204),
    (144, "ATL", "Atlanta", "Braves", 104, 204),
    (145, "CWS", "Chicago", "White Sox", 103, 202),
    (146, "MIA", "Miami", "Marlins", 104, 204),
    (147, "NYY", "New York", "Yankees", 103, 201),
    (158, "MIL", "Milwaukee", "Brewers", 104, 205),
)
LEAGUE_NAMES: Final = {103: "American League", 104: "National League"}
DIVISION_NAMES: Final = {
    200: "American League West",
    201: "American League East",
    202: "American League Central",
    203: "National League West",
    204: "National League East",
    205: "National League Central",
}

_FIRST: Final = (
    "José",
    "Andrés",
    "Luis",
    "Julio",
    "Yordan",
    "Ronald",
    "Vladimir",
    "Fernando",
    "Adolis",
    "Aaron",
    "Mookie",
    "Corbin",
    "Bobby",
    "Gunnar",
    "Kyle",
    "Jackson",
    "Bryce",
    "Marcus",
    "Willy",
    "Rafael",
    "Eugenio",
    "Teoscar",
    "Ketel",
    "Salvador",
    "Francisco",
    "Cristopher",
    "Shohei",
    "Yoshinobu",
    "Seiya",
    "Ha-Seong",
    "Nolan",
    "Logan",
    "Zack",
    "Tyler",
    "Dylan",
    "Spencer",
    "Framber",
    "Sandy",
    "Emmanuel",
    "Jhoan",
    "Yainer",
    "Ezequiel",
    "Ramón",
    "Iván",
    "Martín",
    "Tomás",
    "Sebastián",
    "Nicolás",
    "Matt",
    "Chris",
    "Will",
    "Josh",
    "Max",
    "Ben",
)
_LAST: Final = (
    "Rodríguez",
    "Ramírez",
    "Hernández",
    "Pérez",
    "Martínez",
    "García",
    "González",
    "Núñez",
    "Peña",
    "Suárez",
    "Muñoz",
    "Jiménez",
    "Álvarez",
    "Domínguez",
    "Báez",
    "Acuña",
    "Díaz",
    "Guerrero",
    "Tatis",
    "Witt",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Carroll",
    "Turner",
    "Phillips",
    "Campbell",
    "Parker",
    "Evans",
    "Edwards",
    "Collins",
    "Stewart",
    "Morris",
    "Rogers",
    "Reed",
    "Cook",
    "Morgan",
    "Bell",
    "O'Neill",
    "De La Cruz",
    "Yamamoto",
    "Suzuki",
    "Kim",
)
_SUFFIXES: Final = (("Jr.", 0.06), ("II", 0.015), ("III", 0.005))

# Position codes (Stats API) and abbreviations.
POSITIONS: Final = {
    "P": ("1", "Pitcher", "Pitcher"),
    "C": ("2", "Catcher", "Catcher"),
    "1B": ("3", "First Base", "Infielder"),
    "2B": ("4", "Second Base", "Infielder"),
    "3B": ("5", "Third Base", "Infielder"),
    "SS": ("6", "Shortstop", "Infielder"),
    "LF": ("7", "Outfielder", "Outfielder"),
    "CF": ("8", "Outfielder", "Outfielder"),
    "RF": ("9", "Outfielder", "Outfielder"),
    "DH": ("10", "Designated Hitter", "Hitter"),
}
# The 13 position players of a roster: 9 regulars (lineup order of fielding positions), 4 bench.
_ROSTER_POSITIONS: Final = (
    "C",
    "1B",
    "2B",
    "3B",
    "SS",
    "LF",
    "CF",
    "RF",
    "DH",
    "C",
    "2B",
    "CF",
    "1B",
)
_FIELDING_ORDER: Final = ("C", "1B", "2B", "3B", "SS", "LF", "CF", "RF")

_PITCH_TYPES: Final = (
    ("FF", "4-Seam Fastball", 94.5, 0.35),
    ("SI", "Sinker", 93.5, 0.15),
    ("SL", "Slider", 85.5, 0.18),
    ("CH", "Changeup", 86.0, 0.12),
    ("CU", "Curveball", 79.5, 0.08),
    ("FC", "Cutter", 89.5, 0.07),
    ("ST", "Sweeper", 82.5, 0.05),
)
_PITCH_CUM: Final = tuple(
    sum(p[3] for p in _PITCH_TYPES[: i + 1]) for i in range(len(_PITCH_TYPES))
)

_UUID_NS: Final = uuid.UUID("6f1c2f1e-4b1d-4c3e-9a55-5a7e5d0c0b1e")


def stable_uuid(*parts: object) -> str:
    """A deterministic GUID (SportRadar-style ids, gameGuid, ...)."""
    return str(uuid.uuid5(_UUID_NS, ":".join(str(p) for p in parts)))


def fold(text: str) -> str:
    """Lower-case, accents stripped: for name search."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).lower()


def _lognormal_mult(rng: random.Random, sd: float) -> float:
    # Mean-one multiplier: E[exp(N(-sd^2/2, sd))] = 1.
    return math.exp(rng.gauss(-sd * sd / 2.0, sd))


def _draw_rates(rng: random.Random, spread: Mapping[str, float]) -> dict[str, float]:
    rates = {k: LEAGUE_RATES_2024[k] * _lognormal_mult(rng, spread[k]) for k in spread}
    rates["OIP"] = max(0.2, 1.0 - sum(rates.values()))
    total = sum(rates.values())
    return {k: rates[k] / total for k in OUTCOMES}


def _calibrate(teams: list[Team]) -> tuple[Team, ...]:
    """Rescale talent so the batter pool and the pitcher pool each average the league rates."""
    avg: dict[bool, dict[str, float]] = {}
    for is_pitcher in (False, True):
        pool = [p for t in teams for p in t.players if p.is_pitcher is is_pitcher]
        avg[is_pitcher] = {k: sum(p.rates[k] for p in pool) / len(pool) for k in OUTCOMES}

    def fix(p: Player) -> Player:
        a = avg[p.is_pitcher]
        scaled = {k: p.rates[k] * LEAGUE_RATES_2024[k] / a[k] for k in OUTCOMES}
        total = sum(scaled.values())
        return attrs.evolve(p, rates={k: v / total for k, v in scaled.items()})

    return tuple(attrs.evolve(t, players=tuple(fix(p) for p in t.players)) for t in teams)


# --------------------------------------------------------------------------------------------
# Value objects
# --------------------------------------------------------------------------------------------


@attrs.frozen
class Player:
    """One simulated player; ``rates`` are the TRUE per-PA outcome probabilities."""

    id: int
    first_name: str
    last_name: str
    suffix: str | None
    team_id: int
    position: str  # "P", "C", "1B", ..., "DH"
    role: str  # "SP", "RP" or "POS"
    bats: str  # L/R/S
    throws: str  # L/R
    jersey: str
    birth_date: date
    rates: Mapping[str, float]
    bf_tendency: float = 0.0  # starters: mean batters faced per start

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" + (f" {self.suffix}" if self.suffix else "")

    @property
    def last_first(self) -> str:
        """Savant ``player_name`` form: ``"Guerrero Jr., Vladimir"``."""
        last = self.last_name + (f" {self.suffix}" if self.suffix else "")
        return f"{last}, {self.first_name}"

    @property
    def boxscore_name(self) -> str:
        return self.last_name + (f" {self.suffix}" if self.suffix else "")

    @property
    def is_pitcher(self) -> bool:
        return self.position == "P"

    def stand_vs(self, p_throws: str) -> str:
        if self.bats == "S":
            return "L" if p_throws == "R" else "R"
        return self.bats


@attrs.frozen
class Team:
    id: int
    abbrev: str
    location: str
    team_name: str
    league_id: int
    division_id: int
    players: tuple[Player, ...]

    @property
    def name(self) -> str:
        return f"{self.location} {self.team_name}"

    @property
    def venue_id(self) -> int:
        return 3000 + self.id

    @property
    def venue_name(self) -> str:
        return f"{self.location} {self.team_name} Park"

    @property
    def position_players(self) -> tuple[Player, ...]:
        return tuple(p for p in self.players if not p.is_pitcher)

    @property
    def starters(self) -> tuple[Player, ...]:
        return tuple(p for p in self.players if p.role == "SP")

    @property
    def relievers(self) -> tuple[Player, ...]:
        return tuple(p for p in self.players if p.role == "RP")


@attrs.frozen
class Game:
    """A scheduled game: who plays, when, lineups and probable starters (known pre-game)."""

    game_pk: int
    official_date: date
    start: datetime  # UTC
    home_id: int
    away_id: int
    game_number: int  # 1, or 2 for the second game of a doubleheader
    double_header: str  # "N" or "S"
    home_lineup: tuple[tuple[int, str], ...]  # (player id, fielding position) in batting order
    away_lineup: tuple[tuple[int, str], ...]
    home_starter: int
    away_starter: int


@attrs.frozen
class Pitch:
    pitch_type: str
    description: str  # Savant description
    balls: int  # pre-pitch count
    strikes: int
    speed: float
    zone: int
    plate_x: float
    plate_z: float
    spin: int


@attrs.frozen
class PlateAppearance:
    """One completed PA with everything the Statcast rows, feed and boxscore need."""

    index: int  # 0-based atBatIndex
    inning: int
    top: bool
    outs_before: int
    outs_after: int
    batter: int
    pitcher: int
    event: str  # Savant events / feed eventType
    pitches: tuple[Pitch, ...]
    runners_before: tuple[int | None, int | None, int | None]
    runners_after: tuple[int | None, int | None, int | None]
    scorers: tuple[int, ...]  # runner ids who scored (batter included on a HR)
    earned: tuple[bool, ...]  # one flag per scorer
    charged_to: tuple[int, ...]  # responsible pitcher per scorer
    rbi: int
    away_before: int
    home_before: int
    away_after: int
    home_after: int
    start_s: float  # seconds after first pitch
    end_s: float
    launch_speed: float | None
    launch_angle: float | None
    bb_type: str | None
    hit_location: int | None
    bat_order_slot: int  # 1..9
    thru_order: int
    prior_pa: int

    @property
    def is_ab(self) -> bool:
        return self.event not in {"walk", "hit_by_pitch", "sac_fly", "sac_bunt", "catcher_interf"}

    @property
    def bases(self) -> int:
        return {"single": 1, "double": 2, "triple": 3, "home_run": 4}.get(self.event, 0)

    @property
    def is_strikeout(self) -> bool:
        return self.event in {"strikeout", "strikeout_double_play"}

    @property
    def outs_made(self) -> int:
        return self.outs_after - self.outs_before if self.outs_after <= 3 else 0


_EVENT_LABEL: Final = {
    "single": "Single",
    "double": "Double",
    "triple": "Triple",
    "home_run": "Home Run",
    "walk": "Walk",
    "hit_by_pitch": "Hit By Pitch",
    "strikeout": "Strikeout",
    "field_out": "Groundout",
    "force_out": "Forceout",
    "grounded_into_double_play": "Grounded Into DP",
    "sac_fly": "Sac Fly",
    "field_error": "Field Error",
}


def event_label(event: str, bb_type: str | None = None) -> str:
    if event == "field_out":
        return {"fly_ball": "Flyout", "line_drive": "Lineout", "popup": "Pop Out"}.get(
            bb_type or "", "Groundout"
        )
    return _EVENT_LABEL[event]


@attrs.frozen
class GameState:
    """A game as of some instant: the PAs completed so far and the derived status."""

    game: Game
    pas: tuple[PlateAppearance, ...]
    total_pas: int
    status: str  # "Preview", "Live", "Final"
    duration_s: float

    @property
    def away_score(self) -> int:
        return self.pas[-1].away_after if self.pas else 0

    @property
    def home_score(self) -> int:
        return self.pas[-1].home_after if self.pas else 0

    @property
    def is_final(self) -> bool:
        return self.status == "Final"


# --------------------------------------------------------------------------------------------
# The league
# --------------------------------------------------------------------------------------------

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
_SECONDS_PER_PITCH: Final = 21.0
_SECONDS_BETWEEN_PA: Final = 25.0
_SECONDS_INNING_BREAK: Final = 130.0


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
        self._props: dict[tuple[int, int, str], PropLine] = {}
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
                    pos = _ROSTER_POSITIONS[i]
                    bats = rng.choices("RLS", weights=(55, 35, 10))[0]
                    throws = "R" if pos in {"C", "2B", "3B", "SS"} else rng.choice("RRL")
                    rates = _draw_rates(rng, _BATTER_SPREAD)
                    players.append(
                        Player(
                            pid,
                            first,
                            last,
                            suffix,
                            tid,
                            pos,
                            "POS",
                            bats,
                            throws,
                            str(jerseys[i]),
                            birth,
                            rates,
                        )
                    )
                else:
                    role = "SP" if i < 18 else "RP"
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
                            "P",
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


# --------------------------------------------------------------------------------------------
# One game, plate appearance by plate appearance
# --------------------------------------------------------------------------------------------


class _GameSim:
    def __init__(self, league: SimulatedLeague, game: Game) -> None:
        self.lg = league
        self.g = game
        self.rng = random.Random(f"{league.seed}:{game.game_pk}")  # noqa: S311
        self.pas: list[PlateAppearance] = []
        self.t = 0.0

    def run(self) -> tuple[PlateAppearance, ...]:
        g, lg, rng = self.g, self.lg, self.rng
        lineups = {True: [p for p, _ in g.away_lineup], False: [p for p, _ in g.home_lineup]}
        slot = {True: 0, False: 0}
        score = {True: 0, False: 0}  # top -> away batting
        # Fielding team state: current pitcher, BF of current, relievers left, target BF.
        home_team, away_team = lg.team_by_id[g.home_id], lg.team_by_id[g.away_id]
        pitching: dict[bool, dict[str, Any]] = {}
        for top, team, starter in (
            (True, home_team, g.home_starter),
            (False, away_team, g.away_starter),
        ):
            sp = lg.players[starter]
            pitching[top] = {
                "current": starter,
                "bf": 0,
                "target": max(9, round(rng.gauss(sp.bf_tendency, 3.0))),
                "pen": [p.id for p in team.relievers],
                "innings_here": 0,
                "faced": {},
            }
        prior: dict[int, int] = {}
        inning = 1
        while True:
            for top in (True, False):
                if not top and inning >= 9 and score[False] > score[True]:
                    return tuple(self.pas)
                self._maybe_change_pitcher(pitching[top], inning)
                pitching[top]["innings_here"] += 1
                outs = 0
                bases: list[tuple[int, int, bool] | None] = [None, None, None]
                if inning >= 10:
                    # Automatic runner on second (unearned), the last batter of the order.
                    prev = lineups[top][(slot[top] - 1) % 9]
                    bases[1] = (prev, pitching[top]["current"], False)
                while outs < 3:
                    batter = lineups[top][slot[top]]
                    order_slot = slot[top] + 1
                    slot[top] = (slot[top] + 1) % 9
                    pstate = pitching[top]
                    pitcher_id = pstate["current"]
                    pstate["bf"] += 1
                    faced = pstate["faced"]
                    faced[batter] = faced.get(batter, 0) + 1
                    outs, walkoff = self._plate_appearance(
                        inning,
                        top,
                        outs,
                        bases,
                        batter,
                        pitcher_id,
                        score,
                        order_slot,
                        faced[batter],
                        prior.get(batter, 0),
                    )
                    prior[batter] = prior.get(batter, 0) + 1
                    if walkoff:
                        return tuple(self.pas)
                self.t += _SECONDS_INNING_BREAK
            if inning >= 9 and score[True] != score[False]:
                return tuple(self.pas)
            inning += 1
            if inning > 30:  # pragma: no cover - statistically unreachable
                return tuple(self.pas)

    def _maybe_change_pitcher(self, st: dict[str, Any], inning: int) -> None:
        pitcher = self.lg.players[st["current"]]
        done = False
        if pitcher.role == "SP":
            done = st["bf"] >= st["target"]
        else:
            done = st["innings_here"] >= 1 and (st["bf"] >= 3 or self.rng.random() < 0.7)
        if done and st["pen"] and inning <= 30:
            idx = self.rng.randrange(len(st["pen"]))
            st["current"] = st["pen"].pop(idx)
            st["bf"] = 0
            st["innings_here"] = 0
            st["faced"] = {}

    def _pitches(self, outcome: str, p_throws: str) -> tuple[Pitch, ...]:
        rng = self.rng
        if outcome == "K":
            final_b, final_s = rng.choice((0, 0, 1, 1, 1, 2, 2, 3)), 2
        elif outcome == "BB":
            final_b, final_s = 3, rng.choice((0, 1, 1, 2, 2))
        elif outcome == "HBP":
            final_b, final_s = rng.randint(0, 3), rng.randint(0, 2)
        else:
            final_b, final_s = rng.choice((0, 0, 1, 1, 2, 3)), rng.choice((0, 1, 1, 2, 2))
        seq = ["B"] * final_b + ["S"] * final_s
        rng.shuffle(seq)
        if final_s == 2:
            for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
                seq.append("F")
        b = s = 0
        out: list[Pitch] = []
        for kind in seq:
            if kind == "B":
                desc = "blocked_ball" if rng.random() < 0.05 else "ball"
            elif kind == "F":
                desc = "foul"
            else:
                desc = rng.choice(("called_strike", "swinging_strike", "foul", "foul"))
            out.append(self._pitch(desc, b, s, p_throws, ball=kind == "B"))
            if kind == "B":
                b += 1
            elif kind == "S":
                s += 1
        if outcome == "K":
            last = rng.choice(("swinging_strike", "swinging_strike", "called_strike", "foul_tip"))
        elif outcome == "BB":
            last = "ball"
        elif outcome == "HBP":
            last = "hit_by_pitch"
        else:
            last = "hit_into_play"
        out.append(self._pitch(last, b, s, p_throws, ball=last in {"ball", "hit_by_pitch"}))
        return tuple(out)

    def _pitch(self, desc: str, balls: int, strikes: int, p_throws: str, *, ball: bool) -> Pitch:
        rng = self.rng
        u = rng.random()
        i = bisect.bisect_left(_PITCH_CUM, u * _PITCH_CUM[-1])
        code, _name, speed, _w = _PITCH_TYPES[min(i, len(_PITCH_TYPES) - 1)]
        if ball:
            zone = rng.choice((11, 12, 13, 14))
            px, pz = rng.choice((-1.0, 1.0)) * rng.uniform(0.9, 1.6), rng.uniform(0.8, 4.2)
        else:
            zone = rng.randint(1, 9)
            px, pz = rng.uniform(-0.8, 0.8), rng.uniform(1.6, 3.4)
        return Pitch(
            code,
            desc,
            balls,
            strikes,
            round(rng.gauss(speed, 1.6), 1),
            zone,
            round(px, 2),
            round(pz, 2),
            int(rng.gauss(2300, 250)),
        )

    def _plate_appearance(  # noqa: PLR0917 - one call site, positional for speed
        self,
        inning: int,
        top: bool,
        outs: int,
        bases_ref: list[tuple[int, int, bool] | None],
        batter_id: int,
        pitcher_id: int,
        score: dict[bool, int],
        order_slot: int,
        thru: int,
        prior: int,
    ) -> tuple[int, bool]:
        rng, lg = self.rng, self.lg
        bases = list(bases_ref)
        batter, pitcher = lg.players[batter_id], lg.players[pitcher_id]
        probs = lg.matchup_rates(batter, pitcher)
        outcome = rng.choices(OUTCOMES, weights=[probs[k] for k in OUTCOMES])[0]
        before = tuple(b[0] if b else None for b in bases)
        away_before, home_before = score[True], score[False]
        outs_before = outs
        scored: list[tuple[int, int, bool]] = []
        rbi = 0
        event = ""
        bb_type: str | None = None
        ls: float | None = None
        la: float | None = None
        loc: int | None = None
        me = (batter_id, pitcher_id, True)

        def advance_all(n: int, earned: bool = True) -> None:
            nonlocal bases
            new: list[tuple[int, int, bool] | None] = [None, None, None]
            for i in (2, 1, 0):
                r = bases[i]
                if r is None:
                    continue
                dest = i + n
                if dest >= 3:
                    scored.append((r[0], r[1], r[2] and earned))
                else:
                    new[dest] = r
            bases = new

        def force(runner: tuple[int, int, bool]) -> None:
            nonlocal bases
            if bases[0] is not None:
                if bases[1] is not None:
                    if bases[2] is not None:
                        scored.append(bases[2])
                    bases[2] = bases[1]
                bases[1] = bases[0]
            bases[0] = runner

        if outcome in {"1B", "2B", "3B", "HR"}:
            event = {"1B": "single", "2B": "double", "3B": "triple", "HR": "home_run"}[outcome]
            bb_type = rng.choice(("line_drive", "line_drive", "ground_ball", "fly_ball"))
            if outcome == "HR":
                bb_type = "fly_ball"
                ls, la = round(rng.gauss(104, 3.5), 1), round(rng.gauss(28, 4))
            else:
                ls, la = round(rng.gauss(96, 7), 1), round(rng.gauss(12, 9))
            loc = rng.randint(7, 9) if outcome != "1B" else rng.randint(3, 9)
            if outcome == "1B":
                third, second, first = bases[2], bases[1], bases[0]
                new: list[tuple[int, int, bool] | None] = [me, None, None]
                if third:
                    scored.append(third)
                if second:
                    if rng.random() < 0.6:
                        scored.append(second)
                    else:
                        new[2] = second
                if first:
                    if new[2] is None and rng.random() < 0.25:
                        new[2] = first
                    else:
                        new[1] = first
                bases = new
            elif outcome == "2B":
                first = bases[0]
                scored.extend(r for r in (bases[2], bases[1]) if r)
                bases = [None, me, None]
                if first:
                    if rng.random() < 0.4:
                        scored.append(first)
                    else:
                        bases[2] = first
            elif outcome == "3B":
                scored.extend(r for r in (bases[2], bases[1], bases[0]) if r)
                bases = [None, None, me]
            else:
                scored.extend(r for r in (bases[2], bases[1], bases[0]) if r)
                scored.append(me)
                bases = [None, None, None]
            rbi = len(scored)
        elif outcome in {"BB", "HBP"}:
            event = "walk" if outcome == "BB" else "hit_by_pitch"
            force(me)
            rbi = len(scored)
        elif outcome == "K":
            event = "strikeout"
            outs += 1
        else:
            u = rng.random()
            ls, la = round(rng.gauss(86, 13), 1), round(rng.gauss(14, 22))
            bb_type = (
                "ground_ball"
                if la < 10
                else "line_drive"
                if la < 25
                else "fly_ball"
                if la < 50
                else "popup"
            )
            loc = rng.randint(1, 9)
            if u < 0.025:
                event = "field_error"
                # Runs scoring on an error are unearned.
                advance_all(1, earned=False)
                bases[0] = (batter_id, pitcher_id, False)
            elif bases[0] is not None and outs < 2 and bb_type == "ground_ball" and u < 0.45:
                event = "grounded_into_double_play"
                bases[0] = None
                outs += 2
                if outs < 3:
                    advance_all(1)
            elif bases[2] is not None and outs < 2 and bb_type == "fly_ball" and u < 0.6:
                event = "sac_fly"
                outs += 1
                scored.append(bases[2])
                bases[2] = None
                rbi = 1
            elif bases[0] is not None and bb_type == "ground_ball" and u < 0.55:
                event = "force_out"
                outs += 1
                if outs < 3:
                    bases[0] = None  # the lead runner is forced out
                    advance_all(1)
                    bases[0] = me
            else:
                event = "field_out"
                outs += 1
                if outs < 3 and bases[2] is not None and bb_type == "ground_ball" and u < 0.75:
                    scored.append(bases[2])
                    bases[2] = None
                    rbi = 1
        if outs >= 3:
            # Runs do not count when the third out is made on the play (simplification).
            scored = []
            rbi = 0
        batting_home = not top
        runs = len(scored)
        score[top] += runs
        walkoff = False
        if batting_home and inning >= 9 and score[False] > score[True]:
            walkoff = True
        scored_ids = [r[0] for r in scored]
        pitches = self._pitches(outcome, pitcher.throws)
        start = self.t
        self.t += len(pitches) * _SECONDS_PER_PITCH + _SECONDS_BETWEEN_PA
        pa = PlateAppearance(
            index=len(self.pas),
            inning=inning,
            top=top,
            outs_before=outs_before,
            outs_after=min(outs, 3),
            batter=batter_id,
            pitcher=pitcher_id,
            event=event,
            pitches=pitches,
            runners_before=(before[0], before[1], before[2]),
            runners_after=(
                bases[0][0] if bases[0] and outs < 3 else None,
                bases[1][0] if bases[1] and outs < 3 else None,
                bases[2][0] if bases[2] and outs < 3 else None,
            ),
            scorers=tuple(scored_ids),
            earned=tuple(r[2] for r in scored),
            charged_to=tuple(r[1] for r in scored),
            rbi=rbi,
            away_before=away_before,
            home_before=home_before,
            away_after=score[True],
            home_after=score[False],
            start_s=start,
            end_s=self.t,
            launch_speed=ls,
            launch_angle=la,
            bb_type=bb_type,
            hit_location=loc,
            bat_order_slot=order_slot,
            thru_order=thru,
            prior_pa=prior,
        )
        self.pas.append(pa)
        bases_ref[:] = bases if outs < 3 else [None, None, None]
        return outs, walkoff


def pitch_name(code: str) -> str:
    return next(p[1] for p in _PITCH_TYPES if p[0] == code)


def innings_pitched(outs: int) -> str:
    return f"{outs // 3}.{outs % 3}"


def american_from_prob(q: float) -> int:
    q = min(max(q, 0.01), 0.99)
    if q >= 0.5:
        return -round(100 * q / (1 - q))
    return round(100 * (1 - q) / q)


def decimal_from_prob(q: float) -> float:
    q = min(max(q, 0.01), 0.99)
    return round(1.0 / q, 2)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# --------------------------------------------------------------------------------------------
# Box score lines from plate appearances (the ONE place the counting is done)
# --------------------------------------------------------------------------------------------

BATTING_KEYS: Final = (
    "plateAppearances",
    "atBats",
    "hits",
    "doubles",
    "triples",
    "homeRuns",
    "strikeOuts",
    "baseOnBalls",
    "intentionalWalks",
    "hitByPitch",
    "runs",
    "rbi",
    "totalBases",
    "sacFlies",
    "sacBunts",
    "groundIntoDoublePlay",
    "groundIntoTriplePlay",
    "flyOuts",
    "groundOuts",
    "lineOuts",
    "popOuts",
    "airOuts",
    "leftOnBase",
    "stolenBases",
    "caughtStealing",
    "catchersInterference",
    "pickoffs",
)
PITCHING_KEYS: Final = (
    "battersFaced",
    "outs",
    "atBats",
    "hits",
    "doubles",
    "triples",
    "homeRuns",
    "runs",
    "earnedRuns",
    "strikeOuts",
    "baseOnBalls",
    "intentionalWalks",
    "hitBatsmen",
    "numberOfPitches",
    "balls",
    "strikes",
    "sacFlies",
    "sacBunts",
    "flyOuts",
    "groundOuts",
    "lineOuts",
    "popOuts",
    "airOuts",
    "stolenBases",
    "caughtStealing",
    "wildPitches",
    "balks",
    "pickoffs",
    "inheritedRunners",
    "inheritedRunnersScored",
    "catchersInterference",
)


def _out_kind(pa: PlateAppearance) -> str | None:
    if pa.event in {"field_out", "force_out", "grounded_into_double_play", "sac_fly"}:
        return {"ground_ball": "groundOuts", "line_drive": "lineOuts", "popup": "popOuts"}.get(
            pa.bb_type or "", "flyOuts"
        )
    return None


def batting_lines(pas: Iterable[PlateAppearance]) -> dict[int, dict[str, int]]:
    """Per-batter counting stats (Stats API ``stats.batting`` keys) from the PAs."""
    lines: dict[int, dict[str, int]] = {}

    def line(pid: int) -> dict[str, int]:
        if pid not in lines:
            lines[pid] = dict.fromkeys(BATTING_KEYS, 0)
        return lines[pid]

    for pa in pas:
        b = line(pa.batter)
        b["plateAppearances"] += 1
        b["atBats"] += int(pa.is_ab)
        if pa.bases:
            b["hits"] += 1
            b["totalBases"] += pa.bases
            b["doubles"] += int(pa.event == "double")
            b["triples"] += int(pa.event == "triple")
            b["homeRuns"] += int(pa.event == "home_run")
        b["strikeOuts"] += int(pa.is_strikeout)
        b["baseOnBalls"] += int(pa.event == "walk")
        b["hitByPitch"] += int(pa.event == "hit_by_pitch")
        b["sacFlies"] += int(pa.event == "sac_fly")
        b["groundIntoDoublePlay"] += int(pa.event == "grounded_into_double_play")
        b["rbi"] += pa.rbi
        kind = _out_kind(pa)
        if kind:
            b[kind] += 1
            if kind != "groundOuts":
                b["airOuts"] += 1
        for runner in pa.scorers:
            line(runner)["runs"] += 1
    return lines


def pitching_lines(pas: Iterable[PlateAppearance]) -> dict[int, dict[str, int]]:
    """Per-pitcher counting stats (Stats API ``stats.pitching`` keys) from the PAs."""
    lines: dict[int, dict[str, int]] = {}

    def line(pid: int) -> dict[str, int]:
        if pid not in lines:
            lines[pid] = dict.fromkeys(PITCHING_KEYS, 0)
        return lines[pid]

    for pa in pas:
        p = line(pa.pitcher)
        p["battersFaced"] += 1
        p["outs"] += pa.outs_made
        p["atBats"] += int(pa.is_ab)
        p["hits"] += int(pa.bases > 0)
        p["doubles"] += int(pa.event == "double")
        p["triples"] += int(pa.event == "triple")
        p["homeRuns"] += int(pa.event == "home_run")
        p["strikeOuts"] += int(pa.is_strikeout)
        p["baseOnBalls"] += int(pa.event == "walk")
        p["hitBatsmen"] += int(pa.event == "hit_by_pitch")
        p["sacFlies"] += int(pa.event == "sac_fly")
        n = len(pa.pitches)
        p["numberOfPitches"] += n
        balls = sum(1 for x in pa.pitches if x.description in {"ball", "blocked_ball"})
        p["balls"] += balls
        p["strikes"] += n - balls
        kind = _out_kind(pa)
        if kind:
            p[kind] += 1
            if kind != "groundOuts":
                p["airOuts"] += 1
        for charged, earned in zip(pa.charged_to, pa.earned, strict=True):
            q = line(charged)
            q["runs"] += 1
            q["earnedRuns"] += int(earned)
    return lines


# --------------------------------------------------------------------------------------------
# Prop distributions and lines (true probabilities; books add margin and noise)
# --------------------------------------------------------------------------------------------

BATTER_MARKETS: Final[Mapping[str, tuple[str, ...]]] = {
    "batter_hits": ("1B", "2B", "3B", "HR"),
    "batter_total_bases": ("1B", "2B", "3B", "HR"),
    "batter_home_runs": ("HR",),
    "batter_singles": ("1B",),
    "batter_doubles": ("2B",),
    "batter_walks": ("BB",),
    "batter_strikeouts": ("K",),
}
PITCHER_MARKETS: Final[Mapping[str, tuple[str, ...]]] = {
    "pitcher_strikeouts": ("K",),
    "pitcher_hits_allowed": ("1B", "2B", "3B", "HR"),
    "pitcher_walks": ("BB",),
    "pitcher_outs": ("K", "OIP"),
}
_TB: Final = {"1B": 1, "2B": 2, "3B": 3, "HR": 4}
_BF_OVERSHOOT: Final = 2.2
_BF_SD: Final = 3.2


@attrs.frozen
class PropLine:
    """A player's true line for one market: ``point`` and the true P(over)."""

    game_pk: int
    player_id: int
    market: str
    point: float
    p_over: float
    expected: float


def _convolve(a: Sequence[float], b: Sequence[float]) -> list[float]:
    out = [0.0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] += x * y
    return out


def _power(dist: Sequence[float], n: int) -> list[float]:
    out = [1.0]
    for _ in range(n):
        out = _convolve(out, dist)
    return out


def _mixture(parts: Iterable[tuple[float, Sequence[float]]]) -> list[float]:
    out: list[float] = []
    for w, d in parts:
        if len(d) > len(out):
            out += [0.0] * (len(d) - len(out))
        for i, x in enumerate(d):
            out[i] += w * x
    return out


def _per_event_dist(probs: Mapping[str, float], market: str, events: Sequence[str]) -> list[float]:
    if market == "batter_total_bases":
        dist = [0.0] * 5
        for k, v in probs.items():
            dist[_TB.get(k, 0)] += v
        return dist
    p = sum(probs[e] for e in events)
    return [1.0 - p, p]


def _line_from_dist(dist: Sequence[float]) -> tuple[float, float, float]:
    exp = sum(i * p for i, p in enumerate(dist))
    best: tuple[float, float] | None = None
    tail = 1.0
    for k in range(len(dist)):
        tail -= dist[k]  # P(X >= k+1)
        if best is None or abs(tail - 0.5) < abs(best[1] - 0.5):
            best = (k + 0.5, tail)
        if tail < 0.2:
            break
    assert best is not None
    return best[0], max(0.0, min(1.0, best[1])), exp


def prop_line(league: SimulatedLeague, game: Game, player_id: int, market: str) -> PropLine:
    """The TRUE line for a player's market in a game (pre-game information only).  Cached."""
    key = (game.game_pk, player_id, market)
    cached = league._props.get(key)
    if cached is None:
        cached = league._props[key] = _prop_line(league, game, player_id, market)
    return cached


def _prop_line(league: SimulatedLeague, game: Game, player_id: int, market: str) -> PropLine:
    player = league.players[player_id]
    home = player.team_id == game.home_id
    if market in BATTER_MARKETS:
        lineup = [p for p, _ in (game.home_lineup if home else game.away_lineup)]
        slot = lineup.index(player_id)
        opp_sp = league.players[game.away_starter if home else game.home_starter]
        vs_sp = league.matchup_rates(player, opp_sp)
        vs_pen = dict(player.rates)
        probs = {k: 0.65 * vs_sp[k] + 0.35 * vs_pen[k] for k in OUTCOMES}
        per = _per_event_dist(probs, market, BATTER_MARKETS[market])
        exp_pa = 4.65 - 0.105 * slot
        lo = math.floor(exp_pa)
        frac = exp_pa - lo
        dist = _mixture(((1 - frac, _power(per, lo)), (frac, _power(per, lo + 1))))
    elif market in PITCHER_MARKETS:
        lineup = [p for p, _ in (game.away_lineup if home else game.home_lineup)]
        rates = [league.matchup_rates(league.players[b], player) for b in lineup]
        probs = {k: mean([r[k] for r in rates]) for k in OUTCOMES}
        per = _per_event_dist(probs, market, PITCHER_MARKETS[market])
        # A starter leaves at the end of the inning in which he passes his target (drawn
        # around his tendency with sd 3), so he faces ~2.2 batters more than the tendency
        # (measured over 246 simulated starts) with a spread of ~3.2.
        t = (player.bf_tendency or 4.5) + _BF_OVERSHOOT
        parts = []
        for d in range(-7, 8):
            n = max(1, round(t) + d)
            parts.append((math.exp(-d * d / (2 * _BF_SD**2)), _power(per, n)))
        total_w = sum(w for w, _ in parts)
        dist = _mixture((w / total_w, d) for w, d in parts)
    else:
        raise KeyError(market)
    point, p_over, exp = _line_from_dist(dist)
    return PropLine(game.game_pk, player_id, market, point, p_over, exp)


def book_prices(
    p_over: float, *, rng: random.Random, margin: float = 0.045, noise_sd: float = 0.08
) -> tuple[float, float]:
    """Implied (over, under) probabilities with margin and logit noise; they sum to 1+margin."""
    p = min(max(p_over, 0.02), 0.98)
    logit = math.log(p / (1 - p)) + rng.gauss(0.0, noise_sd)
    q = 1.0 / (1.0 + math.exp(-logit))
    return q * (1 + margin), (1 - q) * (1 + margin)
