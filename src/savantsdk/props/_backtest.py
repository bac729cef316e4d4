"""Walk-forward backtest of rate models on recorded Statcast days.

For every game day in ``[start, end]`` present in the data: fit each model on the PAs strictly
before the day (so a doubleheader's game 2 never sees game 1), take the day's actual starting
lineups and starters (:func:`slate_from_statcast`), compute every family's pmf and settle it
against the day's actual counts.  Metrics per family: mean log loss of the actual count
(``-log P(X = x)``), and per line the Brier score and the 10-bin expected calibration error of
P(over).  The ``league`` and ``naive`` baselines always run on the same days and rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._dates import to_date
from .._frames import FrameColumn, FrameExport, backtest_columns
from .._progress import progress_bar
from ..exceptions import PropGenerationError
from ..sources import PAOutcome, PlateAppearances
from ..typing import DateLike
from ._arrays import FloatArray, IntArray
from ._distributions import Stat
from ._engine import EngineResult, PlayerBlock, history_facts, run_engine
from ._rates import LeagueModel, NaiveModel, RateModel, get_rate_model
from ._slate import slate_from_statcast

__all__ = (
    "BACKTEST_FAMILIES",
    "BACKTEST_LINES",
    "BacktestReport",
    "actual_counts",
    "backtest",
    "calibration_bins",
    "expected_calibration_error",
)

log = logging.getLogger("savantsdk")


#: Families settled by the backtest (earned runs and hits+runs+RBIs need runs, which the
#: Statcast plate-appearance arrays do not carry).
BACKTEST_FAMILIES: Final = (
    Stat.HITS,
    Stat.SINGLES,
    Stat.TOTAL_BASES,
    Stat.HOME_RUNS,
    Stat.BATTER_STRIKEOUTS,
    Stat.WALKS,
    Stat.PITCHER_STRIKEOUTS,
    Stat.PITCHER_OUTS,
    Stat.HITS_ALLOWED,
    Stat.WALKS_ALLOWED,
)

#: Lines scored for Brier / ECE per family.
BACKTEST_LINES: Final[dict[Stat, tuple[float, ...]]] = {
    Stat.HITS: (0.5, 1.5),
    Stat.SINGLES: (0.5,),
    Stat.TOTAL_BASES: (1.5,),
    Stat.HOME_RUNS: (0.5,),
    Stat.BATTER_STRIKEOUTS: (0.5,),
    Stat.WALKS: (0.5,),
    Stat.PITCHER_STRIKEOUTS: (4.5, 5.5),
    Stat.PITCHER_OUTS: (17.5,),
    Stat.HITS_ALLOWED: (5.5,),
    Stat.WALKS_ALLOWED: (1.5,),
}

_TB: Final = np.array([1, 2, 3, 4, 0, 0, 0, 0, 0, 0], dtype=np.int64)  # by PAOutcome code


def expected_calibration_error(p: npt.ArrayLike, y: npt.ArrayLike, *, bins: int = 10) -> float:
    """``sum_b (n_b / N) |mean(p in b) - mean(y in b)|`` over ``bins`` equal-width bins."""
    pa = np.asarray(p, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if pa.size == 0:
        return float("nan")
    idx = np.minimum((pa * bins).astype(np.int64), bins - 1)
    sp = np.bincount(idx, weights=pa, minlength=bins)
    sy = np.bincount(idx, weights=ya, minlength=bins)
    return float(np.abs(sp - sy).sum() / pa.size)


def calibration_bins(p: npt.ArrayLike, y: npt.ArrayLike, *, bins: int = 10) -> dict[str, list[Any]]:
    """Reliability-diagram data: the ``bins`` equal-width bins of
    :func:`expected_calibration_error`, each with its ``count``, mean predicted probability
    ``p_mean`` and observed frequency ``y_mean`` (``None`` for an empty bin), plus ``edges``."""
    pa = np.asarray(p, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if pa.shape != ya.shape or pa.ndim != 1:
        raise PropGenerationError(f"p and y must be 1-d of one length, got {pa.shape}, {ya.shape}")
    if bins < 1:
        raise PropGenerationError(f"bins must be >= 1, got {bins}")
    idx = np.minimum((pa * bins).astype(np.int64), bins - 1)
    n = np.bincount(idx, minlength=bins)
    sp = np.bincount(idx, weights=pa, minlength=bins)
    sy = np.bincount(idx, weights=ya, minlength=bins)
    return {
        "edges": [round(k / bins, 10) for k in range(bins + 1)],
        "count": [int(c) for c in n],
        "p_mean": [float(a / c) if c else None for a, c in zip(sp, n, strict=True)],
        "y_mean": [float(a / c) if c else None for a, c in zip(sy, n, strict=True)],
    }


def actual_counts(day_pas: PlateAppearances) -> dict[Stat, dict[tuple[int, int], int]]:
    """``{stat: {(game_pk, player): count}}`` from one day's PAs (batters: all their PAs in the
    game; starters: the PAs while they pitched; pitcher outs include runner outs)."""
    out: dict[Stat, dict[tuple[int, int], int]] = {}
    oc = day_pas.outcome.astype(np.int64)
    game = day_pas.game_pk
    hit = oc <= PAOutcome.HOME_RUN
    per_pa = {
        Stat.HITS: hit,
        Stat.SINGLES: oc == PAOutcome.SINGLE,
        Stat.TOTAL_BASES: _TB[oc],
        Stat.HOME_RUNS: oc == PAOutcome.HOME_RUN,
        Stat.BATTER_STRIKEOUTS: oc == PAOutcome.STRIKEOUT,
        Stat.WALKS: oc == PAOutcome.WALK,
    }
    for stat, val in per_pa.items():
        out[stat] = _sum_by(game, day_pas.batter, np.asarray(val, dtype=np.int64))
    pitcher_val = {
        Stat.PITCHER_STRIKEOUTS: oc == PAOutcome.STRIKEOUT,
        Stat.HITS_ALLOWED: hit,
        Stat.WALKS_ALLOWED: oc == PAOutcome.WALK,
    }
    for stat, val in pitcher_val.items():
        out[stat] = _sum_by(game, day_pas.pitcher, np.asarray(val, dtype=np.int64))
    out[Stat.PITCHER_OUTS] = day_pas.pitcher_outs()
    return out


def _sum_by(game: IntArray, player: IntArray, val: IntArray) -> dict[tuple[int, int], int]:
    if game.size == 0:
        return {}
    keys = np.stack([game, player], axis=1)
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    sums = np.bincount(inv.ravel(), weights=val, minlength=uniq.shape[0])
    return {
        (int(g), int(p)): int(s) for (g, p), s in zip(uniq.tolist(), sums.tolist(), strict=True)
    }


@attrs.define
class _Acc:
    """Per model and family: log losses and per-line (p_over, outcome) pairs."""

    nll: list[FloatArray] = attrs.field(factory=list)
    p_over: dict[float, list[FloatArray]] = attrs.field(factory=dict)
    y_over: dict[float, list[FloatArray]] = attrs.field(factory=dict)
    mean_pred: list[FloatArray] = attrs.field(factory=list)
    actual: list[FloatArray] = attrs.field(factory=list)


def _settle(
    block: PlayerBlock,
    stat: Stat,
    actual: dict[tuple[int, int], int],
    acc: _Acc,
) -> int:
    pmf = block.pmfs.get(stat)
    if pmf is None or len(block) == 0:
        return 0
    x = np.array(
        [
            actual.get((int(g), int(p)), -1)
            for g, p in zip(block.game_pk.tolist(), block.player.tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    ok = x >= 0
    if not np.any(ok):
        return 0
    rows = pmf[ok]
    xs = np.minimum(x[ok], rows.shape[1] - 1)
    p_x = rows[np.arange(rows.shape[0]), xs]
    acc.nll.append(-np.log(p_x))
    acc.mean_pred.append(rows @ np.arange(rows.shape[1], dtype=np.float64))
    acc.actual.append(x[ok].astype(np.float64))
    sf = np.cumsum(rows[:, ::-1], axis=1)[:, ::-1]
    for line in BACKTEST_LINES.get(stat, ()):
        k = int(np.floor(line)) + 1
        p_over = sf[:, k] if k < rows.shape[1] else np.zeros(rows.shape[0])
        acc.p_over.setdefault(line, []).append(p_over)
        acc.y_over.setdefault(line, []).append((x[ok] > line).astype(np.float64))
    return int(ok.sum())


@attrs.frozen
class BacktestReport(FrameExport):
    """Result of :func:`backtest`; :meth:`to_json` gives the documented JSON shape.

    ``calibration``: model -> family -> line -> :func:`calibration_bins` of P(over) (what
    :func:`savantsdk.plots.plot_calibration` draws).  ``to_pandas()`` / ``to_polars()`` /
    ``to_arrow()``: one row per (model, family, line) with the metrics of ``families``.
    """

    days: int
    games: int
    props: int
    wall_s: float
    models: tuple[str, ...]
    families: dict[str, dict[str, dict[str, Any]]]  # model -> family -> metrics
    calibration: dict[str, dict[str, dict[str, dict[str, list[Any]]]]] = attrs.field(factory=dict)

    def _frame_columns(self) -> list[FrameColumn]:
        return backtest_columns(self)

    def to_json(self) -> dict[str, Any]:
        """One model: ``{"days", "games", "props", "wall_s", "families": {...}}``; several
        models: ``{model_name: <that object>}`` per model, in the order given."""
        objs = {
            m: {
                "days": self.days,
                "games": self.games,
                "props": self.props,
                "wall_s": round(self.wall_s, 3),
                "model": m,
                "families": self.families[m],
            }
            for m in self.models
        }
        if len(self.models) == 1:
            return objs[self.models[0]]
        return dict(objs)


def _days_in(pas: PlateAppearances, start: dt.date, end: dt.date) -> list[dt.date]:
    days = np.unique(pas.game_date)
    lo, hi = np.datetime64(start, "D"), np.datetime64(end, "D")
    epoch = dt.date(1970, 1, 1)
    return [
        epoch + dt.timedelta(days=int(d.astype("datetime64[D]").astype(np.int64)))
        for d in days
        if lo <= d <= hi
    ]


def backtest(
    pas: PlateAppearances,
    start: DateLike,
    end: DateLike,
    *,
    models: Sequence[str | RateModel] = ("default",),
    progress: bool | None = None,
) -> BacktestReport:
    """Walk forward over every game day in ``[start, end]`` found in ``pas`` (dates:
    :data:`~savantsdk.typing.DateLike`).

    ``progress``: a progress bar over the days (tqdm, extra ``progress``); ``None`` shows it
    in Jupyter or on a terminal unless ``SAVANTSDK_PROGRESS=0``.  A range with no game day in
    ``pas`` (a 2025 range on 2024 files) raises :class:`PropGenerationError` naming the days
    the data covers: there is nothing to score, and a table of NaN would say otherwise.
    """
    start, end = to_date(start, "start"), to_date(end, "end")
    if end < start:
        raise PropGenerationError(f"backtest end {end} is before start {start}")
    chosen = [get_rate_model(m) for m in models]
    if not chosen:
        raise PropGenerationError("backtest needs at least one model")
    names = [m.name for m in chosen]
    if len(set(names)) != len(names):
        raise PropGenerationError(f"backtest model names must differ, got {names}")
    baselines: list[RateModel] = [LeagueModel(), NaiveModel()]
    everyone = chosen + [b for b in baselines if b.name not in names]
    acc: dict[str, dict[Stat, _Acc]] = {
        m.name: {s: _Acc() for s in BACKTEST_FAMILIES} for m in everyone
    }
    t0 = time.perf_counter()
    days = _days_in(pas, start, end)
    if not days:
        covered = _days_in(pas, dt.date.min, dt.date.max)
        have = f"{covered[0]}..{covered[-1]}" if covered else "no game day at all"
        raise PropGenerationError(
            f"no game day in {start}..{end} in the Statcast data given (it covers {have}): "
            "nothing to backtest"
        )
    n_games = n_props = 0
    with progress_bar("backtest", unit="day", progress=progress) as bar:
        for i, day in enumerate(days, start=1):
            history = pas.before(day)
            today = pas.on(day)
            slate = slate_from_statcast(today, day)
            facts = history_facts(history, day)
            actual = actual_counts(today)
            n_games += len(slate)
            for model in everyone:
                fitted = model.fit(history, day)
                res: EngineResult = run_engine(fitted, facts, slate, stats=BACKTEST_FAMILIES)
                settled = 0
                for stat in BACKTEST_FAMILIES:
                    block = res.batters if stat in res.batters.pmfs else res.pitchers
                    settled += _settle(block, stat, actual[stat], acc[model.name][stat])
                if model is chosen[0]:
                    n_props += settled
            log.debug("backtest %s: %d games", day, len(slate))
            bar(i, len(days))
    wall = time.perf_counter() - t0

    def mean_nll(a: _Acc) -> float:
        return float(np.concatenate(a.nll).mean()) if a.nll else float("nan")

    families: dict[str, dict[str, dict[str, Any]]] = {}
    calibration: dict[str, dict[str, dict[str, dict[str, list[Any]]]]] = {}
    for model in chosen:
        fam: dict[str, dict[str, Any]] = {}
        cal = calibration[model.name] = {}
        for stat in BACKTEST_FAMILIES:
            a = acc[model.name][stat]
            lines: dict[str, dict[str, float]] = {}
            for line in BACKTEST_LINES.get(stat, ()):
                if line not in a.p_over:
                    continue
                p = np.concatenate(a.p_over[line])
                y = np.concatenate(a.y_over[line])
                cal.setdefault(stat.value, {})[f"{line:g}"] = calibration_bins(p, y)
                lines[f"{line:g}"] = {
                    "brier": round(float(np.mean((p - y) ** 2)), 5),
                    "ece": round(expected_calibration_error(p, y), 5),
                    "p_mean": round(float(p.mean()), 4),
                    "y_mean": round(float(y.mean()), 4),
                }
            fam[stat.value] = {
                "n": int(sum(x.size for x in a.nll)),
                "log_loss": round(mean_nll(a), 5),
                "log_loss_league": round(mean_nll(acc["league"][stat]), 5),
                "log_loss_naive": round(mean_nll(acc["naive"][stat]), 5),
                "mean": round(float(np.concatenate(a.mean_pred).mean()), 4) if a.nll else None,
                "mean_actual": round(float(np.concatenate(a.actual).mean()), 4) if a.nll else None,
                "lines": lines,
            }
        families[model.name] = fam
    return BacktestReport(
        days=len(days),
        games=n_games,
        props=n_props,
        wall_s=wall,
        models=tuple(names),
        families=families,
        calibration=calibration,
    )
