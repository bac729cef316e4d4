"""Capacity of FakeUpstream itself, so other benchmarks can tell when it was the bottleneck.

    python benchmarks/fake_upstream_capacity.py --json

Starts FakeUpstream in-process (as every other benchmark uses it), warms the simulated days,
then drives two routes with ``--concurrency`` workers sharing one ``httpx.AsyncClient``:

* ``small_json``: ``/statsapi/api/v1/people/{id}`` (about 1.2 kB of JSON);
* ``savant_day_csv``: ``/savant/statcast_search/csv`` for one full day (15 games, ~4,500 rows,
  ~1.8 MB with BOM, the real 118-column layout).

Reports requests/s, latency percentiles and the server's own ``saturation()`` verdict for each.
Client and server share one process (and its GIL), as in every other benchmark.  A second pass
(``raw_ceiling``) drives the same routes from a separate process with a minimal keep-alive
HTTP/1.1 client, to show the server's own ceiling independent of httpx's client-side cost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from typing import Any

import httpx

from savantsdk.testing import FakeUpstream, SimulatedLeague


async def drive(
    fake: FakeUpstream, url: str, params: dict[str, str], *, requests: int, concurrency: int
) -> dict[str, Any]:
    fake.reset_saturation()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    latencies: list[float] = []
    errors = 0
    sizes: list[int] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)

    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def worker() -> None:
            nonlocal errors
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t0 = time.perf_counter()
                r = await client.get(url, params=params)
                latencies.append(time.perf_counter() - t0)
                sizes.append(len(r.content))
                errors += r.status_code != 200

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - start
    sat = fake.saturation()
    latencies.sort()
    return {
        "requests": requests,
        "concurrency": concurrency,
        "errors": errors,
        "wall_s": round(wall, 3),
        "rps": round(requests / wall, 1),
        "mb_per_s": round(sum(sizes) / wall / 1e6, 1),
        "body_bytes": int(statistics.median(sizes)),
        "latency_ms": {
            "p50": round(latencies[len(latencies) // 2] * 1000, 2),
            "p99": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
        },
        "server_saturated": sat.saturated,
        "server_p99_loop_lag_ms": round(sat.p99_loop_lag_s * 1000, 2),
        "server_peak_in_flight": sat.peak_in_flight,
    }


async def raw_client(port: int, path: str, requests: int, concurrency: int) -> dict[str, Any]:
    """Minimal keep-alive HTTP/1.1 load generator (run in its own process)."""
    left = [requests]
    nbytes = [0]

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while left[0] > 0:
            left[0] -= 1
            writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
            body = await reader.readexactly(length)  # await first: `+=` would race
            nbytes[0] += len(body)
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - start
    return {
        "requests": requests,
        "concurrency": concurrency,
        "wall_s": round(wall, 3),
        "rps": round(requests / wall, 1),
        "mb_per_s": round(nbytes[0] / wall / 1e6, 1),
    }


def raw_ceiling(fake: FakeUpstream, path: str, requests: int, concurrency: int) -> dict[str, Any]:
    fake.reset_saturation()
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--raw-client",
            str(fake.port),
            path,
            str(requests),
            str(concurrency),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    sat = fake.saturation()
    result["server_saturated"] = sat.saturated
    result["server_p99_loop_lag_ms"] = round(sat.p99_loop_lag_s * 1000, 2)
    return result


async def main(args: argparse.Namespace) -> dict[str, Any]:
    league = SimulatedLeague(seed=args.seed, days=2)
    async with FakeUpstream(league) as fake:
        t0 = time.perf_counter()
        fake.warm()
        warm_s = time.perf_counter() - t0
        day = league.dates[0].isoformat()
        pid = league.schedule[0].home_starter
        base = fake.base_urls
        small = await drive(
            fake,
            f"{base['statsapi']}/api/v1/people/{pid}",
            {},
            requests=args.small_requests,
            concurrency=args.concurrency,
        )
        csv_params = {"all": "true", "type": "details", "game_date_gt": day, "game_date_lt": day}
        big = await drive(
            fake,
            f"{base['savant']}/statcast_search/csv",
            csv_params,
            requests=args.csv_requests,
            concurrency=args.concurrency,
        )
        csv_path = "/savant/statcast_search/csv?" + "&".join(
            f"{k}={v}" for k, v in csv_params.items()
        )
        ceiling = {
            "small_json": await asyncio.to_thread(
                raw_ceiling,
                fake,
                f"/statsapi/api/v1/people/{pid}",
                args.small_requests,
                args.concurrency,
            ),
            "savant_day_csv": await asyncio.to_thread(
                raw_ceiling, fake, csv_path, args.csv_requests, args.concurrency
            ),
        }
    return {
        "benchmark": "fake_upstream_capacity",
        "python": sys.version.split()[0],
        "warm_s": round(warm_s, 3),
        "small_json": small,
        "savant_day_csv": big,
        "raw_ceiling": ceiling,
    }


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--raw-client":
        port, path, n, c = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
        print(json.dumps(asyncio.run(raw_client(int(port), path, int(n), int(c)))))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--small-requests", type=int, default=5000)
    parser.add_argument("--csv-requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    ns = parser.parse_args()
    result = asyncio.run(main(ns))
    if ns.json:
        print(json.dumps(result))
    else:
        for name in ("small_json", "savant_day_csv"):
            r = result[name]
            c = result["raw_ceiling"][name]
            print(
                f"{name:15s} httpx {r['rps']:>8.1f} req/s {r['mb_per_s']:>6.1f} MB/s "
                f"p50 {r['latency_ms']['p50']} ms p99 {r['latency_ms']['p99']} ms "
                f"saturated={r['server_saturated']} | raw ceiling {c['rps']:>8.1f} req/s "
                f"saturated={c['server_saturated']}"
            )
