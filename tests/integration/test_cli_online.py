"""``savantsdk props`` without ``--statcast`` (the live sources, pointed at FakeUpstream
through the documented SAVANTSDK_*_BASE_URL variables) and ``savantsdk demo``."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from savantsdk._cli import main
from savantsdk.testing import FakeUpstream, SimulatedLeague


def test_props_online_reads_base_urls_and_keys_from_the_environment(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    league = SimulatedLeague(seed=9, days=3)
    day = league.dates[-1]
    with FakeUpstream(league, now=datetime(day.year, day.month, day.day, 16, tzinfo=UTC)) as f:
        for source, url in f.base_urls.items():
            clean_env.setenv(f"SAVANTSDK_{source.upper()}_BASE_URL", url)
        clean_env.setenv("SAVANTSDK_ODDS_API_KEY", f.api_keys["odds_api"])
        args = ["props", "--date", day.isoformat(), "--history-days", "2", "--stat", "hits"]
        code = main([*args, "--json"])
        out = capsys.readouterr()
        assert code == 0, out.err
        assert f.count("odds_api") > 0
    rows = json.loads(out.out)
    assert {r["stat"] for r in rows} == {"hits"}
    assert {r["game_pk"] for r in rows} == {g.game_pk for g in league.games_on(day)}
    assert any(r["line_source"].startswith("odds_api:") for r in rows)
    assert "games priced" in out.err
    assert "apiKey" not in out.err  # the key never reaches the output
    assert f.api_keys["odds_api"] not in out.out + out.err


def test_demo_json_has_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["demo", "--json", "--history-days", "3", "--latency-ms", "5", "--top", "5"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    cold, warm = result["cycles"]
    assert cold["upstream_requests"] > 0
    assert cold["upstream_by_source"]["savant"] == 3
    assert cold["props"] > 0
    assert warm["upstream_requests"] == 0
    assert warm["cache_hit_rate"] == 1.0
    assert warm["props"] == cold["props"]
    assert result["bound_s"] > 0
    assert result["bound_source"] in cold["upstream_by_source"]
    assert set(result["metrics"]) == {"executors", "cache"}
    assert result["metrics"]["executors"]["savant"]["attempts"] == 3
    assert result["metrics"]["cache"]["policy"]["hits"] > 0
    assert len(result["top"]) == 5
    edges = [r["edge"] for r in result["top"]]
    assert edges == sorted(edges, reverse=True)
