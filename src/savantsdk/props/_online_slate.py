"""The online slate: schedule + lineups + history -> :class:`Slate`, and what it left out.

Lives apart from :mod:`._online` (the pipeline's I/O) because it is pure: given what the
sources answered, it decides which games can be priced, with which lineups, and why each
other game cannot.  The rules (docs/model.md, "The online slate"):

* **Team codes**: the Stats API team list (``teams()``, cached as reference data and served
  stale when a refresh fails); a team it does not name (or a failed list with no copy at
  all) takes its code from :mod:`savantsdk.ids` by team id, then by name.  A team list
  failure costs nothing but a line in :attr:`OnlineReport.input_errors`.
* **Lineups**, per team, in this order: the posted lineup (the schedule's
  ``hydrate=lineups``); the boxscore's batting order; the team's most recent starting nine
  in the history against a starter of the same hand as today's opposing starter; the team's
  most recent nine of any hand.  The last two are *projected* (the game is in
  :attr:`OnlineReport.projected_lineups`).  Only a team with none of the four costs its game.
* **Skips**: every game not priced has a reason in :attr:`OnlineReport.skipped_games`,
  which starts with one of :data:`SKIP_REASONS` (counted by :attr:`OnlineReport.skip_counts`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import attrs
import numpy as np

from ..ids import canonical_team
from ..sources._partial import describe_error
from ..sources._plate_appearances import game_bounds, game_start
from ..sources._savant_results import savant_team
from ._slate import Slate, SlateGame

if TYPE_CHECKING:
    from ..sources import GameLineups, PlateAppearances, Schedule, Team
    from ..sources._statsapi_models import ScheduleTeam

__all__ = ("LINEUP_SOURCES", "SKIP_REASONS", "OnlineReport")

#: Why a scheduled game was not priced: every reason in ``OnlineReport.skipped_games`` starts
#: with one of these.  ``final`` is not a failure (the game is over); the others are.
SKIP_REASONS: Final = ("final", "teams missing", "starters not announced", "lineup unavailable")

#: Where a priced team's lineup came from, in the order they are tried (counted per team in
#: ``OnlineReport.lineup_sources``): posted (schedule), boxscore, projected against the
#: opposing starter's hand, projected of any hand.
LINEUP_SOURCES: Final = ("posted", "boxscore", "projected_vs_hand", "projected_any")


@attrs.frozen
class OnlineReport:
    """What the online pipeline used and what it had to leave out, for one date.

    ``skipped_games``: game_pk -> why it was not priced (starts with one of
    :data:`SKIP_REASONS`).  ``lineup_sources``: how many priced teams' lineups came from each
    of :data:`LINEUP_SOURCES`.  ``input_errors``: inputs that failed without costing a game
    (``"teams"``: codes came from :mod:`savantsdk.ids`, or the cached list was served;
    ``"schedule"``: the cached schedule was served; ``"names"``: some players are named by
    id).  ``lines_errors``: each market-line fetch that failed (an event of The Odds API,
    the whole source, PrizePicks); ``lines_error`` is set when no line could be had at all
    (the props are then priced at the default lines).  :meth:`degraded_summary` puts it all
    in one line.
    """

    date: dt.date
    games_scheduled: int
    games_priced: tuple[int, ...]
    projected_lineups: tuple[int, ...] = ()
    skipped_games: dict[int, str] = attrs.field(factory=dict)
    history_days: int = 0
    history_pas: int = 0
    history_errors: dict[dt.date, str] = attrs.field(factory=dict)
    lines_served_by: tuple[str, ...] = ()
    lines_fallback_reason: str | None = None
    lines_error: str | None = None
    lines_total: int = 0
    props_memoized: bool = False
    lineup_sources: dict[str, int] = attrs.field(factory=dict)
    input_errors: dict[str, str] = attrs.field(factory=dict)
    lines_errors: tuple[str, ...] = ()

    @property
    def skip_counts(self) -> dict[str, int]:
        """Skipped games by reason (the :data:`SKIP_REASONS` prefix of each)."""
        counts = Counter(reason.split(":", 1)[0] for reason in self.skipped_games.values())
        return {k: counts[k] for k in SKIP_REASONS if counts[k]}

    @property
    def games_pricable(self) -> int:
        """Games of the schedule that were not already final: what a run can price."""
        return self.games_scheduled - self.skip_counts.get("final", 0)

    @property
    def games_failed(self) -> int:
        """Pricable games that were skipped (every skip but ``final``)."""
        return self.games_pricable - len(self.games_priced)

    @property
    def skipped_share(self) -> float:
        """:attr:`games_failed` over :attr:`games_pricable` (0.0 when nothing was pricable)."""
        return self.games_failed / self.games_pricable if self.games_pricable else 0.0

    @property
    def degraded(self) -> bool:
        """Whether anything failed: a game skipped (not final), a history day, a market-line
        fetch or another input."""
        return bool(
            self.games_failed
            or self.history_errors
            or self.lines_error
            or self.lines_errors
            or self.input_errors
        )

    def degraded_summary(self) -> str | None:
        """One line saying what failed (``None`` when nothing did), such as ``"13 of 15 games
        skipped (lineup unavailable: 13); history: 1 of 7 days failed"``."""
        if not self.degraded:
            return None
        parts: list[str] = []
        if self.games_failed:
            counts = {k: v for k, v in self.skip_counts.items() if k != "final"}
            why = ", ".join(f"{k}: {v}" for k, v in counts.items())
            parts.append(f"{self.games_failed} of {self.games_pricable} games skipped ({why})")
        else:
            parts.append(f"{len(self.games_priced)} of {self.games_pricable} games priced")
        if self.history_errors:
            first = min(self.history_errors)
            parts.append(
                f"history: {len(self.history_errors)} of {self.history_days} days failed "
                f"({first}: {self.history_errors[first]})"
            )
        if self.lines_error:
            parts.append(f"lines: none ({self.lines_error}); priced at the default lines")
        elif self.lines_errors:
            parts.append(
                f"lines: {len(self.lines_errors)} fetch(es) failed ({self.lines_errors[0]})"
            )
        parts.extend(f"{name}: {err}" for name, err in self.input_errors.items())
        return "; ".join(parts)


