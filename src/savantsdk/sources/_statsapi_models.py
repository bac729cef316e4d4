# ruff: noqa: RUF009  (attrs fields built by small factories: converters + defaults)
"""Typed models and pure payload parsers for the MLB Stats API (``statsapi.mlb.com``).

Every ``parse_*`` function takes the raw response bytes and returns a frozen attrs model built
by the package's one cattrs converter, without any network call::

    schedule = parse_schedule(body)            # /api/v1/schedule
    feed = parse_game_feed(body)               # /api/v1.1/game/{gamePk}/feed/live
    box = parse_boxscore(body)                 # /api/v1/game/{gamePk}/boxscore
    people = parse_people(body)                # /api/v1/people?personIds=a,b
    stats = parse_player_stats(body)           # /api/v1/people/{id}/stats?stats=gameLog
    plays = parse_play_by_play(body)           # /api/v1/game/{gamePk}/playByPlay
    linescore = parse_linescore(body)          # /api/v1/game/{gamePk}/linescore
    roster = parse_roster(body)                # /api/v1/teams/{id}/roster
    teams = parse_teams(body)                  # /api/v1/teams?sportId=1

Models keep the upstream's nesting with snake_case names (``gamePk`` -> ``game_pk``).  Unknown
keys are ignored, missing optional keys default to ``None``/empty, rate stats given as strings
become floats (``".263"`` -> 0.263, ``"-.--"`` -> ``None``) and innings in baseball notation
become true innings (``"6.1"`` -> 6.333...) next to the ``outs`` count (19).  Invalid JSON, HTML
and payloads missing their required structure raise :class:`~savantsdk.SourceDecodeError`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Final

import attrs

from .._frames import FrameColumn, FrameExport, schedule_columns
from ..exceptions import SourceDecodeError
from ._parse import (
    decode_json,
    expect_dict,
    expect_list,
    innings_value,
    register_camel_case,
    structure_payload,
    to_bool,
    to_date,
    to_datetime,
    to_float,
    to_int,
    to_str,
)
from ._quality import check_id

__all__ = (
    "Boxscore",
    "BoxscorePlayer",
    "BoxscoreTeam",
    "BoxscoreTeams",
    "CodeDescription",
    "Decisions",
    "DiffPatch",
    "DisplayName",
    "FeedMetaData",
    "FeedTeams",
    "GameData",
    "GameDateTime",
    "GameFeed",
    "GameInfo",
    "GameRef",
    "GameStatus",
    "HitData",
    "Inning",
    "LeagueRecord",
    "Linescore",
    "LinescoreTeam",
    "LinescoreTeams",
    "LineupPlayer",
    "Lineups",
    "LiveData",
    "Matchup",
    "NamedRef",
    "Person",
    "PersonRef",
    "PitchData",
    "PitchDetails",
    "Play",
    "PlayAbout",
    "PlayCount",
    "PlayEvent",
    "PlayResult",
    "PlayerStats",
    "Plays",
    "Position",
    "ProbablePitchers",
    "Roster",
    "RosterEntry",
    "Schedule",
    "ScheduleDate",
    "ScheduleGame",
    "ScheduleTeam",
    "ScheduleTeams",
    "StatGroup",
    "StatLine",
    "StatSplit",
    "Team",
    "TeamRef",
    "apply_json_patch",
    "parse_boxscore",
    "parse_diff_patch",
    "parse_game_feed",
    "parse_linescore",
    "parse_people",
    "parse_play_by_play",
    "parse_player_stats",
    "parse_roster",
    "parse_schedule",
    "parse_teams",
    "parse_timestamps",
)

SOURCE: Final = "statsapi"


def _int() -> Any:
    return attrs.field(default=None, converter=to_int)


def _float() -> Any:
    return attrs.field(default=None, converter=to_float)


def _str(key: str | None = None) -> Any:
    return attrs.field(default=None, converter=to_str, metadata={"key": key} if key else {})


def _bool() -> Any:
    return attrs.field(default=None, converter=to_bool)


def _date(key: str | None = None) -> Any:
    return attrs.field(default=None, converter=to_date, metadata={"key": key} if key else {})


def _dt() -> Any:
    return attrs.field(default=None, converter=to_datetime)


def _k(name: str) -> dict[str, str]:
    return {"key": name}


# ---------------------------------------------------------------------------------- references


@attrs.frozen
class CodeDescription:
    """``{code, description}`` pairs: batSide, pitchHand, roster status."""

    code: str | None = _str()
    description: str | None = _str()


@attrs.frozen
class NamedRef:
    """``{id, name}`` references: league, division, sport."""

    id: int | None = _int()
    name: str | None = _str()
    abbreviation: str | None = _str()


@attrs.frozen
class TeamRef:
    """A team reference; ``abbreviation`` only when the endpoint includes it."""

    id: int
    name: str | None = _str()
    abbreviation: str | None = _str()
    link: str | None = _str()


@attrs.frozen
class PersonRef:
    """A person reference ``{id, fullName, link}``."""

    id: int
    full_name: str | None = _str()
    link: str | None = _str()


@attrs.frozen
class Position:
    code: str | None = _str()
    name: str | None = _str()
    type: str | None = _str()
    abbreviation: str | None = _str()


@attrs.frozen
class GameStatus:
    """``abstract_game_state`` is Preview/Live/Final; ``detailed_state`` e.g. "Postponed"."""

    abstract_game_state: str | None = _str()
    coded_game_state: str | None = _str()
    detailed_state: str | None = _str()
    status_code: str | None = _str()
    start_time_tbd: bool | None = attrs.field(
        default=None, converter=to_bool, metadata=_k("startTimeTBD")
    )
    abstract_game_code: str | None = _str()
    reason: str | None = _str()

    @property
    def is_final(self) -> bool:
        return self.abstract_game_state == "Final"

    @property
    def is_live(self) -> bool:
        return self.abstract_game_state == "Live"


# ------------------------------------------------------------------------------------ schedule


@attrs.frozen
class LeagueRecord:
    wins: int | None = _int()
    losses: int | None = _int()
    pct: float | None = _float()


@attrs.frozen
class ScheduleTeam:
    """One side of a scheduled game; ``probable_pitcher`` needs ``hydrate=probablePitcher``."""

    team: TeamRef | None = None
    score: int | None = _int()
    is_winner: bool | None = _bool()
    league_record: LeagueRecord | None = None
    probable_pitcher: PersonRef | None = None
    split_squad: bool | None = _bool()
    series_number: int | None = _int()


@attrs.frozen
class ScheduleTeams:
    away: ScheduleTeam | None = None
    home: ScheduleTeam | None = None


@attrs.frozen
class LineupPlayer:
    id: int
    full_name: str | None = _str()
    primary_position: Position | None = None


@attrs.frozen
class Lineups:
    """``hydrate=lineups`` (posted lineups, in batting order)."""

    home_players: tuple[LineupPlayer, ...] = ()
    away_players: tuple[LineupPlayer, ...] = ()


@attrs.frozen
class ScheduleGame:
    """One game of a schedule, keyed by ``game_pk`` (doubleheader games are separate games)."""

    game_pk: int
    game_guid: str | None = _str()
    link: str | None = _str()
    game_type: str | None = _str()
    season: str | None = _str()
    game_date: datetime | None = _dt()
    official_date: date | None = _date()
    status: GameStatus = attrs.field(factory=GameStatus)
    teams: ScheduleTeams = attrs.field(factory=ScheduleTeams)
    venue: NamedRef | None = None
    game_number: int | None = _int()
    double_header: str | None = _str()
    day_night: str | None = _str()
    scheduled_innings: int | None = _int()
    description: str | None = _str()
    series_description: str | None = _str()
    series_game_number: int | None = _int()
    games_in_series: int | None = _int()
    is_tie: bool | None = _bool()
    lineups: Lineups | None = None

    @property
    def is_doubleheader(self) -> bool:
        """``doubleHeader`` is ``Y`` (traditional) or ``S`` (split); ``N`` otherwise."""
        return self.double_header in {"Y", "S"}


@attrs.frozen
class ScheduleDate:
    day: date | None = _date("date")
    total_games: int | None = _int()
    games: tuple[ScheduleGame, ...] = ()


@attrs.frozen
class Schedule(FrameExport):
    """``/api/v1/schedule``: dates with their games.  Use :meth:`by_game_pk`, never the date.

    ``to_pandas()`` / ``to_polars()`` / ``to_arrow()``: one row per game (docs/notebooks.md).
    """

    dates: tuple[ScheduleDate, ...]
    total_games: int | None = _int()
    total_items: int | None = _int()

    @property
    def games(self) -> tuple[ScheduleGame, ...]:
        """Every game of every date, in payload order."""
        return tuple(game for day in self.dates for game in day.games)

    def by_game_pk(self) -> dict[int, ScheduleGame]:
        """Games keyed by ``gamePk`` (a rescheduled game listed twice keeps its last entry)."""
        return {game.game_pk: game for game in self.games}

    def _frame_columns(self) -> list[FrameColumn]:
        return schedule_columns(self)


# --------------------------------------------------------------------------------------- stats


@attrs.frozen
class StatLine:
    """A batting or pitching stat line (boxscore ``stats.batting/pitching`` or a stats split).

    Counting stats are ints, rate stats floats (``None`` for ``"-.--"``), ``innings_pitched`` is
    in true innings (``"6.1"`` -> 6.333...) and ``outs`` is filled from it when not sent.
    For pitching lines ``hits``/``home_runs``/``strike_outs``... are the ones allowed/made.
    """

    summary: str | None = _str()
    games_played: int | None = _int()
    games_started: int | None = _int()
    plate_appearances: int | None = _int()
    at_bats: int | None = _int()
    runs: int | None = _int()
    hits: int | None = _int()
    doubles: int | None = _int()
    triples: int | None = _int()
    home_runs: int | None = _int()
    total_bases: int | None = _int()
    rbi: int | None = _int()
    base_on_balls: int | None = _int()
    intentional_walks: int | None = _int()
    strike_outs: int | None = _int()
    hit_by_pitch: int | None = _int()
    stolen_bases: int | None = _int()
    caught_stealing: int | None = _int()
    fly_outs: int | None = _int()
    ground_outs: int | None = _int()
    air_outs: int | None = _int()
    pop_outs: int | None = _int()
    line_outs: int | None = _int()
    ground_into_double_play: int | None = _int()
    left_on_base: int | None = _int()
    sac_bunts: int | None = _int()
    sac_flies: int | None = _int()
    number_of_pitches: int | None = _int()
    avg: float | None = _float()
    obp: float | None = _float()
    slg: float | None = _float()
    ops: float | None = _float()
    babip: float | None = _float()
    innings_pitched: float | None = attrs.field(default=None, converter=innings_value)
    outs: int | None = _int()
    batters_faced: int | None = _int()
    earned_runs: int | None = _int()
    wins: int | None = _int()
    losses: int | None = _int()
    saves: int | None = _int()
    holds: int | None = _int()
    blown_saves: int | None = _int()
    pitches_thrown: int | None = _int()
    balls: int | None = _int()
    strikes: int | None = _int()
    strike_percentage: float | None = _float()
    hit_batsmen: int | None = _int()
    wild_pitches: int | None = _int()
    inherited_runners: int | None = _int()
    inherited_runners_scored: int | None = _int()
    era: float | None = _float()
    whip: float | None = _float()
    note: str | None = _str()

    def __attrs_post_init__(self) -> None:
        if self.outs is None and self.innings_pitched is not None:
            object.__setattr__(self, "outs", round(self.innings_pitched * 3))

    @property
    def pitch_count(self) -> int | None:
        """Pitches thrown, whichever of ``numberOfPitches``/``pitchesThrown`` was sent."""
        return self.number_of_pitches if self.number_of_pitches is not None else self.pitches_thrown

    @property
    def singles(self) -> int | None:
        if None in (self.hits, self.doubles, self.triples, self.home_runs):
            return None
        return self.hits - self.doubles - self.triples - self.home_runs  # type: ignore[operator]

    @property
    def is_empty(self) -> bool:
        """True for the ``{}`` lines of players who did not bat/pitch."""
        return self == StatLine()


@attrs.frozen
class GameRef:
    game_pk: int | None = _int()
    game_number: int | None = _int()
    day_night: str | None = _str()
    link: str | None = _str()


@attrs.frozen
class StatSplit:
    """One split of a stats group; game logs carry ``game_date``, ``game``, ``opponent``."""

    stat: StatLine = attrs.field(factory=StatLine)
    season: str | None = _str()
    team: TeamRef | None = None
    opponent: TeamRef | None = None
    player: PersonRef | None = None
    game_date: date | None = _date("date")
    game_type: str | None = _str()
    is_home: bool | None = _bool()
    is_win: bool | None = _bool()
    game: GameRef | None = None
    num_teams: int | None = _int()

    @property
    def game_pk(self) -> int | None:
        return self.game.game_pk if self.game else None


@attrs.frozen
class DisplayName:
    display_name: str | None = _str()


@attrs.frozen
class StatGroup:
    """``stats[]`` entry: ``type_name`` e.g. season/gameLog, ``group_name`` hitting/pitching."""

    type: DisplayName | None = None
    group: DisplayName | None = None
    splits: tuple[StatSplit, ...] = ()

    @property
    def type_name(self) -> str | None:
        return self.type.display_name if self.type else None

    @property
    def group_name(self) -> str | None:
        return self.group.display_name if self.group else None


def _find_group(
    groups: tuple[StatGroup, ...], type_name: str, group_name: str | None
) -> StatGroup | None:
    for group in groups:
        if group.type_name == type_name and (group_name is None or group.group_name == group_name):
            return group
    return None


@attrs.frozen
class PlayerStats:
    """``stats.batting`` / ``stats.pitching`` of a boxscore player or team."""

    batting: StatLine = attrs.field(factory=StatLine)
    pitching: StatLine = attrs.field(factory=StatLine)


# -------------------------------------------------------------------------------------- people


@attrs.frozen
class Person:
    """``/api/v1/people`` entry (also ``gameData.players`` values)."""

    id: int
    full_name: str | None = _str()
    first_name: str | None = _str()
    last_name: str | None = _str()
    use_name: str | None = _str()
    boxscore_name: str | None = _str()
    last_first_name: str | None = _str()
    name_slug: str | None = _str()
    primary_number: str | None = _str()
    birth_date: date | None = _date()
    current_age: int | None = _int()
    birth_country: str | None = _str()
    height: str | None = _str()
    weight: int | None = _int()
    active: bool | None = _bool()
    current_team: TeamRef | None = None
    primary_position: Position | None = None
    bat_side: CodeDescription | None = None
    pitch_hand: CodeDescription | None = None
    mlb_debut_date: date | None = _date()
    strike_zone_top: float | None = _float()
    strike_zone_bottom: float | None = _float()
    stats: tuple[StatGroup, ...] = ()

    def stat_group(self, type_name: str, group_name: str | None = None) -> StatGroup | None:
        """The hydrated ``stats`` group of that type (``"season"``) and group (``"hitting"``)."""
        return _find_group(self.stats, type_name, group_name)


@attrs.frozen
class RosterEntry:
    person: PersonRef
    jersey_number: str | None = _str()
    position: Position | None = None
    status: CodeDescription | None = None
    parent_team_id: int | None = _int()
    job: str | None = _str()  # coach rosters ("Manager", "Bench Coach"...)


@attrs.frozen
class Roster:
    """``/api/v1/teams/{id}/roster[/type]``; :meth:`active` keeps status code ``A``."""

    roster: tuple[RosterEntry, ...] = ()
    team_id: int | None = _int()
    roster_type: str | None = _str()
    link: str | None = _str()

    def active(self) -> tuple[RosterEntry, ...]:
        return tuple(e for e in self.roster if e.status is not None and e.status.code == "A")


@attrs.frozen
class Team:
    """``/api/v1/teams`` entry and ``gameData.teams`` sides."""

    id: int
    name: str | None = _str()
    abbreviation: str | None = _str()
    team_name: str | None = _str()
    location_name: str | None = _str()
    short_name: str | None = _str()
    team_code: str | None = _str()
    file_code: str | None = _str()
    season: int | None = _int()
    active: bool | None = _bool()
    league: NamedRef | None = None
    division: NamedRef | None = None
    venue: NamedRef | None = None
    sport: NamedRef | None = None


# ------------------------------------------------------------------------------------ boxscore


@attrs.frozen
class BoxscorePlayer:
    """A player of a boxscore team; ``batting_order`` is the raw ``"100"``..``"901"`` string."""

    person: PersonRef
    jersey_number: str | None = _str()
    position: Position | None = None
    status: CodeDescription | None = None
    parent_team_id: int | None = _int()
    batting_order: str | None = _str()
    stats: PlayerStats = attrs.field(factory=PlayerStats)
    season_stats: PlayerStats | None = None

    @property
    def id(self) -> int:
        return self.person.id

    @property
    def batting_order_number(self) -> int | None:
        return to_int(self.batting_order)

    @property
    def lineup_slot(self) -> int | None:
        """1..9 for anyone who batted in that slot (starter or substitute)."""
        number = self.batting_order_number
        return None if number is None else number // 100

    @property
    def is_starter(self) -> bool:
        """Started the game in the lineup (``battingOrder`` a multiple of 100)."""
        number = self.batting_order_number
        return number is not None and number % 100 == 0

    @property
    def is_substitute(self) -> bool:
        """Entered the lineup later (``battingOrder`` not a multiple of 100, e.g. ``"401"``)."""
        number = self.batting_order_number
        return number is not None and number % 100 != 0


@attrs.frozen
class BoxscoreTeam:
    """One side of a boxscore.  ``pitchers`` is in appearance order; ``pitchers[0]`` started."""

    team: TeamRef
    team_stats: PlayerStats | None = None
    players: dict[str, BoxscorePlayer] = attrs.field(factory=dict)
    batters: tuple[int, ...] = ()
    pitchers: tuple[int, ...] = ()
    bench: tuple[int, ...] = ()
    bullpen: tuple[int, ...] = ()
    batting_order: tuple[int, ...] = ()

    def player(self, person_id: int) -> BoxscorePlayer | None:
        return self.players.get(f"ID{person_id}")

    @property
    def starting_lineup(self) -> tuple[BoxscorePlayer, ...]:
        """The starting nine in batting order (from each player's ``battingOrder``).

        Falls back to the team's ``battingOrder`` list (the current lineup) when no player has a
        ``battingOrder`` value.
        """
        starters = sorted(
            (p for p in self.players.values() if p.is_starter),
            key=lambda p: p.batting_order_number or 0,
        )
        if starters:
            return tuple(starters)
        found = (self.player(pid) for pid in self.batting_order)
        return tuple(p for p in found if p is not None)

    @property
    def substitutes(self) -> tuple[BoxscorePlayer, ...]:
        """Players who entered the lineup later, by slot then order of entry."""
        return tuple(
            sorted(
                (p for p in self.players.values() if p.is_substitute),
                key=lambda p: p.batting_order_number or 0,
            )
        )

    @property
    def pitchers_used(self) -> tuple[BoxscorePlayer, ...]:
        """Pitchers in appearance order (ids missing from ``players`` are skipped)."""
        found = (self.player(pid) for pid in self.pitchers)
        return tuple(p for p in found if p is not None)

    @property
    def starting_pitcher(self) -> BoxscorePlayer | None:
        return self.player(self.pitchers[0]) if self.pitchers else None


@attrs.frozen
class BoxscoreTeams:
    away: BoxscoreTeam
    home: BoxscoreTeam


@attrs.frozen
class Boxscore:
    """``/api/v1/game/{gamePk}/boxscore`` or ``feed.liveData.boxscore``."""

    teams: BoxscoreTeams


# ---------------------------------------------------------------------------------- feed / live


@attrs.frozen
class FeedMetaData:
    """``metaData``: ``time_stamp`` (``YYYYMMDD_HHMMSS`` UTC) tells how fresh the feed is."""

    wait: int | None = _int()
    time_stamp: str | None = _str()
    game_events: tuple[str, ...] = ()
    logical_events: tuple[str, ...] = ()

    @property
    def timestamp(self) -> datetime | None:
        return to_datetime(self.time_stamp)


@attrs.frozen
class GameInfo:
    pk: int | None = _int()
    type: str | None = _str()
    double_header: str | None = _str()
    id: str | None = _str()
    game_number: int | None = _int()
    season: str | None = _str()


@attrs.frozen
class GameDateTime:
    date_time: datetime | None = _dt()
    original_date: date | None = _date()
    official_date: date | None = _date()
    day_night: str | None = _str()
    time: str | None = _str()
    ampm: str | None = _str()


@attrs.frozen
class FeedTeams:
    away: Team | None = None
    home: Team | None = None


@attrs.frozen
class ProbablePitchers:
    away: PersonRef | None = None
    home: PersonRef | None = None


@attrs.frozen
class GameData:
    game: GameInfo = attrs.field(factory=GameInfo)
    date_time: GameDateTime = attrs.field(factory=GameDateTime, metadata=_k("datetime"))
    status: GameStatus = attrs.field(factory=GameStatus)
    teams: FeedTeams = attrs.field(factory=FeedTeams)
    players: dict[str, Person] = attrs.field(factory=dict)
    venue: NamedRef | None = None
    probable_pitchers: ProbablePitchers | None = None

    def player(self, person_id: int) -> Person | None:
        """``players["ID<id>"]``, or ``None`` when the feed does not list that person."""
        return self.players.get(f"ID{person_id}")


@attrs.frozen
class PlayResult:
    """``event_type`` uses Savant's ``events`` vocabulary (``field_out``, ``home_run``...)."""

    type: str | None = _str()
    event: str | None = _str()
    event_type: str | None = _str()
    description: str | None = _str()
    rbi: int | None = _int()
    away_score: int | None = _int()
    home_score: int | None = _int()
    is_out: bool | None = _bool()


@attrs.frozen
class PlayAbout:
    at_bat_index: int | None = _int()
    half_inning: str | None = _str()
    is_top_inning: bool | None = _bool()
    inning: int | None = _int()
    start_time: datetime | None = _dt()
    end_time: datetime | None = _dt()
    is_complete: bool | None = _bool()
    is_scoring_play: bool | None = _bool()


@attrs.frozen
class PlayCount:
    balls: int | None = _int()
    strikes: int | None = _int()
    outs: int | None = _int()


@attrs.frozen
class Matchup:
    batter: PersonRef | None = None
    pitcher: PersonRef | None = None
    bat_side: CodeDescription | None = None
    pitch_hand: CodeDescription | None = None


@attrs.frozen
class PitchDetails:
    code: str | None = _str()
    description: str | None = _str()
    pitch_type: CodeDescription | None = attrs.field(default=None, metadata=_k("type"))
    is_in_play: bool | None = _bool()
    is_strike: bool | None = _bool()
    is_ball: bool | None = _bool()


@attrs.frozen
class PitchData:
    start_speed: float | None = _float()
    end_speed: float | None = _float()
    zone: int | None = _int()
    extension: float | None = _float()


@attrs.frozen
class HitData:
    launch_speed: float | None = _float()
    launch_angle: float | None = _float()
    total_distance: float | None = _float()
    trajectory: str | None = _str()


@attrs.frozen
class PlayEvent:
    """A pitch (``is_pitch``) or an action inside a plate appearance."""

    is_pitch: bool | None = _bool()
    pitch_number: int | None = _int()
    type: str | None = _str()
    details: PitchDetails | None = None
    count: PlayCount | None = None
    pitch_data: PitchData | None = None
    hit_data: HitData | None = None


@attrs.frozen
class Play:
    result: PlayResult = attrs.field(factory=PlayResult)
    about: PlayAbout = attrs.field(factory=PlayAbout)
    count: PlayCount | None = None
    matchup: Matchup = attrs.field(factory=Matchup)
    play_events: tuple[PlayEvent, ...] = ()

    @property
    def pitch_count(self) -> int:
        """Pitches thrown in this plate appearance (``playEvents`` with ``isPitch``)."""
        return sum(1 for event in self.play_events if event.is_pitch)


@attrs.frozen
class Plays:
    """``liveData.plays`` or ``/api/v1/game/{gamePk}/playByPlay``."""

    all_plays: tuple[Play, ...] = ()
    current_play: Play | None = None
    scoring_plays: tuple[int, ...] = ()


@attrs.frozen
class LinescoreTeam:
    runs: int | None = _int()
    hits: int | None = _int()
    errors: int | None = _int()
    left_on_base: int | None = _int()


@attrs.frozen
class Inning:
    num: int | None = _int()
    ordinal_num: str | None = _str()
    home: LinescoreTeam | None = None
    away: LinescoreTeam | None = None


@attrs.frozen
class LinescoreTeams:
    home: LinescoreTeam | None = None
    away: LinescoreTeam | None = None


@attrs.frozen
class Linescore:
    current_inning: int | None = _int()
    current_inning_ordinal: str | None = _str()
    inning_state: str | None = _str()
    inning_half: str | None = _str()
    is_top_inning: bool | None = _bool()
    scheduled_innings: int | None = _int()
    innings: tuple[Inning, ...] = ()
    teams: LinescoreTeams | None = None
    balls: int | None = _int()
    strikes: int | None = _int()
    outs: int | None = _int()
    note: str | None = _str()


@attrs.frozen
class Decisions:
    winner: PersonRef | None = None
    loser: PersonRef | None = None
    save: PersonRef | None = None


@attrs.frozen
class LiveData:
    plays: Plays = attrs.field(factory=Plays)
    linescore: Linescore | None = None
    boxscore: Boxscore | None = None
    decisions: Decisions | None = None


@attrs.frozen
class GameFeed:
    """``/api/v1.1/game/{gamePk}/feed/live``."""

    game_pk: int
    game_data: GameData
    live_data: LiveData = attrs.field(factory=LiveData)
    link: str | None = _str()
    meta_data: FeedMetaData | None = None

    @property
    def timestamp(self) -> datetime | None:
        """The feed's own freshness (``metaData.timeStamp``), UTC."""
        return self.meta_data.timestamp if self.meta_data else None

    @property
    def is_final(self) -> bool:
        return self.game_data.status.is_final


@attrs.frozen
class DiffPatch:
    """``/feed/live/diffPatch?startTimecode=``: either JSON-Patch operations or a full feed.

    The endpoint answers with a list of ``{"diff": [ops...]}`` when it can patch, or with the
    whole feed when the change is too large.  No recorded sample exists in the shared data, so
    this parser follows the documented shape and keeps the raw operations.
    """

    operations: tuple[dict[str, Any], ...] = ()
    full_feed: GameFeed | None = None

    @property
    def latest_timestamp(self) -> str | None:
        """The newest ``metaData.timeStamp`` carried by the patch or full feed, if any."""
        if self.full_feed is not None and self.full_feed.meta_data is not None:
            return self.full_feed.meta_data.time_stamp
        stamps = [
            str(op.get("value"))
            for op in self.operations
            if op.get("path") == "/metaData/timeStamp" and op.get("value") is not None
        ]
        return max(stamps) if stamps else None


_MODELS: Final = (
    CodeDescription,
    NamedRef,
    TeamRef,
    PersonRef,
    Position,
    GameStatus,
    LeagueRecord,
    ScheduleTeam,
    ScheduleTeams,
    LineupPlayer,
    Lineups,
    ScheduleGame,
    ScheduleDate,
    Schedule,
    StatLine,
    GameRef,
    StatSplit,
    DisplayName,
    StatGroup,
    PlayerStats,
    Person,
    RosterEntry,
    Roster,
    Team,
    BoxscorePlayer,
    BoxscoreTeam,
    BoxscoreTeams,
    Boxscore,
    FeedMetaData,
    GameInfo,
    GameDateTime,
    FeedTeams,
    ProbablePitchers,
    GameData,
    PlayResult,
    PlayAbout,
    PlayCount,
    Matchup,
    PitchDetails,
    PitchData,
    HitData,
    PlayEvent,
    Play,
    Plays,
    LinescoreTeam,
    Inning,
    LinescoreTeams,
    Linescore,
    Decisions,
    LiveData,
    GameFeed,
    DiffPatch,
)

register_camel_case(*_MODELS)


# ------------------------------------------------------------------------------------- parsers


def _object(data: bytes | str, expected: str, request: str | None) -> dict[str, Any]:
    raw = decode_json(data, source=SOURCE, expected=expected, request=request)
    return expect_dict(raw, source=SOURCE, path="$", expected=expected)


def parse_schedule(data: bytes | str, *, request: str | None = None) -> Schedule:
    """Parse ``/api/v1/schedule``.  Requires ``dates`` (an empty day has ``dates: []``)."""
    raw = _object(data, "schedule JSON object", request)
    expect_list(raw.get("dates"), source=SOURCE, path="$.dates", expected="array of dates")
    return structure_payload(raw, Schedule, source=SOURCE)


def parse_game_feed(data: bytes | str, *, request: str | None = None) -> GameFeed:
    """Parse ``/api/v1.1/game/{gamePk}/feed/live`` (requires ``gamePk`` and ``gameData``)."""
    raw = _object(data, "feed/live JSON object", request)
    expect_dict(raw.get("gameData"), source=SOURCE, path="$.gameData")
    return structure_payload(raw, GameFeed, source=SOURCE)


def validate_feed(feed: GameFeed, game_pk: int, *, request: str | None = None) -> GameFeed:
    """The feed must be the game asked for, with a well-formed id."""
    check_id(feed.game_pk, "gamePk", source=SOURCE, request=request)
    if feed.game_pk != game_pk:
        raise SourceDecodeError(
            f"invalid payload: asked for game {game_pk}, got feed of game {feed.game_pk}",
            source=SOURCE,
            request=request,
        )
    return feed


def parse_boxscore(data: bytes | str, *, request: str | None = None) -> Boxscore:
    """Parse ``/api/v1/game/{gamePk}/boxscore`` (requires ``teams.away`` and ``teams.home``)."""
    raw = _object(data, "boxscore JSON object", request)
    teams = expect_dict(raw.get("teams"), source=SOURCE, path="$.teams")
    for side in ("away", "home"):
        expect_dict(teams.get(side), source=SOURCE, path=f"$.teams.{side}")
    return structure_payload(raw, Boxscore, source=SOURCE)


def parse_play_by_play(data: bytes | str, *, request: str | None = None) -> Plays:
    """Parse ``/api/v1/game/{gamePk}/playByPlay`` (requires ``allPlays``)."""
    raw = _object(data, "playByPlay JSON object", request)
    expect_list(raw.get("allPlays"), source=SOURCE, path="$.allPlays")
    return structure_payload(raw, Plays, source=SOURCE)


def parse_linescore(data: bytes | str, *, request: str | None = None) -> Linescore:
    """Parse ``/api/v1/game/{gamePk}/linescore``."""
    raw = _object(data, "linescore JSON object", request)
    expect_list(raw.get("innings", []), source=SOURCE, path="$.innings")
    return structure_payload(raw, Linescore, source=SOURCE)


def parse_people(data: bytes | str, *, request: str | None = None) -> tuple[Person, ...]:
    """Parse ``/api/v1/people/{id}`` or ``/api/v1/people?personIds=a,b`` (in payload order)."""
    raw = _object(data, "people JSON object", request)
    people = expect_list(raw.get("people"), source=SOURCE, path="$.people")
    return structure_payload(people, tuple[Person, ...], source=SOURCE, path="$.people")


def parse_player_stats(data: bytes | str, *, request: str | None = None) -> tuple[StatGroup, ...]:
    """Parse ``/api/v1/people/{id}/stats?stats=...`` into its stat groups.

    A game log (``stats=gameLog``) gives one split per game with ``game_date``, ``game.game_pk``,
    ``opponent``, ``is_home`` and the stat line.
    """
    raw = _object(data, "stats JSON object", request)
    stats = expect_list(raw.get("stats"), source=SOURCE, path="$.stats")
    return structure_payload(stats, tuple[StatGroup, ...], source=SOURCE, path="$.stats")


def parse_roster(data: bytes | str, *, request: str | None = None) -> Roster:
    """Parse ``/api/v1/teams/{teamId}/roster[/{rosterType}]``."""
    raw = _object(data, "roster JSON object", request)
    expect_list(raw.get("roster"), source=SOURCE, path="$.roster")
    return structure_payload(raw, Roster, source=SOURCE)


def parse_teams(data: bytes | str, *, request: str | None = None) -> tuple[Team, ...]:
    """Parse ``/api/v1/teams?sportId=1&season=Y`` (or ``teamId=``)."""
    raw = _object(data, "teams JSON object", request)
    teams = expect_list(raw.get("teams"), source=SOURCE, path="$.teams")
    return structure_payload(teams, tuple[Team, ...], source=SOURCE, path="$.teams")


def parse_timestamps(data: bytes | str, *, request: str | None = None) -> tuple[str, ...]:
    """Parse ``/api/v1.1/game/{gamePk}/feed/live/timestamps``: a JSON array of timecodes.

    Returns the ``YYYYMMDD_HHMMSS`` strings sorted oldest first (no recorded sample exists in the
    shared data; the shape follows the documented endpoint).
    """
    raw = decode_json(data, source=SOURCE, expected="array of timecodes", request=request)
    items = expect_list(raw, source=SOURCE, path="$", expected="array of timecodes")
    codes = []
    for index, item in enumerate(items):
        if not isinstance(item, str) or to_datetime(item) is None:
            raise SourceDecodeError(
                f"expected a YYYYMMDD_HHMMSS timecode at $[{index}], got {item!r}", source=SOURCE
            )
        codes.append(item)
    return tuple(sorted(codes))


def parse_diff_patch(data: bytes | str, *, request: str | None = None) -> DiffPatch:
    """Parse ``/feed/live/diffPatch``: patch operations, or the full feed when upstream sent one."""
    raw = decode_json(data, source=SOURCE, expected="diffPatch JSON", request=request)
    if isinstance(raw, dict):
        if "gameData" in raw:
            return DiffPatch(full_feed=structure_payload(raw, GameFeed, source=SOURCE))
        raw = [raw]
    items = expect_list(raw, source=SOURCE, path="$", expected="array of patches or a feed")
    operations: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        patch = expect_dict(item, source=SOURCE, path=f"$[{index}]")
        diff = expect_list(patch.get("diff", []), source=SOURCE, path=f"$[{index}].diff")
        for op_index, op in enumerate(diff):
            operations.append(expect_dict(op, source=SOURCE, path=f"$[{index}].diff[{op_index}]"))
    return DiffPatch(operations=tuple(operations))


def _pointer(path: Any) -> list[str]:
    if not isinstance(path, str) or (path and not path.startswith("/")):
        raise SourceDecodeError(f"invalid JSON pointer {path!r} in diffPatch", source=SOURCE)
    return [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]]


