"""PrizePicksClient over httpx.MockTransport serving the real recorded board."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from savantsdk._client import AsyncClient
from savantsdk._clock import FakeClock
from savantsdk.exceptions import (
    RateLimitedError,
    SourceDecodeError,
    SourceServerError,
    SourceTimeoutError,
    UnauthorizedError,
)
from savantsdk.sources import OddsType
from savantsdk.sources._prizepicks import PRIZEPICKS_HEADERS, PrizePicksClient
from savantsdk.testing import no_backoff

DataFile = Callable[[str], Path]
ALL = "markets/prizepicks/projections_all_leagues_2024-06-10.json"
BASE = "https://pp.test"
Handler = Callable[[httpx.Request], httpx.Response]


def _client(handler: Handler, *, attempts: int = 3, cache: Any = None) -> AsyncClient:
    kw: dict[str, Any] = {} if cache is None else {"cache": cache}
    return AsyncClient(
        base_urls={"prizepicks": BASE},
        http_transport=httpx.MockTransport(handler),
        retry=no_backoff(attempts),
        clock=FakeClock(autojump=True),
        **kw,
    )


@pytest.fixture
def board_bytes(data_file: DataFile) -> bytes:
    return data_file(ALL).read_bytes()


@pytest.mark.anyio
async def test_projections_real_board(clean_env: pytest.MonkeyPatch, board_bytes: bytes) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=board_bytes)

    async with _client(handler) as client:
        pp = PrizePicksClient(client)
        fetched = await pp.projections()
        board = fetched.value
        again = await pp.projections()

    assert len(seen) == 1  # the second call is a cache hit
    request = seen[0]
    assert request.url.path == "/projections"
    assert dict(request.url.params) == {"league_id": "2", "per_page": "250"}
    for name, value in PRIZEPICKS_HEADERS.items():
        assert request.headers[name] == value

    mlb = board.projections
    assert len(mlb) == 1232  # every MLB row of the board is complete
    assert {p.league for p in mlb} == {"MLB"}
    kinds = {kind: sum(p.odds_type is kind for p in mlb) for kind in OddsType}
    assert kinds == {OddsType.STANDARD: 134, OddsType.DEMON: 814, OddsType.GOBLIN: 284}
    burnes = next(p for p in mlb if p.id == "2594812")
    assert (burnes.player_name, burnes.stat_type, burnes.line_score) == (
        "Corbin Burnes",
        "Hits Allowed",
        4.5,
    )
    assert burnes.odds_type is OddsType.STANDARD

    fresh = fetched.freshness
    assert fresh.source == "prizepicks"
    assert fresh.from_cache is False
    assert fresh.upstream_timestamp == max(p.updated_at for p in mlb if p.updated_at)
    assert again.freshness.from_cache is True
    assert again.freshness.fetched_at == fresh.fetched_at
    assert again.value == board


@pytest.mark.anyio
async def test_pagination_follows_total_pages(
    clean_env: pytest.MonkeyPatch, board_bytes: bytes
) -> None:
    raw = orjson.loads(board_bytes)
    rows = raw["data"]
    half = len(rows) // 2
    pages = {
        1: {**raw, "data": rows[:half], "meta": {"current_page": 1, "total_pages": 2}},
        2: {**raw, "data": rows[half:], "meta": {"current_page": 2, "total_pages": 2}},
    }
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = request.url.params.get("page")
        seen.append(page)
        return httpx.Response(200, content=orjson.dumps(pages[int(page or 1)]))

    async with _client(handler) as client:
        board = (await PrizePicksClient(client).projections(use_cache=False)).value
    assert seen == [None, "2"]
    assert len(board.projections) == 1232
    assert len({p.id for p in board.projections}) == 1232
    assert board.total_pages == 2


@pytest.mark.anyio
async def test_bot_protection_403_is_clear_and_never_stormed(clean_env: pytest.MonkeyPatch) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(403, text="<html><body>Access denied (PerimeterX)</body></html>")

    async with _client(handler, attempts=4) as client:
        pp = PrizePicksClient(client, block_cooldown_s=60)
        with pytest.raises(UnauthorizedError, match="bot protection") as info:
            await pp.projections()
        assert info.value.status_code == 403
        assert calls == 1  # not retried
        assert "blocked" in repr(pp)
        with pytest.raises(UnauthorizedError, match="blocked an earlier request"):
            await pp.projections()
        assert calls == 1  # failed fast, no network
        assert isinstance(client.clock, FakeClock)
        client.clock.advance(61)
        with pytest.raises(UnauthorizedError, match="bot protection"):
            await pp.projections()
        assert calls == 2


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("failure", "error", "attempts"),
    [
        (lambda r: httpx.Response(503, text="down"), SourceServerError, 3),
        (lambda r: httpx.Response(429, text="slow down"), RateLimitedError, 3),
        ("timeout", SourceTimeoutError, 3),
        (lambda r: httpx.Response(200, text="<!DOCTYPE html><html>captcha</html>"), None, 1),
        (lambda r: httpx.Response(200, content=b'{"data": [{"type": "projec'), None, 1),
    ],
    ids=["503", "429", "timeout", "html", "truncated-json"],
)
async def test_failures_are_typed_retried_only_when_retryable_and_not_cached(
    clean_env: pytest.MonkeyPatch,
    board_bytes: bytes,
    failure: Any,
    error: type[Exception] | None,
    attempts: int,
) -> None:
    calls = 0
    fail = True

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if not fail:
            return httpx.Response(200, content=board_bytes)
        if failure == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        response: httpx.Response = failure(request)
        return response

    async with _client(handler) as client:
        pp = PrizePicksClient(client)
        with pytest.raises(error or SourceDecodeError):
            await pp.projections()
        assert calls == attempts
        fail = False
        fetched = await pp.projections()  # the failure was not cached
        assert calls == attempts + 1
        assert fetched.freshness.from_cache is False
        assert len(fetched.value.projections) == 1232


@pytest.mark.anyio
async def test_retry_then_success(clean_env: pytest.MonkeyPatch, board_bytes: bytes) -> None:
    statuses = [502, 200]

    def handler(request: httpx.Request) -> httpx.Response:
        status = statuses.pop(0)
        return httpx.Response(status, content=board_bytes if status == 200 else b"bad gateway")

    async with _client(handler) as client:
        board = (await PrizePicksClient(client).projections()).value
        assert client.metrics()["prizepicks"].retries == 1
    assert statuses == []
    assert len(board.projections) == 1232


@pytest.mark.anyio
async def test_all_leagues_and_rows_without_lines_are_dropped(
    clean_env: pytest.MonkeyPatch, board_bytes: bytes
) -> None:
    raw = orjson.loads(board_bytes)
    raw["data"][0]["attributes"]["line_score"] = None
    dropped_id = raw["data"][0]["id"]

    def handler(request: httpx.Request) -> httpx.Response:
        assert "league_id" not in request.url.params
        return httpx.Response(200, content=orjson.dumps(raw))

    async with _client(handler) as client:
        board = (await PrizePicksClient(client).projections(None)).value
    assert len(board.projections) == 2170  # 2,171 rows on the board, one made invalid
    assert dropped_id not in {p.id for p in board.projections}


def test_bad_settings_are_configuration_errors() -> None:
    client = AsyncClient(cache=None)
    with pytest.raises(ValueError, match="per_page"):
        PrizePicksClient(client, per_page=0)
    with pytest.raises(ValueError, match="max_pages"):
        PrizePicksClient(client, max_pages=0)
    with pytest.raises(ValueError, match="block_cooldown_s"):
        PrizePicksClient(client, block_cooldown_s=float("nan"))
