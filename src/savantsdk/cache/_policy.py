"""The cache's policy front: ``Cache``, TTLs per data kind, stampede control, stale serving.

Backends only move bytes.  Here live: serialization (once, via :mod:`._codec`), the TTL table,
single-flight loading (concurrent misses on one key run the loader once), stale-while-
revalidate (one background refresh in a task group the ``Cache`` owns), serve-stale-on-error,
invalidation, and the policy-layer metrics.  Reads and writes fail open; only explicit
management calls (``invalidate*``) raise :class:`~savantsdk.CacheError`.
"""

from __future__ import annotations

import logging
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Final, TypeVar, overload

import anyio
import anyio.abc
import attrs

from .._clock import SystemClock
from .._closing import AsyncClosing
from .._redact import redact
from ..exceptions import CacheError, ConfigurationError
from ..typing import AsyncCacheBackend, Clock, MetricsHook
from ._codec import (
    COMPRESSIONS,
    DEFAULT_COMPRESS_MIN_BYTES,
    CorruptEntryError,
    EntryHeader,
    decode,
    encode,
    peek_header,
    zstd_available,
)
from ._memory import MemoryCache
from ._metrics import CacheStats, LayerMetrics
from ._protocols import BackgroundBackend, delete_prefix, delete_tags, set_items
from ._ttl import Ttl, TtlPolicy

__all__ = ("Cache",)

logger = logging.getLogger("savantsdk")
DEFAULT_NAMESPACE: Final = "savantsdk"
_DEFAULT_HEAD: Final = DEFAULT_NAMESPACE + ":"
T = TypeVar("T")
#: How many keys remember when their last load landed (see ``Cache._landed``).
_LANDED_KEYS: Final = 4096


class _Found:
    __slots__ = ("header", "value")

    def __init__(self, header: EntryHeader, value: Any) -> None:
        self.header = header
        self.value = value


def _kind_of(kind: str | Callable[[Any], str], value: Any) -> str:
    """The TTL kind of ``value``: ``kind`` itself, or what the function says of it."""
    return kind(value) if callable(kind) else kind


@attrs.frozen
class _Load:
    """What one flight needs to load and store a key."""

    key: str
    loader: Callable[[], Awaitable[Any]]
    type_: Any
    kind: str | Callable[[Any], str]
    tags: Sequence[str]
    ttl_s: float | None


_UNSET: Final = object()


class _Flight:
    """One in-progress load; every caller for the key waits on it."""

    __slots__ = ("done", "error", "stale_error", "value")

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.value: Any = _UNSET
        self.error: BaseException | None = None
        self.stale_error: Exception | None = None  # the load failed; value is a stale entry

    async def wait(self) -> Any:
        await self.done.wait()
        if self.error is not None:
            raise self.error
        if self.value is _UNSET:
            raise CacheError("the cache was closed while this value was loading")
        return self.value


def _served(value: Any, flight: _Flight, on_stale_error: Callable[[Exception], None] | None) -> Any:
    """``value`` of ``flight``, telling ``on_stale_error`` when it is a stale entry."""
    if flight.stale_error is not None and on_stale_error is not None:
        on_stale_error(flight.stale_error)
    return value


_tag_names: dict[Any, str] = {}


def _type_tag(type_: Any) -> str:
    try:
        return _tag_names[type_]
    except KeyError:
        pass
    except TypeError:  # unhashable annotation: no tag
        return ""
    name = f"{type_.__module__}.{type_.__qualname__}" if isinstance(type_, type) else repr(type_)
    _tag_names[type_] = name
    return name