def _index(container: list[Any], part: str, *, allow_end: bool) -> int:
    if allow_end and part == "-":
        return len(container)
    if not part.isdecimal() or (len(part) > 1 and part.startswith("0")):
        raise SourceDecodeError(f"invalid array index {part!r} in diffPatch", source=SOURCE)
    index = int(part)
    if index > len(container) or (index == len(container) and not allow_end):
        raise SourceDecodeError(f"array index {index} out of range in diffPatch", source=SOURCE)
    return index


def _walk(document: Any, tokens: list[str], path: str) -> Any:
    node = document
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(node, token, allow_end=False)]
        else:
            raise SourceDecodeError(f"diffPatch path {path!r} not found in the feed", source=SOURCE)
    return node


def _take(document: Any, tokens: list[str], path: str) -> Any:
    parent = _walk(document, tokens[:-1], path)
    last = tokens[-1]
    if isinstance(parent, dict) and last in parent:
        return parent.pop(last)
    if isinstance(parent, list):
        return parent.pop(_index(parent, last, allow_end=False))
    raise SourceDecodeError(f"diffPatch path {path!r} not found in the feed", source=SOURCE)


def _put(document: Any, tokens: list[str], value: Any, path: str, *, insert: bool) -> Any:
    if not tokens:
        return value
    parent = _walk(document, tokens[:-1], path)
    last = tokens[-1]
    if isinstance(parent, dict):
        if not insert and last not in parent:
            raise SourceDecodeError(f"diffPatch path {path!r} not found in the feed", source=SOURCE)
        parent[last] = value
    elif isinstance(parent, list):
        index = _index(parent, last, allow_end=insert)
        if insert:
            parent.insert(index, value)
        else:
            parent[index] = value
    else:
        raise SourceDecodeError(f"diffPatch path {path!r} has no container", source=SOURCE)
    return document


