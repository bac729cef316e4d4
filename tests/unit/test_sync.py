from __future__ import annotations

import asyncio
import gc
import json
import threading
import warnings
from collections.abc import AsyncIterator

import httpx
import pytest
from anyio.from_thread import start_blocking_portal

from savantsdk import ClientClosedError, ConfigurationError, SavantError
from savantsdk._sync_portal import Portal
from savantsdk.sources import QuotaStatus
from savantsdk.sync import Client, SyncCache, SyncStatsApiClient


def _transport() -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"thread": threading.current_thread().name})

    return httpx.MockTransport(handler)


def test_blocking_client_from_a_plain_script(clean_env: pytest.MonkeyPatch) -> None:
    with Client(
        base_urls={"statsapi": "https://stats.test"}, http_transport=_transport(), cache=None
    ) as client:
        first = client.request("statsapi", "GET", "/a").json()
        second = client.request("statsapi", "GET", "/b").json()
        # one long-lived portal: every call runs on the same private loop thread
        assert first == second
        assert first["thread"] != threading.current_thread().name
        assert client.metrics()["statsapi"].requests == 2


def test_blocking_client_inside_a_running_event_loop(clean_env: pytest.MonkeyPatch) -> None:
    """What a Jupyter cell does: call the blocking client while a loop runs in this thread."""

    async def notebook_cell() -> int:
        with Client(
            base_urls={"statsapi": "https://stats.test"}, http_transport=_transport(), cache=None
        ) as client:

            async def square(x: int) -> int:
                return x * x

            result = client.map("statsapi", square, range(10))
            return sum(result.values)

    assert asyncio.run(notebook_cell()) == 285


def test_close_is_idempotent_and_stops_the_thread(clean_env: pytest.MonkeyPatch) -> None:
    before = threading.active_count()
    client = Client(cache=None)
    assert threading.active_count() == before + 1
    client.close()
    client.close()
    assert threading.active_count() == before


def test_with_options_shares_the_loop(clean_env: pytest.MonkeyPatch) -> None:
    from savantsdk import RetryPolicy

    with Client(cache=None) as client:
        copy = client.with_options(retry=RetryPolicy(max_attempts=1))
        assert copy.settings("savant").retry.max_attempts == 1
        copy.close()


def test_namespace_twins_block_on_the_client_loop(clean_env: pytest.MonkeyPatch) -> None:
    with Client(
        base_urls={"statsapi": "https://stats.test"}, http_transport=_transport(), cache=None
    ) as client:
        body, described = client.statsapi.get_bytes("/api/v1/people", {"personIds": 1})
        assert json.loads(body)["thread"] != threading.current_thread().name
        assert "/api/v1/people" in described
        assert client.metrics()["statsapi"].requests == 1
        assert client.cache is None


def test_source_returns_the_blocking_twin(clean_env: pytest.MonkeyPatch) -> None:
    with Client(
        base_urls={"statsapi": "https://stats.test"}, http_transport=_transport(), cache=None
    ) as client:
        stats = client.source("statsapi")
        assert isinstance(stats, SyncStatsApiClient)
        assert stats.health_probe(timeout_s=1.0) == 200  # blocks: an int, not a coroutine
        assert stats.quota_status() == QuotaStatus()
        with pytest.raises(ConfigurationError, match="unknown source 'espn'"):
            client.source("espn")
        # instance attributes declared on the async class come through too
        assert client.props.last_report is None


def test_the_async_client_is_entered_and_exited(clean_env: pytest.MonkeyPatch) -> None:
    """Like ``async with AsyncClient()``: the owned cache runs its task group (needed for
    stale-while-revalidate refreshes) from construction until close()."""
    client = Client()
    inner = client.async_client
    assert inner._cache_entered is True
    assert inner.cache is not None
    assert inner.cache._tg is not None
    assert isinstance(client.cache, SyncCache)
    client.cache.set("k", {"v": 1})
    assert client.cache.get("k") == {"v": 1}
    client.close()
    assert inner._closed is True
    assert inner.cache._tg is None


