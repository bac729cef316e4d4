"""SportRadar MLB payloads (v8 paths, v6-recorded shapes): daily schedule, game summary and
play-by-play, with deterministic GUIDs.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .._counting import batting_lines, pitching_lines
from .._league import SimulatedLeague
from .._world import (
    POSITIONS,
    GameState,
    Player,
    Team,
    stable_uuid,
)
from .common import _rate3, describe


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
