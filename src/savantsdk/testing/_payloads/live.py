"""MLB Stats API live-game payloads: box score, ``feed/live`` (plays, linescore, box score),
its timecodes and the JSON-Patch ``diffPatch`` between two instants.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .._counting import BATTING_KEYS, PITCHING_KEYS, batting_lines, pitching_lines
from .._league import SimulatedLeague
from .._world import (
    Game,
    GameState,
    PlateAppearance,
    event_label,
    pitch_name,
    stable_uuid,
)
from .common import _SIDE, COPYRIGHT, describe, iso_ms, iso_z, timecode
from .statsapi import (
    _batting_stat,
    _pitching_stat,
    _status_json,
    _team_batting,
    _team_pitching,
    lineups_posted,
    person_json,
    person_ref,
    position_json,
    team_json,
)


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


def _on_field(league: SimulatedLeague, st: GameState) -> dict[str, dict[str, Any]]:
    """``offense`` / ``defense`` of the linescore: who bats, who is on which base and who
    pitches in the PA under way (empty before the first pitch is thrown and once Final)."""
    if st.status != "Live":
        return {"offense": {}, "defense": {}}
    g = st.game
    up = league.plate_appearances(g.game_pk)[len(st.pas)]  # the PA under way
    offense: dict[str, Any] = {
        "batter": person_ref(league.player(up.batter)),
        "battingOrder": up.bat_order_slot,
        "team": {"id": g.away_id if up.top else g.home_id},
    }
    for base, runner in zip(("first", "second", "third"), up.runners_before, strict=True):
        if runner is not None:
            offense[base] = person_ref(league.player(runner))
    defense = {
        "pitcher": person_ref(league.player(up.pitcher)),
        "team": {"id": g.home_id if up.top else g.away_id},
    }
    return {"offense": offense, "defense": defense}


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
        **_on_field(league, st),
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
