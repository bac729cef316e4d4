"""The plumbing every Stats API call shares: one GET through the ``statsapi`` executor and
the cached fetch around it.

:class:`StatsApiBase` is the base of :class:`~savantsdk.sources.StatsApiClient` and of its
season mixin (:mod:`._statsapi_season`), so both reach the same ``get_bytes`` / ``_cached``
without one restating the other's signatures.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

from .._http import describe_request
from ..cache import cache_key
from ..exceptions import ConfigurationError
from ..executor import Lane
from ._fetch import cached_fetch, send_once

if TYPE_CHECKING:
    from ..typing import SourceContext
    from ._quality import Fetched

__all__ = ("SOURCE", "StatsApiBase", "arg_id")

SOURCE: Final = "statsapi"
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class _Parse(Protocol[T_co]):
    """A parser of one response body (``parse_boxscore``, ``parse_linescore``)."""

    def __call__(self, data: bytes, *, request: str) -> T_co: ...


def arg_id(value: object, name: str) -> int:
    """``value`` if it is a positive int id, else a :class:`ConfigurationError` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigurationError(
            f"{name} must be a positive integer id, got {value!r}", setting=name
        )
    return value


class StatsApiBase:
    """Requests and cached fetches on the Stats API (``_client`` is set by the subclass)."""

    __slots__ = ()

    _client: SourceContext

    if TYPE_CHECKING:  # provided by StatsApiClient (they follow its schedule calls)

        async def is_final(self, game_pk: int, *, lane: Lane = Lane.PROPS) -> bool: ...

        def _box_kind(self, game_pk: int, final: bool) -> str: ...

    def _now(self) -> float:
        return float(self._client.clock.time())

    async def get_bytes(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        lane: Lane = Lane.PROPS,
        coalesce: bool = True,
    ) -> tuple[bytes, str]:
        """One GET through the executor: ``(body, redacted request description)``."""
        client = self._client
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        described = describe_request(client.http(SOURCE).build_request("GET", path, params=clean))

        async def attempt() -> bytes:
            return (await send_once(client, SOURCE, path, params=clean)).content

        key = cache_key(SOURCE, "request", path, params=clean) if coalesce else None
        body = await client.executor(SOURCE).call(attempt, key=key, lane=lane)
        return body, described

    async def _cached(
        self,
        key: str,
        type_: Any,
        load: Callable[[], Awaitable[T]],
        *,
        kind: str | Callable[[T], str],
        upstream: Callable[[T], datetime | None] | None = None,
    ) -> Fetched[T]:
        async def fetch() -> tuple[T, datetime | None]:
            value = await load()
            return value, upstream(value) if upstream else None

        return await cached_fetch(
            self._client, source=SOURCE, key=key, type_=type_, kind=kind, load=fetch
        )

    async def _game_part(
        self, pk: int, part: str, type_: type[T], parse: _Parse[T], lane: Lane
    ) -> Fetched[T]:
        """``/api/v1/game/{pk}/{part}`` cached like a boxscore: the kind of a loaded one is
        what the game's schedule says (:meth:`_box_kind`); a stored one's is ``live`` for the
        stale windows (a final one is immutable and never stale)."""
        kind = "live"

        async def load() -> T:
            nonlocal kind
            body, request = await self.get_bytes(f"/api/v1/game/{pk}/{part}", lane=lane)
            value = parse(body, request=request)
            if self._client.cache is not None:
                kind = self._box_kind(pk, await self.is_final(pk, lane=lane))
            return value

        return await self._cached(cache_key(SOURCE, part, pk), type_, load, kind=lambda _v: kind)
