"""Online props cost over offline: ``client.props.generate(date)`` with a warm cache.

    python benchmarks/online.py --json
    python benchmarks/online.py --history-days 45 --repeat 5 --json

One core (BLAS threads pinned to 1).  A ``SimulatedLeague`` of ``--history-days + 1`` days (15
games a day) behind ``FakeUpstream`` on loopback.  One client pulls the slate's history once
into a shared ``MemoryCache``; each timed online run then uses a *new* ``AsyncClient`` on that
cache, so no in-process memo (settled histories, props) helps it: every history day is a cache
hit that the client reads, decodes and ingests.

* ``online_warm_generate_s``: ``client.props.generate(day, history_days=N)``, best of
  ``--repeat``, with ``online_warm_upstream_requests`` (what it still asks upstream: today's
  schedule, lineups and lines, which are not cached for long).
* ``offline_generate_s``: the same history bytes (fetched once from the same server) through
  ``ingest_statcast`` and ``generate_from_statcast`` with the same slate, lines and names,
  best of ``--repeat``, interleaved with the online runs.
* ``online_over_offline``: the ratio (target <= 1.15: the online path adds no parsing of its
  own).  It also carries the day's schedule, lineup and lines requests the warm run still
  makes, served by the fake in this process (competing for the GIL).
* ``online_warm_history_s`` / ``offline_ingest_s`` / ``history_over_ingest``: the Statcast part
  alone: ``client.props.history(day, days=N)`` from the warm cache (a new client) against
  ``ingest_statcast`` of the same bytes.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import anyio  # noqa: E402
import httpx  # noqa: E402
import numpy as np  # noqa: E402

from savantsdk import ApiKeys, AsyncClient  # noqa: E402
from savantsdk.cache import Cache, MemoryCache  # noqa: E402
from savantsdk.props import generate_from_statcast  # noqa: E402
from savantsdk.sources import PlateAppearances, ingest_statcast  # noqa: E402
from savantsdk.testing import FakeUpstream, SimulatedLeague  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history-days", type=int, default=45)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    n = args.history_days
    league = SimulatedLeague(seed=args.seed, days=n + 1)
    day = league.dates[-1]
    # 16:00 UTC on the slate's day: history days are final, the slate's games not started
    now = dt.datetime(day.year, day.month, day.day, 16, tzinfo=dt.UTC)
    with FakeUpstream(league, now=now) as fake:
        cache = Cache(MemoryCache(max_bytes=2 << 30, max_entries=100_000))

        def client() -> AsyncClient:
            return AsyncClient(
                base_urls=fake.base_urls,
                api_keys=ApiKeys(odds_api=fake.api_keys["odds_api"]),
                cache=cache,
            )

        async def online() -> tuple[float, Any, Any, int]:
            before = len(fake.requests())
            async with client() as c:
                t0 = time.perf_counter()
                props = await c.props.generate(day, history_days=n)
                elapsed = time.perf_counter() - t0
                return elapsed, props, c.props.last_report, len(fake.requests()) - before

        cold_s, props, report, cold_requests = anyio.run(online)
        # the offline side's inputs: the same days' bytes from the same server, and the
        # slate, lines and names the online run used
        first = day - dt.timedelta(days=n)
        with httpx.Client(base_url=fake.base_urls["savant"], timeout=60) as http:
            bodies = []
            for k in range(n):
                d = (first + dt.timedelta(days=k)).isoformat()
                params = {"all": "true", "type": "details", "game_date_gt": d,
                          "game_date_lt": d, "player_type": "pitcher"}  # fmt: skip
                r = http.get("/statcast_search/csv", params=params)
                r.raise_for_status()
                bodies.append(r.content)
        history = PlateAppearances.concat([ingest_statcast(b) for b in bodies])

        async def inputs() -> tuple[Any, Any, Any]:
            async with client() as c:
                slate, _ = await c.props.slate(day, history)
                lines, _ = await c.props.lines(day)
                names = await c.props._names(slate)
                return slate, lines, names

        slate, lines, names = anyio.run(inputs)

        def offline() -> Any:
            pas = PlateAppearances.concat([ingest_statcast(b) for b in bodies])
            return generate_from_statcast(pas, day, slate=slate, lines=lines, player_names=names)

        async def online_history() -> float:
            async with client() as c:
                t0 = time.perf_counter()
                await c.props.history(day, days=n)
                return time.perf_counter() - t0

        def offline_ingest() -> float:
            t0 = time.perf_counter()
            PlateAppearances.concat([ingest_statcast(b) for b in bodies])
            return time.perf_counter() - t0

        t_on = t_off = t_hist = t_ingest = float("inf")
        warm_requests = 0
        offline_props = None
        for _ in range(args.repeat):  # interleaved, so both see the same machine state
            s, props, report, warm_requests = anyio.run(online)
            t_on = min(t_on, s)
            t0 = time.perf_counter()
            offline_props = offline()
            t_off = min(t_off, time.perf_counter() - t0)
            t_hist = min(t_hist, anyio.run(online_history))
            t_ingest = min(t_ingest, offline_ingest())
    assert offline_props is not None
    result = {
        "online_warm_generate_s": round(t_on, 4),
        "offline_generate_s": round(t_off, 4),
        "online_over_offline": round(t_on / t_off, 3),
        "online_warm_history_s": round(t_hist, 4),
        "offline_ingest_s": round(t_ingest, 4),
        "history_over_ingest": round(t_hist / t_ingest, 3),
        "online_cold_generate_s": round(cold_s, 3),
        "online_cold_upstream_requests": cold_requests,
        "online_warm_upstream_requests": warm_requests,
        "history_days": n,
        "history_pas": report.history_pas,
        "games_priced": len(report.games_priced),
        "online_props": len(props),
        "offline_props": len(offline_props),
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>32}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
