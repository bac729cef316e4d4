"""Live props: follow one game's feed and re-price its open lines on every update.

``async for update in client.props.live_props(game_pk)`` (``client.props.live`` is the same,
and the blocking client turns it into an iterator):

1. The Stats API live feed is followed with ``statsapi.live(pk, heartbeat=True)`` (timecodes
   and diffPatch; every quiet poll is a heartbeat).
2. On the first feed the pre-game inputs are built once: the starting nines and starters from
   the feed (:func:`~._live_state.slate_game_from_feed`), the Statcast history before the game
   day (``client.props.history``: the rates are fitted on it, and the base-out transition
   table on its raw rows), the simulator's :class:`~savantsdk.props.SimGame`, the day's market
   lines and the players' names.
3. On every change the feed becomes a :class:`~._live_state.LiveSnapshot` and a
   :class:`~savantsdk.props.GameState`, the rest of the game is simulated from it
   (``simulate_from``, ``n`` simulations) and every market line of the game whose outcome is
   still open is priced on the final-count distributions (:func:`~savantsdk.props.generate`,
   the same matching and pricing as the pre-game props; the model's default lines when there
   is no market line).  A line already decided (an over already reached) is dropped from the
   update and counted in ``closed_lines`` (market quotes, or one per model line).
4. When no change has come for ``stale_after_s`` (client clock) while the game is on, the last
   update is yielded once more with ``stale=True`` and its age: old prices are never passed
   off as new.  A Final, suspended, postponed or cancelled game ends the iteration with one
   last update whose ``reason`` says so (and no props).

Each update carries the feed's own timestamp, when we had it (``fetched_at``) and how long
the simulation and pricing took (``latency_ms``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import anyio
import attrs
import numpy as np
import numpy.typing as npt

from ..exceptions import PropGenerationError
from ..ids import canonical_team
from ..sources._live import live_updates
from ._distributions import BATTER_STATS, PITCHER_STATS, Stat
from ._engine import EngineResult, PlayerBlock, history_facts, run_engine
from ._generate import PropSet, generate
from ._live_state import (
    LiveSnapshot,
    game_state,
    slate_game_from_feed,
    snapshot_from_feed,
    so_far,
)
from ._markets import MarketLine
from ._rates import RateModel, get_rate_model
from ._sim_inputs import sim_games
from ._sim_live import simulate_from
from ._sim_tables import (
    BaseOutRecords,
    TransitionTable,
    fit_transition_table,
    read_base_out_records,
)
from ._simulate import SimGame, SimulationResult
from ._slate import Slate, SlateGame

if TYPE_CHECKING:
    from ..sources import GameFeed
    from ._online import PropsClient

__all__ = ("DEFAULT_STALE_AFTER_S", "LivePropsUpdate", "live_props")

log = logging.getLogger("savantsdk")

#: Start times closer than this are the same game (a doubleheader's games are hours apart).
_SAME_START: Final = dt.timedelta(hours=2)
#: Seconds without a feed change, while the game is on, after which live props are stale.
DEFAULT_STALE_AFTER_S: Final = 90.0


@attrs.frozen(eq=False)
class LivePropsUpdate:
    """One re-pricing of a live game (module doc).

    ``props``: every open line of the game priced on the rest-of-game simulation (empty in
    the last update of an ended game); ``state``: the game state priced; ``feed_timestamp``:
    the feed's ``metaData.timeStamp``; ``fetched_at``: when we had that feed;
    ``latency_ms``: simulation and pricing time for this update; ``stale`` / ``stale_s``:
    whether the feed has stopped changing, and for how long; ``closed_lines``: market lines
    of the game already decided (not priced); ``final`` / ``reason``: the iteration ends here,
    and why.
    """

    game_pk: int
    state: LiveSnapshot
    props: PropSet
    feed_timestamp: dt.datetime | None
    fetched_at: dt.datetime
    latency_ms: float
    stale: bool = False
    stale_s: float = 0.0
    closed_lines: int = 0
    final: bool = False
    reason: str | None = None


@attrs.frozen(eq=False)
class _Prepared:
    day: dt.date
    game: SlateGame
    sim: SimGame
    table: TransitionTable
    result: EngineResult  # the pre-game engine: who is in which block, with team and slot
    lines: tuple[MarketLine, ...]
    names: Mapping[int, str]
    data_through: dt.date | None


def _live_block(
    block: PlayerBlock,
    res: SimulationResult,
    stats: Sequence[Stat],
    wanted: set[tuple[int | None, Stat]],
) -> PlayerBlock:
    """``block`` with its pmfs replaced by the simulation's final-count distributions: with
    market lines (``wanted``), only the players and families that have one."""
    if wanted:
        stats = [st for st in stats if any(w[1] is st for w in wanted)]
        rows = [
            i for i, p in enumerate(block.player.tolist()) if any((p, st) in wanted for st in stats)
        ]
        block = _rows(block, np.asarray(rows, dtype=np.int64))
    pmfs: dict[Stat, Any] = {}
    ids = block.player.tolist()
    for stat in stats:
        dists = [res.distribution(int(p), stat).pmf for p in ids]
        width = max((d.size for d in dists), default=1)
        out = np.zeros((len(dists), width))
        for i, d in enumerate(dists):
            out[i, : d.size] = d
        pmfs[stat] = out
    return attrs.evolve(block, pmfs=pmfs)


def _rows(block: PlayerBlock, idx: npt.NDArray[np.int64]) -> PlayerBlock:
    return attrs.evolve(
        block,
        game_pk=block.game_pk[idx],
        player=block.player[idx],
        team=block.team[idx],
        opponent=block.opponent[idx],
        slot=block.slot[idx],
        league_only=block.league_only[idx],
        pmfs={},
        expected_pa=block.expected_pa[idx],
    )


def _price(
    prep: _Prepared, snap: LiveSnapshot, n: int, rng: np.random.Generator
) -> tuple[PropSet, int]:
    state = game_state(snap, prep.sim)
    res = simulate_from(prep.sim, state, prep.table, n=n, seed=rng)
    wanted = {(ml.player_id, ml.stat) for ml in prep.lines}
    result = attrs.evolve(
        prep.result,
        batters=_live_block(prep.result.batters, res, BATTER_STATS, wanted),
        pitchers=_live_block(prep.result.pitchers, res, PITCHER_STATS, wanted),
    )
    props = generate(
        result,
        Slate(date=prep.day, games=(prep.game,)),
        lines=prep.lines,
        player_names=prep.names,
        data_through=prep.data_through,
        include_model_lines=not prep.lines,
    )
    # a line already decided (its over reached) is not a price any more
    closed = 0
    kept = []
    for p in props.props:
        c = so_far(snap, p.stat, p.player_id)
        still = tuple(ln for ln in p.lines if c <= ln.line)
        closed += sum(max(1, len(ln.markets)) for ln in p.lines if c > ln.line)
        if still:
            kept.append(attrs.evolve(p, lines=still))
    props = attrs.evolve(props, props=tuple(kept))
    return props, closed


def _team(code: str) -> str:
    return canonical_team(code) or code


def _game_lines(lines: Sequence[MarketLine], game: SlateGame) -> tuple[MarketLine, ...]:
    """The day's lines that can be this game's: its teams (or no team given), and, when both
    start times are known, within :data:`_SAME_START` of its start (a doubleheader's other
    game has the same players: its lines must not be priced on this game's simulation)."""
    teams = {_team(game.home_team), _team(game.away_team)}
    start = game.start_time

    def ours(ml: MarketLine) -> bool:
        if ml.team is not None and _team(ml.team) not in teams:
            return False
        return start is None or ml.start_time is None or abs(ml.start_time - start) <= _SAME_START

    return tuple(ml for ml in lines if ours(ml))


async def _prepare(
    props: PropsClient,
    feed: GameFeed,
    *,
    model: str | RateModel,
    lines: bool | Sequence[MarketLine],
    history_days: int | None,
) -> _Prepared:
    game = slate_game_from_feed(feed)
    day = game.game_date
    if day is None:
        raise PropGenerationError(f"game {game.game_pk}: the feed has no official date")
    history, errors = await props.history(day, days=history_days)
    if len(history) == 0:
        raise PropGenerationError(
            f"game {game.game_pk}: no Statcast history before {day} to fit on ({len(errors)} "
            "days failed)"
        )
    records = await _base_out_records(props, day, history_days)
    market: tuple[MarketLine, ...] = ()
    if lines is True:
        market, _ = await props.lines(day)
    elif lines is not False:
        market = tuple(lines)
    slate = Slate(date=day, games=(game,))
    names, _ = await props._names(slate)

    def build() -> tuple[SimGame, TransitionTable, EngineResult]:
        fitted = get_rate_model(model).fit(history, day)
        facts = history_facts(history, day)
        sim = sim_games(fitted, facts, slate)[0]
        pre = run_engine(fitted, facts, slate, stats=[*BATTER_STATS, *PITCHER_STATS])
        return sim, fit_transition_table(records), pre

    sim, table, pre = await anyio.to_thread.run_sync(build)
    last = history.game_date.max() if len(history) else None
    through = None if last is None else dt.date.fromisoformat(str(last.astype("datetime64[D]")))
    game_lines = await anyio.to_thread.run_sync(_resolve_lines, pre, slate, market, names)
    return _Prepared(day, game, sim, table, pre, game_lines, names, through)


def _resolve_lines(
    pre: EngineResult, slate: Slate, market: Sequence[MarketLine], names: Mapping[int, str]
) -> tuple[MarketLine, ...]:
    """The day's market lines of this game, each with its player's id: matched by name once,
    with the pre-game props (every update then prices them without matching names again)."""
    if not market:
        return ()
    candidates = _game_lines(market, slate.games[0])
    props = generate(pre, slate, lines=candidates, player_names=names, include_model_lines=False)
    owner: dict[object, int] = {}
    for p in props.props:
        for ln in p.lines:
            for m in ln.markets:
                owner[(m.source, m.line_id, p.stat, m.line)] = p.player_id
    out = []
    for ml in candidates:
        pid = owner.get((ml.source, ml.line_id, ml.stat, ml.line))
        if pid is not None:
            out.append(ml if ml.player_id == pid else attrs.evolve(ml, player_id=pid))
    return tuple(out)


async def _base_out_records(
    props: PropsClient, day: dt.date, history_days: int | None
) -> BaseOutRecords:
    """The history's base-out records, read from the cached raw Statcast rows (the history
    pull has just cached them: no upstream request)."""
    n = props.history_days if history_days is None else history_days
    start, end = day - dt.timedelta(days=n), day - dt.timedelta(days=1)
    _, texts = await props.context.savant.statcast_raw(start, end, errors="return")

    def read() -> BaseOutRecords:
        parts = [read_base_out_records(t.encode("utf-8")) for ts in texts.values() for t in ts]
        if not parts:
            raise PropGenerationError(f"no Statcast rows {start}..{end} for the transition table")
        return BaseOutRecords.concat(parts)

    return await anyio.to_thread.run_sync(read)


def _empty(snap: LiveSnapshot, prep: _Prepared | None, reason: str) -> PropSet:
    day = prep.day if prep is not None else snap.timestamp.date() if snap.timestamp else dt.date.min
    model = prep.result if prep is not None else None
    return PropSet(
        date=day,
        props=(),
        model_name=model.model_name if model is not None else "",
        model_version=model.model_version if model is not None else "",
        reason=reason,
    )


async def live_props(
    props: PropsClient,
    game_pk: int,
    *,
    interval_s: float = 10.0,
    n: int = 10_000,
    seed: int | None = None,
    stale_after_s: float = DEFAULT_STALE_AFTER_S,
    lines: bool | Sequence[MarketLine] = True,
    model: str | RateModel = "default",
    history_days: int | None = None,
    on_update: Callable[[LivePropsUpdate], None] | None = None,
) -> AsyncGenerator[LivePropsUpdate, None]:
    """Follow ``game_pk`` and yield a :class:`LivePropsUpdate` on every change (module doc)."""
    if n < 100:
        raise PropGenerationError(f"n {n!r}: live props need at least 100 simulations")
    if not stale_after_s > 0:
        raise PropGenerationError(f"stale_after_s {stale_after_s!r} must be > 0")
    statsapi = props.context.statsapi
    clock = statsapi.client.clock
    rng = np.random.default_rng(seed)
    updates = live_updates(statsapi, game_pk, interval_s=interval_s, heartbeat=True)
    prep: _Prepared | None = None
    last: LivePropsUpdate | None = None
    changed_at = clock.monotonic()
    stale_sent = False
    try:
        async for up in updates:
            if up.via == "unchanged":
                age = clock.monotonic() - changed_at
                if last is not None and not stale_sent and age >= stale_after_s:
                    stale_sent = True
                    yield attrs.evolve(last, stale=True, stale_s=age)
                continue
            changed_at, stale_sent = clock.monotonic(), False
            fetched = up.freshness.fetched_at
            snap = snapshot_from_feed(up.feed)
            if snap.ended or up.is_final:
                reason = f"game {game_pk} is {snap.status or 'over'}: live props end"
                yield LivePropsUpdate(
                    game_pk, snap, _empty(snap, prep, reason), up.feed.timestamp, fetched, 0.0,
                    final=True, reason=reason,
                )  # fmt: skip
                return
            if prep is None:
                try:
                    prep = await _prepare(
                        props, up.feed, model=model, lines=lines, history_days=history_days
                    )
                except PropGenerationError as exc:
                    if sum(snap.team_pa) == 0 and "lineup" in str(exc):
                        log.info("savantsdk live props %s: %s; waiting", game_pk, exc)
                        continue  # lineups not posted yet: wait for the next change
                    raise
            t0 = time.perf_counter()
            priced, closed = await anyio.to_thread.run_sync(_price, prep, snap, n, rng)
            latency = (time.perf_counter() - t0) * 1000.0
            last = LivePropsUpdate(
                game_pk, snap, priced, up.feed.timestamp, fetched, latency, closed_lines=closed
            )
            if on_update is not None:
                on_update(last)
            yield last
    finally:
        await updates.aclose()
