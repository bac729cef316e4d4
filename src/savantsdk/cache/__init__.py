"""savantsdk's cache: byte backends (memory, disk, Redis, tiered) under one typed policy front.

Imports only the bottom layer (``exceptions``, ``_config``, ``typing``, ``_clock``,
``_redact``); the sources and the client build on it.

See ``docs/caching.md``.  Backends move bytes; :class:`Cache` holds serialization, TTLs by
data kind, single-flight loading (across processes too, with ``lock_ttl_s``),
stale-while-revalidate and stale-on-error; a ``TieredCache`` over Redis keeps every process's
L1 in step through pub/sub invalidations.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING, Any as _Any

from ._codec import DEFAULT_COMPRESS_MIN_BYTES as DEFAULT_COMPRESS_MIN_BYTES
from ._disk import (
    DiskCache as DiskCache,
    DiskCacheInfo as DiskCacheInfo,
    DiskClassInfo as DiskClassInfo,
    default_cache_dir as default_cache_dir,
)
from ._factory import backend_from_settings as backend_from_settings
from ._keys import (
    KEY_SCHEMA_VERSION as KEY_SCHEMA_VERSION,
    cache_key as cache_key,
    key_prefix as key_prefix,
)
from ._memory import MemoryCache as MemoryCache
from ._metrics import CacheStats as CacheStats
from ._policy import Cache as Cache
from ._protocols import (
    InvalidatingBackend as InvalidatingBackend,
    LockingBackend as LockingBackend,
)
from ._tiered import TieredCache as TieredCache
from ._ttl import DEFAULT_TTLS as DEFAULT_TTLS, Ttl as Ttl, TtlPolicy as TtlPolicy

if _TYPE_CHECKING:
    from ._redis import RedisCache as RedisCache

__all__ = (
    "Cache",
    "CacheStats",
    "DEFAULT_COMPRESS_MIN_BYTES",
    "DEFAULT_TTLS",
    "DiskCache",
    "DiskCacheInfo",
    "DiskClassInfo",
    "InvalidatingBackend",
    "KEY_SCHEMA_VERSION",
    "LockingBackend",
    "MemoryCache",
    "RedisCache",
    "TieredCache",
    "Ttl",
    "TtlPolicy",
    "backend_from_settings",
    "cache_key",
    "default_cache_dir",
    "key_prefix",
)


def __getattr__(name: str) -> _Any:
    # RedisCache loads redis-py, which an in-memory or offline user never needs.
    if name == "RedisCache":
        from ._redis import RedisCache

        globals()[name] = RedisCache
        return RedisCache
    raise AttributeError(f"module 'savantsdk.cache' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"RedisCache"})
