"""Props: fields, pricing against PrizePicks and sportsbook lines, custom models, errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from props_synthetic import days, season

from savantsdk.exceptions import PropGenerationError
from savantsdk.ids import PlayerResolver, canonical_team, normalize_name
from savantsdk.props import LINE_REASONS, CountDistribution, OddsType, Stat, fair_odds
from savantsdk.props._generate import DEFAULT_LINES, Prop, generate_from_statcast
from savantsdk.props._markets import MarketLine, line_game_day, read_lines_file
from savantsdk.props._rates import LeagueModel, RateTable
from savantsdk.sources import PlateAppearances

START = dt.date(2024, 4, 1)
DAY = START + dt.timedelta(days=20)
NAMES = {101: "Ronald Acuña Jr.", 102: "J.P. Crawford", 211: "Zack Wheeler", 201: "Max Fried"}


@pytest.fixture(scope="module")
def pas() -> PlateAppearances:
    return season(days(START, 21))


def test_props_for_every_lineup_batter_and_starter(pas: PlateAppearances) -> None:
    result = generate_from_statcast(pas, DAY, player_names=NAMES)
    assert result.reason is None
    batters = {p.player_id for p in result if p.role == "batter"}
    pitchers = {p.player_id for p in result if p.role == "pitcher"}
    assert batters == set(range(101, 110)) | set(range(111, 120))
    assert pitchers == {201, 211}
    assert len(result) == 18 * 7 + 2 * 5
    prop = next(p for p in result if p.player_id == 101 and p.stat is Stat.HITS)
    assert isinstance(prop, Prop)
    assert prop.player == "Ronald Acuña Jr."
    assert (prop.team, prop.opponent, prop.game_pk, prop.slot) == ("AWY", "HOM", 1020, 1)
    assert isinstance(prop.distribution, CountDistribution)
    assert (prop.model_name, prop.model_version) == ("default", "1.0")
    assert prop.data_through == DAY - dt.timedelta(days=1)
    assert prop.date == DAY
    assert not prop.league_only
    assert [ln.line for ln in prop.lines] == list(DEFAULT_LINES[Stat.HITS])
    for ln in prop.lines:
        assert ln.p_over + ln.p_under + ln.p_push == pytest.approx(1.0)
        assert ln.p_over == pytest.approx(prop.distribution.p_over(ln.line))
        assert ln.fair_over is not None
        assert ln.fair_over == fair_odds(ln.p_over)
        assert ln.markets == ()
    assert prop.line_source == "model"
    row = prop.rows()[0]
    for key in (
        "player_id",
        "player",
        "stat",
        "line",
        "p_over",
        "p_under",
        "fair_odds_over",
        "edge",
        "line_source",
    ):
        assert key in row


def test_filters(pas: PlateAppearances) -> None:
    only = generate_from_statcast(pas, DAY, markets=["pitcher_strikeouts"], players=[211])
    assert [(p.player_id, p.stat) for p in only] == [(211, Stat.PITCHER_STRIKEOUTS)]
    capped = generate_from_statcast(pas, DAY, max_players=3)
    assert len({p.player_id for p in capped}) == 3
    none = generate_from_statcast(pas, DAY, games=[42])
    assert len(none) == 0
    assert none.reason is not None
    assert "requested games" in none.reason


def test_empty_day_has_a_reason(pas: PlateAppearances) -> None:
    empty = generate_from_statcast(pas, DAY + dt.timedelta(days=5))
    assert len(empty) == 0
    assert empty.reason is not None
    assert "no games" in empty.reason


def test_bad_input_raises_naming_it(pas: PlateAppearances) -> None:
    with pytest.raises(PropGenerationError, match="'steals'"):
        generate_from_statcast(pas, DAY, markets=["steals"])
    with pytest.raises(PropGenerationError, match="line 0"):
        MarketLine(player_name="x", stat=Stat.HITS, line=0, source="prizepicks")
    with pytest.raises(PropGenerationError, match=r"-1\.5"):
        MarketLine(player_name="x", stat=Stat.HITS, line=-1.5, source="prizepicks")
    with pytest.raises(PropGenerationError, match="unknown rate model"):
        generate_from_statcast(pas, DAY, model="nope")


def test_prizepicks_standard_priced_demon_flagged(pas: PlateAppearances) -> None:
    lines = [
        MarketLine(
            "Ronald Acuna", Stat.HITS, 0.5, "prizepicks", team="AWY", odds_type=OddsType.STANDARD
        ),
        MarketLine(
            "Ronald Acuna", Stat.HITS, 1.5, "prizepicks", team="AWY", odds_type=OddsType.DEMON
        ),
        MarketLine("Nobody Atall", Stat.HITS, 0.5, "prizepicks", odds_type=OddsType.STANDARD),
    ]
    result = generate_from_statcast(pas, DAY, lines=lines, player_names=NAMES)
    prop = next(p for p in result if p.player_id == 101 and p.stat is Stat.HITS)
    assert [ln.line for ln in prop.lines] == [0.5, 1.5]
    std = prop.lines[0].markets[0]
    assert std.comparable
    assert std.source == "prizepicks"
    assert std.breakeven == pytest.approx(0.5774, abs=1e-4)
    p = prop.lines[0].p_over / (prop.lines[0].p_over + prop.lines[0].p_under)
    assert std.edge == pytest.approx(max(p, 1 - p) - std.breakeven)
    demon = prop.lines[1].markets[0]
    assert not demon.comparable
    assert demon.edge is None
    assert "demon" in (demon.note or "")
    assert prop.line_source == "prizepicks"
    assert result.line_report["total"] == 3
    assert result.line_report["matched"] == 2
    assert result.line_report["unknown_name"] == 1
    assert sum(result.line_report[r] for r in LINE_REASONS) == 1
    assert [m.player_name for m in result.unmatched] == ["Nobody Atall"]
    assert result.unmatched_reasons == ("unknown_name",)


def test_sportsbook_line_devigged_and_edge(pas: PlateAppearances) -> None:
    line = MarketLine(
        "Zack Wheeler", Stat.PITCHER_STRIKEOUTS, 5.5, "odds_api:draftkings",
        over_price=-120, under_price=100,
    )  # fmt: skip
    result = generate_from_statcast(pas, DAY, lines=[line], player_names=NAMES)
    prop = next(p for p in result if p.player_id == 211 and p.stat is Stat.PITCHER_STRIKEOUTS)
    (ln,) = prop.lines
    (m,) = ln.markets
    assert m.market_p_over is not None
    assert 0.5 < m.market_p_over < 120 / 220 + 1e-9  # devigged, below the raw 0.545
    best_p = max(ln.p_over, ln.p_under)
    assert m.edge == pytest.approx(best_p - (120 / 220 if m.side == "over" else 0.5))
    assert m.kelly is not None
    assert 0.0 <= m.kelly <= 0.05
    kept = generate_from_statcast(pas, DAY, lines=[line], player_names=NAMES, min_edge=-1.0)
    assert [p.player_id for p in kept] == [211]


def test_custom_rate_model_is_used_and_recorded(pas: PlateAppearances) -> None:
    @attrs.frozen
    class AllStrikeouts:
        name: str = "all_k"
        version: str = "0.1"

        def fit(self, history: PlateAppearances, as_of: dt.date) -> RateTable:
            table = LeagueModel().fit(history, as_of)
            k_heavy = np.array([0.05, 0.01, 0.001, 0.009, 0.05, 0.01, 0.6, 0.27])
            return attrs.evolve(
                table,
                model_name=self.name,
                model_version=self.version,
                batter_rates=np.broadcast_to(k_heavy, table.batter_rates.shape).copy(),
            )

    result = generate_from_statcast(pas, DAY, model=AllStrikeouts(), markets=["batter_strikeouts"])
    assert {(p.model_name, p.model_version) for p in result} == {("all_k", "0.1")}
    assert all(p.mean > 2.0 for p in result)  # league batters strike out ~0.9 times


def test_name_matching() -> None:
    """Line matching uses savantsdk.ids (the one identity system), among a slate's players."""
    assert normalize_name("Ronald Acuña Jr.") == "ronald acuna"
    assert normalize_name("J.P. Crawford") == "jp crawford"
    assert normalize_name("Vladimir Guerrero Jr") == "vladimir guerrero"
    assert normalize_name("Jung-Hoo Lee") == "jung hoo lee"
    assert canonical_team("ARI") == "AZ"
    assert canonical_team("CHW") == "CWS"
    assert canonical_team("OAK") == canonical_team("ATH") == "ATH"
    m = PlayerResolver.from_names(
        {1: "Will Smith", 2: "Will Smith", 3: "José Ramírez", 4: "Ronald Acuña Jr."},
        {1: "LAD", 2: "ATL", 3: "CLE", 4: "ATL"},
    )
    assert m.match("Jose Ramirez") == 3
    assert m.match("Will Smith") is None  # ambiguous without a team
    assert m.match("Will Smith", team="ATL") == 2
    assert m.match("R. Acuna") == 4  # first initial + last name
    assert m.match("Ronald Acuna Jr") == 4
    assert m.match("Mookie Betts") is None
    # a different given name with the same initial is not a match (the old matcher's
    # "y diaz" key priced Yainer Diaz's lines as Yandy Díaz's)
    d = PlayerResolver.from_names({650490: "Yandy Díaz"}, {650490: "TB"})
    assert d.match("Yandy Diaz", team="TB") == 650490
    assert d.match("Yainer Diaz", team="HOU") is None


