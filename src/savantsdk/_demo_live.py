"""``savantsdk demo --live``: one simulated game followed live, its lines re-priced as it moves.

:class:`~savantsdk.testing.FakeUpstream` serves a seeded league whose last day is being
played; simulated time runs ``speed`` times faster than the wall clock, so an inning passes
in seconds.  ``client.props.live(pk)`` follows the first game in progress through the public
API (the Stats API feed with timecodes and diffPatch, the simulator from each state, the
market lines of the game) and every update is printed: the game state, how many lines are
open and closed, the processing latency, and a few watched lines' P(over) as they move.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import anyio

from . import AsyncClient
from ._clock import SimulatedWallClock
from ._config import ApiKeys, CacheSettings
from ._demo import _require_testing_extra
from .exceptions import ConfigurationError

if TYPE_CHECKING:
    from .props import Prop

__all__ = ("format_live_demo", "run_live_demo")

_WATCH = 6


def _key(p: Prop) -> tuple[int, str]:
    return (p.player_id, p.stat.value)


async def _run(seed: int, history_days: int, updates: int, speed: float) -> dict[str, Any]:
    from .testing import FakeUpstream, SimulatedLeague  # the testing extra

    league = SimulatedLeague(
        seed=seed, season=2024, start=dt.date(2024, 4, 1), days=history_days + 1
    )
    day = league.dates[-1]
    first = min(g.start for g in league.games_on(day))
    now = first + dt.timedelta(minutes=40)
    game = next(g for g in league.games_on(day) if league.state(g.game_pk, now).status == "Live")
    rows: list[dict[str, Any]] = []
    watched: dict[tuple[int, str], dict[str, Any]] = {}
    async with (
        FakeUpstream(league, now=now, speed=speed) as fake,
        AsyncClient(
            base_urls=fake.base_urls,
            api_keys=ApiKeys(odds_api=fake.api_keys["odds_api"]),
            cache_settings=CacheSettings(backend="memory"),
            clock=SimulatedWallClock(fake.now),
        ) as client,
    ):
        t0 = time.perf_counter()
        async for up in client.props.live(
            game.game_pk, interval_s=0.5, history_days=history_days, seed=seed
        ):
            s = up.state
            if not watched:  # the first update chooses the lines to watch
                for p in sorted(up.props, key=lambda p: (p.role != "pitcher", p.stat.value)):
                    if len(watched) >= _WATCH or not p.lines:
                        continue
                    if any(k[1] == p.stat.value and k[0] != p.player_id for k in watched):
                        continue  # one line per family
                    watched[_key(p)] = {
                        "player": p.player or str(p.player_id),
                        "stat": p.stat.value,
                        "line": p.lines[0].line,
                        "p_over": [],
                    }
            by_key = {_key(p): p for p in up.props}
            for k, w in watched.items():
                prop = by_key.get(k)
                ln = (
                    None
                    if prop is None
                    else next((x for x in prop.lines if x.line == w["line"]), None)
                )
                w["p_over"].append(None if ln is None else round(ln.p_over, 3))
            rows.append(
                {
                    "t_s": round(time.perf_counter() - t0, 2),
                    "inning": s.inning,
                    "half": "top" if s.half == 0 else "bottom",
                    "outs": s.outs,
                    "on_base": sum(b is not None for b in s.bases),
                    "score": list(s.score),
                    "feed_timestamp": None
                    if up.feed_timestamp is None
                    else up.feed_timestamp.isoformat(),
                    "open_props": len(up.props),
                    "closed_lines": up.closed_lines,
                    "latency_ms": round(up.latency_ms, 1),
                    "stale": up.stale,
                    "final": up.final,
                    "reason": up.reason,
                }
            )
            if len(rows) >= updates or up.final:
                break
    lat = [r["latency_ms"] for r in rows if not r["final"] and not r["stale"]]
    return {
        "date": day.isoformat(),
        "seed": seed,
        "game_pk": game.game_pk,
        "speed": speed,
        "updates": rows,
        "watched": list(watched.values()),
        "latency_ms_p50": round(statistics.median(lat), 1) if lat else None,
        "latency_ms_max": max(lat) if lat else None,
    }


def run_live_demo(
    *, seed: int = 2024, history_days: int = 14, updates: int = 8, speed: float = 240.0
) -> dict[str, Any]:
    """Follow one simulated game live for ``updates`` updates; the JSON-ready result."""
    if not 1 <= updates <= 200:
        raise ConfigurationError("--updates must be in 1..200", setting="updates")
    if not 1 <= history_days <= 120:
        raise ConfigurationError("--history-days must be in 1..120", setting="history_days")
    _require_testing_extra()
    result: dict[str, Any] = anyio.run(_run, seed, history_days, updates, speed)
    return result


def format_live_demo(result: Mapping[str, Any]) -> str:
    """The human-readable report of :func:`run_live_demo`'s result."""
    lines = [
        f"savantsdk demo --live: game {result['game_pk']} of {result['date']} (seed "
        f"{result['seed']}), simulated time x{result['speed']:g}",
        "",
        f"{'t s':>6} {'inning':<10}{'outs':>5}{'on':>4}{'score':>8}{'open':>6}{'closed':>7}"
        f"{'ms':>8}",
    ]
    for r in result["updates"]:
        score = f"{r['score'][0]}-{r['score'][1]}"
        flag = " stale" if r["stale"] else f" {r['reason']}" if r["final"] else ""
        lines.append(
            f"{r['t_s']:>6.1f} {r['half'][:3] + ' ' + str(r['inning']):<10}{r['outs']:>5}"
            f"{r['on_base']:>4}{score:>8}{r['open_props']:>6}{r['closed_lines']:>7}"
            f"{r['latency_ms']:>8.1f}{flag}"
        )
    lines += ["", "P(over) of the watched lines, update by update"]
    for w in result["watched"]:
        moves = " ".join("  -  " if p is None else f"{p:.3f}" for p in w["p_over"])
        lines.append(f"  {w['player'][:22]:<23}{w['stat']:<20}{w['line']:>5g}  {moves}")
    lines.append(
        f"\nlatency per update: median {result['latency_ms_p50']} ms, "
        f"max {result['latency_ms_max']} ms"
    )
    return "\n".join(lines)
