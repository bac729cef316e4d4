"""Player identity across sources: names and team abbreviations -> MLBAM ids, and lookup of
any player by name or by any id the Chadwick register carries (:class:`PlayerLookup`).

Its team codes and name normalisers sit below the sources and the prop engine (both use
them); the resolver reads Stats API people and may load a season through a
:class:`~savantsdk.typing.SourceContext` it is handed."""

from ._names import (
    NICKNAMES as NICKNAMES,
    TEAM_CODES as TEAM_CODES,
    TEAM_IDS as TEAM_IDS,
    canonical_team as canonical_team,
    fold as fold,
    name_tokens as name_tokens,
    normalize_name as normalize_name,
)
from ._players import (
    PlayerLookup as PlayerLookup,
    PlayerMatch as PlayerMatch,
    PlayerMatches as PlayerMatches,
    PlayersClient as PlayersClient,
)
from ._resolver import (
    Ambiguous as Ambiguous,
    Candidate as Candidate,
    PlayerResolver as PlayerResolver,
    Resolution as Resolution,
    Resolved as Resolved,
    Unknown as Unknown,
    load_people as load_people,
)

__all__ = (
    "Ambiguous",
    "Candidate",
    "NICKNAMES",
    "PlayerLookup",
    "PlayerMatch",
    "PlayerMatches",
    "PlayerResolver",
    "PlayersClient",
    "Resolution",
    "Resolved",
    "TEAM_CODES",
    "TEAM_IDS",
    "Unknown",
    "canonical_team",
    "fold",
    "load_people",
    "name_tokens",
    "normalize_name",
)
