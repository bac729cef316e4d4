"""One-line calls for notebooks: ``savantsdk.statcast(...)``, ``savantsdk.lookup(...)``, ...

Each is a thin wrapper over one method of a *default* blocking :class:`~savantsdk.Client`,
returning a ``pandas.DataFrame`` (extra ``pandas``).  The client objects stay the real API: use
them for typed results, freshness, errors per day, other frame libraries, or more options.

The default client is built on first use (``Client()``: options from the ``SAVANTSDK_*``
environment variables, so ``SAVANTSDK_SAVANT_BASE_URL`` and friends point it at a local
server), shared by every shortcut and every thread, and closed at interpreter exit.
:func:`set_default_client` installs your own instead (a client you pass is yours: it is not
closed for you); ``set_default_client(None)`` closes the one built here and goes back to
building one on the next call.  ``import savantsdk`` builds nothing: this module is imported
on the first shortcut call.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .exceptions import ConfigurationError
from .ids import TEAM_IDS, canonical_team
from .sync import Client

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped,import-not-found,unused-ignore]

    from .sources import IdKey
    from .sources._savant_results import PlayerType
    from .typing import DateLike

__all__ = (
    "default_client",
    "leaderboard",
    "lookup",
    "reverse_lookup",
    "schedule",
    "set_default_client",
    "statcast",
    "statcast_game",
)


class _Default:
    """The default client and whether it was built here (then it is closed when replaced)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.client: Client | None = None
        self.owned = False


_DEFAULT: Final = _Default()
_TEAM_ID_OF: Final = {code: team_id for team_id, code in TEAM_IDS.items()}
#: ``savantsdk.leaderboard(name, ...)`` -> the SavantClient method of that name.
LEADERBOARDS: Final = ("expected_statistics", "exit_velocity_barrels", "percentile_rankings")


def default_client() -> Client:
    """The blocking client every shortcut uses (built on first call; see the module docs)."""
    with _DEFAULT.lock:
        if _DEFAULT.client is None or _DEFAULT.client.closed:
            # a Client still open at interpreter exit is closed then (savantsdk.sync)
            _DEFAULT.client, _DEFAULT.owned = Client(), True
        return _DEFAULT.client


def set_default_client(client: Client | None) -> None:
    """Make ``client`` the one the shortcuts use (``None``: build a default one again on the
    next call).  A default client built by savantsdk that is replaced is closed; a client you
    pass is never closed for you."""
    raw: object = client
    if raw is not None and not isinstance(raw, Client):
        raise ConfigurationError(
            f"set_default_client takes a savantsdk.Client (the blocking one) or None, got "
            f"{type(raw).__name__}",
            setting="client",
        )
    with _DEFAULT.lock:
        previous, previous_owned = _DEFAULT.client, _DEFAULT.owned
        _DEFAULT.client, _DEFAULT.owned = client, False
    if previous is not None and previous_owned and previous is not client:
        previous.close()


def statcast(
    start: DateLike,
    end: DateLike | None = None,
    *,
    team: str | None = None,
    batter: int | None = None,
    pitcher: int | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Statcast pitches from ``start`` to ``end`` (inclusive; ``"2024-06-01"``, a ``date``,
    ``datetime`` or ``Timestamp``), one row per pitch:
    ``default_client().savant.statcast(...).to_pandas()``.  Days that fail warn
    (``PartialResultWarning``) and are left out; all failing raises.  A bar shows the days in
    Jupyter or on a terminal (``progress``)."""
    result = default_client().savant.statcast(
        start, end, team=team, batter=batter, pitcher=pitcher, progress=progress
    )
    return result.to_pandas()


def statcast_game(game_pk: int) -> pd.DataFrame:
    """Every pitch of one game: ``default_client().savant.statcast_game(pk).to_pandas()``."""
    return default_client().savant.statcast_game(game_pk).to_pandas()


def leaderboard(
    name: str,
    year: int,
    *,
    player_type: PlayerType = "batter",
    **options: Any,
) -> pd.DataFrame:
    """A Savant leaderboard as a DataFrame, one row per player: ``name`` is one of
    ``expected_statistics``, ``exit_velocity_barrels``, ``percentile_rankings``;
    ``options`` go to that :class:`~savantsdk.sources.SavantClient` method (``min_pa=``,
    ``min_bbe=``)."""
    if name not in LEADERBOARDS:
        raise ConfigurationError(
            f"unknown leaderboard {name!r}; valid: {', '.join(LEADERBOARDS)}", setting="name"
        )
    method = getattr(default_client().savant, name)
    try:
        inspect.signature(method).bind(year, player_type=player_type, **options)
    except TypeError as exc:
        valid = [p for p in inspect.signature(method).parameters if p not in ("year", "lane")]
        raise ConfigurationError(
            f"leaderboard {name!r}: {exc}; its options: {', '.join(valid)}", setting="options"
        ) from exc
    return method(year, player_type=player_type, **options).value.to_pandas()


def schedule(
    date: DateLike,
    end: DateLike | None = None,
    *,
    team: str | int | None = None,
) -> pd.DataFrame:
    """The MLB schedule of a day (or of ``date`` .. ``end``), one row per game, from the Stats
    API; ``team`` is any code, name or Stats API id (``"NYY"``, ``"Yankees"``, ``147``)."""
    team_id: int | None = None
    if team is not None:
        code = canonical_team(team)
        if code is None:
            raise ConfigurationError(
                f"unknown team {team!r}: use a code such as 'NYY', a name such as 'New York "
                "Yankees' or a Stats API team id",
                setting="team",
            )
        team_id = _TEAM_ID_OF[code]
    return default_client().statsapi.schedule(date, end, team_id=team_id).value.to_pandas()


def lookup(
    name: str,
    *,
    limit: int = 5,
    min_score: float = 70.0,
    register: str | Path | None = None,
) -> pd.DataFrame:
    """People matching ``name`` in the Chadwick register, with their MLBAM, FanGraphs,
    Baseball Reference and Retrosheet ids and a match ``score`` (100 = the same name); one
    row when one person matches, several when the name is shared or misspelt.  The register
    is fetched on first use (16 files, cached) unless ``register`` is a local copy."""
    matches = default_client().players.lookup(name, limit=limit, min_score=min_score, path=register)
    return matches.to_pandas()


def reverse_lookup(
    ids: Iterable[int | str] | int | str,
    *,
    key: IdKey = "mlbam",
    register: str | Path | None = None,
) -> pd.DataFrame:
    """The people with these ids (``key``: ``mlbam``, ``fangraphs``, ``bbref``, ``retro``),
    one row each, in the order given; ids the register lacks have no row."""
    return default_client().players.reverse_lookup(ids, key=key, path=register).to_pandas()
