"""In-game states and the rest-of-game simulation: :func:`simulate_from`.

A :class:`GameState` says where a game is (inning, half, outs, who is on which base, the
score, each team's PAs so far) and what has happened (each batter's and starter's line, who
has been removed).  The simulation continues from there with the pre-game
:class:`~savantsdk.props._simulate.SimGame` inputs, and every count it reports is what already
happened plus the simulated rest (``docs/model.md`` §15.5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, Literal

import attrs
import numpy as np

from ..exceptions import PropGenerationError
from ._sim_tables import TransitionTable
from ._simulate import (
    _ER,
    _OUTS,
    _PEN,
    _R,
    _RBI,
    _RUNS,
    DEFAULT_MAX_INNINGS,
    FantasyScoring,
    SimGame,
    SimulationResult,
    _as_rng,
    _draw_subs,
    _draw_targets,
    _Final,
    _results,
    _run,
    _State,
)

__all__ = ("BatterLine", "GameState", "PitcherLine", "simulate_from")

_HALVES: Final = ("top", "bottom")


def _nonneg(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if not isinstance(value, int) or value < 0:
        raise PropGenerationError(f"{attribute.name} {value!r} must be a whole number >= 0")


@attrs.frozen
class BatterLine:
    """A batter's game so far (``plate_appearances`` counts every PA, outs included)."""

    plate_appearances: int = attrs.field(default=0, validator=_nonneg)
    singles: int = attrs.field(default=0, validator=_nonneg)
    doubles: int = attrs.field(default=0, validator=_nonneg)
    triples: int = attrs.field(default=0, validator=_nonneg)
    home_runs: int = attrs.field(default=0, validator=_nonneg)
    walks: int = attrs.field(default=0, validator=_nonneg)
    hit_by_pitch: int = attrs.field(default=0, validator=_nonneg)
    strikeouts: int = attrs.field(default=0, validator=_nonneg)
    runs: int = attrs.field(default=0, validator=_nonneg)
    rbis: int = attrs.field(default=0, validator=_nonneg)

    def __attrs_post_init__(self) -> None:
        events = (self.singles + self.doubles + self.triples + self.home_runs + self.walks
                  + self.hit_by_pitch + self.strikeouts)  # fmt: skip
        if events > self.plate_appearances:
            raise PropGenerationError(
                f"plate_appearances {self.plate_appearances} is fewer than the {events} "
                "hits, walks, HBP and strikeouts of the line"
            )


@attrs.frozen
class PitcherLine:
    """A pitcher's game so far.  ``pitches`` is carried for callers; the exit model is outs
    based (the pitch count does not move it yet).  ``lead_at_exit``: for a removed starter, his
    team's lead when he left (decides a win; ``None`` = unknown, counted as no lead)."""

    batters_faced: int = attrs.field(default=0, validator=_nonneg)
    pitches: int = attrs.field(default=0, validator=_nonneg)
    outs: int = attrs.field(default=0, validator=_nonneg)
    strikeouts: int = attrs.field(default=0, validator=_nonneg)
    hits: int = attrs.field(default=0, validator=_nonneg)
    home_runs: int = attrs.field(default=0, validator=_nonneg)
    walks: int = attrs.field(default=0, validator=_nonneg)
    hit_by_pitch: int = attrs.field(default=0, validator=_nonneg)
    runs: int = attrs.field(default=0, validator=_nonneg)
    earned_runs: int = attrs.field(default=0, validator=_nonneg)
    lead_at_exit: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.home_runs > self.hits:
            raise PropGenerationError(f"home_runs {self.home_runs} exceed hits {self.hits}")
        if self.earned_runs > self.runs:
            raise PropGenerationError(f"earned_runs {self.earned_runs} exceed runs {self.runs}")
        reached = self.hits + self.walks + self.hit_by_pitch + self.strikeouts
        if reached > self.batters_faced:
            raise PropGenerationError(
                f"batters_faced {self.batters_faced} is fewer than the {reached} hits, walks, "
                "HBP and strikeouts of the line"
            )


def _bases(value: object) -> tuple[int | None, int | None, int | None]:
    if not isinstance(value, tuple | list) or len(value) != 3:
        raise PropGenerationError(f"bases {value!r} must be three entries (1st, 2nd, 3rd)")
    out: list[int | None] = []
    for v in value:
        if v is None or (isinstance(v, int) and v > 0):
            out.append(v)
        else:
            raise PropGenerationError(f"bases {value!r}: each base is a player id or None")
    return out[0], out[1], out[2]


