# ruff: noqa: RUF009  (attrs fields built by small factories: converters + defaults)
"""MLB Stats API season stats, standings and league leaders: typed models, payload parsers and
the vocabularies (stat types, stat groups, leader categories) the client validates against.

::

    stats = parse_season_stats(body)      # /api/v1/stats?stats=season&group=hitting&playerPool=all
    teams = parse_season_stats(body)      # /api/v1/teams/stats?stats=season&group=pitching
    table = parse_standings(body)         # /api/v1/standings?leagueId=103,104&season=2024
    leaders = parse_leaders(body)         # /api/v1/stats/leaders?leaderCategories=homeRuns

Every result exports a frame (``to_pandas()`` / ``to_polars()`` / ``to_arrow()``).  The same
coercion rules as :mod:`savantsdk.sources._statsapi_models` apply: rates sent as text become
floats, ``"-"`` placeholders ``None``; stat keys this SDK has no typed field for (the
sabermetrics' ``woba``, ``wRcPlus``, ``fip``, ``war``...) are kept in ``SeasonStatRow.extra`` as
floats.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

import attrs

from .._frames import FrameColumn, FrameExport, Kind, record_columns
from ..exceptions import ConfigurationError
from ._parse import (
    bool_field as _bool,
    camel,
    datetime_field as _dt,
    expect_dict,
    expect_list,
    float_field as _float,
    int_field as _int,
    register_camel_case,
    str_field as _str,
    structure_payload,
    to_float,
    to_int,
)
from ._statsapi_models import SOURCE, NamedRef, PersonRef, Position, StatLine, TeamRef, _object
from ._statsapi_tables import stat_line_schema

__all__ = (
    "DivisionStandings",
    "GameTypeRef",
    "LEADER_CATEGORIES",
    "LeaderCategory",
    "LeaderEntry",
    "Leaders",
    "PLAYER_POOLS",
    "STANDINGS_TYPES",
    "STAT_GROUPS",
    "STAT_TYPES",
    "SeasonStatRow",
    "SeasonStats",
    "SplitRecord",
    "Standings",
    "StandingsTeam",
    "Streak",
    "TeamSplitRecords",
    "check_choice",
    "check_choices",
    "parse_leaders",
    "parse_season_stats",
    "parse_standings",
)

#: Stat types of ``/api/v1/stats?stats=`` and ``/people/{id}/stats?stats=`` (the ``statType``
#: enum of the Stats API's own API docs, in the camelCase the endpoints take).
STAT_TYPES: Final = frozenset(
    {
        "advanced", "atGameStart", "availableStats", "byDateRange", "byDateRangeAdvanced",
        "byDayOfWeek", "byDayOfWeekPlayoffs", "byMonth", "byMonthPlayoffs", "career",
        "careerAdvanced", "careerPlayoffs", "careerRegularSeason", "careerStatSplits",
        "expectedStatistics", "firstYearStats", "gameLog", "gameTypeStats", "homeAndAway",
        "homeAndAwayPlayoffs", "hotColdZones", "lastXGames", "lastYearStats", "metricAverages",
        "metricLog", "onPaceRegularSeason", "opponentsFaced", "outsAboveAverage", "pitchArsenal",
        "pitchLog", "playLog", "playoffGameLog", "projected", "projectedRos", "rankings",
        "rankingsByYear", "sabermetrics", "season", "seasonAdvanced", "sprayChart", "standard",
        "statRankingsPlayoffs", "statRankingsRegularSeason", "statSplits", "statSplitsAdvanced",
        "statsSingleSeason", "statsSingleSeasonAdvanced", "statsSingleSeasonPlayoffs",
        "teamHitting", "teamPitching", "trackingStatistics", "vsConference",
        "vsConferencePlayoffs", "vsDivision", "vsDivisionPlayoffs", "vsOpponents", "vsPlayer",
        "vsPlayer5Y", "vsPlayerTotal", "vsTeam", "vsTeam5Y", "vsTeamPlayoffs", "vsTeamTotal",
        "winLoss", "winLossPlayoffs", "yearByYear", "yearByYearAdvanced", "yearByYearPlayoffs",
    }
)  # fmt: skip

#: Baseball stat groups (``/api/v1/statGroups``, without the hockey ones).
STAT_GROUPS: Final = frozenset(
    {"hitting", "pitching", "fielding", "catching", "running", "game", "team", "streak"}
)

#: ``playerPool`` values of ``/api/v1/stats`` and ``/stats/leaders``.
PLAYER_POOLS: Final = frozenset(
    {"all", "qualified", "rookies", "qualifiedRookies", "organization", "organizationNoMlb",
     "current", "allCurrent", "qualifiedCurrent"}
)  # fmt: skip

#: ``standingsTypes`` values of ``/api/v1/standings``.
STANDINGS_TYPES: Final = frozenset(
    {"regularSeason", "wildCard", "divisionLeaders", "wildCardWithLeaders", "firstHalf",
     "secondHalf", "springTraining", "postseason", "byDivision", "byConference", "byLeague",
     "byOrganization"}
)  # fmt: skip

#: ``leaderCategories`` of ``/api/v1/stats/leaders``: the names ``/api/v1/leagueLeaderTypes``
#: lists.  Only ``homeRuns`` is in a recording of the project's data (``stats_leaders.json``);
#: the swagger in the shared data declares the parameter without its values.  An unknown name
#: raises (a typo would otherwise cost a request and an empty table); a category MLB adds later
#: needs adding here.
LEADER_CATEGORIES: Final = frozenset(
    {
        "airOuts", "assists", "atBats", "balk", "battingAverage", "blownSaves",
        "catcherEarnedRunAverage", "catchersInterference", "caughtStealing", "chances",
        "completeGames", "doublePlays", "doubles", "earnedRun", "earnedRunAverage", "errors",
        "extraBaseHits", "fieldingPercentage", "flyouts", "gamesFinished", "gamesPlayed",
        "gamesStarted", "groundIntoDoublePlays", "groundOuts", "groundoutToFlyoutRatio",
        "hitBatsman", "hitByPitches", "hits", "hitsPer9Inn", "holds", "homeRuns", "innings",
        "inningsPitched", "intentionalWalks", "losses", "numberOfPitches", "onBasePercentage",
        "onBasePlusSlugging", "outfieldAssists", "passedBalls", "pickoffs", "pitchesPerInning",
        "putOuts", "rangeFactorPer9Inn", "rangeFactorPerGame", "runs", "runsBattedIn",
        "sacrificeBunts", "sacrificeFlies", "saveOpportunities", "saves", "shutouts",
        "sluggingPercentage", "stolenBasePercentage", "stolenBases", "strikeoutWalkRatio",
        "strikeouts", "strikeoutsPer9Inn", "throwingErrors", "totalBases", "totalBattersFaced",
        "totalPlateAppearances", "triplePlays", "triples", "walks", "walksAndHitsPerInningPitched",
        "walksPer9Inn", "wildPitch", "winPercentage", "wins",
    }
)  # fmt: skip


def check_choice(value: object, valid: Iterable[str], *, setting: str, what: str) -> str:
    """``value`` in its canonical spelling (matched case-insensitively), else a
    :class:`~savantsdk.exceptions.ConfigurationError` naming the closest and all valid values."""
    choices = sorted(valid)
    if isinstance(value, str):
        by_lower = {c.lower(): c for c in choices}
        found = by_lower.get(value.strip().lower())
        if found is not None:
            return found
        close = difflib.get_close_matches(value.strip(), choices, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
    else:
        hint = ""
    raise ConfigurationError(
        f"unknown {what} {value!r}{hint}; valid: {', '.join(choices)}", setting=setting
    )


def check_choices(value: object, valid: Iterable[str], *, setting: str, what: str) -> str:
    """A comma-separated list of choices (``"season,lastXGames"``), each checked by
    :func:`check_choice`, in canonical spelling."""
    if not isinstance(value, str) or not value.strip():
        return check_choice(value, valid, setting=setting, what=what)
    parts = [p.strip() for p in value.split(",")]
    return ",".join(check_choice(p, valid, setting=setting, what=what) for p in parts)


# ----------------------------------------------------------------------------------- season stats


def _snake(name: str) -> str:
    """``wRcPlus`` -> ``w_rc_plus``, ``xfip`` -> ``xfip`` (frame column names)."""
    out: list[str] = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or name[i + 1 : i + 2].islower()):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


_STAT_KEYS: Final = frozenset(
    f.metadata.get("key") or camel(f.name) for f in attrs.fields(StatLine)
)


@attrs.frozen
class SeasonStatRow:
    """One player's (or team's) line of a season stats request.

    ``stat`` is the typed line (counting stats ints, rates floats, ``innings_pitched`` in true
    innings); ``extra`` holds every other numeric key of the upstream's ``stat`` object by its
    snake_case name (``w_rc_plus``, ``fip``, ``war`` for ``stats="sabermetrics"``;
    ``ground_outs_to_airouts``, ``at_bats_per_home_run``...).  ``rank`` is the upstream's order.
    """

    season: str | None = None
    group: str | None = None
    stat_type: str | None = None
    player: PersonRef | None = None
    team: TeamRef | None = None
    league: NamedRef | None = None
    position: Position | None = None
    game_type: str | None = None
    num_teams: int | None = None
    rank: int | None = None
    stat: StatLine = attrs.field(factory=StatLine)
    extra: dict[str, float | None] = attrs.field(factory=dict)

    @property
    def player_id(self) -> int | None:
        return self.player.id if self.player else None

    @property
    def team_id(self) -> int | None:
        return self.team.id if self.team else None


#: The player, team and league columns of a season-stats row and of a leader row.
_WHO_COLUMNS: Final[dict[str, Kind]] = {
    "player_id": "int",
    "player": "str",
    "team_id": "int",
    "team": "category",
    "league_id": "int",
    "league": "category",
}
_ROW_SCHEMA: Final[dict[str, Kind]] = {
    "season": "int",
    "group": "category",
    "stat_type": "category",
    **_WHO_COLUMNS,
    "position": "category",
    "game_type": "category",
    "num_teams": "int",
    "rank": "int",
}
_STAT_COLUMNS: Final[tuple[tuple[str, Kind], ...]] = tuple(stat_line_schema(StatLine).items())


def stat_row_records(rows: Iterable[SeasonStatRow]) -> tuple[list[dict[str, Any]], list[str]]:
    """Records (identity columns, then the typed stat line, then ``extra`` keys) and the
    ``extra`` keys in first-seen order."""
    records: list[dict[str, Any]] = []
    extra_keys: dict[str, None] = {}
    for r in rows:
        rec: dict[str, Any] = {
            "season": to_int(r.season),
            "group": r.group,
            "stat_type": r.stat_type,
            "player_id": r.player_id,
            "player": r.player.full_name if r.player else None,
            "team_id": r.team_id,
            "team": r.team.name if r.team else None,
            "league_id": r.league.id if r.league else None,
            "league": r.league.name if r.league else None,
            "position": r.position.abbreviation if r.position else None,
            "game_type": r.game_type,
            "num_teams": r.num_teams,
            "rank": r.rank,
        }
        for name, _ in _STAT_COLUMNS:
            rec[name] = getattr(r.stat, name)
        rec.update(r.extra)
        extra_keys.update(dict.fromkeys(r.extra))
        records.append(rec)
    return records, list(extra_keys)


@attrs.frozen
class SeasonStats(FrameExport):
    """``/api/v1/stats`` (players) or ``/api/v1/teams/stats`` (teams): every page's rows.

    ``to_pandas()``: one row per player (or team) with ``season``, ``group``, ``stat_type``,
    ``player_id``, ``player``, ``team_id``, ``team``, ``league_id``, ``league``, ``position``,
    ``game_type``, ``num_teams``, ``rank``, then :class:`StatLine`'s fields, then ``extra``.
    A player traded mid-season has one row per team (``num_teams``) as the upstream sends.
    """

    rows: tuple[SeasonStatRow, ...] = ()
    total: int | None = None

    def _frame_columns(self) -> list[FrameColumn]:
        records, extra = stat_row_records(self.rows)
        schema: dict[str, Kind] = dict(_ROW_SCHEMA)
        schema.update(_STAT_COLUMNS)
        for key in extra:
            schema.setdefault(key, "float")
        return record_columns(records, schema)

    def by_player(self) -> dict[int, tuple[SeasonStatRow, ...]]:
        """Rows by MLBAM player id (several for a player with several teams)."""
        out: dict[int, list[SeasonStatRow]] = {}
        for row in self.rows:
            if row.player_id is not None:
                out.setdefault(row.player_id, []).append(row)
        return {k: tuple(v) for k, v in out.items()}


def _numeric(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (
        isinstance(value, str) and to_float(value) is not None
    )


def _row(split: Mapping[str, Any], group: str | None, stat_type: str | None) -> SeasonStatRow:
    stat = split.get("stat")
    raw_stat: dict[str, Any] = stat if isinstance(stat, dict) else {}
    extra = {
        _snake(k): to_float(v) for k, v in raw_stat.items() if k not in _STAT_KEYS and _numeric(v)
    }
    position = split.get("position")
    data = {
        "season": split.get("season"),
        "group": group,
        "stat_type": stat_type,
        "player": split.get("player"),
        "team": split.get("team"),
        "league": split.get("league"),
        "position": position if isinstance(position, dict) else None,
        "game_type": split.get("gameType"),
        "num_teams": split.get("numTeams"),
        "rank": split.get("rank"),
        "stat": raw_stat,
        "extra": extra,
    }
    return structure_payload(data, SeasonStatRow, source=SOURCE, path="$.stats[].splits[]")


def parse_season_stats(data: bytes | str, *, request: str | None = None) -> SeasonStats:
    """Parse ``/api/v1/stats?stats=...`` or ``/api/v1/teams/stats?stats=...`` (one page).

    ``total`` is the upstream's ``totalSplits`` (all pages), when it sends one.
    """
    raw = _object(data, "stats JSON object", request)
    groups = expect_list(raw.get("stats"), source=SOURCE, path="$.stats")
    rows: list[SeasonStatRow] = []
    total: int | None = None
    for i, group in enumerate(groups):
        g = expect_dict(group, source=SOURCE, path=f"$.stats[{i}]")
        group_name = (g.get("group") or {}).get("displayName")
        type_name = (g.get("type") or {}).get("displayName")
        splits = expect_list(g.get("splits", []), source=SOURCE, path=f"$.stats[{i}].splits")
        for j, split in enumerate(splits):
            s = expect_dict(split, source=SOURCE, path=f"$.stats[{i}].splits[{j}]")
            rows.append(_row(s, group_name, type_name))
        if isinstance(g.get("totalSplits"), int):
            total = (total or 0) + g["totalSplits"]
    return SeasonStats(rows=tuple(rows), total=total)


# ---------------------------------------------------------------------------------------- leaders


@attrs.frozen
class GameTypeRef:
    """``{id: "R", description: "Regular Season"}``."""

    id: str | None = _str()
    description: str | None = _str()


@attrs.frozen
class LeaderEntry:
    """One leader: ``rank`` (ties share one), ``value`` as a float (``value_text`` as sent:
    ``"58"``, ``".332"``, ``"2.41"``), the person, team and league."""

    rank: int | None = _int()
    value_text: str | None = _str("value")
    person: PersonRef | None = None
    team: TeamRef | None = None
    league: NamedRef | None = None
    season: str | None = _str()
    num_teams: int | None = _int()

    @property
    def value(self) -> float | None:
        return to_float(self.value_text)


@attrs.frozen
class LeaderCategory:
    """One ``leagueLeaders[]`` entry: a category (``homeRuns``) in one stat group."""

    leader_category: str | None = _str()
    stat_group: str | None = _str()
    season: str | None = _str()
    game_type: GameTypeRef | None = None
    total_splits: int | None = _int()
    leaders: tuple[LeaderEntry, ...] = ()


_LEADER_SCHEMA: Final[dict[str, Kind]] = {
    "category": "category",
    "stat_group": "category",
    "season": "int",
    "game_type": "category",
    "rank": "int",
    "value": "float",
    "value_text": "str",
    **_WHO_COLUMNS,
    "num_teams": "int",
}


@attrs.frozen
class Leaders(FrameExport):
    """``/api/v1/stats/leaders``: one :class:`LeaderCategory` per category and stat group.

    ``to_pandas()``: one row per leader with ``category``, ``stat_group``, ``season``,
    ``game_type``, ``rank``, ``value``, ``value_text``, ``player_id``, ``player``, ``team_id``,
    ``team``, ``league_id``, ``league``, ``num_teams``.
    """

    categories: tuple[LeaderCategory, ...] = ()

    def category(self, name: str, stat_group: str | None = None) -> LeaderCategory | None:
        """The first category called ``name`` (in ``stat_group``, if given)."""
        for cat in self.categories:
            if cat.leader_category == name and stat_group in (None, cat.stat_group):
                return cat
        return None

    def _frame_columns(self) -> list[FrameColumn]:
        records = [
            {
                "category": cat.leader_category,
                "stat_group": cat.stat_group,
                "season": to_int(leader.season or cat.season),
                "game_type": cat.game_type.id if cat.game_type else None,
                "rank": leader.rank,
                "value": leader.value,
                "value_text": leader.value_text,
                "player_id": leader.person.id if leader.person else None,
                "player": leader.person.full_name if leader.person else None,
                "team_id": leader.team.id if leader.team else None,
                "team": leader.team.name if leader.team else None,
                "league_id": leader.league.id if leader.league else None,
                "league": leader.league.name if leader.league else None,
                "num_teams": leader.num_teams,
            }
            for cat in self.categories
            for leader in cat.leaders
        ]
        return record_columns(records, _LEADER_SCHEMA)


def parse_leaders(data: bytes | str, *, request: str | None = None) -> Leaders:
    """Parse ``/api/v1/stats/leaders`` (requires ``leagueLeaders``)."""
    raw = _object(data, "leaders JSON object", request)
    cats = expect_list(raw.get("leagueLeaders"), source=SOURCE, path="$.leagueLeaders")
    parsed = structure_payload(
        cats, tuple[LeaderCategory, ...], source=SOURCE, path="$.leagueLeaders"
    )
    return Leaders(categories=parsed)


# -------------------------------------------------------------------------------------- standings


@attrs.frozen
class Streak:
    """A team's current streak: ``streak_code`` ``"W3"``, type ``wins``/``losses``, length."""

    streak_code: str | None = _str()
    streak_type: str | None = _str()
    streak_number: int | None = _int()


