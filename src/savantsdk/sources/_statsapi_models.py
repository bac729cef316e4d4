# ruff: noqa: RUF009  (attrs fields built by small factories: converters + defaults)
"""Typed models and pure payload parsers for the MLB Stats API (``statsapi.mlb.com``).

Every ``parse_*`` function takes the raw response bytes and returns a frozen attrs model built
by the package's one cattrs converter, without any network call::

    schedule = parse_schedule(body)            # /api/v1/schedule
    box = parse_boxscore(body)                 # /api/v1/game/{gamePk}/boxscore
    people = parse_people(body)                # /api/v1/people?personIds=a,b
    stats = parse_player_stats(body)           # /api/v1/people/{id}/stats?stats=gameLog
    roster = parse_roster(body)                # /api/v1/teams/{id}/roster
    teams = parse_teams(body)                  # /api/v1/teams?sportId=1

The game feed (``feed/live``, play-by-play, linescore, diffPatch) lives in
:mod:`savantsdk.sources._statsapi_feed`, on these models.

Models keep the upstream's nesting with snake_case names (``gamePk`` -> ``game_pk``).  Unknown
keys are ignored, missing optional keys default to ``None``/empty, rate stats given as strings
become floats (``".263"`` -> 0.263, ``"-.--"`` -> ``None``) and innings in baseball notation
become true innings (``"6.1"`` -> 6.333...) next to the ``outs`` count (19).  Invalid JSON, HTML
and payloads missing their required structure raise :class:`~savantsdk.SourceDecodeError`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final

import attrs

from .._frames import FrameColumn, FrameExport, schedule_columns
from .._serde import converter
from ._parse import (
    bool_field as _bool,
    date_field as _date,
    datetime_field as _dt,
    decode_json,
    expect_dict,
    expect_list,
    float_field as _float,
    innings_value,
    int_field as _int,
    register_camel_case,
    str_field as _str,
    structure_payload,
    to_bool,
    to_int,
)
from ._statsapi_tables import (
    BoxscoreLines,
    boxscore_columns,
    boxscore_text,
    person_columns,
    roster_columns,
    stat_group_columns,
)

# The public names are listed once: ``__all__`` of ``savantsdk.sources.statsapi``.

SOURCE: Final = "statsapi"


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
    """A team reference; ``abbreviation`` and ``team_name`` (``"Astros"``) only when the
    endpoint includes them."""

    id: int
    name: str | None = _str()
    abbreviation: str | None = _str()
    link: str | None = _str()
    team_name: str | None = _str()


@attrs.frozen
class PersonRef:
    """A person reference ``{id, fullName, link}`` (boxscores add ``boxscoreName``)."""

    id: int
    full_name: str | None = _str()
    link: str | None = _str()
    boxscore_name: str | None = _str()


@attrs.frozen
class Position:
    """A fielding position: code (``"1"``..``"10"``), name, type, abbreviation (``"SS"``)."""

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
    """A team's win-loss record (``pct`` as a float)."""

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
    """The away and home :class:`ScheduleTeam` of a scheduled game."""

    away: ScheduleTeam | None = None
    home: ScheduleTeam | None = None


@attrs.frozen
class LineupPlayer:
    """A player in a posted lineup (schedule ``hydrate=lineups``), in batting order."""

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
    """One date of a schedule with its games."""

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
    """A reference to a game from a stat split: ``game_pk``, game number, day or night."""

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
    """A display name object (a stat group's ``type`` or ``group``, e.g. ``gameLog``)."""

    display_name: str | None = _str()


@attrs.frozen
class StatGroup(FrameExport):
    """``stats[]`` entry: ``type_name`` e.g. season/gameLog, ``group_name`` hitting/pitching.

    ``to_pandas()``: one row per split (per game for a game log): ``stat_type``, ``group``,
    ``season``, ``game_date``, ``game_pk``, ``game_type``, player, team, opponent, ``is_home``,
    ``is_win``, ``num_teams``, ``summary``, then :class:`StatLine`'s fields.
    """

    type: DisplayName | None = None
    group: DisplayName | None = None
    splits: tuple[StatSplit, ...] = ()

    @property
    def type_name(self) -> str | None:
        return self.type.display_name if self.type else None

    @property
    def group_name(self) -> str | None:
        return self.group.display_name if self.group else None

    def _frame_columns(self) -> list[FrameColumn]:
        return stat_group_columns(self)


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
class Person(FrameExport):
    """``/api/v1/people`` entry (also ``gameData.players`` values); ``to_pandas()`` is one
    row."""

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

    def _frame_columns(self) -> list[FrameColumn]:
        return person_columns([self])


