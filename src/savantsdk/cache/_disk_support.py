"""The disk cache's SQL, its SQLite error classification and its worker thread (the one
thread that owns a :class:`~savantsdk.cache.DiskCache`'s connection).  See ``_disk``."""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import sqlite3
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar
from urllib.parse import unquote

import anyio.to_thread
import attrs
import sniffio

if TYPE_CHECKING:
    import asyncio

__all__ = (
    "DiskCacheInfo",
    "DiskClassInfo",
    "EVICT",
    "GET_INLINE",
    "GET_ONE",
    "INLINE_MAX_BYTES",
    "SCHEMA",
    "UPSERT",
    "DegradeError",
    "Worker",
    "data_class",
    "is_busy",
    "is_corrupt",
    "is_unwritable",
)

T = TypeVar("T")

SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    size INTEGER NOT NULL,
    crc INTEGER NOT NULL,
    expires_at REAL,
    stored_at REAL NOT NULL,
    accessed_at REAL NOT NULL,
    klass TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_accessed ON entries (accessed_at);
CREATE INDEX IF NOT EXISTS entries_expires ON entries (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS tags (
    tag TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (tag, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_key ON tags (key);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta VALUES ('bytes', 0), ('entries', 0);
CREATE TABLE IF NOT EXISTS counters (
    klass TEXT PRIMARY KEY,
    hits INTEGER NOT NULL,
    misses INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quarantine (
    key TEXT NOT NULL,
    klass TEXT NOT NULL,
    reason TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TRIGGER IF NOT EXISTS entries_ins AFTER INSERT ON entries BEGIN
    UPDATE meta SET value = value + NEW.size WHERE name = 'bytes';
    UPDATE meta SET value = value + 1 WHERE name = 'entries';
END;
CREATE TRIGGER IF NOT EXISTS entries_upd AFTER UPDATE OF size ON entries BEGIN
    UPDATE meta SET value = value - OLD.size + NEW.size WHERE name = 'bytes';
END;
CREATE TRIGGER IF NOT EXISTS entries_rewrite AFTER UPDATE OF value ON entries BEGIN
    DELETE FROM tags WHERE key = OLD.key;
END;
CREATE TRIGGER IF NOT EXISTS entries_del AFTER DELETE ON entries BEGIN
    UPDATE meta SET value = value - OLD.size WHERE name = 'bytes';
    UPDATE meta SET value = value - 1 WHERE name = 'entries';
    DELETE FROM tags WHERE key = OLD.key;
END;
"""

UPSERT: Final = (
    "INSERT INTO entries (key, value, size, crc, expires_at, stored_at, accessed_at, klass) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
    "size = excluded.size, crc = excluded.crc, expires_at = excluded.expires_at, "
    "stored_at = excluded.stored_at, accessed_at = excluded.accessed_at"
)
GET_ONE: Final = "SELECT value, crc, expires_at FROM entries WHERE key = ?"
#: A value at most this big is read on the event loop (``DiskCache`` module doc, "Reads").
INLINE_MAX_BYTES: Final = 32 * 1024
# The value only when it is small: SQLite takes a BLOB's length from the record header, so a
# big value's overflow pages are never read here (NULL value, length given: read it off-loop).
GET_INLINE: Final = (
    f"SELECT CASE WHEN length(value) <= {INLINE_MAX_BYTES} THEN value END, crc, expires_at "  # noqa: S608
    "FROM entries WHERE key = ?"
)
# Least recently read first, until the running total covers the excess.
EVICT: Final = (
    "DELETE FROM entries WHERE rowid IN (SELECT rid FROM (SELECT rowid AS rid, size, "
    "SUM(size) OVER (ORDER BY accessed_at, rowid ROWS UNBOUNDED PRECEDING) AS run "
    "FROM entries) WHERE run - size < ?)"
)


@functools.lru_cache(maxsize=4096)
def data_class(key: str) -> str:
    """The data class of a key: its first two parts after ``<namespace>:v<n>``, with ids in
    a path part replaced by ``*`` (``odds_api:/v4/sports/baseball_mlb/events/*/odds``)."""
    parts = key.split(":", 4)
    if len(parts) < 4 or parts[1][:1] != "v":
        return parts[0] if len(parts) > 1 else "other"
    second = parts[3]
    if "%2F" in second:
        segments = unquote(second).split("/")
        second = "/".join(
            "*" if seg.isdigit() or (len(seg) >= 16 and seg.isalnum()) else seg for seg in segments
        )
    return f"{parts[2]}:{second}"[:80]


class DegradeError(Exception):
    """Internal: the directory cannot hold the cache; switch to memory."""


def is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text


def is_busy(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def is_unwritable(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return True
    text = str(exc).lower()
    return any(
        s in text
        for s in ("readonly", "read-only", "disk is full", "disk i/o", "unable to open", "denied")
    )


class Worker:
    """One thread that owns the SQLite connection; calls queue to it (see the module doc)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._start_lock = threading.Lock()
        self.lock = threading.Lock()  # held around every use of the connection

    def _ensure(self) -> None:
        if self._pid != os.getpid():  # a forked child: the parent's thread is not here
            self._pid = os.getpid()
            self._queue = queue.SimpleQueue()
            self._thread = None
            self._start_lock = threading.Lock()
            self.lock = threading.Lock()
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    t = threading.Thread(target=self._loop, name=self._name, daemon=True)
                    t.start()
                    self._thread = t

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            asyncio_loop = sniffio.current_async_library() == "asyncio"
        except sniffio.AsyncLibraryNotFoundError:
            asyncio_loop = False
        if not asyncio_loop:
            if self._pid != os.getpid():
                self._ensure()
            return await anyio.to_thread.run_sync(self._locked, fn, *args)
        # asyncio runs this, so it is imported (the module does not import it for nothing)
        loop = sys.modules["asyncio"].get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._ensure()
        self._queue.put((fn, args, loop, future))
        return await future

    def submit(self, fn: Callable[..., object], *args: Any) -> None:
        """Queue ``fn`` to the thread without waiting for it (nobody is told how it ended)."""
        self._ensure()
        self._queue.put((fn, args, None, None))

    def _locked(self, fn: Callable[..., T], *args: Any) -> T:
        with self.lock:
            return fn(*args)

    def _loop(self) -> None:
        q = self._queue
        while True:
            batch = [q.get()]
            while len(batch) < 256:
                try:
                    batch.append(q.get_nowait())
                except queue.Empty:
                    break
            done: dict[Any, list[tuple[Any, bool, Any]]] = {}
            stop = False
            for item in batch:
                if item is None:
                    stop = True
                    continue
                fn, args, loop, future = item
                try:
                    with self.lock:
                        result, ok = fn(*args), True
                except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
                    result, ok = exc, False
                if loop is not None:  # None: submitted, nobody waits
                    done.setdefault(loop, []).append((future, ok, result))
            for loop, results in done.items():
                with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits
                    loop.call_soon_threadsafe(_deliver, results)
            if stop:
                return

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=5.0)


def _deliver(results: list[tuple[asyncio.Future[Any], bool, Any]]) -> None:
    for future, ok, value in results:
        if future.done():  # the awaiting task was cancelled
            continue
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)


@attrs.frozen(kw_only=True)
class DiskClassInfo:
    """Entries, bytes and the persisted hit counters of one data class."""

    data_class: str
    entries: int
    bytes: int
    hits: int
    misses: int

    @property
    def hit_rate(self) -> float | None:
        """Hits over lookups recorded for this class (None before the first lookup)."""
        total = self.hits + self.misses
        return self.hits / total if total else None


@attrs.frozen(kw_only=True)
class DiskCacheInfo:
    """What ``savantsdk cache info`` reports: where the cache is and what it holds."""

    path: str
    file_bytes: int
    entries: int
    bytes: int
    max_bytes: int
    quarantined: int
    degraded: str | None
    classes: tuple[DiskClassInfo, ...]
