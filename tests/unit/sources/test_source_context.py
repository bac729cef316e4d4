"""Source clients sit on the :class:`~savantsdk.typing.SourceContext` seam, not on the whole
``AsyncClient``: a host application's own context object (here: one that hands out only the
seven members of the Protocol) runs a source client, and every source reports its quota and
health probe itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_statsapi_client import PYD, Upstream, body

from savantsdk import ApiKeys
from savantsdk._client import AsyncClient
from savantsdk._config import SourceSettings
from savantsdk.cache import Cache
from savantsdk.executor import Executor, Lane
from savantsdk.sources import (
    OddsApiClient,
    PrizePicksClient,
    QuotaStatus,
    SavantClient,
    SportradarClient,
    StatsApiClient,
)
from savantsdk.testing import no_backoff
from savantsdk.typing import Clock, SourceClient, SourceContext

DataFile = Callable[[str], Path]


class OwnContext:
    """Only the Protocol's members, borrowed from parts of a client; not an AsyncClient."""

    def __init__(self, parts: AsyncClient) -> None:
        self._parts = parts
        self.calls: list[str] = []

    @property
    def api_keys(self) -> ApiKeys:
        return self._parts.api_keys

    @property
    def cache(self) -> Cache | None:
        return self._parts.cache

    @property
    def clock(self) -> Clock:
        return self._parts.clock

    def settings(self, source: str) -> SourceSettings:
        return self._parts.settings(source)

    def executor(self, source: str) -> Executor:
        self.calls.append(f"executor:{source}")
        return self._parts.executor(source)

    def http(self, source: str) -> httpx.AsyncClient:
        self.calls.append(f"http:{source}")
        return self._parts.http(source)

    async def request(
        self,
        source: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        lane: Lane = Lane.PROPS,
        key: str | None = None,
    ) -> httpx.Response:
        return await self._parts.request(
            source, method, path, params=params, headers=headers, lane=lane, key=key
        )


@pytest.mark.anyio
async def test_a_source_client_runs_on_any_source_context(data_file: DataFile) -> None:
    up = Upstream()
    up.json("/api/v1/schedule", body(data_file(f"{PYD}/schedule.json")))
    parts = AsyncClient(
        http_transport=httpx.MockTransport(up),
        base_urls={"statsapi": "http://statsapi.test"},
        retry=no_backoff(1),
    )
    async with parts:
        ctx = OwnContext(parts)
        typed: SourceContext = ctx  # mypy checks the shape
        api = StatsApiClient(typed)
        sched = await api.schedule(date(2024, 7, 1))
        assert list(sched.value.by_game_pk()) == [744914, 744840, 746535]
        assert api.client is ctx
        assert set(ctx.calls) == {"http:statsapi", "executor:statsapi"}
        assert (await api.schedule(date(2024, 7, 1))).freshness.from_cache


@pytest.mark.anyio
async def test_every_source_reports_its_own_quota_and_probe() -> None:
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, f"{request.url.host}{request.url.path}"))
        if request.url.path == "/v4/sports":
            return httpx.Response(
                200,
                json=[],
                headers={"x-requests-remaining": "480", "x-requests-used": "20"},
            )
        return httpx.Response(404)

    async with AsyncClient(
        http_transport=httpx.MockTransport(handler),
        api_keys=ApiKeys(odds_api="0dd5a91c0ffee5ecret7e57ab1e0dd5a9"),
        cache=None,
        retry=None,
    ) as client:
        kinds = {
            "savant": SavantClient,
            "statsapi": StatsApiClient,
            "prizepicks": PrizePicksClient,
            "odds_api": OddsApiClient,
            "sportradar": SportradarClient,
        }
        for name, kind in kinds.items():
            source: SourceClient = client.source(name)
            assert isinstance(source, kind)
            assert source is getattr(client, name)
        assert client.source("savant").quota_status() == QuotaStatus()
        # a keyless HEAD answered 404: the host is up, and the status is returned
        assert await client.source("statsapi").health_probe(timeout_s=1.0) == 404
        # The Odds API with a key asks the free /v4/sports, which refreshes the credit count
        assert await client.source("odds_api").health_probe(timeout_s=1.0) == 200
        assert client.source("odds_api").quota_status() == QuotaStatus(
            remaining=480.0, used=20.0, budget_left=None
        )
        assert seen == [("HEAD", "statsapi.mlb.com/"), ("GET", "api.the-odds-api.com/v4/sports")]
        health = await client.health(probe=("odds_api",))
        assert health.sources["odds_api"].quota_remaining == 480.0
        with pytest.raises(Exception, match="unknown source 'espn'"):
            client.source("espn")
