"""SportRadar MLB: schedule, game summary, play-by-play and quota headers.

Needs a ``sportradar`` key in ``ApiKeys``; ``client.sportradar`` serves the calls, and a
saved daily schedule parses offline::

    from savantsdk.sources.sportradar import parse_sportradar_schedule
    games = parse_sportradar_schedule(body).games
"""

from __future__ import annotations

from ._sportradar import (
    SportradarClient as SportradarClient,
)
from ._sportradar_models import (
    SportradarAtBat as SportradarAtBat,
    SportradarGame as SportradarGame,
    SportradarHitting as SportradarHitting,
    SportradarPitch as SportradarPitch,
    SportradarPitching as SportradarPitching,
    SportradarPlayer as SportradarPlayer,
    SportradarQuota as SportradarQuota,
    SportradarSchedule as SportradarSchedule,
    SportradarTeam as SportradarTeam,
    parse_sportradar_game_summary as parse_sportradar_game_summary,
    parse_sportradar_play_by_play as parse_sportradar_play_by_play,
    parse_sportradar_schedule as parse_sportradar_schedule,
    sportradar_quota_from_headers as sportradar_quota_from_headers,
)

__all__ = (
    "SportradarAtBat",
    "SportradarClient",
    "SportradarGame",
    "SportradarHitting",
    "SportradarPitch",
    "SportradarPitching",
    "SportradarPlayer",
    "SportradarQuota",
    "SportradarSchedule",
    "SportradarTeam",
    "parse_sportradar_game_summary",
    "parse_sportradar_play_by_play",
    "parse_sportradar_schedule",
    "sportradar_quota_from_headers",
)
