"""Game states read from real recorded live feeds (the mlb-gameday-bot snapshots of game
746139 in progress, and finished games), with the values written in the recordings."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from savantsdk.exceptions import PropGenerationError
from savantsdk.props._live_state import slate_game_from_feed, snapshot_from_feed
from savantsdk.sources import parse_game_feed

DataFile = Callable[[str], Path]
WITH_MOVE = "statsapi/mlb-gameday-bot/feed_live_746139_with-move.json"
NO_MOVE = "statsapi/mlb-gameday-bot/feed_live_746139_no-move.json"


def _raw(data_file: DataFile, rel: str) -> dict[str, Any]:
    return json.loads(data_file(rel).read_bytes())


def test_bases_loaded_in_the_bottom_of_the_seventh(data_file: DataFile) -> None:
    snap = snapshot_from_feed(parse_game_feed(data_file(WITH_MOVE).read_bytes()))
    assert snap.game_pk == 746139
    assert snap.status == "In Progress"
    assert (snap.inning, snap.half, snap.outs) == (7, 1, 1)
    assert snap.bases == (669257, 571771, 660271)  # first, second, third
    assert snap.score == (2, 14)
    # 27 completed PAs for the away side, 40 for the home side: slot 5 is at the plate
    assert snap.team_pa == (27, 40)
    assert snap.next_slot == (0, 4)
    assert snap.lineup[1][4] == 678246  # Miguel Vargas, battingOrder "501", now batting
    # substitutes hold their slots ("101", "301"); the players they replaced are out
    assert snap.lineup[0][0] == 669701
    assert snap.lineup[1][0] == 621035
    assert snap.pitcher == (622786, 675627)  # Tinoco pitching for the away side
    assert snap.starters == (641540, 572020)
    assert snap.pitching[641540].batters_faced == 18
    assert snap.pitching[641540].pitches == 84
    assert snap.pitching[641540].outs == 11
    assert snap.pitching[572020].outs == 18
    assert {641540, 642546, 681982, 572020} <= snap.removed
    assert 622786 not in snap.removed
    assert not snap.ended


def test_between_pitches_the_top_of_the_seventh(data_file: DataFile) -> None:
    snap = snapshot_from_feed(parse_game_feed(data_file(NO_MOVE).read_bytes()))
    assert (snap.inning, snap.half, snap.outs) == (7, 0, 2)
    assert snap.bases == (None, None, None)
    assert snap.lineup[0][snap.next_slot[0]] == 673995  # the batter at the plate


@pytest.mark.parametrize(
    "rel",
    [
        "statsapi/mlb-statsapi-pydantic/livefeed.json",
        "statsapi/mlb-gameday-bot/feed_live_746215.json",
    ],
)
def test_a_final_feed_is_ended(data_file: DataFile, rel: str) -> None:
    snap = snapshot_from_feed(parse_game_feed(data_file(rel).read_bytes()))
    assert snap.ended
    assert snap.status == "Final"
    assert snap.inning == 9  # an ended game stays where it ended (no next half)


def _mutated(data_file: DataFile, edit: Callable[[dict[str, Any]], None]) -> bytes:
    raw = copy.deepcopy(_raw(data_file, WITH_MOVE))
    edit(raw)
    return json.dumps(raw).encode()


def test_impossible_states_name_the_field(data_file: DataFile) -> None:
    def four_outs(raw: dict[str, Any]) -> None:
        raw["liveData"]["linescore"]["outs"] = 4

    def stranger_on_second(raw: dict[str, Any]) -> None:
        raw["liveData"]["linescore"]["offense"]["second"] = {"id": 641540}  # the away starter

    def inning_past_the_end(raw: dict[str, Any]) -> None:
        raw["liveData"]["linescore"]["currentInning"] = 12

    for edit, field in (
        (four_outs, "outs"),
        (stranger_on_second, "second"),
        (inning_past_the_end, "currentInning"),
    ):
        with pytest.raises(PropGenerationError, match=field):
            snapshot_from_feed(parse_game_feed(_mutated(data_file, edit)))


def test_the_pregame_view_of_an_in_progress_game(data_file: DataFile) -> None:
    feed = parse_game_feed(data_file(WITH_MOVE).read_bytes())
    game = slate_game_from_feed(feed)
    snap = snapshot_from_feed(feed)
    assert game.game_pk == 746139
    assert (game.away_starter, game.home_starter) == snap.starters == (641540, 572020)
    assert (game.away_team, game.home_team) == ("TEX", "LAD")
    assert (game.away_starter_throws, game.home_starter_throws) == ("R", "L")
    assert game.game_date is not None
    assert game.game_date.isoformat() == "2024-06-11"
    # the starting nines ("k00"); slots 1, 3 and 5 of the home side were replaced since
    assert game.home_lineup == (
        605141,
        660271,
        518692,
        669257,
        606192,
        666158,
        681624,
        518792,
        500743,
    )
    assert game.away_lineup[0] == 543760
    changed = [k for k in range(9) if game.home_lineup[k] != snap.lineup[1][k]]
    assert changed == [0, 2, 4]
    assert {605141, 518692, 606192} <= snap.removed
