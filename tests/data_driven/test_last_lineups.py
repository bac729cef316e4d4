"""The online slate's lineup fallback (each team's most recent full nine, of any hand and
against each hand of starter) on real 2024 days: reading games from the most recent back
gives what scanning every game gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from savantsdk.props._online_slate import pitcher_hands, recent_lineups
from savantsdk.sources import PlateAppearances, game_starts, ingest_statcast
from savantsdk.sources._savant_results import savant_team


def _reference(
    pas: PlateAppearances, day: dt.date, hand: str | None = None
) -> dict[str, tuple[int, ...]]:
    """Scan every game: each team's latest nine (against a starter of ``hand`` if given)."""
    hands = pitcher_hands(pas)
    latest: dict[str, tuple[tuple[dt.date, int], tuple[int, ...]]] = {}
    for st in game_starts(pas):
        when = (st.game_date, st.game_pk)
        sides = (
            (st.home_team, st.home_lineup, st.away_starter),
            (st.away_team, st.away_lineup, st.home_starter),
        )
        for raw, lineup, opposing in sides:
            team = savant_team(raw, day)
            if hand is not None and hands.get(opposing) != hand:
                continue
            if len(lineup) == 9 and (team not in latest or latest[team][0] < when):
                latest[team] = (when, lineup)
    return {team: lineup for team, (_, lineup) in latest.items()}


def test_most_recent_nine_per_team(data_file: Callable[[str], Path]) -> None:
    days = [dt.date(2024, 6, 1) + dt.timedelta(days=k) for k in range(4)]
    # out of date order on purpose: the online history arrives most recent first
    parts = [ingest_statcast(data_file(f"statcast/2024/sc_{d}.csv.gz")) for d in reversed(days)]
    pas = PlateAppearances.concat(parts)
    by_hand = recent_lineups(pas, dt.date(2024, 6, 5))
    got = {team: entry[""] for team, entry in by_hand.items()}
    assert got == _reference(pas, dt.date(2024, 6, 5))
    for hand in ("L", "R"):
        want = _reference(pas, dt.date(2024, 6, 5), hand)
        assert {t: e[hand] for t, e in by_hand.items() if hand in e} == want
    # in four days not every club faced a starter of each hand: those fall back to any hand
    assert sum("L" in e for e in by_hand.values()) == 23
    assert sum("R" in e for e in by_hand.values()) == 29  # AZ faced four left-handers
    assert len(got) == 30  # every club played in those four days
    assert all(len(lineup) == 9 for lineup in got.values())
    # and it is the nine of the team's last game in the files
    nyy = [st for st in game_starts(pas) if "NYY" in (st.home_team, st.away_team)]
    last = max(nyy, key=lambda st: (st.game_date, st.game_pk))
    expected = last.home_lineup if last.home_team == "NYY" else last.away_lineup
    assert got["NYY"] == expected
