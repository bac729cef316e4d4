"""savantsdk: MLB data from Baseball Savant, the MLB Stats API, PrizePicks, The Odds API and
SportRadar, through a resilient batch executor and a pluggable cache, turned into player props.

Start with :class:`AsyncClient` (or its blocking twin :class:`Client`).  In a notebook, one
line each returns a DataFrame from a default blocking client built on first use:
:func:`statcast`, :func:`statcast_game`, :func:`leaderboard`, :func:`schedule`,
:func:`lookup` and :func:`reverse_lookup` (:func:`set_default_client` picks the client).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._config import (
    ApiKeys as ApiKeys,
    BreakerPolicy as BreakerPolicy,
    CacheSettings as CacheSettings,
    RateLimit as RateLimit,
    RetryPolicy as RetryPolicy,
    Secret as Secret,
    SourceSettings as SourceSettings,
    Timeout as Timeout,
)
from .exceptions import (
    AllFailedError as AllFailedError,
    BadRequestError as BadRequestError,
    BatchError as BatchError,
    BlockingCallError as BlockingCallError,
    CacheDegradedWarning as CacheDegradedWarning,
    CacheError as CacheError,
    CircuitOpenError as CircuitOpenError,
    ClientClosedError as ClientClosedError,
    ConfigurationError as ConfigurationError,
    MissingExtraError as MissingExtraError,
    NotFoundError as NotFoundError,
    OtherDayLinesWarning as OtherDayLinesWarning,
    PartialResultWarning as PartialResultWarning,
    PropGenerationError as PropGenerationError,
    QuotaExceededError as QuotaExceededError,
    RateLimitedError as RateLimitedError,
    SavantError as SavantError,
    SavantWarning as SavantWarning,
    SourceConnectionError as SourceConnectionError,
    SourceDecodeError as SourceDecodeError,
    SourceError as SourceError,
    SourceServerError as SourceServerError,
    SourceStatusError as SourceStatusError,
    SourceTimeoutError as SourceTimeoutError,
    UnauthorizedError as UnauthorizedError,
)
from .typing import NOT_GIVEN as NOT_GIVEN, NotGiven as NotGiven

if TYPE_CHECKING:  # the client side is imported on first use (see __getattr__)
    from ._client import AsyncClient as AsyncClient
    from ._health import (
        CacheHealth as CacheHealth,
        Health as Health,
        HealthStatus as HealthStatus,
        ProbeResult as ProbeResult,
        SourceHealth as SourceHealth,
    )
    from ._shortcuts import (
        default_client as default_client,
        leaderboard as leaderboard,
        lookup as lookup,
        reverse_lookup as reverse_lookup,
        schedule as schedule,
        set_default_client as set_default_client,
        statcast as statcast,
        statcast_game as statcast_game,
    )
    from .coordination import RedisCoordination as RedisCoordination
    from .executor import (
        BatchResult as BatchResult,
        ExecutorMetrics as ExecutorMetrics,
        Lane as Lane,
        Outcome as Outcome,
    )
    from .sync import Client as Client

    __version__: str

__all__ = (
    "AllFailedError",
    "ApiKeys",
    "AsyncClient",
    "BadRequestError",
    "BatchError",
    "BatchResult",
    "BlockingCallError",
    "BreakerPolicy",
    "CacheDegradedWarning",
    "CacheError",
    "CacheHealth",
    "CacheSettings",
    "CircuitOpenError",
    "Client",
    "ClientClosedError",
    "ConfigurationError",
    "ExecutorMetrics",
    "Health",
    "HealthStatus",
    "Lane",
    "MissingExtraError",
    "NOT_GIVEN",
    "NotFoundError",
    "NotGiven",
    "OtherDayLinesWarning",
    "Outcome",
    "PartialResultWarning",
    "ProbeResult",
    "PropGenerationError",
    "QuotaExceededError",
    "RateLimit",
    "RateLimitedError",
    "RedisCoordination",
    "RetryPolicy",
    "SavantError",
    "SavantWarning",
    "Secret",
    "SourceConnectionError",
    "SourceDecodeError",
    "SourceError",
    "SourceHealth",
    "SourceServerError",
    "SourceSettings",
    "SourceStatusError",
    "SourceTimeoutError",
    "Timeout",
    "UnauthorizedError",
    "default_client",
    "leaderboard",
    "lookup",
    "reverse_lookup",
    "schedule",
    "set_default_client",
    "statcast",
    "statcast_game",
)


#: Public names imported on first access, so ``import savantsdk`` (and the offline
#: ``savantsdk.props``) does not load httpx, redis and the executor until they are used.
_LAZY: dict[str, str] = {
    "AsyncClient": "._client",
    "BatchResult": ".executor",
    "CacheHealth": "._health",
    "Client": ".sync",
    "ExecutorMetrics": ".executor",
    "Health": "._health",
    "HealthStatus": "._health",
    "Lane": ".executor",
    "Outcome": ".executor",
    "ProbeResult": "._health",
    "RedisCoordination": ".coordination",
    "SourceHealth": "._health",
    # the notebook one-liners (savantsdk._shortcuts): importing them builds no client
    "default_client": "._shortcuts",
    "leaderboard": "._shortcuts",
    "lookup": "._shortcuts",
    "reverse_lookup": "._shortcuts",
    "schedule": "._shortcuts",
    "set_default_client": "._shortcuts",
    "statcast": "._shortcuts",
    "statcast_game": "._shortcuts",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from .__about__ import version

        return version()
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'savantsdk' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
