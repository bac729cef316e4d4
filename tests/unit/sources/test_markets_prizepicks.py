"""PrizePicks ``/projections`` parser on the recordings in ../shared/data/markets/prizepicks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from savantsdk.exceptions import SourceDecodeError
from savantsdk.sources import MLB_LEAGUE_ID, OddsType, ProjectionBoard, parse_projections

DataFile = Callable[[str], Path]
ALL = "markets/prizepicks/projections_all_leagues_2024-06-10.json"
MLB_SUBSET = "markets/prizepicks/projections_mlb_subset_2024-06-10.derived.json"
NBA = "markets/prizepicks/projections_nba_league7_2024-03-19.json"


@pytest.fixture
def all_leagues(data_file: DataFile) -> ProjectionBoard:
    return parse_projections(data_file(ALL).read_bytes())


def test_all_leagues_counts(all_leagues: ProjectionBoard) -> None:
    assert len(all_leagues.projections) == 2171
    assert Counter(p.odds_type for p in all_leagues.projections) == {
        OddsType.DEMON: 952,
        OddsType.STANDARD: 903,
        OddsType.GOBLIN: 316,
    }
    assert (all_leagues.current_page, all_leagues.total_pages) == (1, 1)
    assert len(all_leagues.players) == 644
    assert len({p.league_id for p in all_leagues.projections}) == 16


def test_mlb_filter_and_standard_count(data_file: DataFile) -> None:
    board = parse_projections(data_file(ALL).read_bytes(), league_id=MLB_LEAGUE_ID)
    mlb = board.projections
    assert len(mlb) == 1232
    assert {p.league for p in mlb} == {"MLB"}
    assert Counter(p.odds_type for p in mlb) == {
        OddsType.DEMON: 814,
        OddsType.GOBLIN: 284,
        OddsType.STANDARD: 134,
    }
    assert {p.status for p in mlb} == {"pre_game"}
    assert set(board.players) == {p.player_id for p in mlb}
    assert len(board.players) == 144  # = new_player objects in the derived MLB subset
    assert {p.projection_type for p in mlb} == {"Single Stat"}


def test_known_projection_corbin_burnes(data_file: DataFile) -> None:
    board = parse_projections(data_file(ALL).read_bytes(), league_id=MLB_LEAGUE_ID)
    by_id = {p.id: p for p in board.projections}
    burnes = by_id["2594812"]
    assert burnes.player_name == "Corbin Burnes"
    assert (burnes.team, burnes.position) == ("BAL", "P")
    assert (burnes.stat_type, burnes.line_score) == ("Hits Allowed", 4.5)
    assert burnes.odds_type is OddsType.STANDARD
    assert burnes.odds_type_raw == "standard"
    assert burnes.opponent == "TB"
    assert burnes.game_id == "64176bf9-9c35-498a-814c-f920e2351a3e"
    assert burnes.start_time == datetime(2024, 6, 10, 22, 50, tzinfo=UTC)
    assert burnes.start_time is not None
    assert burnes.start_time.utcoffset() == timedelta(hours=-4)
    assert burnes.is_promo is False
    assert burnes.adjusted_odds is None
    assert burnes.is_combo is False
    assert burnes.updated_at == datetime(2024, 6, 10, 14, 32, 18, tzinfo=UTC)
    henderson = by_id["2593395"]
    assert (henderson.player_name, henderson.stat_type, henderson.line_score) == (
        "Gunnar Henderson",
        "Home Runs",
        0.5,
    )
    assert henderson.odds_type is OddsType.DEMON
    assert henderson.adjusted_odds is True


def test_demons_above_and_goblins_below_standard(data_file: DataFile) -> None:
    # SOURCES-markets §2: demon lines are higher than the same player/stat standard line
    # (57/57); goblins lower (26 of 27, one equal).
    mlb = parse_projections(data_file(ALL).read_bytes(), league_id=MLB_LEAGUE_ID).projections
    standard = {(p.player_id, p.stat_type): p.line_score for p in mlb if p.odds_type == "standard"}

    def pairs(kind: OddsType) -> list[tuple[float, float]]:
        out = []
        for p in mlb:
            base = standard.get((p.player_id, p.stat_type))
            if p.odds_type is kind and base is not None and p.line_score is not None:
                out.append((p.line_score, base))
        return out

    demons, goblins = pairs(OddsType.DEMON), pairs(OddsType.GOBLIN)
    assert (len(demons), sum(d > s for d, s in demons)) == (57, 57)
    assert (len(goblins), sum(g < s for g, s in goblins)) == (27, 26)


def test_combo_and_duration_rows(all_leagues: ProjectionBoard) -> None:
    mlb_combos = [p for p in all_leagues.projections if p.league_id == 2 and p.is_combo]
    assert len(mlb_combos) == 8
    assert ("Corbin Burnes + Ryan Pepiot", "Pitcher Strikeouts (Combo)") in {
        (p.player_name, p.stat_type) for p in mlb_combos
    }
    durations = Counter(p.duration for p in all_leagues.projections if p.duration)
    assert durations == {"1st Half": 44, "1P": 12, "1+2+3 Innings": 8, "1+2 Innings": 5}


def test_derived_mlb_subset_matches_filtered_full_board(data_file: DataFile) -> None:
    subset = parse_projections(data_file(MLB_SUBSET).read_bytes())
    filtered = parse_projections(data_file(ALL).read_bytes(), league_id=MLB_LEAGUE_ID)
    assert subset.projections == filtered.projections
    assert subset.players == filtered.players


def test_nba_league_filtered_response(data_file: DataFile) -> None:
    board = parse_projections(data_file(NBA).read_bytes())
    assert len(board.projections) == 647
    assert Counter(p.odds_type for p in board.projections) == {
        OddsType.STANDARD: 482,
        OddsType.GOBLIN: 84,
        OddsType.DEMON: 81,
    }
    assert sum(p.game_id is None for p in board.projections) == 16  # key absent on 16 rows
    assert {p.league_id for p in board.projections} == {7}
    assert parse_projections(data_file(NBA).read_bytes(), league_id=2).projections == ()
    first = board.projections[0]
    assert (first.id, first.stat_type, first.line_score) == ("2150683", "Points (Combo)", 42.0)


# ------------------------------------------------------------------------------ schema drift


def _small(data_file: DataFile) -> dict[str, Any]:
    raw: dict[str, Any] = orjson.loads(data_file(ALL).read_bytes())
    keep = [p for p in raw["data"] if p["id"] in {"2594812", "2593395"}]
    ids = {p["relationships"]["new_player"]["data"]["id"] for p in keep}
    raw["data"] = keep
    raw["included"] = [i for i in raw["included"] if i["type"] != "new_player" or i["id"] in ids]
    return raw


def test_drift_unknown_fields_missing_player_and_new_odds_type(data_file: DataFile) -> None:
    raw = _small(data_file)
    burnes = next(p for p in raw["data"] if p["id"] == "2594812")
    burnes["attributes"]["brand_new"] = {"x": 1}
    burnes["attributes"]["line_score"] = "4.5"
    burnes["relationships"]["new_relation"] = {"data": None}
    henderson = next(p for p in raw["data"] if p["id"] == "2593395")
    henderson["attributes"]["odds_type"] = "flex"
    del henderson["attributes"]["start_time"]
    henderson_player = henderson["relationships"]["new_player"]["data"]["id"]
    raw["included"] = [i for i in raw["included"] if i.get("id") != henderson_player]
    raw["included"].append({"type": "future_type", "id": "1", "attributes": {}})
    by_id = {p.id: p for p in parse_projections(orjson.dumps(raw)).projections}
    assert by_id["2594812"].line_score == 4.5
    assert by_id["2594812"].player_name == "Corbin Burnes"
    assert by_id["2593395"].odds_type is None
    assert by_id["2593395"].odds_type_raw == "flex"
    assert by_id["2593395"].player_name is None
    assert by_id["2593395"].start_time is None
    assert by_id["2593395"].league_id == 2  # from the relationship, not the player


def test_drift_no_included_and_non_projection_items(data_file: DataFile) -> None:
    raw = _small(data_file)
    del raw["included"]
    raw["data"].append({"type": "banner", "id": "x"})
    board = parse_projections(orjson.dumps(raw))
    assert sorted(p.id for p in board.projections) == ["2593395", "2594812"]
    assert all(p.player_name is None for p in board.projections)


# ------------------------------------------------------------------------------------ faults


PERIMETERX = b"<html><head><title>Access to this page has been denied.</title></head></html>"


def test_bot_block_html_page() -> None:
    with pytest.raises(SourceDecodeError) as info:
        parse_projections(PERIMETERX)
    assert info.value.source == "prizepicks"
    assert "HTML" in str(info.value)


def test_truncated_board(data_file: DataFile) -> None:
    data = data_file(NBA).read_bytes()
    with pytest.raises(SourceDecodeError, match="truncated") as info:
        parse_projections(data[:-100])
    assert info.value.source == "prizepicks"


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        (b"[]", "$"),
        (b'{"included": []}', "$.data"),
        (b'{"data": {"id": "1"}}', "$.data"),
        (b'{"data": [1]}', "$.data[0]"),
        (b'{"data": [{"type": "projection"}]}', "$.data[0]"),
        (b'{"data": [], "included": "x"}', "$.included"),
    ],
)
def test_structurally_wrong(payload: bytes, where: str) -> None:
    with pytest.raises(SourceDecodeError) as info:
        parse_projections(payload)
    assert where in str(info.value)
    assert info.value.source == "prizepicks"