class People(FrameExport, tuple[Person, ...]):
    """People in order (``search_people``): a ``tuple`` that also exports a frame with one row
    per person (the columns of ``Person.to_pandas()``; a ``people()`` batch exports the same
    frame with ``batch.to_pandas()``)."""

    __slots__ = ()

    def _frame_columns(self) -> list[FrameColumn]:
        return person_columns(self)


@attrs.frozen
class RosterEntry:
    """A player on a team roster: person, jersey number, position, status."""

    person: PersonRef
    jersey_number: str | None = _str()
    position: Position | None = None
    status: CodeDescription | None = None
    parent_team_id: int | None = _int()
    job: str | None = _str()  # coach rosters ("Manager", "Bench Coach"...)


@attrs.frozen
class Roster(FrameExport):
    """``/api/v1/teams/{id}/roster[/type]``; :meth:`active` keeps status code ``A``.

    ``to_pandas()``: one row per entry: ``player_id``, ``player``, ``jersey_number``,
    ``position``, ``position_type``, ``status_code``, ``status``, ``parent_team_id``, ``job``.
    """

    roster: tuple[RosterEntry, ...] = ()
    team_id: int | None = _int()
    roster_type: str | None = _str()
    link: str | None = _str()

    def active(self) -> tuple[RosterEntry, ...]:
        return tuple(e for e in self.roster if e.status is not None and e.status.code == "A")

    def _frame_columns(self) -> list[FrameColumn]:
        return roster_columns(self)


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
    """The away and home :class:`BoxscoreTeam` of a boxscore."""

    away: BoxscoreTeam
    home: BoxscoreTeam


@attrs.frozen
class Boxscore(FrameExport):
    """``/api/v1/game/{gamePk}/boxscore`` or ``feed.liveData.boxscore``.

    ``print(box)`` shows MLB-StatsAPI's text box (batting and pitching, away left).
    ``to_pandas()``: one row per player line, batters then pitchers, away team first (``side``,
    ``team_id``, ``team``, ``group``, ``player_id``, ``player``, ``position``,
    ``batting_order``, ``lineup_slot``, ``is_starter``, ``summary``, then :class:`StatLine`'s
    fields); ``box.batting`` / ``box.pitching`` are the same for one group.
    """

    teams: BoxscoreTeams

    @property
    def batting(self) -> BoxscoreLines:
        """Every batting line (a frame: ``box.batting.to_pandas()``)."""
        return BoxscoreLines(self, "batting")

    @property
    def pitching(self) -> BoxscoreLines:
        """Every pitching line, in appearance order per team."""
        return BoxscoreLines(self, "pitching")

    def _frame_columns(self) -> list[FrameColumn]:
        return boxscore_columns(self)

    def __str__(self) -> str:
        return boxscore_text(self)


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
)

register_camel_case(*_MODELS)
converter.register_structure_hook(
    People, lambda value, _: People(converter.structure(value, tuple[Person, ...]))
)
converter.register_unstructure_hook(
    People, lambda value: converter.unstructure(tuple(value), tuple[Person, ...])
)


# ------------------------------------------------------------------------------------- parsers


def _object(data: bytes | str, expected: str, request: str | None) -> dict[str, Any]:
    raw = decode_json(data, source=SOURCE, expected=expected, request=request)
    return expect_dict(raw, source=SOURCE, path="$", expected=expected)


def parse_schedule(data: bytes | str, *, request: str | None = None) -> Schedule:
    """Parse ``/api/v1/schedule``.  Requires ``dates`` (an empty day has ``dates: []``)."""
    raw = _object(data, "schedule JSON object", request)
    expect_list(raw.get("dates"), source=SOURCE, path="$.dates", expected="array of dates")
    return structure_payload(raw, Schedule, source=SOURCE)


def parse_boxscore(data: bytes | str, *, request: str | None = None) -> Boxscore:
    """Parse ``/api/v1/game/{gamePk}/boxscore`` (requires ``teams.away`` and ``teams.home``)."""
    raw = _object(data, "boxscore JSON object", request)
    teams = expect_dict(raw.get("teams"), source=SOURCE, path="$.teams")
    for side in ("away", "home"):
        expect_dict(teams.get(side), source=SOURCE, path=f"$.teams.{side}")
    return structure_payload(raw, Boxscore, source=SOURCE)


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
