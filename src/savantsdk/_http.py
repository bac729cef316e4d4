"""The HTTP seam: the one place that builds httpx clients and turns responses into errors.

- Every client has finite connect/read/write/pool timeouts, plus a total deadline per attempt.
- TLS verification is always on.
- Status codes and upstream error bodies (``error_code`` JSON of The Odds API, HTML bot pages)
  map onto the error tree in :mod:`savantsdk.exceptions`.
- ``Retry-After`` is parsed in both its forms (seconds and HTTP-date).
- :func:`is_retryable` is the single decision on what is worth another attempt: connection
  errors, timeouts, 408, 429 and 5xx; never another 4xx, never a decode error.

The seam does not retry by itself: the executor owns the only retry layer.
"""

from __future__ import annotations

import email.utils
import math
import ssl
import time
from collections.abc import Mapping
from typing import Any, Final

import anyio
import httpx
import orjson

from . import __about__
from ._config import SourceSettings, Timeout
from ._redact import install_log_redaction, redact
from .exceptions import (
    BadRequestError,
    NotFoundError,
    QuotaExceededError,
    RateLimitedError,
    SavantError,
    SourceConnectionError,
    SourceDecodeError,
    SourceError,
    SourceServerError,
    SourceStatusError,
    SourceTimeoutError,
    UnauthorizedError,
)

__all__ = (
    "USER_AGENT",
    "build_async_client",
    "describe_request",
    "error_for_response",
    "is_retryable",
    "parse_retry_after",
    "send",
)

USER_AGENT: Final = f"savantsdk/{__about__.version()} (+https://pypi.org/project/savantsdk/)"

# Upstream error codes (The Odds API's documented list) -> the error class they mean.
_ERROR_CODES: Final[Mapping[str, type[SourceStatusError]]] = {
    "MISSING_KEY": UnauthorizedError,
    "INVALID_KEY": UnauthorizedError,
    "DEACTIVATED_KEY": UnauthorizedError,
    "HISTORICAL_UNAVAILABLE_ON_FREE_USAGE_PLAN": UnauthorizedError,
    "OUT_OF_USAGE_CREDITS": QuotaExceededError,
    "EXCEEDED_FREQ_LIMIT": RateLimitedError,
    "EVENT_NOT_FOUND": NotFoundError,
}


def httpx_timeout(timeout: Timeout) -> httpx.Timeout:
    return httpx.Timeout(
        connect=timeout.connect_s, read=timeout.read_s, write=timeout.write_s, pool=timeout.pool_s
    )


def tls_context() -> ssl.SSLContext:
    """A verifying TLS context: certificates checked against certifi's CA bundle (or
    ``SSL_CERT_FILE``/``SSL_CERT_DIR``), hostnames checked; what httpx builds for
    ``verify=True``.  Building one costs 30-40 ms (loading the CA bundle), so a client builds it
    once and shares it between its per-source connection pools."""
    return httpx.create_ssl_context(verify=True)


