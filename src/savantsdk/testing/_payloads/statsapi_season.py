"""MLB Stats API season payloads of the simulated league: season stats (players, paginated with
``limit``/``offset``, and teams), standings, league leaders, a game's linescore and content.

Every number is counted from the league's Final games before ``now`` by :mod:`.._counting`
(the same counting the box scores and game logs use), so a season line is the sum of the game
log's lines and the standings agree with the schedule's ``leagueRecord``.  Shapes follow the
real recordings (``team/stats``, ``standings.json``, ``stats_leaders.json``, ``linescore.json``,
``game_content.json`` in ``../shared/data/statsapi``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from .._counting import batting_lines, pitching_lines
from .._league import SimulatedLeague
from .._world import DIVISION_NAMES, LEAGUE_NAMES, GameState, Player, Team
from .common import COPYRIGHT, _rate3, iso_z

__all__ = (
    "COPYRIGHT",
    "content_json",
    "leaders_json",
    "linescore_json",
    "season_lines",
    "season_stats_json",
    "standings_json",
    "team_stats_json",
)
from .live import _linescore
from .statsapi import _team_batting, _team_pitching, person_ref, position_json


def _finals(league: SimulatedLeague, now: datetime) -> list[GameState]:
    out = []
    for g in league.schedule:
        if g.start >= now:
            break
        st = league.state(g.game_pk, now)
        if st.is_final:
            out.append(st)
    return out


def _add(into: dict[str, int], line: Mapping[str, int]) -> None:
    for k, v in line.items():
        into[k] = into.get(k, 0) + v


def season_lines(
    league: SimulatedLeague, now: datetime
) -> tuple[dict[int, dict[str, int]], dict[int, dict[str, int]]]:
    """Per player batting and pitching season sums (with ``gamesPlayed``)."""
    batting: dict[int, dict[str, int]] = {}
    pitching: dict[int, dict[str, int]] = {}
    for st in _finals(league, now):
        for lines, out in ((batting_lines(st.pas), batting), (pitching_lines(st.pas), pitching)):
            for pid, line in lines.items():
                acc = out.setdefault(pid, {"gamesPlayed": 0})
                acc["gamesPlayed"] += 1
                _add(acc, line)
    return batting, pitching


def _hitting_stat(line: Mapping[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = dict(line)
    out.update(_team_batting([{k: v for k, v in line.items() if k != "gamesPlayed"}]))
    out["gamesPlayed"] = line["gamesPlayed"]
    try:
        ops = float(str(out.get("obp"))) + float(str(out.get("slg")))
    except ValueError:
        out["ops"] = ".---"
    else:
        out["ops"] = f"{ops:.3f}".removeprefix("0")
    h, hr, ab, k, sf = (
        line.get(x, 0) for x in ("hits", "homeRuns", "atBats", "strikeOuts", "sacFlies")
    )
    sb, cs = line.get("stolenBases", 0), line.get("caughtStealing", 0)
    out["babip"] = _rate3(h - hr, ab - k - hr + sf)
    out["stolenBasePercentage"] = _rate3(sb, sb + cs)
    out["caughtStealingPercentage"] = _rate3(cs, sb + cs)
    go, ao = line.get("groundOuts", 0), line.get("airOuts", 0)
    out["groundOutsToAirouts"] = f"{go / ao:.2f}" if ao else "-.--"
    out["atBatsPerHomeRun"] = f"{ab / hr:.2f}" if hr else "-.--"
    return out


def _pitching_stat(line: Mapping[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = dict(line)
    out.update(_team_pitching([{k: v for k, v in line.items() if k != "gamesPlayed"}]))
    out["gamesPlayed"] = out["gamesPitched"] = line["gamesPlayed"]
    outs = line.get("outs", 0)
    out["whip"] = (
        f"{(line.get('hits', 0) + line.get('baseOnBalls', 0)) * 3 / outs:.2f}" if outs else "-.--"
    )
    return out


def _team_ref(team: Team, *, short: bool = False) -> dict[str, Any]:
    name = team.team_name if short else team.name
    return {"id": team.id, "name": name, "link": f"/api/v1/teams/{team.id}"}


def _league_ref(team: Team) -> dict[str, Any]:
    lid = team.league_id
    return {"id": lid, "name": LEAGUE_NAMES[lid], "link": f"/api/v1/league/{lid}"}


def _stats_body(group: str, stat_type: str, total: int, splits: list[Any]) -> dict[str, Any]:
    return {
        "copyright": COPYRIGHT,
        "stats": [
            {
                "type": {"displayName": stat_type},
                "group": {"displayName": group},
                "totalSplits": total,
                "exemptions": [],
                "splits": splits,
                "splitsTiedWithOffset": [],
                "splitsTiedWithLimit": [],
            }
        ],
    }


def season_stats_json(
    league: SimulatedLeague,
    now: datetime,
    *,
    group: str,
    stat_type: str,
    season: int,
    offset: int = 0,
    limit: int = 50,
) -> dict[str, Any]:
    """``/api/v1/stats?stats=season&group=...&playerPool=all``: every player with a line,
    most plate appearances (outs recorded) first, ``limit`` rows from ``offset``."""
    batting, pitching = season_lines(league, now)
    lines = batting if group == "hitting" else pitching
    volume = "plateAppearances" if group == "hitting" else "outs"
    order = sorted(lines, key=lambda pid: (-lines[pid].get(volume, 0), pid))
    make = _hitting_stat if group == "hitting" else _pitching_stat
    splits = []
    for rank, pid in enumerate(order[offset : offset + limit], start=offset + 1):
        player: Player = league.players[pid]
        team = league.team_by_id[player.team_id]
        splits.append(
            {
                "season": str(season),
                "numTeams": 1,
                "gameType": "R",
                "rank": rank,
                "stat": make(lines[pid]),
                "team": _team_ref(team),
                "player": person_ref(player),
                "league": _league_ref(team),
                "sport": {"id": 1, "link": "/api/v1/sports/1", "abbreviation": "MLB"},
                "position": position_json(player.position),
            }
        )
    return _stats_body(group, stat_type, len(order), splits)


def team_stats_json(
    league: SimulatedLeague, now: datetime, *, group: str, stat_type: str, season: int
) -> dict[str, Any]:
    """``/api/v1/teams/stats``: one split per team, the sums of its players' lines."""
    batting, pitching = season_lines(league, now)
    lines = batting if group == "hitting" else pitching
    make = _hitting_stat if group == "hitting" else _pitching_stat
    games = {t.id: 0 for t in league.teams}
    for st in _finals(league, now):
        games[st.game.home_id] += 1
        games[st.game.away_id] += 1
    splits: list[dict[str, Any]] = []
    for team in league.teams:
        total: dict[str, int] = {}
        for p in team.players:
            if p.id in lines:
                _add(total, {k: v for k, v in lines[p.id].items() if k != "gamesPlayed"})
        if not total:
            continue
        total["gamesPlayed"] = games[team.id]
        splits.append(
            {"season": str(season), "stat": make(total), "team": _team_ref(team), "rank": 0}
        )
    for rank, split in enumerate(splits, start=1):
        split["rank"] = rank
    return _stats_body(group, stat_type, len(splits), splits)


