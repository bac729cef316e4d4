"""The online slate's lineup fallback (each team's most recent full nine) on real 2024 days:
reading games from the most recent back gives what scanning every game gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from savantsdk.props._online import _last_lineups
from savantsdk.sources import PlateAppearances, game_starts, ingest_statcast
from savantsdk.sources._savant_results import savant_team


def _reference(pas: PlateAppearances, day: dt.date) -> dict[str, tuple[int, ...]]:
    latest: dict[str, tuple[tuple[dt.date, int], tuple[int, ...]]] = {}
    for st in game_starts(pas):
        when = (st.game_date, st.game_pk)
        for raw, lineup in ((st.home_team, st.home_lineup), (st.away_team, st.away_lineup)):
            team = savant_team(raw, day)
            if len(lineup) == 9 and (team not in latest or latest[team][0] < when):
                latest[team] = (when, lineup)
    return {team: lineup for team, (_, lineup) in latest.items()}


def test_most_recent_nine_per_team(data_file: Callable[[str], Path]) -> None:
    days = [dt.date(2024, 6, 1) + dt.timedelta(days=k) for k in range(4)]
    # out of date order on purpose: the online history arrives most recent first
    parts = [ingest_statcast(data_file(f"statcast/2024/sc_{d}.csv.gz")) for d in reversed(days)]
    pas = PlateAppearances.concat(parts)
    got = _last_lineups(pas, dt.date(2024, 6, 5))
    assert got == _reference(pas, dt.date(2024, 6, 5))
    assert len(got) == 30  # every club played in those four days
    assert all(len(lineup) == 9 for lineup in got.values())
    # and it is the nine of the team's last game in the files
    nyy = [st for st in game_starts(pas) if "NYY" in (st.home_team, st.away_team)]
    last = max(nyy, key=lambda st: (st.game_date, st.game_pk))
    expected = last.home_lineup if last.home_team == "NYY" else last.away_lineup
    assert got["NYY"] == expected
