"""DataFrame export (``to_arrow`` / ``to_pandas`` / ``to_polars``) of every model, on real data.

Values are compared column by column with the model's own plain-Python view (``to_list()``,
``rows()``, the attrs fields), dtypes with the table in docs/notebooks.md; zero-copy and
"the model never changes when the frame is written to" are checked on the buffers.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from savantsdk import _frames
from savantsdk.exceptions import MissingExtraError, SavantError
from savantsdk.ids import load_people
from savantsdk.props._backtest import backtest
from savantsdk.props._generate import generate_from_statcast
from savantsdk.props._markets import read_lines_file
from savantsdk.sources import (
    PlateAppearances,
    StatcastTable,
    ingest_statcast,
    parse_custom_leaderboard,
    parse_expected_statistics,
    parse_percentile_rankings,
    parse_projections,
    parse_schedule,
    read_statcast_csv,
)
from savantsdk.sources._lines import PRIZEPICKS_STAT_MARKETS, LineSet, _pp_line
from savantsdk.sources._savant_results import StatcastResult

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DataFile = Callable[[str], Path]


def need(*modules: str) -> None:
    """The frame libraries are in the test extras: missing is a skip locally, a failure in CI."""
    for name in modules:
        if importlib.util.find_spec(name) is None:
            if IN_CI:
                pytest.fail(f"{name} is required in CI (CI=true) but is not installed")
            pytest.skip(f"{name} not installed")


@pytest.fixture(scope="module")
def day(shared_data: Path) -> StatcastTable:
    return read_statcast_csv(shared_data / "statcast/2024/sc_2024-06-17.csv.gz")


@pytest.fixture(scope="module")
def two_days(shared_data: Path) -> StatcastTable:
    return StatcastTable.concat(
        [read_statcast_csv(shared_data / f"statcast/2024/sc_2024-06-{d}.csv.gz") for d in (16, 17)]
    )


def _plain(series: Any) -> list[Any]:
    """A pandas column as plain values, ``None`` for every kind of missing."""
    import pandas as pd

    return [None if pd.isna(v) else v for v in series.astype(object).tolist()]


def _py(value: Any) -> Any:
    """Arrow/polars scalars compared with the models' plain values (NaN is missing)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# ---------------------------------------------------------------------------------- Statcast


def test_statcast_arrow_types_values_and_zero_copy(day: StatcastTable) -> None:
    need("pyarrow")
    import pyarrow as pa

    table = day.to_arrow()
    assert table.num_rows == day.rows
    assert table.column_names == list(day.columns)
    for name in day.columns:
        col = day.column(name)
        arr = table.column(name).combine_chunks()
        expected = {
            "int": pa.int64(),
            "float": pa.float64(),
            "date": pa.date32(),
        }.get(col.kind)
        if col.kind == "str" and name in _frames.STATCAST_CATEGORIES:
            assert pa.types.is_dictionary(arr.type), name
            vocab = arr.dictionary.to_pylist()
            assert vocab == sorted(vocab), name
        elif col.kind == "str":
            assert arr.type == pa.string(), name
        else:
            assert arr.type == expected, name
        assert arr.null_count == int(col.missing.sum()), name
        assert [_py(v) for v in arr.to_pylist()] == col.to_list(), name
    for name in ("release_speed", "batter", "on_3b"):
        col = day.column(name)
        buf = table.column(name).chunk(0).buffers()[1]
        assert buf.address == col.values.ctypes.data, f"{name} was copied"


