"""DiskCache: persistence, TTL, the byte budget, checksums and quarantine, degrading to memory,
and several processes writing one file at once."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest

from savantsdk._clock import FakeClock
from savantsdk.cache import Cache, DiskCache, TieredCache, cache_key, default_cache_dir
from savantsdk.exceptions import CacheDegradedWarning, ConfigurationError

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[3]
DAY = cache_key("savant", "statcast", "day", "2024-06-01")


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


async def test_values_survive_a_new_instance(tmp_path: Path) -> None:
    first = DiskCache(tmp_path)
    await first.set_many({DAY: b"payload", "other": b"x"}, ttl_s=None, tags=["d"])
    await first.aclose()
    again = DiskCache(tmp_path)
    try:
        assert await again.get_many([DAY, "other", "absent"]) == [b"payload", b"x", None]
        stats = again.stats()
        assert (stats.layer, stats.hits, stats.misses, stats.entries) == ("disk", 2, 1, 2)
        assert stats.bytes == len(b"payload") + len(DAY) + 1 + len("other")
        assert await again.delete_tags(["d"]) == 2
        assert await again.get_many([DAY]) == [None]
    finally:
        await again.aclose()
    assert again.path == tmp_path / "cache-v1.sqlite3"


async def test_directory_from_env_then_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAVANTSDK_CACHE_DIR", str(tmp_path / "env"))
    assert default_cache_dir() == tmp_path / "env"
    assert DiskCache().path.parent == tmp_path / "env"
    assert DiskCache(tmp_path / "arg").path.parent == tmp_path / "arg"
    with pytest.raises(ConfigurationError):
        DiskCache(tmp_path, max_bytes=0)


async def test_ttl_expiry_and_never_expiring_entries(tmp_path: Path) -> None:
    clock = FakeClock()
    disk = DiskCache(tmp_path, clock=clock)
    try:
        await disk.set_many({"short": b"s"}, ttl_s=10.0)
        await disk.set_many({"final": b"f"}, ttl_s=None)
        clock.advance(9.0)
        assert await disk.get_many(["short", "final"]) == [b"s", b"f"]
        clock.advance(2.0)
        assert await disk.get_many(["short", "final"]) == [None, b"f"]
        assert disk.stats().expirations == 1
        assert _rows(disk.path, "SELECT key FROM entries") == [("final",)]
        clock.advance(20 * 365 * 86_400.0)  # twenty years: a final entry is still there
        assert await disk.get_many(["final"]) == [b"f"]
        await disk.set_many({"final": b"gone"}, ttl_s=0)  # ttl <= 0 deletes
        assert await disk.get_many(["final"]) == [None]
    finally:
        await disk.aclose()


async def test_ttl_per_data_kind_through_the_policy(tmp_path: Path) -> None:
    clock = FakeClock()
    disk = DiskCache(tmp_path, clock=clock)
    async with Cache(disk, clock=clock) as cache:
        feed = cache_key("statsapi", "feed", 745632)
        lines = cache_key("odds_api", "odds", "baseball_mlb")
        await cache.set(feed, {"final": True}, kind="immutable")
        await cache.set(lines, {"price": -110}, kind="lines")
        rows = dict(_rows(disk.path, "SELECT key, expires_at FROM entries"))
        assert rows[feed] is None  # a final feed never expires
        assert rows[lines] == pytest.approx(clock.time() + 30 + 120)  # fresh + stale-on-error
        clock.advance(31)
        assert await cache.get(lines) is None  # stale: not served as fresh
        clock.advance(365 * 86_400.0)
        assert await cache.get(feed) == {"final": True}
    await disk.aclose()


async def test_budget_evicts_least_recently_read(tmp_path: Path) -> None:
    clock = FakeClock()
    disk = DiskCache(tmp_path, max_bytes=20_000, clock=clock)
    try:
        value = b"v" * 990
        for i in range(10):
            clock.advance(1)
            await disk.set_many({f"k{i:03d}": value}, ttl_s=None)
        for i in range(10, 40):
            clock.advance(1)
            assert await disk.get_many(["k000"]) == [value]  # kept in use
            await disk.set_many({f"k{i:03d}": value}, ttl_s=None)
        stats = disk.stats()
        assert stats.bytes <= 20_000
        assert stats.evictions > 0
        assert stats.entries == len(_rows(disk.path, "SELECT key FROM entries"))
        kept = {k for (k,) in _rows(disk.path, "SELECT key FROM entries")}
        assert "k000" in kept  # the oldest write, but read all along: survived
        assert "k001" not in kept  # never read, oldest: evicted
        assert "k039" in kept
        (total,) = _rows(disk.path, "SELECT SUM(size) FROM entries")[0]
        assert total == stats.bytes  # the running total the triggers keep is exact
        await disk.set_many({"huge": b"x" * 30_000}, ttl_s=None)  # bigger than the budget
        assert await disk.get_many(["huge"]) == [None]
    finally:
        await disk.aclose()


async def test_corrupt_value_is_quarantined_and_refetched(tmp_path: Path) -> None:
    disk = DiskCache(tmp_path)
    loads = 0

    async def load() -> dict[str, int]:
        nonlocal loads
        loads += 1
        return {"rows": 7}

    async with Cache(disk) as cache:
        assert await cache.get_or_load(DAY, load, kind="immutable") == {"rows": 7}
        # flip bytes of the stored value behind the cache's back (its checksum stays)
        con = sqlite3.connect(disk.path)
        con.execute(
            "UPDATE entries SET value = CAST(substr(value, 1, length(value) - 2) || 'zz' AS BLOB)"
        )
        con.commit()
        con.close()
        assert await disk.get_many([DAY]) == [None]  # never served
        assert disk.stats().corrupt == 1
        assert _rows(disk.path, "SELECT key, reason FROM quarantine") == [(DAY, "checksum")]
        assert _rows(disk.path, "SELECT COUNT(*) FROM entries") == [(0,)]
        assert await cache.get_or_load(DAY, load, kind="immutable") == {"rows": 7}
        assert loads == 2  # refetched once, then served from disk again
        assert await cache.get_or_load(DAY, load, kind="immutable") == {"rows": 7}
        assert loads == 2
        info = await disk.info()
        assert info.quarantined == 1
    await disk.aclose()


async def test_flipped_bytes_in_the_file_are_never_served(tmp_path: Path) -> None:
    marker = b"STATCAST-ROW-" * 40
    disk = DiskCache(tmp_path)
    await disk.set_many({DAY: marker, "ok": b"fine"}, ttl_s=None)
    await disk.aclose()  # last connection: the WAL is checkpointed into the file
    raw = bytearray(disk.path.read_bytes())
    at = raw.find(marker)
    assert at > 0
    raw[at + 100] ^= 0xFF
    disk.path.write_bytes(bytes(raw))
    again = DiskCache(tmp_path)
    try:
        assert await again.get_many([DAY, "ok"]) == [None, b"fine"]
        assert again.stats().corrupt == 1
        await again.set_many({DAY: marker}, ttl_s=None)  # the refetched value replaces it
        assert await again.get_many([DAY]) == [marker]
    finally:
        await again.aclose()


async def test_unreadable_file_is_moved_aside_and_replaced(tmp_path: Path) -> None:
    disk = DiskCache(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    disk.path.write_bytes(b"this is not a database, just garbage " * 200)
    try:
        assert await disk.get_many([DAY]) == [None]
        await disk.set_many({DAY: b"fresh"}, ttl_s=None)
        assert await disk.get_many([DAY]) == [b"fresh"]
        assert disk.degraded is None
        aside = [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]
        assert len(aside) == 1
        assert disk.stats().corrupt == 1
    finally:
        await disk.aclose()


async def test_unwritable_directory_degrades_to_memory_with_one_warning(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    disk = DiskCache(blocker / "cache")  # cannot be created
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with Cache(disk) as cache:
            for i in range(5):
                await cache.set(cache_key("x", "y", i), {"i": i})
                assert await cache.get(cache_key("x", "y", i)) == {"i": i}
            assert await cache.get_or_load(DAY, _const, kind="immutable") == 1
    assert len([w for w in caught if issubclass(w.category, CacheDegradedWarning)]) == 1
    assert disk.degraded is not None
    assert "cache" in repr(disk)
    assert (await disk.info()).degraded == disk.degraded
    await disk.aclose()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through directory permissions")
async def test_read_only_directory_degrades(tmp_path: Path) -> None:  # pragma: no cover
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        disk = DiskCache(ro)
        with pytest.warns(CacheDegradedWarning):
            await disk.set_many({"k": b"v"}, ttl_s=None)
        assert await disk.get_many(["k"]) == [b"v"]
        await disk.aclose()
    finally:
        ro.chmod(0o755)


async def test_full_disk_degrades_to_memory_and_keeps_old_values_reachable(
    tmp_path: Path,
) -> None:
    disk = DiskCache(tmp_path)
    await disk.set_many({"before": b"b"}, ttl_s=None)

    def fill_up() -> None:  # SQLITE_FULL, as a full file system gives it
        assert disk._conn is not None
        pages = disk._conn.execute("PRAGMA page_count").fetchone()[0]
        disk._conn.execute(f"PRAGMA max_page_count = {pages}")

    await disk._worker.call(fill_up)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await disk.set_many({"big": os.urandom(200_000)}, ttl_s=None)  # never raises
        await disk.set_many({"more": os.urandom(200_000)}, ttl_s=None)
    degraded = [w for w in caught if issubclass(w.category, CacheDegradedWarning)]
    assert len(degraded) == 1
    assert "full" in str(degraded[0].message)
    assert await disk.get_many(["more"]) != [None]  # in memory now
    await disk.aclose()


async def _const() -> int:
    return 1


async def test_tiered_memory_over_disk_fills_memory_from_disk(tmp_path: Path) -> None:
    from savantsdk.cache import MemoryCache

    async with Cache(DiskCache(tmp_path)) as writer:
        await writer.set(DAY, {"rows": 3}, kind="immutable")
    await writer.backend.aclose()
    memory = MemoryCache()
    tiered = TieredCache(memory, DiskCache(tmp_path), broadcast=False)
    async with Cache(tiered) as reader:  # a restarted process: memory empty, disk warm
        assert await reader.get(DAY) == {"rows": 3}
        assert memory.get_one(DAY) is not None  # copied into memory
        assert reader.stats()["disk"].hits == 1
    await tiered.aclose()


WRITER = textwrap.dedent(
    """
    import json, sys, anyio
    from savantsdk.cache import DiskCache

    async def main(directory, name, n):
        disk = DiskCache(directory)
        for i in range(n):
            await disk.set_many({f"{name}:{i}": f"{name}-{i}".encode() * 50,
                                 f"shared:{i}": name.encode() * 50}, ttl_s=None)
            assert (await disk.get_many([f"{name}:{i}"]))[0] is not None
        stats = disk.stats()
        await disk.aclose()
        print(json.dumps({"errors": stats.errors, "sets": stats.sets}))

    anyio.run(main, sys.argv[1], sys.argv[2], int(sys.argv[3]))
    """
)


async def test_two_processes_writing_at_once(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), name, "150"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for name in ("a", "b")
    ]
    outs = [p.communicate(timeout=90) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err.decode()
        assert json.loads(out) == {"errors": 0, "sets": 300}
    disk = DiskCache(tmp_path)
    try:
        keys = [f"{n}:{i}" for n in ("a", "b") for i in range(150)]
        values = await disk.get_many(keys)
        assert values == [f"{k.replace(':', '-')}".encode() * 50 for k in keys]
        shared = await disk.get_many([f"shared:{i}" for i in range(150)])
        assert all(v in (b"a" * 50, b"b" * 50) for v in shared)
        assert disk.stats().entries == 450
        assert disk.stats().corrupt == 0
    finally:
        await disk.aclose()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_gets_its_own_thread_and_connection(tmp_path: Path) -> None:
    import multiprocessing

    import anyio

    disk = DiskCache(tmp_path)

    async def setup() -> None:  # the worker thread and the connection exist before the fork
        await disk.set_many({"parent": b"p"}, ttl_s=None)

    anyio.run(setup)

    def child(conn: Any) -> None:
        async def use() -> list[bytes | None]:
            await disk.set_many({"child": b"c"}, ttl_s=None)
            return await disk.get_many(["parent", "child"])

        conn.send(anyio.run(use))

    ctx = multiprocessing.get_context("fork")
    ours, theirs = ctx.Pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
        proc = ctx.Process(target=child, args=(theirs,))
        proc.start()
    assert ours.poll(30), "the child hung on the parent's worker thread"
    assert ours.recv() == [b"p", b"c"]
    proc.join(10)
    assert proc.exitcode == 0

    async def after() -> list[bytes | None]:  # the parent still works, and sees the write
        try:
            return await disk.get_many(["child"])
        finally:
            await disk.aclose()

    assert anyio.run(after) == [b"c"]
