"""``await client.health()``: one typed answer to "can this process serve?".

Passive by default: it reads what the client already knows (every executor's snapshot with
its breaker state, last error and last success, The Odds API and SportRadar quota headers,
the cache's counters and reachability) and sends nothing upstream.  ``probe=True`` adds one
cheap request per source through that source's executor, raced against ``timeout_s`` on the
client's clock:

- The Odds API with a key: ``GET /v4/sports`` (free, and it refreshes the credit count);
- every other source (and The Odds API without a key): ``HEAD /`` without credentials, so it
  spends no SportRadar quota; any answer below 500 except 429 means "reachable".

Statuses, per source (the worst reason wins):

====================================================  ==========
breaker open; probe failed (unreachable, 5xx, timeout,   down
key rejected); quota headers say 0 left
breaker half-open; paused after a 429; the last call     degraded
failed after the last success; own budget spent; probe
rate limited
otherwise (unused sources included)                      ok
====================================================  ==========

Overall: ``down`` when a source named in ``critical`` is down, or (without ``critical``) when
every source that was used or probed is down; ``degraded`` when any source or the cache is
not ok; ``ok`` otherwise.  The cache is ``degraded`` when a backend is unreachable (it fails
open, so the client still serves, uncached).
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

import anyio
import attrs

from . import _serde
from ._config import SOURCE_NAMES
from ._redact import redact
from .cache import MemoryCache
from .exceptions import (
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    SourceStatusError,
)
from .executor import ExecutorMetrics
from .typing import SourceContext

if TYPE_CHECKING:
    from .typing import Clock, SourceClient

__all__ = (
    "CacheHealth",
    "Health",
    "HealthStatus",
    "ProbeResult",
    "SourceHealth",
    "check_health",
)

T = TypeVar("T")

_KEYED: Final = ("odds_api", "sportradar")


class _HealthContext(SourceContext, Protocol):
    """What the health check reads of a client (an AsyncClient): a source context plus every
    executor's metrics and each source client."""

    def metrics(self) -> dict[str, ExecutorMetrics]: ...

    def source(self, name: str) -> SourceClient: ...


_MAX_ERROR: Final = 300


class HealthStatus(enum.StrEnum):
    """``ok`` < ``degraded`` < ``down`` (compare with :meth:`worst`)."""

    OK = "ok"
    DEGRADED = "degraded"
    DOWN = "down"

    @staticmethod
    def worst(statuses: Iterable[HealthStatus]) -> HealthStatus:
        rank = {HealthStatus.OK: 0, HealthStatus.DEGRADED: 1, HealthStatus.DOWN: 2}
        return max(statuses, key=rank.__getitem__, default=HealthStatus.OK)


@attrs.frozen(kw_only=True)
class ProbeResult:
    """One reachability probe.  ``reachable``: the upstream answered at all; ``ok``: the answer
    means the source can serve (a rejected key or a 429 is reachable but not ok)."""

    reachable: bool
    ok: bool
    latency_s: float
    status_code: int | None = None
    error: str | None = None


@attrs.frozen(kw_only=True)
class SourceHealth:
    """The health of one source.  Times are UTC; counters are totals since its executor was
    built (``used=False``: no call has gone to this source yet)."""

    status: HealthStatus
    reasons: tuple[str, ...] = ()
    used: bool = False
    configured: bool = True
    """False for a source that needs an API key when none is set."""
    breaker_state: str = "closed"
    requests: int = 0
    failures: int = 0
    rate_limited: int = 0
    paused_for_s: float = 0.0
    latency_p95_s: float = 0.0
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    quota_remaining: float | None = None
    """Credits (The Odds API) or calls (SportRadar) left, from the last response's headers."""
    quota_used: float | None = None
    budget_left: float | None = None
    """The Odds API: credits left of this client's own ``budget`` (None: no budget)."""
    probe: ProbeResult | None = None


@attrs.frozen(kw_only=True)
class CacheHealth:
    """The cache: ``backend`` names the layers (None when caching is disabled);
    ``reachable`` is None when the backend cannot tell."""

    status: HealthStatus
    enabled: bool
    backend: str | None = None
    reachable: bool | None = None
    hit_rate: float = 0.0
    lookups: int = 0
    errors: int = 0
    error: str | None = None


