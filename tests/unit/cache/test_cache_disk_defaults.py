"""Which cache each entry point builds: AsyncClient memory, the blocking Client memory -> disk,
the factory's disk kinds, and the settings that move the disk cache."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from savantsdk import AsyncClient, CacheSettings
from savantsdk.cache import (
    DiskCache,
    MemoryCache,
    TieredCache,
    backend_from_settings,
    cache_key,
    key_prefix,
)
from savantsdk.exceptions import ConfigurationError
from savantsdk.sync import Client


def test_async_client_stays_memory_only() -> None:
    client = AsyncClient()
    assert client.cache is not None
    assert type(client.cache.backend) is MemoryCache


def test_blocking_client_defaults_to_memory_over_disk(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("SAVANTSDK_CACHE_DIR", str(tmp_path))
    with Client() as client:
        backend = client.async_client.cache.backend  # type: ignore[union-attr]
        assert isinstance(backend, TieredCache)
        assert isinstance(backend.l1, MemoryCache)
        assert isinstance(backend.l2, DiskCache)
        assert backend.l2.path == tmp_path / "cache-v1.sqlite3"
        client.cache.set(cache_key("t", "x"), {"v": 1}, kind="immutable")
    with Client() as again:  # a new process would see the same: the value is on disk
        assert again.cache.get(cache_key("t", "x")) == {"v": 1}
        assert again.cache.stats()["disk"].hits == 1
    clean_env.setenv("SAVANTSDK_CACHE", "memory")  # the environment still decides
    with Client() as memory_only:
        assert type(memory_only.async_client.cache.backend) is MemoryCache  # type: ignore[union-attr]


@pytest.mark.anyio
async def test_factory_disk_kinds(tmp_path: Path) -> None:
    disk = backend_from_settings(CacheSettings(backend="disk", disk_dir=str(tmp_path / "a")))
    assert isinstance(disk, DiskCache)
    assert disk.path.parent == tmp_path / "a"
    local = backend_from_settings(
        CacheSettings(backend="memory+disk", disk_dir=str(tmp_path), disk_max_bytes=1 << 20)
    )
    assert isinstance(local, TieredCache)
    assert isinstance(local.l2, DiskCache)
    assert local.l2.max_bytes == 1 << 20
    assert not local.broadcasting
    url = "redis://:pw-secret-2@127.0.0.1:6399/0"
    three = backend_from_settings(
        CacheSettings(backend="memory+disk+redis", redis_url=url, disk_dir=str(tmp_path))
    )
    assert isinstance(three, TieredCache)
    assert isinstance(three.l1, MemoryCache)
    assert isinstance(three.l2, TieredCache)
    assert isinstance(three.l2.l1, DiskCache)
    assert "pw-secret-2" not in repr(three)
    for backend in (disk, local, three):
        await backend.aclose()
    with pytest.raises(ConfigurationError, match="redis_url"):
        CacheSettings(backend="memory+disk+redis")


def test_settings_from_the_environment(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("SAVANTSDK_CACHE", "memory+disk")
    clean_env.setenv("SAVANTSDK_CACHE_DIR", str(tmp_path))
    clean_env.setenv("SAVANTSDK_CACHE_DISK_MAX_BYTES", "4096")
    settings = CacheSettings()
    assert (settings.backend, settings.disk_dir, settings.disk_max_bytes) == (
        "memory+disk",
        str(tmp_path),
        4096,
    )
    clean_env.setenv("SAVANTSDK_CACHE", "floppy")
    with pytest.raises(ConfigurationError, match="SAVANTSDK_CACHE"):
        CacheSettings()
    clean_env.setenv("SAVANTSDK_CACHE", "disk")
    clean_env.setenv("SAVANTSDK_CACHE_DISK_MAX_BYTES", "12")
    with pytest.raises(ConfigurationError, match="SAVANTSDK_CACHE_DISK_MAX_BYTES"):
        CacheSettings()


@pytest.mark.redis
@pytest.mark.anyio
async def test_memory_disk_redis_round_trip(redis_url: str, tmp_path: Path) -> None:
    from savantsdk.cache import Cache

    namespace = f"t-{uuid.uuid4().hex[:8]}"
    settings = CacheSettings(
        backend="memory+disk+redis",
        redis_url=redis_url,
        disk_dir=str(tmp_path / "one"),
        namespace=namespace,
    )
    writer = backend_from_settings(settings)
    assert writer is not None
    key = cache_key("statsapi", "feed", 1)
    async with Cache(writer, namespace=namespace) as cache:
        await cache.set(key, {"final": True}, kind="immutable")
    await writer.aclose()
    # another machine: its own memory and disk, the same Redis
    other = backend_from_settings(
        CacheSettings(
            backend="memory+disk+redis",
            redis_url=redis_url,
            disk_dir=str(tmp_path / "two"),
            namespace=namespace,
        )
    )
    assert isinstance(other, TieredCache)
    async with Cache(other, namespace=namespace) as cache:
        assert await cache.get(key) == {"final": True}
        assert cache.stats()["redis"].hits == 1
        peek = DiskCache(tmp_path / "two")  # the second machine's disk holds a copy now
        assert (await peek.get_many([cache.key(key)]))[0] is not None
        assert await cache.invalidate_prefix(key_prefix("statsapi", "feed")) >= 1
        assert (await peek.get_many([cache.key(key)])) == [None]  # gone from every tier
        await peek.aclose()
    await other.aclose()
