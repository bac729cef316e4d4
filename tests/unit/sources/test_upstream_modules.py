"""Per-upstream public modules: each name of ``savantsdk.sources`` belongs to one upstream
module or is shared, and the upstream modules hand out the same objects."""

from __future__ import annotations

import importlib

import savantsdk.sources as sources

UPSTREAMS = ("savant", "statsapi", "odds_api", "prizepicks", "sportradar", "chadwick")
SHARED = {
    "EVENT_ERRORS",
    "FALLBACK_ERRORS",
    "Fetched",
    "Freshness",
    "LineSet",
    "MarketLines",
    "PRIZEPICKS_STAT_MARKETS",
    "PlayerLine",
    "QuotaStatus",
}


def test_every_name_has_one_home() -> None:
    homes: dict[str, str] = {}
    for upstream in UPSTREAMS:
        module = importlib.import_module(f"savantsdk.sources.{upstream}")
        for name in module.__all__:
            assert name not in homes, f"{name} in both {homes.get(name)} and {upstream}"
            homes[name] = upstream
            assert getattr(module, name) is getattr(sources, name), name
    assert set(homes) | SHARED == set(sources.__all__)
    assert not set(homes) & SHARED


def test_each_upstream_module_holds_its_client() -> None:
    from savantsdk.sources.odds_api import OddsApiClient, OddsOutcome
    from savantsdk.sources.prizepicks import OddsType, PrizePicksClient
    from savantsdk.sources.savant import PlateAppearances, SavantClient, parse_statcast_csv
    from savantsdk.sources.sportradar import SportradarClient
    from savantsdk.sources.statsapi import GameFeed, StatsApiClient

    assert SavantClient.__module__ == "savantsdk.sources._savant"
    assert StatsApiClient.__module__ == "savantsdk.sources._statsapi"
    assert OddsApiClient.__module__ == "savantsdk.sources._odds_api"
    assert PrizePicksClient.__module__ == "savantsdk.sources._prizepicks"
    assert SportradarClient.__module__ == "savantsdk.sources._sportradar"
    assert {OddsOutcome, OddsType, PlateAppearances, GameFeed} <= {
        getattr(sources, n) for n in ("OddsOutcome", "OddsType", "PlateAppearances", "GameFeed")
    }
    assert callable(parse_statcast_csv)
