"""Props cycles under faults: the ``props_cycles`` part of ``benchmarks/faults.py``.

    python benchmarks/faults.py --json --items 0     # only the props cycles
    python benchmarks/faults_props.py --json         # the same, on its own

``FakeUpstream`` (in a child process, on loopback) serves a simulated league; its last day is
the slate (15 games).  One ``AsyncClient`` with the embedded memory cache runs ``--cycles``
(20) ``client.props.generate(day, history_days=7)`` cycles, the way a service repeats its
props job, with simulated time moved 301 s between cycles (past the schedule's 300 s fresh
TTL, so every cycle asks the Stats API for the schedule, lineups and lines again; reference
data and settled Statcast days stay cached as they would).  Every route of every source has
the fault mix of the 10,000-call run: 20% 503, 5% 429 (``Retry-After: 1``), 5% hangs longer
than the client's timeout, 2% bodies cut short.  The client keeps its shipped retry and
breaker policies; only the timeouts are short (``--timeout``, total per attempt).

Before the faulty run, one clean cycle (same instant, no faults, its own cold client) gives
``clean_cycle_s`` and the games a cycle should price.  Reported under ``props_cycles``:
``games_scheduled``, ``games_priced``, ``games_priced_ratio`` [>= 0.98], ``untyped_errors``
[0: every error a report, a skip reason or a raised exception names is a ``SavantError``],
``cycles_failed`` (cycles that raised), ``max_cycle_s`` and ``clean_cycle_s`` (and their
ratio), ``skip_reasons`` (skipped games counted by reason), ``lineup_sources``,
``degraded_cycles`` and the first degraded summary.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import json
import multiprocessing
import re
import sys
import time
import warnings
from multiprocessing.connection import Connection
from typing import Any

import savantsdk.exceptions as errors_module
from savantsdk import ApiKeys, AsyncClient, CacheSettings, PartialResultWarning, SavantError
from savantsdk._clock import FakeClock, SimulatedWallClock
from savantsdk._config import Timeout, default_source_settings
from savantsdk.testing import FakeUpstream, SimulatedLeague

#: the 10,000-call run's mix (benchmarks/faults.py FAULTS), on every route of every source
FAULT_MIX = {"server_error": 0.20, "rate_limited": 0.05, "timeout": 0.05, "malformed": 0.02}
HISTORY_DAYS = 7
START = dt.date(2024, 4, 1)
STEP_S = 301.0  # past the schedule's fresh TTL (300 s)
_TYPE_NAME = re.compile(r"\b([A-Z][A-Za-z]*(?:Error|Exception))\b")


def _serve(conn: Connection, seed: int, now_iso: str, hang_s: float) -> None:
    """Child process: FakeUpstream on a FakeClock, answering ``conn``'s commands."""
    league = SimulatedLeague(seed=seed, season=2024, start=START, days=HISTORY_DAYS + 1)
    clock = FakeClock()
    now = dt.datetime.fromisoformat(now_iso)
    with FakeUpstream(league, now=now, clock=clock, fault_seed=seed) as fake:
        fake.warm()
        day = league.dates[-1]
        conn.send(
            {
                "base_urls": fake.base_urls,
                "odds_api_key": fake.api_keys["odds_api"],
                "day": day.isoformat(),
                "scheduled": len(list(league.games_on(day))),
            }
        )
        while True:
            cmd, arg = conn.recv()
            if cmd == "stop":
                break
            if cmd == "faults":
                for source in fake.base_urls:
                    fake.faults(source, "*", hang_s=hang_s, retry_after_s=1.0, **FAULT_MIX)
                fake.reset_counts()
                conn.send(None)
            elif cmd == "advance":
                clock.advance(arg)
                conn.send(None)
            elif cmd == "count":
                conn.send(fake.count())
    conn.send("stopped")


class _RemoteFake:
    """The parent's handle on the child's FakeUpstream (so the fake's work does not compete
    with the client for this process's GIL, as in the 10,000-call run)."""

    def __init__(self, seed: int, now: dt.datetime, hang_s: float) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(
            target=_serve, args=(child, seed, now.isoformat(), hang_s), daemon=True
        )
        self._proc.start()
        child.close()
        info = self._conn.recv()
        self.base_urls: dict[str, str] = info["base_urls"]
        self.odds_api_key: str = info["odds_api_key"]
        self.day = dt.date.fromisoformat(info["day"])
        self.scheduled: int = info["scheduled"]
        self._now0 = now
        self._advanced = 0.0

    def ask(self, cmd: str, arg: Any = None) -> Any:
        self._conn.send((cmd, arg))
        return self._conn.recv()

    def advance(self, seconds: float) -> None:
        self.ask("advance", seconds)
        self._advanced += seconds

    def now(self) -> dt.datetime:
        return self._now0 + dt.timedelta(seconds=self._advanced)

    def stop(self) -> None:
        self.ask("stop")
        self._proc.join(10)


def _untyped(texts: list[str]) -> list[str]:
    """Exception type names in ``texts`` that are not ``SavantError`` subclasses."""
    bad: list[str] = []
    for text in texts:
        for name in _TYPE_NAME.findall(text):
            cls = getattr(errors_module, name, None)
            if not (isinstance(cls, type) and issubclass(cls, SavantError)):
                bad.append(name)
    return bad


