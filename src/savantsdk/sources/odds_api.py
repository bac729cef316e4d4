"""The Odds API v4: events, odds, player-prop markets, credits and quota.

Paid per credit (an ``odds_api`` key in ``ApiKeys``); ``client.odds_api.estimate(...)`` says
what a call may cost before it is sent.  A saved ``/events/{id}/odds`` body parses offline::

    from savantsdk.sources.odds_api import parse_event_odds
    event = parse_event_odds(body)               # bookmakers -> markets -> outcomes
"""

from __future__ import annotations

from ._markets_models import (
    FEATURED_MARKETS as FEATURED_MARKETS,
    MLB_ALTERNATE_PROP_MARKETS as MLB_ALTERNATE_PROP_MARKETS,
    MLB_BATTER_PROP_MARKETS as MLB_BATTER_PROP_MARKETS,
    MLB_PERIOD_MARKETS as MLB_PERIOD_MARKETS,
    MLB_PITCHER_PROP_MARKETS as MLB_PITCHER_PROP_MARKETS,
    MLB_PLAYER_PROP_MARKETS as MLB_PLAYER_PROP_MARKETS,
    Bookmaker as Bookmaker,
    EventOdds as EventOdds,
    Market as Market,
    OddsApiErrorBody as OddsApiErrorBody,
    OddsApiEvent as OddsApiEvent,
    OddsFormat as OddsFormat,
    OddsOutcome as OddsOutcome,
    PropQuote as PropQuote,
    Quota as Quota,
    Sport as Sport,
    estimate_cost as estimate_cost,
    infer_odds_format as infer_odds_format,
    parse_event_odds as parse_event_odds,
    parse_events as parse_events,
    parse_odds as parse_odds,
    parse_odds_api_error as parse_odds_api_error,
    parse_sports as parse_sports,
    quota_from_headers as quota_from_headers,
)
from ._odds_api import (
    MLB_SPORT_KEY as MLB_SPORT_KEY,
    OddsApiClient as OddsApiClient,
    OddsUsage as OddsUsage,
)

__all__ = (
    "Bookmaker",
    "EventOdds",
    "FEATURED_MARKETS",
    "MLB_ALTERNATE_PROP_MARKETS",
    "MLB_BATTER_PROP_MARKETS",
    "MLB_PERIOD_MARKETS",
    "MLB_PITCHER_PROP_MARKETS",
    "MLB_PLAYER_PROP_MARKETS",
    "MLB_SPORT_KEY",
    "Market",
    "OddsApiClient",
    "OddsApiErrorBody",
    "OddsApiEvent",
    "OddsFormat",
    "OddsOutcome",
    "OddsUsage",
    "PropQuote",
    "Quota",
    "Sport",
    "estimate_cost",
    "infer_odds_format",
    "parse_event_odds",
    "parse_events",
    "parse_odds",
    "parse_odds_api_error",
    "parse_sports",
    "quota_from_headers",
)
