"""Base-out transition tables on the real May 2024 Statcast rows, checked against an
independent pandas computation from the raw pitch rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from savantsdk.props import PACategory
from savantsdk.props._sim_tables import (
    SCORED,
    BaseOutRecords,
    TransitionTable,
    fit_transition_table,
    read_base_out_files,
)

DAYS = [dt.date(2024, 5, 1) + dt.timedelta(days=i) for i in range(31)]
COLS = [
    "game_pk", "at_bat_number", "pitch_number", "inning", "inning_topbot", "outs_when_up",
    "on_1b", "on_2b", "on_3b", "bat_score", "post_bat_score", "events",
]  # fmt: skip


@pytest.fixture(scope="module")
def files(shared_data: Path) -> list[Path]:
    out = [shared_data / f"statcast/2024/sc_{d.isoformat()}.csv.gz" for d in DAYS]
    missing = [p for p in out if not p.exists()]
    if missing:
        pytest.fail(f"shared Statcast files missing: {missing[:3]}")
    return out


@pytest.fixture(scope="module")
def records(files: list[Path]) -> BaseOutRecords:
    return read_base_out_files(files)


@pytest.fixture(scope="module")
def table(records: BaseOutRecords) -> TransitionTable:
    return fit_transition_table(records)


@pytest.fixture(scope="module")
def raw(files: list[Path]) -> pd.DataFrame:
    """One row per PA from pandas: state at its first pitch, runs to the next PA's first pitch
    of the same half-inning (written independently of the module under test)."""
    df = pd.concat(pd.read_csv(f, usecols=COLS) for f in files)
    df = df.sort_values(["game_pk", "at_bat_number", "pitch_number"])
    g = df.groupby(["game_pk", "at_bat_number"], sort=False)
    pa = g.first()[["inning", "inning_topbot", "outs_when_up", "on_1b", "on_2b", "on_3b"]]
    pa["score0"] = g["bat_score"].first()
    pa["events"] = g["events"].last()
    pa = pa.reset_index()
    half = ["game_pk", "inning", "inning_topbot"]
    pa["next_score"] = pa.groupby(half)["score0"].shift(-1)
    pa["next_outs"] = pa.groupby(half)["outs_when_up"].shift(-1)
    return pa


def test_cells_are_distributions(table: TransitionTable) -> None:
    sums = np.add.reduceat(table.prob, table.start[:-1])
    np.testing.assert_allclose(sums, 1.0, atol=1e-12)
    assert table.start.size - 1 == 8 * 24
    assert np.all(table.prob > 0)
    # every transition keeps runners in order and never puts two on one base
    for b in range(3):
        assert np.all((table.fates == b + 1).sum(axis=1) <= 1)


def test_single_with_a_runner_on_second_and_no_outs(
    table: TransitionTable, records: BaseOutRecords, raw: pd.DataFrame
) -> None:
    """P(a run scores | single, runner on 2nd only, 0 outs) from the raw rows."""
    sel = raw[
        (raw.events == "single")
        & raw.on_2b.notna()
        & raw.on_1b.isna()
        & raw.on_3b.isna()
        & (raw.outs_when_up == 0)
        & raw.next_score.notna()
    ]
    p_raw = float((sel.next_score - sel.score0 >= 1).mean())
    n_raw = len(sel)
    assert 60 <= n_raw <= 200  # about 3 a day in May
    assert 0.35 <= p_raw <= 0.60  # the runner from 2nd scores on about half the singles
    p_table = table.p_runs_at_least(PACategory.SINGLE, bases=2, outs=0)
    n_cell = table.observed[PACategory.SINGLE, 2]
    assert abs(n_cell - n_raw) <= 3  # a few records fail the runner-id consistency check
    # smoothing moves at most 5 of n_cell + 5 pseudo-PAs of mass
    assert abs(p_table - p_raw) <= 5.0 / (n_cell + 5.0) + 0.01


def test_runs_per_pa_match_the_raw_rows(records: BaseOutRecords, raw: pd.DataFrame) -> None:
    mid = raw[raw.next_score.notna() & raw.events.notna()]
    raw_runs = float((mid.next_score - mid.score0).mean())
    ours = records.runs[~records.end].mean()
    assert ours == pytest.approx(raw_runs, rel=0.01)
    # about 4.4 runs a game over 38 PAs; the PAs that end a half-inning rarely score
    assert 0.10 <= records.runs.mean() <= 0.13
    assert records.runs[records.end].mean() < ours


def test_fates_reproduce_the_recorded_bases(records: BaseOutRecords) -> None:
    mid = ~records.end
    occupied = np.zeros((int(mid.sum()), 3), dtype=bool)
    fates = records.fates[mid]
    for b in range(3):
        occupied[:, b] = (fates == b + 1).any(axis=1)
    recorded = records.post_runners[mid] > 0
    assert np.mean(np.all(occupied == recorded, axis=1)) == 1.0
    np.testing.assert_array_equal((records.fates == SCORED).sum(axis=1), records.runs)


def test_home_runs_and_rbi_rules(table: TransitionTable, records: BaseOutRecords) -> None:
    # a bases-empty home run: one run, one RBI, bases empty
    rows, p = table.cell(PACategory.HOME_RUN, 0, 0)
    assert float(p[(table.runs[rows] == 1) & (table.rbi[rows] == 1)].sum()) > 0.95
    # bases-loaded walk: a forced run and an RBI
    rows, p = table.cell(PACategory.WALK, 7, 1)
    assert float(p[(table.runs[rows] >= 1) & (table.rbi[rows] == 1)].sum()) > 0.9
    gidp = records.event == "grounded_into_double_play"
    assert gidp.sum() > 300
    assert np.all(records.rbi[gidp] == 0)
    assert np.all(records.rbi <= records.runs)
    # double plays from the table itself: a grounder with a man on 1st, 0 outs
    rows, p = table.cell(PACategory.OUT_IN_PLAY, 1, 0)
    p_dp = float(p[table.outs_added[rows] == 2].sum())
    assert 0.10 <= p_dp <= 0.25
