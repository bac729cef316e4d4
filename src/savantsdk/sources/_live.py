"""Live game updates: poll a game's feed cheaply with timecodes until it is Final.

One full ``/api/v1.1/game/{pk}/feed/live`` first; then every ``interval_s`` (client clock) one
small ``/feed/live/timestamps`` request.  Only when a newer timecode appears does the client
ask ``/feed/live/diffPatch?startTimecode=<last>`` and apply the JSON-Patch to the feed it
holds (or take the full feed the endpoint sends when the change is large, or re-fetch the
feed when a patch does not apply).  An unchanged game costs one tiny request per poll and
yields nothing.  Polling runs in the LIVE lane; it stops by itself after the Final update.
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from .._http import is_retryable
from ..cache import cache_key
from ..exceptions import ConfigurationError, SavantError, SourceDecodeError
from ..executor import Lane
from ._parse import decode_json, expect_dict, structure_payload
from ._quality import Fetched, Freshness, utc_from_timestamp
from ._statsapi_feed import (
    GameFeed,
    apply_json_patch,
    parse_diff_patch,
    parse_timestamps,
    validate_feed,
)

if TYPE_CHECKING:
    from ._statsapi import StatsApiClient

__all__ = ("LiveUpdate", "live_updates")

log = logging.getLogger("savantsdk")
SOURCE: Final = "statsapi"


@attrs.frozen(eq=False)
class LiveUpdate:
    """One change of a live game.

    ``via``: ``"full"`` (a whole feed was fetched), ``"patch"`` (a diffPatch was applied) or,
    only with ``heartbeat=True``, ``"unchanged"`` (a poll found nothing new or failed: the same
    feed and freshness as the last change, with ``polls`` counted on).
    ``polls``: timestamp polls made so far.  ``freshness.upstream_timestamp`` is the feed's
    ``metaData.timeStamp``; ``freshness.lag_s`` how far behind the upstream our copy was
    when fetched.
    """

    game_pk: int
    feed: GameFeed
    timecode: str | None
    via: Literal["full", "patch", "unchanged"]
    polls: int
    freshness: Freshness

    @property
    def is_final(self) -> bool:
        return self.feed.is_final


def _check_args(game_pk: object, interval_s: object) -> None:
    if isinstance(game_pk, bool) or not isinstance(game_pk, int) or game_pk <= 0:
        raise ConfigurationError(
            f"game_pk must be a positive id, got {game_pk!r}", setting="game_pk"
        )
    if (
        isinstance(interval_s, bool)
        or not isinstance(interval_s, int | float)
        or not math.isfinite(interval_s)
        or interval_s <= 0
    ):
        raise ConfigurationError(
            f"interval_s must be a finite number > 0, got {interval_s!r}", setting="interval_s"
        )


async def _full_feed(api: StatsApiClient, path: str, lane: Lane) -> dict[str, Any]:
    body, request = await api.get_bytes(path, lane=lane, coalesce=False)
    raw = decode_json(body, source=SOURCE, expected="feed/live JSON object", request=request)
    return expect_dict(raw, source=SOURCE, path="$", expected="feed/live JSON object")


def _feed(raw: dict[str, Any], game_pk: int) -> GameFeed:
    expect_dict(raw.get("gameData"), source=SOURCE, path="$.gameData")
    return validate_feed(structure_payload(raw, GameFeed, source=SOURCE), game_pk)


async def live_updates(
    api: StatsApiClient,
    game_pk: int,
    *,
    interval_s: float = 10.0,
    lane: Lane = Lane.LIVE,
    max_consecutive_errors: int = 3,
    heartbeat: bool = False,
) -> AsyncGenerator[LiveUpdate, None]:
    """Yield a :class:`LiveUpdate` now and after every change, until the game is Final.

    ``heartbeat=True`` also yields after every poll that brought nothing new (``via
    "unchanged"``), so a consumer can tell a quiet game from a feed that stopped updating.

    Sleeps on the client's clock.  A poll that fails with a retryable error (after the
    executor's own retries) is skipped; ``max_consecutive_errors`` such failures in a row,
    or any non-retryable error, end the iteration by raising it.  A Final feed is cached as
    immutable, so a later ``game_feed(pk)`` costs nothing.
    """
    _check_args(game_pk, interval_s)
    client = api.client
    clock = client.clock
    base = f"/api/v1.1/game/{game_pk}/feed/live"
    polls = 0

    def update(feed: GameFeed, via: Literal["full", "patch"], fetched: float) -> LiveUpdate:
        fresh = Freshness(
            source=SOURCE,
            fetched_at=utc_from_timestamp(fetched),
            upstream_timestamp=feed.timestamp,
        )
        stamp = feed.meta_data.time_stamp if feed.meta_data is not None else None
        return LiveUpdate(game_pk, feed, stamp, via, polls, fresh)

    raw = await _full_feed(api, base, lane)
    feed = _feed(raw, game_pk)
    current = update(feed, "full", clock.time())
    last_code = current.timecode
    yield current
    errors = 0
    while not feed.is_final:
        await clock.sleep(interval_s)
        polls += 1
        try:
            body, request = await api.get_bytes(f"{base}/timestamps", lane=lane, coalesce=False)
            codes = parse_timestamps(body, request=request)
            newest = codes[-1] if codes else None
            if newest is None or (last_code is not None and newest <= last_code):
                errors = 0
                if heartbeat:
                    yield attrs.evolve(current, via="unchanged", polls=polls)
                continue
            via: Literal["full", "patch"] = "patch"
            if last_code is None:
                raw, via = await _full_feed(api, base, lane), "full"
            else:
                body, request = await api.get_bytes(
                    f"{base}/diffPatch", {"startTimecode": last_code}, lane=lane, coalesce=False
                )
                patch = parse_diff_patch(body, request=request)
                if patch.full_feed is not None:
                    decoded = decode_json(body, source=SOURCE, expected="feed", request=request)
                    raw, via = expect_dict(decoded, source=SOURCE, path="$"), "full"
                elif not patch.operations:
                    last_code = newest
                    errors = 0
                    if heartbeat:
                        yield attrs.evolve(current, via="unchanged", polls=polls)
                    continue
                else:
                    try:
                        raw = apply_json_patch(raw, patch.operations)
                    except SourceDecodeError as exc:
                        log.info("savantsdk: diffPatch for %s did not apply (%s)", game_pk, exc)
                        raw, via = await _full_feed(api, base, lane), "full"
            feed = _feed(raw, game_pk)
        except SavantError as exc:
            errors += 1
            if not is_retryable(exc) or errors >= max_consecutive_errors:
                raise
            log.warning("savantsdk: live poll of game %s failed (%s); will retry", game_pk, exc)
            if heartbeat:
                yield attrs.evolve(current, via="unchanged", polls=polls)
            continue
        errors = 0
        current = update(feed, via, clock.time())
        last_code = max(c for c in (current.timecode, newest) if c is not None)
        if feed.is_final:
            await _store_final(api, current)
        yield current


async def _store_final(api: StatsApiClient, current: LiveUpdate) -> None:
    cache = api.client.cache
    if cache is None:
        return
    await cache.set(
        cache_key(SOURCE, "feed", current.game_pk),
        Fetched(current.feed, current.freshness),
        kind="immutable",
        type_=Fetched[GameFeed],
    )
