"""Identity measured on real data: PrizePicks MLB names of 2024-06-10 -> MLBAM ids.

Population: every non-combo MLB player on the recorded PrizePicks board of 2024-06-10
(league 2).  Each name is resolved with the full Chadwick register, the player's PrizePicks
team and the date as context.  Checks, each independent of the resolver:

- *day match*: the resolved id appears as a batter or pitcher in the Statcast data of
  2024-06-10 (players who sat out, and the partly recorded NYY@KC game, are misses here);
- *week match*: the resolved id appears in Statcast within 2024-06-07..13 *for the same
  team* (team of the batting/pitching side of each pitch);
- *Savant names*: every batter of the day resolves from Savant's own ``player_name``
  ("Last, First") to the id in the same row.

Every miss is printed (run with ``-s``) and attached with ``record_property``.  Floors are
the measured values rounded down; known players must resolve to their known ids.
"""

from __future__ import annotations

import csv
import gzip
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from savantsdk.ids import PlayerResolver, Resolved, canonical_team
from savantsdk.sources import MLB_LEAGUE_ID, PrizePicksPlayer, parse_projections

DataFile = Callable[[str], Path]
DAY = date(2024, 6, 10)
BOARD = "markets/prizepicks/projections_all_leagues_2024-06-10.json"
REGISTER = "chadwick/people.csv.gz"
WEEK = [date(2024, 6, d) for d in range(7, 14)]

# Measured 2024-11 with the shared data: 138 players; 138 resolved, 120 on the day, 138 in
# the week with the same team; 100 % of Savant batter names.  Floors leave a little room.
DAY_FLOOR = 0.85
WEEK_FLOOR = 0.97
RESOLVED_FLOOR = 0.97


def _missing(rel: str) -> None:
    """Like conftest's data_file: a missing shared file fails under CI=true, else skips."""
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"shared data file {rel} is required in CI (CI=true)")
    pytest.skip(f"shared data file {rel} not available")


@pytest.fixture(scope="module")
def resolver(shared_data: Path) -> PlayerResolver:
    path = shared_data / REGISTER
    if not path.exists():
        _missing(REGISTER)
    return PlayerResolver.from_chadwick(path)


@pytest.fixture(scope="module")
def players(shared_data: Path) -> list[PrizePicksPlayer]:
    board = parse_projections((shared_data / BOARD).read_bytes(), league_id=MLB_LEAGUE_ID)
    return sorted((p for p in board.players.values() if not p.combo), key=lambda p: p.id)


def _statcast_rows(data_file: DataFile, day: date) -> list[dict[str, str]]:
    path = data_file(f"statcast/2024/sc_{day.isoformat()}.csv.gz")
    with gzip.open(path, "rt", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _appearances(rows: list[dict[str, str]]) -> set[tuple[int, str | None]]:
    """(player id, canonical team) for every batter and pitcher of every pitch."""
    out: set[tuple[int, str | None]] = set()
    for row in rows:
        top = row["inning_topbot"] == "Top"
        batting = row["away_team"] if top else row["home_team"]
        fielding = row["home_team"] if top else row["away_team"]
        out.add((int(row["batter"]), canonical_team(batting)))
        out.add((int(row["pitcher"]), canonical_team(fielding)))
    return out


def test_prizepicks_names_resolve_to_statcast_players(
    resolver: PlayerResolver,
    players: list[PrizePicksPlayer],
    data_file: DataFile,
    record_property: Callable[[str, object], None],
) -> None:
    day_rows = _statcast_rows(data_file, DAY)
    day_ids = {pid for pid, _ in _appearances(day_rows)}
    week: set[tuple[int, str | None]] = set()
    for d in WEEK:
        week |= _appearances(_statcast_rows(data_file, d))

    resolved = day_hits = week_hits = 0
    misses: list[str] = []
    for p in players:
        assert p.name is not None
        result = resolver.resolve(p.name, team=p.team, on=DAY)
        if not isinstance(result, Resolved):
            misses.append(f"UNRESOLVED {p.name} ({p.team}): {result}")
            continue
        resolved += 1
        on_day = result.mlbam_id in day_ids
        in_week = (result.mlbam_id, canonical_team(p.team)) in week
        day_hits += on_day
        week_hits += in_week
        if not on_day:
            why = "in Statcast that week for the same team" if in_week else "NOT CONFIRMED"
            misses.append(
                f"not in 2024-06-10 Statcast: {p.name} ({p.team}) -> {result.mlbam_id} "
                f"[{result.method}] ({why})"
            )
        elif not in_week:  # pragma: no cover - a team mismatch would be a resolver bug
            misses.append(f"team mismatch: {p.name} ({p.team}) -> {result.mlbam_id}")

    n = len(players)
    summary = (
        f"PrizePicks MLB players 2024-06-10: {n}; resolved {resolved} ({resolved / n:.1%}); "
        f"in that day's Statcast {day_hits} ({day_hits / n:.1%}); in Statcast 06-07..13 for the "
        f"same team {week_hits} ({week_hits / n:.1%})"
    )
    print("\n" + summary)
    for line in misses:
        print("  miss:", line)
    record_property("identity_summary", summary)
    record_property("identity_misses", misses)

    assert n == 138  # 144 MLB players on the board, 6 of them combos
    assert resolved / n >= RESOLVED_FLOOR, summary + "\n" + "\n".join(misses)
    assert day_hits / n >= DAY_FLOOR, summary + "\n" + "\n".join(misses)
    assert week_hits / n >= WEEK_FLOOR, summary + "\n" + "\n".join(misses)


@pytest.mark.parametrize(
    ("name", "team", "mlbam_id"),
    [
        ("Shohei Ohtani", "LAD", 660271),
        ("Aaron Judge", "NYY", 592450),
        ("Bobby Witt Jr.", "KC", 677951),
        ("Vladimir Guerrero Jr.", "TOR", 665489),
        ("Fernando Tatis Jr.", "SD", 665487),
        ("Julio Rodríguez", "SEA", 677594),
        ("Corbin Burnes", "BAL", 669203),
        ("J.P. Crawford", "SEA", 641487),
        ("JJ Bleday", "OAK", 668709),
        ("DJ LeMahieu", "NYY", 518934),
        ("Ha-Seong Kim", "SD", 673490),
        ("Luke Raley Jr.", "SEA", 670042),
    ],
)
def test_known_players(resolver: PlayerResolver, name: str, team: str, mlbam_id: int) -> None:
    result = resolver.resolve(name, team=team, on=DAY)
    assert isinstance(result, Resolved), result
    assert result.mlbam_id == mlbam_id


def test_savant_batter_names_resolve_to_their_own_ids(
    resolver: PlayerResolver, data_file: DataFile, record_property: Callable[[str, object], None]
) -> None:
    rows = _statcast_rows(data_file, DAY)
    batters = {(row["player_name"], int(row["batter"])) for row in rows}
    wrong = []
    for name, mlbam_id in sorted(batters):
        result = resolver.resolve(name, on=DAY)
        if not (isinstance(result, Resolved) and result.mlbam_id == mlbam_id):
            wrong.append(f"{name} ({mlbam_id}) -> {result}")
    rate = 1 - len(wrong) / len(batters)
    summary = f"Savant batter names 2024-06-10: {len(batters)}; correct {rate:.1%}"
    print("\n" + summary)
    for line in wrong:
        print("  miss:", line)
    record_property("savant_names_summary", summary)
    assert len(batters) == len({pid for _, pid in batters})  # one name per id
    assert rate >= 0.98, summary + "\n" + "\n".join(wrong)
