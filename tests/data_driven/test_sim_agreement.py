"""The simulator against the closed-form engine on a real slate (2024-06-14, 15 games, the
default rate model fitted on the season before it): the families both produce agree in mean
within 2% over the slate, and the simulated league looks like the real one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from savantsdk.props import ShrinkageRateModel, Stat, history_facts, run_engine
from savantsdk.props._engine import EngineResult
from savantsdk.props._sim_inputs import sim_games, substitution_hazard
from savantsdk.props._sim_tables import fit_transition_table, read_base_out_files
from savantsdk.props._simulate import SimulationResult, simulate_games
from savantsdk.props._slate import slate_from_statcast
from savantsdk.sources import PlateAppearances, ingest_statcast_files

DAY = dt.date(2024, 6, 14)
BATTER = (Stat.HITS, Stat.SINGLES, Stat.TOTAL_BASES, Stat.HOME_RUNS, Stat.WALKS,
          Stat.BATTER_STRIKEOUTS)  # fmt: skip
PITCHER = (Stat.PITCHER_STRIKEOUTS, Stat.PITCHER_OUTS, Stat.HITS_ALLOWED, Stat.WALKS_ALLOWED)


@pytest.fixture(scope="module")
def setup(
    shared_data: Path,
) -> tuple[PlateAppearances, EngineResult, dict[int, SimulationResult]]:
    folder = shared_data / "statcast" / "2024"
    if not folder.is_dir():
        pytest.fail(f"{folder} missing")
    files = sorted(folder.glob("sc_*.csv.gz"))
    before = [f for f in files if f.name[3:13] < DAY.isoformat()]
    pas = ingest_statcast_files(files)
    hist = pas.before(DAY)
    rates = ShrinkageRateModel().fit(hist, DAY)
    facts = history_facts(hist, DAY)
    slate = slate_from_statcast(pas, DAY)
    table = fit_transition_table(read_base_out_files(before))
    games = sim_games(rates, facts, slate, sub_hazard=substitution_hazard(hist, DAY))
    res = simulate_games(games, table, n=10_000, seed=2024)
    return hist, run_engine(rates, facts, slate), {r.game.game_pk: r for r in res}


def _mean(pmf: np.ndarray) -> np.ndarray:
    out: np.ndarray = pmf @ np.arange(pmf.shape[1])
    return out


def test_batter_families_agree_within_2_percent(setup) -> None:  # type: ignore[no-untyped-def]
    _, eng, sims = setup
    b = eng.batters
    assert len(b) == 270
    for st in BATTER:
        closed = _mean(b.pmfs[st]).sum()
        sim = sum(sims[g].mean(p, st.value) for g, p in zip(b.game_pk, b.player, strict=True))
        assert sim / closed == pytest.approx(1.0, abs=0.02), st
    # the reason they agree: the simulated PAs of each slot are the engine's measured ones
    pa = np.array(
        [sims[g].mean(p, "plate_appearances") for g, p in zip(b.game_pk, b.player, strict=True)]
    )
    for slot in range(1, 10):
        m = b.slot == slot
        assert pa[m].mean() == pytest.approx(b.expected_pa[m].mean(), rel=0.01), slot


def test_pitcher_families_agree_within_2_percent(setup) -> None:  # type: ignore[no-untyped-def]
    _, eng, sims = setup
    p = eng.pitchers
    assert len(p) == 30
    for st in PITCHER:
        closed = _mean(p.pmfs[st]).sum()
        sim = sum(sims[g].mean(i, st.value) for g, i in zip(p.game_pk, p.player, strict=True))
        assert sim / closed == pytest.approx(1.0, abs=0.02), st


def test_the_simulated_league_looks_real(setup) -> None:  # type: ignore[no-untyped-def]
    hist, _, sims = setup
    key = hist.game_pk * 2 + hist.is_top.astype(np.int64)
    u, c = np.unique(key, return_counts=True)
    home_pa_real, away_pa_real = c[u % 2 == 0].mean(), c[u % 2 == 1].mean()
    pa = np.array([r.batting[:, :, :, :8].sum(axis=(2, 3)).mean(axis=0) for r in sims.values()])
    assert pa[:, 0].mean() == pytest.approx(away_pa_real, rel=0.03)
    assert pa[:, 1].mean() == pytest.approx(home_pa_real, rel=0.03)
    runs = np.mean([r.score.mean() for r in sims.values()])
    assert 3.9 < runs < 4.8  # 2024-03-28..06-30: 4.36 runs per team-game (final scores)
    extra = np.mean([(r.innings > 9).mean() for r in sims.values()])
    assert 0.06 < extra < 0.13  # 115 of the 1,258 games of 2024-03-28..06-30 (9.1%)
