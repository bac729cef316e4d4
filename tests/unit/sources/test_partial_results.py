"""The multi-part rule: every part failed -> AllFailedError; some failed -> PartialResultWarning.

Savant over httpx.MockTransport: the failing days raise the transport error httpx raises for a
refused connection, the others serve the real recorded 2024 days from ../shared/data.
"""

from __future__ import annotations

import gzip
import warnings
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from savantsdk._client import AsyncClient
from savantsdk._clock import FakeClock
from savantsdk._config import BreakerPolicy, RateLimit, SourceSettings
from savantsdk.exceptions import (
    AllFailedError,
    CircuitOpenError,
    ConfigurationError,
    PartialResultWarning,
    SavantError,
    SourceConnectionError,
    SourceError,
)
from savantsdk.sources import SavantClient, StatcastResult
from savantsdk.testing import no_backoff

DataFile = Callable[[str], Path]
DAY1 = date(2024, 3, 28)
WEEK = [DAY1 + timedelta(days=i) for i in range(7)]
JULY = datetime(2024, 7, 1, tzinfo=UTC).timestamp()
REFUSED = "[Errno 111] Connection refused"

pytestmark = pytest.mark.anyio


def make(
    serve: Callable[[date], bytes | None], *, fail_max: int = 100, concurrency: int = 10
) -> tuple[AsyncClient, SavantClient, list[date]]:
    asked: list[date] = []

    def handler(request: httpx.Request) -> httpx.Response:
        q = parse_qs(urlsplit(str(request.url)).query, keep_blank_values=True)
        day = date.fromisoformat(q["game_date_gt"][0])
        asked.append(day)
        body = serve(day)
        if body is None:
            raise httpx.ConnectError(REFUSED, request=request)
        return httpx.Response(200, content=body)

    settings = SourceSettings(
        name="savant",
        base_url="http://127.0.0.1:9",
        retry=no_backoff(1),
        rate_limit=RateLimit(concurrency=concurrency),
        breaker=BreakerPolicy(fail_max=fail_max, reset_timeout_s=60),
    )
    client = AsyncClient(
        http_transport=httpx.MockTransport(handler),
        sources={"savant": settings},
        clock=FakeClock(wall_start=JULY, autojump=True),
    )
    return client, SavantClient(client), asked


def day_body(data_file: DataFile, day: date) -> bytes:
    return gzip.decompress(data_file(f"statcast/2024/sc_{day.isoformat()}.csv.gz").read_bytes())


async def test_every_day_failing_raises_all_failed_error_naming_the_connect_error() -> None:
    client, savant, asked = make(lambda _: None)
    async with client:
        with pytest.raises(AllFailedError) as info:
            await savant.statcast(WEEK[0], WEEK[-1], progress=False)
    err = info.value
    assert isinstance(err, SourceError)
    assert isinstance(err, SavantError)
    assert str(err) == (
        "[savant] every day of 2024-03-28..2024-04-03 failed (7 of 7; SourceConnectionError): "
        f"SourceConnectionError: [savant] ConnectError: {REFUSED}"
    )
    assert err.source == "savant"
    assert sorted(err.errors) == WEEK
    assert isinstance(err.root_cause, SourceConnectionError)
    assert err.__cause__ is err.root_cause
    assert isinstance(err.result, StatcastResult)
    assert err.result.table.rows == 0
    assert sorted(asked) == WEEK


async def test_all_failed_names_the_connect_error_not_the_breaker_it_opened() -> None:
    client, savant, asked = make(lambda _: None, fail_max=2, concurrency=1)
    async with client:
        with pytest.raises(AllFailedError) as info:
            await savant.statcast(WEEK[0], WEEK[-1], progress=False)
    err = info.value
    kinds = {type(e) for e in err.errors.values()}
    assert kinds == {SourceConnectionError, CircuitOpenError}  # the breaker opened mid-range
    assert len(asked) < 7
    assert isinstance(err.root_cause, SourceConnectionError)
    opened = [e for e in err.errors.values() if isinstance(e, CircuitOpenError)]
    assert all(isinstance(e.opened_by, SourceConnectionError) for e in opened)
    assert f"(opened by SourceConnectionError: [savant] ConnectError: {REFUSED})" in str(opened[0])
    assert "ConnectError: [Errno 111] Connection refused" in str(err)
    assert "CircuitOpenError, SourceConnectionError" in str(err)


async def test_some_days_failing_warn_with_the_days_and_keep_the_rest(
    data_file: DataFile,
) -> None:
    good = {WEEK[0], WEEK[2]}
    client, savant, _ = make(lambda d: day_body(data_file, d) if d in good else None)
    async with client:
        with pytest.warns(PartialResultWarning) as caught:
            result = await savant.statcast(WEEK[0], WEEK[3], progress=False)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert message.startswith(
        "savant: 2 of 4 days of 2024-03-28..2024-03-31 failed and are missing from the result "
        "(2024-03-29, 2024-03-31): SourceConnectionError: [savant] ConnectError: "
    )
    assert set(result.errors) == {WEEK[1], WEEK[3]}
    assert result.table.rows == 3790 + 4766  # MANIFEST.csv rows of 03-28 and 03-30


async def test_errors_return_keeps_the_old_silent_behaviour(data_file: DataFile) -> None:
    client, savant, _ = make(lambda d: day_body(data_file, d) if d == WEEK[0] else None)
    async with client:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            nothing = await savant.statcast(WEEK[1], WEEK[2], progress=False, errors="return")
            some = await savant.statcast(WEEK[0], WEEK[1], progress=False, errors="return")
            raw, texts = await savant.statcast_raw(WEEK[1], errors="return")
    assert nothing.table.rows == 0
    assert set(nothing.errors) == {WEEK[1], WEEK[2]}
    assert some.table.rows == 3790
    assert set(some.errors) == {WEEK[1]}
    assert set(raw.errors) == {WEEK[1]}
    assert texts == {}


async def test_statcast_raw_follows_the_same_rule() -> None:
    client, savant, _ = make(lambda _: None)
    async with client:
        with pytest.raises(AllFailedError, match=r"every day of 2024-03-28 failed \(1 of 1"):
            await savant.statcast_raw(WEEK[0])


async def test_an_unknown_errors_mode_is_a_configuration_error() -> None:
    client, savant, asked = make(lambda _: None)
    async with client:
        with pytest.raises(ConfigurationError, match="errors must be 'warn' or 'return'"):
            await savant.statcast(WEEK[0], errors="ignore")  # type: ignore[arg-type]
    assert asked == []
