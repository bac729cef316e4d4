# ruff: noqa: RUF009  (attrs fields built by small factories: converters + defaults)
"""MLB Stats API game feed models and parsers: ``feed/live``, play-by-play, linescore, the
feed's timestamps and diffPatch (with an RFC 6902 patch applier).

Split from :mod:`savantsdk.sources._statsapi_models` (schedule, stats, people, rosters, teams,
boxscores), whose models these build on; the same coercion and error rules apply::

    feed = parse_game_feed(body)               # /api/v1.1/game/{gamePk}/feed/live
    plays = parse_play_by_play(body)           # /api/v1/game/{gamePk}/playByPlay
    linescore = parse_linescore(body)          # /api/v1/game/{gamePk}/linescore
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Final

import attrs

from .._frames import FrameColumn, FrameExport
from ..exceptions import SourceDecodeError
from ._parse import (
    bool_field as _bool,
    date_field as _date,
    datetime_field as _dt,
    decode_json,
    expect_dict,
    expect_list,
    float_field as _float,
    int_field as _int,
    register_camel_case,
    str_field as _str,
    structure_payload,
    to_datetime,
)
from ._quality import check_id
from ._statsapi_game import LinescoreDefense, LinescoreOffense
from ._statsapi_models import (
    SOURCE,
    Boxscore,
    CodeDescription,
    GameStatus,
    NamedRef,
    Person,
    PersonRef,
    Team,
    _k,
    _object,
)
from ._statsapi_tables import linescore_columns, linescore_text, plays_columns

# The public names are listed once: ``__all__`` of ``savantsdk.sources.statsapi``.


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
    """A feed's ``gameData.game``: ``pk``, game type, doubleheader flag and game number, season."""

    pk: int | None = _int()
    type: str | None = _str()
    double_header: str | None = _str()
    id: str | None = _str()
    game_number: int | None = _int()
    season: str | None = _str()


@attrs.frozen
class GameDateTime:
    """When a game is played: ``date_time`` (UTC first pitch), ``official_date``, day or night."""

    date_time: datetime | None = _dt()
    original_date: date | None = _date()
    official_date: date | None = _date()
    day_night: str | None = _str()
    time: str | None = _str()
    ampm: str | None = _str()


@attrs.frozen
class FeedTeams:
    """The away and home :class:`~savantsdk.sources.Team` of a feed's ``gameData``."""

    away: Team | None = None
    home: Team | None = None


@attrs.frozen
class ProbablePitchers:
    """The announced probable starters of a game (away and home)."""

    away: PersonRef | None = None
    home: PersonRef | None = None


@attrs.frozen
class GameData:
    """A feed's ``gameData``: the game, its date and time, status, teams, players, venue and
    probable pitchers."""

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
    """Where a play stands in the game: at-bat index, inning and half, times, complete,
    scoring."""

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
    """Balls, strikes and outs at the end of a play (or event)."""

    balls: int | None = _int()
    strikes: int | None = _int()
    outs: int | None = _int()


@attrs.frozen
class Matchup:
    """Who faced whom in a plate appearance, with the batter's side and pitcher's hand."""

    batter: PersonRef | None = None
    pitcher: PersonRef | None = None
    bat_side: CodeDescription | None = None
    pitch_hand: CodeDescription | None = None


@attrs.frozen
class PitchDetails:
    """A pitch's call and type: code, description, pitch type, in play / strike / ball."""

    code: str | None = _str()
    description: str | None = _str()
    pitch_type: CodeDescription | None = attrs.field(default=None, metadata=_k("type"))
    is_in_play: bool | None = _bool()
    is_strike: bool | None = _bool()
    is_ball: bool | None = _bool()


@attrs.frozen
class PitchData:
    """A pitch's physics: start and end speed (mph), zone, release extension."""

    start_speed: float | None = _float()
    end_speed: float | None = _float()
    zone: int | None = _int()
    extension: float | None = _float()


@attrs.frozen
class HitData:
    """A batted ball: exit velocity (``launch_speed``), launch angle, distance, trajectory."""

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
    """One plate appearance of a feed or play-by-play: result, context, count, matchup and its
    pitch and action events."""

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
class Plays(FrameExport):
    """``liveData.plays`` or ``/api/v1/game/{gamePk}/playByPlay``.

    ``to_pandas()``: one row per pitch in game order (docs/sources.md lists the columns).
    """

    all_plays: tuple[Play, ...] = ()
    current_play: Play | None = None
    scoring_plays: tuple[int, ...] = ()

    def _frame_columns(self) -> list[FrameColumn]:
        return plays_columns(self)


@attrs.frozen
class LinescoreTeam:
    """One team's totals in a linescore (runs, hits, errors, left on base)."""

    runs: int | None = _int()
    hits: int | None = _int()
    errors: int | None = _int()
    left_on_base: int | None = _int()


@attrs.frozen
class Inning:
    """One inning of a linescore: its number and each team's runs, hits and errors in it."""

    num: int | None = _int()
    ordinal_num: str | None = _str()
    home: LinescoreTeam | None = None
    away: LinescoreTeam | None = None


@attrs.frozen
class LinescoreTeams:
    """The away and home :class:`LinescoreTeam` totals (also per :class:`Inning`)."""

    home: LinescoreTeam | None = None
    away: LinescoreTeam | None = None


@attrs.frozen
class Linescore(FrameExport):
    """The game's linescore: inning state, per-inning lines, team totals, and the count.

    ``print(linescore)`` shows MLB-StatsAPI's text linescore (:meth:`text` names the teams
    and the title); ``to_pandas()`` is one row per inning.  ``offense`` / ``defense`` (who is
    at bat, on deck, pitching) come with ``/linescore`` and the feed.
    """

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
    offense: LinescoreOffense | None = None
    defense: LinescoreDefense | None = None

    def text(
        self, *, away: str | None = None, home: str | None = None, title: str | None = None
    ) -> str:
        """The text linescore; team names default to the offense/defense teams, ``title`` to
        the inning state (``"Bottom 9th"``; pass ``"Final"`` for MLB-StatsAPI's header)."""
        return linescore_text(self, away=away, home=home, title=title)

    def _frame_columns(self) -> list[FrameColumn]:
        return linescore_columns(self)

    def __str__(self) -> str:
        return linescore_text(self)


@attrs.frozen
class Decisions:
    """The pitchers of record of a finished game: ``winner``, ``loser``, ``save``."""

    winner: PersonRef | None = None
    loser: PersonRef | None = None
    save: PersonRef | None = None


@attrs.frozen
class LiveData:
    """A feed's ``liveData``: plays, linescore, boxscore and decisions."""

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