def _pair(name: str, value: object) -> tuple[int, int]:
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise PropGenerationError(f"{name} {value!r} must be an (away, home) pair")
    a, b = value
    if not (isinstance(a, int) and isinstance(b, int) and a >= 0 and b >= 0):
        raise PropGenerationError(f"{name} {value!r} must be two whole numbers >= 0")
    return a, b


def _id_set(value: Iterable[int]) -> frozenset[int]:
    return frozenset(int(v) for v in value)


def _score(value: object) -> tuple[int, int]:
    return _pair("score", value)


def _team_pa(value: object) -> tuple[int, int]:
    return _pair("team_pa", value)


@attrs.frozen
class GameState:
    """Where a game is and what has happened.  Sides: 0 away, 1 home.

    ``team_pa``: each team's batting-order position as PAs so far (the next batter is slot
    ``team_pa % 9``).  ``bases``: the id of the runner on 1st, 2nd, 3rd (``None`` empty).
    ``starter_lines[t]``: the line of the starter facing side ``t`` (the home starter faces the
    away lineup); ``bullpen_lines[t]`` the relievers' together.  ``batting``: each batter's
    line so far by id.  ``removed``: ids of players who left the game (a removed starting
    pitcher is replaced by the bullpen, a removed batter by a substitute from his next PA).
    """

    inning: int = 1
    half: Literal["top", "bottom"] = "top"
    outs: int = 0
    bases: tuple[int | None, int | None, int | None] = attrs.field(
        default=(None, None, None), converter=_bases
    )
    score: tuple[int, int] = attrs.field(default=(0, 0), converter=_score)
    team_pa: tuple[int, int] = attrs.field(default=(0, 0), converter=_team_pa)
    starter_lines: tuple[PitcherLine, PitcherLine] = (PitcherLine(), PitcherLine())
    bullpen_lines: tuple[PitcherLine, PitcherLine] = (PitcherLine(), PitcherLine())
    batting: Mapping[int, BatterLine] = attrs.field(factory=dict)
    removed: frozenset[int] = attrs.field(default=frozenset(), converter=_id_set)

    def __attrs_post_init__(self) -> None:
        inning: object = self.inning
        if not isinstance(inning, int) or self.inning < 1:
            raise PropGenerationError(f"inning {self.inning!r} must be a whole number >= 1")
        if self.half not in _HALVES:
            raise PropGenerationError(f"half {self.half!r} must be 'top' or 'bottom'")
        outs: object = self.outs
        if not isinstance(outs, int) or not 0 <= self.outs <= 2:
            raise PropGenerationError(
                f"outs {self.outs!r} must be 0, 1 or 2 (a third out ends the half-inning)"
            )
        runners = [b for b in self.bases if b is not None]
        if len(set(runners)) != len(runners):
            raise PropGenerationError(f"bases {self.bases!r}: one runner on two bases")
        for b in runners:
            if b in self.removed:
                raise PropGenerationError(f"bases: runner {b} has been removed from the game")
        away, home = self.score
        if self.half == "bottom" and self.inning >= 9 and home > away:
            raise PropGenerationError(
                f"score {self.score!r}: the home team leads in the bottom of the "
                f"{self.inning}th, the game is over"
            )

    @property
    def side(self) -> int:
        """The batting side: 0 away (top), 1 home (bottom)."""
        return 0 if self.half == "top" else 1


def _slot_of(game: SimGame, side: int, player: int) -> int:
    """Lineup index of ``player`` on ``side`` (9: a substitute, i.e. not a starting batter)."""
    hits = np.flatnonzero(game.lineups[side] == player)
    return int(hits[0]) if hits.size else 9


def _check(game: SimGame, state: GameState, max_innings: int) -> None:
    if state.inning > max_innings:
        raise PropGenerationError(
            f"inning {state.inning} is past the simulator's last inning ({max_innings})"
        )
    t = state.side
    for base, pid in zip(("1st", "2nd", "3rd"), state.bases, strict=True):
        if pid is None:
            continue
        other = np.flatnonzero(game.lineups[1 - t] == pid)
        if other.size:
            raise PropGenerationError(
                f"bases: runner {pid} on {base} bats for the fielding team, not side {t}"
            )
    known = set(game.lineups.ravel().tolist())
    for pid in state.batting:
        if pid not in known:
            raise PropGenerationError(f"batting: player {pid} is not in game {game.game_pk}")