def test_line_files_errors_name_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(PropGenerationError, match=r"bad\.json"):
        read_lines_file(bad)
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({"hello": 1}))
    with pytest.raises(PropGenerationError, match=r"odd\.json: field '\$'"):
        read_lines_file(odd)
    broken = tmp_path / "pp.json"
    broken.write_text(json.dumps({"data": [{"type": "projection", "attributes": {}}]}))
    with pytest.raises(PropGenerationError, match=r"pp\.json: .*\$\.data\[0\]"):
        read_lines_file(broken)
    with pytest.raises(PropGenerationError, match=r"missing\.json"):
        read_lines_file(tmp_path / "missing.json")


def test_odds_api_event_file_pairs_over_and_under(tmp_path: Path) -> None:
    event = {
        "id": "e1",
        "sport_key": "baseball_mlb",
        "home_team": "Philadelphia Phillies",
        "away_team": "Atlanta Braves",
        "bookmakers": [
            {
                "key": "fanduel",
                "title": "FanDuel",
                "markets": [
                    {
                        "key": "pitcher_strikeouts",
                        "outcomes": [
                            {
                                "name": "Over",
                                "description": "Zack Wheeler",
                                "price": -130,
                                "point": 6.5,
                            },
                            {
                                "name": "Under",
                                "description": "Zack Wheeler",
                                "price": 105,
                                "point": 6.5,
                            },
                        ],
                    },
                    {
                        "key": "batter_stolen_bases",
                        "outcomes": [
                            {
                                "name": "Over",
                                "description": "Zack Wheeler",
                                "price": 500,
                                "point": 0.5,
                            }
                        ],
                    },
                ],
            }
        ],
    }
    f = tmp_path / "event.json"
    f.write_text(json.dumps(event))
    lf = read_lines_file(f)
    assert lf.kind == "odds_api_event"
    (line,) = lf.lines
    assert (line.player_name, line.stat, line.line, line.source) == (
        "Zack Wheeler", Stat.PITCHER_STRIKEOUTS, 6.5, "odds_api:fanduel",
    )  # fmt: skip
    assert (line.over_price, line.under_price, line.odds_format) == (-130, 105, "american")


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8", categories=("L", "Zs", "Pd", "Po")), max_size=30)
)
def test_normalize_name_is_idempotent(name: str) -> None:
    once = normalize_name(name)
    assert normalize_name(once) == once
    assert once == once.strip()
    assert "  " not in once


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.5, 12.0), min_size=2, max_size=6, unique=True))
def test_p_over_is_monotone_in_the_line(lines_in: list[float]) -> None:
    pas = season(days(START, 6), seed=5)
    lines = [
        MarketLine("Zack Wheeler", Stat.PITCHER_STRIKEOUTS, round(x * 2) / 2, "prizepicks",
                   odds_type=OddsType.STANDARD)
        for x in lines_in
    ]  # fmt: skip
    result = generate_from_statcast(
        pas, START + dt.timedelta(days=5), lines=lines, player_names=NAMES, players=[211]
    )
    (prop,) = [p for p in result if p.stat is Stat.PITCHER_STRIKEOUTS]
    overs = [ln.p_over for ln in prop.lines]
    assert overs == sorted(overs, reverse=True)