@attrs.frozen(kw_only=True)
class Health:
    """``await client.health()``: overall status, per source, and the cache."""

    status: HealthStatus
    checked_at: datetime
    sources: dict[str, SourceHealth]
    cache: CacheHealth

    @property
    def http_status(self) -> int:
        """200 when ok or degraded, 503 when down (for load balancers and probes)."""
        return 503 if self.status is HealthStatus.DOWN else 200

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain data (datetimes as ISO 8601 strings)."""
        data: dict[str, Any] = _serde.unstructure(self)
        return data


def _utc(stamp: float | None) -> datetime | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, tz=UTC)


def _describe_error(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {redact(str(exc))}"
    return text if len(text) <= _MAX_ERROR else text[: _MAX_ERROR - 3] + "..."


async def _within(
    clock: Clock, timeout_s: float, fn: Callable[[], Awaitable[T]]
) -> tuple[list[T], list[Exception]]:
    """Run ``fn`` until it ends or ``timeout_s`` passes on ``clock`` (both lists empty then)."""
    values: list[T] = []
    errors: list[Exception] = []
    async with anyio.create_task_group() as tg:

        async def run() -> None:
            try:
                values.append(await fn())
            except Exception as exc:  # noqa: BLE001 - reported as data by the caller
                errors.append(exc)
            finally:
                tg.cancel_scope.cancel()

        async def timer() -> None:
            await clock.sleep(timeout_s)
            tg.cancel_scope.cancel()

        tg.start_soon(run)
        tg.start_soon(timer)
    return values, errors


async def _probe(client: _HealthContext, source: str, timeout_s: float) -> ProbeResult:
    clock = client.clock

    async def call() -> int:
        return await client.source(source).health_probe(timeout_s=timeout_s)

    start = clock.monotonic()
    values, errors = await _within(clock, timeout_s, call)
    latency = clock.monotonic() - start
    if values:
        return ProbeResult(reachable=True, ok=True, latency_s=latency, status_code=values[0])
    if not errors:
        return ProbeResult(
            reachable=False,
            ok=False,
            latency_s=latency,
            error=f"no answer within {timeout_s:g} s",
        )
    exc = errors[0]
    status = exc.status_code if isinstance(exc, SourceStatusError) else None
    error = _describe_error(exc)
    if isinstance(exc, NotFoundError | BadRequestError):
        return ProbeResult(reachable=True, ok=True, latency_s=latency, status_code=status)
    reachable = isinstance(exc, SourceStatusError) and (status or 0) < 500
    return ProbeResult(
        reachable=reachable, ok=False, latency_s=latency, status_code=status, error=error
    )


def _source_health(
    client: _HealthContext,
    source: str,
    snap: ExecutorMetrics | None,
    probe: ProbeResult | None,
) -> SourceHealth:
    down: list[str] = []
    degraded: list[str] = []
    configured = source not in _KEYED or getattr(client.api_keys, source) is not None
    quota = client.source(source).quota_status()
    remaining, used, budget_left = quota.remaining, quota.used, quota.budget_left
    if snap is not None:
        if snap.breaker_state == "open":
            down.append("circuit breaker open")
        elif snap.breaker_state != "closed":
            degraded.append(f"circuit breaker {snap.breaker_state}")
        if snap.paused_for_s > 0:
            degraded.append(f"paused for {snap.paused_for_s:.1f} s after a 429")
        if snap.last_error_at is not None and (
            snap.last_success_at is None or snap.last_error_at > snap.last_success_at
        ):
            degraded.append("the last call failed")
    if remaining is not None and remaining <= 0:
        down.append("quota exhausted")
    if budget_left is not None and budget_left <= 0:
        degraded.append("this client's credit budget is spent")
    if probe is not None and not probe.ok:
        if probe.reachable and probe.status_code == 429:
            degraded.append("probe rate limited")
        else:
            down.append("probe failed" if probe.reachable else "unreachable")
    status = HealthStatus.DOWN if down else HealthStatus.DEGRADED if degraded else HealthStatus.OK
    common: dict[str, Any] = {
        "status": status,
        "reasons": (*down, *degraded),
        "configured": configured,
        "quota_remaining": remaining,
        "quota_used": used,
        "budget_left": budget_left,
        "probe": probe,
    }
    if snap is None:
        return SourceHealth(used=probe is not None, **common)
    return SourceHealth(
        used=True,
        breaker_state=snap.breaker_state,
        requests=snap.requests,
        failures=snap.failures,
        rate_limited=snap.rate_limited,
        paused_for_s=snap.paused_for_s,
        latency_p95_s=snap.latency_p95_s,
        last_success_at=_utc(snap.last_success_at),
        last_error=snap.last_error,
        last_error_at=_utc(snap.last_error_at),
        **common,
    )


def _layers(backend: Any) -> list[Any]:
    out = [backend]
    for name in ("l1", "l2"):
        sub = getattr(backend, name, None)
        if sub is not None:
            out.extend(_layers(sub))
    return out


def _backend_name(backend: Any) -> str:
    l1, l2 = getattr(backend, "l1", None), getattr(backend, "l2", None)
    if l1 is not None and l2 is not None:
        return f"{type(backend).__name__}({_backend_name(l1)}, {_backend_name(l2)})"
    return type(backend).__name__


async def _cache_health(client: _HealthContext, *, probe: bool, timeout_s: float) -> CacheHealth:
    cache = client.cache
    if cache is None:
        return CacheHealth(status=HealthStatus.OK, enabled=False)
    backend = cache.backend
    reachable: bool | None = True
    error: str | None = None
    for layer in _layers(backend):
        if getattr(layer, "l1", None) is not None or isinstance(layer, MemoryCache):
            continue  # a tiered front, or process memory: nothing to reach
        ping = getattr(layer, "ping", None)
        available = getattr(layer, "available", None)
        if probe and callable(ping):
            values, errors = await _within(client.clock, timeout_s, ping)
            if not values:
                reachable = False
                error = (
                    _describe_error(errors[0])
                    if errors
                    else f"no PING answer within {timeout_s:g} s"
                )
        elif isinstance(available, bool):
            if not available:
                reachable, error = False, f"{type(layer).__name__} is failing open"
        elif reachable:
            reachable = None  # a backend that cannot tell
    stats = cache.stats()
    policy = stats.get("policy")
    lookups = 0 if policy is None else policy.hits + policy.stale_serves + policy.misses
    return CacheHealth(
        status=HealthStatus.DEGRADED if reachable is False else HealthStatus.OK,
        enabled=True,
        backend=_backend_name(backend),
        reachable=reachable,
        hit_rate=0.0 if policy is None else policy.hit_rate,
        lookups=lookups,
        errors=sum(s.errors for s in stats.values()),
        error=error,
    )


def _probe_targets(client: _HealthContext, probe: bool | Iterable[str]) -> tuple[str, ...]:
    if probe is True:
        return tuple(SOURCE_NAMES)
    if probe is False:
        return ()
    if isinstance(probe, str):
        probe = (probe,)
    names = tuple(dict.fromkeys(probe))
    for name in names:
        client.settings(name)  # ConfigurationError for an unknown source
    return names


async def check_health(
    client: _HealthContext,
    *,
    probe: bool | Iterable[str] = False,
    timeout_s: float = 2.0,
    critical: Iterable[str] = (),
) -> Health:
    """See :meth:`savantsdk.AsyncClient.health`."""
    raw: object = timeout_s
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 < raw <= 60:
        raise ConfigurationError(
            f"timeout_s must be a number in (0, 60], got {timeout_s!r}", setting="timeout_s"
        )
    critical_names = tuple(dict.fromkeys([critical] if isinstance(critical, str) else critical))
    for name in critical_names:
        client.settings(name)
    targets = _probe_targets(client, probe)
    probes: dict[str, ProbeResult] = {}
    cache_result: list[CacheHealth] = []

    async def one(name: str) -> None:
        probes[name] = await _probe(client, name, float(timeout_s))

    async def cache_check() -> None:
        cache_result.append(
            await _cache_health(client, probe=bool(targets), timeout_s=float(timeout_s))
        )

    async with anyio.create_task_group() as tg:
        for name in targets:
            tg.start_soon(one, name)
        tg.start_soon(cache_check)
    snaps = client.metrics()
    sources: dict[str, SourceHealth] = {
        name: _source_health(client, name, snaps.get(name), probes.get(name))
        for name in SOURCE_NAMES
    }
    cache = cache_result[0]
    active = [h for h in sources.values() if h.used]
    if critical_names:
        is_down = any(sources[n].status is HealthStatus.DOWN for n in critical_names)
    else:
        is_down = bool(active) and all(h.status is HealthStatus.DOWN for h in active)
    if is_down:
        status = HealthStatus.DOWN
    else:
        worst = HealthStatus.worst([cache.status, *(h.status for h in sources.values())])
        status = HealthStatus.OK if worst is HealthStatus.OK else HealthStatus.DEGRADED
    return Health(
        status=status,
        checked_at=datetime.fromtimestamp(client.clock.time(), tz=UTC),
        sources=sources,
        cache=cache,
    )
