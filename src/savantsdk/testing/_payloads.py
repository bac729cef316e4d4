"""Render a :class:`SimulatedLeague` in the upstreams' wire formats.

Pure functions from league state (as of an instant) to JSON-able dicts or CSV text.  The shapes
follow the real recorded payloads in ``../shared/data`` (key names, nesting, string-typed rate
stats, ``"ID<id>"`` player maps, JSON:API for PrizePicks, Over/Under outcome pairs for the Odds
API, GUIDs for SportRadar).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Final

from ._league import (
    BATTER_MARKETS,
    BATTING_KEYS,
    DIVISION_NAMES,
    LEAGUE_NAMES,
    LEAGUE_RATES_2024,
    OUTCOMES,
    PITCHER_MARKETS,
    PITCHING_KEYS,
    POSITIONS,
    Game,
    GameState,
    PlateAppearance,
    Player,
    SimulatedLeague,
    Team,
    american_from_prob,
    batting_lines,
    book_prices,
    decimal_from_prob,
    event_label,
    innings_pitched,
    pitch_name,
    pitching_lines,
    prop_line,
    stable_uuid,
)

__all__ = (
    "STATCAST_COLUMNS",
    "SAVANT_ERROR_CSV",
    "timecode",
)

COPYRIGHT: Final = (
    "Copyright 2024 MLB Advanced Media, L.P.  Use of any content on this page acknowledges "
    "agreement to the terms posted here http://gdx.mlb.com/components/copyright.txt"
)

#: The 118-column Savant ``statcast_search/csv`` layout (2025+), in order.
STATCAST_COLUMNS: Final = (
    "pitch_type",
    "game_date",
    "release_speed",
    "release_pos_x",
    "release_pos_z",
    "player_name",
    "batter",
    "pitcher",
    "events",
    "description",
    "spin_dir",
    "spin_rate_deprecated",
    "break_angle_deprecated",
    "break_length_deprecated",
    "zone",
    "des",
    "game_type",
    "stand",
    "p_throws",
    "home_team",
    "away_team",
    "type",
    "hit_location",
    "bb_type",
    "balls",
    "strikes",
    "game_year",
    "pfx_x",
    "pfx_z",
    "plate_x",
    "plate_z",
    "on_3b",
    "on_2b",
    "on_1b",
    "outs_when_up",
    "inning",
    "inning_topbot",
    "hc_x",
    "hc_y",
    "tfs_deprecated",
    "tfs_zulu_deprecated",
    "umpire",
    "sv_id",
    "vx0",
    "vy0",
    "vz0",
    "ax",
    "ay",
    "az",
    "sz_top",
    "sz_bot",
    "hit_distance_sc",
    "launch_speed",
    "launch_angle",
    "effective_speed",
    "release_spin_rate",
    "release_extension",
    "game_pk",
    "fielder_2",
    "fielder_3",
    "fielder_4",
    "fielder_5",
    "fielder_6",
    "fielder_7",
    "fielder_8",
    "fielder_9",
    "release_pos_y",
    "estimated_ba_using_speedangle",
    "estimated_woba_using_speedangle",
    "woba_value",
    "woba_denom",
    "babip_value",
    "iso_value",
    "launch_speed_angle",
    "at_bat_number",
    "pitch_number",
    "pitch_name",
    "home_score",
    "away_score",
    "bat_score",
    "fld_score",
    "post_away_score",
    "post_home_score",
    "post_bat_score",
    "post_fld_score",
    "if_fielding_alignment",
    "of_fielding_alignment",
    "spin_axis",
    "delta_home_win_exp",
    "delta_run_exp",
    "bat_speed",
    "swing_length",
    "estimated_slg_using_speedangle",
    "delta_pitcher_run_exp",
    "hyper_speed",
    "home_score_diff",
    "bat_score_diff",
    "home_win_exp",
    "bat_win_exp",
    "age_pit_legacy",
    "age_bat_legacy",
    "age_pit",
    "age_bat",
    "n_thruorder_pitcher",
    "n_priorpa_thisgame_player_at_bat",
    "pitcher_days_since_prev_game",
    "batter_days_since_prev_game",
    "pitcher_days_until_next_game",
    "batter_days_until_next_game",
    "api_break_z_with_gravity",
    "api_break_x_arm",
    "api_break_x_batter_in",
    "arm_angle",
    "attack_angle",
    "attack_direction",
    "swing_path_tilt",
    "intercept_ball_minus_batter_pos_x_inches",
    "intercept_ball_minus_batter_pos_y_inches",
)
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


# ============================================================================================
# Savant
# ============================================================================================


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


# ============================================================================================
# Stats API
# ============================================================================================


def person_ref(p: Player) -> dict[str, Any]:
    return {"id": p.id, "fullName": p.full_name, "link": f"/api/v1/people/{p.id}"}


def position_json(code: str) -> dict[str, str]:
    num, name, typ = POSITIONS[code]
    return {"code": num, "name": name, "type": typ, "abbreviation": code}


def person_json(league: SimulatedLeague, p: Player, *, at: date | None = None) -> dict[str, Any]:
    team = league.team_by_id[p.team_id]
    last = p.last_name + (f" {p.suffix}" if p.suffix else "")
    today = at or league.start
    age = (
        today.year
        - p.birth_date.year
        - ((today.month, today.day) < (p.birth_date.month, p.birth_date.day))
    )
    slug = p.full_name.lower().replace(" ", "-").replace(".", "")
    return {
        "id": p.id,
        "fullName": p.full_name,
        "link": f"/api/v1/people/{p.id}",
        "firstName": p.first_name,
        "lastName": p.last_name,
        "nameSuffix": p.suffix,
        "primaryNumber": p.jersey,
        "birthDate": p.birth_date.isoformat(),
        "currentAge": age,
        "birthCity": "Santo Domingo" if "í" in p.last_name or "é" in p.first_name else "Austin",
        "birthCountry": "Dominican Republic" if "í" in p.last_name else "USA",
        "height": "6' 1\"",
        "weight": 205,
        "active": True,
        "currentTeam": {"id": team.id, "name": team.name, "link": f"/api/v1/teams/{team.id}"},
        "primaryPosition": position_json(p.position),
        "useName": p.first_name,
        "useLastName": p.last_name,
        "boxscoreName": p.boxscore_name,
        "gender": "M",
        "isPlayer": True,
        "isVerified": True,
        "draftYear": p.birth_date.year + 21,
        "mlbDebutDate": date(p.birth_date.year + 23, 6, 1).isoformat(),
        "batSide": {"code": p.bats, "description": _SIDE[p.bats]},
        "pitchHand": {"code": p.throws, "description": _SIDE[p.throws]},
        "nameFirstLast": p.full_name,
        "nameSlug": f"{slug}-{p.id}",
        "firstLastName": p.full_name,
        "lastFirstName": f"{last}, {p.first_name}",
        "lastInitName": f"{last}, {p.first_name[0]}",
        "initLastName": f"{p.first_name[0]} {last}",
        "fullFMLName": p.full_name,
        "fullLFMName": f"{last}, {p.first_name}",
        "strikeZoneTop": 3.4,
        "strikeZoneBottom": 1.6,
    }


def team_json(team: Team, season: int) -> dict[str, Any]:
    return {
        "allStarStatus": "N",
        "id": team.id,
        "name": team.name,
        "link": f"/api/v1/teams/{team.id}",
        "season": season,
        "venue": {
            "id": team.venue_id,
            "name": team.venue_name,
            "link": f"/api/v1/venues/{team.venue_id}",
        },
        "teamCode": team.abbrev.lower(),
        "fileCode": team.abbrev.lower(),
        "abbreviation": team.abbrev,
        "teamName": team.team_name,
        "locationName": team.location,
        "firstYearOfPlay": "1901",
        "league": {
            "id": team.league_id,
            "name": LEAGUE_NAMES[team.league_id],
            "link": f"/api/v1/league/{team.league_id}",
        },
        "division": {
            "id": team.division_id,
            "name": DIVISION_NAMES[team.division_id],
            "link": f"/api/v1/divisions/{team.division_id}",
        },
        "sport": {"id": 1, "link": "/api/v1/sports/1", "name": "Major League Baseball"},
        "shortName": team.location,
        "franchiseName": team.location,
        "clubName": team.team_name,
        "active": True,
    }


def teams_json(league: SimulatedLeague) -> dict[str, Any]:
    return {"copyright": COPYRIGHT, "teams": [team_json(t, league.season) for t in league.teams]}


def roster_json(league: SimulatedLeague, team: Team, roster_type: str) -> dict[str, Any]:
    return {
        "copyright": COPYRIGHT,
        "roster": [
            {
                "person": person_ref(p),
                "jerseyNumber": p.jersey,
                "position": position_json(p.position),
                "status": {"code": "A", "description": "Active"},
                "parentTeamId": team.id,
            }
            for p in team.players
        ],
        "link": f"/api/v1/teams/{team.id}/roster",
        "teamId": team.id,
        "rosterType": roster_type,
    }


def _status_json(status: str) -> dict[str, Any]:
    a, c, d, s, g = _STATUS[status]
    return {
        "abstractGameState": a,
        "codedGameState": c,
        "detailedState": d,
        "statusCode": s,
        "startTimeTBD": False,
        "abstractGameCode": g,
    }


def _records(league: SimulatedLeague, before: datetime) -> dict[int, list[int]]:
    """Win/loss records from games final before ``before``."""
    rec = {t.id: [0, 0] for t in league.teams}
    for g in league.schedule:
        if g.start >= before:
            break
        st = league.state(g.game_pk, before)
        if not st.is_final:
            continue
        home_won = st.home_score > st.away_score
        rec[g.home_id][0 if home_won else 1] += 1
        rec[g.away_id][1 if home_won else 0] += 1
    return rec


def lineups_posted(game: Game, now: datetime) -> bool:
    return now >= game.start - _LINEUP_POSTED_BEFORE


def schedule_json(
    league: SimulatedLeague, games: Sequence[Game], now: datetime, hydrate: str
) -> dict[str, Any]:
    hydr = {h.strip().split("(")[0] for h in hydrate.split(",") if h.strip()}
    by_date: dict[date, list[dict[str, Any]]] = {}
    records = _records(league, now) if games else {}
    in_progress = 0
    for g in games:
        st = league.state(g.game_pk, now)
        in_progress += st.status == "Live"
        teams: dict[str, Any] = {}
        for side, tid, sp in (
            ("away", g.away_id, g.away_starter),
            ("home", g.home_id, g.home_starter),
        ):
            team = league.team_by_id[tid]
            w, losses = records.get(tid, [0, 0])
            entry: dict[str, Any] = {
                "leagueRecord": {
                    "wins": w,
                    "losses": losses,
                    "pct": _rate3(w, w + losses) if w + losses else ".000",
                },
                "team": {"id": team.id, "name": team.name, "link": f"/api/v1/teams/{team.id}"},
                "splitSquad": False,
                "seriesNumber": 1,
            }
            if st.status != "Preview":
                entry["score"] = st.away_score if side == "away" else st.home_score
            if st.is_final:
                mine = entry["score"]
                other = st.home_score if side == "away" else st.away_score
                entry["isWinner"] = mine > other
            if "probablePitcher" in hydr:
                entry["probablePitcher"] = person_ref(league.players[sp])
            teams[side] = entry
        venue = league.team_by_id[g.home_id]
        item: dict[str, Any] = {
            "gamePk": g.game_pk,
            "gameGuid": stable_uuid("guid", league.seed, g.game_pk),
            "link": f"/api/v1.1/game/{g.game_pk}/feed/live",
            "gameType": "R",
            "season": str(league.season),
            "gameDate": iso_z(g.start),
            "officialDate": g.official_date.isoformat(),
            "status": _status_json(st.status),
            "teams": teams,
            "venue": {
                "id": venue.venue_id,
                "name": venue.venue_name,
                "link": f"/api/v1/venues/{venue.venue_id}",
            },
            "content": {"link": f"/api/v1/game/{g.game_pk}/content"},
            "isTie": False,
            "gameNumber": g.game_number,
            "publicFacing": True,
            "doubleHeader": g.double_header,
            "gamedayType": "P",
            "tiebreaker": "N",
            "calendarEventID": f"14-{g.game_pk}-{g.official_date.isoformat()}",
            "seasonDisplay": str(league.season),
            "dayNight": "day" if g.start.hour < 21 and g.start.hour >= 15 else "night",
            "scheduledInnings": 9,
            "reverseHomeAwayStatus": False,
            "inningBreakLength": 120,
            "gamesInSeries": 3,
            "seriesGameNumber": 1,
            "seriesDescription": "Regular Season",
            "recordSource": "S",
            "ifNecessary": "N",
            "ifNecessaryDescription": "Normal Game",
        }
        if "lineups" in hydr and lineups_posted(g, now):
            item["lineups"] = {
                "homePlayers": [_lineup_player(league, pid) for pid, _ in g.home_lineup],
                "awayPlayers": [_lineup_player(league, pid) for pid, _ in g.away_lineup],
            }
        by_date.setdefault(g.official_date, []).append(item)
    dates = [
        {
            "date": d.isoformat(),
            "totalItems": len(items),
            "totalEvents": 0,
            "totalGames": len(items),
            "totalGamesInProgress": sum(
                1 for i in items if i["status"]["abstractGameState"] == "Live"
            ),
            "games": items,
            "events": [],
        }
        for d, items in sorted(by_date.items())
    ]
    return {
        "copyright": COPYRIGHT,
        "totalItems": len(games),
        "totalEvents": 0,
        "totalGames": len(games),
        "totalGamesInProgress": in_progress,
        "dates": dates,
    }


def _lineup_player(league: SimulatedLeague, pid: int) -> dict[str, Any]:
    p = league.players[pid]
    return {
        **person_ref(p),
        "firstName": p.first_name,
        "lastName": p.last_name,
        "primaryPosition": position_json(p.position),
        "useName": p.first_name,
        "boxscoreName": p.boxscore_name,
    }


def _batting_stat(line: Mapping[str, int]) -> dict[str, Any]:
    h, ab = line["hits"], line["atBats"]
    parts = [f"{h}-{ab}"]
    for key, label in (
        ("homeRuns", "HR"),
        ("rbi", "RBI"),
        ("runs", "R"),
        ("baseOnBalls", "BB"),
        ("strikeOuts", "K"),
    ):
        if line[key]:
            parts.append(f"{line[key]} {label}" if line[key] > 1 else label)
    out: dict[str, Any] = {
        "summary": " | ".join([parts[0], ", ".join(parts[1:])]) if len(parts) > 1 else parts[0],
        "gamesPlayed": 1,
    }
    out.update(line)
    out["stolenBasePercentage"] = ".---"
    out["atBatsPerHomeRun"] = f"{ab / line['homeRuns']:.2f}" if line["homeRuns"] else "-.--"
    return out


def _pitching_stat(line: Mapping[str, int], *, started: bool) -> dict[str, Any]:
    outs = line["outs"]
    ip = innings_pitched(outs)
    out: dict[str, Any] = {
        "summary": f"{ip} IP, {line['earnedRuns']} ER, {line['strikeOuts']} K, "
        f"{line['baseOnBalls']} BB",
        "gamesPlayed": 1,
        "gamesStarted": int(started),
    }
    out.update(line)
    n = line["numberOfPitches"]
    out.update(
        {
            "stolenBasePercentage": ".---",
            "inningsPitched": ip,
            "wins": 0,
            "losses": 0,
            "saves": 0,
            "saveOpportunities": 0,
            "holds": 0,
            "blownSaves": 0,
            "gamesPitched": 1,
            "completeGames": int(started and outs >= 27),
            "shutouts": 0,
            "pitchesThrown": n,
            "strikePercentage": _rate3(line["strikes"], n),
            "rbi": line["runs"],
            "gamesFinished": 0,
            "runsScoredPer9": f"{line['runs'] * 27 / outs:.2f}" if outs else "-.--",
            "homeRunsPer9": f"{line['homeRuns'] * 27 / outs:.2f}" if outs else "-.--",
            "passedBall": 0,
            "hitByPitch": line["hitBatsmen"],
        }
    )
    return out


def _team_batting(lines: Iterable[Mapping[str, int]]) -> dict[str, Any]:
    tot: dict[str, int] = {}
    for ln in lines:
        for k, v in ln.items():
            tot[k] = tot.get(k, 0) + v
    if not tot:
        return {}
    ab, h = tot["atBats"], tot["hits"]
    obp_den = ab + tot["baseOnBalls"] + tot["hitByPitch"] + tot["sacFlies"]
    out: dict[str, Any] = dict(tot)
    out["avg"] = _rate3(h, ab)
    out["obp"] = _rate3(h + tot["baseOnBalls"] + tot["hitByPitch"], obp_den)
    out["slg"] = _rate3(tot["totalBases"], ab)
    return out


def _team_pitching(lines: Iterable[Mapping[str, int]]) -> dict[str, Any]:
    tot: dict[str, int] = {}
    for ln in lines:
        for k, v in ln.items():
            tot[k] = tot.get(k, 0) + v
    if not tot:
        return {}
    out: dict[str, Any] = dict(tot)
    out["inningsPitched"] = innings_pitched(tot["outs"])
    out["era"] = f"{tot['earnedRuns'] * 27 / tot['outs']:.2f}" if tot["outs"] else "-.--"
    out["pitchesThrown"] = tot["numberOfPitches"]
    return out


def boxscore_json(league: SimulatedLeague, st: GameState, now: datetime) -> dict[str, Any]:
    g = st.game
    bat = batting_lines(st.pas)
    pit = pitching_lines(st.pas)
    posted = lineups_posted(g, now) or st.status != "Preview"
    teams: dict[str, Any] = {}
    for side, tid, lineup, starter in (
        ("away", g.away_id, g.away_lineup, g.away_starter),
        ("home", g.home_id, g.home_lineup, g.home_starter),
    ):
        team = league.team_by_id[tid]
        top = side == "away"
        order = [pid for pid, _ in lineup] if posted else []
        pos_of = dict(lineup)
        pitchers: list[int] = []
        for pa in st.pas:
            if pa.top != top and pa.pitcher not in pitchers:
                pitchers.append(pa.pitcher)
        if not pitchers and posted:
            pitchers = [starter]
        players: dict[str, Any] = {}
        for p in team.players:
            entry: dict[str, Any] = {
                "person": {**person_ref(p), "boxscoreName": p.boxscore_name},
                "jerseyNumber": p.jersey,
                "position": position_json(pos_of.get(p.id, p.position)),
                "status": {"code": "A", "description": "Active"},
                "parentTeamId": team.id,
                "stats": {"batting": {}, "pitching": {}, "fielding": {}},
                "seasonStats": {"batting": {}, "pitching": {}, "fielding": {}},
                "gameStatus": {
                    "isCurrentBatter": False,
                    "isCurrentPitcher": False,
                    "isOnBench": p.id not in order and p.id not in pitchers,
                    "isSubstitute": False,
                },
                "allPositions": [position_json(pos_of.get(p.id, p.position))],
            }
            if p.id in order:
                entry["battingOrder"] = str(100 * (order.index(p.id) + 1))
                entry["stats"]["batting"] = _batting_stat(
                    bat.get(p.id) or dict.fromkeys(BATTING_KEYS, 0)
                )
            if p.id in pitchers:
                entry["stats"]["pitching"] = _pitching_stat(
                    pit.get(p.id) or dict.fromkeys(PITCHING_KEYS, 0), started=p.id == pitchers[0]
                )
            players[f"ID{p.id}"] = entry
        batting_team = [bat[b] for b in order if b in bat]
        teams[side] = {
            "team": team_json(team, league.season),
            "teamStats": {
                "batting": _team_batting(batting_team),
                "pitching": _team_pitching(pit[p] for p in pitchers if p in pit),
                "fielding": {},
            },
            "players": players,
            "batters": list(order),
            "pitchers": pitchers,
            "bench": [p.id for p in team.position_players if p.id not in order],
            "bullpen": [p.id for p in team.players if p.is_pitcher and p.id not in pitchers],
            "battingOrder": order,
            "info": [],
            "note": [],
        }
    return {
        "copyright": COPYRIGHT,
        "teams": teams,
        "officials": [],
        "info": [],
        "pitchingNotes": [],
        "topPerformers": [],
    }


def _play_json(league: SimulatedLeague, g: Game, pa: PlateAppearance) -> dict[str, Any]:
    batter, pitcher = league.players[pa.batter], league.players[pa.pitcher]
    start = g.start + timedelta(seconds=pa.start_s)
    end = g.start + timedelta(seconds=pa.end_s)
    events = []
    b = s = 0
    n = len(pa.pitches)
    for i, pitch in enumerate(pa.pitches):
        code, desc, is_ball, is_strike, in_play = {
            "ball": ("B", "Ball", True, False, False),
            "blocked_ball": ("*B", "Ball In Dirt", True, False, False),
            "called_strike": ("C", "Called Strike", False, True, False),
            "swinging_strike": ("S", "Swinging Strike", False, True, False),
            "foul": ("F", "Foul", False, True, False),
            "foul_tip": ("T", "Foul Tip", False, True, False),
            "hit_by_pitch": ("H", "Hit By Pitch", False, False, False),
            "hit_into_play": (
                "X",
                "In play, out(s)" if pa.bases == 0 else "In play, no out",
                False,
                False,
                True,
            ),
        }[pitch.description]
        if is_ball:
            b += 1
        elif is_strike and not (pitch.description == "foul" and s == 2):
            s += 1
        t0 = start + timedelta(seconds=21 * i)
        ev: dict[str, Any] = {
            "details": {
                "call": {"code": code, "description": desc},
                "description": desc,
                "code": code,
                "isInPlay": in_play,
                "isStrike": is_strike,
                "isBall": is_ball,
                "type": {"code": pitch.pitch_type, "description": pitch_name(pitch.pitch_type)},
                "isOut": i == n - 1 and pa.outs_made > 0,
                "hasReview": False,
            },
            "count": {
                "balls": min(b, 4),
                "strikes": min(s, 3),
                "outs": pa.outs_after if i == n - 1 else pa.outs_before,
            },
            "pitchData": {
                "startSpeed": pitch.speed,
                "endSpeed": round(pitch.speed * 0.91, 1),
                "strikeZoneTop": 3.4,
                "strikeZoneBottom": 1.6,
                "coordinates": {"pX": pitch.plate_x, "pZ": pitch.plate_z},
                "breaks": {"spinRate": pitch.spin},
                "zone": pitch.zone,
                "typeConfidence": 0.9,
                "plateTime": 0.4,
                "extension": 6.4,
            },
            "index": i,
            "playId": stable_uuid("play", g.game_pk, pa.index, i),
            "pitchNumber": i + 1,
            "startTime": iso_ms(t0),
            "endTime": iso_ms(t0 + timedelta(seconds=3)),
            "isPitch": True,
            "type": "pitch",
        }
        if in_play and pa.launch_speed is not None:
            ev["hitData"] = {
                "launchSpeed": pa.launch_speed,
                "launchAngle": pa.launch_angle,
                "totalDistance": 300,
                "trajectory": pa.bb_type,
                "hardness": "medium",
                "location": str(pa.hit_location),
                "coordinates": {},
            }
        events.append(ev)
    runners = []
    for rid, earned, charged in zip(pa.scorers, pa.earned, pa.charged_to, strict=True):
        runners.append(
            {
                "movement": {
                    "originBase": None,
                    "start": None,
                    "end": "score",
                    "outBase": None,
                    "isOut": False,
                    "outNumber": None,
                },
                "details": {
                    "event": event_label(pa.event, pa.bb_type),
                    "eventType": pa.event,
                    "movementReason": None,
                    "runner": person_ref(league.players[rid]),
                    "responsiblePitcher": {"id": charged, "link": f"/api/v1/people/{charged}"},
                    "isScoringEvent": True,
                    "rbi": pa.rbi > 0,
                    "earned": earned,
                    "teamUnearned": not earned,
                    "playIndex": n - 1,
                },
                "credits": [],
            }
        )
    men_on = (
        "Empty"
        if not any(pa.runners_before)
        else ("Loaded" if all(pa.runners_before) else "Men_On")
    )
    return {
        "result": {
            "type": "atBat",
            "event": event_label(pa.event, pa.bb_type),
            "eventType": pa.event,
            "description": describe(batter, pa),
            "rbi": pa.rbi,
            "awayScore": pa.away_after,
            "homeScore": pa.home_after,
            "isOut": pa.outs_made > 0,
        },
        "about": {
            "atBatIndex": pa.index,
            "halfInning": "top" if pa.top else "bottom",
            "isTopInning": pa.top,
            "inning": pa.inning,
            "startTime": iso_ms(start),
            "endTime": iso_ms(end),
            "isComplete": True,
            "isScoringPlay": bool(pa.scorers),
            "hasReview": False,
            "hasOut": pa.outs_made > 0,
            "captivatingIndex": 0,
        },
        "count": {"balls": min(b, 4), "strikes": min(s, 3), "outs": pa.outs_after},
        "matchup": {
            "batter": person_ref(batter),
            "batSide": {
                "code": batter.stand_vs(pitcher.throws),
                "description": _SIDE[batter.stand_vs(pitcher.throws)],
            },
            "pitcher": person_ref(pitcher),
            "pitchHand": {"code": pitcher.throws, "description": _SIDE[pitcher.throws]},
            "batterHotColdZones": [],
            "pitcherHotColdZones": [],
            "splits": {
                "batter": f"vs_{pitcher.throws}HP",
                "pitcher": f"vs_{batter.stand_vs(pitcher.throws)}HB",
                "menOnBase": men_on,
            },
        },
        "pitchIndex": list(range(n)),
        "actionIndex": [],
        "runnerIndex": list(range(len(runners))),
        "runners": runners,
        "playEvents": events,
        "playEndTime": iso_ms(end),
        "atBatIndex": pa.index,
    }


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _linescore(league: SimulatedLeague, st: GameState) -> dict[str, Any]:
    innings: dict[int, dict[str, dict[str, int]]] = {}
    for pa in st.pas:
        inn = innings.setdefault(
            pa.inning,
            {
                "home": {"runs": 0, "hits": 0, "errors": 0, "leftOnBase": 0},
                "away": {"runs": 0, "hits": 0, "errors": 0, "leftOnBase": 0},
            },
        )
        side = inn["away" if pa.top else "home"]
        side["runs"] += len(pa.scorers)
        side["hits"] += int(pa.bases > 0)
        if pa.event == "field_error":
            inn["home" if pa.top else "away"]["errors"] += 1
    last = st.pas[-1] if st.pas else None
    tot = {
        s: {
            "runs": sum(i[s]["runs"] for i in innings.values()),
            "hits": sum(i[s]["hits"] for i in innings.values()),
            "errors": sum(i[s]["errors"] for i in innings.values()),
            "leftOnBase": 0,
        }
        for s in ("home", "away")
    }
    out: dict[str, Any] = {
        "scheduledInnings": 9,
        "innings": [{"num": n, "ordinalNum": _ordinal(n), **v} for n, v in sorted(innings.items())],
        "teams": tot,
        "defense": {},
        "offense": {},
        "balls": 0,
        "strikes": 0,
        "outs": last.outs_after if last else 0,
    }
    if last:
        half = "Top" if last.top else "Bottom"
        out.update(
            {
                "currentInning": last.inning,
                "currentInningOrdinal": _ordinal(last.inning),
                "inningState": half,
                "inningHalf": half,
                "isTopInning": last.top,
            }
        )
    return out


def feed_json(league: SimulatedLeague, st: GameState, now: datetime) -> dict[str, Any]:
    g = st.game
    home, away = league.team_by_id[g.home_id], league.team_by_id[g.away_id]
    plays = [_play_json(league, g, pa) for pa in st.pas]
    box = boxscore_json(league, st, now)
    box.pop("copyright")
    ids = {g.home_starter, g.away_starter}
    ids.update(pid for pid, _ in g.home_lineup)
    ids.update(pid for pid, _ in g.away_lineup)
    ids.update(pa.pitcher for pa in st.pas)
    stamp = (g.start + timedelta(seconds=st.pas[-1].end_s)) if st.pas else min(now, g.start)
    by_inning: list[dict[str, Any]] = []
    for pa in st.pas:
        if not by_inning or by_inning[-1]["_inning"] != pa.inning:
            by_inning.append(
                {
                    "_inning": pa.inning,
                    "startIndex": pa.index,
                    "endIndex": pa.index,
                    "top": [],
                    "bottom": [],
                    "hits": {"away": [], "home": []},
                }
            )
        cur = by_inning[-1]
        cur["endIndex"] = pa.index
        cur["top" if pa.top else "bottom"].append(pa.index)
    for item in by_inning:
        del item["_inning"]
    decisions: dict[str, Any] = {}
    if st.is_final:
        pit = pitching_lines(st.pas)
        home_won = st.home_score > st.away_score
        win_top = not home_won  # winning team's pitchers pitch in the opposite half
        winners = [p for p in pit if any(pa.pitcher == p and pa.top == win_top for pa in st.pas)]
        losers = [p for p in pit if p not in winners]
        w = max(winners, key=lambda p: (pit[p]["outs"], -pit[p]["runs"]))
        lo = max(losers, key=lambda p: (pit[p]["runs"], pit[p]["outs"]))
        decisions = {
            "winner": person_ref(league.players[w]),
            "loser": person_ref(league.players[lo]),
        }
    return {
        "copyright": COPYRIGHT,
        "gamePk": g.game_pk,
        "link": f"/api/v1.1/game/{g.game_pk}/feed/live",
        "metaData": {
            "wait": 10,
            "timeStamp": timecode(stamp),
            "gameEvents": [st.pas[-1].event] if st.pas else [],
            "logicalEvents": [],
        },
        "gameData": {
            "game": {
                "pk": g.game_pk,
                "type": "R",
                "doubleHeader": g.double_header,
                "id": f"{g.official_date:%Y/%m/%d}/{away.abbrev.lower()}mlb-"
                f"{home.abbrev.lower()}mlb-{g.game_number}",
                "gamedayType": "P",
                "tiebreaker": "N",
                "gameNumber": g.game_number,
                "calendarEventID": f"14-{g.game_pk}-{g.official_date.isoformat()}",
                "season": str(league.season),
                "seasonDisplay": str(league.season),
            },
            "datetime": {
                "dateTime": iso_z(g.start),
                "originalDate": g.official_date.isoformat(),
                "officialDate": g.official_date.isoformat(),
                "dayNight": "night" if g.start.hour >= 22 or g.start.hour < 6 else "day",
                "time": "7:05",
                "ampm": "PM",
            },
            "status": _status_json(st.status),
            "teams": {
                "away": team_json(away, league.season),
                "home": team_json(home, league.season),
            },
            "players": {
                f"ID{pid}": person_json(league, league.players[pid], at=g.official_date)
                for pid in sorted(ids)
            },
            "venue": {
                "id": home.venue_id,
                "name": home.venue_name,
                "link": f"/api/v1/venues/{home.venue_id}",
            },
            "officialVenue": {"id": home.venue_id, "link": f"/api/v1/venues/{home.venue_id}"},
            "weather": {"condition": "Clear", "temp": "72", "wind": "5 mph, Out To CF"},
            "gameInfo": {"firstPitch": iso_ms(g.start)},
            "review": {
                "hasChallenges": False,
                "away": {"used": 0, "remaining": 1},
                "home": {"used": 0, "remaining": 1},
            },
            "flags": {
                "noHitter": False,
                "perfectGame": False,
                "awayTeamNoHitter": False,
                "awayTeamPerfectGame": False,
                "homeTeamNoHitter": False,
                "homeTeamPerfectGame": False,
            },
            "alerts": [],
            "probablePitchers": {
                "away": person_ref(league.players[g.away_starter]),
                "home": person_ref(league.players[g.home_starter]),
            },
            "officialScorer": {},
            "primaryDatacaster": {},
            "moundVisits": {
                "away": {"used": 0, "remaining": 5},
                "home": {"used": 0, "remaining": 5},
            },
        },
        "liveData": {
            "plays": {
                "allPlays": plays,
                "currentPlay": plays[-1] if plays else {},
                "scoringPlays": [pa.index for pa in st.pas if pa.scorers],
                "playsByInning": by_inning,
            },
            "linescore": _linescore(league, st),
            "boxscore": box,
            "decisions": decisions,
            "leaders": {"hitDistance": {}, "hitSpeed": {}, "pitchSpeed": {}},
        },
    }


def timestamps_json(league: SimulatedLeague, st: GameState) -> list[str]:
    return [timecode(st.game.start + timedelta(seconds=pa.end_s)) for pa in st.pas]


def json_diff(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """RFC 6902 operations turning ``old`` into ``new`` (replace/add/remove; lists by index)."""
    if type(old) is not type(new):
        return [{"op": "replace", "path": path, "value": new}]
    if isinstance(old, dict):
        ops: list[dict[str, Any]] = []
        for k in old:
            key = path + "/" + str(k).replace("~", "~0").replace("/", "~1")
            if k not in new:
                ops.append({"op": "remove", "path": key})
            else:
                ops.extend(json_diff(old[k], new[k], key))
        for k in new:
            if k not in old:
                key = path + "/" + str(k).replace("~", "~0").replace("/", "~1")
                ops.append({"op": "add", "path": key, "value": new[k]})
        return ops
    if isinstance(old, list):
        ops = []
        common = min(len(old), len(new))
        for i in range(common):
            ops.extend(json_diff(old[i], new[i], f"{path}/{i}"))
        for i in range(common, len(new)):
            ops.append({"op": "add", "path": f"{path}/{i}", "value": new[i]})
        for i in range(len(old) - 1, common - 1, -1):
            ops.append({"op": "remove", "path": f"{path}/{i}"})
        return ops
    if old != new:
        return [{"op": "replace", "path": path, "value": new}]
    return []


def game_log_json(
    league: SimulatedLeague, player: Player, groups: Sequence[str], now: datetime, season: int
) -> dict[str, Any]:
    out = []
    team = league.team_by_id[player.team_id]
    for group in groups:
        splits = []
        for g in league.team_games(team.id):
            if g.start >= now:
                break
            st = league.state(g.game_pk, now)
            if not st.is_final:
                continue
            home = g.home_id == team.id
            if group == "hitting":
                line = batting_lines(st.pas).get(player.id)
                if line is None:
                    continue
                stat = _batting_stat(line)
                stat.update(_team_batting([line]))
            else:
                line = pitching_lines(st.pas).get(player.id)
                if line is None:
                    continue
                first = next(pa.pitcher for pa in st.pas if pa.top == home)
                stat = _pitching_stat(line, started=first == player.id)
            opp = league.team_by_id[g.away_id if home else g.home_id]
            won = (st.home_score > st.away_score) == home
            splits.append(
                {
                    "season": str(season),
                    "stat": stat,
                    "team": {"id": team.id, "name": team.name, "link": f"/api/v1/teams/{team.id}"},
                    "opponent": {"id": opp.id, "name": opp.name, "link": f"/api/v1/teams/{opp.id}"},
                    "date": g.official_date.isoformat(),
                    "gameType": "R",
                    "isHome": home,
                    "isWin": won,
                    "positionsPlayed": [position_json(player.position)],
                    "game": {
                        "gamePk": g.game_pk,
                        "link": f"/api/v1.1/game/{g.game_pk}/feed/live",
                        "content": {"link": f"/api/v1/game/{g.game_pk}/content"},
                        "gameNumber": g.game_number,
                        "dayNight": "night",
                    },
                    "player": person_ref(player),
                    "sport": {"id": 1, "link": "/api/v1/sports/1", "abbreviation": "MLB"},
                    "league": {
                        "id": team.league_id,
                        "name": LEAGUE_NAMES[team.league_id],
                        "link": f"/api/v1/league/{team.league_id}",
                    },
                }
            )
        out.append(
            {
                "type": {"displayName": "gameLog"},
                "group": {"displayName": group},
                "exemptions": [],
                "splits": splits,
            }
        )
    return {"copyright": COPYRIGHT, "stats": out}


# ============================================================================================
# Markets: The Odds API and PrizePicks
# ============================================================================================

BOOKMAKERS: Final = (
    ("draftkings", "DraftKings", 0.045),
    ("fanduel", "FanDuel", 0.05),
    ("betmgm", "BetMGM", 0.06),
    ("williamhill_us", "Caesars", 0.055),
)
FEATURED_MARKETS: Final = frozenset(
    {"h2h", "spreads", "totals", "outrights", "h2h_lay", "outrights_lay"}
)
PROP_MARKETS: Final = frozenset(BATTER_MARKETS) | frozenset(PITCHER_MARKETS)


def event_id(league: SimulatedLeague, game: Game) -> str:
    return hashlib.md5(f"{league.seed}:{game.game_pk}".encode(), usedforsecurity=False).hexdigest()


def odds_event(league: SimulatedLeague, game: Game) -> dict[str, Any]:
    return {
        "id": event_id(league, game),
        "sport_key": "baseball_mlb",
        "sport_title": "MLB",
        "commence_time": iso_z(game.start),
        "home_team": league.team_by_id[game.home_id].name,
        "away_team": league.team_by_id[game.away_id].name,
    }


def _woba_rate(r: Mapping[str, float]) -> float:
    return (
        0.69 * r["BB"]
        + 0.72 * r["HBP"]
        + 0.89 * r["1B"]
        + 1.27 * r["2B"]
        + 1.62 * r["3B"]
        + 2.1 * r["HR"]
    )


def expected_runs(league: SimulatedLeague, game: Game) -> tuple[float, float]:
    """(away, home) expected runs from lineup and starter true talent."""
    lw = _woba_rate(LEAGUE_RATES_2024)
    out = []
    for lineup, opp_sp in (
        (game.away_lineup, game.home_starter),
        (game.home_lineup, game.away_starter),
    ):
        off = sum(_woba_rate(league.players[p].rates) for p, _ in lineup) / 9 / lw
        pit = 0.6 * _woba_rate(league.players[opp_sp].rates) / lw + 0.4
        out.append(4.4 * off**1.8 * pit**1.8)
    return out[0], out[1]


def _price(q: float, fmt: str) -> float | int:
    return american_from_prob(q) if fmt == "american" else decimal_from_prob(q)


def _norm_sf(x: float) -> float:
    return 0.5 * math.erfc(x / math.sqrt(2))


def bulk_odds_event(
    league: SimulatedLeague, game: Game, markets: Sequence[str], fmt: str, now: datetime
) -> dict[str, Any]:
    ev = odds_event(league, game)
    ra, rh = expected_runs(league, game)
    p_home = rh**1.83 / (rh**1.83 + ra**1.83) + 0.02
    total = ra + rh
    point = math.floor(total) + 0.5
    p_over = _norm_sf((point - total) / 4.3)
    home, away = ev["home_team"], ev["away_team"]
    books = []
    stamp = iso_z(min(now, game.start) - timedelta(minutes=3))
    for key, title, margin in BOOKMAKERS:
        rng = random.Random(f"odds:{league.seed}:{game.game_pk}:{key}")  # noqa: S311
        mk = []
        for m in markets:
            if m == "h2h":
                qh, qa = book_prices(p_home, rng=rng, margin=margin, noise_sd=0.05)
                outcomes = [
                    {"name": away, "price": _price(qa, fmt)},
                    {"name": home, "price": _price(qh, fmt)},
                ]
            elif m == "spreads":
                p_cover = min(0.9, max(0.1, p_home - 0.17))
                qh, qa = book_prices(p_cover, rng=rng, margin=margin, noise_sd=0.05)
                outcomes = [
                    {"name": away, "price": _price(qa, fmt), "point": 1.5},
                    {"name": home, "price": _price(qh, fmt), "point": -1.5},
                ]
            elif m == "totals":
                qo, qu = book_prices(p_over, rng=rng, margin=margin, noise_sd=0.05)
                outcomes = [
                    {"name": "Over", "price": _price(qo, fmt), "point": point},
                    {"name": "Under", "price": _price(qu, fmt), "point": point},
                ]
            else:
                continue
            mk.append({"key": m, "last_update": stamp, "outcomes": outcomes})
        books.append({"key": key, "title": title, "last_update": stamp, "markets": mk})
    return {**ev, "bookmakers": books}


def prop_players(game: Game, market: str) -> list[int]:
    if market in BATTER_MARKETS:
        return [p for p, _ in game.away_lineup] + [p for p, _ in game.home_lineup]
    return [game.away_starter, game.home_starter]


def event_odds_json(
    league: SimulatedLeague,
    game: Game,
    markets: Sequence[str],
    fmt: str,
    now: datetime,
    *,
    bookmakers: Sequence[str] | None = None,
) -> tuple[dict[str, Any], int]:
    """The single-event odds object and the number of unique markets returned."""
    ev = odds_event(league, game)
    stamp = iso_z(min(now, game.start) - timedelta(minutes=2))
    returned: set[str] = set()
    books = []
    for key, title, margin in BOOKMAKERS:
        if bookmakers and key not in bookmakers:
            continue
        mk = []
        for m in markets:
            if m not in PROP_MARKETS:
                continue
            rng = random.Random(f"prop:{league.seed}:{game.game_pk}:{key}:{m}")  # noqa: S311
            outcomes = []
            for pid in prop_players(game, m):
                line = prop_line(league, game, pid, m)
                qo, qu = book_prices(line.p_over, rng=rng, margin=margin)
                name = league.players[pid].full_name
                outcomes.append(
                    {
                        "name": "Over",
                        "description": name,
                        "price": _price(qo, fmt),
                        "point": line.point,
                    }
                )
                outcomes.append(
                    {
                        "name": "Under",
                        "description": name,
                        "price": _price(qu, fmt),
                        "point": line.point,
                    }
                )
            mk.append({"key": m, "last_update": stamp, "outcomes": outcomes})
            returned.add(m)
        books.append({"key": key, "title": title, "markets": mk})
    return {**ev, "bookmakers": books}, len(returned)


PP_STATS: Final = (
    ("Hits", "101", "batter_hits"),
    ("Total Bases", "42", "batter_total_bases"),
    ("Hitter Strikeouts", "281", "batter_strikeouts"),
    ("Walks", "410", "batter_walks"),
    ("Home Runs", "70", "batter_home_runs"),
    ("Singles", "640", "batter_singles"),
    ("Pitcher Strikeouts", "311", "pitcher_strikeouts"),
    ("Hits Allowed", "232", "pitcher_hits_allowed"),
    ("Walks Allowed", "234", "pitcher_walks"),
    ("Pitching Outs", "45", "pitcher_outs"),
)


def pp_player_id(pid: int) -> str:
    return str(100_000 + pid % 900_000)


def prizepicks_json(
    league: SimulatedLeague, games: Sequence[Game], now: datetime, offset_hours: int = -4
) -> dict[str, Any]:
    tz = timezone(timedelta(hours=offset_hours))
    data: list[dict[str, Any]] = []
    players: dict[str, dict[str, Any]] = {}
    stat_types: dict[str, str] = {}
    board = (now - timedelta(hours=6)).astimezone(tz).replace(microsecond=0).isoformat()
    for game in games:
        rng = random.Random(f"pp:{league.seed}:{game.game_pk}")  # noqa: S311
        for stat_name, stat_id, market in PP_STATS:
            for pid in prop_players(game, market):
                player = league.players[pid]
                team = league.team_by_id[player.team_id]
                opp = league.team_by_id[game.away_id if team.id == game.home_id else game.home_id]
                line = prop_line(league, game, pid, market)
                variants = [("standard", line.point)]
                u = rng.random()
                if u < 0.12:
                    variants.append(("demon", line.point + 1.0))
                elif u < 0.2 and line.point >= 1.5:
                    variants.append(("goblin", line.point - 1.0))
                for odds_type, point in variants:
                    proj_id = hashlib.md5(
                        f"{game.game_pk}:{pid}:{market}:{odds_type}".encode(), usedforsecurity=False
                    ).hexdigest()[:7]
                    proj_id = str(int(proj_id, 16) % 9_000_000 + 1_000_000)
                    data.append(
                        {
                            "type": "projection",
                            "id": proj_id,
                            "attributes": {
                                "adjusted_odds": None if odds_type == "standard" else True,
                                "board_time": board,
                                "custom_image": None,
                                "description": opp.abbrev,
                                "end_time": None,
                                "flash_sale_line_score": None,
                                "game_id": stable_uuid("ppgame", league.seed, game.game_pk),
                                "hr_20": True,
                                "is_promo": False,
                                "line_score": point,
                                "odds_type": odds_type,
                                "projection_type": "Single Stat",
                                "rank": len(data) + 1,
                                "refundable": True,
                                "start_time": game.start.astimezone(tz).isoformat(),
                                "stat_type": stat_name,
                                "status": "pre_game",
                                "today": True,
                                "tv_channel": None,
                                "updated_at": board,
                            },
                            "relationships": {
                                "duration": {"data": None},
                                "league": {"data": {"type": "league", "id": "2"}},
                                "new_player": {
                                    "data": {"type": "new_player", "id": pp_player_id(pid)}
                                },
                                "projection_type": {"data": {"type": "projection_type", "id": "2"}},
                                "stat_type": {"data": {"type": "stat_type", "id": stat_id}},
                            },
                        }
                    )
                    stat_types[stat_id] = stat_name
                players[pp_player_id(pid)] = {
                    "type": "new_player",
                    "id": pp_player_id(pid),
                    "attributes": {
                        "combo": False,
                        "display_name": player.full_name,
                        "image_url": "https://static.prizepicks.com/images/players/mlb/x.webp",
                        "league": "MLB",
                        "league_id": 2,
                        "market": team.location,
                        "name": player.full_name,
                        "position": _pp_position(player),
                        "team": team.abbrev,
                        "team_name": team.team_name,
                    },
                    "relationships": {"league": {"data": {"type": "league", "id": "2"}}},
                }
    included: list[dict[str, Any]] = list(players.values())
    included += [
        {
            "type": "stat_type",
            "id": sid,
            "attributes": {"lfg_ignored_leagues": [], "name": name, "rank": 1},
        }
        for sid, name in sorted(stat_types.items())
    ]
    included.append(
        {
            "type": "league",
            "id": "2",
            "attributes": {
                "active": True,
                "f2p_enabled": True,
                "icon": "baseball",
                "image_url": "",
                "last_five_games_enabled": True,
                "league_icon_id": 25,
                "name": "MLB",
                "projections_count": len(data),
                "rank": 0,
                "show_trending": False,
            },
            "relationships": {"projection_filters": {"data": []}},
        }
    )
    included.append({"type": "projection_type", "id": "2", "attributes": {"name": "Single Stat"}})
    return {
        "data": data,
        "included": included,
        "links": {"self": "api.prizepicks.com/projections"},
        "meta": {"current_page": 1, "total_pages": 1},
    }


def _pp_position(p: Player) -> str:
    if p.is_pitcher:
        return "P"
    if p.position in {"C", "DH"}:
        return p.position
    return "OF" if p.position in {"LF", "CF", "RF"} else "IF"


# ============================================================================================
# SportRadar (v8 paths, v6-recorded shapes)
# ============================================================================================


def sr_id(kind: str, value: object) -> str:
    return stable_uuid("sr", kind, value)


def _sr_team(team: Team) -> dict[str, Any]:
    return {
        "name": team.team_name,
        "market": team.location,
        "abbr": team.abbrev,
        "id": sr_id("team", team.id),
    }


def _sr_status(st: GameState) -> str:
    return {"Preview": "scheduled", "Live": "inprogress", "Final": "closed"}[st.status]


def _sr_game_base(league: SimulatedLeague, st: GameState) -> dict[str, Any]:
    g = st.game
    home = league.team_by_id[g.home_id]
    return {
        "id": sr_id("game", g.game_pk),
        "status": _sr_status(st),
        "coverage": "full",
        "game_number": g.game_number,
        "day_night": "N" if g.start.hour >= 22 or g.start.hour < 6 else "D",
        "scheduled": g.start.isoformat(),
        "home_team": sr_id("team", g.home_id),
        "away_team": sr_id("team", g.away_id),
        "venue": {
            "id": sr_id("venue", home.venue_id),
            "name": home.venue_name,
            "market": home.location,
            "capacity": 40000,
            "surface": "grass",
            "city": home.location,
            "country": "USA",
        },
        "broadcast": {"network": "MLBN"},
    }


def sr_schedule_json(league: SimulatedLeague, day: date, now: datetime) -> dict[str, Any]:
    games = []
    for g in league.games_on(day):
        st = league.state(g.game_pk, now)
        base = _sr_game_base(league, st)
        base["home"] = _sr_team(league.team_by_id[g.home_id])
        base["away"] = _sr_team(league.team_by_id[g.away_id])
        games.append(base)
    return {
        "league": {
            "alias": "MLB",
            "name": "Major League Baseball",
            "id": sr_id("league", "MLB"),
            "date": day.isoformat(),
            "games": games,
        }
    }


def _sr_player(p: Player) -> dict[str, Any]:
    return {
        "id": sr_id("player", p.id),
        "status": "A",
        "position": "P"
        if p.is_pitcher
        else ("OF" if p.position in {"LF", "CF", "RF"} else "IF" if p.position != "C" else "C"),
        "primary_position": p.role if p.is_pitcher else p.position,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "preferred_name": p.first_name,
        "jersey_number": p.jersey,
    }


def sr_summary_json(league: SimulatedLeague, st: GameState) -> dict[str, Any]:
    g = st.game
    bat = batting_lines(st.pas)
    pit = pitching_lines(st.pas)
    game = _sr_game_base(league, st)
    for side, tid, lineup, starter in (
        ("home", g.home_id, g.home_lineup, g.home_starter),
        ("away", g.away_id, g.away_lineup, g.away_starter),
    ):
        team = league.team_by_id[tid]
        ids = [pid for pid, _ in lineup]
        pitchers = [pa.pitcher for pa in st.pas if pa.top == (side == "home")]
        used = list(dict.fromkeys([starter, *pitchers]))
        players = []
        for pid in ids + [p for p in used if p not in ids]:
            p = league.players[pid]
            entry = _sr_player(p)
            stats: dict[str, Any] = {}
            if pid in bat:
                b = bat[pid]
                stats["hitting"] = {
                    "overall": {
                        "ab": b["atBats"],
                        "rbi": b["rbi"],
                        "ap": b["plateAppearances"],
                        "avg": _rate3(b["hits"], b["atBats"]),
                        "onbase": {
                            "s": b["hits"] - b["doubles"] - b["triples"] - b["homeRuns"],
                            "d": b["doubles"],
                            "t": b["triples"],
                            "hr": b["homeRuns"],
                            "tb": b["totalBases"],
                            "bb": b["baseOnBalls"],
                            "ibb": 0,
                            "hbp": b["hitByPitch"],
                            "h": b["hits"],
                        },
                        "runs": {"total": b["runs"]},
                        "outs": {
                            "ktotal": b["strikeOuts"],
                            "sacfly": b["sacFlies"],
                            "gidp": b["groundIntoDoublePlay"],
                        },
                    }
                }
            if pid in pit:
                q = pit[pid]
                stats["pitching"] = {
                    "overall": {
                        "ip_1": q["outs"],
                        "ip_2": round(q["outs"] / 3, 2),
                        "bf": q["battersFaced"],
                        "pitch_count": q["numberOfPitches"],
                        "onbase": {
                            "h": q["hits"],
                            "bb": q["baseOnBalls"],
                            "hbp": q["hitBatsmen"],
                            "hr": q["homeRuns"],
                        },
                        "runs": {"total": q["runs"], "earned": q["earnedRuns"]},
                        "outs": {"ktotal": q["strikeOuts"]},
                    }
                }
            entry["statistics"] = stats
            players.append(entry)
        sp = _sr_player(league.players[starter])
        game[side] = {
            **_sr_team(team),
            "runs": st.home_score if side == "home" else st.away_score,
            "hits": sum(b["hits"] for pid, b in bat.items() if pid in ids),
            "errors": 0,
            "probable_pitcher": sp,
            "starting_pitcher": sp,
            "roster": [_sr_player(p) for p in team.players],
            "lineup": [
                {
                    "id": sr_id("player", pid),
                    "inning": 0,
                    "order": i + 1,
                    "position": int(POSITIONS[pos][0]),
                    "sequence": i + 1,
                }
                for i, (pid, pos) in enumerate(lineup)
            ],
            "players": players,
        }
    return {"game": game}


def sr_pbp_json(league: SimulatedLeague, st: GameState) -> dict[str, Any]:
    g = st.game
    game = _sr_game_base(league, st)
    innings: dict[int, dict[str, Any]] = {}
    for pa in st.pas:
        inn = innings.setdefault(
            pa.inning,
            {
                "number": pa.inning,
                "sequence": pa.inning,
                "halfs": [{"half": "T", "events": []}, {"half": "B", "events": []}],
            },
        )
        batter, pitcher = league.players[pa.batter], league.players[pa.pitcher]
        events = []
        for i, pitch in enumerate(pa.pitches):
            outcome = {
                "ball": "bB",
                "blocked_ball": "bB",
                "called_strike": "kKL",
                "swinging_strike": "kKS",
                "foul": "kF",
                "foul_tip": "kFT",
                "hit_by_pitch": "aHBP",
                "hit_into_play": "aS" if pa.bases else "oGO",
            }
            events.append(
                {
                    "type": "pitch",
                    "id": stable_uuid("srp", g.game_pk, pa.index, i),
                    "outcome_id": outcome[pitch.description],
                    "status": "official",
                    "count": {
                        "balls": pitch.balls,
                        "strikes": pitch.strikes,
                        "outs": pa.outs_before,
                        "pitch_count": i + 1,
                    },
                    "flags": {
                        "is_ab_over": i == len(pa.pitches) - 1,
                        "is_hit": pa.bases > 0 and i == len(pa.pitches) - 1,
                    },
                    "pitcher": {
                        "pitch_type": pitch.pitch_type,
                        "pitch_speed": pitch.speed,
                        "pitch_zone": pitch.zone,
                        "id": sr_id("player", pitcher.id),
                        "pitcher_hand": pitcher.throws,
                        "hitter_hand": batter.stand_vs(pitcher.throws),
                        "pitch_count": i + 1,
                    },
                }
            )
        inn["halfs"][0 if pa.top else 1]["events"].append(
            {
                "at_bat": {
                    "hitter_id": sr_id("player", batter.id),
                    "hitter_hand": batter.stand_vs(pitcher.throws),
                    "pitcher_id": sr_id("player", pitcher.id),
                    "pitcher_hand": pitcher.throws,
                    "id": stable_uuid("srab", g.game_pk, pa.index),
                    "description": describe(batter, pa),
                    "events": events,
                }
            }
        )
    game["innings"] = [innings[k] for k in sorted(innings)]
    return {"game": game}


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
