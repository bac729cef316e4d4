from __future__ import annotations

import gc
import warnings

import httpx
import pytest

import savantsdk
from savantsdk import ApiKeys, ConfigurationError, NotFoundError, RetryPolicy, Timeout
from savantsdk._client import AsyncClient
from savantsdk.executor import Lane
from savantsdk.testing import no_backoff
from savantsdk.typing import NOT_GIVEN, NotGiven


def _transport(calls: list[str], status: int = 200) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(status, json={"ok": True, "path": request.url.path})

    return httpx.MockTransport(handler)


@pytest.mark.anyio
async def test_request_goes_through_executor(clean_env: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    async with AsyncClient(
        base_urls={"statsapi": "https://stats.test"}, http_transport=_transport(calls), cache=None
    ) as client:
        response = await client.request(
            "statsapi", "GET", "/api/v1/schedule", params={"date": "2024-06-10"}
        )
        assert response.json() == {"ok": True, "path": "/api/v1/schedule"}
        snap = client.metrics()["statsapi"]
        assert snap.requests == 1
    assert calls == ["https://stats.test/api/v1/schedule?date=2024-06-10"]


@pytest.mark.anyio
async def test_errors_are_typed_and_not_retried(clean_env: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    async with AsyncClient(
        base_urls={"statsapi": "https://stats.test"},
        http_transport=_transport(calls, status=404),
        retry=no_backoff(3),
        cache=None,
    ) as client:
        with pytest.raises(NotFoundError):
            await client.request("statsapi", "GET", "/api/v1/people/1")
    assert len(calls) == 1


@pytest.mark.anyio
async def test_map_returns_one_outcome_per_item(clean_env: pytest.MonkeyPatch) -> None:
    async with AsyncClient(cache=None) as client:

        async def double(x: int) -> int:
            if x == 3:
                raise ValueError("three")
            return 2 * x

        result = await client.map("savant", double, range(6), lane=Lane.HISTORICAL)
        assert [o.ok for o in result.outcomes] == [True, True, True, False, True, True]
        assert result.values == [0, 2, 4, 8, 10]


def test_unknown_source_is_a_configuration_error(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="unknown source"):
        AsyncClient(base_urls={"espn": "https://x"}, cache=None)
    client = AsyncClient(cache=None)
    with pytest.raises(ConfigurationError):
        client.settings("espn")


def test_with_options_overrides_and_keeps_the_rest(clean_env: pytest.MonkeyPatch) -> None:
    client = AsyncClient(timeout=Timeout(read_s=7), api_keys=ApiKeys(odds_api="k" * 32), cache=None)
    copy = client.with_options(retry=RetryPolicy(max_attempts=1))
    assert copy.settings("savant").timeout.read_s == 7
    assert copy.settings("savant").retry.max_attempts == 1
    assert client.settings("savant").retry.max_attempts == 4
    assert copy.api_keys.require("odds_api") == "k" * 32
    with pytest.raises(ConfigurationError):
        client.with_options(colour="blue")


def test_not_given_means_default_and_none_means_off(clean_env: pytest.MonkeyPatch) -> None:
    """One rule for every option: NOT_GIVEN (the default) is "use the default", None is "off"."""
    default = AsyncClient(cache=None)
    assert default.settings("savant").retry.max_attempts == 4
    assert default.settings("savant").breaker.enabled is True
    assert default.cache is None  # cache=None: off
    given = AsyncClient(retry=NOT_GIVEN, breaker=NOT_GIVEN, timeout=NOT_GIVEN, cache=NOT_GIVEN)
    assert given.settings("statsapi").retry == default.settings("statsapi").retry
    assert given.cache is not None  # NOT_GIVEN: the embedded memory cache
    off = AsyncClient(retry=None, breaker=None, cache=None)
    assert off.settings("savant").retry.max_attempts == 1
    assert off.settings("odds_api").breaker.enabled is False
    # a copy keeps "off"
    assert off.with_options(api_keys=ApiKeys()).settings("savant").retry.max_attempts == 1
    for name in ("timeout", "cache_settings", "clock"):
        with pytest.raises(ConfigurationError, match=f"{name}=None: {name} cannot be turned off"):
            AsyncClient(cache=None, **{name: None})
    assert repr(NOT_GIVEN) == "NOT_GIVEN"
    assert not NOT_GIVEN
    assert isinstance(NOT_GIVEN, NotGiven)
    assert savantsdk.NOT_GIVEN is NOT_GIVEN


@pytest.mark.anyio
async def test_unclosed_client_warns(clean_env: pytest.MonkeyPatch) -> None:
    client = AsyncClient(cache=None)
    client.http("statsapi")  # allocate a resource
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await client.http("statsapi").aclose()  # avoid httpx's own warning
        del client
        gc.collect()
    assert any(issubclass(w.category, ResourceWarning) for w in caught)


@pytest.mark.anyio
async def test_closed_client_refuses_work(clean_env: pytest.MonkeyPatch) -> None:
    client = AsyncClient(cache=None)
    await client.aclose()
    await client.aclose()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        client.executor("savant")


@pytest.mark.anyio
async def test_default_cache_is_embedded_memory(clean_env: pytest.MonkeyPatch) -> None:
    from savantsdk.cache import Cache, MemoryCache

    async with AsyncClient() as client:
        assert isinstance(client.cache, Cache)
        assert isinstance(client.cache.backend, MemoryCache)
        await client.cache.set("savantsdk:v1:test:k", {"a": 1}, kind="default")
        assert await client.cache.get("savantsdk:v1:test:k") == {"a": 1}
    assert AsyncClient(cache=None).cache is None


@pytest.mark.anyio
async def test_settings_build_a_redis_cache(clean_env: pytest.MonkeyPatch, redis_url: str) -> None:
    from savantsdk import CacheSettings
    from savantsdk.cache import RedisCache

    settings = CacheSettings(backend="redis", redis_url=redis_url, namespace="test-client-redis")
    async with AsyncClient(cache_settings=settings) as client:
        assert client.cache is not None
        assert isinstance(client.cache.backend, RedisCache)
        await client.cache.set("savantsdk:v1:test:redis", [1, 2, 3], kind="default")
        assert await client.cache.get("savantsdk:v1:test:redis") == [1, 2, 3]
        await client.cache.invalidate("savantsdk:v1:test:redis")
