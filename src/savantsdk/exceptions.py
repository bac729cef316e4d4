"""The one error tree of savantsdk.

Every exception the SDK raises on purpose derives from :class:`SavantError`::

    SavantError
    ├── ConfigurationError(SavantError, ValueError)   bad setting/argument: names it and its range
    ├── MissingExtraError(SavantError, ImportError)   optional dependency absent: .extra to install
    ├── SourceError                                   .source, .request (secrets redacted)
    │   ├── SourceConnectionError                     could not connect / connection dropped
    │   │   └── SourceTimeoutError                    connect/read/pool/total deadline passed
    │   ├── SourceStatusError                         .status_code, .body (redacted, truncated)
    │   │   ├── BadRequestError                       other 4xx (never retried)
    │   │   ├── UnauthorizedError                     401/403, bad or missing key, bot block
    │   │   ├── NotFoundError                         404
    │   │   ├── RateLimitedError                      429 / EXCEEDED_FREQ_LIMIT, .retry_after
    │   │   ├── QuotaExceededError                    credits/quota exhausted (never retried)
    │   │   └── SourceServerError                     5xx and Savant's "Query Timeout" CSV
    │   ├── SourceDecodeError                         payload could not be parsed (HTML, bad JSON)
    │   └── AllFailedError                            every part of a multi-part call failed:
    │                                                 .errors, .root_cause, .result
    ├── CircuitOpenError                              .source, .retry_at, .opened_by (fail fast)
    ├── CacheError                                    only from explicit cache calls
    ├── ClientClosedError                             a call on a closed blocking Client
    ├── BlockingCallError(SavantError, RuntimeError)  a blocking Client call on its own loop: await
    ├── BatchError(ExceptionGroup, SavantError)       .result: the full BatchResult
    └── PropGenerationError                           unknown stat, bad line, no data

Warnings (``warnings.warn``) have their own small tree::

    SavantWarning(UserWarning)
    ├── PartialResultWarning                          some parts of a call failed; the rest is kept
    ├── OtherDayLinesWarning                          lines of another day priced on request
    └── CacheDegradedWarning                          the disk cache is unusable; caching in memory

Rules: the SDK always raises ``... from exc``; whether an error is worth retrying is decided
in one place (:func:`savantsdk._http.is_retryable`); messages never contain API keys or
passwords (they pass through :func:`savantsdk._redact.redact` first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ._redact import redact

if TYPE_CHECKING:
    from .executor import BatchResult

__all__ = (
    "AllFailedError",
    "BadRequestError",
    "BatchError",
    "BlockingCallError",
    "CacheDegradedWarning",
    "CacheError",
    "CircuitOpenError",
    "ClientClosedError",
    "ConfigurationError",
    "MissingExtraError",
    "NotFoundError",
    "OtherDayLinesWarning",
    "PartialResultWarning",
    "PropGenerationError",
    "QuotaExceededError",
    "RateLimitedError",
    "SavantError",
    "SavantWarning",
    "SourceConnectionError",
    "SourceDecodeError",
    "SourceError",
    "SourceServerError",
    "SourceStatusError",
    "SourceTimeoutError",
    "UnauthorizedError",
)


class SavantError(Exception):
    """Base class of every error savantsdk raises on purpose."""

    def __init__(self, message: str = "", *args: object) -> None:
        super().__init__(redact(message), *args)

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class ConfigurationError(SavantError, ValueError):
    """A setting or argument is invalid.  ``.setting`` names it; the message gives the range."""

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting


class MissingExtraError(SavantError, ImportError):
    """An optional dependency is not installed.

    ``.extra`` is the savantsdk extra that installs it (``pip install 'savantsdk[<extra>]'``),
    ``.package`` the distribution that is missing; ``.name`` (from :class:`ImportError`) the
    module that failed to import.
    """

    def __init__(self, message: str, *, extra: str, package: str, module: str) -> None:
        super().__init__(message)
        self.extra = extra
        self.package = package
        self.name: str | None = module


class SourceError(SavantError):
    """An upstream source failed.  ``.source`` is its name, ``.request`` a redacted description."""

    def __init__(self, message: str, *, source: str, request: str | None = None) -> None:
        super().__init__(message)
        self.source = source
        self.request: str | None = redact(request) if request is not None else None

    def __str__(self) -> str:
        base = f"[{self.source}] {self.message}"
        return f"{base} ({self.request})" if self.request else base


class SourceConnectionError(SourceError):
    """Could not connect to the upstream, or the connection broke mid-response."""


class SourceTimeoutError(SourceConnectionError):
    """A connect, read, write, pool or total deadline passed."""


class SourceStatusError(SourceError):
    """The upstream answered with an error status (or an error body on HTTP 200)."""

    def __init__(
        self,
        message: str,
        *,
        source: str,
        status_code: int,
        body: str = "",
        request: str | None = None,
        error_code: str | None = None,
    ) -> None:
        super().__init__(message, source=source, request=request)
        self.status_code = status_code
        self.body: str = redact(body[:2000])
        self.error_code = error_code


class BadRequestError(SourceStatusError):
    """A 4xx the SDK cannot fix by retrying (400, 405, 409, 422, ...)."""


class UnauthorizedError(SourceStatusError):
    """401/403: key missing, invalid or deactivated, or the request was blocked as a bot."""


class NotFoundError(SourceStatusError):
    """404: the resource (game, player, event) does not exist upstream."""


class RateLimitedError(SourceStatusError):
    """429 or an equivalent body; ``.retry_after`` (seconds) when the upstream said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class QuotaExceededError(SourceStatusError):
    """The account's quota or credits are spent, or a call would exceed the user's budget."""