@attrs.frozen
class SlateInputs:
    """What the sources answered for one date's slate (``errors``: inputs that failed, or
    were served stale after a failed refresh, without costing a game)."""

    schedule: Schedule
    lineups: dict[int, GameLineups]
    teams: dict[int, str]
    errors: dict[str, str] = attrs.field(factory=dict)


def team_codes(teams: tuple[Team, ...]) -> dict[int, str]:
    """Team id -> :mod:`savantsdk.ids` code from the Stats API team list."""
    out: dict[int, str] = {}
    for t in teams:
        abbr = getattr(t, "abbreviation", None)
        if abbr:
            out[t.id] = canonical_team(str(abbr)) or str(abbr)
    return out


def _code(side: ScheduleTeam, codes: Mapping[int, str], day: dt.date) -> str | None:
    """The Savant code of a schedule team on ``day``: the team list, else ids by id or name."""
    assert side.team is not None
    tid = side.team.id
    code = codes.get(tid) or canonical_team(tid) or canonical_team(side.team.name)
    return savant_team(code, day) if code else None


def pitcher_hands(history: PlateAppearances) -> dict[int, str]:
    """Pitcher id -> ``"L"``/``"R"`` as thrown in ``history``."""
    if len(history) == 0:
        return {}
    ids, first = np.unique(history.pitcher, return_index=True)
    hands = history.p_throws[first]
    return {int(p): str(h) for p, h in zip(ids.tolist(), hands.tolist(), strict=True) if h}


def recent_lineups(
    history: PlateAppearances, day: dt.date, hands: Mapping[int, str] | None = None
) -> dict[str, dict[str, tuple[int, ...]]]:
    """Per team (its Savant code on ``day``): ``""`` -> the starting nine of its most recent
    game in ``history`` (by date, then game_pk), and ``"L"``/``"R"`` -> its most recent nine
    against a starter of that hand (``hands``: pitcher -> hand, default from ``history``)."""
    games = game_bounds(history)
    if not games:
        return {}
    hands = pitcher_hands(history) if hands is None else hands
    first_rows = np.array([a for a, _ in games], dtype=np.int64)
    order = np.lexsort((history.game_pk[first_rows], history.game_date[first_rows]))[::-1]
    latest: dict[str, dict[str, tuple[int, ...]]] = {}
    done: set[str] = set()  # raw codes with a nine of each hand and a most recent one
    for i in order.tolist():
        a, _ = games[i]
        home, away = str(history.home_team[a]), str(history.away_team[a])
        if home in done and away in done:
            continue
        st = game_start(history, *games[i])
        sides = ((home, st.home_lineup, st.away_starter), (away, st.away_lineup, st.home_starter))
        for raw, lineup, opposing in sides:
            if raw in done or len(lineup) != 9:
                continue
            entry = latest.setdefault(savant_team(raw, day), {})  # OAK until 2024, ATH after
            entry.setdefault("", lineup)
            hand = hands.get(opposing, "")
            if hand:
                entry.setdefault(hand, lineup)
            if len(entry) == 3:
                done.add(raw)
    return latest


