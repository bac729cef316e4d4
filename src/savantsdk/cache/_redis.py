"""RedisCache: a shared byte store on redis.asyncio (one server or a Redis Cluster) that fails
open.

One server (``redis://``, ``rediss://``, ``unix://``): one blocking connection pool per
instance (``max_connections``, default 50).  Reads are one ``MGET``; writes one
non-transactional pipeline of ``SET .. PX`` (plus the tag index), so a batch costs one round
trip and TTLs are enforced by the server.

Redis Cluster (``redis+cluster://`` / ``rediss+cluster://`` or ``cluster=True``):
``redis.asyncio.cluster.RedisCluster`` discovers the nodes from one seed.  A batch is grouped
by hash slot and then by the node that owns the slot: one pipeline per node (an ``MGET`` per
slot, or the slot's ``SET .. PX`` commands), the nodes in parallel.  Keys are not hash-tagged:
a namespace spreads over every node, as a cluster should; the tag-index and lock keys are
single keys on whichever node owns them.  A node that fails turns only its own keys into
misses (or dropped writes) and is skipped for ``retry_interval_s``; the other nodes keep
serving.  At most ``max_connections`` commands are in flight per ``RedisCache`` (redis-py's
cluster nodes raise instead of waiting when their pool is full); a burst waits up to
``timeout_s`` for a slot and then fails open.

Failing open: a connection error or a reply slower than ``timeout_s`` turns a read into misses
and a write into a no-op, counts an error, and logs once per incident (one WARNING when Redis
goes away, one INFO when it is back).  For ``retry_interval_s`` after a failure calls skip Redis
(or, on a cluster, the failed node) entirely (no connect timeout paid per call); the next call
after that probes it again, and redis-py reconnects by itself.  Explicit management calls
(``delete``, ``delete_prefix``, ``delete_tags``, ``ping``) raise
:class:`~savantsdk.CacheError` instead.

Cross-process support for :class:`~savantsdk.cache.Cache` and
:class:`~savantsdk.cache.TieredCache`: a per-key load lock (``SET NX PX``, extended and
released by compare-and-set scripts) and an invalidation channel (pub/sub, one channel
``<namespace>:invalidate`` per namespace; payloads are opaque bytes, never pickles).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any, Final, Protocol, TypeVar, cast
from urllib.parse import quote, urlsplit

import anyio
import anyio.abc
import redis
import redis.asyncio as aioredis
from redis.asyncio.client import PubSub
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisClusterException, RedisError

from .._clock import SystemClock
from .._redact import redact, register_secret
from .._redis_pool import blocking_redis
from ..exceptions import CacheError, ConfigurationError
from ..typing import Clock
from ._metrics import CacheStats, LayerMetrics
from ._protocols import BackendContext

__all__ = ("RedisCache",)


class _AsyncClosable(Protocol):
    """``PubSub.aclose``: untyped in redis-py 5.x/7.x, annotated in 8.x.  Calling it through
    this Protocol type-checks the same on every redis-py the package supports, where a
    ``type: ignore[no-untyped-call]`` is needed on one end and "unused" on the other."""

    async def aclose(self) -> None: ...


#: The asyncio ``RedisCluster`` has ``pubsub()`` from redis-py 8.0 on.
_CLUSTER_PUBSUB: Final = hasattr(RedisCluster, "pubsub")
_REDIS_VERSION: Final = str(getattr(redis, "__version__", "unknown"))

logger = logging.getLogger("savantsdk")
T = TypeVar("T")
_SCHEMES: Final = ("redis", "rediss", "unix", "redis+cluster", "rediss+cluster")
_GLOB_SPECIAL = re.compile(r"([*?\[\]\\])")
_FAILURES: Final = (RedisError, RedisClusterException, OSError, TimeoutError)
# Delete the lock only if we still own it (compare-and-delete).
_UNLOCK_LUA: Final = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
    "else return 0 end"
)
# Extend the lock only if we still own it (compare-and-pexpire).
_EXTEND_LUA: Final = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
)
#: Seconds of silence on the invalidation subscription before it is PINGed; an unanswered PING
#: (after ``timeout_s``) counts as a dead connection and the listener reconnects.
_LISTEN_IDLE_PING_S: Final = 5.0
_LISTEN_POLL_S: Final = 1.0
_LISTEN_MAX_BACKOFF_S: Final = 5.0


def _glob_escape(text: str) -> str:
    return _GLOB_SPECIAL.sub(r"\\\1", text)


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


class _NodeGroup:
    """The keys of one batch that one cluster node owns: key indexes by hash slot."""

    __slots__ = ("node", "slots")

    def __init__(self, node: ClusterNode) -> None:
        self.node = node
        self.slots: dict[int, list[int]] = {}


class RedisCache(BackendContext):
    """Redis-backed byte store (one server or a cluster).

    ``namespace`` prefixes the tag-index and lock keys and names the invalidation channel
    (cache keys arrive already namespaced from :func:`~savantsdk.cache.cache_key`).
    ``cluster``: ``None`` (default) follows the URL scheme (``redis+cluster://`` or
    ``rediss+cluster://`` mean a cluster); ``True`` treats a ``redis://``/``rediss://`` URL
    as a cluster seed.  A ``client=`` may be a ``redis.asyncio.Redis`` or a
    ``redis.asyncio.cluster.RedisCluster``; it is not closed by :meth:`aclose`.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: aioredis.Redis | RedisCluster | None = None,
        cluster: bool | None = None,
        namespace: str = "savantsdk",
        timeout_s: float = 0.5,
        retry_interval_s: float = 1.0,
        max_connections: int = 50,
        clock: Clock | None = None,
        name: str = "redis",
    ) -> None:
        if (url is None) == (client is None):
            raise ConfigurationError("pass exactly one of url= or client=", setting="url")
        if timeout_s <= 0:
            raise ConfigurationError("timeout_s must be > 0", setting="timeout_s")
        if max_connections < 1:
            raise ConfigurationError("max_connections must be >= 1", setting="max_connections")
        self._url = url or ""
        if url is not None:
            client, cluster = self._connect(url, cluster, timeout_s, max_connections)
            self._owns_client = True
        else:
            assert client is not None
            is_cluster = isinstance(client, RedisCluster)
            if cluster is not None and cluster != is_cluster:
                raise ConfigurationError(
                    f"cluster={cluster} does not match the client passed ({type(client).__name__})",
                    setting="cluster",
                )
            cluster = is_cluster
            self._owns_client = False
        assert client is not None
        self._client: aioredis.Redis | RedisCluster = client
        self._cluster: RedisCluster | None = client if isinstance(client, RedisCluster) else None
        self._namespace = namespace
        self._channel = f"{namespace}:invalidate"
        self._timeout_s = timeout_s
        self._retry_interval_s = retry_interval_s
        self._max_connections = max_connections
        self._gate: anyio.Semaphore | None = None  # cluster only; built on first use
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._metrics = LayerMetrics(name)
        self._down_since: float | None = None
        self._skip_until = 0.0
        self._incident_errors = 0
        self._node_skip_until: dict[str, float] = {}
        self._failed_nodes: set[str] = set()
        self._unlock_script = self._client.register_script(_UNLOCK_LUA)
        self._extend_script = self._client.register_script(_EXTEND_LUA)
        self._listener_down = False

    @staticmethod
    def _connect(
        url: str, cluster: bool | None, timeout_s: float, max_connections: int
    ) -> tuple[aioredis.Redis | RedisCluster, bool]:
        try:
            parts = urlsplit(url)
            password = parts.password
        except ValueError as exc:
            raise ConfigurationError(f"bad Redis URL: {redact(url)}", setting="url") from exc
        if parts.scheme not in _SCHEMES:
            raise ConfigurationError(
                "Redis URL must start with redis://, rediss://, unix://, redis+cluster:// or "
                f"rediss+cluster://: {redact(url)}",
                setting="url",
            )
        register_secret(password)
        cluster_scheme = parts.scheme.endswith("+cluster")
        if cluster is None:
            cluster = cluster_scheme
        elif cluster_scheme and not cluster:
            raise ConfigurationError(
                f"cluster=False contradicts the URL scheme {parts.scheme}://", setting="cluster"
            )
        if not cluster:
            client = blocking_redis(
                url,
                max_connections=max_connections,
                timeout_s=timeout_s,
                retry=Retry(NoBackoff(), 1),
            )
            return client, False
        if parts.scheme == "unix":
            raise ConfigurationError(
                "a Redis Cluster is reached over TCP, not unix://", setting="url"
            )
        if parts.path not in ("", "/", "/0"):
            raise ConfigurationError(
                f"a Redis Cluster has only database 0: {redact(url)}", setting="url"
            )
        plain = parts._replace(scheme=parts.scheme.removesuffix("+cluster"), path="").geturl()
        # No retries inside redis-py: a failed node fails open here at once (and is skipped for
        # retry_interval_s) instead of sleeping and closing every connection to retry.
        return (
            RedisCluster.from_url(
                plain,
                max_connections=max_connections,
                socket_timeout=timeout_s,
                socket_connect_timeout=timeout_s,
                retry=Retry(NoBackoff(), 0),
                require_full_coverage=False,
            ),
            True,
        )

    def __repr__(self) -> str:
        where = redact(self._url) if self._url else "<client>"
        kind = ", cluster=True" if self._cluster is not None else ""
        return f"RedisCache(url={where!r}, namespace={self._namespace!r}{kind})"

    @property
    def available(self) -> bool:
        """False while an outage incident is open (calls fail open)."""
        return self._down_since is None

    @property
    def is_cluster(self) -> bool:
        return self._cluster is not None

    @property
    def channel(self) -> str:
        """The pub/sub channel invalidations travel on: ``<namespace>:invalidate``."""
        return self._channel

    @property
    def invalidation_unavailable(self) -> str | None:
        """Why this backend cannot carry invalidations between processes, or None if it can.

        redis-py's asyncio ``RedisCluster`` has pub/sub only from redis-py 8.0; on older
        versions a cluster backend still caches, but cannot broadcast L1 invalidations.
        """
        if self._cluster is not None and not _CLUSTER_PUBSUB:
            return (
                "L1 invalidation over Redis Cluster needs redis-py >= 8.0 "
                f"(installed: {_REDIS_VERSION})"
            )
        return None

    # -- fail-open plumbing --------------------------------------------------------------

    def _tag_key(self, tag: str) -> str:
        return f"{self._namespace}:tag:{quote(tag, safe='-._~')}"

    def _lock_key(self, key: str) -> str:
        return f"{self._namespace}:lock:{key}"

    def _where(self, node: str | None = None) -> str:
        base = redact(self._url) or "<client>"
        return f"{base} (node {node})" if node else base

    def _on_failure(self, exc: BaseException, op: str, node: str | None = None) -> None:
        self._metrics.errors += 1
        self._incident_errors += 1
        now = self._clock.monotonic()
        if node is None:
            self._skip_until = now + self._retry_interval_s
        else:
            self._node_skip_until[node] = now + self._retry_interval_s
            self._failed_nodes.add(node)
        if self._down_since is None:
            self._down_since = now
            logger.warning(
                "cache: Redis %s unavailable during %s (%s: %s); failing open",
                self._where(node),
                op,
                type(exc).__name__,
                redact(str(exc)),
            )

    def _on_success(self, nodes: Iterable[str] = ()) -> None:
        for node in nodes:
            if node in self._failed_nodes:
                self._failed_nodes.discard(node)
                self._node_skip_until.pop(node, None)
        if self._down_since is not None and not self._failed_nodes:
            logger.info(
                "cache: Redis %s is back after %.1fs (%d calls failed open)",
                self._where(),
                self._clock.monotonic() - self._down_since,
                self._incident_errors,
            )
            self._down_since = None
            self._incident_errors = 0

    def _skipping(self, node: str | None = None) -> bool:
        """Inside a retry interval after a failure (of Redis, or of this cluster node)."""
        if self._down_since is None:
            return False
        now = self._clock.monotonic()
        if now < self._skip_until:
            return True
        return node is not None and now < self._node_skip_until.get(node, 0.0)

    def _skipped(self, count: int = 1) -> None:
        self._metrics.errors += count
        self._incident_errors += count

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run one Redis call; on a cluster, at most ``max_connections`` at a time."""
        if self._cluster is None:
            return await call()
        gate = self._gate
        if gate is None:
            gate = self._gate = anyio.Semaphore(self._max_connections)
        with anyio.fail_after(self._timeout_s):
            await gate.acquire()
        try:
            return await call()
        finally:
            gate.release()

    async def _guarded(
        self,
        op: str,
        call: Callable[[], Awaitable[T]],
        fallback: T,
        *,
        key: str | None = None,
    ) -> T:
        """Fail-open wrapper.  On a cluster, ``key`` routes the call: only that key's node is
        marked failed (and skipped) when it fails."""
        node: str | None = None
        if self._cluster is not None and key is not None and not self._skipping():
            try:
                node = await self._node_of(key)
            except _FAILURES as exc:
                self._on_failure(exc, op)
                return fallback
        if self._skipping(node):
            self._skipped()
            return fallback
        try:
            result = await self._call(call)
        except _FAILURES as exc:
            self._on_failure(exc, op, node)
            return fallback
        self._on_success(() if node is None else (node,))
        return result

    async def _explicit(self, op: str, call: Callable[[], Awaitable[T]]) -> T:
        try:
            result = await self._call(call)
        except _FAILURES as exc:
            self._on_failure(exc, op)
            detail = f"{type(exc).__name__}: {redact(str(exc))}"
            raise CacheError(f"Redis {op} failed: {detail}") from exc
        self._on_success()
        return result

    # -- cluster routing -----------------------------------------------------------------

    async def _node_of(self, key: str) -> str:
        cluster = self._cluster
        assert cluster is not None
        await cluster.initialize()  # no-op once the slot map is known
        node = cluster.nodes_manager.get_node_from_slot(cluster.keyslot(key))
        return str(node.name)

    async def _by_node(self, keys: Sequence[str]) -> dict[str, _NodeGroup]:
        """Indexes of ``keys`` grouped by owning node, then by hash slot."""
        cluster = self._cluster
        assert cluster is not None
        await cluster.initialize()
        groups: dict[str, _NodeGroup] = {}
        nodes = cluster.nodes_manager
        for i, key in enumerate(keys):
            slot = cluster.keyslot(key)
            node = nodes.get_node_from_slot(slot)
            group = groups.get(node.name)
            if group is None:
                group = groups[node.name] = _NodeGroup(node)
            group.slots.setdefault(slot, []).append(i)
        return groups

    async def _per_node(
        self,
        op: str,
        groups: Mapping[str, T],
        run: Callable[[str, T], Awaitable[None]],
    ) -> None:
        """Run ``run(node, group)`` for every node group in parallel, failing open per node
        (a failed or skipped node leaves its part of the result as misses / unwritten)."""
        succeeded: list[str] = []

        async def one(node: str, group: T) -> None:
            if self._skipping(node):
                self._skipped()
                return
            try:
                await self._call(lambda: run(node, group))
            except _FAILURES as exc:
                self._on_failure(exc, op, node)
                return
            succeeded.append(node)

        if len(groups) == 1:
            ((node, group),) = groups.items()
            await one(node, group)
        else:
            async with anyio.create_task_group() as tg:
                for node, group in groups.items():
                    tg.start_soon(one, node, group)
        if succeeded:
            self._on_success(succeeded)

    # -- AsyncCacheBackend ---------------------------------------------------------------

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        if self._cluster is not None:
            values = await self._cluster_get_many(keys)
        else:
            misses: list[bytes | None] = [None] * len(keys)

            async def call() -> list[bytes | None]:
                return cast(list[bytes | None], await self._client.mget(list(keys)))

            values = await self._guarded("MGET", call, misses)
        hits = sum(v is not None for v in values)
        self._metrics.hits += hits
        self._metrics.misses += len(keys) - hits
        return values

    async def _cluster_get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        out: list[bytes | None] = [None] * len(keys)
        if self._skipping():
            self._skipped()
            return out
        try:
            groups = await self._by_node(keys)
        except _FAILURES as exc:
            self._on_failure(exc, "MGET")
            return out
        cluster = self._cluster
        assert cluster is not None

        async def fetch(_: str, group: _NodeGroup) -> None:
            pipe = cluster.pipeline()
            batches = list(group.slots.values())
            for idxs in batches:
                pipe.execute_command("MGET", *(keys[i] for i in idxs), target_nodes=group.node)
            results = await pipe.execute()
            for idxs, values in zip(batches, results, strict=True):
                for i, value in zip(idxs, values, strict=True):
                    out[i] = value

        await self._per_node("MGET", groups, fetch)
        return out

    async def set_many(
        self, items: Mapping[str, bytes], *, ttl_s: float | None, tags: Iterable[str] = ()
    ) -> None:
        if not items:
            return
        tag_list = list(dict.fromkeys(tags))
        if ttl_s is not None and ttl_s <= 0:
            await self._guarded("DEL", lambda: self._client.unlink(*items), 0)
            return
        px = None if ttl_s is None else _ms(ttl_s)
        if self._cluster is not None:
            await self._cluster_set_many(items, px, tag_list)
            return

        async def call() -> None:
            pipe = self._client.pipeline(transaction=False)
            for key, value in items.items():
                pipe.set(key, value, px=px)
            for tag in tag_list:
                self._index_tag(pipe, self._tag_key(tag), list(items), px)
            await pipe.execute()
            self._metrics.sets += len(items)

        await self._guarded("SET", call, None)

    @staticmethod
    def _index_tag(pipe: Any, tkey: str, members: list[str], px: int | None) -> None:
        pipe.sadd(tkey, *members)
        if px is not None:
            # NX gives a new index a TTL; GT only ever extends it.
            pipe.pexpire(tkey, px, nx=True)
            pipe.pexpire(tkey, px, gt=True)
        else:
            pipe.persist(tkey)

    async def _cluster_set_many(
        self, items: Mapping[str, bytes], px: int | None, tag_list: list[str]
    ) -> None:
        if self._skipping():
            self._skipped()
            return
        keys = list(items)
        tag_keys = [self._tag_key(tag) for tag in tag_list]
        try:
            groups = await self._by_node([*keys, *tag_keys])
        except _FAILURES as exc:
            self._on_failure(exc, "SET")
            return
        cluster = self._cluster
        assert cluster is not None

        async def write(_: str, group: _NodeGroup) -> None:
            pipe = cluster.pipeline()
            written = 0
            for idxs in group.slots.values():
                for i in idxs:
                    if i < len(keys):
                        pipe.set(keys[i], items[keys[i]], px=px)
                        written += 1
                    else:
                        self._index_tag(pipe, tag_keys[i - len(keys)], keys, px)
            await pipe.execute()
            self._metrics.sets += written

        await self._per_node("SET", groups, write)

    async def delete(self, keys: Sequence[str]) -> int:
        if not keys:
            return 0
        return int(await self._explicit("UNLINK", lambda: self._client.unlink(*keys)))

    async def delete_prefix(self, prefix: str) -> int:
        """Delete every key starting with ``prefix`` (SCAN in pages, never KEYS; on a cluster
        every master is scanned)."""

        async def call() -> int:
            deleted = 0
            batch: list[Any] = []
            async for key in self._client.scan_iter(match=_glob_escape(prefix) + "*", count=1000):
                batch.append(key)
                if len(batch) >= 500:
                    deleted += int(await self._client.unlink(*batch))
                    batch.clear()
            if batch:
                deleted += int(await self._client.unlink(*batch))
            return deleted

        return await self._explicit("SCAN/UNLINK", call)

    async def delete_tags(self, tags: Sequence[str]) -> int:
        """Delete every key written with any of ``tags``, and the tag indexes."""

        async def call() -> int:
            deleted = 0
            for tag in tags:
                tkey = self._tag_key(tag)
                members = list(await self._client.smembers(tkey))
                for start in range(0, len(members), 500):
                    deleted += int(await self._client.unlink(*members[start : start + 500]))
                await self._client.unlink(tkey)
            return deleted

        return await self._explicit("SMEMBERS/UNLINK", call)

    async def ping(self) -> bool:
        """Round-trip to Redis; raises :class:`CacheError` when it is unreachable."""
        return bool(await self._explicit("PING", self._client.ping))

    # -- cross-process stampede lock (short, best effort) --------------------------------

    async def try_lock(self, key: str, token: str, *, ttl_s: float) -> bool | None:
        """``SET lock NX PX``: True if acquired, False if held elsewhere, None if Redis is
        unavailable (callers then proceed without the lock: failing open)."""
        lock = self._lock_key(key)

        async def call() -> bool | None:
            return bool(await self._client.set(lock, token, nx=True, px=_ms(ttl_s)))

        return await self._guarded("LOCK", call, None, key=lock)

    async def extend_lock(self, key: str, token: str, *, ttl_s: float) -> bool | None:
        """Reset the lock's TTL if ``token`` still holds it: True if extended, False if the
        lock was lost (expired, or taken by someone else), None if Redis is unavailable."""
        lock = self._lock_key(key)

        async def call() -> bool | None:
            return bool(await self._extend_script(keys=[lock], args=[token, _ms(ttl_s)]))

        return await self._guarded("EXTEND", call, None, key=lock)

    async def unlock(self, key: str, token: str) -> None:
        """Release the lock if this token still holds it."""
        lock = self._lock_key(key)

        async def call() -> None:
            await self._unlock_script(keys=[lock], args=[token])

        await self._guarded("UNLOCK", call, None, key=lock)

    async def get_many_shared(self, keys: Sequence[str]) -> list[bytes | None]:
        """Same as :meth:`get_many` (Redis is the shared layer)."""
        return await self.get_many(keys)

    # -- invalidation channel (pub/sub) --------------------------------------------------

    async def publish_invalidation(self, payload: bytes) -> None:
        """``PUBLISH <namespace>:invalidate payload``; fails open (logged and counted).  On a
        cluster (where a message reaches the subscribers of every node) the first master
        that answers carries it, so one stopped node does not silence the channel."""
        cluster = self._cluster
        if cluster is None:

            async def call() -> None:
                await self._client.publish(self._channel, payload)

            await self._guarded("PUBLISH", call, None)
            return
        if self._skipping():
            self._skipped()
            return
        try:
            await cluster.initialize()
            masters = cluster.get_primaries()
        except _FAILURES as exc:
            self._on_failure(exc, "PUBLISH")
            return
        for node in masters:
            if self._skipping(node.name):
                continue
            try:
                await self._call(
                    partial(cluster.publish, self._channel, payload, target_nodes=node)
                )
            except _FAILURES as exc:
                self._on_failure(exc, "PUBLISH", node.name)
                continue
            self._on_success((node.name,))
            return
        self._skipped()

    async def listen_invalidations(
        self,
        on_message: Callable[[bytes], Awaitable[None]],
        *,
        on_subscribed: Callable[[], Awaitable[None]],
        task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
    ) -> None:
        """Deliver every payload published on the channel to ``on_message``, until cancelled.

        ``on_subscribed`` runs after every (re)subscription: messages sent while the
        subscription was down are lost, so the caller drops what they might have covered.
        A lost connection (closed, or a PING unanswered within ``timeout_s``) is reopened
        with backoff (``retry_interval_s`` doubling up to 5 s); on a cluster each attempt
        uses the next master, so one stopped node does not silence the channel.
        ``task_status.started()`` is called after the first attempt, successful or not.
        """
        started = False
        attempt = 0
        while True:
            pubsub: PubSub | None = None
            try:
                pubsub = await self._subscribe(attempt)
                await on_subscribed()
                if self._listener_down:
                    self._listener_down = False
                    logger.info("cache: invalidation listener on %s is back", self._where())
                attempt = 0
                if not started:
                    started = True
                    task_status.started()
                await self._pump(pubsub, on_message, on_subscribed)
            except Exception as exc:  # the listener must outlive any failure
                self._metrics.errors += 1
                if not isinstance(exc, _FAILURES):
                    logger.exception("cache: invalidation listener failed; restarting it")
                elif not self._listener_down:
                    self._listener_down = True
                    logger.warning(
                        "cache: invalidation listener on %s lost (%s: %s); reconnecting "
                        "(L1 copies are bounded by their TTL meanwhile)",
                        self._where(),
                        type(exc).__name__,
                        redact(str(exc)),
                    )
            finally:
                if pubsub is not None:
                    await self._close_quietly(pubsub)
            if not started:
                started = True
                task_status.started()
            delay = min(self._retry_interval_s * 2 ** min(attempt, 16), _LISTEN_MAX_BACKOFF_S)
            attempt += 1
            await anyio.sleep(delay)

    async def _subscribe(self, attempt: int) -> PubSub:
        """A pubsub connection subscribed to the channel (confirmed by the server)."""
        if self._cluster is not None:
            await self._cluster.initialize()
            masters = self._cluster.get_primaries()
            pubsub: PubSub = self._cluster.pubsub(node=masters[attempt % len(masters)])
        else:
            pubsub = cast(aioredis.Redis, self._client).pubsub()
        try:
            with anyio.fail_after(self._timeout_s * 2):
                await pubsub.subscribe(self._channel)
                while True:
                    message = await pubsub.get_message(timeout=self._timeout_s)
                    if message is not None and message["type"] == "subscribe":
                        return pubsub
        except BaseException:
            await self._close_quietly(pubsub)
            raise

    async def _close_quietly(self, pubsub: PubSub) -> None:
        with anyio.CancelScope(shield=True), anyio.move_on_after(self._timeout_s):
            try:
                await cast(_AsyncClosable, pubsub).aclose()
            except _FAILURES:
                logger.debug("cache: closing an invalidation subscription failed")

    async def _pump(
        self,
        pubsub: PubSub,
        on_message: Callable[[bytes], Awaitable[None]],
        on_subscribed: Callable[[], Awaitable[None]],
    ) -> None:
        """Read messages until the connection fails (raises).  A ``subscribe`` confirmation
        here means redis-py reconnected and resubscribed by itself: messages may be lost."""
        heard = time.monotonic()
        pinged: float | None = None
        while True:
            message = await pubsub.get_message(timeout=_LISTEN_POLL_S)
            now = time.monotonic()
            if message is not None:
                heard, pinged = now, None
                if message["type"] == "message":
                    await on_message(bytes(message["data"]))
                elif message["type"] == "subscribe":
                    await on_subscribed()
                continue
            if pinged is not None:
                if now - pinged > self._timeout_s + _LISTEN_POLL_S:
                    raise TimeoutError("invalidation subscription did not answer a PING")
            elif now - heard >= _LISTEN_IDLE_PING_S:
                await pubsub.ping()
                pinged = now

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    def stats(self) -> CacheStats:
        return self._metrics.snapshot()
