"""Every recorded 2024 Statcast day, and the concatenated season, as Arrow / pandas frames.

The point: a frame's types never depend on which days were pulled (so daily frames stack and
a season frame has the same schema as any of its days), and the season frame holds exactly
the rows and games that MANIFEST.csv lists, with the numeric buffers shared, not copied.
Memory and time are measured in benchmarks/frames.py, not here.
"""

from __future__ import annotations

import csv
import importlib.util
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from savantsdk._frames import STATCAST_CATEGORIES
from savantsdk.sources import StatcastTable, read_statcast_csv

pytestmark = pytest.mark.shared_data

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

for _name in ("pyarrow", "pandas"):
    if importlib.util.find_spec(_name) is None:
        if IN_CI:
            pytest.fail(f"{_name} is required in CI (CI=true)", pytrace=False)
        pytest.skip(f"{_name} not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def manifest(shared_data: Path) -> list[dict[str, str]]:
    with (shared_data / "statcast/2024/MANIFEST.csv").open(newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def days(shared_data: Path, manifest: list[dict[str, str]]) -> list[StatcastTable]:
    return [read_statcast_csv(shared_data / "statcast/2024" / m["file"]) for m in manifest]


def _schema_without_vocab(table: Any) -> list[tuple[str, str]]:
    return [(f.name, str(f.type)) for f in table.schema]


def test_every_day_has_the_season_schema(
    days: list[StatcastTable], manifest: list[dict[str, str]]
) -> None:
    import pyarrow as pa

    season = StatcastTable.concat(days)
    arrow = season.to_arrow()
    assert arrow.num_rows == sum(int(m["rows"]) for m in manifest)
    expected = _schema_without_vocab(arrow)
    for m, day in zip(manifest, days, strict=True):
        assert _schema_without_vocab(day.to_arrow()) == expected, m["file"]
    games = arrow.column("game_pk").unique()
    assert len(games) == sum(int(m["games"]) for m in manifest)
    dates = arrow.column("game_date")
    assert dates.type == pa.date32()
    span = (min(dates.to_pylist()), max(dates.to_pylist()))
    assert span == season.date_range()
    for name in STATCAST_CATEGORIES & set(season.columns):
        assert pa.types.is_dictionary(arrow.schema.field(name).type), name
    teams = set(arrow.column("home_team").combine_chunks().dictionary.to_pylist())
    assert len(teams) == 30
    col = season.column("release_speed")
    assert arrow.column("release_speed").chunk(0).buffers()[1].address == col.values.ctypes.data


def test_season_pandas_frame(days: list[StatcastTable]) -> None:
    import pandas as pd

    season = StatcastTable.concat(days)
    df = season.to_pandas()
    assert len(df) == season.rows
    assert df["game_pk"].nunique() == len(season.game_pks())
    for name in ("batter", "pitcher", "on_1b", "zone", "at_bat_number"):
        assert df[name].dtype == pd.Int64Dtype(), name
        assert int(df[name].isna().sum()) == int(season.column(name).missing.sum()), name
    counts = df["events"].value_counts()
    events = season.column("events")
    uniq, n = np.unique(events.values[~events.missing].astype(str), return_counts=True)
    assert counts.to_dict() == dict(zip(uniq.tolist(), n.tolist(), strict=True))
    # daily frames stack into the season frame's dtypes once categories are unioned
    first, last = days[0].to_pandas(), days[-1].to_pandas()
    stacked = pd.concat([first, last], ignore_index=True)
    for name in ("batter", "release_speed", "game_date"):
        assert stacked[name].dtype == df[name].dtype, name
