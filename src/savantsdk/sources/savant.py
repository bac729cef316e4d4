"""Baseball Savant: the Statcast search CSV, its plate-appearance form and the leaderboards.

No key needed; online through ``client.savant``, offline from a saved export (the objects
are the ones :mod:`savantsdk.sources` re-exports)::

    from savantsdk.sources.savant import parse_statcast_csv
    table = parse_statcast_csv(csv_bytes)        # one column per Statcast field, typed
"""

from __future__ import annotations

from ._leaderboards import (
    CustomLeaderboardRow as CustomLeaderboardRow,
    ExitVelocityRow as ExitVelocityRow,
    ExpectedStatsRow as ExpectedStatsRow,
    Leaderboard as Leaderboard,
    PercentileRankingsRow as PercentileRankingsRow,
    parse_custom_leaderboard as parse_custom_leaderboard,
    parse_exit_velocity_barrels as parse_exit_velocity_barrels,
    parse_expected_statistics as parse_expected_statistics,
    parse_percentile_rankings as parse_percentile_rankings,
)
from ._plate_appearances import (
    NON_PA_EVENTS as NON_PA_EVENTS,
    GameStart as GameStart,
    PAOutcome as PAOutcome,
    PlateAppearances as PlateAppearances,
    RunnerOuts as RunnerOuts,
    game_starts as game_starts,
    ingest_statcast as ingest_statcast,
    ingest_statcast_files as ingest_statcast_files,
)
from ._savant import SavantClient as SavantClient
from ._savant_results import (
    SAVANT_TEAMS as SAVANT_TEAMS,
    StatcastResult as StatcastResult,
)
from ._statcast_csv import (
    parse_statcast_csv as parse_statcast_csv,
    read_statcast_csv as read_statcast_csv,
)
from ._statcast_models import (
    StatcastColumn as StatcastColumn,
    StatcastTable as StatcastTable,
    looks_truncated as looks_truncated,
)

__all__ = (
    "CustomLeaderboardRow",
    "ExitVelocityRow",
    "ExpectedStatsRow",
    "GameStart",
    "Leaderboard",
    "NON_PA_EVENTS",
    "PAOutcome",
    "PercentileRankingsRow",
    "PlateAppearances",
    "RunnerOuts",
    "SAVANT_TEAMS",
    "SavantClient",
    "StatcastColumn",
    "StatcastResult",
    "StatcastTable",
    "game_starts",
    "ingest_statcast",
    "ingest_statcast_files",
    "looks_truncated",
    "parse_custom_leaderboard",
    "parse_exit_velocity_barrels",
    "parse_expected_statistics",
    "parse_percentile_rankings",
    "parse_statcast_csv",
    "read_statcast_csv",
)
