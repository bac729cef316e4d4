"""Public seams: every Protocol a user may implement to plug in a piece of their own.

Defined here (imported by the low-level modules, so this module imports nothing of the
package at run time):

- :class:`AsyncCacheBackend`: moves bytes (memory, Redis, yours).  Policy (TTLs, stale
  serving, stampede control) and serialization stay in savantsdk.
- :class:`Clock`: monotonic and wall time plus ``sleep``; tests pass a fake one.
- :class:`MetricsHook`: receives metric snapshots and events so users can export them.
- :class:`SourceClient`: what every source client (``client.savant``, ``client.odds_api``,
  ...) reports about itself for ``client.health()``: its quota and a health probe.
- :class:`SourceContext`: what a source client needs from the client it hangs off (settings,
  HTTP, executor, cache, clock, API keys).  ``SavantClient(ctx)`` and the other source
  clients accept any object with this shape; :class:`~savantsdk.AsyncClient` is one.

Re-exported from where they live (imported on first access, so ``import savantsdk.typing``
stays cheap):

- executor: :class:`RateLimiter`, :class:`BreakerGate`, :class:`SourcePause`,
  :class:`ConcurrencyController`;
- cache: :class:`LockingBackend`, :class:`InvalidationChannel`, :class:`BackgroundBackend`;
- coordination: :class:`Coordination`, :class:`CreditLedger`, :class:`CoordinationStore`;
- props: :class:`RateModel`, :class:`FittedRates`, :class:`PlayerPrior`;
- alerts: :class:`AlertRule`.

:data:`DateLike` is what every argument that takes a calendar day accepts: a ``datetime.date``,
a ``datetime.datetime`` or ``pandas.Timestamp`` (its calendar date), or an ISO 8601 string
(``"2024-06-01"``); anything else raises :class:`~savantsdk.ConfigurationError`.

The sentinel :data:`NOT_GIVEN` (type :class:`NotGiven`) means "use the default" wherever an
option also accepts ``None`` for "off".
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, TypeAlias, runtime_checkable

if TYPE_CHECKING:
    import httpx

    from ._config import ApiKeys, SourceSettings
    from .alerts import AlertRule as AlertRule
    from .cache import Cache
    from .cache._protocols import (
        BackgroundBackend as BackgroundBackend,
        InvalidationChannel as InvalidationChannel,
        LockingBackend as LockingBackend,
    )
    from .coordination._protocols import (
        Coordination as Coordination,
        CreditLedger as CreditLedger,
    )
    from .coordination._store import CoordinationStore as CoordinationStore
    from .executor import Executor, Lane
    from .executor._breaker import BreakerGate as BreakerGate
    from .executor._limiter import RateLimiter as RateLimiter
    from .executor._pause import SourcePause as SourcePause
    from .executor._slots import ConcurrencyController as ConcurrencyController
    from .props._rates import (
        FittedRates as FittedRates,
        PlayerPrior as PlayerPrior,
        RateModel as RateModel,
    )
    from .sources._quality import QuotaStatus

__all__ = (
    "AlertRule",
    "AsyncCacheBackend",
    "BackgroundBackend",
    "BreakerGate",
    "Clock",
    "ConcurrencyController",
    "Coordination",
    "CoordinationStore",
    "CreditLedger",
    "DateLike",
    "FittedRates",
    "InvalidationChannel",
    "LockingBackend",
    "MetricsHook",
    "NOT_GIVEN",
    "NotGiven",
    "PlayerPrior",
    "RateLimiter",
    "RateModel",
    "SourceClient",
    "SourceContext",
    "SourcePause",
)

#: Seams defined elsewhere, imported on first access.
_LAZY: dict[str, str] = {
    "AlertRule": ".alerts",
    "BackgroundBackend": ".cache._protocols",
    "BreakerGate": ".executor._breaker",
    "ConcurrencyController": ".executor._slots",
    "Coordination": ".coordination._protocols",
    "CoordinationStore": ".coordination._store",
    "CreditLedger": ".coordination._protocols",
    "FittedRates": ".props._rates",
    "InvalidationChannel": ".cache._protocols",
    "LockingBackend": ".cache._protocols",
    "PlayerPrior": ".props._rates",
    "RateLimiter": ".executor._limiter",
    "RateModel": ".props._rates",
    "SourcePause": ".executor._pause",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, "savantsdk"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class NotGiven(enum.Enum):
    """The type of :data:`NOT_GIVEN`: "use the default" (``None`` means "off")."""

    NOT_GIVEN = enum.auto()

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> Literal[False]:
        return False


#: A calendar day as every public entry point takes it: a ``date``, a ``datetime`` or
#: ``pandas.Timestamp`` (its calendar date, no timezone conversion) or an ISO 8601 string such
#: as ``"2024-06-01"``.  A string that is not a date raises ``ConfigurationError`` listing these.
DateLike: TypeAlias = date | datetime | str

#: "Use the default": the default of every client option that also takes ``None`` ("off").
NOT_GIVEN: Final = NotGiven.NOT_GIVEN


@runtime_checkable
class Clock(Protocol):
    """Time source.  ``monotonic()`` for intervals and deadlines, ``time()`` for stamps."""

    def monotonic(self) -> float: ...

    def time(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


@runtime_checkable
class AsyncCacheBackend(Protocol):
    """A byte store with per-entry TTL.  Implementations must fail open on reads
    (return misses) when their store is unreachable, and count it."""

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]: ...

    async def set_many(self, items: Mapping[str, bytes], *, ttl_s: float | None) -> None: ...

    async def delete(self, keys: Sequence[str]) -> int: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class MetricsHook(Protocol):
    """Receives metrics.  ``on_event`` is called for discrete events (a retry, a breaker
    transition, a 429) with a name and labels; labels never contain secrets."""

    def on_event(self, name: str, labels: Mapping[str, str], value: float = 1.0) -> None: ...

    def on_snapshot(self, source: str, snapshot: Any) -> None: ...


class SourceContext(Protocol):
    """What a source client needs from the client it hangs off.

    :class:`~savantsdk.AsyncClient` implements it; so may a test double or a host
    application's own composition root.  A source client built on a context
    (``SavantClient(ctx)``) sends every request through ``ctx.executor(source)`` on
    ``ctx.http(source)``, caches through ``ctx.cache`` and reads time from ``ctx.clock``.
    """

    @property
    def api_keys(self) -> ApiKeys:
        """The API keys of the keyed upstreams (secrets; never logged)."""
        ...

    @property
    def cache(self) -> Cache | None:
        """The cache (None: caching disabled)."""
        ...

    @property
    def clock(self) -> Clock:
        """The clock every wait and timestamp uses."""
        ...

    def settings(self, source: str) -> SourceSettings:
        """The effective settings of one source."""
        ...

    def executor(self, source: str) -> Executor:
        """The executor every upstream call of ``source`` goes through."""
        ...

    def http(self, source: str) -> httpx.AsyncClient:
        """The HTTP connection pool of ``source``."""
        ...

    async def request(
        self,
        source: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = ...,
        headers: Mapping[str, str] | None = ...,
        lane: Lane = ...,
        key: str | None = ...,
    ) -> httpx.Response:
        """One request through the executor (limits, retries, breaker); raises typed errors."""
        ...


class SourceClient(Protocol):
    """What every source client reports about itself (``client.source(name)``)."""

    def quota_status(self) -> QuotaStatus:
        """The upstream quota as last seen (all None where the upstream publishes none)."""
        ...

    async def health_probe(self, *, timeout_s: float) -> int:
        """One cheap request through the source's executor; returns the HTTP status and
        raises the typed error of a failed one."""
        ...
