"""Helpers every upstream's payloads share: timestamps in the wire formats, rate-stat text,
game status codes, and the season's plate appearances as of an instant.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Final

from .._league import SimulatedLeague
from .._oracle import (
    BATTER_MARKETS,
)
from .._world import (
    OUTCOMES,
    Game,
    PlateAppearance,
    Player,
)

COPYRIGHT: Final = (
    "Copyright 2024 MLB Advanced Media, L.P.  Use of any content on this page acknowledges "
    "agreement to the terms posted here http://gdx.mlb.com/components/copyright.txt"
)


_STATUS: Final = {
    "Preview": ("Preview", "S", "Scheduled", "S", "P"),
    "Live": ("Live", "I", "In Progress", "I", "L"),
    "Final": ("Final", "F", "Final", "F", "F"),
}
_SIDE: Final = {"L": "Left", "R": "Right", "S": "Switch"}
_LINEUP_POSTED_BEFORE: Final = timedelta(hours=4)


def timecode(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y%m%d_%H%M%S")


def parse_timecode(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%d_%H%M%S").replace(tzinfo=UTC)


def iso_z(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _rate3(num: int, den: int) -> str:
    if den == 0:
        return ".---"
    v = num / den
    s = f"{v:.3f}"
    return s.removeprefix("0")


def describe(batter: Player, pa: PlateAppearance) -> str:
    name = batter.full_name
    verbs = {
        "single": "singles",
        "double": "doubles",
        "triple": "triples",
        "home_run": "homers",
        "walk": "walks",
        "hit_by_pitch": "hit by pitch",
        "strikeout": "strikes out swinging",
        "field_error": "reaches on a fielding error",
        "grounded_into_double_play": "grounds into a double play",
        "sac_fly": "out on a sacrifice fly",
        "force_out": "grounds into a force out",
    }
    if pa.event == "field_out":
        verb = {"fly_ball": "flies out", "line_drive": "lines out", "popup": "pops out"}.get(
            pa.bb_type or "", "grounds out"
        )
    else:
        verb = verbs[pa.event]
    text = f"{name} {verb}."
    for _ in pa.scorers:
        text += "  A run scores."
    return text


def prop_players(game: Game, market: str) -> list[int]:
    if market in BATTER_MARKETS:
        return [p for p, _ in game.away_lineup] + [p for p, _ in game.home_lineup]
    return [game.away_starter, game.home_starter]


def season_pas(league: SimulatedLeague, now: datetime) -> list[PlateAppearance]:
    out: list[PlateAppearance] = []
    for g in league.schedule:
        if g.start >= now:
            break
        out.extend(league.state(g.game_pk, now).pas)
    return out


def outcome_counts(pas: Iterable[PlateAppearance]) -> dict[str, int]:
    """Counts of the eight modelled outcomes (errors, sacrifices, force outs -> OIP)."""
    m = {
        "single": "1B",
        "double": "2B",
        "triple": "3B",
        "home_run": "HR",
        "walk": "BB",
        "hit_by_pitch": "HBP",
        "strikeout": "K",
    }
    out = dict.fromkeys(OUTCOMES, 0)
    for pa in pas:
        out[m.get(pa.event, "OIP")] += 1
    return out