def test_statcast_pandas_dtypes_and_values(day: StatcastTable) -> None:
    need("pandas")
    import pandas as pd

    df = day.to_pandas()
    assert list(df.columns) == list(day.columns)
    assert len(df) == day.rows
    for name in day.columns:
        col, s = day.column(name), df[name]
        assert s.isna().to_numpy().tolist() == col.missing.tolist(), name
        if col.kind == "int":
            assert s.dtype == pd.Int64Dtype(), name
        elif col.kind == "float":
            assert s.dtype == np.float64, name
        elif col.kind == "date":
            assert s.dtype == np.dtype("datetime64[ms]"), name
            assert [v.date() for v in s.dropna()] == [v for v in col.to_list() if v], name
            continue
        elif name in _frames.STATCAST_CATEGORIES:
            assert isinstance(s.dtype, pd.CategoricalDtype), name
            assert list(s.cat.categories) == sorted(s.cat.categories), name
        else:
            assert not isinstance(s.dtype, pd.CategoricalDtype), name
        assert _plain(s) == col.to_list(), name
    assert df["events"].dtype.categories.tolist() == sorted(
        {v for v in day.column("events").to_list() if v}
    )


def test_statcast_pandas_shares_buffers_but_never_writes_to_the_table(
    day: StatcastTable,
) -> None:
    need("pandas")
    import pandas as pd

    before = {n: day.column(n).values.copy() for n in ("release_speed", "batter", "on_3b")}
    df = day.to_pandas()
    if int(pd.__version__.split(".")[0]) >= 3:  # Copy-on-Write: no copy at conversion
        assert np.shares_memory(df["release_speed"].to_numpy(), day.column("release_speed").values)
        assert np.shares_memory(df["batter"].array._data, day.column("batter").values)
    df.loc[0, "release_speed"] = -1.0
    df.loc[0, "batter"] = -1
    df.fillna({"on_3b": 0}, inplace=True)
    df["release_speed"] *= 2
    assert df.loc[0, "release_speed"] == -2.0
    assert df.loc[0, "batter"] == -1
    assert not df["on_3b"].isna().any()
    for name, values in before.items():
        assert np.array_equal(day.column(name).values, values, equal_nan=True), name
    again = day.to_pandas()
    assert again.loc[0, "batter"] == day.column("batter")[0]
    assert again["on_3b"].isna().sum() == int(day.column("on_3b").missing.sum())


