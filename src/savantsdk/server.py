"""ASGI endpoints for a service built on savantsdk (the ``server`` extra: Starlette, uvicorn).

::

    from savantsdk import AsyncClient
    from savantsdk.server import create_app

    app = create_app(lambda: AsyncClient())     # built at startup, closed at shutdown
    # uvicorn mymodule:app

or mount the routes in an existing Starlette/FastAPI app (the client is yours to open and
close)::

    app.mount("/savantsdk", router(client))

Routes:

- ``GET /health``: :meth:`AsyncClient.health` as JSON; 200 when ``ok`` or ``degraded``, 503
  when ``down``.
- ``GET /metrics``: the Prometheus text format (needs the ``prometheus`` extra; 501 without).
- ``GET /props?date=YYYY-MM-DD&markets=hits,strikeouts&min_edge=0.02``: the rows of
  ``client.props.generate`` as JSON.

Errors are JSON ``{"error": ..., "type": ...}`` (messages are redacted): 400 for bad
parameters, 422 when props cannot be generated, 502 when an upstream failed, 503 (with
``Retry-After``) while a circuit breaker is open or a source is rate limited.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import math
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TYPE_CHECKING, Any

import orjson

from . import AsyncClient, _serde
from ._redact import redact
from .exceptions import (
    CircuitOpenError,
    ConfigurationError,
    PropGenerationError,
    RateLimitedError,
    SavantError,
    SourceError,
)

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import BaseRoute, Router

    from .metrics import PrometheusExporter

__all__ = ("create_app", "router")

log: logging.Logger = logging.getLogger("savantsdk")

_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def _require_starlette() -> None:
    try:
        import starlette  # noqa: F401
    except ImportError as exc:
        raise ConfigurationError(
            "savantsdk.server needs Starlette, which comes with the 'server' extra: "
            "pip install 'savantsdk[server]'",
            setting="extras",
        ) from exc


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    from starlette.responses import Response

    return Response(
        orjson.dumps(data, option=_JSON_OPTIONS),
        status_code=status,
        media_type="application/json",
        headers={"cache-control": "no-store", **(headers or {})},
    )


def _error(exc: BaseException, status: int, headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {"error": redact(str(exc)), "type": type(exc).__name__}
    setting = getattr(exc, "setting", None)
    if isinstance(setting, str):
        body["setting"] = setting
    return _json(body, status, headers)


def _retry_after(exc: SavantError) -> dict[str, str]:
    seconds: float | None = None
    if isinstance(exc, RateLimitedError):
        seconds = exc.retry_after
    elif isinstance(exc, CircuitOpenError) and exc.retry_at is not None:
        seconds = (exc.retry_at - dt.datetime.now(tz=dt.UTC)).total_seconds()
    if seconds is None or not math.isfinite(seconds):
        return {}
    return {"retry-after": str(max(1, math.ceil(seconds)))}


class _Service:
    """The endpoints, over a client that may be built later (by ``create_app``'s lifespan)."""

    def __init__(
        self,
        client: Callable[[], AsyncClient],
        *,
        metrics: PrometheusExporter | None,
        probe: bool | Iterable[str],
        probe_timeout_s: float,
        critical: Iterable[str],
        history_days: int | None,
    ) -> None:
        _require_starlette()
        self._client = client
        self._metrics = metrics
        self._bound: AsyncClient | None = None
        self._probe = probe if isinstance(probe, bool) else tuple(probe)
        self._probe_timeout_s = probe_timeout_s
        self._critical = tuple(critical)
        self._history_days = history_days

    def routes(self) -> list[BaseRoute]:
        from starlette.routing import Route

        return [
            Route("/health", self.health, methods=["GET"]),
            Route("/metrics", self.metrics, methods=["GET"]),
            Route("/props", self.props, methods=["GET"]),
        ]

    async def health(self, request: Request) -> Response:
        report = await self._client().health(
            probe=self._probe, timeout_s=self._probe_timeout_s, critical=self._critical
        )
        return _json(_serde.unstructure(report), report.http_status)

    def _exporter(self) -> PrometheusExporter:
        from .metrics import PrometheusExporter

        client = self._client()
        if self._metrics is None:
            self._metrics = PrometheusExporter()
        if self._bound is not client:
            if self._bound is not None:
                self._metrics.unbind(self._bound)
            self._metrics.bind(client)
            self._bound = client
        return self._metrics

    async def metrics(self, request: Request) -> Response:
        from starlette.responses import Response

        try:
            exporter = self._exporter()
        except ConfigurationError as exc:
            return _error(exc, 501)
        return Response(exporter.render(), media_type=exporter.content_type)

    async def props(self, request: Request) -> Response:
        try:
            kwargs = self._props_arguments(request.query_params.multi_items())
        except ConfigurationError as exc:
            return _error(exc, 400)
        client = self._client()
        try:
            # a request waits for no outage: 503 + Retry-After says when to ask again
            props = await client.props.generate(**kwargs, slate_wait_s=0)
        except ConfigurationError as exc:
            return _error(exc, 400)
        except PropGenerationError as exc:
            return _error(exc, 422)
        except (CircuitOpenError, RateLimitedError) as exc:
            return _error(exc, 503, _retry_after(exc))
        except SourceError as exc:
            return _error(exc, 502)
        except SavantError as exc:
            log.warning("savantsdk server: /props failed: %s", type(exc).__name__)
            return _error(exc, 500)
        report = client.props.last_report
        rows = props.rows()
        return _json(
            {
                "date": props.date.isoformat(),
                "model": props.model_name,
                "model_version": props.model_version,
                "reason": props.reason,
                "count": len(rows),
                "line_report": props.line_report,
                "report": None if report is None else _serde.unstructure(report),
                "degraded": None if report is None else report.degraded_summary(),
                "rows": rows,
            }
        )

    def _props_arguments(self, items: list[tuple[str, str]]) -> dict[str, Any]:
        params: dict[str, list[str]] = {}
        for name, value in items:
            params.setdefault(name, []).append(value)
        unknown = sorted(set(params) - {"date", "markets", "min_edge"})
        if unknown:
            raise ConfigurationError(
                f"unknown parameter(s) {unknown}; /props takes date, markets, min_edge",
                setting=unknown[0],
            )
        raw_date = params.get("date", [""])[-1]
        try:
            day = dt.date.fromisoformat(raw_date)
        except ValueError:
            raise ConfigurationError(
                f"date must be YYYY-MM-DD, got {raw_date[:40]!r}", setting="date"
            ) from None
        kwargs: dict[str, Any] = {"date": day}
        if self._history_days is not None:
            kwargs["history_days"] = self._history_days
        markets = [m.strip() for v in params.get("markets", []) for m in v.split(",") if m.strip()]
        if markets:
            from .props import Stat

            known = {s.value for s in Stat}
            unknown_markets = [m for m in markets if m not in known]
            if unknown_markets:  # before any upstream work
                raise ConfigurationError(
                    f"unknown market(s) {[m[:40] for m in unknown_markets[:5]]}; "
                    f"known: {', '.join(sorted(known))}",
                    setting="markets",
                )
            kwargs["markets"] = markets
        if "min_edge" in params:
            raw = params["min_edge"][-1]
            try:
                edge = float(raw)
            except ValueError:
                edge = math.nan
            if not math.isfinite(edge):
                raise ConfigurationError(
                    f"min_edge must be a number, got {raw[:40]!r}", setting="min_edge"
                )
            kwargs["min_edge"] = edge
        return kwargs


def router(
    client: AsyncClient,
    *,
    metrics: PrometheusExporter | None = None,
    probe: bool | Iterable[str] = False,
    probe_timeout_s: float = 2.0,
    critical: Iterable[str] = (),
    history_days: int | None = None,
) -> Router:
    """A Starlette ``Router`` with ``/health``, ``/metrics`` and ``/props`` to mount anywhere.

    ``client`` must be used on the serving event loop and is not closed by the router.
    ``metrics``: the :class:`~savantsdk.metrics.PrometheusExporter` to render (give the one
    you passed to the client's ``hooks`` to get event counters too); by default a fresh one,
    bound to ``client`` (snapshot series only).  ``probe``, ``probe_timeout_s`` and
    ``critical`` go to :meth:`AsyncClient.health`; ``history_days`` to
    ``client.props.generate``.
    """
    from starlette.routing import Router

    if not isinstance(client, AsyncClient):
        raise ConfigurationError(
            f"router() needs an AsyncClient, got {type(client).__name__}", setting="client"
        )
    service = _Service(
        lambda: client,
        metrics=metrics,
        probe=probe,
        probe_timeout_s=probe_timeout_s,
        critical=critical,
        history_days=history_days,
    )
    return Router(routes=service.routes())


def create_app(
    client: AsyncClient | Callable[[], AsyncClient],
    *,
    metrics: PrometheusExporter | None = None,
    probe: bool | Iterable[str] = False,
    probe_timeout_s: float = 2.0,
    critical: Iterable[str] = (),
    history_days: int | None = None,
    debug: bool = False,
) -> Starlette:
    """A Starlette app serving :func:`router`'s routes at the root.

    ``client``: an ``AsyncClient`` (yours: not closed by the app), or a factory called at
    startup on the server's event loop; the app then enters that client and closes it at
    shutdown.  The other options are :func:`router`'s.
    """
    from starlette.applications import Starlette

    holder: list[AsyncClient] = []
    factory: Callable[[], AsyncClient] | None = None
    if isinstance(client, AsyncClient):
        holder.append(client)
    elif callable(client):
        factory = client
    else:
        raise ConfigurationError(
            f"create_app() needs an AsyncClient or a factory, got {type(client).__name__}",
            setting="client",
        )

    def current() -> AsyncClient:
        if not holder:
            raise RuntimeError("the savantsdk app has not started (no lifespan startup yet)")
        return holder[0]

    service = _Service(
        current,
        metrics=metrics,
        probe=probe,
        probe_timeout_s=probe_timeout_s,
        critical=critical,
        history_days=history_days,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if factory is None:
            yield
            return
        built = factory()
        if not isinstance(built, AsyncClient):
            raise ConfigurationError(
                f"the client factory returned {type(built).__name__}, not an AsyncClient",
                setting="client",
            )
        async with built:
            holder.append(built)
            try:
                yield
            finally:
                holder.clear()

    return Starlette(debug=debug, routes=service.routes(), lifespan=lifespan)
