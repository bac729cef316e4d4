"""Box score counting stats from plate appearances (the ONE place the counting is done).

Stats API ``stats.batting`` / ``stats.pitching`` key sets and per-player lines; every payload
that shows a counting stat (box scores, game logs, leaderboards, SportRadar summaries) builds it
from these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

from ._world import PlateAppearance

__all__ = ("BATTING_KEYS", "PITCHING_KEYS", "batting_lines", "innings_pitched", "pitching_lines")


def innings_pitched(outs: int) -> str:
    return f"{outs // 3}.{outs % 3}"


BATTING_KEYS: Final = (
    "plateAppearances",
    "atBats",
    "hits",
    "doubles",
    "triples",
    "homeRuns",
    "strikeOuts",
    "baseOnBalls",
    "intentionalWalks",
    "hitByPitch",
    "runs",
    "rbi",
    "totalBases",
    "sacFlies",
    "sacBunts",
    "groundIntoDoublePlay",
    "groundIntoTriplePlay",
    "flyOuts",
    "groundOuts",
    "lineOuts",
    "popOuts",
    "airOuts",
    "leftOnBase",
    "stolenBases",
    "caughtStealing",
    "catchersInterference",
    "pickoffs",
)
PITCHING_KEYS: Final = (
    "battersFaced",
    "outs",
    "atBats",
    "hits",
    "doubles",
    "triples",
    "homeRuns",
    "runs",
    "earnedRuns",
    "strikeOuts",
    "baseOnBalls",
    "intentionalWalks",
    "hitBatsmen",
    "numberOfPitches",
    "balls",
    "strikes",
    "sacFlies",
    "sacBunts",
    "flyOuts",
    "groundOuts",
    "lineOuts",
    "popOuts",
    "airOuts",
    "stolenBases",
    "caughtStealing",
    "wildPitches",
    "balks",
    "pickoffs",
    "inheritedRunners",
    "inheritedRunnersScored",
    "catchersInterference",
)


def _out_kind(pa: PlateAppearance) -> str | None:
    if pa.event in {"field_out", "force_out", "grounded_into_double_play", "sac_fly"}:
        return {"ground_ball": "groundOuts", "line_drive": "lineOuts", "popup": "popOuts"}.get(
            pa.bb_type or "", "flyOuts"
        )
    return None


#: Statcast event -> the counting key a batter's and a pitcher's line both keep for it.
_EVENT_KEYS: Final = {
    "double": "doubles",
    "triple": "triples",
    "home_run": "homeRuns",
    "walk": "baseOnBalls",
    "sac_fly": "sacFlies",
}


def _count_shared(line: dict[str, int], pa: PlateAppearance, *, hit_by_pitch: str) -> None:
    """The counts a batting and a pitching line share: at-bats, hits (by kind), strikeouts,
    walks, hit-by-pitch (``hitByPitch`` / ``hitBatsmen``), sac flies, and the outs by batted-ball
    type (air outs: every out not on the ground)."""
    line["atBats"] += int(pa.is_ab)
    line["hits"] += int(pa.bases > 0)
    line["strikeOuts"] += int(pa.is_strikeout)
    key = _EVENT_KEYS.get(pa.event)
    if key is not None:
        line[key] += 1
    line[hit_by_pitch] += int(pa.event == "hit_by_pitch")
    kind = _out_kind(pa)
    if kind:
        line[kind] += 1
        if kind != "groundOuts":
            line["airOuts"] += 1


def _zeroed_lines(
    keys: tuple[str, ...],
) -> tuple[dict[int, dict[str, int]], Callable[[int], dict[str, int]]]:
    """Per-player counters and ``line(pid)``, which opens a player's all-zero line on first use
    (so the players come out in first-seen order)."""
    lines: dict[int, dict[str, int]] = {}

    def line(pid: int) -> dict[str, int]:
        got = lines.get(pid)
        if got is None:
            got = lines[pid] = dict.fromkeys(keys, 0)
        return got

    return lines, line


def batting_lines(pas: Iterable[PlateAppearance]) -> dict[int, dict[str, int]]:
    """Per-batter counting stats (Stats API ``stats.batting`` keys) from the PAs."""
    lines, line = _zeroed_lines(BATTING_KEYS)

    for pa in pas:
        b = line(pa.batter)
        b["plateAppearances"] += 1
        _count_shared(b, pa, hit_by_pitch="hitByPitch")
        b["totalBases"] += pa.bases
        b["groundIntoDoublePlay"] += int(pa.event == "grounded_into_double_play")
        b["rbi"] += pa.rbi
        for runner in pa.scorers:
            line(runner)["runs"] += 1
    return lines


def pitching_lines(pas: Iterable[PlateAppearance]) -> dict[int, dict[str, int]]:
    """Per-pitcher counting stats (Stats API ``stats.pitching`` keys) from the PAs."""
    lines, line = _zeroed_lines(PITCHING_KEYS)

    for pa in pas:
        p = line(pa.pitcher)
        p["battersFaced"] += 1
        p["outs"] += pa.outs_made
        _count_shared(p, pa, hit_by_pitch="hitBatsmen")
        n = len(pa.pitches)
        p["numberOfPitches"] += n
        balls = sum(1 for x in pa.pitches if x.description in {"ball", "blocked_ball"})
        p["balls"] += balls
        p["strikes"] += n - balls
        for charged, earned in zip(pa.charged_to, pa.earned, strict=True):
            q = line(charged)
            q["runs"] += 1
            q["earnedRuns"] += int(earned)
    return lines


# --------------------------------------------------------------------------------------------
