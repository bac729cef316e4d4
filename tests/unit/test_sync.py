from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from savantsdk.sync import Client


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
