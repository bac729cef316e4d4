"""The executor over the real HTTP seam (httpx.MockTransport, no network): a 429 with
Retry-After from the wire pauses the whole source, then the retry succeeds; 5xx retried; 404
neither retried nor counted against the breaker."""

from __future__ import annotations

import anyio
import httpx
import pytest

from savantsdk import _http
from savantsdk.exceptions import NotFoundError
from savantsdk.executor import Executor, Lane

from .conftest import FakeClock, make_settings, settle


@pytest.mark.anyio
async def test_429_from_the_wire_pauses_every_lane_then_retries() -> None:
    clock = FakeClock()
    start = clock.monotonic()
    settings = make_settings(attempts=3, fail_max=2)
    ex = Executor(settings, clock=clock, rand=lambda: 0.0)
    seen: list[tuple[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, clock.monotonic() - start))
        if request.url.path == "/slow" and len(seen) == 1:
            return httpx.Response(429, headers={"Retry-After": "3"}, text="too many")
        if request.url.path == "/missing":
            return httpx.Response(404, json={"message": "no such game"})
        return httpx.Response(200, json={"path": request.url.path})

    async with _http.build_async_client(settings, transport=httpx.MockTransport(handler)) as hc:

        async def get(path: str) -> object:
            response = await _http.send(hc, "test", "GET", path)
            return response.json()

        async with anyio.create_task_group() as tg:
            results: dict[str, object] = {}

            async def run(path: str, lane: Lane) -> None:
                results[path] = await ex.call(lambda: get(path), lane=lane)

            tg.start_soon(run, "/slow", Lane.HISTORICAL)
            await settle()
            tg.start_soon(run, "/live", Lane.LIVE)
        assert results == {"/slow": {"path": "/slow"}, "/live": {"path": "/live"}}
        assert seen[0] == ("/slow", 0.0)
        assert sorted(seen[1:]) == [("/live", 3.0), ("/slow", 3.0)]

        for _ in range(5):
            with pytest.raises(NotFoundError):
                await ex.call(lambda: get("/missing"))
    snap = ex.metrics()
    assert (snap.rate_limited, snap.pauses, snap.retries) == (1, 1, 1)
    assert snap.breaker_state == "closed"
    assert snap.attempts == 3 + 5  # 404s were not retried