def simulate_from(
    game: SimGame,
    state: GameState,
    table: TransitionTable,
    *,
    n: int = 10_000,
    seed: int | np.random.Generator | None = None,
    scoring: FantasyScoring | None = None,
    max_innings: int = DEFAULT_MAX_INNINGS,
) -> SimulationResult:
    """``n`` simulations of the rest of ``game`` from ``state``; every count in the result is
    what already happened (the lines of ``state``) plus the simulated rest.

    Runners already on base are charged to the pitcher now on the mound (the state does not
    say who let them on).  A starter still in has his exit outs drawn conditioned on more
    than his outs so far; a removed starter is replaced by the bullpen; a removed batter's
    slot goes to a substitute from his next PA, and a batter still in can be replaced only
    before a PA after the ones he has taken.  Impossible states raise
    :class:`PropGenerationError` naming the field.
    """
    if n < 1:
        raise PropGenerationError(f"n {n!r} must be >= 1 simulation")
    _check(game, state, max_innings)
    rng = _as_rng(seed)
    g = np.zeros(n, dtype=np.int64)
    st = _State.fresh(g)
    fin = _Final.empty(n + 1)
    t = state.side
    st.inning[:] = state.inning
    st.half[:] = t
    st.outs[:] = state.outs
    st.score[:] = state.score
    st.tpa[:] = state.team_pa
    sp_in = np.array([int(game.starters[s]) not in state.removed for s in range(2)])
    st.sp_in[:] = sp_in
    pen_now = 0 if sp_in[t] else _PEN
    occ = 0
    bases = 0
    for b, pid in enumerate(state.bases):
        if pid is not None:
            slot = _slot_of(game, t, pid)
            occ |= (slot + 1 + pen_now) << (6 * b)
            bases |= 1 << b
    st.occ[:] = occ
    st.bases[:] = bases
    for s in range(2):
        line = state.starter_lines[s]
        st.sp_outs[:, s] = line.outs
        if not sp_in[s]:
            lead = state.starter_lines[s].lead_at_exit
            st.exit_lead[:, s] = -1 if lead is None else lead
            cur = state.score[1 - s] - state.score[s]
            st.kept[:, s] = cur > 0
    exit_outs = game.exit_outs[None]
    for s in range(2):
        floor = np.full(n, state.starter_lines[s].outs, dtype=np.int64)
        st.target[:, s] = _draw_targets(exit_outs, g, s, rng, floor)
        if sp_in[s]:  # a target at his outs so far: he leaves before the next batter
            now = st.target[:, s] <= state.starter_lines[s].outs
            st.sp_in[now, s] = False
            st.exit_lead[now, s] = state.score[1 - s] - state.score[s]
    # substitutes: PAs each slot's starter has already taken, removed batters now
    played = np.zeros((2, 9), dtype=np.int64)
    for s in range(2):
        for i in range(9):
            played[s, i] = max(0, (state.team_pa[s] - i + 8) // 9)
    sub_at = _draw_subs([game], g, rng, taken=played)
    for s in range(2):
        for i in range(9):
            if int(game.lineups[s, i]) in state.removed:
                sub_at[:, s, i] = played[s, i]
    st.sub_at = sub_at
    _run(games=[game], st=st, fin=fin, table=table, rng=rng, max_innings=max_innings)
    fin.finish()
    # what already happened
    for s in range(2):
        for p_i, ln in ((0, state.starter_lines[s]), (1, state.bullpen_lines[s])):
            _add_pitcher(fin.pit[:, s, p_i], ln)
    for pid, bl in state.batting.items():
        side = 0 if np.any(game.lineups[0] == pid) else 1
        _add_batter(fin.bat[:, side, _slot_of(game, side, pid)], bl)
    return _results([game], fin, n, scoring or FantasyScoring())[0]


def _add_batter(acc: np.ndarray, ln: BatterLine) -> None:
    counts = (ln.singles, ln.doubles, ln.triples, ln.home_runs, ln.walks, ln.hit_by_pitch,
              ln.strikeouts)  # fmt: skip
    acc[:, :7] += np.asarray(counts, dtype=np.int16)
    acc[:, 7] += ln.plate_appearances - sum(counts)
    acc[:, _R] += ln.runs
    acc[:, _RBI] += ln.rbis


def _add_pitcher(acc: np.ndarray, ln: PitcherLine) -> None:
    acc[:, 0] += ln.hits - ln.home_runs  # hits by type are not needed: 1B column holds them
    acc[:, 3] += ln.home_runs
    acc[:, 4] += ln.walks
    acc[:, 5] += ln.hit_by_pitch
    acc[:, 6] += ln.strikeouts
    acc[:, 7] += ln.batters_faced - ln.hits - ln.walks - ln.hit_by_pitch - ln.strikeouts
    acc[:, _OUTS] += ln.outs
    acc[:, _RUNS] += ln.runs
    acc[:, _ER] += ln.earned_runs