def test_pandas_without_copy_on_write_copies(
    day: StatcastTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    need("pandas")
    monkeypatch.setattr(_frames, "_copy_on_write", lambda pd: False)
    table = day.filter(np.ones(day.rows, dtype=bool))  # a fresh owner: no anchor yet
    df = table.to_pandas()
    assert not np.shares_memory(
        df["release_speed"].to_numpy(), table.column("release_speed").values
    )
    assert df["batter"].tolist() == table.column("batter").to_list()


def test_statcast_polars(day: StatcastTable) -> None:
    need("polars", "pyarrow")
    import polars as pl

    df = day.to_polars()
    assert df.shape == (day.rows, len(day.columns))
    kinds = {"int": pl.Int64, "float": pl.Float64, "date": pl.Date}
    for name in day.columns:
        col = day.column(name)
        s = df[name]
        if col.kind == "str":
            cat = name in _frames.STATCAST_CATEGORIES
            assert s.dtype == (pl.Categorical if cat else pl.String), name
        else:
            assert s.dtype == kinds[col.kind], name
        assert s.null_count() == int(col.missing.sum()), name
        assert [_py(v) for v in s.to_list()] == col.to_list(), name


def test_concatenated_days_and_result_delegate(two_days: StatcastTable) -> None:
    need("pandas", "pyarrow", "polars")
    result = StatcastResult(table=two_days, days=(dt.date(2024, 6, 16),), errors={})
    df = result.to_pandas()
    assert len(df) == two_days.rows
    assert set(df["game_date"].dt.date) == {dt.date(2024, 6, 16), dt.date(2024, 6, 17)}
    teams = {v for v in two_days.column("home_team").to_list() if v}
    assert set(df["home_team"].cat.categories) == teams
    assert result.to_arrow().equals(two_days.to_arrow())
    assert result.to_polars().equals(two_days.to_polars())


def test_empty_table() -> None:
    need("pandas", "pyarrow", "polars")
    empty = StatcastTable({}, 0)
    assert empty.to_pandas().shape == (0, 0)
    assert empty.to_arrow().num_columns == 0
    assert empty.to_polars().shape == (0, 0)


def test_lazy_table_converts_like_eager(shared_data: Path, day: StatcastTable) -> None:
    need("pyarrow")
    lazy = read_statcast_csv(shared_data / "statcast/2024/sc_2024-06-17.csv.gz", lazy=True)
    assert lazy.to_arrow().equals(day.to_arrow())


# ----------------------------------------------------------------------------- leaderboards


def test_leaderboards(data_file: DataFile) -> None:
    need("pandas", "polars", "pyarrow")
    import pandas as pd
    import polars as pl

    lb = data_file("savant_leaderboards")
    xs = parse_expected_statistics(
        (lb / "expected_statistics_batter_2023__tnestico-xwoba.csv").read_bytes()
    )
    assert xs == list(xs)  # still a plain list of rows
    df = xs.to_pandas()
    assert len(df) == len(xs)
    assert list(df.columns[:4]) == ["player_id", "last_name", "first_name", "year"]
    assert df["player_id"].dtype == pd.Int64Dtype()
    assert df["est_woba"].tolist() == [r.est_woba for r in xs]
    assert df.loc[0, "last_name"] == xs[0].last_name == "Semien"

    pct = parse_percentile_rankings(
        (lb / "percentile_rankings_batter_2025__ytpatel3.csv").read_bytes()
    )
    pf = pct.to_polars()
    assert pf["xwoba"].dtype == pl.Int64
    assert pf["xwoba"].null_count() == sum(r.xwoba is None for r in pct)
    assert pf["max_ev"].to_list() == [r.max_ev for r in pct]

    custom = parse_custom_leaderboard(
        (lb / "custom_leaderboard_batter_2024__DjNastySteve.csv").read_bytes()
    )
    table = custom.to_arrow()
    stat_names = list(custom[0].stats)
    assert table.column_names[: 4 + len(stat_names)] == [
        "player_id",
        "last_name",
        "first_name",
        "year",
        *stat_names,
    ]
    for name in stat_names:
        assert [_py(v) for v in table.column(name).to_pylist()] == [
            r.stats.get(name) for r in custom
        ]


def test_empty_leaderboard() -> None:
    need("pandas")
    assert parse_expected_statistics(b"").to_pandas().shape == (0, 0)


# --------------------------------------------------------------------------------- schedule


def test_schedule_one_row_per_game(data_file: DataFile) -> None:
    need("pandas", "pyarrow")
    import pandas as pd
    import pyarrow as pa

    raw = json.loads(data_file("statsapi/mlb-statsapi-pydantic/schedule.json").read_bytes())
    game = raw["dates"][0]["games"][0]
    game["teams"]["home"]["probablePitcher"] = {"id": 605400, "fullName": "Aaron Nola"}
    game["lineups"] = {"homePlayers": [{"id": 10 + i} for i in range(9)]}
    schedule = parse_schedule(json.dumps(raw).encode())
    df = schedule.to_pandas()
    games = schedule.games
    assert df["game_pk"].tolist() == [g.game_pk for g in games]
    assert df["official_date"].dt.date.tolist() == [g.official_date for g in games]
    assert df["game_date"].dt.tz is not None
    assert df["game_date"].tolist() == [pd.Timestamp(g.game_date) for g in games]
    assert df["home_team"].tolist() == [g.teams.home.team.name for g in games]
    assert df["away_score"].tolist() == [g.teams.away.score for g in games]
    assert df.loc[0, "home_probable_pitcher_id"] == 605400
    assert df.loc[0, "home_probable_pitcher"] == "Aaron Nola"
    assert df["home_probable_pitcher_id"].isna().sum() == len(games) - 1
    assert df["home_lineup"].tolist() == [9] + [0] * (len(games) - 1)
    assert isinstance(df["status"].dtype, pd.CategoricalDtype)
    at = schedule.to_arrow()
    assert at.schema.field("game_date").type == pa.timestamp("us", tz="UTC")
    assert at.schema.field("official_date").type == pa.date32()


# ---------------------------------------------------------------------------------- lines


def test_lineset_one_row_per_line(data_file: DataFile) -> None:
    need("pandas", "polars", "pyarrow")
    import pandas as pd

    board = parse_projections(
        data_file("markets/prizepicks/projections_all_leagues_2024-06-10.json").read_bytes(),
        league_id=2,
    )
    lines = tuple(
        _pp_line(p, PRIZEPICKS_STAT_MARKETS[p.stat_type])
        for p in board.projections
        if p.stat_type in PRIZEPICKS_STAT_MARKETS and not p.is_combo
    )
    assert len(lines) > 100
    lineset = LineSet(lines=lines, served_by=("prizepicks",))
    df = lineset.to_pandas()
    assert len(df) == len(lines)
    assert df["player"].tolist() == [ln.player for ln in lines]
    assert df["point"].tolist() == [ln.point for ln in lines]
    assert df["price"].isna().all()  # PrizePicks lines carry no price
    assert df["odds_type"].astype(object).tolist() == [ln.odds_type.value for ln in lines]
    assert set(df["market"].cat.categories) == {ln.market for ln in lines}
    assert str(df["commence_time"].dt.tz) == "UTC"
    first = lines[0].commence_time
    assert first is not None
    assert df.loc[0, "commence_time"] == pd.Timestamp(first)
    assert lineset.to_polars()["served_by"].to_list() == ["prizepicks"] * len(lines)


# ---------------------------------------------------------------------- props and backtest


@pytest.fixture(scope="module")
def history(shared_data: Path) -> PlateAppearances:
    days = [dt.date(2024, 5, 31) + dt.timedelta(days=i) for i in range(11)]
    return PlateAppearances.concat(
        [ingest_statcast(shared_data / f"statcast/2024/sc_{d}.csv.gz") for d in days]
    )


def test_propset_frame_matches_rows(history: PlateAppearances, shared_data: Path) -> None:
    need("pandas", "polars", "pyarrow")
    board = read_lines_file(
        shared_data / "markets/prizepicks/projections_all_leagues_2024-06-10.json"
    )
    names = load_people(shared_data / "chadwick/people_mlbam_mlb2015plus.csv")
    props = generate_from_statcast(
        history, dt.date(2024, 6, 10), lines=board.lines, player_names=names
    )
    rows = props.rows()
    df = props.to_pandas()
    assert len(df) == len(rows) > 0
    assert list(df.columns[:8]) == [
        "date",
        "player_id",
        "player",
        "team",
        "opponent",
        "game_pk",
        "role",
        "slot",
    ]
    assert set(rows[0]) <= set(df.columns)
    for key in ("player_id", "stat", "line", "p_over", "edge", "side", "comparable"):
        assert _plain(df[key]) == [r[key] for r in rows], key
    assert (df["date"].dt.date == dt.date(2024, 6, 10)).all()
    assert df["data_through"].dt.date.unique().tolist() == [dt.date(2024, 6, 9)]
    assert df["line_source"].astype(object).isin(["model", "prizepicks"]).all()
    pl_df = props.to_polars()
    assert pl_df["p_over"].to_list() == [r["p_over"] for r in rows]


def test_backtest_report_frame(history: PlateAppearances) -> None:
    need("pandas")
    report = backtest(
        history, dt.date(2024, 6, 9), dt.date(2024, 6, 10), models=["default", "naive"]
    )
    df = report.to_pandas()
    expected = [
        (model, family, float(line), scores["ece"], metrics["log_loss"])
        for model in report.models
        for family, metrics in report.families[model].items()
        for line, scores in metrics["lines"].items()
    ]
    got = list(
        zip(
            df["model"].astype(object),
            df["family"].astype(object),
            df["line"],
            df["ece"],
            df["log_loss"],
            strict=True,
        )
    )
    assert got == expected
    assert set(df["model"].cat.categories) == {"default", "naive"}


# ---------------------------------------------------------------- generic columns (property)


@settings(max_examples=40, deadline=None)
@given(
    ints=st.lists(st.none() | st.integers(-(2**62), 2**62), min_size=1, max_size=30),
    texts=st.data(),
)
def test_record_columns_round_trip(ints: list[int | None], texts: st.DataObject) -> None:
    need("pandas", "pyarrow", "polars")
    n = len(ints)
    words = texts.draw(
        st.lists(st.none() | st.sampled_from(["a", "bb", "é"]), min_size=n, max_size=n)
    )
    floats = texts.draw(
        st.lists(st.none() | st.floats(allow_nan=False, width=64), min_size=n, max_size=n)
    )
    days = texts.draw(
        st.lists(
            st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)), min_size=n, max_size=n
        )
    )
    flags = texts.draw(st.lists(st.none() | st.booleans(), min_size=n, max_size=n))
    records = [
        {"i": a, "w": b, "c": b, "f": c, "d": d, "b": e}
        for a, b, c, d, e in zip(ints, words, floats, days, flags, strict=True)
    ]
    schema: dict[str, _frames.Kind] = {
        "i": "int", "w": "str", "c": "category", "f": "float", "d": "date", "b": "bool"
    }  # fmt: skip
    cols = _frames.record_columns(records, schema)
    arrow = _frames.to_arrow(cols)
    for key in schema:
        assert arrow.column(key).to_pylist() == [r[key] for r in records], key
    df = _frames.to_pandas(cols)
    assert _plain(df["i"]) == ints
    assert df["c"].isna().tolist() == [w is None for w in words]
    assert [None if v != v else v.date() for v in df["d"]] == days
    pl_df = _frames.to_polars(cols)
    assert pl_df["f"].to_list() == floats
    assert pl_df["b"].to_list() == flags


