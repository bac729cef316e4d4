"""Settings, repr/redaction, lifecycle, and the wiring into AsyncClient and OddsApiClient."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from savantsdk import ApiKeys, AsyncClient, BreakerPolicy, RateLimit, RetryPolicy
from savantsdk._clock import FakeClock
from savantsdk.coordination import (
    AdaptiveConcurrency,
    AimdController,
    Coordination,
    CreditLedger,
    RedisCoordination,
)
from savantsdk.coordination._breaker import SharedBreakerGate
from savantsdk.coordination._core import Coordinator
from savantsdk.coordination._limiter import CoordinatedRateLimiter
from savantsdk.coordination._pause import SharedPause
from savantsdk.exceptions import ConfigurationError, QuotaExceededError
from savantsdk.executor._breaker import NullBreakerGate
from savantsdk.executor._limiter import LaneRateLimiter

from .conftest import make_settings, settle
from .fakes import FakeStore

pytestmark = pytest.mark.anyio

URL = "redis://:s3cr3t-passw0rd@127.0.0.1:6391/0"


@pytest.mark.parametrize(
    ("kw", "setting"),
    [
        ({"fallback_share": 0}, "fallback_share"),
        ({"fallback_share": 1.5}, "fallback_share"),
        ({"timeout_s": float("nan")}, "timeout_s"),
        ({"lane_horizons_s": (0.1, 0.5, 0.0)}, "lane_horizons_s"),
        ({"lane_horizons_s": (1.0, 0.5)}, "lane_horizons_s"),
        ({"max_batch": 0}, "max_batch"),
        ({"credit_floor": -1}, "credit_floor"),
        ({"adaptive_concurrency": {"odds_api": 3}}, "adaptive_concurrency"),
    ],
)
def test_bad_settings_name_the_setting(kw: dict[str, Any], setting: str, clock: FakeClock) -> None:
    with pytest.raises(ConfigurationError) as info:
        Coordinator(FakeStore(clock), clock=clock, **kw)
    assert info.value.setting == setting


def test_bad_redis_urls() -> None:
    with pytest.raises(ConfigurationError, match="redis://"):
        RedisCoordination("http://:s3cr3t-passw0rd@host/0")
    with pytest.raises(ConfigurationError, match="exactly one"):
        RedisCoordination()
    with pytest.raises(ConfigurationError, match="namespace"):
        RedisCoordination(URL, namespace="a{b}")


async def test_repr_and_logs_never_show_the_password(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="savantsdk")
    coordination = RedisCoordination(
        "redis://:s3cr3t-passw0rd@127.0.0.1:1/0", timeout_s=0.2, retry_interval_s=60
    )
    async with coordination:
        assert "s3cr3t" not in repr(coordination)
        assert "127.0.0.1:1" in repr(coordination)
        ledger = coordination.credit_ledger("odds_api")
        assert await ledger.reserve(5, what="x") is None  # nothing listens on port 1: fail open
        assert coordination.metrics().fallback_active
        assert "fallback" in repr(coordination)
    assert caplog.records
    assert all("s3cr3t" not in r.getMessage() for r in caplog.records)
    assert "closed" in repr(coordination)


async def test_owned_pool_is_closed_a_given_client_is_not() -> None:
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url("redis://127.0.0.1:1/0")
    coordination = RedisCoordination(client=client)
    await coordination.aclose()
    await coordination.aclose()  # idempotent
    assert "<client>" in repr(coordination)
    await client.aclose()  # still ours to close


async def test_client_wires_every_source_and_keeps_it_through_with_options(
    clock: FakeClock, store: FakeStore
) -> None:
    async with Coordinator(
        store, clock=clock, adaptive_concurrency={"statsapi": AdaptiveConcurrency()}
    ) as core:
        assert isinstance(core, Coordination)
        async with AsyncClient(coordination=core, clock=clock, cache=None) as client:
            ex = client.executor("statsapi")
            assert isinstance(ex.rate_limiter, CoordinatedRateLimiter)
            assert isinstance(ex._breaker, SharedBreakerGate)
            assert isinstance(ex._pause, SharedPause)
            assert isinstance(ex._controller, AimdController)
            assert client.executor("savant")._controller is None
            copy = client.with_options(retry=None)
            assert copy.coordination is core
            await copy.aclose()
            off = AsyncClient(
                coordination=core,
                clock=clock,
                cache=None,
                breaker=BreakerPolicy(enabled=False),
            )
            assert isinstance(off.executor("savant")._breaker, NullBreakerGate)
            await off.aclose()
        assert not core.closed  # the client never closes a coordination it was given
    async with AsyncClient(clock=clock, cache=None) as plain:  # off: exactly as before
        assert plain.coordination is None
        assert isinstance(plain.executor("statsapi").rate_limiter, LaneRateLimiter)
        assert plain.odds_api._credits is None


async def test_aclose_flushes_queued_writes(clock: FakeClock, store: FakeStore) -> None:
    core = Coordinator(store, clock=clock)
    parts = core.executor_parts(make_settings(), clock=clock)
    assert parts.pause is not None
    parts.pause.pause(5.0)
    assert core.metrics().outbox_pending == 1
    await core.aclose()
    assert store.calls == ["pause"]
    assert store.closed


async def test_odds_api_client_consults_the_fleet_ledger_before_sending(
    clock: FakeClock, store: FakeStore
) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(
            200,
            content=b"[]",
            headers={"x-requests-remaining": "3", "x-requests-used": "97", "x-requests-last": "1"},
        )

    async with Coordinator(store, clock=clock) as core:
        client = AsyncClient(
            api_keys=ApiKeys(odds_api="0dd5a91c0ffee5ecret7e57ab1e0dd5a9"),
            base_urls={"odds_api": "https://odds.test"},
            http_transport=httpx.MockTransport(handler),
            retry=RetryPolicy(max_attempts=1),
            sources=None,
            clock=clock,
            cache=None,
            coordination=core,
        )
        async with client:
            odds = client.odds_api
            assert isinstance(odds._credits, CreditLedger)
            await odds.odds(markets=("h2h",), regions=("us",))  # 1 credit; 3 left after
            await settle(clock)
            with pytest.raises(QuotaExceededError) as info:
                await odds.odds(markets=("h2h", "totals", "spreads", "outrights"), regions=("us",))
            assert info.value.error_code == "FLEET_CREDITS_EXHAUSTED"
            assert len(requests) == 1  # refused before any request
            assert odds.usage.reserved == 0  # the client's own reservation was undone
            totals = await core.credit_ledger("odds_api").totals()
            assert (totals.remaining, totals.spent) == (3, 1)


def test_rate_limit_none_still_builds_a_limiter(clock: FakeClock, store: FakeStore) -> None:
    core = Coordinator(store, clock=clock)
    settings = make_settings(rate=None)
    assert settings.rate_limit == RateLimit(rate_per_s=None, concurrency=10)
    parts = core.executor_parts(settings)
    assert isinstance(parts.rate_limiter, CoordinatedRateLimiter)
    assert parts.rate_limiter.rate_per_s is None