# ------------------------------------------------------------------------------------ standings


def _games_back(leader: tuple[int, int], team: tuple[int, int]) -> str:
    gb = ((leader[0] - team[0]) + (team[1] - leader[1])) / 2
    return "-" if gb == 0 else f"{gb:.1f}"


def standings_json(
    league: SimulatedLeague, now: datetime, *, season: int, league_ids: Iterable[int]
) -> dict[str, Any]:
    """``/api/v1/standings?leagueId=...``: one record per division of the asked leagues."""
    wanted = set(league_ids)
    wl = {t.id: [0, 0] for t in league.teams}
    home = {t.id: [0, 0] for t in league.teams}
    runs = {t.id: [0, 0] for t in league.teams}  # scored, allowed
    results: dict[int, list[bool]] = {t.id: [] for t in league.teams}
    for st in _finals(league, now):
        g = st.game
        home_won = st.home_score > st.away_score
        for tid, won, scored, allowed in (
            (g.home_id, home_won, st.home_score, st.away_score),
            (g.away_id, not home_won, st.away_score, st.home_score),
        ):
            wl[tid][0 if won else 1] += 1
            runs[tid][0] += scored
            runs[tid][1] += allowed
            results[tid].append(won)
        home[g.home_id][0 if home_won else 1] += 1
    stamp = iso_z(now)
    by_diff = sorted(league.teams, key=lambda t: (-(wl[t.id][0] - wl[t.id][1]), t.id))
    sport_rank = {t.id: i for i, t in enumerate(by_diff, start=1)}
    league_rank: dict[int, int] = {}
    league_leader: dict[int, tuple[int, int]] = {}
    for t in by_diff:
        league_rank[t.id] = (
            sum(1 for x in league_rank if league.team_by_id[x].league_id == t.league_id) + 1
        )
        league_leader.setdefault(t.league_id, (wl[t.id][0], wl[t.id][1]))
    top = (wl[by_diff[0].id][0], wl[by_diff[0].id][1])
    records = []
    for div_id in sorted(DIVISION_NAMES):
        teams = [t for t in league.teams if t.division_id == div_id and t.league_id in wanted]
        if not teams:
            continue
        teams.sort(key=lambda t: (-(wl[t.id][0] - wl[t.id][1]), t.id))
        leader = (wl[teams[0].id][0], wl[teams[0].id][1])
        team_records = []
        for rank, t in enumerate(teams, start=1):
            w, lost = wl[t.id]
            res = results[t.id]
            run = 0
            for won in reversed(res):
                if won != res[-1]:
                    break
                run += 1
            last_ten = results[t.id][-10:]
            away_w, away_l = w - home[t.id][0], lost - home[t.id][1]
            team_records.append(
                {
                    "team": _team_ref(t, short=True),
                    "season": str(season),
                    "streak": {
                        "streakCode": f"{'W' if res[-1] else 'L'}{run}",
                        "streakType": "wins" if res[-1] else "losses",
                        "streakNumber": run,
                    }
                    if res
                    else {},
                    "divisionRank": str(rank),
                    "gamesPlayed": w + lost,
                    "gamesBack": _games_back(leader, (w, lost)),
                    "wildCardGamesBack": "-",
                    "leagueGamesBack": _games_back(league_leader[t.league_id], (w, lost)),
                    "springLeagueGamesBack": "-",
                    "sportGamesBack": _games_back(top, (w, lost)),
                    "divisionGamesBack": _games_back(leader, (w, lost)),
                    "conferenceGamesBack": "-",
                    "leagueRank": str(league_rank[t.id]),
                    "sportRank": str(sport_rank[t.id]),
                    "leagueRecord": {
                        "wins": w,
                        "losses": lost,
                        "ties": 0,
                        "pct": _rate3(w, w + lost),
                    },
                    "lastUpdated": stamp,
                    "records": {
                        "splitRecords": [
                            {
                                "wins": home[t.id][0],
                                "losses": home[t.id][1],
                                "type": "home",
                                "pct": _rate3(home[t.id][0], sum(home[t.id])),
                            },
                            {
                                "wins": away_w,
                                "losses": away_l,
                                "type": "away",
                                "pct": _rate3(away_w, away_w + away_l),
                            },
                            {
                                "wins": sum(last_ten),
                                "losses": len(last_ten) - sum(last_ten),
                                "type": "lastTen",
                                "pct": _rate3(sum(last_ten), len(last_ten)),
                            },
                        ]
                    },
                    "runsAllowed": runs[t.id][1],
                    "runsScored": runs[t.id][0],
                    "divisionChamp": False,
                    "divisionLeader": rank == 1,
                    "hasWildcard": True,
                    "clinched": False,
                    "eliminationNumber": "-",
                    "eliminationNumberSport": "-",
                    "eliminationNumberLeague": "-",
                    "eliminationNumberDivision": "-",
                    "eliminationNumberConference": "-",
                    "wildCardEliminationNumber": "-",
                    "magicNumber": "-",
                    "wins": w,
                    "losses": lost,
                    "runDifferential": runs[t.id][0] - runs[t.id][1],
                    "winningPercentage": _rate3(w, w + lost),
                }
            )
        records.append(
            {
                "standingsType": "regularSeason",
                "league": {
                    "id": teams[0].league_id,
                    "link": f"/api/v1/league/{teams[0].league_id}",
                },
                "division": {"id": div_id, "link": f"/api/v1/divisions/{div_id}"},
                "sport": {"id": 1, "link": "/api/v1/sports/1"},
                "roundRobin": {"status": "false"},
                "lastUpdated": stamp,
                "teamRecords": team_records,
            }
        )
    return {"copyright": COPYRIGHT, "records": records}


