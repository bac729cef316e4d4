"""Plate appearances for the prop engine, straight from Statcast CSV bytes.

:func:`ingest_statcast` tokenises the CSV once (vectorised, see ``_statcast_csv``), keeps only
rows whose ``events`` is set (the last pitch of a PA, or a base-running play that ended an
inning), decodes just the dozen columns the engine needs for those rows, and returns columnar
numpy arrays in :class:`PlateAppearances`, sorted by ``(game_pk, at_bat_number)``.

Rules (documented in ``docs/statcast.md``):

* A completed PA is a row with a non-empty ``events`` that is not a base-running-only event
  (:data:`NON_PA_EVENTS`: ``caught_stealing_*``, ``pickoff_*``, ``stolen_base_*``,
  ``wild_pitch``, ``passed_ball``, ``balk``, ``other_advance``, ``truncated_pa``, ...).
* Outcome codes follow the Stats API's scoring: reaching on an error or a fielder's choice is
  not a hit (:attr:`PAOutcome.OUT_IN_PLAY`, like sacrifices); catcher's interference and unknown
  events are :attr:`PAOutcome.OTHER`.
* ``outs`` on a row = ``outs_when_up`` of the next evented row in the same half-inning minus
  this row's; for the last one of a half-inning ``3 - outs_when_up``, except a walk-off
  (game's last half-inning, bottom, batting team ahead after the play), where the event's own
  outs are used (``double_play`` 2, ``triple_play`` 3, ...).  Outs made on base-running-only
  rows are kept in :attr:`PlateAppearances.runner_outs` so a pitcher's outs add up.  The rule
  assumes complete games (a per-player pull has holes).
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ..exceptions import (
    AllFailedError,
    ConfigurationError,
    PartialResultWarning,
    SourceDecodeError,
)
from ._statcast_csv import (
    NULL_LITERALS,
    REQUIRED_COLUMNS,
    SOURCE,
    Tokens,
    check_required,
    decode_categories,
    decode_date,
    decode_int,
    decode_str,
    field_bounds,
    gather,
    tokenize,
)

__all__ = (
    "NON_PA_EVENTS",
    "GameStart",
    "PAOutcome",
    "PlateAppearances",
    "RunnerOuts",
    "game_starts",
    "ingest_statcast",
    "ingest_statcast_files",
)


class PAOutcome(enum.IntEnum):
    """PAOutcome code of a completed PA (stored as ``uint8``)."""

    SINGLE = 0
    DOUBLE = 1
    TRIPLE = 2
    HOME_RUN = 3
    WALK = 4
    INTENT_WALK = 5
    HIT_BY_PITCH = 6
    STRIKEOUT = 7
    OUT_IN_PLAY = 8
    OTHER = 9

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = ("1B", "2B", "3B", "HR", "BB", "IBB", "HBP", "K", "OUT", "OTHER")

#: Savant ``events`` value -> outcome code.  Anything else that is a PA is ``OTHER``.
EVENT_OUTCOME: dict[str, PAOutcome] = {
    "single": PAOutcome.SINGLE,
    "double": PAOutcome.DOUBLE,
    "triple": PAOutcome.TRIPLE,
    "home_run": PAOutcome.HOME_RUN,
    "walk": PAOutcome.WALK,
    "intent_walk": PAOutcome.INTENT_WALK,
    "hit_by_pitch": PAOutcome.HIT_BY_PITCH,
    "strikeout": PAOutcome.STRIKEOUT,
    "strikeout_double_play": PAOutcome.STRIKEOUT,
    **dict.fromkeys(
        (
            "field_out",
            "force_out",
            "grounded_into_double_play",
            "double_play",
            "triple_play",
            "sac_fly",
            "sac_fly_double_play",
            "sac_bunt",
            "sac_bunt_double_play",
            "fielders_choice",
            "fielders_choice_out",
            "field_error",
            "other_out",
            "batter_interference",
        ),
        PAOutcome.OUT_IN_PLAY,
    ),
    "catcher_interf": PAOutcome.OTHER,
}

#: Events that end a row without completing a PA (base running, or a PA cut short).
NON_PA_EVENTS: frozenset[str] = frozenset(
    {
        "caught_stealing_2b",
        "caught_stealing_3b",
        "caught_stealing_home",
        "pickoff_1b",
        "pickoff_2b",
        "pickoff_3b",
        "pickoff_caught_stealing_2b",
        "pickoff_caught_stealing_3b",
        "pickoff_caught_stealing_home",
        "pickoff_error_1b",
        "pickoff_error_2b",
        "pickoff_error_3b",
        "stolen_base_2b",
        "stolen_base_3b",
        "stolen_base_home",
        "wild_pitch",
        "passed_ball",
        "balk",
        "other_advance",
        "runner_double_play",
        "defensive_indiff",
        "caught_stealing",
        "pickoff",
        "truncated_pa",
        "game_advisory",
        "ejection",
    }
)

#: Outs an event makes by itself (used only where the sequence rule cannot apply: walk-offs).
EVENT_OUTS: dict[str, int] = {
    "strikeout": 1,
    "field_out": 1,
    "force_out": 1,
    "sac_fly": 1,
    "sac_bunt": 1,
    "fielders_choice_out": 1,
    "other_out": 1,
    "batter_interference": 1,
    "grounded_into_double_play": 2,
    "double_play": 2,
    "strikeout_double_play": 2,
    "sac_fly_double_play": 2,
    "sac_bunt_double_play": 2,
    "runner_double_play": 2,
    "triple_play": 3,
    "caught_stealing_2b": 1,
    "caught_stealing_3b": 1,
    "caught_stealing_home": 1,
    "pickoff_1b": 1,
    "pickoff_2b": 1,
    "pickoff_3b": 1,
    "pickoff_caught_stealing_2b": 1,
    "pickoff_caught_stealing_3b": 1,
    "pickoff_caught_stealing_home": 1,
}

#: Columns :func:`ingest_statcast` needs: the export's required columns but the pitch-level
#: ``description`` and ``pitch_number`` (decoded when present).
PA_REQUIRED: tuple[str, ...] = tuple(
    c for c in REQUIRED_COLUMNS if c not in {"description", "pitch_number"}
)


@attrs.frozen(eq=False)
class RunnerOuts:
    """Outs made on base-running-only rows (e.g. an inning-ending caught stealing)."""

    game_pk: npt.NDArray[np.int64]
    pitcher: npt.NDArray[np.int64]
    inning: npt.NDArray[np.int64]
    is_top: npt.NDArray[np.bool_]
    outs: npt.NDArray[np.int64]
    event: npt.NDArray[np.object_]


@attrs.frozen(eq=False)
class PlateAppearances:
    """One entry per completed PA, as parallel numpy arrays sorted by game and ``at_bat_number``.

    ``game_date`` is ``datetime64[D]``; team codes are Savant abbreviations (``U3`` arrays);
    ``stand``/``p_throws`` are ``"L"``/``"R"``; ``outcome`` holds :class:`PAOutcome` codes;
    ``outs`` the outs recorded on the play (batter and runners; see module docstring);
    ``pitches`` the PA's pitch count when the file has ``pitch_number`` (else 0).
    """

    game_pk: npt.NDArray[np.int64]
    game_date: npt.NDArray[np.datetime64]
    batter: npt.NDArray[np.int64]
    pitcher: npt.NDArray[np.int64]
    stand: npt.NDArray[np.str_]
    p_throws: npt.NDArray[np.str_]
    inning: npt.NDArray[np.int64]
    is_top: npt.NDArray[np.bool_]
    at_bat_number: npt.NDArray[np.int64]
    outs_when_up: npt.NDArray[np.int64]
    home_team: npt.NDArray[np.str_]
    away_team: npt.NDArray[np.str_]
    outcome: npt.NDArray[np.uint8]
    outs: npt.NDArray[np.int64]
    pitches: npt.NDArray[np.int64]
    event: npt.NDArray[np.object_]
    runner_outs: RunnerOuts
    rows_read: int = 0

    def __len__(self) -> int:
        return int(self.game_pk.shape[0])

    @property
    def bat_team(self) -> npt.NDArray[np.str_]:
        """Batting team per PA (away team in the top half)."""
        return np.where(self.is_top, self.away_team, self.home_team)

    @property
    def fld_team(self) -> npt.NDArray[np.str_]:
        """Fielding team per PA."""
        return np.where(self.is_top, self.home_team, self.away_team)

    def take(self, index: npt.NDArray[Any]) -> PlateAppearances:
        """A subset (boolean mask or positions).  ``runner_outs`` is filtered to the same games."""
        fields = {
            a.name: getattr(self, a.name)[index]
            for a in attrs.fields(PlateAppearances)
            if a.name not in ("runner_outs", "rows_read")
        }
        games = np.unique(fields["game_pk"])
        ro = self.runner_outs
        keep = np.isin(ro.game_pk, games)
        runner = RunnerOuts(
            ro.game_pk[keep], ro.pitcher[keep], ro.inning[keep], ro.is_top[keep],
            ro.outs[keep], ro.event[keep],
        )  # fmt: skip
        return PlateAppearances(**fields, runner_outs=runner, rows_read=self.rows_read)

    def game(self, game_pk: int) -> PlateAppearances:
        """The PAs of one game."""
        return self.take(self.game_pk == game_pk)

    def before(self, day: dt.date) -> PlateAppearances:
        """PAs of games played strictly before ``day`` (walk-forward history)."""
        return self.take(self.game_date < np.datetime64(day, "D"))

    def on(self, day: dt.date) -> PlateAppearances:
        """PAs of games played on ``day``."""
        return self.take(self.game_date == np.datetime64(day, "D"))

    def game_pks(self) -> list[int]:
        return [int(g) for g in np.unique(self.game_pk)]

    def count(self, outcome: PAOutcome) -> int:
        return int(np.count_nonzero(self.outcome == outcome))

    def pitcher_outs(self) -> dict[tuple[int, int], int]:
        """``{(game_pk, pitcher): outs recorded while he pitched}`` (PAs plus runner outs)."""
        out: dict[tuple[int, int], int] = {}
        for g, p, o in zip(
            np.concatenate([self.game_pk, self.runner_outs.game_pk]).tolist(),
            np.concatenate([self.pitcher, self.runner_outs.pitcher]).tolist(),
            np.concatenate([self.outs, self.runner_outs.outs]).tolist(),
            strict=True,
        ):
            out[(g, p)] = out.get((g, p), 0) + o
        return out

    @classmethod
    def concat(cls, parts: Sequence[PlateAppearances]) -> PlateAppearances:
        """Join several ingests (e.g. one per day) and re-sort; duplicate PAs are dropped."""
        if not parts:
            return _empty()
        names = [
            a.name
            for a in attrs.fields(PlateAppearances)
            if a.name not in ("runner_outs", "rows_read")
        ]
        fields = {n: np.concatenate([getattr(p, n) for p in parts]) for n in names}
        ro_names = [a.name for a in attrs.fields(RunnerOuts)]
        ro = {n: np.concatenate([getattr(p.runner_outs, n) for p in parts]) for n in ro_names}
        order = np.lexsort((fields["at_bat_number"], fields["game_pk"]))
        fields = {n: v[order] for n, v in fields.items()}
        dup = np.zeros(order.size, dtype=bool)
        if order.size > 1:
            dup[1:] = (fields["game_pk"][1:] == fields["game_pk"][:-1]) & (
                fields["at_bat_number"][1:] == fields["at_bat_number"][:-1]
            )
        fields = {n: v[~dup] for n, v in fields.items()}
        return cls(
            **fields, runner_outs=RunnerOuts(**ro), rows_read=sum(p.rows_read for p in parts)
        )


@attrs.frozen
class GameStart:
    """Who started a game: batting orders (first nine distinct batters) and starting pitchers."""

    game_pk: int
    game_date: dt.date
    home_team: str
    away_team: str
    home_lineup: tuple[int, ...]
    away_lineup: tuple[int, ...]
    home_starter: int
    away_starter: int


def game_starts(pas: PlateAppearances) -> list[GameStart]:
    """Per game: each team's starting nine in order of first PA, and each starter.

    The starting pitcher of a team is the pitcher of the first PA the *other* team had (the
    doc's "first pitcher to face the other team").  A lineup has fewer than nine ids only when
    the data has fewer PAs for that team.
    """
    return [game_start(pas, a, b) for a, b in game_bounds(pas)]


def game_bounds(pas: PlateAppearances) -> list[tuple[int, int]]:
    """``[start, stop)`` row ranges of each game (rows of one game are contiguous)."""
    if len(pas) == 0:
        return []
    bounds = np.flatnonzero(np.diff(pas.game_pk)) + 1
    starts = np.concatenate(([0], bounds)).tolist()
    stops = np.concatenate((bounds, [len(pas)])).tolist()
    return list(zip(starts, stops, strict=True))


def game_start(pas: PlateAppearances, a: int, b: int) -> GameStart:
    """:class:`GameStart` of the game in rows ``[a, b)`` (see :func:`game_bounds`)."""
    top = pas.is_top[a:b]
    batters = pas.batter[a:b]
    pitchers = pas.pitcher[a:b]
    away_idx, home_idx = np.flatnonzero(top), np.flatnonzero(~top)
    return GameStart(
        game_pk=int(pas.game_pk[a]),
        game_date=_date(pas.game_date[a]),
        home_team=str(pas.home_team[a]),
        away_team=str(pas.away_team[a]),
        home_lineup=_first_nine(batters[home_idx]),
        away_lineup=_first_nine(batters[away_idx]),
        home_starter=int(pitchers[away_idx[0]]) if away_idx.size else 0,
        away_starter=int(pitchers[home_idx[0]]) if home_idx.size else 0,
    )


def _first_nine(batters: npt.NDArray[np.int64]) -> tuple[int, ...]:
    seen: dict[int, None] = {}
    for b in batters.tolist():
        if b not in seen:
            seen[b] = None
            if len(seen) == 9:
                break
    return tuple(seen)


def _date(v: np.datetime64) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(v.astype("datetime64[D]").astype(np.int64)))


def _empty() -> PlateAppearances:
    i64 = np.zeros(0, dtype=np.int64)
    return PlateAppearances(
        game_pk=i64, game_date=np.zeros(0, dtype="datetime64[D]"), batter=i64, pitcher=i64,
        stand=np.zeros(0, dtype="U1"), p_throws=np.zeros(0, dtype="U1"), inning=i64,
        is_top=np.zeros(0, dtype=bool), at_bat_number=i64, outs_when_up=i64,
        home_team=np.zeros(0, dtype="U3"), away_team=np.zeros(0, dtype="U3"),
        outcome=np.zeros(0, dtype=np.uint8), outs=i64, pitches=i64,
        event=np.zeros(0, dtype=object),
        runner_outs=RunnerOuts(i64, i64, i64, np.zeros(0, dtype=bool), i64,
                               np.zeros(0, dtype=object)),
    )  # fmt: skip


# --------------------------------------------------------------------------- ingest


def _ints(tok: Tokens, name: str, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    res = decode_int(tok, tok.index(name), rows)
    if not isinstance(res, tuple) or res[1].any():
        raise SourceDecodeError(
            f"column {name!r} must be a whole number on every PA-ending row", source=SOURCE
        )
    return res[0]


def _strs(tok: Tokens, name: str, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.str_]:
    coded = decode_categories(tok, tok.index(name), rows)
    if coded is None:  # wider than a code or a team name: not this column
        values, _ = decode_str(tok, tok.index(name), rows)
        return np.array([v or "" for v in values.tolist()], dtype=str)
    words, codes = coded
    return np.array([w or "" for w in words], dtype=str)[codes]


def ingest_statcast(source: bytes | str | os.PathLike[str]) -> PlateAppearances:
    """CSV bytes (or a path; gzip detected by magic bytes) -> :class:`PlateAppearances`.

    Only the columns in :data:`PA_REQUIRED` (plus ``pitch_number``, ``post_bat_score`` and
    ``post_fld_score`` when present) are decoded, and only for rows with ``events`` set.
    Raises the typed errors of :func:`~savantsdk.sources.parse_statcast_csv`.
    """
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        with open(path, "rb") as fh:
            data = fh.read()
        try:
            return _ingest(data)
        except SourceDecodeError as exc:  # name the file: one of a season's 183 otherwise
            raise SourceDecodeError(
                f"{path}: {exc.message}", source=exc.source, request=exc.request
            ) from exc
    return _ingest(bytes(source))


def _statcast_paths(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(
                sorted(
                    f
                    for f in p.iterdir()
                    if f.name.endswith((".csv", ".csv.gz"))
                    and f.is_file()
                    and not f.name.upper().startswith(("MANIFEST", "README"))
                )
            )
        elif p.is_file():
            files.append(p)
        else:
            raise ConfigurationError(f"Statcast path {raw}: no such file or directory")
    if not files:
        raise ConfigurationError("no .csv or .csv.gz Statcast files found in the given paths")
    return files


def ingest_statcast_files(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    skip_bad_files: bool = False,
) -> PlateAppearances:
    """Every Statcast CSV under ``paths`` (files, or folders of ``*.csv`` / ``*.csv.gz``, in
    name order) -> one :class:`PlateAppearances`.

    A file that does not parse raises its :class:`~savantsdk.SourceDecodeError`, whose message
    starts with the file's path.  With ``skip_bad_files=True`` such a file is left out with a
    :class:`~savantsdk.exceptions.PartialResultWarning` naming it and the cause, and the others
    are kept; if no file parses, :class:`~savantsdk.AllFailedError` is raised.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    files = _statcast_paths(paths)
    parts: list[PlateAppearances] = []
    errors: dict[str, SourceDecodeError] = {}
    for f in files:
        try:
            parts.append(ingest_statcast(f))
        except SourceDecodeError as exc:
            if not skip_bad_files:
                raise
            errors[str(f)] = exc
    if errors:
        first = next(iter(errors.values()))
        if not parts:
            raise AllFailedError(
                f"none of {len(files)} Statcast file(s) could be read; first: {first.message}",
                source=SOURCE,
                errors=errors,
                root_cause=first,
            ) from first
        warnings.warn(
            f"skipped {len(errors)} of {len(files)} Statcast file(s) that could not be read: "
            + "; ".join(e.message for e in errors.values()),
            PartialResultWarning,
            stacklevel=2,
        )
    return PlateAppearances.concat(parts)


def _ingest(data: bytes) -> PlateAppearances:
    tok = tokenize(data)
    if not tok.header:
        return _empty()
    check_required(tok.header, PA_REQUIRED)

    # Evented rows: non-empty `events` that is not a null literal.
    s, e = field_bounds(tok, tok.index("events"))
    cand = np.flatnonzero(e > s)
    fixed = gather(tok.buf, s[cand], e[cand])
    uniq, inverse = np.unique(fixed, return_inverse=True)
    inverse = inverse.reshape(-1)
    names = [raw.decode("utf-8", "replace") for raw in uniq.tolist()]
    real = np.array([raw not in NULL_LITERALS for raw in uniq.tolist()], dtype=bool)
    rows = cand[real[inverse]]
    ev_code = inverse[real[inverse]]

    game_pk = _ints(tok, "game_pk", rows)
    abn = _ints(tok, "at_bat_number", rows)
    order = np.lexsort((abn, game_pk))
    rows, ev_code, game_pk, abn = rows[order], ev_code[order], game_pk[order], abn[order]
    if rows.size > 1:  # the same game twice in one payload: keep one copy
        dup = np.zeros(rows.size, dtype=bool)
        dup[1:] = (game_pk[1:] == game_pk[:-1]) & (abn[1:] == abn[:-1])
        if dup.any():
            keep = ~dup
            rows, ev_code, game_pk, abn = rows[keep], ev_code[keep], game_pk[keep], abn[keep]

    inning = _ints(tok, "inning", rows)
    outs_when_up = _ints(tok, "outs_when_up", rows)
    is_top = _strs(tok, "inning_topbot", rows) == "Top"
    vocab_outcome = np.array([EVENT_OUTCOME.get(n, PAOutcome.OTHER) for n in names], np.uint8)
    vocab_is_pa = np.array([n not in NON_PA_EVENTS for n in names], dtype=bool)
    vocab_outs = np.array([EVENT_OUTS.get(n, 0) for n in names], dtype=np.int64)
    vocab_names = np.array(names, dtype=object)

    # Outs recorded on each evented row (sequence rule, walk-off exception).
    n = rows.size
    half = game_pk * 64 + inning * 2 + is_top  # a unique half-inning key inside a payload
    same_next = np.zeros(n, dtype=bool)
    if n > 1:
        same_next[:-1] = half[1:] == half[:-1]
    outs = np.empty(n, dtype=np.int64)
    nxt = np.empty(n, dtype=np.int64)
    nxt[:-1] = outs_when_up[1:] if n > 1 else nxt[:-1]
    outs[same_next] = nxt[same_next] - outs_when_up[same_next]
    outs[~same_next] = 3 - outs_when_up[~same_next]
    event_outs = vocab_outs[ev_code]
    game_last = np.ones(n, dtype=bool)
    if n > 1:
        game_last[:-1] = game_pk[1:] != game_pk[:-1]
    walkoff = game_last & ~is_top
    if walkoff.any():
        if "post_bat_score" in tok.header and "post_fld_score" in tok.header:
            idx = np.flatnonzero(walkoff)
            pb = decode_int(tok, tok.index("post_bat_score"), rows[idx])
            pf = decode_int(tok, tok.index("post_fld_score"), rows[idx])
            if isinstance(pb, tuple) and isinstance(pf, tuple):
                ahead = (pb[0] > pf[0]) & ~pb[1] & ~pf[1]
                walkoff[idx] = ahead
        else:
            walkoff &= event_outs < outs
    outs[walkoff] = event_outs[walkoff]
    bad = outs < 0
    outs[bad] = event_outs[bad]
    np.clip(outs, 0, 3, out=outs)

    pa = vocab_is_pa[ev_code]
    ro = ~pa
    runner = RunnerOuts(
        game_pk=game_pk[ro], pitcher=_ints(tok, "pitcher", rows[ro]), inning=inning[ro],
        is_top=is_top[ro], outs=outs[ro], event=vocab_names[ev_code[ro]],
    )  # fmt: skip
    prow = rows[pa]
    pitches = (
        _ints(tok, "pitch_number", prow)
        if "pitch_number" in tok.header
        else np.zeros(prow.size, dtype=np.int64)
    )
    return PlateAppearances(
        game_pk=game_pk[pa],
        game_date=decode_date(tok, tok.index("game_date"), prow),
        batter=_ints(tok, "batter", prow),
        pitcher=_ints(tok, "pitcher", prow),
        stand=_strs(tok, "stand", prow),
        p_throws=_strs(tok, "p_throws", prow),
        inning=inning[pa],
        is_top=is_top[pa],
        at_bat_number=abn[pa],
        outs_when_up=outs_when_up[pa],
        home_team=_strs(tok, "home_team", prow),
        away_team=_strs(tok, "away_team", prow),
        outcome=vocab_outcome[ev_code[pa]],
        outs=outs[pa],
        pitches=pitches,
        event=vocab_names[ev_code[pa]],
        runner_outs=runner,
        rows_read=tok.rows,
    )