def test_calls_on_a_closed_client_raise_client_closed_error(clean_env: pytest.MonkeyPatch) -> None:
    client = Client(cache=None)
    statsapi = client.statsapi
    client.close()
    with pytest.raises(ClientClosedError, match="closed") as info:
        client.request("statsapi", "GET", "/a")
    assert isinstance(info.value, SavantError)
    with pytest.raises(ClientClosedError, match="closed"):
        statsapi.person(1)
    with pytest.raises(ClientClosedError, match="closed"):
        client.savant.statcast_game(1)
    with pytest.raises(ClientClosedError):
        client.metrics()


def test_closing_a_client_closes_its_copies(clean_env: pytest.MonkeyPatch) -> None:
    client = Client(cache=None)
    copy = client.with_options()
    client.close()
    assert copy.closed is True
    assert copy.async_client._closed is True
    with pytest.raises(ClientClosedError, match="closed"):
        copy.settings("savant")
    copy.close()  # idempotent and quiet


def test_a_stopped_portal_raises_client_closed_error() -> None:
    """anyio's RuntimeError("This portal is not running") becomes ClientClosedError."""
    with start_blocking_portal("asyncio") as blocking:
        portal = Portal(blocking)
        assert portal.call(lambda: 41 + 1) == 42
    with pytest.raises(ClientClosedError, match="closed") as info:
        portal.call(lambda: 1)
    assert isinstance(info.value.__cause__, RuntimeError)
    assert str(info.value.__cause__) == "This portal is not running"


def test_closing_a_copy_leaves_the_parent_open(clean_env: pytest.MonkeyPatch) -> None:
    with Client(cache=None) as client:
        copy = client.with_options()
        copy.close()
        with pytest.raises(ClientClosedError):
            copy.settings("savant")
        assert client.settings("savant").name == "savant"


def test_async_iterators_become_iterators_closed_on_the_loop() -> None:
    closed: list[bool] = []

    async def numbers() -> AsyncIterator[int]:
        try:
            for i in range(10):
                yield i
        finally:
            closed.append(True)

    with start_blocking_portal("asyncio") as blocking:
        portal = Portal(blocking)
        it = portal.iterate(numbers())
        assert [next(it), next(it), next(it)] == [0, 1, 2]
        it.close()  # type: ignore[attr-defined]
        assert closed == [True]
        assert list(portal.iterate(numbers())) == list(range(10))


def test_a_failed_construction_stops_its_thread_quietly(clean_env: pytest.MonkeyPatch) -> None:
    before = threading.active_count()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ConfigurationError, match="unknown source"):
            Client(base_urls={"nope": "https://nope.test"}, cache=None)
        gc.collect()
    assert threading.active_count() == before
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_a_blocking_call_on_the_clients_own_loop_says_to_await(
    clean_env: pytest.MonkeyPatch,
) -> None:
    """A coroutine the client runs (here: ``map``'s function) calling the blocking client
    back would wait for itself: anyio's bare RuntimeError becomes BlockingCallError, which
    says what to do instead."""
    from savantsdk import BlockingCallError

    with Client(
        base_urls={"statsapi": "https://stats.test"}, http_transport=_transport(), cache=None
    ) as client:

        async def calls_back(_: int) -> object:
            return client.request("statsapi", "GET", "/a")  # blocking, on the client's loop

        result = client.map("statsapi", calls_back, [1])
        (error,) = [e for _, e in result.errors]
        assert isinstance(error, BlockingCallError)
        assert isinstance(error, SavantError)
        assert isinstance(error, RuntimeError)
        message = str(error)
        assert "use savantsdk.AsyncClient and await its methods" in message
        assert "top-level 'await'" in message
        assert "no nest_asyncio needed" in message
        assert str(error.__cause__) == "This method cannot be called from the event loop thread"
        # the client is still usable from the calling thread afterwards
        assert client.request("statsapi", "GET", "/b").status_code == 200
