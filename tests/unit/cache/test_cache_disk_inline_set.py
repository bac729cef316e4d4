"""DiskCache's on-loop write path: a small single-key set is committed from the loop's own
write connection; big values, several keys, a busy file and a write that needs eviction go to
the worker thread, and another process sees the write."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path
from typing import Any

import pytest

from savantsdk.cache import DiskCache, cache_key
from savantsdk.cache._disk_support import INLINE_MAX_BYTES

ROOT = Path(__file__).resolve().parents[3]


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


pytestmark = pytest.mark.anyio

KEY = cache_key("statsapi", "feed", 745633)


async def test_a_small_set_is_written_on_the_loop_and_a_big_one_in_the_worker(
    tmp_path: Path,
) -> None:
    disk = DiskCache(tmp_path)
    small, big = b"s" * INLINE_MAX_BYTES, b"b" * (INLINE_MAX_BYTES + 1)
    try:
        await disk.set_many({"first": b"1"}, ttl_s=None)  # opens the file: worker
        worker = CountingWorker(disk)
        await disk.set_many({"small": small}, ttl_s=None, tags=["t"])
        assert worker.calls == 0
        await disk.set_many({"big": big}, ttl_s=None)
        assert worker.calls == 1
        await disk.set_many({"a": b"a", "b": b"b"}, ttl_s=None)  # several keys: worker
        assert worker.calls == 2
        assert disk.stats().sets == 5
        assert disk.stats().entries == 5
        assert disk._writer is not None
        assert disk._writer.execute("PRAGMA busy_timeout").fetchone() == (0,)
        # CRC stored, tag stored, totals kept by the triggers
        assert _rows(disk.path, "SELECT crc FROM entries WHERE key = 'small'") == [
            (zlib.crc32(small),)
        ]
        assert _rows(disk.path, "SELECT tag, key FROM tags") == [("t", "small")]
        assert await disk.delete_tags(["t"]) == 1
    finally:
        await disk.aclose()
    assert disk._writer is None


async def test_a_locked_file_sends_the_set_to_the_worker(tmp_path: Path) -> None:
    disk = DiskCache(tmp_path, busy_timeout_s=10.0)
    try:
        await disk.set_many({"first": b"1"}, ttl_s=None)
        worker = CountingWorker(disk)
        other = sqlite3.connect(disk.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        assert disk._set_inline({KEY: b"v"}, None, ()) is False
        assert disk._writer is not None
        assert not disk._writer.in_transaction
        other.execute("COMMIT")
        other.close()
        await disk.set_many({KEY: b"v"}, ttl_s=None)  # now free: on the loop
        assert worker.calls == 0
        assert await disk.get_many([KEY]) == [b"v"]
        assert disk.stats().errors == 0
    finally:
        await disk.aclose()


async def test_a_set_past_the_budget_goes_to_the_worker_which_evicts(tmp_path: Path) -> None:
    disk = DiskCache(tmp_path, max_bytes=10_000)
    try:
        await disk.set_many({"k0": b"x" * 1000}, ttl_s=None)
        worker = CountingWorker(disk)
        for i in range(1, 9):
            await disk.set_many({f"k{i}": b"x" * 1000}, ttl_s=None)
        assert worker.calls == 0  # 9 x 1002 bytes fit in 10,000
        await disk.set_many({"k9": b"x" * 1000}, ttl_s=None)
        assert worker.calls == 1  # 10,020 > 10,000: written by the worker, which evicts
        assert disk.stats().evictions >= 1
        assert disk.stats().bytes <= 9_000
        stored = _rows(disk.path, "SELECT value FROM meta WHERE name = 'bytes'")[0][0]
        assert stored == disk.stats().bytes
        assert await disk.get_many(["k9"]) == [b"x" * 1000]
    finally:
        await disk.aclose()


READER = textwrap.dedent(
    """
    import sys, anyio
    from savantsdk.cache import DiskCache

    async def main(where, key):
        disk = DiskCache(where)
        print((await disk.get_many([key]))[0].decode())
        await disk.aclose()

    anyio.run(main, *sys.argv[1:3])
    """
)


async def test_another_process_sees_a_set_written_on_the_loop(tmp_path: Path) -> None:
    disk = DiskCache(tmp_path)
    try:
        await disk.set_many({"first": b"1"}, ttl_s=None)
        worker = CountingWorker(disk)
        await disk.set_many({KEY: b"on-the-loop"}, ttl_s=None)
        assert worker.calls == 0
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}
        done = subprocess.run(
            [sys.executable, "-c", READER, str(tmp_path), KEY],
            capture_output=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        assert done.stdout.decode().strip() == "on-the-loop"
    finally:
        await disk.aclose()