@attrs.frozen
class SplitRecord:
    """A record in one split (``type`` home, away, lastTen, oneRun, xWinLoss...)."""

    type: str | None = _str()
    wins: int | None = _int()
    losses: int | None = _int()
    pct: float | None = _float()


@attrs.frozen
class TeamSplitRecords:
    """A standings team's ``records``: splits (home/away/lastTen...) and expected records."""

    split_records: tuple[SplitRecord, ...] = ()
    overall_records: tuple[SplitRecord, ...] = ()
    expected_records: tuple[SplitRecord, ...] = ()


@attrs.frozen
class StandingsTeam:
    """One team's line in a standings table.  Games-back fields stay text (``"-"`` for the
    leader, ``"4.0"``, ``"+2.5"`` in wild-card tables); ranks are ints."""

    team: TeamRef
    season: str | None = _str()
    wins: int | None = _int()
    losses: int | None = _int()
    winning_percentage: float | None = _float()
    games_played: int | None = _int()
    games_back: str | None = _str()
    wild_card_games_back: str | None = _str()
    league_games_back: str | None = _str()
    division_rank: int | None = _int()
    league_rank: int | None = _int()
    sport_rank: int | None = _int()
    wild_card_rank: int | None = _int()
    runs_scored: int | None = _int()
    runs_allowed: int | None = _int()
    run_differential: int | None = _int()
    streak: Streak | None = None
    clinch_indicator: str | None = _str()
    clinched: bool | None = _bool()
    division_champ: bool | None = _bool()
    division_leader: bool | None = _bool()
    has_wildcard: bool | None = _bool()
    elimination_number: str | None = _str()
    magic_number: str | None = _str()
    records: TeamSplitRecords = attrs.field(factory=TeamSplitRecords)
    last_updated: datetime | None = _dt()

    def split(self, kind: str) -> SplitRecord | None:
        """The split record of that ``type`` (``"home"``, ``"lastTen"``, ``"xWinLoss"``...)."""
        for rec in (*self.records.split_records, *self.records.expected_records):
            if rec.type == kind:
                return rec
        return None


