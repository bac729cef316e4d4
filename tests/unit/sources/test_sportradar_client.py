"""SportradarClient over httpx.MockTransport serving the real recorded (v6) payloads."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import orjson
import pytest

from savantsdk import ApiKeys
from savantsdk._client import AsyncClient
from savantsdk._clock import FakeClock
from savantsdk.exceptions import (
    ConfigurationError,
    NotFoundError,
    RateLimitedError,
    SourceDecodeError,
    UnauthorizedError,
)
from savantsdk.sources import SportradarQuota
from savantsdk.sources._sportradar import SportradarClient, mlb_day
from savantsdk.testing import no_backoff

DataFile = Callable[[str], Path]
Handler = Callable[[httpx.Request], httpx.Response]
BASE = "https://sr.test"
KEY = "Sr7r1alKey0123456789abcdefABCDEF01234567"  # 40 characters, like a current key
GAME = "9d0fe41c-4e6b-4433-b376-2d09ed39d184"
SUMMARY = "markets/sportradar/mlb_v6_game_summary_9d0fe41c"
PBP = "markets/sportradar/mlb_v6_game_pbp_9d0fe41c"
SCHEDULE = "markets/sportradar/mlb_v6_trial_2017_reg_schedule"


def recorded(data_file: DataFile, stem: str) -> httpx.Response:
    """The recorded body with its recorded response headers."""
    meta = orjson.loads(data_file(stem + ".meta.json").read_bytes())
    headers = {
        name: values[0]
        for name, values in meta["response_headers"].items()
        if name.lower() not in {"content-length", "connection", "content-encoding"}
    }
    return httpx.Response(200, content=data_file(stem + ".json").read_bytes(), headers=headers)


def make_client(handler: Handler, *, key: str | None = KEY, attempts: int = 3) -> AsyncClient:
    return AsyncClient(
        api_keys=ApiKeys(sportradar=key),
        base_urls={"sportradar": BASE},
        http_transport=httpx.MockTransport(handler),
        retry=no_backoff(attempts),
        clock=FakeClock(autojump=True),
    )


@pytest.mark.anyio
async def test_missing_key_fails_before_any_request(clean_env: pytest.MonkeyPatch) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    async with make_client(handler, key=None) as client:
        sr = SportradarClient(client)
        with pytest.raises(ConfigurationError, match="SAVANTSDK_SPORTRADAR_API_KEY") as info:
            await sr.game_summary(GAME)
        assert info.value.setting == "ApiKeys.sportradar"
        with pytest.raises(ConfigurationError):
            await sr.schedule(date(2017, 4, 16))
    assert seen == []


@pytest.mark.anyio
async def test_game_summary_real_payload_header_auth_and_immutable_cache(
    clean_env: pytest.MonkeyPatch, data_file: DataFile, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[httpx.Request] = []
    response = recorded(data_file, SUMMARY)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return response

    async with make_client(handler) as client:
        sr = SportradarClient(client)
        fetched = await sr.game_summary(GAME.upper())  # ids are case-insensitive
        again = await sr.game_summary(GAME)
        assert sr.quota == SportradarQuota(
            qps_allotted=25, qps_current=1, quota_allotted=2_000_000, quota_current=68_193
        )
        assert KEY not in repr(sr)
    assert len(seen) == 1  # a closed game is cached as immutable
    request = seen[0]
    assert request.url.path == f"/mlb/trial/v8/en/games/{GAME}/summary.json"
    assert request.headers["x-api-key"] == KEY
    assert KEY not in str(request.url)
    assert KEY not in caplog.text
    game = fetched.value
    assert (game.id, game.status) == (GAME, "closed")
    assert game.home is not None
    assert game.away is not None
    assert (game.home.abbr, game.home.runs, game.away.abbr, game.away.runs) == ("BOS", 4, "TB", 3)
    assert game.scheduled == datetime(2017, 4, 17, 15, 5, tzinfo=UTC)
    assert fetched.freshness.upstream_timestamp == datetime(2017, 4, 17, 18, 16, 35, tzinfo=UTC)
    assert fetched.freshness.source == "sportradar"
    assert again.freshness.from_cache is True


@pytest.mark.anyio
async def test_play_by_play_and_production_path(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    seen: list[str] = []
    response = recorded(data_file, PBP)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return response

    async with make_client(handler) as client:
        sr = SportradarClient(client, access_level="production", language="es", version="v7")
        game = (await sr.play_by_play(GAME)).value
    assert seen == [f"/mlb/production/v7/es/games/{GAME}/pbp.json"]
    assert (game.status, len(game.innings)) == ("closed", 10)
    assert len(list(game.at_bats())) == 74


@pytest.mark.anyio
async def test_daily_schedule_keeps_that_day(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    seen: list[str] = []
    response = recorded(data_file, SCHEDULE)  # a season file: the client keeps one MLB day

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return response

    async with make_client(handler) as client:
        schedule = (await SportradarClient(client).schedule(date(2017, 4, 16))).value
    assert seen == ["/mlb/trial/v8/en/games/2017/04/16/schedule.json"]
    assert len(schedule.games) == 14
    assert schedule.day == date(2017, 4, 16)
    first = schedule.games[0]
    assert first.id == "090c5bfe-bf3a-4177-a962-eb3bc3e3f9df"
    assert first.scheduled == datetime(2017, 4, 16, 20, 10, tzinfo=UTC)
    assert {mlb_day(g.scheduled) for g in schedule.games if g.scheduled} == {date(2017, 4, 16)}


def test_mlb_day_runs_from_4am_eastern() -> None:
    assert mlb_day(datetime(2024, 6, 11, 5, 30, tzinfo=UTC)) == date(2024, 6, 10)  # 1:30 am ET
    assert mlb_day(datetime(2024, 6, 11, 8, 30, tzinfo=UTC)) == date(2024, 6, 11)  # 4:30 am ET


@pytest.mark.anyio
async def test_bad_arguments_make_no_request(clean_env: pytest.MonkeyPatch) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    async with make_client(handler) as client:
        sr = SportradarClient(client)
        with pytest.raises(ConfigurationError, match="GUID"):
            await sr.game_summary("746118")  # an MLBAM gamePk is not a SportRadar id
        with pytest.raises(ConfigurationError, match="day: cannot read 'June 10' as a date"):
            await sr.schedule("June 10")  # a datetime is fine (its date): savantsdk._dates
    for kwargs in ({"access_level": "gold"}, {"language": "english"}, {"version": "8"}):
        with pytest.raises(ConfigurationError):
            SportradarClient(client, **kwargs)
    assert seen == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "body", "error", "attempts"),
    [
        (403, b"<h1>Developer Inactive</h1>", UnauthorizedError, 1),
        (404, b'{"message": "Not Found"}', NotFoundError, 1),
        (429, b"<h1>Developer Over Qps</h1>", RateLimitedError, 3),
        (200, b'{"game": {"id": "9d0fe41c', SourceDecodeError, 1),
    ],
)
async def test_errors(
    clean_env: pytest.MonkeyPatch, status: int, body: bytes, error: type[Exception], attempts: int
) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(status, content=body)

    async with make_client(handler) as client:
        sr = SportradarClient(client)
        with pytest.raises(error) as info:
            await sr.boxscore(GAME)
        assert calls == attempts
        with pytest.raises(error):
            await sr.boxscore(GAME)  # nothing cached
        assert calls == 2 * attempts
    text = str(info.value) + repr(info.value) + str(getattr(info.value, "request", ""))
    assert KEY not in text


@pytest.mark.anyio
async def test_a_payload_for_another_game_is_rejected(
    clean_env: pytest.MonkeyPatch, data_file: DataFile
) -> None:
    calls = 0
    response = recorded(data_file, SUMMARY)

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return response

    other = "00000000-0000-4000-8000-000000000000"
    async with make_client(handler) as client:
        sr = SportradarClient(client)
        with pytest.raises(SourceDecodeError, match="asked for game"):
            await sr.game_summary(other)
        with pytest.raises(SourceDecodeError):
            await sr.game_summary(other)  # not cached
    assert calls == 2
