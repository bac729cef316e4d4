# ruff: noqa: RUF009  (attrs fields built by small factories: converters + defaults)
"""MLB Stats API game content (``/api/v1/game/{pk}/content``: recap, highlight videos) and the
linescore's offense/defense (who is at bat, on deck, pitching), typed.

::

    content = parse_game_content(body)     # /api/v1/game/{gamePk}/content
    content.highlights[0].mp4_url          # the 1280x720 MP4 of the first highlight
    content.to_pandas()                    # one row per highlight
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import attrs

from .._frames import FrameColumn, FrameExport, Kind, record_columns
from ._parse import (
    as_dict,
    bool_field as _bool,
    datetime_field as _dt,
    expect_list,
    int_field as _int,
    register_camel_case,
    str_field as _str,
    structure_payload,
)
from ._statsapi_models import SOURCE, PersonRef, TeamRef, _object

__all__ = (
    "Article",
    "ContentSummary",
    "GameContent",
    "Highlight",
    "Keyword",
    "LinescoreDefense",
    "LinescoreOffense",
    "Playback",
    "parse_game_content",
)


# ------------------------------------------------------------------------------------ linescore


@attrs.frozen
class LinescoreOffense:
    """The team at bat in a linescore: batter, on deck, in the hole, runners on base."""

    team: TeamRef | None = None
    batter: PersonRef | None = None
    on_deck: PersonRef | None = None
    in_hole: PersonRef | None = None
    pitcher: PersonRef | None = None
    batting_order: int | None = _int()
    first: PersonRef | None = None
    second: PersonRef | None = None
    third: PersonRef | None = None


@attrs.frozen
class LinescoreDefense:
    """The team in the field in a linescore: its pitcher and fielders."""

    team: TeamRef | None = None
    pitcher: PersonRef | None = None
    catcher: PersonRef | None = None
    first: PersonRef | None = None
    second: PersonRef | None = None
    third: PersonRef | None = None
    shortstop: PersonRef | None = None
    left: PersonRef | None = None
    center: PersonRef | None = None
    right: PersonRef | None = None


# -------------------------------------------------------------------------------------- content


@attrs.frozen
class Playback:
    """One encoding of a highlight video: ``name`` (``mp4Avc``, ``hlsCloud``...) and URL."""

    name: str | None = _str()
    url: str | None = _str()


@attrs.frozen
class Keyword:
    """A content tag: ``type`` (``player_id``, ``team_id``, ``game_pk``, ``taxonomy``...)."""

    type: str | None = _str()
    value: str | None = _str()
    display_name: str | None = _str()


@attrs.frozen
class Highlight:
    """A highlight video of a game (``highlights.highlights.items[]``)."""

    id: str | None = _str()
    type: str | None = _str()
    date: datetime | None = _dt()
    headline: str | None = _str()
    title: str | None = _str()
    blurb: str | None = _str()
    description: str | None = _str()
    slug: str | None = _str()
    duration: str | None = _str()
    playbacks: tuple[Playback, ...] = ()
    keywords_all: tuple[Keyword, ...] = ()

    @property
    def mp4_url(self) -> str | None:
        """The ``mp4Avc`` playback's URL (the first playback's when there is none)."""
        for p in self.playbacks:
            if p.name == "mp4Avc":
                return p.url
        return self.playbacks[0].url if self.playbacks else None

    @property
    def player_ids(self) -> tuple[int, ...]:
        """MLBAM ids of the players tagged in the video (``player_id`` keywords)."""
        return tuple(
            int(k.value)
            for k in self.keywords_all
            if k.type == "player_id" and k.value is not None and k.value.isdecimal()
        )

    @property
    def duration_s(self) -> int | None:
        """``"00:03:36"`` -> 216."""
        parts = (self.duration or "").split(":")
        if not parts or not all(p.isdecimal() for p in parts):
            return None
        total = 0
        for p in parts:
            total = total * 60 + int(p)
        return total


@attrs.frozen
class Article:
    """An editorial article (the game's recap, preview or wrap)."""

    headline: str | None = _str()
    seo_title: str | None = _str()
    slug: str | None = _str()
    blurb: str | None = _str()
    date: datetime | None = _dt()
    url: str | None = _str()


@attrs.frozen
class ContentSummary:
    """Which content a game has so far."""

    has_preview_article: bool | None = _bool()
    has_recap_article: bool | None = _bool()
    has_wrap_article: bool | None = _bool()
    has_highlights_video: bool | None = _bool()


_HIGHLIGHT_SCHEMA: Final[dict[str, Kind]] = {
    "id": "str",
    "date": "datetime",
    "headline": "str",
    "description": "str",
    "duration_s": "int",
    "player_ids": "str",
    "mp4_url": "str",
}


@attrs.frozen
class GameContent(FrameExport):
    """``/api/v1/game/{pk}/content``: the recap article (``recap``, MLB.com's) and the
    highlight videos in the upstream's order.

    ``to_pandas()``: one row per highlight with ``id``, ``date``, ``headline``, ``description``,
    ``duration_s``, ``player_ids`` (comma-separated MLBAM ids) and ``mp4_url``.
    """

    link: str | None = _str()
    recap: Article | None = None
    highlights: tuple[Highlight, ...] = ()
    summary: ContentSummary = attrs.field(factory=ContentSummary)

    def _frame_columns(self) -> list[FrameColumn]:
        records = [
            {
                "id": h.id,
                "date": h.date,
                "headline": h.headline,
                "description": h.description,
                "duration_s": h.duration_s,
                "player_ids": ",".join(str(i) for i in h.player_ids),
                "mp4_url": h.mp4_url,
            }
            for h in self.highlights
        ]
        return record_columns(records, _HIGHLIGHT_SCHEMA)


register_camel_case(
    LinescoreOffense,
    LinescoreDefense,
    Playback,
    Keyword,
    Highlight,
    Article,
    ContentSummary,
)


def parse_game_content(data: bytes | str, *, request: str | None = None) -> GameContent:
    """Parse ``/api/v1/game/{gamePk}/content``.

    The recap is ``editorial.recap.mlb``; highlights are ``highlights.highlights.items`` (a
    game without any has ``null`` there: no highlights, not an error).
    """
    raw = _object(data, "game content JSON object", request)
    highlights = as_dict(as_dict(raw.get("highlights")).get("highlights")).get("items") or []
    expect_list(highlights, source=SOURCE, path="$.highlights.highlights.items")
    recap = as_dict(as_dict(as_dict(raw.get("editorial")).get("recap")).get("mlb")) or None
    flat: dict[str, Any] = {
        "link": raw.get("link"),
        "recap": recap,
        "highlights": highlights,
        "summary": as_dict(raw.get("summary")),
    }
    return structure_payload(flat, GameContent, source=SOURCE)
