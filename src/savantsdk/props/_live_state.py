"""The state of a game in progress, read from a Stats API live feed.

:func:`snapshot_from_feed` turns a :class:`~savantsdk.sources.GameFeed` into a
:class:`LiveSnapshot`: where the game is (inning, half, outs, runners, score), who holds each
lineup slot and who bats next on each side, who pitches for each side, what every player has
done so far, and who has left the game.  Sources, in the feed: ``liveData.linescore``
(inning, outs, ``offense``'s runners, ``defense``'s pitcher, runs), ``liveData.boxscore``
(``battingOrder`` codes ``"100"``/``"101"`` give slot and substitution order, each player's
``stats.batting`` / ``stats.pitching`` so far, the ``pitchers`` who have appeared) and
``liveData.plays`` (completed plate appearances per side give the next slot).

Between half-innings (``inningState`` ``Middle`` / ``End``) the snapshot is the next half
with nobody out and the bases empty.  A state that cannot happen raises
:class:`~savantsdk.exceptions.PropGenerationError` naming the field: more than 3 outs, a
runner who is not in his team's lineup, an inning past the feed's own line score.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final, Literal

import attrs

from ..exceptions import PropGenerationError
from ..sources import GameFeed
from ..sources._statsapi_models import BoxscoreTeam, StatLine
from ._distributions import PITCHER_STATS, Stat
from ._sim_live import BatterLine, GameState, PitcherLine
from ._simulate import SimGame
from ._slate import SlateGame

__all__ = (
    "ENDED_STATES",
    "LiveSnapshot",
    "game_state",
    "slate_game_from_feed",
    "snapshot_from_feed",
    "so_far",
)

#: ``detailedState`` values after which a game will not go on today (the live props end).
ENDED_STATES: Final = frozenset(
    {"Final", "Game Over", "Completed Early", "Suspended", "Postponed", "Cancelled"}
)


@attrs.frozen(eq=False)
class LiveSnapshot:
    """A game in progress (or about to start, or over).  Sides: ``0`` away, ``1`` home.

    ``half``: ``0`` top (away bats), ``1`` bottom.  ``bases``: the runner on first, second,
    third (MLBAM id or ``None``).  ``lineup[s]``: who holds each of the nine slots now;
    ``next_slot[s]``: 0-based slot due up next for side ``s`` (for the side at bat: the batter
    at the plate); ``team_pa[s]``: completed PAs.  ``pitcher[s]``: who pitches for side ``s``
    (its current or last pitcher; ``None`` before it has taken the field).  ``starters[s]``:
    side ``s``'s starting pitcher and ``pitchers[s]`` every pitcher it has used, in order of
    appearance.  ``removed``: players out of the game.  ``status``: the
    feed's ``detailedState``; ``timestamp``: its ``metaData.timeStamp`` as a time.
    """

    game_pk: int
    status: str
    timestamp: datetime | None
    inning: int
    half: Literal[0, 1]
    outs: int
    bases: tuple[int | None, int | None, int | None]
    score: tuple[int, int]
    lineup: tuple[tuple[int, ...], tuple[int, ...]]
    next_slot: tuple[int, int]
    team_pa: tuple[int, int]
    pitcher: tuple[int | None, int | None]
    starters: tuple[int | None, int | None]
    pitchers: tuple[tuple[int, ...], tuple[int, ...]]
    batting: Mapping[int, BatterLine]
    pitching: Mapping[int, PitcherLine]
    removed: frozenset[int]

    @property
    def started(self) -> bool:
        return sum(self.team_pa) > 0 or self.status not in ("Scheduled", "Pre-Game", "Warmup")

    @property
    def ended(self) -> bool:
        return self.status in ENDED_STATES


def _n(value: int | None) -> int:
    return int(value) if value is not None else 0


def _batter_line(s: StatLine, pid: int) -> BatterLine:
    hits, doubles, triples, hrs = _n(s.hits), _n(s.doubles), _n(s.triples), _n(s.home_runs)
    walks, hbp = _n(s.base_on_balls), _n(s.hit_by_pitch)
    pa = s.plate_appearances
    if pa is None:  # not sent: at-bats plus the PAs that are not at-bats
        pa = _n(s.at_bats) + walks + hbp + _n(s.sac_flies) + _n(s.sac_bunts)
    try:
        return BatterLine(
            plate_appearances=int(pa),
            singles=hits - doubles - triples - hrs,
            doubles=doubles,
            triples=triples,
            home_runs=hrs,
            walks=walks,
            hit_by_pitch=hbp,
            strikeouts=_n(s.strike_outs),
            runs=_n(s.runs),
            rbis=_n(s.rbi),
        )
    except PropGenerationError as exc:
        raise PropGenerationError(f"batting line of player {pid}: {exc}") from exc


def _pitcher_line(s: StatLine, pid: int) -> PitcherLine:
    try:
        return PitcherLine(
            batters_faced=_n(s.batters_faced),
            pitches=_n(
                s.number_of_pitches if s.number_of_pitches is not None else s.pitches_thrown
            ),
            outs=_n(s.outs),
            strikeouts=_n(s.strike_outs),
            hits=_n(s.hits),
            home_runs=_n(s.home_runs),
            walks=_n(s.base_on_balls),
            hit_by_pitch=_n(s.hit_batsmen),
            runs=_n(s.runs),
            earned_runs=_n(s.earned_runs),
        )
    except PropGenerationError as exc:
        raise PropGenerationError(f"pitching line of player {pid}: {exc}") from exc


def _lineup(team: BoxscoreTeam, game_pk: int, side: str) -> tuple[int, ...]:
    """The current holder of each slot: the highest ``battingOrder`` code of the slot."""
    best: dict[int, tuple[int, int]] = {}
    for player in team.players.values():
        code = player.batting_order_number
        if code is None:
            continue
        slot, order = divmod(code, 100)
        if not 1 <= slot <= 9:
            raise PropGenerationError(
                f"game {game_pk}: {side} battingOrder {player.batting_order!r} of player "
                f"{player.id} is not a slot 1-9",
            )
        if slot not in best or order > best[slot][0]:
            best[slot] = (order, player.id)
    if not best and team.batting_order:
        return tuple(int(p) for p in team.batting_order[:9]) + (0,) * (
            9 - min(9, len(team.batting_order))
        )
    return tuple(best[k][1] if k in best else 0 for k in range(1, 10))


def snapshot_from_feed(feed: GameFeed) -> LiveSnapshot:
    """The :class:`LiveSnapshot` of ``feed`` (module doc); ``PropGenerationError`` when the
    feed describes a state that cannot happen or lacks its box score."""
    pk = feed.game_pk
    live = feed.live_data
    box, ls = live.boxscore, live.linescore
    if box is None:
        raise PropGenerationError(f"game {pk}: the feed has no boxscore")
    status = feed.game_data.status.detailed_state or feed.game_data.status.abstract_game_state
    teams = (box.teams.away, box.teams.home)
    lineup = (_lineup(teams[0], pk, "away"), _lineup(teams[1], pk, "home"))
    team_pa = [0, 0]
    for play in live.plays.all_plays:
        if play.about.is_complete is False or play.result.type != "atBat":
            continue
        team_pa[0 if play.about.is_top_inning else 1] += 1
    batting: dict[int, BatterLine] = {}
    pitching: dict[int, PitcherLine] = {}
    appeared: set[int] = set()
    for team in teams:
        for player in team.players.values():
            if player.id in team.batters:
                batting[player.id] = _batter_line(player.stats.batting, player.id)
            if player.id in team.pitchers:
                pitching[player.id] = _pitcher_line(player.stats.pitching, player.id)
        appeared.update(int(p) for p in (*team.batters, *team.pitchers))
    pitcher: list[int | None] = [
        int(t.pitchers[-1]) if t.pitchers else None for t in teams
    ]  # the last to appear
    starters = (
        int(teams[0].pitchers[0]) if teams[0].pitchers else None,
        int(teams[1].pitchers[0]) if teams[1].pitchers else None,
    )
    inning, half, outs = 1, 0, 0
    bases: tuple[int | None, int | None, int | None] = (None, None, None)
    score = (0, 0)
    if ls is not None:
        inning = ls.current_inning or 1
        half = 0 if ls.is_top_inning in (True, None) else 1
        outs = _n(ls.outs)
        if ls.teams is not None:
            score = (_n(ls.teams.away.runs if ls.teams.away else 0),
                     _n(ls.teams.home.runs if ls.teams.home else 0))  # fmt: skip
        if outs > 3 or outs < 0:
            raise PropGenerationError(f"game {pk}: linescore outs is {outs} (0-3)")
        if inning < 1 or (ls.innings and inning > max(_n(i.num) for i in ls.innings) + 1):
            raise PropGenerationError(
                f"game {pk}: linescore currentInning {inning} is past the innings it lists",
            )
        state = (ls.inning_state or "").lower()
        if status not in ENDED_STATES and (state in ("middle", "end") or outs == 3):
            # between halves: the next one
            inning, half = (inning, 1) if half == 0 else (inning + 1, 0)
            outs = 0
        else:
            off = ls.offense
            if off is not None:
                bases = (
                    off.first.id if off.first else None,
                    off.second.id if off.second else None,
                    off.third.id if off.third else None,
                )
            fielding = 1 - half
            if ls.defense is not None and ls.defense.pitcher is not None:
                pitcher[fielding] = ls.defense.pitcher.id
    batting_side = half
    for base, runner in zip(("first", "second", "third"), bases, strict=True):
        if runner is not None and runner not in lineup[batting_side]:
            raise PropGenerationError(
                f"game {pk}: the runner on {base} ({runner}) is not in the batting team's lineup",
            )
    now = set(lineup[0]) | set(lineup[1]) | {p for p in pitcher if p is not None}
    removed = frozenset(appeared - now)
    stamp = feed.timestamp
    return LiveSnapshot(
        game_pk=pk,
        status=status or "",
        timestamp=stamp,
        inning=inning,
        half=0 if half == 0 else 1,
        outs=outs,
        bases=bases,
        score=score,
        lineup=lineup,
        next_slot=(team_pa[0] % 9, team_pa[1] % 9),
        team_pa=(team_pa[0], team_pa[1]),
        pitcher=(pitcher[0], pitcher[1]),
        starters=starters,
        pitchers=(
            tuple(int(p) for p in teams[0].pitchers),
            tuple(int(p) for p in teams[1].pitchers),
        ),
        batting=batting,
        pitching=pitching,
        removed=removed,
    )


def slate_game_from_feed(feed: GameFeed) -> SlateGame:
    """The game as the pre-game engine sees it: the starting nines (``battingOrder`` ``"k00"``)
    and starting pitchers of the feed's box score (the probable pitchers before the game has
    begun), team codes and the starters' throwing hands from ``gameData``."""
    pk = feed.game_pk
    box = feed.live_data.boxscore
    if box is None:
        raise PropGenerationError(f"game {pk}: the feed has no boxscore")
    data = feed.game_data
    teams = (box.teams.away, box.teams.home)
    probable = data.probable_pitchers
    starters: list[int] = []
    for t, side in zip(teams, ("away", "home"), strict=True):
        if t.pitchers:
            starters.append(int(t.pitchers[0]))
            continue
        ref = getattr(probable, side, None) if probable is not None else None
        if ref is None:
            raise PropGenerationError(f"game {pk}: no {side} starting or probable pitcher")
        starters.append(int(ref.id))
    lineups = [tuple(p.id for p in t.starting_lineup)[:9] for t in teams]
    if not all(lineups):
        raise PropGenerationError(f"game {pk}: a starting lineup is not in the feed yet")

    def code(side: str) -> str:
        team = getattr(data.teams, side)
        return (team.abbreviation if team is not None else None) or side

    def throws(pid: int) -> str:
        person = data.players.get(f"ID{pid}")
        hand = person.pitch_hand if person is not None else None
        return hand.code if hand is not None and hand.code in ("L", "R") else ""

    return SlateGame(
        game_pk=pk,
        home_team=code("home"),
        away_team=code("away"),
        home_lineup=lineups[1],
        away_lineup=lineups[0],
        home_starter=starters[1],
        away_starter=starters[0],
        game_date=data.date_time.official_date,
        home_starter_throws=throws(starters[1]),
        away_starter_throws=throws(starters[0]),
        start_time=data.date_time.date_time,
        game_number=data.game.game_number,
    )


