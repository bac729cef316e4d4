"""Baseball Savant payloads: the 118-column ``statcast_search/csv`` export (pre-rendered per
game, pitcher and batter perspectives) and the custom leaderboard CSVs.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Final

from ...sources._statcast_csv import STATCAST_LAYOUT
from .._league import SimulatedLeague
from .._world import (
    Game,
    PlateAppearance,
    pitch_name,
)
from .common import describe

#: The 118-column Savant ``statcast_search/csv`` layout (2025+), in order (the parser's).
STATCAST_COLUMNS: Final = tuple(name for name, _ in STATCAST_LAYOUT)
_COL_INDEX: Final = {c: i for i, c in enumerate(STATCAST_COLUMNS)}
STATCAST_HEADER: Final = ",".join(f'"{c}"' for c in STATCAST_COLUMNS)

SAVANT_ERROR_CSV: Final = (
    '\ufeff"error"\n"Error: Query Timeout. Please try to limit your query to less data."\n'
)

_WOBA: Final = {
    "walk": 0.7,
    "hit_by_pitch": 0.7,
    "single": 0.9,
    "double": 1.25,
    "triple": 1.6,
    "home_run": 2.0,
}


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return f'"{v:g}"'
    s = str(v)
    return '"' + s.replace('"', '""') + '"'


class StatcastGame:
    """Pre-rendered CSV lines for one game (pitcher and batter perspectives), newest first."""

    def __init__(self, league: SimulatedLeague, game: Game) -> None:
        self.game = game
        self.lines: dict[str, list[tuple[int, int, int, str]]] = {"pitcher": [], "batter": []}
        home = league.team_by_id[game.home_id]
        away = league.team_by_id[game.away_id]
        rng = random.Random(f"sc:{league.seed}:{game.game_pk}")  # noqa: S311
        fielders = {
            True: {pos: pid for pid, pos in game.home_lineup},
            False: {pos: pid for pid, pos in game.away_lineup},
        }
        pas = league.plate_appearances(game.game_pk)
        for pa in pas:
            batter, pitcher = league.players[pa.batter], league.players[pa.pitcher]
            field = fielders[pa.top]
            n = len(pa.pitches)
            for i, pitch in enumerate(pa.pitches):
                last = i == n - 1
                row: list[object] = [None] * len(STATCAST_COLUMNS)

                def put(name: str, value: object, row: list[object] = row) -> None:
                    row[_COL_INDEX[name]] = value

                put("pitch_type", pitch.pitch_type)
                put("game_date", game.official_date.isoformat())
                put("release_speed", pitch.speed)
                put(
                    "release_pos_x",
                    round(rng.gauss(-1.5 if pitcher.throws == "R" else 1.5, 0.4), 2),
                )
                put("release_pos_z", round(rng.gauss(5.8, 0.3), 2))
                put("batter", batter.id)
                put("pitcher", pitcher.id)
                put("description", pitch.description)
                put("zone", pitch.zone)
                put("game_type", "R")
                put("stand", batter.stand_vs(pitcher.throws))
                put("p_throws", pitcher.throws)
                put("home_team", home.abbrev)
                put("away_team", away.abbrev)
                put("balls", pitch.balls)
                put("strikes", pitch.strikes)
                put("game_year", game.official_date.year)
                put("plate_x", pitch.plate_x)
                put("plate_z", pitch.plate_z)
                put("on_1b", pa.runners_before[0])
                put("on_2b", pa.runners_before[1])
                put("on_3b", pa.runners_before[2])
                put("outs_when_up", pa.outs_before)
                put("inning", pa.inning)
                put("inning_topbot", "Top" if pa.top else "Bot")
                put("sz_top", 3.4)
                put("sz_bot", 1.6)
                put("effective_speed", round(pitch.speed + rng.gauss(0.3, 0.5), 1))
                put("release_spin_rate", pitch.spin)
                put("release_extension", round(rng.gauss(6.4, 0.3), 1))
                put("game_pk", game.game_pk)
                for pos, num in (
                    ("C", 2),
                    ("1B", 3),
                    ("2B", 4),
                    ("3B", 5),
                    ("SS", 6),
                    ("LF", 7),
                    ("CF", 8),
                    ("RF", 9),
                ):
                    put(f"fielder_{num}", field.get(pos))
                put("release_pos_y", round(rng.gauss(54.0, 0.3), 2))
                put("at_bat_number", pa.index + 1)
                put("pitch_number", i + 1)
                put("pitch_name", pitch_name(pitch.pitch_type))
                bat_before = pa.away_before if pa.top else pa.home_before
                fld_before = pa.home_before if pa.top else pa.away_before
                put("home_score", pa.home_before)
                put("away_score", pa.away_before)
                put("bat_score", bat_before)
                put("fld_score", fld_before)
                if last:
                    post_away, post_home = pa.away_after, pa.home_after
                else:
                    post_away, post_home = pa.away_before, pa.home_before
                put("post_away_score", post_away)
                put("post_home_score", post_home)
                put("post_bat_score", post_away if pa.top else post_home)
                put("post_fld_score", post_home if pa.top else post_away)
                put("if_fielding_alignment", "Standard")
                put("of_fielding_alignment", "Standard")
                put("home_score_diff", pa.home_before - pa.away_before)
                put("bat_score_diff", bat_before - fld_before)
                put("n_thruorder_pitcher", pa.thru_order)
                put("n_priorpa_thisgame_player_at_bat", pa.prior_pa)
                put(
                    "type",
                    "B"
                    if pitch.description in {"ball", "blocked_ball", "hit_by_pitch"}
                    else "X"
                    if pitch.description == "hit_into_play"
                    else "S",
                )
                if last:
                    put("events", pa.event)
                    put("des", describe(batter, pa))
                    put("woba_value", _WOBA.get(pa.event, 0.0))
                    put("woba_denom", 1)
                    if pa.launch_speed is not None:
                        put("launch_speed", pa.launch_speed)
                        put("launch_angle", pa.launch_angle)
                        put("bb_type", pa.bb_type)
                        put("hit_location", pa.hit_location)
                        put(
                            "hit_distance_sc",
                            max(
                                5,
                                round(
                                    (pa.launch_speed or 0) * 3.4
                                    - abs((pa.launch_angle or 0) - 28) * 4
                                ),
                            ),
                        )
                        put("hc_x", round(rng.uniform(40, 210), 2))
                        put("hc_y", round(rng.uniform(40, 190), 2))
                        put("babip_value", int(pa.event in {"single", "double", "triple"}))
                        put("iso_value", max(0, pa.bases - 1))
                        xba = min(0.95, max(0.01, 0.3 + ((pa.launch_speed or 85) - 88) * 0.02))
                        put("estimated_ba_using_speedangle", round(xba, 3))
                        put("estimated_woba_using_speedangle", round(xba * 1.2, 3))
                        put("estimated_slg_using_speedangle", round(xba * 1.6, 3))
                        put(
                            "launch_speed_angle", 6 if pa.event == "home_run" else rng.randint(1, 5)
                        )
                    else:
                        put("babip_value", 0)
                        put("iso_value", 0)
                for persp, who in (("pitcher", pitcher), ("batter", batter)):
                    row[_COL_INDEX["player_name"]] = who.last_first
                    self.lines[persp].append(
                        (pa.index, batter.id, pitcher.id, ",".join(_cell(v) for v in row))
                    )
        for persp in self.lines:
            self.lines[persp].reverse()  # Savant returns newest first


def leaderboard_csv(
    league: SimulatedLeague, pas: Iterable[PlateAppearance], kind: str, player_type: str, year: int
) -> str:
    """``/leaderboard/expected_statistics``, ``/leaderboard/statcast``,
    ``/leaderboard/percentile-rankings`` as CSV text (BOM added by the caller)."""
    pas = list(pas)
    key = "pitcher" if player_type == "pitcher" else "batter"
    by: dict[int, list[PlateAppearance]] = {}
    for pa in pas:
        by.setdefault(getattr(pa, key), []).append(pa)
    rows: list[str] = []
    stats: dict[int, dict[str, float]] = {}
    for pid, items in by.items():
        n = len(items)
        ab = sum(1 for p in items if p.is_ab)
        h = sum(1 for p in items if p.bases)
        tb = sum(p.bases for p in items)
        bip = sum(1 for p in items if p.launch_speed is not None)
        w = sum(_WOBA.get(p.event, 0.0) for p in items)
        evs = [p.launch_speed for p in items if p.launch_speed is not None]
        las = [p.launch_angle for p in items if p.launch_angle is not None]
        k = sum(1 for p in items if p.is_strikeout)
        bb = sum(1 for p in items if p.event == "walk")
        player = league.players[pid]
        r = player.rates
        x_ba = (r["1B"] + r["2B"] + r["3B"] + r["HR"]) / max(1e-9, 1 - r["BB"] - r["HBP"])
        x_slg = (r["1B"] + 2 * r["2B"] + 3 * r["3B"] + 4 * r["HR"]) / max(
            1e-9, 1 - r["BB"] - r["HBP"]
        )
        x_woba = sum(
            _WOBA.get(e, 0.0) * r[o]
            for o, e in (
                ("1B", "single"),
                ("2B", "double"),
                ("3B", "triple"),
                ("HR", "home_run"),
                ("BB", "walk"),
                ("HBP", "hit_by_pitch"),
            )
        )
        stats[pid] = {
            "pa": n,
            "ab": ab,
            "bip": bip,
            "ba": h / ab if ab else 0.0,
            "slg": tb / ab if ab else 0.0,
            "woba": w / n,
            "xba": x_ba,
            "xslg": x_slg,
            "xwoba": x_woba,
            "ev": sum(evs) / len(evs) if evs else 0.0,
            "maxev": max(evs) if evs else 0.0,
            "la": sum(las) / len(las) if las else 0.0,
            "hard": sum(1 for e in evs if e >= 95) / len(evs) * 100 if evs else 0.0,
            "brl": sum(1 for p in items if p.event == "home_run"),
            "k": k / n * 100,
            "bb": bb / n * 100,
        }
    ordered = sorted(stats, key=lambda pid: (-stats[pid]["pa"], pid))

    def f3(v: float) -> str:
        return f"{v:.3f}"

    if kind == "expected_statistics":
        rows.append(
            '"last_name, first_name","player_id","year","pa","bip","ba","est_ba",'
            '"est_ba_minus_ba_diff","slg","est_slg","est_slg_minus_slg_diff","woba",'
            '"est_woba","est_woba_minus_woba_diff"'
        )
        for pid in ordered:
            s = stats[pid]
            rows.append(
                ",".join(
                    [
                        _cell(league.players[pid].last_first),
                        str(pid),
                        str(year),
                        str(int(s["pa"])),
                        str(int(s["bip"])),
                        f3(s["ba"]),
                        f3(s["xba"]),
                        f3(s["ba"] - s["xba"]),
                        f3(s["slg"]),
                        f3(s["xslg"]),
                        f3(s["slg"] - s["xslg"]),
                        f3(s["woba"]),
                        f3(s["xwoba"]),
                        f3(s["woba"] - s["xwoba"]),
                    ]
                )
            )
    elif kind == "statcast":
        rows.append(
            '"last_name, first_name","player_id","attempts","avg_hit_angle",'
            '"anglesweetspotpercent","max_hit_speed","avg_hit_speed","ev95plus",'
            '"ev95percent","barrels","brl_percent","brl_pa"'
        )
        for pid in ordered:
            s = stats[pid]
            att = int(s["bip"])
            rows.append(
                ",".join(
                    [
                        _cell(league.players[pid].last_first),
                        str(pid),
                        str(att),
                        f"{s['la']:.1f}",
                        "33.3",
                        f"{s['maxev']:.1f}",
                        f"{s['ev']:.1f}",
                        str(round(s["hard"] * att / 100)),
                        f"{s['hard']:.1f}",
                        str(int(s["brl"])),
                        f"{(s['brl'] / att * 100) if att else 0.0:.1f}",
                        f"{s['brl'] / s['pa'] * 100:.1f}",
                    ]
                )
            )
    else:  # percentile-rankings
        cols = ("xwoba", "xba", "xslg", "ev", "maxev", "hard", "k", "bb")
        pct: dict[str, dict[int, int]] = {}
        for c in cols:
            vals = sorted(stats[p][c] for p in ordered)
            pct[c] = {}
            for p in ordered:
                rank = sum(1 for v in vals if v < stats[p][c])
                pc = round(100 * rank / max(1, len(vals) - 1))
                pct[c][p] = max(1, min(100, 100 - pc if (c == "k") == (key == "batter") else pc))
        rows.append(
            '"player_name","player_id","year",xwoba,xba,"xslg","xiso","xobp","brl",'
            '"brl_percent","exit_velocity","max_ev","hard_hit_percent","k_percent",'
            '"bb_percent","whiff_percent","chase_percent","arm_strength","sprint_speed",'
            '"oaa","bat_speed","squared_up_rate","swing_length"'
        )
        for pid in ordered:
            rows.append(  # noqa: PERF401 - one row per player
                ",".join(
                    [
                        _cell(league.players[pid].last_first),
                        f'"{pid}"',
                        f'"{year}"',
                        str(pct["xwoba"][pid]),
                        str(pct["xba"][pid]),
                        str(pct["xslg"][pid]),
                        "",
                        "",
                        "",
                        "",
                        str(pct["ev"][pid]),
                        str(pct["maxev"][pid]),
                        str(pct["hard"][pid]),
                        str(pct["k"][pid]),
                        str(pct["bb"][pid]),
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ]
                )
            )
    return "\n".join(rows) + "\n"
