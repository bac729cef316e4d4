"""Live polling on a FakeClock with the real in-progress feeds of game 746139.

``feed_live_746139_no-move.json`` (timecode 20240612_041248, 62 plays) and
``feed_live_746139_with-move.json`` (20240612_042717, 68 plays) are two real snapshots of the
same game in progress.  No ``/timestamps`` or ``/diffPatch`` body is recorded, so those are
built in the documented shapes (a JSON array of timecodes; ``[{"diff": [RFC 6902 ops]}]`` or a
whole feed) from the real snapshots; the Final snapshot is the with-move feed with its status
replaced by game 746215's real Final status.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from savantsdk._client import AsyncClient
from savantsdk._clock import FakeClock
from savantsdk.exceptions import ConfigurationError, SourceServerError
from savantsdk.sources import LiveUpdate, StatsApiClient
from savantsdk.testing import no_backoff

DataFile = Callable[[str], Path]
BASE = "http://statsapi.test"
FEED = "/api/v1.1/game/746139/feed/live"
T1, T2, T3 = "20240612_041248", "20240612_042717", "20240612_050000"
WALL = datetime(2024, 6, 12, 4, 13, tzinfo=UTC).timestamp()  # 12 s after the first snapshot


def load(data_file: DataFile, name: str) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(data_file(f"statsapi/mlb-gameday-bot/{name}").read_bytes())
    return data


@pytest.fixture
def snapshots(data_file: DataFile) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    first = load(data_file, "feed_live_746139_no-move.json")
    second = load(data_file, "feed_live_746139_with-move.json")
    final = copy.deepcopy(second)
    final["gameData"]["status"] = load(data_file, "feed_live_746215.json")["gameData"]["status"]
    final["metaData"]["timeStamp"] = T3
    return first, second, final


class Upstream:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.feeds: list[bytes] = []
        self.stamps: list[Callable[[], httpx.Response]] = []
        self.patches: list[bytes] = []

    def count(self, suffix: str) -> int:
        return sum(1 for r in self.requests if r.url.path.endswith(suffix))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path.endswith("/feed/live"):
            return httpx.Response(200, content=self.feeds.pop(0))
        if path == f"{FEED}/timestamps":
            return self.stamps.pop(0)()
        if path == f"{FEED}/diffPatch":
            return httpx.Response(200, content=self.patches.pop(0))
        raise AssertionError(f"unexpected request {request.url}")


def stamps(*codes: str) -> Callable[[], httpx.Response]:
    return lambda: httpx.Response(200, content=orjson.dumps(list(codes)))


def patch_between(old: dict[str, Any], new: dict[str, Any]) -> bytes:
    ops = [
        {"op": "replace", "path": f"/{key}", "value": new[key]}
        for key in ("metaData", "gameData", "liveData")
        if old[key] != new[key]
    ]
    return orjson.dumps([{"diff": ops}])


def make(up: Upstream, attempts: int = 2) -> tuple[AsyncClient, StatsApiClient, FakeClock]:
    clock = FakeClock(wall_start=WALL, autojump=True)
    client = AsyncClient(
        http_transport=httpx.MockTransport(up),
        base_urls={"statsapi": BASE},
        retry=no_backoff(attempts),
        clock=clock,
    )
    return client, StatsApiClient(client), clock


@pytest.mark.anyio
async def test_in_progress_game_polled_with_timecodes_until_final(
    snapshots: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    first, second, final = snapshots
    up = Upstream()
    up.feeds = [orjson.dumps(first)]
    up.stamps = [stamps(T1), stamps(T1), stamps(T1, T2), stamps(T1, T2, T3)]
    up.patches = [patch_between(first, second), orjson.dumps(final)]
    client, api, clock = make(up)
    start = clock.monotonic()
    async with client:
        updates = [u async for u in api.live(746139, interval_s=5)]
        # the Final feed was cached as immutable: a later game_feed costs nothing
        cached = await api.game_feed(746139)
        n_requests = len(up.requests)
    assert [u.via for u in updates] == ["full", "patch", "full"]
    assert [u.timecode for u in updates] == [T1, T2, T3]
    assert [len(u.feed.live_data.plays.all_plays) for u in updates] == [62, 68, 68]
    assert [u.is_final for u in updates] == [False, False, True]
    assert [u.polls for u in updates] == [0, 3, 4]
    assert up.count("/feed/live") == 1  # one full feed; everything after was cheap
    assert up.count("/timestamps") == 4
    assert up.count("/diffPatch") == 2
    patch_params = [
        r.url.params["startTimecode"] for r in up.requests if r.url.path.endswith("/diffPatch")
    ]
    assert patch_params == [T1, T2]
    # slept on the client clock: four polls of 5 s (plus rate-limiter spacing)
    assert 20 <= clock.monotonic() - start < 21
    fresh = updates[0].freshness
    assert fresh.upstream_timestamp == datetime(2024, 6, 12, 4, 12, 48, tzinfo=UTC)
    assert fresh.lag_s is not None
    assert 12 <= fresh.lag_s < 13
    assert updates[1].freshness.upstream_timestamp == datetime(2024, 6, 12, 4, 27, 17, tzinfo=UTC)
    assert cached.freshness.from_cache
    assert cached.value.is_final
    assert n_requests == 7


@pytest.mark.anyio
async def test_heartbeat_yields_every_quiet_poll_with_the_last_change(
    snapshots: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    first, second, final = snapshots
    up = Upstream()
    up.feeds = [orjson.dumps(first)]
    up.stamps = [stamps(T1), stamps(T1), stamps(T1, T2), stamps(T1, T2, T3)]
    up.patches = [patch_between(first, second), orjson.dumps(final)]
    client, api, _ = make(up)
    async with client:
        updates = [u async for u in api.live(746139, interval_s=5, heartbeat=True)]
    assert [u.via for u in updates] == ["full", "unchanged", "unchanged", "patch", "full"]
    assert [u.polls for u in updates] == [0, 1, 2, 3, 4]
    # a quiet poll repeats the last change: same feed, same timecode, same fetch time
    assert updates[1].feed is updates[0].feed
    assert updates[2].timecode == T1
    assert updates[2].freshness == updates[0].freshness


@pytest.mark.anyio
async def test_failed_poll_is_skipped_and_a_bad_patch_refetches_the_feed(
    snapshots: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    first, _, final = snapshots
    bad_patch = orjson.dumps(
        [{"diff": [{"op": "replace", "path": "/liveData/nope/x", "value": 1}]}]
    )
    up = Upstream()
    up.feeds = [orjson.dumps(first), orjson.dumps(final)]
    up.stamps = [
        lambda: httpx.Response(503, text="unavailable"),
        stamps(T1, T3),
    ]
    up.patches = [bad_patch]
    client, api, _ = make(up, attempts=1)
    async with client:
        updates = [u async for u in api.live(746139, interval_s=2)]
    assert [u.via for u in updates] == ["full", "full"]
    assert updates[-1].is_final
    assert updates[-1].timecode == T3
    assert up.count("/feed/live") == 2
    assert up.count("/diffPatch") == 1


@pytest.mark.anyio
async def test_repeated_poll_failures_end_the_iteration(
    snapshots: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    first, _, _ = snapshots
    up = Upstream()
    up.feeds = [orjson.dumps(first)]
    up.stamps = [lambda: httpx.Response(500, text="x")] * 2
    client, api, _ = make(up, attempts=1)
    seen: list[LiveUpdate] = []

    async def drain() -> None:
        async for u in api.live(746139, interval_s=1, max_consecutive_errors=2):
            seen.append(u)  # noqa: PERF401 - keep what came before the error

    async with client:
        with pytest.raises(SourceServerError):
            await drain()
    assert len(seen) == 1
    assert up.count("/timestamps") == 2


@pytest.mark.anyio
async def test_final_game_yields_once_and_stops(data_file: DataFile) -> None:
    up = Upstream()
    up.feeds = [data_file("statsapi/mlb-gameday-bot/feed_live_746215.json").read_bytes()]
    client, api, _ = make(up)
    async with client:
        updates = [u async for u in api.live(746215)]
    assert len(updates) == 1
    assert updates[0].is_final
    assert updates[0].game_pk == 746215
    assert len(up.requests) == 1


def test_default_interval_is_at_most_ten_seconds() -> None:
    default = inspect.signature(StatsApiClient.live).parameters["interval_s"].default
    assert 0 < default <= 10


@pytest.mark.anyio
async def test_bad_interval_is_a_configuration_error() -> None:
    up = Upstream()
    client, api, _ = make(up)
    async with client:
        for bad in (0, -1, float("nan")):
            with pytest.raises(ConfigurationError):
                async for _ in api.live(746139, interval_s=bad):
                    pass
    assert up.requests == []


def test_live_is_an_async_generator_function_for_the_blocking_client() -> None:
    # savantsdk.sync wraps async generator functions into blocking iterators
    assert inspect.isasyncgenfunction(StatsApiClient.live)
    assert inspect.iscoroutinefunction(StatsApiClient.game_feed)
    assert inspect.iscoroutinefunction(StatsApiClient.lineups)
