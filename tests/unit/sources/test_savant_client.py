"""SavantClient over httpx.MockTransport serving the real recorded Statcast/leaderboard files.

Every response body below is a real file from ../shared/data (the 2024 daily CSVs are served
decompressed, as Savant sends them); fault bodies are real payloads broken the way upstreams
break them (HTML page, cut gzip, dropped column).  No test sleeps: the client runs on an
autojumping FakeClock and backoff is 0.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from savantsdk._client import AsyncClient
from savantsdk._clock import FakeClock
from savantsdk.exceptions import (
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    PartialResultWarning,
    RateLimitedError,
    SourceDecodeError,
    SourceServerError,
    SourceTimeoutError,
    UnauthorizedError,
)
from savantsdk.sources import SavantClient, StatcastResult, StatcastTable, parse_statcast_csv
from savantsdk.sources._savant_results import dedupe_pitches
from savantsdk.testing import no_backoff

DataFile = Callable[[str], Path]
BASE = "http://savant.test"
DAY1, DAY2, DAY3 = date(2024, 3, 28), date(2024, 3, 29), date(2024, 3, 30)
ROWS = {DAY1: 3790, DAY2: 2930, DAY3: 4766}  # MANIFEST.csv
# 2024-07-01: every March day is settled (cached as immutable).
JULY = datetime(2024, 7, 1, tzinfo=UTC).timestamp()


class Upstream:
    """A scripted Savant: ``days[d]`` is the CSV body for a one-day query, ``script`` can
    override by day with a list of responses consumed one per attempt."""

    def __init__(self, bodies: dict[date, bytes]) -> None:
        self.bodies = bodies
        self.requests: list[httpx.Request] = []
        self.script: dict[date, list[Callable[[httpx.Request], httpx.Response]]] = {}
        self.team_rows: dict[date, tuple[list[str], list[list[str]]]] = {}
        self.leaderboards: dict[str, bytes] = {}
        self.game_body: bytes = b""

    def params(self, i: int = -1) -> dict[str, list[str]]:
        return parse_qs(urlsplit(str(self.requests[i].url)).query, keep_blank_values=True)

    def day_requests(self) -> Counter[str]:
        return Counter(
            q["game_date_gt"][0] for q in map(self._q, self.requests) if "game_date_gt" in q
        )

    @staticmethod
    def _q(request: httpx.Request) -> dict[str, list[str]]:
        return parse_qs(urlsplit(str(request.url)).query, keep_blank_values=True)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path.startswith("/leaderboard/"):
            return httpx.Response(200, content=self.leaderboards[path])
        q = self._q(request)
        if "game_pk" in q:
            return httpx.Response(200, content=self.game_body)
        day = date.fromisoformat(q["game_date_gt"][0])
        assert q["game_date_lt"] == [day.isoformat()]
        script = self.script.get(day)
        if script:
            return script.pop(0)(request)
        team = q["team"][0]
        if team and day in self.team_rows:
            header, rows = self.team_rows[day]
            home, away = header.index("home_team"), header.index("away_team")
            return httpx.Response(
                200, content=_csv(header, [r for r in rows if team in (r[home], r[away])])
            )
        return httpx.Response(200, content=self.bodies.get(day, b""))


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _rows(body: bytes) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(body.decode("utf-8")))
    header = next(reader)
    return header, list(reader)


def day_body(data_file: DataFile, day: date) -> bytes:
    return gzip.decompress(data_file(f"statcast/2024/sc_{day.isoformat()}.csv.gz").read_bytes())


def make(
    upstream: Upstream,
    *,
    wall: float = JULY,
    attempts: int = 3,
    cache: object = None,
    **savant: object,
) -> tuple[AsyncClient, SavantClient, FakeClock]:
    clock = FakeClock(wall_start=wall, autojump=True)
    kwargs: dict[str, object] = {} if cache is None else {"cache": cache}
    client = AsyncClient(
        http_transport=httpx.MockTransport(upstream),
        base_urls={"savant": BASE},
        retry=no_backoff(attempts),
        clock=clock,
        **kwargs,  # type: ignore[arg-type]
    )
    return client, SavantClient(client, **savant), clock  # type: ignore[arg-type]


@pytest.fixture
def bodies(data_file: DataFile) -> dict[date, bytes]:
    return {d: day_body(data_file, d) for d in (DAY1, DAY2, DAY3)}


# ------------------------------------------------------------------------------ happy path


@pytest.mark.anyio
async def test_three_day_pull_one_request_per_day_with_real_values(
    bodies: dict[date, bytes],
) -> None:
    up = Upstream(bodies)
    progress: list[tuple[int, int]] = []
    client, savant, _ = make(up)
    async with client:
        result = await savant.statcast(DAY1, DAY3, on_progress=lambda d, t: progress.append((d, t)))
    assert isinstance(result, StatcastResult)
    assert result.ok
    assert result.errors == {}
    assert result.table.rows == sum(ROWS.values()) == 11486
    assert result.days == (DAY1, DAY2, DAY3)
    assert result.table.date_range() == (DAY1, DAY3)
    # day order is kept: the first row is the first row of 2024-03-28 (docs/statcast.md)
    assert result.table.row(0)["release_speed"] == 93.0
    assert result.table.row(0)["game_pk"] == 745445
    assert len(up.requests) == 3
    assert up.day_requests() == Counter({d.isoformat(): 1 for d in (DAY1, DAY2, DAY3)})
    q = up.params(0)
    assert q["hfGT"] == ["R|PO|"]
    assert q["all"] == ["true"]
    assert q["type"] == ["details"]
    assert q["player_type"] == ["pitcher"]
    assert q["team"] == [""]
    assert "hfGT=R%7CPO%7C" in str(up.requests[0].url)
    assert progress[-1] == (3, 3)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert result.freshness is not None
    assert not result.freshness.from_cache
    # fetched on the client clock (the rate limiter moved the fake clock by a fraction of a s)
    lag = (result.freshness.fetched_at - datetime.fromtimestamp(JULY, tz=UTC)).total_seconds()
    assert 0 <= lag < 1


@pytest.mark.anyio
async def test_second_call_is_served_from_cache_with_zero_requests(
    bodies: dict[date, bytes],
) -> None:
    up = Upstream(bodies)
    client, savant, clock = make(up)
    async with client:
        first = await savant.statcast(DAY1, DAY2)
        assert len(up.requests) == 2
        clock.advance(7 * 86_400)  # a week later: immutable days are still fresh
        second = await savant.statcast(DAY1, DAY2)
    assert len(up.requests) == 2  # no new upstream request
    assert second.cached_days == (DAY1, DAY2)
    assert second.freshness is not None
    assert second.freshness.from_cache
    assert second.freshness.fetched_at == first.freshness.fetched_at  # type: ignore[union-attr]
    assert second.table.rows == first.table.rows == 6720
    assert (
        second.table.column("release_speed").to_list()[:50]
        == (first.table.column("release_speed").to_list()[:50])
    )


@pytest.mark.anyio
async def test_unsettled_day_is_cached_for_minutes_only(bodies: dict[date, bytes]) -> None:
    # 2024-03-29 20:00 UTC: the 28th is settled (past 12:00 UTC on the 29th), the 29th is not.
    wall = datetime(2024, 3, 29, 20, tzinfo=UTC).timestamp()
    up = Upstream(bodies)
    client, savant, clock = make(up, wall=wall)
    assert savant.is_settled(DAY1)
    assert not savant.is_settled(DAY2)
    async with client:
        await savant.statcast(DAY1, DAY2)
        clock.advance(3600)  # past the "schedule" kind's 300 s fresh + 60 s stale
        again = await savant.statcast(DAY1, DAY2)
    assert again.cached_days == (DAY1,)
    assert up.day_requests() == Counter({DAY1.isoformat(): 1, DAY2.isoformat(): 2})


@pytest.mark.anyio
async def test_batter_query_uses_encoded_lookup_param(bodies: dict[date, bytes]) -> None:
    header, rows = _rows(bodies[DAY1])
    b = header.index("batter")
    judge = [r for r in rows if r[b] == "592450"]
    up = Upstream({DAY1: _csv(header, judge)})
    client, savant, _ = make(up)
    async with client:
        result = await savant.statcast(DAY1, batter=592450)
    assert "batters_lookup%5B%5D=592450" in str(up.requests[0].url)
    assert up.params()["player_type"] == ["batter"]
    assert result.table.rows == len(judge) > 0
    assert set(result.table.column("batter").to_list()) == {592450}


# ------------------------------------------------------------------------------ partial failure


@pytest.mark.anyio
async def test_one_day_failing_permanently_keeps_the_other_days(
    bodies: dict[date, bytes],
) -> None:
    up = Upstream(bodies)
    up.script[DAY2] = [lambda r: httpx.Response(502, text="Bad Gateway")] * 3
    progress: list[tuple[int, int]] = []
    client, savant, _ = make(up, attempts=3)
    async with client:
        with pytest.warns(PartialResultWarning) as caught:
            result = await savant.statcast(
                DAY1, DAY3, on_progress=lambda d, t: progress.append((d, t))
            )
        assert len(caught) == 1
        assert str(caught[0].message) == (
            "savant: 1 of 3 days of 2024-03-28..2024-03-30 failed and are missing from the "
            "result (2024-03-29): SourceServerError: [savant] HTTP 502: Bad Gateway; the typed "
            "errors are in .errors, errors='return' silences this"
        )
        assert set(result.errors) == {DAY2}
        err = result.errors[DAY2]
        assert isinstance(err, SourceServerError)
        assert err.status_code == 502
        assert result.table.rows == ROWS[DAY1] + ROWS[DAY3]
        assert result.table.date_range() == (DAY1, DAY3)
        assert DAY2 not in {result.table.column("game_date")[i] for i in range(0, 8556, 500)}
        assert up.day_requests()[DAY2.isoformat()] == 3  # retried: 5xx is retryable
        assert progress[-1] == (3, 3)
        with pytest.raises(SourceServerError):
            result.raise_for_errors()
        # the failed day was not cached: the next pull asks for it (and only it) again
        again = await savant.statcast(DAY1, DAY3)
    assert again.ok
    assert again.cached_days == (DAY1, DAY3)
    assert up.day_requests()[DAY2.isoformat()] == 4
    assert up.day_requests()[DAY1.isoformat()] == 1


@pytest.mark.anyio
async def test_error_csv_is_retried_inside_the_attempt(bodies: dict[date, bytes]) -> None:
    error_csv = b'error\n"Error: Query Timeout. Please try to limit your query to less data."\n'
    up = Upstream(bodies)
    up.script[DAY1] = [lambda r: httpx.Response(200, content=error_csv)]
    client, savant, _ = make(up)
    async with client:
        result = await savant.statcast(DAY1)
        metrics = client.metrics()["savant"]
    assert result.ok
    assert result.table.rows == ROWS[DAY1]
    assert len(up.requests) == 2
    assert metrics.retries == 1


@pytest.mark.anyio
async def test_error_csv_every_time_is_a_server_error_for_that_day(
    bodies: dict[date, bytes],
) -> None:
    error_csv = b'error\n"Error: Query Timeout. Please try to limit your query to less data."\n'
    up = Upstream(bodies)
    up.script[DAY1] = [lambda r: httpx.Response(200, content=error_csv)] * 2
    client, savant, _ = make(up, attempts=2)
    async with client:
        result = await savant.statcast(DAY1, errors="return")
    err = result.errors[DAY1]
    assert isinstance(err, SourceServerError)
    assert err.status_code == 200
    assert "Query Timeout" in str(err)
    assert len(up.requests) == 2
    assert result.table.rows == 0


def _html(_: httpx.Request) -> httpx.Response:
    return httpx.Response(200, html="<!DOCTYPE html><html><body>Baseball Savant</body></html>")


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("name", "respond", "error", "attempts"),
    [
        ("html", _html, SourceDecodeError, 1),
        ("401", lambda r: httpx.Response(401, text="no"), UnauthorizedError, 1),
        ("403", lambda r: httpx.Response(403, html="<html>blocked</html>"), UnauthorizedError, 1),
        ("404", lambda r: httpx.Response(404, text="not found"), NotFoundError, 1),
        ("422", lambda r: httpx.Response(422, text="bad"), BadRequestError, 1),
        (
            "429",
            lambda r: httpx.Response(429, headers={"Retry-After": "7"}, text="slow"),
            RateLimitedError,
            3,
        ),
        ("500", lambda r: httpx.Response(500, text="oops"), SourceServerError, 3),
        ("503", lambda r: httpx.Response(503, text="down"), SourceServerError, 3),
    ],
)
async def test_faults_give_typed_errors_retry_only_when_retryable_and_cache_nothing(
    bodies: dict[date, bytes],
    name: str,
    respond: Callable[[httpx.Request], httpx.Response],
    error: type[Exception],
    attempts: int,
) -> None:
    up = Upstream(bodies)
    up.script[DAY1] = [respond] * attempts
    client, savant, clock = make(up, attempts=3)
    start = clock.monotonic()
    async with client:
        result = await savant.statcast(DAY1, errors="return")
        err = result.errors[DAY1]
        assert type(err) is error, name
        assert len(up.requests) == attempts
        if name == "429":
            assert isinstance(err, RateLimitedError)
            assert err.retry_after == 7.0
            # Retry-After honoured on the client clock before each of the 2 retries
            assert clock.monotonic() - start >= 14
        # nothing cached: the next call goes upstream again (and now succeeds)
        again = await savant.statcast(DAY1)
    assert again.ok
    assert again.cached_days == ()
    assert again.table.rows == ROWS[DAY1]
    assert len(up.requests) == attempts + 1


@pytest.mark.anyio
async def test_timeouts_are_retried_then_reported(bodies: dict[date, bytes]) -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    up = Upstream(bodies)
    up.script[DAY1] = [timeout] * 3
    client, savant, _ = make(up, attempts=3)
    async with client:
        result = await savant.statcast(DAY1, DAY2, errors="return")
    assert isinstance(result.errors[DAY1], SourceTimeoutError)
    assert up.day_requests()[DAY1.isoformat()] == 3
    assert result.table.rows == ROWS[DAY2]


@pytest.mark.anyio
async def test_truncated_gzip_and_missing_columns_are_decode_errors(
    data_file: DataFile, bodies: dict[date, bytes]
) -> None:
    gz = data_file("statcast/2024/sc_2024-03-29.csv.gz").read_bytes()
    header, rows = _rows(bodies[DAY3])
    drop = header.index("pitch_number")
    no_pitch_number = _csv(
        [h for i, h in enumerate(header) if i != drop],
        [[v for i, v in enumerate(r) if i != drop] for r in rows],
    )
    up = Upstream(bodies)
    up.script[DAY1] = [lambda r: httpx.Response(200, content=gz[: len(gz) // 2])]
    up.script[DAY2] = [
        lambda r: httpx.Response(
            200, content=gz[: len(gz) // 3], headers={"Content-Encoding": "gzip"}
        )
    ]
    up.script[DAY3] = [lambda r: httpx.Response(200, content=no_pitch_number)]
    client, savant, _ = make(up)
    async with client:
        result = await savant.statcast(DAY1, DAY3, errors="return")
    assert set(result.errors) == {DAY1, DAY2, DAY3}
    assert all(isinstance(e, SourceDecodeError) for e in result.errors.values())
    assert "gzip" in str(result.errors[DAY1])
    assert "pitch_number" in str(result.errors[DAY3])
    assert len(up.requests) == 3  # decode errors are never retried


@pytest.mark.anyio
async def test_rows_from_another_day_fail_validation(bodies: dict[date, bytes]) -> None:
    up = Upstream({DAY1: bodies[DAY2]})
    client, savant, _ = make(up)
    async with client:
        result = await savant.statcast(DAY1, errors="return")
    assert isinstance(result.errors[DAY1], SourceDecodeError)
    assert "2024-03-29" in str(result.errors[DAY1])


# ------------------------------------------------------------------------------ truncation


@pytest.mark.anyio
async def test_capped_day_is_split_by_team_and_deduplicated(bodies: dict[date, bytes]) -> None:
    header, rows = _rows(bodies[DAY1])
    cap = 3000  # 2024-03-29 has 2,930 rows: under the cap
    up = Upstream(bodies)
    up.bodies[DAY1] = _csv(header, rows[:cap])  # Savant silently stops at the cap
    up.team_rows[DAY1] = (header, rows)  # a team slice is a few hundred rows
    client, savant, _ = make(up, row_cap=cap)
    async with client:
        result = await savant.statcast(DAY1, DAY2)
        assert result.split_days == (DAY1,)
        assert result.ok
        assert result.table.rows == ROWS[DAY1] + ROWS[DAY2]
        day1 = result.table.filter_dates(DAY1, DAY1)
        keys = set(
            zip(
                day1.column("game_pk").to_list(),
                day1.column("at_bat_number").to_list(),
                day1.column("pitch_number").to_list(),
                strict=True,
            )
        )
        assert len(keys) == ROWS[DAY1]
        assert len(day1.game_pks()) == 13
        teams = [q for q in map(Upstream._q, up.requests) if q["team"][0]]
        # every 2024 Savant team code once: ATH is written OAK before 2025, so not asked twice
        assert len(teams) == 30
        assert "ATH" not in {q["team"][0] for q in map(Upstream._q, up.requests)}
        n = len(up.requests)
        cached = await savant.statcast(DAY1, DAY2)
    assert len(up.requests) == n  # the merged day was cached
    assert cached.table.rows == result.table.rows


@pytest.mark.anyio
async def test_capped_filtered_query_is_flagged_incomplete_and_not_cached(
    bodies: dict[date, bytes],
) -> None:
    header, rows = _rows(bodies[DAY1])
    t = header.index("home_team")
    sd = [r for r in rows if r[t] == "SD"]
    up = Upstream({DAY1: _csv(header, sd[:100])})
    client, savant, _ = make(up, row_cap=100)
    async with client:
        result = await savant.statcast(DAY1, team="sd")
        assert up.params()["team"] == ["SD"]
        assert result.incomplete_days == (DAY1,)
        assert not result.ok
        assert result.table.rows == 100
        await savant.statcast(DAY1, team="SD")
    assert len(up.requests) == 2


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("team", "sent"),
    [("Seattle Mariners", "SEA"), ("mariners", "SEA"), ("ANA", "LAA"), ("CHW", "CWS"),
     ("ARI", "AZ"), ("ATH", "OAK"), ("Athletics", "OAK")],
)  # fmt: skip
async def test_team_aliases_are_sent_as_savants_code(
    bodies: dict[date, bytes], team: str, sent: str
) -> None:
    up = Upstream({DAY1: bodies[DAY1]})
    client, savant, _ = make(up)
    async with client:
        await savant.statcast(DAY1, team=team)
    assert up.params()["team"] == [sent]


@pytest.mark.anyio
async def test_an_unknown_team_raises_naming_the_valid_codes(bodies: dict[date, bytes]) -> None:
    up = Upstream({DAY1: bodies[DAY1]})
    client, savant, _ = make(up)
    async with client:
        with pytest.raises(ConfigurationError, match=r"unknown team 'SEAA'.*SEA.*WSH") as info:
            await savant.statcast(DAY1, team="SEAA")
    assert info.value.setting == "team"
    assert up.requests == []


# ------------------------------------------------------------------------------ game, leaderboards


@pytest.mark.anyio
async def test_statcast_game_single_request_and_cache(data_file: DataFile) -> None:
    up = Upstream({})
    up.game_body = data_file("statcast/raw/single_game_request_raw.csv").read_bytes()
    client, savant, _ = make(up)
    async with client:
        result = await savant.statcast_game(631614)
        again = await savant.statcast_game(631614)
    q = up.params(0)
    assert q == {"all": ["true"], "type": ["details"], "game_pk": ["631614"]}
    assert result.table.rows == 336
    assert result.days == (date(2020, 9, 3),)
    assert result.table.row(0)["release_speed"] == 82.1
    assert result.table.row(0)["player_name"] == "Michael Chavis"
    assert len(up.requests) == 1
    assert again.freshness.from_cache


@pytest.mark.anyio
async def test_leaderboards_parse_real_csvs_and_cache(data_file: DataFile) -> None:
    lb = "savant_leaderboards"
    up = Upstream({})
    up.leaderboards = {
        "/leaderboard/expected_statistics": data_file(
            f"{lb}/expected_statistics_batter_2023__tnestico-xwoba.csv"
        ).read_bytes(),
        "/leaderboard/statcast": data_file(
            f"{lb}/exit_velocity_barrels_batter_2020__mjorisch.csv"
        ).read_bytes(),
        "/leaderboard/percentile-rankings": data_file(
            f"{lb}/percentile_rankings_batter_2025__ytpatel3.csv"
        ).read_bytes(),
    }
    client, savant, _ = make(up, wall=datetime(2026, 1, 5, tzinfo=UTC).timestamp())
    async with client:
        xstats = await savant.expected_statistics(2023, min_pa=100)
        ev = await savant.exit_velocity_barrels(2020)
        pct = await savant.percentile_rankings(2025, player_type="batter")
        again = await savant.expected_statistics(2023, min_pa=100)
    semien = xstats.value[0]
    assert (semien.player_id, semien.last_name, semien.first_name) == (543760, "Semien", "Marcus")
    assert semien.pa == 753
    assert semien.est_ba == 0.262
    assert ev.value[0].player_id == 664058
    assert ev.value[0].max_hit_speed == 107
    assert pct.value[0].player_id == 695681
    assert pct.value[0].last_name == "Moore"
    q = up.params(0)
    assert q["type"] == ["batter"]
    assert q["year"] == ["2023"]
    assert q["min"] == ["100"]
    assert q["csv"] == ["true"]
    assert q["filterType"] == ["pa"]
    assert len(up.requests) == 3
    assert again.freshness.from_cache
    assert again.value == xstats.value


# ------------------------------------------------------------------------------ arguments


@pytest.mark.anyio
async def test_bad_arguments_raise_configuration_errors_before_any_request() -> None:
    up = Upstream({})
    client, savant, _ = make(up)
    async with client:
        with pytest.raises(ConfigurationError):
            await savant.statcast(DAY2, DAY1)
        with pytest.raises(ConfigurationError):
            await savant.statcast(DAY1, batter=-3)
        with pytest.raises(ConfigurationError):
            await savant.expected_statistics(2023, player_type="umpire")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        SavantClient(client, row_cap=0)
    assert up.requests == []


# ------------------------------------------------------------------------------ property


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cuts=st.lists(st.tuples(st.integers(0, 3790), st.integers(0, 3790)), min_size=1, max_size=6))
def test_dedupe_of_overlapping_slices_keeps_each_pitch_once(
    day1_table: StatcastTable, cuts: list[tuple[int, int]]
) -> None:
    slices = [day1_table.filter(_range_mask(day1_table.rows, a, b)) for a, b in cuts]
    merged = dedupe_pitches(StatcastTable.concat(slices))
    covered = np.zeros(day1_table.rows, dtype=bool)
    for a, b in cuts:
        covered |= _range_mask(day1_table.rows, a, b)
    assert merged.rows == int(covered.sum())  # every (game, PA, pitch) key is unique in a day
    keys = list(
        zip(
            merged.column("game_pk").to_list(),
            merged.column("at_bat_number").to_list(),
            merged.column("pitch_number").to_list(),
            strict=True,
        )
    )
    assert len(set(keys)) == len(keys)


def _range_mask(n: int, a: int, b: int) -> npt.NDArray[np.bool_]:
    mask = np.zeros(n, dtype=bool)
    mask[min(a, b) : max(a, b)] = True
    return mask


@pytest.fixture
def day1_table(bodies: dict[date, bytes]) -> StatcastTable:
    return parse_statcast_csv(
        bodies[DAY1],
        columns=(
            "game_pk",
            "at_bat_number",
            "pitch_number",
            "game_date",
            "batter",
            "pitcher",
            "events",
            "description",
            "stand",
            "p_throws",
            "home_team",
            "away_team",
            "inning",
            "inning_topbot",
            "outs_when_up",
        ),
    )


@pytest.mark.anyio
async def test_a_failing_progress_callback_does_not_fail_the_pull(
    bodies: dict[date, bytes],
) -> None:
    def boom(done: int, total: int) -> None:
        raise RuntimeError("user bug")

    up = Upstream(bodies)
    client, savant, _ = make(up)
    async with client:
        result = await savant.statcast(DAY1, DAY2, on_progress=boom)
    assert result.ok
    assert result.table.rows == ROWS[DAY1] + ROWS[DAY2]


@pytest.mark.anyio
async def test_savant_game_matches_the_stats_api_boxscore(data_file: DataFile) -> None:
    """Both clients on game 746215: per-batter H, TB, HR and K from Savant's pitches equal the
    Stats API boxscore (the Savant rows are the real 2024-06-17 day file's rows of that game)."""
    from savantsdk.sources import StatsApiClient

    header, rows = _rows(day_body(data_file, date(2024, 6, 17)))
    g = header.index("game_pk")
    game_csv = _csv(header, [r for r in rows if r[g] == "746215"])
    feed = data_file("statsapi/mlb-gameday-bot/feed_live_746215.json").read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "savant.test":
            return httpx.Response(200, content=game_csv)
        return httpx.Response(200, content=feed)

    client = AsyncClient(
        http_transport=httpx.MockTransport(handler),
        base_urls={"savant": BASE, "statsapi": "http://statsapi.test"},
        clock=FakeClock(wall_start=JULY, autojump=True),
    )
    async with client:
        pitches = (await SavantClient(client).statcast_game(746215)).table
        box = (await StatsApiClient(client).game_feed(746215)).value.live_data.boxscore
    assert box is not None
    bases = {"single": 1, "double": 2, "triple": 3, "home_run": 4}
    savant: dict[int, Counter[str]] = {}
    for batter, event in zip(
        pitches.column("batter").to_list(), pitches.column("events").to_list(), strict=True
    ):
        c = savant.setdefault(batter, Counter())
        if event in bases:
            c["h"] += 1
            c["tb"] += bases[event]
        c["hr"] += event == "home_run"
        c["k"] += event in ("strikeout", "strikeout_double_play")
    checked = 0
    for side in (box.teams.away, box.teams.home):
        for player in side.players.values():
            line = player.stats.batting
            if not line.at_bats and player.id not in savant:
                continue
            c = savant.get(player.id, Counter())
            assert (c["h"], c["tb"], c["hr"], c["k"]) == (
                line.hits or 0,
                line.total_bases or 0,
                line.home_runs or 0,
                line.strike_outs or 0,
            ), player.person.full_name
            checked += 1
    assert checked >= 18
    assert sum(c["hr"] for c in savant.values()) == 3  # docs/statcast.md: 3 HR in 746215
