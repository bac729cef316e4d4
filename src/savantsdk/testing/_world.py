"""The simulated league's fixed data and value types.

2024 league rates and the talent spread around them, the thirty teams, the name pools, roster
positions and pitch mix, and the frozen value objects every other module passes around:
:class:`Player`, :class:`Team`, :class:`Game`, :class:`Pitch`, :class:`PlateAppearance` and
:class:`GameState`.

True per-PA outcome rates are drawn around the 2024 league rates in :data:`LEAGUE_RATES_2024`,
computed from the 2024 Statcast ``events`` counts (SOURCES-savant-statsapi.md section 1.6):
plate appearances are every PA-ending event (base-running events, ``other_out`` and
``truncated_pa`` excluded), 181,026 in all; K = strikeout + strikeout_double_play; "out in play"
is every remaining PA (field outs, force outs, double plays, sacrifices, errors, catcher
interference).
"""

from __future__ import annotations

import math
import random
import unicodedata
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Final

import attrs

from ..sources._statsapi_stats import MLB_DIVISIONS

__all__ = (
    "EVENT_COUNTS_2024",
    "LEAGUE_RATES_2024",
    "OUTCOMES",
    "Game",
    "GameState",
    "PlateAppearance",
    "Player",
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
#: The upstream's division names: the SDK's one home of that fact (as with the Statcast layout).
DIVISION_NAMES: Final = MLB_DIVISIONS

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


def pitch_name(code: str) -> str:
    return next(p[1] for p in _PITCH_TYPES if p[0] == code)
