"""Render a :class:`~savantsdk.testing.SimulatedLeague` in the upstreams' wire formats.

Pure functions from league state (as of an instant) to JSON-able dicts or CSV text, one module
per upstream as in :mod:`savantsdk.sources`: :mod:`.savant`, :mod:`.statsapi` (and its live
feed, :mod:`.live`), :mod:`.prizepicks`, :mod:`.odds_api`, :mod:`.sportradar`; :mod:`.common`
holds what they share.  The shapes follow the real recorded payloads in ``../shared/data`` (key
names, nesting, string-typed rate stats, ``"ID<id>"`` player maps, JSON:API for PrizePicks,
Over/Under outcome pairs for the Odds API, GUIDs for SportRadar).
"""

from .common import (
    COPYRIGHT as COPYRIGHT,
    iso_z as iso_z,
    outcome_counts as outcome_counts,
    parse_timecode as parse_timecode,
    season_pas as season_pas,
    timecode as timecode,
)
from .live import (
    boxscore_json as boxscore_json,
    feed_json as feed_json,
    json_diff as json_diff,
    timestamps_json as timestamps_json,
)
from .odds_api import (
    FEATURED_MARKETS as FEATURED_MARKETS,
    bulk_odds_event as bulk_odds_event,
    event_id as event_id,
    event_odds_json as event_odds_json,
    odds_event as odds_event,
)
from .prizepicks import (
    prizepicks_json as prizepicks_json,
)
from .savant import (
    SAVANT_ERROR_CSV as SAVANT_ERROR_CSV,
    STATCAST_COLUMNS as STATCAST_COLUMNS,
    STATCAST_HEADER as STATCAST_HEADER,
    StatcastGame as StatcastGame,
    leaderboard_csv as leaderboard_csv,
)
from .sportradar import (
    sr_id as sr_id,
    sr_pbp_json as sr_pbp_json,
    sr_schedule_json as sr_schedule_json,
    sr_summary_json as sr_summary_json,
)
from .statsapi import (
    game_log_json as game_log_json,
    person_json as person_json,
    roster_json as roster_json,
    schedule_json as schedule_json,
    teams_json as teams_json,
)

__all__ = (
    "COPYRIGHT",
    "FEATURED_MARKETS",
    "SAVANT_ERROR_CSV",
    "STATCAST_COLUMNS",
    "STATCAST_HEADER",
    "StatcastGame",
    "boxscore_json",
    "bulk_odds_event",
    "event_id",
    "event_odds_json",
    "feed_json",
    "game_log_json",
    "iso_z",
    "json_diff",
    "leaderboard_csv",
    "odds_event",
    "outcome_counts",
    "parse_timecode",
    "person_json",
    "prizepicks_json",
    "roster_json",
    "schedule_json",
    "season_pas",
    "sr_id",
    "sr_pbp_json",
    "sr_schedule_json",
    "sr_summary_json",
    "teams_json",
    "timecode",
    "timestamps_json",
)
