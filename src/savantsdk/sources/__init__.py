"""Source clients, models and payload parsers (every model can be built from raw bytes offline).

Every name of every upstream is importable from here; a user of one upstream may import from
its own module instead: :mod:`savantsdk.sources.savant`, :mod:`~savantsdk.sources.statsapi`,
:mod:`~savantsdk.sources.odds_api`, :mod:`~savantsdk.sources.prizepicks`,
:mod:`~savantsdk.sources.sportradar`, :mod:`~savantsdk.sources.chadwick` (the same objects).
What is shared by several (the ``Fetched``/``Freshness`` envelope, ``QuotaStatus``, the merged
``MarketLines``) lives only here.
Private modules (``_*.py``) may import each other and the package's lower layers (exceptions,
config, cache, executor, ids, typing), never the client.
"""

from typing import TYPE_CHECKING

from .._deprecated import renamed
from . import chadwick, odds_api, prizepicks, savant, sportradar, statsapi
from ._lines import (
    EVENT_ERRORS as EVENT_ERRORS,
    FALLBACK_ERRORS as FALLBACK_ERRORS,
    PRIZEPICKS_STAT_MARKETS as PRIZEPICKS_STAT_MARKETS,
    LineSet as LineSet,
    MarketLines as MarketLines,
    PlayerLine as PlayerLine,
)
from ._quality import (
    Fetched as Fetched,
    Freshness as Freshness,
    QuotaStatus as QuotaStatus,
)
from .chadwick import *  # noqa: F403 - each upstream module's __all__ is re-exported
from .odds_api import *  # noqa: F403
from .prizepicks import *  # noqa: F403
from .savant import *  # noqa: F403
from .sportradar import *  # noqa: F403
from .statsapi import *  # noqa: F403

#: What several upstreams share; every other name comes from one upstream module.
__all__ = [
    "EVENT_ERRORS",
    "FALLBACK_ERRORS",
    "PRIZEPICKS_STAT_MARKETS",
    "Fetched",
    "Freshness",
    "LineSet",
    "MarketLines",
    "PlayerLine",
    "QuotaStatus",
]
__all__ += chadwick.__all__
__all__ += odds_api.__all__
__all__ += prizepicks.__all__
__all__ += savant.__all__
__all__ += sportradar.__all__
__all__ += statsapi.__all__

#: Renamed: one public ``Outcome`` (the executor's); the Odds API price is ``OddsOutcome``.
if not TYPE_CHECKING:  # type checkers see only the new names (the old ones fail there)
    __getattr__ = renamed(__name__, {"Outcome": "OddsOutcome"}, globals())
