"""The Odds API v4 parsers on the real recordings in ../shared/data/markets/the_odds_api."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
import pytest
from hypothesis import given, strategies as st

from savantsdk.exceptions import ConfigurationError, SourceDecodeError
from savantsdk.sources import (
    FEATURED_MARKETS,
    MLB_ALTERNATE_PROP_MARKETS,
    MLB_BATTER_PROP_MARKETS,
    MLB_PERIOD_MARKETS,
    MLB_PITCHER_PROP_MARKETS,
    MLB_PLAYER_PROP_MARKETS,
    OddsFormat,
    Quota,
    estimate_cost,
    infer_odds_format,
    parse_event_odds,
    parse_events,
    parse_odds,
    parse_odds_api_error,
    parse_sports,
    quota_from_headers,
)
from savantsdk.sources._markets_models import CostEndpoint

DataFile = Callable[[str], Path]
D = "markets/the_odds_api/"
ODDS_2022 = D + "v4_odds_baseball_mlb_2022-09-17_american_GPFAFF.json"
ODDS_2023 = D + "v4_odds_baseball_mlb_2023-08-23_h2h_decimal_freegroceries.json"
ODDS_2024 = D + "v4_odds_baseball_mlb_2024-05-24_h2h_us-eu_american_mgilbertsonund.json"
EVENT_PROPS = D + "v4_event_odds_soccer_player_props_2025-11_ynnickw.json"


def test_sports(data_file: DataFile) -> None:
    sports = {
        s.key: s
        for s in parse_sports(data_file(D + "v4_sports_2025-05-16_bellanov.json").read_bytes())
    }
    assert len(sports) == 80
    mlb = sports["baseball_mlb"]
    assert (mlb.group, mlb.title, mlb.active, mlb.has_outrights) == ("Baseball", "MLB", True, False)
    assert sports["baseball_mlb_world_series_winner"].has_outrights is True
    assert {"baseball_kbo", "baseball_npb"} <= sports.keys()


def test_events(data_file: DataFile) -> None:
    events = parse_events(
        data_file(D + "v4_events_soccer_germany_bundesliga_2025-11_ynnickw.json").read_bytes()
    )
    assert len(events) == 18
    first = events[0]
    assert first.id == "5a2fa066190fb45e3934bbe943d5f56e"
    assert (first.home_team, first.away_team) == ("Borussia Monchengladbach", "RB Leipzig")
    assert first.commence_time == datetime(2025, 11, 28, 19, 30, tzinfo=UTC)
    assert first.sport_key == "soccer_germany_bundesliga"


def test_bulk_odds_2022_american_all_markets(data_file: DataFile) -> None:
    events = parse_odds(data_file(ODDS_2022).read_bytes(), odds_format="american")
    assert len(events) == 25
    markets = Counter(m.key for e in events for b in e.bookmakers for m in b.markets)
    assert markets == {"h2h": 436, "spreads": 295, "totals": 275, "h2h_lay": 11}
    first = events[0]
    assert first.odds_format is OddsFormat.AMERICAN
    assert (first.home_team, first.away_team) == ("Tampa Bay Rays", "Texas Rangers")
    paddy = first.bookmaker("paddypower")
    assert paddy is not None
    h2h = paddy.market("h2h")
    assert h2h is not None
    assert h2h.last_update is None  # 2022 recordings have no market-level last_update
    assert [(o.name, o.price) for o in h2h.outcomes] == [
        ("Tampa Bay Rays", -8000),
        ("Texas Rangers", 1200),
    ]
    dk = first.bookmaker("draftkings")
    assert dk is not None
    assert dk.last_update == datetime(2022, 9, 18, 0, 59, 46, tzinfo=UTC)
    spreads = dk.market("spreads")
    assert spreads is not None
    assert [(o.name, o.price, o.point) for o in spreads.outcomes] == [
        ("Tampa Bay Rays", -585, -3.5),
        ("Texas Rangers", 420, 3.5),
    ]
    totals = [m for e in events for b in e.bookmakers for m in b.markets if m.key == "totals"]
    assert {o.name for m in totals for o in m.outcomes} == {"Over", "Under"}
    assert all(o.point is not None for m in totals for o in m.outcomes)
    # format inference agrees with what the request asked for
    assert parse_odds(data_file(ODDS_2022).read_bytes())[0].odds_format is OddsFormat.AMERICAN


def test_bulk_odds_2023_decimal(data_file: DataFile) -> None:
    events = parse_odds(data_file(ODDS_2023).read_bytes())
    assert len(events) == 13
    first = events[0]
    assert first.odds_format is OddsFormat.DECIMAL
    dk = first.bookmaker("draftkings")
    assert dk is not None
    h2h = dk.market("h2h")
    assert h2h is not None
    assert h2h.last_update == datetime(2023, 8, 23, 5, 4, 45, tzinfo=UTC)
    assert [(o.name, o.price) for o in h2h.outcomes] == [
        ("Pittsburgh Pirates", 2.02),
        ("St. Louis Cardinals", 1.82),
    ]


def test_bulk_odds_2024_american(data_file: DataFile) -> None:
    events = parse_odds(data_file(ODDS_2024).read_bytes(), odds_format=OddsFormat.AMERICAN)
    assert len(events) == 9
    fanduel = events[0].bookmaker("fanduel")
    assert fanduel is not None
    h2h = fanduel.market("h2h")
    assert h2h is not None
    assert [(o.name, o.price) for o in h2h.outcomes] == [
        ("Atlanta Braves", -164),
        ("Pittsburgh Pirates", 138),
    ]
    assert h2h.last_update == datetime(2024, 5, 24, 16, 31, 14, tzinfo=UTC)
    assert len({b.key for e in events for b in e.bookmakers}) == 13


def test_event_odds_player_props(data_file: DataFile) -> None:
    event = parse_event_odds(data_file(EVENT_PROPS).read_bytes())
    assert event.id == "5a2fa066190fb45e3934bbe943d5f56e"
    assert event.odds_format is OddsFormat.DECIMAL
    assert len(event.bookmakers) == 24
    assert all(b.last_update is None for b in event.bookmakers)  # only markets carry it
    quotes = event.prop_quotes("player_shots")
    assert len(quotes) == 253
    assert {q.side for q in quotes} == {"Over"}  # an Over-only ladder
    assert {q.bookmaker for q in quotes} == {"onexbet"}
    kleindienst = [(q.point, q.price) for q in quotes if q.player == "Tim Kleindienst"]
    assert kleindienst[:3] == [(0.5, 1.01), (1.5, 1.08), (2.5, 1.29)]
    assert quotes[0].last_update == datetime(2025, 11, 25, 18, 19, 25, tzinfo=UTC)
    assert event.prop_quotes("h2h") == ()
    winamax = event.bookmaker("winamax_fr")
    assert winamax is not None
    h2h = winamax.market("h2h")
    assert h2h is not None
    assert [(o.name, o.price) for o in h2h.outcomes] == [
        ("Borussia Monchengladbach", 2.85),
        ("RB Leipzig", 2.05),
        ("Draw", 3.75),
    ]


def test_historical_envelope_is_unwrapped(data_file: DataFile) -> None:
    # No recorded historical response exists; wrap a real one in the documented envelope.
    inner = orjson.loads(data_file(ODDS_2024).read_bytes())
    wrapped = {
        "timestamp": "2024-05-24T16:35:00Z",
        "previous_timestamp": "2024-05-24T16:30:00Z",
        "next_timestamp": "2024-05-24T16:40:00Z",
        "data": inner,
    }
    assert parse_odds(orjson.dumps(wrapped)) == parse_odds(data_file(ODDS_2024).read_bytes())


# --------------------------------------------------------------------------- schema drift


def test_drift_unknown_and_missing_fields(data_file: DataFile) -> None:
    raw = orjson.loads(data_file(EVENT_PROPS).read_bytes())
    raw["new_top_level"] = 1
    raw["bookmakers"][0]["link"] = "https://example.invalid"
    raw["bookmakers"][0]["markets"][0]["outcomes"][0]["multiplier"] = 1.5
    del raw["commence_time"]
    del raw["bookmakers"][0]["title"]
    event = parse_event_odds(orjson.dumps(raw))
    assert event.commence_time is None
    assert event.bookmakers[0].title is None
    assert event.bookmakers[0].markets[0].outcomes[0].price == 2.85


# --------------------------------------------------------------------- quota, errors, costs


def test_quota_from_headers() -> None:
    # No recorded Odds API headers exist; these are the documented names.
    headers = httpx.Headers(
        {"X-Requests-Remaining": "19432", "x-requests-used": "568", "x-requests-last": "4"}
    )
    assert quota_from_headers(headers) == Quota(remaining=19432, used=568, last=4)
    assert quota_from_headers({"x-requests-used": "2.5"}) == Quota(used=2.5)
    assert quota_from_headers([("x-requests-remaining", "garbage")]) == Quota()
    assert quota_from_headers({}) == Quota(remaining=None, used=None, last=None)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            b'{"message":"API key is not valid. Get an API key at https://the-odds-api.com",'
            b'"error_code":"INVALID_KEY","details_url":"https://the-odds-api.com/liveapi/guides/'
            b'v4/api-error-codes.html#invalid-key"}',
            "INVALID_KEY",
        ),
        (
            b'{"message":"Usage quota has been reached. See usage plans at https://the-odds-api.com",'
            b'"error_code":"OUT_OF_USAGE_CREDITS","details_url":"x"}',
            "OUT_OF_USAGE_CREDITS",
        ),
        (
            b'{"message":"Invalid markets: player_aces","error_code":"INVALID_MARKET"}',
            "INVALID_MARKET",
        ),
    ],
)
def test_error_bodies(body: bytes, code: str) -> None:
    parsed = parse_odds_api_error(body)
    assert parsed is not None
    assert parsed.error_code == code
    assert parsed.message


def test_error_body_not_an_error() -> None:
    assert parse_odds_api_error(b"<html>502</html>") is None
    assert parse_odds_api_error(b"[]") is None
    assert parse_odds_api_error(b'{"id": "x"}') is None


def test_market_key_constants() -> None:
    assert len(MLB_BATTER_PROP_MARKETS) == 14
    assert len(MLB_PITCHER_PROP_MARKETS) == 6
    assert MLB_PLAYER_PROP_MARKETS == MLB_BATTER_PROP_MARKETS + MLB_PITCHER_PROP_MARKETS
    assert len(set(MLB_PLAYER_PROP_MARKETS)) == 20
    assert {"batter_hits", "batter_total_bases", "pitcher_strikeouts", "pitcher_outs"} <= set(
        MLB_PLAYER_PROP_MARKETS
    )
    assert all(k.endswith("_alternate") for k in MLB_ALTERNATE_PROP_MARKETS)
    assert "h2h_1st_5_innings" in MLB_PERIOD_MARKETS
    assert not set(MLB_PLAYER_PROP_MARKETS) & set(FEATURED_MARKETS)


@pytest.mark.parametrize(
    ("args", "kwargs", "cost"),
    [
        (("sports",), {}, 0),
        (("events",), {"markets": 5}, 0),
        (("odds",), {"markets": ["h2h", "spreads", "totals"], "regions": ["us"]}, 3),
        (("odds",), {"markets": "h2h,spreads,totals", "regions": "us,eu"}, 6),
        (("event_odds",), {"markets": ["batter_hits", "pitcher_strikeouts"], "regions": 1}, 2),
        (("odds",), {"markets": 1, "bookmakers": ["a"] * 10}, 1),
        (("odds",), {"markets": 2, "bookmakers": [f"b{i}" for i in range(11)]}, 4),
        (("odds",), {"markets": 1, "regions": ["us", "eu"], "bookmakers": "draftkings"}, 1),
        (("historical_odds",), {"markets": 3, "regions": 1}, 30),
        (("historical_event_odds",), {"markets": 2, "regions": 2}, 40),
        (("historical_events",), {}, 1),
        (("event_markets",), {}, 1),
        (("scores",), {}, 1),
        (("scores",), {"days_from": 3}, 2),
        (("participants",), {}, 1),
    ],
)
def test_estimate_cost(args: tuple[str], kwargs: dict[str, object], cost: int) -> None:
    assert estimate_cost(*args, **kwargs) == cost  # type: ignore[arg-type]


@given(
    markets=st.integers(min_value=1, max_value=30),
    regions=st.integers(min_value=1, max_value=9),
    historical=st.booleans(),
)
def test_estimate_cost_is_markets_times_regions(
    markets: int, regions: int, historical: bool
) -> None:
    endpoint: CostEndpoint = "historical_odds" if historical else "odds"
    assert estimate_cost(endpoint, markets=markets, regions=regions) == markets * regions * (
        10 if historical else 1
    )


def test_infer_odds_format() -> None:
    assert infer_odds_format([-110, 120]) is OddsFormat.AMERICAN
    assert infer_odds_format([150, 200]) is OddsFormat.AMERICAN
    assert infer_odds_format([1.91, 2.0]) is OddsFormat.DECIMAL
    assert infer_odds_format([2, 3]) is None
    assert infer_odds_format([]) is None


def test_bad_odds_format_argument(data_file: DataFile) -> None:
    with pytest.raises(ConfigurationError, match="odds_format"):
        parse_odds(data_file(ODDS_2024).read_bytes(), odds_format="fractional")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------ faults


@pytest.mark.parametrize("parser", [parse_sports, parse_events, parse_odds, parse_event_odds])
def test_html_body(parser: Callable[[bytes], object]) -> None:
    with pytest.raises(SourceDecodeError) as info:
        parser(b"<html><body>502 Bad Gateway</body></html>")
    assert info.value.source == "odds_api"


def test_truncated_odds(data_file: DataFile) -> None:
    data = data_file(ODDS_2023).read_bytes()
    with pytest.raises(SourceDecodeError, match="truncated"):
        parse_odds(data[:5000])


@pytest.mark.parametrize(
    ("parser", "payload", "where"),
    [
        (parse_odds, b'{"message": "x"}', "$"),
        (parse_odds, b"[1]", "$[0]"),
        (parse_event_odds, b"[]", "$"),
        (parse_event_odds, b'{"sport_key": "x"}', "id"),
        (parse_sports, b'{"key": "x"}', "$"),
        (parse_events, b'[{"home_team": "x"}]', "id"),
    ],
)
def test_structurally_wrong(parser: Callable[[bytes], object], payload: bytes, where: str) -> None:
    with pytest.raises(SourceDecodeError) as info:
        parser(payload)
    assert where in str(info.value)
    assert info.value.source == "odds_api"


def test_event_lines_built_once_per_decoded_event(data_file: DataFile) -> None:
    from savantsdk.sources._lines import _odds_lines

    event = parse_event_odds(data_file(EVENT_PROPS).read_bytes())
    shots = frozenset({"player_shots"})
    first = _odds_lines(event, shots)
    assert len(first) == 253  # the Over ladder of one book, as prop_quotes says
    assert first[0].event_id == event.id
    assert first[0].served_by == "odds_api"
    assert _odds_lines(event, shots) is first  # the same decoded event: the same rows
    assert _odds_lines(event, frozenset({"h2h"})) == ()  # another market set: built again
    # an equal event decoded again is another object: its own rows, equal to the first
    again = parse_event_odds(data_file(EVENT_PROPS).read_bytes())
    rows = _odds_lines(again, shots)
    assert rows is not first
    assert rows == first
