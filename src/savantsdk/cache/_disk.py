"""DiskCache: the persistent local backend.  One SQLite file (stdlib), no server.

Where: ``directory`` if given, else ``$SAVANTSDK_CACHE_DIR``, else the platform's user cache
directory (``platformdirs.user_cache_dir("savantsdk")``); the file is
``cache-v<SCHEMA_VERSION>.sqlite3`` there, so a newer layout never reads an older one.

What is stored: the bytes the policy layer hands over (already encoded by the package codec:
JSON, never pickle), with a CRC-32 of the value, an absolute expiry (wall time, so it means
the same in every process; NULL never expires), the time stored and last read, and the key's
*data class* (its first two parts after the version: ``statsapi:feed``, ``savant:statcast``)
for ``savantsdk cache info``.

Safety, several processes at once: WAL journal, ``busy_timeout``, and every write is one
short ``BEGIN IMMEDIATE`` transaction; readers never block writers.  Crash mid-write: the
transaction either lands whole or not at all, and a value whose bytes do not match their
checksum (a torn page, a flipped bit) is never served: it is deleted, recorded in the
``quarantine`` table, counted (``CacheStats.corrupt``) and read as a miss, so the caller
refetches.  A file SQLite cannot read at all ("file is not a database", "malformed") is
renamed aside (``*.corrupt-<time>``) and a fresh one created.  A directory that cannot be
written (read-only, full disk, no permission) turns the backend into an in-memory cache for
the rest of its life, with ONE :class:`~savantsdk.exceptions.CacheDegradedWarning`; no call
ever fails because of the disk.

Budget: ``max_bytes`` counts stored keys and values (a running total kept by triggers in the
same transactions).  A write that pushes it over evicts expired entries, then the least
recently read ones, down to 90% of the budget, in one SQL statement.  Reads record their
access times in memory and write them with the next write transaction (or once 4,096
distinct keys were read, or 60 s after the last such write), so a hit costs no write:
"LRU-ish".

Threads: writes, batches and anything that may wait never run on the event loop.  Under
asyncio each such call is queued to ONE dedicated thread per cache that owns the write
connection and answers through ``call_soon_threadsafe``; calls queued meanwhile run as a
batch per wake-up.  For a small get this hand-over is cheaper than ``loop.run_in_executor``
and ``anyio.to_thread.run_sync`` (``benchmarks/cache.py --details``: ``disk_hop_us``).  Other
anyio backends use ``anyio.to_thread.run_sync``.

Reads on the loop: a one-key get is first tried on the calling thread through a second,
read-only connection with ``busy_timeout`` 0, and answered there only when it is a miss or a
fresh hit of at most ``INLINE_MAX_BYTES`` (32 KiB) whose checksum holds.  The bound on loop
blocking is one indexed ``SELECT`` by primary key that never waits for a lock (SQLITE_BUSY or
"locked" raises at once) and reads at most the B-tree path plus 32 KiB of value pages (the
length of a bigger value comes from its record header, its overflow pages are not read), then
a CRC-32 of at most 32 KiB: 5-15 us when the pages are in SQLite's or the OS's page cache; a
cold read of those few pages from the device is the only slower case.  Everything else goes
to the worker, unchanged: a value over 32 KiB, an expired or corrupt entry (deleted or
quarantined there), any SQLite error (busy, locked, malformed, closed), several keys.  No
value is kept in process: each read is its own SQLite read transaction, so another process's
write, overwrite or delete is seen by the next get (WAL readers see the latest commit).

Writes on the loop: a one-key set of a value of at most ``INLINE_MAX_BYTES`` is first tried
on the calling thread through a third connection (``busy_timeout`` 0, ``synchronous=NORMAL``
so a WAL commit does not fsync, ``wal_autocheckpoint`` 0 so it never checkpoints: the worker
runs a passive checkpoint every 256 such sets, and its own commits checkpoint as before), and
only while the worker's lock is free (taken without waiting, so the worker and the loop never
write at once in this process) and no maintenance is due: not the periodic reap (every 1,000th
write), not the counters flush, at most 32 pending access times (written in the same
transaction), and the cached total plus this entry within the budget.  The transaction is
``BEGIN IMMEDIATE`` (raises at once if another process holds the write lock), one UPSERT (its
triggers keep the totals and drop old tags) with the CRC-32, the tags, a read of the running
total (over the budget: rolled back, and the worker writes it and evicts), the pending access
times and ``COMMIT``: tens of microseconds with no fsync.  Anything else, and any SQLite error
(busy, locked, read-only, full: rolled back), goes to the worker, unchanged, which is also
where an unwritable directory degrades the cache to memory.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
import warnings
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar, cast

from .._clock import SystemClock
from ..exceptions import CacheDegradedWarning, ConfigurationError
from ..typing import Clock
from ._disk_support import (
    EVICT,
    GET_INLINE,
    GET_ONE,
    INLINE_MAX_BYTES,
    SCHEMA,
    UPSERT,
    DegradeError,
    DiskCacheInfo,
    DiskClassInfo,
    Worker,
    data_class,
    is_busy,
    is_corrupt,
    is_unwritable,
)
from ._memory import MemoryCache
from ._metrics import CacheStats, LayerMetrics
from ._protocols import BackendContext

__all__ = (
    "CACHE_DIR_ENV",
    "DEFAULT_DISK_MAX_BYTES",
    "SCHEMA_VERSION",
    "DiskCache",
    "DiskCacheInfo",
    "DiskClassInfo",
    "default_cache_dir",
)

logger = logging.getLogger("savantsdk")
T = TypeVar("T")

#: The environment variable that moves the disk cache (tests point it at a temporary dir).
CACHE_DIR_ENV: Final = "SAVANTSDK_CACHE_DIR"
#: Bumped when the table layout changes; part of the file name.
SCHEMA_VERSION: Final = 1
DEFAULT_DISK_MAX_BYTES: Final = 2 * 1024**3
_EVICT_TO: Final = 0.9
_TOUCH_FLUSH: Final = 4096  # distinct keys read since the last write ...
_TOUCH_FLUSH_S: Final = 60.0  # ... or seconds: then their access times are written
_COUNTER_FLUSH_S: Final = 30.0
_REAP_EVERY: Final = 1000
_BATCH: Final = 500  # keys per IN (...) list
_FALLBACK_MAX_BYTES: Final = 256 * 1024**2
_INLINE_TOUCHES: Final = 32  # access times a set on the loop may write with its own row
_CHECKPOINT_EVERY: Final = 256  # sets on the loop between two checkpoints on the worker


class _OffLoop:
    """``_get_inline``'s answer "the worker answers this get"."""


