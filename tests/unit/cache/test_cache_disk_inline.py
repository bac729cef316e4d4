"""DiskCache's on-loop read path: a small single-key hit is answered from the loop's own
read connection; everything else (big values, expired or corrupt entries, a busy or locked
file) goes to the worker thread, and another process's writes are always seen."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from savantsdk._clock import FakeClock
from savantsdk.cache import DiskCache, cache_key
from savantsdk.cache._disk_support import INLINE_MAX_BYTES

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[3]
KEY = cache_key("statsapi", "feed", 745632)


class CountingWorker:
    """Wraps a DiskCache's worker and counts the calls it answers."""

    def __init__(self, disk: DiskCache) -> None:
        self.calls = 0
        self._call = disk._worker.call
        disk._worker.call = self.call  # type: ignore[method-assign]

    async def call(self, fn: Any, *args: Any) -> Any:
        self.calls += 1
        return await self._call(fn, *args)


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


async def test_a_small_hit_is_read_on_the_loop_and_a_big_one_in_the_worker(
    tmp_path: Path,
) -> None:
    disk = DiskCache(tmp_path)
    small, big = b"s" * INLINE_MAX_BYTES, b"b" * (INLINE_MAX_BYTES + 1)
    try:
        await disk.set_many({"small": small, "big": big}, ttl_s=None)
        worker = CountingWorker(disk)
        assert await disk.get_many(["small"]) == [small]
        assert await disk.get_many(["absent"]) == [None]  # a miss is answered on the loop too
        assert worker.calls == 0
        assert await disk.get_many(["big"]) == [big]
        assert worker.calls == 1
        assert await disk.get_many(["small", "big"]) == [small, big]  # several keys: worker
        assert worker.calls == 2
        stats = disk.stats()
        assert (stats.hits, stats.misses) == (4, 1)
        # the loop's connection never waits for a lock
        assert disk._reader is not None
        assert disk._reader.execute("PRAGMA busy_timeout").fetchone() == (0,)
    finally:
        await disk.aclose()
    assert disk._reader is None


async def test_a_busy_file_sends_the_get_to_the_worker(tmp_path: Path) -> None:
    disk = DiskCache(tmp_path)
    try:
        await disk.set_many({KEY: b"v"}, ttl_s=None)
        real = disk._reader

        class Busy:
            connection = real.connection if real is not None else None

            def execute(self, *_: Any) -> Any:
                raise sqlite3.OperationalError("database is locked")

        disk._reader = Busy()  # type: ignore[assignment]
        worker = CountingWorker(disk)
        assert await disk.get_many([KEY]) == [b"v"]  # the worker's connection waits and reads
        assert worker.calls == 1
        assert disk.stats().errors == 0
    finally:
        await disk.aclose()


async def test_expired_and_corrupt_entries_met_on_the_loop_are_handled_by_the_worker(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    disk = DiskCache(tmp_path, clock=clock)
    try:
        await disk.set_many({"short": b"s"}, ttl_s=10.0)
        await disk.set_many({KEY: b"payload-bytes"}, ttl_s=None)
        assert await disk.get_many(["short"]) == [b"s"]
        clock.advance(11.0)
        worker = CountingWorker(disk)
        assert await disk.get_many(["short"]) == [None]
        assert worker.calls == 1
        assert disk.stats().expirations == 1
        assert _rows(disk.path, "SELECT key FROM entries") == [(KEY,)]
        con = sqlite3.connect(disk.path)  # flip the value behind the cache's back
        con.execute("UPDATE entries SET value = CAST('payload-bytez' AS BLOB)")
        con.commit()
        con.close()
        assert await disk.get_many([KEY]) == [None]
        assert worker.calls == 2
        assert disk.stats().corrupt == 1
        assert _rows(disk.path, "SELECT key, reason FROM quarantine") == [(KEY, "checksum")]
        assert _rows(disk.path, "SELECT COUNT(*) FROM entries") == [(0,)]
    finally:
        await disk.aclose()


PEER = textwrap.dedent(
    """
    import sys, anyio
    from savantsdk.cache import DiskCache

    async def main(where, op, key, value):
        disk = DiskCache(where)
        if op == "set":
            await disk.set_many({key: value.encode()}, ttl_s=None)
        else:
            await disk.delete([key])
        await disk.aclose()

    anyio.run(main, *sys.argv[1:5])
    """
)


def _peer(where: Path, op: str, key: str, value: str = "") -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}
    done = subprocess.run(
        [sys.executable, "-c", PEER, str(where), op, key, value],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()


async def test_another_process_overwriting_or_deleting_is_seen_by_the_next_loop_read(
    tmp_path: Path,
) -> None:
    disk = DiskCache(tmp_path)
    try:
        await disk.set_many({KEY: b"first"}, ttl_s=None)
        worker = CountingWorker(disk)
        assert await disk.get_many([KEY]) == [b"first"]
        _peer(tmp_path, "set", KEY, "second")
        assert await disk.get_many([KEY]) == [b"second"]
        _peer(tmp_path, "delete", KEY)
        assert await disk.get_many([KEY]) == [None]
        _peer(tmp_path, "set", KEY, "third")
        assert await disk.get_many([KEY]) == [b"third"]
        assert worker.calls == 0  # every one of these was read on the loop
    finally:
        await disk.aclose()


async def test_access_times_read_on_the_loop_reach_the_file(tmp_path: Path) -> None:
    clock = FakeClock()
    disk = DiskCache(tmp_path, clock=clock)
    await disk.set_many({"a": b"1", "b": b"2"}, ttl_s=None)
    stored = clock.time()
    clock.advance(100.0)
    assert await disk.get_many(["a"]) == [b"1"]
    await disk.aclose()  # pending access times are written on close
    assert sorted(_rows(disk.path, "SELECT key, accessed_at FROM entries")) == [
        ("a", stored + 100.0),
        ("b", stored),
    ]
    again = DiskCache(tmp_path)
    try:
        info = await again.info()
        hits = {c.data_class: c.hits for c in info.classes}
        assert sum(hits.values()) == 1
    finally:
        await again.aclose()
