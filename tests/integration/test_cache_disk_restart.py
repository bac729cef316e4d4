"""The disk cache across processes, end to end against FakeUpstream (real loopback HTTP):
a restarted process re-reads a cached week of Statcast with 0 upstream requests; ``savantsdk
demo --cache disk`` run twice with one directory makes 0 requests in the second run's first
cycle; ``savantsdk cache info|clear`` report and delete what is there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from savantsdk._cli import main
from savantsdk.testing import FakeUpstream, SimulatedLeague

ROOT = Path(__file__).resolve().parents[2]

READER = textwrap.dedent(
    """
    import json, sys, datetime as dt
    from savantsdk.sync import Client

    urls = json.loads(sys.argv[1])
    start, end = dt.date.fromisoformat(sys.argv[2]), dt.date.fromisoformat(sys.argv[3])
    with Client(base_urls=urls) as client:  # the default cache: memory + disk
        result = client.savant.statcast(start, end)
        stats = client.cache.stats()
    print(json.dumps({
        "rows": len(result.table),
        "days": len(result.days),
        "cached_days": len(result.cached_days),
        "pitches": sorted(result.to_pandas()["pitch_type"].fillna("").astype(str))[:50],
        "disk_hits": stats["disk"].hits,
    }))
    """
)


def _read_week(urls: dict[str, str], start: str, end: str, cache_dir: Path) -> dict[str, object]:
    env = {
        **os.environ,
        "SAVANTSDK_CACHE_DIR": str(cache_dir),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path]),
    }
    env.pop("SAVANTSDK_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", READER, json.dumps(urls), start, end],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    out: dict[str, object] = json.loads(done.stdout)
    return out


def test_a_second_process_rereads_a_cached_week_with_no_upstream_request(tmp_path: Path) -> None:
    league = SimulatedLeague(seed=5, days=7)
    start, end = league.dates[0].isoformat(), league.dates[-1].isoformat()
    with FakeUpstream(league, now=datetime(2024, 12, 1, tzinfo=UTC)) as fake:
        first = _read_week(fake.base_urls, start, end, tmp_path)
        assert fake.count("savant") >= 7  # one request per day at least
        assert first["cached_days"] == 0
        fake.reset_counts()
        second = _read_week(fake.base_urls, start, end, tmp_path)  # a restarted kernel
        assert fake.count() == 0
    assert second["rows"] == first["rows"]
    assert isinstance(first["rows"], int)
    assert first["rows"] > 1000
    assert second["days"] == first["days"] == 7
    assert second["cached_days"] == 7
    assert second["pitches"] == first["pitches"]
    assert second["disk_hits"] == 7


def _demo(cache_dir: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code = main(
        [
            "demo",
            "--json",
            "--history-days",
            "3",
            "--latency-ms",
            "2",
            "--top",
            "3",
            "--cache",
            "disk",
            "--cache-dir",
            str(cache_dir),
        ]
    )
    assert code == 0
    result: dict[str, object] = json.loads(capsys.readouterr().out)
    return result


def test_demo_with_a_disk_cache_twice_makes_no_request_the_second_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _demo(tmp_path, capsys)
    assert first["cache"] == "tiered(memory+disk)"
    cycles = first["cycles"]
    assert isinstance(cycles, list)
    assert cycles[0]["upstream_requests"] > 0
    second = _demo(tmp_path, capsys)
    again = second["cycles"]
    assert isinstance(again, list)
    assert again[0]["upstream_requests"] == 0
    assert again[0]["cache_hit_rate"] == 1.0
    assert again[0]["props"] == cycles[0]["props"]
    assert second["top"] == first["top"]

    assert main(["cache", "info", "--cache-dir", str(tmp_path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["path"] == str(tmp_path / "cache-v1.sqlite3")
    assert info["entries"] > 0
    classes = {c["data_class"]: c for c in info["classes"]}
    statcast = classes["savant:statcast"]
    assert statcast["entries"] == 3  # the three history days
    assert statcast["hits"] >= 3  # the second run read them from disk
    assert statcast["hit_rate"] == pytest.approx(statcast["hits"] / (statcast["hits"] + 3))
    assert sum(c["bytes"] for c in info["classes"]) == info["bytes"]

    assert main(["cache", "info", "--cache-dir", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "savant:statcast" in text
    assert "hit rate" in text

    assert main(["cache", "clear", "--cache-dir", str(tmp_path)]) == 0
    assert f"deleted {info['entries']} entries" in capsys.readouterr().out
    assert main(["cache", "info", "--cache-dir", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 0