# -------------------------------------------------------------------------------------- leaders

#: category -> (stat group, season-line key, higher is better) the fake can rank.
LEADER_KEYS: Final[dict[str, tuple[tuple[str, str, bool], ...]]] = {
    "homeRuns": (("hitting", "homeRuns", True), ("pitching", "homeRuns", True)),
    "hits": (("hitting", "hits", True), ("pitching", "hits", True)),
    "runsBattedIn": (("hitting", "rbi", True),),
    "runs": (("hitting", "runs", True),),
    "walks": (("hitting", "baseOnBalls", True), ("pitching", "baseOnBalls", True)),
    "strikeouts": (("hitting", "strikeOuts", True), ("pitching", "strikeOuts", True)),
    "doubles": (("hitting", "doubles", True),),
    "triples": (("hitting", "triples", True),),
    "totalBases": (("hitting", "totalBases", True),),
}


def leaders_json(
    league: SimulatedLeague,
    now: datetime,
    *,
    categories: Sequence[str],
    season: int,
    stat_group: str | None,
    limit: int,
) -> dict[str, Any]:
    """``/api/v1/stats/leaders``: ranked counting-stat leaders (ties share a rank); a category
    the fake cannot rank comes back with no leaders."""
    batting, pitching = season_lines(league, now)
    out = []
    for cat in categories:
        for group, key, _high in LEADER_KEYS.get(cat, ((stat_group or "hitting", "", True),)):
            if stat_group is not None and group != stat_group:
                continue
            lines = batting if group == "hitting" else pitching
            ranked = sorted(
                ((lines[pid].get(key, 0), pid) for pid in lines if key),
                key=lambda vp: (-vp[0], vp[1]),
            )
            leaders = []
            rank = 0
            for i, (value, pid) in enumerate(ranked[:limit]):
                if i == 0 or value != ranked[i - 1][0]:
                    rank = i + 1
                player = league.players[pid]
                team = league.team_by_id[player.team_id]
                leaders.append(
                    {
                        "rank": rank,
                        "value": str(value),
                        "team": _team_ref(team),
                        "league": {
                            "id": team.league_id,
                            "name": "AL" if team.league_id == 103 else "NL",
                            "link": f"/api/v1/league/{team.league_id}",
                        },
                        "person": person_ref(player),
                        "sport": {"id": 1, "link": "/api/v1/sports/1", "abbreviation": "MLB"},
                        "season": str(season),
                        "numTeams": 1,
                    }
                )
            out.append(
                {
                    "leaderCategory": cat,
                    "season": str(season),
                    "gameType": {"id": "R", "description": "Regular Season"},
                    "leaders": leaders,
                    "statGroup": group,
                    "totalSplits": len(ranked),
                }
            )
    return {"copyright": COPYRIGHT, "leagueLeaders": out}