_OFF_LOOP: Final = _OffLoop()


def default_cache_dir() -> Path:
    """``$SAVANTSDK_CACHE_DIR`` if set, else the platform's user cache directory for
    savantsdk (``~/.cache/savantsdk`` on Linux, ``~/Library/Caches/savantsdk`` on macOS,
    ``%LOCALAPPDATA%\\savantsdk\\Cache`` on Windows)."""
    env = os.environ.get(CACHE_DIR_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("savantsdk", appauthor=False))


class DiskCache(BackendContext):
    """Persistent SQLite byte store with per-entry TTL and a byte budget (see the module doc).

    ``directory``: where the file lives (default: :func:`default_cache_dir`).
    ``max_bytes``: the budget for stored keys and values.  ``busy_timeout_s``: how long a
    call waits for another process's write before failing open (a miss, or a skipped write).
    """

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        *,
        max_bytes: int = DEFAULT_DISK_MAX_BYTES,
        busy_timeout_s: float = 5.0,
        clock: Clock | None = None,
        name: str = "disk",
    ) -> None:
        if max_bytes < 1:
            raise ConfigurationError("max_bytes must be >= 1", setting="max_bytes")
        if not busy_timeout_s >= 0:
            raise ConfigurationError("busy_timeout_s must be >= 0", setting="busy_timeout_s")
        self._dir = Path(directory).expanduser() if directory is not None else default_cache_dir()
        self._path = self._dir / f"cache-v{SCHEMA_VERSION}.sqlite3"
        self._max_bytes = max_bytes
        self._busy_ms = int(busy_timeout_s * 1000)
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._metrics = LayerMetrics(name)
        self._worker = Worker(f"savantsdk-{name}-cache")
        self._conn: sqlite3.Connection | None = None
        self._conn_pid = 0
        # the loop's read connection (small hits, module doc "Reads"); opened by the worker
        self._reader: sqlite3.Cursor | None = None
        self._reader_pid = 0
        self._reader_lock = threading.Lock()
        # the loop's write connection (small sets, module doc "Writes on the loop"); opened
        # by the worker, used only while holding the worker's lock
        self._writer: sqlite3.Connection | None = None
        self._writer_pid = 0
        self._inline_writes = 0
        # guards _touched, _counts and the hit/miss metrics (loop thread and worker)
        self._stats_lock = threading.Lock()
        self._fallback: MemoryCache | None = None
        self._degraded: str | None = None
        self._warned = False
        self._closed = False
        self._bytes = 0
        self._entries = 0
        self._touched: dict[str, float] = {}
        self._counts: dict[str, list[int]] = {}  # class -> [hits, misses] not yet persisted
        self._counts_flushed_at = time.monotonic()
        self._writes = 0
        self._flush_queued = False
        self._touched_flushed_at = time.monotonic()

    def __repr__(self) -> str:
        state = f", degraded={self._degraded!r}" if self._degraded else ""
        return f"DiskCache(path={str(self._path)!r}, max_bytes={self._max_bytes}{state})"

    @property
    def path(self) -> Path:
        """The SQLite file."""
        return self._path

    @property
    def max_bytes(self) -> int:
        """The byte budget of stored keys and values."""
        return self._max_bytes

    @property
    def degraded(self) -> str | None:
        """Why this cache fell back to memory (None while it is on disk)."""
        return self._degraded

    # -- connection (worker thread) ------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self._conn is not None:
            if self._conn_pid == os.getpid():
                return self._conn
            self._conn = None  # inherited through fork: never used (nor closed) here
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            conn = self._connect()
        except sqlite3.DatabaseError as exc:
            if is_busy(exc):
                raise  # another process holds the write lock: fail open, try again later
            if not is_corrupt(exc):
                raise DegradeError(f"{type(exc).__name__}: {exc}") from exc
            self._quarantine_file(str(exc))
            try:
                conn = self._connect()
            except (sqlite3.Error, OSError) as again:
                raise DegradeError(f"{type(again).__name__}: {again}") from again
        except OSError as exc:
            raise DegradeError(f"{type(exc).__name__}: {exc}") from exc
        self._conn = conn
        self._conn_pid = os.getpid()
        self._refresh_totals(conn)
        self._open_reader()
        self._open_writer()
        return conn

    def _open_reader(self) -> None:
        """The read connection the event loop uses for small hits: never waits for a lock
        (``busy_timeout`` 0: a busy or locked file sends the get to the worker instead)."""
        self._close_reader()
        try:
            reader = sqlite3.connect(
                self._path, timeout=0, isolation_level=None, check_same_thread=False
            )
        except (sqlite3.Error, OSError):
            return  # every get goes through the worker, as before
        try:
            reader.execute("PRAGMA busy_timeout = 0")
            reader.execute("PRAGMA query_only = 1")
        except sqlite3.Error:
            reader.close()
            return
        self._reader_pid = os.getpid()
        self._reader = reader.cursor()  # one cursor, reused: cheaper than execute's new one

    def _open_writer(self) -> None:
        """The write connection the event loop uses for small sets (worker thread, holding
        the worker's lock): ``busy_timeout`` 0 (another process's write lock sends the set
        to the worker) and no automatic checkpoint (the worker's connection checkpoints)."""
        self._close_writer()
        try:
            writer = sqlite3.connect(
                self._path, timeout=0, isolation_level=None, check_same_thread=False
            )
        except (sqlite3.Error, OSError):
            return  # every set goes through the worker, as before
        try:
            writer.execute("PRAGMA busy_timeout = 0")
            writer.execute("PRAGMA synchronous = NORMAL")  # WAL: a commit does not fsync
            writer.execute("PRAGMA wal_autocheckpoint = 0")
        except sqlite3.Error:
            writer.close()
            return
        self._writer_pid = os.getpid()
        self._writer = writer

    def _close_writer(self) -> None:
        # the worker's lock is held (every caller runs in the worker): the loop is not in it
        writer, self._writer = self._writer, None
        if writer is not None and self._writer_pid == os.getpid():
            with contextlib.suppress(sqlite3.Error):
                writer.close()

    def _close_reader(self) -> None:
        with self._reader_lock:  # the loop holds it for one SELECT at most
            reader, self._reader = self._reader, None
            if reader is not None and self._reader_pid == os.getpid():
                with contextlib.suppress(sqlite3.Error):
                    reader.connection.close()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self._path, timeout=self._busy_ms / 1000, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")  # only takes on a new file
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode is None or str(mode[0]).lower() != "wal":
                raise DegradeError(f"WAL journal unavailable ({mode})")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.executescript(f"BEGIN IMMEDIATE;\n{SCHEMA}\nCOMMIT;")
        except BaseException:
            conn.close()
            raise
        return conn

    def _quarantine_file(self, reason: str) -> None:
        """Move an unreadable file (and its WAL) aside; a fresh one replaces it."""
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
        self._close_reader()
        self._close_writer()
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{self._path}{suffix}")
            if src.exists():
                try:
                    src.rename(f"{self._path}.corrupt-{stamp}{suffix}")
                except OSError:
                    src.unlink(missing_ok=True)
        self._metrics.corrupt += 1
        logger.warning(
            "cache: %s is unreadable (%s); moved aside, starting empty", self._path, reason
        )

    def _refresh_totals(self, conn: sqlite3.Connection) -> None:
        rows = dict(conn.execute("SELECT name, value FROM meta").fetchall())
        self._bytes = int(rows.get("bytes", 0))
        self._entries = int(rows.get("entries", 0))

    def _run(self, op: Callable[[sqlite3.Connection], T], *, write: bool) -> T:
        """Run ``op`` on the connection (worker thread), surviving a corrupt file once."""
        for attempt in (0, 1):
            conn = self._open()
            try:
                return op(conn)
            except sqlite3.DatabaseError as exc:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                if is_corrupt(exc) and attempt == 0:
                    self._quarantine_file(str(exc))
                    continue
                if write and is_unwritable(exc):
                    raise DegradeError(f"{type(exc).__name__}: {exc}") from exc
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    # -- degrade to memory ---------------------------------------------------------------

    def _degrade(self, reason: str) -> MemoryCache:
        if self._fallback is None:
            self._degraded = reason
            self._fallback = MemoryCache(
                max_bytes=min(self._max_bytes, _FALLBACK_MAX_BYTES),
                clock=self._clock,
                name=f"{self._metrics.layer}(memory)",
            )
            logger.warning("cache: disk cache at %s unusable (%s); using memory", self._dir, reason)
        if not self._warned:
            self._warned = True
            # warnings turned into errors (-W error) still never fail a call
            with contextlib.suppress(Warning):
                warnings.warn(
                    f"the disk cache at {self._dir} cannot be used ({reason}); caching in "
                    "memory for the rest of this process",
                    CacheDegradedWarning,
                    stacklevel=4,
                )
        return self._fallback

    async def _call(self, fn: Callable[..., T], *args: Any, write: bool) -> T | None:
        """Run ``fn`` in the worker; None when it failed (counted) or the disk degraded."""
        try:
            return await self._worker.call(fn, *args)
        except DegradeError as exc:
            self._degrade(str(exc))
        except (sqlite3.Error, OSError) as exc:  # busy past the timeout, ...: fail open
            self._metrics.errors += 1
            logger.warning(
                "cache: disk %s failed (%s: %s); failing open",
                "write" if write else "read",
                type(exc).__name__,
                exc,
            )
        return None

    # -- reads ---------------------------------------------------------------------------

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        fallback = self._fallback
        if fallback is None and not self._closed:
            if len(keys) == 1:
                value = self._get_inline(keys[0])
                if not isinstance(value, _OffLoop):
                    return [value]
            found = await self._call(self._get_sync, list(keys), write=False)
            if found is not None:
                return found
            fallback = self._fallback
            if fallback is None:
                self._metrics.misses += len(keys)
                return [None] * len(keys)
        if fallback is None:
            return [None] * len(keys)
        values = await fallback.get_many(keys)
        hits = sum(v is not None for v in values)
        self._metrics.hits += hits
        self._metrics.misses += len(values) - hits
        return values

    def _get_inline(self, key: str) -> bytes | _OffLoop | None:
        """One small get answered on the calling (event loop) thread, or ``_OFF_LOOP`` when
        the worker must answer it: no read connection yet, a value over
        ``INLINE_MAX_BYTES``, an expired or corrupt entry (the worker deletes or quarantines
        it), or any SQLite error (busy, locked, malformed: the worker waits or recovers)."""
        reader = self._reader
        if reader is None or self._reader_pid != os.getpid():
            return _OFF_LOOP
        if not self._reader_lock.acquire(blocking=False):
            return _OFF_LOOP  # another thread is reading (or the worker is closing it)
        try:  # closed meanwhile by the worker: ProgrammingError, a sqlite3.Error
            row = reader.execute(GET_INLINE, (key,)).fetchone()
        except sqlite3.Error:
            return _OFF_LOOP
        finally:
            self._reader_lock.release()
        now = self._clock.time()
        if row is not None:
            value, crc, expires_at = cast(tuple[bytes | None, int, float | None], row)
            if not isinstance(value, bytes) or zlib.crc32(value) != crc:
                return _OFF_LOOP  # too big for the loop (NULL), or a checksum mismatch
            if expires_at is not None and expires_at <= now:
                return _OFF_LOOP
        flush = False
        with self._stats_lock:
            counts = self._counts.setdefault(data_class(key), [0, 0])
            if row is None:
                self._metrics.misses += 1
                counts[1] += 1
                return None
            self._metrics.hits += 1
            counts[0] += 1
            self._touched[key] = now
            flush = not self._flush_queued and (
                len(self._touched) >= _TOUCH_FLUSH
                or time.monotonic() - self._touched_flushed_at >= _TOUCH_FLUSH_S
            )
            self._flush_queued = self._flush_queued or flush
        if flush:  # the access times go to disk on the worker; this get does not wait
            self._worker.submit(self._flush_sync, now)
        return value

    def _flush_sync(self, now: float) -> None:
        self._flush_queued = False
        with contextlib.suppress(DegradeError, sqlite3.Error, OSError):
            self._run(lambda c: self._maintain(c, [], [], now), write=True)

    def _get_sync(self, keys: list[str]) -> list[bytes | None]:
        now = self._clock.time()
        rows: dict[str, tuple[object, int, float | None]] = {}

        def read(conn: sqlite3.Connection) -> None:
            if len(keys) == 1:  # the common case: one statement, one row
                row = conn.execute(GET_ONE, keys).fetchone()
                if row is not None:
                    rows[keys[0]] = row
                return
            for i in range(0, len(keys), _BATCH):
                chunk = keys[i : i + _BATCH]
                marks = ",".join("?" * len(chunk))
                for key, value, crc, expires_at in conn.execute(
                    f"SELECT key, value, crc, expires_at FROM entries WHERE key IN ({marks})",  # noqa: S608
                    chunk,
                ):
                    rows[key] = (value, crc, expires_at)

        self._run(read, write=False)
        out: list[bytes | None] = []
        expired: list[str] = []
        corrupt: list[str] = []
        m = self._metrics
        for key in keys:
            row = rows.get(key)
            if row is None:
                value = None
            elif row[2] is not None and row[2] <= now:
                expired.append(key)
                value = None
            elif not isinstance(row[0], bytes) or zlib.crc32(row[0]) != row[1]:
                corrupt.append(key)
                value = None
            else:
                value = row[0]
            out.append(value)
        with self._stats_lock:
            for key, value in zip(keys, out, strict=True):
                counts = self._counts.setdefault(data_class(key), [0, 0])
                if value is None:
                    m.misses += 1
                    counts[1] += 1
                else:
                    m.hits += 1
                    counts[0] += 1
                    self._touched[key] = now
            touched = len(self._touched)
        if (
            expired
            or corrupt
            or touched >= _TOUCH_FLUSH
            or (touched and time.monotonic() - self._touched_flushed_at >= _TOUCH_FLUSH_S)
        ):
            m.expirations += len(expired)
            m.corrupt += len(corrupt)
            if corrupt:
                logger.warning(
                    "cache: %d disk entr%s failed the checksum; quarantined (refetched on use)",
                    len(corrupt),
                    "y" if len(corrupt) == 1 else "ies",
                )
            # a read still answers if this fails; the next write tries again
            with contextlib.suppress(DegradeError, sqlite3.Error):
                self._run(lambda c: self._maintain(c, expired, corrupt, now), write=True)
        return out

    def _maintain(
        self, conn: sqlite3.Connection, expired: list[str], corrupt: list[str], now: float
    ) -> None:
        conn.execute("BEGIN IMMEDIATE")
        if expired:
            conn.executemany(
                "DELETE FROM entries WHERE key = ? AND expires_at <= ?",
                [(k, now) for k in expired],
            )
        if corrupt:
            conn.executemany(
                "INSERT INTO quarantine (key, klass, reason, at) VALUES (?, ?, 'checksum', ?)",
                [(k, data_class(k), now) for k in corrupt],
            )
            conn.executemany("DELETE FROM entries WHERE key = ?", [(k,) for k in corrupt])
        self._flush_touches(conn)
        self._refresh_totals(conn)
        conn.execute("COMMIT")

    def _flush_touches(self, conn: sqlite3.Connection) -> None:
        with self._stats_lock:
            touched, self._touched = self._touched, {}
            self._touched_flushed_at = time.monotonic()
        if touched:
            conn.executemany(
                "UPDATE entries SET accessed_at = ? WHERE key = ?",
                [(at, k) for k, at in touched.items()],
            )
        if self._counts and time.monotonic() - self._counts_flushed_at >= _COUNTER_FLUSH_S:
            self._flush_counts(conn)

    def _flush_counts(self, conn: sqlite3.Connection) -> None:
        with self._stats_lock:
            counts, self._counts = self._counts, {}
        self._counts_flushed_at = time.monotonic()
        conn.executemany(
            "INSERT INTO counters (klass, hits, misses) VALUES (?, ?, ?) ON CONFLICT (klass) "
            "DO UPDATE SET hits = hits + excluded.hits, misses = misses + excluded.misses",
            [(k, h, m) for k, (h, m) in counts.items() if h or m],
        )

    # -- writes --------------------------------------------------------------------------

    async def set_many(
        self, items: Mapping[str, bytes], *, ttl_s: float | None, tags: Iterable[str] = ()
    ) -> None:
        if not items:
            return
        if self._fallback is None and not self._closed:
            if len(items) == 1 and self._set_inline(items, ttl_s, tags):
                return
            done = await self._call(
                self._set_sync, dict(items), ttl_s, tuple(dict.fromkeys(tags)), write=True
            )
            if done is not None or self._fallback is None:
                return
        if self._fallback is not None:
            await self._fallback.set_many(items, ttl_s=ttl_s, tags=tags)
            self._metrics.sets += len(items)

    def _set_inline(
        self, items: Mapping[str, bytes], ttl_s: float | None, tags: Iterable[str]
    ) -> bool:
        """One small set written on the calling (event loop) thread; False when the worker
        must write it: no loop connection yet, a value over ``INLINE_MAX_BYTES``, a TTL <= 0,
        maintenance due (the periodic reap, the counters, more than ``_INLINE_TOUCHES``
        access times), the worker busy, any SQLite error (busy, locked, read-only, full), or
        a write that would take the file past its budget (rolled back; the worker evicts)."""
        writer = self._writer
        if writer is None or self._writer_pid != os.getpid():
            return False
        ((key, value),) = items.items()
        if len(value) > INLINE_MAX_BYTES or (ttl_s is not None and ttl_s <= 0):
            return False
        size = len(value) + len(key.encode())
        if (
            (self._writes + 1) % _REAP_EVERY == 1
            or self._bytes + size > self._max_bytes
            or len(self._touched) > _INLINE_TOUCHES
            or (self._counts and time.monotonic() - self._counts_flushed_at >= _COUNTER_FLUSH_S)
        ):
            return False
        lock = self._worker.lock
        if not lock.acquire(blocking=False):
            return False  # the worker is running something: queue behind it
        try:
            if self._writer is not writer:
                return False  # closed or reopened meanwhile
            now = self._clock.time()
            expires_at = None if ttl_s is None else now + ttl_s
            row = (key, value, size, zlib.crc32(value), expires_at, now, now, data_class(key))
            try:
                writer.execute("BEGIN IMMEDIATE")
                writer.execute(UPSERT, row)
                wanted = tuple(dict.fromkeys(tags))
                if wanted:
                    writer.executemany(
                        "INSERT OR IGNORE INTO tags (tag, key) VALUES (?, ?)",
                        [(t, key) for t in wanted],
                    )
                total = writer.execute("SELECT value FROM meta WHERE name = 'bytes'").fetchone()
                if total is None or int(total[0]) > self._max_bytes:
                    writer.execute("ROLLBACK")
                    return False  # over budget: the worker writes it and evicts
                self._flush_touches(writer)
                self._refresh_totals(writer)
                writer.execute("COMMIT")
            except sqlite3.Error:
                if writer.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        writer.execute("ROLLBACK")
                return False
            self._writes += 1
            self._inline_writes += 1
            self._metrics.sets += 1
        finally:
            lock.release()
        if self._inline_writes % _CHECKPOINT_EVERY == 0:
            self._worker.submit(self._checkpoint_sync)
        return True

    def _checkpoint_sync(self) -> None:
        """Copy the WAL back into the file on the worker (the loop's connection never does)."""
        conn = self._conn
        if conn is not None and self._conn_pid == os.getpid():
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _set_sync(
        self, items: dict[str, bytes], ttl_s: float | None, tags: tuple[str, ...]
    ) -> bool:
        now = self._clock.time()
        if ttl_s is not None and ttl_s <= 0:
            self._run(lambda c: self._delete_in(c, list(items)), write=True)
            return True
        expires_at = None if ttl_s is None else now + ttl_s
        rows = []
        for key, value in items.items():
            size = len(value) + len(key.encode())
            if size > self._max_bytes:
                continue
            rows.append(
                (key, value, size, zlib.crc32(value), expires_at, now, now, data_class(key))
            )

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(UPSERT, rows)  # an overwrite drops the old tags (trigger)
            if tags:
                conn.executemany(
                    "INSERT OR IGNORE INTO tags (tag, key) VALUES (?, ?)",
                    [(t, r[0]) for r in rows for t in tags],
                )
            self._flush_touches(conn)
            self._refresh_totals(conn)
            self._writes += 1
            if self._bytes > self._max_bytes or self._writes % _REAP_EVERY == 1:
                self._reap(conn, now)
            conn.execute("COMMIT")

        self._run(write, write=True)
        self._metrics.sets += len(rows)
        return True

    def _reap(self, conn: sqlite3.Connection, now: float) -> None:
        """Drop expired entries, then the least recently read ones past the budget."""
        gone = conn.execute(
            "DELETE FROM entries WHERE expires_at IS NOT NULL AND expires_at <= ?", (now,)
        ).rowcount
        self._metrics.expirations += max(gone, 0)
        self._refresh_totals(conn)
        if self._bytes > self._max_bytes:
            excess = self._bytes - int(self._max_bytes * _EVICT_TO)
            evicted = conn.execute(EVICT, (excess,)).rowcount
            self._metrics.evictions += max(evicted, 0)
            self._refresh_totals(conn)

    def _delete_in(self, conn: sqlite3.Connection, keys: list[str]) -> int:
        conn.execute("BEGIN IMMEDIATE")
        n = 0
        for i in range(0, len(keys), _BATCH):
            chunk = keys[i : i + _BATCH]
            marks = ",".join("?" * len(chunk))
            n += conn.execute(f"DELETE FROM entries WHERE key IN ({marks})", chunk).rowcount  # noqa: S608
        self._refresh_totals(conn)
        conn.execute("COMMIT")
        return n

    # -- invalidation --------------------------------------------------------------------

    async def _invalidate(self, fn: Callable[[sqlite3.Connection], int], memory: Any) -> int:
        if self._fallback is None and not self._closed:
            n = await self._call(lambda: self._run(fn, write=True), write=True)
            if n is not None or self._fallback is None:
                return n or 0
        return int(await memory(self._fallback)) if self._fallback is not None else 0

    async def delete(self, keys: Sequence[str]) -> int:
        wanted = list(keys)
        return await self._invalidate(
            lambda c: self._delete_in(c, wanted), lambda fb: fb.delete(wanted)
        )

    async def delete_prefix(self, prefix: str) -> int:
        def run(conn: sqlite3.Connection) -> int:
            conn.execute("BEGIN IMMEDIATE")
            if prefix:
                upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
                n = conn.execute(
                    "DELETE FROM entries WHERE key >= ? AND key < ?", (prefix, upper)
                ).rowcount
            else:
                n = conn.execute("DELETE FROM entries").rowcount
            self._refresh_totals(conn)
            conn.execute("COMMIT")
            return int(n)

        return await self._invalidate(run, lambda fb: fb.delete_prefix(prefix))

    async def delete_tags(self, tags: Sequence[str]) -> int:
        wanted = list(tags)

        def run(conn: sqlite3.Connection) -> int:
            if not wanted:
                return 0
            conn.execute("BEGIN IMMEDIATE")
            marks = ",".join("?" * len(wanted))
            n = conn.execute(
                f"DELETE FROM entries WHERE key IN (SELECT key FROM tags WHERE tag IN ({marks}))",  # noqa: S608
                wanted,
            ).rowcount
            self._refresh_totals(conn)
            conn.execute("COMMIT")
            return int(n)

        return await self._invalidate(run, lambda fb: fb.delete_tags(wanted))

    async def clear(self, *, older_than_s: float | None = None) -> int:
        """Delete every entry (or those stored more than ``older_than_s`` ago) and give the
        freed pages back to the file system; returns how many were deleted."""
        if older_than_s is not None and not older_than_s >= 0:
            raise ConfigurationError("older_than_s must be >= 0", setting="older_than_s")
        cutoff = None if older_than_s is None else self._clock.time() - older_than_s

        def run(conn: sqlite3.Connection) -> int:
            conn.execute("BEGIN IMMEDIATE")
            if cutoff is None:
                n = conn.execute("DELETE FROM entries").rowcount
                conn.execute("DELETE FROM quarantine")
            else:
                n = conn.execute("DELETE FROM entries WHERE stored_at < ?", (cutoff,)).rowcount
            self._refresh_totals(conn)
            conn.execute("COMMIT")
            conn.execute("PRAGMA incremental_vacuum")
            return int(n)

        if self._fallback is not None:
            before = len(self._fallback)
            if cutoff is None:
                self._fallback.clear()
            return before - len(self._fallback)
        return await self._invalidate(run, lambda fb: fb.delete_prefix(""))

    # -- info, stats, close --------------------------------------------------------------

    async def info(self) -> DiskCacheInfo:
        """Size, entries and the persisted hit counters by data class (``cache info``)."""
        found = await self._call(self._info_sync, write=False)
        if found is not None:
            return found
        return DiskCacheInfo(
            path=str(self._path),
            file_bytes=0,
            entries=len(self._fallback) if self._fallback is not None else 0,
            bytes=self._fallback.size_bytes if self._fallback is not None else 0,
            max_bytes=self._max_bytes,
            quarantined=0,
            degraded=self._degraded,
            classes=(),
        )

    def _info_sync(self) -> DiskCacheInfo:
        def run(conn: sqlite3.Connection) -> DiskCacheInfo:
            if self._counts:
                conn.execute("BEGIN IMMEDIATE")
                self._flush_counts(conn)
                conn.execute("COMMIT")
            self._refresh_totals(conn)
            sizes = {
                k: (int(n), int(b))
                for k, n, b in conn.execute(
                    "SELECT klass, COUNT(*), SUM(size) FROM entries GROUP BY klass"
                )
            }
            counts = {k: (int(h), int(m)) for k, h, m in conn.execute("SELECT * FROM counters")}
            quarantined = int(conn.execute("SELECT COUNT(*) FROM quarantine").fetchone()[0])
            classes = tuple(
                DiskClassInfo(
                    data_class=k,
                    entries=sizes.get(k, (0, 0))[0],
                    bytes=sizes.get(k, (0, 0))[1],
                    hits=counts.get(k, (0, 0))[0],
                    misses=counts.get(k, (0, 0))[1],
                )
                for k in sorted(set(sizes) | set(counts))
            )
            file_bytes = sum(
                p.stat().st_size
                for p in (Path(f"{self._path}{s}") for s in ("", "-wal"))
                if p.exists()
            )
            return DiskCacheInfo(
                path=str(self._path),
                file_bytes=file_bytes,
                entries=self._entries,
                bytes=self._bytes,
                max_bytes=self._max_bytes,
                quarantined=quarantined,
                degraded=self._degraded,
                classes=classes,
            )

        return self._run(run, write=False)

    def stats(self) -> CacheStats:
        if self._fallback is not None:
            return self._metrics.snapshot(
                bytes_=self._fallback.size_bytes, entries=len(self._fallback)
            )
        return self._metrics.snapshot(bytes_=self._bytes, entries=self._entries)

    def _close_sync(self) -> None:
        self._close_reader()
        self._close_writer()
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if self._touched or self._counts:
                conn.execute("BEGIN IMMEDIATE")
                self._flush_touches(conn)
                self._flush_counts(conn)
                conn.execute("COMMIT")
        except sqlite3.Error:
            pass
        finally:
            conn.close()

    async def aclose(self) -> None:
        """Write the pending access times and counters, close the file, stop the thread."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._conn is not None:
                await self._worker.call(self._close_sync)
        except (sqlite3.Error, OSError):
            pass
        finally:
            self._worker.stop()
            if self._fallback is not None:
                self._fallback.clear()