def _sum_lines(lines: list[PitcherLine]) -> PitcherLine:
    if not lines:
        return PitcherLine()
    names = [a.name for a in attrs.fields(PitcherLine) if a.name != "lead_at_exit"]
    return PitcherLine(**{n: sum(getattr(ln, n) for ln in lines) for n in names})


def game_state(snapshot: LiveSnapshot, game: SimGame) -> GameState:
    """The simulator's :class:`~savantsdk.props.GameState` of ``snapshot`` for ``game`` (the
    pre-game inputs of the same game): the starter facing each side and that side's relievers
    together, the starting batters' lines so far, and who has left."""
    if snapshot.game_pk != game.game_pk:
        raise PropGenerationError(
            f"the snapshot is of game {snapshot.game_pk}, the simulation inputs of {game.game_pk}"
        )
    starter_lines: list[PitcherLine] = []
    bullpen_lines: list[PitcherLine] = []
    for t in range(2):  # side t bats against team 1 - t
        starter = int(game.starters[t])
        used = snapshot.pitchers[1 - t]
        starter_lines.append(snapshot.pitching.get(starter, PitcherLine()))
        bullpen_lines.append(
            _sum_lines(
                [snapshot.pitching[p] for p in used if p != starter and p in snapshot.pitching]
            )
        )
    starting = {int(p) for p in game.lineups.ravel().tolist() if p > 0}
    return GameState(
        inning=snapshot.inning,
        half="top" if snapshot.half == 0 else "bottom",
        outs=snapshot.outs,
        bases=snapshot.bases,
        score=snapshot.score,
        team_pa=snapshot.team_pa,
        starter_lines=(starter_lines[0], starter_lines[1]),
        bullpen_lines=(bullpen_lines[0], bullpen_lines[1]),
        batting={p: ln for p, ln in snapshot.batting.items() if p in starting},
        removed=snapshot.removed,
    )


