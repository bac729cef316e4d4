"""Dates: one reading (``savantsdk._dates``) at every public entry point that takes a day.

Accepted: ``date``, ``datetime``, ``pandas.Timestamp`` and ISO 8601 strings; anything else is a
``ConfigurationError`` naming the argument and the accepted forms, raised before any request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from savantsdk import ConfigurationError
from savantsdk._client import AsyncClient
from savantsdk._dates import ACCEPTED_FORMS, to_date, to_dates, to_optional_date
from savantsdk.props import backtest, slate_from_statcast
from savantsdk.sources import SavantClient, ingest_statcast
from savantsdk.sync import Client
from savantsdk.typing import DateLike

DataFile = Callable[[str], Path]
JUNE_1 = dt.date(2024, 6, 1)
SCHEDULE = "statsapi/mlb-statsapi-pydantic/schedule.json"


@pytest.mark.parametrize(
    "value",
    [
        JUNE_1,
        dt.datetime(2024, 6, 1, 23, 30),
        # its calendar date as written: no conversion to UTC (which would be June 2)
        dt.datetime(2024, 6, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-4))),
        "2024-06-01",
        " 2024-06-01\n",
        "20240601",
        "2024-06-01T19:05:00Z",
        "2024-06-01T23:30:00-04:00",
    ],
)
def test_every_accepted_form_reads_as_the_same_day(value: DateLike) -> None:
    got = to_date(value, "start")
    assert got == JUNE_1
    assert type(got) is dt.date


def test_pandas_timestamps() -> None:
    pd = pytest.importorskip("pandas")
    assert to_date(pd.Timestamp("2024-06-01"), "start") == JUNE_1
    assert to_date(pd.Timestamp("2024-06-01 23:30", tz="America/New_York")) == JUNE_1
    with pytest.raises(ConfigurationError, match="start: cannot read a NaTType") as info:
        to_date(pd.NaT, "start")
    assert info.value.setting == "start"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("06/01/2024", "'06/01/2024'"),
        ("2024-13-01", "'2024-13-01'"),
        ("2024-02-30", "'2024-02-30'"),
        ("", "''"),
        ("yesterday", "'yesterday'"),
        (20240601, "a int (20240601)"),
        (None, "a NoneType (None)"),
        (True, "a bool (True)"),
    ],
)
def test_a_bad_value_names_the_argument_and_the_accepted_forms(value: object, shown: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        to_date(value, "end")
    message = str(info.value)
    assert message == f"end: cannot read {shown} as a date; accepted forms: {ACCEPTED_FORMS}"
    assert "'2024-06-01'" in message  # the example form is in the message
    assert info.value.setting == "end"


def test_optional_and_many() -> None:
    assert to_optional_date(None) is None
    assert to_optional_date("2024-06-01") == JUNE_1
    assert to_dates("2024-06-01") == [JUNE_1]  # one string is one day, not its characters
    assert to_dates([JUNE_1, "2024-06-02"]) == [JUNE_1, dt.date(2024, 6, 2)]
    with pytest.raises(ConfigurationError, match="days: cannot read a int"):
        to_dates(5)


# ---------------------------------------------------------------------- the entry points


def _recording(body: bytes) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    return httpx.MockTransport(handler), seen


@pytest.mark.anyio
async def test_statsapi_schedule_takes_a_string_and_a_timestamp(
    data_file: DataFile, clean_env: pytest.MonkeyPatch
) -> None:
    transport, seen = _recording(data_file(SCHEDULE).read_bytes())
    async with AsyncClient(
        base_urls={"statsapi": "http://stats.test"}, http_transport=transport, cache=None
    ) as client:
        got = await client.statsapi.schedule("2024-07-01")
        assert [g.game_pk for g in got.value.games][:1] == [744914]
        assert len(got.value.games) == 3
        await client.statsapi.schedule(dt.datetime(2024, 7, 1, 12), "2024-07-02")
        with pytest.raises(ConfigurationError, match="start: cannot read '7/1/2024'"):
            await client.statsapi.schedule("7/1/2024")
        with pytest.raises(ConfigurationError, match="on_date: cannot read 'soon'"):
            await client.statsapi.roster(147, on_date="soon")
    queries = [parse_qs(urlsplit(str(r.url)).query) for r in seen]
    assert queries[0]["date"] == ["2024-07-01"]
    assert (queries[1]["startDate"], queries[1]["endDate"]) == (["2024-07-01"], ["2024-07-02"])
    assert len(seen) == 2  # the bad dates never reached the upstream


@pytest.mark.anyio
async def test_savant_sportradar_and_lines_refuse_bad_strings_before_any_request(
    clean_env: pytest.MonkeyPatch,
) -> None:
    transport, seen = _recording(b"{}")
    async with AsyncClient(http_transport=transport, cache=None) as client:
        savant = client.savant
        assert savant.search_params("2024-06-01") == savant.search_params(JUNE_1)
        assert savant.search_params(dt.datetime(2024, 6, 1, 22)) == savant.search_params(JUNE_1)
        assert savant.is_settled("2024-06-01") is savant.is_settled(JUNE_1)
        with pytest.raises(ConfigurationError, match="start: cannot read '2024-06-31'"):
            await savant.statcast("2024-06-31")
        with pytest.raises(ConfigurationError, match="end: cannot read 'next week'"):
            await savant.statcast("2024-06-01", "next week")
        with pytest.raises(ConfigurationError, match="day: cannot read '1 June'"):
            await client.sportradar.schedule("1 June")
        with pytest.raises(ConfigurationError, match="day: cannot read 'today'"):
            await client.lines.player_lines(day="today")
        with pytest.raises(ConfigurationError, match="date: cannot read '6/10'"):
            await client.props.generate("6/10")
    assert seen == []
    assert isinstance(savant, SavantClient)


def test_the_blocking_twin_takes_strings_too(
    data_file: DataFile, clean_env: pytest.MonkeyPatch
) -> None:
    transport, seen = _recording(data_file(SCHEDULE).read_bytes())
    with Client(
        base_urls={"statsapi": "http://stats.test"}, http_transport=transport, cache=None
    ) as client:
        games = client.statsapi.schedule("2024-07-01").value.games
        assert games[0].game_pk == 744914
        with pytest.raises(ConfigurationError, match="accepted forms"):
            client.statsapi.schedule("July 1")
    assert len(seen) == 1


def test_offline_props_functions_take_strings(data_file: DataFile) -> None:
    pas = ingest_statcast(data_file("statcast/2024/sc_2024-03-28.csv.gz"))
    by_string = slate_from_statcast(pas, "2024-03-28")
    by_date = slate_from_statcast(pas, dt.date(2024, 3, 28))
    assert [g.game_pk for g in by_string.games] == [g.game_pk for g in by_date.games]
    assert len(by_string.games) == 13  # MANIFEST.csv: 13 games on 2024-03-28
    with pytest.raises(ConfigurationError, match="end: cannot read '2024-04-00'"):
        backtest(pas, "2024-03-28", "2024-04-00")