# ------------------------------------------------------------------------------- one game


def linescore_json(league: SimulatedLeague, st: GameState) -> dict[str, Any]:
    """``/api/v1/game/{pk}/linescore``: the feed's linescore with the offense/defense teams."""
    g = st.game
    out = _linescore(league, st)
    top = bool(st.pas[-1].top) if st.pas else True
    batting, fielding = (g.away_id, g.home_id) if top else (g.home_id, g.away_id)
    out["offense"] = {"team": _team_ref(league.team_by_id[batting])}
    out["defense"] = {"team": _team_ref(league.team_by_id[fielding])}
    return {"copyright": COPYRIGHT, **out}


def content_json(league: SimulatedLeague, st: GameState, now: datetime) -> dict[str, Any]:
    """``/api/v1/game/{pk}/content``: one highlight video per home run so far, and a recap
    article once the game is Final."""
    g = st.game
    start = g.start
    items = []
    for pa in st.pas:
        if pa.event != "home_run":
            continue
        batter = league.players[pa.batter]
        slug = batter.full_name.lower().replace(" ", "-").replace(".", "")
        vid = f"{slug}-homers-{g.game_pk}-{pa.index}"
        when = datetime.fromtimestamp(start.timestamp() + pa.end_s + 120, tz=start.tzinfo)
        items.append(
            {
                "type": "video",
                "state": "A",
                "date": iso_z(when),
                "id": vid,
                "headline": f"{batter.full_name} homers",
                "slug": vid,
                "blurb": f"{batter.full_name} homers in the {pa.inning} inning",
                "keywordsAll": [
                    {"type": "game_pk", "value": str(g.game_pk), "displayName": str(g.game_pk)},
                    {"type": "player_id", "value": str(batter.id), "displayName": batter.full_name},
                ],
                "title": f"{batter.full_name} homers",
                "description": f"{batter.full_name} hits a home run (RBI {pa.rbi})",
                "duration": "00:00:32",
                "playbacks": [
                    {
                        "name": "mp4Avc",
                        "url": f"https://fake.mlb.test/{vid}_1280x720.mp4",
                        "width": "",
                        "height": "",
                    },
                    {
                        "name": "hlsCloud",
                        "url": f"https://fake.mlb.test/{vid}.m3u8",
                        "width": "",
                        "height": "",
                    },
                ],
            }
        )
    home, away = league.team_by_id[g.home_id], league.team_by_id[g.away_id]
    recap = (
        {
            "mlb": {
                "type": "article",
                "state": "A",
                "date": iso_z(now),
                "headline": f"{away.team_name} {st.away_score}, {home.team_name} {st.home_score}",
                "slug": f"recap-{g.game_pk}",
                "blurb": f"Final: {away.name} {st.away_score}, {home.name} {st.home_score}.",
            }
        }
        if st.is_final
        else {}
    )
    return {
        "copyright": COPYRIGHT,
        "link": f"/api/v1/game/{g.game_pk}/content",
        "editorial": {"preview": {}, "articles": None, "recap": recap},
        "media": {"epg": []},
        "highlights": {
            "scoreboard": None,
            "gameCenter": None,
            "milestone": None,
            "highlights": {"items": items},
        },
        "summary": {
            "hasPreviewArticle": False,
            "hasRecapArticle": st.is_final,
            "hasWrapArticle": False,
            "hasHighlightsVideo": bool(items),
        },
        "gameNotes": {},
    }
