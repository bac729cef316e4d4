"""PrizePicks: the projection board (standard, demon and goblin lines).

Everything a user of this upstream imports, in one place (the same objects as in
:mod:`savantsdk.sources`)::

    from savantsdk.sources.prizepicks import ...
"""

from __future__ import annotations

from ._markets_models import (
    MLB_LEAGUE_ID as MLB_LEAGUE_ID,
    OddsType as OddsType,
    PrizePicksPlayer as PrizePicksPlayer,
    Projection as Projection,
    ProjectionBoard as ProjectionBoard,
    parse_projections as parse_projections,
)
from ._prizepicks import (
    PRIZEPICKS_HEADERS as PRIZEPICKS_HEADERS,
    PrizePicksClient as PrizePicksClient,
)

__all__ = (
    "MLB_LEAGUE_ID",
    "OddsType",
    "PRIZEPICKS_HEADERS",
    "PrizePicksClient",
    "PrizePicksPlayer",
    "Projection",
    "ProjectionBoard",
    "parse_projections",
)