def _client(fake: _RemoteFake, timeout_s: float) -> AsyncClient:
    t = timeout_s
    timeout = Timeout(connect_s=t, read_s=t, write_s=t, pool_s=5.0, total_s=t)
    sources = {
        name: default_source_settings(name, base_url=url, timeout=timeout)
        for name, url in fake.base_urls.items()
    }
    return AsyncClient(
        sources=sources,
        api_keys=ApiKeys(odds_api=fake.odds_api_key),
        cache_settings=CacheSettings(backend="memory"),
        clock=SimulatedWallClock(fake.now),
    )


async def _clean_cycle(fake: _RemoteFake, timeout_s: float) -> tuple[float, int]:
    async with _client(fake, timeout_s) as client:
        t0 = time.perf_counter()
        await client.props.generate(fake.day, history_days=HISTORY_DAYS)
        wall = time.perf_counter() - t0
        report = client.props.last_report
        assert report is not None
        return wall, len(report.games_priced)


async def _cycles(fake: _RemoteFake, args: argparse.Namespace) -> dict[str, Any]:
    from savantsdk.props import _generate  # noqa: F401  # imports are start-up, not a cycle

    day = fake.day
    clean_s, clean_games = await _clean_cycle(fake, args.timeout)
    fake.ask("faults")
    walls: list[float] = []
    priced = 0
    failed_cycles: list[str] = []
    texts: list[str] = []
    skips: collections.Counter[str] = collections.Counter()
    lineup_sources: collections.Counter[str] = collections.Counter()
    degraded: list[str] = []
    partial_warnings = 0
    async with _client(fake, args.timeout) as client:
        for _ in range(args.cycles):
            t0 = time.perf_counter()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", PartialResultWarning)
                try:
                    await client.props.generate(day, history_days=HISTORY_DAYS)
                except Exception as exc:  # counted below: typed or not
                    failed_cycles.append(f"{type(exc).__name__}: {exc}")
                    report = None
                else:
                    report = client.props.last_report
            partial_warnings += sum(w.category is PartialResultWarning for w in caught)
            walls.append(time.perf_counter() - t0)
            fake.advance(STEP_S)
            if report is None:
                continue
            priced += len(report.games_priced)
            skips.update(reason.split(":", 1)[0] for reason in report.skipped_games.values())
            lineup_sources.update(report.lineup_sources)
            texts += [*report.skipped_games.values(), *report.history_errors.values()]
            texts += [*report.lines_errors, *report.input_errors.values()]
            texts += [report.lines_error] if report.lines_error else []
            summary = report.degraded_summary()
            if summary:
                degraded.append(summary)
    untyped = _untyped(texts) + [
        name for text in failed_cycles for name in [text.split(":", 1)[0]] if _untyped([name])
    ]
    possible = clean_games * args.cycles
    return {
        "cycles": args.cycles,
        "history_days": HISTORY_DAYS,
        "games_scheduled": fake.scheduled,
        "clean_games_priced": clean_games,
        "games_priced": priced,
        "games_possible": possible,
        "games_priced_ratio": round(priced / possible, 4) if possible else None,
        "untyped_errors": len(untyped),
        "untyped_error_types": sorted(set(untyped)),
        "cycles_failed": len(failed_cycles),
        "cycle_errors": failed_cycles[:3],
        "clean_cycle_s": round(clean_s, 3),
        "max_cycle_s": round(max(walls), 3),
        "median_cycle_s": round(sorted(walls)[len(walls) // 2], 3),
        "max_over_clean": round(max(walls) / clean_s, 2),
        "skip_reasons": dict(skips),
        "lineup_sources": dict(lineup_sources),
        "degraded_cycles": len(degraded),
        "partial_result_warnings": partial_warnings,
        "first_degraded_summary": degraded[0] if degraded else None,
        "upstream_requests": fake.ask("count"),
        "faults": {**FAULT_MIX, "hang_s": args.hang, "retry_after_s": 1.0},
        "client_timeout_s": args.timeout,
        "checks": {
            "games_priced_ratio_ge_0_98": bool(possible) and priced / possible >= 0.98,
            "untyped_errors_0": not untyped,
            "clean_cycle_priced_every_game": clean_games == fake.scheduled,
        },
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """The props cycles (module docs); ``args``: seed, cycles, timeout, hang."""
    day = SimulatedLeague(seed=args.seed, season=2024, start=START, days=HISTORY_DAYS + 1).dates[-1]
    # 14:00 UTC: a few lineups posted; 20 cycles x 301 s end before the first pitch (17:05)
    now = dt.datetime(day.year, day.month, day.day, 14, tzinfo=dt.UTC)
    fake = await asyncio.to_thread(_RemoteFake, args.seed, now, args.hang)
    try:
        return await _cycles(fake, args)
    finally:
        await asyncio.to_thread(fake.stop)


def add_arguments(parser: argparse.ArgumentParser, *, prefix: str = "") -> None:
    parser.add_argument(f"--{prefix}cycles", type=int, default=20, help="props cycles")
    parser.add_argument(
        f"--{prefix}timeout", type=float, default=2.0, help="client timeout per attempt (s)"
    )
    parser.add_argument(
        f"--{prefix}hang", type=float, default=3.0, help="how long a hung request hangs (s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=7, help="league and fault seed")
    add_arguments(parser)
    args = parser.parse_args()
    out = asyncio.run(run(args))
    print(json.dumps(out) if args.json else json.dumps(out, indent=2))
    return 0 if all(out["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