def _posted_reason(gl: GameLineups | None) -> str:
    if gl is None:
        return "not in the lineups answer"
    if gl.error is not None:
        return f"boxscore failed ({describe_error(gl.error)})"
    return "not posted and no boxscore batting order yet"


def probable_starters(schedule: Schedule) -> list[int]:
    """The probable starters' ids of every game of ``schedule``."""
    return [
        side.probable_pitcher.id
        for game in schedule.games
        for side in (game.teams.home, game.teams.away)
        if side is not None and side.probable_pitcher is not None
    ]


def build_slate(
    date: dt.date,
    inputs: SlateInputs,
    history: PlateAppearances | None,
    history_days: int,
    starter_hands: Mapping[int, str] | None = None,
) -> tuple[Slate, OnlineReport]:
    """The date's :class:`Slate` and the report of what it used and skipped (module docs).

    ``starter_hands``: pitcher -> ``"L"``/``"R"`` from the Stats API (``pitchHand``), over
    the hands thrown in ``history``: today's starter often has not pitched in a short one.
    """
    schedule, lineups = inputs.schedule, inputs.lineups
    hands = pitcher_hands(history) if history is not None else {}
    hands.update(starter_hands or {})
    recent = recent_lineups(history, date) if history is not None else {}
    games: list[SlateGame] = []
    projected: list[int] = []
    skipped: dict[int, str] = {}
    used: Counter[str] = Counter()
    for game in schedule.games:
        pk = game.game_pk
        if (game.status.abstract_game_state or "").lower() == "final":
            skipped[pk] = "final"
            continue
        home, away = game.teams.home, game.teams.away
        if home is None or away is None or home.team is None or away.team is None:
            skipped[pk] = "teams missing: the schedule names no home or away team"
            continue
        h_code, a_code = _code(home, inputs.teams, date), _code(away, inputs.teams, date)
        if h_code is None or a_code is None:
            unknown = home.team.id if h_code is None else away.team.id
            skipped[pk] = f"teams missing: team {unknown} is in neither the team list nor ids"
            continue
        hs, as_ = home.probable_pitcher, away.probable_pitcher
        if hs is None or as_ is None:
            which = " and ".join(c for c, p in ((h_code, hs), (a_code, as_)) if p is None)
            skipped[pk] = f"starters not announced: no probable starter for {which}"
            continue
        gl = lineups.get(pk)
        picked: dict[str, tuple[tuple[int, ...], str]] = {}
        missing: list[str] = []
        for side, code, opposing in (("home", h_code, as_.id), ("away", a_code, hs.id)):
            posted = tuple(p.id for p in getattr(gl, side)) if gl is not None else ()
            if len(posted) >= 9:
                assert gl is not None
                picked[side] = (posted, "boxscore" if gl.source == "boxscore" else "posted")
                continue
            known = recent.get(code, {})
            hand = hands.get(opposing, "")
            if hand and hand in known:
                picked[side] = (known[hand], "projected_vs_hand")
            elif "" in known:
                picked[side] = (known[""], "projected_any")
            else:
                missing.append(
                    f"{code}: {_posted_reason(gl)}; no lineup of {code} in the "
                    f"{history_days}-day history"
                )
        if missing:
            skipped[pk] = "lineup unavailable: " + "; ".join(missing)
            continue
        (h_line, h_src), (a_line, a_src) = picked["home"], picked["away"]
        used.update((h_src, a_src))
        if h_src.startswith("projected") or a_src.startswith("projected"):
            projected.append(pk)
        games.append(
            SlateGame(
                game_pk=pk,
                home_team=h_code,
                away_team=a_code,
                home_lineup=h_line[:9],
                away_lineup=a_line[:9],
                home_starter=hs.id,
                away_starter=as_.id,
                game_date=date,
                start_time=game.game_date,
                game_number=game.game_number,
            )
        )
    reason = None if games else f"no game on {date.isoformat()} could be priced"
    report = OnlineReport(
        date=date,
        games_scheduled=len(schedule.games),
        games_priced=tuple(g.game_pk for g in games),
        projected_lineups=tuple(projected),
        skipped_games=skipped,
        lineup_sources={k: used[k] for k in LINEUP_SOURCES if used[k]},
        input_errors=dict(inputs.errors),
    )
    return Slate(date=date, games=tuple(games), reason=reason), report
