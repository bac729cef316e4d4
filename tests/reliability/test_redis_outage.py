"""Redis stopped in the middle of a Statcast cycle and restarted later: the client's users see
no failure, and the same client (never rebuilt) writes to Redis again once it is back.

Starts its own redis-server on a free port (the shared one must not be killed).  The client's
clock runs 20x fast, so ``RedisCache``'s 1 s reconnect interval and the tiered L1's 5 s TTL
pass in 1/20 of the time; Redis and HTTP I/O are real.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis.asyncio as aioredis
from reliability_support import FastClock

from redis_server_support import RedisProcess
from savantsdk import AsyncClient, CacheSettings
from savantsdk.sources import StatcastResult
from savantsdk.testing import FakeUpstream, SimulatedLeague

pytestmark = [pytest.mark.anyio, pytest.mark.redis]

DAYS = 3


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeUpstream]:
    with FakeUpstream(SimulatedLeague(seed=2, days=DAYS + 1)) as server:
        server.warm()
        yield server


async def redis_day_keys(url: str) -> list[bytes]:
    raw = aioredis.Redis.from_url(url)
    try:
        return [k async for k in raw.scan_iter(match="*:statcast:day:*")]
    finally:
        await raw.aclose()


def cache_errors(client: AsyncClient) -> int:
    assert client.cache is not None
    return sum(s.errors for name, s in client.cache.stats().items() if name != "policy")


@pytest.mark.parametrize("backend", ["redis", "tiered"])
async def test_a_statcast_cycle_survives_redis_dying_and_the_client_recovers(
    own_redis: RedisProcess, fake: FakeUpstream, fast_clock: FastClock, backend: str
) -> None:
    first, last = fake.league.dates[0], fake.league.dates[DAYS - 1]
    days = tuple(fake.league.dates[:DAYS])
    async with AsyncClient(base_urls=fake.base_urls, cache=None) as reference:
        truth = await reference.savant.statcast(first, last, progress=False)
    assert truth.errors == {}
    assert truth.table.rows > 0

    def same_as_truth(result: StatcastResult) -> None:
        assert result.errors == {}  # no day failed
        assert result.days == days
        assert result.table.rows == truth.table.rows
        for name in ("game_pk", "pitcher", "batter", "pitch_number"):
            assert result.table.column(name).to_list() == truth.table.column(name).to_list()

    settings = CacheSettings(backend=backend, redis_url=own_redis.url)  # type: ignore[arg-type]
    client = AsyncClient(base_urls=fake.base_urls, cache_settings=settings, clock=fast_clock)
    async with client:
        # 1. Redis dies mid-cycle: after the cycle's cache reads, with days still in flight and
        #    the cache writes still to come
        stopped: list[int] = []

        def kill_redis_on_first_day(done: int, total: int) -> None:
            if done == 1 and not stopped:
                own_redis.stop()
                stopped.append(total)

        fake.reset_counts()
        same_as_truth(
            await client.savant.statcast(
                first, last, on_progress=kill_redis_on_first_day, progress=False
            )
        )
        assert stopped == [DAYS]  # it died while the cycle ran
        assert fake.count("savant") == DAYS
        assert cache_errors(client) > 0  # the lost writes were counted, not raised
        assert await _redis_is_down(own_redis.url)

        # 2. a whole cycle while Redis is down: no failure either (the tiered L1 still
        #    serves what cycle 1 wrote to it; the Redis-only cache loads from the upstream)
        fake.reset_counts()
        same_as_truth(await client.savant.statcast(first, last, progress=False))
        assert fake.count("savant") == (DAYS if backend == "redis" else 0)

        # 3. Redis comes back, empty (no persistence), on the same port.  Past RedisCache's
        #    reconnect interval (1 s) and the L1 TTL (5 s), on the client's clock
        own_redis.start()
        await fast_clock.sleep(6.0)
        errors_before = cache_errors(client)
        fake.reset_counts()
        same_as_truth(await client.savant.statcast(first, last, progress=False))
        assert fake.count("savant") == DAYS  # nothing cached anywhere any more: loaded
        assert cache_errors(client) == errors_before  # Redis answered every call
        assert len(await redis_day_keys(own_redis.url)) == DAYS  # the writes landed again

        # 4. the same client is served from the cache again, no upstream request
        fake.reset_counts()
        again = await client.savant.statcast(first, last, progress=False)
        same_as_truth(again)
        assert again.cached_days == days
        assert fake.count("savant") == 0

    # 5. a fresh client (empty L1) reads everything from Redis: the writes are really there
    async with AsyncClient(
        base_urls=fake.base_urls, cache_settings=settings, clock=FastClock()
    ) as fresh:
        shared = await fresh.savant.statcast(first, last, progress=False)
    same_as_truth(shared)
    assert shared.cached_days == days
    assert fake.count("savant") == 0


async def _redis_is_down(url: str) -> bool:
    raw = aioredis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        await raw.ping()
    except OSError:
        return True
    except aioredis.ConnectionError:
        return True
    finally:
        await raw.aclose()
    return False
