"""Reliability under faults: a full cycle of upstream calls through a real AsyncClient.

    python benchmarks/faults.py --json                # 10,000 items, one JSON object
    python benchmarks/faults.py --items 2000          # a readable summary of a smaller run
    python benchmarks/faults.py --json --items 0      # only the props cycles (props_cycles)

Two parts in one run: the 10,000-call map below, then ``props_cycles``: 20 props cycles
(7 history days, 15 games) through the same fault mix on every source (see
``benchmarks/faults_props.py`` for what it reports and checks).

Not a test (wall time depends on the machine), but every invariant is checked and the script
exits 1 when one is broken; the JSON carries the verdicts under ``checks``.

Setup: ``FakeUpstream`` runs in a child process (so this process holds only the client: its
tasks, sockets and memory are what is measured, and the server does not compete for this
process's GIL), serving real loopback HTTP with a seeded fault mix on the Stats API route
``/api/v1/people/{id}``: 20% 503 pages, 5% 429 with ``Retry-After: 1``, 5% hangs
(``--hang``, longer than the client timeout) and 2% bodies cut in half.  One ``AsyncClient``
(no cache, so every item is a real upstream call) runs
``client.map("statsapi", fetch, items)``; ``fetch`` is one attempt, as in the SDK's own source
clients: a GET through the HTTP seam (``savantsdk._http.send``: status -> typed error, total
deadline) then ``parse_people`` (truncated JSON -> ``SourceDecodeError``).  Item ``i`` asks for
player ``i mod 780`` with ``?item=i`` in the query, so the fake's request log can be matched
to items.  Client policy: timeout ``--timeout`` (0.3 s) per attempt, ``RetryPolicy(
max_attempts=4, initial_backoff_s=0.05, max_backoff_s=1)``, concurrency ``--concurrency``
(24), no rate limit, map window ``--window`` (1000), breaker armed with ``--fail-max`` (50).

Reported (invariants in brackets; a broken one makes the exit status 1):

* ``items``, ``ok``, ``failed_typed`` (every error a ``SavantError``: ``failed_untyped`` [0]),
  ``errors_by_type``;
* ``lost`` [0]: items without their own outcome (missing, or a value for another player);
* ``duplicated`` [0]: extra outcomes, or items whose attempt function returned a value more
  than once (an attempt retried after it had succeeded);
* ``retries`` (executor metrics) [<= ``retry_budget`` = items x (max_attempts - 1)];
  ``attempts`` [= the attempts ``fetch`` counted]; ``max_attempts_per_item`` [<= max_attempts];
  ``upstream_requests`` (the fake's log) [per item, never more than the item's attempts, and
  every attempt missing from the log ended in ``SourceTimeoutError``: the client gave up
  before the request reached the fake's app; reported as ``attempts_not_seen_by_upstream``];
* ``rate_limited`` (429s seen) and ``pauses`` (source-wide pauses started);
* ``max_consecutive_failures``: the longest run of breaker failures (timeouts, 5xx) in
  completion order, 429s and decode errors not resetting it (what the breaker counts);
  ``breaker_transitions``, ``circuit_open_rejections``;
* ``leaked_tasks`` [0]: asyncio tasks left after ``client.aclose()`` beyond those before it;
* ``open_fds_before`` / ``open_fds_after`` [equal]: this process's descriptors before the
  client existed and after it closed; ``client_sockets_after`` [0]: sockets still connected
  to the fake's port (``/proc/self/net/tcp*``); ``in_flight_after``, ``limiter_waiting_after``,
  ``slots_borrowed_after`` [0];
* ``peak_rss_mb`` (this process's ``ru_maxrss``: the client side only; ``rss_before_mb``: before
  the client was built, imports included), ``wall_s`` of the map,
  ``fake_saturated`` with the fake's event-loop lag (was the fake the bottleneck?);
* ``healthy_answers_dropped``: fault-free 200s the fake sent that the client did not use (it
  had timed out first): the price of a tight client timeout on a loaded machine.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import multiprocessing
import os
import platform
import resource
import sys
import time
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import parse_qs

import faults_props  # benchmarks/faults_props.py, beside this script

from savantsdk import (
    AsyncClient,
    BreakerPolicy,
    RateLimit,
    RetryPolicy,
    SavantError,
    SourceDecodeError,
    SourceSettings,
    SourceTimeoutError,
    Timeout,
)
from savantsdk._http import describe_request, send
from savantsdk.executor import Lane
from savantsdk.executor._breaker import Outcome3
from savantsdk.executor._executor import classify_outcome
from savantsdk.sources import Person, parse_people

SOURCE = "statsapi"
ROUTE = "/api/v1/people/*"
FAULTS = {
    "server_error": 0.20,
    "rate_limited": 0.05,
    "retry_after_s": 1,
    "timeout": 0.05,
    "malformed": 0.02,
}
_BREAKER_CODE = {Outcome3.FAILURE: "F", Outcome3.SUCCESS: "S", Outcome3.NEUTRAL: "N"}


# --------------------------------------------------------------------------- the fake, in a child


def serve(conn: Connection, seed: int, hang_s: float) -> None:
    """Child process: run FakeUpstream and answer ``conn``'s commands until ``stop``."""
    from savantsdk.testing import FakeUpstream, SimulatedLeague

    league = SimulatedLeague(seed=seed, days=1)
    with FakeUpstream(league, fault_seed=seed) as fake:
        fake.faults(SOURCE, ROUTE, hang_s=hang_s, **FAULTS)
        conn.send(
            {
                "base_url": fake.base_urls[SOURCE],
                "port": fake.port,
                "players": sorted(league.players),
            }
        )
        while True:
            cmd = conn.recv()
            if cmd == "stop":
                break
            if cmd == "reset":
                fake.reset_counts()
                fake.reset_saturation()
                conn.send(None)
            elif cmd == "count":
                conn.send(fake.count(SOURCE))
            elif cmd == "log":
                conn.send([(r.query, r.status, r.fault) for r in fake.requests(SOURCE)])
            elif cmd == "saturation":
                s = fake.saturation()
                conn.send((s.saturated, s.p99_loop_lag_s, s.max_loop_lag_s, s.peak_in_flight))
    conn.send("stopped")


