"""PrizePicks: the projection board (standard, demon and goblin lines).

No key; ``client.prizepicks.projections()`` online, or a saved board offline (``OddsType``
tells the three line kinds apart)::

    from savantsdk.sources.prizepicks import parse_projections
    board = parse_projections(body)              # projections joined to their players
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
