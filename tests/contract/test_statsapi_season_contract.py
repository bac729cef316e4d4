"""Contract tests: the Stats API's season stats, standings, leaders, linescore, game content,
printable boxscore/linescore and frames, on the real recorded payloads in
``../shared/data/statsapi`` (values read from the files themselves)."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from savantsdk.exceptions import ConfigurationError, SourceDecodeError
from savantsdk.sources import (
    STAT_TYPES,
    parse_boxscore,
    parse_game_content,
    parse_leaders,
    parse_linescore,
    parse_play_by_play,
    parse_season_stats,
    parse_standings,
)
from savantsdk.sources._statsapi_stats import check_choice

DataFile = Callable[[str], Path]
PYD = "statsapi/mlb-statsapi-pydantic"
STUBS = "statsapi/pymlb_statsapi_stubs"
TEAM_HITTING = f"{STUBS}/team/stats/stats_group=hitting_season=2024_sportId=1_d406fa4cf9b2.json.gz"
LINESCORE_747175 = f"{STUBS}/game/linescore/linescore_game_pk=747175_4240fc08a038.json.gz"
CONTENT_747175 = f"{STUBS}/game/content/content_game_pk=747175_4240fc08a038.json.gz"
KWAN = "statsapi/mlb-gameday-bot/people_stats_steven-kwan-happy-path.json"
SEP = "-" * 79


def body(path: Path) -> bytes:
    """Raw response bytes (pymlb capture wrappers unwrapped, BOM and ``//`` URL line dropped)."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        wrapper = orjson.loads(gzip.decompress(raw))
        assert wrapper["status_code"] == 200
        return orjson.dumps(wrapper["response"])
    text = raw.decode("utf-8-sig")
    if text.startswith("//"):
        text = text.split("\n", 1)[1]
    return text.encode()


@pytest.fixture
def load(data_file: DataFile) -> Callable[[str], bytes]:
    return lambda rel: body(data_file(rel))


# ------------------------------------------------------------------------------ season stats


def test_team_season_hitting_stats(load: Callable[[str], bytes]) -> None:
    stats = parse_season_stats(load(TEAM_HITTING))
    assert stats.total == 30
    assert len(stats.rows) == 30
    padres = stats.rows[0]
    assert (padres.team_id, padres.rank, padres.season) == (135, 1, "2024")
    assert padres.player is None
    assert (padres.stat.runs, padres.stat.home_runs, padres.stat.hits) == (760, 190, 1456)
    assert padres.stat.avg == pytest.approx(0.263)
    assert padres.stat.ops == pytest.approx(0.744)
    assert padres.extra["ground_outs_to_airouts"] == pytest.approx(0.92)
    assert padres.extra["at_bats_per_home_run"] == pytest.approx(29.08)
    df = stats.to_pandas()
    assert df.shape[0] == 30
    dbacks = df[df["team_id"] == 109].iloc[0]
    assert (dbacks["team"], dbacks["runs"], dbacks["rank"]) == ("Arizona Diamondbacks", 886, 2)
    assert str(df["runs"].dtype) == "Int64"
    assert df["player_id"].isna().all()
    assert stats.to_polars().height == 30


def test_sabermetrics_are_kept_as_floats(load: Callable[[str], bytes]) -> None:
    stats = parse_season_stats(load(KWAN))
    saber = [r for r in stats.rows if r.stat_type == "sabermetrics"]
    assert len(saber) == 1
    kwan = saber[0]
    assert (kwan.player_id, kwan.team_id, kwan.group) == (680757, 114, "hitting")
    assert kwan.extra["woba"] == pytest.approx(0.433115)
    assert kwan.extra["w_rc_plus"] == pytest.approx(187.371)
    assert kwan.extra["war"] == pytest.approx(3.14211)
    season = next(r for r in stats.rows if r.stat_type == "season")
    assert (season.stat.hits, season.stat.at_bats) == (74, 191)
    assert season.stat.avg == pytest.approx(0.387)
    df = stats.to_pandas()
    row = df[df["stat_type"] == "sabermetrics"].iloc[0]
    assert row["w_rc_plus"] == pytest.approx(187.371)


def test_season_stats_without_stats_array_is_a_decode_error() -> None:
    with pytest.raises(SourceDecodeError, match=r"\$\.stats"):
        parse_season_stats(b'{"copyright": "x"}')


# ------------------------------------------------------------------------------ standings


def test_standings(load: Callable[[str], bytes]) -> None:
    table = parse_standings(load(f"{PYD}/standings.json"))
    assert len(table.records) == 6
    assert all(len(r.team_records) == 5 for r in table.records)
    east = table.records[0]
    assert (east.standings_type, east.division_name) == ("regularSeason", "American League East")
    nyy = table.team(147)
    assert nyy is not None
    assert (nyy.wins, nyy.losses, nyy.division_rank, nyy.games_back) == (94, 68, 1, "-")
    assert nyy.winning_percentage == pytest.approx(0.580)
    assert nyy.streak is not None
    assert nyy.streak.streak_code == "W1"
    assert (nyy.clinch_indicator, nyy.run_differential) == ("z", 147)
    home = nyy.split("home")
    assert home is not None
    assert (home.wins, home.losses) == (44, 37)
    df = table.to_pandas()
    assert df.shape[0] == 30
    row = df[df["team_id"] == 147].iloc[0]
    assert (row["team"], row["home"], row["away"], row["last_ten"]) == (
        "Yankees",
        "44-37",
        "50-31",
        "5-5",
    )
    assert (row["expected_wins"], row["expected_losses"]) == (96, 66)
    orioles = df[df["team_id"] == 110].iloc[0]
    assert (orioles["games_back"], orioles["wild_card_games_back"]) == ("3.0", "+5.0")
    assert orioles["wild_card_rank"] == 1


# ------------------------------------------------------------------------------ leaders


def test_leaders(load: Callable[[str], bytes]) -> None:
    leaders = parse_leaders(load(f"{PYD}/stats_leaders.json"))
    groups = [(c.leader_category, c.stat_group) for c in leaders.categories]
    assert groups == [("homeRuns", "hitting"), ("homeRuns", "catching"), ("homeRuns", "pitching")]
    hitting = leaders.category("homeRuns", "hitting")
    assert hitting is not None
    assert hitting.game_type is not None
    assert hitting.game_type.id == "R"
    first = hitting.leaders[0]
    assert first.person is not None
    assert (first.rank, first.value, first.person.full_name) == (1, 58.0, "Aaron Judge")
    assert [x.rank for x in hitting.leaders] == [1, 2, 3, 4, 5, 5, 5]
    df = leaders.to_pandas()
    assert df.shape[0] == 18
    pitching = df[df["stat_group"] == "pitching"].iloc[0]
    assert (pitching["player"], pitching["value"], pitching["team_id"]) == (
        "Kutter Crawford",
        34.0,
        111,
    )


# ------------------------------------------------------------------------------ linescore

LINESCORE_TEXT = (
    "Final             1 2 3 4 5 6 7 8 9  R   H   E\n"
    "Houston Astros    0 0 0 0 1 0 0 0 2  3   4   0\n"
    "Toronto Blue Jays 0 0 0 0 0 0 0 0 1  1   4   0"
)


def test_linescore_prints_like_mlb_statsapi(load: Callable[[str], bytes]) -> None:
    ls = parse_linescore(load(f"{PYD}/linescore.json"))
    assert ls.text(title="Final") == LINESCORE_TEXT
    # default title: the inning state; team names from offense/defense (bottom: home bats)
    assert str(ls).splitlines()[0].startswith("Bottom 9th        1 2 3")
    assert ls.offense is not None
    assert ls.offense.team is not None
    assert ls.offense.team.name == "Toronto Blue Jays"
    assert ls.defense is not None
    assert ls.defense.pitcher is not None
    assert ls.defense.pitcher.full_name == "Josh Hader"
    df = ls.to_pandas()
    assert df["inning"].tolist() == list(range(1, 10))
    assert int(df["away_runs"].sum()) == 3
    assert df["home_left_on_base"].tolist() == [0, 3, 0, 0, 2, 0, 0, 3, 0]


def test_linescore_endpoint_recording(load: Callable[[str], bytes]) -> None:
    ls = parse_linescore(load(LINESCORE_747175))
    assert ls.note == "Two out when winning run scored."
    assert ls.teams is not None
    assert ls.teams.home is not None
    assert ls.text(away="D-backs", home="Blue Jays").splitlines()[0].startswith("Bottom 9th ")


# ------------------------------------------------------------------------------ boxscore

BOX_PAIRS = (
    (SEP, SEP),
    (
        "Astros Batters                           AB   R   H  RBI BB   K  LOB AVG   OPS",
        "Blue Jays Batters                        AB   R   H  RBI BB   K  LOB AVG   OPS",
    ),
    (SEP, SEP),
    (
        "1 Bregman  3B                             4   1   2   0   0   0   0  .251 .710",
        "1 Bichette  SS                            3   0   0   0   1   1   1  .230 .617",
    ),
    (
        "2 Meyers  CF                              4   0   0   0   0   3   2  .256 .752",
        "2 Horwitz  1B                             4   0   1   0   0   0   2  .290 .864",
    ),
    (
        "3 Alvarez, Y  DH                          3   1   1   2   1   0   0  .294 .900",
        "3 Turner, J  DH                           3   0   0   0   0   2   0  .247 .724",
    ),
    (
        "4 Diaz, Y  C                              4   0   0   0   0   0   1  .278 .718",
        "4 Springer  RF                            4   0   1   0   0   1   3  .215 .650",
    ),
    (
        "5 Singleton  1B                           3   0   0   0   1   3   0  .232 .678",
        "5 Varsho  CF                              3   0   0   0   1   1   3  .198 .676",
    ),
    (
        "6 Peña  SS                                3   1   1   1   0   0   1  .277 .705",
        "6 Kirk  C                                 4   0   0   0   0   1   2  .200 .571",
    ),
    (
        "7 Dubón  2B                               3   0   0   0   0   1   0  .289 .714",
        "7 Schneider  2B                           3   0   0   0   1   0   0  .215 .717",
    ),
    (
        "8 Cabbage  RF                             3   0   0   0   0   1   0  .269 .719",
        "8 Clement  3B                             4   1   2   1   0   0   3  .268 .709",
    ),
    (
        "9 McCormick  LF                           3   0   0   0   0   1   0  .213 .604",
        "9 Kiermaier  CF                           2   0   0   0   0   1   4  .190 .514",
    ),
    (SEP, "  Barger  LF                              1   0   0   0   1   0   0  .170 .408"),
    ("Totals                                   30   3   4   3   2   9   4", SEP),
    (SEP, "Totals                                   31   1   4   1   4   7  18"),
    ("", SEP),
    ("", ""),
    (SEP, SEP),
    (
        "Astros Pitchers                              IP   H   R  ER  BB   K  HR   ERA",
        "Blue Jays Pitchers                           IP   H   R  ER  BB   K  HR   ERA",
    ),
    (SEP, SEP),
    (
        "Brown, H                                    6.0   2   0   0   3   5   0   4.07",
        "Rodríguez, Y                                6.2   2   1   1   2   6   1   4.44",
    ),
    (
        "Montero, R                                  1.0   0   0   0   0   0   0   4.31",
        "Richards, T                                 1.1   0   0   0   0   1   0   2.49",
    ),
    (
        "Abreu, B                                    1.0   1   0   0   1   1   0   2.90",
        "Pop                                         1.0   2   2   2   0   2   1   5.47",
    ),
    ("Hader                                       1.0   1   1   1   0   1   1   3.82", SEP),
    (SEP, "Totals                                      9.0   4   3   3   2   9   2"),
    ("Totals                                      9.0   4   1   1   4   7   1", SEP),
    (SEP, ""),
)


def test_boxscore_prints_like_mlb_statsapi(load: Callable[[str], bytes]) -> None:
    box = parse_boxscore(load(f"{PYD}/boxscore.json"))
    expected = "\n".join(f"{a:<79} | {b}".rstrip() if a or b else "" for a, b in BOX_PAIRS)
    assert str(box) == expected


def test_boxscore_frames(load: Callable[[str], bytes]) -> None:
    box = parse_boxscore(load(f"{PYD}/boxscore.json"))
    batting = box.batting.to_pandas()
    assert batting.shape[0] == 19  # 9 + 9 starters and Toronto's substitute Barger
    assert set(batting["group"]) == {"batting"}
    bregman = batting[batting["player_id"] == 608324].iloc[0]
    assert (bregman["side"], bregman["lineup_slot"], bregman["is_starter"]) == ("away", 1, True)
    assert (bregman["at_bats"], bregman["hits"]) == (4, 2)
    pitching = box.pitching.to_pandas()
    assert pitching["player"].tolist()[:4] == [
        "Hunter Brown",
        "Rafael Montero",
        "Bryan Abreu",
        "Josh Hader",
    ]
    assert pitching["is_starter"].tolist() == [True, False, False, False, True, False, False]
    assert pitching["outs"].tolist() == [18, 3, 3, 3, 20, 4, 3]
    both = box.to_pandas()
    assert both.shape[0] == 26


def test_play_by_play_frame_has_one_row_per_pitch(load: Callable[[str], bytes]) -> None:
    plays = parse_play_by_play(load(f"{PYD}/play_by_play.json"))
    df = plays.to_pandas()
    assert df.shape[0] == sum(p.pitch_count for p in plays.all_plays) == 263
    first = df.iloc[0]
    assert (first["batter"], first["pitcher"], first["pitch_type"]) == (
        "Brice Turang",
        "Aaron Nola",
        "FF",
    )
    assert first["start_speed"] == pytest.approx(91.3)
    assert first["call"] == "Called Strike"
    assert int(df["is_last_pitch"].sum()) == sum(1 for p in plays.all_plays if p.pitch_count)


# ------------------------------------------------------------------------------ content


def test_game_content(load: Callable[[str], bytes]) -> None:
    content = parse_game_content(load(f"{PYD}/game_content.json"))
    assert content.link == "/api/v1/game/745570/content"
    assert len(content.highlights) == 31
    first = content.highlights[0]
    assert first.headline == "Brewers vs. Phillies Highlights"
    assert first.duration_s == 216
    assert first.mp4_url is not None
    assert first.mp4_url.endswith("_1280x720_59_4000K.mp4")
    assert content.recap is not None
    assert content.recap.headline == (
        "Castellanos comes up clutch in back-to-back games to secure series sweep"
    )
    assert content.summary.has_recap_article is True
    df = content.to_pandas()
    assert df.shape[0] == 31
    assert df["id"].iloc[0] == "brewers-vs-phillies-highlights-x3611"


def test_game_content_endpoint_recording(load: Callable[[str], bytes]) -> None:
    content = parse_game_content(load(CONTENT_747175))
    assert len(content.highlights) == 15
    assert content.summary.has_highlights_video is True


# ------------------------------------------------------------------------------ vocabularies


def test_unknown_stat_type_names_the_valid_ones() -> None:
    with pytest.raises(ConfigurationError) as info:
        check_choice("seasn", STAT_TYPES, setting="stats", what="stat type")
    message = str(info.value)
    assert "did you mean 'season'" in message
    assert "gameLog" in message
    assert "sabermetrics" in message
    assert info.value.setting == "stats"
    assert check_choice("GAMELOG", STAT_TYPES, setting="stats", what="stat type") == "gameLog"


def test_lists_of_stat_types_are_checked_item_by_item() -> None:
    from savantsdk.sources._statsapi_stats import check_choices

    assert (
        check_choices("season, LASTXGAMES", STAT_TYPES, setting="stats", what="stat type")
        == "season,lastXGames"
    )
    with pytest.raises(ConfigurationError, match="'lastXGame' \\(did you mean 'lastXGames'"):
        check_choices("season,lastXGame", STAT_TYPES, setting="stats", what="stat type")


def test_the_new_models_round_trip_through_the_cache_converter(
    load: Callable[[str], bytes],
) -> None:
    """The cache stores values with the package converter: unstructure -> structure is equal."""
    from savantsdk._serde import converter

    values = [
        parse_season_stats(load(TEAM_HITTING)),
        parse_season_stats(load(KWAN)),
        parse_standings(load(f"{PYD}/standings.json")),
        parse_leaders(load(f"{PYD}/stats_leaders.json")),
        parse_linescore(load(f"{PYD}/linescore.json")),
        parse_game_content(load(f"{PYD}/game_content.json")),
    ]
    for value in values:
        raw = orjson.loads(orjson.dumps(converter.unstructure(value)))
        assert converter.structure(raw, type(value)) == value