# ------------------------------------------------------------------------- missing extras


@pytest.mark.parametrize(
    ("blocked", "call", "extra"),
    [
        ("pyarrow", "to_arrow", "arrow"),
        ("pandas", "to_pandas", "pandas"),
        ("polars", "to_polars", "polars"),
        ("pyarrow", "to_polars", "polars"),
    ],
)
def test_missing_extra_names_it(
    day: StatcastTable, monkeypatch: pytest.MonkeyPatch, blocked: str, call: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, blocked, None)  # import raises ImportError
    with pytest.raises(MissingExtraError) as info:
        getattr(day, call)()
    err = info.value
    assert isinstance(err, ImportError)
    assert isinstance(err, SavantError)
    assert err.extra == extra
    assert err.package == blocked
    assert f"pip install 'savantsdk[{extra}]'" in str(err)
    assert call in str(err)
    assert isinstance(err.__cause__, ImportError)


def test_stack_columns_fills_missing_and_widens_kinds() -> None:
    from savantsdk._frames import record_columns, stack_columns

    a = record_columns([{"id": 1, "x": 2}, {"id": 2, "x": None}], {"id": "int", "x": "int"})
    b = record_columns(
        [{"id": 3, "x": 0.5, "name": "b"}], {"id": "int", "x": "float", "name": "str"}
    )
    cols = {c.name: c for c in stack_columns([a, b])}
    assert list(cols) == ["id", "x", "name"]
    assert cols["id"].kind == "int"
    assert cols["id"].values.tolist() == [1, 2, 3]
    assert cols["x"].kind == "float"  # int in one part, float in the other
    assert cols["x"].missing.tolist() == [False, True, False]
    assert cols["x"].values[[0, 2]].tolist() == [2.0, 0.5]
    assert cols["name"].values.tolist() == [None, None, "b"]
    assert cols["name"].missing.tolist() == [True, True, False]
