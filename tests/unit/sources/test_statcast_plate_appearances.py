"""Plate-appearance extraction rules on a hand-built game (no I/O)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from savantsdk.exceptions import SourceDecodeError
from savantsdk.sources._plate_appearances import (
    NON_PA_EVENTS,
    PAOutcome,
    PlateAppearances,
    game_starts,
    ingest_statcast,
)

HEADER = [
    "game_date", "batter", "pitcher", "events", "description", "stand", "p_throws",
    "home_team", "away_team", "outs_when_up", "inning", "inning_topbot", "game_pk",
    "at_bat_number", "pitch_number", "post_bat_score", "post_fld_score",
]  # fmt: skip

HOME_P, AWAY_P = 100, 200
# (at_bat_number, inning, top?, batter, outs_when_up, events, post_bat, post_fld)
PLAYS = [
    (1, 1, True, 1, 0, "single", 0, 0),
    (2, 1, True, 2, 0, "grounded_into_double_play", 0, 0),
    (3, 1, True, 3, 2, "strikeout", 0, 0),
    (4, 1, False, 11, 0, "walk", 0, 0),
    (5, 1, False, 12, 0, "field_out", 0, 0),
    (6, 1, False, 13, 1, "strikeout", 0, 0),
    (7, 1, False, 14, 2, "caught_stealing_2b", 0, 0),  # inning-ending, not a PA
    (8, 2, True, 14 - 10, 0, "home_run", 1, 0),
    (9, 2, True, 5, 0, "field_error", 1, 0),
    (10, 2, True, 6, 0, "triple_play", 1, 0),
    (11, 2, False, 14, 0, "field_out", 0, 1),
    (12, 2, False, 15, 1, "double", 1, 1),
    (13, 2, False, 16, 1, "single", 2, 1),  # walk-off with one out: no out on the play
]


def game_csv(*, with_scores: bool = True, game_pk: int = 777) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    header = HEADER if with_scores else HEADER[:-2]
    w.writerow(header)
    rows = []
    for abn, inning, top, batter, outs, event, pb, pf in PLAYS:
        pitcher = HOME_P if top else AWAY_P
        base = [
            "2024-06-17", batter, pitcher, "", "ball", "R", "L", "KC", "MIN", outs, inning,
            "Top" if top else "Bot", game_pk, abn, 1, pb, pf,
        ]  # fmt: skip
        rows.append(base)  # a non-terminal pitch
        last = list(base)
        last[3], last[4], last[14] = event, "hit_into_play", 2
        rows.append(last)
    w.writerows(r[: len(header)] for r in reversed(rows))  # Savant: newest first
    return out.getvalue().encode()


def test_one_record_per_completed_pa_sorted() -> None:
    pa = ingest_statcast(game_csv())
    assert pa.rows_read == 2 * len(PLAYS)
    assert len(pa) == len(PLAYS) - 1  # the caught stealing row is not a PA
    assert pa.at_bat_number.tolist() == [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13]
    assert pa.pitches.tolist() == [2] * 12
    assert pa.game_date[0] == np.datetime64("2024-06-17")
    assert pa.bat_team.tolist()[:4] == ["MIN", "MIN", "MIN", "KC"]
    assert pa.fld_team.tolist()[0] == "KC"
    labels = [PAOutcome(o).label for o in pa.outcome]
    assert labels == ["1B", "OUT", "K", "BB", "OUT", "K", "HR", "OUT", "OUT", "OUT", "2B", "1B"]
    assert pa.count(PAOutcome.HOME_RUN) == 1


def test_outs_rule_sequence_last_of_half_and_walkoff() -> None:
    pa = ingest_statcast(game_csv())
    assert pa.outs.tolist() == [0, 2, 1, 0, 1, 1, 0, 0, 3, 1, 0, 0]
    assert pa.runner_outs.outs.tolist() == [1]
    assert pa.runner_outs.event.tolist() == ["caught_stealing_2b"]
    assert pa.pitcher_outs() == {(777, HOME_P): 6, (777, AWAY_P): 4}


def test_walkoff_without_score_columns_uses_event_outs() -> None:
    pa = ingest_statcast(game_csv(with_scores=False))
    assert pa.outs.tolist() == [0, 2, 1, 0, 1, 1, 0, 0, 3, 1, 0, 0]


def test_game_starts() -> None:
    (start,) = game_starts(ingest_statcast(game_csv()))
    assert start.game_pk == 777
    assert start.game_date == dt.date(2024, 6, 17)
    assert (start.home_team, start.away_team) == ("KC", "MIN")
    assert start.away_lineup == (1, 2, 3, 4, 5, 6)
    assert start.home_lineup == (11, 12, 13, 14, 15, 16)
    assert (start.home_starter, start.away_starter) == (HOME_P, AWAY_P)


def test_concat_drops_duplicates_and_filters() -> None:
    one = ingest_statcast(game_csv())
    two = ingest_statcast(game_csv(game_pk=778))
    both = PlateAppearances.concat([two, one, one])
    assert len(both) == 2 * len(one)
    assert both.game_pks() == [777, 778]
    assert len(both.game(778)) == len(one)
    assert len(both.before(dt.date(2024, 6, 17))) == 0
    assert len(both.on(dt.date(2024, 6, 17))) == len(both)
    assert len(PlateAppearances.concat([])) == 0


def test_base_running_events_are_not_pas() -> None:
    assert {"caught_stealing_2b", "pickoff_1b", "stolen_base_2b", "wild_pitch"} <= NON_PA_EVENTS
    assert "field_error" not in NON_PA_EVENTS


def test_missing_pa_column_is_named() -> None:
    data = game_csv().replace(b"inning_topbot", b"half")
    with pytest.raises(SourceDecodeError, match="inning_topbot"):
        ingest_statcast(data)


def test_empty_payload() -> None:
    assert len(ingest_statcast(b"")) == 0
    assert game_starts(ingest_statcast(b"")) == []


def test_ingest_rejects_html_and_error_csv() -> None:
    from savantsdk.exceptions import SourceServerError

    with pytest.raises(SourceDecodeError, match="HTML"):
        ingest_statcast(b"\n  <html><head><title>502</title></head></html>")
    with pytest.raises(SourceServerError, match="Query Timeout"):
        ingest_statcast(b"error\nError: Query Timeout. Please try to limit your query.\n")


# ("single", 1): a runner thrown out on a hit, which only the sequence rule can see.
_PLAYS = [
    ("field_out", 1), ("strikeout", 1), ("double_play", 2), ("single", 1), ("single", 0),
    ("walk", 0),
]  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_outs_recover_the_generated_outs(data: st.DataObject) -> None:
    """Random complete games: the sequence rule gives back every play's outs exactly."""
    innings = data.draw(st.integers(1, 4))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    expected: list[int] = []
    abn = 0
    for inning in range(1, innings + 1):
        for top in (True, False):
            outs = 0
            while outs < 3:
                choices = [p for p in _PLAYS if outs + p[1] <= 3]
                event, k = data.draw(st.sampled_from(choices))
                abn += 1
                w.writerow([
                    "2024-06-17", 1000 + abn % 9, HOME_P if top else AWAY_P, event, "x", "R",
                    "R", "KC", "MIN", outs, inning, "Top" if top else "Bot", 9, abn, 3, 0, 1,
                ])  # fmt: skip
                expected.append(k)
                outs += k
    pa = ingest_statcast(out.getvalue().encode())
    assert pa.outs.tolist() == expected
    assert sum(pa.pitcher_outs().values()) == 6 * innings
