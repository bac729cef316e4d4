"""The fake upstream's routes, one module per upstream as in :mod:`savantsdk.sources`."""

from .chadwick import ChadwickRoutes as ChadwickRoutes
from .core import DEFAULT_API_KEYS as DEFAULT_API_KEYS, FakeState as FakeState
from .odds_api import OddsApiRoutes as OddsApiRoutes
from .prizepicks import PrizePicksRoutes as PrizePicksRoutes
from .savant import SavantRoutes as SavantRoutes
from .sportradar import SportRadarRoutes as SportRadarRoutes
from .statsapi import StatsApiRoutes as StatsApiRoutes
from .statsapi_season import StatsApiSeasonRoutes as StatsApiSeasonRoutes

__all__ = (
    "ChadwickRoutes",
    "DEFAULT_API_KEYS",
    "FakeState",
    "OddsApiRoutes",
    "PrizePicksRoutes",
    "SavantRoutes",
    "SportRadarRoutes",
    "StatsApiRoutes",
    "StatsApiSeasonRoutes",
)