def build_async_client(
    settings: SourceSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
    max_connections: int | None = None,
    tls: ssl.SSLContext | None = None,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` for one source: finite timeouts, TLS verified, pooled.

    ``tls`` shares one :func:`tls_context` between clients; only a verifying context is
    accepted (verification cannot be turned off through this function)."""
    if tls is not None and (tls.verify_mode != ssl.CERT_REQUIRED or not tls.check_hostname):
        raise ValueError("build_async_client needs a verifying TLS context")
    # httpx and httpcore log full URLs at INFO/DEBUG; The Odds API key rides in the query.
    install_log_redaction("httpx", "httpcore", "savantsdk")
    limit = max_connections or max(settings.rate_limit.concurrency, 1)
    return httpx.AsyncClient(
        base_url=settings.base_url,
        timeout=httpx_timeout(settings.timeout),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", **(headers or {})},
        limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit),
        transport=transport,
        follow_redirects=True,
        verify=True if tls is None else tls,
    )


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = parsed.timestamp() - (time.time() if now is None else now)
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def describe_request(request: httpx.Request) -> str:
    """``METHOD url`` with every secret redacted (query keys, passwords, registered keys)."""
    return redact(f"{request.method} {request.url}")


def _error_code_and_message(body: bytes) -> tuple[str | None, str | None]:
    if not body or body[:1] not in (b"{", b"["):
        return None, None
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None, None
    if isinstance(data, dict):
        code = data.get("error_code") or data.get("code")
        msg = data.get("message")
        if msg is None and isinstance(data.get("errors"), list) and data["errors"]:
            first = data["errors"][0]
            msg = first.get("detail") or first.get("title") if isinstance(first, dict) else None
        return (str(code) if code is not None else None), (str(msg) if msg is not None else None)
    return None, None


def _looks_like_html(body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def error_for_response(source: str, response: httpx.Response) -> SourceError | None:
    """The typed error a response means, or None for a success (2xx without an error code)."""
    status = response.status_code
    if status < 400 and status != 200:
        return None
    body = response.content
    code, message = _error_code_and_message(body)
    if status == 200:
        return None  # 200 bodies are judged by the source parser (Savant's error CSV, ...)
    request = describe_request(response.request)
    text = body[:2000].decode("utf-8", "replace")
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    kw: dict[str, Any] = {
        "source": source,
        "status_code": status,
        "body": text,
        "request": request,
        "error_code": code,
    }
    detail = message or (response.reason_phrase or "error")
    if code is not None and code in _ERROR_CODES:
        cls = _ERROR_CODES[code]
    elif status == 429:
        cls = RateLimitedError
    elif status in (401, 403):
        cls = UnauthorizedError
        if _looks_like_html(body) or status == 403:
            detail = (
                f"{detail}: access denied; the upstream may be blocking automated clients "
                "(bot protection) or the key is not valid"
            )
    elif status == 404:
        cls = NotFoundError
    elif status >= 500:
        cls = SourceServerError
    else:
        cls = BadRequestError
    msg = f"HTTP {status}" + (f" {code}" if code else "") + f": {detail}"
    if cls is RateLimitedError:
        return RateLimitedError(msg, retry_after=retry_after, **kw)
    return cls(msg, **kw)


def is_retryable(exc: BaseException) -> bool:
    """The single retry decision: connection errors, timeouts, 408, 429 and 5xx only."""
    if isinstance(exc, SourceConnectionError):  # includes SourceTimeoutError
        return True
    if isinstance(exc, RateLimitedError | SourceServerError):
        return True
    if isinstance(exc, SourceStatusError):
        return exc.status_code in (408, 425) or exc.status_code >= 500
    return False


async def send(
    client: httpx.AsyncClient,
    source: str,
    method: str,
    url: str,
    *,
    params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    total_timeout_s: float | None = None,
) -> httpx.Response:
    """One attempt: send, read the body, map failures onto the error tree.

    Raises :class:`SourceTimeoutError` past ``total_timeout_s`` (or any httpx timeout),
    :class:`SourceConnectionError` for transport failures, and the status error from
    :func:`error_for_response` for error statuses.  Returns the response (body read) otherwise.
    """
    request = client.build_request(method, url, params=params, headers=headers)
    deadline = total_timeout_s if total_timeout_s is not None else _total(client)
    try:
        with anyio.fail_after(deadline):
            response = await client.send(request)
    except (
        TimeoutError,
        httpx.TimeoutException,
        httpx.DecodingError,
        httpx.TransportError,
        OSError,
    ) as exc:
        raise _send_error(exc, source, request, deadline) from exc
    error = error_for_response(source, response)
    if error is not None:
        raise error
    return response


def _send_error(
    exc: Exception, source: str, request: httpx.Request, deadline: float
) -> SourceTimeoutError | SourceDecodeError | SourceConnectionError:
    """The error-tree error for a failed send (``TimeoutError`` first: it is an ``OSError``)."""
    text = redact(str(exc))
    where = {"source": source, "request": describe_request(request)}
    if isinstance(exc, TimeoutError):  # our own deadline (anyio.fail_after)
        return SourceTimeoutError(f"no complete response within {deadline:g} s", **where)
    if isinstance(exc, httpx.TimeoutException):
        return SourceTimeoutError(f"{type(exc).__name__}: {text or 'timed out'}", **where)
    if isinstance(exc, httpx.DecodingError):
        return SourceDecodeError(f"could not decode the response body: {text}", **where)
    return SourceConnectionError(f"{type(exc).__name__}: {text or 'connection failed'}", **where)


def _total(client: httpx.AsyncClient) -> float:
    t = client.timeout
    parts = [v for v in (t.connect, t.read, t.write, t.pool) if v is not None]
    return float(sum(parts)) if parts else 60.0


def wrap_unexpected(source: str, exc: Exception) -> SavantError:
    """Errors from user callables and parsers that are not ours become a SourceDecodeError."""
    if isinstance(exc, SavantError):
        return exc
    return SourceDecodeError(f"{type(exc).__name__}: {redact(str(exc))}", source=source)
