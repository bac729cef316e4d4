"""PrizePicks payloads: the JSON:API ``projections`` document (projections, players, stat
types) with lines at the true points of :mod:`savantsdk.testing._oracle`.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Final

from .._league import SimulatedLeague
from .._oracle import (
    prop_line,
)
from .._world import (
    Game,
    Player,
    stable_uuid,
)
from .common import prop_players

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
