"""``savantsdk demo``: the main job, offline.

Starts :class:`~savantsdk.testing.FakeUpstream` (a seeded simulated league served on
loopback with a fixed upstream latency), builds an :class:`~savantsdk.AsyncClient` on it with
the embedded memory cache (memory L1 + Redis L2 with ``--redis-url``; memory in front of the
persistent disk cache with ``--cache disk``), generates the props of
one simulated slate through the public API, and runs the same cycle again to show the cache.

The cold cycle is compared with its physical lower bound ``bound_s``: for every source, the
requests it received divided by its rate limit, or latency x requests / concurrency,
whichever is larger; the largest over the sources.  The process is warm (the engine's
modules are imported before the first cycle, as a service imports them at start-up); the
cache is cold.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import anyio

from ._clock import SimulatedWallClock
from ._config import ApiKeys, CacheSettings
from .exceptions import ConfigurationError

if TYPE_CHECKING:
    from . import AsyncClient
    from .props import PropSet

__all__ = ("DemoOptions", "run_demo")

#: targets from the issue that defined the demo
COLD_OVER_BOUND_TARGET = 1.15
WARM_WALL_TARGET_S = 0.200


class DemoOptions:
    """What the demo runs (the CLI flags)."""

    def __init__(
        self,
        *,
        seed: int = 2024,
        history_days: int = 45,
        latency_s: float = 0.04,
        cycles: int = 2,
        redis_url: str | None = None,
        top: int = 15,
        cache: str = "memory",
        cache_dir: str | None = None,
    ) -> None:
        if not 1 <= history_days <= 120:
            raise ConfigurationError("--history-days must be in 1..120", setting="history_days")
        if not 0 <= latency_s <= 5:
            raise ConfigurationError("--latency-ms must be in 0..5000", setting="latency_ms")
        if not 1 <= cycles <= 10:
            raise ConfigurationError("--cycles must be in 1..10", setting="cycles")
        self.seed = seed
        self.history_days = history_days
        self.latency_s = latency_s
        self.cycles = cycles
        if cache not in ("memory", "disk"):
            raise ConfigurationError("--cache must be memory or disk", setting="cache")
        if cache_dir is not None and cache != "disk":
            raise ConfigurationError("--cache-dir needs --cache disk", setting="cache_dir")
        self.redis_url = redis_url
        self.top = top
        self.cache = cache
        self.cache_dir = cache_dir


def _require_testing_extra() -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ConfigurationError(
            "savantsdk demo serves a simulated league with savantsdk.testing.FakeUpstream, "
            "which needs the 'testing' extra: pip install 'savantsdk[testing]'",
            setting="extras",
        ) from exc


def _bound(client: AsyncClient, counts: Mapping[str, int], latency_s: float) -> tuple[float, str]:
    best, which = 0.0, ""
    for source, n in counts.items():
        if n == 0:
            continue
        limit = client.settings(source).rate_limit
        by_rate = n / limit.rate_per_s if limit.rate_per_s else 0.0
        by_latency = latency_s * n / limit.concurrency
        b = max(by_rate, by_latency)
        if b > best:
            best, which = b, source
    return best, which


def _hit_rate(before: Mapping[str, Any], after: Mapping[str, Any]) -> float | None:
    hits = after.get("hits", 0) - before.get("hits", 0)
    misses = after.get("misses", 0) - before.get("misses", 0)
    return None if hits + misses == 0 else hits / (hits + misses)


async def _run(opts: DemoOptions) -> dict[str, Any]:
    from . import AsyncClient, _serde
    from .cache import key_prefix
    from .testing import FakeUpstream, Latency, SimulatedLeague

    league = SimulatedLeague(
        seed=opts.seed, season=2024, start=dt.date(2024, 4, 1), days=opts.history_days + 1
    )
    day = league.dates[-1]
    # 16:00 UTC: lineups are posted for the afternoon games, night games get projected ones
    now = dt.datetime(day.year, day.month, day.day, 16, tzinfo=dt.UTC)
    disk = opts.cache == "disk"
    if opts.redis_url:
        cache_settings = CacheSettings(
            backend="memory+disk+redis" if disk else "tiered",
            redis_url=opts.redis_url,
            namespace=f"savantsdk-demo-{uuid.uuid4()}",
            disk_dir=opts.cache_dir,
        )
    elif disk:
        # one namespace per seed and history: a second run with the same directory reads the
        # first run's simulated league, never another seed's
        cache_settings = CacheSettings(
            backend="memory+disk",
            namespace=f"savantsdk-demo-{opts.seed}-{opts.history_days}",
            disk_dir=opts.cache_dir,
        )
    else:
        cache_settings = CacheSettings(backend="memory")
    async with FakeUpstream(league, now=now) as fake:
        t0 = time.perf_counter()
        await anyio.to_thread.run_sync(fake.warm)
        warm_s = time.perf_counter() - t0
        if opts.latency_s > 0:
            for source in fake.base_urls:
                fake.faults(source, "*", latency=Latency.fixed(opts.latency_s))
        fake.reset_saturation()
        async with AsyncClient(
            base_urls=fake.base_urls,
            api_keys=ApiKeys(odds_api=fake.api_keys["odds_api"]),
            cache_settings=cache_settings,
            clock=SimulatedWallClock(fake.now),
        ) as client:
            # Imports are process start-up, paid once by a service, not part of a cycle: the
            # cold cycle measures an empty cache in a warm process (about 0.35 s of numpy and
            # engine imports would otherwise land in it on the first run).
            from .props import _generate  # noqa: F401

            props_api = client.props
            cycles: list[dict[str, Any]] = []
            props: PropSet | None = None
            bound_s, bound_source = 0.0, ""
            for i in range(opts.cycles):
                fake.reset_counts()
                before = _policy_stats(client)
                t = time.perf_counter()
                props = await props_api.generate(day, history_days=opts.history_days)
                wall = time.perf_counter() - t
                counts = {s: fake.count(s) for s in fake.base_urls}
                report = props_api.last_report
                assert report is not None
                if i == 0:
                    bound_s, bound_source = _bound(client, counts, opts.latency_s)
                cycles.append(
                    {
                        "cycle": i + 1,
                        "wall_s": round(wall, 4),
                        "upstream_requests": sum(counts.values()),
                        "upstream_by_source": counts,
                        "cache_hit_rate": _round(_hit_rate(before, _policy_stats(client))),
                        "props": len(props),
                        "games": len(report.games_priced),
                        "projected_lineups": len(report.projected_lineups),
                        "lines": report.lines_total,
                        "lines_served_by": list(report.lines_served_by),
                        "props_memoized": report.props_memoized,
                        "skipped_games": report.skip_counts,
                        "degraded": report.degraded_summary(),
                    }
                )
            assert props is not None
            saturation = fake.saturation()
            cache = client.cache
            metrics = {
                "executors": {
                    name: _serde.converter.unstructure(m) for name, m in client.metrics().items()
                },
                "cache": {}
                if cache is None
                else {k: _serde.converter.unstructure(v) for k, v in cache.stats().items()},
            }
            if opts.redis_url and cache is not None:
                # the run's own namespace: removes exactly what this demo wrote to Redis
                await cache.invalidate_prefix(key_prefix())
    cold = cycles[0]["wall_s"]
    warm = cycles[1:] if len(cycles) > 1 else []
    out: dict[str, Any] = {
        "date": day.isoformat(),
        "seed": opts.seed,
        "history_days": opts.history_days,
        "latency_s": opts.latency_s,
        "cache": _cache_name(opts),
        "simulate_s": round(warm_s, 3),
        "cycles": cycles,
        "bound_s": round(bound_s, 4),
        "bound_source": bound_source,
        "cold_over_bound": _round(cold / bound_s if bound_s else None),
        "targets": {
            "cold_le_1_15_bound": bool(bound_s) and cold <= COLD_OVER_BOUND_TARGET * bound_s,
            "warm_zero_requests": all(c["upstream_requests"] == 0 for c in warm),
            "warm_under_200ms": all(c["wall_s"] < WARM_WALL_TARGET_S for c in warm),
        },
        # the fake's own count restarts with every cycle's reset_counts(): report the total
        "fake_upstream": {
            **_serde.converter.unstructure(saturation),
            "requests": sum(c["upstream_requests"] for c in cycles),
        },
        "metrics": metrics,
        "top": _top_rows(props, opts.top),
    }
    return out


def _cache_name(opts: DemoOptions) -> str:
    if opts.redis_url:
        return "tiered(memory+disk+redis)" if opts.cache == "disk" else "tiered(memory+redis)"
    return "tiered(memory+disk)" if opts.cache == "disk" else "memory"


def _policy_stats(client: AsyncClient) -> dict[str, Any]:
    from . import _serde

    cache = client.cache
    if cache is None:
        return {}
    result: dict[str, Any] = _serde.converter.unstructure(cache.stats()["policy"])
    return result


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 4)


def _top_rows(props: PropSet, n: int) -> list[dict[str, Any]]:
    rows = [r for r in props.rows() if r.get("edge") is not None]
    rows.sort(key=lambda r: -float(r["edge"]))
    keep = (
        "player",
        "team",
        "stat",
        "line",
        "p_over",
        "p_under",
        "fair_odds_over",
        "line_source",
        "side",
        "edge",
    )
    return [{k: r.get(k) for k in keep} for r in rows[:n]]


def run_demo(opts: DemoOptions) -> dict[str, Any]:
    """Run the demo and return its JSON-ready result."""
    _require_testing_extra()
    result: dict[str, Any] = anyio.run(_run, opts)
    return result


def format_demo(result: Mapping[str, Any]) -> str:
    """The human-readable report of :func:`run_demo`'s result."""
    lines = [
        f"savantsdk demo: simulated slate {result['date']} (seed {result['seed']}), "
        f"{result['history_days']} days of Statcast history, "
        f"{result['latency_s'] * 1000:.0f} ms upstream latency, cache {result['cache']}",
        "",
        f"top {len(result['top'])} edges (the simulated books price from each player's TRUE "
        "rates, so a large edge here marks a talent the history has not revealed yet)",
        f"{'player':<24}{'team':<5}{'stat':<20}{'line':>6}{'p_over':>8}{'fair':>7}"
        f"{'side':>7}{'edge':>8}  market",
    ]
    for r in result["top"]:
        fair = r["fair_odds_over"]
        lines.append(
            f"{str(r['player'] or '')[:23]:<24}{r['team'] or ''!s:<5}{r['stat']:<20}"
            f"{r['line']:>6g}{r['p_over']:>8.3f}{'' if fair is None else f'{fair:+.0f}':>7}"
            f"{r['side'] or ''!s:>7}{r['edge']:>+8.3f}  {r['line_source']}"
        )
    lines += ["", "cycles"]
    for c in result["cycles"]:
        rate = c["cache_hit_rate"]
        lines.append(
            f"  #{c['cycle']}: {c['wall_s']:.3f} s, {c['upstream_requests']} upstream requests, "
            f"cache hit rate {'-' if rate is None else f'{rate:.0%}'}, {c['props']} props "
            f"({c['games']} games, {c['projected_lineups']} with projected lineups, "
            f"{c['lines']} market lines from {'+'.join(c['lines_served_by']) or 'none'})"
        )
        if c["degraded"]:
            lines.append(f"      degraded: {c['degraded']}")
    t = result["targets"]
    bound = result["bound_s"]
    ratio = result["cold_over_bound"]
    lines += [
        "",
        f"cold cycle {result['cycles'][0]['wall_s']:.3f} s vs bound {bound:.3f} s "
        f"({result['bound_source']} rate limit): x{ratio} "
        f"[{'ok' if t['cold_le_1_15_bound'] else 'MISSED'} <= x{COLD_OVER_BOUND_TARGET}]",
    ]
    if len(result["cycles"]) > 1:
        lines.append(
            f"warm cycles: 0 upstream requests "
            f"[{'ok' if t['warm_zero_requests'] else 'MISSED'}], under 200 ms "
            f"[{'ok' if t['warm_under_200ms'] else 'MISSED'}]"
        )
    lines += ["", "executors (per source)"]
    for name, m in result["metrics"]["executors"].items():
        lines.append(
            f"  {name:<11} requests {m['requests']:>4}  attempts {m['attempts']:>4}  "
            f"retries {m['retries']:>3}  coalesced {m['coalesced']:>3}  "
            f"429s {m['rate_limited']:>2}  failures {m['failures']:>2}  "
            f"breaker {m['breaker_state']:<9} p50 {m['latency_p50_s'] * 1000:6.1f} ms  "
            f"p95 {m['latency_p95_s'] * 1000:6.1f} ms"
        )
    lines.append("cache")
    for layer, s in result["metrics"]["cache"].items():
        total = s["hits"] + s["misses"]
        rate = f"{s['hits'] / total:.0%}" if total else "-"
        lines.append(
            f"  {layer:<8} hits {s['hits']:>5}  misses {s['misses']:>5}  hit rate {rate:>4}  "
            f"sets {s['sets']:>5}  errors {s['errors']}"
        )
    fake = result["fake_upstream"]
    lines.append(
        f"fake upstream: {fake['requests']} requests, p99 loop lag "
        f"{fake['p99_loop_lag_s'] * 1000:.1f} ms"
        + (" (SATURATED: the fake was a bottleneck)" if fake["saturated"] else "")
    )
    return "\n".join(lines)
