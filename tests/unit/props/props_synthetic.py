"""Synthetic Statcast plate appearances for the prop-engine unit tests (no I/O).

``season(...)`` plays seeded games between fixed teams: each team bats 38 PAs per game through
its nine in order; the starter faces the first ``starter_bf`` batters, then a reliever.
Outcomes are drawn from per-player rates so tests can check shrinkage and matchups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np

from savantsdk.sources import PAOutcome, PlateAppearances, RunnerOuts

LEAGUE = np.array([0.14, 0.045, 0.004, 0.03, 0.085, 0.011, 0.22, 0.465])
# rate index (PACategory order 1B 2B 3B HR BB HBP K OUT) -> PAOutcome code
CODES = np.array(
    [
        PAOutcome.SINGLE,
        PAOutcome.DOUBLE,
        PAOutcome.TRIPLE,
        PAOutcome.HOME_RUN,
        PAOutcome.WALK,
        PAOutcome.HIT_BY_PITCH,
        PAOutcome.STRIKEOUT,
        PAOutcome.OUT_IN_PLAY,
    ],
    dtype=np.uint8,
)


def make_pas(rows: Sequence[Mapping[str, object]]) -> PlateAppearances:
    """PlateAppearances from dict rows (keys: game_pk, date, batter, pitcher, is_top,
    outcome (PAOutcome), at_bat_number; optional stand, p_throws, home_team, away_team, outs)."""
    n = len(rows)

    def col(key: str, default: object, dtype: object) -> np.ndarray:
        return np.array([r.get(key, default) for r in rows], dtype=dtype)  # type: ignore[call-overload]

    outcome = col("outcome", PAOutcome.OUT_IN_PLAY, np.uint8)
    outs_default = [
        1
        if int(r.get("outcome", PAOutcome.OUT_IN_PLAY))
        in (PAOutcome.STRIKEOUT, PAOutcome.OUT_IN_PLAY)
        else 0  # type: ignore[call-overload]
        for r in rows
    ]
    i64 = np.zeros(0, dtype=np.int64)
    pas = PlateAppearances(
        game_pk=col("game_pk", 1, np.int64),
        game_date=np.array([np.datetime64(r["date"], "D") for r in rows], dtype="datetime64[D]"),
        batter=col("batter", 1, np.int64),
        pitcher=col("pitcher", 2, np.int64),
        stand=col("stand", "R", "U1"),
        p_throws=col("p_throws", "R", "U1"),
        inning=np.array([int(r.get("inning", 1)) for r in rows], dtype=np.int64),  # type: ignore[call-overload]
        is_top=col("is_top", True, bool),
        at_bat_number=col("at_bat_number", 1, np.int64),
        outs_when_up=np.zeros(n, dtype=np.int64),
        home_team=col("home_team", "HOM", "U3"),
        away_team=col("away_team", "AWY", "U3"),
        outcome=outcome,
        outs=np.array(
            [r.get("outs", d) for r, d in zip(rows, outs_default, strict=True)], dtype=np.int64
        ),
        pitches=np.ones(n, dtype=np.int64),
        event=np.array(["x"] * n, dtype=object),
        runner_outs=RunnerOuts(
            i64, i64, i64, np.zeros(0, dtype=bool), i64, np.zeros(0, dtype=object)
        ),
    )
    return PlateAppearances.concat([pas])


def season(
    days: Sequence[dt.date],
    *,
    batter_rates: Mapping[int, np.ndarray] | None = None,
    pitcher_rates: Mapping[int, np.ndarray] | None = None,
    starter_bf: int = 24,
    seed: int = 7,
) -> PlateAppearances:
    """One game per day between AWY (batters 101..109, starter 201) and HOM (batters
    111..119, starter 211); relievers 299 (vs AWY) and 298 (vs HOM).  A batter's outcome
    rates are his rates in ``batter_rates`` (default: league) log5'd with the pitcher's."""
    rng = np.random.default_rng(seed)
    b_rates = dict(batter_rates or {})
    p_rates = dict(pitcher_rates or {})
    rows: list[dict[str, object]] = []
    for g, day in enumerate(days):
        game_pk = 1000 + g
        ab = 0
        for pa in range(38):
            for is_top, lineup, starter, reliever in (
                (True, range(101, 110), 211, 298),
                (False, range(111, 120), 201, 299),
            ):
                ab += 1
                batter = list(lineup)[pa % 9]
                pitcher = starter if pa < starter_bf else reliever
                b = b_rates.get(batter, LEAGUE)
                p = p_rates.get(pitcher, LEAGUE)
                m = b * p / LEAGUE
                m = m / m.sum()
                k = int(rng.choice(8, p=m))
                rows.append(
                    {
                        "game_pk": game_pk,
                        "date": day,
                        "batter": batter,
                        "pitcher": pitcher,
                        "is_top": is_top,
                        "inning": pa // 4 + 1,
                        "at_bat_number": ab,
                        "outcome": int(CODES[k]),
                        "stand": "L" if batter % 2 else "R",
                        "p_throws": "R",
                    }
                )
    return make_pas(rows)


def days(start: dt.date, n: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(n)]