@attrs.frozen
class DivisionStandings:
    """One table of a standings response (a division for ``regularSeason``)."""

    standings_type: str | None = _str()
    league: NamedRef | None = None
    division: NamedRef | None = None
    sport: NamedRef | None = None
    last_updated: datetime | None = _dt()
    team_records: tuple[StandingsTeam, ...] = ()

    @property
    def division_name(self) -> str | None:
        """The division's name (sent only with ``hydrate=division``; else the MLB name of its
        id, e.g. 201 -> ``"American League East"``)."""
        if self.division is None:
            return None
        return self.division.name or MLB_DIVISIONS.get(self.division.id or 0)


#: MLB division ids and names (the standings payload sends only the id unless hydrated).
MLB_DIVISIONS: Final = {
    200: "American League West",
    201: "American League East",
    202: "American League Central",
    203: "National League West",
    204: "National League East",
    205: "National League Central",
}

_STANDINGS_SCHEMA: Final[dict[str, Kind]] = {
    "standings_type": "category",
    "league_id": "int",
    "division_id": "int",
    "division": "category",
    "team_id": "int",
    "team": "category",
    "season": "int",
    "wins": "int",
    "losses": "int",
    "winning_percentage": "float",
    "games_played": "int",
    "games_back": "str",
    "wild_card_games_back": "str",
    "division_rank": "int",
    "league_rank": "int",
    "sport_rank": "int",
    "wild_card_rank": "int",
    "runs_scored": "int",
    "runs_allowed": "int",
    "run_differential": "int",
    "streak": "str",
    "clinch_indicator": "category",
    "home": "str",
    "away": "str",
    "last_ten": "str",
    "expected_wins": "int",
    "expected_losses": "int",
}