def so_far(snap: LiveSnapshot, stat: Stat, player: int) -> int:
    """What ``player`` already has of ``stat`` in ``snap`` (0 without a line): batter
    families from his batting line, pitcher families from his pitching line."""
    if stat in PITCHER_STATS:
        pl = snap.pitching.get(player)
        if pl is None:
            return 0
        return {
            Stat.PITCHER_STRIKEOUTS: pl.strikeouts,
            Stat.PITCHER_OUTS: pl.outs,
            Stat.HITS_ALLOWED: pl.hits,
            Stat.WALKS_ALLOWED: pl.walks,
            Stat.EARNED_RUNS: pl.earned_runs,
        }[stat]
    bl = snap.batting.get(player)
    if bl is None:
        return 0
    hits = bl.singles + bl.doubles + bl.triples + bl.home_runs
    return {
        Stat.HITS: hits,
        Stat.SINGLES: bl.singles,
        Stat.TOTAL_BASES: bl.singles + 2 * bl.doubles + 3 * bl.triples + 4 * bl.home_runs,
        Stat.HOME_RUNS: bl.home_runs,
        Stat.WALKS: bl.walks,
        Stat.BATTER_STRIKEOUTS: bl.strikeouts,
        Stat.HITS_RUNS_RBIS: hits + bl.runs + bl.rbis,
    }[stat]