def apply_json_patch(
    document: Any, operations: Iterable[Mapping[str, Any]], *, in_place: bool = False
) -> Any:
    """Apply RFC 6902 operations (``DiffPatch.operations``) to a raw feed dict.

    Returns the patched document (a deep copy unless ``in_place``).  A patch that does not fit
    the document (missing path, failed ``test``) raises :class:`SourceDecodeError`: the caller's
    base feed is stale and a full ``feed/live`` should be fetched instead.
    """
    doc = document if in_place else copy.deepcopy(document)
    for op in operations:
        kind, path = op.get("op"), op.get("path", "")
        tokens = _pointer(path)
        if kind in {"add", "replace"}:
            if "value" not in op:
                raise SourceDecodeError(
                    f"diffPatch {kind} without value at {path!r}", source=SOURCE
                )
            doc = _put(doc, tokens, copy.deepcopy(op["value"]), path, insert=kind == "add")
        elif kind == "remove":
            if not tokens:
                raise SourceDecodeError("diffPatch cannot remove the whole feed", source=SOURCE)
            _take(doc, tokens, path)
        elif kind in {"move", "copy"}:
            source_path = op.get("from", "")
            source_tokens = _pointer(source_path)
            if kind == "move":
                value = _take(doc, source_tokens, source_path)
            else:
                value = copy.deepcopy(_walk(doc, source_tokens, source_path))
            doc = _put(doc, tokens, value, path, insert=True)
        elif kind == "test":
            if _walk(doc, tokens, path) != op.get("value"):
                raise SourceDecodeError(f"diffPatch test failed at {path!r}", source=SOURCE)
        else:
            raise SourceDecodeError(f"unknown diffPatch op {kind!r}", source=SOURCE)
    return doc
