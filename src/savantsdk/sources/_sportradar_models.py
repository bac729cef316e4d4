"""Typed models and pure payload parsers for the SportRadar MLB API.

The shared recordings are the legacy v6 trial API (``api.sportradar.us/mlb-t6``); v7/v8
(``api.sportradar.com/mlb/{access}/v8/en``) keep the same family of shapes but add and move
fields, so every field here is optional except ids, unknown keys are ignored, and the daily
schedule accepts games at the top level or under ``league``::

    schedule = parse_sportradar_schedule(body)    # games/{y}/{m}/{d}/schedule.json, season
    game = parse_sportradar_game_summary(body)    # games/{id}/summary.json or boxscore.json
    pbp = parse_sportradar_play_by_play(body)     # games/{id}/pbp.json
    quota = sportradar_quota_from_headers(headers)

Ids are GUID strings, not MLBAM ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Final

import attrs

from ._parse import (
    as_dict,
    decode_json,
    expect_dict,
    expect_list,
    float_field as _float,
    int_field as _int,
    str_field as _str,
    structure_payload,
    to_date,
    to_datetime,
)

# The public names are listed once: ``__all__`` of ``savantsdk.sources.sportradar``.

SOURCE: Final = "sportradar"


@attrs.frozen
class SportradarVenue:
    id: str | None = _str()
    name: str | None = _str()
    market: str | None = _str()
    city: str | None = _str()
    state: str | None = _str()
    country: str | None = _str()
    capacity: int | None = _int()


@attrs.frozen
class SportradarOnBase:
    s: int | None = _int()
    d: int | None = _int()
    t: int | None = _int()
    hr: int | None = _int()
    tb: int | None = _int()
    bb: int | None = _int()
    ibb: int | None = _int()
    hbp: int | None = _int()
    h: int | None = _int()


@attrs.frozen
class SportradarRuns:
    total: int | None = _int()
    earned: int | None = _int()
    unearned: int | None = _int()


@attrs.frozen
class SportradarOuts:
    ktotal: int | None = _int()
    klook: int | None = _int()
    kswing: int | None = _int()
    go: int | None = _int()
    fo: int | None = _int()
    lo: int | None = _int()
    po: int | None = _int()
    gidp: int | None = _int()
    sacfly: int | None = _int()
    sachit: int | None = _int()


@attrs.frozen
class SportradarHitting:
    """``statistics.hitting.overall``; convenience properties give the usual names."""

    ab: int | None = _int()
    rbi: int | None = _int()
    ap: int | None = _int()
    avg: float | None = _float()
    obp: float | None = _float()
    slg: float | None = _float()
    ops: float | None = _float()
    lob: int | None = _int()
    pitch_count: int | None = _int()
    onbase: SportradarOnBase = attrs.field(factory=SportradarOnBase)
    runs: SportradarRuns = attrs.field(factory=SportradarRuns)
    outs: SportradarOuts = attrs.field(factory=SportradarOuts)

    @property
    def hits(self) -> int | None:
        return self.onbase.h

    @property
    def home_runs(self) -> int | None:
        return self.onbase.hr

    @property
    def total_bases(self) -> int | None:
        return self.onbase.tb

    @property
    def walks(self) -> int | None:
        return self.onbase.bb

    @property
    def strikeouts(self) -> int | None:
        return self.outs.ktotal


@attrs.frozen
class SportradarPitching:
    """``statistics.pitching.overall``: ``ip_1`` is outs recorded, ``ip_2`` innings."""

    ip_1: int | None = _int()
    ip_2: float | None = _float()
    bf: int | None = _int()
    pitch_count: int | None = _int()
    era: float | None = _float()
    whip: float | None = _float()
    k9: float | None = _float()
    onbase: SportradarOnBase = attrs.field(factory=SportradarOnBase)
    runs: SportradarRuns = attrs.field(factory=SportradarRuns)
    outs: SportradarOuts = attrs.field(factory=SportradarOuts)

    @property
    def outs_recorded(self) -> int | None:
        return self.ip_1

    @property
    def hits_allowed(self) -> int | None:
        return self.onbase.h

    @property
    def earned_runs(self) -> int | None:
        return self.runs.earned

    @property
    def strikeouts(self) -> int | None:
        return self.outs.ktotal

    @property
    def walks(self) -> int | None:
        return self.onbase.bb


@attrs.frozen
class SportradarStatBlock:
    overall: SportradarHitting | None = None


@attrs.frozen
class SportradarPitchBlock:
    overall: SportradarPitching | None = None


@attrs.frozen
class SportradarStatistics:
    hitting: SportradarStatBlock | None = None
    pitching: SportradarPitchBlock | None = None


@attrs.frozen
class SportradarPlayer:
    """A player of a summary/boxscore team; ``statistics`` when the game has data for them."""

    id: str
    first_name: str | None = _str()
    last_name: str | None = _str()
    preferred_name: str | None = _str()
    full_name: str | None = _str()
    jersey_number: str | None = _str()
    position: str | None = _str()
    primary_position: str | None = _str()
    status: str | None = _str()
    statistics: SportradarStatistics | None = None

    @property
    def name(self) -> str:
        """``full_name`` if sent, else preferred (or first) name + last name."""
        if self.full_name:
            return self.full_name
        first = self.preferred_name or self.first_name or ""
        return f"{first} {self.last_name or ''}".strip()

    @property
    def hitting(self) -> SportradarHitting | None:
        stats = self.statistics
        return stats.hitting.overall if stats and stats.hitting else None

    @property
    def pitching(self) -> SportradarPitching | None:
        stats = self.statistics
        return stats.pitching.overall if stats and stats.pitching else None


@attrs.frozen
class SportradarPitcherRef:
    id: str
    first_name: str | None = _str()
    last_name: str | None = _str()
    preferred_name: str | None = _str()
    jersey_number: str | None = _str()
    win: int | None = _int()
    loss: int | None = _int()
    era: float | None = _float()


@attrs.frozen
class SportradarLineupEntry:
    """``lineup[]``: ``order`` 0 is the pitcher slot (AL/universal DH), 1..9 batters."""

    id: str
    inning: int | None = _int()
    order: int | None = _int()
    position: int | None = _int()
    sequence: int | None = _int()


@attrs.frozen
class SportradarTeam:
    """A team in a SportRadar game: score line (runs, hits, errors), record, pitchers, lineup,
    players and team statistics."""

    id: str
    name: str | None = _str()
    market: str | None = _str()
    abbr: str | None = _str()
    runs: int | None = _int()
    hits: int | None = _int()
    errors: int | None = _int()
    win: int | None = _int()
    loss: int | None = _int()
    probable_pitcher: SportradarPitcherRef | None = None
    starting_pitcher: SportradarPitcherRef | None = None
    lineup: tuple[SportradarLineupEntry, ...] = ()
    players: tuple[SportradarPlayer, ...] = ()
    statistics: SportradarStatistics | None = None

    def player(self, player_id: str) -> SportradarPlayer | None:
        return next((p for p in self.players if p.id == player_id), None)

    @property
    def starting_lineup(self) -> tuple[SportradarLineupEntry, ...]:
        """Lineup entries of the first inning (``inning == 0``), by batting order 1..9."""
        first = [e for e in self.lineup if e.inning == 0 and e.order]
        return tuple(sorted(first, key=lambda e: e.order or 0))


@attrs.frozen
class SportradarCount:
    balls: int | None = _int()
    strikes: int | None = _int()
    outs: int | None = _int()
    pitch_count: int | None = _int()


@attrs.frozen
class SportradarPitchInfo:
    pitch_type: str | None = _str()
    pitch_speed: float | None = _float()
    pitch_zone: int | None = _int()


@attrs.frozen
class SportradarPitch:
    """An at-bat event (``type`` ``pitch`` or another action) with its outcome code."""

    id: str | None = _str()
    type: str | None = _str()
    outcome_id: str | None = _str()
    status: str | None = _str()
    created_at: datetime | None = attrs.field(default=None, converter=to_datetime)
    count: SportradarCount | None = None
    pitcher: SportradarPitchInfo | None = None


@attrs.frozen
class SportradarAtBat:
    """One plate appearance of a SportRadar play-by-play: hitter, pitcher, hands, and its pitch
    events."""

    id: str | None = _str()
    hitter_id: str | None = _str()
    pitcher_id: str | None = _str()
    hitter_hand: str | None = _str()
    pitcher_hand: str | None = _str()
    description: str | None = _str()
    events: tuple[SportradarPitch, ...] = ()

    @property
    def pitch_count(self) -> int:
        return sum(1 for e in self.events if e.type == "pitch")


@attrs.frozen
class SportradarHalfEvent:
    at_bat: SportradarAtBat | None = None


@attrs.frozen
class SportradarHalf:
    half: str | None = _str()
    events: tuple[SportradarHalfEvent, ...] = ()


@attrs.frozen
class SportradarInning:
    number: int | None = _int()
    sequence: int | None = _int()
    halfs: tuple[SportradarHalf, ...] = ()


@attrs.frozen
class SportradarFinal:
    inning: int | None = _int()
    inning_half: str | None = _str()


@attrs.frozen
class SportradarGame:
    """A game: schedule entry, summary/boxscore (``home``/``away`` with players), or pbp."""

    id: str
    status: str | None = _str()
    coverage: str | None = _str()
    scheduled: datetime | None = attrs.field(default=None, converter=to_datetime)
    game_number: int | None = _int()
    day_night: str | None = _str()
    double_header: bool | None = None
    attendance: int | None = _int()
    duration: str | None = _str()
    home_team: str | None = _str()
    away_team: str | None = _str()
    venue: SportradarVenue | None = None
    home: SportradarTeam | None = None
    away: SportradarTeam | None = None
    final: SportradarFinal | None = None
    innings: tuple[SportradarInning, ...] = ()

    @property
    def home_team_id(self) -> str | None:
        return self.home.id if self.home else self.home_team

    @property
    def away_team_id(self) -> str | None:
        return self.away.id if self.away else self.away_team

    @property
    def is_closed(self) -> bool:
        """``closed`` (final and verified) or ``complete`` (final, being verified)."""
        return self.status in {"closed", "complete"}

    def at_bats(self) -> tuple[SportradarAtBat, ...]:
        """Every at-bat of a play-by-play in order."""
        return tuple(
            event.at_bat
            for inning in self.innings
            for half in inning.halfs
            for event in half.events
            if event.at_bat is not None
        )


@attrs.frozen
class SportradarSchedule:
    """Daily or season schedule; ``day`` is set for daily schedules when the payload says."""

    games: tuple[SportradarGame, ...] = ()
    day: date | None = attrs.field(default=None, converter=to_date)
    season_year: int | None = _int()
    season_type: str | None = _str()

    def by_id(self) -> dict[str, SportradarGame]:
        return {game.id: game for game in self.games}


@attrs.frozen
class SportradarQuota:
    """Legacy gateway headers (``X-Plan-*`` for trial keys, ``X-Packagekey-*`` otherwise).

    The current gateway (v7/v8, ``x-api-key``) may send none of these; all fields are then
    ``None`` and the documented trial limit (1 QPS, 1,000 calls) is the safe assumption.
    """

    qps_allotted: int | None = _int()
    qps_current: int | None = _int()
    quota_allotted: int | None = _int()
    quota_current: int | None = _int()

    @property
    def remaining(self) -> int | None:
        if self.quota_allotted is None or self.quota_current is None:
            return None
        return self.quota_allotted - self.quota_current


def sportradar_quota_from_headers(
    headers: Mapping[str, Any] | Iterable[tuple[str, Any]],
) -> SportradarQuota:
    """Read the QPS/quota headers, case-insensitive; list values (recordings) use the first."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    lowered: dict[str, Any] = {}
    for name, value in pairs:
        lowered[str(name).lower()] = value[0] if isinstance(value, list) and value else value

    def get(suffix: str) -> Any:
        for prefix in ("x-plan-", "x-packagekey-"):
            if prefix + suffix in lowered:
                return lowered[prefix + suffix]
        return None

    return SportradarQuota(
        qps_allotted=get("qps-allotted"),
        qps_current=get("qps-current"),
        quota_allotted=get("quota-allotted"),
        quota_current=get("quota-current"),
    )