_TEAM_SCALARS: Final = (
    "wins",
    "losses",
    "winning_percentage",
    "games_played",
    "games_back",
    "wild_card_games_back",
    "division_rank",
    "league_rank",
    "sport_rank",
    "wild_card_rank",
    "runs_scored",
    "runs_allowed",
    "run_differential",
    "clinch_indicator",
)


def _wl(rec: SplitRecord | None) -> str | None:
    if rec is None or rec.wins is None or rec.losses is None:
        return None
    return f"{rec.wins}-{rec.losses}"


@attrs.frozen
class Standings(FrameExport):
    """``/api/v1/standings``: one :class:`DivisionStandings` per table.

    ``to_pandas()``: one row per team per table with ``standings_type``, ``league_id``,
    ``division_id``, ``division``, ``team_id``, ``team``, ``season``, ``wins``, ``losses``,
    ``winning_percentage``, ``games_played``, ``games_back``, ``wild_card_games_back``, the
    ranks, runs, ``streak`` (``"W1"``), ``clinch_indicator``, ``home``/``away``/``last_ten``
    (``"44-37"``) and ``expected_wins``/``expected_losses`` (``xWinLoss``).
    """

    records: tuple[DivisionStandings, ...] = ()

    def team(self, team_id: int) -> StandingsTeam | None:
        """That team's line in the first table listing it."""
        for table in self.records:
            for rec in table.team_records:
                if rec.team.id == team_id:
                    return rec
        return None

    def _frame_columns(self) -> list[FrameColumn]:
        records: list[dict[str, Any]] = []
        for table in self.records:
            for t in table.team_records:
                expected = t.split("xWinLoss")
                rec: dict[str, Any] = {k: getattr(t, k) for k in _TEAM_SCALARS}
                rec.update(
                    {
                        "standings_type": table.standings_type,
                        "league_id": table.league.id if table.league else None,
                        "division_id": table.division.id if table.division else None,
                        "division": table.division_name,
                        "team_id": t.team.id,
                        "team": t.team.name,
                        "season": to_int(t.season),
                        "streak": t.streak.streak_code if t.streak else None,
                        "home": _wl(t.split("home")),
                        "away": _wl(t.split("away")),
                        "last_ten": _wl(t.split("lastTen")),
                        "expected_wins": expected.wins if expected else None,
                        "expected_losses": expected.losses if expected else None,
                    }
                )
                records.append(rec)
        return record_columns(records, _STANDINGS_SCHEMA)


def parse_standings(data: bytes | str, *, request: str | None = None) -> Standings:
    """Parse ``/api/v1/standings`` (requires ``records``)."""
    raw = _object(data, "standings JSON object", request)
    expect_list(raw.get("records"), source=SOURCE, path="$.records")
    return structure_payload(raw, Standings, source=SOURCE)


register_camel_case(
    GameTypeRef,
    LeaderEntry,
    LeaderCategory,
    Streak,
    SplitRecord,
    TeamSplitRecords,
    StandingsTeam,
    DivisionStandings,
    Standings,
)
