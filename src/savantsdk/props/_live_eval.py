"""Live (in-game) evaluation on recorded games: checkpoints replayed from Statcast rows.

For every game of every day in ``[start, end]``, the game is cut at the start of innings
2..7 (:data:`LIVE_CHECKPOINTS`): a :class:`~._live_state.LiveSnapshot` (the state a live
feed gives, here built from the Statcast rows) holds what had happened by then
(each player's counts so far, each team's next batting slot, who is pitching, who has been
replaced), built from the PAs of the earlier innings only.  A live model turns a checkpoint
into final-count pmfs; it is scored against the game's final counts beside two baselines
that use the same checkpoint:

* ``pregame``: the pre-game pmf conditioned only by what already happened,
  ``P(X = x | X >= c) = p(x) / sum_{y >= c} p(y)`` (``c`` the count so far);
* ``naive``: the count so far pro-rated, ``c + Poisson(mu)`` with
  ``mu = (c + 1/2) * (9 - e) / e`` over the ``e = inning - 1`` innings played (the ``1/2``
  keeps a player with nothing so far from a probability of zero for any more).

Scored players: each team's starting pitcher while he is still the pitcher of record (he
pitched his side's last PA before the checkpoint), and each starting batter still in his
slot.  Lines are scored only while open (count so far below the line: an over already won is
not a forecast).  The model sees nothing of the checkpoint's inning or later.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._dates import to_date
from ..exceptions import PropGenerationError
from ..sources import PAOutcome, PlateAppearances
from ..typing import DateLike
from ._arrays import FloatArray
from ._backtest import BACKTEST_LINES, actual_counts, expected_calibration_error
from ._distributions import PITCHER_STATS, Stat
from ._engine import EngineResult, HistoryFacts, history_facts, run_engine
from ._live_state import LiveSnapshot, game_state, so_far
from ._rates import FittedRates, RateModel, get_rate_model
from ._sim_inputs import sim_games
from ._sim_live import BatterLine, PitcherLine, simulate_from
from ._sim_tables import BaseOutRecords, TransitionTable, fit_transition_table
from ._simulate import SimGame
from ._slate import Slate, SlateGame, slate_from_statcast

__all__ = (
    "LIVE_CHECKPOINTS",
    "LIVE_FAMILIES",
    "LiveBacktestReport",
    "LiveContext",
    "LiveModel",
    "SimulatorLive",
    "backtest_live",
    "checkpoints_of_game",
    "naive_live",
    "pregame_live",
    "runs_by_at_bat",
)

log = logging.getLogger("savantsdk")

#: Families evaluated live (the issue's: pitcher strikeouts, outs and hits allowed; batter
#: hits and total bases).
LIVE_FAMILIES: Final = (
    Stat.PITCHER_STRIKEOUTS,
    Stat.PITCHER_OUTS,
    Stat.HITS_ALLOWED,
    Stat.HITS,
    Stat.TOTAL_BASES,
)
#: Share of the pre-game-conditioned pmf mixed into the simulator's empirical pmf (tails).
DEFAULT_TAIL_WEIGHT: Final = 0.01
#: Checkpoints: the start of these innings (top half, nobody out, bases empty).
LIVE_CHECKPOINTS: Final = (2, 3, 4, 5, 6, 7)
_SUPPORT: Final = 41  # pmfs over 0..40


def checkpoints_of_game(
    game_pas: PlateAppearances,
    game: SlateGame,
    innings: Sequence[int] = LIVE_CHECKPOINTS,
    *,
    runs: Mapping[int, int] | None = None,
) -> list[LiveSnapshot]:
    """The game's checkpoints at the start of each of ``innings`` it reached (a game that
    ended earlier, say after five innings of rain, has no later checkpoint).  ``runs``: runs
    scored on each PA by ``at_bat_number`` (gives the score)."""
    order = np.argsort(game_pas.at_bat_number, kind="stable")
    ab = game_pas.at_bat_number[order]
    inning = game_pas.inning[order]
    top = game_pas.is_top[order]
    batter = game_pas.batter[order]
    pitcher = game_pas.pitcher[order]
    outcome = game_pas.outcome[order].astype(np.int64)
    outs = game_pas.outs[order]
    pitches = game_pas.pitches[order]
    ro = game_pas.runner_outs
    ro_mask = ro.game_pk == game.game_pk
    ro_inning, ro_pitcher, ro_outs = ro.inning[ro_mask], ro.pitcher[ro_mask], ro.outs[ro_mask]
    starters = (tuple(game.away_lineup), tuple(game.home_lineup))
    out: list[LiveSnapshot] = []
    last_inning = int(inning.max()) if inning.size else 0
    for k in innings:
        if k < 2 or k > last_inning:
            continue
        before = inning < k
        lineup = [list(s) + [0] * (9 - len(s)) for s in starters]  # 0: an unknown slot
        team_pa = [0, 0]
        cur: list[int | None] = [None, None]
        used: tuple[list[int], list[int]] = ([], [])
        bat_counts: dict[int, list[int]] = {}
        pit_counts: dict[int, list[int]] = {}
        score = [0, 0]
        for i in np.flatnonzero(before).tolist():
            side = 0 if bool(top[i]) else 1  # batting side
            b, p, oc = int(batter[i]), int(pitcher[i]), int(outcome[i])
            lineup[side][team_pa[side] % 9] = b
            team_pa[side] += 1
            cur[1 - side] = p  # the defence of the other side
            if p not in used[1 - side]:
                used[1 - side].append(p)
            bat_counts.setdefault(b, [0] * _NCODES)[oc] += 1
            pc = pit_counts.setdefault(p, [0] * (_NCODES + 2))
            pc[oc] += 1
            pc[_PITCHES] += int(pitches[i])
            pc[_OUTS] += int(outs[i])
            if runs is not None:
                score[side] += int(runs.get(int(ab[i]), 0))
        for p, o in zip(
            ro_pitcher[ro_inning < k].tolist(), ro_outs[ro_inning < k].tolist(), strict=True
        ):
            pit_counts.setdefault(int(p), [0] * (_NCODES + 2))[_OUTS] += int(o)
        now = {x for side in lineup for x in side} | {p for p in cur if p is not None}
        appeared = set(batter[before].tolist()) | set(pitcher[before].tolist())
        removed = frozenset(int(x) for x in (set(starters[0]) | set(starters[1]) | appeared) - now)
        out.append(
            LiveSnapshot(
                game_pk=game.game_pk,
                status="In Progress",
                timestamp=None,
                inning=k,
                half=0,
                outs=0,
                bases=(None, None, None),
                score=(score[0], score[1]),
                lineup=(tuple(lineup[0]), tuple(lineup[1])),
                next_slot=(team_pa[0] % 9, team_pa[1] % 9),
                team_pa=(team_pa[0], team_pa[1]),
                pitcher=(cur[0], cur[1]),
                starters=(game.away_starter, game.home_starter),
                pitchers=(tuple(used[0]), tuple(used[1])),
                batting={b: _batter_line(c) for b, c in bat_counts.items()},
                pitching={p: _pitcher_line(c) for p, c in pit_counts.items()},
                removed=removed,
            )
        )
    return out


_NCODES: Final = len(PAOutcome)
_PITCHES: Final = _NCODES  # extra columns of a pitcher's counts
_OUTS: Final = _NCODES + 1


def _batter_line(c: list[int]) -> BatterLine:
    """A line from PA outcome counts (runs and RBIs unknown here: 0)."""
    o = PAOutcome
    return BatterLine(
        plate_appearances=sum(c[:_NCODES]),
        singles=c[o.SINGLE],
        doubles=c[o.DOUBLE],
        triples=c[o.TRIPLE],
        home_runs=c[o.HOME_RUN],
        walks=c[o.WALK] + c[o.INTENT_WALK],
        hit_by_pitch=c[o.HIT_BY_PITCH],
        strikeouts=c[o.STRIKEOUT],
    )


def _pitcher_line(c: list[int]) -> PitcherLine:
    o = PAOutcome
    return PitcherLine(
        batters_faced=sum(c[:_NCODES]),
        pitches=c[_PITCHES],
        outs=c[_OUTS],
        strikeouts=c[o.STRIKEOUT],
        hits=c[o.SINGLE] + c[o.DOUBLE] + c[o.TRIPLE] + c[o.HOME_RUN],
        home_runs=c[o.HOME_RUN],
        walks=c[o.WALK] + c[o.INTENT_WALK],
        hit_by_pitch=c[o.HIT_BY_PITCH],
    )


@attrs.frozen(eq=False)
class LiveContext:
    """What a live model may use at a checkpoint besides the checkpoint itself: the day's
    fitted rates and history facts (PAs before the day only), the pre-game pmfs
    (``pregame[stat][player]``, over final counts) and the ``game_pk`` of every history game
    (what a model may fit further tables on)."""

    day: dt.date
    game: SlateGame
    fitted: FittedRates
    facts: HistoryFacts
    pregame: Mapping[Stat, Mapping[int, FloatArray]]
    history_games: frozenset[int] = frozenset()


#: A live model: ``(checkpoint, context, players)`` -> ``{stat: {player: pmf of the final
#: count}}`` for the requested ``players`` of each stat (pmfs over 0..n, summing to 1).
LiveModel = Callable[
    [LiveSnapshot, LiveContext, Mapping[Stat, Sequence[int]]],
    Mapping[Stat, Mapping[int, FloatArray]],
]


def _truncated(pmf: FloatArray, c: int) -> FloatArray:
    out = np.zeros(max(pmf.size, c + 1))
    out[: pmf.size] = pmf
    out[:c] = 0.0
    total = out.sum()
    if total <= 0.0:  # the pre-game pmf gave no mass at or above c: all on c
        out[:] = 0.0
        out[c] = 1.0
        return out
    res: FloatArray = out / total
    return res


def pregame_live(
    cp: LiveSnapshot, ctx: LiveContext, players: Mapping[Stat, Sequence[int]]
) -> dict[Stat, dict[int, FloatArray]]:
    """Baseline: the pre-game pmf, truncated below the count so far and renormalised."""
    return {
        stat: {p: _truncated(ctx.pregame[stat][p], so_far(cp, stat, p)) for p in ids}
        for stat, ids in players.items()
    }


def _poisson(mu: float, size: int) -> FloatArray:
    k = np.arange(size, dtype=np.float64)
    logp = k * math.log(mu) - mu - np.array([math.lgamma(x + 1.0) for x in k])
    p = np.exp(logp)
    res: FloatArray = p / p.sum()
    return res


def naive_live(
    cp: LiveSnapshot, ctx: LiveContext, players: Mapping[Stat, Sequence[int]]
) -> dict[Stat, dict[int, FloatArray]]:
    """Baseline: ``c + Poisson((c + 1/2) (9 - e) / e)``, ``e`` the innings played."""
    del ctx
    e = cp.inning - 1
    out: dict[Stat, dict[int, FloatArray]] = {}
    for stat, ids in players.items():
        got: dict[int, FloatArray] = {}
        for p in ids:
            c = so_far(cp, stat, p)
            rest = _poisson((c + 0.5) * (9 - e) / e, _SUPPORT)
            pmf = np.zeros(c + _SUPPORT)
            pmf[c:] = rest
            got[p] = pmf
        out[stat] = got
    return out


class SimulatorLive:
    """The game simulator as a live model: each checkpoint becomes a
    :class:`~savantsdk.props.GameState` (:func:`~._live_state.game_state`) and the rest of the
    game is simulated from it (:func:`~savantsdk.props.simulate_from`, ``n`` simulations).

    ``records``: base-out records of the Statcast days (``read_base_out_files``); each day's
    transition table is fitted on the records of that day's history games only.  The game's
    pre-game inputs (``sim_games``) come from the day's fitted rates and history facts.
    The empirical pmf of the ``n`` simulations is mixed with ``tail_weight`` of the
    ``pregame`` baseline's pmf, so a final count no simulation reached (a 9-total-base game
    in 10,000 draws) keeps a probability of the right order instead of the floor's 1e-12.
    """

    def __init__(
        self,
        records: BaseOutRecords,
        *,
        n: int = 10_000,
        seed: int = 0,
        tail_weight: float = DEFAULT_TAIL_WEIGHT,
    ) -> None:
        if not 0.0 <= tail_weight < 1.0:
            raise PropGenerationError(f"tail_weight {tail_weight!r} must be in [0, 1)")
        self._tail_weight = tail_weight
        if n < 100:
            raise PropGenerationError(f"n {n!r}: a live model needs at least 100 simulations")
        self._records = records
        self._n = n
        self._rng = np.random.default_rng(seed)
        self._tables: dict[dt.date, TransitionTable] = {}
        self._games: dict[int, SimGame] = {}

    def _table(self, ctx: LiveContext) -> TransitionTable:
        table = self._tables.get(ctx.day)
        if table is None:
            keep = np.isin(self._records.game_pk, np.fromiter(ctx.history_games, dtype=np.int64))
            if not keep.any():
                raise PropGenerationError(f"no base-out records before {ctx.day} to fit on")
            table = fit_transition_table(_take(self._records, keep))
            self._tables = {ctx.day: table}  # one day at a time: walk-forward
        return table

    def _game(self, ctx: LiveContext) -> SimGame:
        game = self._games.get(ctx.game.game_pk)
        if game is None:
            slate = Slate(date=ctx.day, games=(ctx.game,))
            game = sim_games(ctx.fitted, ctx.facts, slate)[0]
            self._games[ctx.game.game_pk] = game
        return game

    def __call__(
        self, cp: LiveSnapshot, ctx: LiveContext, players: Mapping[Stat, Sequence[int]]
    ) -> dict[Stat, dict[int, FloatArray]]:
        game = self._game(ctx)
        res = simulate_from(game, game_state(cp, game), self._table(ctx), n=self._n, seed=self._rng)
        out: dict[Stat, dict[int, FloatArray]] = {}
        w = self._tail_weight
        for stat, ids in players.items():
            got: dict[int, FloatArray] = {}
            for p in ids:
                sim = res.distribution(p, stat).pmf
                prior = _truncated(ctx.pregame[stat][p], so_far(cp, stat, p))
                size = max(sim.size, prior.size)
                mixed = np.zeros(size)
                mixed[: sim.size] += (1.0 - w) * sim
                mixed[: prior.size] += w * prior
                got[p] = mixed
            out[stat] = got
        return out


def _take(records: BaseOutRecords, keep: npt.NDArray[np.bool_]) -> BaseOutRecords:
    return BaseOutRecords(
        **{a.name: getattr(records, a.name)[keep] for a in attrs.fields(BaseOutRecords)}
    )


def runs_by_at_bat(records: BaseOutRecords) -> dict[int, dict[int, int]]:
    """``{game_pk: {at_bat_number: runs scored on the PA}}`` (the checkpoints' score)."""
    out: dict[int, dict[int, int]] = {}
    for g, ab, r in zip(
        records.game_pk.tolist(), records.at_bat_number.tolist(), records.runs.tolist(), strict=True
    ):
        if r:
            out.setdefault(int(g), {})[int(ab)] = int(r)
    return out


def _scored_players(cp: LiveSnapshot, game: SlateGame) -> dict[Stat, list[int]]:
    """Starters still pitching (pitcher stats) and starting batters still in (batter stats)."""
    pitchers = [
        s for side, s in ((0, game.away_starter), (1, game.home_starter)) if cp.pitcher[side] == s
    ]
    batters = [b for b in (*game.away_lineup, *game.home_lineup) if b not in cp.removed and b > 0]
    return {stat: list(pitchers if stat in PITCHER_STATS else batters) for stat in LIVE_FAMILIES}


@attrs.define
class _Scores:
    nll: list[float] = attrs.field(factory=list)
    p: dict[float, list[float]] = attrs.field(factory=dict)
    y: dict[float, list[float]] = attrs.field(factory=dict)


def _score(acc: _Scores, pmf: FloatArray, x: int, c: int, stat: Stat) -> None:
    p_x = float(pmf[x]) if x < pmf.size else 0.0
    acc.nll.append(-math.log(max(p_x, 1e-300)))
    sf = np.cumsum(pmf[::-1])[::-1]
    for line in BACKTEST_LINES.get(stat, ()):
        if c > line:  # already over: not an open line
            continue
        k = math.floor(line) + 1
        acc.p.setdefault(line, []).append(float(sf[k]) if k < sf.size else 0.0)
        acc.y.setdefault(line, []).append(float(x > line))


@attrs.frozen
class LiveBacktestReport:
    """Result of :func:`backtest_live`; :meth:`to_json` gives the documented shape."""

    days: int
    games: int
    model: str
    wall_s: float
    checkpoints: dict[str, dict[str, dict[str, Any]]]

    def to_json(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "games": self.games,
            "model": self.model,
            "wall_s": round(self.wall_s, 3),
            "checkpoints": self.checkpoints,
        }


def _pregame_pmfs(res: EngineResult) -> dict[Stat, dict[tuple[int, int], FloatArray]]:
    out: dict[Stat, dict[tuple[int, int], FloatArray]] = {}
    for stat in LIVE_FAMILIES:
        block = res.pitchers if stat in PITCHER_STATS else res.batters
        pmf = block.pmfs[stat]
        out[stat] = {
            (int(g), int(p)): pmf[i]
            for i, (g, p) in enumerate(
                zip(block.game_pk.tolist(), block.player.tolist(), strict=True)
            )
        }
    return out


def backtest_live(
    pas: PlateAppearances,
    start: DateLike,
    end: DateLike,
    *,
    live_model: LiveModel,
    model_name: str,
    rate_model: str | RateModel = "default",
    innings: Sequence[int] = LIVE_CHECKPOINTS,
    runs: Mapping[int, Mapping[int, int]] | None = None,
) -> LiveBacktestReport:
    """Walk forward over the game days in ``[start, end]``: fit ``rate_model`` on the PAs before
    each day, price the day's games pre-game, cut each game at ``innings`` and score
    ``live_model`` against the ``pregame`` and ``naive`` baselines (module doc).  ``runs``:
    :func:`runs_by_at_bat`, for the checkpoints' score (else every score is 0-0)."""
    start, end = to_date(start, "start"), to_date(end, "end")
    if end < start:
        raise PropGenerationError(f"backtest end {end} is before start {start}")
    bad = [k for k in innings if not 2 <= int(k) <= 9]
    if bad:
        raise PropGenerationError(f"checkpoint innings must be in 2..9, got {bad}")
    model = get_rate_model(rate_model)
    t0 = time.perf_counter()
    dates = sorted({d.astype("datetime64[D]").item() for d in np.unique(pas.game_date)})
    days = [d for d in dates if start <= d <= end]
    if not days:
        raise PropGenerationError(f"no game day in {start}..{end} in the Statcast data given")
    names = (model_name, "pregame", "naive")
    models: dict[str, LiveModel] = {
        model_name: live_model,
        "pregame": pregame_live,
        "naive": naive_live,
    }
    acc: dict[int, dict[Stat, dict[str, _Scores]]] = {
        k: {s: {m: _Scores() for m in names} for s in LIVE_FAMILIES} for k in innings
    }
    n_games = 0
    for day in days:
        history, today = pas.before(day), pas.on(day)
        slate = slate_from_statcast(today, day)
        facts = history_facts(history, day)
        fitted = model.fit(history, day)
        history_games = frozenset(int(g) for g in np.unique(history.game_pk).tolist())
        pregame = _pregame_pmfs(run_engine(fitted, facts, slate, stats=LIVE_FAMILIES))
        actual = actual_counts(today)
        for game in slate.games:
            n_games += 1
            game_pas = today.game(game.game_pk)
            per_game = {
                stat: {p: pmf for (g, p), pmf in pregame[stat].items() if g == game.game_pk}
                for stat in LIVE_FAMILIES
            }
            ctx = LiveContext(day, game, fitted, facts, per_game, history_games)
            game_runs = runs.get(game.game_pk, {}) if runs is not None else None
            for cp in checkpoints_of_game(game_pas, game, innings, runs=game_runs):
                players = {
                    stat: [p for p in ids if p in per_game[stat]]
                    for stat, ids in _scored_players(cp, game).items()
                }
                for name in names:
                    pmfs = models[name](cp, ctx, players)
                    for stat, ids in players.items():
                        for p in ids:
                            x = actual[stat].get((game.game_pk, p), 0)
                            _score(
                                acc[cp.inning][stat][name],
                                pmfs[stat][p],
                                x,
                                so_far(cp, stat, p),
                                stat,
                            )
        log.debug("live backtest %s: %d games", day, len(slate))
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for k in innings:
        fams: dict[str, dict[str, Any]] = {}
        for stat in LIVE_FAMILIES:
            a = acc[k][stat]
            main = a[model_name]
            lines = {}
            for line in BACKTEST_LINES.get(stat, ()):
                if line not in main.p:
                    continue
                p_over, y_over = np.array(main.p[line]), np.array(main.y[line])
                lines[f"{line:g}"] = {
                    "n": int(p_over.size),
                    "brier": round(float(np.mean((p_over - y_over) ** 2)), 5),
                    "ece": round(expected_calibration_error(p_over, y_over), 5),
                }
            fams[stat.value] = {
                "n": len(main.nll),
                "log_loss": _mean(main.nll),
                "log_loss_pregame": _mean(a["pregame"].nll),
                "log_loss_naive": _mean(a["naive"].nll),
                "lines": lines,
            }
        out[f"inning_{k}"] = fams
    return LiveBacktestReport(
        days=len(days),
        games=n_games,
        model=model_name,
        wall_s=time.perf_counter() - t0,
        checkpoints=out,
    )


def _mean(values: list[float]) -> float | None:
    return round(float(np.mean(values)), 5) if values else None
