"""Base-out transition tables for the game simulator, estimated from Statcast pitch rows.

A *transition* is one completed plate appearance: from the base-out state at its first pitch
(``on_1b/on_2b/on_3b``, ``outs_when_up``) to the state at the first pitch of the next PA of
the same half-inning, or to the end of the half-inning.  Runs are the batting team's score
change over the same span (``bat_score`` at the two first pitches; ``post_bat_score`` of the
PA's last pitch at the end of a half), so stolen bases, wild pitches and pickoffs during the PA
are part of the empirical table of its outcome.

Each record carries the *fate* of every runner and of the batter: the base he is on after the
transition (1, 2, 3), 4 = scored, 0 = out or stranded.  Fates come from the runner ids Statcast
records: a runner found on a base afterwards is there; of the runners who disappear, the
``runs`` most advanced scored and the rest were put out (runners never pass each other).  A
post-state runner whose id was not on base before (a pinch runner) takes the place of the most
advanced missing runner who could have reached his base.

:class:`TransitionTable` holds, per PA outcome (the 8 :class:`PACategory` values) and base-out
state (8 base states x 3 outs), the smoothed empirical distribution over ``(fates, outs added,
RBI)``; runs and the next base state follow from the fates.  Formulas and the smoothing rule
are in ``docs/model.md`` §15.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from ..exceptions import PropGenerationError
from ..sources import PAOutcome
from ..sources._plate_appearances import (
    EVENT_OUTCOME,
    EVENT_OUTS,
    NON_PA_EVENTS,
    _statcast_paths,
)
from ..sources._statcast_csv import (
    Tokens,
    check_required,
    decode_categories,
    decode_int,
    decode_str,
    tokenize,
)
from ._arrays import FloatArray, IntArray
from ._matchup import N_OUTCOMES, PACategory
from ._rates import outcome_index

__all__ = (
    "N_STATES",
    "SMOOTHING_PSEUDO_PA",
    "BaseOutRecords",
    "TransitionTable",
    "fit_transition_table",
    "read_base_out_files",
    "read_base_out_records",
    "state_index",
)

#: Base-out states: ``bases + 8 * outs``, ``bases`` a bit mask (1st = 1, 2nd = 2, 3rd = 4).
N_STATES: Final = 24
#: Fate codes of a runner or the batter after a transition.
OUT_OR_STRANDED: Final = 0
SCORED: Final = 4
#: Pseudo-PAs of the pooled prior added to every (outcome, state) cell (see ``_prior``).
SMOOTHING_PSEUDO_PA: Final = 5.0
#: Pseudo-PAs of the textbook advancement rule inside the pooled prior.
RULE_PSEUDO_PA: Final = 1.0

#: Events whose runs earn the batter no RBI (official rule 9.04: force double plays, errors,
#: runs on a wild pitch / passed ball during a strikeout).  Walks and HBP: only a forced run.
NO_RBI_EVENTS: Final = frozenset(
    {
        "grounded_into_double_play",
        "field_error",
        "strikeout",
        "strikeout_double_play",
        "triple_play",
        "catcher_interf",
    }
)

_REQUIRED: Final = (
    "game_pk",
    "at_bat_number",
    "pitch_number",
    "inning",
    "inning_topbot",
    "outs_when_up",
    "on_1b",
    "on_2b",
    "on_3b",
    "bat_score",
    "post_bat_score",
    "post_fld_score",
    "batter",
    "events",
)


def state_index(bases: npt.ArrayLike, outs: npt.ArrayLike) -> IntArray:
    """Base-out state index ``bases + 8 * outs`` (bases: bit mask 1st=1, 2nd=2, 3rd=4)."""
    out: IntArray = np.asarray(bases, dtype=np.int64) + 8 * np.asarray(outs, dtype=np.int64)
    return out


@attrs.frozen(eq=False)
class BaseOutRecords:
    """One row per completed PA with a known successor state (see the module docstring).

    ``runners[i]`` are the MLBAM ids on 1st, 2nd, 3rd at the PA's first pitch (0: empty);
    ``fates[i]`` the fates of (1st, 2nd, 3rd, batter): 1-3 a base, 4 scored, 0 out/stranded
    (0 for an empty base); ``end[i]`` whether the half-inning ended with it.
    """

    game_pk: IntArray
    at_bat_number: IntArray
    inning: IntArray
    batter: IntArray
    event: npt.NDArray[np.object_]
    outcome: IntArray  # PACategory index, -1 for IBB / catcher's interference / unknown
    outs: IntArray
    bases: IntArray
    runners: IntArray  # (n, 3)
    post_runners: IntArray  # (n, 3); zeros when end
    fates: IntArray  # (n, 4)
    outs_added: IntArray
    runs: IntArray
    rbi: IntArray
    end: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.outcome.shape[0])

    @property
    def state(self) -> IntArray:
        return state_index(self.bases, self.outs)

    @classmethod
    def concat(cls, parts: Sequence[BaseOutRecords]) -> BaseOutRecords:
        names = [a.name for a in attrs.fields(cls)]
        if not parts:
            raise PropGenerationError("no base-out records to join")
        return cls(**{n: np.concatenate([getattr(p, n) for p in parts]) for n in names})


def _int_col(tok: Tokens, name: str) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    res = decode_int(tok, tok.index(name), None)
    if not isinstance(res, tuple):
        raise PropGenerationError(f"Statcast column {name!r} is not a whole number")
    return res


def _assign_fates(
    runners: IntArray, batter: IntArray, post: IntArray, runs: IntArray, end: npt.NDArray[np.bool_]
) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """``(n, 4)`` fates of (1st, 2nd, 3rd, batter) and a validity mask (see module doc)."""
    n = runners.shape[0]
    who = np.concatenate([runners, batter[:, None]], axis=1)  # (n, 4): 1st, 2nd, 3rd, batter
    start_base = np.array([1, 2, 3, 0])
    fates = np.zeros((n, 4), dtype=np.int64)
    ok = np.ones(n, dtype=bool)
    post_l = post.tolist()
    who_l = who.tolist()
    runs_l = runs.tolist()
    end_l = end.tolist()
    for i in range(n):
        occupants = who_l[i]
        present = [j for j in range(4) if occupants[j] > 0]
        fate = [0, 0, 0, 0]
        placed: set[int] = set()
        unknown: list[int] = []  # post bases whose id was not on base (pinch runners)
        if not end_l[i]:
            for b in range(3):
                pid = post_l[i][b]
                if pid <= 0:
                    continue
                match = [j for j in present if occupants[j] == pid and j not in placed]
                if match:
                    fate[match[0]] = b + 1
                    placed.add(match[0])
                else:
                    unknown.append(b + 1)
        missing = [j for j in present if j not in placed]
        # most advanced first: 3rd (j=2), 2nd (1), 1st (0), batter (3)
        missing.sort(key=lambda j: -start_base[j])
        r = runs_l[i]
        if r > len(missing):
            ok[i] = False
            continue
        for j in missing[:r]:
            fate[j] = SCORED
        rest = missing[r:]
        for b in sorted(unknown, reverse=True):
            cand = [j for j in rest if start_base[j] <= b]
            if not cand:
                ok[i] = False
                break
            fate[cand[0]] = b
            rest.remove(cand[0])
        # order check: nobody passes (or joins) a runner ahead of him who is still on base
        for j in present:
            for k in present:
                behind = start_base[j] < start_base[k]
                if behind and 1 <= fate[k] <= 3 and fate[j] >= fate[k]:
                    ok[i] = False
        fates[i] = fate
    return fates, ok


def read_base_out_records(source: bytes | str | os.PathLike[str]) -> BaseOutRecords:
    """The transitions of one Statcast CSV (bytes or a path; gzip detected), see module doc.

    Left out: PAs whose successor state is unknown (the last PA of a game that did not end on
    a third out: walk-offs and shortened games, whose runs are truncated), PAs followed by a
    base-running-only row in the same half (the next state is that row's), and records whose
    runner ids do not add up (more runs than runners who left the bases)."""
    if isinstance(source, str | os.PathLike):
        with open(os.fspath(source), "rb") as fh:
            data = fh.read()
    else:
        data = bytes(source)
    tok = tokenize(data)
    check_required(tok.header, _REQUIRED)
    game, _ = _int_col(tok, "game_pk")
    abn, _ = _int_col(tok, "at_bat_number")
    pitch, _ = _int_col(tok, "pitch_number")
    order = np.lexsort((pitch, abn, game))
    game, abn = game[order], abn[order]
    pa_key = game * 10_000 + abn
    first = np.ones(order.size, dtype=bool)
    first[1:] = pa_key[1:] != pa_key[:-1]
    last = np.ones(order.size, dtype=bool)
    last[:-1] = pa_key[1:] != pa_key[:-1]
    rf, rl = order[first], order[last]  # file rows of each PA's first and last pitch

    def ints(name: str, rows: IntArray) -> IntArray:
        res = decode_int(tok, tok.index(name), rows)
        if not isinstance(res, tuple):
            raise PropGenerationError(f"Statcast column {name!r} is not a whole number")
        vals, missing = res
        out: IntArray = np.where(missing, 0, vals)
        return out

    g = game[first]
    ab = abn[first]
    inning = ints("inning", rf)
    coded = decode_categories(tok, tok.index("inning_topbot"), rf)
    if coded is None:
        raise PropGenerationError("Statcast column 'inning_topbot' is not Top/Bot")
    words, codes = coded
    is_top = np.array([w == "Top" for w in words], dtype=bool)[codes]
    outs = ints("outs_when_up", rf)
    runners = np.stack([ints("on_1b", rf), ints("on_2b", rf), ints("on_3b", rf)], axis=1)
    bases = (runners > 0).astype(np.int64) @ np.array([1, 2, 4])
    score0 = ints("bat_score", rf)
    score_last = ints("bat_score", rl)
    post_last = ints("post_bat_score", rl)
    post_fld = ints("post_fld_score", rl)
    batter = ints("batter", rf)
    ev_vals, _ = decode_str(tok, tok.index("events"), rl)
    event = np.array([e if isinstance(e, str) else "" for e in ev_vals.tolist()], dtype=object)

    n = g.size
    half = (g * 64 + inning * 2 + is_top).astype(np.int64)
    same_next = np.zeros(n, dtype=bool)
    same_next[:-1] = half[1:] == half[:-1]
    game_last = np.ones(n, dtype=bool)
    game_last[:-1] = g[1:] != g[:-1]
    half_last = ~same_next

    codes_pa = np.array(
        [int(EVENT_OUTCOME.get(e, PAOutcome.OTHER)) for e in event.tolist()], dtype=np.int64
    )
    is_pa = np.array([bool(e) and e not in NON_PA_EVENTS for e in event.tolist()], dtype=bool)
    ev_outs = np.array([EVENT_OUTS.get(e, 0) for e in event.tolist()], dtype=np.int64)
    outcome = outcome_index(codes_pa)

    nxt = np.minimum(np.arange(n) + 1, n - 1)
    post_runners = np.where(same_next[:, None], runners[nxt], 0)
    runs = np.where(same_next, score0[nxt] - score0, post_last - score0)
    outs_added = np.where(same_next, outs[nxt] - outs, 3 - outs)
    # the game's last PA counts only if it ended on the third out (no walk-off, no rain)
    walkoff = game_last & ~is_top & (post_last > post_fld)
    third_out = outs + ev_outs >= 3
    usable = is_pa & (same_next | (half_last & ~game_last) | (game_last & third_out & ~walkoff))
    usable &= (runs >= 0) & (outs_added >= 0) & (outs_added <= 3)
    runs_play = np.maximum(post_last - score_last, 0)
    loaded = bases == 7
    rbi = np.where(
        np.isin(outcome, [PACategory.WALK, PACategory.HIT_BY_PITCH]),
        np.where(loaded & (runs_play >= 1), 1, 0),
        np.where(np.isin(event, list(NO_RBI_EVENTS)), 0, runs_play),
    )
    rbi = np.minimum(rbi, runs)
    idx = np.flatnonzero(usable)
    fates, ok = _assign_fates(
        runners[idx], batter[idx], post_runners[idx], runs[idx], ~same_next[idx]
    )
    idx, fates = idx[ok], fates[ok]
    return BaseOutRecords(
        game_pk=g[idx],
        at_bat_number=ab[idx],
        inning=inning[idx],
        batter=batter[idx],
        event=event[idx],
        outcome=outcome[idx],
        outs=outs[idx],
        bases=bases[idx],
        runners=runners[idx],
        post_runners=post_runners[idx],
        fates=fates,
        outs_added=outs_added[idx],
        runs=runs[idx],
        rbi=rbi[idx],
        end=~same_next[idx],
    )


def read_base_out_files(paths: Sequence[str | os.PathLike[str]]) -> BaseOutRecords:
    """:func:`read_base_out_records` of every ``*.csv``/``*.csv.gz`` under ``paths``."""

    return BaseOutRecords.concat([read_base_out_records(f) for f in _statcast_paths(paths)])


# --------------------------------------------------------------------------------------------
# the table


def _rule_fates(outcome: int, bases: int) -> tuple[list[int], int]:
    """Textbook advancement (fates of 1st, 2nd, 3rd, batter; outs added)."""
    on = [(bases >> b) & 1 for b in range(3)]
    f = [0, 0, 0, 0]
    if outcome == PACategory.HOME_RUN:
        return [SCORED if on[b] else 0 for b in range(3)] + [SCORED], 0
    if outcome == PACategory.TRIPLE:
        return [SCORED if on[b] else 0 for b in range(3)] + [3], 0
    if outcome == PACategory.DOUBLE:
        f = [3 if on[0] else 0, SCORED if on[1] else 0, SCORED if on[2] else 0, 2]
        return f, 0
    if outcome == PACategory.SINGLE:
        f = [2 if on[0] else 0, SCORED if on[1] else 0, SCORED if on[2] else 0, 1]
        return f, 0
    if outcome in (PACategory.WALK, PACategory.HIT_BY_PITCH):
        f1 = 2 if on[0] else 0
        f2 = (3 if on[0] else 2) if on[1] else 0
        f3 = ((SCORED if on[1] else 3) if on[0] else 3) if on[2] else 0
        return [f1, f2, f3, 1], 0
    return [b + 1 if on[b] else 0 for b in range(3)] + [0], 1  # K / out in play: runners hold


def _code(fates: Sequence[int], outs_added: int, rbi: int) -> int:
    """Pack the fates of (1st, 2nd, 3rd, batter), the outs added and the RBI in one int."""
    f1, f2, f3, fb = fates
    return (((f1 * 5 + f2) * 5 + f3) * 5 + fb) * 20 + outs_added * 5 + min(rbi, 4)


def _decode(code: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """``(fates (..., 4), outs_added, rbi)`` from transition codes."""
    rbi = code % 5
    oa = (code // 5) % 4
    f = code // 20
    fates = np.stack([(f // 125) % 5, (f // 25) % 5, (f // 5) % 5, f % 5], axis=-1)
    return fates, oa, rbi


def _truncate(fates: list[int], outs: int, added: int, rbi: int, hit: bool) -> tuple[int, int]:
    """A transition moved to ``outs``: ``(code, runs)``; a third out ends the half (runs count
    only on hits, RBI then = min(rbi, runs))."""
    if outs + added >= 3:
        f = [SCORED if (hit and x == SCORED) else 0 for x in fates]
        runs = sum(1 for x in f if x == SCORED)
        return _code(f, 3 - outs, min(rbi, runs)), runs
    return _code(fates, added, rbi), sum(1 for x in fates if x == SCORED)


@attrs.frozen(eq=False)
class TransitionTable:
    """Per (outcome, state): a distribution over transition codes, flattened for sampling.

    Cell ``c = outcome * 24 + state`` holds codes ``codes[start[c]:start[c+1]]`` with
    probabilities ``prob[...]`` (summing to 1 per cell); ``observed[outcome, state]`` is the
    number of real PAs behind the cell (before smoothing).  A code packs the fates of the
    runners on 1st, 2nd, 3rd and the batter (0 out/stranded, 1-3 a base, 4 scored), the outs
    added (0-3; 3 - outs means the half is over) and the batter's RBI.
    """

    codes: IntArray
    prob: FloatArray
    start: IntArray
    observed: FloatArray  # (8, 24)
    fates: IntArray = attrs.field(init=False)  # (m, 4)
    outs_added: IntArray = attrs.field(init=False)
    rbi: IntArray = attrs.field(init=False)
    runs: IntArray = attrs.field(init=False)
    post_bases: IntArray = attrs.field(init=False)  # 0..7, 8 = half over
    source: IntArray = attrs.field(init=False)  # (m, 3): who ends on 1st/2nd/3rd (4 nobody)
    scorers: npt.NDArray[np.bool_] = attrs.field(init=False)  # (m, 4)
    alias_q: FloatArray = attrs.field(init=False)  # (cells * width,)
    alias_row: IntArray = attrs.field(init=False)
    alias_alt: IntArray = attrs.field(init=False)
    width: int = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        n_cells = self.start.size - 1
        cell = np.repeat(np.arange(n_cells), np.diff(self.start))
        fates, oa, rbi = _decode(self.codes)
        object.__setattr__(self, "fates", fates)
        object.__setattr__(self, "outs_added", oa)
        object.__setattr__(self, "rbi", rbi)
        object.__setattr__(self, "runs", (fates == SCORED).sum(axis=1))
        outs = (cell % N_STATES) // 8
        end = outs + oa >= 3
        pb = np.zeros(self.codes.size, dtype=np.int64)
        for j in range(4):  # a runner or the batter whose fate is base b+1 occupies it
            for b in range(3):
                pb |= np.where(fates[:, j] == b + 1, 1 << b, 0)
        object.__setattr__(self, "post_bases", np.where(end, 8, pb))
        src = np.full((self.codes.size, 3), 4, dtype=np.int64)
        for j in range(4):
            for b in range(3):
                src[:, b] = np.where(fates[:, j] == b + 1, j, src[:, b])
        object.__setattr__(self, "source", src)
        object.__setattr__(self, "scorers", fates == SCORED)
        sizes = np.diff(self.start)
        width = int(sizes.max())
        rows = np.zeros((n_cells, width), dtype=np.int64)
        probs = np.zeros((n_cells, width))
        for c in range(n_cells):
            a, b = int(self.start[c]), int(self.start[c + 1])
            rows[c, : b - a] = np.arange(a, b)
            rows[c, b - a :] = a
            probs[c, : b - a] = self.prob[a:b]
        q, alt = alias_tables(probs)
        flat_alt = np.take_along_axis(rows, alt, axis=1)
        object.__setattr__(self, "width", width)
        object.__setattr__(self, "alias_q", q.ravel())
        object.__setattr__(self, "alias_row", rows.ravel())
        object.__setattr__(self, "alias_alt", flat_alt.ravel())

    def cell(self, outcome: int, bases: int, outs: int) -> tuple[IntArray, FloatArray]:
        """``(row indices into the flat arrays, probabilities)`` of one cell."""
        if not (0 <= outcome < N_OUTCOMES and 0 <= bases < 8 and 0 <= outs < 3):
            raise PropGenerationError(f"no cell ({outcome}, {bases}, {outs})")
        c = outcome * N_STATES + bases + 8 * outs
        a, b = int(self.start[c]), int(self.start[c + 1])
        return np.arange(a, b), self.prob[a:b]

    def p_runs_at_least(self, outcome: int, bases: int, outs: int, runs: int = 1) -> float:
        """``P(runs on the transition >= runs | outcome, state)``."""
        rows, p = self.cell(outcome, bases, outs)
        return float(p[self.runs[rows] >= runs].sum())

    def expected_runs(self, outcome: int, bases: int, outs: int) -> float:
        rows, p = self.cell(outcome, bases, outs)
        return float(p @ self.runs[rows])

    def sample(self, cell: IntArray, u: FloatArray) -> IntArray:
        """Flat row index of a draw for each ``cell`` (``outcome * 24 + state``) given
        uniforms ``u`` in [0, 1) (Walker's alias method: one uniform gives the column and,
        from its fractional part, the accept test)."""
        return alias_sample(
            self.alias_q, self.alias_row, self.alias_alt, width=self.width, cell=cell, u=u
        )


def alias_tables(probs: FloatArray) -> tuple[FloatArray, IntArray]:
    """Walker/Vose alias tables of each row of ``probs`` (``(r, K)``, rows summing to 1):
    ``(accept (r, K), alias (r, K))``; draw column ``j`` uniformly, keep it with probability
    ``accept[j]``, else take ``alias[j]``."""
    r, k = probs.shape
    q = np.ones((r, k))
    alt = np.tile(np.arange(k), (r, 1))
    for i in range(r):
        p = probs[i] / probs[i].sum() * k
        small = [j for j in range(k) if p[j] < 1.0]
        large = [j for j in range(k) if p[j] >= 1.0]
        while small and large:
            s_, l_ = small.pop(), large.pop()
            q[i, s_] = p[s_]
            alt[i, s_] = l_
            p[l_] = p[l_] + p[s_] - 1.0
            (small if p[l_] < 1.0 else large).append(l_)
        for j in small + large:  # numerical leftovers: keep
            q[i, j] = 1.0
    return q, alt


def alias_sample(
    q: FloatArray, row: IntArray, alt: IntArray, *, width: int, cell: IntArray, u: FloatArray
) -> IntArray:
    """Draws from flattened alias tables (``cell * width + column``)."""
    x = u * width
    col = x.astype(np.int64)
    np.minimum(col, width - 1, out=col)
    idx = cell * width + col
    out: IntArray = np.where(x - col < q[idx], row[idx], alt[idx])
    return out


def fit_transition_table(
    records: BaseOutRecords, *, pseudo_pa: float = SMOOTHING_PSEUDO_PA
) -> TransitionTable:
    """The smoothed empirical table (``docs/model.md`` §15.1).

    Cell ``(o, s)`` with ``n`` PAs and counts ``x`` over codes: ``(x + m prior) / (n + m)``,
    ``m = pseudo_pa``; ``prior`` = the same outcome at the same base state pooled over the
    three out counts (each transition re-expressed at this out count: a third out ends the
    half, runs then count only on hits) plus :data:`RULE_PSEUDO_PA` of the textbook rule
    (forced advances; singles score runners from 2nd, doubles from 1st), so no cell is empty.
    """
    keep = records.outcome >= 0
    oc = records.outcome[keep]
    bs = records.bases[keep]
    os_ = records.outs[keep]
    fa = records.fates[keep]
    oa = records.outs_added[keep]
    rb = records.rbi[keep]
    # the raw transitions per (outcome, bases): list of (outs, fates, added, rbi) with counts
    codes_l: list[int] = []
    prob_l: list[float] = []
    start = [0]
    observed = np.zeros((N_OUTCOMES, N_STATES))
    key = (oc * 8 + bs) * 3 + os_
    raw_code = np.array(
        [_code(f, e, b) for f, e, b in zip(fa.tolist(), oa.tolist(), rb.tolist(), strict=True)],
        dtype=np.int64,
    )
    for o in range(N_OUTCOMES):
        hit = o <= PACategory.HOME_RUN
        for outs in range(3):
            for b in range(8):
                cell: dict[int, float] = {}
                mine = key == (o * 8 + b) * 3 + outs
                vals, cnt = np.unique(raw_code[mine], return_counts=True)
                n = float(cnt.sum())
                observed[o, b + 8 * outs] = n
                for v, c in zip(vals.tolist(), cnt.tolist(), strict=True):
                    cell[v] = cell.get(v, 0.0) + float(c)
                # pooled prior over all out counts at this base state
                prior: dict[int, float] = {}
                pooled = np.flatnonzero((oc == o) & (bs == b))
                pv, pc = (
                    np.unique(
                        np.stack([raw_code[pooled], os_[pooled]], axis=1),
                        axis=0,
                        return_counts=True,
                    )
                    if pooled.size
                    else (np.zeros((0, 2), dtype=np.int64), np.zeros(0, np.int64))
                )
                for (code, _src_outs), c in zip(pv.tolist(), pc.tolist(), strict=True):
                    f, a, r = _decode(np.array([code]))
                    new, _ = _truncate(f[0].tolist(), outs, int(a[0]), int(r[0]), hit)
                    prior[new] = prior.get(new, 0.0) + float(c)
                rf, ra = _rule_fates(o, b)
                forced = sum(1 for x in rf if x == SCORED)
                rule_rbi = 0 if o in (PACategory.STRIKEOUT, PACategory.OUT_IN_PLAY) else forced
                new, _ = _truncate(rf, outs, ra, rule_rbi, hit)
                prior[new] = prior.get(new, 0.0) + RULE_PSEUDO_PA
                tot = sum(prior.values())
                for k, v in prior.items():
                    cell[k] = cell.get(k, 0.0) + pseudo_pa * v / tot
                total = sum(cell.values())
                for k in sorted(cell):
                    codes_l.append(k)
                    prob_l.append(cell[k] / total)
                start.append(len(codes_l))
    # cells were appended in (outcome, outs, bases) order = outcome * 24 + bases + 8 * outs
    return TransitionTable(
        codes=np.array(codes_l, dtype=np.int64),
        prob=np.array(prob_l, dtype=np.float64),
        start=np.array(start, dtype=np.int64),
        observed=observed,
    )


def default_statcast_dir() -> Path | None:
    """``$SAVANTSDK_SHARED_DATA/statcast/2024`` if it exists (for examples and benchmarks)."""
    root = os.environ.get("SAVANTSDK_SHARED_DATA")
    if not root:
        return None
    p = Path(root) / "statcast" / "2024"
    return p if p.is_dir() else None
