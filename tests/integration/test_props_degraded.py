"""Props cycles when inputs fail: no game dropped for a transient error, every skip with its
reason, degraded runs said out loud (a warning, the report's one-line summary, the CLI's exit
status).  End to end over loopback HTTP against ``FakeUpstream`` with its fault injection."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from _props_fake import make_client, reset, slate_day, slate_server

from savantsdk import PartialResultWarning
from savantsdk._cli import main
from savantsdk.cache import Cache, MemoryCache, Ttl, TtlPolicy
from savantsdk.props import OnlineReport
from savantsdk.props._online_slate import LINEUP_SOURCES, SKIP_REASONS
from savantsdk.testing import FakeUpstream, SimulatedLeague, no_backoff
from savantsdk.testing._payloads.statsapi import lineups_posted

pytestmark = pytest.mark.anyio

HISTORY_DAYS = 3
NO_RETRY = no_backoff(1)
BOXSCORE = "/api/v1/game/*/boxscore"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeUpstream]:
    # 14:00 UTC: the first game's lineups are posted (it starts 17:05), the others are not
    with slate_server(history_days=HISTORY_DAYS, hour_utc=14) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeUpstream) -> Iterator[FakeUpstream]:
    yield from reset(server)


async def test_team_list_down_and_truncated_boxscores_still_price_every_game(
    fake: FakeUpstream,
) -> None:
    """The run of the issue: one 503 on /api/v1/teams and truncated boxscores used to skip 13
    of 15 games (team ids in place of codes matched no recent lineup)."""
    fake.faults("statsapi", "/api/v1/teams*", server_error=1.0)
    fake.faults("statsapi", BOXSCORE, malformed=1.0)
    day = slate_day(fake)
    scheduled = {g.game_pk for g in fake.league.games_on(day)}
    async with make_client(fake, retry=NO_RETRY) as client:
        with pytest.warns(PartialResultWarning, match=r"degraded: 15 of 15 games priced; teams: "):
            await client.props.generate(day, history_days=HISTORY_DAYS, lines=False)
        report = client.props.last_report
    assert report is not None
    assert set(report.games_priced) == scheduled
    assert report.skipped_games == {}
    assert report.input_errors["teams"].startswith("SourceServerError: [statsapi] HTTP 503")
    assert report.input_errors["teams"].endswith("(team codes from savantsdk.ids)")
    # 30 teams: those whose lineup is not posted at 14:00 face a starter of a known hand
    assert sum(report.lineup_sources.values()) == 30
    assert set(report.lineup_sources) <= set(LINEUP_SOURCES)
    assert report.lineup_sources["projected_vs_hand"] >= 20
    assert len(report.projected_lineups) == 15 - report.lineup_sources.get("posted", 0) // 2
    assert report.degraded
    assert report.skipped_share == 0.0


async def test_every_skipped_game_names_its_reason(fake: FakeUpstream) -> None:
    """Without a history there is no projected lineup: each game whose lineup is not posted
    is skipped, saying why the boxscore fallback did not help."""
    fake.faults("statsapi", BOXSCORE, malformed=1.0)
    day = slate_day(fake)
    async with make_client(fake, retry=NO_RETRY) as client:
        slate, report = await client.props.slate(day)
    posted = [g.game_pk for g in fake.league.games_on(day) if lineups_posted(g, fake.now())]
    assert sorted(g.game_pk for g in slate.games) == sorted(posted)
    assert report.skip_counts == {"lineup unavailable": 15 - len(posted)}
    assert set(report.skip_counts) <= set(SKIP_REASONS)
    reason = next(iter(report.skipped_games.values()))
    assert reason.startswith("lineup unavailable: ")
    assert ": boxscore failed (SourceDecodeError: [statsapi] " in reason
    assert reason.endswith(f"in the {client.props._history_days}-day history")
    assert report.games_failed == 15 - len(posted)
    summary = report.degraded_summary()
    assert summary is not None
    assert summary.startswith(f"{15 - len(posted)} of 15 games skipped (lineup unavailable: ")


async def test_reference_data_is_served_stale_when_its_refresh_fails(fake: FakeUpstream) -> None:
    """stale-if-error: an expired team list whose refresh fails is served from the cache,
    and the freshness says so (with the copy's age)."""
    ttls = TtlPolicy({"reference": Ttl(fresh_s=0.0, stale_s=0.0, error_s=3_600.0)})
    cache = Cache(MemoryCache(), ttls=ttls)
    async with make_client(fake, retry=NO_RETRY, cache=cache) as client:
        first = await client.statsapi.teams()
        assert first.freshness.stale_error is None
        fake.faults("statsapi", "/api/v1/teams*", server_error=1.0)
        again = await client.statsapi.teams()
        assert again.value == first.value
        assert again.freshness.from_cache
        assert again.freshness.fetched_at == first.freshness.fetched_at
        assert again.freshness.stale_error is not None
        assert again.freshness.stale_error.startswith("SourceServerError: [statsapi] HTTP 503")
        day = slate_day(fake)
        with pytest.warns(PartialResultWarning, match="served the copy fetched"):
            await client.props.generate(day, history_days=HISTORY_DAYS, lines=False)
        report = client.props.last_report
    assert report is not None
    assert len(report.games_priced) == 15
    assert "served the copy fetched" in report.input_errors["teams"]


async def test_one_undecodable_event_costs_only_that_event(fake: FakeUpstream) -> None:
    """A truncated Odds API event body is that event's failure: the other events' lines are
    kept and PrizePicks fills in the failed events' players."""
    fake.faults("odds_api", "/v4/sports/*/events/*/odds", malformed=1.0)
    day = slate_day(fake)
    async with make_client(fake, retry=NO_RETRY) as client:
        lineset = await client.lines.player_lines(day=day)
    events = fake.count("odds_api", "/v4/sports/baseball_mlb/events/")
    assert events == 15
    assert len(lineset.errors) == 15
    assert all(
        e.startswith("odds_api event ") and ": SourceDecodeError: [odds_api] " in e
        for e in lineset.errors
    )
    assert lineset.served_by == ("prizepicks",)
    assert lineset.fallback_reason is not None
    assert lineset.fallback_reason.startswith("odds_api failed for 15 of 15 events")
    assert len(lineset.lines) > 0


async def test_a_reader_bug_is_still_a_typed_day_error(
    fake: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's ``ValueError: cannot reshape array`` out of a malformed day: whatever the
    reader raises, the report holds a SourceDecodeError naming the day."""
    import savantsdk.props._online as online

    day = slate_day(fake)
    bad = day - timedelta(days=2)
    real = online.ingest_statcast

    def ingest(body: bytes) -> object:
        if bad.isoformat().encode() in body[:200_000]:
            raise ValueError("cannot reshape array of size 281975 into shape (2651,118)")
        return real(body)

    monkeypatch.setattr(online, "ingest_statcast", ingest)
    async with make_client(fake, retry=NO_RETRY) as client:
        with pytest.warns(PartialResultWarning, match=r"1 of 3 history days"):
            await client.props.generate(day, history_days=HISTORY_DAYS, lines=False)
        report = client.props.last_report
    assert report is not None
    assert report.history_errors == {
        bad: f"SourceDecodeError: [savant] Statcast day {bad} could not be read (ValueError: "
        "cannot reshape array of size 281975 into shape (2651,118))"
    }


def test_report_counts_add_up() -> None:
    report = OnlineReport(
        date=date(2024, 6, 10),
        games_scheduled=15,
        games_priced=tuple(range(11)),
        skipped_games={
            100: "final",
            101: "lineup unavailable: SEA: boxscore failed (...); no lineup of SEA in ...",
            102: "lineup unavailable: NYY: ...",
            103: "starters not announced: no probable starter for BOS",
        },
    )
    assert report.skip_counts == {"final": 1, "starters not announced": 1, "lineup unavailable": 2}
    assert report.games_pricable == 14
    assert report.games_failed == 3
    assert report.skipped_share == pytest.approx(3 / 14)
    assert report.degraded_summary() == (
        "3 of 14 games skipped (starters not announced: 1, lineup unavailable: 2)"
    )
    clean = OnlineReport(date=date(2024, 6, 10), games_scheduled=2, games_priced=(1, 2))
    assert not clean.degraded
    assert clean.degraded_summary() is None


@pytest.mark.parametrize(("share", "code"), [(None, 3), ("0.5", 0)])
def test_cli_exits_3_when_too_much_of_the_slate_is_skipped(
    clean_env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    share: str | None,
    code: int,
) -> None:
    """4 of 15 games without any lineup (27% > the default 20%): exit 3, saying why."""
    import savantsdk.props._online_slate as online_slate

    league = SimulatedLeague(seed=9, days=3)
    day = league.dates[-1]
    real = online_slate.recent_lineups
    gone = sorted({g.home_id for g in league.games_on(day)})[:4]

    def fewer(*args: Any, **kwargs: Any) -> dict[str, dict[str, tuple[int, ...]]]:
        out = real(*args, **kwargs)
        for tid in gone:
            out.pop(league.team_by_id[tid].abbrev, None)
        return out

    clean_env.setattr(online_slate, "recent_lineups", fewer)
    with FakeUpstream(league, now=datetime(day.year, day.month, day.day, 10, tzinfo=UTC)) as f:
        f.faults("statsapi", BOXSCORE, malformed=1.0)
        for source, url in f.base_urls.items():
            clean_env.setenv(f"SAVANTSDK_{source.upper()}_BASE_URL", url)
        clean_env.setenv("SAVANTSDK_ODDS_API_KEY", f.api_keys["odds_api"])
        clean_env.setenv("SAVANTSDK_RETRY_MAX_ATTEMPTS", "1")
        args = ["props", "--date", day.isoformat(), "--history-days", "2", "--stat", "hits"]
        if share is not None:
            args += ["--max-skipped-share", share]
        got = main([*args, "--json"])
    out = capsys.readouterr()
    assert got == code, out.err
    assert len({r["game_pk"] for r in json.loads(out.out)}) == 11
    assert f"{day}: degraded: 4 of 15 games skipped (lineup unavailable: 4)" in out.err
    if code == 3:
        assert "4 of 15 games could not be priced (27% > --max-skipped-share 0.2)" in out.err