class Cache(AsyncClosing):
    """Typed get/set/get-or-load over any byte backend (default: a fresh ``MemoryCache``).

    Use as ``async with Cache(backend) as cache:`` to enable background refreshes
    (stale-while-revalidate) and task-group-owned loads; without it, stale entries are
    refreshed inline.  The cache closes only a backend it created.

    Values come back shared, not copied: when the backend is memory (or a tiered cache with a
    memory L1) the decoded value of a hot entry is reused while its stored bytes are
    unchanged (up to ``memo_entries`` values and ``memo_max_bytes`` of their bytes), as
    aiocache and cashews hand back stored objects.  Treat returned values as read-only
    (savantsdk's models are frozen).

    ``lock_ttl_s`` coalesces loads across processes on backends that offer a load lock
    (``RedisCache``, ``TieredCache`` over one; see :class:`~savantsdk.cache.LockingBackend`):
    the process that takes the key's lock loads (renewing the lock every ``lock_ttl_s / 3``
    while its loader runs); the others poll the shared layer every ``lock_poll_s`` for its
    result, take the lock over if it is released without a result or expires (its holder
    died: at most ``lock_ttl_s`` later), and after ``lock_wait_s`` load by themselves.  An
    unreachable lock store means no lock: load (failing open).

    An entered cache also runs its backend's background work (a ``TieredCache``'s
    invalidation listener) in its task group.
    """

    def __init__(
        self,
        backend: AsyncCacheBackend | None = None,
        *,
        clock: Clock | None = None,
        ttls: TtlPolicy | None = None,
        compress_min_bytes: int | None = DEFAULT_COMPRESS_MIN_BYTES,
        compression: str = "zlib",
        metrics_hook: MetricsHook | None = None,
        lock_ttl_s: float | None = None,
        lock_wait_s: float = 30.0,
        lock_poll_s: float = 0.05,
        memo_entries: int = 1024,
        memo_max_bytes: int = 32 * 1024 * 1024,
        namespace: str = DEFAULT_NAMESPACE,
    ) -> None:
        self._clock: Clock = clock if clock is not None else SystemClock()
        if not namespace or ":" in namespace:
            raise ConfigurationError(
                f"cache namespace must be non-empty and without ':', got {namespace!r}",
                setting="namespace",
            )
        # Keys from cache_key() start with "savantsdk:"; another namespace re-heads them so
        # two deployments (or the demo) sharing one Redis never read each other's entries.
        self._namespace = namespace
        self._rehead = None if namespace == DEFAULT_NAMESPACE else f"{namespace}:"
        self._owns_backend = backend is None
        self._backend: AsyncCacheBackend = (
            backend if backend is not None else MemoryCache(clock=self._clock)
        )
        self._ttls = ttls if ttls is not None else TtlPolicy()
        self._compress_min_bytes = compress_min_bytes
        if compression not in COMPRESSIONS:
            raise ConfigurationError(
                f"compression must be one of {', '.join(COMPRESSIONS)}", setting="compression"
            )
        if compression == "zstd" and not zstd_available():
            raise ConfigurationError(
                'compression="zstd" needs the zstandard package', setting="compression"
            )
        self._compression = compression
        self._hook = metrics_hook
        if lock_ttl_s is not None and not lock_ttl_s > 0:
            raise ConfigurationError("lock_ttl_s must be > 0 (or None)", setting="lock_ttl_s")
        if not lock_wait_s >= 0:
            raise ConfigurationError("lock_wait_s must be >= 0", setting="lock_wait_s")
        if not lock_poll_s > 0:
            raise ConfigurationError("lock_poll_s must be > 0", setting="lock_poll_s")
        self._lock_ttl_s = lock_ttl_s
        self._lock_wait_s = lock_wait_s
        self._lock_poll_s = lock_poll_s
        self._metrics = LayerMetrics("policy")
        # Memory-backed L1s hand back the same bytes object until the entry changes, so the
        # decoded value can be reused (keyed by that identity); other backends never repeat.
        l1 = getattr(self._backend, "l1", self._backend)
        self._memo_entries = memo_entries
        self._memo_max_bytes = memo_max_bytes
        self._memo_bytes = 0
        self._memo: dict[str, tuple[bytes, Any, _Found]] | None = (
            {} if memo_entries > 0 and isinstance(l1, MemoryCache) else None
        )
        self._get_one = self._backend.get_one if type(self._backend) is MemoryCache else None
        self._flights: dict[str, _Flight] = {}
        # When each key's last flight landed (a sequence number, bounded LRU): a caller whose
        # read missed while a flight for the same key was landing reads once more instead of
        # starting a second load.
        self._flight_seq = 0
        self._landed: OrderedDict[str, int] = OrderedDict()
        self._tg: anyio.abc.TaskGroup | None = None
        self._closed = False
        self._failing = False

    @property
    def namespace(self) -> str:
        """The key namespace this cache stores under (see :meth:`key`)."""
        return self._namespace

    def key(self, key: str) -> str:
        """The backend key for ``key``: keys built by :func:`cache_key` under the default
        namespace are moved under this cache's namespace; other keys pass unchanged."""
        to = self._rehead
        if to is None or not key.startswith(_DEFAULT_HEAD):
            return key
        return to + key[len(_DEFAULT_HEAD) :]

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("open" if self._tg is not None else "idle")
        return f"Cache(backend={self._backend!r}, state={state})"

    @property
    def backend(self) -> AsyncCacheBackend:
        return self._backend

    @property
    def ttls(self) -> TtlPolicy:
        return self._ttls

    # -- lifecycle -----------------------------------------------------------------------

    async def __aenter__(self) -> Cache:
        if self._tg is not None:
            raise CacheError("Cache is already entered")
        tg = anyio.create_task_group()
        await tg.__aenter__()
        self._tg = tg
        self._closed = False
        if isinstance(self._backend, BackgroundBackend):
            try:
                await tg.start(self._backend.run_background)
            except BaseException:
                await self.aclose()
                raise
        return self

    async def aclose(self) -> None:
        """Cancel background refreshes, then close the backend if this cache created it."""
        tg, self._tg = self._tg, None
        try:
            if tg is not None:
                tg.cancel_scope.cancel()
                await tg.__aexit__(None, None, None)
        finally:
            self._closed = True
            if self._owns_backend:
                await self._backend.aclose()

    # -- fail-open plumbing --------------------------------------------------------------

    def _event(self, name: str, **labels: str) -> None:
        if self._hook is not None:
            try:
                self._hook.on_event(name, labels)
            except Exception:
                logger.exception("cache: metrics hook failed on %s", name)

    def _backend_failed(self, op: str, exc: Exception) -> None:
        self._metrics.errors += 1
        self._event("cache.error", op=op, error=type(exc).__name__)
        if not self._failing:
            self._failing = True
            logger.warning(
                "cache: backend %s failed (%s: %s); failing open",
                op,
                type(exc).__name__,
                redact(str(exc)),
            )

    async def _read_many(self, keys: Sequence[str]) -> list[bytes | None]:
        try:
            values = await self._backend.get_many(keys)
        except Exception as exc:  # noqa: BLE001 - fail open: a user backend may raise anything
            self._backend_failed("get", exc)
            return [None] * len(keys)
        self._failing = False
        return values

    def _decode(self, key: str, raw: bytes | None, type_: Any) -> _Found | None:
        if raw is None:
            return None
        memo = self._memo
        if memo is not None:
            hit = memo.get(key)
            if hit is not None and hit[0] is raw and (hit[1] is type_ or hit[1] == type_):
                return hit[2]
        try:
            header, value = decode(raw, type_)
        except CorruptEntryError as exc:
            self._metrics.corrupt += 1
            self._event("cache.corrupt", reason=str(exc))
            return None
        if header.type_tag and type_ is not None and header.type_tag != _type_tag(type_):
            self._metrics.corrupt += 1
            self._event("cache.corrupt", reason="type tag mismatch")
            return None
        found = _Found(header, value)
        self._remember(key, raw, type_, found)
        return found

    def _remember(self, key: str, raw: bytes, type_: Any, found: _Found) -> None:
        memo = self._memo
        if memo is None:
            return
        old = memo.pop(key, None)
        if old is not None:
            self._memo_bytes -= len(old[0])
        if len(raw) > self._memo_max_bytes // 8:
            return
        while memo and (
            len(memo) >= self._memo_entries or self._memo_bytes + len(raw) > self._memo_max_bytes
        ):
            self._memo_bytes -= len(memo.pop(next(iter(memo)))[0])
        memo[key] = (raw, type_, found)
        self._memo_bytes += len(raw)

    def _encode(self, value: Any, ttl: Ttl, type_: Any, ttl_s: float | None) -> bytes | None:
        now = self._clock.time()
        fresh = ttl.fresh_s if ttl_s is None else ttl_s
        store = ttl.store_s if ttl_s is None else ttl_s + max(ttl.stale_s, ttl.error_s)
        try:
            return encode(
                value,
                stored_at=now,
                soft_expires_at=0.0 if fresh is None else now + fresh,
                hard_expires_at=0.0 if store is None else now + store,
                type_tag=_type_tag(type_) if type_ is not None else "",
                compress_min_bytes=self._compress_min_bytes,
                compression=self._compression,
            )
        except Exception as exc:  # noqa: BLE001 - fail open: an unserializable value is not fatal
            self._metrics.errors += 1
            self._event("cache.error", op="encode", error=type(exc).__name__)
            logger.warning(
                "cache: could not serialize a %s value: %s", type(value).__name__, redact(str(exc))
            )
            return None

    async def _write(
        self,
        items: Mapping[str, Any],
        *,
        kind: str,
        tags: Sequence[str],
        type_: Any,
        ttl_s: float | None,
    ) -> None:
        ttl = self._ttls.for_kind(kind)
        encoded: dict[str, bytes] = {}
        for key, value in items.items():
            raw = self._encode(value, ttl, type_, ttl_s)
            if raw is not None:
                encoded[key] = raw
        if not encoded:
            return
        store = ttl.store_s if ttl_s is None else ttl_s + max(ttl.stale_s, ttl.error_s)
        try:
            await set_items(self._backend, encoded, ttl_s=store, tags=tuple(tags))
        except Exception as exc:  # noqa: BLE001 - fail open: a user backend may raise anything
            self._backend_failed("set", exc)
            return
        self._metrics.sets += len(encoded)
        if self._memo is not None and type_ is not None:
            # A typed write is what the next typed read would decode: remember it now so the
            # first warm read skips the decode too (the memory backend keeps these bytes).
            for key, raw in encoded.items():
                self._remember(key, raw, type_, _Found(peek_header(raw), items[key]))

    def _is_fresh(self, header: EntryHeader) -> bool:
        return header.soft_expires_at == 0.0 or self._clock.time() < header.soft_expires_at

    # -- reads and writes ----------------------------------------------------------------

    @overload
    async def get(self, key: str, type_: type[T], *, allow_stale: bool = ...) -> T | None: ...

    @overload
    async def get(self, key: str, type_: None = None, *, allow_stale: bool = ...) -> Any: ...

    async def get(self, key: str, type_: Any = None, *, allow_stale: bool = False) -> Any:
        """The value under ``key`` (structured into ``type_``), or ``None`` on a miss.

        Entries past their fresh TTL count as misses unless ``allow_stale``.
        """
        key = self.key(key)
        get_one = self._get_one
        if get_one is None:
            return (await self.get_many((key,), type_, allow_stale=allow_stale))[0]
        found = self._decode(key, get_one(key), type_)
        m = self._metrics
        if found is None:
            m.misses += 1
            return None
        if self._is_fresh(found.header):
            m.hits += 1
            return found.value
        if allow_stale:
            m.stale_serves += 1
            return found.value
        m.misses += 1
        return None

    async def get_many(
        self, keys: Sequence[str], type_: Any = None, *, allow_stale: bool = False
    ) -> list[Any]:
        """``get`` for many keys in one backend round trip, in input order."""
        if self._rehead is not None:
            keys = [self.key(k) for k in keys]
        out: list[Any] = []
        m = self._metrics
        now = self._clock.time()
        for key, raw in zip(keys, await self._read_many(keys), strict=True):
            found = self._decode(key, raw, type_)
            if found is None:
                m.misses += 1
                out.append(None)
                continue
            soft = found.header.soft_expires_at
            if soft == 0.0 or now < soft:
                m.hits += 1
                out.append(found.value)
            elif allow_stale:
                m.stale_serves += 1
                out.append(found.value)
            else:
                m.misses += 1
                out.append(None)
        return out

    async def set(
        self,
        key: str,
        value: Any,
        *,
        kind: str = "default",
        tags: Sequence[str] = (),
        type_: Any = None,
        ttl_s: float | None = None,
    ) -> None:
        """Store ``value`` for its kind's TTL (``ttl_s`` overrides the fresh TTL).

        ``type_`` is recorded in the entry so a read with another type is a miss.
        """
        await self._write({self.key(key): value}, kind=kind, tags=tags, type_=type_, ttl_s=ttl_s)

    async def set_many(
        self,
        items: Mapping[str, Any],
        *,
        kind: str = "default",
        tags: Sequence[str] = (),
        type_: Any = None,
        ttl_s: float | None = None,
    ) -> None:
        """``set`` for many keys in one backend round trip."""
        if self._rehead is not None:
            items = {self.key(k): v for k, v in items.items()}
        await self._write(items, kind=kind, tags=tags, type_=type_, ttl_s=ttl_s)

    # -- get or load ---------------------------------------------------------------------

    @overload
    async def get_or_load(
        self,
        key: str,
        loader: Callable[[], Awaitable[T]],
        *,
        type_: type[T],
        kind: str | Callable[[T], str] = ...,
        tags: Sequence[str] = ...,
        ttl_s: float | None = ...,
        on_stale_error: Callable[[Exception], None] | None = ...,
    ) -> T: ...

    @overload
    async def get_or_load(
        self,
        key: str,
        loader: Callable[[], Awaitable[T]],
        *,
        type_: Any = ...,
        kind: str | Callable[[T], str] = ...,
        tags: Sequence[str] = ...,
        ttl_s: float | None = ...,
        on_stale_error: Callable[[Exception], None] | None = ...,
    ) -> T: ...

    async def get_or_load(
        self,
        key: str,
        loader: Callable[[], Awaitable[Any]],
        *,
        type_: Any = None,
        kind: str | Callable[[Any], str] = "default",
        tags: Sequence[str] = (),
        ttl_s: float | None = None,
        on_stale_error: Callable[[Exception], None] | None = None,
    ) -> Any:
        """The cached value, or ``await loader()`` once however many callers miss together.

        Fresh entry: returned.  Past its fresh TTL but within ``stale_s`` (and the cache is
        entered): returned at once while one background refresh runs.  Otherwise the loader
        runs (single-flight per key, shielded from the caller's cancellation); if it fails
        and an entry within ``error_s`` exists, that entry is served instead.  ``kind`` may
        be a function of the value (a finished game ``"immutable"``, a live one ``"live"``):
        the stored value's kind decides its stale windows, the loaded value's its TTL.
        ``on_stale_error(exc)`` is called when this caller is served a stale entry because
        the load it waited on (its own or a concurrent caller's) failed with ``exc``.
        """
        key = self.key(key)
        read_from = self._flight_seq
        found = self._decode(key, (await self._read_many((key,)))[0], type_)
        m = self._metrics
        if (found is None or not self._is_fresh(found.header)) and key not in self._flights:
            landed = self._landed.get(key)
            if landed is not None and landed > read_from:
                # A flight for this key landed while we were reading: its value is stored.
                again = self._decode(key, (await self._read_many((key,)))[0], type_)
                if again is not None and self._is_fresh(again.header):
                    m.coalesced += 1
                    return again.value
        if found is not None:
            header = found.header
            if self._is_fresh(header):
                m.hits += 1
                return found.value
            now = self._clock.time()
            found_kind = _kind_of(kind, found.value)
            ttl = self._ttls.for_kind(found_kind)
            if self._tg is not None and now < header.soft_expires_at + ttl.stale_s:
                m.stale_serves += 1
                self._event("cache.stale_serve", kind=found_kind)
                if key not in self._flights:
                    m.refreshes += 1
                    self._start(_Load(key, loader, type_, kind, tags, ttl_s), found)
                return found.value
        m.misses += 1
        flight = self._flights.get(key)
        if flight is not None:
            m.coalesced += 1
            return _served(await flight.wait(), flight, on_stale_error)
        load = _Load(key, loader, type_, kind, tags, ttl_s)
        if self._tg is not None:
            flight = self._start(load, found)
        else:
            # No task group: this caller leads, shielded so its cancellation does not fail
            # the callers waiting on the same flight.
            flight = _Flight()
            self._flights[key] = flight
            with anyio.CancelScope(shield=True):
                await self._run_flight(flight, load, found)
        return _served(await flight.wait(), flight, on_stale_error)

    def _start(self, load: _Load, stale: _Found | None) -> _Flight:
        assert self._tg is not None
        flight = _Flight()
        self._flights[load.key] = flight
        self._tg.start_soon(self._run_flight, flight, load, stale)
        return flight

    async def _run_flight(self, flight: _Flight, load: _Load, stale: _Found | None) -> None:
        key = load.key
        try:
            token: str | None = None
            if self._lock_ttl_s is not None:
                outcome = await self._coordinate(load, self._lock_ttl_s)
                if isinstance(outcome, _Found):
                    flight.value = outcome.value
                    return
                token = outcome
            try:
                if token is None:
                    await self._load(flight, load, stale)
                else:
                    await self._load_holding(flight, load, stale, token)
            finally:
                if token is not None:  # released after the write lands
                    await self._unlock(key, token)
        finally:
            if self._flights.get(key) is flight:
                del self._flights[key]
            self._flight_seq += 1
            self._landed[key] = self._flight_seq
            self._landed.move_to_end(key)
            if len(self._landed) > _LANDED_KEYS:
                self._landed.popitem(last=False)
            flight.done.set()

    async def _load(self, flight: _Flight, load: _Load, stale: _Found | None) -> None:
        """Run the loader once; store and hand out its value, or a stale one, or its error."""
        m = self._metrics
        m.loads += 1
        try:
            value = await load.loader()
        except Exception as exc:  # noqa: BLE001 - handed to every waiter, or stale
            m.load_errors += 1
            stale_kind = _kind_of(load.kind, stale.value) if stale is not None else "default"
            flight.value = self._stale_on_error(load.key, stale_kind, stale, exc)
            if flight.value is _UNSET:
                flight.error = exc
            else:
                flight.stale_error = exc
            return
        await self._write(
            {load.key: value},
            kind=_kind_of(load.kind, value),
            tags=load.tags,
            type_=load.type_,
            ttl_s=load.ttl_s,
        )
        flight.value = value

    async def _load_holding(
        self, flight: _Flight, load: _Load, stale: _Found | None, token: str
    ) -> None:
        """``_load`` while renewing the cross-process lock, so that it expires only
        ``lock_ttl_s`` after this process stops (dies), however long the loader takes."""
        async with anyio.create_task_group() as tg:
            tg.start_soon(self._keep_lock, load.key, token)
            try:
                await self._load(flight, load, stale)
            finally:
                tg.cancel_scope.cancel()

    def _stale_on_error(self, key: str, kind: str, stale: _Found | None, exc: Exception) -> Any:
        """The stale value to serve in place of a failed load, or ``_UNSET``."""
        ttl = self._ttls.for_kind(kind)
        if stale is None or self._clock.time() >= stale.header.soft_expires_at + ttl.error_s:
            return _UNSET
        self._metrics.stale_on_error += 1
        self._event("cache.stale_on_error", kind=kind, error=type(exc).__name__)
        logger.warning(
            "cache: loader for %s failed (%s); serving a stale entry", key, type(exc).__name__
        )
        return stale.value

    # -- cross-process load coalescing (optional, best effort) ---------------------------

    async def _lock_call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call a lock method of the backend; missing, or failing: None (no lock)."""
        method = getattr(self._backend, name, None)
        if method is None:
            return None
        try:
            return await method(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - fail open: a user backend may raise anything
            self._backend_failed(name, exc)
            return None

    async def _coordinate(self, load: _Load, ttl_s: float) -> _Found | str | None:
        """Decide who loads ``load.key`` across processes.

        Returns the lock token when this process should load holding the lock, another
        process's freshly stored result when one appeared, or None to load without a lock
        (no lock support, lock store unreachable, or ``lock_wait_s`` spent waiting).
        """
        key, type_ = load.key, load.type_
        token = uuid.uuid4().hex
        since = self._clock.time()
        got = await self._lock_call("try_lock", key, token, ttl_s=ttl_s)
        deadline = self._clock.monotonic() + self._lock_wait_s
        while True:
            if got is None:
                return None
            if got:
                # Taken.  The previous holder may have stored its result just before
                # releasing the lock (or before our first miss): look once more.
                found = await self._read_shared(key, type_, since)
                if found is None:
                    return token
                await self._unlock(key, token)
                self._metrics.coalesced += 1
                return found
            if self._clock.monotonic() >= deadline:
                logger.info(
                    "cache: waited %.1fs for another process to load %s; loading here",
                    self._lock_wait_s,
                    key,
                )
                return None
            await self._clock.sleep(self._lock_poll_s)
            found = await self._read_shared(key, type_, since)
            if found is not None:
                self._metrics.coalesced += 1
                return found
            # Still nothing: the holder is loading, failed (released the lock without a
            # result) or died (its lock expired).  In the last two cases we take over.
            got = await self._lock_call("try_lock", key, token, ttl_s=ttl_s)

    async def _read_shared(self, key: str, type_: Any, since: float) -> _Found | None:
        """A result another process stored for ``key`` (read past any private L1): a fresh
        entry, or one stored at or after ``since`` (wall time; even if already stale)."""
        read = getattr(self._backend, "get_many_shared", None) or self._backend.get_many
        try:
            raw = (await read((key,)))[0]
        except Exception as exc:  # noqa: BLE001 - fail open: a user backend may raise anything
            self._backend_failed("get", exc)
            return None
        found = self._decode(key, raw, type_)
        if found is None:
            return None
        if self._is_fresh(found.header) or found.header.stored_at >= since:
            return found
        return None

    async def _keep_lock(self, key: str, token: str) -> None:
        ttl_s = self._lock_ttl_s
        assert ttl_s is not None
        while True:
            await self._clock.sleep(ttl_s / 3)
            held = await self._lock_call("extend_lock", key, token, ttl_s=ttl_s)
            if held is False:
                logger.info("cache: lost the load lock of %s while loading it", key)
                return

    async def _unlock(self, key: str, token: str) -> None:
        with anyio.CancelScope(shield=True):
            await self._lock_call("unlock", key, token)

    # -- invalidation (explicit: raises CacheError) --------------------------------------

    async def invalidate(self, *keys: str) -> int:
        """Delete exact keys; returns how many existed (where the backend knows)."""
        return await self._explicit("delete", self._backend.delete([self.key(k) for k in keys]))

    async def invalidate_prefix(self, prefix: str) -> int:
        """Delete every key starting with ``prefix`` (see :func:`key_prefix`)."""
        if not prefix:
            raise ConfigurationError("refusing to invalidate an empty prefix", setting="prefix")
        prefix = self.key(prefix)
        return await self._explicit("delete_prefix", delete_prefix(self._backend, prefix))

    async def invalidate_tags(self, *tags: str) -> int:
        """Delete every key written with any of ``tags``."""
        return await self._explicit("delete_tags", delete_tags(self._backend, list(tags)))

    async def _explicit(self, op: str, call: Awaitable[int]) -> int:
        if self._memo is not None:
            self._memo.clear()
            self._memo_bytes = 0
        try:
            return int(await call)
        except CacheError:
            raise
        except Exception as exc:
            raise CacheError(f"cache {op} failed: {type(exc).__name__}: {exc}") from exc

    # -- metrics -------------------------------------------------------------------------

    def stats(self) -> dict[str, CacheStats]:
        """Snapshots by layer: ``policy`` plus every backend layer that reports stats."""
        out = {"policy": self._metrics.snapshot()}
        pending: list[Any] = [self._backend]
        while pending:
            layer = pending.pop()
            snap = getattr(layer, "stats", None)
            if callable(snap):
                result = snap()
                if isinstance(result, CacheStats):
                    out[result.layer] = result
            for name in ("l1", "l2"):
                sub = getattr(layer, name, None)
                if sub is not None:
                    pending.append(sub)
        return out