def _object(data: bytes | str, expected: str, request: str | None) -> dict[str, Any]:
    raw = decode_json(data, source=SOURCE, expected=expected, request=request)
    return expect_dict(raw, source=SOURCE, path="$", expected=expected)


def parse_sportradar_schedule(
    data: bytes | str, *, request: str | None = None
) -> SportradarSchedule:
    """Parse a daily (``games/Y/M/D/schedule.json``) or season schedule.

    Games are read from ``games`` at the top level or under ``league`` (daily schedules).
    """
    raw = _object(data, "schedule JSON object", request)
    league = as_dict(raw.get("league"))
    if "games" in raw:
        games, path = raw["games"], "$.games"
    elif "games" in league:
        games, path = league["games"], "$.league.games"
    else:
        games, path = None, "$.games"
    items = expect_list(games, source=SOURCE, path=path, expected="array of games")
    season = as_dict(raw.get("season"))
    return SportradarSchedule(
        games=structure_payload(items, tuple[SportradarGame, ...], source=SOURCE, path=path),
        day=raw.get("date") or league.get("date"),
        season_year=season.get("year"),
        season_type=season.get("type"),
    )


def parse_sportradar_game_summary(
    data: bytes | str, *, request: str | None = None
) -> SportradarGame:
    """Parse ``games/{id}/summary.json`` or ``boxscore.json`` (the ``game`` object)."""
    raw = _object(data, "game summary JSON object", request)
    game = expect_dict(raw.get("game"), source=SOURCE, path="$.game")
    return structure_payload(game, SportradarGame, source=SOURCE, path="$.game")


def parse_sportradar_play_by_play(
    data: bytes | str, *, request: str | None = None
) -> SportradarGame:
    """Parse ``games/{id}/pbp.json``; innings -> halfs -> at-bats -> pitches."""
    raw = _object(data, "play-by-play JSON object", request)
    game = expect_dict(raw.get("game"), source=SOURCE, path="$.game")
    expect_list(game.get("innings", []), source=SOURCE, path="$.game.innings")
    return structure_payload(game, SportradarGame, source=SOURCE, path="$.game")