class RemoteFake:
    """The parent's handle on the child's FakeUpstream."""

    def __init__(self, seed: int, hang_s: float) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=serve, args=(child, seed, hang_s), daemon=True)
        self._proc.start()
        child.close()
        info = self._conn.recv()
        self.base_url: str = info["base_url"]
        self.port: int = info["port"]
        self.players: list[int] = info["players"]

    def ask(self, cmd: str) -> Any:
        self._conn.send(cmd)
        return self._conn.recv()

    def stop(self) -> None:
        self.ask("stop")
        self._proc.join(10)


# --------------------------------------------------------------------------- process probes


def open_fds() -> int | None:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return None


def sockets_to(port: int) -> int | None:
    """Sockets of this process whose remote end is ``port`` (Linux ``/proc``; else None)."""
    inodes: set[str] = set()
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        try:
            with open(table) as fh:
                rows = fh.read().splitlines()[1:]
        except OSError:
            return None
        for row in rows:
            cols = row.split()
            if len(cols) > 9 and int(cols[2].rsplit(":", 1)[1], 16) == port and cols[9] != "0":
                inodes.add(cols[9])
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            link = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        count += link.startswith("socket:[") and link[8:-1] in inodes
    return count


def rss_mb() -> float | None:
    """Resident memory now (Linux ``/proc/self/statm``; else None)."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
    except OSError:
        return None
    return round(pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024), 1)


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / 1024 if sys.platform != "darwin" else kb / (1024 * 1024), 1)


# --------------------------------------------------------------------------- the cycle


def client_settings(base_url: str, args: argparse.Namespace) -> SourceSettings:
    t = args.timeout
    return SourceSettings(
        name=SOURCE,
        base_url=base_url,
        timeout=Timeout(connect_s=t, read_s=t, write_s=t, pool_s=5.0, total_s=t),
        retry=RetryPolicy(
            max_attempts=args.max_attempts,
            initial_backoff_s=0.05,
            max_backoff_s=1.0,
            max_retry_after_s=5.0,
        ),
        rate_limit=RateLimit(rate_per_s=args.rate, concurrency=args.concurrency),
        breaker=BreakerPolicy(fail_max=args.fail_max, reset_timeout_s=1.0),
    )


async def cycle(fake: RemoteFake, args: argparse.Namespace) -> dict[str, Any]:
    n = args.items
    players = fake.players
    items = [(i, players[i % len(players)]) for i in range(n)]
    attempts = [0] * n
    successes = [0] * n
    timeouts = [0] * n  # attempts that ended in SourceTimeoutError, per item
    completions: list[str] = []  # F(ailure) / S(uccess) / N(eutral) for the breaker, in order
    me = asyncio.current_task()
    tasks_before = len([t for t in asyncio.all_tasks() if t is not me])
    fds_before = open_fds()
    rss_before = rss_mb()

    client = AsyncClient(sources={SOURCE: client_settings(fake.base_url, args)}, cache=None)
    settings = client.settings(SOURCE)
    http = client.http(SOURCE)

    async def fetch(item: tuple[int, int]) -> Person:
        i, pid = item
        attempts[i] += 1
        try:
            response = await send(
                http,
                SOURCE,
                "GET",
                f"/api/v1/people/{pid}",
                params={"item": i},
                total_timeout_s=settings.timeout.total_s,
            )
            people = parse_people(response.content, request=describe_request(response.request))
            if len(people) != 1 or people[0].id != pid:
                raise SourceDecodeError(f"asked for {pid}, got {people!r}", source=SOURCE)
        except Exception as exc:
            timeouts[i] += isinstance(exc, SourceTimeoutError)
            completions.append(_BREAKER_CODE[classify_outcome(exc)])
            raise
        successes[i] += 1
        completions.append("S")
        return people[0]

    fake.ask("reset")
    t0 = time.perf_counter()
    try:
        result = await client.map(
            SOURCE, fetch, items, lane=Lane.HISTORICAL, batch_size=args.window
        )
        wall_s = time.perf_counter() - t0
        metrics = client.metrics()[SOURCE]
        slots = client.executor(SOURCE).capacity.statistics()
    finally:
        await client.aclose()
    saturated, lag_p99, lag_max, peak_in_flight = fake.ask("saturation")
    for _ in range(5):
        await asyncio.sleep(0)
    leaked = len([t for t in asyncio.all_tasks() if t is not me]) - tasks_before
    fds_after = open_fds()
    client_sockets = sockets_to(fake.port)

    # ---- outcomes: one per input, each the input's own
    by_index = collections.Counter(item[0] for item in result.items)
    ok = failed_typed = failed_untyped = misdelivered = 0
    errors: collections.Counter[str] = collections.Counter()
    for (_, pid), outcome in result:
        if outcome.error is None:
            if outcome.value is not None and outcome.value.id == pid:
                ok += 1
            else:
                misdelivered += 1
            continue
        errors[type(outcome.error).__name__] += 1
        if isinstance(outcome.error, SavantError):
            failed_typed += 1
        else:
            failed_untyped += 1
    missing = sum(1 for i in range(n) if by_index[i] == 0)
    lost = missing + misdelivered
    duplicated = sum(max(0, c - 1) for c in by_index.values()) + sum(
        max(0, s - 1) for s in successes
    )

    # ---- the fake's log (hung requests are logged when their hang ends: wait for them)
    deadline = time.monotonic() + args.hang + 5
    while fake.ask("count") < metrics.attempts and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    log = fake.ask("log")
    logged: collections.Counter[int] = collections.Counter()
    hangs: collections.Counter[int] = collections.Counter()
    healthy: collections.Counter[int] = collections.Counter()
    faults: collections.Counter[str] = collections.Counter()
    for query, status, fault in log:
        i = int(parse_qs(query)["item"][0])
        logged[i] += 1
        faults[fault or "none"] += 1
        hangs[i] += fault == "timeout"
        healthy[i] += fault is None and status == 200
    dropped = sum(max(0, healthy[i] - successes[i]) for i in range(n))
    unseen = [attempts[i] - logged[i] for i in range(n)]
    log_consistent = all(0 <= unseen[i] <= timeouts[i] - hangs[i] for i in range(n))
    run = longest = 0
    for code in completions:  # neutral outcomes leave the breaker's counter alone
        if code == "F":
            run += 1
            longest = max(longest, run)
        elif code == "S":
            run = 0

    max_attempts = args.max_attempts
    out: dict[str, Any] = {
        "benchmark": "faults",
        "items": n,
        "ok": ok,
        "failed_typed": failed_typed,
        "failed_untyped": failed_untyped,
        "lost": lost,
        "duplicated": duplicated,
        "errors_by_type": dict(sorted(errors.items())),
        "retries": metrics.retries,
        "retry_budget": n * (max_attempts - 1),
        "attempts": metrics.attempts,
        "max_attempts_per_item": max(attempts, default=0),
        "upstream_requests": len(log),
        "attempts_not_seen_by_upstream": sum(unseen),
        "upstream_faults": dict(sorted(faults.items())),
        "rate_limited": metrics.rate_limited,
        "pauses": metrics.pauses,
        "max_consecutive_failures": longest,
        "breaker_transitions": metrics.breaker_transitions,
        "circuit_open_rejections": metrics.circuit_open_rejections,
        "healthy_answers_dropped": dropped,
        "leaked_tasks": leaked,
        "open_fds_before": fds_before,
        "open_fds_after": fds_after,
        "client_sockets_after": client_sockets,
        "in_flight_after": metrics.in_flight,
        "limiter_waiting_after": metrics.limiter_waiting,
        "slots_borrowed_after": slots.borrowed,
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_mb": rss_before,
        "wall_s": round(wall_s, 2),
        "items_per_s": round(n / wall_s, 1),
        "attempts_per_s": round(metrics.attempts / wall_s, 1),
        "latency_p50_s": round(metrics.latency_p50_s, 4),
        "latency_p95_s": round(metrics.latency_p95_s, 4),
        "fake_saturated": saturated,
        "fake_loop_lag_p99_s": round(lag_p99, 4),
        "fake_loop_lag_max_s": round(lag_max, 4),
        "fake_peak_in_flight": peak_in_flight,
    }
    out["checks"] = {
        "one_outcome_per_item": len(result) == n and missing == 0,
        "lost_is_zero": lost == 0,
        "duplicated_is_zero": duplicated == 0,
        "every_error_typed": failed_untyped == 0,
        "outcomes_add_up": ok + failed_typed + failed_untyped + misdelivered == n,
        "retries_within_policy": metrics.retries <= n * (max_attempts - 1),
        "attempts_counted_match": metrics.attempts == sum(attempts),
        "attempts_per_item_within_policy": max(attempts, default=0) <= max_attempts,
        "upstream_log_consistent": log_consistent,
        "no_leaked_tasks": leaked == 0,
        "slots_released": metrics.in_flight == 0
        and metrics.limiter_waiting == 0
        and slots.borrowed == 0,
        "fds_back_to_baseline": fds_after == fds_before,
        "no_client_sockets_left": client_sockets in (0, None),
    }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--items", type=int, default=10_000, help="items (upstream calls)")
    parser.add_argument("--seed", type=int, default=7, help="league and fault seed")
    parser.add_argument("--timeout", type=float, default=0.3, help="client timeout per attempt")
    parser.add_argument("--hang", type=float, default=1.5, help="how long a hung request hangs")
    parser.add_argument("--max-attempts", type=int, default=4, help="RetryPolicy.max_attempts")
    parser.add_argument("--concurrency", type=int, default=24, help="RateLimit.concurrency")
    parser.add_argument("--rate", type=float, default=None, help="RateLimit.rate_per_s")
    parser.add_argument("--window", type=int, default=1000, help="map() batch_size (window)")
    parser.add_argument("--fail-max", type=int, default=50, help="BreakerPolicy.fail_max")
    faults_props.add_arguments(parser, prefix="props-")
    args = parser.parse_args()
    if args.hang <= args.timeout:
        parser.error("--hang must be longer than --timeout")

    out: dict[str, Any] = {"checks": {}}
    if args.items > 0:
        fake = RemoteFake(args.seed, args.hang)
        try:
            out = asyncio.run(cycle(fake, args))
        finally:
            fake.stop()
    if args.props_cycles > 0:
        props_args = argparse.Namespace(
            seed=args.seed,
            cycles=args.props_cycles,
            timeout=args.props_timeout,
            hang=args.props_hang,
        )
        props = asyncio.run(faults_props.run(props_args))
        out["props_cycles"] = props
        out["checks"].update({f"props_{k}": v for k, v in props["checks"].items()})
    out["config"] = {
        "faults": {**FAULTS, "hang_s": args.hang},
        "client_timeout_s": args.timeout,
        "max_attempts": args.max_attempts,
        "concurrency": args.concurrency,
        "rate_per_s": args.rate,
        "window": args.window,
        "breaker_fail_max": args.fail_max,
        "seed": args.seed,
    }
    out["machine"] = {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:30s} {v}")
    return 0 if all(out["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