def test_decimal_prices_and_one_sided_quotes(pas: PlateAppearances) -> None:
    lines = [
        MarketLine(
            "Zack Wheeler", Stat.PITCHER_STRIKEOUTS, 4.5, "odds_api:pinnacle",
            over_price=1.80, under_price=2.05, odds_format="decimal",
        ),
        MarketLine(
            "Zack Wheeler", Stat.PITCHER_STRIKEOUTS, 4.5, "odds_api:fanduel", over_price=-150
        ),
    ]  # fmt: skip
    result = generate_from_statcast(pas, DAY, lines=lines, player_names=NAMES, players=[211])
    (prop,) = [p for p in result if p.stat is Stat.PITCHER_STRIKEOUTS]
    (ln,) = prop.lines
    pin, fd = sorted(ln.markets, key=lambda m: m.source, reverse=True)
    assert pin.source == "odds_api:pinnacle"
    raw_over = (1 / 1.80) / (1 / 1.80 + 1 / 2.05)
    assert pin.market_p_over is not None
    assert abs(pin.market_p_over - raw_over) < 0.01  # devigged (odds ratio), near proportional
    assert fd.market_p_over is None  # one side only: nothing to devig
    assert fd.side == "over"
    p_over = ln.p_over / (ln.p_over + ln.p_under)
    assert fd.edge == pytest.approx(p_over - 150 / 250)
    assert prop.line_source == "odds_api:fanduel,odds_api:pinnacle"


@pytest.mark.parametrize(
    ("start", "day"),
    [
        ("2024-06-10T22:40:00-04:00", dt.date(2024, 6, 10)),  # 10:40 pm ET: 02:40 UTC next day
        ("2024-06-11T02:40:00+00:00", dt.date(2024, 6, 10)),
        ("2024-03-20T19:05:00+09:00", dt.date(2024, 3, 20)),  # Seoul Series, 10:05 UTC
        ("2024-06-10T12:05:00-04:00", dt.date(2024, 6, 10)),  # an early start
        ("2024-06-11T06:30:00+00:00", dt.date(2024, 6, 11)),
    ],
)
def test_line_game_day(start: str, day: dt.date) -> None:
    assert line_game_day(dt.datetime.fromisoformat(start)) == day
    assert (
        line_game_day(dt.datetime.fromisoformat(start).replace(tzinfo=None))
        == (dt.datetime.fromisoformat(start).replace(tzinfo=None) - dt.timedelta(hours=6)).date()
    )  # naive: taken as UTC
