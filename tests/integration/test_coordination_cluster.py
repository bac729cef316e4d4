"""Fleet coordination through a Redis Cluster (the cluster scripts/test starts).

Every coordination key of one source carries the same hash tag, so each Lua script touches
one slot; the same shared rate and shared breaker must hold as on a single Redis.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import anyio
import pytest
from _coordination_procs import drive, max_window
from redis.asyncio.cluster import RedisCluster

from savantsdk import AsyncClient, BreakerPolicy, RateLimit, RetryPolicy, SourceSettings
from savantsdk.coordination import RedisCoordination
from savantsdk.exceptions import CircuitOpenError, SourceServerError
from savantsdk.testing import FakeUpstream, SimulatedLeague

pytestmark = pytest.mark.anyio


@pytest.fixture
async def cluster(redis_cluster_url: str) -> AsyncIterator[RedisCluster]:
    client = RedisCluster.from_url(redis_cluster_url.replace("redis+cluster://", "redis://"))
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def fake() -> AsyncIterator[FakeUpstream]:
    async with FakeUpstream(SimulatedLeague(seed=3, days=1)) as server:
        yield server


def settings(fake: FakeUpstream, rate: float, **kw: object) -> dict[str, SourceSettings]:
    return {
        "statsapi": SourceSettings(
            name="statsapi",
            base_url=fake.base_urls["statsapi"],
            rate_limit=RateLimit(rate_per_s=rate, concurrency=20),
            retry=RetryPolicy(max_attempts=1),
            breaker=kw.get("breaker", BreakerPolicy(fail_max=50)),  # type: ignore[arg-type]
        )
    }


async def test_two_clients_share_one_rate_through_the_cluster(
    cluster: RedisCluster, fake: FakeUpstream
) -> None:
    rate, ns = 40.0, f"test-coord-cl-{uuid.uuid4().hex[:8]}"
    async with (
        RedisCoordination(client=cluster, namespace=ns) as c1,  # type: ignore[arg-type]
        RedisCoordination(client=cluster, namespace=ns) as c2,  # type: ignore[arg-type]
        AsyncClient(sources=settings(fake, rate), cache=None, coordination=c1) as a,
        AsyncClient(sources=settings(fake, rate), cache=None, coordination=c2) as b,
    ):
        fake.reset_counts()
        await drive((a, b), 2.0, 10)
        assert c1.metrics().redis_grants > 10
        assert c2.metrics().redis_grants > 10
        assert not c1.metrics().fallback_active
    seen = fake.requests("statsapi")
    assert max_window([r.time for r in seen]) <= rate * 1.1 + 1  # 2x without coordination
    assert len(seen) >= rate * 2 * 0.8


async def test_a_breaker_opened_by_one_client_fails_fast_in_the_other(
    cluster: RedisCluster, fake: FakeUpstream
) -> None:
    ns = f"test-coord-cl-{uuid.uuid4().hex[:8]}"
    breaker = BreakerPolicy(fail_max=3, reset_timeout_s=30.0)
    fake.faults("statsapi", "*", server_error=1.0)
    async with (
        RedisCoordination(client=cluster, namespace=ns) as c1,  # type: ignore[arg-type]
        RedisCoordination(client=cluster, namespace=ns) as c2,  # type: ignore[arg-type]
        AsyncClient(sources=settings(fake, 50.0, breaker=breaker), coordination=c1) as a,
        AsyncClient(sources=settings(fake, 50.0, breaker=breaker), coordination=c2) as b,
    ):
        for _ in range(3):
            with pytest.raises(SourceServerError):
                await a.request("statsapi", "GET", "/api/v1/teams")
        before = fake.count("statsapi")
        with anyio.fail_after(5):
            while True:  # b learns of the open circuit on its next slot booking
                try:
                    await b.request("statsapi", "GET", "/api/v1/teams")
                except CircuitOpenError:
                    break
                except SourceServerError:
                    await anyio.sleep(0.05)
        with pytest.raises(CircuitOpenError):
            await b.request("statsapi", "GET", "/api/v1/teams")
        assert fake.count("statsapi") - before <= 2