class SourceServerError(SourceStatusError):
    """5xx, or an upstream-side failure reported in a 200 body (Savant's "Query Timeout")."""


class SourceDecodeError(SourceError):
    """The payload could not be parsed: HTML where CSV/JSON was expected, truncated data, ..."""


def describe_cause(exc: BaseException) -> str:
    """``"SourceConnectionError: [savant] ConnectError: ..."`` (redacted; a ``SourceError``'s
    request, which can be long, is left out)."""
    if isinstance(exc, SourceError):
        return redact(f"{type(exc).__name__}: [{exc.source}] {exc.message}")
    return redact(f"{type(exc).__name__}: {exc}")


class AllFailedError(SourceError):
    """Every part of a multi-part call failed (every day of a Statcast range, every id of a
    batch), so there is no data at all: raised instead of returning an empty result.

    ``.errors``: ``{part: typed error}`` for every part; ``.root_cause``: the error that best
    explains the failure (the first one that is not a :class:`CircuitOpenError`, which only
    repeats it), also the ``__cause__``; ``.result``: the empty result the call would have
    returned (``StatcastResult``, ``BatchResult``, ...).  Pass ``errors="return"`` to the call
    to get that result back instead.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str,
        errors: Mapping[Any, Exception],
        root_cause: Exception,
        result: object = None,
    ) -> None:
        super().__init__(message, source=source)
        self.errors: dict[Any, Exception] = dict(errors)
        self.root_cause = root_cause
        self.result = result


class CircuitOpenError(SavantError):
    """The source's circuit breaker is open; calls fail fast until ``.retry_at``.

    ``.opened_by``: the upstream error that opened the breaker (the last failure counted before
    it opened), when this process saw it; the message names its type and (redacted) message.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str,
        retry_at: datetime,
        opened_by: BaseException | None = None,
    ) -> None:
        super().__init__(message)
        self.source = source
        self.retry_at = retry_at
        self.opened_by = opened_by


class CacheError(SavantError):
    """Raised only by explicit cache calls; normal reads/writes fail open."""


class ClientClosedError(SavantError):
    """A blocking :class:`~savantsdk.Client` was called after ``close()`` (or after the client
    it was copied from with ``with_options()`` was closed)."""


class BlockingCallError(SavantError, RuntimeError):
    """A blocking :class:`~savantsdk.Client` method was called on the client's own event loop
    (from a coroutine, callback or hook that the client runs), where blocking would deadlock.
    The message says what to use instead: ``await`` with :class:`~savantsdk.AsyncClient`."""


class BatchError(ExceptionGroup, SavantError):  # type: ignore[misc,unused-ignore]
    """Raised by ``BatchResult.raise_for_errors()``: the failed items' errors, plus ``.result``."""

    result: BatchResult[Any, Any]

    def __new__(
        cls, message: str, exceptions: Sequence[Exception], *, result: BatchResult[Any, Any]
    ) -> BatchError:
        self = super().__new__(cls, message, exceptions)
        self.result = result
        return self

    def __init__(
        self, message: str, exceptions: Sequence[Exception], *, result: BatchResult[Any, Any]
    ) -> None:
        # ExceptionGroup initialises itself in __new__; keep SavantError's redaction out.
        pass

    def derive(self, excs: Sequence[Exception]) -> BatchError:  # type: ignore[override]
        return BatchError(self.message, excs, result=self.result)


class PropGenerationError(SavantError):
    """Props could not be generated: unknown stat, line <= 0, malformed line file, ..."""


class SavantWarning(UserWarning):
    """Base class of every warning savantsdk emits on purpose."""


class PartialResultWarning(SavantWarning):
    """Some parts of a multi-part call failed; the result keeps the others.

    Emitted by calls such as ``savant.statcast(start, end)`` when some days failed (the
    message names them and the cause; the typed errors are in the result's ``errors``).  Turn
    it into an error with ``warnings.simplefilter("error", PartialResultWarning)`` or silence
    it per call with ``errors="return"``.
    """


class OtherDayLinesWarning(SavantWarning):
    """Market lines of another day than the slate's were priced because the caller asked for
    it (``allow_other_day_lines=True``, ``--allow-other-day-lines``).  Without that request such
    a board is refused with a :class:`PropGenerationError` naming both dates."""


class CacheDegradedWarning(SavantWarning):
    """The disk cache cannot be used (read-only or full directory, no permission): the
    :class:`~savantsdk.cache.DiskCache` caches in memory for the rest of the process.  Emitted
    once per cache; no call fails because of it."""
