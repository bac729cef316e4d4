"""MLB Stats API payloads: people, teams, rosters, the schedule (with probable pitchers and
posted lineups) and player game logs.  The live game feed is in :mod:`.live`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from .._counting import batting_lines, innings_pitched, pitching_lines
from .._league import SimulatedLeague
from .._world import (
    DIVISION_NAMES,
    LEAGUE_NAMES,
    POSITIONS,
    Game,
    Player,
    Team,
    stable_uuid,
)
from .common import _LINEUP_POSTED_BEFORE, _SIDE, _STATUS, COPYRIGHT, _rate3, iso_z


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


def _totals(lines: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Key-by-key sums of player lines, keys in first-seen order."""
    tot: dict[str, int] = {}
    for ln in lines:
        for k, v in ln.items():
            tot[k] = tot.get(k, 0) + v
    return tot


def _team_batting(lines: Iterable[Mapping[str, int]]) -> dict[str, Any]:
    tot = _totals(lines)
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
    tot = _totals(lines)
    if not tot:
        return {}
    out: dict[str, Any] = dict(tot)
    out["inningsPitched"] = innings_pitched(tot["outs"])
    out["era"] = f"{tot['earnedRuns'] * 27 / tot['outs']:.2f}" if tot["outs"] else "-.--"
    out["pitchesThrown"] = tot["numberOfPitches"]
    return out


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
